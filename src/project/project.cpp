#include "project/project.hpp"

#include "common/errors.hpp"
#include "common/model.hpp"
#include "common/suggest.hpp"
#include "project/json_text.hpp"
#include "project/validate.hpp"
#include "project/vocabulary.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace lc {

const std::map<std::string, std::string>& profile_texts();  // generated from data/profiles

namespace {

namespace fs = std::filesystem;

std::string ptr_join(const std::string& base, const std::string& key) { return base + "/" + key; }

/// What a project's rule of the same id changes in a profile's rule.
struct ProfileChange {
    std::vector<std::string> fields;  ///< "target_share: 1 -> 0 (/rules/3)"
    bool lowers_target = false;       ///< a threshold made easier to meet
};

ProfileChange profile_changes(const json& profile_rule, const json& project_rule, const std::string& ptr) {
    // Thresholds a rule is met at or above (lower is easier), and the one it is met
    // within (higher is easier).
    static const std::set<std::string> at_least = {"target_share", "min", "min_area_per_100_households", "min_single_area"};
    ProfileChange c;
    for (auto it = project_rule.begin(); it != project_rule.end(); ++it) {
        const std::string& k = it.key();
        if (k == "id" || k == "title" || k == "headline") continue;  // naming and drawing change nothing checked
        // A threshold the profile leaves to its default is that default (SPEC 5).
        static const std::map<std::string, double> defaults = {{"target_share", 1.0}, {"min", 1.0}};
        const json before = profile_rule.contains(k) ? profile_rule[k] : defaults.count(k) ? json(defaults.at(k)) : json();
        if (before == it.value()) continue;
        c.fields.push_back(k + ": " + (before.is_null() ? std::string("(not set)") : before.dump()) + " -> " + it.value().dump() + " (" +
                           ptr_join(ptr, k) + ")");
        const bool numbers = before.is_number() && it.value().is_number();
        if (numbers && at_least.count(k) && it.value().get<double>() < before.get<double>()) c.lowers_target = true;
        if (numbers && k == "within_m" && it.value().get<double>() > before.get<double>()) c.lowers_target = true;
    }
    return c;
}

[[noreturn]] void fail(const std::string& file, const std::string& pointer, const std::string& what) {
    throw ConfigError(file + ": " + (pointer.empty() ? "" : pointer + ": ") + what);
}

std::string join(const std::set<std::string>& s) {
    std::string r;
    for (auto& x : s) r += (r.empty() ? "" : ", ") + x;
    return r;
}

std::string get_string(const json& j, const std::string& file, const std::string& ptr) {
    if (!j.is_string()) fail(file, ptr, "expected a string, got " + quote_json(j));
    return j.get<std::string>();
}

double get_number(const json& j, const std::string& file, const std::string& ptr, bool positive = false) {
    if (!j.is_number()) fail(file, ptr, "expected a number, got " + quote_json(j));
    double v = j.get<double>();
    if (positive && !(v > 0)) fail(file, ptr, "expected a positive number, got " + quote_json(j));
    return v;
}

// Casting an out-of-range double to int is undefined behaviour (found by fuzz_project).
int get_year(const json& j, const std::string& file, const std::string& ptr) {
    double v = get_number(j, file, ptr);
    if (!(v >= 1800 && v <= 2100) || v != static_cast<int>(v))
        fail(file, ptr, "expected a year between 1800 and 2100 such as 2014, got " + quote_json(j));
    return static_cast<int>(v);
}

std::vector<std::string> get_string_list(const json& j, const std::string& file, const std::string& ptr) {
    std::vector<std::string> out;
    if (j.is_string()) return {j.get<std::string>()};
    if (!j.is_array()) fail(file, ptr, "expected a list of strings, got " + quote_json(j));
    for (size_t i = 0; i < j.size(); ++i) out.push_back(get_string(j[i], file, ptr + "/" + std::to_string(i)));
    return out;
}

std::map<std::string, std::string> get_string_map(const json& j, const std::string& file, const std::string& ptr) {
    if (!j.is_object()) fail(file, ptr, "expected an object of \"source value\": \"canonical value\" pairs");
    std::map<std::string, std::string> m;
    for (auto it = j.begin(); it != j.end(); ++it) m[it.key()] = get_string(it.value(), file, ptr_join(ptr, it.key()));
    return m;
}

const std::set<std::string> kLayerKeys = {"district", "street", "community", "compounds", "facilities", "roads", "gates"};

std::set<std::string> allowed_keys(const std::string& layer) {
    std::set<std::string> common = {"path", "layer", "where", "crs", "encoding", "lon", "lat"};
    std::set<std::string> extra;
    if (layer == "district" || layer == "street" || layer == "community")
        extra = {"id", "name", "parent", "kind", "kind_map", "attributes"};
    else if (layer == "compounds")
        extra = {"id", "name", "year", "households", "population", "elderly", "infants"};
    else if (layer == "facilities")
        extra = {"id", "name", "type", "beds", "nursing_beds", "floor_area", "land_area", "attributes", "type_map",
                 "operator_map"};
    else if (layer == "roads")
        extra = {"class", "exclude"};
    else if (layer == "gates")
        extra = {"compound_id"};
    common.insert(extra.begin(), extra.end());
    return common;
}

LayerSpec parse_layer(const std::string& key, const json& j, const fs::path& dir, const std::string& file) {
    std::string ptr = "/layers/" + key;
    if (!j.is_object()) fail(file, ptr, "expected an object with at least \"path\"");
    LayerSpec s;
    s.key = key;
    s.present = true;
    auto allowed = allowed_keys(key);
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        std::string p = ptr_join(ptr, k);
        if (!allowed.count(k)) fail(file, p, "unknown key \"" + k + "\" (allowed here: " + join(allowed) + ")");
        if (k == "path") {
            std::string v = get_string(it.value(), file, p);
            if (v.empty()) fail(file, p, "the path is empty");
            fs::path pp = fs::u8path(v);
            // GDAL virtual paths (/vsizip/...) and URLs (validate.cpp refuses them unless
            // allowed) are passed through untouched.
            s.path = (pp.is_absolute() || v.rfind("/vsi", 0) == 0 || !network_path_kind(v).empty()) ? pp : (dir / pp).lexically_normal();
        } else if (k == "layer") {
            s.layer = get_string(it.value(), file, p);
        } else if (k == "where") {
            s.where = get_string(it.value(), file, p);
        } else if (k == "crs") {
            s.crs = get_string(it.value(), file, p);
        } else if (k == "encoding") {
            s.encoding = get_string(it.value(), file, p);
        } else if (k == "attributes") {
            s.attributes = get_string_map(it.value(), file, p);
        } else if (k == "type_map") {
            s.type_map = get_string_map(it.value(), file, p);
        } else if (k == "kind_map") {
            s.kind_map = get_string_map(it.value(), file, p);
            // Each label must map to a kind of this level (or to a Chinese label of one):
            // a kind no rule knows would make every such unit the level's default kind.
            const int level = key == "district" ? kDistrict : key == "street" ? kStreet : kCommunity;
            const std::vector<std::string>& kinds = unit_kinds(level);
            for (auto& [label, kind] : s.kind_map)
                if (unit_kind_of(level, kind).empty()) {
                    std::string names;
                    for (auto& n : kinds) names += (names.empty() ? "" : " or ") + n;
                    fail(file, ptr_join(p, label),
                         "\"" + kind + "\" is not a kind of the " + key + " level (" + names + ")" + did_you_mean(kind, kinds));
                }
        } else if (k == "operator_map") {
            s.operator_map = get_string_map(it.value(), file, p);
        } else if (k == "exclude") {
            s.exclude = get_string_list(it.value(), file, p);
        } else {
            s.fields[k] = get_string(it.value(), file, p);
        }
    }
    if (s.path.empty()) fail(file, ptr, "missing \"path\" (the file to read, relative to the project file)");
    if (key == "roads" && !j.contains("exclude"))
        s.exclude = {"motorway", "motorway_link", "trunk", "trunk_link", "construction", "proposed"};
    if (key == "roads" && s.field("class").empty()) fail(file, ptr, "missing \"class\" (the road class field, e.g. \"highway\")");
    bool needs_id = key != "roads" && key != "gates";
    if (needs_id && s.field("id").empty())
        fail(file, ptr, "missing \"id\": name the field that holds each feature's unique id");
    if (key == "facilities" && s.field("type").empty())
        fail(file, ptr, "missing \"type\": name the field that holds the facility type");
    if (key == "gates" && s.field("compound_id").empty())
        fail(file, ptr, "missing \"compound_id\": name the field that holds the compound id of each gate");
    return s;
}

