#pragma once
// Walking network for `network` reach mode (SPEC §4): an undirected graph of road
// segments joined where they share a vertex with identical coordinates, points entering
// it at the nearest point of the nearest edge, multi-source shortest walks and the
// reachable part of the network around one facility. Lengths are metres in the working
// (projected) CRS.
//
// All const members are safe to call concurrently from several threads.
#include "common/geos.hpp"
#include "common/model.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lc::net {

struct FaceCores;  // internal.hpp

/** A walkable line part, in input order (feature, then part); metres. */
struct RoadLine {
    std::vector<XY> pts;
};

/** Where a point enters the network. */
struct Snap {
    bool ok = false;    ///< false: farther than max_access_m from any edge (or no edges)
    uint32_t edge = 0;  ///< edge index (non-zero-length segments in input order: line, then vertex)
    double t = 0;       ///< distance along the edge from its first node, metres
    double access = 0;  ///< straight access leg, metres
    XY on;              ///< the entry point on the edge
};

struct GraphStats {
    size_t nodes = 0, edges = 0, components = 0;
    double largest_component_length_share = 0;  ///< of the component with the most length; 0 if no edges
    double total_length_m = 0;
};

/// Buffer segments per quarter circle used by service_area: 3 keeps the polygon within
/// b·(1 − cos(π/12)) ≈ 0.034·b of the true buffer, plenty for a map layer.
constexpr int kServiceAreaQuadSegs = 3;

/** One edge: a straight non-zero-length segment from node `a` to node `b` (input direction). */
struct Edge {
    uint32_t a = 0, b = 0;
    double len = 0;
};

class Graph {
public:
    /// Lines join where they share a vertex with identical coordinates (exact equality;
    /// -0 equals +0). Zero-length segments and segments with non-finite coordinates are
    /// skipped. Crossing lines without a shared vertex do not connect.
    static Graph build(const std::vector<RoadLine>& lines);

    GraphStats stats() const;

    /// Nearest point of the nearest edge for each point. Edges whose distances differ by
    /// at most kTieTolerance metres count as equally near; the lowest edge index wins.
    std::vector<Snap> snap(const std::vector<XY>& pts, double max_access_m) const;

    /// Multi-source shortest walk: for every target the shortest
    /// access(source) + network + access(target) over all sources, and which source
    /// (index into `sources`). Equally near sources -> the lowest index. Unreachable
    /// targets (or ok=false) -> +inf and -1; sources with ok=false are ignored.
    /// Sums are evaluated along the walk, from the source's access leg onwards.
    void nearest(const std::vector<Snap>& sources, const std::vector<Snap>& targets, std::vector<double>& dist,
                 std::vector<int>& who) const;

    /// Every part of the network within `budget` metres of walking from `source`
    /// (the budget includes the source's access leg), partial edges cut at the exact
    /// remaining distance, as polylines in the graph's CRS. Pieces are chained through
    /// nodes (straightest continuation first) so the polylines are long. The first
    /// polyline is the access leg (source_point -> entry point, cut if longer than the
    /// budget; two equal points when the source lies on the network). Empty if the
    /// source is not snapped or budget < 0.
    std::vector<std::vector<XY>> reachable_lines(const XY& source_point, const Snap& source, double budget) const;

    /// Total length of the network part of reachable_lines (without the access leg).
    double reachable_length(const Snap& source, double budget) const;

    /// The same polygon as net::service_area(h, reachable_lines(...), buffer_m, quadsegs)
    /// up to how arcs are cut into chords, several times faster: faces of the network
    /// (blocks) whose whole boundary is reachable are filled as polygons and get their
    /// uncovered core (the block shrunk by buffer_m) back as a hole, so only their outline
    /// plus the pieces at the rim of the reach are buffered. Blocks are faces of the roads
    /// as drawn: a road crossing another without a shared vertex splits the blocks it
    /// crosses (though nobody can turn there); blocks bounded by roads that overlap along
    /// a stretch are left to the plain buffer.
    GeomPtr service_area(GEOSContextHandle_t h, const XY& source_point, const Snap& source, double budget,
                         double buffer_m, int quadsegs = kServiceAreaQuadSegs) const;

