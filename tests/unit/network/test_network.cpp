// Walking network: graph building, snapping, multi-source nearest, reachable lines and
// service areas. Expected values are worked out by hand on tiny maps (drawn above each
// case), plus one random network checked against a brute-force reference.
#include "network/network.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <queue>
#include <random>
#include <thread>
#include <utility>

using lc::XY;
using lc::net::Graph;
using lc::net::RoadLine;
using lc::net::Snap;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
/// Service areas are computed on a 0.1 mm grid (polygons.cpp): every vertex moves by at
/// most 0.05 mm, so an area by at most 0.05 mm times the perimeter, under 1e-6 of the
/// area for the shapes here.
constexpr double kGridEps = 1e-6;

RoadLine line(std::initializer_list<XY> pts) { return RoadLine{std::vector<XY>(pts)}; }

struct Result {
    std::vector<double> dist;
    std::vector<int> who;
};
Result nearest(const Graph& g, const std::vector<XY>& src, const std::vector<XY>& dst, double max_access = 500) {
    Result r;
    g.nearest(g.snap(src, max_access), g.snap(dst, max_access), r.dist, r.who);
    return r;
}

double polyline_length(const std::vector<XY>& l) {
    double s = 0;
    for (size_t i = 1; i < l.size(); ++i) s += std::hypot(l[i].x - l[i - 1].x, l[i].y - l[i - 1].y);
    return s;
}

double area_of(GEOSContextHandle_t h, const lc::GeomPtr& g) {
    double a = -1;
    REQUIRE(g);
    REQUIRE(GEOSArea_r(h, g.get(), &a) == 1);
    return a;
}

//   (0,200) ---- (100,200) ---- (200,200)
//      |             |              |
//   (0,100)      (100,100) ---- (200,100)      <- no link (0,100)-(100,100)
//      |             |              |
//   (0,0) ------ (100,0) ------ (200,0)
std::vector<RoadLine> grid_with_gap() {
    return {
        line({{0, 0}, {100, 0}, {200, 0}}),        // edges 0, 1
        line({{100, 100}, {200, 100}}),            // edge 2
        line({{0, 200}, {100, 200}, {200, 200}}),  // edges 3, 4
        line({{0, 0}, {0, 100}, {0, 200}}),        // edges 5, 6
        line({{100, 0}, {100, 100}, {100, 200}}),  // edges 7, 8
        line({{200, 0}, {200, 100}, {200, 200}}),  // edges 9, 10
    };
}

/// A 3x3-node grid of 100 m blocks with x0 as its left edge.
void add_grid(std::vector<RoadLine>& lines, double x0) {
    for (int j = 0; j <= 2; ++j) lines.push_back(line({{x0, j * 100.0}, {x0 + 100, j * 100.0}, {x0 + 200, j * 100.0}}));
    for (int i = 0; i <= 2; ++i) lines.push_back(line({{x0 + i * 100.0, 0}, {x0 + i * 100.0, 100}, {x0 + i * 100.0, 200}}));
}

}  // namespace

TEST_CASE("network: 3x3 grid with one missing link, distances by hand") {
    Graph g = Graph::build(grid_with_gap());
    auto st = g.stats();
    CHECK(st.nodes == 9);
    CHECK(st.edges == 11);
    CHECK(st.components == 1);
    CHECK(st.total_length_m == 1100.0);

    // From (0,100) the node (100,100) is 300 m away round either side, not 100 m.
    std::vector<XY> nodes{{0, 0}, {100, 0}, {200, 0}, {0, 100}, {100, 100}, {200, 100}, {0, 200}, {100, 200}, {200, 200}};
    std::vector<double> want{100, 200, 300, 0, 300, 400, 100, 200, 300};
    Result r = nearest(g, {{0, 100}}, nodes);
    for (size_t i = 0; i < nodes.size(); ++i) {
        CAPTURE(i);
        CHECK(r.dist[i] == want[i]);
        CHECK(r.who[i] == 0);
    }

    // Off the network: (150,130) enters edge 2 at (150,100), 30 m access; the source at
    // (-10,100) enters at (0,100), 10 m access. 10 + 300 + 50 + 30.
    r = nearest(g, {{-10, 100}}, {{150, 130}});
    CHECK(r.dist[0] == doctest::Approx(390.0).epsilon(1e-12));
}

