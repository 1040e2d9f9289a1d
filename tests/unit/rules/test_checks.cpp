// The check kinds of SPEC 5 that count facilities and units, and ratios over census
// denominators, on the census fixture (tests/fixtures/census; the units and census
// figures are worked out in tests/unit/units/test_demographics.cpp). Facilities:
//   F1 养老院 (nursing_home)        C1/S1  beds 30  nursing 20  医养结合 是  family beds 100
//   F2 敬老院 (nursing_home)        C3/S2  beds 50  nursing 10  医养结合 否  family beds 不详
//   F3 乡镇区域养老服务中心          C3/S2  beds 20  nursing 5   医养结合 1   family beds null
//   F4 托育机构 (childcare)         C1/S1  托位 60     普惠 是
//   F5 托儿所 (childcare)           C2/S1  托位 "40个" 普惠 否
//   F6 社区日间照料中心 (day_care)   C2/S1  family beds 30
#include "common/engine.hpp"
#include "ingest/ingest.hpp"
#include "project/project.hpp"
#include "reach/reach.hpp"
#include "rules/rules.hpp"
#include "units/demographics.hpp"
#include "units/units.hpp"

#include <doctest/doctest.h>

using namespace lc;

namespace {
// The engine these tests run on (two threads, so that the parallel paths are taken).
Engine engine(2);


const std::string kDir = std::string(LIFECIRCLE_TEST_DATA) + "/fixtures/census/";

struct Run {
    Project p;
    Inputs in;
    ReachResult r;
    Analysis a;
    explicit Run(const json& rules, const json& extra_census = nullptr) {
        json doc = read_json_file(kDir + "project.json");
        doc["rules"] = rules;
        if (!extra_census.is_null()) doc["census"].push_back(extra_census);
        p = parse_project(doc, kDir + "project.json");
        in = read_inputs(engine, p);
        assign_units(engine, in, 1000);
        apply_demographics(p, in);
        r = compute_reach(engine, p, in, analysis_types(in, p));
        a = evaluate(engine, p, in, r);
    }
    const RuleResult& rule(const std::string& id) const {
        for (auto& rr : a.rules)
            if (rr.rule->id == id) return rr;
        throw std::runtime_error("no rule " + id);
    }
    int index(int level, const std::string& id) const {
        for (size_t u = 0; u < in.units[level].size(); ++u)
            if (in.units[level][u].id == id) return static_cast<int>(u);
        return -1;
    }
    const UnitRuleValue& at(const std::string& rule_id, int level, const std::string& unit) const {
        return rule(rule_id).per_unit[level].at(index(level, unit));
    }
};

const json kArea = json::parse(R"({"path": "area_census.csv", "level": "area", "population": "常住人口", "elderly": "60岁及以上"})");

}  // namespace

TEST_CASE("facility_share: 医养结合 among institutions, overall and per street") {
    // F1 是, F2 否, F3 1: 2 of 3 overall; S1 holds F1 (1 of 1), S2 holds F2, F3 (1 of 2).
    Run x(json::parse(R"([{"id": "mc", "check": "facility_share", "level": "street",
        "types": ["nursing_home", "regional_center", "dementia_care"], "where": {"medical_care": true}, "target_share": 1.0}])"));
    const RuleResult& rr = x.rule("mc");
    CHECK(*rr.value == doctest::Approx(2.0 / 3));
    CHECK_FALSE(*rr.pass);
    CHECK(rr.details["facilities"] == 3);
    CHECK(*x.at("mc", kStreet, "S1").value == 1.0);
    CHECK(*x.at("mc", kStreet, "S1").pass);
    CHECK(*x.at("mc", kStreet, "S2").value == 0.5);
    CHECK(rr.units_failing == std::vector<std::string>{"S2"});
    // pass at a lower target: 2/3 ≥ 0.6
    Run y(json::parse(R"([{"id": "mc", "check": "facility_share", "types": ["nursing_home", "regional_center"],
        "where": {"medical_care": true}, "target_share": 0.6}])"));
    CHECK(*y.rule("mc").pass);
}

