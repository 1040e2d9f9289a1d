// compound_support's decisions per compound (support_outcomes) and their update after
// the rule's facilities change (update_support_outcomes), on worlds built here in
// metres (no unit layers).
#include "common/engine.hpp"
#include "common/geos.hpp"
#include "ingest/ingest.hpp"
#include "project/project.hpp"
#include "rules/rules.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <utility>

using namespace lc;

namespace {
Engine engine(1);

Compound square(const std::string& id, double x, double y, double side, std::optional<int> year, std::optional<double> households) {
    Compound c;
    c.id = id;
    c.year = year;
    c.households = households;
    c.geom = make_polygon(engine.main(), {{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}});
    c.rep = {x + side / 2, y + side / 2};
    return c;
}

Compound point(const std::string& id, double x, double y, std::optional<int> year, std::optional<double> households) {
    Compound c;
    c.id = id;
    c.year = year;
    c.households = households;
    c.is_point = true;
    c.geom = make_point(engine.main(), x, y);
    c.rep = {x, y};
    return c;
}

Facility site(const std::string& id, const std::string& type, double x, double y, std::optional<double> floor_area) {
    Facility f;
    f.id = id;
    f.type = f.type_raw = type;
    f.pt = {x, y};
    f.floor_area = floor_area;
    return f;
}

Rule support_rule() {
    Rule r;
    r.id = "support";
    r.check = Check::CompoundSupport;
    r.types = {"day_care", "supporting"};
    r.since_year = 2014;
    r.min_area_per_100_households = 20;
    r.min_single_area = 300;
    return r;
}

/// Each compound's nearest facility by id ("" for none) and distance.
std::vector<std::pair<std::string, double>> nearest_ids(const Inputs& in, const SupportResult& s) {
    std::vector<std::pair<std::string, double>> out;
    for (auto& [f, d] : s.nearest) out.emplace_back(f < 0 ? "" : in.facilities[f].id, d);
    return out;
}

void check_same(const Inputs& in, const SupportResult& got, const SupportResult& want) {
    REQUIRE(got.outcome.size() == want.outcome.size());
    for (size_t c = 0; c < want.outcome.size(); ++c) {
        CAPTURE(c);
        CHECK(got.outcome[c].state == want.outcome[c].state);
        CHECK(got.outcome[c].reason == want.outcome[c].reason);
        CHECK(got.outcome[c].detail == want.outcome[c].detail);
    }
    CHECK(nearest_ids(in, got) == nearest_ids(in, want));
}

/// support_outcomes of `in` as the batch cache keeps it: nearest as places among the sites.
SupportResult as_cached(const Inputs& in, const Rule& rule, const Project& p, std::vector<SupportSite>& sites) {
    const std::vector<int> fac = support_facilities(in, rule);
    sites = support_sites(in, fac);
    SupportResult s = support_outcomes(engine, p, in, rule);
    for (auto& [f, d] : s.nearest)
        if (f >= 0) f = static_cast<int>(std::find(fac.begin(), fac.end(), f) - fac.begin());
    return s;
}

}  // namespace

TEST_CASE("compound_support: the nearest facility of a gap, ties to the smallest id") {
    // K1 (2020, 100 households) is a point at (1000, 1000) with nothing within 50 m: a
    // gap (no_facility). Eight day-care sites lie at exactly 500 m ((±300, ±400) and
    // (±400, ±300): 300² + 400² = 500²), listed so that the smallest id, D1, is last;
    // a canteen at 10 m is not of the rule's types.
    Project p;
    Inputs in;
    in.compounds.push_back(point("K1", 1000, 1000, 2020, 100));
    const double off[][2] = {{300, 400}, {-300, 400}, {300, -400}, {-300, -400}, {400, 300}, {-400, 300}, {400, -300}, {-400, -300}};
    for (int k = 0; k < 8; ++k) in.facilities.push_back(site("D" + std::to_string(8 - k), "day_care", 1000 + off[k][0], 1000 + off[k][1], 400));
    in.facilities.push_back(site("C1", "canteen", 1010, 1000, 400));
    SupportResult s = support_outcomes(engine, p, in, support_rule());
    REQUIRE(s.outcome[0].state == SupportOutcome::Gap);
    CHECK(s.outcome[0].reason == "no_facility");
    REQUIRE(s.nearest[0].first == 7);
    CHECK(in.facilities[s.nearest[0].first].id == "D1");
    CHECK(s.nearest[0].second == 500);
}

