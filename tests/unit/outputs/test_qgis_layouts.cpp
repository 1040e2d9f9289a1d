// Print layouts as QGIS reads them: what QGIS needs to tie the items together (the map's
// uuid in the legend, scale bar and north arrow; the table's frame and multiframe), text
// that keeps its line breaks, and the same XML for the same layout.
#include "outputs/qgis_layouts.hpp"

#include <doctest/doctest.h>

using namespace lc;
using namespace lc::qgis;

namespace {
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string attribute(const std::string& xml, const std::string& element_start, const std::string& name) {
    size_t at = xml.find(element_start);
    if (at == std::string::npos) return "";
    size_t a = xml.find(" " + name + "=\"", at);
    if (a == std::string::npos) return "";
    a += name.size() + 3;
    return xml.substr(a, xml.find('"', a) - a);
}
/// The CRS of the layouts' extents.
Crs utm48() {
    Crs c;
    c.authid = "EPSG:32648";
    c.srid = 32648;
    c.wkt = "PROJCRS[\"WGS 84 / UTM zone 48N\"]";
    return c;
}
/// The street units' layer as the project lists it, under `name`.
ProjectLayer street_layer(const std::string& name) {
    ProjectLayer units;
    units.id = "lifecircle_units_street";
    units.name = name;
    units.source = "./units_street.geojson";
    return units;
}
}  // namespace

TEST_CASE("print layouts: items tied to their map, text with line breaks, deterministic") {
    ProjectLayer units = street_layer("街道 & 乡镇");
    PrintLayout L;
    L.name = "01 一刻钟";
    L.map_box = {10, 31, 292, 256};
    L.extent = {0, 0, 1000, 800};
    L.map_layers = {"lifecircle_units_street", "not_in_the_project"};
    L.legend_layers = {"lifecircle_units_street"};
    L.texts.push_back({"note", {308, 250, 102, 36}, "规则集：kunming\n坐标系：EPSG:4543 & more", 7, false, {50, 50, 50, 255}, true});
    AttributeTable t;
    t.layer_id = "lifecircle_units_street";
    t.box = {308, 120, 102, 60};
    t.filter = "NOT \"rule_x_pass\"";
    t.sort = "\"rule_x_value\"";
    t.max_rows = 9;
    t.columns = {{"名称", "\"name\"", 40}};
    L.tables.push_back(t);

    std::vector<const ProjectLayer*> layers = {&units};
    std::string x = layouts_xml({L}, layers, utm48(), 2);
    CHECK(x == layouts_xml({L}, layers, utm48(), 2));
    CHECK(has(x, "<Layouts>"));
    CHECK(has(x, "name=\"01 一刻钟\""));
    CHECK(has(x, "printResolution=\"300\""));
    // A line break survives XML attribute normalisation only as a character reference.
    CHECK(has(x, "labelText=\"规则集：kunming&#10;坐标系：EPSG:4543 &amp; more\""));
    // The map shows the layers the project has, by id, and keeps them.
    CHECK(has(x, ">lifecircle_units_street</Layer>"));
    CHECK(!has(x, "not_in_the_project"));
    CHECK(has(x, "keepLayerSet=\"true\""));
    // The map says the CRS of its extent: without it QGIS reads the extent in the
    // project's CRS, which a user may change (an empty map).
    const size_t map_at = x.find("type=\"65639\""), crs_at = x.find("<crs>", map_at);
    REQUIRE(crs_at != std::string::npos);
    CHECK(crs_at < x.find("</LayoutItem>", map_at));
    CHECK(x.find("<authid>EPSG:32648</authid>", crs_at) < x.find("</crs>", crs_at));
    std::string map_uuid = attribute(x, "type=\"65639\"", "uuid");
    REQUIRE(!map_uuid.empty());
    CHECK(attribute(x, "type=\"65642\"", "map_uuid") == map_uuid);  // legend
    CHECK(attribute(x, "type=\"65646\"", "mapUuid") == map_uuid);   // scale bar
    CHECK(attribute(x, "type=\"65640\"", "mapUuid") == map_uuid);   // north arrow
    CHECK(attribute(x, "type=\"65640\"", "northMode") == "1");      // true north
    // The table: its frame names the multiframe, the multiframe its frame.
    std::string mf = attribute(x, "<LayoutMultiFrame", "uuid");
    CHECK(attribute(x, "type=\"65647\"", "multiFrame") == mf);
    CHECK(has(x, "<childFrame uuid=\"" + attribute(x, "type=\"65647\"", "uuid") + "\""));
    CHECK(attribute(x, "<LayoutMultiFrame", "featureFilter") == "NOT &quot;rule_x_pass&quot;");
    CHECK(attribute(x, "<LayoutMultiFrame", "maxFeatures") == "9");
    CHECK(layouts_xml({}, layers, utm48(), 2).empty());
}

