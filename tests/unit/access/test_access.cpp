// Capacity-aware accessibility (2SFCA), worked by hand on a straight street:
//
//   A(10 beds)    c1(100)       c2(200) c5(?)      B(30 beds)   c3(100)              c4(50)
//   x=0           x=300         x=800   x=900      x=1500       x=1900               x=5000
//
// Reach 1000 m (15 min at 4 km/h). A's catchment: c1 300 m, c2 800 m, c5 900 m;
// B's: c2 700 m, c5 600 m, c3 400 m (c1 is 1200 m away). c5's elderly are unknown.
#include "common/engine.hpp"
#include "access/access.hpp"
#include "common/errors.hpp"
#include "reach/reach.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace lc;

namespace {
// The engine these tests run on (two threads, so that the parallel paths are taken).
Engine engine(2);


struct Street {
    Project p;
    Inputs in;
    ReachResult r;
    Street() {
        p.access.mode = "radius";
        p.doc = json::object();
        auto compound = [&](const char* id, double x, std::optional<double> old, int unit) {
            Compound c;
            c.id = id;
            c.rep = XY{x, 0};
            c.is_point = true;
            c.elderly = old;
            c.unit[kCommunity] = unit;
            in.compounds.push_back(std::move(c));
        };
        compound("c1", 300, 100.0, 0);
        compound("c2", 800, 200.0, 0);
        compound("c3", 1900, 100.0, 1);
        compound("c4", 5000, 50.0, 1);
        compound("c5", 900, std::nullopt, 1);
        auto facility = [&](const char* id, const char* type, double x, std::optional<double> beds, std::optional<double> area) {
            Facility f;
            f.id = id;
            f.type = type;
            f.pt = XY{x, 0};
            f.beds = beds;
            f.floor_area = area;
            in.facilities.push_back(std::move(f));
        };
        facility("A", "day_care", 0, 10.0, 200.0);
        facility("B", "day_care", 1500, 30.0, std::nullopt);
        facility("K", "canteen", 100, std::nullopt, std::nullopt);
        in.units[kCommunity].resize(2);
        in.units[kCommunity][0].id = "U1";
        in.units[kCommunity][1].id = "U2";
        in.has_level[kCommunity] = true;
        r = compute_reach(engine, p, in, {"day_care", "canteen"});
    }
};

double w(double d) { return decay_weight(Decay::Gaussian, d, 1000); }

}  // namespace

TEST_CASE("access: the Gaussian weight is 1 at the facility, 0 at the reach, smooth between") {
    CHECK(w(0) == 1.0);
    CHECK(w(1000) == doctest::Approx(0.0).epsilon(1e-15));
    CHECK(w(1000.5) == 0.0);
    // (exp(-0.5 (d/1000)^2) - exp(-0.5)) / (1 - exp(-0.5)), worked out to 10 digits
    CHECK(w(300) == doctest::Approx(0.8881678605));
    CHECK(w(400) == doctest::Approx(0.8046006493));
    CHECK(w(700) == doctest::Approx(0.4477448698));
    CHECK(w(800) == doctest::Approx(0.3040093982));
    CHECK(decay_weight(Decay::None, 999, 1000) == 1.0);
    CHECK(decay_weight(Decay::None, 1001, 1000) == 0.0);
}

TEST_CASE("access: 2SFCA without decay, by hand") {
    Street s;
    AccessResult res = compute_access(engine, s.p, s.in, s.r, {"day_care"}, AccessOptions{});
    const AccessLayer* a = res.find("day_care");
    REQUIRE(a);
    CHECK(a->supply == "beds");
    // R_A = 10 / (100 + 200) = 1/30 (c5 has no known demand); R_B = 30 / (200 + 100) = 0.1
    CHECK(*a->compound[0] == doctest::Approx(1.0 / 30));
    CHECK(*a->compound[1] == doctest::Approx(1.0 / 30 + 0.1));
    CHECK(*a->compound[2] == doctest::Approx(0.1));
    CHECK(*a->compound[3] == 0.0);  // reached by nothing: no supply within reach, a true 0
    CHECK(*a->compound[4] == doctest::Approx(1.0 / 30 + 0.1));  // unknown demand, but access is a place's
    // Supply is conserved: Σ D·A = 10 + 30 beds
    CHECK(100 * *a->compound[0] + 200 * *a->compound[1] + 100 * *a->compound[2] + 50 * *a->compound[3] == doctest::Approx(40));
    // Demand-weighted means: U1 (c1, c2) = 30/300; U2 (c3, c4; c5 unknown) = 10/150
    CHECK(*a->unit_mean[kCommunity][0] == doctest::Approx(0.1));
    CHECK(*a->unit_mean[kCommunity][1] == doctest::Approx(10.0 / 150));
    CHECK(*a->area_mean == doctest::Approx(40.0 / 450));
    CHECK(a->facilities == 2);
    CHECK(a->facilities_used == 2);
    CHECK(a->compounds_unknown_demand == 1);
    CHECK(a->unit_mean[kStreet].empty());

    auto pass = access_pass(*a, 100, 1000);  // 100 beds per 1000 elderly
    CHECK_FALSE(*pass[0]);                   // 33.3
    CHECK(*pass[1]);                         // 133.3
    CHECK(*pass[2]);                         // 100: at the minimum passes
    CHECK_FALSE(*pass[3]);
}

