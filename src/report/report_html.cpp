#include "report/report_html.hpp"

#include "report/report_maps.hpp"
#include "report/report_sections.hpp"

#include "common/markup.hpp"
#include "outputs/outputs.hpp"
#include "outputs/symbology.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <string_view>
#include <unordered_map>

namespace lc {

namespace {

std::string esc(const std::string& s) { return xml_escape(s); }

const char* kCss = R"(
:root{--ink:#1d1d1f;--muted:#5f6368;--line:#d9d9d6;--pass:#e3f2dd;--pass-ink:#1b5e20;--fail:#fbe3e1;--fail-ink:#a3001b;--na:#efefed}
*{box-sizing:border-box}
body{margin:0;background:#f4f4f1;color:var(--ink);font-family:FONTS;font-size:14.5px;line-height:1.55}
main{max-width:1120px;margin:0 auto;background:#fff;padding:32px 40px 40px;box-shadow:0 0 0 1px var(--line)}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:20px;margin:36px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--ink)}
h3{font-size:16px;margin:20px 0 8px}
p.lead{font-size:16px;color:var(--muted);margin:0 0 6px}
p.meta{font-size:13px;color:var(--muted);margin:0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:24px 0 8px}
.card{border:1px solid var(--line);border-radius:6px;padding:12px 14px}
.card b{display:block;font-size:26px;line-height:1.2}
.card span{font-size:12.5px;color:var(--muted)}
.card.fail b{color:var(--fail-ink)}.card.pass b{color:var(--pass-ink)}
table{border-collapse:collapse;width:100%;margin:8px 0 4px;font-size:13.5px}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f2f2ef;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num,td.nowrap{white-space:nowrap}
.scroll{overflow-x:auto}
tr.total td{font-weight:600;background:#fafaf8}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12.5px;font-weight:600;white-space:nowrap}
.badge.pass{background:var(--pass);color:var(--pass-ink)}.badge.fail{background:var(--fail);color:var(--fail-ink)}.badge.na{background:var(--na);color:var(--muted)}
td.pass{background:var(--pass)}td.fail{background:var(--fail)}td.na{color:var(--muted)}
.small{font-size:12.5px;color:var(--muted)}
.units{font-size:12.5px}
figure{margin:18px 0 28px;page-break-inside:avoid;break-inside:avoid}
figure .map svg{width:100%;height:auto;display:block;border:1px solid var(--line)}
figcaption{font-size:13px;color:var(--muted);margin-top:6px}
code{font-size:12.5px;background:#f2f2ef;padding:0 4px;border-radius:3px}
ul.files{columns:2;font-size:13px}
footer{margin-top:32px;font-size:12.5px;color:var(--muted);border-top:1px solid var(--line);padding-top:10px}
@media print{body{background:#fff}main{box-shadow:none;padding:0;max-width:none}h2{page-break-after:avoid}}
)";

struct Page {
    const Project& p;
    const Inputs& in;
    const ReachResult& r;
    const Analysis& a;
    const json& summary;
    const std::string& lang;
    std::string o;

    const char* t(const char* zh, const char* en) const { return tr(lang, zh, en); }

    std::string badge(const std::optional<bool>& pass) const {
        if (!pass) return std::string("<span class=\"badge na\">") + t("无法判定", "n/a") + "</span>";
        return *pass ? std::string("<span class=\"badge pass\">") + t("达标", "Met") + "</span>"
                     : std::string("<span class=\"badge fail\">") + t("未达标", "Not met") + "</span>";
    }

    /// Per level, each unit by id (the first of a repeated id), made when first asked:
    /// a rule failing in most of 2,000 communities would otherwise scan them all for each.
    mutable std::vector<std::unordered_map<std::string_view, const Unit*>> by_id{};

    std::string unit_name(int level, const std::string& id) const {
        if (level < 0) return id;
        if (by_id.empty()) {
            by_id.resize(kLevels);
            for (int l = 0; l < kLevels; ++l)
                for (const Unit& u : in.units[l]) by_id[l].emplace(u.id, &u);
        }
        auto it = by_id[level].find(id);
        if (it == by_id[level].end()) return id;
        return it->second->name.empty() ? id : it->second->name;
    }

    static std::string jnum(const json& j, const char* k) {
        if (!j.contains(k) || !j[k].is_number()) return "—";
        return fmt_thousands(j[k].get<double>());
    }

    void header() {
        std::string title = p.name.empty() ? std::string("lifecircle") : p.name;
        o += "<header>\n<h1>" + esc(title) + "</h1>\n<p class=\"lead\">" +
             t("养老托育服务设施“一刻钟”步行可达与规划目标核查报告（一老一小）",
               "Elderly-care and childcare facilities: 15-minute walking reach and plan targets") +
             "</p>\n";
        std::string meta = std::string("lifecircle ") + LIFECIRCLE_VERSION;
        if (!p.profile.empty()) meta += t(" · 规则集 ", " · profile ") + p.profile;
        if (p.as_of) meta += t(" · 核查年份 ", " · as of ") + std::to_string(*p.as_of);
        meta += t(" · 可达方式 ", " · access ") + r.mode + " · " + fmt_trim(p.access.minutes, 2) + t(" 分钟 × ", " min × ") +
                fmt_trim(p.access.walk_kmh, 2) + " km/h = " + fmt_trim(p.access.reach_m(""), 1) + " m";
        meta += t(" · 坐标系 ", " · CRS ") + in.working_crs;
        o += "<p class=\"meta\">" + esc(meta) + "</p>\n</header>\n";
    }

    void cards() {
        long pass = 0, fail = 0, na = 0;
        long later = 0;
        for (auto& rr : a.rules) {
            if (rr.not_yet_due) ++later;
            else (rr.pass ? (*rr.pass ? pass : fail) : na)++;
        }
        auto fac = static_cast<double>(in.facilities.size());
        auto card = [&](const std::string& cls, const std::string& v, const std::string& lab) {
            o += "<div class=\"card " + cls + "\"><b>" + esc(v) + "</b><span>" + esc(lab) + "</span></div>\n";
        };
        o += "<div class=\"cards\">\n";
        card("pass", std::to_string(pass), t("项规则达标", "rules met"));
        card("fail", std::to_string(fail), t("项规则未达标", "rules not met"));
        card("", std::to_string(na), t("项无法判定（缺数据）", "rules not evaluated"));
        if (later) card("", std::to_string(later), t("项未到期", "rules not yet due"));
        card("fail", fmt_thousands(static_cast<double>(a.gaps.size())), t("条小区缺口记录", "compound gaps"));
        card("", fmt_thousands(static_cast<double>(in.compounds.size())), t("个住宅小区", "residential compounds"));
        card("", fmt_thousands(fac), t("处设施", "facilities"));
        o += "</div>\n";
    }

    void study_area() {
        o += std::string("<section id=\"area\">\n<h2>1 ") + t("研究范围", "Study area") + "</h2>\n";
        o += "<table>\n<tr><th>" + std::string(t("项目", "Item")) + "</th><th class=\"num\">" + t("数量", "Count") + "</th><th>" +
             t("说明", "Notes") + "</th></tr>\n";
        double area_m2 = 0;
        int coarse = -1;
        for (int l = kDistrict; l < kLevels && coarse < 0; ++l)
            if (in.has_level[l]) coarse = l;
        if (coarse >= 0)
            for (auto& u : in.units[coarse]) area_m2 += u.area_m2;
        for (int l = kDistrict; l < kLevels; ++l) {
            if (!in.has_level[l]) continue;
            std::string note;
            if (l == kDistrict) {
                for (auto& u : in.units[l]) note += (note.empty() ? "" : t("、", ", ")) + u.name;
            } else {
                std::map<std::string, long> kinds;
                for (auto& u : in.units[l]) kinds[u.kind]++;
                for (auto& [k, n] : kinds)
                    note += (note.empty() ? "" : t("，", ", ")) + (k.empty() ? std::string("—") : kind_label(k, lang)) + " " + std::to_string(n);
            }
            o += "<tr><td>" + esc(level_label(level_name(l), lang, true)) + "</td><td class=\"num\">" + std::to_string(in.units[l].size()) +
                 "</td><td class=\"small\">" + esc(note) + "</td></tr>\n";
        }
        if (area_m2 > 0)
            o += "<tr><td>" + std::string(t("面积", "Area")) + "</td><td class=\"num\">" + fmt_trim(area_m2 / 1e6, 2) +
                 " km²</td><td></td></tr>\n";
        o += "<tr><td>" + std::string(t("住宅小区", "Residential compounds")) + "</td><td class=\"num\">" +
             fmt_thousands(static_cast<double>(a.area.compounds)) + "</td><td></td></tr>\n";
        // These are sums over the compounds, the denominators of the reach shares; the
        // census's own total for the area (section "census" below) usually differs, so
        // the row says which it is and gives the census's beside it.
        for (int w = 1; w < kWeights; ++w) {
            std::string note = t("住宅小区合计", "sum over the compounds");
            if (const auto c = in.area_census.get(weight_name(w)))
                note += t("（普查全域：", " (census, whole area: ") + fmt_thousands(*c) + t("）", ")");
            if (a.area.unknown[w])
                note += t("；", "; ") + std::to_string(a.area.unknown[w]) +
                        t(" 个小区该项数据缺失，不计入合计与比例", " compounds with this figure unknown are left out");
            std::string label = measure_label(weight_name(w), lang);
            if (lang == "en" && !label.empty()) label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
            o += "<tr><td>" + esc(label) + "</td><td class=\"num\">" +
                 (a.area.total[w] ? fmt_thousands(*a.area.total[w]) : std::string("—")) + "</td><td class=\"small\">" + esc(note) +
                 "</td></tr>\n";
        }
        o += "</table>\n";
        o += "<h3>" + std::string(t("设施与步行可达", "Facilities and walking reach")) + "</h3>\n<table>\n<tr><th>" + t("设施类型", "Type") +
             "</th><th class=\"num\">" + t("数量", "Count") + "</th><th class=\"num\">" + t("可达距离", "Reach") + "</th><th class=\"num\">" +
             t("可达小区比例", "Compounds reached") + "</th><th class=\"num\">" + t("可达老年人口比例", "Elderly reached") + "</th></tr>\n";
        for (size_t k = 0; k < r.types.size(); ++k) {
            auto share = [&](int w) {
                const auto& v = a.area.reach_share[k][w];
                return v ? fmt_percent(*v, 1) : std::string("—");
            };
            TypeStyle ts = type_style(r.types[k]);
            o += "<tr><td><span style=\"color:" + ts.color.hex() + "\">■</span> " + esc(type_label(r.types[k], lang)) +
                 " <span class=\"small\">" + esc(r.types[k]) + "</span></td><td class=\"num\">" +
                 std::to_string(a.area.n_type[k]) + "</td><td class=\"num\">" + fmt_thousands(r.reach_m[k]) + " m</td><td class=\"num\">" +
                 share(0) + "</td><td class=\"num\">" + share(3) + "</td></tr>\n";
        }
        o += "</table>\n" + bands_html(r, a, lang) + census_html(in, lang) + "</section>\n";
    }

    void maps(const std::vector<IndicatorMap>& ms) {
        o += std::string("<section id=\"maps\">\n<h2>2 ") + t("核心指标地图", "Headline indicator maps") + "</h2>\n";
        if (ms.empty()) o += "<p>" + std::string(t("没有可绘制的核心指标。", "No headline indicator has a value to map.")) + "</p>\n";
        int i = 0;
        for (auto& m : ms) {
            ++i;
            o += "<figure id=\"fig-" + esc(m.rule_id) + "\">\n<div class=\"map\">\n";
            o += m.svg;  // appended where it goes: maps are the bulk of the page
            o += "</div>\n<figcaption>" + std::string(t("图 ", "Figure ")) + std::to_string(i) + t("　", ". ") + esc(m.title) +
                 t("（矢量图：", " (vector file: ") + "<a href=\"maps/" + esc(m.file) + "\">maps/" + esc(m.file) + "</a>" +
                 t("）", ")") + "</figcaption>\n</figure>\n";
        }
        o += "</section>\n";
    }

    /// The failing units, then (a facility-share rule) the facilities that do not meet
    /// its condition: at the area level these are all a planner has to act on.
    std::string failing_list(const RuleResult& rr) const {
        std::string units = failing_units(rr), facilities;
        const auto it = rr.details.find("facilities_not_meeting");
        if (rr.rule->check == Check::FacilityShare && it != rr.details.end() && it->is_array() && !it->empty()) {
            std::map<std::string, const Facility*> by_id;
            for (auto& f : in.facilities) by_id.emplace(f.id, &f);
            std::string items;
            size_t i = 0;
            for (auto& jid : *it) {
                const std::string id = jid.get<std::string>();
                auto f = by_id.find(id);
                const std::string name = f == by_id.end() || f->second->name.empty() ? id : f->second->name;
                items += (i++ ? t("、", ", ") : "") + esc(name) + (name != id ? " <span class=\"small\">" + esc(id) + "</span>" : std::string());
            }
            const std::string head = std::to_string(it->size()) + t(" 处设施不符合", it->size() == 1 ? " facility not meeting it" : " facilities not meeting it");
            facilities = it->size() > 24 ? "<details><summary>" + esc(head) + "</summary>" + items + "</details>"
                                          : "<b>" + esc(head) + "</b>" + t("：", ": ") + items;
        }
        return units + (!units.empty() && !facilities.empty() ? "<br>" : "") + facilities;
    }

    /// A line of small print under a rule's title, or nothing.
    static std::string small_line(const std::string& text) { return text.empty() ? "" : "<br><span class=\"small\">" + esc(text) + "</span>"; }

    /// A study-area total's part in each district (details.by_district), or "".
    std::string by_district(const RuleResult& rr) const {
        const std::string parts = district_parts(rr, in, lang);
        return parts.empty() ? "" : t("按区县：", "By district: ") + parts;
    }

    std::string failing_units(const RuleResult& rr) const {
        if (rr.units_failing.empty()) return "";
        std::string items;
        for (size_t i = 0; i < rr.units_failing.size(); ++i) {
            const std::string& id = rr.units_failing[i];
            std::string name = unit_name(rr.report_level, id);
            items += (i ? t("、", ", ") : "") + esc(name) + (name != id ? " <span class=\"small\">" + esc(id) + "</span>" : std::string());
        }
        std::string head = std::to_string(rr.units_failing.size()) + t(" 个", " ") +
                           level_label(rr.report_level < 0 ? "area" : level_name(rr.report_level), lang, rr.units_failing.size() != 1);
        if (rr.units_failing.size() > 24) return "<details><summary>" + esc(head) + "</summary>" + items + "</details>";
        return "<b>" + esc(head) + "</b>" + t("：", ": ") + items;
    }

    /// A profile's rule the project changed: its source no longer says all of it.
    std::string changed_by_project(const Rule& rule) {
        if (rule.changed_by_project.empty()) return "";
        std::string list;
        for (auto& c : rule.changed_by_project) list += (list.empty() ? "" : "; ") + c;
        return "<br><span class=\"badge fail\">" + std::string(t("项目已修改", "changed by the project")) + "</span> <span class=\"small\">" +
               esc(list) + "</span>";
    }

    void rules() {
        o += std::string("<section id=\"rules\">\n<h2>3 ") + t("规则核查", "Rules checked") + "</h2>\n";
        o += "<table class=\"rules\">\n<tr><th>#</th><th>" + std::string(t("指标（依据）", "Rule (source)")) + "</th><th>" +
             t("层级", "Level") + "</th><th class=\"num\">" + t("现状", "Value") + "</th><th class=\"num\">" + t("目标", "Target") +
             "</th><th class=\"num\">" + t("期限", "Due") + "</th><th>" + t("结论", "Result") + "</th><th>" + t("未达标单元", "Failing units") +
             "</th></tr>\n";
        int i = 0;
        for (auto& rr : a.rules) {
            const Rule& rule = *rr.rule;
            ++i;
            std::string level = rule.check == Check::ReachShare || rule.check == Check::CompoundSupport
                                    ? (rr.report_level < 0 ? std::string("area") : std::string(level_name(rr.report_level)))
                                    : rule.level;
            // summary.json keeps the English note; the Chinese report shows its Chinese
            // twin where the rule gave one.
            const std::string& note = lang == "zh" && !rr.note_zh.empty() ? rr.note_zh : rr.note;
            o += "<tr id=\"rule-" + esc(rule.id) + "\"><td class=\"num\">" + std::to_string(i) + "</td><td><b>" +
                 esc(rule_title(rule, lang)) + "</b>" + (rule.headline ? std::string(" <span class=\"badge na\">") + t("核心", "headline") + "</span>" : "") +
                 "<br><span class=\"small\"><code>" + esc(rule.id) + "</code> " + esc(rule.source) + "</span>" +
                 changed_by_project(rule) +
                 small_line(note) +
                 small_line(ratio_basis(rr, lang)) + small_line(by_district(rr)) + "</td><td class=\"nowrap\">" +
                 esc(level_short(level, lang)) + "</td><td class=\"num\">" + esc(rule_value_text(rr, rr.value)) +
                 "</td><td class=\"num\">" + esc(rule_target_text(rr)) + "</td><td class=\"num\">" +
                 (rule.due ? t("", "due ") + std::to_string(*rule.due) + t(" 年", "") : std::string("—")) + "</td><td>" +
                 (rr.not_yet_due ? std::string("<span class=\"badge na\">") + t("未到期", "not yet due") + "</span>" : badge(rr.pass)) +
                 "</td><td class=\"units\">" +
                 failing_list(rr) + "</td></tr>\n";
        }
        o += "</table>\n</section>\n";
    }

    /// The coverage.csv table cut down to the headline rules: the planner's per-street view.
    void by_unit(const Table& cov) {
        int level = in.has_level[kStreet] ? kStreet : kDistrict;
        if (!in.has_level[level] || cov.rows.empty()) return;
        std::vector<const RuleResult*> cols;
        for (auto& rr : a.rules)
            if (rr.rule->headline) cols.push_back(&rr);
        if (cols.empty())
            for (auto& rr : a.rules) cols.push_back(&rr);
        auto field = [&](const std::string& n) {
            for (size_t k = 0; k < cov.fields.size(); ++k)
                if (cov.fields[k].name == n) return static_cast<int>(k);
            return -1;
        };
        auto str = [](const Value& v) { return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : std::string(); };
        auto dbl = [](const Value& v) -> std::optional<double> {
            if (auto d = std::get_if<double>(&v)) return *d;
            if (auto n = std::get_if<long long>(&v)) return static_cast<double>(*n);
            return std::nullopt;
        };
        o += std::string("<section id=\"units\">\n<h2>5 ") + t("分", "Headline indicators by ") + esc(level_label(level_name(level), lang)) +
             t("核心指标", "") + "</h2>\n";
        o += "<p class=\"small\">" + std::string(t("完整的逐项指标见 coverage.csv。计数类规则显示设施数量，比例类规则显示比例。",
                                                   "Every indicator is in coverage.csv. Count rules show the number of facilities, "
                                                   "share rules the share.")) +
             "</p>\n";
        o += "<div class=\"scroll\"><table>\n<tr><th>" + esc(level_label(level_name(level), lang)) + "</th>";
        if (level == kStreet && in.has_level[kDistrict]) o += "<th>" + esc(level_label("district", lang)) + "</th>";
        o += "<th class=\"num\">" + std::string(t("小区", "Compounds")) + "</th><th class=\"num\">" + t("老年人口", "Elderly") + "</th>";
        for (auto* rr : cols) o += "<th class=\"num\">" + esc(rule_title(*rr->rule, lang)) + "</th>";
        o += "</tr>\n";
        int fid = field("unit_id"), fname = field("name"), fdist = field("district_name"), fcomp = field("compounds"), feld = field("elderly");
        for (auto& row : cov.rows) {
            bool total = str(row[fid]) == "ALL";
            o += std::string("<tr") + (total ? " class=\"total\"" : "") + "><td class=\"nowrap\">" +
                 (total ? std::string(t("全域", "Study area")) : esc(str(row[fname])) + " <span class=\"small\">" + esc(str(row[fid])) + "</span>") +
                 "</td>";
            if (level == kStreet && in.has_level[kDistrict]) o += "<td class=\"nowrap\">" + esc(total ? "" : str(row[fdist])) + "</td>";
            auto c = dbl(row[fcomp]), e = dbl(row[feld]);
            o += "<td class=\"num\">" + (c ? fmt_thousands(*c) : "—") + "</td><td class=\"num\">" + (e ? fmt_thousands(*e) : "—") + "</td>";
            for (auto* rr : cols) {
                int fv = field(rr->rule->id), fp = field(rr->rule->id + "_pass");
                auto v = fv >= 0 ? dbl(row[fv]) : std::nullopt;
                std::optional<bool> pass;
                if (fp >= 0 && std::holds_alternative<bool>(row[fp])) pass = std::get<bool>(row[fp]);
                // Count rules evaluated at this level (or the district above) hold
                // facility counts per unit; everything else is a share or ratio.
                bool count = !total && (rr->rule->check == Check::MinCount || rr->rule->check == Check::MinTotal) &&
                             (!rr->per_unit[level].empty() || (rr->per_unit[kCommunity].empty() && !rr->per_unit[kDistrict].empty()));
                std::string text = !v ? "—" : count ? fmt_thousands(*v) : rule_value_text(*rr, v);
                std::string cls = !pass ? "num na" : *pass ? "num pass" : "num fail";
                o += "<td class=\"" + cls + "\">" + esc(text) + "</td>";
            }
            o += "</tr>\n";
        }
        o += "</table></div>\n</section>\n";
    }

    void gaps() {
        o += std::string("<section id=\"gaps\">\n<h2>6 ") + t("小区缺口", "Compound gaps") + "</h2>\n";
        std::map<std::pair<std::string, std::string>, long> n;
        std::map<std::string, size_t> pos;
        for (size_t i = 0; i < a.rules.size(); ++i) pos[a.rules[i].rule->id] = i;
        for (auto& g : a.gaps) n[{g.rule_id, g.reason}]++;
        if (n.empty()) {
            o += "<p>" + std::string(t("没有小区缺口。", "No compound fails a compound or reach rule.")) + "</p>\n</section>\n";
            return;
        }
        std::vector<std::pair<std::pair<std::string, std::string>, long>> rows(n.begin(), n.end());
        std::stable_sort(rows.begin(), rows.end(), [&](auto& x, auto& y) {
            size_t px = pos[x.first.first], py = pos[y.first.first];
            return px != py ? px < py : x.second > y.second;
        });
        o += "<p class=\"small\">" + std::string(t("每个未达标小区与规则一条记录，详见 gaps 图层（QGIS 中以红色标注）。",
                                                   "One record per failing compound and rule; see the gaps layer (red in QGIS).")) +
             "</p>\n<table>\n<tr><th>" + t("规则", "Rule") + "</th><th>" + t("原因", "Reason") + "</th><th class=\"num\">" +
             t("小区数", "Compounds") + "</th></tr>\n";
        for (auto& [k, c] : rows) {
            auto it = pos.find(k.first);
            std::string title = it == pos.end() ? k.first : rule_title(*a.rules[it->second].rule, lang);
            ReasonStyle rs = reason_style(k.second);
            o += "<tr><td>" + esc(title) + "</td><td><span style=\"color:" + rs.color.hex() + "\">■</span> " +
                 esc(reason_label(k.second, lang)) + " <span class=\"small\">" + esc(k.second) + "</span></td><td class=\"num\">" +
                 fmt_thousands(static_cast<double>(c)) + "</td></tr>\n";
        }
        o += "</table>\n</section>\n";
    }

    void inputs() {
        o += std::string("<section id=\"inputs\">\n<h2>7 ") + t("输入数据与剔除记录", "Inputs and rejected records") + "</h2>\n";
        o += "<table>\n<tr><th>" + std::string(t("图层", "Layer")) + "</th><th class=\"num\">" + t("读取", "Read") + "</th><th class=\"num\">" +
             t("使用", "Used") + "</th><th class=\"num\">" + t("剔除", "Rejected") + "</th><th>" + t("说明", "Notes") + "</th></tr>\n";
        if (summary.contains("inputs") && summary["inputs"].is_object())
            for (auto it = summary["inputs"].begin(); it != summary["inputs"].end(); ++it) {
                const json& j = it.value();
                std::string note;
                if (j.contains("not_walkable")) note = jnum(j, "not_walkable") + t(" 条非步行道路未计入", " non-walkable lines skipped");
                o += "<tr><td>" + esc(input_layer_label(it.key(), lang)) + " <span class=\"small\">" + esc(it.key()) +
                     "</span></td><td class=\"num\">" + jnum(j, "read") + "</td><td class=\"num\">" + jnum(j, "used") +
                     "</td><td class=\"num\">" + jnum(j, "rejected") + "</td><td class=\"small\">" + esc(note) + "</td></tr>\n";
            }
        o += "</table>\n";
        const json* by = nullptr;
        if (summary.contains("rejected") && summary["rejected"].contains("by_layer_and_reason")) by = &summary["rejected"]["by_layer_and_reason"];
        if (by && by->is_object() && !by->empty()) {
            o += "<h3>" + std::string(t("剔除原因", "Why records were rejected")) + "</h3>\n<table>\n<tr><th>" + t("图层", "Layer") +
                 "</th><th>" + t("原因", "Reason") + "</th><th class=\"num\">" + t("记录数", "Records") + "</th></tr>\n";
            for (auto l = by->begin(); l != by->end(); ++l)
                for (auto rj = l.value().begin(); rj != l.value().end(); ++rj)
                    o += "<tr><td>" + esc(input_layer_label(l.key(), lang)) + "</td><td>" + esc(rj.key()) + "</td><td class=\"num\">" +
                         (rj.value().is_number() ? fmt_thousands(rj.value().get<double>()) : std::string("—")) + "</td></tr>\n";
            o += "</table>\n<p class=\"small\">" + std::string(t("逐条记录见 rejected.csv 与 rejected.geojson。", "Every record is listed in rejected.csv and rejected.geojson.")) +
                 "</p>\n";
        } else {
            o += "<p>" + std::string(t("没有剔除任何输入记录。", "No input record was rejected.")) + "</p>\n";
        }
        // What was read in a form other than plain numbers, or mended: per layer and field,
        // how many and one example, so that a planner sees what "17" stands for.
        const json* kinds = summary.contains("repairs") ? &summary["repairs"] : nullptr;
        if (kinds && kinds->contains("by_kind") && (*kinds)["by_kind"].is_object() && !(*kinds)["by_kind"].empty()) {
            o += "<h3>" + std::string(t("修复与识别", "Repaired or read with care")) + "</h3>\n<table>\n<tr><th>" + t("图层", "Layer") + "</th><th>" +
                 t("字段或内容", "Field or item") + "</th><th class=\"num\">" + t("记录数", "Records") + "</th><th>" + t("示例", "Example") +
                 "</th></tr>\n";
            for (auto it = (*kinds)["by_kind"].begin(); it != (*kinds)["by_kind"].end(); ++it) {
                const std::string& key = it.key();
                const size_t colon = key.find(": ");
                const std::string layer = colon == std::string::npos ? key : key.substr(0, colon);
                const std::string field = colon == std::string::npos ? "" : key.substr(colon + 2);
                std::string ex;
                if (kinds->contains("example") && (*kinds)["example"].contains(key)) ex = (*kinds)["example"][key].get<std::string>();
                o += "<tr><td>" + esc(input_layer_label(layer, lang)) + " <span class=\"small\">" + esc(layer) + "</span></td><td>" + esc(field) +
                     "</td><td class=\"num\">" + (it.value().is_number() ? fmt_thousands(it.value().get<double>()) : std::string("—")) +
                     "</td><td class=\"small\">" + esc(ex) + "</td></tr>\n";
            }
            o += "</table>\n<p class=\"small\">" +
                 std::string(t("逐条记录见 <a href=\"repairs.csv\">repairs.csv</a>（示例为程序原文）。",
                               "Every record is listed in <a href=\"repairs.csv\">repairs.csv</a>.")) +
                 "</p>\n";
        }
        std::string extra;
        if (summary.contains("unreadable_numbers") && summary["unreadable_numbers"].is_object())
            for (auto it = summary["unreadable_numbers"].begin(); it != summary["unreadable_numbers"].end(); ++it)
                extra += "<li>" + std::string(t("无法识别的数值（按缺失处理）：", "Unreadable numbers (treated as unknown): ")) + esc(it.key()) +
                         " × " + (it.value().is_number() ? fmt_thousands(it.value().get<double>()) : std::string("?")) + "</li>\n";
        // The warnings are the program's own words, in English, as on stderr and in
        // summary.json: the Chinese report says so rather than leave them unexplained.
        if (!in.warnings.empty() && lang != "en")
            extra += "<li>以下提示为程序原文（英文），与命令行输出及 summary.json 中的 warnings 一致。</li>\n";
        for (auto& w : in.warnings) extra += "<li>" + std::string(t("提示：", "Warning: ")) + esc(w) + "</li>\n";
        if (!extra.empty()) o += "<ul class=\"small\">\n" + extra + "</ul>\n";
        o += "</section>\n";
    }

    void method(const std::vector<std::string>& files) {
        o += std::string("<section id=\"method\">\n<h2>8 ") + t("方法与输出文件", "Method and output files") + "</h2>\n<p>";
        if (r.mode == "network")
            o += t("可达按步行路网计算：设施与小区代表点就近接入可步行道路，沿路网最短步行距离不超过可达距离即视为可达。",
                   "Reach follows the walkable road network: facilities and compound points join the nearest walkable road, and a "
                   "compound is reached when the shortest walk is within the reach distance.");
        else
            o += t("可达按直线距离计算：小区代表点到设施的直线距离不超过可达距离即视为可达。",
                   "Reach is the straight distance from a compound's representative point to the facility, within the reach distance.");
        o += std::string(t(" 可达距离 = 分钟 × 步速 × 1000 / 60。比例按小区加权；权重缺失的小区不计入该比例。",
                           " Reach distance = minutes × walking speed × 1000 / 60. Shares are weighted by compound; compounds whose weight is "
                           "unknown are left out of that share.")) +
             "</p>\n";
        if (!p.access.minutes_by_type.empty()) {
            o += "<p class=\"small\">" + std::string(t("分类型步行时间：", "Minutes by type: "));
            bool first = true;
            for (auto& [ty, m] : p.access.minutes_by_type) {
                o += (first ? "" : t("，", ", ")) + esc(type_label(ty, lang)) + " " + fmt_trim(m, 2) + t(" 分钟", " min");
                first = false;
            }
            o += "</p>\n";
        }
        o += "<ul class=\"files\">\n";
        std::vector<std::pair<std::string, std::string>> list = {
            {"lifecircle.qgs", t("QGIS 工程（样式见 styles/）", "QGIS project (styles in styles/)")},
            {"summary.json", t("全部指标与运行配置", "every figure and the configuration used")},
            {"coverage.csv", t("分街道指标表（Excel 可直接打开）", "indicators by street (opens in Excel)")},
            {"rejected.csv", t("剔除记录", "rejected records")},
            {"repairs.csv", t("修复与按未知处理的数值", "repairs, and figures read as unknown")}};
        for (auto& f : files) {
            if (f == "fields.csv") list.push_back({f, t("Shapefile 字段名（10 字符）与完整字段名对照", "the Shapefiles' 10-character field names and the full names")});
            else if (f == "long_text.csv") list.push_back({f, t("Shapefile 字段放不下的长文本全文", "text too long for a Shapefile field, in full")});
            else list.push_back({f, t("图层", "layer")});
        }
        for (auto& [f, d] : list) o += "<li><a href=\"" + esc(f) + "\">" + esc(f) + "</a> — " + esc(d) + "</li>\n";
        o += "</ul>\n</section>\n";
    }
};

}  // namespace

std::string report_html(const Project& p, const Inputs& in, const ReachResult& r, const Analysis& a, const json& summary,
                        const std::vector<IndicatorMap>& maps, const std::vector<std::string>& vector_files,
                        const Table& coverage, const std::string& lang) {
    Page pg{p, in, r, a, summary, lang, {}, {}};
    std::string css = kCss;
    css.replace(css.find("FONTS"), 5, kCssFontStack);
    std::string title = (p.name.empty() ? std::string("lifecircle") : p.name) +
                        tr(lang, " — 养老服务设施可达评估报告", " — elderly-care reach report");
    std::string& o = pg.o;
    o += std::string("<!DOCTYPE html>\n<html lang=\"") + (lang == "en" ? "en" : "zh-CN") + "\">\n<head>\n<meta charset=\"utf-8\">\n" +
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"lifecircle " +
         LIFECIRCLE_VERSION + "\">\n<title>" + esc(title) + "</title>\n<style>" + css + "</style>\n</head>\n<body>\n<main>\n";
    pg.header();
    pg.cards();
    pg.study_area();
    pg.maps(maps);
    pg.rules();
    o += yilao_yixiao_html(in, r, a, lang);
    pg.by_unit(coverage);
    pg.gaps();
    pg.inputs();
    pg.method(vector_files);
    o += "<footer>" + esc(std::string(tr(lang, "数据：项目输入数据；分析：lifecircle ", "Data: project inputs; analysis: lifecircle ")) +
                          LIFECIRCLE_VERSION +
                          tr(lang, "。地图由分析几何直接绘制，不依赖在线底图。", ". Maps are drawn from the analysis geometries, without web tiles.")) +
         "</footer>\n</main>\n</body>\n</html>\n";
    return o;
}

}  // namespace lc
