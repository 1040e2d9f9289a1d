#pragma once
// Administrative hierarchy and the assignment of compounds and facilities to units.
#include "ingest/ingest.hpp"

namespace lc {

/// Links each unit to its parent (by `parent` id, else by containment of its
/// representative point), assigns compounds (by representative point) and
/// facilities to units, and rejects compounds outside every unit and facilities
/// farther than `max_reach_m` from every unit. Ties on shared borders go to the
/// unit with the smallest id (SPEC 4).
void assign_units(Engine& engine, Inputs& in, double max_reach_m);

/// The part of assign_units that depends neither on the facilities nor on the reach
/// (unit parents, compounds, gates), done once for inputs that several scenarios
/// share; it also notes where the facilities read with them lie. assign_units then
/// places only facilities it has not seen. Rejections and warnings of this part come
/// before those of facilities a scenario adds.
void place_units_and_compounds(Engine& engine, Inputs& in);

/// Units of a level containing a point; the smallest id on a shared border, or kNone.
/// Uses the GEOS context `h` throughout (one thread at a time).
class UnitLocator {
public:
    UnitLocator(GEOSContextHandle_t h, const std::vector<Unit>& units);
    ~UnitLocator();
    UnitLocator(UnitLocator&&) noexcept;
    int locate(const XY& p) const;
    /// Distance from a point to the nearest unit (0 inside); +inf if there are none.
    double distance(const XY& p, double search_m) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace lc
