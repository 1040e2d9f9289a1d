#include "network/network.hpp"

// Boost 1.74's geometry pulls in a header that Boost itself marks deprecated; the
// #pragma message it prints would be noise in every build.
#ifndef BOOST_ALLOW_DEPRECATED_HEADERS
#define BOOST_ALLOW_DEPRECATED_HEADERS
#endif
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <algorithm>
#include <map>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <numeric>
#include <unordered_map>
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
    std::vector<uint32_t> face_count;  // per face, 0 except at face_touched
    std::vector<uint32_t> face_touched;
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

/// Bounded faces of the road network as drawn, which service_area may fill. Edges that
/// cross (or touch) without a shared vertex are cut at the crossing into sub-edges for
/// this purpose only, so a bridge splits the blocks below it instead of hiding inside
/// them; walking still joins only at shared vertices. Edges that overlap along a stretch
/// are left out, with every face they bound. Each face is a simple counter-clockwise
/// cycle of at most kMaxFaceVertices vertices, possibly with dead-end trees hanging into
/// it ("dangles").
struct Graph::Faces {
    static constexpr uint32_t kMaxFaceVertices = 1024;
    struct Box {
        double minx, miny, maxx, maxy;
    };
    // Sub-edges: edge e is cut into sub-edges sub_off[e] .. sub_off[e+1], in order from
    // its node a; sub-edge j covers [sub_lo[j], sub_hi[j]] metres from node a.
    std::vector<uint32_t> sub_off{0};
    std::vector<double> sub_lo, sub_hi;
    // Faces: face f has vertices pts[off[f] .. off[f+1]], counter-clockwise, first not repeated.
    std::vector<uint32_t> off{0};
    std::vector<XY> pts;
    std::vector<char> convex, dangles;
    std::vector<Box> box;
    std::vector<int32_t> side;   // half sub-edge 2j (towards b) / 2j+1: face whose cycle it runs on, or -1
    std::vector<int32_t> inner;  // sub-edge: face it dangles into, or -1
};

struct Graph::Index {
    bgi::rtree<RValue, bgi::rstar<16>> tree;
    mutable std::once_flag faces_once;
    mutable std::unique_ptr<const Faces> faces;
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

/// Shortest walks from the nodes `seed` reaches (it calls relax(node, metres)) to every
/// node within `budget`: distances in sc.dist, reached nodes in sc.touched.
template <class S, class Seed>
void Graph::walk_within(S& sc, double budget, Seed&& seed) const {
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
    seed(relax);
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), BGreater{});
        BItem it = heap.back();
        heap.pop_back();
        if (it.d != dist[it.node]) continue;
        for (uint32_t k = off_[it.node], ke = off_[it.node + 1]; k < ke; ++k) relax(adj_[k].to, it.d + adj_[k].w);
    }
}

