#pragma once
// The print layouts of lifecircle.qgs: the maps a planning report needs, ready to export
// from QGIS at 300 dpi. One A3 landscape page per headline indicator (as the report's
// SVG maps) and one per family of failing rules (rules of one check kind: facility
// provision, walking reach, ratios, supporting space...), each with the map framed on
// the study area, a Chinese (or English) title with the indicator and its target, a
// legend of the layers shown, scale bar, north arrow, a note on data and method, and
// the table of failing units where it fits.
//
// A page shows its own styled copies of the output layers (its indicator's choropleth,
// the facilities of its types, its gap compounds); they sit unticked in a group of their
// own in the project, so the map canvas is not cluttered by them.
#include "outputs/qgis_layouts.hpp"
#include "outputs/qgis_styles.hpp"
#include "ingest/ingest.hpp"
#include "report/svgmap.hpp"
#include "rules/rules.hpp"

#include <string>
#include <vector>

namespace lc {

/// An output layer as lifecircle.qgs opens it: one geometry kind of one table.
struct MainLayer {
    const TableHead* table = nullptr;
    std::string geometry;              ///< Point | Line | Polygon | ""
    qgis::ProjectLayer layer;
};

struct PrintContext {
    const Project& p;
    const Inputs& in;
    const Analysis& a;
    const StyleContext& c;
    std::string crs_text;              ///< the map CRS for the note, e.g. "EPSG:32648 WGS 84 / UTM zone 48N"
    svg::Envelope extent;              ///< the study area in the project (map) CRS
};

struct PrintPlan {
    std::vector<qgis::ProjectLayer> layers;   ///< the pages' own layers, top first
    std::vector<qgis::PrintLayout> layouts;
};

PrintPlan plan_print_layouts(const PrintContext& x, const std::vector<MainLayer>& main);

}  // namespace lc
