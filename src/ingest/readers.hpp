#pragma once
// Internal to ingest: one reader per layer kind, appending to c.in.
#include "ingest/records.hpp"

namespace lc::ingest {

void read_units(Ctx& c, const LayerSpec& s, int level, Source& src);
void read_compounds(Ctx& c, const LayerSpec& s, Source& src);
/// `added`: a scenario's add_facilities (ids must not repeat the base's either).
void read_facilities(Ctx& c, const LayerSpec& s, Source& src, bool added);
void read_roads(Ctx& c, const LayerSpec& s, Source& src);
void read_gates(Ctx& c, Source& src);

}  // namespace lc::ingest
