// Siting (issue 7): the lazy greedy against the plain greedy and against the exact
// optimum found by exhaustive search on small random instances; catchments against
// compute_reach on the demo city (radius and network); the whole proposal on the
// hand-worked fixture, down to the scenario patch read back as facilities.
#include "common/engine.hpp"
#include "common/errors.hpp"
#include "ingest/ingest.hpp"
#include "reach/reach.hpp"
#include "siting/siting.hpp"
#include "units/units.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>

using namespace lc;

namespace {
// The engine these tests run on (two threads, so that the parallel paths are taken).
Engine engine(2);


CoverProblem random_problem(std::mt19937& rng, size_t n_elems, size_t n_cands, double density, bool integer_weights) {
    CoverProblem pb;
    std::uniform_real_distribution<double> u(0, 1);
    std::uniform_int_distribution<int> wi(1, 5);
    for (size_t e = 0; e < n_elems; ++e) pb.weight.push_back(integer_weights ? wi(rng) : 1 + 99 * u(rng));
    for (size_t j = 0; j < n_cands; ++j) {
        for (uint32_t e = 0; e < n_elems; ++e)
            if (u(rng) < density) pb.elems.push_back(e);
        pb.off.push_back(pb.elems.size());
    }
    return pb;
}

/// The plain greedy: every gain re-evaluated every round, ties to the lowest index.
std::vector<size_t> plain_greedy(const CoverProblem& pb, size_t k) {
    std::vector<size_t> picks;
    for (size_t round = 0; round < k; ++round) {
        double best = 0;
        size_t bj = 0;
        bool any = false;
        for (size_t j = 0; j < pb.candidates(); ++j) {
            std::vector<size_t> with = picks;
            with.push_back(j);
            double g = cover_weight(pb, with) - cover_weight(pb, picks);
            if (g > best) {
                best = g;
                bj = j;
                any = true;
            }
        }
        if (!any) break;
        picks.push_back(bj);
    }
    return picks;
}

/// Exhaustive search over every k-subset.
double optimum(const CoverProblem& pb, size_t k) {
    const size_t n = pb.candidates();
    k = std::min(k, n);
    std::vector<size_t> idx(k);
    std::iota(idx.begin(), idx.end(), 0);
    double best = 0;
    for (;;) {
        best = std::max(best, cover_weight(pb, idx));
        size_t i = k;
        while (i > 0 && idx[i - 1] == n - k + i - 1) --i;
        if (i == 0) break;
        ++idx[i - 1];
        for (size_t j = i; j < k; ++j) idx[j] = idx[j - 1] + 1;
    }
    return best;
}

std::vector<size_t> picks_of(const GreedyResult& g) {
    std::vector<size_t> v;
    for (auto& s : g.steps) v.push_back(s.candidate);
    return v;
}

}  // namespace

TEST_CASE("siting: lazy greedy (CELF) makes exactly the plain greedy's choices, ties included") {
    std::mt19937 rng(7);
    for (int it = 0; it < 200; ++it) {
        // integer weights and dense rows make many equal gains: the tie rule is exercised
        CoverProblem pb = random_problem(rng, 25, 15, it % 2 ? 0.2 : 0.45, it % 3 == 0);
        size_t k = 1 + static_cast<size_t>(it % 6);
        GreedyResult g = greedy_max_cover(engine, pb, k);
        CHECK(picks_of(g) == plain_greedy(pb, k));
        CHECK(g.covered == doctest::Approx(cover_weight(pb, picks_of(g))));
        CHECK(g.evaluations >= pb.candidates());
    }
}

/// Points in a 3 x 3 km square, candidates reaching compounds within 1000 m: the shape
/// of the real problem (overlapping discs), small enough to search exhaustively.
CoverProblem geometric_problem(std::mt19937& rng, size_t n_elems, size_t n_cands) {
    std::uniform_real_distribution<double> u(0, 3000), w(10, 500);
    std::vector<XY> pts(n_elems);
    CoverProblem pb;
    for (auto& q : pts) {
        q = XY{u(rng), u(rng)};
        pb.weight.push_back(std::round(w(rng)));
    }
    for (size_t j = 0; j < n_cands; ++j) {
        XY c{u(rng), u(rng)};
        for (uint32_t e = 0; e < n_elems; ++e)
            if (std::hypot(pts[e].x - c.x, pts[e].y - c.y) <= 1000) pb.elems.push_back(e);
        pb.off.push_back(pb.elems.size());
    }
    return pb;
}

