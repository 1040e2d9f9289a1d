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