/// Calls emit(edge, lo, hi) for each maximal reachable interval (metres from the edge's
/// node a) of every edge within `budget` of the source, in a deterministic order.
template <class Emit>
void Graph::reachable_intervals(const Snap& source, double budget, Emit&& emit) const {
    if (!source.ok || source.edge >= edges_.size() || !(budget >= source.access)) return;
    Scratch& sc = scratch(xy_.size());
    ScratchReset reset{sc};
    const Edge& se = edges_[source.edge];
    walk_within(sc, budget, [&](auto&& relax) {
        relax(se.a, source.access + source.t);
        relax(se.b, source.access + (se.len - source.t));
    });
    const auto& dist = sc.dist;

    // The source edge: walking both ways from the entry point, and back onto it from
    // its nodes (a loop can make a node nearer than along the edge itself).
    {
        struct Interval {
            double lo, hi;
        };
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
            if (e.a != u && dist[e.a] != kInf) continue;
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

std::vector<Graph::Piece> Graph::reachable_pieces(const Snap& source, double budget) const {
    std::vector<Piece> pieces;
    reachable_intervals(source, budget, [&](uint32_t e, double lo, double hi) {
        if (hi > lo) pieces.push_back(Piece{e, lo, hi});
    });
    return pieces;
}

double Graph::reachable_length(const Snap& source, double budget) const {
    double total = 0;
    reachable_intervals(source, budget, [&](uint32_t, double lo, double hi) { total += hi - lo; });
    return total;
}

std::vector<XY> Graph::access_leg(const XY& source_point, const Snap& source, double budget) const {
    if (source.access <= budget) return {source_point, source.on};
    const double u = source.access > 0 ? budget / source.access : 0;
    return {source_point, XY{source_point.x + u * (source.on.x - source_point.x),
                             source_point.y + u * (source.on.y - source_point.y)}};
}

std::vector<std::vector<XY>> Graph::reachable_lines(const XY& source_point, const Snap& source, double budget) const {
    std::vector<std::vector<XY>> out;
    if (!source.ok || source.edge >= edges_.size() || !(budget >= 0)) return out;
    out.push_back(access_leg(source_point, source, budget));
    if (source.access > budget) return out;
    chain(reachable_pieces(source, budget), out);
    return out;
}

// Chaining matters for speed, not for the shape: with round joins a polyline's buffer
// is the union of its segments' buffers, but GEOS pays for every separate piece's two
// end caps and for noding them against everything else (5x slower unchained on the
// metro test city).
void Graph::chain(const std::vector<Piece>& pieces, std::vector<std::vector<XY>>& out) const {
    if (pieces.empty()) return;
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

    // Straightest continuation first at junctions: gently bending chains have fewer
    // self-overlapping offset curves for the buffer to node.
    constexpr uint32_t kFree = std::numeric_limits<uint32_t>::max();
    std::vector<uint32_t> mate(ne, kFree);
    auto direction = [&](uint32_t end) {  // unit vector leaving the node along the piece
        const Edge& e = edges_[pieces[end / 2].edge];
        const XY& a = xy_[e.a];
        const XY& b = xy_[e.b];
        const double sx = (end & 1) ? a.x - b.x : b.x - a.x;
        const double sy = (end & 1) ? a.y - b.y : b.y - a.y;
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
                const uint32_t x = c.second.first, y = c.second.second;
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
    auto walk = [&](uint32_t start_end) {
        std::vector<XY> line{end_point(start_end)};
        uint32_t cur = start_end;
        for (;;) {
            used[cur / 2] = 1;
            const uint32_t other = cur ^ 1u;
            line.push_back(end_point(other));
            const uint32_t next = mate[other];
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
}

namespace {

inline double orient(const XY& a, const XY& b, const XY& c) {
    return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}
inline bool on_segment(const XY& a, const XY& b, const XY& p) {  // p collinear with a-b
    return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
           p.y <= std::max(a.y, b.y);
}
/// Closed segments p1-p2 and q1-q2 share a point.
bool segments_meet(const XY& p1, const XY& p2, const XY& q1, const XY& q2) {
    const double d1 = orient(q1, q2, p1), d2 = orient(q1, q2, p2);
    const double d3 = orient(p1, p2, q1), d4 = orient(p1, p2, q2);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
    return (d1 == 0 && on_segment(q1, q2, p1)) || (d2 == 0 && on_segment(q1, q2, p2)) ||
           (d3 == 0 && on_segment(p1, p2, q1)) || (d4 == 0 && on_segment(p1, p2, q2));
}

}  // namespace

void Graph::prepare_faces() const { (void)faces(); }

const Graph::Faces& Graph::faces() const {
    static const Faces kNone;
    if (!index_) return kNone;
    std::call_once(index_->faces_once, [this] {
        auto f = std::make_unique<Faces>();
        const uint32_t ne = static_cast<uint32_t>(edges_.size());

        // Where edges meet other than at a shared node: cut points (metres along the edge
        // from node a, and the node there). Crossings get a new node, shared by both edges;
        // an end touching another edge's inside is that end's node. Overlaps are bad.
        std::vector<XY> pt = xy_;  // nodes, then crossing points
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
                    if (orient(pc, pe, po) == 0 && (pe.x - pc.x) * (po.x - pc.x) + (pe.y - pc.y) * (po.y - pc.y) > 0)
                        bad[e] = bad[o] = 1;  // overlap along a stretch from the shared node
                    continue;
                }
                const double d1 = orient(q1, q2, p1), d2 = orient(q1, q2, p2);
                const double d3 = orient(p1, p2, q1), d4 = orient(p1, p2, q2);
                if ((d1 > 0 && d2 > 0) || (d1 < 0 && d2 < 0) || (d3 > 0 && d4 > 0) || (d3 < 0 && d4 < 0)) continue;
                const int zeros = (d1 == 0) + (d2 == 0) + (d3 == 0) + (d4 == 0);
                if (zeros >= 2) {  // collinear
                    if (segments_meet(p1, p2, q1, q2)) bad[e] = bad[o] = 1;
                    continue;
                }
                if (zeros == 1) {  // an end of one lies inside the other
                    if (d1 == 0 && on_segment(q1, q2, p1)) cuts[o].push_back({param(o, p1), E.a});
                    else if (d2 == 0 && on_segment(q1, q2, p2)) cuts[o].push_back({param(o, p2), E.b});
                    else if (d3 == 0 && on_segment(p1, p2, q1)) cuts[e].push_back({param(e, q1), O.a});
                    else if (d4 == 0 && on_segment(p1, p2, q2)) cuts[e].push_back({param(e, q2), O.b});
                    continue;
                }
                const double u = d1 / (d1 - d2);
                const XY x{p1.x + u * (p2.x - p1.x), p1.y + u * (p2.y - p1.y)};
                const uint32_t id = static_cast<uint32_t>(pt.size());
                pt.push_back(x);
                cuts[e].push_back({u * E.len, id});
                cuts[o].push_back({param(o, x), id});
            }
        }

        // Sub-edges (a cut that rounds onto an end of its edge makes the edge bad: the
        // picture is no longer trustworthy there).
        std::vector<uint32_t> sa, sb;  // sub-edge end nodes (indices into pt)
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
                sa.push_back(from);
                sb.push_back(node);
                parent.push_back(e);
                lo = t;
                from = node;
            }
            f->sub_lo.push_back(lo);
            f->sub_hi.push_back(edges_[e].len);
            sa.push_back(from);
            sb.push_back(edges_[e].b);
            parent.push_back(e);
            f->sub_off.push_back(static_cast<uint32_t>(f->sub_lo.size()));
        }
        const uint32_t ns = static_cast<uint32_t>(sa.size());
        f->side.assign(2 * size_t(ns), -1);
        f->inner.assign(ns, -1);

        // Half sub-edge h = 2j runs sa->sb, 2j+1 back. Outgoing half-edges around each node
        // sorted counter-clockwise by their edge's direction (exact for every piece of a
        // cut edge); next(h) is the one just clockwise of h's twin at h's head, which walks
        // each face with the face on the left.
        const size_t np = pt.size();
        std::vector<uint32_t> hoff(np + 1, 0);
        for (uint32_t j = 0; j < ns; ++j) {
            ++hoff[sa[j] + 1];
            ++hoff[sb[j] + 1];
        }
        for (size_t i = 0; i < np; ++i) hoff[i + 1] += hoff[i];
        std::vector<std::pair<double, uint32_t>> around(hoff[np]);
        {
            std::vector<uint32_t> fill(hoff.begin(), hoff.end() - 1);
            for (uint32_t j = 0; j < ns; ++j) {
                const Edge& E = edges_[parent[j]];
                const double dx = xy_[E.b].x - xy_[E.a].x, dy = xy_[E.b].y - xy_[E.a].y;
                around[fill[sa[j]]++] = {std::atan2(dy, dx), 2 * j};
                around[fill[sb[j]]++] = {std::atan2(-dy, -dx), 2 * j + 1};
            }
        }
        std::vector<uint32_t> pos(2 * size_t(ns));
        for (size_t u = 0; u < np; ++u) {
            std::sort(around.begin() + hoff[u], around.begin() + hoff[u + 1]);
            for (uint32_t i = hoff[u]; i < hoff[u + 1]; ++i) pos[around[i].second] = i - hoff[u];
        }
        auto head = [&](uint32_t h) { return (h & 1) ? sa[h / 2] : sb[h / 2]; };
        auto tail = [&](uint32_t h) { return (h & 1) ? sb[h / 2] : sa[h / 2]; };
        auto next = [&](uint32_t h) {
            const uint32_t v = head(h);
            const uint32_t k = hoff[v + 1] - hoff[v];
            return around[hoff[v] + (pos[h ^ 1u] + k - 1) % k].second;
        };

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
                h = next(h);
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
            for (size_t i = 0; i < n && ok; ++i) ok = head(cyc[i]) == tail(cyc[(i + 1) % n]);
            if (!ok) continue;
            sorted.clear();
            for (uint32_t x : cyc) sorted.push_back(tail(x));
            std::sort(sorted.begin(), sorted.end());
            if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) continue;  // pinched
            double area2 = 0;
            bool convex = true;
            Faces::Box bx{kInf, kInf, -kInf, -kInf};
            for (size_t i = 0; i < n; ++i) {
                const XY& a = pt[tail(cyc[(i + n - 1) % n])];
                const XY& b = pt[tail(cyc[i])];
                const XY& c = pt[tail(cyc[(i + 1) % n])];
                if (orient(a, b, c) < 0) convex = false;
                area2 += b.x * c.y - c.x * b.y;
                bx = Faces::Box{std::min(bx.minx, b.x), std::min(bx.miny, b.y), std::max(bx.maxx, b.x),
                                std::max(bx.maxy, b.y)};
            }
            if (!(area2 > 0)) continue;  // the outer side of a component
            const int32_t id = static_cast<int32_t>(f->off.size() - 1);
            for (uint32_t x : cyc) {
                f->pts.push_back(pt[tail(x)]);
                f->side[x] = id;
            }
            if (has_dangles)
                for (uint32_t x : walk)
                    if (f->side[x] != id) f->inner[x / 2] = id;
            f->off.push_back(static_cast<uint32_t>(f->pts.size()));
            f->convex.push_back(convex);
            f->dangles.push_back(has_dangles);
            f->box.push_back(bx);
        }
        index_->faces = std::move(f);
    });
    return *index_->faces;
}

