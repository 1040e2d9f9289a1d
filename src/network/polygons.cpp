// Service-area polygons (SPEC 4): the union of buffers around the reachable parts of the
// network. Faces of the network whose whole cycle is reachable are filled as polygons
// (their uncovered core cut back out), so only their outline and the pieces at the rim
// of the reach are buffered; the buffering and every union are done by Clipper on an
// integer grid of 0.1 mm, whose arithmetic is exact.
#include "network/internal.hpp"

#include <polyclipping/clipper.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace lc::net {

namespace CL = ClipperLib;

namespace {

/// Clipper works on integers: coordinates in tenths of a millimetre (coarser only for
/// areas over 100 km across, which keeps them within Clipper's fast 30-bit range), as
/// offsets from an origin near the geometry. A grid point reads back as
/// (origin + offset) / scale, the same double whatever the origin, so that polygons
/// packed for later (common/packed.hpp) come back bit for bit.
struct Grid {
    int64_t ox = 0, oy = 0;  // origin, in grid steps
    double scale = 1e4;
    CL::IntPoint to(const XY& p) const {
        return CL::IntPoint(static_cast<CL::cInt>(std::llround(p.x * scale) - ox),
                            static_cast<CL::cInt>(std::llround(p.y * scale) - oy));
    }
    XY from(const CL::IntPoint& q) const {
        return XY{static_cast<double>(ox + q.X) / scale, static_cast<double>(oy + q.Y) / scale};
    }
};

struct Extent {
    double minx = kInf, miny = kInf, maxx = -kInf, maxy = -kInf;
    void add(const XY& p) {
        minx = std::min(minx, p.x);
        miny = std::min(miny, p.y);
        maxx = std::max(maxx, p.x);
        maxy = std::max(maxy, p.y);
    }
    bool empty() const { return !(minx <= maxx); }
};

Grid grid_around(const Extent& e, double margin) {
    Grid g;
    const double half = std::max(e.maxx - e.minx, e.maxy - e.miny) / 2 + margin + 2;
    while (half * g.scale > 1e9 && g.scale > 1e-3) g.scale /= 10;  // Clipper's loRange is 2^30 - 1
    g.ox = std::llround(std::floor((e.minx + e.maxx) / 2) * g.scale);
    g.oy = std::llround(std::floor((e.miny + e.maxy) / 2) * g.scale);
    return g;
}

CL::Path path_of(const Grid& g, const std::vector<XY>& pts) {
    CL::Path p;
    p.reserve(pts.size());
    for (const XY& q : pts) p.push_back(g.to(q));
    return p;
}

/// ClipperOffset set to buffer by `buffer_m` with round joins and caps, `quadsegs`
/// chords per quarter circle (it cuts a full circle into pi / acos(1 - tolerance / delta)
/// chords), loaded with the rings (filled side on the left) and the lines.
void load_offset(CL::ClipperOffset& co, const Grid& g, const std::vector<std::vector<XY>>& rings,
                 const std::vector<std::vector<XY>>& lines, double buffer_m, int quadsegs) {
    co.ArcTolerance = buffer_m * g.scale * (1 - std::cos(M_PI / (4.0 * quadsegs)));
    for (const auto& r : rings)
        if (r.size() >= 3) co.AddPath(path_of(g, r), CL::jtRound, CL::etClosedPolygon);
    for (const auto& l : lines)
        if (!l.empty()) co.AddPath(path_of(g, l), CL::jtRound, CL::etOpenRound);
}

/// Features narrower than this are dropped from the rings (Clipper's CleanPolygon:
/// vertices that nearly repeat a neighbour or nearly continue a straight edge, and
/// spikes): written at 7 decimals of a degree (about 1 cm) they would fold onto
/// themselves and make the polygon invalid. 1 cm, or a tenth of how far a chord of the
/// arcs strays from the circle if less, so that arcs keep every chord.
double clean_distance(double buffer_m, int quadsegs) {
    return std::min(0.01, 0.1 * buffer_m * (1 - std::cos(M_PI / (4.0 * quadsegs))));
}

GEOSGeometry* ring_of(GEOSContextHandle_t h, const Grid& g, const CL::Path& raw, double clean_m) {
    CL::Path p;
    CL::CleanPolygon(raw, p, clean_m * g.scale);
    if (p.size() < 3) return nullptr;
    const unsigned n = static_cast<unsigned>(p.size());
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, n + 1, 2);
    if (!seq) return nullptr;
    for (unsigned i = 0; i <= n; ++i) {
        const XY q = g.from(p[i % n]);
        GEOSCoordSeq_setXY_r(h, seq, i, q.x, q.y);
    }
    return GEOSGeom_createLinearRing_r(h, seq);
}

