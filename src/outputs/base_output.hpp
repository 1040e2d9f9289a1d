#pragma once
// What the base run of a batch wrote, kept for its scenarios (SPEC 7).
//
// A scenario that adds or removes a few facilities changes a few rows of each layer and
// leaves many files as they were, yet each scenario folder must hold the full output
// (42 MB for the metro city). The base run fills a BaseOutput with the text of every
// file and every GeoJSON feature it wrote; a scenario then
//   - copies the text of a feature whose row (values and geometry key) equals the
//     base's instead of formatting it again,
//   - makes a file whose bytes equal the base's a hard link to the base's file,
//   - takes the SVG path data of units and compounds from the base's maps.
// Outputs stay byte-identical to a `run --scenario` of the same patch: nothing is
// reused unless it is equal by value. A scenario whose inputs differ from the base's
// (another layer, working CRS or access mode) gets no BaseOutput at all.
//
// Filled by the base alone, before the scenarios start (its layers in parallel, hence
// the lock), and only read afterwards: the scenarios look up features and paths in it
// without locking.
#include "outputs/geojson.hpp"
#include "common/model.hpp"
#include "report/svgmap.hpp"
#include "common/table.hpp"

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lc {

class WriteGroup;

/// One GeoJSON layer as the base wrote it.
struct LayerText {
    std::vector<Field> fields;
    std::vector<std::vector<Value>> rows;
    std::vector<std::string> keys;                 ///< Table::geom_keys
    std::string text;                              ///< the whole file
    std::vector<std::pair<size_t, size_t>> spans;  ///< per row: offset and length of its feature in `text`
    std::unordered_map<std::string, std::vector<int>> by_key;  ///< rows by key, ascending

    /// The base row that row `row` (with geometry key `key`) of a scenario's table
    /// stands for: the one after `prev` (the row matched last) when its key is `key`,
    /// else the first row with `key` after `prev`, else the first with `key`; -1 if none.
    int align(const std::string& key, int prev) const;
};

/// Equal values that format to the same text: doubles compare bit for bit (0.0 and
/// -0.0 print differently), strings byte for byte.
bool same_value(const Value& a, const Value& b);
bool same_values(const std::vector<Value>& a, const std::vector<Value>& b);
bool same_fields(const std::vector<Field>& a, const std::vector<Field>& b);

class BaseOutput {
public:
    explicit BaseOutput(std::filesystem::path base_dir) : dir_(std::move(base_dir)) {}
    /// The base's output folder.
    const std::filesystem::path& dir() const { return dir_; }

    /// Geometry text by feature key (see geojson.hpp).
    GeometryTextCache geometry;
    /// SVG path data of units ([level][index]) and compounds ([index]) drawn in `frame`;
    /// an entry holds the id it was made for and counts only for that id.
    struct PathEntry {
        std::string id;
        std::string d;
        bool set = false;
    };
    struct Paths {
        svg::Frame frame;
        std::array<std::vector<PathEntry>, kLevels> units;
        std::vector<PathEntry> compounds;
    };
    /// Path data drawn in `frame`, or nullptr (none kept for another frame).
    const Paths* paths(const svg::Frame& frame) const;
    Paths& fill_paths(const svg::Frame& frame);

    const LayerText* layer(const std::string& name) const;
    LayerText& add_layer(const std::string& name);
    /// An indicator map as the base drew it, with what it was drawn from
    /// (report_maps.cpp map_inputs): a scenario with the same inputs takes it as is.
    struct KeptMap {
        std::string inputs, title, svg;
    };
    const KeptMap* map(const std::string& rule_id) const;
    void add_map(const std::string& rule_id, KeptMap m);

    /// What the compounds layer's rows were made from, per analysis type (outputs.cpp):
    /// a scenario's compound whose figures equal these takes the base's row unseen.
    struct CompoundColumns {
        std::vector<std::string> types;
        std::vector<std::vector<double>> dist;
        std::vector<std::vector<char>> reached;
        std::vector<std::vector<std::string>> nearest;  ///< facility id, "" for none
        std::vector<std::vector<std::optional<double>>> access;  ///< empty for a type without access
        std::vector<char> unreachable;
        std::string signature;  ///< walking speed and census settings the rows were made with
    };
    const CompoundColumns* compound_columns() const { return columns_.get(); }
    void set_compound_columns(CompoundColumns c) { columns_ = std::make_unique<CompoundColumns>(std::move(c)); }

    /// Text of a file by its path inside the folder ("maps/x.svg"), or nullptr.
    const std::string* file(const std::string& rel) const;
    void add_file(const std::string& rel, const std::string& text);

private:
    std::filesystem::path dir_;
    mutable std::mutex m_;
    std::map<std::string, std::unique_ptr<LayerText>> layers_;
    std::map<std::string, std::string> files_;
    std::map<std::string, KeptMap> maps_;
    std::unique_ptr<CompoundColumns> columns_;
    std::unique_ptr<Paths> paths_;
};

/// What a writer reuses (`use`: a scenario's view of the base) or records (`fill`:
/// the base run); both null outside batches.
struct Reuse {
    const BaseOutput* use = nullptr;
    BaseOutput* fill = nullptr;
    /// Where large files are written while the caller goes on (null: written before
    /// the writer returns). The caller waits for it before it uses the files.
    WriteGroup* group = nullptr;
};

/// Writes `text` to `dir / rel`: a hard link to the base's file when the base wrote
/// exactly these bytes there, else a new file; records the text when filling.
void write_output_file(const std::filesystem::path& dir, const std::string& rel, std::string text, const Reuse& reuse);

/// Hard link `to` -> `from` (false where the file system refuses; the caller then writes).
bool link_file(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace lc
