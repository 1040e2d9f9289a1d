#include "common/packed.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

namespace lc {

namespace {
constexpr double kScale = 1e4;  // 0.1 mm, the grid the network polygons are made on
}

void PackedPolygons::set(size_t i, GEOSContextHandle_t h, GeomPtr g) {
    Item& it = items_[i];
    it = Item{};
    if (!g) return;
    it.type = GEOSGeomTypeId_r(h, g.get());
    GEOSArea_r(h, g.get(), &it.area);
    if (it.type != GEOS_POLYGON && it.type != GEOS_MULTIPOLYGON) {
        it.whole = std::move(g);
        return;
    }
    const int np = GEOSisEmpty_r(h, g.get()) == 1 ? 0 : GEOSGetNumGeometries_r(h, g.get());
    bool first = true, on_grid = true;
    it.counts.push_back(static_cast<uint32_t>(np));
    for (int k = 0; k < np; ++k) {
        const GEOSGeometry* poly = GEOSGetGeometryN_r(h, g.get(), k);
        const int nr = 1 + GEOSGetNumInteriorRings_r(h, poly);
        it.counts.push_back(static_cast<uint32_t>(nr));
        for (int r = 0; r < nr; ++r) {
            const GEOSGeometry* ring = r == 0 ? GEOSGetExteriorRing_r(h, poly) : GEOSGetInteriorRingN_r(h, poly, r - 1);
            const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
            unsigned n = 0;
            GEOSCoordSeq_getSize_r(h, seq, &n);
            const unsigned m = n > 0 ? n - 1 : 0;  // the closing point is implied
            it.counts.push_back(m);
            for (unsigned j = 0; j < m; ++j) {
                double x = 0, y = 0;
                GEOSCoordSeq_getXY_r(h, seq, j, &x, &y);
                it.exact.push_back(x);
                it.exact.push_back(y);
                if (!on_grid) continue;
                const double gx = std::round(x * kScale), gy = std::round(y * kScale);
                if (!(std::abs(gx) < 9e15 && std::abs(gy) < 9e15)) {
                    on_grid = false;
                    continue;
                }
                const int64_t ix = static_cast<int64_t>(gx), iy = static_cast<int64_t>(gy);
                if (static_cast<double>(ix) / kScale != x || static_cast<double>(iy) / kScale != y) {
                    on_grid = false;
                    continue;
                }
                if (first) {
                    it.bx = ix;
                    it.by = iy;
                    first = false;
                }
                const int64_t dx = ix - it.bx, dy = iy - it.by;
                if (dx < INT32_MIN || dx > INT32_MAX || dy < INT32_MIN || dy > INT32_MAX) {
                    on_grid = false;
                    continue;
                }
                it.xy.push_back(static_cast<int32_t>(dx));
                it.xy.push_back(static_cast<int32_t>(dy));
            }
        }
    }
    if (on_grid) std::vector<double>().swap(it.exact);
    else std::vector<int32_t>().swap(it.xy);
    it.xy.shrink_to_fit();
    it.exact.shrink_to_fit();
    it.counts.shrink_to_fit();
}

void PackedPolygons::copy(size_t i, const PackedPolygons& from, size_t j, GEOSContextHandle_t h) {
    const Item& src = from.items_[j];
    Item& it = items_[i];
    it.bx = src.bx;
    it.by = src.by;
    it.area = src.area;
    it.type = src.type;
    it.xy = src.xy;
    it.exact = src.exact;
    it.counts = src.counts;
    it.whole = src.whole ? clone(h, src.whole.get()) : GeomPtr(nullptr, GeomDeleter{});
}

GeomPtr PackedPolygons::geometry(size_t i, GEOSContextHandle_t h) const {
    const Item& it = items_[i];
    if (it.whole) return clone(h, it.whole.get());
    if (it.type < 0) return GeomPtr(nullptr, GeomDeleter{h});
    const bool exact = !it.exact.empty();
    auto point = [&](size_t q) {
        if (exact) return std::make_pair(it.exact[q], it.exact[q + 1]);
        return std::make_pair(static_cast<double>(it.bx + it.xy[q]) / kScale, static_cast<double>(it.by + it.xy[q + 1]) / kScale);
    };
    size_t c = 0, p = 0;
    const uint32_t np = it.counts[c++];
    auto ring = [&](uint32_t m) {
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, m + 1, 2);
        for (uint32_t j = 0; j <= m; ++j) {
            const auto [x, y] = point(j < m ? p + 2 * size_t(j) : p);
            GEOSCoordSeq_setXY_r(h, seq, j, x, y);
        }
        p += 2 * size_t(m);
        return GEOSGeom_createLinearRing_r(h, seq);
    };
    std::vector<GEOSGeometry*> polys;
    for (uint32_t k = 0; k < np; ++k) {
        const uint32_t nr = it.counts[c++];
        GEOSGeometry* shell = ring(it.counts[c++]);
        std::vector<GEOSGeometry*> holes;
        for (uint32_t r = 1; r < nr; ++r) holes.push_back(ring(it.counts[c++]));
        polys.push_back(GEOSGeom_createPolygon_r(h, shell, holes.data(), static_cast<unsigned>(holes.size())));
    }
    if (it.type == GEOS_POLYGON) {
        if (polys.empty()) return own(h, GEOSGeom_createEmptyPolygon_r(h));
        return own(h, polys[0]);
    }
    return own(h, GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())));
}

}  // namespace lc