TEST_CASE("siting: greedy against the exhaustive optimum on small random instances") {
    std::mt19937 rng(2024);
    const double bound = 1 - std::exp(-1.0);
    for (int kind = 0; kind < 2; ++kind) {
        double worst = 1, sum = 0;
        int n = 0, exact = 0;
        for (int it = 0; it < 300; ++it) {
            size_t elems = 20 + static_cast<size_t>(it % 21), cands = 8 + static_cast<size_t>(it % 7);
            CoverProblem pb = kind == 0 ? random_problem(rng, elems, cands, 0.08 + 0.04 * (it % 5), it % 4 == 0)
                                        : geometric_problem(rng, elems, cands);
            size_t k = 2 + static_cast<size_t>(it % 4);
            double opt = optimum(pb, k);
            if (opt <= 0) continue;
            double got = greedy_max_cover(engine, pb, k).covered;
            CHECK(got <= opt + 1e-9);
            double ratio = got / opt;
            worst = std::min(worst, ratio);
            sum += ratio;
            exact += ratio > 1 - 1e-12;
            ++n;
        }
        CHECK(worst >= bound);
        // Reported in the closing note of issue 7.
        MESSAGE("greedy/optimum, " << std::string(kind == 0 ? "random set systems" : "discs of 1000 m in a 3 km square") << ", " << n
                                   << " instances of 8-14 candidates, k 2-5: worst " << worst << ", mean " << sum / n
                                   << ", optimal in " << exact);
    }
}

TEST_CASE("siting: greedy on the classic bad case stays above 1-1/e") {
    // Two disjoint halves {0..3} {4..7} are optimal for k=2; a decoy covering half of
    // each half plus one extra element is picked first by the greedy: 3/4 of the optimum.
    CoverProblem pb;
    pb.weight.assign(8, 1.0);
    pb.weight.push_back(0.5);
    auto row = [&](std::vector<uint32_t> v) {
        for (auto e : v) pb.elems.push_back(e);
        pb.off.push_back(pb.elems.size());
    };
    row({0, 1, 2, 3});
    row({4, 5, 6, 7});
    row({0, 1, 4, 5, 8});
    GreedyResult g = greedy_max_cover(engine, pb, 2);
    CHECK(picks_of(g) == std::vector<size_t>{2, 0});
    CHECK(g.covered == 6.5);
    CHECK(optimum(pb, 2) == 8.0);
    CHECK(g.covered / 8.0 >= 1 - std::exp(-1.0));
}

TEST_CASE("siting: greedy stops at the target, and when nothing adds weight") {
    CoverProblem pb;
    pb.weight = {5, 3, 2};
    auto row = [&](std::vector<uint32_t> v) {
        for (auto e : v) pb.elems.push_back(e);
        pb.off.push_back(pb.elems.size());
    };
    row({0});
    row({1});
    row({2});
    row({0, 1});
    CHECK(picks_of(greedy_max_cover(engine, pb, 10, 8)) == std::vector<size_t>{3});
    CHECK(picks_of(greedy_max_cover(engine, pb, 10, 8.5)) == std::vector<size_t>{3, 2});
    // k = 10 but only two picks add anything
    GreedyResult all = greedy_max_cover(engine, pb, 10);
    CHECK(all.steps.size() == 2);
    CHECK(all.covered == 10);
    CHECK(greedy_max_cover(engine, pb, 0).steps.empty());
}

namespace {

struct Demo {
    Project p;
    Inputs in;
    ReachResult r;
    explicit Demo(const std::string& mode) {
        json doc = read_json_file(std::string(LIFECIRCLE_TEST_DATA) + "/../data/demo/project.json");
        doc["access"]["mode"] = mode;
        p = parse_project(doc, std::string(LIFECIRCLE_TEST_DATA) + "/../data/demo/project.json");
        in = read_inputs(engine, p);
        assign_units(engine, in, 1000);
        r = compute_reach(engine, p, in, analysis_types(in, p));
    }
};

void catchments_match_reach(const Demo& d) {
    CatchmentIndex index(engine, d.p, d.in, d.r);
    for (size_t t = 0; t < d.r.types.size(); ++t) {
        std::vector<XY> pts;
        for (auto& f : d.in.facilities)
            if (f.type == d.r.types[t]) pts.push_back(f.pt);
        Catchments c = index.compute(pts, {d.r.reach_m[t]});
        std::vector<double> best(d.in.compounds.size(), std::numeric_limits<double>::infinity());
        for (size_t s = 0; s < c.size(); ++s)
            for (size_t k = c.off[s]; k < c.off[s + 1]; ++k) best[c.compound[k]] = std::min(best[c.compound[k]], c.dist[k]);
        long mismatch = 0, reached = 0;
        for (size_t i = 0; i < d.in.compounds.size(); ++i) {
            bool in_c = best[i] <= d.r.reach_m[t];
            reached += d.r.reached[t][i];
            if (in_c != static_cast<bool>(d.r.reached[t][i]) || (in_c && best[i] != d.r.dist[t][i])) ++mismatch;
        }
        INFO(d.p.access.mode << " " << d.r.types[t]);
        CHECK(mismatch == 0);
        CHECK(reached > 0);
    }
}

}  // namespace

