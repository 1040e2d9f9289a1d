// The hand-worked fixture (tests/fixtures/hand): 1 district, 2 streets, 3 communities,
// 4 compounds, 6 facilities in EPSG:32648 metres, offsets (270000, 2770000). Every
// figure below was computed by hand from the coordinates in the fixture files.
#include "common/engine.hpp"
#include "ingest/ingest.hpp"
#include "reach/reach.hpp"
#include "rules/rules.hpp"
#include "units/units.hpp"
#include "common/geos.hpp"
#include "project/project.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <random>

using namespace lc;

namespace {
// The engine these tests run on (two threads, so that the parallel paths are taken).
Engine engine(2);

struct Hand {
    Project p;
    Inputs in;
    ReachResult r;
    Analysis a;
    Hand() : p(load_project(std::string(LIFECIRCLE_TEST_DATA) + "/fixtures/hand/project.json")), in(read_inputs(engine, p)) {
        assign_units(engine, in, 1000);
        r = compute_reach(engine, p, in, analysis_types(in, p));
        a = evaluate(engine, p, in, r);
    }
    int type(const std::string& t) const {
        for (size_t i = 0; i < r.types.size(); ++i)
            if (r.types[i] == t) return static_cast<int>(i);
        return -1;
    }
    int compound(const std::string& id) const {
        for (size_t i = 0; i < in.compounds.size(); ++i)
            if (in.compounds[i].id == id) return static_cast<int>(i);
        return -1;
    }
    const RuleResult& rule(const std::string& id) const {
        for (auto& rr : a.rules)
            if (rr.rule->id == id) return rr;
        throw std::runtime_error("no rule " + id);
    }
};
const Hand& hand() {
    static Hand h;
    return h;
}
}  // namespace

TEST_CASE("hand fixture: ingest reads text numbers and the hierarchy") {
    const Hand& h = hand();
    REQUIRE(h.in.compounds.size() == 4);
    REQUIRE(h.in.facilities.size() == 6);
    const Compound& k3 = h.in.compounds[h.compound("K3")];
    CHECK(k3.year == 2019);              // "2019年"
    CHECK(k3.households == 400.0);       // "约400户"
    CHECK_FALSE(k3.population);          // null stays unknown, never 0
    CHECK(k3.is_point);
    const Compound& k4 = h.in.compounds[h.compound("K4")];
    CHECK_FALSE(k4.year);                // "不详"
    CHECK(k4.year_raw == "不详");
    // point on surface of the square [100,200]^2 is its centre
    const Compound& k1 = h.in.compounds[h.compound("K1")];
    CHECK(k1.rep.x == doctest::Approx(270150.0));
    CHECK(k1.rep.y == doctest::Approx(2770150.0));
    // units: kinds mapped from Chinese, parents by code
    CHECK(h.in.units[kStreet][1].kind == "township");
    CHECK(h.in.units[kCommunity][2].kind == "village");
    CHECK(h.in.units[kCommunity][0].parent == 0);
    CHECK(k1.unit[kCommunity] == 0);
    CHECK(k1.unit[kStreet] == 0);
    CHECK(k1.unit[kDistrict] == 0);
}

TEST_CASE("hand fixture: a facility on the border of two communities goes to the smaller id") {
    const Hand& h = hand();
    for (auto& f : h.in.facilities)
        if (f.id == "F5") CHECK(h.in.units[kCommunity][f.unit[kCommunity]].id == "C11");
}

TEST_CASE("hand fixture: radius distances") {
    const Hand& h = hand();
    auto d = [&](const char* t, const char* c) { return h.r.dist[h.type(t)][h.compound(c)]; };
    CHECK(d("day_care", "K1") == 0.0);
    CHECK(d("day_care", "K2") == doctest::Approx(std::sqrt(500.0 * 500 + 150 * 150)));  // to F2, 522.015
    CHECK(d("day_care", "K3") == doctest::Approx(350.0));
    CHECK(d("day_care", "K4") == doctest::Approx(std::sqrt(1600.0 * 1600 + 350 * 350)));
    CHECK(d("canteen", "K2") == doctest::Approx(550.0));
    // exactly the reach: reached (dist <= reach)
    CHECK(d("street_center", "K3") == 1000.0);
    CHECK(h.r.reached[h.type("street_center")][h.compound("K3")]);
    CHECK_FALSE(h.r.reached[h.type("day_care")][h.compound("K4")]);
    CHECK(h.in.facilities[h.r.nearest[h.type("day_care")][h.compound("K2")]].id == "F2");
}

