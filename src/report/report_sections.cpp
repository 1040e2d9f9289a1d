#include "report/report_sections.hpp"

#include "common/markup.hpp"
#include "outputs/symbology.hpp"
#include "report/report_maps.hpp"

#include <algorithm>
#include <filesystem>

namespace lc {

namespace {
std::string esc(const std::string& s) { return xml_escape(s); }

}  // namespace

/// SPEC 4 bands: the elderly share within each band's walk of every type (figures,
/// not targets).
std::string bands_html(const ReachResult& r, const Analysis& a, const std::string& lang) {
    std::string o;
    auto t = [&](const char* zh, const char* en) { return tr(lang, zh, en); };
    if (a.bands.empty() || r.types.empty()) return {};
    o += "<h3 id=\"bands\">" + std::string(t("生活圈分级（老年人口步行时间）", "Life-circle bands (walking time of the elderly)")) +
         "</h3>\n<table>\n<tr><th>" + t("设施类型", "Type") + "</th>";
    for (double b : a.bands) o += "<th class=\"num\">≤ " + fmt_trim(b, 1) + t(" 分钟", " min") + "</th>";
    o += "</tr>\n";
    auto row = [&](const std::string& name, const std::vector<std::optional<double>>& v) {
        o += "<tr><td>" + name + "</td>";
        for (auto& x : v) o += "<td class=\"num\">" + (x ? fmt_percent(*x, 1) : std::string("—")) + "</td>";
        o += "</tr>\n";
    };
    if (!a.home_types.empty())
        row("<b>" + esc(t("居家养老服务设施（任一）", "Any home-care facility")) + "</b>", a.home_band_share);
    for (size_t k = 0; k < r.types.size(); ++k) row(esc(type_label(r.types[k], lang)), a.area.band_share[k]);
    o += "</table>\n<p class=\"small\">" +
         std::string(t("按 GB 50180-2018 的 5、10、15 分钟生活圈分级，占有老年人口数据的小区老年人口之比；分级为参考，不是规划指标（除非规则集另有规定）。",
                       "The 5-, 10- and 15-minute tiers of GB 50180-2018, as shares of the elderly of compounds whose elderly "
                       "figure is known; the bands are figures, not plan targets unless a profile says so.")) +
         "</p>\n";
    return o;
}

/// The demographic basis (SPEC 3): census tables, what did not join, the area's
/// figures and the compound figures estimated from census rates.
std::string census_html(const Inputs& in, const std::string& lang) {
    std::string o;
    auto t = [&](const char* zh, const char* en) { return tr(lang, zh, en); };
    const CensusReport& c = in.census;
    long est = c.compounds_estimated[0] + c.compounds_estimated[2] + c.compounds_estimated[3];
    if (c.tables.empty() && est == 0) return {};
    o += "<h3 id=\"census\">" + std::string(t("人口基础（人口普查）", "Demographic basis (census)")) + "</h3>\n";
    if (!c.tables.empty()) {
        o += "<table>\n<tr><th>" + std::string(t("普查表", "Census table")) + "</th><th>" + t("层级", "Level") + "</th><th class=\"num\">" +
             t("行数", "Rows") + "</th><th class=\"num\">" + t("已关联", "Joined") + "</th></tr>\n";
        for (auto& tb : c.tables)
            o += "<tr><td class=\"small\">" + esc(std::filesystem::path(tb.path).filename().u8string()) + "</td><td>" +
                 esc(level_short(tb.level < 0 ? "area" : level_name(tb.level), lang)) + "</td><td class=\"num\">" + std::to_string(tb.rows) +
                 "</td><td class=\"num\">" + std::to_string(tb.matched) + "</td></tr>\n";
        o += "</table>\n";
    }
    std::string items;
    long no_unit = 0, dup = 0, no_code = 0;
    for (auto& m : c.mismatches) (m.what == "no_unit" ? no_unit : m.what == "duplicate_code" ? dup : no_code)++;
    if (no_unit) items += "<li>" + std::to_string(no_unit) + t(" 个普查代码未匹配到任何单元（其数据未使用）", " census code(s) match no unit (not used)") + "</li>";
    if (dup) items += "<li>" + std::to_string(dup) + t(" 个代码重复（使用第一行）", " duplicate code(s) (the first row is used)") + "</li>";
    if (no_code) items += "<li>" + std::to_string(no_code) + t(" 行缺少代码", " row(s) without a code") + "</li>";
    for (int l = 0; l < kLevels; ++l)
        if (!c.units_without_row[l].empty())
            items += "<li>" + std::to_string(c.units_without_row[l].size()) + t(" 个", " ") + esc(level_label(level_name(l), lang, true)) +
                     t("在普查表中没有数据行", " without a census row") + "</li>";
    if (!c.disagreements.empty())
        items += "<li>" + std::to_string(c.disagreements.size()) +
                 t(" 处上级单元自身数据与下级合计不一致（采用自身数据，见 summary.json）",
                   " unit(s) whose own row disagrees with the sum of their parts (own row used; see summary.json)") + "</li>";
    auto figure = [&](int f) { return measure_label(figure_name(f), lang, true); };
    std::string area;
    for (int f = 0; f < kFigures; ++f)
        if (in.area_census.value[f])
            area += (area.empty() ? "" : t("，", ", ")) + figure(f) + " " + fmt_thousands(*in.area_census.value[f]);
    if (!area.empty()) items += "<li>" + std::string(t("全域：", "Study area: ")) + esc(area) + "</li>";
    if (est > 0 || c.compounds_given[0] + c.compounds_given[2] > 0) {
        items += "<li>" + std::string(t("小区人口按所在单元的普查比率估算（不使用单元总数）：", "Compound figures estimated from their unit's census rates (never its totals): "));
        for (int f : {0, 2, 3})
            if (c.compounds_estimated[f] || c.compounds_given[f])
                items += figure(f) + " " + std::to_string(c.compounds_estimated[f]) + t(" 个估算、", " estimated, ") +
                         std::to_string(c.compounds_given[f]) + t(" 个为原数据；", " given; ");
        items += t("见 compounds 图层的 population_source / elderly_source。", "see population_source / elderly_source in the compounds layer.");
        if (c.persons_per_household_default)
            items += t(" 其中 ", " ") + std::to_string(c.persons_per_household_default) +
                     t(" 个小区使用项目设定的户均人口。", " used the project's persons_per_household.");
        items += "</li>";
    }
    if (!items.empty()) o += "<ul class=\"small\">" + items + "</ul>\n";
    return o;
}

/// What a ratio divides by (SPEC 6): census, compounds (estimated or given) or facilities.
std::string ratio_basis(const RuleResult& rr, const std::string& lang) {
    auto t = [&](const char* zh, const char* en) { return tr(lang, zh, en); };
    const Rule& rule = *rr.rule;
    // Not evaluated (a field not mapped): nothing was divided, and "all as given" would be false.
    if (rule.check != Check::Ratio || rr.not_yet_due || !rr.evaluated) return "";
    const RatioTerm& d = rule.denominator;
    std::string s = t("分母：", "Denominator: ");
    if (d.of == "units") {
        s += std::string(t("人口普查 ", "census ")) + measure_label(d.attr, lang, true);
    } else if (d.of == "compounds") {
        long est = rr.details.value("denominator_estimated", 0L);
        s += std::string(t("小区", "compound ")) + measure_label(d.attr, lang, true) +
             (est > 0 ? t("（其中 ", " (") + std::to_string(est) + t(" 个小区为按普查比率估算）", " compounds estimated from census rates)")
                      : std::string(t("（均为原数据）", " (all as given)")));
    } else {
        // "设施床位" / "facility beds"; a count of facilities is named once ("设施数").
        s += (d.attr.empty() ? std::string() : std::string(t("设施", "facility "))) + ratio_term_label(d, lang);
    }
    return s;
}

/// "一老一小" (KM22): childcare places per 1000 residents, the inclusive share and the
/// streets with childcare, by district (or street), beside the elderly's figures.
std::string yilao_yixiao_html(const Inputs& in, const ReachResult& r, const Analysis& a, const std::string& lang) {
    std::string o;
    auto t = [&](const char* zh, const char* en) { return tr(lang, zh, en); };
    o += std::string("<section id=\"yilao-yixiao\">\n<h2>4 ") + t("一老一小", "Elderly and children (一老一小)") + "</h2>\n";
    const UnitStats& A = a.area;
    auto per1000 = [](const std::optional<double>& x, const std::optional<double>& pop) -> std::string {
        return x && pop && *pop > 0 ? fmt_trim(*x / *pop * 1000, 2) : "—";
    };
    auto share = [](const std::optional<double>& part, const std::optional<double>& whole) -> std::string {
        return part && whole && *whole > 0 ? fmt_percent(*part / *whole, 1) : "—";
    };
    o += "<h3>" + std::string(t("一小：托育服务", "Children: childcare")) + "</h3>\n";
    if (A.childcare_centres == 0) {
        o += "<p>" + std::string(t("输入数据中没有托育机构（childcare）。", "The inputs hold no childcare centre (type childcare).")) + "</p>\n";
    } else {
        int sl = in.has_level[kStreet] ? kStreet : -1;
        long streets = 0, with = 0;
        if (sl >= 0)
            for (size_t u = 0; u < in.units[sl].size(); ++u) {
                ++streets;
                with += a.units[sl][u].childcare_centres > 0;
            }
        const auto& pop = in.area_census.value[0];
        o += "<table>\n<tr><th>" + std::string(t("指标", "Figure")) + "</th><th class=\"num\">" + t("现状", "Value") + "</th><th>" +
             t("说明", "Notes") + "</th></tr>\n";
        auto line = [&](const std::string& k, const std::string& v, const std::string& note) {
            o += "<tr><td>" + esc(k) + "</td><td class=\"num\">" + esc(v) + "</td><td class=\"small\">" + esc(note) + "</td></tr>\n";
        };
        line(t("托育机构", "Childcare centres"), fmt_thousands(static_cast<double>(A.childcare_centres)),
             A.childcare_places_unknown ? std::to_string(A.childcare_places_unknown) + t(" 处托位数不详", " with places unknown") : "");
        line(t("托位", "Places"), A.childcare_places ? fmt_thousands(*A.childcare_places) : "—", "");
        line(t("每千人口托位数", "Places per 1000 residents"), per1000(A.childcare_places, pop),
             pop ? std::string(t("分母：人口普查常住人口 ", "denominator: census residents ")) + fmt_thousands(*pop)
                 : std::string(t("无普查人口数据（在项目中加入 census 表）", "no census population (add a census table to the project)")));
        line(t("普惠性托位占比", "Inclusive places"), share(A.childcare_inclusive_places, A.childcare_places),
             t("托位按设施属性 inclusive 计", "places of centres marked inclusive"));
        if (sl >= 0)
            line(t("有托育服务的街道（乡镇）", "Streets and townships with childcare"),
                 streets ? fmt_percent(static_cast<double>(with) / streets, 1) : std::string("—"),
                 std::to_string(with) + " / " + std::to_string(streets));
        o += "</table>\n";
        int tl = in.has_level[kDistrict] ? kDistrict : sl;
        if (tl >= 0) {
            o += "<table>\n<tr><th>" + esc(level_label(level_name(tl), lang)) + "</th><th class=\"num\">" + t("托育机构", "Centres") +
                 "</th><th class=\"num\">" + t("托位", "Places") + "</th><th class=\"num\">" + t("每千人口托位", "Places per 1000") +
                 "</th><th class=\"num\">" + t("普惠占比", "Inclusive") + "</th></tr>\n";
            for (size_t u = 0; u < in.units[tl].size(); ++u) {
                const UnitStats& S = a.units[tl][u];
                const Unit& un = in.units[tl][u];
                o += "<tr><td>" + esc(un.name.empty() ? un.id : un.name) + "</td><td class=\"num\">" + std::to_string(S.childcare_centres) +
                     "</td><td class=\"num\">" + (S.childcare_places ? fmt_thousands(*S.childcare_places) : "—") + "</td><td class=\"num\">" +
                     per1000(S.childcare_places, un.census.value[0]) + "</td><td class=\"num\">" +
                     share(S.childcare_inclusive_places, S.childcare_places) + "</td></tr>\n";
            }
            o += "</table>\n";
        }
    }
    o += "<h3>" + std::string(t("一老：老年人口与服务", "Elderly: residents and services")) + "</h3>\n<ul class=\"small\">\n";
    if (const auto& old = in.area_census.value[2])
        o += "<li>" + std::string(t("老年人口（60岁及以上，人口普查）：", "Elderly residents (60+, census): ")) + fmt_thousands(*old) + "</li>\n";
    for (auto& f : a.figures)
        o += "<li>" + esc(rule_title(*f.rule, lang)) + t("：", ": ") + esc(rule_value_text(f, f.value)) +
             t("（参考指标，见地图）", " (a figure, see the map)") + "</li>\n";
    for (const char* type : {"elder_university", "elder_school", "activity_center", "rural_station"}) {
        auto it = std::find(r.types.begin(), r.types.end(), type);
        if (it != r.types.end())
            o += "<li>" + esc(type_label(type, lang)) + t("：", ": ") + std::to_string(A.n_type[it - r.types.begin()]) + t(" 处", "") + "</li>\n";
    }
    o += "</ul>\n</section>\n";
    return o;
}

}  // namespace lc