TEST_CASE("print layouts: a second page, a table over frames, columns as wide as the table's box") {
    ProjectLayer units = street_layer("街道");
    PrintLayout L;
    L.name = "08 设施配置类指标";
    L.map_key = "life_circle_bands";
    L.pages = 2;
    L.map_box = {10, 31, 292, 256};
    AttributeTable t;
    t.layer_id = units.id;
    t.box = {10, 350, 95.5, 200};
    t.more_frames = {{111.5, 350, 95.5, 200}};
    // Two fixed columns and one taking the rest: 95.5 - 3 × 2 mm of cell margins - 4 grid
    // lines of 0.2 mm leaves 88.7 mm of text, 88.7 - 34 - 11 = 43.7 for the last column.
    t.columns = {{"名称", "\"name\"", 34}, {"项数", "1", 11}, {"编号", "'1'", 0}};
    L.tables.push_back(t);
    std::string x = layouts_xml({L}, {&units}, utm48(), 2);
    // The layout says which report map it prints (QgsLayout custom properties).
    CHECK(has(x, "<property key=\"lifecircle/map\" value=\"life_circle_bands\"/>"));
    // Two pages, the second 297 + 10 mm down (QGIS's gap between pages).
    CHECK(has(x, "type=\"65638\" id=\"\" uuid=\"{6c1fc1e0-0000-4000-8000-000000000001}\" templateUuid=\"{6c1fc1e0-0000-4000-8000-000000000001}\" position=\"0,0,mm\""));
    CHECK(has(x, "position=\"0,307,mm\" positionOnPage=\"0,0,mm\""));
    // Both frames belong to the table, each placed on page 2.
    std::string mf = attribute(x, "<LayoutMultiFrame", "uuid");
    size_t frames = 0;
    for (size_t at = x.find("multiFrame=\"" + mf + "\""); at != std::string::npos; at = x.find("multiFrame=\"" + mf + "\"", at + 1)) ++frames;
    CHECK(frames == 2);
    CHECK(has(x, "position=\"111.5,350,mm\" positionOnPage=\"111.5,43,mm\""));
    CHECK(attribute(x, "<LayoutMultiFrame", "headerMode") == "1");  // a header in every frame
    CHECK(has(x, "heading=\"名称\" width=\"34\""));
    CHECK(has(x, "heading=\"编号\" width=\"43.7\""));
}

TEST_CASE("print layouts: single-symbol layers go last in the legend, in a group of their own") {
    ProjectLayer classes, failing, district;
    classes.id = "lifecircle_print_x";
    classes.name = "街道：现状";
    classes.source = "./units_street.geojson";
    classes.style.renderer.type = "graduatedSymbol";
    failing = classes;
    failing.id = "lifecircle_print_x_failing";
    failing.name = "未达标单元";
    failing.style.renderer.type = "singleSymbol";
    district.id = "lifecircle_units_district";
    district.name = "区县";
    district.source = "./units_district.geojson";
    PrintLayout L;
    L.name = "01";
    L.map_box = {10, 31, 292, 256};
    L.extent = {0, 0, 1000, 800};
    L.map_layers = {"lifecircle_units_district", "lifecircle_print_x_failing", "lifecircle_print_x"};
    L.legend_layers = {"lifecircle_units_district", "lifecircle_print_x", "lifecircle_print_x_failing"};
    std::vector<const ProjectLayer*> layers = {&classes, &failing, &district};
    std::string x = layouts_xml({L}, layers, utm48(), 2);
    // Without a group name the legend lists the layers as given.
    CHECK(x.find("id=\"lifecircle_units_district\"") < x.find("id=\"lifecircle_print_x\""));
    L.legend_reference_group = "边界与底图";
    x = layouts_xml({L}, layers, utm48(), 2);
    const size_t group = x.find("<layer-tree-group name=\"边界与底图\"");
    REQUIRE(group != std::string::npos);
    CHECK(x.find("id=\"lifecircle_print_x\"") < x.find("id=\"lifecircle_print_x_failing\""));
    CHECK(x.find("id=\"lifecircle_print_x_failing\"") < group);  // stays with its classes
    CHECK(x.find("id=\"lifecircle_units_district\"", x.find("<LayoutItem")) > group);
}
