#pragma once
// Whether polygon rings stay simple once their coordinates are rounded to the grid a
// file is written on. GeoJSON is written to 7 decimals of a degree (about 1 cm); two
// edges of a service area less than a centimetre apart, valid in the working CRS, can
// cross once rounded. This is the cheap test the writer runs on every polygon; only
// what it flags is checked again, and repaired, with GEOS.
#include <cstdint>
#include <vector>

namespace lc {

/// A closed ring on an integer grid (last point = first point).
struct GridRing {
    std::vector<int64_t> x, y;
};

/// True when no two edges of the rings meet, but for consecutive edges of one ring at
/// their shared point (and those not folding back onto each other). Conservative: a
/// hole touching its shell at one point, valid for OGC, is reported as meeting.
bool rings_simple_on_grid(const std::vector<GridRing>& rings);

}  // namespace lc
