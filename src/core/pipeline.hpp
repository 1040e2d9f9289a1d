#pragma once
// The main job: project file -> inputs -> units -> reach -> rules -> output folder.
#include "core/ingest.hpp"
#include "core/scenario.hpp"

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

}  // namespace lc