TEST_CASE("network: dead end, isolated piece and points too far away") {
    //   (100,50)
    //      |
    //   (0,0) --- (100,0) --- (200,0)          (500,500) --- (600,500)
    Graph g = Graph::build({line({{0, 0}, {100, 0}, {200, 0}}), line({{100, 0}, {100, 50}}),
                            line({{500, 500}, {600, 500}})});
    CHECK(g.stats().components == 2);
    Result r = nearest(g, {{200, 0}}, {{100, 50}, {100, 80}, {550, 510}, {100, 2000}});
    CHECK(r.dist[0] == 150.0);
    CHECK(r.who[0] == 0);
    CHECK(r.dist[1] == 180.0);  // past the dead end: straight on from its last node
    CHECK(r.dist[2] == kInf);   // other component
    CHECK(r.who[2] == -1);
    CHECK(r.dist[3] == kInf);  // farther than max_access_m from any road
    CHECK(r.who[3] == -1);

    // A source that cannot enter the network is ignored, not an error.
    r = nearest(g, {{100, 2000}, {0, 0}}, {{200, 0}});
    CHECK(r.dist[0] == 200.0);
    CHECK(r.who[0] == 1);
}

TEST_CASE("network: river with one bridge") {
    // Two 3x3 grids, x 0..200 and 400..600, joined only by (200,100)-(400,100).
    std::vector<RoadLine> lines;
    add_grid(lines, 0);
    add_grid(lines, 400);
    lines.push_back(line({{200, 100}, {400, 100}}));
    Graph g = Graph::build(lines);
    CHECK(g.stats().components == 1);

    // (0,0) -> (200,100): 300, bridge 200, then to (400,0): 100 / to (600,200): 300.
    Result r = nearest(g, {{0, 0}}, {{400, 0}, {600, 200}, {400, 210}});
    CHECK(r.dist[0] == 600.0);
    CHECK(r.dist[1] == 800.0);
    CHECK(r.dist[2] == 610.0);  // (400,200) + 10 m access

    // With a second source east of the river; the bridge's midpoint is 400 m from both:
    // the tie goes to the lower index.
    r = nearest(g, {{0, 0}, {600, 0}}, {{400, 0}, {300, 100}, {100, 100}});
    CHECK(r.dist[0] == 200.0);
    CHECK(r.who[0] == 1);
    CHECK(r.dist[1] == 400.0);
    CHECK(r.who[1] == 0);
    CHECK(r.dist[2] == 200.0);
    CHECK(r.who[2] == 0);
    r = nearest(g, {{600, 0}, {0, 0}}, {{300, 100}});
    CHECK(r.dist[0] == 400.0);
    CHECK(r.who[0] == 0);
}

TEST_CASE("network: two points on one edge walk along it") {
    //  (0,0) ------------------------------ (1000,0)
    //    |                                      |
    //  (0,-500) -------------------------- (1000,-500)
    Graph g = Graph::build({line({{0, 0}, {1000, 0}}), line({{0, 0}, {0, -500}, {1000, -500}, {1000, 0}})});
    Result r = nearest(g, {{100, 5}}, {{900, -3}});
    CHECK(r.dist[0] == doctest::Approx(5 + 800 + 3).epsilon(1e-12));
    r = nearest(g, {{900, -3}}, {{100, 5}});
    CHECK(r.dist[0] == doctest::Approx(3 + 800 + 5).epsilon(1e-12));
    r = nearest(g, {{400, 7}}, {{400, 2}});  // same entry point: just the two access legs
    CHECK(r.dist[0] == doctest::Approx(9).epsilon(1e-12));

    // A source on the same edge does not win over a nearer one elsewhere: (950,0) is
    // 940 m from (10,0) along the edge but 70 m from (1000,-20) round the corner.
    r = nearest(g, {{10, 0}, {1000, -20}}, {{950, 0}});
    CHECK(r.dist[0] == 70.0);
    CHECK(r.who[0] == 1);
    // ...and going round the loop is never taken for a shortcut along the edge.
    r = nearest(g, {{1000, -20}, {10, 0}}, {{20, 0}});
    CHECK(r.dist[0] == 10.0);
    CHECK(r.who[0] == 1);
}