RatioTerm parse_term(const json& j, const std::string& file, const std::string& ptr) {
    RatioTerm t;
    if (!j.is_object())
        fail(file, ptr, "expected an object like {\"of\": \"facilities\", \"attr\": \"beds\", \"types\": [...]} or {\"unit\": \"elderly\"}");
    for (auto it = j.begin(); it != j.end(); ++it) {
        std::string p = ptr_join(ptr, it.key());
        if (it.key() == "of") {
            t.of = get_string(it.value(), file, p);
            if (t.of != "facilities" && t.of != "compounds" && t.of != "units")
                fail(file, p, "expected \"facilities\", \"compounds\" or \"units\"");
        } else if (it.key() == "attr") {
            t.attr = get_string(it.value(), file, p);
        } else if (it.key() == "unit") {
            // {"unit": "elderly"}: the census figure of each unit (SPEC 5)
            t.of = "units";
            t.attr = get_string(it.value(), file, p);
        } else if (it.key() == "types") {
            t.types = get_string_list(it.value(), file, p);
        } else if (it.key() == "where") {
            if (!it.value().is_object()) fail(file, p, "expected an object of attribute conditions");
            t.where = it.value();
        } else {
            fail(file, p, "unknown key (allowed: of, attr, unit, types, where)");
        }
    }
    if (t.attr.empty()) fail(file, ptr, "missing \"attr\"");
    if (t.of == "units" && t.attr != "population" && t.attr != "elderly" && t.attr != "infants" && t.attr != "households")
        fail(file, ptr, "a unit demographic is population, elderly, infants or households, got \"" + t.attr + "\"");
    if (t.of == "compounds" && t.attr != "population" && t.attr != "elderly" && t.attr != "households")
        fail(file, ptr, "a compound figure is households, population or elderly, got \"" + t.attr + "\"");
    return t;
}

