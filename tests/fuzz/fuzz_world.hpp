#pragma once
// A random small world for the fuzz targets that analyse one (fuzz_rules,
// fuzz_batch_diff): the project document (access settings and a few rules a user could
// write) and the inputs (units with census figures, compounds as points or footprints
// with or without year and weights, facilities, roads on a lattice, gates), all read off
// the fuzzer's bytes.
#include "common/errors.hpp"
#include "ingest/ingest.hpp"
#include "project/project.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fuzz_world {


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

inline lc::GeomPtr rect(GEOSContextHandle_t gh, double x, double y, double w, double h) {
    return lc::make_polygon(gh, {{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}});
}

inline lc::json make_rule(Bytes& b, int i) {
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

/// The project document: access settings and 1..4 rules.
inline lc::json project_doc(Bytes& b) {
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
    return doc;
}

/// Moves settings the project checks refuse as implausible (a walk of 1e6 km/h, a
/// negative distance, a share of 2) into range, for targets that need a world to run
/// rather than its refusal (fuzz_rules holds the refusals).
inline void make_plausible(lc::json& doc) {
    auto clamp = [](lc::json& v, double lo, double hi, double instead) {
        if (v.is_number() && !(v.get<double>() >= lo && v.get<double>() <= hi)) v = instead;
    };
    lc::json& a = doc["access"];
    clamp(a["walk_kmh"], 0.5, 20, 4.0);
    clamp(a["minutes"], 0.5, 120, 15);
    if (a.contains("minutes_by_type")) {
        a["minutes_by_type"].erase("barber");
        for (auto& [t, m] : a["minutes_by_type"].items()) clamp(m, 0.5, 120, 15);
    }
    for (auto& r : doc["rules"]) {
        clamp(r["within_m"], 0, 10000, 0);
        clamp(r["min"], 0, 1e9, 1);
        if (r.contains("target_share")) clamp(r["target_share"], 0, 1, 1);
        if (r.contains("min_area_per_100_households")) clamp(r["min_area_per_100_households"], 0, 10000, 20);
        if (r.contains("min_single_area")) clamp(r["min_single_area"], 0, 1e7, 300);
        if (r["check"] == "unit_share" && r["level"] == "area") r["level"] = "street";
        for (auto& t : r["types"])
            if (t == "barber") t = "day_care";  // not a facility type a project may name
        for (auto& t : r["numerator"]["types"])
            if (t == "barber") t = "day_care";
        if (r["denominator"].value("of", "") == "compounds" && r["denominator"].value("attr", "") == "compounds")
            r["denominator"]["attr"] = "households";
    }
}

/// The inputs, in EPSG:32648; `nonneg` is cleared when some weight is negative.
/// The geometries belong to `gh`.
inline lc::Inputs inputs(GEOSContextHandle_t gh, Bytes& b, bool& nonneg) {
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
            u.geom = rect(gh, b.coord(), b.coord(), 16 + b.coord(), 16 + b.coord());
            GEOSArea_r(gh, u.geom.get(), &u.area_m2);
            lc::GeomPtr pt = lc::own(gh, GEOSPointOnSurface_r(gh, u.geom.get()));
            GEOSGeomGetX_r(gh, pt.get(), &u.rep.x);
            GEOSGeomGetY_r(gh, pt.get(), &u.rep.y);
            // census figures (0 and negative ones too) and the attribute unit_share tests
            for (int f = 0; f < lc::kFigures; ++f)
                if (b.flag()) u.census.value[f] = b.of(kWeights);
            if (b.flag()) u.attrs["elderly_friendly"].boolean = b.flag();
            in.units[l].push_back(std::move(u));
        }
    }
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
            c.geom = lc::make_point(gh, x, y);
            c.rep = {x, y};
        } else {
            c.geom = rect(gh, x, y, 1 + b.pick(200), 1 + b.pick(200));
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
    return in;
}

}  // namespace fuzz_world