/// Clipper's polygons (outer rings with their holes, islands inside holes again
/// outer) as GEOS polygons, appended to `polys`; each of `cores` (rings lying inside
/// the polygons, clear of their boundaries) becomes a hole of the innermost polygon
/// around it.
void to_geos(GEOSContextHandle_t h, const Grid& g, const CL::PolyTree& tree,
             const std::vector<std::vector<XY>>& cores, double clean_m, std::vector<GEOSGeometry*>& polys) {
    struct Outer {
        const CL::PolyNode* node;
        int depth;
        std::vector<GEOSGeometry*> holes;
    };
    std::vector<Outer> outers;
    std::vector<std::pair<const CL::PolyNode*, int>> todo;
    for (auto it = tree.Childs.rbegin(); it != tree.Childs.rend(); ++it) todo.emplace_back(*it, 0);
    while (!todo.empty()) {
        auto [n, depth] = todo.back();
        todo.pop_back();
        if (n->Contour.size() < 3) continue;
        outers.push_back(Outer{n, depth, {}});
        for (const CL::PolyNode* hole : n->Childs) {
            if (hole->Contour.size() >= 3)
                if (GEOSGeometry* r = ring_of(h, g, hole->Contour, clean_m)) outers.back().holes.push_back(r);
            for (auto it = hole->Childs.rbegin(); it != hole->Childs.rend(); ++it) todo.emplace_back(*it, depth + 1);
        }
    }
    std::vector<size_t> deepest_first(outers.size());
    for (size_t i = 0; i < outers.size(); ++i) deepest_first[i] = i;
    std::stable_sort(deepest_first.begin(), deepest_first.end(),
                     [&](size_t a, size_t b) { return outers[a].depth > outers[b].depth; });
    for (const auto& c : cores) {
        if (c.size() < 3 || outers.empty()) continue;
        size_t at = deepest_first[0];
        if (outers.size() > 1) {
            const CL::IntPoint q = g.to(c[0]);
            for (size_t i : deepest_first)
                if (CL::PointInPolygon(q, outers[i].node->Contour) != 0) {
                    at = i;
                    break;
                }
        }
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned>(c.size() + 1), 2);
        for (size_t i = 0; i <= c.size(); ++i)
            GEOSCoordSeq_setXY_r(h, seq, static_cast<unsigned>(i), c[i % c.size()].x, c[i % c.size()].y);
        if (GEOSGeometry* r = seq ? GEOSGeom_createLinearRing_r(h, seq) : nullptr) outers[at].holes.push_back(r);
    }
    for (Outer& o : outers) {
        GEOSGeometry* shell = ring_of(h, g, o.node->Contour, clean_m);
        if (!shell) {
            for (GEOSGeometry* r : o.holes) GEOSGeom_destroy_r(h, r);
            continue;
        }
        polys.push_back(GEOSGeom_createPolygon_r(h, shell, o.holes.data(), static_cast<unsigned>(o.holes.size())));
    }
}

GeomPtr collect(GEOSContextHandle_t h, std::vector<GEOSGeometry*>& polys) {
    if (polys.empty()) return own(h, GEOSGeom_createEmptyPolygon_r(h));
    if (polys.size() == 1) return own(h, polys[0]);
    return own(h, GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())));
}