/// One `census` table of the project (SPEC 3).
CensusSpec parse_census(const json& j, const fs::path& dir, const std::string& file, const std::string& ptr) {
    if (!j.is_object()) fail(file, ptr, "expected an object like {\"path\": \"census.csv\", \"level\": \"community\", \"id\": \"社区代码\", ...}");
    static const std::set<std::string> keys = {"path", "layer", "where", "encoding", "level", "id", "population",
                                               "households", "elderly", "infants", "attributes"};
    CensusSpec c;
    c.pointer = ptr;
    bool level_given = false;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        std::string p = ptr_join(ptr, k);
        if (!keys.count(k)) fail(file, p, "unknown key \"" + k + "\" (allowed here: " + join(keys) + ")");
        if (k == "path") {
            std::string v = get_string(it.value(), file, p);
            if (v.empty()) fail(file, p, "the path is empty");
            fs::path pp = fs::u8path(v);
            c.path = (pp.is_absolute() || v.rfind("/vsi", 0) == 0) ? pp : (dir / pp).lexically_normal();
        } else if (k == "layer") c.layer = get_string(it.value(), file, p);
        else if (k == "where") c.where = get_string(it.value(), file, p);
        else if (k == "encoding") c.encoding = get_string(it.value(), file, p);
        else if (k == "level") {
            std::string l = get_string(it.value(), file, p);
            level_given = true;
            if (l == "district") c.level = 0;
            else if (l == "street") c.level = 1;
            else if (l == "community") c.level = 2;
            else if (l == "area") c.level = -1;
            else fail(file, p, "expected area, district, street or community, got \"" + l + "\"");
        } else if (k == "attributes") c.attributes = get_string_map(it.value(), file, p);
        else c.fields[k] = get_string(it.value(), file, p);
    }
    if (c.path.empty()) fail(file, ptr, "missing \"path\" (the census table to read, relative to the project file)");
    if (!level_given) fail(file, ptr, "missing \"level\": the unit level the table's codes name (district, street, community or area)");
    if (c.level >= 0 && !c.fields.count("id")) fail(file, ptr, "missing \"id\": name the column that holds each unit's code");
    if (!c.fields.count("population") && !c.fields.count("households") && !c.fields.count("elderly") && !c.fields.count("infants") &&
        c.attributes.empty())
        fail(file, ptr, "maps no figure: name at least one of population, households, elderly, infants or attributes");
    return c;
}

}  // namespace

