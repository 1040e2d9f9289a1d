#pragma once
// The "15-minute circle" (SPEC 4): distances from compounds to the nearest facility
// of each type, by straight radius or along the road network, and service areas.
#include "ingest/ingest.hpp"
#include "network/network.hpp"
#include "project/project.hpp"

#include <map>
#include <unordered_map>
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

struct Uncovered;
struct AccessLayer;
struct SupportBase;
struct CatchmentRow;

/// What a batch shares between scenarios over the same compounds and roads: the road
/// graph, and the results for facility types, facilities and units whose inputs did
/// not change. Filled by the base run, then only read (safe for parallel scenarios).
struct ReachCache {
    struct TypeResult {
        std::vector<double> dist;
        std::vector<int> nearest;      ///< [compound] index into `ids`, -1: none
        std::vector<std::string> ids;  ///< the facilities named in `nearest`
    };
    /// Radius mode: a type's distances with the facilities they came from, for
    /// scenarios that add or remove a few facilities of it (key: radius_base_key).
    struct TypeBase {
        std::vector<std::string> facilities;  ///< "id@x,y", id order
        std::vector<double> dist;             ///< [compound]
        std::vector<int> nearest;             ///< [compound] position in `facilities`, -1: none
    };
    std::unordered_map<std::string, TypeBase> radius_base;
    std::shared_ptr<net::Graph> graph;
    // Hashed: the keys are long and share long prefixes, which ordered maps compare
    // over and over.
    std::unordered_map<std::string, TypeResult> by_type;          ///< key: type + its facilities' ids and positions
    std::unordered_map<std::string, GeomPtr> areas;               ///< key: facility, position, reach and mode
    std::unordered_map<std::string, std::pair<GeomPtr, double>> uncovered;  ///< key: Uncovered::key
    std::unordered_map<std::string, std::shared_ptr<const AccessLayer>> access;  ///< key: access.cpp layer_key
    std::unordered_map<std::string, std::shared_ptr<const SupportBase>> support; ///< key: rules.cpp support_key
    std::unordered_map<std::string, std::shared_ptr<const CatchmentRow>> catchments;  ///< key: access.cpp row_key
};

/// Keys that identify results across scenarios over the same inputs.
std::string type_signature(const Project& p, const Inputs& in, const std::string& type);
std::string area_signature(const Project& p, const Facility& f, double reach_m);
std::string radius_base_key(const Project& p, const std::string& type);

/// `use`: results to reuse where the signature matches; `fill`: where to store results.
ReachResult compute_reach(const Project& p, const Inputs& in, const std::vector<std::string>& types,
                          const ReachCache* use = nullptr, ReachCache* fill = nullptr);

/// One service area per facility (radius disc or network service area), working CRS.
/// Geometries may belong to worker GEOS contexts (see parallel.hpp). With `packed`, the
/// network service areas go there instead (the returned geometries are null).
std::vector<GeomPtr> service_areas(const Project& p, const Inputs& in, const ReachResult& r,
                                   const ReachCache* use = nullptr, ReachCache* fill = nullptr,
                                   PackedPolygons* packed = nullptr);

struct Uncovered {
    int unit;            ///< index in the street level (or the level used)
    int level;
    std::string type;
    GeomPtr geom;        ///< may be empty
    double area_m2 = 0, share = 0;
    std::string key;     ///< the unit, type, reach and every service area near it
};
/// Per street/township (else the coarsest level present) and type: the unit minus the
/// union of the service areas of that type.
/// With `packed`, the geometries go there instead (Uncovered::geom stays null).
std::vector<Uncovered> uncovered_areas(const Project& p, const Inputs& in, const ReachResult& r,
                                      const std::vector<GeomPtr>& areas, const ReachCache* use = nullptr,
                                      ReachCache* fill = nullptr, PackedPolygons* packed = nullptr);

}  // namespace lc