/// The rings of a GEOS (multi)polygon as Clipper paths: shells counter-clockwise,
/// holes clockwise, as the non-zero rule needs them.
void add_polygonal(GEOSContextHandle_t h, const Grid& g, const GEOSGeometry* geom, CL::Paths& out) {
    auto add_ring = [&](const GEOSGeometry* ring, bool shell) {
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
        unsigned n = 0;
        if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n) || n < 4) return;
        CL::Path p;
        p.reserve(n - 1);
        for (unsigned i = 0; i + 1 < n; ++i) {
            XY q;
            GEOSCoordSeq_getXY_r(h, seq, i, &q.x, &q.y);
            p.push_back(g.to(q));
        }
        if (CL::Orientation(p) != shell) CL::ReversePath(p);
        out.push_back(std::move(p));
    };
    for (int k = 0, nk = GEOSGetNumGeometries_r(h, geom); k < nk; ++k) {
        const GEOSGeometry* poly = GEOSGetGeometryN_r(h, geom, k);
        if (GEOSGeomTypeId_r(h, poly) != GEOS_POLYGON || GEOSisEmpty_r(h, poly) == 1) continue;
        add_ring(GEOSGetExteriorRing_r(h, poly), true);
        for (int i = 0, ni = GEOSGetNumInteriorRings_r(h, poly); i < ni; ++i)
            add_ring(GEOSGetInteriorRingN_r(h, poly, i), false);
    }
}

Extent extent_of(const std::vector<std::vector<XY>>& rings, const std::vector<std::vector<XY>>& lines) {
    Extent e;
    for (const auto& r : rings)
        for (const XY& p : r) e.add(p);
    for (const auto& l : lines)
        for (const XY& p : l) e.add(p);
    return e;
}

/// Adds a geometry's envelope to `e`; false when it has none (empty or failing).
bool add_envelope(GEOSContextHandle_t h, const GEOSGeometry* g, Extent& e) {
    double x0, y0, x1, y1;
    if (!GEOSGeom_getXMin_r(h, g, &x0) || !GEOSGeom_getYMin_r(h, g, &y0) || !GEOSGeom_getXMax_r(h, g, &x1) ||
        !GEOSGeom_getYMax_r(h, g, &y1))
        return false;
    e.add(XY{x0, y0});
    e.add(XY{x1, y1});
    return true;
}

/// The covered region: rings and lines buffered, cores cut out.
GeomPtr covered_polygon(GEOSContextHandle_t h, const std::vector<std::vector<XY>>& rings,
                        const std::vector<std::vector<XY>>& lines, const std::vector<std::vector<XY>>& cores,
                        double buffer_m, int quadsegs) {
    const Extent e = extent_of(rings, lines);
    if (e.empty() || !(buffer_m > 0)) return own(h, GEOSGeom_createEmptyPolygon_r(h));
    const Grid g = grid_around(e, buffer_m);
    CL::ClipperOffset co;
    load_offset(co, g, rings, lines, buffer_m, quadsegs);
    CL::PolyTree tree;
    co.Execute(tree, buffer_m * g.scale);
    std::vector<GEOSGeometry*> polys;
    to_geos(h, g, tree, cores, clean_distance(buffer_m, quadsegs), polys);
    return collect(h, polys);
}