const char* check_name(Check c) {
    switch (c) {
        case Check::MinCount: return "min_count";
        case Check::ReachShare: return "reach_share";
        case Check::Ratio: return "ratio";
        case Check::CompoundSupport: return "compound_support";
        case Check::MinAccess: return "min_access";
        case Check::FacilityShare: return "facility_share";
        case Check::UnitShare: return "unit_share";
        case Check::MinTotal: return "min_total";
    }
    return "?";
}

const std::vector<Check>& all_checks() {
    static const std::vector<Check> v = {Check::MinCount,      Check::ReachShare, Check::Ratio,     Check::CompoundSupport,
                                         Check::MinAccess,     Check::FacilityShare, Check::UnitShare, Check::MinTotal};
    return v;
}

namespace {

/// The profile texts by canonical name, and every alias (old names) to its profile.
struct ProfileIndex {
    std::map<std::string, json> docs;
    std::map<std::string, std::string> alias;
};

const ProfileIndex& profile_index() {
    static const ProfileIndex ix = [] {
        ProfileIndex x;
        for (auto& [file, text] : profile_texts()) {
            json d = json::parse(text);
            std::string id = d.value("id", file);
            for (auto& a : d.value("aliases", json::array())) x.alias[a.get<std::string>()] = id;
            x.docs[id] = std::move(d);
        }
        return x;
    }();
    return ix;
}

/// A profile with its `include`s expanded: the rules of each included profile in
/// order, a later rule replacing an earlier one of the same id in place, then the
/// profile's own rules the same way; `drop` removes rules an include brought.
json expand_profile(const std::string& name, std::vector<std::string>& stack) {
    const ProfileIndex& ix = profile_index();
    std::string id = ix.alias.count(name) ? ix.alias.at(name) : name;
    auto it = ix.docs.find(id);
    if (it == ix.docs.end()) {
        std::string names;
        for (auto& n : builtin_profile_names()) names += (names.empty() ? "" : ", ") + n;
        throw ConfigError("unknown profile \"" + name + "\" (built-in profiles: " + names + ")");
    }
    if (std::find(stack.begin(), stack.end(), id) != stack.end()) throw ConfigError("profile \"" + id + "\" includes itself");
    stack.push_back(id);
    const json& d = it->second;
    json out = {{"id", id}, {"title", d.value("title", json(id))}, {"sources", json::object()}, {"rules", json::array()}};
    if (d.contains("includes_note")) out["includes_note"] = d["includes_note"];
    auto put = [&](const json& r) {
        for (auto& have : out["rules"])
            if (have["id"] == r["id"]) {
                have = r;
                return;
            }
        out["rules"].push_back(r);
    };
    for (auto& inc : d.value("include", json::array())) {
        json sub = expand_profile(inc.get<std::string>(), stack);
        for (auto& r : sub["rules"]) put(r);
        for (auto& [k, v] : sub["sources"].items()) out["sources"][k] = v;
    }
    for (auto& r : d.value("rules", json::array())) put(r);
    if (d.contains("sources"))
        for (auto& [k, v] : d["sources"].items()) out["sources"][k] = v;
    for (auto& gone : d.value("drop", json::array())) {
        json& rules = out["rules"];
        for (size_t i = 0; i < rules.size(); ++i)
            if (rules[i]["id"] == gone) {
                rules.erase(i);
                break;
            }
    }
    if (!d.value("include", json::array()).empty()) out["include"] = d["include"];
    stack.pop_back();
    return out;
}

}  // namespace

std::vector<std::string> builtin_profile_names() {
    std::vector<std::string> v;
    for (auto& [k, _] : profile_index().docs) v.push_back(k);
    return v;
}

std::vector<std::string> builtin_profile_aliases() {
    std::vector<std::string> v;
    for (auto& [k, _] : profile_index().alias) v.push_back(k);
    return v;
}

json builtin_profile(const std::string& name) {
    std::vector<std::string> stack;
    return expand_profile(name, stack);
}

