#pragma once
// Whether polygon rings stay simple once their coordinates are rounded to the grid a
// file is written on. GeoJSON is written to 7 decimals of a degree (about 1 cm); two
// edges of a service area less than a centimetre apart, valid in the working CRS, can
// cross once rounded. This is the cheap test the writer runs on every polygon; only
// what it flags is checked again, and repaired, with GEOS.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lc {

/// Closed rings on an integer grid (each ring's last point = its first), flat: ring k
/// is points [start[k], start[k + 1]). Kept flat so that a writer can reuse one.
struct GridRings {
    std::vector<int64_t> x, y;
    std::vector<size_t> start{0};

    void clear() {
        x.clear();
        y.clear();
        start.assign(1, 0);
    }
    void add(int64_t px, int64_t py) {
        x.push_back(px);
        y.push_back(py);
    }
    void close_ring() { start.push_back(x.size()); }
    size_t rings() const { return start.size() - 1; }
};

/// True when no two edges of the rings meet, but for consecutive edges of one ring at
/// their shared point (and those not folding back onto each other). Conservative: a
/// hole touching its shell at one point, valid for OGC, is reported as meeting.
/// Coordinates within ±2^31 (lon/lat on a 1e-7 degree grid are within ±1.8e9).
bool rings_simple_on_grid(const GridRings& rings);

}  // namespace lc