TEST_CASE("facility_share: an attribute nobody maps is not evaluated, never 0") {
    // As a profile rule (a project's own rule naming it is refused by validation).
    json doc = read_json_file(kDir + "project.json");
    Project p = parse_project(doc, kDir + "project.json");
    p.rules.push_back(parse_rule(json::parse(R"({"id": "demo", "check": "facility_share", "types": ["nursing_home"],
        "where": {"demonstration": true}})"), "profile", "/rules/0"));
    Inputs in = read_inputs(engine, p);
    assign_units(engine, in, 1000);
    ReachResult r = compute_reach(engine, p, in, analysis_types(in, p));
    Analysis a = evaluate(engine, p, in, r);
    const RuleResult& rr = a.rules.at(0);
    CHECK_FALSE(rr.value);
    CHECK_FALSE(rr.pass);
    CHECK(rr.note.find("\"demonstration\" is not mapped") != std::string::npos);
}

TEST_CASE("unit_share: elderly-friendly communities; a unit without a row does not meet it") {
    // C1 是, C2 否, C3 no census row (unknown): 1 of 3 = 0.333 < 0.6.
    Run x(json::parse(R"([{"id": "ef", "check": "unit_share", "level": "community", "attribute": {"elderly_friendly": true},
        "target_share": 0.6}])"));
    const RuleResult& rr = x.rule("ef");
    CHECK(*rr.value == doctest::Approx(1.0 / 3));
    CHECK_FALSE(*rr.pass);
    CHECK(rr.details["units_unknown"] == 1);
    CHECK(*x.at("ef", kCommunity, "C1").pass);
    CHECK_FALSE(*x.at("ef", kCommunity, "C2").pass);
    CHECK_FALSE(x.at("ef", kCommunity, "C3").value);
    CHECK(rr.units_failing == std::vector<std::string>{"C2"});
    // urban communities only (kind community: C1, C2): 1 of 2 = 0.5 ≥ 0.4
    Run y(json::parse(R"([{"id": "ef", "check": "unit_share", "level": "community", "kind": "community",
        "attribute": {"elderly_friendly": true}, "target_share": 0.4}])"));
    CHECK(*y.rule("ef").value == 0.5);
    CHECK(*y.rule("ef").pass);
}

TEST_CASE("min_total: family beds over the area and per street; unknown values left out and counted") {
    // F1 100 + F6 30 = 130; F2 "不详", F3 null and F4, F5 (no value) are unknown (4).
    // Area: 130 < 4000 fails, ≥ 100 passes.
    Run x(json::parse(R"([{"id": "fb", "check": "min_total", "level": "area", "attribute": "family_beds", "min": 4000},
                          {"id": "fb100", "check": "min_total", "level": "area", "attribute": "family_beds", "min": 100},
                          {"id": "fbs", "check": "min_total", "level": "street", "attribute": "family_beds", "min": 100, "target_share": 1.0},
                          {"id": "n", "check": "min_total", "level": "street", "types": ["childcare"], "min": 1, "target_share": 0.5}])"));
    CHECK(*x.rule("fb").value == 130);
    CHECK_FALSE(*x.rule("fb").pass);
    CHECK(x.rule("fb").target == 4000);
    CHECK(x.rule("fb").details["facilities_unknown"] == 4);
    CHECK(*x.rule("fb100").pass);
    // per street: S1 130 ≥ 100 passes, S2 0 fails: 1 of 2
    CHECK(*x.rule("fbs").value == 0.5);
    CHECK(*x.at("fbs", kStreet, "S1").value == 130);
    CHECK(x.rule("fbs").units_failing == std::vector<std::string>{"S2"});
    // without an attribute it counts: S1 has 2 childcare centres, S2 none: 1 of 2 ≥ 0.5
    CHECK(*x.at("n", kStreet, "S1").value == 2);
    CHECK(*x.rule("n").pass);
}

