#include "outputs/qgis_styles.hpp"
#include "project/vocabulary.hpp"


#include "ingest/ingest.hpp"
#include "common/markup.hpp"
#include "outputs/symbology.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

namespace lc {

namespace {

using qgis::Class;
using qgis::LayerStyle;
using qgis::Symbol;

bool has_field(const TableHead& t, const std::string& n) {
    return std::any_of(t.fields.begin(), t.fields.end(), [&](const Field& f) { return f.name == n; });
}

std::string quote_field(const std::string& n) {
    std::string q = "\"";
    for (char c : n) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

Rgba with_alpha(Rgba c, int a) {
    c.a = a;
    return c;
}

/// 0 point, 1 line, 2 polygon, -1 none, from a GEOS type id or a WKB type code.
int kind_of_geos(int id) {
    switch (id) {
        case GEOS_POINT:
        case GEOS_MULTIPOINT: return 0;
        case GEOS_LINESTRING:
        case GEOS_LINEARRING:
        case GEOS_MULTILINESTRING: return 1;
        case GEOS_POLYGON:
        case GEOS_MULTIPOLYGON: return 2;
        default: return -1;
    }
}

int kind_of_wkb(const std::vector<unsigned char>& w) {
    if (w.size() < 5) return -1;
    uint32_t t = w[0] ? (w[1] | w[2] << 8 | w[3] << 16 | static_cast<uint32_t>(w[4]) << 24)
                      : (w[4] | w[3] << 8 | w[2] << 16 | static_cast<uint32_t>(w[1]) << 24);
    t = (t & 0x0fffffffu) % 1000;  // drop EWKB flags and ISO Z/M offsets
    switch (t) {
        case 1:
        case 4: return 0;
        case 2:
        case 5: return 1;
        case 3:
        case 6: return 2;
        default: return -1;
    }
}

const char* kind_name(int k) { return k == 0 ? "Point" : k == 1 ? "Line" : "Polygon"; }

/// A symbol of the right kind for the geometry, from a fill colour and an outline.
Symbol area_symbol(const std::string& geometry, const Rgba& fill, const Rgba& outline, double outline_mm, double marker_mm = 2.2) {
    if (geometry == "Point") return qgis::marker_symbol("circle", fill, outline, marker_mm, outline_mm);
    if (geometry == "Line") return qgis::line_symbol(outline, std::max(outline_mm, 0.4));
    return qgis::fill_symbol(fill, outline, outline_mm);
}

qgis::Labels name_labels(const std::string& field, double size, double min_scale, const Rgba& color = {40, 40, 40, 255}) {
    qgis::Labels l;
    l.enabled = true;
    l.text = field;
    l.size_pt = size;
    l.min_scale = min_scale;
    l.color = color;
    return l;
}

/// Without the headline reach rule at a unit level, the choropleth shows the elderly
/// share reached by one type, the first with the field: that type (empty if none).
static std::string single_reach_type(const TableHead& t, const StyleContext& c) {
    for (auto& ty : c.types)
        if (has_field(t, "reach_" + ty + "_elderly_share")) return ty;
    return "";
}

LayerStyle units_style(const TableHead& t, const std::string& geometry, const StyleContext& c) {
    LayerStyle s;
    s.geometry = geometry;
    bool district = t.name == "units_district";
    bool street = t.name == "units_street";
    std::string value;
    double target = c.reach_target;
    const bool rule = !c.reach_rule_id.empty() && has_field(t, "rule_" + c.reach_rule_id + "_value");
    if (rule) {
        value = "rule_" + c.reach_rule_id + "_value";
    } else {
        // No headline reach rule at this level: the elderly share reached by the first
        // type, which the layer's title names: a figure held against 100%, no plan target.
        target = 1;
        if (const std::string ty = single_reach_type(t, c); !ty.empty()) value = "reach_" + ty + "_elderly_share";
    }
    if (district || value.empty() || geometry != "Polygon") {
        s.renderer.symbol = district ? qgis::outline_symbol({26, 26, 26, 255}, 0.7)
                                     : area_symbol(geometry, no_data_color(), {120, 120, 120, 255}, 0.26);
        s.labels = name_labels("name", district ? 12 : 9, 0);
        s.labels.bold = district;
        s.labels.priority = district ? 9 : 7;
        // A street's name anywhere inside it (QGIS "horizontal" placement): the
        // district's name takes the centre of the street there.
        if (!district && geometry == "Polygon") s.labels.placement = 4;
        return s;
    }
    // The classes plain: a legend swatch shows its fill only. The failing units' outline
    // is a layer of its own over this one (failing_units_style), with its own legend entry.
    const auto classes = rule ? target_classes(target, true, c.lang) : figure_classes(target, true, c.lang);
    s = choropleth_style(value, classes, std::max(1.0, target), target, street, c);
    s.geometry = geometry;
    s.labels.min_scale = street ? 0 : c.detail_label_scale;
    s.labels.placement = 4;  // anywhere inside the unit: the district's name sits at its centre
    return s;
}

LayerStyle facilities_style(const TableHead& t, const std::string& geometry, const StyleContext& c) {
    LayerStyle s;
    s.geometry = geometry;
    if (geometry != "Point") {
        s.renderer.symbol = area_symbol(geometry, {136, 136, 136, 255}, {255, 255, 255, 255}, 0.3);
        return s;
    }
    s.renderer.type = "categorizedSymbol";
    s.renderer.attr = "type";
    // Only the types the layer holds: a class of a type with no facility (one a rule
    // names, one outside the layer's subset) would tell the reader the map shows some.
    std::vector<std::string> types;
    for (auto& ty : c.types)
        if (c.present_types.count(ty)) types.push_back(ty);
    for (auto& ty : types) {
        TypeStyle ts = type_style(ty);
        Class k;
        k.value = ty;
        k.label = type_label(ty, c.lang);
        k.symbol = qgis::marker_symbol(ts.qgis_shape, ts.color, {255, 255, 255, 255}, ts.size_mm, 0.3);
        s.renderer.classes.push_back(k);
    }
    // QGIS's "all other values" category (an empty value), for types no class lists.
    if (std::any_of(c.present_types.begin(), c.present_types.end(),
                    [&](const std::string& ty) { return std::find(types.begin(), types.end(), ty) == types.end(); })) {
        Class other;
        other.label = tr(c.lang, "其他", "other");
        other.symbol = qgis::marker_symbol("circle", {136, 136, 136, 255}, {255, 255, 255, 255}, 2.2, 0.3);
        s.renderer.classes.push_back(other);
    }
    s.labels = name_labels("name", 8, 15000);
    s.labels.placement = 0;
    (void)t;
    return s;
}

LayerStyle gaps_style(const std::string& geometry, const StyleContext& c) {
    LayerStyle s;
    s.geometry = geometry;
    s.renderer.type = "categorizedSymbol";
    s.renderer.attr = "reason";
    std::vector<std::string> reasons = c.gap_reasons;
    for (auto r : {"not_reached", "unreachable", "no_facility", "area_below_standard", "single_site_too_small", "unknown_year",
                   "unknown_households"})
        if (std::find(reasons.begin(), reasons.end(), r) == reasons.end()) reasons.push_back(r);
    Rgba dark{120, 0, 0, 255};
    for (auto& r : reasons) {
        Class k;
        k.value = r;
        k.label = reason_label(r, c.lang);
        // Which rules' gaps these are: the layer holds every rule's.
        if (auto it = c.gap_rules.find(r); it != c.gap_rules.end() && !it->second.empty()) {
            std::string rules;
            for (auto& t : it->second) rules += (rules.empty() ? "" : tr(c.lang, "、", "; ")) + t;
            k.label += tr(c.lang, "（", " (") + rules + tr(c.lang, "）", ")");
        }
        k.symbol = area_symbol(geometry, with_alpha(reason_style(r).color, 230), dark, geometry == "Point" ? 0.3 : 0.35, 2.6);
        s.renderer.classes.push_back(k);
    }
    Class other;
    other.label = tr(c.lang, "其他", "other");
    other.symbol = area_symbol(geometry, {215, 48, 31, 230}, dark, 0.35, 2.6);
    s.renderer.classes.push_back(other);
    // Labelled only zoomed in (beyond 1:10,000): hundreds of gap names over a whole
    // district would bury the map.
    s.labels = name_labels("name", 7.5, 10000, {150, 0, 0, 255});
    s.labels.placement = geometry == "Polygon" ? 1 : 0;
    s.labels.priority = 6;
    return s;
}

/// The types of `types`, named for a legend: all of up to three, else the first two and
/// how many in all (the layer's abstract lists them all).
std::string types_named(const std::vector<std::string>& types, const std::string& lang) {
    const size_t shown = types.size() <= 3 ? types.size() : 2;
    std::string s;
    for (size_t i = 0; i < shown; ++i) {
        const std::string n = in_sentence(type_label(types[i], lang), lang);
        s += (i == 0 ? "" : lang == "en" ? i + 1 == shown && shown == types.size() ? " or " : ", " : "、") + n;
    }
    if (shown < types.size())
        s += lang == "en" ? " and " + std::to_string(types.size() - shown) + " more" : "等 " + std::to_string(types.size()) + " 类";
    return s;
}

/// The type the hatched uncovered layer shows: one, as overlapping hatches are unreadable.
std::string hatched_type(const StyleContext& c) {
    return !c.reach_types.empty() ? c.reach_types[0] : !c.types.empty() ? c.types[0] : "";
}

LayerStyle compounds_style(const std::string& geometry, const StyleContext& c) {
    LayerStyle s;
    s.geometry = geometry;
    std::string expr;
    // Booleans are 1/0 in a Shapefile: tested as truth values, never against true/false.
    for (auto& ty : c.reach_types) expr += (expr.empty() ? "" : " OR ") + quote_field(c.field("reached_" + ty));
    Rgba reached{178, 190, 204, 255}, outline{110, 120, 135, 255};
    if (expr.empty()) {
        s.renderer.symbol = area_symbol(geometry, reached, outline, 0.1, 1.6);
    } else {
        s.renderer.type = "categorizedSymbol";
        s.renderer.attr = "CASE WHEN " + expr + " THEN 'reached' ELSE 'not_reached' END";
        Class in_reach, out;
        in_reach.value = "reached";
        // Which types count, said on the legend: the units' choropleth and the hatched
        // uncovered areas beside it may be of one type only, these of any of several.
        const bool any = c.reach_types.size() > 1;
        const std::string home = c.reach_home ? tr(c.lang, "居家养老设施", " home-care type") : "";
        const std::string kinds = types_named(c.reach_types, c.lang);
        in_reach.label = c.lang == "en" ? "Within walking reach (" + std::string(any ? "any" + home + ": " : "") + kinds + ")"
                                        : "步行可达（" + std::string(any ? "任一" + home + "：" : "") + kinds + "）";
        in_reach.symbol = area_symbol(geometry, reached, outline, 0.1, 1.6);
        out.value = "not_reached";
        out.label = any ? tr(c.lang, "步行可达范围外（以上设施均不可达）", "Outside walking reach (none of them)")
                        : tr(c.lang, "步行可达范围外", "Outside walking reach");
        out.symbol = area_symbol(geometry, {253, 208, 162, 255}, {200, 90, 40, 255}, 0.15, 1.6);
        s.renderer.classes = {in_reach, out};
    }
    s.labels = name_labels("name", 7.5, 8000, {70, 70, 70, 255});
    return s;
}

LayerStyle by_type_style(const std::string& geometry, const StyleContext& c, bool hatch) {
    LayerStyle s;
    s.geometry = geometry;
    s.renderer.type = "categorizedSymbol";
    s.renderer.attr = "type";
    const std::string shown = hatched_type(c);
    double angle = 45;
    for (auto& ty : c.types) {
        // A service area per facility: a type without one has no class. (Every analysed
        // type has uncovered parts, all of the units where it has no facility.)
        if (!hatch && !c.present_types.count(ty)) continue;
        TypeStyle ts = type_style(ty);
        Class k;
        k.value = ty;
        k.label = type_label(ty, c.lang);
        if (hatch) {
            // One type ticked: overlapping hatches of several types would be unreadable.
            k.symbol = qgis::hatch_symbol(ts.color, angle, 1.6, 0.25, with_alpha(ts.color, 200), 0.2);
            k.render = ty == shown;
            angle = angle == 45 ? 135 : angle == 135 ? 0 : angle == 0 ? 90 : 45;
        } else {
            k.symbol = qgis::fill_symbol(with_alpha(ts.color, 22), with_alpha(ts.color, 150), 0.2);
        }
        s.renderer.classes.push_back(k);
    }
    return s;
}

LayerStyle rejected_style(const std::string& geometry) {
    LayerStyle s;
    s.geometry = geometry;
    Rgba m{200, 0, 160, 255};
    if (geometry == "Point") s.renderer.symbol = qgis::marker_symbol("cross", m, m, 2.6, 0.4);
    else if (geometry == "Line") s.renderer.symbol = qgis::line_symbol(m, 0.5, "dash");
    else s.renderer.symbol = qgis::outline_symbol(m, 0.5, "dash");
    return s;
}

}  // namespace

std::string row_kind(GEOSContextHandle_t h, const Table& t, size_t i) {
    if (!t.has_geometry) return "";
    int k = -1;
    if (i < t.geoms.size() && t.geoms[i]) k = kind_of_geos(GEOSGeomTypeId_r(h, t.geoms[i]));
    else if (t.source && t.source->type_id(i) >= 0) k = kind_of_geos(t.source->type_id(i));
    else if (i < t.wkb_wgs84.size()) k = kind_of_wkb(t.wkb_wgs84[i]);
    return k < 0 ? std::string() : std::string(kind_name(k));
}

std::vector<std::string> geometry_kinds(GEOSContextHandle_t h, const Table& t) {
    std::set<std::string> kinds;
    for (size_t i = 0; i < t.size(); ++i) {
        std::string k = row_kind(h, t, i);
        if (!k.empty()) kinds.insert(k);
    }
    std::vector<std::string> out;
    for (auto k : {"Point", "Line", "Polygon"})
        if (kinds.count(k)) out.push_back(k);
    if (out.empty()) out.push_back("");
    return out;
}

std::string kind_layer_id(const std::string& table, const std::string& kind, size_t kinds) {
    if (kinds <= 1) return table;
    return table + "_" + (kind.empty() ? std::string("table") : kind == "Line" ? std::string("line") : kind == "Point" ? std::string("point") : std::string("polygon"));
}

LayerStyle choropleth_style(const std::string& value, const std::vector<ValueClass>& classes, double top,
                            std::optional<double> share_target, bool coarse, const StyleContext& c) {
    LayerStyle s;
    s.geometry = "Polygon";
    s.renderer.type = "graduatedSymbol";
    // QGIS leaves features outside every range undrawn: NULL becomes -1, its own class.
    s.renderer.attr = "coalesce(" + quote_field(c.field(value)) + ", -1)";
    const double eps = 1e-9;
    const double border = coarse ? 0.3 : 0.15;
    for (size_t i = 0; i < classes.size(); ++i) {
        Class k;
        k.lower = i == 0 ? 0 : classes[i].lower;
        k.upper = i + 1 < classes.size() ? classes[i + 1].lower - eps : std::max(top, classes[i].lower);
        k.label = classes[i].label;
        k.symbol = qgis::fill_symbol(classes[i].color, {255, 255, 255, 255}, border);
        s.renderer.classes.push_back(k);
    }
    Class nd;
    nd.lower = nd.upper = -1;
    nd.label = tr(c.lang, "不适用或无数据", "not applicable / no data");
    nd.symbol = qgis::fill_symbol(no_data_color(), {255, 255, 255, 255}, border);
    s.renderer.classes.push_back(nd);
    s.labels = name_labels("", coarse ? 9 : 7.5, 0);
    s.labels.is_expression = true;
    s.labels.text = quote_field(c.field("name")) + " || '\\n' || " + figure_expression(value, share_target, c);
    s.labels.priority = coarse ? 8 : 4;
    return s;
}

std::string figure_expression(const std::string& value, std::optional<double> share_target, const StyleContext& c) {
    std::string v = quote_field(c.field(value));
    if (!share_target) return "CASE WHEN " + v + " IS NULL THEN '—' ELSE to_string(round(" + v + ", 2)) END";
    // A failing 99.96% reads 99.9%, never 100%.
    std::string tg = fmt_trim(*share_target, 9), rounded = "round(" + v + " * 100, 1)";
    return "CASE WHEN " + v + " IS NULL THEN '—' WHEN " + v + " < " + tg + " AND " + rounded + " >= " + tg +
           " * 100 THEN to_string(floor(" + v + " * 1000) / 10) || '%' ELSE to_string(" + rounded + ") || '%' END";
}

std::string quoted(const std::string& field) { return quote_field(field); }

std::string is_false(const std::string& field) { return "NOT " + quote_field(field); }

LayerStyle layer_style(const TableHead& t, const std::string& geometry, const StyleContext& c) {
    if (t.name.rfind("units_", 0) == 0) return units_style(t, geometry, c);
    if (t.name == "facilities") return facilities_style(t, geometry, c);
    if (t.name == "gaps") return gaps_style(geometry, c);
    if (t.name == "compounds") return compounds_style(geometry, c);
    if (t.name == "service_areas" && geometry == "Polygon" && !c.types.empty()) return by_type_style(geometry, c, false);
    if (t.name == "uncovered" && geometry == "Polygon" && !c.types.empty()) return by_type_style(geometry, c, true);
    if (t.name == "rejected") return rejected_style(geometry);
    LayerStyle s;
    s.geometry = geometry;
    s.renderer.symbol = area_symbol(geometry, {200, 200, 200, 180}, {90, 90, 90, 255}, 0.26);
    return s;
}

std::string layer_title(const TableHead& t, const StyleContext& c) {
    const std::string& L = c.lang;
    auto units = [&](const char* level) {
        std::string s = level_label(level, L, true);
        if (!c.reach_rule_id.empty() && has_field(t, "rule_" + c.reach_rule_id + "_value"))
            s += tr(L, "：", ": ") + c.reach_rule_title;
        else if (const std::string ty = single_reach_type(t, c); !ty.empty())
            s += L == "en" ? ": share of elderly within walking reach (" + type_label(ty, L) + " only)"
                           : "：老年人口步行可达比例（仅" + type_label(ty, L) + "）";
        else s += tr(L, "：老年人口步行可达比例", ": share of elderly within walking reach");
        return s;
    };
    if (t.name == "units_district") return tr(L, "区县", "Districts");
    if (t.name == "units_street") return units("street");
    if (t.name == "units_community") return units("community");
    if (t.name == "gaps") return tr(L, "缺口小区", "Gap compounds");
    if (t.name == "facilities") return tr(L, "养老服务设施", "Elderly-care facilities");
    if (t.name == "compounds") return tr(L, "住宅小区", "Residential compounds");
    if (t.name == "service_areas") return tr(L, "设施服务范围", "Facility service areas");
    if (t.name == "uncovered") {
        const std::string ty = hatched_type(c);
        if (ty.empty()) return tr(L, "服务范围未覆盖区域（斜线）", "Areas outside service reach (hatched)");
        const std::string n = in_sentence(type_label(ty, L), L);
        return L == "en" ? "Areas outside service reach (" + n + ", hatched)" : "服务范围未覆盖区域（" + n + "，斜线）";
    }
    if (t.name == "rejected") return tr(L, "剔除记录", "Rejected records");
    return t.name;
}

std::optional<FailingUnits> failing_units_style(const TableHead& t, const std::string& geometry, const StyleContext& c) {
    if (geometry != "Polygon" || c.reach_rule_id.empty() || t.name == "units_district" || t.name.rfind("units_", 0) != 0) return std::nullopt;
    const std::string pass = "rule_" + c.reach_rule_id + "_pass";
    if (!has_field(t, pass) || !has_field(t, "rule_" + c.reach_rule_id + "_value")) return std::nullopt;
    FailingUnits f;
    f.style.geometry = "Polygon";
    f.style.renderer.symbol = qgis::outline_symbol(failing_outline_color(), t.name == "units_street" ? 0.8 : 0.55);
    // OGR SQL (the layer's subset): booleans are 1/0 in every format written.
    f.subset = quote_field(c.field(pass)) + " = 0";
    const std::string level = t.name.substr(6);
    f.title = c.lang == "en" ? c.reach_rule_title + ": " + level_label(level, "en", true) + " failing (red outline)"
                             : c.reach_rule_title + "：未达标的" + level_label(level, "zh", true) + "（红框）";
    return f;
}

LayerStyle standalone_style(const TableHead& t, const std::string& geometry, const LayerStyle& s, const StyleContext& c) {
    auto f = failing_units_style(t, geometry, c);
    if (!f) return s;
    LayerStyle out = s;
    out.renderer = qgis::by_geometry({{"", s.renderer}});
    out.renderer.overlays.push_back({is_false(c.field("rule_" + c.reach_rule_id + "_pass")), f->title, f->style.renderer.symbol});
    return out;
}

bool layer_visible(const TableHead& t) { return t.name != "units_community" && t.name != "service_areas"; }

}  // namespace lc
