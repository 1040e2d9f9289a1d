// Service-area polygons (network/polygons.cpp) and the exact orientation predicate
// (network/orient.hpp) on shapes whose areas are worked out by hand below.
//
// Buffers use 3 chords per quarter circle (kServiceAreaQuadSegs), with every vertex on
// the circle: a half circle of radius r becomes half a regular 12-gon, area
// 6 · ½ r² sin 30° = 1.5 r² (not ½ π r²); a quarter circle 0.75 r². Polygons are
// computed on a 0.1 mm grid, so areas are compared to 1e-6.
#include "network/network.hpp"
#include "network/orient.hpp"

#include <doctest/doctest.h>

#include <cmath>

using lc::XY;
using lc::net::Graph;
using lc::net::RoadLine;

namespace {

constexpr double kEps = 1e-6;

double area(GEOSContextHandle_t h, const lc::GeomPtr& g) {
    REQUIRE(g);
    CHECK(GEOSisValid_r(h, g.get()) == 1);
    double a = -1;
    REQUIRE(GEOSArea_r(h, g.get(), &a) == 1);
    return a;
}

int holes(GEOSContextHandle_t h, const lc::GeomPtr& g) {
    REQUIRE(GEOSGeomTypeId_r(h, g.get()) == GEOS_POLYGON);
    return GEOSGetNumInteriorRings_r(h, g.get());
}

lc::GeomPtr square(GEOSContextHandle_t h, double x0, double y0, double x1, double y1) {
    return lc::make_polygon(h, {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}});
}

}  // namespace

TEST_CASE("polygons: a straight edge gives a stadium") {
    // One 300 m edge, the source on its end, everything reachable, r = 50:
    // a 300 x 100 rectangle and two half 12-gons, 2 r L + 3 r² = 30000 + 7500.
    lc::GeosContext h;
    const double L = 300, r = 50;
    Graph g = Graph::build({RoadLine{{{0, 0}, {L, 0}}}});
    auto s = g.snap({{0, 0}}, 500)[0];
    REQUIRE(s.ok);
    auto sa = g.service_area(h, {0, 0}, s, 1000, r);
    CHECK(area(h, sa) == doctest::Approx(2 * r * L + 3 * r * r).epsilon(kEps));
    CHECK(holes(h, sa) == 0);
    // Fine chords approach the true stadium, pi r² + 2 r L.
    CHECK(area(h, g.service_area(h, {0, 0}, s, 1000, r, 64)) ==
          doctest::Approx(M_PI * r * r + 2 * r * L).epsilon(1e-4));
}

TEST_CASE("polygons: a T junction") {
    //              (0,100)
    //                 |
    //   (-100,0) -- (0,0) -- (100,0)        source at (0,0), r = 20
    // Everything reachable: the bar's stadium, 2 r 200 + 3 r², and the stem above the
    // bar's band, 2 r (100 - r), with a half 12-gon on top, 1.5 r²; the stem's lower cap
    // lies inside the bar's band and the two inner corners are square (no arcs):
    // 600 r + 2.5 r² = 12000 + 1000.
    lc::GeosContext h;
    const double r = 20;
    Graph g = Graph::build({RoadLine{{{-100, 0}, {0, 0}, {100, 0}}}, RoadLine{{{0, 0}, {0, 100}}}});
    auto s = g.snap({{0, 0}}, 500)[0];
    CHECK(area(h, g.service_area(h, {0, 0}, s, 1000, r)) == doctest::Approx(13000).epsilon(kEps));
    // Budget 60: [-60, 60] along the bar, 60 m up the stem: 2 r 120 + 3 r² for the bar,
    // 2 r (60 - r) + 1.5 r² for the stem: 360 r + 2.5 r² = 7200 + 1000.
    CHECK(area(h, g.service_area(h, {0, 0}, s, 60, r)) == doctest::Approx(8200).epsilon(kEps));
}

TEST_CASE("polygons: an edge cut at the remaining distance") {
    // (0,0) ---------------- (300,0); the source (50,10) enters at (50,0) with a 10 m
    // access leg. Budget 110 leaves 100 m on the road: back to (0,0) (the edge's end),
    // on to (150,0), where the edge is cut. r = 20: 2 r 150 + 3 r² = 6000 + 1200 for the
    // road, and the access leg's cap round (50,10) rises 10 m above the road's band: the
    // part of a half 12-gon above its 30° vertices, four chord triangles of
    // ½ r² sin 30° = 100 less the triangle from the centre to those two vertices,
    // ½ (2 r cos 30°)(r sin 30°) = 173.205: 226.795. In all 7426.795.
    lc::GeosContext h;
    const double r = 20;
    Graph g = Graph::build({RoadLine{{{0, 0}, {300, 0}}}});
    auto s = g.snap({{50, 10}}, 500)[0];
    REQUIRE(s.ok);
    auto sa = g.service_area(h, {50, 10}, s, 110, r);
    CHECK(area(h, sa) == doctest::Approx(7200 + 4 * 0.5 * r * r * 0.5 - r * r * std::cos(M_PI / 6) * 0.5).epsilon(kEps));
    double x1 = 0;
    GEOSGeom_getXMax_r(h, sa.get(), &x1);
    CHECK(x1 == doctest::Approx(150 + r).epsilon(kEps));  // the cap round the cut end
}

