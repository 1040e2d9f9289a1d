#pragma once
// report.html: a self-contained page (inline CSS and SVG, no network) that a planner
// can open offline and paste from: the study area, the headline maps, every rule with
// value, target, pass/fail and failing units, the gaps, and the inputs and rejections.
#include "common/table.hpp"
#include "ingest/ingest.hpp"
#include "reach/reach.hpp"
#include "report/report_maps.hpp"
#include "rules/rules.hpp"

#include <string>
#include <vector>

namespace lc {

/// The page. `summary` is summary.json's content (inputs, rejections, repairs);
/// `vector_files` the layer files written beside it, for the file list; `coverage` the
/// coverage.csv table (outputs.hpp), whose headline columns are the per-street table.
std::string report_html(const Project& p, const Inputs& in, const ReachResult& r, const Analysis& a, const json& summary,
                        const std::vector<IndicatorMap>& maps, const std::vector<std::string>& vector_files,
                        const Table& coverage, const std::string& lang);

}  // namespace lc
