#include "common/engine.hpp"
#include "ingest/ingest.hpp"
#include "units/units.hpp"

#include <doctest/doctest.h>

using namespace lc;

namespace {
// The engine these tests run on (two threads, so that the parallel paths are taken).
Engine engine(2);

Inputs hand_inputs(bool with_parent_fields) {
    std::string file = std::string(LIFECIRCLE_TEST_DATA) + "/fixtures/hand/project.json";
    json doc = read_json_file(file);
    if (!with_parent_fields) {
        doc["layers"]["street"].erase("parent");
        doc["layers"]["community"].erase("parent");
    }
    Project p = parse_project(doc, file);
    Inputs in = read_inputs(engine, p);
    assign_units(engine, in, 1000);
    return in;
}
}  // namespace

TEST_CASE("units: parents by containment equal parents by code") {
    Inputs by_code = hand_inputs(true), by_geom = hand_inputs(false);
    for (int l = 1; l < kLevels; ++l) {
        REQUIRE(by_code.units[l].size() == by_geom.units[l].size());
        for (size_t u = 0; u < by_code.units[l].size(); ++u) {
            CHECK(by_geom.units[l][u].parent == by_code.units[l][u].parent);
            CHECK(by_geom.units[l][u].parent_id == by_code.units[l][u].parent_id);
        }
    }
    for (size_t c = 0; c < by_code.compounds.size(); ++c) CHECK(by_geom.compounds[c].unit == by_code.compounds[c].unit);
}

TEST_CASE("units: a point on a shared border goes to the unit with the smallest id") {
    Inputs in = hand_inputs(true);
    UnitLocator loc(engine.main(), in.units[kCommunity]);
    // x = 500 m is the border of C11 and C12; x = 1000 m of C12 and C21
    CHECK(in.units[kCommunity][loc.locate(XY{270500, 2770300})].id == "C11");
    CHECK(in.units[kCommunity][loc.locate(XY{271000, 2770300})].id == "C12");
    CHECK(loc.locate(XY{275000, 2770300}) == kNone);
    CHECK(loc.distance(XY{273100, 2770500}, 500) == doctest::Approx(100.0));
}
