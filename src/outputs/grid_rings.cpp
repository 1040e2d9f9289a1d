#include "outputs/grid_rings.hpp"

#include <algorithm>

namespace lc {

namespace {

// Products of coordinate differences on a 1e-7 degree grid reach 6.5e18, near int64's
// limit: 128 bits leave no doubt, at no cost that shows (few pairs get this far).
using Wide = __int128;

int orient(int64_t ax, int64_t ay, int64_t bx, int64_t by, int64_t cx, int64_t cy) {
    const Wide d = Wide(bx - ax) * (cy - ay) - Wide(by - ay) * (cx - ax);
    return (d > 0) - (d < 0);
}

/// c on the closed segment ab, given that a, b, c are collinear.
bool within(int64_t ax, int64_t ay, int64_t bx, int64_t by, int64_t cx, int64_t cy) {
    return std::min(ax, bx) <= cx && cx <= std::max(ax, bx) && std::min(ay, by) <= cy && cy <= std::max(ay, by);
}

/// The closed segments ab and cd meet (cross, touch, or overlap).
bool meet(int64_t ax, int64_t ay, int64_t bx, int64_t by, int64_t cx, int64_t cy, int64_t dx, int64_t dy) {
    const int o1 = orient(ax, ay, bx, by, cx, cy), o2 = orient(ax, ay, bx, by, dx, dy);
    const int o3 = orient(cx, cy, dx, dy, ax, ay), o4 = orient(cx, cy, dx, dy, bx, by);
    if (o1 * o2 < 0 && o3 * o4 < 0) return true;  // a proper crossing
    return (o1 == 0 && within(ax, ay, bx, by, cx, cy)) || (o2 == 0 && within(ax, ay, bx, by, dx, dy)) ||
           (o3 == 0 && within(cx, cy, dx, dy, ax, ay)) || (o4 == 0 && within(cx, cy, dx, dy, bx, by));
}

}  // namespace

bool rings_simple_on_grid(const GridRings& g) {
    const std::vector<int64_t>&X = g.x, &Y = g.y;
    if (X.empty()) return true;
    // Edge i runs from point i to point i + 1 of its ring (the last point closes it).
    int64_t x0 = X[0], y0 = Y[0], x1 = X[0], y1 = Y[0];
    Wide extent = 0;
    size_t edges = 0;
    for (size_t k = 0; k < g.rings(); ++k) {
        const size_t a = g.start[k], b = g.start[k + 1];
        if (b - a < 4) return false;  // no area
        for (size_t i = a; i + 1 < b; ++i) {
            if (X[i] == X[i + 1] && Y[i] == Y[i + 1]) return false;  // a repeated point
            extent += std::max(std::abs(X[i + 1] - X[i]), std::abs(Y[i + 1] - Y[i]));
            ++edges;
        }
        for (size_t i = a; i < b; ++i) {
            x0 = std::min(x0, X[i]), x1 = std::max(x1, X[i]);
            y0 = std::min(y0, Y[i]), y1 = std::max(y1, Y[i]);
        }
    }
    // Edges are binned in square cells of one to two times their mean extent, and each
    // is tested against the edges already in its cells: a sweep along one axis would
    // test every edge of a service area's many block-sized holes against the long edges
    // across them. The cells are a dense grid, grown until there are at most 4 per
    // edge; an edge over more than 16 cells is tested against every edge instead (a
    // unit's long side). Cells are a power of two wide: an edge's come by shifts.
    int shift = 0;
    while ((int64_t(1) << shift) < extent / Wide(edges) && shift < 40) ++shift;
    auto columns = [&] { return (static_cast<uint64_t>(x1 - x0) >> shift) + 1; };
    auto rows = [&] { return (static_cast<uint64_t>(y1 - y0) >> shift) + 1; };
    while (columns() * rows() > 4 * edges + 64) ++shift;
    const uint64_t nx = columns();
    constexpr uint32_t kNone = UINT32_MAX;
    // Per cell the last entry put in it; per entry its edge and the entry before it.
    thread_local std::vector<uint32_t> head, next, edge_of, long_edges;
    head.assign(nx * rows(), kNone);
    next.clear();
    edge_of.clear();
    long_edges.clear();

    auto ring_of = [&](size_t i) { return static_cast<size_t>(std::upper_bound(g.start.begin(), g.start.end(), i) - g.start.begin()) - 1; };
    // Edges i and j meet where they should not.
    auto clash = [&](size_t i, size_t j) {
        if (std::max(X[j], X[j + 1]) < std::min(X[i], X[i + 1]) || std::min(X[j], X[j + 1]) > std::max(X[i], X[i + 1]) ||
            std::max(Y[j], Y[j + 1]) < std::min(Y[i], Y[i + 1]) || std::min(Y[j], Y[j + 1]) > std::max(Y[i], Y[i + 1]))
            return false;
        // Consecutive edges share a point: they only fail by folding back, r on the
        // line of p->q behind q.
        size_t p = SIZE_MAX, q = 0, r = 0;
        if (i + 1 == j) p = i, q = i + 1, r = j + 1;
        else if (j + 1 == i) p = j, q = j + 1, r = i + 1;
        else if (const size_t k = ring_of(i); k == ring_of(j)) {
            const size_t first = g.start[k], last = g.start[k + 1] - 2;
            if (i == last && j == first) p = i, q = i + 1, r = j + 1;
            else if (j == last && i == first) p = j, q = j + 1, r = i + 1;
        }
        if (p != SIZE_MAX)
            return orient(X[p], Y[p], X[q], Y[q], X[r], Y[r]) == 0 &&
                   Wide(X[q] - X[p]) * (X[r] - X[q]) + Wide(Y[q] - Y[p]) * (Y[r] - Y[q]) < 0;
        return meet(X[i], Y[i], X[i + 1], Y[i + 1], X[j], Y[j], X[j + 1], Y[j + 1]);
    };

    for (size_t k = 0; k < g.rings(); ++k)
        for (size_t i = g.start[k]; i + 1 < g.start[k + 1]; ++i) {
            const uint64_t cx0 = static_cast<uint64_t>(std::min(X[i], X[i + 1]) - x0) >> shift;
            const uint64_t cx1 = static_cast<uint64_t>(std::max(X[i], X[i + 1]) - x0) >> shift;
            const uint64_t cy0 = static_cast<uint64_t>(std::min(Y[i], Y[i + 1]) - y0) >> shift;
            const uint64_t cy1 = static_cast<uint64_t>(std::max(Y[i], Y[i + 1]) - y0) >> shift;
            if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > 16) {
                long_edges.push_back(static_cast<uint32_t>(i));
                continue;
            }
            for (uint64_t cy = cy0; cy <= cy1; ++cy)
                for (uint64_t cx = cx0; cx <= cx1; ++cx) {
                    uint32_t& h = head[cy * nx + cx];
                    for (uint32_t e = h; e != kNone; e = next[e])
                        if (clash(i, edge_of[e])) return false;
                    next.push_back(h);
                    edge_of.push_back(static_cast<uint32_t>(i));
                    h = static_cast<uint32_t>(edge_of.size() - 1);
                }
        }
    for (uint32_t i : long_edges)
        for (size_t k = 0; k < g.rings(); ++k)
            for (size_t j = g.start[k]; j + 1 < g.start[k + 1]; ++j)
                if (j != i && clash(i, j)) return false;
    return true;
}

}  // namespace lc
