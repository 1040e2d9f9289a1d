#include "outputs/grid_rings.hpp"

#include <algorithm>

namespace lc {

namespace {

struct Edge {
    int64_t x0, y0, x1, y1;
    int64_t xmin, xmax, ymin, ymax;
    size_t ring, index;  // index of the edge in its ring
};

// Products of coordinate differences on a 1e-7 degree grid reach 6.5e18, near int64's
// limit: 128 bits leave no doubt, at no cost that shows.
using Wide = __int128;

int orient(int64_t ax, int64_t ay, int64_t bx, int64_t by, int64_t cx, int64_t cy) {
    const Wide d = Wide(bx - ax) * (cy - ay) - Wide(by - ay) * (cx - ax);
    return (d > 0) - (d < 0);
}

/// c on the closed segment ab, given that a, b, c are collinear.
bool within(int64_t ax, int64_t ay, int64_t bx, int64_t by, int64_t cx, int64_t cy) {
    return std::min(ax, bx) <= cx && cx <= std::max(ax, bx) && std::min(ay, by) <= cy && cy <= std::max(ay, by);
}

/// Closed segments meet (cross, touch, or overlap).
bool meet(const Edge& a, const Edge& b) {
    const int o1 = orient(a.x0, a.y0, a.x1, a.y1, b.x0, b.y0), o2 = orient(a.x0, a.y0, a.x1, a.y1, b.x1, b.y1);
    const int o3 = orient(b.x0, b.y0, b.x1, b.y1, a.x0, a.y0), o4 = orient(b.x0, b.y0, b.x1, b.y1, a.x1, a.y1);
    if (o1 * o2 < 0 && o3 * o4 < 0) return true;  // a proper crossing
    if (o1 == 0 && within(a.x0, a.y0, a.x1, a.y1, b.x0, b.y0)) return true;
    if (o2 == 0 && within(a.x0, a.y0, a.x1, a.y1, b.x1, b.y1)) return true;
    if (o3 == 0 && within(b.x0, b.y0, b.x1, b.y1, a.x0, a.y0)) return true;
    if (o4 == 0 && within(b.x0, b.y0, b.x1, b.y1, a.x1, a.y1)) return true;
    return false;
}

/// Consecutive edges a (p->q) and b (q->r) fold back: r lies on the line of a, behind q.
bool folds_back(const Edge& a, const Edge& b) {
    if (orient(a.x0, a.y0, a.x1, a.y1, b.x1, b.y1) != 0) return false;
    const Wide dot = Wide(a.x1 - a.x0) * (b.x1 - b.x0) + Wide(a.y1 - a.y0) * (b.y1 - b.y0);
    return dot < 0;
}

}  // namespace

bool rings_simple_on_grid(const std::vector<GridRing>& rings) {
    std::vector<Edge> edges;
    std::vector<size_t> edge_count(rings.size());
    for (size_t r = 0; r < rings.size(); ++r) {
        const GridRing& g = rings[r];
        if (g.x.size() < 4) return false;  // no area
        edge_count[r] = g.x.size() - 1;
        for (size_t i = 0; i + 1 < g.x.size(); ++i) {
            Edge e{g.x[i], g.y[i], g.x[i + 1], g.y[i + 1], 0, 0, 0, 0, r, i};
            if (e.x0 == e.x1 && e.y0 == e.y1) return false;  // a repeated point
            e.xmin = std::min(e.x0, e.x1);
            e.xmax = std::max(e.x0, e.x1);
            e.ymin = std::min(e.y0, e.y1);
            e.ymax = std::max(e.y0, e.y1);
            edges.push_back(e);
        }
    }
    // A sweep along x: each edge is tested against the edges starting within its x range.
    std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.xmin < b.xmin; });
    for (size_t i = 0; i < edges.size(); ++i) {
        const Edge& a = edges[i];
        for (size_t j = i + 1; j < edges.size() && edges[j].xmin <= a.xmax; ++j) {
            const Edge& b = edges[j];
            if (b.ymin > a.ymax || b.ymax < a.ymin) continue;
            if (a.ring == b.ring) {
                const size_t n = edge_count[a.ring];
                if ((a.index + 1) % n == b.index) {
                    if (folds_back(a, b)) return false;
                    continue;
                }
                if ((b.index + 1) % n == a.index) {
                    if (folds_back(b, a)) return false;
                    continue;
                }
            }
            if (meet(a, b)) return false;
        }
    }
    return true;
}

}  // namespace lc
