#include "core/network.hpp"

// Boost 1.74's geometry pulls in a header that Boost itself marks deprecated; the
// #pragma message it prints would be noise in every build.
#ifndef BOOST_ALLOW_DEPRECATED_HEADERS
#define BOOST_ALLOW_DEPRECATED_HEADERS
#endif
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <utility>

namespace lc::net {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr uint32_t kNoNode = std::numeric_limits<uint32_t>::max();

using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BSeg = bg::model::segment<BPoint>;
using BBox = bg::model::box<BPoint>;
using RValue = std::pair<BSeg, uint32_t>;

/// Exact-coordinate node lookup. Open addressing on the bit patterns: faster than
/// std::unordered_map at 180k vertices and keeps "identical coordinates" literal.
class NodeTable {
public:
    explicit NodeTable(size_t expected) {
        size_t cap = 16;
        while (cap < expected * 2) cap <<= 1;
        slots_.assign(cap, Slot{0, 0, kNoNode});
        mask_ = cap - 1;
    }
    /// Returns the node for (x, y), adding it (with id `next`) if new.
    uint32_t find_or_add(double x, double y, uint32_t next, bool& added) {
        // +0.0 turns -0.0 into +0.0 so that equal coordinates have equal bits.
        uint64_t kx = bits(x + 0.0), ky = bits(y + 0.0);
        size_t i = hash(kx, ky) & mask_;
        for (;;) {
            Slot& s = slots_[i];
            if (s.id == kNoNode) {
                s = Slot{kx, ky, next};
                added = true;
                return next;
            }
            if (s.kx == kx && s.ky == ky) {
                added = false;
                return s.id;
            }
            i = (i + 1) & mask_;
        }
    }
    size_t capacity() const { return slots_.size(); }

private:
    struct Slot {
        uint64_t kx, ky;
        uint32_t id;
    };
    static uint64_t bits(double d) {
        uint64_t u;
        std::memcpy(&u, &d, sizeof u);
        return u;
    }
    static size_t hash(uint64_t a, uint64_t b) {
        uint64_t h = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL + (a << 6) + (a >> 2));
        h ^= h >> 31;
        h *= 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 29;
        return static_cast<size_t>(h);
    }
    std::vector<Slot> slots_;
    size_t mask_ = 0;
};

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

/// Point at `s` metres from A along A-B, with the ends exact.
inline XY along(const XY& a, const XY& b, double len, double s) {
    if (s <= 0) return a;
    if (s >= len) return b;
    double u = s / len;
    return XY{a.x + u * (b.x - a.x), a.y + u * (b.y - a.y)};
}

/// Label for multi-source Dijkstra: ordered by (distance, source index).
struct MsItem {
    double d;
    int32_t s;
    uint32_t node;
};
inline bool ms_less(double d1, int32_t s1, double d2, int32_t s2) { return d1 < d2 || (d1 == d2 && s1 < s2); }
struct MsGreater {
    bool operator()(const MsItem& x, const MsItem& y) const { return ms_less(y.d, y.s, x.d, x.s); }
};

struct BItem {
    double d;
    uint32_t node;
};
struct BGreater {
    bool operator()(const BItem& x, const BItem& y) const { return x.d > y.d; }
};

/// Per-thread scratch for budgeted searches: `dist` is +inf everywhere except at the
/// nodes listed in `touched`, which every search resets before returning. Thread-local
/// so that concurrent const calls on one Graph share nothing.
struct Scratch {
    std::vector<double> dist;
    std::vector<uint32_t> touched;
    std::vector<BItem> heap;
};
Scratch& scratch(size_t nodes) {
    thread_local Scratch s;
    if (s.dist.size() < nodes) s.dist.resize(nodes, kInf);
    return s;
}
struct ScratchReset {
    Scratch& s;
    ~ScratchReset() {
        for (uint32_t n : s.touched) s.dist[n] = kInf;
        s.touched.clear();
        s.heap.clear();
    }
};

}  // namespace

struct Graph::Index {
    bgi::rtree<RValue, bgi::rstar<16>> tree;
};

