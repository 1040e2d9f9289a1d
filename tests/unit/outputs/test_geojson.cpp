// GeoJSON geometry text: what the 7-decimal rounding does to tiny features; features
// written before (a batch's base) given again only where they are the same.
#include "outputs/geojson.hpp"
#include "common/engine.hpp"
#include "common/geos.hpp"

#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

using namespace lc;

namespace {
GeosContext ctx;
GeomPtr square(double x0, double y0, double side) {
    return make_polygon(ctx, {{x0, y0}, {x0 + side, y0}, {x0 + side, y0 + side}, {x0, y0 + side}, {x0, y0}});
}
}  // namespace

TEST_CASE("geojson: coordinates are rounded to 7 decimals, exterior rings counter-clockwise") {
    GeomPtr g = make_polygon(ctx, {{102.1, 25.1}, {102.1, 25.2}, {102.2, 25.2}, {102.2, 25.100000004}, {102.1, 25.1}});
    CHECK(geometry_json(ctx, g.get(), nullptr) ==
          R"({"type":"Polygon","coordinates":[[[102.1,25.1],[102.2,25.1],[102.2,25.2],[102.1,25.2],[102.1,25.1]]]})");
}

TEST_CASE("geojson: a coordinate is written as its value rounded to 7 decimals, trailing zeros dropped") {
    // Worked by hand: 102.5 -> "102.5", 25 -> "25.0", -0.00000004 rounds to 0 -> "0.0",
    // -0.00000005 rounds away from zero -> "-0.0000001", 179.99999995 -> "180.0".
    auto point = [](double x, double y) { return geometry_json(ctx, make_point(ctx, x, y).get(), nullptr); };
    CHECK(point(102.5, 25) == R"({"type":"Point","coordinates":[102.5,25.0]})");
    CHECK(point(-0.00000004, -0.00000005) == R"({"type":"Point","coordinates":[0.0,-0.0000001]})");
    CHECK(point(179.99999995, -89.12345678) == R"({"type":"Point","coordinates":[180.0,-89.1234568]})");
    CHECK(point(0.000001, -12.3000000) == R"({"type":"Point","coordinates":[0.000001,-12.3]})");
    // Any value: the same digits as printing the rounded double to 7 decimals.
    auto reference = [](double v) {
        double r = std::round(v * 1e7) / 1e7;
        if (r == 0) r = 0;
        char b[40];
        char* e = std::to_chars(b, b + sizeof b, r, std::chars_format::fixed, 7).ptr;
        while (e[-1] == '0') --e;
        if (e[-1] == '.') ++e;
        return std::string(b, e);
    };
    uint64_t s = 12345;
    for (int i = 0; i < 20000; ++i) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        const double x = (static_cast<double>(s >> 11) / 9007199254740992.0 - 0.5) * 360;
        const double y = (static_cast<double>((s >> 7) & 0xFFFFF) - 524288) / 1e7;  // near 0
        CHECK(point(x, y) == R"({"type":"Point","coordinates":[)" + reference(x) + "," + reference(y) + "]}");
    }
}

TEST_CASE("geojson: points merged by the rounding are written once") {
    // 102.20000001 and 102.2 are one point at 7 decimals: 5 vertices become 4 + closure.
    GeomPtr g = make_polygon(ctx, {{102.1, 25.1}, {102.2, 25.1}, {102.20000001, 25.1}, {102.2, 25.2}, {102.1, 25.2}, {102.1, 25.1}});
    CHECK(geometry_json(ctx, g.get(), nullptr) ==
          R"({"type":"Polygon","coordinates":[[[102.1,25.1],[102.2,25.1],[102.2,25.2],[102.1,25.2],[102.1,25.1]]]})");
}

