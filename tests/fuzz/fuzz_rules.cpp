// libFuzzer target: the rule evaluator on random small worlds. The bytes build units,
// compounds (points or footprints, with or without year and weights), facilities,
// roads, gates and a few rules (through parse_project, so only rules a user could
// write), then run units -> reach -> rules -> service areas -> output tables. Holds
// the contract of SPEC 4-6: no crash, no NaN anywhere in a table, shares within [0, 1]
// when every weight is non-negative, and a null distance exactly when nothing is reached.
#include "common/engine.hpp"
#include "common/errors.hpp"
#include "fuzz_world.hpp"
#include "common/gdal_setup.hpp"
#include "ingest/ingest.hpp"
#include "outputs/outputs.hpp"
#include "project/project.hpp"
#include "reach/reach.hpp"
#include "rules/rules.hpp"
#include "units/units.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {
// One thread: the cores are shared, and the inputs are run one at a time.
lc::Engine engine(1);
}  // namespace

namespace {

using fuzz_world::Bytes;

void check_value(const lc::Value& v) {
    if (auto d = std::get_if<double>(&v); d && !std::isfinite(*d)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    lc::init_gdal();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Bytes b{data, size};
    lc::json doc = fuzz_world::project_doc(b);
    lc::Project p;
    try {
        p = lc::parse_project(doc, "/nonexistent/fuzz/project.json");
    } catch (const lc::Error&) {
        return 0;
    }
    if (b.flag()) p.as_of = 2020 + static_cast<int>(b.pick(8));

    bool nonneg = true;
    lc::Inputs in = fuzz_world::inputs(engine.main(), b, nonneg);

    lc::assign_units(engine, in, p.access.reach_m(""));
    auto types = lc::analysis_types(in, p);
    lc::ReachResult r = lc::compute_reach(engine, p, in, types);
    for (size_t t = 0; t < types.size(); ++t)
        for (size_t c = 0; c < in.compounds.size(); ++c) {
            if (std::isnan(r.dist[t][c])) __builtin_trap();
            if ((r.nearest[t][c] < 0) != std::isinf(r.dist[t][c])) __builtin_trap();
        }
    lc::Analysis a = lc::evaluate(engine, p, in, r);
    auto share_ok = [&](const std::optional<double>& v) {
        if (v && (std::isnan(*v) || (nonneg && (*v < 0 || *v > 1 + 1e-12)))) __builtin_trap();
    };
    for (auto& s : a.area.reach_share)
        for (auto& v : s) share_ok(v);
    for (auto& lvl : a.units)
        for (auto& u : lvl) {
            for (auto& s : u.reach_share)
                for (auto& v : s) share_ok(v);
            for (auto& s : u.band_share)
                for (auto& v : s) share_ok(v);
        }
    for (auto& rr : a.rules)
        if (rr.rule->check == lc::Check::FacilityShare || rr.rule->check == lc::Check::UnitShare) {
            if (rr.value && (*rr.value < 0 || *rr.value > 1)) __builtin_trap();
        } else if (rr.value && std::isnan(*rr.value)) {
            __builtin_trap();
        }
    std::vector<lc::GeomPtr> areas = lc::service_areas(engine, p, in, r);
    auto unc = lc::uncovered_areas(engine, p, in, r, areas);
    auto check_table = [&](const lc::Table& t) {
        for (auto& row : t.rows) {
            if (row.size() != t.fields.size()) __builtin_trap();
            for (size_t k = 0; k < row.size(); ++k) {
                if (auto d = std::get_if<double>(&row[k]); d && !std::isfinite(*d))
                    std::fprintf(stderr, "non-finite %g in %s.%s\n", *d, t.name.c_str(), t.fields[k].name.c_str());
                check_value(row[k]);
            }
        }
    };
    lc::build_layers(engine, lc::LayerSources{p, in, r, a, areas, unc}, check_table);
    check_table(lc::coverage_table(p, in, a));
    return 0;
}