Rule parse_rule(const json& j, const std::string& file, const std::string& ptr) {
    if (!j.is_object()) fail(file, ptr, "a rule must be an object with \"id\" and \"check\"");
    Rule r;
    r.raw = j;
    if (!j.contains("id")) fail(file, ptr, "the rule has no \"id\"");
    r.id = get_string(j["id"], file, ptr + "/id");
    if (r.id.empty() || r.id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos)
        fail(file, ptr + "/id", "rule ids use letters, digits, '_' and '-' only (they become field names), got \"" + r.id + "\"");
    std::string names;
    for (Check c : all_checks()) names += (names.empty() ? "" : ", ") + std::string(check_name(c));
    if (!j.contains("check")) fail(file, ptr, "rule \"" + r.id + "\" has no \"check\" (" + names + ")");
    std::string check = get_string(j["check"], file, ptr + "/check");
    bool known = false;
    for (Check c : all_checks())
        if (check == check_name(c)) {
            r.check = c;
            known = true;
        }
    if (!known) fail(file, ptr + "/check", "unknown check \"" + check + "\" (expected one of: " + names + ")");
    static const std::set<std::string> keys = {"id", "check", "title", "source", "level", "kind", "types", "where", "min",
                                               "target_share", "weight", "numerator", "denominator", "per", "since_year",
                                               "before_year", "within_m", "min_area_per_100_households",
                                               "min_single_area", "headline", "enabled", "note", "decay", "due", "attribute"};
    for (auto it = j.begin(); it != j.end(); ++it) {
        std::string p = ptr_join(ptr, it.key());
        const json& v = it.value();
        const std::string& k = it.key();
        if (!keys.count(k)) fail(file, p, "unknown key \"" + k + "\" in rule \"" + r.id + "\" (allowed: " + join(keys) + ")");
        if (k == "title") {
            if (v.is_string()) r.title_zh = r.title_en = v.get<std::string>();
            else if (v.is_object()) {
                // get_string, not json::value(): {"zh": 1} must be a ConfigError, not a type_error
                auto part = [&](const char* lang) {
                    return v.contains(lang) && !v[lang].is_null() ? get_string(v[lang], file, p + "/" + lang) : std::string();
                };
                r.title_zh = part("zh");
                r.title_en = part("en");
                if (r.title_en.empty()) r.title_en = r.title_zh;
                if (r.title_zh.empty()) r.title_zh = r.title_en;
            } else fail(file, p, "expected a string or {\"zh\": ..., \"en\": ...}");
        } else if (k == "source") r.source = get_string(v, file, p);
        else if (k == "level") {
            r.level = get_string(v, file, p);
            if (r.level != "area" && r.level != "district" && r.level != "street" && r.level != "community")
                fail(file, p, "expected area, district, street or community, got \"" + r.level + "\"");
        } else if (k == "kind") r.kinds = get_string_list(v, file, p);
        else if (k == "types") r.types = get_string_list(v, file, p);
        else if (k == "where") {
            if (!v.is_object()) fail(file, p, "expected an object like {\"operator\": \"public\", \"beds\": {\">=\": 100}}");
            r.where = v;
        } else if (k == "min") r.min = number_in(v, file, p, ranges::count_min);
        else if (k == "target_share") r.target_share = number_in(v, file, p, ranges::share);
        else if (k == "weight") {
            r.weight = get_string(v, file, p);
            if (r.weight != "compounds" && r.weight != "households" && r.weight != "population" && r.weight != "elderly")
                fail(file, p, "expected compounds, households, population or elderly");
        } else if (k == "numerator") r.numerator = parse_term(v, file, p);
        else if (k == "denominator") r.denominator = parse_term(v, file, p);
        else if (k == "per") r.per = number_in(v, file, p, ranges::per);
        else if (k == "since_year") r.since_year = get_year(v, file, p);
        else if (k == "before_year") r.before_year = get_year(v, file, p);
        else if (k == "due") r.due = get_year(v, file, p);
        else if (k == "within_m") r.within_m = number_in(v, file, p, ranges::within_m);
        else if (k == "min_area_per_100_households") {
            if (!v.is_null()) r.min_area_per_100_households = number_in(v, file, p, ranges::area_per_100_households);  // null: presence only
        } else if (k == "min_single_area") {
            if (!v.is_null()) r.min_single_area = number_in(v, file, p, ranges::single_area);
        } else if (k == "attribute") {
            // min_total sums a facility attribute; unit_share tests a unit attribute condition
            if (r.check == Check::MinTotal) r.total_attr = get_string(v, file, p);
            else if (r.check == Check::UnitShare) {
                if (!v.is_object() || v.empty())
                    fail(file, p, "expected a unit attribute condition like {\"elderly_friendly\": true}");
                r.unit_condition = v;
            } else fail(file, p, "\"attribute\" belongs to min_total and unit_share rules, not " + check);
        } else if (k == "headline") r.headline = v.is_boolean() && v.get<bool>();
    }
    if (r.title_zh.empty()) r.title_zh = r.title_en = r.id;
    const std::string what = check + " rule \"" + r.id + "\"";
    switch (r.check) {
        case Check::MinCount:
        case Check::ReachShare:
        case Check::CompoundSupport:
        case Check::MinAccess:
        case Check::FacilityShare:
            if (r.types.empty()) fail(file, ptr, "rule \"" + r.id + "\" needs \"types\": the facility types it counts");
            break;
        default: break;
    }
    if (r.check == Check::Ratio && (r.numerator.attr.empty() || r.denominator.attr.empty()))
        fail(file, ptr, "ratio rule \"" + r.id + "\" needs \"numerator\" and \"denominator\"");
    if (r.check == Check::Ratio && r.numerator.of == "units")
        fail(file, ptr + "/numerator", what + ": a unit demographic can only be the denominator (e.g. {\"unit\": \"elderly\"})");
    if (r.check == Check::MinAccess && !j.contains("min")) fail(file, ptr, "min_access rule \"" + r.id + "\" needs \"min\"");
    if (r.check == Check::MinTotal && !j.contains("min")) fail(file, ptr, what + " needs \"min\": the total to reach");
    if (r.check == Check::FacilityShare && !r.where.is_object())
        fail(file, ptr, what + " needs \"where\": the condition whose share among the facilities is measured");
    if (r.check == Check::UnitShare && r.unit_condition.is_null())
        fail(file, ptr, what + " needs \"attribute\": the unit attribute condition, e.g. {\"elderly_friendly\": true}");
    if (r.check == Check::UnitShare && r.level == "area")
        fail(file, ptr, what + " needs a unit \"level\" (district, street or community): it counts units");
    return r;
}

