#pragma once
// How each lifecircle output layer is styled in QGIS: choropleths of the headline reach
// share with failing units outlined, gaps in red with labels, facilities by type,
// translucent service areas, hatched uncovered areas. Decided from the layer's fields,
// so a layer added later still gets a sensible default.
#include "outputs/qgis.hpp"
#include "common/table.hpp"

#include <string>
#include <vector>

namespace lc {

struct StyleContext {
    std::string lang = "zh";
    std::string reach_rule_id;             ///< headline reach_share rule ("" if none)
    std::string reach_rule_title;
    double reach_target = 1;
    std::vector<std::string> reach_types;  ///< facility types of that rule
    std::vector<std::string> types;        ///< every analysed facility type, canonical order
    std::vector<std::string> gap_reasons;  ///< reasons present in gaps, in display order
};

/// "Point", "Line", "Polygon" or "" for each geometry kind present in a table, in that
/// order (several when a layer mixes kinds, e.g. rejected records).
std::vector<std::string> geometry_kinds(const Table& t);

/// Style of one output layer drawn with `geometry` ("Point" | "Line" | "Polygon" | "").
qgis::LayerStyle layer_style(const Table& t, const std::string& geometry, const StyleContext& c);
/// A unit choropleth of a per-1000 figure held against `target` (childcare places per
/// 1000 residents), labelled with the unit's name and figure.
qgis::LayerStyle per_1000_style(const std::string& field, double target, const std::string& lang);
/// Name of the layer in the QGIS layer tree.
std::string layer_title(const Table& t, const StyleContext& c);
/// Whether the layer is ticked when the project opens.
bool layer_visible(const Table& t);

}  // namespace lc