TEST_CASE("min_total and ratio: when every figure summed is unknown there is no value, never 0") {
    // The childcare centres F4 and F5 give no family beds: both unknown, none known. A
    // field misspelt in the project (or cut to 10 bytes by a Shapefile) looks the same.
    // Their total is not 0 (which would fail on a figure nobody gave) but null, with a
    // note saying which figures and what to check; so is a ratio over them.
    Run x(json::parse(R"([{"id": "t", "check": "min_total", "level": "area", "types": ["childcare"], "attribute": "family_beds", "min": 10},
                          {"id": "ts", "check": "min_total", "level": "street", "types": ["childcare"], "attribute": "family_beds", "min": 10},
                          {"id": "r", "check": "ratio", "level": "street", "numerator": {"attr": "family_beds", "types": ["childcare"]},
                           "denominator": {"unit": "population"}, "per": 1000, "min": 1}])"), kArea);
    for (const char* id : {"t", "ts"}) {
        CAPTURE(id);
        const RuleResult& t = x.rule(id);
        CHECK_FALSE(t.value);
        CHECK_FALSE(t.pass);
        CHECK(t.target == (std::string(id) == "t" ? 10 : 1));
        CHECK(t.details["facilities_unknown"] == 2);
        CHECK(t.details["facilities_counted"] == 0);
        CHECK(t.note == "every family_beds figure is unknown (2 facilities): check the field mapped for it");
    }
    CHECK(x.rule("t").details["total"].is_null());  // nor a total of 0 in the details
    CHECK_FALSE(x.rule("t").details.contains("by_district"));
    const RuleResult& r = x.rule("r");
    CHECK_FALSE(r.value);
    CHECK(r.details["numerator_unknown"] == 2);
    // Nor per unit: S1 holds F4 and F5, whose family beds are both unknown: no value (it
    // was 0, failing); S2 has no census population, so no value either.
    CHECK_FALSE(x.at("r", kStreet, "S1").value);
    CHECK(r.units_failing.empty());
    CHECK(r.note == "every numerator figure is unknown (family_beds of 2 facilities): check the field mapped for it");
    // One figure known is a figure: F6's 30 family beds among the day-care centres.
    Run y(json::parse(R"([{"id": "t", "check": "min_total", "level": "area", "types": ["childcare", "day_care"], "attribute": "family_beds", "min": 10}])"));
    CHECK(*y.rule("t").value == 30);
    CHECK(y.rule("t").details["facilities_unknown"] == 2);
}

TEST_CASE("min_total: a study-area total is also given per district, and the part in no district") {
    // The one district D holds S1 and S2: its part is the whole 130 (F1 100 + F6 30).
    Run x(json::parse(R"([{"id": "fb", "check": "min_total", "level": "area", "attribute": "family_beds", "min": 4000}])"));
    REQUIRE(x.in.has_level[kDistrict]);
    const json& parts = x.rule("fb").details["by_district"];
    REQUIRE(parts.size() == x.in.units[kDistrict].size());
    double sum = 0;
    for (auto& [id, v] : parts.items()) sum += v.get<double>();
    CHECK(sum == 130);
    CHECK_FALSE(x.rule("fb").details.contains("in_no_district"));
    // F1 (100) in a street of no district: the districts' parts hold 30, and 100 is
    // given apart, so that the parts still add up to the total.
    for (auto& f : x.in.facilities)
        if (f.id == "F1") f.unit[kDistrict] = kNone;
    Analysis a = evaluate(engine, x.p, x.in, x.r);
    const RuleResult& rr = a.rules.at(0);
    CHECK(*rr.value == 130);
    double districts = 0;
    for (auto& [id, v] : rr.details["by_district"].items()) districts += v.get<double>();
    CHECK(districts == 30);
    CHECK(rr.details["in_no_district"] == 100);
}

