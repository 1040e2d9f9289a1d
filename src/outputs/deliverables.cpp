#include "outputs/deliverables.hpp"

#include "common/errors.hpp"
#include "common/markup.hpp"
#include "outputs/outputs.hpp"
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

StyleContext style_context(const Analysis& a, const ReachResult& r, const std::string& lang) {
    StyleContext c;
    c.lang = lang;
    c.types = r.types;
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
    for (auto& g : a.gaps)
        if (std::find(c.gap_reasons.begin(), c.gap_reasons.end(), g.reason) == c.gap_reasons.end()) c.gap_reasons.push_back(g.reason);
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
    const Table* table;
    std::string geometry;  ///< Point | Line | Polygon | ""
    std::string id;        ///< also the .qml file name
    qgis::LayerStyle style;
};

std::vector<StyledLayer> styled_layers(const std::vector<Table>& layers, const StyleContext& c) {
    std::vector<StyledLayer> out;
    for (auto& t : layers) {
        if (!t.has_geometry) continue;
        auto kinds = geometry_kinds(t);
        for (auto& k : kinds) {
            std::string id = t.name;
            if (kinds.size() > 1) id += "_" + (k.empty() ? std::string("table") : k == "Line" ? std::string("line") : k == "Point" ? std::string("point") : std::string("polygon"));
            out.push_back({&t, k, id, layer_style(t, k, c)});
        }
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

/// Field aliases and a layer abstract that say what each figure rests on (SPEC 6): the
/// denominator of every ratio (census or compounds, estimated or given), the census
/// join and the compound estimates.
void describe_basis(qgis::ProjectLayer& l, const Table& t, const Inputs& in, const Analysis& a, const std::string& lang) {
    auto index = [&](const std::string& f) {
        for (size_t k = 0; k < t.fields.size(); ++k)
            if (t.fields[k].name == f) return static_cast<int>(k);
        return -1;
    };
    auto alias = [&](const std::string& f, const std::string& name) {
        int k = index(f);
        if (k >= 0) l.aliases.push_back({f, k, name});
    };
    std::string abstract;
    if (t.name.rfind("units_", 0) == 0) {
        for (auto& rr : a.rules) {
            std::string basis = ratio_basis(rr, lang);
            if (basis.empty() || index("rule_" + rr.rule->id + "_value") < 0) continue;
            alias("rule_" + rr.rule->id + "_value", rule_title(*rr.rule, lang) + " (" + basis + ")");
            abstract += rr.rule->id + ": " + basis + "\n";
        }
        const char* zh[] = {"普查常住人口", "普查户数", "普查老年人口（60岁及以上）", "普查婴幼儿（0-3岁）"};
        const char* en[] = {"census residents", "census households", "census elderly (60+)", "census infants (0-3)"};
        for (int f = 0; f < kFigures; ++f) alias(std::string("census_") + figure_name(f), tr(lang, zh[f], en[f]));
        alias("childcare_places_per_1000", tr(lang, "每千人口托位数（分母：普查常住人口）", "Childcare places per 1000 residents (census)"));
        for (auto& tb : in.census.tables)
            abstract += tr(lang, "普查表 ", "census table ") + std::filesystem::path(tb.path).filename().u8string() + ": " +
                        std::to_string(tb.rows) + tr(lang, " 行，已关联 ", " rows, joined ") + std::to_string(tb.matched) + "\n";
    } else if (t.name == "compounds") {
        alias("population_source", tr(lang, "人口来源（data 原数据 / estimated 按普查比率估算）", "Population: data or estimated from census rates"));
        alias("elderly_source", tr(lang, "老年人口来源（data / estimated）", "Elderly: data or estimated from census rates"));
        const CensusReport& c = in.census;
        if (c.compounds_estimated[0] + c.compounds_estimated[2] > 0)
            abstract += tr(lang, "按所在单元普查比率估算：人口 ", "Estimated from their unit's census rates: population ") +
                        std::to_string(c.compounds_estimated[0]) + tr(lang, " 个小区，老年人口 ", " compounds, elderly ") +
                        std::to_string(c.compounds_estimated[2]) + tr(lang, " 个小区", " compounds");
    }
    l.abstract = abstract;
}

/// The "一小" group: units coloured by childcare places per 1000 residents and the
/// childcare centres, when the data hold any.
void childcare_group(qgis::Project& q, const std::vector<Table>& layers, const Analysis& a, const std::string& lang,
                     const std::string& format) {
    const Table* units = nullptr;
    for (const char* name : {"units_street", "units_district"})
        for (auto& t : layers)
            if (!units && t.name == name && std::any_of(t.fields.begin(), t.fields.end(), [](const Field& f) {
                    return f.name == "childcare_places_per_1000";
                }))
                units = &t;
    if (!units) return;
    double target = 4.5;  // KM22 目标 "每千人口托位数达到4.5个"
    for (auto& rr : a.rules)
        if (rr.rule->id == "childcare_places_per_1000") target = rr.rule->min;
    auto source = [&](const std::string& table) {
        return format == "gpkg" ? "./lifecircle.gpkg|layername=" + table : "./" + table + ".geojson";
    };
    qgis::ProjectGroup g;
    g.name = tr(lang, "一小：托育服务", "Children: childcare");
    qgis::ProjectLayer fac;
    fac.id = "lifecircle_childcare_facilities";
    fac.name = tr(lang, "托育机构与指导中心", "Childcare and guidance centres");
    fac.source = source("facilities") + "|subset=\"type\" IN ('childcare', 'childcare_guidance')";
    fac.wkb_type = "Point";
    StyleContext fc;
    fc.lang = lang;
    fc.types = {"childcare", "childcare_guidance"};
    for (auto& t : layers)
        if (t.name == "facilities") fac.style = layer_style(t, "Point", fc);
    g.layers.push_back(fac);
    qgis::ProjectLayer u;
    u.id = "lifecircle_childcare_units";
    u.name = tr(lang, "每千人口托位数（目标 ", "Childcare places per 1000 residents (target ") + fmt_trim(target, 2) + tr(lang, "）", ")");
    u.source = source(units->name);
    u.wkb_type = "MultiPolygon";
    u.style = per_1000_style("childcare_places_per_1000", target, lang);
    u.abstract = tr(lang, "分母：人口普查常住人口；托位按设施属性 places，普惠按 inclusive。",
                    "Denominator: census residents; places from the facility attribute places, inclusive ones marked inclusive.");
    g.layers.push_back(u);
    // Off when the project opens: the elderly-care layers are the default view.
    for (auto& l : g.layers) l.visible = false;
    g.expanded = false;
    q.groups.push_back(std::move(g));
}

std::string project_xml(const Project& p, const Inputs& in, const Analysis& a, const std::vector<Table>& layers,
                        const std::vector<StyledLayer>& styled, const StyleContext& c, const std::string& format) {
    qgis::Project q;
    q.title = p.name.empty() ? std::string("lifecircle") : p.name;
    q.crs = describe_crs(in.working_crs);
    q.layer_crs = qgis::wgs84();
    svg::Envelope e = study_extent(in);
    if (!e.empty()) {
        double mx = (e.maxx - e.minx) * 0.03, my = (e.maxy - e.miny) * 0.03;
        q.view = {e.minx - mx, e.miny - my, e.maxx + mx, e.maxy + my};
    }
    const char* names[][2] = {{"结果：缺口与设施", "Results: gaps and facilities"},
                              {"步行可达分析", "Walking reach"},
                              {"覆盖率（行政单元）", "Coverage by administrative unit"},
                              {"数据质量", "Data quality"}};
    q.groups.resize(4);
    for (int g = 0; g < 4; ++g) q.groups[g].name = tr(c.lang, names[g][0], names[g][1]);
    for (auto& sl : styled) {
        qgis::ProjectLayer l;
        l.id = "lifecircle_" + sl.id;
        l.name = layer_title(*sl.table, c);
        if (sl.id != sl.table->name && !sl.geometry.empty()) l.name += " (" + sl.geometry + ")";
        if (format == "gpkg") l.source = "./lifecircle.gpkg|layername=" + sl.table->name;
        else l.source = "./" + sl.table->name + ".geojson";
        if (sl.id != sl.table->name && !sl.geometry.empty())
            l.source += std::string("|geometrytype=") + (sl.geometry == "Line" ? "LineString" : sl.geometry);
        l.wkb_type = wkb_type_name(sl.geometry);
        l.style = sl.style;
        l.visible = layer_visible(*sl.table);
        // Long category lists (service areas, hatches) stay folded in the layer tree.
        l.expanded = sl.table->name != "service_areas" && sl.table->name != "uncovered" && sl.table->name != "rejected";
        describe_basis(l, *sl.table, in, a, c.lang);
        q.groups[group_of(sl.table->name)].layers.push_back(std::move(l));
    }
    childcare_group(q, layers, a, c.lang, format);
    q.groups.erase(std::remove_if(q.groups.begin(), q.groups.end(), [](const qgis::ProjectGroup& g) { return g.layers.empty(); }),
                   q.groups.end());
    return qgis::project_document(q);
}

/// Default styles inside the GeoPackage (QGIS's `layer_styles` table), so a layer
/// dragged from the file into QGIS opens styled.
void write_gpkg_styles(const fs::path& gpkg, const std::vector<StyledLayer>& styled) {
    GDALAllRegister();
    // No timestamps: identical runs must give identical files.
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
    struct Reset {
        ~Reset() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr); }
    } reset;
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
        qgis::LayerStyle style = sl.style;
        std::vector<std::pair<std::string, qgis::Renderer>> kinds;
        for (auto& other : styled)
            if (other.table == sl.table && !other.geometry.empty()) kinds.push_back({other.geometry, other.style.renderer});
        if (kinds.size() > 1) {
            style.renderer = qgis::by_geometry(std::move(kinds));
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

void write_deliverables(const fs::path& dir, const Project& p, const Inputs& in, const ReachResult& r, const Analysis& a,
                        const std::vector<Table>& layers, const json& summary, const DeliverableOptions& opt) {
    const std::string lang = opt.lang == "en" ? "en" : "zh";
    StyleContext c = style_context(a, r, lang);
    auto styled = styled_layers(layers, c);

    std::error_code ec;
    fs::create_directories(dir / "styles", ec);
    if (ec) throw OutputError((dir / "styles").u8string() + ": cannot create (" + ec.message() + ")");
    for (auto& sl : styled) write_text(dir / "styles" / fs::u8path(sl.id + ".qml"), qgis::qml_document(sl.style));
    write_text(dir / "lifecircle.qgs", project_xml(p, in, a, layers, styled, c, opt.format));
    if (opt.format == "gpkg") write_gpkg_styles(dir / "lifecircle.gpkg", styled);

    auto maps = indicator_maps(p, in, a, lang);
    fs::create_directories(dir / "maps", ec);
    if (ec) throw OutputError((dir / "maps").u8string() + ": cannot create (" + ec.message() + ")");
    for (auto& m : maps) write_text(dir / "maps" / fs::u8path(m.file), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + m.svg);

    std::vector<std::string> files;
    if (opt.format == "gpkg") files.push_back("lifecircle.gpkg");
    for (auto& t : layers)
        if (t.has_geometry && (opt.format != "gpkg" || t.name == "rejected")) files.push_back(t.name + ".geojson");
    write_text(dir / "report.html", report_html(p, in, r, a, summary, maps, files, lang));
}

}  // namespace lc
