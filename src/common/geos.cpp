#include "common/geos.hpp"

#include <stdexcept>

namespace lc {


static void geos_error_cb(const char* message, void* userdata) {
    auto* s = static_cast<std::string*>(userdata);
    *s = message ? message : "";
}

GeosContext::GeosContext() : h_(GEOS_init_r()) {
    if (!h_) throw std::runtime_error("GEOS could not be initialised");
    GEOSContext_setErrorMessageHandler_r(h_, geos_error_cb, &err_);
    GEOSContext_setNoticeMessageHandler_r(h_, nullptr, nullptr);
}

GeosContext::~GeosContext() { GEOS_finish_r(h_); }

GeomPtr make_point(GEOSContextHandle_t h, double x, double y) {
    return own(h, GEOSGeom_createPointFromXY_r(h, x, y));
}

static GEOSCoordSequence* seq_of(GEOSContextHandle_t h, const std::vector<std::pair<double, double>>& pts,
                                 bool close) {
    size_t n = pts.size();
    bool add = close && n > 0 && (pts.front() != pts.back());
    GEOSCoordSequence* s = GEOSCoordSeq_create_r(h, static_cast<unsigned>(n + (add ? 1 : 0)), 2);
    for (size_t i = 0; i < n; ++i) GEOSCoordSeq_setXY_r(h, s, static_cast<unsigned>(i), pts[i].first, pts[i].second);
    if (add) GEOSCoordSeq_setXY_r(h, s, static_cast<unsigned>(n), pts[0].first, pts[0].second);
    return s;
}

GeomPtr make_polygon(GEOSContextHandle_t h, const std::vector<std::pair<double, double>>& ring) {
    GEOSGeometry* shell = GEOSGeom_createLinearRing_r(h, seq_of(h, ring, true));
    if (!shell) return own(h, nullptr);
    return own(h, GEOSGeom_createPolygon_r(h, shell, nullptr, 0));
}

GeomPtr make_linestring(GEOSContextHandle_t h, const std::vector<std::pair<double, double>>& pts) {
    return own(h, GEOSGeom_createLineString_r(h, seq_of(h, pts, false)));
}

GeomPtr make_collection(GEOSContextHandle_t h, int type, std::vector<GeomPtr>& parts) {
    std::vector<GEOSGeometry*> raw;
    raw.reserve(parts.size());
    for (auto& p : parts) raw.push_back(p.release());
    parts.clear();
    return own(h, GEOSGeom_createCollection_r(h, type, raw.data(), static_cast<unsigned>(raw.size())));
}

GeomPtr clone(GEOSContextHandle_t h, const GEOSGeometry* g) { return own(h, g ? GEOSGeom_clone_r(h, g) : nullptr); }

GeomPtr from_wkb(GEOSContextHandle_t h, const unsigned char* wkb, size_t n) {
    return own(h, GEOSGeomFromWKB_buf_r(h, wkb, n));
}

std::vector<unsigned char> to_wkb(GEOSContextHandle_t h, const GEOSGeometry* g) {
    size_t n = 0;
    GEOSWKBWriter* w = GEOSWKBWriter_create_r(h);
    unsigned char* buf = GEOSWKBWriter_write_r(h, w, g, &n);
    GEOSWKBWriter_destroy_r(h, w);
    std::vector<unsigned char> out(buf, buf + n);
    GEOSFree_r(h, buf);
    return out;
}

}  // namespace lc
