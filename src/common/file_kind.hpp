#pragma once
// What a path is, before anything opens it: opening a FIFO blocks until a writer comes
// (forever), and a device or socket is no data set either.
#include <filesystem>
#include <string>

namespace lc {

/// Empty when `path` is a regular file (or, with `allow_folder`, a folder: shapefile
/// folders, File Geodatabases) or does not exist (the caller reports that itself);
/// otherwise why it cannot be read, e.g. "is a FIFO (named pipe), not a regular file".
/// Symbolic links are followed.
std::string special_file_problem(const std::filesystem::path& path, bool allow_folder);

}  // namespace lc
