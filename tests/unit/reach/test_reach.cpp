// Radius reach updated from a base's distances after sites were added or removed
// (update_radius_reach, what a batch scenario uses) must equal the full computation:
// same distances, same nearest site, ties to the smaller id.
#include "common/engine.hpp"
#include "reach/reach.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

using namespace lc;

namespace {
// The engine these tests run on (two threads, so that the parallel paths are taken).
Engine engine(2);


Facility facility(const std::string& id, double x, double y) {
    Facility f;
    f.id = id;
    f.type = "day_care";
    f.pt = XY{x, y};
    return f;
}

/// A grid of compounds 100 m apart; facilities at cell centres, so exact ties occur.
void grid_compounds(Inputs& in) {
    for (int i = 0; i < 30; ++i)
        for (int j = 0; j < 30; ++j) {
            Compound c;
            c.id = "c" + std::to_string(i * 30 + j);
            c.rep = XY{i * 100.0, j * 100.0};
            c.is_point = true;
            in.compounds.push_back(std::move(c));
        }
}

}  // namespace

std::vector<ReachSite> sites_of(const Inputs& in) { return reach_sites(in, "day_care"); }

TEST_CASE("radius reach updated from the base's equals the full computation after adds and removes") {
    std::mt19937 rng(7);
    for (int round = 0; round < 20; ++round) {
        Inputs base, sc;
        grid_compounds(base);
        grid_compounds(sc);
        std::uniform_int_distribution<int> at(0, 29);
        for (int k = 0; k < 40; ++k)
            base.facilities.push_back(facility("F" + std::to_string(1000 + k), at(rng) * 100.0 + 50, at(rng) * 100.0 + 50));
        sc.facilities = base.facilities;
        TypeReach b = radius_type_reach(engine, base.compounds, sites_of(base));
        std::uniform_int_distribution<int> pick(0, static_cast<int>(sc.facilities.size()) - 1);
        int removes = round % 4, adds = round % 5;
        for (int k = 0; k < removes; ++k) sc.facilities.erase(sc.facilities.begin() + pick(rng) % sc.facilities.size());
        std::uniform_int_distribution<int> cell(0, 29);
        for (int k = 0; k < adds; ++k)  // ids before and after the base's, to test the tie order
            sc.facilities.push_back(facility((k % 2 ? "A" : "Z") + std::to_string(round * 10 + k), cell(rng) * 100.0 + 50,
                                             cell(rng) * 100.0 + 50));
        if (round == 19) sc.facilities.push_back(facility("F1000", 1550, 1550));  // a base id at a new place
        TypeReach inc = update_radius_reach(sc.compounds, sites_of(base), b, sites_of(sc));
        TypeReach full = radius_type_reach(engine, sc.compounds, sites_of(sc));
        CAPTURE(round);
        REQUIRE(inc.dist.size() == full.dist.size());
        long differ = 0;
        for (size_t c = 0; c < full.dist.size(); ++c) differ += inc.dist[c] != full.dist[c] || inc.nearest[c] != full.nearest[c];
        CHECK(differ == 0);
    }
}

TEST_CASE("radius reach updated from the base's: removing every site leaves no nearest") {
    Inputs base;
    Compound c;
    c.id = "c";
    c.rep = XY{0, 0};
    c.is_point = true;
    base.compounds.push_back(std::move(c));
    base.facilities.push_back(facility("F1", 300, 400));
    TypeReach b = radius_type_reach(engine, base.compounds, sites_of(base));
    CHECK(b.dist[0] == doctest::Approx(500));
    CHECK(b.nearest[0] == 0);
    TypeReach r = update_radius_reach(base.compounds, sites_of(base), b, {});
    CHECK(std::isinf(r.dist[0]));
    CHECK(r.nearest[0] == -1);
}

TEST_CASE("compute_reach in radius mode names the nearest facility by its index, ties to the smaller id") {
    // Compound at the origin; Z1 and A1 both 500 m away (3-4-5), B1 600 m away.
    Project p;
    p.access.mode = "radius";
    Inputs in;
    Compound c;
    c.id = "c";
    c.rep = XY{0, 0};
    c.is_point = true;
    in.compounds.push_back(std::move(c));
    in.facilities.push_back(facility("Z1", 300, 400));
    in.facilities.push_back(facility("B1", 0, 600));
    in.facilities.push_back(facility("A1", -400, -300));
    ReachResult r = compute_reach(engine, p, in, {"day_care"});
    CHECK(r.dist[0][0] == 500);
    CHECK(r.nearest[0][0] == 2);  // A1, the smaller id of the two at 500 m
    CHECK(r.reached[0][0] == 1);  // 500 m <= 1000 m
}