/// The part of `unit` outside the covered region. The cores are not cut out of the
/// covered region first but added to what is left: they lie inside it, clear of its
/// boundary.
GeomPtr uncovered_polygon(GEOSContextHandle_t h, const GEOSGeometry* unit, const std::vector<std::vector<XY>>& rings,
                          const std::vector<std::vector<XY>>& lines, const std::vector<std::vector<XY>>& cores,
                          double buffer_m, int quadsegs) {
    Extent e = extent_of(rings, lines);
    if (e.empty() || !(buffer_m > 0) || !add_envelope(h, unit, e)) return clone(h, unit);
    const Grid g = grid_around(e, buffer_m);
    CL::ClipperOffset co;
    load_offset(co, g, rings, lines, buffer_m, quadsegs);
    CL::Paths covered;
    co.Execute(covered, buffer_m * g.scale);
    CL::Paths subject;
    add_polygonal(h, g, unit, subject);
    CL::Clipper c;
    c.StrictlySimple(true);  // rings that would touch themselves at a vertex are split there
    c.AddPaths(subject, CL::ptSubject, true);
    c.AddPaths(covered, CL::ptClip, true);
    CL::PolyTree tree;
    c.Execute(CL::ctDifference, tree, CL::pftNonZero, CL::pftNonZero);
    std::vector<GEOSGeometry*> polys;
    to_geos(h, g, tree, {}, clean_distance(buffer_m, quadsegs), polys);
    if (!cores.empty()) {
        PreparedPtr pu(GEOSPrepare_r(h, unit), PreparedDeleter{h});
        for (const auto& c : cores) {
            if (c.size() < 3) continue;
            GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned>(c.size() + 1), 2);
            for (size_t i = 0; i <= c.size(); ++i)
                GEOSCoordSeq_setXY_r(h, seq, static_cast<unsigned>(i), c[i % c.size()].x, c[i % c.size()].y);
            GEOSGeometry* r = seq ? GEOSGeom_createLinearRing_r(h, seq) : nullptr;
            GeomPtr core = own(h, r ? GEOSGeom_createPolygon_r(h, r, nullptr, 0) : nullptr);
            if (!core) continue;
            if (GEOSPreparedContains_r(h, pu.get(), core.get()) == 1) {
                polys.push_back(core.release());
            } else if (GEOSPreparedIntersects_r(h, pu.get(), core.get()) == 1) {
                GeomPtr part = own(h, GEOSIntersection_r(h, unit, core.get()));
                if (!part) continue;
                for (int k = 0, nk = GEOSGetNumGeometries_r(h, part.get()); k < nk; ++k) {
                    const GEOSGeometry* q = GEOSGetGeometryN_r(h, part.get(), k);
                    if (GEOSGeomTypeId_r(h, q) == GEOS_POLYGON && GEOSisEmpty_r(h, q) != 1)
                        polys.push_back(GEOSGeom_clone_r(h, q));
                }
            }
        }
    }
    return collect(h, polys);
}

bool point_in_ring(const std::vector<XY>& r, const XY& p) {
    bool in = false;
    for (size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
        if ((r[i].y > p.y) != (r[j].y > p.y) &&
            p.x < (r[j].x - r[i].x) * (p.y - r[i].y) / (r[j].y - r[i].y) + r[i].x)
            in = !in;
    }
    return in;
}

}  // namespace

