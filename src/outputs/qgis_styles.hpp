#pragma once
// How each lifecircle output layer is styled in QGIS: choropleths of the headline reach
// share with failing units outlined, gaps in red with labels, facilities by type,
// translucent service areas, hatched uncovered areas. Decided from the layer's fields,
// so a layer added later still gets a sensible default.
#include "outputs/gis_formats.hpp"
#include "outputs/qgis.hpp"
#include "common/table.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lc {

struct StyleContext {
    std::string lang = "zh";
    std::string reach_rule_id;             ///< headline reach_share rule ("" if none)
    std::string reach_rule_title;
    double reach_target = 1;
    std::vector<std::string> reach_types;  ///< facility types of that rule
    bool reach_home = false;               ///< reach_types are the home-care types
    std::vector<std::string> types;        ///< every analysed facility type, canonical order
    std::set<std::string> present_types;   ///< types of the facilities the layer holds
    std::vector<std::string> gap_reasons;  ///< reasons present in gaps, in display order
    /// Per reason, the titles of the rules whose gaps give it, in gap order: one reason
    /// ("no_facility") comes from the elderly-care and the childcare rules alike.
    std::map<std::string, std::vector<std::string>> gap_rules;
    const FieldNames* names = nullptr;     ///< field names in the files (Shapefiles shorten them)
    /// Community names and figures are labelled only zoomed in beyond 1:this, so that
    /// the study area at full extent is not buried under them (qgis_labels in deliverables).
    double detail_label_scale = 30000;

    std::string field(const std::string& full) const { return names ? (*names)(full) : full; }
};

/// "Point", "Line", "Polygon" or "" for each geometry kind present in a table, in that
/// order (several when a layer mixes kinds, e.g. rejected records).
std::vector<std::string> geometry_kinds(GEOSContextHandle_t h, const Table& t);
/// "Point", "Line", "Polygon" or "" (none) for row `i` of a table.
std::string row_kind(GEOSContextHandle_t h, const Table& t, size_t i);
/// Name of the part of a table holding one geometry kind: the table's own name when it
/// has one kind, else NAME_point, NAME_line, NAME_polygon (style files, Shapefiles).
std::string kind_layer_id(const std::string& table, const std::string& kind, size_t kinds);

/// Style of one output layer drawn with `geometry` ("Point" | "Line" | "Polygon" | "").
qgis::LayerStyle layer_style(const TableHead& t, const std::string& geometry, const StyleContext& c);
/// Units coloured by `value` in `classes` (the last one open up to `top`), NULL in its own
/// "no data" class, labelled with name and figure (a percentage when `share_target` is
/// given: a failing share never reads as its target); the classes' symbols are fills only
/// (failing units are outlined by a layer or rule of their own: failing_units_style,
/// standalone_style). `coarse`: streets/districts, thicker lines and larger labels.
qgis::LayerStyle choropleth_style(const std::string& value, const std::vector<ValueClass>& classes, double top,
                                  std::optional<double> share_target, bool coarse, const StyleContext& c);
/// QGIS expression of a unit's figure as text: a percentage when `share_target` is given
/// (a failing share never reads as its target), else the number to 2 decimals; "—" for null.
std::string figure_expression(const std::string& value, std::optional<double> share_target, const StyleContext& c);
/// A field name quoted for a QGIS expression.
std::string quoted(const std::string& field);
/// QGIS expression true where a boolean field is false: Shapefiles store booleans as
/// 1/0, and QGIS holds 0 = false to be false, so the test is by truth value.
std::string is_false(const std::string& field);
/// Name of the layer in the QGIS layer tree.
std::string layer_title(const TableHead& t, const StyleContext& c);
/// The outline of the units failing the headline reach rule, drawn over a units
/// choropleth as a layer of its own (the choropleth's legend swatches show their fill
/// only): the style, the layer's subset (OGR SQL) and its name in the layer tree.
struct FailingUnits {
    qgis::LayerStyle style;
    std::string subset, title;
};
/// For a street or community units layer holding the headline reach rule's pass field;
/// none otherwise.
std::optional<FailingUnits> failing_units_style(const TableHead& t, const std::string& geometry, const StyleContext& c);
/// The style of a layer used without the project (styles/*.qml, the GeoPackage's default
/// styles): the project's own, except that the failing units' outline, a layer of its own
/// in the project, is a rule drawn over the classes with its own legend entry (someone who
/// opens the GeoPackage alone sees the failing units too, and no class swatch shows it).
qgis::LayerStyle standalone_style(const TableHead& t, const std::string& geometry, const qgis::LayerStyle& s, const StyleContext& c);
/// Whether the layer is ticked when the project opens.
bool layer_visible(const TableHead& t);

}  // namespace lc