TEST_CASE("siting: catchments reproduce compute_reach bit for bit (demo city, radius)") {
    catchments_match_reach(Demo("radius"));
}

TEST_CASE("siting: catchments reproduce compute_reach bit for bit (demo city, network)") {
    catchments_match_reach(Demo("network"));
}

namespace {

struct Hand {
    Project p;
    Inputs in;
    ReachResult r;
    Hand() : p(load_project(std::string(LIFECIRCLE_TEST_DATA) + "/fixtures/hand/project.json")), in(read_inputs(engine, p)) {
        assign_units(engine, in, 1000);
        r = compute_reach(engine, p, in, analysis_types(in, p));
    }
};

}  // namespace

TEST_CASE("siting: hand fixture — one day-care centre closes the gap at K4") {
    Hand h;
    // Candidates: the three community points, then compounds without a day-care
    // centre: K1 holds F1, so K2, K3 (F2 is 350 m away, beyond point_support_m) and K4.
    auto cands = default_candidates(engine, h.p, h.in, "day_care");
    std::vector<std::string> ids;
    for (auto& c : cands) ids.push_back(c.id);
    CHECK(ids == std::vector<std::string>{"community:C11", "community:C12", "community:C21", "compound:K2", "compound:K3", "compound:K4"});
    CHECK(cands[2].pt.x == doctest::Approx(272000.0));  // point on surface of C21's 2000 x 1000 m rectangle

    SitingOptions o;
    o.type = "day_care";
    o.count = 3;
    o.weight = "elderly";
    SitingResult s = plan_sites(engine, h.p, h.in, h.r, cands, o);
    // elderly known: K1 200, K3 50, K4 60 (K2 unknown: out of the share)
    CHECK(s.total_weight == 310);
    CHECK(s.unknown_weight == 1);
    CHECK(s.base_share == doctest::Approx(250.0 / 310));
    // C21's point (272000, 2770500) is 827.6 m from K4's, K4's own point 0 m: equal
    // gains, the lower index wins. Then nothing else adds weight.
    REQUIRE(s.sites.size() == 1);
    CHECK(cands[s.sites[0].candidate].id == "community:C21");
    CHECK(s.sites[0].gain == 60);
    CHECK(s.sites[0].cumulative_share == 1.0);
    CHECK(s.sites[0].site_id == "SITE-01");
    CHECK(s.sites[0].unit[kCommunity] == 2);
    CHECK(s.sites[0].unit[kStreet] == 1);
    REQUIRE(s.sites[0].new_compounds.size() == 1);
    CHECK(h.in.compounds[s.sites[0].new_compounds[0]].id == "K4");
    CHECK(s.max_share == 1.0);
    CHECK_FALSE(s.note.empty());  // asked for 3, one suffices

    Table t = proposed_sites_table(engine, h.in, cands, s);
    REQUIRE(t.rows.size() == 1);
    CHECK(std::get<std::string>(t.rows[0][1]) == "SITE-01");
    CHECK(std::get<std::string>(t.rows[0][11]) == "K4");
    CHECK(std::get<std::string>(t.rows[0][14]) == "C21");

    // The patch, read back through the facilities layer's mapping, is a day-care
    // centre at the site (the layer's own label 社区日间照料中心 is the one used most).
    json patch = siting_patch(h.p, h.in, cands, s);
    const json& f0 = patch["add_facilities"]["features"][0];
    CHECK(f0["properties"]["fid"] == "SITE-01");
    CHECK(f0["properties"]["type"] == "day_care");  // F1 says 社区日间照料中心, F2 day_care: a tie, map order
    Inputs in2 = read_inputs(engine, h.p);
    read_extra_facilities(engine, h.p, patch["add_facilities"].dump(), true, in2);
    REQUIRE(in2.facilities.size() == h.in.facilities.size() + 1);
    const Facility& added = in2.facilities.back();
    CHECK(added.id == "SITE-01");
    CHECK(added.type == "day_care");
    CHECK(std::abs(added.pt.x - 272000.0) < 1e-6);
    CHECK(std::abs(added.pt.y - 2770500.0) < 1e-6);
    assign_units(engine, in2, 1000);
    ReachResult r2 = compute_reach(engine, h.p, in2, analysis_types(in2, h.p));
    for (size_t t2 = 0; t2 < r2.types.size(); ++t2)
        if (r2.types[t2] == "day_care")
            for (size_t c = 0; c < in2.compounds.size(); ++c) CHECK(r2.reached[t2][c]);
}