TEST_CASE("network: snapping ties and max access") {
    // Two parallel roads 100 m apart; (50,50) is 50 m from both.
    {
        Graph g = Graph::build({line({{0, 0}, {100, 0}}), line({{0, 100}, {100, 100}})});
        auto s = g.snap({{50, 50}}, 500);
        REQUIRE(s[0].ok);
        CHECK(s[0].edge == 0);
        CHECK(s[0].on.y == 0.0);
        CHECK(s[0].t == 50.0);
        CHECK(s[0].access == 50.0);
    }
    {
        Graph g = Graph::build({line({{0, 100}, {100, 100}}), line({{0, 0}, {100, 0}})});
        auto s = g.snap({{50, 50}}, 500);
        REQUIRE(s[0].ok);
        CHECK(s[0].edge == 0);
        CHECK(s[0].on.y == 100.0);
    }
    // Equally near at a shared node: the first edge in input order, entered at its end.
    {
        Graph g = Graph::build({line({{100, 0}, {0, 0}}), line({{0, 0}, {0, 100}})});
        auto s = g.snap({{-10, -10}}, 500);
        REQUIRE(s[0].ok);
        CHECK(s[0].edge == 0);
        CHECK(s[0].t == 100.0);
        CHECK(s[0].on.x == 0.0);
        CHECK(s[0].on.y == 0.0);
        CHECK(s[0].access == doctest::Approx(std::sqrt(200.0)));
    }
    // Edge numbering skips zero-length segments; the nearer edge wins over index.
    {
        Graph g = Graph::build({line({{0, 0}, {0, 0}, {100, 0}}), line({{0, 30}, {100, 30}})});
        CHECK(g.edge_count() == 2);
        auto s = g.snap({{50, 20}, {50, 300}, {50, 230}}, 200);
        CHECK(s[0].ok);
        CHECK(s[0].edge == 1);
        CHECK(s[0].access == 10.0);
        CHECK_FALSE(s[1].ok);     // 270 m > 200 m
        CHECK(s[2].ok);           // exactly 200 m counts
        CHECK(s[2].access == 200.0);
    }
    // No edges at all.
    {
        Graph g = Graph::build({line({{5, 5}, {5, 5}})});
        CHECK(g.edge_count() == 0);
        CHECK_FALSE(g.snap({{5, 5}}, 500)[0].ok);
        std::vector<double> d;
        std::vector<int> w;
        g.nearest({}, g.snap({{5, 5}}, 500), d, w);
        CHECK(d[0] == kInf);
        CHECK(w[0] == -1);
    }
}

TEST_CASE("network: lines join only at identical vertices") {
    // A crosses B at (100,0) but neither has a vertex there.
    Graph crossing = Graph::build({line({{0, 0}, {200, 0}}), line({{100, -100}, {100, 100}})});
    CHECK(crossing.stats().components == 2);
    Result r = nearest(crossing, {{0, 0}}, {{100, 100}});
    CHECK(r.dist[0] == kInf);

    Graph joined = Graph::build({line({{0, 0}, {100, 0}, {200, 0}}), line({{100, -100}, {100, 0}, {100, 100}})});
    CHECK(joined.stats().components == 1);
    r = nearest(joined, {{0, 0}}, {{100, 100}});
    CHECK(r.dist[0] == 200.0);

    // -0 and +0 are the same coordinate; 1e-9 apart is not.
    Graph zero = Graph::build({line({{-100, 0}, {0.0, 0}}), line({{-0.0, 0}, {0, 100}})});
    CHECK(zero.stats().components == 1);
    Graph near = Graph::build({line({{-100, 0}, {0, 0}}), line({{1e-9, 0}, {0, 100}})});
    CHECK(near.stats().components == 2);
}

namespace {

/// Brute-force reference: every snap point splits its edge, then plain Dijkstra from
/// each source separately over the split graph.
struct Reference {
    std::vector<std::vector<std::pair<size_t, double>>> adj;
    std::vector<size_t> src_node, dst_node;