namespace {

GEOSGeometry* linestring(GEOSContextHandle_t h, const std::vector<XY>& l) {
    const bool single = l.size() == 1;
    const unsigned n = static_cast<unsigned>(single ? 2 : l.size());
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, n, 2);
    if (!seq) return nullptr;
    for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_setXY_r(h, seq, i, l[single ? 0 : i].x, l[single ? 0 : i].y);
    return GEOSGeom_createLineString_r(h, seq);
}

GEOSGeometry* ring(GEOSContextHandle_t h, const std::vector<XY>& r) {
    const unsigned n = static_cast<unsigned>(r.size());
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, n + 1, 2);
    if (!seq) return nullptr;
    for (unsigned i = 0; i <= n; ++i) GEOSCoordSeq_setXY_r(h, seq, i, r[i % n].x, r[i % n].y);
    return GEOSGeom_createLinearRing_r(h, seq);
}

/// How crowded the lines are: road length per square of side 2·buffer, averaged over the
/// roads (length-weighted), in units of that side: about 1 for one straight road through
/// each square, 1.7 for the 150 m street grid of the synthetic metro with 50 m buffers,
/// and up to 7 for central Helsinki's footways.
double crowding(const std::vector<std::vector<XY>>& lines, double buffer_m) {
    const double cell = 2 * buffer_m;
    std::unordered_map<uint64_t, double> per_cell;
    double total = 0;
    for (const auto& l : lines) {
        for (size_t i = 1; i < l.size(); ++i) {
            const XY& p = l[i - 1];
            const XY& q = l[i];
            const double len = std::sqrt((q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y));
            const int n = std::max(1, static_cast<int>(std::ceil(len / cell)));
            for (int k = 0; k < n; ++k) {
                const double u = (k + 0.5) / n;
                const auto cx = static_cast<int64_t>(std::floor((p.x + u * (q.x - p.x)) / cell));
                const auto cy = static_cast<int64_t>(std::floor((p.y + u * (q.y - p.y)) / cell));
                per_cell[(static_cast<uint64_t>(cx) << 32) ^ static_cast<uint64_t>(cy & 0xffffffff)] += len / n;
            }
            total += len;
        }
    }
    if (!(total > 0)) return 0;
    double sum2 = 0;
    for (const auto& kv : per_cell) sum2 += kv.second * kv.second;
    return sum2 / total / cell;
}

