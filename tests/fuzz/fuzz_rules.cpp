// libFuzzer target: the rule evaluator on random small worlds. The bytes build units,
// compounds (points or footprints, with or without year and weights), facilities,
// roads, gates and a few rules (through parse_project, so only rules a user could
// write), then run units -> reach -> rules -> service areas -> output tables. Holds
// the contract of SPEC 4-6: no crash, no NaN anywhere in a table, shares within [0, 1]
// when every weight is non-negative, and a null distance exactly when nothing is reached.
#include "common/errors.hpp"
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

/// Reads small choices off the input; past the end every read is 0.
struct Bytes {
    const uint8_t* p;
    size_t n;
    unsigned u8() { return n ? (--n, *p++) : 0; }
    unsigned pick(unsigned k) { return u8() % k; }
    bool flag() { return u8() & 1; }
    template <class T, size_t N>
    const T& of(const T (&a)[N]) { return a[pick(N)]; }
    double coord() { return u8() * 16.0; }  // 0..4080 m: a 4 km square study area
};

const char* const kTypes[] = {"day_care", "canteen", "street_center", "regional_center",
                              "nursing_home", "supporting", "dementia_care", "barber"};
// 1e290, not 1e308: output rounding (x * 1e6) overflows near DBL_MAX; that case is held
// by tests/e2e/check_nasty.py huge_numbers instead, so that fuzzing gets past it.
const double kWeights[] = {0, 1, 37, 300, 2500, 0.5, -5, 1e290};
const double kMins[] = {0, 1, 2, 31, 0.5, -1, 1e9};
const double kShares[] = {1, 0.9, 0.65, 0, 2};
const double kDists[] = {0, 50, 500, -10, 1e6};

lc::GeomPtr rect(double x, double y, double w, double h) {
    return lc::make_polygon(lc::main_geos(), {{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}});
}

lc::json make_rule(Bytes& b, int i) {
    static const char* checks[] = {"min_count", "reach_share", "ratio", "compound_support", "min_access",
                                   "facility_share", "unit_share", "min_total"};
    static const char* levels[] = {"area", "district", "street", "community"};
    static const char* weights[] = {"compounds", "households", "population", "elderly"};
    static const char* kinds[] = {"street", "township", "community", "village", "district"};
    lc::json r = {{"id", "r" + std::to_string(i)}, {"check", b.of(checks)}, {"level", b.of(levels)}};
    lc::json types = lc::json::array();
    for (unsigned k = 0, n = 1 + b.pick(3); k < n; ++k) types.push_back(b.of(kTypes));
    r["types"] = types;
    if (b.flag()) r["kind"] = b.of(kinds);
    r["min"] = b.of(kMins);
    if (b.flag()) r["target_share"] = b.of(kShares);
    r["weight"] = b.of(weights);
    switch (b.pick(5)) {
        case 1: r["where"] = {{"operator", "public"}}; break;
        case 2: r["where"] = {{"beds", {{">=", 100}}}}; break;
        case 3: r["where"] = {{"safety_net", true}}; break;
        case 4: r["where"] = {{"type", {{"in", {"nursing_home", "day_care"}}}}}; break;
        default: break;
    }
    static const char* fattrs[] = {"beds", "nursing_beds", "floor_area", "operator", "unmapped"};
    r["numerator"] = {{"attr", b.of(fattrs)}, {"types", types}};
    static const char* figures[] = {"population", "elderly", "infants", "households"};
    switch (b.pick(3)) {
        case 0: r["denominator"] = {{"of", "compounds"}, {"attr", b.of(weights)}}; break;
        case 1: r["denominator"] = {{"unit", b.of(figures)}}; break;  // census denominators
        default: r["denominator"] = {{"of", "facilities"}, {"attr", b.of(fattrs)}}; break;
    }
    if (r["check"] == "unit_share") r["attribute"] = {{"elderly_friendly", b.flag()}};
    if (r["check"] == "min_total" && b.flag()) r["attribute"] = b.of(fattrs);
    if (r["check"] == "facility_share" && !r.contains("where")) r["where"] = {{"safety_net", true}};
    if (b.flag()) r["due"] = 2020 + static_cast<int>(b.pick(8));
    r["per"] = b.flag() ? 1000 : 1;
    if (b.flag()) r["since_year"] = 2000 + static_cast<int>(b.pick(30));
    if (b.flag() || !r.contains("since_year")) r["before_year"] = 2000 + static_cast<int>(b.pick(30));
    r["within_m"] = b.of(kDists);
    if (b.flag()) r["min_area_per_100_households"] = b.of(kMins);
    if (b.flag()) r["min_single_area"] = b.of(kMins);
    return r;
}

