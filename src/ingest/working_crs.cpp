#include "ingest/working_crs.hpp"

#include "common/chinacrs.hpp"
#include "common/errors.hpp"
#include "common/geos.hpp"
#include "ingest/source.hpp"
#include "ingest/textnum.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace lc::ingest {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMaxScaleError = 0.01;  // 1%: 1000 m measured as 990 to 1010 m

double median(std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
}

std::string fmt(const char* f, double a, double b = 0) {
    char buf[96];
    std::snprintf(buf, sizeof buf, f, a, b);
    return buf;
}

std::string crs_name(const OGRSpatialReference& s, const std::string& def) {
    const char* n = s.GetName();
    return "\"" + def + "\"" + (n && *n ? " (" + std::string(n) + ")" : "");
}

/// Median lon/lat of the usable records of one layer; false if it has none.
bool layer_centre(const Project& p, const LayerSpec& s, std::vector<std::string>& warnings, LonLat& out, OpenedLayer& opened) {
    std::vector<std::string> open_warnings, ignored;
    Source src = open_source(p.file.u8string(), s, open_warnings);
    setup_transforms(s, src, chinacrs::wgs84(), nullptr, ignored);
    // The compounds' read takes the features of this pass rather than parse the file
    // again (the layer is handed on in `opened`).
    src.keep_features = s.key == "compounds";
    std::vector<double> lons, lats;
    for_each_feature(src, [&](OGRFeature* f, long idx) {
        if (id_text(f, src, idx).empty()) return;  // would be rejected
        double lon, lat;
        if (wgs_point(f->GetGeometryRef(), src, lon, lat)) {
            lons.push_back(lon);
            lats.push_back(lat);
        }
    });
    (void)warnings;  // the real read reports this layer's problems once
    if (lons.empty()) return false;
    out = {median(lons), median(lats)};
    opened.key = s.key;
    opened.open_warnings = std::move(open_warnings);
    opened.src.emplace(std::move(src));
    return true;
}

}  // namespace

std::string utm_zone_of(LonLat p) {
    int zone = std::clamp(static_cast<int>(std::floor((p.lon + 180.0) / 6.0)) + 1, 1, 60);
    return "EPSG:" + std::to_string((p.lat >= 0 ? 32600 : 32700) + zone) + " (WGS 84 / UTM zone " + std::to_string(zone) +
           (p.lat >= 0 ? "N" : "S") + ")";
}

std::string auto_working_crs(const Project& p, std::vector<std::string>& warnings, OpenedLayer& opened) {
    LonLat c;
    bool found = false;
    for (const char* key : {"compounds", "community", "street", "district"})
        if (const LayerSpec* s = p.layer(key); s && !found) found = layer_centre(p, *s, warnings, c, opened);
    if (!found)
        throw InputError(p.file.u8string() + ": no compound or unit has usable coordinates to locate the study area (check the "
                                             "files, or set working_crs to an EPSG code)");
    std::string z = utm_zone_of(c);
    return z.substr(0, z.find(' '));
}

void check_crs_kind(const OGRSpatialReference& work, const std::string& def, const std::string& project_file) {
    if (!work.IsProjected())
        throw ConfigError(project_file + ": /working_crs: " + crs_name(work, def) +
                          " is not a projected CRS in metres; use \"auto\" or a projected EPSG code");
    const char* unit = nullptr;
    double m = work.GetLinearUnits(&unit);
    if (std::abs(m - 1.0) > 1e-9)
        throw ConfigError(project_file + ": /working_crs: " + crs_name(work, def) + " measures in " + (unit ? unit : "?") + " (" +
                          fmt("%.7g", m) + " m); distances are in metres here: use \"auto\" or a projected CRS in metres");
}

std::string lonlat_text(LonLat c) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.3f°%c %.3f°%c", std::abs(c.lon), c.lon >= 0 ? 'E' : 'W', std::abs(c.lat), c.lat >= 0 ? 'N' : 'S');
    return buf;
}

std::string outside_area_of_use(const OGRSpatialReference& crs, LonLat c) {
    double w = 0, s = 0, e = 0, n = 0;
    const char* area = nullptr;
    if (!crs.GetAreaOfUse(&w, &s, &e, &n, &area) || w <= -1000) return {};
    const bool lon_in = w <= e ? (c.lon >= w && c.lon <= e) : (c.lon >= w || c.lon <= e);  // e < w: across 180°
    if (lon_in && c.lat >= s && c.lat <= n) return {};
    return "made for " + lonlat_text({w, s}) + " to " + lonlat_text({e, n});
}

void check_crs_at(const OGRSpatialReference& work, const std::string& def, LonLat c, const std::string& project_file) {
    const std::string advice = "use \"auto\" or " + utm_zone_of(c);
    if (std::string outside = outside_area_of_use(work, c); !outside.empty())
        throw ConfigError(project_file + ": /working_crs: " + crs_name(work, def) + " is " + outside + ", but the data's centre is " +
                          lonlat_text(c) + "; " + advice);
    // The scale at the centre: a 100 m step east and north against its length on the
    // WGS 84 ellipsoid.
    auto to_work = chinacrs::make_transform(chinacrs::wgs84(), work);
    if (!to_work) return;
    const double a = 6378137.0, e2 = 0.00669437999014;
    const double phi = c.lat * kPi / 180, sp = std::sin(phi);
    const double N = a / std::sqrt(1 - e2 * sp * sp), M = a * (1 - e2) / std::pow(1 - e2 * sp * sp, 1.5);
    const double dlon = 100 / (N * std::cos(phi)) * 180 / kPi, dlat = 100 / M * 180 / kPi;
    double x[3] = {c.lon, c.lon + dlon, c.lon}, y[3] = {c.lat, c.lat, c.lat + dlat};
    if (!to_work->Transform(3, x, y) || !std::isfinite(x[1] + y[1] + x[2] + y[2])) return;
    double k_east = std::hypot(x[1] - x[0], y[1] - y[0]) / 100, k_north = std::hypot(x[2] - x[0], y[2] - y[0]) / 100;
    double k = std::abs(k_east - 1) > std::abs(k_north - 1) ? k_east : k_north;
    if (std::abs(k - 1) > kMaxScaleError)
        throw ConfigError(project_file + ": /working_crs: " + crs_name(work, def) + " " + (k > 1 ? "stretches" : "shrinks") +
                          " distances by " + fmt("%.1f", std::abs(k - 1) * 100) + "% at the data's centre (" + lonlat_text(c) +
                          "), so a 1000 m walk would measure " + fmt("%.0f", 1000 * k) + " m; " + advice);
}