TEST_CASE("compound_support: a compound whose household count is unknown is not compliant on it") {
    // Rule: 20 m² per 100 households, one site of 300 m². Squares 0..100, each with one
    // site inside:
    //   K1 (2016, households unknown) holds D1 (400 m²): the single site passes, the
    //      per-household standard cannot be checked -> unknown_households (not compliant);
    //   K2 (2016, unknown) holds D2 (200 m²): 200 < 300 -> single_site_too_small, whatever
    //      the households;
    //   K3 (2016, unknown) holds nothing -> no_facility;
    //   K4 (2016, 1000 households) holds D4 (400 m²): 1000 / 100 × 20 = 200 <= 400 ->
    //      compliant.
    // The share: K2, K3 not compliant, K4 compliant, K1 left out -> 1 / 3, with
    // unknown_households 1 (as an unknown year is counted apart).
    Project p;
    Inputs in;
    in.compounds.push_back(square("K1", 0, 0, 100, 2016, std::nullopt));
    in.compounds.push_back(square("K2", 1000, 0, 100, 2016, std::nullopt));
    in.compounds.push_back(square("K3", 2000, 0, 100, 2016, std::nullopt));
    in.compounds.push_back(square("K4", 3000, 0, 100, 2016, 1000));
    in.facilities.push_back(site("D1", "day_care", 50, 50, 400));
    in.facilities.push_back(site("D2", "day_care", 1050, 50, 200));
    in.facilities.push_back(site("D4", "day_care", 3050, 50, 400));
    const Rule rule = support_rule();
    const SupportResult s = support_outcomes(engine, p, in, rule);
    CHECK(s.outcome[0].state == SupportOutcome::UnknownHouseholds);
    CHECK(s.outcome[0].reason == "unknown_households");
    CHECK(s.outcome[0].detail == "households unknown: 400 m² found, the standard asks 20 m² per 100 households");
    CHECK(s.outcome[1].reason == "single_site_too_small");
    CHECK(s.outcome[2].reason == "no_facility");
    CHECK(s.outcome[3].state == SupportOutcome::Compliant);

    p.rules = {rule};
    const Analysis a = evaluate(engine, p, in, ReachResult{});
    REQUIRE(a.rules.size() == 1);
    const RuleResult& r = a.rules[0];
    REQUIRE(r.value);
    CHECK(*r.value == doctest::Approx(1.0 / 3));
    CHECK(r.details["compounds_evaluated"] == 3);
    CHECK(r.details["unknown_households"] == 1);
    std::map<std::string, std::string> reasons;
    for (auto& g : a.gaps) reasons[in.compounds[g.compound].id] = g.reason;
    CHECK(reasons == std::map<std::string, std::string>{{"K1", "unknown_households"}, {"K2", "single_site_too_small"},
                                                        {"K3", "no_facility"}});

    // With no household count known anywhere and every site large enough, nothing can
    // be decided: no value (it used to be 1.0, every compound compliant).
    Inputs unknown = clone_inputs(engine, in, true);
    unknown.compounds.erase(unknown.compounds.begin() + 1, unknown.compounds.end());
    const Analysis none = evaluate(engine, p, unknown, ReachResult{});
    CHECK_FALSE(none.rules[0].value);
    CHECK(none.rules[0].note.find("household count") != std::string::npos);
}

