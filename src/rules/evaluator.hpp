#pragma once
// Inside the rule evaluator (not a public header): the state one evaluation shares and
// the helpers the check families use. Each family lives in its own file:
//   check_counts.cpp   min_count, min_total, facility_share, unit_share
//   check_reach.cpp    reach_share, min_access, the per-unit roll-up and the bands
//   check_ratio.cpp    ratio
//   check_support.cpp  compound_support (support_update.cpp: its decisions updated)
//   facility_table.cpp the facilities as the checks read them
#include "rules/rules.hpp"

#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/point.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <array>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lc::eval {

using BPoint = boost::geometry::model::point<double, 2, boost::geometry::cs::cartesian>;
using BBox = boost::geometry::model::box<BPoint>;
using FacTree = boost::geometry::index::rtree<std::pair<BPoint, int>, boost::geometry::index::rstar<16>>;

inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// A compound's weight: 0 compounds (1 each), 1 households, 2 population, 3 elderly.
std::optional<double> weight_of(const Compound& c, int w);
bool in_types(const std::vector<std::string>& types, const std::string& t);
/// Unit level of a rule's `level`, or -1 for the whole area.
int level_of(const std::string& l);
bool kind_ok(const Rule& r, const Unit& u);
/// In the study area: inside some unit (or no unit layer at all).
bool facility_in_area(const Inputs& in, const Facility& f);
/// A facility's number attribute (mapped attributes, then beds, nursing_beds, floor_area).
std::optional<double> attr_number(const Facility& f, const std::string& a);
/// The first attribute a filter (or a sum) names that no facility carries and the
/// facilities layer does not map; "" when all are there. `type` is always there.
std::string unmapped_attribute(const Inputs& in, const Project& p, const json& where, const std::string& extra = {});
/// Does a value satisfy a condition as `where` writes it (true, "public", [..], {">=": 100})?
bool condition_matches(const AttrValue& v, const json& cond);
/// Lists the units of `level` whose per-unit pass is false.
void fail_units(RuleResult& res, const Inputs& in, int level);
void set_pass(RuleResult& res, double target);
/// The rule is skipped with this note (why it has no value).
void not_evaluated(RuleResult& res, double target, const std::string& why, const std::string& why_zh);
/// not_evaluated because the facility attribute `attr` is not mapped in the facilities layer.
void attribute_not_mapped(RuleResult& res, double target, const std::string& attr);

/// A weighted share of flagged compounds: per unit of every level (null where the unit
/// has no compound of known weight) and over the area.
struct Share {
    std::array<std::vector<std::optional<double>>, kLevels> per_unit;
    std::optional<double> overall;
    long unknown = 0;  ///< compounds whose weight is unknown
};

/// Each compound's weights and their sums per unit and over the area: what every share
/// divides by, whatever is flagged.
struct WeightSums {
    std::vector<std::array<double, kWeights>> of;  ///< per compound (0 where unknown)
    std::vector<unsigned char> known;              ///< per compound: bit w set where weight w is known
    std::array<std::array<std::vector<double>, kLevels>, kWeights> den;
    std::array<double, kWeights> total{};
    std::array<long, kWeights> unknown{};
};
WeightSums weigh(const Inputs& in);

/// The facilities as the checks read them, looked up once per evaluation: each one's
/// type as a number, whether it lies in the study area, and the number attributes the
/// rules sum, so that the checks compare no type names and search no facility's
/// attributes rule after rule.
struct FacilityTable {
    std::vector<std::string> types;  ///< the facilities' types, sorted, each once
    std::vector<int> type;           ///< per facility: its place in `types`
    std::vector<char> in_area;       ///< per facility: facility_in_area
    /// attribute -> attr_number of every facility, for each attribute that a ratio term
    /// or a min_total of the project sums
    std::map<std::string, std::vector<std::optional<double>>> numbers;
};
FacilityTable facility_table(const Project& p, const Inputs& in);

struct Evaluator {
    Engine& engine;
    const Project& p;
    const Inputs& in;
    const ReachResult& r;
    Analysis& a;
    const SupportFunction& support;  ///< compound_support's decisions (empty: support_outcomes)
    const WeightSums& sums;
    const FacilityTable& table;

    // check_reach.cpp
    std::vector<char> reached_by(const std::vector<std::string>& types) const;
    std::pair<int, double> nearest_of(const std::vector<std::string>& types, size_t c) const;
    /// The shares of `flag` for each weight whose bit is set in `weights`, in one pass.
    void shares(const std::vector<char>& flag, unsigned weights, std::array<Share, kWeights>& out) const;
    Share share(const std::vector<char>& flag, int w) const;
    void unit_stats();
    void bands();
    long share_rule(const Rule& rule, const std::vector<char>& flag, int w, RuleResult& res);
    void reach_share(const Rule& rule, RuleResult& res);
    void min_access(const Rule& rule, RuleResult& res);
    /// The 15-minute figure of the report: the elderly share reached by home-care types,
    /// as a reach_share result of a rule the Analysis owns (not a plan target).
    void elderly_reach_figure();

    // check_counts.cpp
    void min_count(const Rule& rule, RuleResult& res);
    void min_total(const Rule& rule, RuleResult& res);
    void facility_share(const Rule& rule, RuleResult& res);
    void unit_share(const Rule& rule, RuleResult& res);
    /// The childcare figures of every unit and the area (UnitStats::childcare_*).
    void childcare();
    /// The facilities of `types` (all when empty) that lie in the study area, in input order.
    std::vector<int> of_types(const std::vector<std::string>& types) const;
    /// Facilities of a rule's types that match its `where` and lie in the study area.
    std::vector<int> rule_facilities(const Rule& rule) const;
    /// Per unit of `level`, the share of applicable units that pass, held against the
    /// rule's target_share; `value` gives each unit's figure and pass (nullopt: not applicable).
    template <class PerUnit>
    void units_passing(const Rule& rule, int level, RuleResult& res, PerUnit&& value);

    // check_ratio.cpp
    void ratio(const Rule& rule, RuleResult& res);

    // check_support.cpp (the decisions per compound: support_check.hpp)
    void compound_support(const Rule& rule, RuleResult& res);
};

}  // namespace lc::eval