TEST_CASE("hand fixture: min_count with kind and where") {
    const Hand& h = hand();
    const RuleResult& c = h.rule("r_count");
    CHECK(*c.value == 0.5);
    CHECK_FALSE(*c.pass);
    CHECK(c.units_failing == std::vector<std::string>{"S2"});
    const RuleResult& k = h.rule("r_kind");  // C21 is a village: not counted
    CHECK(*k.value == 0.5);
    CHECK(k.units_failing == std::vector<std::string>{"C12"});
    CHECK_FALSE(k.per_unit[kCommunity][2].value);
    const RuleResult& s = h.rule("r_safety");  // F6 "是"
    CHECK(*s.value == 1.0);
    CHECK(*s.pass);
}

TEST_CASE("hand fixture: reach_share weighted by elderly, unknown weights left out") {
    const Hand& h = hand();
    const RuleResult& r = h.rule("r_reach");
    // reached: K1 (200), K3 (50); not: K4 (60); K2 elderly unknown -> out
    CHECK(*r.value == doctest::Approx(250.0 / 310.0));
    CHECK(r.details["elderly_unknown"] == 1);
    CHECK(*r.per_unit[kStreet][0].value == 1.0);
    CHECK(*r.per_unit[kStreet][1].value == doctest::Approx(50.0 / 110.0));
    CHECK(r.units_failing == std::vector<std::string>{"S2"});
}

TEST_CASE("hand fixture: compound_support reasons") {
    const Hand& h = hand();
    const RuleResult& r = h.rule("r_support");
    // K1: 120 m² >= 100 m² needed, but one site < 300 -> single_site_too_small
    // K3: point, F3 at 20 m <= 50 m, 350 m² -> compliant; K4: unknown_year
    CHECK(*r.value == 0.5);
    CHECK(r.details["unknown_year"] == 1);
    std::map<std::string, std::string> reasons;
    for (auto& g : h.a.gaps)
        if (g.rule_id == "r_support") reasons[h.in.compounds[g.compound].id] = g.reason;
    CHECK(reasons.size() == 2);
    CHECK(reasons["K1"] == "single_site_too_small");
    CHECK(reasons["K4"] == "unknown_year");
}

TEST_CASE("hand fixture: ratio beds per 1000 elderly") {
    const Hand& h = hand();
    const RuleResult& r = h.rule("r_ratio");
    CHECK(*r.value == doctest::Approx(100.0 / 310.0 * 1000));
    CHECK(*r.pass);
    CHECK(r.details["denominator_unknown"] == 1);
}

TEST_CASE("where filters") {
    Facility f;
    f.type = "nursing_home";
    f.attrs["operator"].text = "public";
    f.attrs["beds"].number = 120;
    f.attrs["safety_net"].boolean = true;
    CHECK(facility_matches(f, json::parse(R"({"operator": "public", "beds": {">=": 100}})")));
    CHECK_FALSE(facility_matches(f, json::parse(R"({"operator": "private"})")));
    CHECK_FALSE(facility_matches(f, json::parse(R"({"beds": {">": 120}})")));
    CHECK(facility_matches(f, json::parse(R"({"safety_net": true})")));
    CHECK_FALSE(facility_matches(f, json::parse(R"({"land_area": {">": 0}})")));  // missing never matches
    CHECK(facility_matches(f, json::parse(R"({"operator": ["public", "public_private"]})")));
}

TEST_CASE("hand fixture: min_access (2SFCA) share of elderly with enough day-care floor area") {
    // R(F1) = 120 m² / 200 elderly (K1; K2's elderly unknown) = 0.6; R(F2) = 200 / 50 (K3) = 4.
    // A: K1 0.6, K2 4.6 (weight unknown: left out), K3 4.0, K4 0. With min 1: K3 only,
    // 50 of 310 known elderly.
    std::string file = std::string(LIFECIRCLE_TEST_DATA) + "/fixtures/hand/project.json";
    json doc = read_json_file(file);
    doc["rules"] = json::parse(R"([{"id": "acc", "check": "min_access", "types": ["day_care"], "min": 1.0,
                                   "weight": "elderly", "level": "street", "target_share": 0.5, "source": "test"}])");
    Project p = parse_project(doc, file);
    Inputs in = read_inputs(engine, p);
    assign_units(engine, in, 1000);
    ReachResult r = compute_reach(engine, p, in, analysis_types(in, p));
    Analysis a = evaluate(engine, p, in, r);
    const RuleResult& rr = a.rules.at(0);
    REQUIRE(rr.value);
    CHECK(*rr.value == doctest::Approx(50.0 / 310.0));
    CHECK_FALSE(*rr.pass);
    CHECK(*rr.per_unit[kStreet][0].value == 0.0);                         // S1: K1 fails, K2 unknown
    CHECK(*rr.per_unit[kStreet][1].value == doctest::Approx(50.0 / 110.0));  // S2: K3 meets, K4 not
    CHECK(rr.details["supply"] == "floor_area");
}
