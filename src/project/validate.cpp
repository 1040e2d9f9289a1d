#include "project/validate.hpp"

#include "common/errors.hpp"
#include "common/suggest.hpp"
#include "project/json_text.hpp"
#include "project/vocabulary.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <set>

namespace lc {

namespace {

std::atomic<bool> g_allow_network{false};

[[noreturn]] void fail(const Project& p, const std::string& pointer, const std::string& what) {
    throw ConfigError(p.file.u8string() + ": " + pointer + ": " + what);
}

std::string list(const std::vector<std::string>& v) {
    std::string r;
    for (auto& x : v) r += (r.empty() ? "" : ", ") + x;
    return r;
}

std::string fmt(double v) {
    char b[40];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
}

/// Facility attribute names a planner may mean (profiles.md "Facility attributes"),
/// offered as suggestions even when the project maps none of them.
const std::vector<std::string>& vocabulary_attributes() {
    static const std::vector<std::string> v = {"beds", "nursing_beds", "floor_area", "land_area", "places", "family_beds",
                                               "open_year", "safety_net", "inclusive", "medical_care", "disabled_care",
                                               "demonstration", "rural", "grade", "operator", "type"};
    return v;
}

/// The attributes a facility `where` can test: mapped `attributes`, mapped number
/// fields, and the canonical type (rules.cpp facility_matches).
std::vector<std::string> where_attributes(const Project& p) {
    std::vector<std::string> a = {"type"};
    if (const LayerSpec* f = p.layer("facilities")) {
        for (auto& [k, _] : f->attributes) a.push_back(k);
        for (auto& n : facility_number_fields())
            if (f->fields.count(n)) a.push_back(n);
    }
    return a;
}

struct Checker {
    Project& p;
    std::vector<std::string> types;       ///< canonical + custom
    std::vector<std::string> attributes;  ///< where_attributes(p)

    /// `context`: what names the type, e.g. "(the label \"托老所\" maps to it)".
    void check_type(const std::string& t, const std::string& ptr, const std::string& context = {}) {
        if (std::find(types.begin(), types.end(), t) != types.end()) return;
        fail(p, ptr, "\"" + t + "\" is not a facility type" + did_you_mean(t, types) + (context.empty() ? "" : " " + context) +
                         "; the types are " + list(types) + ", and a type of your own must be declared in \"custom_types\"");
    }

    void check_type_list(const json& j, const std::string& ptr) {
        if (j.is_string()) return check_type(j.get<std::string>(), ptr);
        if (!j.is_array()) return;  // parse_rule has said what it expects
        for (size_t i = 0; i < j.size(); ++i)
            if (j[i].is_string()) check_type(j[i].get<std::string>(), ptr + "/" + std::to_string(i));
    }

    /// `where` of a rule or ratio term. `own`: written in the project (an unmapped
    /// attribute is an error there); else a profile rule (a warning, collected).
    void check_where(const json& w, const std::string& ptr, bool own, const std::string& rule_id,
                     std::map<std::string, std::set<std::string>>& unmapped) {
        if (!w.is_object()) return;
        for (auto it = w.begin(); it != w.end(); ++it) {
            const std::string& attr = it.key();
            std::string ap = ptr + "/" + pointer_token(attr);
            if (std::find(attributes.begin(), attributes.end(), attr) == attributes.end()) {
                if (!own) {
                    unmapped[attr].insert(rule_id);
                } else {
                    std::vector<std::string> names = attributes;
                    for (auto& v : vocabulary_attributes()) names.push_back(v);
                    fail(p, ap, "the facilities layer maps no attribute \"" + attr + "\"" + did_you_mean(attr, names) +
                                    "; map it in /layers/facilities/attributes (mapped now: " + list(attributes) +
                                    "), else no facility can match");
                }
            }
            if (attr == "type") {
                const json& c = it.value();
                if (c.is_string()) check_type(c.get<std::string>(), ap);
                else if (c.is_array()) check_type_list(c, ap);
                else if (c.is_object() && c.contains("in")) check_type_list(c["in"], ap + "/in");
            }
            if (!it.value().is_object()) continue;
            for (auto op = it.value().begin(); op != it.value().end(); ++op) {
                const auto& ops = where_operators();
                if (std::find(ops.begin(), ops.end(), op.key()) == ops.end())
                    fail(p, ap + "/" + pointer_token(op.key()),
                         "unknown comparison \"" + op.key() + "\"" + did_you_mean(op.key(), ops) + " (expected one of " + list(ops) + ")");
                if (op.key() != "in" && !op.value().is_number())
                    fail(p, ap + "/" + pointer_token(op.key()), "expected a number to compare with, got " + quote_json(op.value()));
            }
        }
    }