TEST_CASE("siting: target share — the fewest sites, or the statement that the candidates cannot") {
    Hand h;
    auto cands = default_candidates(engine, h.p, h.in, "day_care");
    SitingOptions o;
    o.type = "day_care";
    o.weight = "elderly";
    o.target_share = 0.8;  // already 250/310 = 0.806
    SitingResult s = plan_sites(engine, h.p, h.in, h.r, cands, o);
    CHECK(s.sites.empty());
    CHECK(s.target_met);

    o.target_share = 1.0;
    s = plan_sites(engine, h.p, h.in, h.r, cands, o);
    CHECK(s.sites.size() == 1);
    CHECK(s.target_met);

    // Only the C11 point: it reaches nothing new, K4 stays out of reach.
    std::vector<Candidate> one{cands[0]};
    s = plan_sites(engine, h.p, h.in, h.r, one, o);
    CHECK(s.sites.empty());
    CHECK_FALSE(s.target_met);
    CHECK(s.max_share == doctest::Approx(250.0 / 310));
    CHECK(s.note.find("cannot reach the target") != std::string::npos);

    // Counting compounds, a reach_share rule over day_care + canteen: K2 is reached by
    // the canteen F4 anyway, so the base is 3 of 4.
    o.weight = "compounds";
    o.covered_by = {"day_care", "canteen"};
    o.target_share = std::nullopt;
    o.count = 1;
    s = plan_sites(engine, h.p, h.in, h.r, cands, o);
    CHECK(s.base_share == 0.75);
    CHECK(s.sites.size() == 1);
    CHECK(s.sites[0].cumulative_share == 1.0);

    o.weight = "nonsense";
    CHECK_THROWS_AS(plan_sites(engine, h.p, h.in, h.r, cands, o), ConfigError);
}

TEST_CASE("siting: a user candidate layer — a point, a parcel polygon, a null geometry; GCJ-02 declared") {
    Hand h;
    // K4's point (272750, 2770850) in EPSG:32648 is (102.7477, 25.0362) in lon/lat,
    // written in WGS 84 (the GeoJSON default), plus a parcel polygon and a null geometry.
    std::string file = std::string(LIFECIRCLE_TEST_DATA) + "/fixtures/siting/candidates.geojson";
    CandidateLayer cl;
    cl.path = file;
    std::vector<std::string> skipped;
    auto cands = read_candidates(engine, cl, h.in, skipped);
    REQUIRE(cands.size() == 2);
    CHECK(cands[0].id == "P1");
    CHECK(cands[0].name == "空置校舍");
    CHECK(cands[1].id == "P2");
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].find("P3") == 0);
    // P1 is a point at K4 (to the metre), P2 a square parcel centred on C11's centre
    CHECK(std::abs(cands[0].pt.x - 272750) < 1);
    CHECK(std::abs(cands[0].pt.y - 2770850) < 1);
    CHECK(std::abs(cands[1].pt.x - 270250) < 1);

    SitingOptions o;
    o.type = "day_care";
    o.count = 2;
    SitingResult s = plan_sites(engine, h.p, h.in, h.r, cands, o);
    REQUIRE(s.sites.size() == 1);
    CHECK(cands[s.sites[0].candidate].id == "P1");

    cl.crs = "GCJ-02";  // the same numbers read as GCJ-02 move ~500 m: still within reach of K4
    skipped.clear();
    auto shifted = read_candidates(engine, cl, h.in, skipped);
    REQUIRE(shifted.size() == 2);
    double moved = std::hypot(shifted[0].pt.x - cands[0].pt.x, shifted[0].pt.y - cands[0].pt.y);
    CHECK(moved > 100);
    CHECK(moved < 1000);

    cl.path = std::string(LIFECIRCLE_TEST_DATA) + "/fixtures/siting/does_not_exist.geojson";
    CHECK_THROWS_AS(read_candidates(engine, cl, h.in, skipped), InputError);
    cl.path = file;
    cl.id_field = "nope";
    CHECK_THROWS_AS(read_candidates(engine, cl, h.in, skipped), InputError);
}
