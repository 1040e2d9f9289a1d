// Compound gates in network mode: a walled compound is entered only at its gates, the
// nearest gate counting. The map (metres), roads joined only at their shared vertices:
//
//   (0,400) ==================== north road ==================== (2000,400)
//                    g_north (500,260)                                  ||
//              +---------------------+                                  ||
//              |  K, walled          |                                  || east link
//              |  point (500,150)    |                                  ||
//              +---------------------+                                  ||
//                g_south (450,40)                                       ||
//   (0,0) ===================== south road ==================== (2000,0)
//                     F (500,-10): day-care centre, 10 m off the road
//
// K's own point is nearest the south road (150 m, against 250 m north): 10 + 150 = 160 m
// from F. Through the north gate only: 10 + 1500 east + 400 north + 1500 west + 140 =
// 3550 m. Through the south gate: 10 + 50 along the road + 40 = 100 m.
#include "common/engine.hpp"
#include "access/access.hpp"
#include "reach/reach.hpp"
#include "siting/siting.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace lc;

namespace {
// The engine these tests run on (two threads, so that the parallel paths are taken).
Engine engine(2);


constexpr double kInf = std::numeric_limits<double>::infinity();

struct Walled {
    Project p;
    Inputs in;
    explicit Walled(const std::string& mode = "network") {
        p.access.mode = mode;
        p.doc = json::object();
        in.roads = {{{0, 0}, {2000, 0}}, {{2000, 0}, {2000, 400}}, {{2000, 400}, {0, 400}}};
        Compound k;
        k.id = "K";
        k.rep = XY{500, 150};
        k.elderly = 100;
        in.compounds.push_back(std::move(k));
        Compound far;  // its own point is 800 m from any road
        far.id = "FAR";
        far.rep = XY{1000, 1200};
        far.elderly = 50;
        in.compounds.push_back(std::move(far));
        Facility f;
        f.id = "F";
        f.type = "day_care";
        f.pt = XY{500, -10};
        f.beds = 10;
        in.facilities.push_back(f);
    }
    ReachResult reach() const { return compute_reach(engine, p, in, {"day_care"}); }
};

bool listed_unsnapped(const ReachResult& r, const std::string& id) {
    const auto& v = r.network.unsnapped_compound_ids;
    return std::find(v.begin(), v.end(), id) != v.end();
}

}  // namespace

TEST_CASE("gates: without a gates layer, a compound enters at its own point (unchanged behaviour)") {
    Walled w;
    ReachResult r = w.reach();
    CHECK(r.dist[0][0] == 160.0);
    CHECK(r.reached[0][0]);
    CHECK(r.unreachable[1]);  // FAR: 800 m > max_access_m 500
    CHECK(r.dist[0][1] == kInf);
    CHECK(listed_unsnapped(r, "FAR"));
}

TEST_CASE("gates: a walled compound whose only gate is on the far side is not reached") {
    Walled w;
    w.in.gates = {{"K", XY{500, 260}}};
    ReachResult r = w.reach();
    CHECK(r.dist[0][0] == 3550.0);
    CHECK_FALSE(r.reached[0][0]);
    CHECK(r.nearest[0][0] == 0);
    CHECK_FALSE(r.unreachable[0]);
}

TEST_CASE("gates: the nearest of several gates counts") {
    Walled w;
    w.in.gates = {{"K", XY{500, 260}}, {"K", XY{450, 40}}};
    ReachResult r = w.reach();
    CHECK(r.dist[0][0] == 100.0);
    CHECK(r.reached[0][0]);
    // order of the gates does not matter
    std::swap(w.in.gates[0], w.in.gates[1]);
    CHECK(w.reach().dist[0][0] == 100.0);
}

TEST_CASE("gates: ignored in radius mode") {
    Walled w("radius");
    w.in.gates = {{"K", XY{500, 260}}};
    ReachResult r = w.reach();
    CHECK(r.dist[0][0] == 160.0);
}

TEST_CASE("gates: a gate naming no compound changes nothing") {
    Walled w;
    w.in.gates = {{"NOPE", XY{500, 260}}};
    CHECK(w.reach().dist[0][0] == 160.0);
}

TEST_CASE("gates: the gate, not the compound's own point, decides whether it can enter the network") {
    Walled w;
    // FAR's point is 800 m from the north road, its gate 10 m: reachable, and not
    // reported as a point that cannot enter the network.
    w.in.gates = {{"FAR", XY{1000, 410}}};
    ReachResult r = w.reach();
    CHECK_FALSE(r.unreachable[1]);
    CHECK(r.dist[0][1] == 10 + 1500 + 400 + 1000 + 10.0);
    CHECK_FALSE(listed_unsnapped(r, "FAR"));
    CHECK(r.network.unsnapped_compounds == 0);

    // K's only gate is 1100 m from any road: K cannot be entered, although its point could.
    w.in.gates = {{"K", XY{500, 1500}}};
    r = w.reach();
    CHECK(r.unreachable[0]);
    CHECK(r.dist[0][0] == kInf);
    CHECK_FALSE(r.reached[0][0]);
    CHECK(listed_unsnapped(r, "K"));
    CHECK(r.network.unsnapped_compounds == 2);  // K (its gate) and FAR (its point)
}

TEST_CASE("gates: catchments of new sites and access use the gates too") {
    Walled w;
    w.in.gates = {{"K", XY{500, 260}}};
    ReachResult r = w.reach();
    CatchmentIndex index(engine, w.p, w.in, r);
    // A site on the north road, 10 m off it, opposite the gate: 10 + 140 = 150 m
    Catchments c = index.compute({XY{500, 410}, XY{500, -10}}, {1000});
    REQUIRE(c.off[1] - c.off[0] == 1);
    CHECK(c.compound[0] == 0);
    CHECK(c.dist[0] == 150.0);
    CHECK(c.off[2] == c.off[1]);  // from F's spot: 3550 m, beyond the budget

    // Access: F's 10 beds reach nobody through the far gate ...
    AccessResult a = compute_access(engine, w.p, w.in, r, {"day_care"}, AccessOptions{});
    CHECK(*a.layers[0].compound[0] == 0.0);
    CHECK(a.layers[0].facilities_no_demand == 1);
    // ... and all of K's 100 elderly through a near one.
    w.in.gates.push_back({"K", XY{450, 40}});
    r = w.reach();
    a = compute_access(engine, w.p, w.in, r, {"day_care"}, AccessOptions{});
    CHECK(*a.layers[0].compound[0] == doctest::Approx(0.1));

    // Siting: with the far gate only, the best of the two spots is the north one.
    w.in.gates = {{"K", XY{500, 260}}};
    r = w.reach();
    std::vector<Candidate> cands{{"south", "layer", "", XY{600, -10}}, {"north", "layer", "", XY{600, 410}}};
    SitingOptions o;
    o.type = "day_care";
    o.count = 1;
    SitingResult s = plan_sites(engine, w.p, w.in, r, cands, o);
    REQUIRE(s.sites.size() == 1);
    CHECK(cands[s.sites[0].candidate].id == "north");
}