    void custom_types() {
        const json& d = p.doc;
        if (!d.contains("custom_types") || d["custom_types"].is_null()) return;
        const json& c = d["custom_types"];
        if (!c.is_array()) fail(p, "/custom_types", "expected a list of type names, e.g. [\"barber\"]");
        for (size_t i = 0; i < c.size(); ++i) {
            std::string ptr = "/custom_types/" + std::to_string(i);
            if (!c[i].is_string()) fail(p, ptr, "expected a type name, got " + quote_json(c[i]));
            std::string t = c[i].get<std::string>();
            // Types become field names (reach_<type>_share, n_<type>): keep them plain.
            if (t.empty() || !(t[0] >= 'a' && t[0] <= 'z') ||
                t.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
                fail(p, ptr, "\"" + t + "\": a type name uses lower-case letters, digits and '_' and starts with a letter");
            if (is_canonical_type(t)) fail(p, ptr, "\"" + t + "\" is a built-in type already; remove it from custom_types");
            if (std::find(p.custom_types.begin(), p.custom_types.end(), t) != p.custom_types.end())
                fail(p, ptr, "\"" + t + "\" is listed twice");
            p.custom_types.push_back(t);
        }
    }

    void layers() {
        for (auto& [key, s] : p.layers) {
            if (!s.present) continue;
            std::string why = network_path_kind(s.path.u8string());
            if (!why.empty() && !allow_network_paths())
                fail(p, "/layers/" + key + "/path",
                     "\"" + s.path.u8string() + "\" is " + why +
                         "; lifecircle reads local files only, so that a shared project file cannot make it fetch "
                         "URLs (download the data, or run with --allow-network-paths)");
        }
        for (auto& cs : p.census) {
            std::string why = network_path_kind(cs.path.u8string());
            if (!why.empty() && !allow_network_paths())
                fail(p, cs.pointer + "/path", "\"" + cs.path.u8string() + "\" is " + why +
                                                  "; lifecircle reads local files only (download the table, or run with --allow-network-paths)");
        }
        if (const LayerSpec* f = p.layer("facilities"))
            for (auto& [label, type] : f->type_map)
                check_type(type, "/layers/facilities/type_map/" + pointer_token(label), "(the label \"" + label + "\" maps to it)");
        for (auto& [type, _] : p.access.minutes_by_type) check_type(type, "/access/minutes_by_type/" + pointer_token(type));
    }

    void rules() {
        std::map<std::string, std::set<std::string>> unmapped;
        std::map<std::string, std::string> own_ids;  // id -> pointer of the project rule
        std::set<std::string> own_where;             // "id|where", "id|numerator": `where`s the project wrote
        const json& d = p.doc;
        if (d.contains("rules") && d["rules"].is_array()) {
            for (size_t i = 0; i < d["rules"].size(); ++i) {
                const json& r = d["rules"][i];
                std::string ptr = "/rules/" + std::to_string(i);
                if (!r.is_object() || !r.contains("id") || !r["id"].is_string()) continue;
                std::string id = r["id"].get<std::string>();
                auto [at, fresh] = own_ids.emplace(id, ptr);
                if (!fresh)
                    fail(p, ptr + "/id", "\"" + id + "\" is also the id of " + at->second +
                                             "; give each rule once (to change a profile rule, list only the keys to change)");
                if (r.contains("enabled") && r["enabled"] == false) continue;
                bool unit_rule = r.contains("check") && r["check"] == "unit_share";  // its condition is on units
                if (r.contains("types")) check_type_list(r["types"], ptr + "/types");
                if (r.contains("where") && !unit_rule) {
                    own_where.insert(id + "|where");
                    check_where(r["where"], ptr + "/where", true, id, unmapped);
                }
                for (const char* term : {"numerator", "denominator"}) {
                    if (!r.contains(term) || !r[term].is_object()) continue;
                    const json& t = r[term];
                    std::string tp = ptr + "/" + term;
                    if (t.contains("types")) check_type_list(t["types"], tp + "/types");
                    if (t.contains("where")) {
                        own_where.insert(id + "|" + term);
                        check_where(t["where"], tp + "/where", true, id, unmapped);
                    }
                }
            }
        }
        // The rules in force (profile rules with the project's changes): every type must
        // be known, and a `where` the project did not write only warns.
        for (auto& rule : p.rules) {
            std::string origin = "rule " + rule.id + (p.profile.empty() ? "" : " (profile " + p.profile + ")");
            for (auto& t : rule.types) check_type(t, origin);
            for (auto* term : {&rule.numerator, &rule.denominator})
                for (auto& t : term->types) check_type(t, origin);
            if (rule.check == Check::UnitShare) continue;
            if (!own_where.count(rule.id + "|where")) check_where(rule.where, origin, false, rule.id, unmapped);
            if (!own_where.count(rule.id + "|numerator")) check_where(rule.numerator.where, origin, false, rule.id, unmapped);
            if (!own_where.count(rule.id + "|denominator")) check_where(rule.denominator.where, origin, false, rule.id, unmapped);
        }
        for (auto& [attr, ids] : unmapped) {
            std::vector<std::string> v(ids.begin(), ids.end());
            p.warnings.push_back("facility attribute \"" + attr + "\" is not mapped in /layers/facilities/attributes: no facility "
                                 "can match the `where` of rule(s) " + list(v) + ", which can only fail or be null");
        }
    }
};

}  // namespace

double number_in(const json& j, const std::string& file, const std::string& ptr, const Range& r) {
    if (!j.is_number()) throw ConfigError(file + ": " + ptr + ": expected a number, got " + quote_json(j));
    double v = j.get<double>();
    if (!(v >= r.lo && v <= r.hi))
        throw ConfigError(file + ": " + ptr + ": " + quote_json(j, 40) + " is outside the plausible range " + fmt(r.lo) + " to " +
                          fmt(r.hi) + " (" + r.what + ")");
    return v;
}

void set_allow_network_paths(bool allow) { g_allow_network = allow; }
bool allow_network_paths() { return g_allow_network; }

std::string network_path_kind(const std::string& path) {
    std::string l;
    for (char c : path) l += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    // GDAL's network file systems, alone or chained (/vsizip//vsicurl/...)
    for (const char* fs : {"/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsiadls", "/vsioss", "/vsiswift", "/vsiwebhdfs",
                           "/vsihdfs"})
        if (l.find(fs) != std::string::npos) return std::string("a network file system path (") + fs + "/)";
    auto at = l.find("://");
    if (at != std::string::npos && at > 0) {
        size_t b = at;
        while (b > 0 && ((l[b - 1] >= 'a' && l[b - 1] <= 'z') || (l[b - 1] >= '0' && l[b - 1] <= '9') || l[b - 1] == '+' ||
                         l[b - 1] == '.' || l[b - 1] == '-'))
            --b;
        if (b < at && l.compare(b, at - b, "file") != 0) return "a URL (" + l.substr(b, at - b) + "://)";
    }
    return {};
}

std::vector<std::string> known_types(const Project& p) {
    std::vector<std::string> t = canonical_type_ids();
    t.insert(t.end(), p.custom_types.begin(), p.custom_types.end());
    return t;
}

void validate_project(Project& p) {
    Checker c{p, {}, {}};
    c.custom_types();
    c.types = known_types(p);
    c.attributes = where_attributes(p);
    c.layers();
    c.rules();
}

}  // namespace lc