Graph Graph::build(const std::vector<RoadLine>& lines) {
    Graph g;
    size_t nv = 0;
    for (const auto& l : lines) nv += l.pts.size();
    NodeTable table(nv);
    g.xy_.reserve(nv);
    g.edges_.reserve(nv);

    auto node_of = [&](const XY& p) {
        bool added = false;
        uint32_t id = table.find_or_add(p.x, p.y, static_cast<uint32_t>(g.xy_.size()), added);
        if (added) g.xy_.push_back(XY{p.x + 0.0, p.y + 0.0});
        return id;
    };
    for (const auto& l : lines) {
        for (size_t i = 1; i < l.pts.size(); ++i) {
            const XY& p = l.pts[i - 1];
            const XY& q = l.pts[i];
            if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(q.x) || !std::isfinite(q.y)) continue;
            if (p.x == q.x && p.y == q.y) continue;
            uint32_t a = node_of(p), b = node_of(q);
            double dx = q.x - p.x, dy = q.y - p.y;
            g.edges_.push_back(Edge{a, b, std::sqrt(dx * dx + dy * dy)});
        }
    }

    // CSR adjacency; entries per node in edge order, which keeps searches deterministic.
    const size_t n = g.xy_.size();
    g.off_.assign(n + 1, 0);
    for (const Edge& e : g.edges_) {
        ++g.off_[e.a + 1];
        ++g.off_[e.b + 1];
    }
    for (size_t i = 0; i < n; ++i) g.off_[i + 1] += g.off_[i];
    g.adj_.resize(g.off_[n]);
    std::vector<uint32_t> fill(g.off_.begin(), g.off_.end() - 1);
    for (uint32_t ei = 0; ei < g.edges_.size(); ++ei) {
        const Edge& e = g.edges_[ei];
        g.adj_[fill[e.a]++] = Adj{e.b, ei, e.len};
        g.adj_[fill[e.b]++] = Adj{e.a, ei, e.len};
    }

    // Packing constructor (bulk load) is several times faster than inserting one by one
    // and gives a better tree.
    std::vector<RValue> vals;
    vals.reserve(g.edges_.size());
    for (uint32_t ei = 0; ei < g.edges_.size(); ++ei) {
        const XY& a = g.xy_[g.edges_[ei].a];
        const XY& b = g.xy_[g.edges_[ei].b];
        vals.emplace_back(BSeg(BPoint(a.x, a.y), BPoint(b.x, b.y)), ei);
    }
    auto idx = std::make_shared<Index>();
    idx->tree = bgi::rtree<RValue, bgi::rstar<16>>(vals.begin(), vals.end());
    g.index_ = std::move(idx);
    return g;
}

GraphStats Graph::stats() const {
    GraphStats st;
    st.nodes = xy_.size();
    st.edges = edges_.size();
    std::vector<uint32_t> parent(xy_.size());
    std::iota(parent.begin(), parent.end(), 0u);
    auto find = [&](uint32_t x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    };
    for (const Edge& e : edges_) {
        uint32_t ra = find(e.a), rb = find(e.b);
        if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
    }
    std::vector<double> comp_len(xy_.size(), 0.0);
    for (uint32_t i = 0; i < parent.size(); ++i)
        if (find(i) == i) ++st.components;
    for (const Edge& e : edges_) {
        comp_len[find(e.a)] += e.len;
        st.total_length_m += e.len;
    }
    double best = 0;
    for (double l : comp_len) best = std::max(best, l);
    st.largest_component_length_share = st.total_length_m > 0 ? best / st.total_length_m : 0;
    return st;
}

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

