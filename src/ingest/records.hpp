#pragma once
// Internal to ingest: what every layer reader shares — the reading context, rejecting
// a record, the prologue that takes a record's id and geometry (written once for all
// readers), polygon repair and reading optional numbers.
#include "ingest/ingest.hpp"
#include "ingest/source.hpp"

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace lc::ingest {

struct Ctx {
    const Project& p;
    Inputs& in;
    /// The GEOS context of the reading thread; the geometries read belong to it.
    GEOSContextHandle_t h;
    OGRSpatialReference wgs, work;
    /// "layer.field" -> impossible figures read as unknown (count, first value), for
    /// one warning per field (flush_impossible).
    std::map<std::string, std::pair<long, std::string>> impossible{};
};

void reject(Ctx& c, const std::string& layer, const std::string& id, long idx, const std::string& reason,
            std::vector<unsigned char> wkb = {});

/// The record prologue, step 1: counts the record as read and takes its id. Rejects
/// (and returns nullopt) a missing id, or an id already in `seen` (the later record;
/// an entry with position -1 came from the base project).
std::optional<std::string> record_id(Ctx& c, Source& src, const LayerSpec& s, const std::string& layer, OGRFeature* f,
                                     long idx, std::unordered_map<std::string, long>& seen);

/// The record prologue, step 2: the geometry in the working CRS. Rejects (and returns
/// null) an empty geometry — `empty_reason` says why for that layer — or one that
/// cannot be transformed (swapped lat/lon named as such).
GeomPtr record_geometry(Ctx& c, Source& src, const std::string& layer, const std::string& id, OGRFeature* f, long idx,
                        const char* empty_reason = "empty or null geometry");

/// Validates and repairs a polygon in the working CRS; returns null (and rejects) if unusable.
GeomPtr clean_polygon(Ctx& c, const std::string& layer, const std::string& id, long idx, GeomPtr g, OGRGeometry* og, Source& src);

/// GEOS point-on-surface.
XY point_on_surface(GEOSContextHandle_t h, const GEOSGeometry* g);

/// Reads an optional count or area (households, beds, floor_area...): text read as a
/// planner would (textnum.hpp), noting what was reinterpreted; unreadable text, a list,
/// and an impossible figure (negative: a "-9999" sentinel) become unknown (null) with a
/// line in repairs.csv; so does an implausible one (plausible_max).
std::optional<double> read_number(Ctx& c, OGRFeature* f, Source& src, const std::string& layer, const std::string& canon,
                                  const std::string& id);

/// The largest figure one record of `layer` can plausibly hold for `canon` (none: no
/// bound); see records.cpp for the bounds and why.
std::optional<double> plausible_max(const std::string& layer, const std::string& canon);

/// A count or area as read: `v`, or unknown (impossible_figure, saying `negative_why`) when
/// it is negative, or when it exceeds plausible_max. `negative_why` is a literal: every
/// number read passes through here, and nothing is built for one that passes.
std::optional<double> checked_count(Ctx& c, const std::string& layer, const std::string& id, const std::string& canon, double v,
                                    const char* negative_why);

/// Marks an impossible figure as unknown: a repairs.csv line with its value and `why`,
/// counted for the layer's warning.
void impossible_figure(Ctx& c, const std::string& layer, const std::string& id, const std::string& canon, double value,
                       const std::string& why);

/// One warning per field that held impossible or implausible figures (call after reading a layer).
void flush_impossible(Ctx& c);

/// "%.15g" of a number, for messages.
std::string format_number(double v);

}  // namespace lc::ingest
