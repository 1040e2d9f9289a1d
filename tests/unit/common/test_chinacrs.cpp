#include "common/chinacrs.hpp"
#include "common/errors.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace lc::chinacrs;

namespace {

// Equirectangular distance: plenty at sub-metre scale.
double metres(LonLat a, LonLat b) {
    const double k = 6371000.0 * 3.14159265358979323846 / 180.0;
    const double dx = (a.lon - b.lon) * std::cos(a.lat * 3.14159265358979323846 / 180.0);
    return k * std::hypot(dx, a.lat - b.lat);
}

void check_near(LonLat got, LonLat want, double tol_deg) {
    CHECK(std::fabs(got.lat - want.lat) < tol_deg);
    CHECK(std::fabs(got.lon - want.lon) < tol_deg);
}

struct Pair {
    LonLat from, to;
};

}  // namespace

TEST_CASE("chinacrs: in_china") {
    CHECK(in_china({102.7, 25.0}));
    CHECK_FALSE(in_china({24.94, 60.17}));
    CHECK_FALSE(in_china({183, 45}));
    CHECK_FALSE(in_china({std::numeric_limits<double>::quiet_NaN(), 30}));
}

// Pairs computed by the forward formulas in other libraries' test suites reproduce to
// ~1e-8 degrees (their printed precision); pairs from their closed-form or loosely
// iterated inverses only to ~1e-6 (0.1 m), because ours are iterated to 1e-9.
TEST_CASE("chinacrs: published WGS84 -> GCJ-02 pairs, both directions") {
    const Pair pairs[] = {
        // wandergis/coordtransform, test/app.js
        {{116.404, 39.915}, {116.41024449916938, 39.91640428150164}},
        // googollee/eviltransform, python/test.py (Shanghai, Shenzhen, Beijing)
        {{121.5272106, 31.1774276}, {121.531541859215, 31.17530398364597}},
        {{113.912316, 22.543847}, {113.9171764808363, 22.540796131694766}},
        {{116.377817, 39.911954}, {116.38404722455657, 39.91334545536069}},
        // hujiulong/gcoord, test/unit/crs/WGS84.spec.ts (8 printed decimals)
        {{123, 45}, {123.00607541, 45.00197815}},
    };
    for (const auto& p : pairs) {
        CAPTURE(p.from.lon);
        check_near(wgs84_to_gcj02(p.from), p.to, 2e-8);
        check_near(gcj02_to_wgs84(p.to), p.from, 2e-8);
    }
    // gcoord, test/unit/crs/GCJ02.spec.ts: its own inverse, looser than ours.
    check_near(gcj02_to_wgs84({123, 45}), {122.99395597, 44.99804071}, 1e-6);
}

TEST_CASE("chinacrs: agrees with the live Amap/Baidu services") {
    // madlogos/asesgeo tests/testthat/test_conv_coord.R and test_tranform_coord.R record
    // answers of the Amap (restapi.amap.com/v3/assistant/coordinate/convert) and Baidu
    // (api.map.baidu.com/geoconv) services; the formula is within a metre of them.
    const LonLat wgs{116.42079, 39.90105};
    CHECK(metres(wgs84_to_gcj02(wgs), {116.427020941841, 39.902445203994}) < 1.0);  // Amap
    CHECK(metres(wgs84_to_gcj02(wgs), {116.42702745, 39.90245063}) < 1.0);          // Baidu
    CHECK(metres(wgs84_to_gcj02({116.39089, 39.90734}), {116.39713623, 39.90874539}) < 1.0);
}

TEST_CASE("chinacrs: published GCJ-02 <-> BD-09 pairs, both directions") {
    const Pair gcj_to_bd[] = {
        // wandergis/coordtransform, test/app.js
        {{116.404, 39.915}, {116.41036949371029, 39.92133699351021}},
        // hujiulong/gcoord, test/unit/crs/GCJ02.spec.ts
        {{123, 45}, {123.00636499, 45.00636899}},
    };
    for (const auto& p : gcj_to_bd) {
        CAPTURE(p.from.lon);
        check_near(gcj02_to_bd09(p.from), p.to, 2e-8);
        check_near(bd09_to_gcj02(p.to), p.from, 2e-8);
    }
    // Produced by those libraries' closed-form BD-09 inverse, which is off by a few dm.
    // wandergis/coordtransform test/app.js; hujiulong/gcoord test/unit/crs/BD09.spec.ts.
    check_near(bd09_to_gcj02({116.404, 39.915}), {116.39762729119315, 39.90865673957631}, 1e-6);
    check_near(bd09_to_gcj02({123, 45}), {122.99363304, 44.99365430}, 1e-6);
    // gcoord WGS84.spec.ts / BD09.spec.ts for the composed transforms.
    check_near(wgs84_to_bd09({123, 45}), {123.0124491, 45.0083293}, 2e-7);
    check_near(bd09_to_wgs84({123.0124491, 45.0083293}), {123, 45}, 2e-7);
    check_near(bd09_to_wgs84({123, 45}), {122.98762210, 44.99171540}, 1e-6);
}

