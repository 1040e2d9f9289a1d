#pragma once
// The "15-minute circle" (SPEC 4): distances from compounds to the nearest facility
// of each type, by straight radius or along the road network, and service areas.
#include "ingest/ingest.hpp"
#include "network/network.hpp"
#include "project/project.hpp"

#include <map>
#include <memory>
#include <vector>

namespace lc {

class PackedPolygons;  // common/packed.hpp


struct NetworkInfo {
    size_t nodes = 0, edges = 0, components = 0;
    double largest_component_length_share = 0, total_length_m = 0;
    long unsnapped_compounds = 0, unsnapped_facilities = 0;
    std::vector<std::string> unsnapped_compound_ids, unsnapped_facility_ids;
};

struct ReachResult {
    std::string mode;
    std::vector<std::string> types;              ///< facility types analysed, canonical order
    std::vector<double> reach_m;                 ///< per type
    std::vector<std::vector<double>> dist;       ///< [type][compound], +inf: none reachable
    std::vector<std::vector<int>> nearest;       ///< [type][compound] facility index or -1
    std::vector<std::vector<char>> reached;      ///< [type][compound]
    std::vector<char> unreachable;               ///< [compound] cannot enter the network
    std::vector<char> facility_unreachable;      ///< [facility] cannot enter the network
    NetworkInfo network;
    std::shared_ptr<net::Graph> graph;           ///< network mode: kept for service areas
    std::vector<net::Snap> facility_snaps;       ///< network mode: where each facility enters it
    double seconds_graph = 0, seconds_paths = 0;
};

/// Facility types to analyse: those present among facilities plus those the rules name.
std::vector<std::string> analysis_types(const Inputs& in, const Project& p);

/// Facility indices of one type, in id order (ties go to the smallest id).
std::vector<int> facilities_of(const Inputs& in, const std::string& type);
/// The largest reach distance of any facility type present (or the default).
double largest_reach_m(const Project& p, const Inputs& in);

/// A facility as radius reach reads it.
struct ReachSite {
    std::string id;
    XY pt;
    bool operator==(const ReachSite& o) const { return id == o.id && pt.x == o.pt.x && pt.y == o.pt.y; }
};
/// The facilities of one type as sites, in id order (facilities_of).
std::vector<ReachSite> reach_sites(const Inputs& in, const std::string& type);

/// Radius distances for one facility type: per compound, the straight distance to the
/// nearest site and that site's position in the sites (-1 and +inf: there are none).
struct TypeReach {
    std::vector<double> dist;
    std::vector<int> nearest;
};
TypeReach radius_type_reach(const Engine& engine, const std::vector<Compound>& compounds, const std::vector<ReachSite>& sites);
/// The same result from `base`, the reach of `base_sites`, when a few sites were added
/// or removed (a site that moved is one of each): a compound keeps its nearest site
/// unless an added one is nearer (ties to the smaller id), and only compounds whose
/// nearest site is gone are searched again. Equal to radius_type_reach(compounds, sites).
TypeReach update_radius_reach(const std::vector<Compound>& compounds, const std::vector<ReachSite>& base_sites,
                              const TypeReach& base, const std::vector<ReachSite>& sites);

/// The road graph of `in.roads` (network mode).
std::shared_ptr<net::Graph> build_road_graph(const Inputs& in);

/// Distances from every compound to the nearest facility of each type. Network mode
/// walks `graph` (built from the roads when null: a batch builds it once).
ReachResult compute_reach(Engine& engine, const Project& p, const Inputs& in, const std::vector<std::string>& types,
                          std::shared_ptr<net::Graph> graph = nullptr);

/// One service area per facility (radius disc or network service area), working CRS.
/// Geometries may belong to any of the engine's GEOS contexts. With `packed`, the
/// network service areas go there instead (the returned geometries are null).
std::vector<GeomPtr> service_areas(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                                   PackedPolygons* packed = nullptr);

struct Uncovered {
    int unit;            ///< index in the street level (or the level used)
    int level;
    std::string type;
    GeomPtr geom;        ///< may be empty
    double area_m2 = 0, share = 0;
};
/// Per street/township (else the coarsest level present) and type: the unit minus the
/// union of the service areas of that type, in unit order, then type order. A unit's
/// part depends only on the unit and the service areas near it.
/// With `packed`, the geometries go there instead (Uncovered::geom stays null).
std::vector<Uncovered> uncovered_areas(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                                      const std::vector<GeomPtr>& areas, PackedPolygons* packed = nullptr);
/// The same result from `base`, the parts of the same units and types (same reach and
/// buffer) for facilities that differ only by those added or removed at `changed`:
/// units farther than reach + buffer from every change keep base's part, the others are
/// computed again (marked 1 per unit in `again`, when given). Base's geometries are in
/// `base_packed` when given (copied into `packed`), else in `base` (borrowed: `base` must
/// outlive the result).
std::vector<Uncovered> update_uncovered_areas(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                                              const std::vector<GeomPtr>& areas, const std::vector<Uncovered>& base,
                                              const PackedPolygons* base_packed, const std::vector<XY>& changed,
                                              PackedPolygons* packed = nullptr, std::vector<char>* again = nullptr);

}  // namespace lc