/// Crowding from which buffer_parts works piecewise, chosen by timing both ways on every
/// call for the synthetic metro and central Helsinki (within 1% of the better choice on
/// both). Plain lines: the metro grid (1.6-1.8) is twice as fast in one piece, Helsinki
/// (up to 8.6) up to 20x faster piecewise. With a filled outline in the same buffer
/// every rim line's curves also cross the outline's, and piecewise pays off earlier:
/// the metro's rims (0.8-1.4) still prefer one piece, Helsinki's (1.3-4.4) do not.
constexpr double kCascadeCrowding = 2.0;
constexpr double kCascadeCrowdingWithOutline = 1.5;

/// Buffers the given parts (taking ownership) with round caps and joins, as one polygon.
GeomPtr buffer_parts(GEOSContextHandle_t h, std::vector<GEOSGeometry*>& parts, double buffer_m, int quadsegs,
                     bool piecewise) {
    struct Free {
        GEOSContextHandle_t h;
        std::vector<GEOSGeometry*>& v;
        ~Free() {
            for (GEOSGeometry* g : v)
                if (g) GEOSGeom_destroy_r(h, g);
            v.clear();
        }
    } free_parts{h, parts};
    if (parts.empty() || !(buffer_m > 0)) return own(h, GEOSGeom_createEmptyPolygon_r(h));
    GEOSBufferParams* bp = GEOSBufferParams_create_r(h);
    GEOSBufferParams_setEndCapStyle_r(h, bp, GEOSBUF_CAP_ROUND);
    GEOSBufferParams_setJoinStyle_r(h, bp, GEOSBUF_JOIN_ROUND);
    GEOSBufferParams_setQuadrantSegments_r(h, bp, quadsegs);
    GeomPtr res(nullptr, GeomDeleter{h});
    if (!piecewise || parts.size() < 3) {
        // One buffer of everything: cheapest while the buffers overlap little.
        GeomPtr coll = own(h, GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                          static_cast<unsigned>(parts.size())));
        parts.clear();
        if (coll) res = own(h, GEOSBufferWithParams_r(h, coll.get(), bp, buffer_m));
    } else {
        // Crowded lines: GEOS's buffer nodes every offset curve against every other, and
        // there each overlaps many; buffering each line alone and dissolving the results
        // pairwise (cascaded union) drops the interiors early.
        std::vector<GEOSGeometry*> bufs;
        bufs.reserve(parts.size());
        for (GEOSGeometry* g : parts)
            if (GEOSGeometry* b = GEOSBufferWithParams_r(h, g, bp, buffer_m)) bufs.push_back(b);
        GeomPtr coll = own(h, GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, bufs.data(),
                                                          static_cast<unsigned>(bufs.size())));
        if (coll) res = own(h, GEOSUnaryUnion_r(h, coll.get()));
    }
    GEOSBufferParams_destroy_r(h, bp);
    return res;
}

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
    // Drop repeated points and slivers: GEOS needs a proper ring, and a hole of less
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