void Graph::nearest(const std::vector<Snap>& sources, const std::vector<Snap>& targets, std::vector<double>& dist,
                    std::vector<int>& who) const {
    dist.assign(targets.size(), kInf);
    who.assign(targets.size(), -1);
    const size_t n = xy_.size();
    std::vector<double> d(n, kInf);
    std::vector<int32_t> src(n, -1);
    std::vector<MsItem> heap;
    heap.reserve(n / 4 + 2 * sources.size() + 16);
    auto push = [&](uint32_t node, double nd, int32_t s) {
        if (ms_less(nd, s, d[node], src[node])) {
            d[node] = nd;
            src[node] = s;
            heap.push_back(MsItem{nd, s, node});
            std::push_heap(heap.begin(), heap.end(), MsGreater{});
        }
    };
    // Sources by edge, for walks that stay on one edge.
    std::vector<std::pair<uint32_t, int32_t>> on_edge;
    for (size_t i = 0; i < sources.size(); ++i) {
        const Snap& s = sources[i];
        if (!s.ok || s.edge >= edges_.size()) continue;
        const Edge& e = edges_[s.edge];
        push(e.a, s.access + s.t, static_cast<int32_t>(i));
        push(e.b, s.access + (e.len - s.t), static_cast<int32_t>(i));
        on_edge.emplace_back(s.edge, static_cast<int32_t>(i));
    }
    std::sort(on_edge.begin(), on_edge.end());

    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), MsGreater{});
        MsItem it = heap.back();
        heap.pop_back();
        if (it.d != d[it.node] || it.s != src[it.node]) continue;  // stale
        for (uint32_t k = off_[it.node], ke = off_[it.node + 1]; k < ke; ++k) {
            const Adj& a = adj_[k];
            double nd = it.d + a.w;
            if (ms_less(nd, it.s, d[a.to], src[a.to])) {
                d[a.to] = nd;
                src[a.to] = it.s;
                heap.push_back(MsItem{nd, it.s, a.to});
                std::push_heap(heap.begin(), heap.end(), MsGreater{});
            }
        }
    }

    for (size_t i = 0; i < targets.size(); ++i) {
        const Snap& tg = targets[i];
        if (!tg.ok || tg.edge >= edges_.size()) continue;
        const Edge& e = edges_[tg.edge];
        double bd = kInf;
        int32_t bs = -1;
        auto offer = [&](double cand, int32_t s) {
            if (s >= 0 && ms_less(cand, s, bd, bs)) {
                bd = cand;
                bs = s;
            }
        };
        offer(d[e.a] + tg.t + tg.access, src[e.a]);
        offer(d[e.b] + (e.len - tg.t) + tg.access, src[e.b]);
        auto range = std::equal_range(on_edge.begin(), on_edge.end(), std::make_pair(tg.edge, int32_t(-1)),
                                      [](const auto& x, const auto& y) { return x.first < y.first; });
        for (auto it = range.first; it != range.second; ++it) {
            const Snap& s = sources[static_cast<size_t>(it->second)];
            offer(s.access + std::abs(s.t - tg.t) + tg.access, it->second);
        }
        dist[i] = bd;
        who[i] = bs;
    }
}

/// Calls emit(edge, lo, hi) for each maximal reachable interval (metres from the edge's
/// node a) of every edge within `budget` of the source, in a deterministic order.
template <class Emit>
void Graph::reachable_intervals(const Snap& source, double budget, Emit&& emit) const {
    if (!source.ok || source.edge >= edges_.size() || !(budget >= source.access)) return;
    Scratch& sc = scratch(xy_.size());
    ScratchReset reset{sc};
    auto& dist = sc.dist;
    auto& heap = sc.heap;
    auto relax = [&](uint32_t node, double nd) {
        if (nd <= budget && nd < dist[node]) {
            if (dist[node] == kInf) sc.touched.push_back(node);
            dist[node] = nd;
            heap.push_back(BItem{nd, node});
            std::push_heap(heap.begin(), heap.end(), BGreater{});
        }
    };
    const Edge& se = edges_[source.edge];
    relax(se.a, source.access + source.t);
    relax(se.b, source.access + (se.len - source.t));
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), BGreater{});
        BItem it = heap.back();
        heap.pop_back();
        if (it.d != dist[it.node]) continue;
        for (uint32_t k = off_[it.node], ke = off_[it.node + 1]; k < ke; ++k)
            relax(adj_[k].to, it.d + adj_[k].w);
    }

    // The source edge: walking both ways from the entry point, and back onto it from
    // its nodes (a loop can make a node nearer than along the edge itself).
    {
        const double r = budget - source.access;
        Interval iv[3];
        int k = 0;
        iv[k++] = Interval{std::max(0.0, source.t - r), std::min(se.len, source.t + r)};
        if (dist[se.a] != kInf) iv[k++] = Interval{0.0, std::min(se.len, budget - dist[se.a])};
        if (dist[se.b] != kInf) iv[k++] = Interval{std::max(0.0, se.len - (budget - dist[se.b])), se.len};
        std::sort(iv, iv + k, [](const Interval& x, const Interval& y) { return x.lo < y.lo; });
        Interval cur = iv[0];
        for (int i = 1; i < k; ++i) {
            if (iv[i].lo <= cur.hi) {
                cur.hi = std::max(cur.hi, iv[i].hi);
            } else {
                emit(source.edge, cur.lo, cur.hi);
                cur = iv[i];
            }
        }
        emit(source.edge, cur.lo, cur.hi);
    }

    // Every other edge touching a reached node, once: from node a, or from node b when a
    // was not reached.
    for (uint32_t u : sc.touched) {
        for (uint32_t k = off_[u], ke = off_[u + 1]; k < ke; ++k) {
            const uint32_t ei = adj_[k].edge;
            if (ei == source.edge) continue;
            const Edge& e = edges_[ei];
            const bool from_a = e.a == u;
            if (!from_a && dist[e.a] != kInf) continue;
            const double ca = dist[e.a] == kInf ? -1.0 : budget - dist[e.a];
            const double cb = dist[e.b] == kInf ? -1.0 : budget - dist[e.b];
            if (ca >= 0 && cb >= 0 && ca + cb >= e.len) {
                emit(ei, 0.0, e.len);
            } else {
                if (ca >= 0) emit(ei, 0.0, std::min(ca, e.len));
                if (cb >= 0) emit(ei, std::max(0.0, e.len - cb), e.len);
            }
        }
    }
}