TEST_CASE("update_support_outcomes: a day-care site added inside a compound decides it again") {
    // K1 (2016, 500 households) is the square 0..100 with D1 (120 m²) inside: 500 / 100
    // × 20 = 100 m² needed, 120 ≥ 100, but the largest site 120 < 300:
    // single_site_too_small. K2 (2018, 100 households) at 1000..1100 holds S1 (350
    // m²): compliant. K3 (2005) is outside the years. Adding D2 (400 m²) inside K1 makes
    // K1 compliant (520 m², largest 400); K2 stays compliant; a canteen changes nothing.
    Project p;
    Inputs in;
    in.compounds.push_back(square("K1", 0, 0, 100, 2016, 500));
    in.compounds.push_back(square("K2", 1000, 0, 100, 2018, 100));
    in.compounds.push_back(square("K3", 0, 1000, 100, 2005, 100));
    in.facilities.push_back(site("D1", "day_care", 50, 50, 120));
    in.facilities.push_back(site("S1", "supporting", 1050, 50, 350));
    const Rule rule = support_rule();
    std::vector<SupportSite> before;
    const SupportResult base = as_cached(in, rule, p, before);
    REQUIRE(base.outcome[0].reason == "single_site_too_small");
    REQUIRE(base.outcome[1].state == SupportOutcome::Compliant);
    REQUIRE(base.outcome[2].state == SupportOutcome::Outside);

    Inputs more = clone_inputs(engine, in, true);
    more.facilities.push_back(site("C1", "canteen", 60, 60, 400));
    SupportResult same = update_support_outcomes(engine, p, more, rule, before, base);
    CHECK(same.outcome[0].reason == "single_site_too_small");
    CHECK(more.facilities[same.nearest[0].first].id == "D1");
    check_same(more, same, support_outcomes(engine, p, more, rule));

    more.facilities.push_back(site("D2", "day_care", 20, 20, 400));
    SupportResult now = update_support_outcomes(engine, p, more, rule, before, base);
    CHECK(now.outcome[0].state == SupportOutcome::Compliant);
    CHECK(now.outcome[1].state == SupportOutcome::Compliant);
    CHECK(now.outcome[2].state == SupportOutcome::Outside);
    check_same(more, now, support_outcomes(engine, p, more, rule));

    // Removing S1 instead: K2 has none (no_facility), its nearest is D1 (1000 m from
    // (1050, 50) to (50, 50)).
    Inputs fewer = clone_inputs(engine, in, true);
    fewer.facilities.erase(fewer.facilities.begin() + 1);
    SupportResult gone = update_support_outcomes(engine, p, fewer, rule, before, base);
    CHECK(gone.outcome[1].reason == "no_facility");
    CHECK(fewer.facilities[gone.nearest[1].first].id == "D1");
    CHECK(gone.nearest[1].second == 1000);
    check_same(fewer, gone, support_outcomes(engine, p, fewer, rule));
}

TEST_CASE("update_support_outcomes: floor areas are summed in the facilities' order") {
    // K1 (2016, 100 households) holds D1 (1 m²), D2 (1 m²), D3 (1e16 m²) and needs
    // 1e16 + 2 m² (100 / 100 × that). In this order 1 + 1 + 1e16 = 1e16 + 2 exactly:
    // compliant. D1 removed and added again, the same site, comes last: 1 + 1e16 rounds
    // to 1e16 and so does + 1, below the standard. Nothing moved, yet the decision is not
    // the base's.
    Project p;
    Inputs in;
    in.compounds.push_back(square("K1", 0, 0, 100, 2016, 100));
    in.facilities.push_back(site("D1", "day_care", 10, 10, 1));
    in.facilities.push_back(site("D2", "day_care", 20, 20, 1));
    in.facilities.push_back(site("D3", "day_care", 30, 30, 1e16));
    Rule rule = support_rule();
    rule.min_area_per_100_households = 1e16 + 2;
    rule.min_single_area.reset();
    std::vector<SupportSite> before;
    const SupportResult base = as_cached(in, rule, p, before);
    REQUIRE(base.outcome[0].state == SupportOutcome::Compliant);
    Inputs again = clone_inputs(engine, in, true);
    std::rotate(again.facilities.begin(), again.facilities.begin() + 1, again.facilities.end());
    SupportResult now = update_support_outcomes(engine, p, again, rule, before, base);
    CHECK(now.outcome[0].reason == "area_below_standard");
    check_same(again, now, support_outcomes(engine, p, again, rule));
}