    Reference(const std::vector<RoadLine>& lines, const std::vector<Snap>& src, const std::vector<Snap>& dst) {
        std::map<std::pair<double, double>, size_t> ids;
        auto id = [&](const XY& p) {
            auto [it, added] = ids.emplace(std::make_pair(p.x, p.y), adj.size());
            if (added) adj.emplace_back();
            return it->second;
        };
        auto link = [&](size_t a, size_t b, double w) {
            adj[a].push_back({b, w});
            adj[b].push_back({a, w});
        };
        // Snap points per edge, as (t, node).
        std::map<size_t, std::vector<std::pair<double, size_t>>> cuts;
        auto add_point = [&](const Snap& s) {
            size_t n = adj.size();
            adj.emplace_back();
            if (s.ok) cuts[s.edge].push_back({s.t, n});
            return n;
        };
        for (const Snap& s : src) src_node.push_back(add_point(s));
        for (const Snap& s : dst) dst_node.push_back(add_point(s));
        size_t edge = 0;
        for (const auto& l : lines) {
            for (size_t i = 1; i < l.pts.size(); ++i) {
                const XY& a = l.pts[i - 1];
                const XY& b = l.pts[i];
                if (a.x == b.x && a.y == b.y) continue;
                double len = std::hypot(b.x - a.x, b.y - a.y);
                std::vector<std::pair<double, size_t>> stops{{0.0, id(a)}};
                auto it = cuts.find(edge);
                if (it != cuts.end()) {
                    auto c = it->second;
                    std::sort(c.begin(), c.end());
                    stops.insert(stops.end(), c.begin(), c.end());
                }
                stops.push_back({len, id(b)});
                for (size_t k = 1; k < stops.size(); ++k)
                    link(stops[k - 1].second, stops[k].second, stops[k].first - stops[k - 1].first);
                ++edge;
            }
        }
    }

    std::vector<double> from(size_t start, double start_dist) const {
        std::vector<double> d(adj.size(), kInf);
        using Item = std::pair<double, size_t>;
        std::priority_queue<Item, std::vector<Item>, std::greater<Item>> q;
        d[start] = start_dist;
        q.push({start_dist, start});
        while (!q.empty()) {
            auto [du, u] = q.top();
            q.pop();
            if (du > d[u]) continue;
            for (auto [v, w] : adj[u])
                if (du + w < d[v]) {
                    d[v] = du + w;
                    q.push({d[v], v});
                }
        }
        return d;
    }
};

/// Brute-force snapping: nearest point of every segment, ties to the lower index.
Snap brute_snap(const std::vector<RoadLine>& lines, const XY& p, double max_access) {
    Snap best;
    double bd = kInf;
    uint32_t edge = 0;
    for (const auto& l : lines) {
        for (size_t i = 1; i < l.pts.size(); ++i) {
            const XY& a = l.pts[i - 1];
            const XY& b = l.pts[i];
            if (a.x == b.x && a.y == b.y) continue;
            double dx = b.x - a.x, dy = b.y - a.y, len = std::hypot(dx, dy);
            double u = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
            XY on{a.x + u * dx, a.y + u * dy};
            double d = std::hypot(p.x - on.x, p.y - on.y);
            if (d < bd - 1e-9) {
                bd = d;
                best = Snap{true, edge, u * len, d, on};
            }
            ++edge;
        }
    }
    if (!(bd <= max_access)) best = Snap{};
    return best;
}

}  // namespace

