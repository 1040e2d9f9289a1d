#pragma once
// Rule evaluation (SPEC 5) and the per-unit roll-up of counts and reach shares.
#include "ingest/ingest.hpp"
#include "project/project.hpp"
#include "reach/reach.hpp"

#include <array>
#include <limits>
#include <optional>
#include <vector>

namespace lc {

constexpr int kWeights = 4;  ///< compounds, households, population, elderly
inline const char* weight_name(int w) {
    static const char* n[] = {"compounds", "households", "population", "elderly"};
    return n[w];
}
int weight_index(const std::string& w);

/// Counts and sums of one unit (or the whole area).
struct UnitStats {
    long compounds = 0;
    std::array<std::optional<double>, kWeights> total;   ///< sum of known weights (compounds: count)
    std::array<long, kWeights> unknown{0, 0, 0, 0};       ///< compounds whose weight is unknown
    std::vector<long> n_type;                             ///< facilities per analysis type
    /// [type][weight] reached share; null when the unit has no compound with a known weight.
    std::vector<std::array<std::optional<double>, kWeights>> reach_share;
};

struct UnitRuleValue {
    std::optional<double> value;
    std::optional<bool> pass;
};

struct RuleResult {
    const Rule* rule = nullptr;
    std::optional<double> value;
    double target = 1;
    std::optional<bool> pass;
    std::string note;                                     ///< why a figure is null, etc.
    int report_level = kStreet;                           ///< level whose failing units are listed (-1: area)
    std::vector<std::string> units_failing;
    std::array<std::vector<UnitRuleValue>, kLevels> per_unit;  ///< empty where not evaluated
    json details = json::object();
};

struct Gap {
    int compound = -1;
    std::string rule_id, reason, detail;
    int nearest = -1;            ///< facility index
    double nearest_dist = std::numeric_limits<double>::infinity();
};

struct Analysis {
    std::array<std::vector<UnitStats>, kLevels> units;
    UnitStats area;
    std::vector<RuleResult> rules;
    std::vector<Gap> gaps;
};

/// Does a facility satisfy a `where` filter? Missing attributes never match.
bool facility_matches(const Facility& f, const json& where);

/// What compound_support decided for one compound.
struct SupportOutcome {
    enum State : char { Outside, UnknownYear, Compliant, Gap };
    State state = Outside;  ///< Outside: not in the rule's year range
    std::string reason, detail;
};

Analysis evaluate(const Project& p, const Inputs& in, const ReachResult& r);

}  // namespace lc