TEST_CASE("update_support_outcomes gives what support_outcomes gives, whatever changed") {
    // Random worlds and random changes: sites removed, added (some at a kept site's very
    // place, some with a removed id, elsewhere or at the same place), moved, their floor
    // area changed; compounds as squares and points, some of unknown year.
    std::mt19937 rng(20240);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    const char* types[] = {"day_care", "supporting", "canteen"};
    const std::optional<double> areas[] = {std::nullopt, 50.0, 120.0, 300.0, 400.0};
    for (int world = 0; world < 300; ++world) {
        CAPTURE(world);
        Project p;
        p.access.point_support_m = pick(2) ? 50 : 0;
        Inputs in;
        for (int c = 0, n = 1 + pick(25); c < n; ++c) {
            std::optional<int> year;
            if (pick(5)) year = 2005 + pick(20);
            std::optional<double> hh;
            if (pick(4)) hh = 50.0 * (1 + pick(20));
            const double x = 50.0 * pick(40), y = 50.0 * pick(40);
            in.compounds.push_back(pick(3) ? square("K" + std::to_string(c), x, y, 20.0 * (1 + pick(8)), year, hh)
                                           : point("K" + std::to_string(c), x, y, year, hh));
        }
        auto place = [&]() -> XY {
            if (pick(2) && !in.compounds.empty()) {  // in or at a compound
                const XY& r = in.compounds[pick(static_cast<int>(in.compounds.size()))].rep;
                return {r.x + pick(3) * 5.0, r.y - pick(3) * 5.0};
            }
            return {50.0 * pick(40), 50.0 * pick(40)};
        };
        for (int f = 0, n = pick(20); f < n; ++f) {
            XY at = f > 0 && pick(5) == 0 ? in.facilities[pick(f)].pt : place();
            in.facilities.push_back(site("F" + std::to_string(100 + f), types[pick(3)], at.x, at.y, areas[pick(5)]));
        }
        Rule rule = support_rule();
        rule.within_m = pick(3) == 0 ? 100 : 0;
        if (pick(3) == 0) rule.since_year.reset();
        if (pick(3) == 0) rule.before_year = 2015 + pick(10);
        if (pick(3) == 0) rule.min_area_per_100_households.reset();
        if (pick(3) == 0) rule.min_single_area.reset();
        std::vector<SupportSite> before;
        const SupportResult base = as_cached(in, rule, p, before);

        Inputs now = clone_inputs(engine, in, true);
        std::vector<Facility> removed;
        for (int k = 0, n = pick(3); k < n && !now.facilities.empty(); ++k) {
            const int i = pick(static_cast<int>(now.facilities.size()));
            removed.push_back(now.facilities[i]);
            now.facilities.erase(now.facilities.begin() + i);
        }
        for (int k = 0, n = pick(4); k < n; ++k) {
            XY at = !now.facilities.empty() && pick(3) == 0 ? now.facilities[pick(static_cast<int>(now.facilities.size()))].pt : place();
            std::string id = (pick(2) ? "A" : "Z") + std::to_string(k);
            if (!removed.empty() && pick(3) == 0) {
                const Facility& back = removed[pick(static_cast<int>(removed.size()))];
                id = back.id;
                if (pick(2)) at = back.pt;  // the same site again, at the end of the list
                bool taken = false;
                for (auto& f : now.facilities) taken |= f.id == id;
                if (taken) continue;
            }
            now.facilities.push_back(site(id, types[pick(2)], at.x, at.y, areas[pick(5)]));
        }
        if (!now.facilities.empty() && pick(3) == 0) now.facilities[pick(static_cast<int>(now.facilities.size()))].pt = place();
        if (!now.facilities.empty() && pick(3) == 0) now.facilities[pick(static_cast<int>(now.facilities.size()))].floor_area = areas[pick(5)];
        check_same(now, update_support_outcomes(engine, p, now, rule, before, base), support_outcomes(engine, p, now, rule));
    }
}
