// libFuzzer target: one input layer of a project is the fuzz input, read through OGR
// from /vsimem/ by lc::read_inputs, then carried through units, reach and rules. The
// first byte picks which layer it replaces and how (CRS, format, mode); the others are
// small valid fixtures. Only lc::Error may come out (exit 2 or 3), no figure may be NaN.
#include "common/engine.hpp"
#include "common/errors.hpp"
#include "common/gdal_setup.hpp"
#include "ingest/ingest.hpp"
#include "project/project.hpp"
#include "reach/reach.hpp"
#include "rules/rules.hpp"
#include "units/units.hpp"

#include <cpl_error.h>
#include <cpl_vsi.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {
// One thread: the cores are shared, and the inputs are run one at a time.
lc::Engine engine(1);
}  // namespace

namespace {

const char* kDistricts = R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"code":"530102","name":"五华区","kind":"区"},
  "geometry":{"type":"Polygon","coordinates":[[[102.69,25.03],[102.72,25.03],[102.72,25.06],[102.69,25.06],[102.69,25.03]]]}}]})";
const char* kStreets = R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"code":"530102001","name":"华山街道","parent":"530102","kind":"街道"},
  "geometry":{"type":"Polygon","coordinates":[[[102.69,25.03],[102.705,25.03],[102.705,25.06],[102.69,25.06],[102.69,25.03]]]}},
 {"type":"Feature","properties":{"code":"530102002","name":"某镇","parent":"530102","kind":"镇"},
  "geometry":{"type":"Polygon","coordinates":[[[102.705,25.03],[102.72,25.03],[102.72,25.06],[102.705,25.06],[102.705,25.03]]]}}]})";
const char* kCompounds = R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"id":"C1","name":"小区一","year":"2016年","hh":"约300户","pop":900,"old":"不详"},
  "geometry":{"type":"Polygon","coordinates":[[[102.700,25.040],[102.702,25.040],[102.702,25.042],[102.700,25.042],[102.700,25.040]]]}},
 {"type":"Feature","properties":{"id":"C2","name":"小区二","year":2008,"hh":120,"pop":null,"old":40},
  "geometry":{"type":"Point","coordinates":[102.71,25.05]}}]})";
const char* kFacilities = R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"fid":"F1","type":"社区日间照料中心","beds":"20张","nbeds":5,"area":"350㎡","op":"公办","sn":"是"},
  "geometry":{"type":"Point","coordinates":[102.701,25.041]}},
 {"type":"Feature","properties":{"fid":"F2","type":"nursing_home","beds":120,"nbeds":80,"area":null,"op":"民办","sn":"否"},
  "geometry":{"type":"Point","coordinates":[102.712,25.049]}}]})";
const char* kRoads = R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[[102.69,25.041],[102.701,25.041],[102.72,25.041]]}},
 {"type":"Feature","properties":{"highway":"footway"},"geometry":{"type":"LineString","coordinates":[[102.701,25.03],[102.701,25.041],[102.701,25.06]]}},
 {"type":"Feature","properties":{"highway":"motorway"},"geometry":{"type":"LineString","coordinates":[[102.69,25.05],[102.72,25.05]]}}]})";

void put(const std::string& path, const void* data, size_t n) {
    VSIFCloseL(VSIFileFromMemBuffer(path.c_str(), static_cast<GByte*>(const_cast<void*>(data)), n, FALSE));
}

