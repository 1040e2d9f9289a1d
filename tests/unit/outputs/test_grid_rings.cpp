// Whether rings stay simple on the written grid: hand-drawn rings in grid units.
#include "outputs/grid_rings.hpp"

#include <doctest/doctest.h>

#include <utility>

using namespace lc;

namespace {
using Ring = std::initializer_list<std::pair<int64_t, int64_t>>;
bool simple(std::initializer_list<Ring> rings) {
    GridRings g;
    for (const Ring& r : rings) {
        for (auto [x, y] : r) g.add(x, y);
        g.close_ring();
    }
    return rings_simple_on_grid(g);
}
}  // namespace

TEST_CASE("grid rings: a square, and a square with a hole clear of it, are simple") {
    CHECK(simple({{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}));
    CHECK(simple({{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
                 {{2, 2}, {2, 8}, {8, 8}, {8, 2}, {2, 2}}}));
}

TEST_CASE("grid rings: edges that cross, touch or fold back are reported") {
    // A bow tie: (0,0)-(10,10) crosses (10,0)-(0,10) at (5,5).
    CHECK_FALSE(simple({{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}}));
    // The vertex (5,0) lies on the first edge (0,0)-(10,0), which is not next to it.
    CHECK_FALSE(simple({{{0, 0}, {10, 0}, {10, 10}, {5, 0}, {0, 0}}}));
    // (10,10) -> (10,5) goes back along (10,0) -> (10,10): a spike of no width.
    CHECK_FALSE(simple({{{0, 0}, {10, 0}, {10, 10}, {10, 5}, {0, 10}, {0, 0}}}));
    // A hole touching its shell at (0,5): valid for OGC, but reported (GEOS decides).
    CHECK_FALSE(simple({{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
                       {{0, 5}, {5, 8}, {5, 2}, {0, 5}}}));
    // Two parts of a multipolygon overlapping: (5,5)-(15,5) crosses (10,0)-(10,10).
    CHECK_FALSE(simple({{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
                       {{5, 5}, {15, 5}, {15, 15}, {5, 15}, {5, 5}}}));
    // A repeated point and a ring of two points have no area to speak of.
    CHECK_FALSE(simple({{{0, 0}, {10, 0}, {10, 0}, {10, 10}, {0, 0}}}));
    CHECK_FALSE(simple({{{0, 0}, {10, 0}, {0, 0}}}));
}

TEST_CASE("grid rings: the test is exact across the whole globe on a 1e-7 degree grid") {
    // The long edge (-w,-h) -> (w,h) spans every longitude and latitude: points on it
    // have y = x / 2. (2,1) is on it, (2,2) one unit above. Products of differences reach
    // 3e18, where a double is off by hundreds: only exact arithmetic tells the two apart.
    const int64_t w = 1'800'000'000, h = 900'000'000;
    CHECK(simple({{{-w, -h}, {w, h}, {10, 20}, {2, 2}, {-10, 20}, {-w, -h}}}));
    CHECK_FALSE(simple({{{-w, -h}, {w, h}, {10, 20}, {2, 1}, {-10, 20}, {-w, -h}}}));
}

TEST_CASE("grid rings: a long edge is tested against every other edge") {
    // A comb: 1000 edges of 1 unit along y = 10, then down, back along y = 0 in one edge
    // of 1000 units (past 16 cells of the grid the short edges set) and up. Dipping the
    // vertex (500, 10) to (500, 0) puts it on the long edge.
    auto comb = [](int64_t dip) {
        GridRings g;
        for (int64_t x = 0; x <= 1000; ++x) g.add(x, x == 500 ? dip : 10);
        g.add(1000, 0);
        g.add(0, 0);
        g.add(0, 10);
        g.close_ring();
        return rings_simple_on_grid(g);
    };
    CHECK(comb(10));
    CHECK(comb(1));
    CHECK_FALSE(comb(0));
}
