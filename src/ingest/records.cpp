#include "ingest/records.hpp"

#include "ingest/textnum.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace lc::ingest {

void reject(Ctx& c, const std::string& layer, const std::string& id, long idx, const std::string& reason,
            std::vector<unsigned char> wkb) {
    c.in.rejected.push_back(Rejection{layer, id, reason, idx, std::move(wkb)});
    c.in.counts[layer].rejected++;
}

std::optional<std::string> record_id(Ctx& c, Source& src, const LayerSpec& s, const std::string& layer, OGRFeature* f,
                                     long idx, std::unordered_map<std::string, long>& seen) {
    c.in.counts[layer].read++;
    std::string id = id_text(f, src, idx);
    OGRGeometry* og = f->GetGeometryRef();
    if (id.empty()) {
        reject(c, layer, "", idx, "missing id (field \"" + s.field("id") + "\" is empty)", wgs_wkb(og, src));
        return std::nullopt;
    }
    auto [it, fresh] = seen.emplace(id, idx);
    if (!fresh) {
        reject(c, layer, id, idx,
               it->second < 0 ? "duplicate id (already used by a facility of the base project)"
                              : "duplicate id (first used by feature " + std::to_string(it->second) + ")",
               wgs_wkb(og, src));
        return std::nullopt;
    }
    return id;
}

namespace {

/// The rings of a polygon source geometry (Polygon, MultiPolygon), for ring_problem.
std::vector<OGRLinearRing*> rings_of(OGRGeometry* og) {
    std::vector<OGRLinearRing*> rings;
    auto add = [&](OGRPolygon* p) {
        for (int i = 0; i < p->getNumInteriorRings() + 1; ++i)
            if (OGRLinearRing* r = i == 0 ? p->getExteriorRing() : p->getInteriorRing(i - 1)) rings.push_back(r);
    };
    const OGRwkbGeometryType t = wkbFlatten(og->getGeometryType());
    if (t == wkbPolygon) add(og->toPolygon());
    else if (t == wkbMultiPolygon)
        for (auto* p : og->toMultiPolygon()) add(p);
    return rings;
}

/// Polygon rings as GDAL hands them over: a ring whose last point is not its first
/// (GeoJSON written by hand or by a careless script; GDAL accepts it with a warning)
/// is closed, with a line in repairs.csv — GEOS would refuse it, and the record would
/// be rejected as if its coordinates were wrong. Returns why a ring is still unusable
/// (fewer than four points: no area), else empty.
std::string ring_problem(Ctx& c, const std::string& layer, const std::string& id, OGRGeometry* og) {
    std::vector<OGRLinearRing*> rings = rings_of(og);
    if (std::any_of(rings.begin(), rings.end(), [](OGRLinearRing* r) { return r->getNumPoints() > 0 && !r->get_IsClosed(); })) {
        og->closeRings();
        c.in.repairs.push_back(Repair{layer, id, "a polygon ring was not closed (its last point is not its first); closed by repeating its first point"});
    }
    for (OGRLinearRing* r : rings)
        if (r->getNumPoints() < 4)
            return "a polygon ring of " + std::to_string(r->getNumPoints()) +
                   " point(s) has no area (a ring needs at least 4, the last repeating the first)";
    return {};
}

}  // namespace

GeomPtr record_geometry(Ctx& c, Source& src, const std::string& layer, const std::string& id, OGRFeature* f, long idx,
                        const char* empty_reason) {
    OGRGeometry* og = f->GetGeometryRef();
    const PointCells cells = point_cells(f, src);  // a table's coordinate cells, when text
    if (!og || og->IsEmpty()) {
        reject(c, layer, id, idx, cells.problem.empty() ? std::string(empty_reason) : cells.problem);
        return own(c.h, nullptr);
    }
    for (auto& note : cells.notes) c.in.repairs.push_back(Repair{layer, id, note});
    if (std::string why = lonlat_out_of_range(og, src); !why.empty()) {
        reject(c, layer, id, idx, why);
        return own(c.h, nullptr);
    }
    if (std::string why = ring_problem(c, layer, id, og); !why.empty()) {
        reject(c, layer, id, idx, why, wgs_wkb(og, src));
        return own(c.h, nullptr);
    }
    GeomPtr g = to_working(c.h, og, src);
    if (!g) reject(c, layer, id, idx, transform_failure(og, src), wgs_wkb(og, src));
    return g;
}