std::string project_json(int sel, const std::string& fuzz_path) {
    auto layer = [&](const char* dflt, int mine) { return sel == mine ? fuzz_path : std::string(dflt); };
    std::string fac_crs = sel == 4 ? R"(, "crs": "BD-09")" : "";
    std::string cmp_crs = sel == 3 ? R"(, "crs": "GCJ-02")" : "";
    std::string cmp_where = sel == 7 ? R"(, "where": "hh > 10 OR hh IS NULL")" : "";
    std::string mode = sel == 5 ? "network" : "radius";
    int fac_sel = sel == 4 ? 4 : (sel == 6 ? 6 : 1);
    int cmp_sel = sel == 3 ? 3 : (sel == 7 ? 7 : 0);
    return std::string(R"({"working_crs": ")") + (sel % 2 ? "EPSG:32648" : "auto") + R"(",
      "layers": {
        "district": {"path": "/vsimem/fz/districts.geojson", "id": "code", "name": "name", "kind": "kind"},
        "street": {"path": ")" + layer("/vsimem/fz/streets.geojson", 2) + R"(", "id": "code", "name": "name", "parent": "parent", "kind": "kind"},
        "compounds": {"path": ")" + layer("/vsimem/fz/compounds.geojson", cmp_sel) + R"(", "id": "id", "name": "name", "year": "year",
                      "households": "hh", "population": "pop", "elderly": "old")" + cmp_crs + cmp_where + R"(},
        "facilities": {"path": ")" + layer("/vsimem/fz/facilities.geojson", fac_sel) + R"(", "id": "fid", "name": "name", "type": "type",
                       "beds": "beds", "nursing_beds": "nbeds", "floor_area": "area",
                       "attributes": {"operator": "op", "safety_net": "sn"})" + fac_crs + R"(},
        "roads": {"path": ")" + layer("/vsimem/fz/roads.geojson", 5) + R"(", "class": "highway"}
      },
      "access": {"mode": ")" + mode + R"(", "minutes": 15, "max_access_m": 300},
      "rules": [
        {"id": "cnt", "check": "min_count", "level": "street", "types": ["day_care"], "min": 1},
        {"id": "reach", "check": "reach_share", "types": ["day_care", "nursing_home"], "weight": "elderly"},
        {"id": "ratio", "check": "ratio", "level": "district", "numerator": {"attr": "beds", "types": ["nursing_home"]},
         "denominator": {"of": "compounds", "attr": "elderly"}, "per": 1000, "min": 31},
        {"id": "sup", "check": "compound_support", "since_year": 2014, "types": ["day_care", "supporting"], "within_m": 0,
         "min_area_per_100_households": 20, "min_single_area": 300},
        {"id": "safe", "check": "min_count", "level": "district", "types": ["nursing_home"], "where": {"safety_net": true}, "min": 1}
      ]})";
}

void no_nan(const std::optional<double>& v) {
    if (v && std::isnan(*v)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    lc::init_gdal();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    put("/vsimem/fz/districts.geojson", kDistricts, strlen(kDistricts));
    put("/vsimem/fz/streets.geojson", kStreets, strlen(kStreets));
    put("/vsimem/fz/compounds.geojson", kCompounds, strlen(kCompounds));
    put("/vsimem/fz/facilities.geojson", kFacilities, strlen(kFacilities));
    put("/vsimem/fz/roads.geojson", kRoads, strlen(kRoads));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    int sel = data[0] % 8;
    // Selector 6 feeds the facilities as CSV with coordinate columns (BOMs, CRLF, GBK).
    std::string path = sel == 6 ? "/vsimem/fz/input.csv" : "/vsimem/fz/input.geojson";
    put(path, data + 1, size - 1);
    try {
        lc::Project p = lc::parse_project(lc::json::parse(project_json(sel, path)), "/vsimem/fz/project.json");
        lc::Inputs in = lc::read_inputs(engine, p);
        lc::assign_units(engine, in, p.access.reach_m(""));
        auto types = lc::analysis_types(in, p);
        lc::ReachResult r = lc::compute_reach(engine, p, in, types);
        lc::Analysis a = lc::evaluate(engine, p, in, r);
        for (auto& rr : a.rules) no_nan(rr.value);
        for (auto& t : r.dist)
            for (double d : t)
                if (std::isnan(d)) __builtin_trap();
    } catch (const lc::Error&) {
    }
    VSIUnlink(path.c_str());
    return 0;
}
