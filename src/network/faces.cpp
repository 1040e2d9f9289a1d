#include "network/internal.hpp"
#include "network/orient.hpp"

#include <polyclipping/clipper.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace lc::net {

namespace {

inline bool on_segment(const XY& a, const XY& b, const XY& p) {  // p collinear with a-b
    return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
           p.y <= std::max(a.y, b.y);
}
/// Closed segments p1-p2 and q1-q2 share a point.
bool segments_meet(const XY& p1, const XY& p2, const XY& q1, const XY& q2) {
    const int d1 = orient2d(q1, q2, p1), d2 = orient2d(q1, q2, p2);
    const int d3 = orient2d(p1, p2, q1), d4 = orient2d(p1, p2, q2);
    if (d1 * d2 < 0 && d3 * d4 < 0) return true;
    return (d1 == 0 && on_segment(q1, q2, p1)) || (d2 == 0 && on_segment(q1, q2, p2)) ||
           (d3 == 0 && on_segment(p1, p2, q1)) || (d4 == 0 && on_segment(p1, p2, q2));
}
/// Signed area (x2) of p, q, r in doubles: only the crossing's position comes from it.
inline double cross2(const XY& a, const XY& b, const XY& c) {
    return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}

}  // namespace

void Graph::prepare_faces() const { (void)faces(); }

