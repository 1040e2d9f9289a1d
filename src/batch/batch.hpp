#pragma once
// Scenario batches (SPEC 7): every scenario's full output, plus comparison tables
// against the base, with inputs read, indexed and the road graph built once.
#include "ingest/ingest.hpp"
#include "outputs/output_folder.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace lc {

struct BatchOptions {
    std::filesystem::path out = "out";
    int jobs = 1;
    std::string format = "geojson";
    std::string lang = "zh";
    Progress progress;
    Notice notice;  ///< lines for the user about --out (may be empty)
};

struct ScenarioStatus {
    std::string id;
    bool ok = false;
    int exit_code = 0;
    std::string error;
};

struct BatchOutcome {
    int exit_code = 0;   ///< 0 when every scenario ran; else the exit status of the first that failed
    std::vector<ScenarioStatus> scenarios;
};

BatchOutcome run_batch(const std::filesystem::path& batch_file, const BatchOptions& opt);

}  // namespace lc