void locate_study_area(const Project& p, const OGRSpatialReference& work, bool check, Inputs& in) {
    std::vector<std::pair<std::string, XY>> pts;  // "layer id", point
    for (auto& c : in.compounds) pts.emplace_back("compound " + c.id, c.rep);
    size_t n_compounds = pts.size();
    for (int l = 0; l < kLevels; ++l)
        for (auto& u : in.units[l]) pts.emplace_back(std::string(level_name(l)) + " " + u.id, u.rep);
    for (auto& f : in.facilities) pts.emplace_back("facility " + f.id, f.pt);
    size_t basis = n_compounds > 0 ? n_compounds : pts.size() - in.facilities.size();
    if (basis == 0) return;
    std::vector<double> xs, ys;
    for (size_t i = 0; i < basis; ++i) {
        xs.push_back(pts[i].second.x);
        ys.push_back(pts[i].second.y);
    }
    XY centre{median(xs), median(ys)};
    auto to_wgs = chinacrs::make_transform(work, chinacrs::wgs84());
    LonLat ll{centre.x, centre.y};
    if (!to_wgs || !to_wgs->Transform(1, &ll.lon, &ll.lat)) return;
    in.centre_lonlat = std::make_pair(ll.lon, ll.lat);
    if (check) check_crs_at(work, p.working_crs, ll, p.file.u8string());
    std::vector<std::string> far;
    for (auto& [what, pt] : pts) {
        double d = std::hypot(pt.x - centre.x, pt.y - centre.y) / 1000;
        if (d > kFarKm) far.push_back(what + " (" + fmt("%.0f", d) + " km)");
    }
    // A unit layer far from the compounds while another unit layer holds them is
    // elsewhere: most likely read in another CRS than its own (a district layer declared
    // in feet lands in the Pacific). Its units would still take their compounds through
    // the finer levels' parent ids, and only the maps would show it: refused. When every
    // unit layer is far, it is the compounds that are elsewhere, and placing them says so
    // (every compound outside every unit). Distances to the units' extents: a county
    // hundreds of km across may hold compounds near one edge.
    if (n_compounds > 0) {
        GeosContext g;
        std::array<double, kLevels> nearest;
        nearest.fill(-1);
        for (int l = 0; l < kLevels; ++l) {
            if (in.units[l].empty()) continue;
            nearest[l] = std::numeric_limits<double>::infinity();
            for (auto& u : in.units[l]) {
                double x0, y0, x1, y1;
                if (!u.geom || !GEOSGeom_getXMin_r(g, u.geom.get(), &x0) || !GEOSGeom_getYMin_r(g, u.geom.get(), &y0) ||
                    !GEOSGeom_getXMax_r(g, u.geom.get(), &x1) || !GEOSGeom_getYMax_r(g, u.geom.get(), &y1))
                    continue;
                const double dx = std::max({x0 - centre.x, 0.0, centre.x - x1}), dy = std::max({y0 - centre.y, 0.0, centre.y - y1});
                nearest[l] = std::min(nearest[l], std::hypot(dx, dy) / 1000);
            }
        }
        const bool some_near = std::any_of(nearest.begin(), nearest.end(), [](double d) { return d >= 0 && d <= kFarKm; });
        for (int l = 0; l < kLevels && some_near; ++l) {
            if (nearest[l] <= kFarKm) continue;  // near, or no such layer (-1)
            const std::string key = level_name(l);
            auto label = in.labels.find(key);
            throw InputError((label == in.labels.end() ? key : label->second) + ": every unit of the " + key + " layer lies more than " +
                             fmt("%.0f", kFarKm) + " km from the compounds (the nearest " + fmt("%.0f", nearest[l]) +
                             " km from their centre, " + lonlat_text(ll) +
                             "), which the other unit layers hold: the layer is elsewhere, most likely read in another CRS than "
                             "its own; check /layers/" + key + "/crs and the file's coordinates");
        }
    }
    if (far.empty()) return;
    std::string list;
    for (size_t i = 0; i < far.size() && i < 5; ++i) list += (i ? ", " : "") + far[i];
    if (far.size() > 5) list += " and " + std::to_string(far.size() - 5) + " more";
    in.warnings.push_back(std::to_string(far.size()) + " record(s) lie more than " + fmt("%.0f", kFarKm) +
                          " km from the centre of the " + (n_compounds ? "compounds" : "units") + " (" + lonlat_text(ll) +
                          "): " + list + "; check their coordinates (the working CRS " + in.working_crs +
                          " is chosen where the compounds are)");
}

}  // namespace lc::ingest