double Graph::reachable_length(const Snap& source, double budget) const {
    double total = 0;
    reachable_intervals(source, budget, [&](uint32_t, double lo, double hi) { total += hi - lo; });
    return total;
}

std::vector<std::vector<XY>> Graph::reachable_lines(const XY& source_point, const Snap& source, double budget) const {
    std::vector<std::vector<XY>> out;
    if (!source.ok || source.edge >= edges_.size() || !(budget >= 0)) return out;
    if (source.access <= budget) {
        out.push_back({source_point, source.on});
    } else {
        double u = source.access > 0 ? budget / source.access : 0;
        out.push_back({source_point, XY{source_point.x + u * (source.on.x - source_point.x),
                                        source_point.y + u * (source.on.y - source_point.y)}});
        return out;
    }

    // Collect the pieces, then chain them through nodes so that the buffer sees long
    // polylines: round joins make a polyline's buffer the union of its segments'
    // buffers, but each separate piece costs two end caps and its own noding.
    struct Piece {
        uint32_t edge;
        double lo, hi;
    };
    std::vector<Piece> pieces;
    reachable_intervals(source, budget, [&](uint32_t e, double lo, double hi) {
        if (hi > lo) pieces.push_back(Piece{e, lo, hi});
    });
    if (pieces.empty()) return out;

    // Piece ends: 2*i at lo, 2*i+1 at hi. An end sits on a node only when the piece
    // reaches that end of its edge.
    const size_t ne = pieces.size() * 2;
    std::vector<std::pair<uint32_t, uint32_t>> at_node;  // (node, end)
    at_node.reserve(ne);
    for (uint32_t i = 0; i < pieces.size(); ++i) {
        const Piece& p = pieces[i];
        const Edge& e = edges_[p.edge];
        if (p.lo <= 0) at_node.emplace_back(e.a, 2 * i);
        if (p.hi >= e.len) at_node.emplace_back(e.b, 2 * i + 1);
    }
    std::sort(at_node.begin(), at_node.end());

    // Pair ends at each node, straightest continuation first: long, gently bending
    // chains have fewer self-overlapping offset curves for the buffer to node.
    constexpr uint32_t kFree = std::numeric_limits<uint32_t>::max();
    std::vector<uint32_t> mate(ne, kFree);
    auto direction = [&](uint32_t end) {  // unit vector leaving the node along the piece
        const Piece& p = pieces[end / 2];
        const Edge& e = edges_[p.edge];
        const XY& a = xy_[e.a];
        const XY& b = xy_[e.b];
        double sx = (end & 1) ? a.x - b.x : b.x - a.x;
        double sy = (end & 1) ? a.y - b.y : b.y - a.y;
        return XY{sx / e.len, sy / e.len};
    };
    std::vector<XY> dirs;
    std::vector<std::pair<double, std::pair<uint32_t, uint32_t>>> cand;
    for (size_t i = 0; i < at_node.size();) {
        size_t j = i;
        while (j < at_node.size() && at_node[j].first == at_node[i].first) ++j;
        const size_t k = j - i;
        if (k == 2) {
            mate[at_node[i].second] = at_node[i + 1].second;
            mate[at_node[i + 1].second] = at_node[i].second;
        } else if (k > 2) {
            dirs.clear();
            cand.clear();
            for (size_t a = i; a < j; ++a) dirs.push_back(direction(at_node[a].second));
            for (size_t a = 0; a < k; ++a)
                for (size_t b = a + 1; b < k; ++b)
                    cand.push_back({dirs[a].x * dirs[b].x + dirs[a].y * dirs[b].y,
                                    {at_node[i + a].second, at_node[i + b].second}});
            std::sort(cand.begin(), cand.end());
            for (const auto& c : cand) {
                uint32_t x = c.second.first, y = c.second.second;
                if (mate[x] == kFree && mate[y] == kFree) {
                    mate[x] = y;
                    mate[y] = x;
                }
            }
        }
        i = j;
    }

    std::vector<char> used(pieces.size(), 0);
    auto end_point = [&](uint32_t end) {
        const Piece& p = pieces[end / 2];
        const Edge& e = edges_[p.edge];
        return along(xy_[e.a], xy_[e.b], e.len, (end & 1) ? p.hi : p.lo);
    };
    auto walk = [&](uint32_t start_end) {  // start_end: the free (or chosen) end to start at
        std::vector<XY> line;
        line.push_back(end_point(start_end));
        uint32_t cur = start_end;
        for (;;) {
            uint32_t piece = cur / 2;
            used[piece] = 1;
            uint32_t other = cur ^ 1u;
            line.push_back(end_point(other));
            uint32_t next = mate[other];
            if (next == kFree || used[next / 2]) break;
            cur = next;
        }
        out.push_back(std::move(line));
    };
    for (uint32_t i = 0; i < pieces.size(); ++i) {
        if (used[i]) continue;
        if (mate[2 * i] == kFree) walk(2 * i);
        else if (mate[2 * i + 1] == kFree) walk(2 * i + 1);
    }
    for (uint32_t i = 0; i < pieces.size(); ++i)  // what is left are closed chains
        if (!used[i]) walk(2 * i);
    return out;
}

