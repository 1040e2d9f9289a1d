#include "outputs/qgis_layouts.hpp"

#include "outputs/qgis_xml.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lc::qgis {

namespace {

// QgsLayoutItemRegistry type ids (stable since QGIS 3.0).
constexpr int kPage = 65638, kMap = 65639, kPicture = 65640, kLabel = 65641, kLegend = 65642, kScaleBar = 65646,
              kFrame = 65647, kAttributeTable = 65649;

/// Deterministic item ids in UUID form: identical runs give identical projects.
std::string uuid(size_t layout, int item) {
    char b[64];
    std::snprintf(b, sizeof b, "{6c1fc1e0-0000-4000-8000-%06zx%06x}", layout, item);
    return b;
}

std::string color_elem(const char* tag, const Rgba& c, int ind) {
    return sp(ind) + "<" + tag + attr("red", std::to_string(c.r)) + attr("green", std::to_string(c.g)) + attr("blue", std::to_string(c.b)) +
           attr("alpha", std::to_string(c.a)) + "/>\n";
}

/// QFont::toString() of the CJK font (weight 75 is Qt 5's bold).
std::string font_description(double size_pt, bool bold) {
    return std::string(kCjkFont) + "," + num(size_pt) + ",-1,5," + (bold ? "75" : "50") + ",0,0,0,0,0";
}

std::string font_elem(const char* tag, double size_pt, bool bold, int ind) {
    return sp(ind) + "<" + tag + attr("description", font_description(size_pt, bold)) + attr("style", bold ? "Bold" : "Regular") + "/>\n";
}

/// A text format (tables, scale bar): the CJK font, no buffer, no shadow.
std::string text_style(double size_pt, bool bold, int ind) {
    return sp(ind) + "<text-style" + attr("fontFamily", kCjkFont) + attr("namedStyle", bold ? "Bold" : "Regular") +
           attr("fontSize", num(size_pt)) + attr("fontSizeUnit", "Point") + attr("fontWeight", bold ? "75" : "50") +
           attr("fontItalic", "0") + attr("fontUnderline", "0") + attr("fontStrikeout", "0") + attr("textColor", "30,30,30,255") +
           attr("textOpacity", "1") + attr("multilineHeight", "1") + attr("textOrientation", "horizontal") + ">\n" + sp(ind + 2) +
           "<text-buffer bufferDraw=\"0\"/>\n" + sp(ind + 2) + "<background shapeDraw=\"0\"/>\n" + sp(ind + 2) +
           "<shadow shadowDraw=\"0\"/>\n" + sp(ind) + "</text-style>\n";
}

/// An attribute value that keeps its line breaks (XML turns a raw newline into a space).
std::string attr_lines(const std::string& k, const std::string& v) {
    std::string e = xml_escape(v), out;
    for (char c : e) out += c == '\n' ? std::string("&#10;") : std::string(1, c);
    return " " + k + "=\"" + out + "\"";
}

// Cells of the attribute tables: the margin around a cell's text and the grid's stroke.
constexpr double kCellMargin = 1, kGridStroke = 0.2;

std::string pos(double x, double y) { return num(x) + "," + num(y) + ",mm"; }

/// The item's top edge on its own page (the pages of a layout of `page_h` stack kPageGap apart).
double y_on_page(double y, double page_h) {
    double pitch = page_h + kPageGap, page = std::max(0.0, std::floor(y / pitch));
    return y - page * pitch;
}

/// Opening of a <LayoutItem> with what every item has; `extra` adds the item's own
/// attributes. `b` is in layout coordinates; `page_h` places it on its page.
std::string item_open(int type, const std::string& id, const std::string& u, const Box& b, double page_h, int z, bool frame,
                      bool background, const std::string& extra, int ind) {
    std::string s = sp(ind) + "<LayoutItem" + attr("type", std::to_string(type)) + attr("id", id) + attr("uuid", u) +
                    attr("templateUuid", u) + attr("position", pos(b.x, b.y)) + attr("positionOnPage", pos(b.x, y_on_page(b.y, page_h))) +
                    attr("size", pos(b.w, b.h)) + attr("zValue", std::to_string(z)) + attr("referencePoint", "0") +
                    attr("itemRotation", "0") + attr("frame", frame ? "true" : "false") + attr("background", background ? "true" : "false") +
                    attr("frameJoinStyle", "miter") + attr("outlineWidthM", "0.25,mm") + attr("visibility", "1") +
                    attr("positionLock", "false") + attr("opacity", "1") + attr("blendMode", "0") + attr("excludeFromExports", "0") +
                    attr("groupUuid", "") + extra + ">\n";
    s += color_elem("FrameColor", {60, 60, 60, 255}, ind + 2) + color_elem("BackgroundColor", {255, 255, 255, 255}, ind + 2);
    return s;
}

std::string item_close(int ind) { return sp(ind) + "</LayoutItem>\n"; }

const ProjectLayer* find_layer(const std::vector<const ProjectLayer*>& layers, const std::string& id) {
    for (auto* l : layers)
        if (l->id == id) return l;
    return nullptr;
}

std::string tree_layer(const ProjectLayer& l, int ind) {
    return sp(ind) + "<layer-tree-layer" + attr("id", l.id) + attr("name", l.name) + attr("source", l.source) + attr("providerKey", "ogr") +
           attr("checked", "Qt::Checked") + attr("expanded", "1") + attr("legend_exp", "") + ">\n" + sp(ind + 2) +
           "<customproperties/>\n" + sp(ind) + "</layer-tree-layer>\n";
}

/// A single-symbol layer (one legend line): a boundary or plain backdrop, not a failing
/// units' outline (a layer whose id ends in "_failing").
bool is_reference(const ProjectLayer& l) {
    const std::string tail = "_failing";
    const bool failing = l.id.size() >= tail.size() && l.id.compare(l.id.size() - tail.size(), tail.size(), tail) == 0;
    return l.style.renderer.type == "singleSymbol" && !failing;
}

std::string legend_style(const char* name, double size_pt, bool bold, double margin_top, int ind) {
    return sp(ind) + "<style" + attr("name", name) + attr("marginTop", num(margin_top)) + attr("marginBottom", name == std::string("title") ? "2.5" : "0") +
           attr("marginLeft", name == std::string("symbolLabel") ? "2" : "0") + attr("alignment", "1") + attr("indent", "0") + ">\n" +
           font_elem("styleFont", size_pt, bold, ind + 2) + sp(ind) + "</style>\n";
}

/// Widths of the columns that make the table, cell margins and grid lines included, as
/// wide as its box: QGIS sizes a table's frames to the table, so a column as wide as its
/// content (width 0) would push the frame off the page. Columns without a width share
/// what the others leave.
std::vector<TableColumn> fitted_columns(const AttributeTable& t) {
    std::vector<TableColumn> cols = t.columns;
    const double n = static_cast<double>(cols.size());
    double text = t.box.w - n * 2 * kCellMargin - (n + 1) * kGridStroke, fixed = 0;
    long open = 0;
    for (auto& c : cols) {
        fixed += c.width_mm;
        open += c.width_mm <= 0;
    }
    for (auto& c : cols)
        if (c.width_mm <= 0) c.width_mm = std::max(5.0, (text - fixed) / std::max(1L, open));
    return cols;
}

std::string table_column(const TableColumn& c, int ind, bool sort) {
    return sp(ind) + "<column" + attr("attribute", c.expression) + attr("heading", c.heading) + attr("width", num(c.width_mm)) +
           attr("hAlignment", "1") + attr("vAlignment", "128") + attr("sortByRank", sort ? "1" : "0") + attr("sortOrder", "0") + ">\n" +
           color_elem("backgroundColor", {0, 0, 0, 0}, ind + 2) + sp(ind) + "</column>\n";
}

std::string layout_xml(const PrintLayout& L, size_t li, const std::vector<const ProjectLayer*>& layers, const Crs& crs, int ind) {
    int next = 0;
    auto new_uuid = [&] { return uuid(li, ++next); };
    std::string o = sp(ind) + "<Layout" + attr("name", L.name) + attr("units", "mm") + attr("printResolution", std::to_string(L.dpi)) +
                    attr("worldFileMap", "") + ">\n";
    const int i2 = ind + 2, i4 = ind + 4;
    const double ph = L.height_mm;
    // Which report map the layout prints: the checks match layouts to maps/*.svg by it.
    if (!L.map_key.empty())
        o += sp(i2) + "<customproperties>\n" + sp(i4) + "<property" + attr("key", "lifecircle/map") + attr("value", L.map_key) + "/>\n" +
             sp(i2) + "</customproperties>\n";
    o += sp(i2) + "<Snapper snapToGrid=\"0\" tolerance=\"5\" snapToGuides=\"1\" snapToItems=\"1\"/>\n";
    o += sp(i2) + "<Grid resolution=\"10\" resUnits=\"mm\" offsetX=\"0\" offsetY=\"0\" offsetUnits=\"mm\"/>\n";
    o += sp(i2) + "<PageCollection>\n";
    for (int page = 0; page < std::max(1, L.pages); ++page)
        o += item_open(kPage, "", new_uuid(), {0, page * (ph + kPageGap), L.width_mm, ph}, ph, 0, false, true, "", i4) + item_close(i4);
    o += sp(i4) + "<GuideCollection visible=\"1\"/>\n" + sp(i2) + "</PageCollection>\n";

    // The map first: the legend, scale bar and north arrow refer to it.
    const std::string map_uuid = new_uuid();
    o += item_open(kMap, "map", map_uuid, L.map_box, ph, 1, true, true,
                   attr("keepLayerSet", "true") + attr("drawCanvasItems", "true") + attr("mapRotation", "0") + attr("followPreset", "false") +
                       attr("followPresetName", "") + attr("labelMargin", "0,mm") + attr("mapFlags", "0") + attr("isTemporal", "0"),
                   i2);
    o += sp(i4) + "<Extent" + attr("xmin", num(L.extent.xmin)) + attr("ymin", num(L.extent.ymin)) + attr("xmax", num(L.extent.xmax)) +
         attr("ymax", num(L.extent.ymax)) + "/>\n";
    // The map's own CRS, that of its extent: without it QGIS draws the map in the
    // project's CRS, and a user who sets another (or loads the layouts into a project in
    // EPSG:4326, as the plugin does) gets an empty frame.
    o += sp(i4) + "<crs>\n" + spatialrefsys(crs, i4 + 2) + sp(i4) + "</crs>\n";
    o += sp(i4) + "<LayerSet>\n";
    for (auto& id : L.map_layers)
        if (const ProjectLayer* l = find_layer(layers, id))
            o += sp(i4 + 2) + "<Layer" + attr("provider", "ogr") + attr("source", l->source) + attr("name", l->name) + ">" + xml_escape(l->id) +
                 "</Layer>\n";
    o += sp(i4) + "</LayerSet>\n";
    o += sp(i4) + "<AtlasMap atlasDriven=\"0\" scalingMode=\"2\" margin=\"0.1\"/>\n" + sp(i4) + "<labelBlockingItems/>\n";
    o += item_close(i2);

    int z = 2;
    for (auto& t : L.texts) {
        o += item_open(kLabel, t.id, new_uuid(), t.box, ph, z++, t.frame, t.frame,
                       attr_lines("labelText", t.text) + attr("htmlState", "0") + attr("marginX", t.frame ? "2" : "0") +
                           attr("marginY", t.frame ? "1.5" : "0") + attr("halign", "1") + attr("valign", "32"),
                       i2);
        o += font_elem("LabelFont", t.size_pt, t.bold, i4) + color_elem("FontColor", t.color, i4) + item_close(i2);
    }

    o += item_open(kLegend, "legend", new_uuid(), L.legend_box, ph, z++, true, true,
                   attr("map_uuid", map_uuid) + attr("title", L.legend_title) + attr("resizeToContents", "1") + attr("symbolWidth", "7") +
                       attr("symbolHeight", "4") + attr("columnCount", "1") + attr("splitLayer", "0") + attr("equalColumnWidth", "0") +
                       attr("boxSpace", "2.5") + attr("columnSpace", "2") + attr("lineSpacing", "1") + attr("wrapChar", "") +
                       attr("titleAlignment", "1") + attr("symbolAlignment", "1") + attr("rasterBorder", "1") +
                       attr("legendFilterByAtlas", "0") + attr("fontColor", "#1e1e1e") + attr("maxSymbolSize", "0") +
                       attr("minSymbolSize", "0") + attr("wmsLegendWidth", "50") + attr("wmsLegendHeight", "25"),
                   i2);
    o += sp(i4) + "<styles>\n" + legend_style("title", 12, true, 0, i4 + 2) + legend_style("group", 10, true, 3, i4 + 2) +
         legend_style("subgroup", 9, true, 2.5, i4 + 2) + legend_style("symbol", 8, false, 1.5, i4 + 2) +
         legend_style("symbolLabel", 8, false, 1.5, i4 + 2) + sp(i4) + "</styles>\n";
    o += sp(i4) + "<layer-tree-group>\n" + sp(i4 + 2) + "<customproperties/>\n";
    std::string reference;
    for (auto& id : L.legend_layers)
        if (const ProjectLayer* l = find_layer(layers, id)) {
            if (!L.legend_reference_group.empty() && is_reference(*l)) reference += tree_layer(*l, i4 + 4);
            else o += tree_layer(*l, i4 + 2);
        }
    if (!reference.empty())
        o += sp(i4 + 2) + "<layer-tree-group" + attr("name", L.legend_reference_group) + attr("checked", "Qt::Checked") +
             attr("expanded", "1") + ">\n" + sp(i4 + 4) + "<customproperties/>\n" + reference + sp(i4 + 2) + "</layer-tree-group>\n";
    o += sp(i4) + "</layer-tree-group>\n" + item_close(i2);

    // Kilometres, segments sized by QGIS to fit 40-80 mm (a round number per segment).
    o += item_open(kScaleBar, "scalebar", new_uuid(), L.scale_bar_box, ph, z++, false, true,
                   attr("mapUuid", map_uuid) + attr("style", "Single Box") + attr("unitType", "km") + attr("unitLabel", "km") +
                       attr("numMapUnitsPerScaleBarUnit", "1") + attr("numSegments", "4") + attr("numSegmentsLeft", "0") +
                       attr("numSubdivisions", "1") + attr("subdivisionsHeight", "1.5") + attr("segmentSizeMode", "1") +
                       attr("minBarWidth", "40") + attr("maxBarWidth", "80") + attr("numUnitsPerSegment", "1") +
                       attr("segmentMillimeters", "15") + attr("height", "2.5") + attr("labelBarSpace", "2") +
                       attr("boxContentSpace", "1.5") + attr("alignment", "0") + attr("labelVerticalPlacement", "0") +
                       attr("labelHorizontalPlacement", "0") + attr("lineJoinStyle", "miter") + attr("lineCapStyle", "square") +
                       attr("outlineWidth", "0.3"),
                   i2);
    o += text_style(8, false, i4) + color_elem("fillColor", {30, 30, 30, 255}, i4) + color_elem("fillColor2", {255, 255, 255, 255}, i4) +
         color_elem("strokeColor", {30, 30, 30, 255}, i4) + item_close(i2);

    o += item_open(kPicture, "north_arrow", new_uuid(), L.north_arrow_box, ph, z++, false, false,
                   attr("file", ":/images/north_arrows/layout_default_north_arrow.svg") + attr("mode", "0") + attr("resizeMode", "0") +
                       attr("anchorPoint", "0") + attr("pictureWidth", num(L.north_arrow_box.w)) +
                       attr("pictureHeight", num(L.north_arrow_box.h)) + attr("mapUuid", map_uuid) + attr("northMode", "1") +
                       attr("northOffset", "0") + attr("svgFillColor", "30,30,30,255") + attr("svgBorderColor", "255,255,255,255") +
                       attr("svgBorderWidth", "0.2") + attr("pictureRotation", "0"),
                   i2);
    o += item_close(i2);

    for (auto& t : L.tables) {
        const ProjectLayer* l = find_layer(layers, t.layer_id);
        if (!l) continue;
        const std::string mf = new_uuid();
        std::vector<Box> boxes{t.box};
        boxes.insert(boxes.end(), t.more_frames.begin(), t.more_frames.end());
        std::vector<std::string> frames;
        for (size_t i = 0; i < boxes.size(); ++i) frames.push_back(new_uuid());
        o += sp(i2) + "<LayoutMultiFrame" + attr("type", std::to_string(kAttributeTable)) + attr("uuid", mf) + attr("templateUuid", mf) +
             attr("resizeMode", "0") + attr("source", "0") + attr("vectorLayer", l->id) + attr("vectorLayerSource", l->source) +
             attr("vectorLayerName", l->name) + attr("vectorLayerProvider", "ogr") + attr("filterFeatures", t.filter.empty() ? "false" : "true") +
             attr("featureFilter", t.filter) + attr("maxFeatures", std::to_string(t.max_rows)) + attr("showOnlyVisibleFeatures", "0") +
             attr("filterToAtlasIntersection", "0") + attr("showUniqueRowsOnly", "0") + attr("cellMargin", num(kCellMargin)) + attr("headerMode", "1") +
             attr("headerHAlignment", "0") + attr("emptyTableMode", "0") + attr("emptyTableMessage", "") + attr("showEmptyRows", "0") +
             attr("showGrid", "1") + attr("gridStrokeWidth", num(kGridStroke)) + attr("gridColor", "150,150,150,255") + attr("horizontalGrid", "1") +
             attr("verticalGrid", "1") + attr("backgroundColor", "255,255,255,255") + attr("wrapBehavior", "0") + attr("wrapString", "") +
             attr("useConditionalStyling", "0") + attr("relationId", "") + ">\n";
        for (auto& f : frames) o += sp(i4) + "<childFrame" + attr("uuid", f) + attr("templateUuid", f) + "/>\n";
        o += sp(i4) + "<headerTextFormat>\n" + text_style(8, true, i4 + 2) + sp(i4) + "</headerTextFormat>\n";
        o += sp(i4) + "<contentTextFormat>\n" + text_style(8, false, i4 + 2) + sp(i4) + "</contentTextFormat>\n";
        o += sp(i4) + "<displayColumns>\n";
        for (auto& c : fitted_columns(t)) o += table_column(c, i4 + 2, false);
        o += sp(i4) + "</displayColumns>\n" + sp(i4) + "<sortColumns>\n";
        if (!t.sort.empty()) o += table_column({"", t.sort, 0}, i4 + 2, true);
        o += sp(i4) + "</sortColumns>\n" + sp(i2) + "</LayoutMultiFrame>\n";
        // QGIS lays the rows out over the frames in this order on loading.
        for (size_t i = 0; i < boxes.size(); ++i) {
            o += item_open(kFrame, "table", frames[i], boxes[i], ph, z++, false, false,
                           attr("multiFrame", mf) + attr("multiFrameTemplateUuid", mf) + attr("sectionX", "0") + attr("sectionY", "0") +
                               attr("sectionWidth", num(boxes[i].w)) + attr("sectionHeight", num(boxes[i].h)) +
                               attr("hidePageIfEmpty", "0") + attr("hideBackgroundIfEmpty", "1"),
                           i2);
            o += item_close(i2);
        }
    }
    o += sp(i2) + "<Atlas enabled=\"0\"/>\n";
    o += sp(ind) + "</Layout>\n";
    return o;
}

}  // namespace

std::string layouts_xml(const std::vector<PrintLayout>& layouts, const std::vector<const ProjectLayer*>& layers, const Crs& crs,
                        int ind) {
    if (layouts.empty()) return "";
    std::string o = sp(ind) + "<Layouts>\n";
    for (size_t i = 0; i < layouts.size(); ++i) o += layout_xml(layouts[i], i, layers, crs, ind + 2);
    return o + sp(ind) + "</Layouts>\n";
}

}  // namespace lc::qgis
