#pragma once
// QGIS layer styles (.qml) and projects (.qgs) as XML text. A small model of what
// lifecircle needs from QGIS symbology (single, categorized and graduated renderers,
// simple/hatched fills, markers, labels); the writer emits the XML QGIS 3 reads, with
// both the <Option> map of QGIS >= 3.16 and the legacy <prop> list older 3.x reads.
#include "outputs/symbology.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lc::qgis {

using Props = std::vector<std::pair<std::string, std::string>>;

struct Symbol;

/// One symbol layer: a QGIS symbol-layer class ("SimpleFill", "SimpleMarker",
/// "SimpleLine", "LinePatternFill") and its properties.
struct SymbolLayer {
    std::string cls;
    Props props;
    std::shared_ptr<Symbol> sub;       ///< sub-symbol, e.g. the line of a LinePatternFill
    int pass = 0;                      ///< rendering pass, when the renderer draws by symbol levels
};

struct Symbol {
    std::string type;                  ///< fill | marker | line
    double alpha = 1;
    std::vector<SymbolLayer> layers;
};

Symbol fill_symbol(const Rgba& fill, const Rgba& outline, double outline_mm, const std::string& outline_style = "solid");
Symbol outline_symbol(const Rgba& outline, double outline_mm, const std::string& outline_style = "solid");
Symbol marker_symbol(const std::string& shape, const Rgba& fill, const Rgba& outline, double size_mm, double outline_mm = 0.2);
Symbol line_symbol(const Rgba& color, double width_mm, const std::string& pen = "solid");
/// Parallel lines at `angle_deg`, `spacing_mm` apart, inside an optional outline.
Symbol hatch_symbol(const Rgba& line, double angle_deg, double spacing_mm, double width_mm, const Rgba& outline, double outline_mm);

/// A category (categorized: `value`) or a range (graduated: lower..upper, both inclusive
/// as QGIS matches them) with its symbol and legend label.
struct Class {
    std::string value;
    double lower = 0, upper = 0;
    std::string label;
    Symbol symbol;
    bool render = true;                ///< ticked in the legend
};

struct Renderer {
    std::string type = "singleSymbol"; ///< singleSymbol | categorizedSymbol | graduatedSymbol | RuleRenderer
    std::string attr;                  ///< field name or QGIS expression
    std::vector<Class> classes;
    Symbol symbol;                     ///< singleSymbol only
    /// RuleRenderer only: one renderer per geometry kind ("Point" | "Line" | "Polygon";
    /// "": every feature, its classes as top-level rules).
    std::vector<std::pair<std::string, Renderer>> by_geometry;
    /// RuleRenderer only: rules drawn over the features' own symbols, each with its
    /// legend entry (e.g. the failing units' outline in a style used without the project);
    /// drawn in a later pass (symbol levels), so that no neighbour's fill covers them.
    struct Overlay {
        std::string filter, label;
        Symbol symbol;
    };
    std::vector<Overlay> overlays;
};

/// One renderer for a layer that mixes geometry kinds: rules select the kind, then the
/// kind's own classes (a GeoPackage layer keeps one default style for all its kinds).
Renderer by_geometry(std::vector<std::pair<std::string, Renderer>> per_kind);

struct Labels {
    bool enabled = false;
    std::string text;                  ///< field name, or an expression when is_expression
    bool is_expression = false;
    double size_pt = 9;
    bool bold = false;
    Rgba color{40, 40, 40, 255};
    Rgba buffer{255, 255, 255, 255};
    double buffer_mm = 0.8;
    int placement = 1;                 ///< QgsPalLayerSettings::Placement: 0 around point, 1 over point
    int priority = 5;                  ///< 0..10, higher wins collisions
    double min_scale = 0;              ///< shown only when zoomed in beyond 1:min_scale (0: always)
};

/// A field's display name (attribute table, identify, forms).
struct Alias {
    std::string field;
    int index = 0;
    std::string name;
};

struct LayerStyle {
    Renderer renderer;
    Labels labels;
    /// Carried by the style, not only the project: a layer opened from the GeoPackage or
    /// with styles/*.qml keeps what its figures rest on.
    std::vector<Alias> aliases;
    double opacity = 1;
    std::string geometry;              ///< Point | Line | Polygon | Unknown (mixed) | "" (no geometry)
};

/// `<renderer-v2>` element (indented by `indent` spaces).
std::string renderer_xml(const Renderer& r, int indent);
/// `<labeling>` element, empty when labels are off.
std::string labeling_xml(const Labels& l, int indent);
/// A complete .qml style document.
std::string qml_document(const LayerStyle& s);

struct Crs {
    std::string authid, wkt, proj4, description, projection_acronym, ellipsoid_acronym;
    long srsid = 0, srid = 0;
    bool geographic = false;
};
/// WGS 84 as QGIS describes it (srsid 3452 is stable across QGIS 3 releases).
Crs wgs84();
/// The <spatialrefsys> element of a CRS, indented by `ind`.
std::string spatialrefsys(const Crs& c, int ind);

struct Extent {
    double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
};

struct ProjectLayer {
    std::string id;                    ///< more than 10 characters, or QGIS replaces it
    std::string name;
    std::string source;                ///< relative to the project: "./units_street.geojson"
    std::string wkb_type;              ///< e.g. MultiPolygon, Point, NoGeometry
    LayerStyle style;
    bool visible = true;
    bool expanded = true;              ///< legend entries shown in the layer tree
    std::string abstract;              ///< layer metadata: what the layer's figures rest on
};

struct ProjectGroup {
    std::string name;
    std::vector<ProjectLayer> layers;  ///< top of the layer tree first (drawn last)
    bool expanded = true;
};

struct Project {
    std::string title;
    Crs crs;                           ///< project (map canvas) CRS
    Crs layer_crs;                     ///< CRS of every layer's data source
    Extent view;                       ///< initial view, in the project CRS
    std::vector<ProjectGroup> groups;  ///< top group first
    std::string layouts_xml;           ///< <Layouts> element (qgis_layouts.hpp), may be empty
};

/// A complete .qgs document: relative paths, groups in order, the view set to `view`.
std::string project_document(const Project& p);

}  // namespace lc::qgis