TEST_CASE("network: random network against a brute-force reference") {
    // 30x30 jittered lattice, rows and columns as polylines broken at random, ~12% of
    // links missing, plus a few diagonal lines crossing without shared vertices.
    std::mt19937 rng(20240611);
    std::uniform_real_distribution<double> jit(-20, 20), coord(-150, 3050), unit(0, 1);
    const int n = 30;
    std::vector<std::vector<XY>> p(n, std::vector<XY>(n));
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) p[i][j] = XY{i * 100 + jit(rng), j * 100 + jit(rng)};
    std::vector<RoadLine> lines;
    for (int axis = 0; axis < 2; ++axis) {
        for (int a = 0; a < n; ++a) {
            RoadLine run;
            for (int b = 0; b < n; ++b) {
                const XY& q = axis == 0 ? p[b][a] : p[a][b];
                run.pts.push_back(q);
                if (b + 1 < n && unit(rng) < 0.12) {  // the link to the next vertex is missing
                    if (run.pts.size() >= 2) lines.push_back(run);
                    run.pts.clear();
                } else if (unit(rng) < 0.2 && run.pts.size() >= 2) {
                    lines.push_back(run);
                    run.pts = {q};
                }
            }
            if (run.pts.size() >= 2) lines.push_back(run);
        }
    }
    for (int k = 0; k < 5; ++k) lines.push_back(line({{coord(rng), coord(rng)}, {coord(rng), coord(rng)}}));

    std::vector<XY> src_pts, dst_pts;
    for (int i = 0; i < 50; ++i) src_pts.push_back({coord(rng), coord(rng)});
    for (int i = 0; i < 200; ++i) dst_pts.push_back({coord(rng), coord(rng)});
    src_pts.push_back(src_pts[7]);  // exact duplicates: ties that must go to the lower index
    src_pts.push_back(src_pts[31]);
    dst_pts.push_back(src_pts[7]);
    const double max_access = 60;

    Graph g = Graph::build(lines);
    auto src = g.snap(src_pts, max_access);
    auto dst = g.snap(dst_pts, max_access);
    size_t snapped = 0;
    for (size_t i = 0; i < dst_pts.size(); ++i) {
        Snap b = brute_snap(lines, dst_pts[i], max_access);
        CAPTURE(i);
        REQUIRE(dst[i].ok == b.ok);
        if (!b.ok) continue;
        ++snapped;
        CHECK(dst[i].edge == b.edge);
        CHECK(dst[i].access == doctest::Approx(b.access).epsilon(1e-12));
        CHECK(dst[i].t == doctest::Approx(b.t).epsilon(1e-9));
    }
    CHECK(snapped > 150);

    std::vector<double> dist;
    std::vector<int> who;
    g.nearest(src, dst, dist, who);

    Reference ref(lines, src, dst);
    std::vector<double> best(dst.size(), kInf);
    std::vector<int> best_who(dst.size(), -1);
    for (size_t s = 0; s < src.size(); ++s) {
        if (!src[s].ok) continue;
        auto d = ref.from(ref.src_node[s], src[s].access);
        for (size_t t = 0; t < dst.size(); ++t) {
            if (!dst[t].ok) continue;
            double v = d[ref.dst_node[t]] + dst[t].access;
            if (v < best[t] - 1e-7) {  // equal within rounding: keep the lower index
                best[t] = v;
                best_who[t] = static_cast<int>(s);
            }
        }
    }
    size_t reached = 0;
    for (size_t t = 0; t < dst.size(); ++t) {
        CAPTURE(t);
        if (best[t] == kInf) {
            CHECK(dist[t] == kInf);
            CHECK(who[t] == -1);
            continue;
        }
        ++reached;
        CHECK(std::abs(dist[t] - best[t]) < 1e-3);
        CHECK(who[t] == best_who[t]);
    }
    CHECK(reached > 100);
    CHECK(who.back() == 7);  // on top of sources 7 and 50
    CHECK(dist.back() == doctest::Approx(2 * src[7].access));

    // Reachable length against the reference: split at the source, each piece of edge
    // is reachable for budget - d(end) from either end.
    std::vector<size_t> some;
    for (size_t s = 0; s < src.size() && some.size() < 4; s += 11)
        if (src[s].ok) some.push_back(s);
    REQUIRE(some.size() >= 3);
    for (size_t s : some) {
        CAPTURE(s);
        for (double budget : {150.0, 700.0}) {
            Reference one(lines, {src[s]}, {});
            auto d = one.from(one.src_node[0], src[s].access);
            double want = 0;
            for (size_t u = 0; u < one.adj.size(); ++u)
                for (auto [v, w] : one.adj[u]) {
                    if (v < u) continue;
                    const double cu = budget - d[u], cv = budget - d[v];
                    if (cu >= 0 || cv >= 0) want += std::min(w, std::max(cu, 0.0) + std::max(cv, 0.0));
                }
            CHECK(g.reachable_length(src[s], budget) == doctest::Approx(want).epsilon(1e-9));
            double got = 0;
            auto rl = g.reachable_lines(src_pts[s], src[s], budget);
            for (size_t i = 1; i < rl.size(); ++i) got += polyline_length(rl[i]);
            CHECK(got == doctest::Approx(want).epsilon(1e-9));
        }
    }

    // The fast service area (filled blocks with their cores cut out) is the plain union
    // of buffers: they differ only where arcs are split differently into chords, which
    // fine quadrant segments make negligible.
    lc::GeosContext h;
    int most_holes = 0;
    for (size_t s : some) {
        CAPTURE(s);
        const double budget = s == some[1] ? 1500 : 700;  // one reach spanning most of the map
        auto plain = lc::net::service_area(h, g.reachable_lines(src_pts[s], src[s], budget), 30, 32);
        auto fast = g.service_area(h, src_pts[s], src[s], budget, 30, 32);
        CHECK(GEOSisValid_r(h, fast.get()) == 1);
        const double a = area_of(h, plain);
        CHECK(a > 40000);
        if (GEOSGeomTypeId_r(h, fast.get()) == GEOS_POLYGON)
            most_holes = std::max(most_holes, GEOSGetNumInteriorRings_r(h, fast.get()));
        CHECK(area_of(h, fast) == doctest::Approx(a).epsilon(1e-5));
        lc::GeomPtr diff = lc::own(h, GEOSSymDifference_r(h, plain.get(), fast.get()));
        CHECK(area_of(h, diff) < 5.0);  // joins' arcs cut into chords from other angles
    }
    CHECK(most_holes > 20);  // the filled-block path was taken
}