TEST_CASE("ratio over a census denominator: per unit, overall on the area's figure, null where missing") {
    // beds of INST per 1000 census elderly, by street: S1 30 / 900 × 1000 = 33.3 ≥ 31 passes;
    // S2 has no census elderly: null (never the compounds' sum). Without an area figure the
    // overall value is null too.
    json rules = json::parse(R"([{"id": "b", "check": "ratio", "level": "street",
        "numerator": {"attr": "beds", "types": ["nursing_home", "regional_center", "dementia_care"]},
        "denominator": {"unit": "elderly"}, "per": 1000, "min": 31}])");
    Run x(rules);
    const RuleResult& rr = x.rule("b");
    CHECK(*x.at("b", kStreet, "S1").value == doctest::Approx(30.0 / 900 * 1000));
    CHECK(*x.at("b", kStreet, "S1").pass);
    CHECK_FALSE(x.at("b", kStreet, "S2").value);
    CHECK_FALSE(rr.value);
    CHECK(rr.note.find("no census elderly figure") != std::string::npos);
    CHECK(rr.details["denominator_basis"] == "census");
    // with the area row (elderly 1000): (30 + 50 + 20) / 1000 × 1000 = 100 ≥ 31
    Run y(rules, kArea);
    CHECK(*y.rule("b").value == doctest::Approx(100.0));
    CHECK(*y.rule("b").pass);
    // and a failing one: childcare places per 1000 residents (60 + 40) / 5600 × 1000 = 17.86 < 20
    Run z(json::parse(R"([{"id": "cc", "check": "ratio", "level": "street", "numerator": {"attr": "places", "types": ["childcare"]},
        "denominator": {"unit": "population"}, "per": 1000, "min": 20}])"), kArea);
    CHECK(*z.rule("cc").value == doctest::Approx(100.0 / 5600 * 1000));
    CHECK_FALSE(*z.rule("cc").pass);
    CHECK(*z.at("cc", kStreet, "S1").value == doctest::Approx(100.0 / 5200 * 1000));
}

TEST_CASE("ratio over compound figures counts the estimated ones and says so") {
    // elderly of compounds: K1 40 + K2 120 (est.) + K4 22.5 (est.) = 182.5; K3, K5 unknown.
    Run x(json::parse(R"([{"id": "b", "check": "ratio", "numerator": {"attr": "beds", "types": ["nursing_home"]},
        "denominator": {"of": "compounds", "attr": "elderly"}, "per": 1000, "min": 31}])"));
    const RuleResult& rr = x.rule("b");
    CHECK(*rr.value == doctest::Approx(80.0 / 182.5 * 1000));
    CHECK(rr.details["denominator_estimated"] == 2);
    CHECK(rr.details["denominator_unknown"] == 2);
    CHECK(rr.details["denominator_basis"] == "compounds");
}

TEST_CASE("due and --as-of: a rule due later is listed, not judged") {
    json rules = json::parse(R"([{"id": "early", "check": "min_count", "level": "area", "types": ["childcare"], "min": 1, "due": 2024},
                                 {"id": "late", "check": "min_count", "level": "area", "types": ["childcare"], "min": 1, "due": 2026}])");
    json doc = read_json_file(kDir + "project.json");
    doc["rules"] = rules;
    Project p = parse_project(doc, kDir + "project.json");
    p.as_of = 2025;
    Inputs in = read_inputs(engine, p);
    assign_units(engine, in, 1000);
    ReachResult r = compute_reach(engine, p, in, analysis_types(in, p));
    Analysis a = evaluate(engine, p, in, r);
    CHECK(*a.rules[0].pass);
    CHECK(a.rules[0].rule->due == 2024);
    CHECK(a.rules[1].not_yet_due);
    CHECK_FALSE(a.rules[1].value);
    CHECK_FALSE(a.rules[1].pass);
    CHECK(a.rules[1].note == "not yet due (due 2026; --as-of 2025)");
}

TEST_CASE("childcare figures per unit") {
    Run x(json::array());
    const UnitStats& s1 = x.a.units[kStreet][x.index(kStreet, "S1")];
    CHECK(s1.childcare_centres == 2);
    CHECK(*s1.childcare_places == 100);           // 60 + "40个"
    CHECK(*s1.childcare_inclusive_places == 60);  // F4 普惠
    CHECK_FALSE(x.a.units[kStreet][x.index(kStreet, "S2")].childcare_places);
}
