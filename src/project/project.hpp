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
    /// Life-circle bands in minutes (SPEC 4; GB 50180-2018's 5-, 10- and 15-minute tiers).
    std::vector<double> bands = {5, 10, 15};
    /// SPEC 4: minutes × walk_kmh × 1000 / 60, left to right.
    double reach_m(const std::string& type) const {
        auto it = minutes_by_type.find(type);
        double m = it == minutes_by_type.end() ? minutes : it->second;
        return m * walk_kmh * 1000 / 60;
    }
    /// The distance of a band (or any walking time), with the same arithmetic as reach_m.
    double metres_of(double minutes_) const { return minutes_ * walk_kmh * 1000 / 60; }
};

/// The kinds of check a rule can make (SPEC 5).
enum class Check { MinCount, ReachShare, Ratio, CompoundSupport, MinAccess, FacilityShare, UnitShare, MinTotal };
/// The name a project file uses ("min_count" ...).
const char* check_name(Check c);
/// Every check, in the order messages list them.
const std::vector<Check>& all_checks();

/// One side of a `ratio` rule: a sum of an attribute over facilities or compounds, or
/// a unit demographic (census population, elderly, infants) of each unit.
struct RatioTerm {
    std::string of = "facilities";  ///< facilities | compounds | units
    std::string attr;               ///< beds, nursing_beds, floor_area, elderly, population, households, infants, or a mapped attribute
    std::vector<std::string> types; ///< facility types (empty = all)
    json where;                     ///< facility filter
};

struct Rule {
    Check check = Check::MinCount;
    std::string id, title_zh, title_en, source;
    std::optional<int> due;              ///< the deadline year its document states
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
    json unit_condition;                 ///< unit_share: the unit attribute condition
    std::string total_attr;              ///< min_total: the facility attribute summed ("" = count)
    bool headline = false;               ///< drawn as a map in the report
    /// What the project changed in a profile's rule, "target_share: 1 -> 0 (/rules/3)":
    /// its source no longer says all of it, so the report and summary.json show this.
    std::vector<std::string> changed_by_project;
    json raw;                            ///< the rule as given (profile expanded)
};

/// A census table joined to one unit level by code (SPEC 3 `census`).
struct CensusSpec {
    std::filesystem::path path;      ///< absolute
    std::string layer, where, encoding;
    int level = -1;                  ///< kDistrict..kCommunity, or -1 for the whole area
    std::map<std::string, std::string> fields;      ///< id, population, households, elderly, infants -> column
    std::map<std::string, std::string> attributes;  ///< unit attribute -> column
    std::string pointer;             ///< "/census/0", for messages
    bool operator==(const CensusSpec& o) const {
        return path == o.path && layer == o.layer && where == o.where && encoding == o.encoding && level == o.level &&
               fields == o.fields && attributes == o.attributes;
    }
};

struct Project {
    std::filesystem::path file;          ///< absolute path of the project file
    std::string name;
    std::string working_crs = "auto";
    std::map<std::string, LayerSpec> layers;
    AccessSpec access;
    std::string profile;
    std::vector<Rule> rules;             ///< profile rules with project overrides applied
    std::vector<CensusSpec> census;
    std::optional<double> persons_per_household;  ///< fallback for compound estimates
    bool estimate_compounds = true;
    std::optional<int> as_of;            ///< --as-of: only rules due by then are evaluated
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

/// Built-in profile rules (data/profiles/*.json, compiled in), `include`s expanded;
/// `name` may be an old alias (kunming-2025 -> kunming). Throws ConfigError if unknown.
json builtin_profile(const std::string& name);
/// Canonical names (km25, km22, jn23, yx19, yx21, kunming, jinning, yuxi).
std::vector<std::string> builtin_profile_names();
/// Old names kept as aliases (kunming-2025, jinning-2023, yuxi-2023).
std::vector<std::string> builtin_profile_aliases();

/// Parses one rule object; `where` names its JSON pointer for messages.
Rule parse_rule(const json& j, const std::string& file, const std::string& pointer);

/// The document as summary.json reports it: paths absolute, profile expanded.
json resolved_config(const Project& p);

}  // namespace lc
