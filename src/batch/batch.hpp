#pragma once
// Scenario batches (SPEC 7): every scenario's output (or only the comparison tables),
// with inputs read, indexed and the road graph built once; shards of one batch run
// apart and joined by merge_shards.
#include "common/engine.hpp"
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
    /// full: base/ and one output folder per scenario; comparison: only the comparison
    /// tables (and error.txt of the scenarios that failed), for sweeps of hundreds.
    std::string outputs = "full";
    /// --shard K/N: runs scenarios K, K+N, K+2N... (1-based) and writes shard.json for
    /// merge_shards. 0: not sharded.
    int shard = 0, shards = 0;
    /// Scenario files whose bytes equal the base's become hard links to them (opt-in).
    bool link_unchanged = false;
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

/// The base is read and analysed on `engine`. With opt.jobs > 1 each job thread makes
/// its own Engine with its share of engine.threads() (at least 1), so that no two
/// threads share a GEOS context; the outputs do not depend on jobs or threads.
BatchOutcome run_batch(Engine& engine, const std::filesystem::path& batch_file, const BatchOptions& opt);

/// `lifecircle merge`: joins the folders written by the shards of one batch into the
/// output of the whole batch in `out` (comparison tables byte for byte those of the
/// unsharded batch; scenario folders copied). Every shard 1..N must be given once.
BatchOutcome merge_shards(const std::vector<std::filesystem::path>& dirs, const std::filesystem::path& out,
                          const Notice& notice = {});

}  // namespace lc