void Graph::fill_parts(std::vector<Piece> pieces, const std::vector<XY>& source_points, double buffer_m, int quadsegs,
                       std::vector<std::vector<XY>>& rings, std::vector<std::vector<XY>>& lines,
                       std::vector<std::vector<XY>>& core_rings) const {
    const Faces& F = faces();
    const FaceCores& C = cores(buffer_m, quadsegs);
    Scratch& sc = scratch(xy_.size());
    const size_t nf = F.off.size() - 1;
    if (sc.face_count.size() < nf) sc.face_count.resize(nf, 0);
    struct FaceReset {
        Scratch& s;
        ~FaceReset() {
            for (uint32_t f : s.face_touched) s.face_count[f] = 0;
            s.face_touched.clear();
        }
    } face_reset{sc};
    // A sub-edge counts towards its faces when one piece covers it whole.
    auto covers = [&](const Piece& p, uint32_t j) { return p.lo <= F.sub_lo[j] && p.hi >= F.sub_hi[j]; };
    if (nf > 0) {
        for (const Piece& p : pieces) {
            for (uint32_t j = F.sub_off[p.edge]; j < F.sub_off[p.edge + 1]; ++j) {
                if (!covers(p, j)) continue;
                for (uint32_t hh = 2 * j; hh <= 2 * j + 1; ++hh) {
                    const int32_t f = F.side[hh];
                    if (f >= 0 && sc.face_count[f]++ == 0) sc.face_touched.push_back(static_cast<uint32_t>(f));
                }
            }
        }
    }

    // A face whose whole cycle is reachable is filled. Its uncovered core (the points
    // farther than buffer_m from its cycle) is cut back out, which is only right when
    // nothing else reachable lies inside the face: so faces with dead ends or with a
    // source point inside are filled only when they have no core at all.
    constexpr uint32_t kFilled = std::numeric_limits<uint32_t>::max();
    std::vector<uint32_t> filled;
    std::vector<XY> poly;
    for (uint32_t f : sc.face_touched) {
        if (sc.face_count[f] != F.off[f + 1] - F.off[f]) continue;
        if (C.has(f)) {
            bool alone = !F.dangles[f];
            const Faces::Box& bx = F.box[f];
            for (const XY& sp : source_points) {
                if (!alone) break;
                if (sp.x < bx.minx || sp.x > bx.maxx || sp.y < bx.miny || sp.y > bx.maxy) continue;
                face_ring(f, poly);
                if (point_in_ring(poly, sp)) alone = false;
            }
            if (!alone) continue;
        }
        filled.push_back(f);
    }
    for (uint32_t f : filled) sc.face_count[f] = kFilled;
    auto is_filled = [&](int32_t f) { return f >= 0 && sc.face_count[f] == kFilled; };

    // A piece lying wholly on cycles of filled faces, or dangling into them, is inside
    // the filled outline: its buffer is the outline's.
    std::vector<Piece> rim;
    rim.reserve(pieces.size());
    for (const Piece& p : pieces) {
        bool inside = nf > 0;  // then every edge has its sub-edges
        for (uint32_t j = inside ? F.sub_off[p.edge] : 0, je = inside ? F.sub_off[p.edge + 1] : 0; j < je && inside;
             ++j) {
            if (F.sub_hi[j] <= p.lo || F.sub_lo[j] >= p.hi) continue;  // not under this piece
            inside = is_filled(F.inner[j]) ||
                     (covers(p, j) && (is_filled(F.side[2 * j]) || is_filled(F.side[2 * j + 1])));
        }
        if (!inside) rim.push_back(p);
    }

    // The outline of the filled faces: every half-edge with a filled face on its left
    // and none on its right, followed round each vertex (clockwise from where it came,
    // over the half-edges inside the filled region) into closed rings, the filled side
    // on the left: outer rings counter-clockwise, holes clockwise.
    std::vector<uint32_t> bnd;
    for (uint32_t f : filled)
        for (uint32_t i = F.off[f]; i < F.off[f + 1]; ++i)
            if (!is_filled(F.side[F.cycle[i] ^ 1u])) bnd.push_back(F.cycle[i]);
    std::sort(bnd.begin(), bnd.end());
    std::vector<char> done(bnd.size(), 0);
    const size_t rings_before = rings.size();
    bool traced = true;
    for (size_t i = 0; i < bnd.size() && traced; ++i) {
        if (done[i]) continue;
        std::vector<XY> ring;
        uint32_t cur = bnd[i];
        do {
            const size_t at = static_cast<size_t>(std::lower_bound(bnd.begin(), bnd.end(), cur) - bnd.begin());
            if (at == bnd.size() || bnd[at] != cur || done[at]) {
                traced = false;  // cannot happen on a consistent face structure
                break;
            }
            done[at] = 1;
            ring.push_back(face_vertex(F.tail(cur)));
            const uint32_t v = F.head(cur);
            uint32_t g = F.next(cur);
            for (uint32_t turns = F.hoff[v + 1] - F.hoff[v]; !(is_filled(F.side[g]) && !is_filled(F.side[g ^ 1u]));) {
                g = F.clockwise(g);
                if (turns-- == 0) {
                    traced = false;
                    break;
                }
            }
            cur = g;
        } while (traced && cur != bnd[i]);
        rings.push_back(std::move(ring));
    }
    if (!traced) {  // buffer the pieces themselves
        rings.resize(rings_before);
        chain(pieces, lines);
        return;
    }
    chain(rim, lines);
    for (uint32_t f : filled)
        for (uint32_t r = C.off[f]; r < C.off[f + 1]; ++r)
            core_rings.emplace_back(C.pts.begin() + C.ring_off[r], C.pts.begin() + C.ring_off[r + 1]);
}