TEST_CASE("network: reachable lines cut at the exact remaining distance") {
    // (0,0) --- (100,0) --- (200,0) --- (300,0); the source (50,10) enters edge 0 at
    // (50,0) with a 10 m access leg.
    Graph g = Graph::build({line({{0, 0}, {100, 0}, {200, 0}, {300, 0}})});
    Snap s = g.snap({{50, 10}}, 500)[0];
    REQUIRE(s.ok);
    CHECK(s.edge == 0);
    CHECK(s.t == 50.0);

    // Budget 200: 190 m left on the network: back 50 m to (0,0), on 190 m to (240,0).
    auto rl = g.reachable_lines({50, 10}, s, 200);
    REQUIRE(rl.size() == 2);
    CHECK(rl[0].size() == 2);
    CHECK(rl[0][0].x == 50.0);
    CHECK(rl[0][0].y == 10.0);
    CHECK(rl[0][1].x == 50.0);
    CHECK(rl[0][1].y == 0.0);
    std::vector<XY> net = rl[1];
    if (net.front().x > net.back().x) std::reverse(net.begin(), net.end());
    REQUIRE(net.size() == 4);  // chained through (100,0) and (200,0)
    CHECK(net.front().x == 0.0);
    CHECK(net.back().x == 240.0);
    CHECK(net.back().y == 0.0);
    CHECK(polyline_length(net) == doctest::Approx(240.0).epsilon(1e-12));
    CHECK(g.reachable_length(s, 200) == doctest::Approx(240.0).epsilon(1e-12));

    // Budget 45: 35 m each way from the entry point, [15, 85] on edge 0.
    rl = g.reachable_lines({50, 10}, s, 45);
    REQUIRE(rl.size() == 2);
    CHECK(polyline_length(rl[1]) == doctest::Approx(70.0).epsilon(1e-12));
    CHECK(std::min(rl[1].front().x, rl[1].back().x) == doctest::Approx(15.0).epsilon(1e-12));
    CHECK(std::max(rl[1].front().x, rl[1].back().x) == doctest::Approx(85.0).epsilon(1e-12));

    // Budget 5 < access 10: only the first half of the access leg.
    rl = g.reachable_lines({50, 10}, s, 5);
    REQUIRE(rl.size() == 1);
    CHECK(rl[0][1].y == doctest::Approx(5.0));
    CHECK(g.reachable_length(s, 5) == 0.0);

    // Round a 100 m square from the middle of its bottom side: 250 m either way meet,
    // so the whole 400 m perimeter is reachable once, not 500 m.
    Graph sq = Graph::build({line({{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}})});
    Snap m = sq.snap({{50, 0}}, 500)[0];
    CHECK(sq.reachable_length(m, 250) == doctest::Approx(400.0).epsilon(1e-12));
    double total = 0;
    for (const auto& l : sq.reachable_lines({50, 0}, m, 250)) total += polyline_length(l);
    CHECK(total == doctest::Approx(400.0).epsilon(1e-12));
    // 120 m: 50 + 70 up each side, [0,100] along the bottom.
    CHECK(sq.reachable_length(m, 120) == doctest::Approx(240.0).epsilon(1e-12));
}