TEST_CASE("access: 2SFCA with Gaussian decay, by hand") {
    Street s;
    AccessOptions o;
    o.decay = Decay::Gaussian;
    AccessResult res = compute_access(engine, s.p, s.in, s.r, {"day_care"}, o);
    const AccessLayer& a = res.layers.at(0);
    // R_A = 10 / (100·w(300) + 200·w(800)) = 10 / 149.6205 = 0.0668365805
    // R_B = 30 / (200·w(700) + 100·w(400)) = 30 / 170.0090 = 0.1764612058
    const double RA = 0.0668365805, RB = 0.1764612058;
    CHECK(*a.compound[0] == doctest::Approx(RA * 0.8881678605));                       // 0.0593621027
    CHECK(*a.compound[1] == doctest::Approx(RA * 0.3040093982 + RB * 0.4477448698));  // 0.0993285482
    CHECK(*a.compound[2] == doctest::Approx(RB * 0.8046006493));                       // 0.1419808008
    CHECK(*a.compound[2] == doctest::Approx(0.1419808008));
    CHECK(*a.compound[3] == 0.0);
    // The same weights in both steps conserve supply here too
    CHECK(100 * *a.compound[0] + 200 * *a.compound[1] + 100 * *a.compound[2] == doctest::Approx(40));
}

TEST_CASE("access: the supply measure, unknown supply and an empty catchment") {
    Street s;
    // floor area forced: B has none and is left out; A alone: R_A = 200 / 300
    AccessOptions o;
    o.supply = "floor_area";
    const AccessLayer fa = compute_access(engine, s.p, s.in, s.r, {"day_care"}, o).layers.at(0);
    CHECK(fa.supply == "floor_area");
    CHECK(fa.facilities_unknown_supply == 1);
    CHECK(*fa.compound[0] == doctest::Approx(200.0 / 300));
    CHECK(*fa.compound[2] == 0.0);

    // The canteen K has no supply figure at all: access is unknown, never 0.
    const AccessLayer k = compute_access(engine, s.p, s.in, s.r, {"canteen"}, AccessOptions{}).layers.at(0);
    CHECK(k.supply.empty());
    CHECK_FALSE(k.compound[0]);
    CHECK_FALSE(k.area_mean);
    CHECK_FALSE(k.unit_mean[kCommunity][0]);

    // A type without facilities: no supply anywhere, a true 0.
    ReachResult r = compute_reach(engine, s.p, s.in, {"nursing_home"});
    const AccessLayer n = compute_access(engine, s.p, s.in, r, {"nursing_home"}, AccessOptions{}).layers.at(0);
    CHECK(*n.compound[0] == 0.0);
    CHECK(*n.area_mean == 0.0);

    // A facility whose catchment holds no known demand serves nobody.
    s.in.facilities.push_back(s.in.facilities[0]);
    s.in.facilities.back().id = "D";
    s.in.facilities.back().pt = XY{9000, 0};
    const AccessLayer d = compute_access(engine, s.p, s.in, s.r, {"day_care"}, AccessOptions{}).layers.at(0);
    CHECK(d.facilities_no_demand == 1);
    CHECK(*d.compound[1] == doctest::Approx(1.0 / 30 + 0.1));
}

TEST_CASE("access: a pool of types is one supply (min_access over several types)") {
    Street s;
    s.in.facilities[2].beds = 20;  // the canteen at x=100 now counts 20 "beds"
    AccessResult res = compute_access_pools(engine, s.p, s.in, s.r, {{"day_care", "canteen"}}, AccessOptions{});
    const AccessLayer* a = res.find(std::vector<std::string>{"canteen", "day_care"});
    REQUIRE(a);
    // A: 10/300; K (x=100): c1 200 m, c2 700 m, c5 800 m -> 20/300; B: 30/300
    CHECK(*a->compound[0] == doctest::Approx(10.0 / 300 + 20.0 / 300));
    CHECK(*a->compound[1] == doctest::Approx(10.0 / 300 + 20.0 / 300 + 0.1));
    CHECK(a->facilities == 3);
}

TEST_CASE("access: decay options from the project and the rule") {
    Project p;
    p.file = "/tmp/p.json";
    p.doc = json::parse(R"({"access": {"decay": "gaussian"}})");
    CHECK(access_options(p).decay == Decay::Gaussian);
    Rule r;
    r.id = "acc";
    r.raw = json::parse(R"({"id": "acc", "decay": "none"})");
    CHECK(access_options(p, &r).decay == Decay::None);
    r.raw = json::parse(R"({"id": "acc"})");
    CHECK(access_options(p, &r).decay == Decay::Gaussian);
    p.doc = json::parse(R"({"access": {"decay": "exponential"}})");
    CHECK_THROWS_AS(access_options(p), ConfigError);
    p.doc = json::object();
    CHECK(access_options(p).decay == Decay::None);
}
