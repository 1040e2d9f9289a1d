// Radius reach in a batch scenario, worked from the base's distances (reach.cpp
// radius_from_base), must equal the full computation: same distances, same nearest
// facility, ties to the smaller id.
#include "reach/reach.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

using namespace lc;

namespace {

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

TEST_CASE("radius reach from the base's equals the full computation after adds and removes") {
    Project p;
    p.access.mode = "radius";
    std::mt19937 rng(7);
    for (int round = 0; round < 20; ++round) {
        Inputs base, sc;
        grid_compounds(base);
        grid_compounds(sc);
        std::uniform_int_distribution<int> at(0, 29);
        for (int k = 0; k < 40; ++k)
            base.facilities.push_back(facility("F" + std::to_string(1000 + k), at(rng) * 100.0 + 50, at(rng) * 100.0 + 50));
        sc.facilities = base.facilities;
        ReachCache cache;
        compute_reach(p, base, {"day_care"}, nullptr, &cache);
        std::uniform_int_distribution<int> pick(0, static_cast<int>(sc.facilities.size()) - 1);
        int removes = round % 4, adds = round % 5;
        for (int k = 0; k < removes; ++k) sc.facilities.erase(sc.facilities.begin() + pick(rng) % sc.facilities.size());
        std::uniform_int_distribution<int> cell(0, 29);
        for (int k = 0; k < adds; ++k)  // ids before and after the base's, to test the tie order
            sc.facilities.push_back(facility((k % 2 ? "A" : "Z") + std::to_string(round * 10 + k), cell(rng) * 100.0 + 50,
                                             cell(rng) * 100.0 + 50));
        if (round == 19) sc.facilities.push_back(facility("F1000", 1550, 1550));  // a base id at a new place
        ReachResult inc = compute_reach(p, sc, {"day_care"}, &cache, nullptr);
        ReachResult full = compute_reach(p, sc, {"day_care"});
        CAPTURE(round);
        REQUIRE(inc.dist[0].size() == full.dist[0].size());
        long differ = 0;
        for (size_t c = 0; c < full.dist[0].size(); ++c)
            differ += inc.dist[0][c] != full.dist[0][c] || inc.nearest[0][c] != full.nearest[0][c];
        CHECK(differ == 0);
    }
}

TEST_CASE("radius reach from the base's: removing every facility leaves no nearest") {
    Project p;
    p.access.mode = "radius";
    Inputs base;
    Compound c;
    c.id = "c";
    c.rep = XY{0, 0};
    c.is_point = true;
    base.compounds.push_back(std::move(c));
    base.facilities.push_back(facility("F1", 300, 400));
    ReachCache cache;
    ReachResult b = compute_reach(p, base, {"day_care"}, nullptr, &cache);
    CHECK(b.dist[0][0] == doctest::Approx(500));
    Inputs sc;
    sc.compounds.push_back(Compound{});
    sc.compounds.back().id = "c";
    sc.compounds.back().is_point = true;
    sc.facilities.push_back(facility("F2", 0, 0));
    sc.facilities.back().type = "canteen";
    ReachResult r = compute_reach(p, sc, {"day_care"}, &cache, nullptr);
    CHECK(std::isinf(r.dist[0][0]));
    CHECK(r.nearest[0][0] == -1);
}
