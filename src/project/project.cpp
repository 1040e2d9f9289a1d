#include "project/project.hpp"

#include "common/errors.hpp"
#include "project/json_text.hpp"
#include "project/validate.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace lc {

const std::map<std::string, std::string>& profile_texts();  // generated from data/profiles

namespace {

namespace fs = std::filesystem;

std::string ptr_join(const std::string& base, const std::string& key) { return base + "/" + key; }

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
        extra = {"id", "name", "parent", "kind", "kind_map"};
    else if (layer == "compounds")
        extra = {"id", "name", "year", "households", "population", "elderly"};
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
    if (!j.is_object()) fail(file, ptr, "expected an object like {\"of\": \"facilities\", \"attr\": \"beds\", \"types\": [...]}");
    for (auto it = j.begin(); it != j.end(); ++it) {
        std::string p = ptr_join(ptr, it.key());
        if (it.key() == "of") {
            t.of = get_string(it.value(), file, p);
            if (t.of != "facilities" && t.of != "compounds") fail(file, p, "expected \"facilities\" or \"compounds\"");
        } else if (it.key() == "attr") {
            t.attr = get_string(it.value(), file, p);
        } else if (it.key() == "types") {
            t.types = get_string_list(it.value(), file, p);
        } else if (it.key() == "where") {
            if (!it.value().is_object()) fail(file, p, "expected an object of attribute conditions");
            t.where = it.value();
        } else {
            fail(file, p, "unknown key (allowed: of, attr, types, where)");
        }
    }
    if (t.attr.empty()) fail(file, ptr, "missing \"attr\"");
    return t;
}

}  // namespace

std::vector<std::string> builtin_profile_names() {
    std::vector<std::string> v;
    for (auto& [k, _] : profile_texts()) v.push_back(k);
    return v;
}

json builtin_profile(const std::string& name) {
    auto& texts = profile_texts();
    auto it = texts.find(name);
    if (it == texts.end()) {
        std::string names;
        for (auto& n : builtin_profile_names()) names += (names.empty() ? "" : ", ") + n;
        throw ConfigError("unknown profile \"" + name + "\" (built-in profiles: " + names + ")");
    }
    json p = json::parse(it->second);
    if (p.contains("extends")) {
        json base = builtin_profile(p["extends"].get<std::string>());
        for (auto& r : p["rules"]) {
            bool replaced = false;
            for (auto& b : base["rules"])
                if (b["id"] == r["id"]) { b = r; replaced = true; }
            if (!replaced) base["rules"].push_back(r);
        }
        for (auto& [k, v] : p["sources"].items()) base["sources"][k] = v;
        base["id"] = p["id"];
        base["title"] = p["title"];
        base["extends"] = p["extends"];
        return base;
    }
    return p;
}

Rule parse_rule(const json& j, const std::string& file, const std::string& ptr) {
    if (!j.is_object()) fail(file, ptr, "a rule must be an object with \"id\" and \"check\"");
    Rule r;
    r.raw = j;
    if (!j.contains("id")) fail(file, ptr, "the rule has no \"id\"");
    r.id = get_string(j["id"], file, ptr + "/id");
    if (r.id.empty() || r.id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos)
        fail(file, ptr + "/id", "rule ids use letters, digits, '_' and '-' only (they become field names), got \"" + r.id + "\"");
    if (!j.contains("check")) fail(file, ptr, "rule \"" + r.id + "\" has no \"check\" (min_count, reach_share, ratio, compound_support, min_access)");
    r.check = get_string(j["check"], file, ptr + "/check");
    static const std::set<std::string> checks = {"min_count", "reach_share", "ratio", "compound_support", "min_access"};
    if (!checks.count(r.check)) fail(file, ptr + "/check", "unknown check \"" + r.check + "\" (expected one of: " + join(checks) + ")");
    static const std::set<std::string> keys = {"id", "check", "title", "source", "level", "kind", "types", "where", "min",
                                               "target_share", "weight", "numerator", "denominator", "per", "since_year",
                                               "before_year", "within_m", "min_area_per_100_households",
                                               "min_single_area", "headline", "enabled", "note", "decay"};
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
        else if (k == "within_m") r.within_m = number_in(v, file, p, ranges::within_m);
        else if (k == "min_area_per_100_households") r.min_area_per_100_households = number_in(v, file, p, ranges::area_per_100_households);
        else if (k == "min_single_area") r.min_single_area = number_in(v, file, p, ranges::single_area);
        else if (k == "headline") r.headline = v.is_boolean() && v.get<bool>();
    }
    if (r.title_zh.empty()) r.title_zh = r.title_en = r.id;
    if ((r.check == "min_count" || r.check == "reach_share" || r.check == "compound_support" || r.check == "min_access") &&
        r.types.empty())
        fail(file, ptr, "rule \"" + r.id + "\" needs \"types\": the facility types it counts");
    if (r.check == "ratio" && (r.numerator.attr.empty() || r.denominator.attr.empty()))
        fail(file, ptr, "ratio rule \"" + r.id + "\" needs \"numerator\" and \"denominator\"");
    if (r.check == "compound_support" && !r.since_year && !r.before_year)
        fail(file, ptr, "compound_support rule \"" + r.id + "\" needs \"since_year\" and/or \"before_year\"");
    if (r.check == "min_access" && !j.contains("min")) fail(file, ptr, "min_access rule \"" + r.id + "\" needs \"min\"");
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
                                              "custom_types"};
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
                                                    "service_area_buffer_m", "point_support_m", "decay"};
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
            else if (it.key() == "minutes_by_type") {
                if (!v.is_object()) fail(f, pp, "expected an object of type: minutes");
                for (auto t = v.begin(); t != v.end(); ++t)
                    if (!t.value().is_null()) p.access.minutes_by_type[t.key()] = number_in(t.value(), f, pp + "/" + pointer_token(t.key()), ranges::minutes);
            }
        }
    }
    if (p.access.mode == "network" && !p.layer("roads"))
        fail(f, "/layers/roads", "missing: \"access\": {\"mode\": \"network\"} needs a roads layer");

    // Each rule remembers where it was written, so that errors point at the project's
    // own JSON (a profile rule overridden by /rules/3 is reported there).
    std::vector<std::pair<json, std::string>> rules;
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
                    k.merge_patch(r);  // override field by field; {"enabled": false} drops it
                    origin = ptr;
                    merged = true;
                }
            }
            if (!merged) rules.emplace_back(r, ptr);
        }
    }
    std::set<std::string> seen;
    for (auto& [r, origin] : rules) {
        if (r.contains("enabled") && r["enabled"].is_boolean() && !r["enabled"].get<bool>()) continue;
        Rule rule = parse_rule(r, f, origin);
        if (!seen.insert(rule.id).second) fail(f, origin, "duplicate rule id \"" + rule.id + "\"");
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
    json a = json::object();
    a["mode"] = p.access.mode;
    a["walk_kmh"] = p.access.walk_kmh;
    a["minutes"] = p.access.minutes;
    a["minutes_by_type"] = p.access.minutes_by_type;
    a["max_access_m"] = p.access.max_access_m;
    a["service_area_buffer_m"] = p.access.service_area_buffer_m;
    a["point_support_m"] = p.access.point_support_m;
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
