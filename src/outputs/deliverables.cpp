#include "outputs/deliverables.hpp"

#include "common/chinacrs.hpp"
#include "common/errors.hpp"
#include "common/markup.hpp"
#include "outputs/outputs.hpp"
#include "outputs/print_layouts.hpp"
#include "outputs/qgis.hpp"
#include "outputs/qgis_styles.hpp"
#include "report/report_html.hpp"
#include "report/report_maps.hpp"
#include "report/report_sections.hpp"

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <memory>

namespace lc {

namespace fs = std::filesystem;

namespace {

/// The working CRS as QGIS describes a CRS (srsid 0: QGIS resolves it from the WKT).
qgis::Crs describe_crs(const std::string& def) {
    OGRSpatialReference s;
    if (def.empty() || s.SetFromUserInput(def.c_str()) != OGRERR_NONE) return qgis::wgs84();
    if (s.GetAuthorityName(nullptr) && std::string(s.GetAuthorityName(nullptr)) == "EPSG" && s.GetAuthorityCode(nullptr) &&
        std::string(s.GetAuthorityCode(nullptr)) == "4326")
        return qgis::wgs84();
    qgis::Crs c;
    char* wkt = nullptr;
    const char* opts[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", nullptr};
    if (s.exportToWkt(&wkt, opts) == OGRERR_NONE && wkt) c.wkt = wkt;
    CPLFree(wkt);
    char* proj4 = nullptr;
    if (s.exportToProj4(&proj4) == OGRERR_NONE && proj4) c.proj4 = proj4;
    CPLFree(proj4);
    if (s.GetAuthorityName(nullptr) && s.GetAuthorityCode(nullptr)) {
        c.authid = std::string(s.GetAuthorityName(nullptr)) + ":" + s.GetAuthorityCode(nullptr);
        c.srid = std::atol(s.GetAuthorityCode(nullptr));
    }
    if (s.GetName()) c.description = s.GetName();
    auto p = c.proj4.find("+proj=");
    if (p != std::string::npos) c.projection_acronym = c.proj4.substr(p + 6, c.proj4.find(' ', p) - p - 6);
    c.geographic = s.IsGeographic();
    return c;
}

/// An envelope from one CRS to another: the bounds of its outline sampled along the edges.
svg::Envelope reproject(const svg::Envelope& e, const std::string& from, const std::string& to) {
    if (e.empty() || from == to) return e;
    auto ct = chinacrs::make_transform(from, to);
    if (!ct) return e;
    svg::Envelope out;
    constexpr int n = 20;
    for (int i = 0; i <= n; ++i) {
        double f = static_cast<double>(i) / n;
        double xs[4] = {e.minx + f * (e.maxx - e.minx), e.minx + f * (e.maxx - e.minx), e.minx, e.maxx};
        double ys[4] = {e.miny, e.maxy, e.miny + f * (e.maxy - e.miny), e.miny + f * (e.maxy - e.miny)};
        int ok[4] = {0, 0, 0, 0};
        if (!ct->Transform(4, xs, ys, nullptr, ok)) continue;
        for (int k = 0; k < 4; ++k)
            if (ok[k]) out.add(xs[k], ys[k]);
    }
    return out.empty() ? e : out;
}

StyleContext style_context(const Inputs& in, const Analysis& a, const ReachResult& r, const std::string& lang, const FieldNames* names) {
    StyleContext c;
    c.lang = lang;
    c.names = names;
    c.types = r.types;
    for (auto& f : in.facilities) c.present_types.insert(f.type);
    // The headline reach rule drives the choropleths; any reach rule if none is headline.
    const RuleResult* pick = nullptr;
    for (auto& rr : a.rules)
        if (rr.rule->check == Check::ReachShare && (!pick || (rr.rule->headline && !pick->rule->headline))) pick = &rr;
    if (pick) {
        c.reach_rule_id = pick->rule->id;
        c.reach_rule_title = rule_title(*pick->rule, lang);
        c.reach_target = pick->target;
        c.reach_types = pick->rule->types.empty() ? r.types : pick->rule->types;
    } else if (!a.figures.empty()) {
        // No reach rule in the profile: compounds still show the 15-minute reach of the
        // home-care facilities (the report's figure).
        c.reach_types = a.figures.front().rule->types;
    }
    c.reach_home = !c.reach_types.empty() && c.reach_types == a.home_types;
    std::map<std::string, std::string> titles;
    for (auto& rr : a.rules) titles.emplace(rr.rule->id, rule_title(*rr.rule, lang));
    for (auto& g : a.gaps) {
        if (std::find(c.gap_reasons.begin(), c.gap_reasons.end(), g.reason) == c.gap_reasons.end()) c.gap_reasons.push_back(g.reason);
        auto t = titles.find(g.rule_id);
        const std::string title = t == titles.end() ? g.rule_id : t->second;
        auto& v = c.gap_rules[g.reason];
        if (std::find(v.begin(), v.end(), title) == v.end()) v.push_back(title);
    }
    return c;
}

/// Layer-tree group of an output layer (top group first).
int group_of(const std::string& name) {
    if (name == "gaps" || name == "facilities") return 0;
    if (name == "compounds" || name == "service_areas" || name == "uncovered") return 1;
    if (name.rfind("units_", 0) == 0) return 2;
    return 3;
}

/// Order inside a group: what should be drawn on top comes first.
int rank_of(const std::string& name) {
    static const std::vector<std::string> order = {"gaps", "facilities", "compounds", "uncovered", "service_areas",
                                                   "units_district", "units_street", "units_community", "rejected"};
    auto it = std::find(order.begin(), order.end(), name);
    return it == order.end() ? static_cast<int>(order.size()) : static_cast<int>(it - order.begin());
}

struct StyledLayer {
    const TableHead* table;
    std::string geometry;  ///< Point | Line | Polygon | ""
    std::string id;        ///< also the .qml file name
    qgis::LayerStyle style;
};

std::vector<StyledLayer> styled_layers(const std::vector<WrittenLayer>& layers, const StyleContext& c) {
    std::vector<StyledLayer> out;
    for (auto& L : layers) {
        if (!L.head.has_geometry) continue;
        for (auto& k : L.kinds) out.push_back({&L.head, k, kind_layer_id(L.head.name, k, L.kinds.size()), layer_style(L.head, k, c)});
    }
    std::stable_sort(out.begin(), out.end(), [](const StyledLayer& a, const StyledLayer& b) {
        return rank_of(a.table->name) < rank_of(b.table->name);
    });
    return out;
}

std::string wkb_type_name(const std::string& geometry) {
    if (geometry == "Point") return "Point";
    if (geometry == "Line") return "MultiLineString";
    if (geometry == "Polygon") return "MultiPolygon";
    return "NoGeometry";
}

/// Data source of a styled layer, relative to the project, in the format written.
std::string layer_source(const StyledLayer& sl, const std::string& format) {
    const bool part = sl.id != sl.table->name && !sl.geometry.empty();
    if (format == "shp") return "./" + sl.id + (sl.geometry.empty() ? ".dbf" : ".shp");
    std::string src = format == "gpkg" ? "./lifecircle.gpkg|layername=" + sl.table->name : "./" + sl.table->name + ".geojson";
    if (part) src += std::string("|geometrytype=") + (sl.geometry == "Line" ? "LineString" : sl.geometry);
    return src;
}

/// Field aliases that say what each figure rests on (SPEC 6): the denominator of every
/// ratio (census or compounds, estimated or given) and the compound estimates; in
/// Shapefiles, every other field whose name was shortened is shown by its full name.
std::vector<qgis::Alias> field_aliases(const TableHead& t, const Analysis& a, const StyleContext& c) {
    const std::string& lang = c.lang;
    std::vector<qgis::Alias> out;
    auto alias = [&](const std::string& f, const std::string& name) {
        for (size_t k = 0; k < t.fields.size(); ++k)
            if (t.fields[k].name == f) out.push_back({c.field(f), static_cast<int>(k), name});
    };
    if (t.name.rfind("units_", 0) == 0) {
        for (auto& rr : a.rules)
            if (std::string basis = ratio_basis(rr, lang); !basis.empty())
                alias("rule_" + rr.rule->id + "_value", rule_title(*rr.rule, lang) + " (" + basis + ")");
        for (int f = 0; f < kFigures; ++f)
            alias(std::string("census_") + figure_name(f), tr(lang, "普查", "census ") + measure_label(figure_name(f), lang, true));
        alias("childcare_places_per_1000", tr(lang, "每千人口托位数（分母：普查常住人口）", "Childcare places per 1000 residents (census)"));
    } else if (t.name == "compounds") {
        alias("population_source", tr(lang, "人口来源（data 原数据 / estimated 按普查比率估算）", "Population: data or estimated from census rates"));
        alias("elderly_source", tr(lang, "老年人口来源（data / estimated）", "Elderly: data or estimated from census rates"));
    }
    for (size_t k = 0; k < t.fields.size(); ++k) {
        const std::string& f = t.fields[k].name;
        if (c.field(f) != f && std::none_of(out.begin(), out.end(), [&](const qgis::Alias& x) { return x.index == static_cast<int>(k); }))
            out.push_back({c.field(f), static_cast<int>(k), f});
    }
    return out;
}

/// The layer abstract: the ratios' bases, the census join, the compound estimates and
/// every type the compounds' reach counts (their legend names up to three).
std::string layer_abstract(const TableHead& t, const Inputs& in, const Analysis& a, const StyleContext& c) {
    const std::string& lang = c.lang;
    std::string abstract;
    auto has = [&](const std::string& f) {
        return std::any_of(t.fields.begin(), t.fields.end(), [&](const Field& x) { return x.name == f; });
    };
    if (t.name.rfind("units_", 0) == 0) {
        for (auto& rr : a.rules)
            if (std::string basis = ratio_basis(rr, lang); !basis.empty() && has("rule_" + rr.rule->id + "_value"))
                abstract += rr.rule->id + ": " + basis + "\n";
        for (auto& tb : in.census.tables)
            abstract += tr(lang, "普查表 ", "census table ") + std::filesystem::path(tb.path).filename().u8string() + ": " +
                        std::to_string(tb.rows) + tr(lang, " 行，已关联 ", " rows, joined ") + std::to_string(tb.matched) + "\n";
    } else if (t.name == "compounds") {
        if (!c.reach_types.empty()) {
            abstract += tr(lang, "步行可达：以下任一设施在步行范围内：", "Within walking reach: any of ");
            for (size_t i = 0; i < c.reach_types.size(); ++i)
                abstract += (i ? tr(lang, "、", ", ") : "") + in_sentence(type_label(c.reach_types[i], lang), lang);
            abstract += "\n";
        }
        const CensusReport& cr = in.census;
        if (cr.compounds_estimated[0] + cr.compounds_estimated[2] > 0)
            abstract += tr(lang, "按所在单元普查比率估算：人口 ", "Estimated from their unit's census rates: population ") +
                        std::to_string(cr.compounds_estimated[0]) + tr(lang, " 个小区，老年人口 ", " compounds, elderly ") +
                        std::to_string(cr.compounds_estimated[2]) + tr(lang, " 个小区", " compounds");
    }
    return abstract;
}

/// The "一小" group: units coloured by childcare places per 1000 residents and the
/// childcare centres, when the data hold any.
void childcare_group(qgis::Project& q, const std::vector<StyledLayer>& styled, const Analysis& a, const StyleContext& c,
                     const std::string& format) {
    const StyledLayer* units = nullptr;
    const StyledLayer* fac = nullptr;
    for (const char* name : {"units_street", "units_district"})
        for (auto& sl : styled)
            if (!units && sl.table->name == name && sl.geometry == "Polygon" &&
                std::any_of(sl.table->fields.begin(), sl.table->fields.end(), [](const Field& f) { return f.name == "childcare_places_per_1000"; }))
                units = &sl;
    for (auto& sl : styled)
        if (sl.table->name == "facilities" && sl.geometry == "Point") fac = &sl;
    if (!units || !fac) return;
    const std::string& lang = c.lang;
    const RuleResult* rule = nullptr;
    for (auto& rr : a.rules)
        if (rr.rule->id == "childcare_places_per_1000") rule = &rr;
    // Without the rule, KM22's 4.5 places is a reference the legend holds the figure
    // against, no target of this profile.
    const double target = rule ? rule->rule->min : 4.5;
    qgis::ProjectGroup g;
    g.name = tr(lang, "一小：托育服务", "Children: childcare");
    qgis::ProjectLayer f;
    f.id = "lifecircle_childcare_facilities";
    f.name = tr(lang, "托育机构与指导中心", "Childcare and guidance centres");
    f.source = layer_source(*fac, format) + "|subset=" + quoted(c.field("type")) + " IN ('childcare', 'childcare_guidance')";
    f.wkb_type = "Point";
    StyleContext fc = c;
    fc.types = {"childcare", "childcare_guidance"};
    fc.present_types.clear();
    for (auto& ty : fc.types)
        if (c.present_types.count(ty)) fc.present_types.insert(ty);
    f.style = layer_style(*fac->table, "Point", fc);
    f.style.aliases = fac->style.aliases;
    g.layers.push_back(f);
    qgis::ProjectLayer u;
    u.id = "lifecircle_childcare_units";
    u.name = tr(lang, "每千人口托位数", "Childcare places per 1000 residents");
    if (rule) u.name += tr(lang, "（目标 ", " (target ") + fmt_trim(target, 2) + tr(lang, "）", ")");
    u.source = layer_source(*units, format);
    u.wkb_type = "MultiPolygon";
    const auto classes = rule ? target_classes(target, false, lang) : figure_classes(target, false, lang);
    u.style = choropleth_style("childcare_places_per_1000", classes, 1e9, std::nullopt, true, c);
    u.style.aliases = units->style.aliases;
    u.abstract = tr(lang, "分母：人口普查常住人口；托位按设施属性 places，普惠按 inclusive。",
                    "Denominator: census residents; places from the facility attribute places, inclusive ones marked inclusive.");
    g.layers.push_back(u);
    // Off when the project opens: the elderly-care layers are the default view.
    for (auto& l : g.layers) l.visible = false;
    g.expanded = false;
    q.groups.push_back(std::move(g));
}

std::string project_xml(GEOSContextHandle_t h, const Project& p, const Inputs& in, const Analysis& a,
                        const std::vector<StyledLayer>& styled, const StyleContext& c, const DeliverableOptions& opt) {
    const std::string& format = opt.format;
    qgis::Project q;
    q.title = p.name.empty() ? std::string("lifecircle") : p.name;
    const bool gis = format != "geojson";
    q.layer_crs = gis ? describe_crs(opt.output_crs) : qgis::wgs84();
    // The map in the CRS the layers were asked in when it is a projected one (a Gauss-Kruger
    // zone), else in the working CRS: metres for the scale bar either way.
    const std::string map_crs = gis && !q.layer_crs.geographic ? opt.output_crs : in.working_crs;
    q.crs = describe_crs(map_crs);
    svg::Envelope e = reproject(study_extent(h, in), in.working_crs, map_crs);
    if (!e.empty()) {
        double mx = (e.maxx - e.minx) * 0.03, my = (e.maxy - e.miny) * 0.03;
        q.view = {e.minx - mx, e.miny - my, e.maxx + mx, e.maxy + my};
    }
    const char* names[][2] = {{"结果：缺口与设施", "Results: gaps and facilities"},
                              {"步行可达分析", "Walking reach"},
                              {"覆盖率（行政单元）", "Coverage by administrative unit"},
                              {"数据质量", "Data quality"},
                              {"出图图层（打印布局专用）", "Print layout layers"}};
    q.groups.resize(5);
    for (int g = 0; g < 5; ++g) q.groups[g].name = tr(c.lang, names[g][0], names[g][1]);
    q.groups[4].expanded = false;
    std::vector<MainLayer> main;
    for (auto& sl : styled) {
        qgis::ProjectLayer l;
        l.id = "lifecircle_" + sl.id;
        l.name = layer_title(*sl.table, c);
        if (sl.id != sl.table->name && !sl.geometry.empty()) l.name += " (" + sl.geometry + ")";
        l.source = layer_source(sl, format);
        l.wkb_type = wkb_type_name(sl.geometry);
        l.style = sl.style;
        l.visible = layer_visible(*sl.table);
        // Long category lists (service areas, hatches) stay folded in the layer tree.
        l.expanded = sl.table->name != "service_areas" && sl.table->name != "uncovered" && sl.table->name != "rejected";
        l.abstract = layer_abstract(*sl.table, in, a, c);
        // The units failing the headline reach rule outlined in red: a layer of its own
        // just above the choropleth, so that no class's legend swatch shows the outline.
        if (auto f = failing_units_style(*sl.table, sl.geometry, c)) {
            qgis::ProjectLayer o;
            o.id = l.id + "_failing";
            o.name = f->title;
            o.source = l.source + "|subset=" + f->subset;
            o.wkb_type = l.wkb_type;
            o.style = f->style;
            o.style.aliases = l.style.aliases;
            o.visible = l.visible;
            q.groups[group_of(sl.table->name)].layers.push_back(std::move(o));
        }
        main.push_back({sl.table, sl.geometry, l});
        q.groups[group_of(sl.table->name)].layers.push_back(std::move(l));
    }
    PrintContext px{p, in, a, c, q.crs.authid + " " + q.crs.description, e};
    PrintPlan plan = plan_print_layouts(px, main);
    q.groups[4].layers = plan.layers;
    for (auto& g : q.groups)
        for (auto& l : g.layers) l.name = sentence_case(l.name, c.lang);
    std::vector<const qgis::ProjectLayer*> all;
    for (auto& g : q.groups)
        for (auto& l : g.layers) all.push_back(&l);
    q.layouts_xml = qgis::layouts_xml(plan.layouts, all, q.crs, 2);
    childcare_group(q, styled, a, c, format);
    q.groups.erase(std::remove_if(q.groups.begin(), q.groups.end(), [](const qgis::ProjectGroup& g) { return g.layers.empty(); }),
                   q.groups.end());
    return qgis::project_document(q);
}

/// Default styles inside the GeoPackage (QGIS's `layer_styles` table), so a layer
/// dragged from the file into QGIS opens styled.
void write_gpkg_styles(const fs::path& gpkg, const std::vector<StyledLayer>& styled, const StyleContext& c) {
    GDALAllRegister();
    FixedDate date;
    GDALDatasetUniquePtr ds(GDALDataset::Open(gpkg.u8string().c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    if (!ds) throw OutputError(gpkg.u8string() + ": cannot open to add the QGIS layer styles (" + CPLGetLastErrorMsg() + ")");
    OGRLayer* ls = ds->GetLayerByName("layer_styles");
    if (!ls) {
        const char* opts[] = {"SPATIAL_INDEX=NO", nullptr};
        ls = ds->CreateLayer("layer_styles", nullptr, wkbNone, const_cast<char**>(opts));
        if (!ls) throw OutputError(gpkg.u8string() + ": cannot create the layer_styles table (" + CPLGetLastErrorMsg() + ")");
        auto add = [&](const char* n, OGRFieldType t, int width, OGRFieldSubType sub = OFSTNone) {
            OGRFieldDefn f(n, t);
            f.SetWidth(width);
            f.SetSubType(sub);
            if (ls->CreateField(&f) != OGRERR_NONE)
                throw OutputError(gpkg.u8string() + ": cannot create layer_styles." + n + " (" + CPLGetLastErrorMsg() + ")");
        };
        // The columns and widths QGIS itself creates (QgsOgrProviderMetadata::saveStyle).
        add("f_table_catalog", OFTString, 256);
        add("f_table_schema", OFTString, 256);
        add("f_table_name", OFTString, 256);
        add("f_geometry_column", OFTString, 256);
        add("styleName", OFTString, 30);
        add("styleQML", OFTString, 0);
        add("styleSLD", OFTString, 0);
        add("useAsDefault", OFTInteger, 0, OFSTBoolean);
        add("description", OFTString, 0);
        add("owner", OFTString, 30);
        add("ui", OFTString, 30);
        add("update_time", OFTDateTime, 0);
    }
    if (ls->StartTransaction() != OGRERR_NONE) throw OutputError(gpkg.u8string() + ": " + CPLGetLastErrorMsg());
    std::vector<std::string> done;
    for (auto& sl : styled) {
        const std::string& name = sl.table->name;
        if (std::find(done.begin(), done.end(), name) != done.end()) continue;
        done.push_back(name);
        // One default per table; a table mixing kinds (QGIS shows it as sublayers
        // sharing this style) gets rules that pick each kind's symbols.
        qgis::LayerStyle style = standalone_style(*sl.table, sl.geometry, sl.style, c);
        std::vector<std::pair<std::string, qgis::Renderer>> kinds;
        for (auto& other : styled)
            if (other.table == sl.table && !other.geometry.empty()) kinds.push_back({other.geometry, other.style.renderer});
        if (kinds.size() > 1) {
            auto overlays = style.renderer.overlays;
            style.renderer = qgis::by_geometry(std::move(kinds));
            style.renderer.overlays = std::move(overlays);
            style.geometry = "Unknown";
        }
        OGRLayer* data = ds->GetLayerByName(name.c_str());
        if (!data) continue;
        OGRFeature f(ls->GetLayerDefn());
        f.SetField("f_table_catalog", "");
        f.SetField("f_table_schema", "");
        f.SetField("f_table_name", name.c_str());
        f.SetField("f_geometry_column", data->GetGeometryColumn());
        f.SetField("styleName", name.substr(0, 30).c_str());
        f.SetField("styleQML", qgis::qml_document(style).c_str());
        f.SetField("styleSLD", "");
        f.SetField("useAsDefault", 1);
        f.SetField("description", (std::string("lifecircle ") + LIFECIRCLE_VERSION).c_str());
        f.SetField("owner", "");
        if (ls->CreateFeature(&f) != OGRERR_NONE)
            throw OutputError(gpkg.u8string() + ": cannot write the style of " + name + " (" + CPLGetLastErrorMsg() + ")");
    }
    if (ls->CommitTransaction() != OGRERR_NONE) throw OutputError(gpkg.u8string() + ": " + CPLGetLastErrorMsg());
}

}  // namespace

WrittenLayer written_layer(GEOSContextHandle_t h, const Table& t) { return {t, geometry_kinds(h, t)}; }

void write_deliverables(Engine& engine, const fs::path& dir, const Project& p, const Inputs& in, const ReachResult& r, const Analysis& a,
                        const std::vector<WrittenLayer>& layers, const Table& coverage, const json& summary,
                        const DeliverableOptions& opt) {
    const std::string lang = opt.lang == "en" ? "en" : "zh";
    StyleContext c = style_context(in, a, r, lang, opt.format == "shp" ? opt.names : nullptr);
    GEOSContextHandle_t h = engine.main();
    auto styled = styled_layers(layers, c);
    for (auto& sl : styled) sl.style.aliases = field_aliases(*sl.table, a, c);

    std::error_code ec;
    fs::create_directories(dir / "styles", ec);
    if (ec) throw OutputError((dir / "styles").u8string() + ": cannot create (" + ec.message() + ")");
    for (auto& sl : styled)
        write_text(dir / "styles" / fs::u8path(sl.id + ".qml"), qgis::qml_document(standalone_style(*sl.table, sl.geometry, sl.style, c)));
    write_text(dir / "lifecircle.qgs", project_xml(h, p, in, a, styled, c, opt));
    if (opt.format == "gpkg") write_gpkg_styles(dir / "lifecircle.gpkg", styled, c);

    const std::vector<IndicatorMap> drawn_now = opt.maps ? std::vector<IndicatorMap>{} : indicator_maps(h, p, in, a, lang, opt.map_paths);
    const std::vector<IndicatorMap>& maps = opt.maps ? *opt.maps : drawn_now;
    fs::create_directories(dir / "maps", ec);
    if (ec) throw OutputError((dir / "maps").u8string() + ": cannot create (" + ec.message() + ")");
    for (auto& m : maps) write_text(dir / "maps" / fs::u8path(m.file), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + m.svg);

    std::vector<std::string> files;
    for (auto& L : layers)
        if (L.head.has_geometry) files.push_back(L.head.name + ".geojson");
    if (opt.format == "gpkg") files.push_back("lifecircle.gpkg");
    if (opt.format == "shp") {
        for (auto& sl : styled) files.push_back(sl.id + (sl.geometry.empty() ? ".dbf" : ".shp"));
        // A reader of the Shapefiles needs the full field names and the text cut to fit.
        files.push_back("fields.csv");
        files.push_back("long_text.csv");
    }
    write_text(dir / "report.html", report_html(p, in, r, a, summary, maps, files, coverage, lang));
}

}  // namespace lc