TEST_CASE("chinacrs: inverses reproduce their input through the forward transform") {
    for (LonLat g : {LonLat{102.7, 25.0}, LonLat{116.404, 39.915}, LonLat{87.6, 43.8},
                     LonLat{126.6, 45.7}, LonLat{110.3, 20.0}}) {
        check_near(wgs84_to_gcj02(gcj02_to_wgs84(g)), g, 1e-9);
        check_near(gcj02_to_bd09(bd09_to_gcj02(g)), g, 1e-9);
        check_near(wgs84_to_bd09(bd09_to_wgs84(g)), g, 2e-9);  // two stages, 1e-9 each
    }
}

TEST_CASE("chinacrs: round trips over Kunming stay under 1 m") {
    double worst_gcj = 0, worst_bd = 0;
    for (int i = 0; i <= 50; ++i)
        for (int j = 0; j <= 50; ++j) {
            const LonLat w{102.5 + 0.01 * i, 24.8 + 0.01 * j};
            const LonLat g = wgs84_to_gcj02(w), b = wgs84_to_bd09(w);
            REQUIRE(metres(g, w) > 100.0);  // the offset really is applied here
            worst_gcj = std::max(worst_gcj, metres(gcj02_to_wgs84(g), w));
            worst_bd = std::max(worst_bd, metres(bd09_to_wgs84(b), w));
        }
    INFO("max round-trip error WGS->GCJ->WGS " << worst_gcj << " m, WGS->BD->WGS "
                                                 << worst_bd << " m");
    CHECK(worst_gcj < 1.0);
    CHECK(worst_bd < 1.0);
    CHECK(worst_gcj < 1e-3);  // what the 1e-9 degree iteration actually buys
    CHECK(worst_bd < 1e-3);
}

TEST_CASE("chinacrs: outside China GCJ-02 is WGS 84") {
    const LonLat helsinki{24.94, 60.17};
    const LonLat g = wgs84_to_gcj02(helsinki), w = gcj02_to_wgs84(helsinki);
    CHECK(g.lon == helsinki.lon);
    CHECK(g.lat == helsinki.lat);
    CHECK(w.lon == helsinki.lon);
    CHECK(w.lat == helsinki.lat);
    // gcoord: (183, 45) is outside too.
    CHECK(wgs84_to_gcj02({183, 45}).lon == 183.0);
}

TEST_CASE("chinacrs: NaN input terminates and stays NaN") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(std::isnan(bd09_to_wgs84({nan, 30}).lon));
    CHECK(std::isnan(bd09_to_gcj02({100, nan}).lat));
}

TEST_CASE("chinacrs: datum names, CRS definitions and the OGR datum shift") {
    using lc::chinacrs::WebDatum;
    CHECK(lc::chinacrs::web_datum("GCJ-02") == WebDatum::GCJ02);
    CHECK(lc::chinacrs::web_datum("gcj_02") == WebDatum::GCJ02);
    CHECK(lc::chinacrs::web_datum("bd09ll") == WebDatum::BD09);
    CHECK(lc::chinacrs::web_datum("EPSG:4326") == WebDatum::None);
    CHECK_THROWS_AS(lc::chinacrs::make_srs("not a CRS", "/working_crs"), lc::ConfigError);
    CHECK_FALSE(lc::chinacrs::make_transform("nonsense", "EPSG:4326"));
    // Kunming, WGS 84 -> UTM 48N (gdaltransform: 267923.76, 2770241.11) ...
    auto ct = lc::chinacrs::make_transform("EPSG:4326", "EPSG:32648");
    REQUIRE(ct);
    double x = 102.7, y = 25.03;
    REQUIRE(ct->Transform(1, &x, &y));
    CHECK(std::abs(x - 267923.76) < 0.01);
    CHECK(std::abs(y - 2770241.11) < 0.01);
    // ... and the OGR datum shift agrees with the functions, both ways.
    auto to_wgs = lc::chinacrs::web_datum_shift(WebDatum::BD09, true);
    auto to_bd = lc::chinacrs::web_datum_shift(WebDatum::BD09, false);
    double lon = 102.712, lat = 25.041;
    to_bd->Transform(1, &lon, &lat, nullptr, nullptr, nullptr);
    LonLat expect = wgs84_to_bd09({102.712, 25.041});
    CHECK(lon == expect.lon);
    CHECK(lat == expect.lat);
    to_wgs->Transform(1, &lon, &lat, nullptr, nullptr, nullptr);
    CHECK(std::abs(lon - 102.712) < 1e-8);
    CHECK(std::abs(lat - 25.041) < 1e-8);
    CHECK(lc::chinacrs::web_datum_shift(WebDatum::None, true) == nullptr);
}