GeomPtr Graph::service_area(GEOSContextHandle_t h, const XY& source_point, const Snap& source, double budget,
                            double buffer_m, int quadsegs) const {
    if (!source.ok || source.edge >= edges_.size() || !(budget >= 0) || !(buffer_m > 0))
        return own(h, GEOSGeom_createEmptyPolygon_r(h));
    std::vector<std::vector<XY>> lines{access_leg(source_point, source, budget)};
    if (source.access > budget) return net::service_area(h, lines, buffer_m, quadsegs);
    return area_of_pieces(h, reachable_pieces(source, budget), std::move(lines), {source_point}, buffer_m, quadsegs);
}

GeomPtr Graph::area_of_pieces(GEOSContextHandle_t h, std::vector<Piece> pieces, std::vector<std::vector<XY>> lines,
                              const std::vector<XY>& source_points, double buffer_m, int quadsegs) const {
    std::vector<std::vector<XY>> rings, core_rings;
    fill_parts(std::move(pieces), source_points, buffer_m, quadsegs, rings, lines, core_rings);
    return covered_polygon(h, rings, lines, core_rings, buffer_m, quadsegs);
}

GeomPtr Graph::uncovered_part(GEOSContextHandle_t h, const GEOSGeometry* unit, std::vector<Piece> pieces,
                              std::vector<std::vector<XY>> lines, const std::vector<XY>& source_points,
                              double buffer_m, int quadsegs) const {
    std::vector<std::vector<XY>> rings, core_rings;
    fill_parts(std::move(pieces), source_points, buffer_m, quadsegs, rings, lines, core_rings);
    return uncovered_polygon(h, unit, rings, lines, core_rings, buffer_m, quadsegs);
}

GeomPtr service_area(GEOSContextHandle_t h, const std::vector<std::vector<XY>>& lines, double buffer_m,
                     int quadsegs) {
    return covered_polygon(h, {}, lines, {}, buffer_m, quadsegs);
}

GeomPtr polygon_minus(GEOSContextHandle_t h, const GEOSGeometry* unit, const std::vector<const GEOSGeometry*>& covers) {
    Extent e;
    for (const GEOSGeometry* g : covers)
        if (g && GEOSisEmpty_r(h, g) != 1 && !add_envelope(h, g, e)) return clone(h, unit);
    if (e.empty() || !add_envelope(h, unit, e)) return clone(h, unit);
    const Grid g = grid_around(e, 0);
    CL::Paths subject, clip;
    add_polygonal(h, g, unit, subject);
    for (const GEOSGeometry* c : covers)
        if (c) add_polygonal(h, g, c, clip);
    // The covers need no union first: the non-zero rule takes a point covered by any.
    CL::Clipper c;
    c.StrictlySimple(true);
    c.AddPaths(subject, CL::ptSubject, true);
    c.AddPaths(clip, CL::ptClip, true);
    CL::PolyTree tree;
    c.Execute(CL::ctDifference, tree, CL::pftNonZero, CL::pftNonZero);
    std::vector<GEOSGeometry*> polys;
    to_geos(h, g, tree, {}, 0.01, polys);
    return collect(h, polys);
}

}  // namespace lc::net