TEST_CASE("network: service area of a straight line and of a grid") {
    lc::GeosContext h;
    const double L = 300, b = 50;
    // With 3 segments per quarter circle the two end caps make an inscribed 12-gon of
    // area 3b² instead of πb².
    auto sa = lc::net::service_area(h, {{{0, 0}, {L, 0}}}, b);
    CHECK(GEOSisValid_r(h, sa.get()) == 1);
    const double a = area_of(h, sa);
    CHECK(a == doctest::Approx(2 * b * L + 3 * b * b).epsilon(kGridEps));
    CHECK(a == doctest::Approx(2 * b * L + M_PI * b * b).epsilon(0.01));
    CHECK(area_of(h, lc::net::service_area(h, {{{0, 0}, {L, 0}}}, b, 64)) ==
          doctest::Approx(2 * b * L + M_PI * b * b).epsilon(1e-4));
    CHECK(GEOSisEmpty_r(h, lc::net::service_area(h, {}, b).get()) == 1);

    // The same line as a network, source at one end, budget covering it all.
    Graph g1 = Graph::build({line({{0, 0}, {L, 0}})});
    Snap s1 = g1.snap({{0, 0}}, 500)[0];
    CHECK(area_of(h, g1.service_area(h, {0, 0}, s1, 1000, b)) == doctest::Approx(a).epsilon(kGridEps));
    // Budget 100: a 100 m line.
    CHECK(area_of(h, g1.service_area(h, {0, 0}, s1, 100, b)) == doctest::Approx(2 * b * 100 + 3 * b * b).epsilon(kGridEps));

    // 2x2 blocks of 100 m, buffer 20, everything reachable from the centre: the outer
    // square [-20,220]² with 12-gon corners, minus a 60x60 hole in each block.
    std::vector<RoadLine> lines;
    add_grid(lines, 0);
    Graph g = Graph::build(lines);
    Snap c = g.snap({{100, 100}}, 500)[0];
    const double want = 240.0 * 240.0 - 4 * (400.0 - 300.0) - 4 * 60.0 * 60.0;
    auto plain = lc::net::service_area(h, g.reachable_lines({100, 100}, c, 1000), 20);
    auto fast = g.service_area(h, {100, 100}, c, 1000, 20);
    CHECK(GEOSisValid_r(h, plain.get()) == 1);
    CHECK(GEOSisValid_r(h, fast.get()) == 1);
    CHECK(area_of(h, plain) == doctest::Approx(want).epsilon(kGridEps));
    CHECK(area_of(h, fast) == doctest::Approx(want).epsilon(kGridEps));
    REQUIRE(GEOSGeomTypeId_r(h, fast.get()) == GEOS_POLYGON);
    CHECK(GEOSGetNumInteriorRings_r(h, fast.get()) == 4);

    // From inside a block the access leg reaches into it; budget 230: 50 m access,
    // then 180 m along the roads, which leaves the far ends of the far edges out.
    Snap in = g.snap({{50, 30}}, 500)[0];
    CHECK(in.access == 30.0);
    for (double budget : {230.0, 1000.0}) {
        CAPTURE(budget);
        auto p2 = lc::net::service_area(h, g.reachable_lines({50, 30}, in, budget), 20);
        auto f2 = g.service_area(h, {50, 30}, in, budget, 20);
        CHECK(GEOSisValid_r(h, f2.get()) == 1);
        CHECK(area_of(h, f2) == doctest::Approx(area_of(h, p2)).epsilon(kGridEps));
        lc::GeomPtr diff = lc::own(h, GEOSSymDifference_r(h, p2.get(), f2.get()));
        CHECK(area_of(h, diff) < 1e-3);
    }

    // A road from (0,100) to (200,0) crosses (100,0)-(100,100) at (100,50) without a
    // shared vertex: it cannot be walked onto there, but it still splits the blocks it
    // crosses for drawing. Same polygon either way, but for arcs cut into chords at
    // different angles (fine chords make that negligible).
    lines.push_back(line({{0, 100}, {200, 0}}));
    Graph gx = Graph::build(lines);
    for (XY from : {XY{100, 100}, XY{150, 60}}) {
        CAPTURE(from.x);
        Snap sx = gx.snap({from}, 500)[0];
        for (double budget : {150.0, 1000.0}) {
            CAPTURE(budget);
            auto px = lc::net::service_area(h, gx.reachable_lines(from, sx, budget), 20, 32);
            auto fx = gx.service_area(h, from, sx, budget, 20, 32);
            CHECK(GEOSisValid_r(h, fx.get()) == 1);
            CHECK(area_of(h, fx) == doctest::Approx(area_of(h, px)).epsilon(1e-5));
            lc::GeomPtr diff = lc::own(h, GEOSSymDifference_r(h, px.get(), fx.get()));
            CHECK(area_of(h, diff) < 0.2);
        }
    }
    // Everything reachable: the two blocks the new road cuts have no core left (too
    // narrow), the other two keep their 60x60 core.
    auto fx = gx.service_area(h, {100, 100}, gx.snap({{100, 100}}, 500)[0], 1000, 20);
    REQUIRE(GEOSGeomTypeId_r(h, fx.get()) == GEOS_POLYGON);
    CHECK(GEOSGetNumInteriorRings_r(h, fx.get()) >= 2);

    // Not snapped -> empty polygon.
    CHECK(GEOSisEmpty_r(h, g.service_area(h, {0, 0}, Snap{}, 1000, 20).get()) == 1);
}