TEST_CASE("polygons: a ring road keeps its block's core as a hole") {
    // The square ring (0,0)-(200,0)-(200,200)-(0,200), source (100,0) on it, r = 20.
    // All reachable: the block is filled; outside, the square [-20,220]² whose four
    // corners are quarter 12-gons (each 0.25 r² short of the corner square):
    // 240² - r² = 57200; inside, the block's core [20,180]² = 25600 stays uncovered, a
    // hole: 57200 - 25600 = 31600.
    lc::GeosContext h;
    const double r = 20;
    Graph g = Graph::build({RoadLine{{{0, 0}, {200, 0}, {200, 200}, {0, 200}, {0, 0}}}});
    auto s = g.snap({{100, 0}}, 500)[0];
    auto full = g.service_area(h, {100, 0}, s, 1000, r);
    CHECK(area(h, full) == doctest::Approx(31600).epsilon(kEps));
    CHECK(holes(h, full) == 1);

    // Budget 300: 100 m to each bottom corner, then 200 m up each side, which ends
    // exactly at the top corners: the top side is not walked, the block not filled. A U:
    // the sides' bands [-20,20] x [0,200] and [180,220] x [0,200] (8000 each), the
    // bottom's [0,200] x [-20,0] (4000) and [20,180] x [0,20] (3200), the two bottom
    // corners' quarter 12-gons (300 each) and half 12-gons over the top corners (600
    // each): 25000.
    auto u = g.service_area(h, {100, 0}, s, 300, r);
    CHECK(area(h, u) == doctest::Approx(25000).epsilon(kEps));
    CHECK(holes(h, u) == 0);

    // The part of a unit outside the covered region: the block itself keeps its core,
    // 25600; the square [-100,300]² keeps 400² - 31600 = 128400 (the core included).
    std::vector<Graph::Piece> all;
    for (uint32_t e = 0; e < g.edge_count(); ++e) all.push_back(Graph::Piece{e, 0, g.edge(e).len});
    auto block = square(h, 0, 0, 200, 200);
    CHECK(area(h, g.uncovered_part(h, block.get(), all, {}, {}, r)) == doctest::Approx(25600).epsilon(kEps));
    auto big = square(h, -100, -100, 300, 300);
    CHECK(area(h, g.uncovered_part(h, big.get(), all, {}, {}, r)) == doctest::Approx(128400).epsilon(kEps));
}

TEST_CASE("polygons: a unit minus overlapping covers, without a union first") {
    // Unit [0,100]²; covers [-10,50]² and [40,60]² overlap on [40,50]² (100 m²) and
    // reach 2500 + 400 - 100 = 2800 m² of the unit: 7200 m² are left, one polygon
    // (an L shape reaching round the small square) without holes.
    lc::GeosContext h;
    auto unit = square(h, 0, 0, 100, 100);
    auto a = square(h, -10, -10, 50, 50), b = square(h, 40, 40, 60, 60);
    auto left = lc::net::polygon_minus(h, unit.get(), {a.get(), b.get()});
    CHECK(area(h, left) == doctest::Approx(7200).epsilon(kEps));
    CHECK(holes(h, left) == 0);
    // A cover inside the unit is a hole: 10000 - 20 · 20.
    auto inner = square(h, 70, 70, 90, 90);
    auto holed = lc::net::polygon_minus(h, unit.get(), {inner.get(), nullptr});
    CHECK(area(h, holed) == doctest::Approx(9600).epsilon(kEps));
    CHECK(holes(h, holed) == 1);
    // A cover with a hole [40,60]² over the whole unit leaves only the hole: 400 m².
    auto donut = lc::make_polygon(h, {{-1, -1}, {101, -1}, {101, 101}, {-1, 101}, {-1, -1}});
    {
        GEOSGeometry* shell = GEOSGeom_clone_r(h, GEOSGetExteriorRing_r(h, donut.get()));
        auto hole_poly = square(h, 40, 40, 60, 60);
        GEOSGeometry* hole = GEOSGeom_clone_r(h, GEOSGetExteriorRing_r(h, hole_poly.get()));
        donut = lc::own(h, GEOSGeom_createPolygon_r(h, shell, &hole, 1));
    }
    CHECK(area(h, lc::net::polygon_minus(h, unit.get(), {donut.get()})) == doctest::Approx(400).epsilon(kEps));
    // Covered whole: empty; nothing to cut: the unit.
    auto all = square(h, -5, -5, 105, 105);
    CHECK(GEOSisEmpty_r(h, lc::net::polygon_minus(h, unit.get(), {all.get()}).get()) == 1);
    CHECK(area(h, lc::net::polygon_minus(h, unit.get(), {})) == doctest::Approx(10000).epsilon(kEps));
}

TEST_CASE("orient2d: exact where doubles round") {
    // p = (0.5 + d, 0.5), q = (12, 12), r = (24, 24): (q - p) x (r - p) = -12 d, so the
    // turn is clockwise for every d > 0 however small, counter-clockwise for d < 0 and
    // straight for d = 0. The rounded determinant gets such cases wrong.
    const XY q{12, 12}, r{24, 24};
    int naive_wrong = 0;
    for (int k = 1; k <= 256; ++k) {
        const double d = k * std::ldexp(1.0, -53);
        const XY p{0.5 + d, 0.5}, p2{0.5 - d, 0.5};
        CHECK(lc::net::orient2d(p, q, r) == -1);
        CHECK(lc::net::orient2d(p2, q, r) == 1);
        const double naive = (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
        if (!(naive < 0)) ++naive_wrong;
    }
    CHECK(naive_wrong > 0);  // the cases above are hard ones
    CHECK(lc::net::orient2d({0.5, 0.5}, q, r) == 0);
    CHECK(lc::net::orient2d({0, 0}, {1, 0}, {0, 1}) == 1);
    CHECK(lc::net::orient2d({0, 0}, {0, 1}, {1, 0}) == -1);
}
