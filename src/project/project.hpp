#pragma once
// The project file (SPEC section 3) and rules (section 5) as plain structs.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lc {

using json = nlohmann::ordered_json;

struct LayerSpec {
    bool present = false;
    std::string key;                 ///< district, street, community, compounds, facilities, roads, gates
    std::filesystem::path path;      ///< absolute
    std::string layer, where, crs, encoding;
    std::map<std::string, std::string> fields;      ///< canonical name -> source field
    std::map<std::string, std::string> attributes;  ///< attribute name -> source field
    std::map<std::string, std::string> type_map, kind_map, operator_map;
    std::vector<std::string> exclude;               ///< road classes not walkable
    std::string field(const std::string& k) const {
        auto it = fields.find(k);
        return it == fields.end() ? std::string() : it->second;
    }
};

struct AccessSpec {
    std::string mode = "radius";
    double walk_kmh = 4.0;
    double minutes = 15;
    std::map<std::string, double> minutes_by_type;
    double max_access_m = 500;
    double service_area_buffer_m = 50;
    double point_support_m = 50;
    /// SPEC 4: minutes × walk_kmh × 1000 / 60, left to right.
    double reach_m(const std::string& type) const {
        auto it = minutes_by_type.find(type);
        double m = it == minutes_by_type.end() ? minutes : it->second;
        return m * walk_kmh * 1000 / 60;
    }
};

/// One side of a `ratio` rule: sum of an attribute over facilities or compounds.
struct RatioTerm {
    std::string of = "facilities";  ///< facilities | compounds
    std::string attr;               ///< beds, nursing_beds, floor_area, elderly, population, households, or a mapped attribute
    std::vector<std::string> types; ///< facility types (empty = all)
    json where;                     ///< facility filter
};

struct Rule {
    std::string id, check, title_zh, title_en, source;
    std::string level = "area";          ///< area | district | street | community
    std::vector<std::string> kinds;      ///< unit kinds the rule applies to (empty = all)
    std::vector<std::string> types;
    json where;                          ///< facility filter
    double min = 1;
    double target_share = 1.0;
    std::string weight = "compounds";
    RatioTerm numerator, denominator;
    double per = 1;
    std::optional<int> since_year, before_year;
    double within_m = 0;
    std::optional<double> min_area_per_100_households, min_single_area;
    bool headline = false;               ///< drawn as a map in the report
    json raw;                            ///< the rule as given (profile expanded)
};

struct Project {
    std::filesystem::path file;          ///< absolute path of the project file
    std::string name;
    std::string working_crs = "auto";
    std::map<std::string, LayerSpec> layers;
    AccessSpec access;
    std::string profile;
    std::vector<Rule> rules;             ///< profile rules with project overrides applied
    std::vector<std::string> custom_types;  ///< facility types the project declares beside the canonical ones
    std::vector<std::string> warnings;   ///< found while reading the project (validate.hpp); read_inputs reports them
    json doc;                            ///< the project document as used (after scenario patches)

    const LayerSpec* layer(const std::string& k) const {
        auto it = layers.find(k);
        return it == layers.end() || !it->second.present ? nullptr : &it->second;
    }
};

/// Reads a JSON file (json_text.hpp: bounded depth, numbers checked). Throws
/// ConfigError (exit 2) naming the file and JSON pointer of the problem.
json read_json_file(const std::filesystem::path& file);
/// Builds a Project from a (possibly patched) document; `file` resolves relative paths.
Project parse_project(const json& doc, const std::filesystem::path& file);
Project load_project(const std::filesystem::path& file);

/// Built-in profile rules (data/profiles/*.json, compiled in). Throws ConfigError if unknown.
json builtin_profile(const std::string& name);
std::vector<std::string> builtin_profile_names();

/// Parses one rule object; `where` names its JSON pointer for messages.
Rule parse_rule(const json& j, const std::string& file, const std::string& pointer);

/// The document as summary.json reports it: paths absolute, profile expanded.
json resolved_config(const Project& p);

}  // namespace lc
