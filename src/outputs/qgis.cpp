#include "outputs/qgis.hpp"

#include "common/markup.hpp"
#include "outputs/qgis_xml.hpp"

#include <cmath>
#include <cstdio>

namespace lc::qgis {

namespace {

/// The QGIS release whose reader this XML was checked against (Debian 12's QGIS).
const char* kVersion = "3.22.16-Białowieża";

/// An empty collection of data-defined properties (QGIS writes one for every symbol).
std::string dd_properties(const std::string& tag, int ind) {
    std::string s = sp(ind) + "<" + tag + ">\n" + sp(ind + 2) + "<Option type=\"Map\">\n" + sp(ind + 4) +
                    "<Option type=\"QString\" name=\"name\" value=\"\"/>\n";
    s += sp(ind + 4) + "<Option name=\"properties\"/>\n";
    s += sp(ind + 4) + "<Option type=\"QString\" name=\"type\" value=\"collection\"/>\n" + sp(ind + 2) + "</Option>\n" + sp(ind) +
         "</" + tag + ">\n";
    return s;
}

std::string symbol_xml(const Symbol& sym, const std::string& name, int ind) {
    std::string s = sp(ind) + "<symbol" + attr("type", sym.type) + attr("name", name) + attr("alpha", num(sym.alpha)) +
                    attr("clip_to_extent", "1") + attr("force_rhr", "0") + ">\n";
    s += dd_properties("data_defined_properties", ind + 2);
    for (size_t i = 0; i < sym.layers.size(); ++i) {
        const SymbolLayer& l = sym.layers[i];
        s += sp(ind + 2) + "<layer" + attr("class", l.cls) + attr("enabled", "1") + attr("locked", "0") + attr("pass", std::to_string(l.pass)) + ">\n";
        s += sp(ind + 4) + "<Option type=\"Map\">\n";
        for (auto& [k, v] : l.props) s += sp(ind + 6) + "<Option type=\"QString\"" + attr("name", k) + attr("value", v) + "/>\n";
        s += sp(ind + 4) + "</Option>\n";
        for (auto& [k, v] : l.props) s += sp(ind + 4) + "<prop" + attr("k", k) + attr("v", v) + "/>\n";
        s += dd_properties("data_defined_properties", ind + 4);
        if (l.sub) s += symbol_xml(*l.sub, "@" + name + "@" + std::to_string(i), ind + 4);
        s += sp(ind + 2) + "</layer>\n";
    }
    s += sp(ind) + "</symbol>\n";
    return s;
}

std::string color_props(const Rgba& c) { return c.qgis(); }

}  // namespace

Symbol fill_symbol(const Rgba& fill, const Rgba& outline, double outline_mm, const std::string& outline_style) {
    Symbol s;
    s.type = "fill";
    s.layers.push_back({"SimpleFill",
                        {{"color", color_props(fill)},
                         {"joinstyle", "round"},
                         {"offset", "0,0"},
                         {"offset_unit", "MM"},
                         {"outline_color", color_props(outline)},
                         {"outline_style", outline_style},
                         {"outline_width", num(outline_mm)},
                         {"outline_width_unit", "MM"},
                         {"style", "solid"}},
                        nullptr});
    return s;
}

Symbol outline_symbol(const Rgba& outline, double outline_mm, const std::string& outline_style) {
    Symbol s = fill_symbol({0, 0, 0, 0}, outline, outline_mm, outline_style);
    for (auto& [k, v] : s.layers[0].props)
        if (k == "style") v = "no";
    return s;
}

Symbol marker_symbol(const std::string& shape, const Rgba& fill, const Rgba& outline, double size_mm, double outline_mm) {
    Symbol s;
    s.type = "marker";
    s.layers.push_back({"SimpleMarker",
                        {{"angle", "0"},
                         {"color", color_props(fill)},
                         {"horizontal_anchor_point", "1"},
                         {"joinstyle", "round"},
                         {"name", shape},
                         {"offset", "0,0"},
                         {"offset_unit", "MM"},
                         {"outline_color", color_props(outline)},
                         {"outline_style", "solid"},
                         {"outline_width", num(outline_mm)},
                         {"outline_width_unit", "MM"},
                         {"scale_method", "diameter"},
                         {"size", num(size_mm)},
                         {"size_unit", "MM"},
                         {"vertical_anchor_point", "1"}},
                        nullptr});
    return s;
}

Symbol line_symbol(const Rgba& color, double width_mm, const std::string& pen) {
    Symbol s;
    s.type = "line";
    s.layers.push_back({"SimpleLine",
                        {{"capstyle", "round"},
                         {"customdash", "5;2"},
                         {"customdash_unit", "MM"},
                         {"joinstyle", "round"},
                         {"line_color", color_props(color)},
                         {"line_style", pen},
                         {"line_width", num(width_mm)},
                         {"line_width_unit", "MM"},
                         {"offset", "0"},
                         {"offset_unit", "MM"},
                         {"use_custom_dash", "0"}},
                        nullptr});
    return s;
}

Symbol hatch_symbol(const Rgba& line, double angle_deg, double spacing_mm, double width_mm, const Rgba& outline, double outline_mm) {
    Symbol s;
    s.type = "fill";
    SymbolLayer hatch{"LinePatternFill",
                      {{"angle", num(angle_deg)},
                       {"color", color_props(line)},
                       {"distance", num(spacing_mm)},
                       {"distance_unit", "MM"},
                       {"line_width", num(width_mm)},
                       {"line_width_unit", "MM"},
                       {"offset", "0"},
                       {"offset_unit", "MM"},
                       {"outline_width_unit", "MM"}},
                      std::make_shared<Symbol>(line_symbol(line, width_mm))};
    s.layers.push_back(std::move(hatch));
    Symbol frame = outline_symbol(outline, outline_mm);
    s.layers.push_back(frame.layers[0]);
    return s;
}

Renderer by_geometry(std::vector<std::pair<std::string, Renderer>> per_kind) {
    Renderer r;
    r.type = "RuleRenderer";
    r.by_geometry = std::move(per_kind);
    return r;
}

namespace {

std::string rule_xml(const std::string& key, const std::string& filter, const std::string& label, int symbol, int ind,
                     const std::string& children = "") {
    std::string s = sp(ind) + "<rule" + attr("key", key) + (filter.empty() ? "" : attr("filter", filter)) + attr("label", label);
    if (symbol >= 0) s += attr("symbol", std::to_string(symbol));
    return children.empty() ? s + "/>\n" : s + ">\n" + children + sp(ind) + "</rule>\n";
}

/// Rules of one geometry kind's renderer, appending the symbols they use.
std::string kind_rules(const std::string& kind, const Renderer& r, std::vector<std::pair<std::string, const Symbol*>>& symbols, int ind) {
    auto add = [&](const Symbol& sym) {
        symbols.push_back({std::to_string(symbols.size()), &sym});
        return static_cast<int>(symbols.size()) - 1;
    };
    std::string expr = "(" + r.attr + ")", children;
    for (size_t i = 0; i < r.classes.size() && r.type != "singleSymbol"; ++i) {
        const Class& c = r.classes[i];
        std::string filter;
        if (r.type == "categorizedSymbol") {
            std::string v;
            for (char ch : c.value) v += ch == '\'' ? std::string("''") : std::string(1, ch);
            filter = c.value.empty() ? "ELSE" : expr + " = '" + v + "'";
        } else {
            filter = expr + " >= " + num(c.lower) + " AND " + expr + " <= " + num(c.upper);
        }
        if (c.render) children += rule_xml(kind + std::to_string(i), filter, c.label, add(c.symbol), ind + 2);
    }
    // Every feature: the classes as top-level rules, beside any overlay (a categorized
    // ELSE class would then leave out what an overlay matches: only graduated and plain
    // categories come here).
    if (kind.empty()) return r.type == "singleSymbol" ? rule_xml("all", "", "", add(r.symbol), ind) : children;
    std::string filter = "geometry_type($geometry) = '" + kind + "'";
    if (r.type == "singleSymbol") return rule_xml(kind, filter, kind, add(r.symbol), ind);
    return rule_xml(kind, filter, kind, -1, ind, children);
}

}  // namespace

std::string renderer_xml(const Renderer& r, int ind) {
    if (r.type == "RuleRenderer") {
        std::vector<std::pair<std::string, const Symbol*>> symbols;
        std::string rules;
        for (auto& [kind, sub] : r.by_geometry) rules += kind_rules(kind, sub, symbols, ind + 4);
        std::vector<Symbol> over;
        over.reserve(r.overlays.size());  // `symbols` points into it
        for (size_t i = 0; i < r.overlays.size(); ++i) {
            over.push_back(r.overlays[i].symbol);
            for (auto& l : over.back().layers) l.pass = 1;
            symbols.push_back({std::to_string(symbols.size()), &over.back()});
            rules += rule_xml("overlay" + std::to_string(i), r.overlays[i].filter, r.overlays[i].label,
                              static_cast<int>(symbols.size()) - 1, ind + 4);
        }
        const char* levels = r.overlays.empty() ? "0" : "1";
        std::string s = sp(ind) + "<renderer-v2" + attr("type", "RuleRenderer") + attr("symbollevels", levels) + attr("forceraster", "0") +
                        attr("enableorderby", "0") + attr("referencescale", "-1") + ">\n";
        s += sp(ind + 2) + "<rules key=\"root\">\n" + rules + sp(ind + 2) + "</rules>\n" + sp(ind + 2) + "<symbols>\n";
        for (auto& [name, sym] : symbols) s += symbol_xml(*sym, name, ind + 4);
        s += sp(ind + 2) + "</symbols>\n" + sp(ind) + "</renderer-v2>\n";
        return s;
    }
    std::string s = sp(ind) + "<renderer-v2" + attr("type", r.type);
    if (r.type != "singleSymbol") s += attr("attr", r.attr);
    if (r.type == "graduatedSymbol") s += attr("graduatedMethod", "GraduatedColor");
    s += attr("symbollevels", "0") + attr("forceraster", "0") + attr("enableorderby", "0") + attr("referencescale", "-1") + ">\n";
    if (r.type == "categorizedSymbol") {
        s += sp(ind + 2) + "<categories>\n";
        for (size_t i = 0; i < r.classes.size(); ++i) {
            const Class& c = r.classes[i];
            s += sp(ind + 4) + "<category" + attr("value", c.value) + attr("symbol", std::to_string(i)) + attr("label", c.label) +
                 attr("render", c.render ? "true" : "false") + "/>\n";
        }
        s += sp(ind + 2) + "</categories>\n";
    } else if (r.type == "graduatedSymbol") {
        s += sp(ind + 2) + "<ranges>\n";
        for (size_t i = 0; i < r.classes.size(); ++i) {
            const Class& c = r.classes[i];
            s += sp(ind + 4) + "<range" + attr("lower", num(c.lower)) + attr("upper", num(c.upper)) + attr("symbol", std::to_string(i)) +
                 attr("label", c.label) + attr("render", c.render ? "true" : "false") + "/>\n";
        }
        s += sp(ind + 2) + "</ranges>\n";
    }
    s += sp(ind + 2) + "<symbols>\n";
    if (r.type == "singleSymbol") s += symbol_xml(r.symbol, "0", ind + 4);
    else
        for (size_t i = 0; i < r.classes.size(); ++i) s += symbol_xml(r.classes[i].symbol, std::to_string(i), ind + 4);
    s += sp(ind + 2) + "</symbols>\n";
    if (r.type == "graduatedSymbol") {
        // Breaks are fixed by the indicator's target: a re-classification in QGIS should
        // start from "custom", not silently switch to quantiles.
        s += sp(ind + 2) + "<mode name=\"custom\"/>\n";
        s += sp(ind + 2) + "<classificationMethod id=\"Custom\">\n" + sp(ind + 4) +
             "<symmetricMode enabled=\"0\" symmetrypoint=\"0\" astride=\"0\"/>\n" + sp(ind + 4) +
             "<labelFormat format=\"%1 - %2\" labelprecision=\"4\" trimtrailingzeroes=\"1\"/>\n" + sp(ind + 4) +
             "<parameters>\n" + sp(ind + 6) + "<Option/>\n" + sp(ind + 4) + "</parameters>\n" + sp(ind + 4) + "<extraInformation/>\n" +
             sp(ind + 2) + "</classificationMethod>\n";
    }
    s += sp(ind + 2) + "<rotation/>\n" + sp(ind + 2) + "<sizescale/>\n" + sp(ind) + "</renderer-v2>\n";
    return s;
}

std::string labeling_xml(const Labels& l, int ind) {
    if (!l.enabled) return "";
    std::string s = sp(ind) + "<labeling type=\"simple\">\n" + sp(ind + 2) + "<settings calloutType=\"simple\">\n";
    s += sp(ind + 4) + "<text-style" + attr("fieldName", l.text) + attr("isExpression", l.is_expression ? "1" : "0") +
         attr("fontFamily", kCjkFont) + attr("namedStyle", l.bold ? "Bold" : "Regular") + attr("fontSize", num(l.size_pt)) +
         attr("fontSizeUnit", "Point") + attr("fontWeight", l.bold ? "75" : "50") + attr("fontItalic", "0") +
         attr("fontUnderline", "0") + attr("fontStrikeout", "0") + attr("fontKerning", "1") + attr("fontLetterSpacing", "0") +
         attr("fontWordSpacing", "0") + attr("textColor", l.color.qgis()) + attr("textOpacity", "1") +
         attr("textOrientation", "horizontal") + attr("multilineHeight", "1") + attr("capitalization", "0") +
         attr("allowHtml", "0") + attr("blendMode", "0") + attr("useSubstitutions", "0") +
         attr("previewBkgrdColor", "255,255,255,255") + attr("legendString", "Aa") + ">\n";
    // Fallback families for machines without Noto (QGIS >= 3.20 reads these).
    s += sp(ind + 6) + "<families>\n";
    for (auto f : {"Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "SimHei"})
        s += sp(ind + 8) + "<family" + attr("name", f) + "/>\n";
    s += sp(ind + 6) + "</families>\n";
    s += sp(ind + 6) + "<text-buffer" + attr("bufferDraw", l.buffer_mm > 0 ? "1" : "0") + attr("bufferSize", num(l.buffer_mm)) +
         attr("bufferSizeUnits", "MM") + attr("bufferColor", l.buffer.qgis()) + attr("bufferOpacity", "1") +
         attr("bufferNoFill", "1") + attr("bufferJoinStyle", "128") + attr("bufferBlendMode", "0") + "/>\n";
    s += sp(ind + 6) + "<background shapeDraw=\"0\"/>\n" + sp(ind + 6) + "<shadow shadowDraw=\"0\"/>\n";
    s += sp(ind + 6) + "<substitutions/>\n" + sp(ind + 4) + "</text-style>\n";
    s += sp(ind + 4) + "<text-format" + attr("wrapChar", "") + attr("autoWrapLength", "0") + attr("multilineAlign", "1") +
         attr("formatNumbers", "0") + attr("decimals", "3") + attr("plussign", "0") + attr("addDirectionSymbol", "0") + "/>\n";
    s += sp(ind + 4) + "<placement" + attr("placement", std::to_string(l.placement)) + attr("centroidInside", "1") +
         attr("centroidWhole", "0") + attr("fitInPolygonOnly", "0") + attr("dist", l.placement == 0 ? "1" : "0") +
         attr("distUnits", "MM") + attr("offsetType", "0") + attr("quadOffset", "4") + attr("xOffset", "0") + attr("yOffset", "0") +
         attr("offsetUnits", "MM") + attr("priority", std::to_string(l.priority)) + attr("placementFlags", "10") +
         attr("polygonPlacementFlags", "2") + attr("overrunDistance", "0") + attr("repeatDistance", "0") + "/>\n";
    s += sp(ind + 4) + "<rendering" + attr("drawLabels", "1") + attr("scaleVisibility", l.min_scale > 0 ? "1" : "0") +
         attr("scaleMin", "0") +
         // QGIS keys the zoomed-out limit (its minimumScale) as "scaleMax".
         attr("scaleMax", num(l.min_scale)) + attr("obstacle", "1") + attr("obstacleFactor", "1") +
         attr("obstacleType", "1") + attr("upsidedownLabels", "0") + attr("labelPerPart", "0") + attr("mergeLines", "0") +
         attr("displayAll", "0") + attr("zIndex", "0") + attr("limitNumLabels", "0") + attr("maxNumLabels", "2000") +
         attr("minFeatureSize", "0") + attr("fontLimitPixelSize", "0") + attr("fontMinPixelSize", "3") +
         attr("fontMaxPixelSize", "10000") + attr("unplacedVisibility", "0") + "/>\n";
    s += dd_properties("dd_properties", ind + 4);
    s += sp(ind + 2) + "</settings>\n" + sp(ind) + "</labeling>\n";
    return s;
}

namespace {

/// The style part shared by a .qml document and a project's <maplayer>.
std::string style_body(const LayerStyle& s, int ind) {
    std::string out;
    if (!s.aliases.empty()) {
        out += sp(ind) + "<aliases>\n";
        for (auto& a : s.aliases)
            out += sp(ind + 2) + "<alias" + attr("field", a.field) + attr("index", std::to_string(a.index)) + attr("name", a.name) + "/>\n";
        out += sp(ind) + "</aliases>\n";
    }
    if (!s.geometry.empty()) out += renderer_xml(s.renderer, ind);
    out += labeling_xml(s.labels, ind);
    out += sp(ind) + "<blendMode>0</blendMode>\n" + sp(ind) + "<featureBlendMode>0</featureBlendMode>\n";
    out += sp(ind) + "<layerOpacity>" + num(s.opacity) + "</layerOpacity>\n";
    return out;
}

int geometry_code(const std::string& g) {
    return g == "Point" ? 0 : g == "Line" ? 1 : g == "Polygon" ? 2 : g == "Unknown" ? 3 : 4;
}


}  // namespace

std::string spatialrefsys(const Crs& c, int ind) {
    return sp(ind) + "<spatialrefsys>\n" + sp(ind + 2) + "<wkt>" + xml_escape(c.wkt) + "</wkt>\n" + sp(ind + 2) + "<proj4>" +
           xml_escape(c.proj4) + "</proj4>\n" + sp(ind + 2) + "<srsid>" + std::to_string(c.srsid) + "</srsid>\n" + sp(ind + 2) +
           "<srid>" + std::to_string(c.srid) + "</srid>\n" + sp(ind + 2) + "<authid>" + xml_escape(c.authid) + "</authid>\n" +
           sp(ind + 2) + "<description>" + xml_escape(c.description) + "</description>\n" + sp(ind + 2) + "<projectionacronym>" +
           xml_escape(c.projection_acronym) + "</projectionacronym>\n" + sp(ind + 2) + "<ellipsoidacronym>" +
           xml_escape(c.ellipsoid_acronym) + "</ellipsoidacronym>\n" + sp(ind + 2) + "<geographicflag>" +
           (c.geographic ? "true" : "false") + "</geographicflag>\n" + sp(ind) + "</spatialrefsys>\n";
}

std::string qml_document(const LayerStyle& s) {
    std::string out = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
    out += std::string("<qgis") + attr("version", kVersion) + attr("styleCategories", "Symbology|Labeling|Rendering") +
           attr("labelsEnabled", s.labels.enabled ? "1" : "0") + attr("hasScaleBasedVisibilityFlag", "0") +
           attr("minScale", "100000000") + attr("maxScale", "0") + ">\n";
    out += style_body(s, 2);
    out += "  <layerGeometryType>" + std::to_string(geometry_code(s.geometry)) + "</layerGeometryType>\n";
    out += "</qgis>\n";
    return out;
}

Crs wgs84() {
    Crs c;
    c.authid = "EPSG:4326";
    c.wkt = "GEOGCRS[\"WGS 84\",DATUM[\"World Geodetic System 1984\",ELLIPSOID[\"WGS 84\",6378137,298.257223563,"
            "LENGTHUNIT[\"metre\",1]]],PRIMEM[\"Greenwich\",0,ANGLEUNIT[\"degree\",0.0174532925199433]],CS[ellipsoidal,2],"
            "AXIS[\"geodetic latitude (Lat)\",north,ORDER[1],ANGLEUNIT[\"degree\",0.0174532925199433]],"
            "AXIS[\"geodetic longitude (Lon)\",east,ORDER[2],ANGLEUNIT[\"degree\",0.0174532925199433]],ID[\"EPSG\",4326]]";
    c.proj4 = "+proj=longlat +datum=WGS84 +no_defs";
    c.description = "WGS 84";
    c.projection_acronym = "longlat";
    c.ellipsoid_acronym = "EPSG:7030";
    c.srsid = 3452;
    c.srid = 4326;
    c.geographic = true;
    return c;
}

std::string project_document(const Project& p) {
    std::string o = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
    o += std::string("<qgis") + attr("projectname", p.title) + attr("version", kVersion) + ">\n";
    o += "  <homePath path=\"\"/>\n  <title>" + xml_escape(p.title) + "</title>\n";
    o += "  <autotransaction active=\"0\"/>\n  <evaluateDefaultValues active=\"0\"/>\n  <trust active=\"0\"/>\n";
    o += "  <projectCrs>\n" + spatialrefsys(p.crs, 4) + "  </projectCrs>\n";
    // Layer tree: top group and top layer first; QGIS draws the tree bottom-up.
    o += "  <layer-tree-group>\n    <customproperties/>\n";
    std::vector<const ProjectLayer*> order;
    for (auto& g : p.groups) {
        o += "    <layer-tree-group" + attr("name", g.name) + attr("checked", "Qt::Checked") + attr("expanded", g.expanded ? "1" : "0") +
             ">\n      <customproperties/>\n";
        for (auto& l : g.layers) {
            o += "      <layer-tree-layer" + attr("id", l.id) + attr("name", l.name) + attr("source", l.source) +
                 attr("providerKey", "ogr") + attr("checked", l.visible ? "Qt::Checked" : "Qt::Unchecked") +
                 attr("expanded", l.expanded ? "1" : "0") + attr("legend_exp", "") + ">\n        <customproperties/>\n" +
                 "      </layer-tree-layer>\n";
            order.push_back(&l);
        }
        o += "    </layer-tree-group>\n";
    }
    o += "    <custom-order enabled=\"0\">\n";
    for (auto it = order.rbegin(); it != order.rend(); ++it) o += "      <item>" + xml_escape((*it)->id) + "</item>\n";
    o += "    </custom-order>\n  </layer-tree-group>\n";
    o += "  <mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\">\n    <units>" +
         std::string(p.crs.geographic ? "degrees" : "meters") + "</units>\n    <extent>\n" + "      <xmin>" + num(p.view.xmin) +
         "</xmin>\n      <ymin>" + num(p.view.ymin) + "</ymin>\n      <xmax>" + num(p.view.xmax) + "</xmax>\n      <ymax>" +
         num(p.view.ymax) + "</ymax>\n    </extent>\n    <rotation>0</rotation>\n    <destinationsrs>\n" +
         spatialrefsys(p.crs, 6) + "    </destinationsrs>\n    <rendermaptile>0</rendermaptile>\n  </mapcanvas>\n";
    o += "  <projectlayers>\n";
    for (const ProjectLayer* l : order) {
        const LayerStyle& s = l->style;
        std::string geom = s.geometry.empty() ? "No geometry" : s.geometry;
        o += "    <maplayer" + attr("type", "vector") + attr("geometry", geom) + attr("wkbType", l->wkb_type) +
             attr("labelsEnabled", s.labels.enabled ? "1" : "0") + attr("hasScaleBasedVisibilityFlag", "0") +
             attr("minScale", "100000000") + attr("maxScale", "0") + attr("readOnly", "0") + attr("autoRefreshEnabled", "0") +
             attr("autoRefreshTime", "0") + attr("refreshOnNotifyEnabled", "0") + attr("refreshOnNotifyMessage", "") +
             attr("simplifyDrawingHints", "1") + attr("simplifyDrawingTol", "1") + attr("simplifyLocal", "1") +
             attr("simplifyMaxScale", "1") + attr("simplifyAlgorithm", "0") + attr("styleCategories", "AllStyleCategories") + ">\n";
        o += "      <id>" + xml_escape(l->id) + "</id>\n      <datasource>" + xml_escape(l->source) + "</datasource>\n";
        o += "      <layername>" + xml_escape(l->name) + "</layername>\n      <srs>\n" + spatialrefsys(p.layer_crs, 8) + "      </srs>\n";
        o += "      <provider encoding=\"UTF-8\">ogr</provider>\n";
        o += "      <flags>\n        <Identifiable>1</Identifiable>\n        <Removable>1</Removable>\n"
             "        <Searchable>1</Searchable>\n        <Private>0</Private>\n      </flags>\n";
        if (!l->abstract.empty())
            o += "      <resourceMetadata>\n        <identifier>" + xml_escape(l->id) + "</identifier>\n        <title>" + xml_escape(l->name) +
                 "</title>\n        <abstract>" + xml_escape(l->abstract) + "</abstract>\n      </resourceMetadata>\n";
        o += style_body(s, 6);
        o += "    </maplayer>\n";
    }
    o += "  </projectlayers>\n  <layerorder>\n";
    for (auto it = order.rbegin(); it != order.rend(); ++it) o += "    <layer" + attr("id", (*it)->id) + "/>\n";
    o += "  </layerorder>\n";
    // Without ProjectionsEnabled QGIS ignores <projectCrs> and falls back to WGS 84.
    o += "  <properties>\n    <SpatialRefSys>\n      <ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>\n"
         "      <ProjectCrs type=\"QString\">" +
         xml_escape(p.crs.authid) + "</ProjectCrs>\n    </SpatialRefSys>\n";
    o += "    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n    </Paths>\n"
         "    <PAL>\n      <DrawRectOnly type=\"bool\">false</DrawRectOnly>\n      <ShowingAllLabels type=\"bool\">false</ShowingAllLabels>\n"
         "      <ShowingPartialsLabels type=\"bool\">false</ShowingPartialsLabels>\n"
         "      <CandidatesPolygonPerCM type=\"double\">2.5</CandidatesPolygonPerCM>\n"
         "      <CandidatesLinePerCM type=\"double\">5</CandidatesLinePerCM>\n"
         "      <SearchMethod type=\"int\">0</SearchMethod>\n      <TextFormat type=\"int\">0</TextFormat>\n    </PAL>\n";
    // Measured on the ellipsoid: in a projected output CRS (Web Mercator, a
    // Gauss-Krüger zone far from its meridian) planar scale bars and measurements are off
    // by up to a tenth. WGS 84's ellipsoid; CGCS2000's differs by well under a millimetre.
    o += "    <Measure>\n      <Ellipsoid type=\"QString\">EPSG:7030</Ellipsoid>\n    </Measure>\n";
    o += "    <Measurement>\n      <DistanceUnits type=\"QString\">meters</DistanceUnits>\n"
         "      <AreaUnits type=\"QString\">m2</AreaUnits>\n    </Measurement>\n  </properties>\n";
    o += "  <ProjectViewSettings UseProjectScales=\"0\" rotation=\"0\">\n    <Scales/>\n    <DefaultViewExtent" +
         attr("xmin", num(p.view.xmin)) + attr("ymin", num(p.view.ymin)) + attr("xmax", num(p.view.xmax)) +
         attr("ymax", num(p.view.ymax)) + ">\n" + spatialrefsys(p.crs, 6) + "    </DefaultViewExtent>\n  </ProjectViewSettings>\n";
    o += p.layouts_xml;
    o += "</qgis>\n";
    return o;
}

}  // namespace lc::qgis