void check_value(const lc::Value& v) {
    if (auto d = std::get_if<double>(&v); d && !std::isfinite(*d)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    lc::init_gdal();
    setenv("LIFECIRCLE_THREADS", "1", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Bytes b{data, size};
    static const char* modes[] = {"radius", "network"};
    static const double walk[] = {4.0, 1.0, 0.001, 1e6};
    static const double minutes[] = {15, 5, 1e-6, 600};
    lc::json doc = {
        {"working_crs", "EPSG:32648"},
        {"layers",
         {{"compounds", {{"path", "c.geojson"}, {"id", "id"}, {"year", "y"}, {"households", "hh"}, {"population", "pop"}, {"elderly", "old"}}},
          {"facilities", {{"path", "f.geojson"}, {"id", "fid"}, {"type", "type"}, {"beds", "beds"}, {"nursing_beds", "nb"},
                          {"floor_area", "area"}, {"attributes", {{"operator", "op"}, {"safety_net", "sn"}}}}},
          {"roads", {{"path", "r.geojson"}, {"class", "highway"}}},
          {"community", {{"path", "u.geojson"}, {"id", "id"}, {"attributes", {{"elderly_friendly", "ef"}}}}}}},
        {"access", {{"mode", b.of(modes)}, {"walk_kmh", b.of(walk)}, {"minutes", b.of(minutes)}, {"max_access_m", b.flag() ? 500 : 0}}},
        {"rules", lc::json::array()}};
    if (b.flag()) doc["access"]["minutes_by_type"] = {{b.of(kTypes), b.of(minutes)}};
    for (int i = 0, n = 1 + static_cast<int>(b.pick(4)); i < n; ++i) doc["rules"].push_back(make_rule(b, i));
    lc::Project p;
    try {
        p = lc::parse_project(doc, "/nonexistent/fuzz/project.json");
    } catch (const lc::Error&) {
        return 0;
    }
    if (b.flag()) p.as_of = 2020 + static_cast<int>(b.pick(8));

    lc::Inputs in;
    in.working_crs = "EPSG:32648";
    static const char* kinds[][2] = {{"district", "district"}, {"street", "township"}, {"community", "village"}};
    for (int l = 0; l < lc::kLevels; ++l) {
        unsigned n = b.pick(4);
        in.has_level[l] = n > 0 || b.flag();  // a level may be present and empty
        for (unsigned i = 0; i < n; ++i) {
            lc::Unit u;
            u.id = std::string(1, "DSC"[l]) + std::to_string(b.pick(10)) + std::to_string(i);
            u.level = l;
            u.kind = kinds[l][b.pick(2)];
            if (b.flag() && l > 0 && !in.units[l - 1].empty()) u.parent_id = in.units[l - 1][b.pick(in.units[l - 1].size())].id;
            u.geom = rect(b.coord(), b.coord(), 16 + b.coord(), 16 + b.coord());
            GEOSArea_r(lc::main_geos(), u.geom.get(), &u.area_m2);
            lc::GeomPtr pt = lc::own(lc::main_geos(), GEOSPointOnSurface_r(lc::main_geos(), u.geom.get()));
            GEOSGeomGetX_r(lc::main_geos(), pt.get(), &u.rep.x);
            GEOSGeomGetY_r(lc::main_geos(), pt.get(), &u.rep.y);
            // census figures (0 and negative ones too) and the attribute unit_share tests
            for (int f = 0; f < lc::kFigures; ++f)
                if (b.flag()) u.census.value[f] = b.of(kWeights);
            if (b.flag()) u.attrs["elderly_friendly"].boolean = b.flag();
            in.units[l].push_back(std::move(u));
        }
    }
    bool nonneg = true;
    for (unsigned i = 0, n = b.pick(13); i < n; ++i) {
        lc::Compound c;
        c.id = "C" + std::to_string(i);
        c.feature_index = i;
        if (b.flag()) c.year = 1995 + static_cast<int>(b.pick(35));
        else c.year_raw = b.flag() ? "不详" : "";
        std::optional<double>* w[] = {&c.households, &c.population, &c.elderly};
        for (auto* x : w)
            if (b.flag()) {
                **x = b.of(kWeights);
                nonneg &= **x >= 0;
            }
        double x = b.coord(), y = b.coord();
        if (b.flag()) {
            c.is_point = true;
            c.geom = lc::make_point(lc::main_geos(), x, y);
            c.rep = {x, y};
        } else {
            c.geom = rect(x, y, 1 + b.pick(200), 1 + b.pick(200));
            c.rep = {x + 0.5, y + 0.5};
        }
        in.compounds.push_back(std::move(c));
    }
    for (unsigned i = 0, n = b.pick(11); i < n; ++i) {
        lc::Facility f;
        f.id = "F" + std::to_string((i * 7) % 11);  // ids out of input order: ties go by id
        f.feature_index = i;
        f.type = f.type_raw = b.of(kTypes);
        f.pt = {b.coord(), b.coord()};
        if (b.flag()) f.beds = b.of(kWeights);
        if (b.flag()) f.nursing_beds = b.of(kWeights);
        if (b.flag()) f.floor_area = b.of(kWeights);
        f.attrs["beds"].number = f.beds;
        f.attrs["nursing_beds"].number = f.nursing_beds;
        f.attrs["floor_area"].number = f.floor_area;
        if (b.flag()) f.attrs["operator"].text = b.flag() ? "public" : "private";
        else f.attrs["operator"] = {};
        if (b.flag()) f.attrs["safety_net"].boolean = b.flag();
        else f.attrs["safety_net"] = {};
        in.facilities.push_back(std::move(f));
    }
    // Roads on a 256 m lattice so that lines share vertices and form junctions.
    for (unsigned i = 0, n = b.pick(7); i < n; ++i) {
        std::vector<lc::XY> line;
        for (unsigned k = 0, m = 2 + b.pick(3); k < m; ++k) line.push_back({256.0 * b.pick(16), 256.0 * b.pick(16)});
        in.roads.push_back(std::move(line));
    }
    for (unsigned i = 0, n = in.compounds.empty() ? 0 : b.pick(3); i < n; ++i)
        in.gates.emplace_back(in.compounds[b.pick(in.compounds.size())].id, lc::XY{b.coord(), b.coord()});

    for (int f = 0; f < lc::kFigures; ++f)
        if (b.flag()) in.area_census.value[f] = b.of(kWeights);
    lc::assign_units(in, p.access.reach_m(""));
    auto types = lc::analysis_types(in, p);
    lc::ReachResult r = lc::compute_reach(p, in, types);
    for (size_t t = 0; t < types.size(); ++t)
        for (size_t c = 0; c < in.compounds.size(); ++c) {
            if (std::isnan(r.dist[t][c])) __builtin_trap();
            if ((r.nearest[t][c] < 0) != std::isinf(r.dist[t][c])) __builtin_trap();
        }
    lc::Analysis a = lc::evaluate(p, in, r);
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
    std::vector<lc::GeomPtr> areas = lc::service_areas(p, in, r);
    auto unc = lc::uncovered_areas(p, in, r, areas);
    auto tables = lc::build_layers(p, in, r, a, areas, unc);
    tables.push_back(lc::coverage_table(p, in, a));
    for (auto& t : tables)
        for (auto& row : t.rows) {
            if (row.size() != t.fields.size()) __builtin_trap();
            for (size_t k = 0; k < row.size(); ++k) {
                if (auto d = std::get_if<double>(&row[k]); d && !std::isfinite(*d))
                    std::fprintf(stderr, "non-finite %g in %s.%s\n", *d, t.name.c_str(), t.fields[k].name.c_str());
                check_value(row[k]);
            }
        }
    return 0;
}