/// Adds the rings (taking ownership) as holes of the polygon(s) of `g` containing them;
/// each ring lies strictly inside exactly one polygon of `g`.
GeomPtr add_holes(GEOSContextHandle_t h, GeomPtr g, std::vector<GEOSGeometry*>& rings) {
    struct Free {
        GEOSContextHandle_t h;
        std::vector<GEOSGeometry*>& r;
        ~Free() {
            for (GEOSGeometry* x : r)
                if (x) GEOSGeom_destroy_r(h, x);
            r.clear();
        }
    } free_rings{h, rings};
    if (rings.empty() || !g) return g;
    const int type = GEOSGeomTypeId_r(h, g.get());
    if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON) return g;
    const int np = GEOSGetNumGeometries_r(h, g.get());
    std::vector<std::vector<size_t>> of_part(static_cast<size_t>(np));
    for (size_t i = 0; i < rings.size(); ++i) {
        int part = 0;
        if (np > 1) {
            double x = 0, y = 0;
            GEOSCoordSeq_getXY_r(h, GEOSGeom_getCoordSeq_r(h, rings[i]), 0, &x, &y);
            GeomPtr pt = make_point(h, x, y);
            for (part = 0; part < np; ++part)
                if (GEOSIntersects_r(h, GEOSGetGeometryN_r(h, g.get(), part), pt.get()) == 1) break;
            if (part == np) continue;  // cannot happen for a core inside a filled face
        }
        of_part[static_cast<size_t>(part)].push_back(i);
    }
    std::vector<GEOSGeometry*> polys;
    for (int p = 0; p < np; ++p) {
        const GEOSGeometry* poly = GEOSGetGeometryN_r(h, g.get(), p);
        GEOSGeometry* shell = GEOSGeom_clone_r(h, GEOSGetExteriorRing_r(h, poly));
        std::vector<GEOSGeometry*> inner;
        const int ni = GEOSGetNumInteriorRings_r(h, poly);
        for (int i = 0; i < ni; ++i) inner.push_back(GEOSGeom_clone_r(h, GEOSGetInteriorRingN_r(h, poly, i)));
        for (size_t i : of_part[static_cast<size_t>(p)]) {
            inner.push_back(rings[i]);
            rings[i] = nullptr;
        }
        polys.push_back(GEOSGeom_createPolygon_r(h, shell, inner.data(), static_cast<unsigned>(inner.size())));
    }
    if (polys.size() == 1) return own(h, polys[0]);
    return own(h, GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())));
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