TEST_CASE("geojson: a multipolygon part or a hole that collapses to a sliver is left out") {
    std::vector<GeomPtr> parts;
    parts.push_back(square(102.1, 25.1, 0.1));
    parts.push_back(square(102.5, 25.5, 2e-8));  // 2 mm across: one point at 7 decimals
    GeomPtr mp = make_collection(ctx, GEOS_MULTIPOLYGON, parts);
    CHECK(geometry_json(ctx, mp.get(), nullptr) ==
          R"({"type":"MultiPolygon","coordinates":[[[[102.1,25.1],[102.2,25.1],[102.2,25.2],[102.1,25.2],[102.1,25.1]]]]})");

    // A square with a 2 mm hole: the hole goes, the square stays.
    GeomPtr outer = square(102.1, 25.1, 0.1), hole = square(102.15, 25.15, 2e-8);
    GEOSGeometry* shell = GEOSGeom_clone_r(ctx, GEOSGetExteriorRing_r(ctx, outer.get()));
    GEOSGeometry* inner = GEOSGeom_clone_r(ctx, GEOSGetExteriorRing_r(ctx, hole.get()));
    GeomPtr holed = own(ctx, GEOSGeom_createPolygon_r(ctx, shell, &inner, 1));
    CHECK(geometry_json(ctx, holed.get(), nullptr) ==
          R"({"type":"Polygon","coordinates":[[[102.1,25.1],[102.2,25.1],[102.2,25.2],[102.1,25.2],[102.1,25.1]]]})");
}

TEST_CASE("geojson: strings are escaped, valid UTF-8 kept and invalid bytes replaced") {
    CHECK(json_string("plain 中文") == "\"plain 中文\"");
    CHECK(json_string("q\"b\\n\n\t") == "\"q\\\"b\\\\n\\u000a\\u0009\"");
    CHECK(json_string(std::string("a\xff" "b\xe4\xb8", 5)) == "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD\"");  // lone and truncated bytes
    std::string out = "x:";
    append_json_string(out, "尾\"");
    CHECK(out == "x:\"尾\\\"\"");
}

namespace {
std::string file_text(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}
}  // namespace

TEST_CASE("geojson: features written before are given again only where every value is the same, bit for bit") {
    Engine engine(2);
    GEOSContextHandle_t h = engine.main();
    std::vector<GeomPtr> pts;
    for (int i = 0; i < 4; ++i) pts.push_back(make_point(h, 500000 + 10 * i, 2750000));
    auto table = [&](std::vector<std::vector<Value>> rows, const char* second = "x") {
        Table t;
        t.name = "sites";
        t.add_field("id", FieldType::String);
        t.add_field(second, FieldType::Real);
        t.rows = std::move(rows);
        for (size_t i = 0; i < t.rows.size(); ++i) t.geoms.push_back(pts[i].get());
        return t;
    };
    // The base: what a batch writes first.
    const Table base = table({{std::string("a"), 1.5}, {std::string("b"), Value()}, {std::string("c"), -0.0}});
    const FeatureTexts known = feature_texts(engine, base);
    // A scenario: a the same; b given a value; c's -0 now 0 (written "0.0", not "-0.0");
    // a fourth row the base has not.
    Table s = table({{std::string("a"), 1.5}, {std::string("b"), 2.0}, {std::string("c"), 0.0}, {std::string("d"), 3.0}});
    // The same rows under another field name: nothing of the base fits.
    Table renamed = table({{std::string("a"), 1.5}, {std::string("b"), Value()}, {std::string("c"), -0.0}}, "y");
    const auto dir = std::filesystem::temp_directory_path() / ("lc-known-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    for (Table* t : {&s, &renamed}) {
        write_geojson(engine, dir / "plain.geojson", *t, "EPSG:32648");
        t->known = &known;
        write_geojson(engine, dir / "known.geojson", *t, "EPSG:32648");
        CHECK(file_text(dir / "known.geojson") == file_text(dir / "plain.geojson"));
    }
    const std::string text = file_text(dir / "known.geojson");
    CHECK(text.find("\"y\":-0.0") != std::string::npos);
    write_geojson(engine, dir / "plain.geojson", s, "EPSG:32648");
    CHECK(file_text(dir / "plain.geojson").find("\"x\":0.0}") != std::string::npos);
    // And the base written with its own features: the same file as without.
    Table again = table({{std::string("a"), 1.5}, {std::string("b"), Value()}, {std::string("c"), -0.0}});
    write_geojson(engine, dir / "plain.geojson", again, "EPSG:32648");
    again.known = &known;
    write_geojson(engine, dir / "known.geojson", again, "EPSG:32648");
    CHECK(file_text(dir / "known.geojson") == file_text(dir / "plain.geojson"));
    std::filesystem::remove_all(dir);
}