Project parse_project(const json& doc, const fs::path& file_in) {
    // fs::absolute throws filesystem_error on "" (exit 1 "internal error" in the CLI)
    if (file_in.empty()) throw ConfigError("the project file path is empty (name the project JSON file)");
    fs::path file = fs::absolute(file_in).lexically_normal();
    std::string f = file.string();
    if (!doc.is_object()) fail(f, "", "the project must be a JSON object");
    Project p;
    p.file = file;
    p.doc = doc;
    fs::path dir = file.parent_path();
    static const std::set<std::string> top = {"name", "working_crs", "layers", "access", "profile", "rules", "description", "$schema",
                                              "custom_types", "census", "persons_per_household", "estimate_compounds"};
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (!top.count(it.key())) fail(f, "/" + it.key(), "unknown key (allowed: " + join(top) + ")");
    if (doc.contains("name")) p.name = get_string(doc["name"], f, "/name");
    if (doc.contains("working_crs")) {
        const json& w = doc["working_crs"];
        if (w.is_number_integer()) p.working_crs = "EPSG:" + std::to_string(w.get<long long>());
        else p.working_crs = get_string(w, f, "/working_crs");
    }
    if (!doc.contains("layers") || !doc["layers"].is_object())
        fail(f, "/layers", "missing: the project needs \"layers\" with at least \"compounds\" and \"facilities\"");
    for (auto it = doc["layers"].begin(); it != doc["layers"].end(); ++it) {
        if (!kLayerKeys.count(it.key()))
            fail(f, "/layers/" + it.key(), "unknown layer (allowed: " + join(kLayerKeys) + ")");
        if (it.value().is_null()) continue;  // removed by a merge patch
        p.layers[it.key()] = parse_layer(it.key(), it.value(), dir, f);
    }
    for (const char* req : {"compounds", "facilities"})
        if (!p.layer(req)) fail(f, std::string("/layers/") + req, "missing: this layer is required");
    if (doc.contains("access")) {
        const json& a = doc["access"];
        if (!a.is_object()) fail(f, "/access", "expected an object");
        static const std::set<std::string> akeys = {"mode", "walk_kmh", "minutes", "minutes_by_type", "max_access_m",
                                                    "service_area_buffer_m", "point_support_m", "decay", "bands"};
        for (auto it = a.begin(); it != a.end(); ++it) {
            std::string pp = "/access/" + it.key();
            const json& v = it.value();
            if (!akeys.count(it.key())) fail(f, pp, "unknown key (allowed: " + join(akeys) + ")");
            if (it.key() == "mode") {
                p.access.mode = get_string(v, f, pp);
                if (p.access.mode != "radius" && p.access.mode != "network")
                    fail(f, pp, "expected \"radius\" or \"network\", got \"" + p.access.mode + "\"");
            } else if (it.key() == "walk_kmh") p.access.walk_kmh = number_in(v, f, pp, ranges::walk_kmh);
            else if (it.key() == "minutes") p.access.minutes = number_in(v, f, pp, ranges::minutes);
            else if (it.key() == "max_access_m") p.access.max_access_m = number_in(v, f, pp, ranges::max_access_m);
            else if (it.key() == "service_area_buffer_m") p.access.service_area_buffer_m = number_in(v, f, pp, ranges::service_area_buffer_m);
            else if (it.key() == "point_support_m") p.access.point_support_m = number_in(v, f, pp, ranges::point_support_m);
            else if (it.key() == "bands") {
                if (!v.is_array()) fail(f, pp, "expected a list of minutes, e.g. [5, 10, 15]");
                p.access.bands.clear();
                for (size_t i = 0; i < v.size(); ++i) p.access.bands.push_back(number_in(v[i], f, pp + "/" + std::to_string(i), ranges::minutes));
                std::sort(p.access.bands.begin(), p.access.bands.end());
                p.access.bands.erase(std::unique(p.access.bands.begin(), p.access.bands.end()), p.access.bands.end());
            }
            else if (it.key() == "minutes_by_type") {
                if (!v.is_object()) fail(f, pp, "expected an object of type: minutes");
                for (auto t = v.begin(); t != v.end(); ++t)
                    if (!t.value().is_null()) p.access.minutes_by_type[t.key()] = number_in(t.value(), f, pp + "/" + pointer_token(t.key()), ranges::minutes);
            }
        }
    }
    if (p.access.mode == "network" && !p.layer("roads"))
        fail(f, "/layers/roads", "missing: \"access\": {\"mode\": \"network\"} needs a roads layer");
    if (doc.contains("census") && !doc["census"].is_null()) {
        const json& c = doc["census"];
        if (c.is_object()) p.census.push_back(parse_census(c, dir, f, "/census"));
        else if (c.is_array())
            for (size_t i = 0; i < c.size(); ++i) p.census.push_back(parse_census(c[i], dir, f, "/census/" + std::to_string(i)));
        else fail(f, "/census", "expected a list of census tables, each {\"path\": ..., \"level\": ..., \"id\": ..., \"elderly\": ...}");
        for (auto& cs : p.census)
            if (cs.level >= 0 && !p.layer(level_name(cs.level)))
                fail(f, cs.pointer + "/level", std::string("the project has no ") + level_name(cs.level) +
                                                   " layer to join this table to (add the layer, or choose another level)");
    }
    if (doc.contains("persons_per_household") && !doc["persons_per_household"].is_null())
        p.persons_per_household = number_in(doc["persons_per_household"], f, "/persons_per_household", Range{0.5, 20, "persons per household"});
    if (doc.contains("estimate_compounds")) {
        if (!doc["estimate_compounds"].is_boolean()) fail(f, "/estimate_compounds", "expected true or false");
        p.estimate_compounds = doc["estimate_compounds"].get<bool>();
    }

    // Each rule remembers where it was written, so that errors point at the project's
    // own JSON (a profile rule overridden by /rules/3 is reported there).
    std::vector<std::pair<json, std::string>> rules;
    std::map<std::string, ProfileChange> changes;  // rule id -> what the project changed in the profile's
    if (doc.contains("profile") && !doc["profile"].is_null()) {
        p.profile = get_string(doc["profile"], f, "/profile");
        try {
            json prof = builtin_profile(p.profile);
            for (auto& r : prof["rules"])
                rules.emplace_back(r, "profile " + p.profile + " rule " + r.value("id", std::string("?")));
        } catch (const ConfigError& e) {
            fail(f, "/profile", e.what());
        }
    }
    if (doc.contains("rules") && !doc["rules"].is_null()) {
        if (!doc["rules"].is_array()) fail(f, "/rules", "expected a list of rule objects");
        for (size_t i = 0; i < doc["rules"].size(); ++i) {
            const json& r = doc["rules"][i];
            std::string ptr = "/rules/" + std::to_string(i);
            if (!r.is_object() || !r.contains("id") || !r["id"].is_string())
                fail(f, ptr, "a rule needs an \"id\" (to add a rule, or to override a profile rule of that id)");
            bool merged = false;
            for (auto& [k, origin] : rules) {
                if (k["id"] == r["id"]) {
                    if (origin.rfind("profile ", 0) == 0) changes[r["id"].get<std::string>()] = profile_changes(k, r, ptr);
                    k.merge_patch(r);  // override field by field; {"enabled": false} drops it
                    origin = ptr;
                    merged = true;
                }
            }
            // An entry that overrides nothing and has no check is most likely a rule id
            // misspelt: said so, rather than "has no check" of a rule nobody meant to add.
            if (!merged && !r.contains("check")) {
                std::vector<std::string> ids;
                for (auto& [k, origin] : rules) ids.push_back(k.value("id", std::string()));
                const std::string id = r["id"].get<std::string>();
                const bool off = r.contains("enabled") && r["enabled"].is_boolean() && !r["enabled"].get<bool>();
                fail(f, ptr + "/id", "no rule " + (p.profile.empty() ? std::string("above") : "of profile " + p.profile + " or above") +
                                         " has the id \"" + id + "\"" + did_you_mean(id, ids) +
                                         (off ? "; there is nothing to turn off" : "; to add a rule of that id, give its \"check\" (SPEC 5)"));
            }
            if (!merged) rules.emplace_back(r, ptr);
        }
    }
    std::set<std::string> seen;
    for (auto& [r, origin] : rules) {
        if (r.contains("enabled") && r["enabled"].is_boolean() && !r["enabled"].get<bool>()) {
            // A plan's target the project leaves out is said, as one it changes is.
            if (changes.count(r.value("id", std::string())))
                p.warnings.push_back("rule " + r.value("id", std::string()) + " of profile " + p.profile + " is turned off by the project (" +
                                     origin + "): its target is not checked");
            continue;
        }
        Rule rule = parse_rule(r, f, origin);
        if (!seen.insert(rule.id).second) fail(f, origin, "duplicate rule id \"" + rule.id + "\"");
        if (auto c = changes.find(rule.id); c != changes.end() && !c->second.fields.empty()) {
            rule.changed_by_project = c->second.fields;
            std::string list;
            for (auto& x : c->second.fields) list += (list.empty() ? "" : "; ") + x;
            if (c->second.lowers_target)
                p.warnings.push_back("rule " + rule.id + ": the project lowers the target profile " + p.profile + " sets (" + list +
                                     "): the rule's source no longer states what is checked; the report and summary.json mark it");
        }
        p.rules.push_back(std::move(rule));
    }
    validate_project(p);
    return p;
}

