#pragma once
// Polygons held compactly until they are written, and given back bit for bit: points on
// the 0.1 mm grid of the network polygons (network/polygons.cpp: x = integer / 1e4) as
// 32-bit offsets from a first point, 8 bytes a point against 24 in a GEOS coordinate
// sequence, and without GEOS's objects per ring; other points as doubles, 16 bytes.
// Service areas and uncovered parts are most of a network run's memory otherwise (about
// 1 GB for ten times metro).
#include "common/table.hpp"

#include <cstdint>
#include <vector>

namespace lc {

class PackedPolygons : public GeometrySource {
public:
    void resize(size_t n) { items_.resize(n); }
    size_t size() const { return items_.size(); }
    /// Packs a Polygon, MultiPolygon or empty geometry (anything else is kept as it is).
    /// Safe from several threads for different i.
    void set(size_t i, GEOSContextHandle_t h, GeomPtr g);
    /// Item `j` of `from` as item `i` of this one (as packed: nothing is made again; a
    /// geometry kept whole is cloned on `h`).
    void copy(size_t i, const PackedPolygons& from, size_t j, GEOSContextHandle_t h);
    /// The area measured before packing, m².
    double area(size_t i) const { return items_[i].area; }
    GeomPtr geometry(size_t i, GEOSContextHandle_t h) const override;
    int type_id(size_t i) const override { return items_[i].type; }

private:
    struct Item {
        int64_t bx = 0, by = 0;         // the first point, in grid steps
        double area = 0;
        int type = -1;
        std::vector<int32_t> xy;        // per point: x, y in grid steps from (bx, by), or
        std::vector<double> exact;      // per point: x, y, when some point is off the grid
        std::vector<uint32_t> counts;   // polygons; per polygon its rings; per ring its points (not closed)
        GeomPtr whole{nullptr, GeomDeleter{}};  // when not packed
    };
    std::vector<Item> items_;
};

}  // namespace lc
