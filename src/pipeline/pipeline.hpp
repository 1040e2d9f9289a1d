#pragma once
// The main job: project file -> inputs -> units -> reach -> rules -> output folder.
#include "access/access.hpp"
#include "common/packed.hpp"
#include "outputs/base_output.hpp"
#include "outputs/geojson.hpp"
#include "ingest/ingest.hpp"
#include "reach/reach.hpp"
#include "report/report.hpp"
#include "rules/rules.hpp"
#include "project/scenario.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace lc {

struct RunOptions {
    std::filesystem::path out = "out";
    std::string format = "geojson";   ///< geojson | gpkg
    bool strict = false;
    std::string lang = "zh";
    std::vector<std::filesystem::path> scenario_files;
    std::vector<Scenario> scenarios;  ///< already parsed (batches)
    Progress progress;                ///< may be empty
};

struct RunOutcome {
    int exit_code = 0;
    long rejected = 0;
    std::vector<std::string> strict_messages;
    json summary;
};

RunOutcome run_project(const std::filesystem::path& project_file, const RunOptions& opt);

struct ValidateOutcome {
    int exit_code = 0;
    std::string report;   ///< human-readable, for stdout
};
ValidateOutcome validate_project(const std::filesystem::path& project_file, bool strict);

/// Loads a project with scenario patches applied; facilities to add/remove are
/// returned in `scenarios` for the caller to apply after reading.
Project load_with_scenarios(const std::filesystem::path& project_file, const std::vector<Scenario>& scenarios);
/// Applies add/remove of the scenarios to inputs already read.
void apply_facility_changes(const Project& p, const std::vector<Scenario>& scenarios, Inputs& in);

/// Everything computed from the inputs of one run.
struct Analysed {
    ReachResult r;
    Analysis a;
    std::vector<GeomPtr> areas;
    std::vector<Uncovered> unc;
    PackedPolygons packed_areas, packed_unc;  ///< single runs: the polygons of areas / unc
    AccessResult access;   ///< 2SFCA per facility type
    StageTimes times;
};
/// Units, reach, rules, service areas and uncovered parts (inputs read, scenario applied).
Analysed analyse(const Project& p, Inputs& in, const ReachCache* use, ReachCache* fill, const Progress& progress);
/// Writes every output file into `dir` (no atomic rename); returns summary.json. In a
/// batch the base run fills `reuse.fill` and the scenarios reuse it (base_output.hpp).
json write_output_folder(const std::filesystem::path& dir, const Project& p, const Inputs& in, Analysed& x,
                         const RunOptions& opt, const Reuse& reuse = {});

}  // namespace lc