TEST_CASE("network: service area of a dense grid") {
    // Ten by ten roads 10 m apart (0..90) with 30 m buffers: crowded enough that the
    // buffers are dissolved piecewise. No holes; the square grown by 30 m with 12-gon
    // corners: each corner loses b² - 3b²/4.
    std::vector<RoadLine> lines;
    for (int i = 0; i < 10; ++i) {
        RoadLine row, col;
        for (int j = 0; j < 10; ++j) {
            row.pts.push_back({j * 10.0, i * 10.0});
            col.pts.push_back({i * 10.0, j * 10.0});
        }
        lines.push_back(row);
        lines.push_back(col);
    }
    const double b = 30, want = 150.0 * 150.0 - b * b;
    lc::GeosContext h;
    std::vector<std::vector<XY>> raw;
    for (const auto& l : lines) raw.push_back(l.pts);
    auto plain = lc::net::service_area(h, raw, b);
    CHECK(GEOSisValid_r(h, plain.get()) == 1);
    CHECK(area_of(h, plain) == doctest::Approx(want).epsilon(kGridEps));
    Graph g = Graph::build(lines);
    auto fast = g.service_area(h, {45, 45}, g.snap({{45, 45}}, 500)[0], 10000, b);
    CHECK(GEOSisValid_r(h, fast.get()) == 1);
    CHECK(area_of(h, fast) == doctest::Approx(want).epsilon(kGridEps));
}

TEST_CASE("network: stats of a two-component network") {
    // A: 300 m in two lines sharing (100,0); B: 100 m, with a repeated vertex.
    Graph g = Graph::build({line({{0, 0}, {100, 0}}), line({{100, 0}, {300, 0}}),
                            line({{1000, 0}, {1000, 0}, {1000, 100}})});
    auto st = g.stats();
    CHECK(st.nodes == 5);
    CHECK(st.edges == 3);
    CHECK(st.components == 2);
    CHECK(st.total_length_m == 400.0);
    CHECK(st.largest_component_length_share == 0.75);

    auto empty = Graph::build({}).stats();
    CHECK(empty.nodes == 0);
    CHECK(empty.components == 0);
    CHECK(empty.largest_component_length_share == 0.0);
}

TEST_CASE("network: concurrent const use gives the same results") {
    std::vector<RoadLine> lines;
    for (int k = 0; k < 4; ++k) add_grid(lines, k * 200.0);  // shared vertices join them
    Graph g = Graph::build(lines);
    std::vector<XY> pts;
    for (int i = 0; i < 40; ++i) pts.push_back({i * 20.0 + 3, (i * 37) % 200 + 1.5});
    auto snaps = g.snap(pts, 500);
    auto run = [&](std::vector<double>& lengths, std::vector<double>& areas) {
        lc::GeosContext h;
        for (size_t i = 0; i < pts.size(); ++i) {
            lengths.push_back(g.reachable_length(snaps[i], 150 + 10.0 * i));
            areas.push_back(area_of(h, g.service_area(h, pts[i], snaps[i], 150 + 10.0 * i, 25)));
        }
    };
    // Threads first, so that they also race to build the lazily built faces.
    std::vector<double> l0, a0, l1, a1, l2, a2;
    std::thread t1([&] { run(l1, a1); });
    std::thread t2([&] { run(l2, a2); });
    t1.join();
    t2.join();
    run(l0, a0);
    CHECK(l0 == l1);
    CHECK(l0 == l2);
    CHECK(a0 == a1);
    CHECK(a0 == a2);
}
