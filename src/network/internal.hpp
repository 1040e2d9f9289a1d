#pragma once
// What the network's source files share and nobody else needs: the R-tree types, the
// per-thread search scratch, the face structure and small helpers.
#include "network/network.hpp"

// Boost 1.74's geometry pulls in a header that Boost itself marks deprecated; the
// #pragma message it prints would be noise in every build.
#ifndef BOOST_ALLOW_DEPRECATED_HEADERS
#define BOOST_ALLOW_DEPRECATED_HEADERS
#endif
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace lc::net {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr uint32_t kNoNode = std::numeric_limits<uint32_t>::max();

using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BSeg = bg::model::segment<BPoint>;
using BBox = bg::model::box<BPoint>;
using RValue = std::pair<BSeg, uint32_t>;

/// Point at `s` metres from A along A-B, with the ends exact.
inline XY along(const XY& a, const XY& b, double len, double s) {
    if (s <= 0) return a;
    if (s >= len) return b;
    double u = s / len;
    return XY{a.x + u * (b.x - a.x), a.y + u * (b.y - a.y)};
}

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
Scratch& scratch(size_t nodes);
struct ScratchReset {
    Scratch& s;
    ~ScratchReset() {
        for (uint32_t n : s.touched) s.dist[n] = kInf;
        s.touched.clear();
        s.heap.clear();
    }
};

/// Bounded faces of the road network as drawn, which service areas may fill (faces.cpp).
/// Edges that cross (or touch) without a shared vertex are cut at the crossing into
/// sub-edges for this purpose only, so a bridge splits the blocks below it instead of
/// hiding inside them; walking still joins only at shared vertices. Edges that overlap
/// along a stretch are left out, with every face they bound. Each face is a simple
/// counter-clockwise cycle of at most kMaxFaceVertices vertices, possibly with dead-end
/// trees hanging into it ("dangles").
struct Graph::Faces {
    static constexpr uint32_t kMaxFaceVertices = 1024;
    struct Box {
        double minx, miny, maxx, maxy;
    };
    // Sub-edges: edge e is cut into sub-edges sub_off[e] .. sub_off[e+1], in order from
    // its node a; sub-edge j covers [sub_lo[j], sub_hi[j]] metres from node a and runs
    // from vertex sa[j] to vertex sb[j]. Vertices are the graph's nodes, then `cross`.
    std::vector<uint32_t> sub_off{0};
    std::vector<double> sub_lo, sub_hi;
    std::vector<uint32_t> sa, sb;
    std::vector<XY> cross;
    // Half sub-edge 2j runs sa->sb, 2j+1 back. The half-edges leaving vertex v, counter-
    // clockwise by direction: around[hoff[v] .. hoff[v+1]]; pos[h]: h's place there.
    std::vector<uint32_t> hoff, around, pos;
    // Faces: face f is the cycle of half-edges cycle[off[f] .. off[f+1]], counter-clockwise.
    std::vector<uint32_t> off{0};
    std::vector<uint32_t> cycle;
    std::vector<char> convex, dangles;
    std::vector<Box> box;
    std::vector<int32_t> side;   // half sub-edge: face whose cycle it runs on, or -1
    std::vector<int32_t> inner;  // sub-edge: face it dangles into, or -1

    uint32_t tail(uint32_t h) const { return (h & 1) ? sb[h / 2] : sa[h / 2]; }
    uint32_t head(uint32_t h) const { return (h & 1) ? sa[h / 2] : sb[h / 2]; }
    /// The half-edge leaving h's tail just clockwise of h.
    uint32_t clockwise(uint32_t h) const {
        const uint32_t v = tail(h), k = hoff[v + 1] - hoff[v];
        return around[hoff[v] + (pos[h] + k - 1) % k];
    }
    /// The next half-edge of the face on h's left.
    uint32_t next(uint32_t h) const { return clockwise(h ^ 1u); }
};

/// The parts of every face farther than a buffer from its cycle, for one buffer.
struct FaceCores {
    std::vector<uint32_t> off{0};                   // face f: rings ring_off[off[f] .. off[f+1]]
    std::vector<uint32_t> ring_off{0};              // ring r: pts[ring_off[r] .. ring_off[r+1]]
    std::vector<XY> pts;                            // counter-clockwise, first not repeated
    bool has(uint32_t f) const { return off[f + 1] > off[f]; }
};

struct Graph::Index {
    bgi::rtree<RValue, bgi::rstar<16>> tree;
    mutable std::once_flag faces_once;
    mutable std::unique_ptr<const Faces> faces;
    mutable std::mutex cores_mutex;
    mutable std::map<std::pair<double, int>, std::shared_ptr<const FaceCores>> cores;  // by (buffer, quadsegs)
};

}  // namespace lc::net