    /** A reachable part of an edge: [lo, hi] metres from its node a. */
    struct Piece {
        uint32_t edge;
        double lo, hi;
    };
    /// Every part of the network within `budget` of any of the sources (one
    /// multi-source search), merged per edge.
    std::vector<Piece> reachable_pieces_multi(const std::vector<Snap>& sources, double budget) const;
    /// The union of `buffer_m` buffers around the pieces and lines, built like
    /// service_area (filled blocks, buffered rim). `source_points` are where the lines'
    /// sources stand: a block holding one is not given back its core. For the union of
    /// several service areas over a box, pass the pieces and access legs near the box:
    /// one search and one polygon instead of a union of many.
    GeomPtr area_of_pieces(GEOSContextHandle_t h, std::vector<Piece> pieces, std::vector<std::vector<XY>> lines,
                           const std::vector<XY>& source_points, double buffer_m,
                           int quadsegs = kServiceAreaQuadSegs) const;
    /// The part of `unit` (a polygon or multipolygon) outside area_of_pieces(...): pass
    /// every piece and line within buffer_m of the unit.
    GeomPtr uncovered_part(GEOSContextHandle_t h, const GEOSGeometry* unit, std::vector<Piece> pieces,
                           std::vector<std::vector<XY>> lines, const std::vector<XY>& source_points, double buffer_m,
                           int quadsegs = kServiceAreaQuadSegs) const;
    /// The straight access leg from a point to where it enters, cut at `budget`.
    std::vector<XY> access_leg(const XY& source_point, const Snap& source, double budget) const;

    /// Builds the face structure used by service_area, and the faces' cores for this
    /// buffer, now rather than on first use (they are built once, thread-safely, either way).
    void prepare_faces() const;
    void prepare_cores(double buffer_m, int quadsegs = kServiceAreaQuadSegs) const { (void)cores(buffer_m, quadsegs); }

    /// The edges whose bounding boxes meet the box, in no particular order.
    void edges_in_box(double minx, double miny, double maxx, double maxy, std::vector<uint32_t>& out) const;

    size_t node_count() const { return xy_.size(); }
    size_t edge_count() const { return edges_.size(); }
    const Edge& edge(uint32_t e) const { return edges_[e]; }
    const XY& node(uint32_t n) const { return xy_[n]; }

    /// Snapping distances within this many metres of each other are a tie.
    static constexpr double kTieTolerance = 1e-9;

private:
    struct Index;  // R-tree over edges (Boost.Geometry) and the lazily built faces
    struct Adj {
        uint32_t to, edge;
        double w;
    };
    struct Faces;
    const Faces& faces() const;
    const FaceCores& cores(double buffer_m, int quadsegs) const;
    XY face_vertex(uint32_t v) const;
    void face_ring(uint32_t face, std::vector<XY>& out) const;
    void fill_parts(std::vector<Piece> pieces, const std::vector<XY>& source_points, double buffer_m, int quadsegs,
                    std::vector<std::vector<XY>>& rings, std::vector<std::vector<XY>>& lines,
                    std::vector<std::vector<XY>>& core_rings) const;
    template <class S, class Seed>
    void walk_within(S& scratch, double budget, Seed&& seed) const;
    template <class Emit>
    void reachable_intervals(const Snap& source, double budget, Emit&& emit) const;
    std::vector<Piece> reachable_pieces(const Snap& source, double budget) const;
    void chain(const std::vector<Piece>& pieces, std::vector<std::vector<XY>>& out) const;

    std::vector<XY> xy_;           // node coordinates
    std::vector<Edge> edges_;
    std::vector<uint32_t> off_;    // CSR offsets into adj_, size nodes+1
    std::vector<Adj> adj_;
    std::shared_ptr<const Index> index_;
};

/// The service-area polygon: union of `buffer_m` buffers (round caps and joins,
/// `quadsegs` chords per quarter circle) around the lines. Always polygonal (an empty
/// polygon when there are no lines); coordinates on a 0.1 mm grid.
GeomPtr service_area(GEOSContextHandle_t h, const std::vector<std::vector<XY>>& lines, double buffer_m,
                     int quadsegs = kServiceAreaQuadSegs);

/// The part of `unit` (a polygon or multipolygon) outside every one of `covers`
/// (polygonal; null or empty ones ignored), in one exact pass of Clipper on the 0.1 mm
/// grid with no union of the covers first; rings narrower than 1 cm are cleaned, as in
/// service_area. The unit itself (a copy) when there is nothing to cut.
GeomPtr polygon_minus(GEOSContextHandle_t h, const GEOSGeometry* unit, const std::vector<const GEOSGeometry*>& covers);

}  // namespace lc::net
