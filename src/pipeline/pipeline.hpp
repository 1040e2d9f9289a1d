#pragma once
// The main job: project file -> inputs -> units -> reach -> rules -> output folder.
#include "access/access.hpp"
#include "common/packed.hpp"
#include "outputs/geojson.hpp"
#include "outputs/output_folder.hpp"
#include "outputs/outputs.hpp"
#include "ingest/ingest.hpp"
#include "reach/reach.hpp"
#include "report/report.hpp"
#include "report/report_maps.hpp"
#include "rules/rules.hpp"
#include "project/scenario.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lc {

struct RunOptions {
    std::filesystem::path out = "out";
    std::string format = "geojson";   ///< geojson | gpkg | shp (GeoJSON is written in every format)
    std::string output_crs;           ///< CRS of the gpkg/shp layers ("" = EPSG:4326)
    bool strict = false;
    std::string lang = "zh";
    std::optional<int> as_of;         ///< --as-of: only rules due by then are evaluated
    std::vector<std::filesystem::path> scenario_files;
    std::vector<Scenario> scenarios;  ///< already parsed (batches)
    Progress progress;                ///< may be empty
    Notice notice;                    ///< lines for the user about --out (may be empty)
};

struct RunOutcome {
    int exit_code = 0;   ///< 4: --strict and records rejected, or a scenario's add_facilities all rejected
    long rejected = 0;
    std::vector<std::string> strict_messages;
    std::vector<std::string> warnings;   ///< as in summary.json, loudest first
    json summary;
};

/// Every stage runs on `engine` (the caller's: common/engine.hpp).
RunOutcome run_project(Engine& engine, const std::filesystem::path& project_file, const RunOptions& opt);

struct ValidateOutcome {
    int exit_code = 0;
    std::string report;   ///< human-readable, for stdout
    /// The errors that make `run` stop (exit 3) found after every input was read: a
    /// required layer of which every record would be rejected. For stderr, after the report.
    std::vector<std::string> errors;
};
ValidateOutcome validate_project(Engine& engine, const std::filesystem::path& project_file, bool strict);

/// Loads a project with scenario patches applied; facilities to add/remove are
/// returned in `scenarios` for the caller to apply after reading.
Project load_with_scenarios(const std::filesystem::path& project_file, const std::vector<Scenario>& scenarios);
/// The files a run reads (project, layers, facilities added by the scenarios), which
/// its --out must not hold (output_folder.hpp).
std::vector<std::filesystem::path> input_paths(const Project& p, const std::vector<Scenario>& scenarios = {});
/// What applying the scenarios' facility changes found, per scenario.
struct FacilityChanges {
    /// One message per scenario whose add_facilities were all rejected (each also a
    /// warning of the inputs, first).
    std::vector<std::string> all_rejected;
    std::vector<size_t> offered;  ///< per scenario: the facilities its add_facilities held
    std::vector<char> flagged;    ///< per scenario: its message is in all_rejected
};
/// Applies add/remove of the scenarios to inputs already read; the facilities added are
/// marked with their scenario (Facility::added_by).
FacilityChanges apply_facility_changes(Engine& engine, const Project& p, const std::vector<Scenario>& scenarios, Inputs& in);
/// After the units are assigned (analyse), which rejects facilities far from every
/// unit: each scenario whose additions were read but none is left gets the same message
/// in `changes` (and as a first warning of `in`).
void check_additions_kept(const std::vector<Scenario>& scenarios, Inputs& in, FacilityChanges& changes);

/// Everything computed from the inputs of one run.
struct Analysed {
    ReachResult r;
    Analysis a;
    std::vector<GeomPtr> areas;
    std::vector<Uncovered> unc;
    PackedPolygons packed_areas, packed_unc;  ///< the polygons of areas / unc (network areas, all unc)
    AccessResult access;   ///< 2SFCA per facility type
    StageTimes times;
    GeometryTexts texts;   ///< geometry text formatted beforehand (a batch's), else empty
    const MapPaths* map_paths = nullptr;  ///< map path data made beforehand (a batch's), else null
};

/// How analyse computes reach, compound_support's decisions, access, service areas and
/// uncovered parts.
struct StageFunctions {
    /// Each gets the engine analyse was given.
    /// The reach walks `graph` in network mode (analyse's or the one below).
    std::function<ReachResult(Engine&, const Project&, const Inputs&, const std::vector<std::string>& types,
                              std::shared_ptr<net::Graph> graph)>
        reach;
    /// Network mode: the road graph to walk (a batch's, built once); null: analyse builds
    /// it from the roads before the reach.
    std::shared_ptr<net::Graph> graph;
    SupportFunction support;  ///< read by the rules (evaluate); empty: support_outcomes
    std::function<AccessResult(Engine&, const Project&, const Inputs&, const ReachResult&)> access;
    /// The polygons may go to the packed store instead (common/packed.hpp, as service_areas).
    std::function<std::vector<GeomPtr>(Engine&, const Project&, const Inputs&, const ReachResult&, PackedPolygons*)> service_areas;
    std::function<std::vector<Uncovered>(Engine&, const Project&, const Inputs&, const ReachResult&, const std::vector<GeomPtr>&,
                                         PackedPolygons*)>
        uncovered;
    bool layers = true;  ///< false: reach and rules only (what comparison tables need)
};
/// The stage functions themselves (compute_reach walking `graph`, built from the roads
/// by analyse when null; support_outcomes; compute_access; service_areas;
/// uncovered_areas).
StageFunctions plain_stages(std::shared_ptr<net::Graph> graph = nullptr);

/// Units, reach, rules, access, service areas and uncovered parts (inputs read, scenario
/// applied), each stage by `stages`.
Analysed analyse(Engine& engine, const Project& p, Inputs& in, const Progress& progress, const StageFunctions& stages = plain_stages());
/// Writes every output file into `dir` (no atomic rename); returns summary.json.
json write_output_folder(Engine& engine, const std::filesystem::path& dir, const Project& p, const Inputs& in, Analysed& x,
                         const RunOptions& opt);

}  // namespace lc
