#pragma once
// QGIS print layouts as XML (the <Layouts> element of a .qgs): a page, a map frame
// showing a fixed set of layers, text labels, a legend listing those layers, a scale
// bar, a north arrow and an attribute table. What goes on each page is decided in
// print_layouts.cpp; this file only knows how QGIS 3.22 reads it back.
#include "outputs/qgis.hpp"

#include <string>
#include <vector>

namespace lc::qgis {

/// A rectangle in the layout, millimetres from the top-left corner of the first page (a
/// later page starts kPageGap below the one before, as QGIS stacks them).
struct Box {
    double x = 0, y = 0, w = 0, h = 0;
};

struct TextBox {
    std::string id;                    ///< item id (QgsLayoutItem::id), e.g. "title"
    Box box;
    std::string text;                  ///< plain text; "\n" breaks lines
    double size_pt = 10;
    bool bold = false;
    Rgba color{30, 30, 30, 255};
    bool frame = false;                ///< a thin frame and white background
};

/// Gap between the pages of a layout (QgsLayoutPageCollection::SPACE_BETWEEN_PAGES).
inline constexpr double kPageGap = 10;

struct TableColumn {
    std::string heading;
    std::string expression;            ///< a field name (quoted) or any QGIS expression
    double width_mm = 0;               ///< 0: shares what the table's width leaves (text beyond is cut)
};

struct AttributeTable {
    std::string layer_id;
    Box box;                           ///< the first frame: the table is exactly this wide
    std::vector<Box> more_frames;      ///< frames the rows flow on into, as wide as the first
    std::string filter;                ///< QGIS expression: the rows shown
    std::string sort;                  ///< QGIS expression the rows are sorted by (ascending)
    int max_rows = 0;
    std::vector<TableColumn> columns;
};

struct PrintLayout {
    std::string name;
    std::string map_key;               ///< the report map it prints (maps/KEY.svg), custom property "lifecircle/map"
    double width_mm = 420, height_mm = 297;  ///< A3 landscape
    int pages = 1;
    int dpi = 300;
    Box map_box;
    Extent extent;                     ///< in the project CRS
    std::vector<std::string> map_layers;     ///< layer ids, top first
    Box legend_box;                    ///< width and height are a guide: the legend fits its content
    std::string legend_title;
    std::vector<std::string> legend_layers;  ///< layer ids, top first (a subset of map_layers)
    /// When not empty: the single-symbol layers (boundaries, plain compounds; one legend
    /// line each, which would read as a class of the layer listed above them) go last,
    /// in a legend group of this name. A layer whose id ends in "_failing" stays where it
    /// is (it belongs to the layer above it).
    std::string legend_reference_group;
    Box scale_bar_box;
    Box north_arrow_box;
    std::vector<TextBox> texts;
    std::vector<AttributeTable> tables;
};

/// The <Layouts> element (indented by `indent`), for a project whose layers are `layers`;
/// the layouts' extents are in `crs`.
std::string layouts_xml(const std::vector<PrintLayout>& layouts, const std::vector<const ProjectLayer*>& layers, const Crs& crs,
                        int indent);

}  // namespace lc::qgis