const Graph::Faces& Graph::faces() const {
    static const Faces kNone;
    if (!index_) return kNone;
    std::call_once(index_->faces_once, [this] {
        auto f = std::make_unique<Faces>();
        const uint32_t ne = static_cast<uint32_t>(edges_.size());
        const uint32_t nn = static_cast<uint32_t>(xy_.size());
        auto vertex = [&](uint32_t v) -> const XY& { return v < nn ? xy_[v] : f->cross[v - nn]; };

        // Where edges meet other than at a shared node: cut points (metres along the edge
        // from node a, and the vertex there). Crossings get a new vertex, shared by both
        // edges; an end touching another edge's inside is that end's node. Overlaps are
        // bad. Which case applies is decided with exact orientations (orient.hpp): a
        // rounded determinant can call a crossing a touch, or miss a collinear overlap.
        std::vector<std::vector<std::pair<double, uint32_t>>> cuts(ne);
        std::vector<char> bad(ne, 0);
        std::vector<RValue> hits;
        auto param = [&](uint32_t e, const XY& q) {  // metres from node a to q's foot
            const XY& a = xy_[edges_[e].a];
            const XY& b = xy_[edges_[e].b];
            return ((q.x - a.x) * (b.x - a.x) + (q.y - a.y) * (b.y - a.y)) / edges_[e].len;
        };
        for (uint32_t e = 0; e < ne; ++e) {
            const Edge& E = edges_[e];
            const XY& p1 = xy_[E.a];
            const XY& p2 = xy_[E.b];
            hits.clear();
            index_->tree.query(bgi::intersects(BBox(BPoint(std::min(p1.x, p2.x), std::min(p1.y, p2.y)),
                                                    BPoint(std::max(p1.x, p2.x), std::max(p1.y, p2.y)))),
                               std::back_inserter(hits));
            for (const auto& hit : hits) {
                const uint32_t o = hit.second;
                if (o <= e) continue;
                const Edge& O = edges_[o];
                const XY& q1 = xy_[O.a];
                const XY& q2 = xy_[O.b];
                const int shared = (E.a == O.a) + (E.a == O.b) + (E.b == O.a) + (E.b == O.b);
                if (shared == 2) {
                    bad[e] = bad[o] = 1;  // the same segment twice
                    continue;
                }
                if (shared == 1) {
                    const uint32_t c = (E.a == O.a || E.a == O.b) ? E.a : E.b;
                    const XY& pe = xy_[E.a == c ? E.b : E.a];
                    const XY& po = xy_[O.a == c ? O.b : O.a];
                    const XY& pc = xy_[c];
                    if (orient2d(pc, pe, po) == 0 && (pe.x - pc.x) * (po.x - pc.x) + (pe.y - pc.y) * (po.y - pc.y) > 0)
                        bad[e] = bad[o] = 1;  // overlap along a stretch from the shared node
                    continue;
                }
                const int d1 = orient2d(q1, q2, p1), d2 = orient2d(q1, q2, p2);
                const int d3 = orient2d(p1, p2, q1), d4 = orient2d(p1, p2, q2);
                if (d1 * d2 > 0 || d3 * d4 > 0) continue;  // apart
                const int zeros = (d1 == 0) + (d2 == 0) + (d3 == 0) + (d4 == 0);
                if (zeros >= 2) {  // collinear
                    if (segments_meet(p1, p2, q1, q2)) bad[e] = bad[o] = 1;
                    continue;
                }
                if (zeros == 1) {  // an end of one lies inside the other
                    if (d1 == 0) cuts[o].push_back({param(o, p1), E.a});
                    else if (d2 == 0) cuts[o].push_back({param(o, p2), E.b});
                    else if (d3 == 0) cuts[e].push_back({param(e, q1), O.a});
                    else cuts[e].push_back({param(e, q2), O.b});
                    continue;
                }
                // A proper crossing: where it is only sets the new vertex's position.
                const double c1 = cross2(q1, q2, p1), c2 = cross2(q1, q2, p2);
                const double u = std::min(1.0, std::max(0.0, c1 / (c1 - c2)));
                const XY x{p1.x + u * (p2.x - p1.x), p1.y + u * (p2.y - p1.y)};
                const uint32_t id = nn + static_cast<uint32_t>(f->cross.size());
                f->cross.push_back(x);
                cuts[e].push_back({u * E.len, id});
                cuts[o].push_back({param(o, x), id});
            }
        }

        // Sub-edges (a cut that rounds onto an end of its edge makes the edge bad: the
        // picture is no longer trustworthy there).
        std::vector<uint32_t> parent;
        for (uint32_t e = 0; e < ne; ++e) {
            auto& c = cuts[e];
            std::sort(c.begin(), c.end());
            double lo = 0;
            uint32_t from = edges_[e].a;
            for (const auto& [t, node] : c) {
                if (!(t > lo) || !(t < edges_[e].len)) {
                    if (!(t == lo && node == from)) bad[e] = 1;
                    continue;
                }
                f->sub_lo.push_back(lo);
                f->sub_hi.push_back(t);
                f->sa.push_back(from);
                f->sb.push_back(node);
                parent.push_back(e);
                lo = t;
                from = node;
            }
            f->sub_lo.push_back(lo);
            f->sub_hi.push_back(edges_[e].len);
            f->sa.push_back(from);
            f->sb.push_back(edges_[e].b);
            parent.push_back(e);
            f->sub_off.push_back(static_cast<uint32_t>(f->sub_lo.size()));
            std::vector<std::pair<double, uint32_t>>().swap(c);
        }
        const uint32_t ns = static_cast<uint32_t>(f->sa.size());
        f->side.assign(2 * size_t(ns), -1);
        f->inner.assign(ns, -1);

        // Outgoing half-edges around each vertex sorted counter-clockwise by their edge's
        // direction (the same angle for every piece of a cut edge); next(h) is the one
        // just clockwise of h's twin at h's head, which walks each face with the face
        // on the left.
        const size_t np = nn + f->cross.size();
        f->hoff.assign(np + 1, 0);
        for (uint32_t j = 0; j < ns; ++j) {
            ++f->hoff[f->sa[j] + 1];
            ++f->hoff[f->sb[j] + 1];
        }
        for (size_t i = 0; i < np; ++i) f->hoff[i + 1] += f->hoff[i];
        {
            std::vector<std::pair<double, uint32_t>> around(f->hoff[np]);
            std::vector<uint32_t> fill(f->hoff.begin(), f->hoff.end() - 1);
            for (uint32_t j = 0; j < ns; ++j) {
                const Edge& E = edges_[parent[j]];
                const double dx = xy_[E.b].x - xy_[E.a].x, dy = xy_[E.b].y - xy_[E.a].y;
                around[fill[f->sa[j]]++] = {std::atan2(dy, dx), 2 * j};
                around[fill[f->sb[j]]++] = {std::atan2(-dy, -dx), 2 * j + 1};
            }
            f->around.resize(around.size());
            f->pos.resize(2 * size_t(ns));
            for (size_t u = 0; u < np; ++u) {
                std::sort(around.begin() + f->hoff[u], around.begin() + f->hoff[u + 1]);
                for (uint32_t i = f->hoff[u]; i < f->hoff[u + 1]; ++i) {
                    f->around[i] = around[i].second;
                    f->pos[around[i].second] = i - f->hoff[u];
                }
            }
        }

        std::vector<char> seen(2 * size_t(ns), 0);
        std::vector<uint32_t> walk, cyc, sorted;
        std::vector<uint8_t> walked(ns, 0);  // times the current walk uses each sub-edge
        for (uint32_t h0 = 0; h0 < 2 * ns; ++h0) {
            if (seen[h0]) continue;
            walk.clear();
            bool ok = true;
            uint32_t h = h0;
            do {  // walk the whole face even when it is rejected, to mark it seen
                seen[h] = 1;
                if (walk.size() <= 4 * Faces::kMaxFaceVertices) walk.push_back(h);
                if (bad[parent[h / 2]]) ok = false;
                h = f->next(h);
            } while (h != h0);
            if (!ok || walk.size() > 4 * Faces::kMaxFaceVertices) continue;
            // Sub-edges walked both ways are dead-end trees inside the face (or a bridge to
            // an island, which leaves a broken cycle and is rejected below).
            bool has_dangles = false;
            cyc.clear();
            for (uint32_t x : walk) ++walked[x / 2];
            for (uint32_t x : walk) {
                if (walked[x / 2] == 2) has_dangles = true;
                else cyc.push_back(x);
            }
            for (uint32_t x : walk) walked[x / 2] = 0;
            const size_t n = cyc.size();
            if (n < 3 || n > Faces::kMaxFaceVertices) continue;
            for (size_t i = 0; i < n && ok; ++i) ok = f->head(cyc[i]) == f->tail(cyc[(i + 1) % n]);
            if (!ok) continue;
            sorted.clear();
            for (uint32_t x : cyc) sorted.push_back(f->tail(x));
            std::sort(sorted.begin(), sorted.end());
            if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) continue;  // pinched
            double area2 = 0;
            bool convex = true;
            Faces::Box bx{kInf, kInf, -kInf, -kInf};
            for (size_t i = 0; i < n; ++i) {
                const XY& a = vertex(f->tail(cyc[(i + n - 1) % n]));
                const XY& b = vertex(f->tail(cyc[i]));
                const XY& c = vertex(f->tail(cyc[(i + 1) % n]));
                if (orient2d(a, b, c) < 0) convex = false;
                area2 += b.x * c.y - c.x * b.y;
                bx = Faces::Box{std::min(bx.minx, b.x), std::min(bx.miny, b.y), std::max(bx.maxx, b.x),
                                std::max(bx.maxy, b.y)};
            }
            if (!(area2 > 0)) continue;  // the outer side of a component
            const int32_t id = static_cast<int32_t>(f->off.size() - 1);
            for (uint32_t x : cyc) {
                f->cycle.push_back(x);
                f->side[x] = id;
            }
            if (has_dangles)
                for (uint32_t x : walk)
                    if (f->side[x] != id) f->inner[x / 2] = id;
            f->off.push_back(static_cast<uint32_t>(f->cycle.size()));
            f->convex.push_back(convex);
            f->dangles.push_back(has_dangles);
            f->box.push_back(bx);
        }
        index_->faces = std::move(f);
    });
    return *index_->faces;
}

