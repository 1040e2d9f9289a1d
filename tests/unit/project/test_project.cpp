#include "common/errors.hpp"
#include "project/project.hpp"
#include "project/scenario.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace lc;

namespace {
json base() {
    return json::parse(R"({
      "layers": {"compounds": {"path": "c.geojson", "id": "id"},
                 "facilities": {"path": "f.geojson", "id": "id", "type": "type"}},
      "profile": "kunming-2025"})");
}
std::string error_of(const json& doc) {
    try {
        parse_project(doc, "/data/p.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("project: defaults, paths and reach") {
    Project p = parse_project(base(), "/data/x/p.json");
    CHECK(p.layer("compounds")->path == "/data/x/c.geojson");
    CHECK(p.access.reach_m("day_care") == 1000.0);  // 15 × 4 × 1000 / 60
    CHECK(p.rules.size() == 31);  // kunming-2025 is an alias of kunming
    CHECK(p.layer("roads") == nullptr);
}

TEST_CASE("project: minutes_by_type and walk speed") {
    json d = base();
    d["access"] = json::parse(R"({"walk_kmh": 3.0, "minutes_by_type": {"canteen": 10}})");
    Project p = parse_project(d, "/p.json");
    CHECK(p.access.reach_m("canteen") == 500.0);
    CHECK(p.access.reach_m("day_care") == 750.0);
}

TEST_CASE("project: rules override profile rules by id, field by field") {
    json d = base();
    d["rules"] = json::parse(R"([{"id": "new_compound_support", "since_year": 2018},
                                 {"id": "dementia_care", "enabled": false},
                                 {"id": "my_rule", "check": "min_count", "level": "street", "types": ["canteen"], "min": 3}])");
    Project p = parse_project(d, "/p.json");
    CHECK(p.rules.size() == 31);
    bool found = false;
    for (auto& r : p.rules) {
        if (r.id == "new_compound_support") {
            CHECK(*r.since_year == 2018);
            CHECK(*r.min_single_area == 300);
            found = true;
        }
        CHECK(r.id != "dementia_care");
    }
    CHECK(found);
    CHECK(p.rules.back().id == "my_rule");
}

TEST_CASE("project: what a project changes in a profile's rule is recorded, and a lowered target warned") {
    // kunming's community_day_care holds target_share 0.9 and new_compound_support
    // within_m 0 (profiles.md); the project lowers the first and widens the second,
    // and renames a third, which changes nothing checked.
    json d = base();
    d["rules"] = json::parse(R"([{"id": "community_day_care", "target_share": 0},
                                 {"id": "new_compound_support", "within_m": 300},
                                 {"id": "street_center", "title": {"zh": "街道中心", "en": "Street centres"}},
                                 {"id": "my_rule", "check": "min_count", "level": "street", "types": ["canteen"], "min": 3}])");
    Project p = parse_project(d, "/p.json");
    std::map<std::string, std::vector<std::string>> changed;
    for (auto& r : p.rules) changed[r.id] = r.changed_by_project;
    CHECK(changed["community_day_care"] == std::vector<std::string>{"target_share: 0.9 -> 0 (/rules/0/target_share)"});
    CHECK(changed["new_compound_support"] == std::vector<std::string>{"within_m: 0 -> 300 (/rules/1/within_m)"});
    CHECK(changed["street_center"].empty());
    CHECK(changed["my_rule"].empty());  // the project's own rule: nothing to compare with
    std::string warnings;
    for (auto& w : p.warnings) warnings += w + "\n";
    CHECK(warnings.find("rule community_day_care: the project lowers the target") != std::string::npos);
    CHECK(warnings.find("rule new_compound_support: the project lowers the target") != std::string::npos);
    CHECK(warnings.find("street_center") == std::string::npos);
    // A profile rule turned off is said too.
    d["rules"].push_back(json::parse(R"({"id": "dementia_care", "enabled": false})"));
    warnings.clear();
    for (auto& w : parse_project(d, "/p.json").warnings) warnings += w + "\n";
    CHECK(warnings.find("rule dementia_care of profile kunming-2025 is turned off by the project (/rules/4)") != std::string::npos);
}

TEST_CASE("project: jinning profile includes kunming and jn23") {
    json d = base();
    d["profile"] = "jinning-2023";
    Project p = parse_project(d, "/p.json");
    CHECK(p.rules.size() == 34);
    for (auto& r : p.rules) {
        if (r.id == "new_compound_support") CHECK(*r.since_year == 2014);
        if (r.id == "compound_cleanup_2018") CHECK(*r.since_year == 2018);
        if (r.id == "street_center") CHECK(r.kinds == std::vector<std::string>{"street"});
        CHECK_FALSE(r.source.empty());
    }
}

TEST_CASE("project: every built-in rule cites a source and has both titles") {
    for (auto& name : builtin_profile_names()) {
        json prof = builtin_profile(name);
        for (auto& r : prof["rules"]) {
            Rule rule = parse_rule(r, name, "/rules");
            CHECK_MESSAGE(!rule.source.empty(), name << "/" << rule.id);
            CHECK(!rule.title_zh.empty());
            CHECK(!rule.title_en.empty());
        }
    }
}

TEST_CASE("project: errors name the JSON pointer") {
    json d = base();
    d["layers"]["compounds"]["housholds"] = "hh";
    CHECK(error_of(d).find("/layers/compounds/housholds: unknown key") != std::string::npos);
    d = base();
    d["layers"].erase("facilities");
    CHECK(error_of(d).find("/layers/facilities: missing") != std::string::npos);
    d = base();
    d["access"] = {{"mode", "network"}};
    CHECK(error_of(d).find("/layers/roads") != std::string::npos);
    d = base();
    d["access"] = {{"walk_kmh", -1}};
    CHECK(error_of(d).find("/access/walk_kmh") != std::string::npos);
    d = base();
    d["profile"] = "paris";
    CHECK(error_of(d).find("unknown profile \"paris\"") != std::string::npos);
    d = base();
    d["rules"] = json::parse(R"([{"id": "x", "check": "maximise"}])");
    CHECK(error_of(d).find("/rules/0/check") != std::string::npos);
    d = base();
    d["layers"]["facilities"].erase("type");
    CHECK(error_of(d).find("/layers/facilities: missing \"type\"") != std::string::npos);
}

TEST_CASE("scenario: merge patch with null deletes and nested objects") {
    json doc = base();
    doc["access"] = json::parse(R"({"walk_kmh": 4.0, "minutes_by_type": {"day_care": 10, "canteen": 12}})");
    Scenario s = parse_scenario(json::parse(R"({"access": {"walk_kmh": 3.0, "minutes_by_type": {"canteen": null}},
                                                "remove_facilities": ["F1", 17]})"), "/s", "patch");
    json out = apply_patches(doc, "/data/p.json", {s});
    CHECK(out["access"]["walk_kmh"] == 3.0);
    CHECK(out["access"]["minutes_by_type"]["day_care"] == 10);
    CHECK_FALSE(out["access"]["minutes_by_type"].contains("canteen"));
    CHECK(out["layers"]["compounds"]["path"] == "/data/c.geojson");
    CHECK(s.remove == std::vector<std::string>{"F1", "17"});
    CHECK_FALSE(s.patch.contains("remove_facilities"));
}
