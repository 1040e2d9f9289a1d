#pragma once
// The life cycle of the output folder (SPEC 2, 6): checking --out before a run, the
// temporary folder beside it, and replacing the previous output with the new one.
#include "outputs/base_output.hpp"

#include <filesystem>

namespace lc {

/// A fresh temporary folder beside `out` for an atomic write.
std::filesystem::path make_staging_dir(const std::filesystem::path& out);
/// Replaces `out` with `staging`. Refuses (OutputError) when `out` exists and is not a
/// previous lifecircle output or an empty folder.
void commit_output(const std::filesystem::path& staging, const std::filesystem::path& out);
/// Marks a folder as lifecircle output, so that a later run may replace it.
void write_output_marker(const std::filesystem::path& dir, const Reuse& reuse = {});
/// Throws OutputError unless `out` may be replaced (checked before the run starts).
void check_output_target(const std::filesystem::path& out);

}  // namespace lc