XY Graph::face_vertex(uint32_t v) const {
    return v < xy_.size() ? xy_[v] : faces().cross[v - xy_.size()];
}

void Graph::face_ring(uint32_t face, std::vector<XY>& out) const {
    const Faces& F = faces();
    out.clear();
    for (uint32_t i = F.off[face]; i < F.off[face + 1]; ++i) out.push_back(face_vertex(F.tail(F.cycle[i])));
}

namespace {

/// The part of a convex counter-clockwise polygon farther than `d` from its boundary
/// (exact: for a convex polygon that is the intersection of its edges' inner half-planes
/// moved in by d). Empty if nothing is left.
std::vector<XY> shrink_convex(const std::vector<XY>& poly, double d) {
    std::vector<XY> cur = poly, nxt;
    const size_t n = poly.size();
    for (size_t i = 0; i < n && cur.size() >= 3; ++i) {
        const XY& a = poly[i];
        const XY& b = poly[(i + 1) % n];
        const double len = std::sqrt((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y));
        const double nx = -(b.y - a.y) / len, ny = (b.x - a.x) / len;  // inward for CCW
        auto s = [&](const XY& q) { return nx * (q.x - a.x) + ny * (q.y - a.y) - d; };
        nxt.clear();
        for (size_t j = 0; j < cur.size(); ++j) {
            const XY& p = cur[j];
            const XY& q = cur[(j + 1) % cur.size()];
            const double sp = s(p), sq = s(q);
            if (sp >= 0) nxt.push_back(p);
            if ((sp >= 0) != (sq >= 0)) {
                const double u = sp / (sp - sq);
                nxt.push_back(XY{p.x + u * (q.x - p.x), p.y + u * (q.y - p.y)});
            }
        }
        cur.swap(nxt);
    }
    // Drop repeated points and slivers: a ring needs distinct points, and a hole of less
    // than a square centimetre is invisible.
    nxt.clear();
    for (const XY& p : cur)
        if (nxt.empty() || std::abs(p.x - nxt.back().x) > 1e-9 || std::abs(p.y - nxt.back().y) > 1e-9)
            nxt.push_back(p);
    while (nxt.size() > 1 && std::abs(nxt.front().x - nxt.back().x) <= 1e-9 &&
           std::abs(nxt.front().y - nxt.back().y) <= 1e-9)
        nxt.pop_back();
    if (nxt.size() < 3) return {};
    double area2 = 0;
    for (size_t i = 0; i < nxt.size(); ++i) {
        const XY& p = nxt[i];
        const XY& q = nxt[(i + 1) % nxt.size()];
        area2 += p.x * q.y - q.x * p.y;
    }
    if (!(area2 > 2e-4)) return {};
    return nxt;
}

/// The same for any simple counter-clockwise polygon: Clipper's inward offset, whose
/// arcs round the reflex corners use `quadsegs` chords per quarter circle like the
/// outward ones (polygons.cpp). Possibly several rings; empty if nothing is left.
void shrink_any(const std::vector<XY>& poly, double d, int quadsegs, std::vector<std::vector<XY>>& out) {
    namespace CL = ClipperLib;
    double minx = kInf, miny = kInf;
    for (const XY& p : poly) {
        minx = std::min(minx, p.x);
        miny = std::min(miny, p.y);
    }
    const double scale = 1e4;  // 0.1 mm; faces are at most a few kilometres across
    const int64_t ox = std::llround(minx * scale), oy = std::llround(miny * scale);
    CL::Path path;
    for (const XY& p : poly)
        path.emplace_back(static_cast<CL::cInt>(std::llround(p.x * scale) - ox),
                          static_cast<CL::cInt>(std::llround(p.y * scale) - oy));
    CL::ClipperOffset co(2.0, d * scale * (1 - std::cos(M_PI / (4.0 * quadsegs))));
    co.AddPath(path, CL::jtRound, CL::etClosedPolygon);
    CL::Paths res;
    co.Execute(res, -d * scale);
    for (const CL::Path& r : res) {
        if (r.size() < 3 || !CL::Orientation(r) || std::abs(CL::Area(r)) < 1e-4 * scale * scale) continue;
        std::vector<XY> ring;
        for (const CL::IntPoint& q : r)
            ring.push_back(XY{static_cast<double>(ox + q.X) / scale, static_cast<double>(oy + q.Y) / scale});
        out.push_back(std::move(ring));
    }
}

}  // namespace