namespace {
/// The polygon written, read back by GEOS.
GeomPtr read_back(const std::string& json) {
    GEOSGeoJSONReader* reader = GEOSGeoJSONReader_create_r(ctx);
    GeomPtr g = own(ctx, GEOSGeoJSONReader_readGeometry_r(ctx, reader, json.c_str()));
    GEOSGeoJSONReader_destroy_r(ctx, reader);
    return g;
}
double area(const GEOSGeometry* g) {
    double a = 0;
    GEOSArea_r(ctx, g, &a);
    return a;
}
}  // namespace

TEST_CASE("geojson: a polygon that rounding would make invalid is snap-rounded instead") {
    // In units u of 1e-7 degree from (102, 25): the square 0..100 with a notch from its top
    // edge down to (50, 0.4), 0.4 u (4 mm) above its bottom edge. Valid as given; rounded,
    // the notch's tip (50, 0) lies on the bottom edge and the ring touches itself.
    // Snap-rounded, the notch cuts the square into two quadrilaterals meeting at (50, 0):
    // (0,0) (50,0) (40,100) (0,100) and (50,0) (100,0) (100,100) (60,100), each of
    // 4,500 u^2 by the shoelace formula (the notched square had 10,000 - 996 = 9,004).
    const double u = 1e-7;
    auto at = [&](double x, double y) { return std::pair<double, double>{102 + x * u, 25 + y * u}; };
    GeomPtr notched = make_polygon(ctx, {at(0, 0), at(100, 0), at(100, 100), at(60, 100), at(50, 0.4), at(40, 100),
                                         at(0, 100), at(0, 0)});
    REQUIRE(GEOSisValid_r(ctx, notched.get()) == 1);
    const std::string json = geometry_json(ctx, notched.get(), nullptr);
    CHECK(json.rfind(R"({"type":"MultiPolygon",)", 0) == 0);
    GeomPtr back = read_back(json);
    REQUIRE(back);
    CHECK(GEOSisValid_r(ctx, back.get()) == 1);
    REQUIRE(GEOSGetNumGeometries_r(ctx, back.get()) == 2);
    const double quad = 4500 * u * u;
    CHECK(area(GEOSGetGeometryN_r(ctx, back.get(), 0)) == doctest::Approx(quad).epsilon(1e-6));
    CHECK(area(GEOSGetGeometryN_r(ctx, back.get(), 1)) == doctest::Approx(quad).epsilon(1e-6));
}

TEST_CASE("geojson: a hole touching its shell once rounded is valid, and written as rounded") {
    // The square 0..100 u with a triangular hole whose corner is 0.3 u (3 mm) from the left
    // edge: rounded, the corner is on the edge, which OGC allows for a hole at one point.
    const double u = 1e-7;
    auto at = [&](double x, double y) { return std::pair<double, double>{102 + x * u, 25 + y * u}; };
    GeomPtr outer = make_polygon(ctx, {at(0, 0), at(100, 0), at(100, 100), at(0, 100), at(0, 0)});
    GeomPtr hole = make_polygon(ctx, {at(0.3, 50), at(50, 80), at(50, 20), at(0.3, 50)});
    GEOSGeometry* shell = GEOSGeom_clone_r(ctx, GEOSGetExteriorRing_r(ctx, outer.get()));
    GEOSGeometry* inner = GEOSGeom_clone_r(ctx, GEOSGetExteriorRing_r(ctx, hole.get()));
    GeomPtr holed = own(ctx, GEOSGeom_createPolygon_r(ctx, shell, &inner, 1));
    CHECK(geometry_json(ctx, holed.get(), nullptr) ==
          R"({"type":"Polygon","coordinates":[[[102.0,25.0],[102.00001,25.0],[102.00001,25.00001],[102.0,25.00001],[102.0,25.0]],)"
          R"([[102.0,25.000005],[102.000005,25.000008],[102.000005,25.000002],[102.0,25.000005]]]})");
}
