#pragma once
// The report's maps (one per headline indicator) and the wording of indicator values
// shared by the maps and the report tables.
#include "common/measure_label.hpp"
#include "common/table.hpp"
#include "ingest/ingest.hpp"
#include "reach/reach.hpp"
#include "rules/rules.hpp"
#include "report/svgmap.hpp"

#include <array>
#include <string>
#include <vector>

namespace lc {

struct IndicatorMap {
    std::string rule_id;
    std::string file;    ///< name inside maps/, e.g. "fifteen_minute_circle.svg"
    std::string title;
    std::string svg;     ///< complete SVG document
};

/// Rules drawn as maps: headline rules that have a value, in rule order (without any:
/// the reach rules, else the first rule with a value).
std::vector<const RuleResult*> headline_results(const Analysis& a);

/// Most detailed level at which a rule has values per unit, or -1 (maps and print layouts).
int detail_level(const Inputs& in, const RuleResult& rr);
/// The level a rule's map draws its units at: the level it is evaluated and reported at
/// (its failing units are the rules table's), else the most detailed level with values.
int map_level(const Inputs& in, const RuleResult& rr);
/// Most detailed unit level the inputs have, or -1.
int finest_level(const Inputs& in);

/// SVG path data of the units and compounds of `in` as every indicator map draws them
/// (one frame for all maps of a run). A batch makes them once for the inputs its
/// scenarios share; a path counts only for the geometry it was made from.
struct MapPaths {
    svg::Frame frame;
    std::array<std::vector<const GEOSGeometry*>, kLevels> unit_geom;
    std::array<std::vector<std::string>, kLevels> units;
    std::vector<const GEOSGeometry*> compound_geom;
    std::vector<std::string> compounds;
};
MapPaths map_paths(GEOSContextHandle_t h, const Inputs& in);

/// One SVG map per headline rule, in `lang` ("zh" | "en"); `paths`: path data made
/// beforehand (map_paths), used where it is for the same geometry and frame.
std::vector<IndicatorMap> indicator_maps(GEOSContextHandle_t h, const Project& p, const Inputs& in, const Analysis& a,
                                         const std::string& lang, const MapPaths* paths = nullptr);

/// A rule's figure as a planner reads it: shares as percentages, ratios as numbers. A
/// failing share is never rounded up to its target ("99.96%" shows as 99.9%, not 100%).
std::string rule_value_text(const RuleResult& rr, const std::optional<double>& v);
/// "≥ 90%", "≥ 31" ...
std::string rule_target_text(const RuleResult& rr);
/// Title of the rule in the language, falling back to the other one, then the id.
std::string rule_title(const Rule& r, const std::string& lang);
/// What a unit's value of the rule measures ("elderly reached", "facilities" ...).
std::string unit_measure_label(const Rule& r, const std::string& lang);
/// A ratio of part to whole (nursing-type beds of all beds): a share, in per cent.
bool ratio_is_share(const Rule& r);
/// A study-area total's parts by district (details.by_district, then in_no_district):
/// "五华区 945、盘龙区 995", as the report and the totals layout give them; "" without.
std::string district_parts(const RuleResult& rr, const Inputs& in, const std::string& lang);
/// What one side of a ratio sums, as a legend names it: "nursing-type beds", "elderly".
std::string ratio_term_label(const RatioTerm& t, const std::string& lang);

/// The study area's extent in the working CRS: the units of the coarsest level, else
/// everything the project read.
svg::Envelope study_extent(GEOSContextHandle_t h, const Inputs& in);
/// Direction of true north at the centre of `e`, in degrees clockwise from grid north
/// (the working CRS's grid convergence; 0 if it cannot be computed).
double true_north_deg(const Inputs& in, const svg::Envelope& e);

}  // namespace lc
