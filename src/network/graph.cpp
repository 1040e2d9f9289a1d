#include "network/internal.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace lc::net {

namespace {

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


}  // namespace

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

void Graph::edges_in_box(double minx, double miny, double maxx, double maxy, std::vector<uint32_t>& out) const {
    out.clear();
    if (!index_) return;
    for (auto it = index_->tree.qbegin(bgi::intersects(BBox(BPoint(minx, miny), BPoint(maxx, maxy))));
         it != index_->tree.qend(); ++it)
        out.push_back(it->second);
}

}  // namespace lc::net
