#include "common/chinacrs.hpp"

#include "common/errors.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>

namespace lc::chinacrs {
namespace {

// Constants are those of the published formula (Krasovsky 1940 ellipsoid); changing
// them by even an ulp-level "improvement" would stop matching Amap/Baidu.
constexpr double kPi = 3.14159265358979323846;
constexpr double kA = 6378245.0;
constexpr double kEE = 0.00669342162296594323;
constexpr double kXPi = 3.14159265358979324 * 3000.0 / 180.0;
constexpr double kTol = 1e-9;  // degrees, ~0.1 mm
constexpr int kMaxIter = 50;   // convergence is ~1e-2 per step; this only guards NaN/borders

// Offsets in metres as functions of (lon - 105, lat - 35).
double offset_lat(double x, double y) {
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
    r += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
    return r;
}

double offset_lon(double x, double y) {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
    r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
    return r;
}

// Neither forward transform has a closed-form inverse. Both are the identity plus a
// perturbation whose Jacobian is ~1e-2 or less, so the fixed-point step x -= f(x) - target
// contracts fast (3-5 steps) and needs no derivatives.
template <class F>
LonLat invert(F forward, LonLat target, LonLat x) {
    for (int k = 0; k < kMaxIter; ++k) {
        const LonLat f = forward(x);
        const double dlon = f.lon - target.lon, dlat = f.lat - target.lat;
        if (!(std::fabs(dlon) >= kTol || std::fabs(dlat) >= kTol)) break;  // NaN exits too
        x.lon -= dlon;
        x.lat -= dlat;
    }
    return x;
}

}  // namespace

bool in_china(LonLat p) {
    return p.lon >= 72.004 && p.lon <= 137.8347 && p.lat >= 0.8293 && p.lat <= 55.8271;
}

LonLat wgs84_to_gcj02(LonLat p) {
    if (!in_china(p)) return p;
    const double dx = offset_lon(p.lon - 105.0, p.lat - 35.0);
    const double dy = offset_lat(p.lon - 105.0, p.lat - 35.0);
    const double rad = p.lat / 180.0 * kPi;
    const double s = std::sin(rad);
    const double w = 1.0 - kEE * s * s;
    const double sw = std::sqrt(w);
    const double meridian_r = kA * (1.0 - kEE) / (w * sw);
    const double parallel_r = kA / sw * std::cos(rad);
    return {p.lon + dx * 180.0 / (parallel_r * kPi), p.lat + dy * 180.0 / (meridian_r * kPi)};
}

LonLat gcj02_to_wgs84(LonLat p) {
    if (!in_china(p)) return p;
    return invert(wgs84_to_gcj02, p, p);
}

LonLat gcj02_to_bd09(LonLat p) {
    const double z = std::sqrt(p.lon * p.lon + p.lat * p.lat) + 0.00002 * std::sin(p.lat * kXPi);
    const double t = std::atan2(p.lat, p.lon) + 0.000003 * std::cos(p.lon * kXPi);
    return {z * std::cos(t) + 0.0065, z * std::sin(t) + 0.006};
}

LonLat bd09_to_gcj02(LonLat p) {
    // The widely published closed-form inverse evaluates the perturbation at the wrong
    // point and is off by up to ~1 m; use it only as the starting guess.
    const double x = p.lon - 0.0065, y = p.lat - 0.006;
    const double z = std::sqrt(x * x + y * y) - 0.00002 * std::sin(y * kXPi);
    const double t = std::atan2(y, x) - 0.000003 * std::cos(x * kXPi);
    return invert(gcj02_to_bd09, p, {z * std::cos(t), z * std::sin(t)});
}

LonLat wgs84_to_bd09(LonLat p) { return gcj02_to_bd09(wgs84_to_gcj02(p)); }
LonLat bd09_to_wgs84(LonLat p) { return gcj02_to_wgs84(bd09_to_gcj02(p)); }

WebDatum web_datum(const std::string& def) {
    std::string u;
    for (char ch : def)
        if (ch != '-' && ch != '_') u += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (u == "GCJ02") return WebDatum::GCJ02;
    if (u == "BD09" || u == "BD09LL") return WebDatum::BD09;
    return WebDatum::None;
}

OGRSpatialReference make_srs(const std::string& def, const std::string& what) {
    OGRSpatialReference s;
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (def.empty() || s.SetFromUserInput(def.c_str()) != OGRERR_NONE)
        throw ConfigError(what + ": cannot understand the CRS \"" + def + "\" (use e.g. \"EPSG:4547\", \"GCJ-02\" or \"BD-09\")");
    return s;
}

OGRSpatialReference wgs84() {
    OGRSpatialReference s;
    s.importFromEPSG(4326);
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

// Transforms are made and destroyed one at a time in the whole program. GDAL 3.6 keeps a
// process-wide cache of transformations (a destroyed one goes back into it, a new one
// may come from it) whose PROJ objects are shared between the copies it hands out, and
// ThreadSanitizer saw two reading threads race inside PROJ while setting up their
// transforms (GDAL fixed the shared state later, OSGeo/gdal#11846). Making a transform
// is rare (a few per layer and per writer), so the lock costs nothing measurable; using
// one transform object stays confined to its thread.
static std::mutex& transform_lifecycle() {
    static std::mutex m;
    return m;
}

TransformPtr make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to) {
    std::lock_guard<std::mutex> lock(transform_lifecycle());
    return TransformPtr(OGRCreateCoordinateTransformation(&from, &to), [](OGRCoordinateTransformation* c) {
        std::lock_guard<std::mutex> l(transform_lifecycle());
        OGRCoordinateTransformation::DestroyCT(c);
    });
}

TransformPtr make_transform(const std::string& from_def, const std::string& to_def) {
    try {
        return make_transform(make_srs(from_def, "source CRS"), make_srs(to_def, "target CRS"));
    } catch (const ConfigError&) {
        return TransformPtr(nullptr, [](OGRCoordinateTransformation*) {});
    }
}

namespace {

class WebDatumShift : public OGRCoordinateTransformation {
public:
    WebDatumShift(WebDatum d, bool to_wgs84) : d_(d), to_wgs84_(to_wgs84), wgs_(wgs84()) {}
    OGRSpatialReference* GetSourceCS() override { return &wgs_; }
    OGRSpatialReference* GetTargetCS() override { return &wgs_; }
    int Transform(int n, double* x, double* y, double*, double*, int* ok) override {
        for (int i = 0; i < n; ++i) {
            LonLat p{x[i], y[i]};
            if (to_wgs84_) p = d_ == WebDatum::BD09 ? bd09_to_wgs84(p) : gcj02_to_wgs84(p);
            else p = d_ == WebDatum::BD09 ? wgs84_to_bd09(p) : wgs84_to_gcj02(p);
            x[i] = p.lon;
            y[i] = p.lat;
            if (ok) ok[i] = TRUE;
        }
        return TRUE;
    }
    OGRCoordinateTransformation* Clone() const override { return new WebDatumShift(d_, to_wgs84_); }
    OGRCoordinateTransformation* GetInverse() const override { return new WebDatumShift(d_, !to_wgs84_); }

private:
    WebDatum d_;
    bool to_wgs84_;
    OGRSpatialReference wgs_;
};

}  // namespace

std::unique_ptr<OGRCoordinateTransformation> web_datum_shift(WebDatum d, bool to_wgs84) {
    if (d == WebDatum::None) return nullptr;
    return std::make_unique<WebDatumShift>(d, to_wgs84);
}

}  // namespace lc::chinacrs
