// libFuzzer target: a scenario patch (SPEC 7) over a fixed valid project: parsing the
// patch, the RFC 7386 merge with path rebasing, and re-parsing the patched project.
// Only lc::Error may come out (exit 2); anything else is a bug.
#include "common/errors.hpp"
#include "project/project.hpp"
#include "project/scenario.hpp"

#include <cstddef>
#include <cstdint>

namespace {

const lc::json& base_project() {
    static const lc::json doc = lc::json::parse(R"({
      "name": "fuzz base",
      "working_crs": "EPSG:32648",
      "layers": {
        "street": {"path": "streets.geojson", "id": "code", "name": "name", "kind": "kind"},
        "compounds": {"path": "compounds.geojson", "id": "id", "year": "year", "households": "hh"},
        "facilities": {"path": "/vsimem/facilities.geojson", "id": "fid", "type": "type", "floor_area": "area",
                       "attributes": {"operator": "op"}, "type_map": {"驿站": "day_care"}}
      },
      "access": {"mode": "radius", "walk_kmh": 4.0, "minutes": 15, "minutes_by_type": {"day_care": 10}},
      "profile": "kunming-2025",
      "rules": [{"id": "r1", "check": "min_count", "level": "street", "types": ["day_care"], "min": 1}]
    })");
    return doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    lc::json patch = lc::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    if (patch.is_discarded()) return 0;
    try {
        lc::Scenario s = lc::parse_scenario(patch, "/tmp", "fuzz.json");
        for (auto& a : s.add) (void)a.text_or_path.size();
        lc::json doc = lc::apply_patches(base_project(), "/nonexistent/fuzz/project.json", {s, s});
        lc::Project p = lc::parse_project(doc, "/nonexistent/fuzz/project.json");
        (void)lc::resolved_config(p).dump();
    } catch (const lc::Error&) {
    }
    return 0;
}
