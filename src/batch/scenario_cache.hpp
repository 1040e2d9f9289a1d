#pragma once
// What the scenarios of a batch reuse of its base (SPEC 7): one typed cache, filled from
// the base's results before the scenarios start and only read afterwards (so scenarios
// may read it side by side, without locks).
//
// Each entry is keyed by the typed inputs the stage read for it (the sites of a facility
// type with their ids and positions, reach, mode, buffer, supply figures, a
// compound_support rule's parameters and sites...), compared and hashed as values
// (value_key.hpp). A scenario takes an entry whose key is equal; where only some
// facilities differ it starts from the base's entry through the stage's own pure update
// function (update_radius_reach, update_uncovered_areas, update_support_outcomes), which
// gives exactly what a full computation gives. The stages themselves know nothing of
// this: the cache calls them on plain inputs.
//
// The compounds, units, gates and roads are not part of the keys: the cache serves only
// scenarios whose inputs are the base's (batch.cpp same_inputs), with the base's
// geometries borrowed (clone_inputs(raw, true)).
#include "access/access.hpp"
#include "batch/value_key.hpp"
#include "common/packed.hpp"
#include "pipeline/pipeline.hpp"
#include "reach/reach.hpp"
#include "report/report_maps.hpp"
#include "rules/rules.hpp"

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lc {

inline auto fields(const XY& p) { return std::tie(p.x, p.y); }
inline auto fields(const ReachSite& s) { return std::tie(s.id, s.pt); }

/// What the distances to one facility type read besides compounds and roads.
struct DistanceKey {
    std::string mode, type;
    double max_access_m = 0;  ///< network mode: how far a point may be from the roads
};
inline auto fields(const DistanceKey& k) { return std::tie(k.mode, k.type, k.max_access_m); }

/// What the service area of one facility reads: its place and the access settings.
struct AreaKey {
    std::string mode;
    XY pt;
    double reach_m = 0, buffer_m = 0, max_access_m = 0;
};
inline auto fields(const AreaKey& k) { return std::tie(k.mode, k.pt, k.reach_m, k.buffer_m, k.max_access_m); }

/// What the uncovered parts of one type read besides the units and its sites.
struct UncoveredKey {
    std::string mode, type;
    double reach_m = 0, buffer_m = 0, max_access_m = 0;
};
inline auto fields(const UncoveredKey& k) { return std::tie(k.mode, k.type, k.reach_m, k.buffer_m, k.max_access_m); }

/// What compound_support reads besides compounds and the rule's facilities (its sites):
/// the rule's own parameters. The types and `where` choose the sites.
struct SupportKey {
    std::vector<std::string> types;
    std::string where;  ///< as JSON text
    double within_m = 0, point_support_m = 0;
    std::optional<int> since_year, before_year;
    std::optional<double> min_area_per_100_households, min_single_area;
};
inline auto fields(const SupportKey& k) {
    return std::tie(k.types, k.where, k.within_m, k.point_support_m, k.since_year, k.before_year, k.min_area_per_100_households,
                    k.min_single_area);
}

/// A facility as an access layer reads it (in input order: sums follow it).
struct AccessSite {
    std::string type;
    XY pt;
    std::optional<double> beds, floor_area;
};
inline auto fields(const AccessSite& s) { return std::tie(s.type, s.pt, s.beds, s.floor_area); }

/// What one access layer (2SFCA) reads besides compounds, units and roads.
struct AccessKey {
    std::string mode, supply;
    int decay = 0;
    double max_access_m = 0;
    std::vector<std::string> pool;
    std::vector<double> reach_m;  ///< per type of the pool
    std::vector<AccessSite> sites;
};
inline auto fields(const AccessKey& k) { return std::tie(k.mode, k.supply, k.decay, k.max_access_m, k.pool, k.reach_m, k.sites); }

class ScenarioCache {
public:
    /// What the scenarios write again and again, formatted once: the GeoJSON text of
    /// units, compounds, service areas and uncovered parts; the maps' path data.
    struct Formatted {
        bool geojson = false, map_paths = false;
    };
    /// Keeps what the base computed (`x` from analyse on `in`, the inputs the scenarios
    /// share, geometries borrowed from the batch's inputs) and formats `what`. The
    /// cache's own geometries belong to engine.main() (the base's engine), which must
    /// outlive it; scenarios on other engines only read them.
    ScenarioCache(Engine& engine, const Project& p, const Inputs& in, const Analysed& x, Formatted what);
    ScenarioCache(const ScenarioCache&) = delete;
    ScenarioCache& operator=(const ScenarioCache&) = delete;

    /// The stages of analyse for a scenario over the base's inputs: results taken from
    /// the base where their key is equal or updated from it, computed otherwise
    /// (compound_support's decisions among them).
    /// `layers` false: reach and rules only (a comparison sweep needs no more). With
    /// `texts`, each service area and uncovered part taken from the base gets its
    /// GeoJSON text there (for the writer; the vectors are sized by the stages). The
    /// stages run on the engine analyse gives them (a batch job's own).
    StageFunctions stages(bool layers, GeometryTexts* texts = nullptr) const;

    /// The GeoJSON text of the units and compounds of `in` (those that are the base's).
    GeometryTexts input_texts(const Inputs& in) const;
    /// The same plus the base's service areas and uncovered parts, for the base's own
    /// output (`x`: the analysis the cache was made from).
    GeometryTexts base_texts(const Project& p, const Inputs& in, const Analysed& x) const;
    /// The maps' path data of the base's units and compounds (null unless formatted).
    const MapPaths* map_paths() const { return paths_ ? &*paths_ : nullptr; }

private:
    ReachResult reach(Engine& engine, const Project& p, const Inputs& in, const std::vector<std::string>& types) const;
    SupportResult support(Engine& engine, const Project& p, const Inputs& in, const Rule& rule) const;
    AccessResult access(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r) const;
    std::vector<GeomPtr> areas(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r, PackedPolygons* packed,
                               GeometryTexts* texts) const;
    std::vector<Uncovered> uncovered(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                                     const std::vector<GeomPtr>& areas, PackedPolygons* packed, GeometryTexts* texts) const;

    struct Distances {
        std::vector<ReachSite> sites;
        TypeReach reach;
    };
    struct Area {
        GeomPtr geom;      ///< radius disc, or null: item `packed` of area_store_
        size_t packed = 0;
        GeometryText text;
    };
    struct Parts {
        std::vector<ReachSite> sites;
        std::vector<Uncovered> parts;     ///< one per unit of the uncovered level, geometries in `packed`
        PackedPolygons packed;
        std::vector<GeometryText> text;   ///< per part
    };

    struct Support {
        std::vector<SupportSite> sites;
        SupportResult result;  ///< nearest: indices into `sites`
    };

    std::shared_ptr<net::Graph> graph_;  ///< network mode: the road graph, built once
    keys::Map<DistanceKey, Distances> distances_;
    keys::Map<AreaKey, Area> areas_;
    PackedPolygons area_store_;          ///< network service areas
    keys::Map<UncoveredKey, Parts> uncovered_;
    keys::Map<AccessKey, AccessLayer> access_;
    keys::Map<SupportKey, Support> support_;
    bool texts_ = false;
    std::array<std::vector<const GEOSGeometry*>, kLevels> unit_geom_;  ///< what unit_text_ was made from
    std::array<std::vector<GeometryText>, kLevels> unit_text_;
    std::vector<const GEOSGeometry*> compound_geom_;
    std::vector<GeometryText> compound_text_;
    std::optional<MapPaths> paths_;
    std::map<std::string, FeatureTexts> features_;  ///< the base's features' properties, by layer
};

}  // namespace lc
