#pragma once
// What lifecircle wrote in an output folder. The marker file `.lifecircle-output` at the
// top of every output lists each file (with its size) and each folder lifecircle made
// there, so that a later run replaces the folder only while it holds nothing else: a
// marker alone would let a run delete whatever a user put into an old output folder
// (docs/outputs.md, "The output folder's life cycle").
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace lc {

/// The marker's name, in the top folder of every output and temporary folder.
extern const char* const kOutputMarker;

struct OutputManifest {
    enum class Kind {
        none,     ///< no marker
        legacy,   ///< a marker that lists no files (an older lifecircle), or one that cannot be read
        staging,  ///< the temporary folder of a run that has not finished
        output,   ///< a finished output with its file list
    };
    Kind kind = Kind::none;
    std::string command;                          ///< the command that wrote it: run, batch, site
    std::map<std::string, std::uintmax_t> files;  ///< path relative to the folder ('/'-separated) -> size in bytes
    std::set<std::string> folders;                ///< relative paths of the folders inside
};

/// The marker of `dir` (Kind::none when there is none).
OutputManifest read_manifest(const std::filesystem::path& dir);
/// Every file and folder under `dir`, the marker aside, links not followed. Throws
/// OutputError naming what cannot be read.
OutputManifest list_folder(const std::filesystem::path& dir);
/// Writes the marker of `dir` (a finished output, or a temporary folder). Throws OutputError.
void write_manifest(const std::filesystem::path& dir, const OutputManifest& m);

/// What is in `dir` that `m` does not account for: a file or folder it does not list,
/// a file whose size changed, a link, a nested lifecircle output. `items` holds the
/// first `max` ones, readable ("notes.txt", "site/ (another lifecircle output)",
/// "coverage.csv (changed since lifecircle wrote it)"); `count` all of them (a folder
/// not listed counts once, whatever it holds).
struct Foreign {
    std::vector<std::string> items;
    size_t count = 0;
    /// "a, b, c and 4 more"
    std::string text() const;
};
Foreign foreign_entries(const std::filesystem::path& dir, const OutputManifest& m, size_t max = 5);

/// Removes `dir`, a previous output whose every entry `m` lists (check with
/// foreign_entries first): its files (several at a time: a batch's output holds
/// thousands, and each removal waits on the file system), its folders, its marker and
/// itself. Only what `m` lists is removed; false when something else was there (it is
/// left, and so is `dir`).
bool remove_output(const std::filesystem::path& dir, const OutputManifest& m);

}  // namespace lc