GeomPtr Graph::service_area(GEOSContextHandle_t h, const XY& source_point, const Snap& source, double budget,
                            double buffer_m, int quadsegs) const {
    if (!source.ok || source.edge >= edges_.size() || !(budget >= 0) || !(buffer_m > 0))
        return own(h, GEOSGeom_createEmptyPolygon_r(h));
    std::vector<std::vector<XY>> lines{access_leg(source_point, source, budget)};
    if (source.access > budget) return net::service_area(h, lines, buffer_m, quadsegs);
    return area_of_pieces(h, reachable_pieces(source, budget), std::move(lines), {source_point}, buffer_m, quadsegs);
}

std::vector<Graph::Piece> Graph::reachable_pieces_multi(const std::vector<Snap>& sources, double budget) const {
    std::vector<Piece> pieces;
    Scratch& sc = scratch(xy_.size());
    ScratchReset reset{sc};
    std::vector<const Snap*> on_edge;
    walk_within(sc, budget, [&](auto&& relax) {
        for (const Snap& s : sources) {
            if (!s.ok || s.edge >= edges_.size() || !(budget >= s.access)) continue;
            const Edge& e = edges_[s.edge];
            relax(e.a, s.access + s.t);
            relax(e.b, s.access + (e.len - s.t));
            on_edge.push_back(&s);
        }
    });
    const auto& dist = sc.dist;
    // Intervals per edge (from the nodes, and around every entry point on it), merged.
    std::vector<Piece> iv;
    iv.reserve(2 * sc.touched.size() + on_edge.size());
    for (const Snap* s : on_edge) {
        const double r = budget - s->access;
        iv.push_back(Piece{s->edge, std::max(0.0, s->t - r), std::min(edges_[s->edge].len, s->t + r)});
    }
    for (uint32_t u : sc.touched) {
        for (uint32_t k = off_[u], ke = off_[u + 1]; k < ke; ++k) {
            const uint32_t ei = adj_[k].edge;
            const Edge& e = edges_[ei];
            if (e.a != u && dist[e.a] != kInf) continue;  // once per edge
            const double ca = dist[e.a] == kInf ? -1.0 : budget - dist[e.a];
            const double cb = dist[e.b] == kInf ? -1.0 : budget - dist[e.b];
            if (ca >= 0) iv.push_back(Piece{ei, 0.0, std::min(ca, e.len)});
            if (cb >= 0) iv.push_back(Piece{ei, std::max(0.0, e.len - cb), e.len});
        }
    }
    std::sort(iv.begin(), iv.end(), [](const Piece& x, const Piece& y) {
        return x.edge != y.edge ? x.edge < y.edge : x.lo != y.lo ? x.lo < y.lo : x.hi < y.hi;
    });
    for (size_t i = 0; i < iv.size();) {
        Piece cur = iv[i];
        for (++i; i < iv.size() && iv[i].edge == cur.edge; ++i) {
            if (iv[i].lo <= cur.hi) {
                cur.hi = std::max(cur.hi, iv[i].hi);
            } else {
                if (cur.hi > cur.lo) pieces.push_back(cur);
                cur = iv[i];
            }
        }
        if (cur.hi > cur.lo) pieces.push_back(cur);
    }
    return pieces;
}

