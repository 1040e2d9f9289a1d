#pragma once
// RAII around the GEOS reentrant C API. One Context per thread; geometries are
// owned by GeomPtr, whose deleter remembers the context that made them.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include <memory>
#include <string>
#include <vector>

namespace lc {

class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;
    GEOSContextHandle_t get() const { return h_; }
    operator GEOSContextHandle_t() const { return h_; }
    /// Last GEOS error or notice message raised on this context (empty if none).
    const std::string& last_error() const { return err_; }
    void clear_error() { err_.clear(); }

private:
    GEOSContextHandle_t h_;
    std::string err_;
};

struct GeomDeleter {
    GEOSContextHandle_t h = nullptr;
    bool owns = true;  ///< false: borrowed (see borrow), never destroyed here
    void operator()(GEOSGeometry* g) const { if (g && owns) GEOSGeom_destroy_r(h, g); }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
    GEOSContextHandle_t h = nullptr;
    void operator()(const GEOSPreparedGeometry* g) const { if (g) GEOSPreparedGeom_destroy_r(h, g); }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

inline GeomPtr own(GEOSContextHandle_t h, GEOSGeometry* g) { return GeomPtr(g, GeomDeleter{h}); }
/// A GeomPtr that uses a geometry owned elsewhere without copying it; the owner must
/// outlive it and nobody may change the geometry (a batch lends its base's geometries
/// to the scenarios this way).
inline GeomPtr borrow(const GEOSGeometry* g) { return GeomPtr(const_cast<GEOSGeometry*>(g), GeomDeleter{nullptr, false}); }

GeomPtr make_point(GEOSContextHandle_t h, double x, double y);
/// A closed ring from points (closed here if not already closed) as a polygon.
GeomPtr make_polygon(GEOSContextHandle_t h, const std::vector<std::pair<double, double>>& ring);
GeomPtr make_linestring(GEOSContextHandle_t h, const std::vector<std::pair<double, double>>& pts);
/// Takes ownership of the parts.
GeomPtr make_collection(GEOSContextHandle_t h, int type, std::vector<GeomPtr>& parts);
GeomPtr clone(GEOSContextHandle_t h, const GEOSGeometry* g);
GeomPtr from_wkb(GEOSContextHandle_t h, const unsigned char* wkb, size_t n);
std::vector<unsigned char> to_wkb(GEOSContextHandle_t h, const GEOSGeometry* g);

}  // namespace lc
