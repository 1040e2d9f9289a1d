#include "network/internal.hpp"

#include <algorithm>
#include <cmath>

namespace lc::net {

namespace {

/// Point on segment A-B nearest to P. The ends are returned exactly (not A + 1·(B−A))
/// so that a point nearest to a shared node is exactly as far from every edge there.
struct Foot {
    double t;  // metres from A
    double d;  // distance P..foot
    XY on;
};
inline Foot foot(const XY& p, const XY& a, const XY& b, double len) {
    double dx = b.x - a.x, dy = b.y - a.y;
    double u = ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy);
    Foot f;
    if (u <= 0) {
        f.t = 0;
        f.on = a;
    } else if (u >= 1) {
        f.t = len;
        f.on = b;
    } else {
        f.t = u * len;
        f.on = XY{a.x + u * dx, a.y + u * dy};
    }
    f.d = std::sqrt((p.x - f.on.x) * (p.x - f.on.x) + (p.y - f.on.y) * (p.y - f.on.y));
    return f;
}


}  // namespace

std::vector<Snap> Graph::snap(const std::vector<XY>& pts, double max_access_m) const {
    std::vector<Snap> out(pts.size());
    if (edges_.empty()) return out;
    const auto& tree = index_->tree;
    std::vector<RValue> hits;
    for (size_t i = 0; i < pts.size(); ++i) {
        const XY& p = pts[i];
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
        // The R-tree's nearest gives an upper bound on the distance; every edge within
        // it (plus the tie tolerance) is then measured with the same arithmetic, so ties
        // are decided by edge index and not by the tree's internal order.
        hits.clear();
        tree.query(bgi::nearest(BPoint(p.x, p.y), 1), std::back_inserter(hits));
        if (hits.empty()) continue;
        const Edge& e0 = edges_[hits[0].second];
        double bound = foot(p, xy_[e0.a], xy_[e0.b], e0.len).d;
        if (bound > max_access_m + kTieTolerance) continue;
        double r = bound * (1 + 1e-12) + 2 * kTieTolerance;
        hits.clear();
        tree.query(bgi::intersects(BBox(BPoint(p.x - r, p.y - r), BPoint(p.x + r, p.y + r))),
                   std::back_inserter(hits));
        // Minimum distance first, then the lowest index within the tolerance of it (a
        // single pass would depend on the order of the hits when distances chain).
        double dmin = kInf;
        for (const auto& h : hits) {
            const Edge& e = edges_[h.second];
            dmin = std::min(dmin, foot(p, xy_[e.a], xy_[e.b], e.len).d);
        }
        uint32_t best_e = std::numeric_limits<uint32_t>::max();
        Foot best{0, kInf, XY{}};
        for (const auto& h : hits) {
            if (h.second >= best_e) continue;
            const Edge& e = edges_[h.second];
            Foot f = foot(p, xy_[e.a], xy_[e.b], e.len);
            if (f.d <= dmin + kTieTolerance) {
                best_e = h.second;
                best = f;
            }
        }
        if (best_e == std::numeric_limits<uint32_t>::max() || dmin > max_access_m) continue;
        Snap& s = out[i];
        s.ok = true;
        s.edge = best_e;
        s.t = best.t;
        s.access = best.d;
        s.on = best.on;
    }
    return out;
}

}  // namespace lc::net