const FaceCores& Graph::cores(double buffer_m, int quadsegs) const {
    static const FaceCores kNone;
    if (!index_) return kNone;
    const Faces& F = faces();
    std::lock_guard<std::mutex> lock(index_->cores_mutex);
    auto& slot = index_->cores[{buffer_m, quadsegs}];
    if (slot) return *slot;
    auto c = std::make_shared<FaceCores>();
    std::vector<XY> poly;
    std::vector<std::vector<XY>> rings;
    const size_t nf = F.off.size() - 1;
    for (uint32_t f = 0; f < nf; ++f) {
        const Faces::Box& bx = F.box[f];
        // Every point of a face less than 2·buffer wide (or high) is within the buffer of
        // its cycle.
        if (std::min(bx.maxx - bx.minx, bx.maxy - bx.miny) >= 2 * buffer_m) {
            face_ring(f, poly);
            rings.clear();
            if (F.convex[f]) {
                std::vector<XY> core = shrink_convex(poly, buffer_m);
                if (!core.empty()) rings.push_back(std::move(core));
            } else {
                shrink_any(poly, buffer_m, quadsegs, rings);
            }
            for (auto& r : rings) {
                // On the 0.1 mm grid of the polygons they become holes of (polygons.cpp).
                std::vector<XY> snapped;
                for (const XY& q : r) {
                    const XY g{std::llround(q.x * 1e4) / 1e4, std::llround(q.y * 1e4) / 1e4};
                    if (snapped.empty() || g.x != snapped.back().x || g.y != snapped.back().y) snapped.push_back(g);
                }
                while (snapped.size() > 1 && snapped.front().x == snapped.back().x && snapped.front().y == snapped.back().y)
                    snapped.pop_back();
                if (snapped.size() < 3) continue;
                c->pts.insert(c->pts.end(), snapped.begin(), snapped.end());
                c->ring_off.push_back(static_cast<uint32_t>(c->pts.size()));
            }
        }
        c->off.push_back(static_cast<uint32_t>(c->ring_off.size() - 1));
    }
    slot = std::move(c);
    return *slot;
}

}  // namespace lc::net
