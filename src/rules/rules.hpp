#pragma once
// Rule evaluation (SPEC 5) and the per-unit roll-up of counts and reach shares.
#include "ingest/ingest.hpp"
#include "project/project.hpp"
#include "reach/reach.hpp"

#include <array>
#include <functional>
#include <limits>
#include <memory>
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
    /// [type][band] share of the unit's elderly within the band's walk (access.bands) of
    /// the nearest facility of the type; null when no compound's elderly is known.
    std::vector<std::vector<std::optional<double>>> band_share;
    /// "一小": Σ places (托位) of the unit's childcare centres and of the inclusive (普惠)
    /// ones; null when no centre's places are known. Centres without places are counted.
    std::optional<double> childcare_places, childcare_inclusive_places;
    long childcare_centres = 0, childcare_places_unknown = 0;
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
    std::string note;                                     ///< why a figure is null, etc. (summary.json, stderr)
    std::string note_zh;                                  ///< the same in Chinese, for the Chinese report
    int report_level = kStreet;                           ///< level whose failing units are listed (-1: area)
    std::vector<std::string> units_failing;
    std::array<std::vector<UnitRuleValue>, kLevels> per_unit;  ///< empty where not evaluated
    json details = json::object();
    bool not_yet_due = false;                             ///< --as-of before the rule's `due`: not evaluated
    bool evaluated = true;                                ///< false: the data cannot answer it (note says why)
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
    std::vector<double> bands;                            ///< minutes of the life-circle bands
    /// The band map and table: the home-care types present (profiles.md HOME), each
    /// compound's band of its nearest one (bands.size(): beyond every band, -1: none
    /// reachable), and the area's elderly share within each band.
    std::vector<std::string> home_types;
    std::vector<int> home_band;
    std::vector<std::optional<double>> home_band_share;
    /// Figures that are no plan target but every report shows (the 15-minute reach of
    /// the elderly by home-care facilities): results of rules the Analysis owns.
    std::vector<std::unique_ptr<Rule>> figure_rules;
    std::vector<RuleResult> figures;
    std::vector<Gap> figure_gaps;                         ///< compounds the figures find unreached (not in gaps.geojson)
};

/// Does a facility satisfy a `where` filter? Missing attributes never match.
bool facility_matches(const Facility& f, const json& where);

/// What compound_support decided for one compound.
struct SupportOutcome {
    /// Outside: not in the rule's year range. UnknownYear, UnknownHouseholds: what the
    /// decision needs is unknown; listed with the gaps, left out of the share.
    enum State : char { Outside, UnknownYear, Compliant, Gap, UnknownHouseholds };
    State state = Outside;
    std::string reason, detail;
};

/// What compound_support decided for every compound of a rule (in.compounds order), and
/// for each compound not compliant the nearest of the rule's facilities: its index (-1:
/// the rule has none) and distance.
struct SupportResult {
    std::vector<SupportOutcome> outcome;
    std::vector<std::pair<int, double>> nearest;
};

/// A facility as compound_support reads it.
struct SupportSite {
    std::string id;
    XY pt;
    std::optional<double> floor_area;
};

/// The facilities compound_support reads for `rule` (its types and `where`): indices
/// into in.facilities, in input order.
std::vector<int> support_facilities(const Inputs& in, const Rule& rule);
std::vector<SupportSite> support_sites(const Inputs& in, const std::vector<int>& fac);

/// compound_support's decisions for `rule` over the compounds and facilities of `in`
/// (the rule's parameters and access.point_support_m; compound units are not read).
SupportResult support_outcomes(Engine& engine, const Project& p, const Inputs& in, const Rule& rule);

/// The same from `base`: support_outcomes for `rule` over the same compounds and settings
/// with the rule's facilities `before` (base.nearest indexing `before`). Only compounds
/// near a facility added, removed, moved or changed are decided again, and the nearest
/// facility looked up again only where it may have changed; the result is what
/// support_outcomes gives (nearest indexing in.facilities).
SupportResult update_support_outcomes(Engine& engine, const Project& p, const Inputs& in, const Rule& rule,
                                      const std::vector<SupportSite>& before, const SupportResult& base);

/// How evaluate gets compound_support's decisions: support_outcomes, unless the caller
/// has them at hand (a batch's scenario cache).
using SupportFunction = std::function<SupportResult(Engine&, const Project&, const Inputs&, const Rule&)>;

/// Every rule of `p` and the per-unit figures. `support` empty: support_outcomes.
Analysis evaluate(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r, const SupportFunction& support = {});

}  // namespace lc
