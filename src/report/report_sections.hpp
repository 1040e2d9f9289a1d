#pragma once
// The report's parts about people (SPEC 3, 4 and 6): the life-circle band table, the
// demographic basis (census tables, joins, compound estimates), what each ratio
// divides by, and the "一老一小" section. HTML fragments for report_html.cpp.
#include "ingest/ingest.hpp"
#include "reach/reach.hpp"
#include "rules/rules.hpp"

#include <string>

namespace lc {

/// The elderly share within each band per facility type (figures, not targets).
std::string bands_html(const ReachResult& r, const Analysis& a, const std::string& lang);
/// Census tables, what did not join, the area's figures, compound estimates ("" without census).
std::string census_html(const Inputs& in, const std::string& lang);
/// "Denominator: census elderly (60+)" and the like; "" for rules other than ratios.
std::string ratio_basis(const RuleResult& rr, const std::string& lang);
/// "一小" childcare places per 1000 residents, inclusive share, streets with childcare;
/// "一老" the elderly's census figure, the 15-minute figure, elder universities and schools.
std::string yilao_yixiao_html(const Inputs& in, const ReachResult& r, const Analysis& a, const std::string& lang);

}  // namespace lc