GeomPtr Graph::area_of_pieces(GEOSContextHandle_t h, std::vector<Piece> pieces, std::vector<std::vector<XY>> lines,
                              const std::vector<XY>& source_points, double buffer_m, int quadsegs,
                              std::vector<GeomPtr>* cores) const {
    const Faces& F = faces();

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
    // farther than buffer_m from its cycle) goes back in as a hole, which is only right
    // when nothing else reachable lies inside the face: so faces with dead ends or with
    // the source point inside are filled only when they have no core at all.
    constexpr uint32_t kFilled = std::numeric_limits<uint32_t>::max();
    std::vector<uint32_t> filled;
    std::vector<GEOSGeometry*> holes;
    struct FreeHoles {
        GEOSContextHandle_t h;
        std::vector<GEOSGeometry*>& v;
        ~FreeHoles() {
            for (GEOSGeometry* g : v)
                if (g) GEOSGeom_destroy_r(h, g);
        }
    } free_holes{h, holes};
    std::vector<XY> poly;
    GEOSBufferParams* shrink_params = nullptr;
    for (uint32_t f : sc.face_touched) {
        const uint32_t n = F.off[f + 1] - F.off[f];
        if (sc.face_count[f] != n) continue;
        const Faces::Box& bx = F.box[f];
        filled.push_back(f);
        // Every point of a face less than 2·buffer_m wide (or high) is within buffer_m of
        // its cycle.
        if (std::min(bx.maxx - bx.minx, bx.maxy - bx.miny) < 2 * buffer_m) continue;
        poly.assign(F.pts.begin() + F.off[f], F.pts.begin() + F.off[f + 1]);
        bool alone = !F.dangles[f];
        for (const XY& sp : source_points)
            if (alone && sp.x >= bx.minx && sp.x <= bx.maxx && sp.y >= bx.miny && sp.y <= bx.maxy && point_in_ring(poly, sp))
                alone = false;
        const size_t before = holes.size();
        if (F.convex[f]) {
            std::vector<XY> core = shrink_convex(poly, buffer_m);
            if (!core.empty())
                if (GEOSGeometry* r = ring(h, core)) holes.push_back(r);
        } else {
            // The core of a non-convex face has arcs round its reflex corners: GEOS's
            // inward buffer, with the same arc segments as the outward one.
            if (!shrink_params) {
                shrink_params = GEOSBufferParams_create_r(h);
                GEOSBufferParams_setJoinStyle_r(h, shrink_params, GEOSBUF_JOIN_ROUND);
                GEOSBufferParams_setQuadrantSegments_r(h, shrink_params, quadsegs);
            }
            GEOSGeometry* r = ring(h, poly);
            GeomPtr fp = own(h, r ? GEOSGeom_createPolygon_r(h, r, nullptr, 0) : nullptr);
            GeomPtr core = fp ? own(h, GEOSBufferWithParams_r(h, fp.get(), shrink_params, -buffer_m))
                              : GeomPtr(nullptr, GeomDeleter{h});
            if (!core) {
                filled.pop_back();  // let the plain buffer deal with it
                continue;
            }
            for (int k = 0, nk = GEOSGetNumGeometries_r(h, core.get()); k < nk; ++k) {
                const GEOSGeometry* part = GEOSGetGeometryN_r(h, core.get(), k);
                if (GEOSGeomTypeId_r(h, part) != GEOS_POLYGON || GEOSisEmpty_r(h, part) == 1) continue;
                if (GEOSGeometry* hole = GEOSGeom_clone_r(h, GEOSGetExteriorRing_r(h, part))) holes.push_back(hole);
            }
        }
        if (holes.size() > before && !alone) {
            for (size_t k = before; k < holes.size(); ++k) GEOSGeom_destroy_r(h, holes[k]);
            holes.resize(before);
            filled.pop_back();
        }
    }
    if (shrink_params) GEOSBufferParams_destroy_r(h, shrink_params);
    for (uint32_t f : filled) sc.face_count[f] = kFilled;
    auto is_filled = [&](int32_t f) { return f >= 0 && sc.face_count[f] == kFilled; };

    // A piece lying wholly on cycles of filled faces, or dangling into them, is inside
    // the filled outline: its buffer covers the piece's.
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
    chain(rim, lines);
    if (filled.empty()) return net::service_area(h, lines, buffer_m, quadsegs);

    std::vector<GEOSGeometry*> parts;
    for (uint32_t f : filled) {
        poly.assign(F.pts.begin() + F.off[f], F.pts.begin() + F.off[f + 1]);
        if (GEOSGeometry* r = ring(h, poly)) parts.push_back(GEOSGeom_createPolygon_r(h, r, nullptr, 0));
    }
    // The filled faces share edges exactly (same nodes), so they form a coverage and
    // dissolve cheaply.
    GeomPtr faces_mp = own(h, GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts.data(),
                                                          static_cast<unsigned>(parts.size())));
    parts.clear();
    GeomPtr outline = faces_mp ? own(h, GEOSCoverageUnion_r(h, faces_mp.get())) : GeomPtr(nullptr, GeomDeleter{h});
    if (!outline) {  // not a clean coverage after all: buffer the lines themselves
        std::vector<std::vector<XY>> all = lines;
        chain(pieces, all);
        return net::service_area(h, all, buffer_m, quadsegs);
    }
    parts.push_back(outline.release());
    for (const auto& l : lines)
        if (GEOSGeometry* g = linestring(h, l)) parts.push_back(g);
    GeomPtr area =
        buffer_parts(h, parts, buffer_m, quadsegs, crowding(lines, buffer_m) >= kCascadeCrowdingWithOutline);
    if (cores) {
        // The caller subtracts the area and adds the cores back itself: cutting hundreds
        // of holes into one polygon costs as much as the buffer did.
        for (GEOSGeometry*& ring : holes) {
            if (GEOSGeometry* poly = GEOSGeom_createPolygon_r(h, ring, nullptr, 0)) cores->push_back(own(h, poly));
            ring = nullptr;
        }
        return area;
    }
    return add_holes(h, std::move(area), holes);
}

GeomPtr service_area(GEOSContextHandle_t h, const std::vector<std::vector<XY>>& lines, double buffer_m,
                     int quadsegs) {
    std::vector<GEOSGeometry*> parts;
    parts.reserve(lines.size());
    for (const auto& l : lines)
        if (!l.empty())
            if (GEOSGeometry* g = linestring(h, l)) parts.push_back(g);
    return buffer_parts(h, parts, buffer_m, quadsegs, crowding(lines, buffer_m) >= kCascadeCrowding);
}

}  // namespace lc::net