namespace {

/// Keeps only the polygonal part of a geometry (make-valid may return a collection).
GeomPtr polygonal_part(GEOSContextHandle_t h, GeomPtr g) {
    int t = GEOSGeomTypeId_r(h, g.get());
    if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON) return g;
    std::vector<GeomPtr> parts;
    int n = GEOSGetNumGeometries_r(h, g.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* p = GEOSGetGeometryN_r(h, g.get(), i);
        int pt = GEOSGeomTypeId_r(h, p);
        if (pt == GEOS_POLYGON) parts.push_back(clone(h, p));
        else if (pt == GEOS_MULTIPOLYGON)
            for (int k = 0; k < GEOSGetNumGeometries_r(h, p); ++k) parts.push_back(clone(h, GEOSGetGeometryN_r(h, p, k)));
    }
    if (parts.empty()) return own(h, nullptr);
    if (parts.size() == 1) return std::move(parts[0]);
    return make_collection(h, GEOS_MULTIPOLYGON, parts);
}

}  // namespace

GeomPtr clean_polygon(Ctx& c, const std::string& layer, const std::string& id, long idx, GeomPtr g, OGRGeometry* og, Source& src) {
    GEOSContextHandle_t h = c.h;
    int t = GEOSGeomTypeId_r(h, g.get());
    if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) {
        reject(c, layer, id, idx, "not a polygon (" + geom_type_name(h, g.get()) + ")", wgs_wkb(og, src));
        return own(h, nullptr);
    }
    if (GEOSisValid_r(h, g.get()) != 1) {
        char* why = GEOSisValidReason_r(h, g.get());
        std::string reason = why ? why : "invalid";
        if (why) GEOSFree_r(h, why);
        GeomPtr fixed = own(h, GEOSMakeValid_r(h, g.get()));
        if (fixed) fixed = polygonal_part(h, std::move(fixed));
        if (!fixed || GEOSisEmpty_r(h, fixed.get())) {
            reject(c, layer, id, idx, "invalid polygon that cannot be repaired (" + reason + ")", wgs_wkb(og, src));
            return own(h, nullptr);
        }
        c.in.repairs.push_back(Repair{layer, id, "invalid polygon repaired with make-valid (" + reason + ")"});
        return fixed;
    }
    return g;
}

XY point_on_surface(GEOSContextHandle_t h, const GEOSGeometry* g) {
    GeomPtr p = own(h, GEOSPointOnSurface_r(h, g));
    XY r;
    if (p && !GEOSisEmpty_r(h, p.get())) {
        GEOSGeomGetX_r(h, p.get(), &r.x);
        GEOSGeomGetY_r(h, p.get(), &r.y);
    }
    return r;
}

std::string format_number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

// Beyond these a figure is a total typed into one record, a slipped decimal point or a
// unit mix-up, and read as it is it would carry a whole rule: one nursing home of
// 250,000 beds meets any beds-per-1000 target, one compound of 900 million households
// decides every household share. Generous on purpose: the largest residential compounds
// hold some tens of thousands of households, the largest elderly-care institutions a few
// thousand beds, and a facility's floor or land area stays far below a square kilometre.
// Census tables hold whole units' figures and are not bounded.
std::optional<double> plausible_max(const std::string& layer, const std::string& canon) {
    if (layer == "compounds") {
        if (canon == "households") return 100000;
        if (canon == "population" || canon == "elderly" || canon == "infants") return 300000;
    } else if (layer == "facilities") {
        if (canon == "beds" || canon == "nursing_beds" || canon == "family_beds" || canon == "places") return 10000;
        if (canon == "floor_area" || canon == "land_area") return 1e6;
    }
    return std::nullopt;
}

std::optional<double> checked_count(Ctx& c, const std::string& layer, const std::string& id, const std::string& canon, double v,
                                    const char* negative_why) {
    if (v < 0) {
        impossible_figure(c, layer, id, canon, v, negative_why);
        return std::nullopt;
    }
    const auto cap = plausible_max(layer, canon);
    if (!cap || !(v > *cap)) return v;
    const bool area = canon == "floor_area" || canon == "land_area";
    impossible_figure(c, layer, id, canon, v,
                      "is implausible for one " + std::string(layer == "compounds" ? "compound" : "facility") + " (more than " +
                          format_number(*cap) + (area ? " m²" : "") + "; a total, a slipped decimal point or another unit?)");
    return std::nullopt;
}

