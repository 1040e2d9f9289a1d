#include "network/internal.hpp"

#include <algorithm>
#include <cmath>

namespace lc::net {

namespace {


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


}  // namespace

Scratch& scratch(size_t nodes) {
    thread_local Scratch s;
    if (s.dist.size() < nodes) s.dist.resize(nodes, kInf);
    return s;
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

}  // namespace lc::net
