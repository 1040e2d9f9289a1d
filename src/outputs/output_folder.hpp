#pragma once
// The life cycle of an output folder (SPEC 2 and 6, docs/outputs.md): checked before a
// command reads its inputs, written as a temporary folder beside --out, exchanged with
// the previous output in one step at the end, under a lock, and the previous output
// removed before the command returns. lifecircle replaces or removes only what its
// marker file lists (output_manifest.hpp); anything else in the way is refused by name.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace lc {

/// A line for the user (stderr in the program): waiting for another command on the same
/// --out, or a previous output that could not be removed completely.
using Notice = std::function<void(const std::string&)>;

class OutputFolder {
public:
    /// The pre-flight, before any input is read. Resolves `out` as the system will
    /// (a symbolic link: the folder it names, which is written and replaced; the link
    /// stays), creates missing parent folders, takes the lock `.<name>.lock` beside it
    /// (waiting, with a line on stderr, while another lifecircle holds it), removes
    /// what a stopped run on it left, and refuses (OutputError, exit 3, naming the
    /// path and what to do) any --out that cannot be written or that holds something
    /// lifecircle did not write there for `command` (run, batch, site): files of the
    /// user, another command's output, one of `inputs`, the current folder. An empty
    /// `out` is a usage error (exit 2).
    OutputFolder(const std::filesystem::path& out, const std::string& command, const std::vector<std::filesystem::path>& inputs,
                 Notice notice = {});
    /// Removes the temporary folder unless committed; releases the lock.
    ~OutputFolder();
    OutputFolder(const OutputFolder&) = delete;
    OutputFolder& operator=(const OutputFolder&) = delete;

    /// The folder written (absolute, links resolved).
    const std::filesystem::path& target() const { return target_; }
    /// The temporary folder beside target() that the command writes into (made on the first call).
    const std::filesystem::path& staging();
    /// Lists what the temporary folder holds in its marker and exchanges it with the
    /// previous output in one step; the previous output is removed before this returns.
    void commit();

private:
    void check_existing() const;
    void remove_stale() const;

    std::string command_;
    Notice notice_;
    std::string shown_;  ///< --out as given, and where it leads when that differs
    std::filesystem::path target_;
    std::filesystem::path staging_;
    std::filesystem::path lock_file_;
    int lock_fd_ = -1;
};

namespace output_folder_testing {
/// Replace with two renames, as on a file system without RENAME_EXCHANGE (unit tests).
extern bool no_exchange;
}  // namespace output_folder_testing

}  // namespace lc