void impossible_figure(Ctx& c, const std::string& layer, const std::string& id, const std::string& canon, double value,
                       const std::string& why) {
    c.in.repairs.push_back(Repair{layer, id, canon + ": " + format_number(value) + " " + why + "; treated as unknown (null)"});
    c.in.unreadable[layer + "." + canon]++;
    auto& n = c.impossible[layer + "." + canon];
    if (n.first++ == 0) n.second = format_number(value) + " " + why;
}

void flush_impossible(Ctx& c) {
    for (auto& [key, n] : c.impossible)
        c.in.warnings.push_back(key + ": " + std::to_string(n.first) + " impossible or implausible figure(s) read as unknown (null), e.g. " +
                                n.second + "; each is listed in repairs.csv");
    c.impossible.clear();
}

std::optional<double> read_number(Ctx& c, OGRFeature* f, Source& src, const std::string& layer, const std::string& canon,
                                  const std::string& id) {
    auto it = src.field_index.find(canon);
    if (it == src.field_index.end() || !f->IsFieldSetAndNotNull(it->second)) {
        // Compound weights decide shares, so a null one is worth a line; a canteen
        // without beds is normal and would only bury the real problems.
        if (it != src.field_index.end() && layer == "compounds") c.in.repairs.push_back(Repair{layer, id, canon + ": null (unknown)"});
        return std::nullopt;
    }
    std::optional<double> v;
    std::string s;
    OGRFieldType ft = f->GetFieldDefnRef(it->second)->GetType();
    if (is_list_field(f, it->second)) {
        // A JSON array ([120, 80]) is not one figure. GDAL makes the whole column a list
        // when one record holds an array, so a list of one is that record's number.
        std::string text = to_utf8(f->GetFieldAsString(it->second), src);  // "(2:120,80)"
        auto colon = text.find(':');
        if (text.rfind("(1:", 0) == 0 && colon != std::string::npos && text.size() > colon + 1 && text.back() == ')') {
            char* end = nullptr;
            std::string one = text.substr(colon + 1, text.size() - colon - 2);
            double d = std::strtod(one.c_str(), &end);
            if (end && *end == '\0' && !one.empty() && std::isfinite(d)) v = d;
        }
        if (!v) {
            c.in.unreadable[layer + "." + canon]++;
            c.in.repairs.push_back(Repair{layer, id, canon + ": a list " + text + ", not one number; treated as unknown (null)"});
            return std::nullopt;
        }
    } else if (ft == OFTInteger || ft == OFTInteger64 || ft == OFTReal) {
        double d = f->GetFieldAsDouble(it->second);
        if (!std::isfinite(d)) return std::nullopt;
        v = d;
    } else {
        s = to_utf8(f->GetFieldAsString(it->second), src);
        v = text::parse_number(s);
        if (!v) {
            if (text::is_unknown_marker(s)) {
                c.in.repairs.push_back(Repair{layer, id, canon + ": \"" + s + "\" read as unknown (null)"});
            } else {
                c.in.unreadable[layer + "." + canon]++;
                c.in.repairs.push_back(Repair{layer, id, canon + ": \"" + s + "\" cannot be read as a number; treated as unknown (null)"});
            }
            return std::nullopt;
        }
    }
    // Every figure read here is a count or an area: "15.3%" (or "百分之二十") is a share
    // of something, and read as 15.3 people it would carry a whole rule.
    for (const char* sign : {"%", "\uff05", "\u2030", "百分之", "千分之"})
        if (s.find(sign) != std::string::npos) {
            impossible_figure(c, layer, id, canon, *v,
                              "(written \"" + s + "\") is a percentage, not a count or an area");
            return std::nullopt;
        }
    // Counts and areas cannot be negative: "-9999" and the like mark unknown figures.
    v = checked_count(c, layer, id, canon, *v, "is impossible (a negative count or area, perhaps an \"unknown\" code)");
    if (!v) return std::nullopt;
    // People and households come whole: a figure between 0 and 1 is a share (0.152 for
    // 15.2% elderly), not a head count.
    if ((canon == "households" || canon == "population" || canon == "elderly" || canon == "infants") && *v > 0 && *v < 1) {
        impossible_figure(c, layer, id, canon, *v, "is a share, not a count of people or households");
        return std::nullopt;
    }
    if (!s.empty()) {
        char* end = nullptr;
        std::strtod(s.c_str(), &end);
        if (!end || *end != '\0') c.in.repairs.push_back(Repair{layer, id, canon + ": \"" + s + "\" read as " + format_number(*v)});
    }
    return v;
}

}  // namespace lc::ingest