Project load_project(const fs::path& file) { return parse_project(read_json_file(file), file); }

json resolved_config(const Project& p) {
    json d = p.doc;
    for (auto& [k, s] : p.layers)
        if (s.present && d["layers"].contains(k)) d["layers"][k]["path"] = s.path.u8string();
    if (d.contains("census") && d["census"].is_object()) d["census"] = json::array({d["census"]});
    for (size_t i = 0; i < p.census.size() && d.contains("census"); ++i) d["census"][i]["path"] = p.census[i].path.u8string();
    json a = json::object();
    a["mode"] = p.access.mode;
    a["walk_kmh"] = p.access.walk_kmh;
    a["minutes"] = p.access.minutes;
    a["minutes_by_type"] = p.access.minutes_by_type;
    a["max_access_m"] = p.access.max_access_m;
    a["service_area_buffer_m"] = p.access.service_area_buffer_m;
    a["point_support_m"] = p.access.point_support_m;
    a["bands"] = p.access.bands;
    if (p.doc.contains("access") && p.doc["access"].is_object() && p.doc["access"].contains("decay"))
        a["decay"] = p.doc["access"]["decay"];
    d["access"] = a;
    d["working_crs"] = p.working_crs;
    json rules = json::array();
    for (auto& r : p.rules) rules.push_back(r.raw);
    d["rules"] = rules;
    return d;
}

}  // namespace lc