GeomPtr service_area(GEOSContextHandle_t h, const std::vector<std::vector<XY>>& lines, double buffer_m,
                     int quadsegs) {
    std::vector<GEOSGeometry*> parts;
    parts.reserve(lines.size());
    for (const auto& l : lines) {
        if (l.empty()) continue;
        const bool single = l.size() == 1;
        const unsigned n = static_cast<unsigned>(single ? 2 : l.size());
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, n, 2);
        if (!seq) continue;
        for (unsigned i = 0; i < n; ++i) {
            const XY& p = l[single ? 0 : i];
            GEOSCoordSeq_setXY_r(h, seq, i, p.x, p.y);
        }
        if (GEOSGeometry* g = GEOSGeom_createLineString_r(h, seq)) parts.push_back(g);
    }
    if (parts.empty() || !(buffer_m > 0)) {
        for (GEOSGeometry* g : parts) GEOSGeom_destroy_r(h, g);
        return own(h, GEOSGeom_createEmptyPolygon_r(h));
    }
    GeomPtr coll = own(h, GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, parts.data(),
                                                      static_cast<unsigned>(parts.size())));
    if (!coll) return coll;
    GEOSBufferParams* bp = GEOSBufferParams_create_r(h);
    GEOSBufferParams_setEndCapStyle_r(h, bp, GEOSBUF_CAP_ROUND);
    GEOSBufferParams_setJoinStyle_r(h, bp, GEOSBUF_JOIN_ROUND);
    GEOSBufferParams_setQuadrantSegments_r(h, bp, quadsegs);
    GeomPtr res = own(h, GEOSBufferWithParams_r(h, coll.get(), bp, buffer_m));
    GEOSBufferParams_destroy_r(h, bp);
    return res;
}

}  // namespace lc::net
