#pragma once
// The comparison tables of a batch (SPEC 7): every rule indicator per scenario and its
// change against the base, and for reach rules the compounds that become reached or
// stop being reached, by street. Built from plain records, so that the shards of one
// batch, joined by `lifecircle merge`, give the very bytes of the unsharded batch.
#include "batch/batch.hpp"
#include "ingest/ingest.hpp"
#include "pipeline/pipeline.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lc {

struct RuleFigure {
    std::string id;
    std::optional<double> value;
    std::optional<bool> pass;
    double target = 1;
};

/// The compounds of a run as the comparison reads them: ids, street ids, id order.
/// Scenarios that share the base's compounds share this list.
struct CompoundList {
    std::vector<std::string> id, street;
    std::vector<int> by_id;  ///< indices in id order
};

/// What a comparison needs of one finished run.
struct RunFigures {
    std::vector<RuleFigure> rules;
    std::shared_ptr<const CompoundList> compounds;
    std::map<std::string, std::vector<char>> reached;  ///< reach rule -> per compound (as listed): reached
};

/// `like`: the base's compound list, shared when this run has the same compounds.
RunFigures run_figures(const Inputs& in, const Analysed& x, const std::shared_ptr<const CompoundList>& like);

/// One rule of one scenario against the base.
struct RuleChange {
    RuleFigure figure;
    bool reach = false;  ///< a reach rule: the counts and streets below are set
    long newly_reached = 0, no_longer_reached = 0;
    struct Street {
        std::string id;  ///< "" for compounds in no street
        std::vector<std::string> newly_reached, no_longer_reached;  ///< compound ids, id order
    };
    std::vector<Street> streets;  ///< street id order, only streets with a change
};

struct ScenarioComparison {
    std::string id;
    bool ok = false;
    int exit_code = 0;
    std::string error;
    std::vector<RuleChange> rules;
    /// add_facilities given but none usable: why (its figures are the base's; status
    /// additions_rejected, exit 4).
    std::string additions_rejected = {};
};

/// Adds a scenario's status to `o`; the batch's exit status is that of the first
/// scenario that failed (2 or 3) or added nothing it meant to (4).
void record_status(BatchOutcome& o, const ScenarioComparison& sc);

ScenarioComparison compare_runs(const std::string& id, const RunFigures& scenario, const RunFigures& base);

struct Comparison {
    std::string base;  ///< the base project file
    std::vector<RuleFigure> base_rules;
    std::vector<ScenarioComparison> scenarios;
};

/// comparison.json, comparison.csv and comparison_streets.csv.
struct ComparisonFiles {
    std::string json, csv, streets_csv;
};
ComparisonFiles comparison_files(const Comparison& c);
/// Writes them into `dir`.
void write_comparison(const std::filesystem::path& dir, const Comparison& c);

/// The comparison with its figures exact (a shard's record, for merge).
json comparison_record(const Comparison& c);
/// Reads comparison_record's output; throws InputError naming `where` when it is not one.
Comparison comparison_from_record(const json& j, const std::string& where);

}  // namespace lc
