#include "report/report_maps.hpp"
#include "common/chinacrs.hpp"

#include "common/markup.hpp"
#include "outputs/symbology.hpp"

#include <ogr_spatialref.h>

#include <cmath>
#include <map>
#include <memory>
#include <optional>

namespace lc {

namespace {

constexpr double kPi = 3.14159265358979323846;

bool is_share(const Rule& r) {
    return (r.check != Check::Ratio || ratio_is_share(r)) && !(r.check == Check::MinTotal && r.level == "area");
}
bool area_count(const Rule& r) { return r.check == Check::MinCount && r.level == "area"; }

std::string level_name_of(int l) { return l < 0 ? "area" : level_name(l); }

/// A compound as the maps draw it: its shape, or a dot where the footprint would be
/// smaller than a few pixels (or is a point).
std::string compound_path(GEOSContextHandle_t h, const Compound& c, const svg::Map& m) {
    svg::Envelope e = svg::envelope_of(h, c.geom.get());
    double size = e.empty() ? 0 : std::max(e.maxx - e.minx, e.maxy - e.miny) * m.frame().scale;
    if (c.is_point || size < 3.5) return m.marker_data(c.rep.x, c.rep.y, "circle", 4.2);
    return svg::path_data(h, c.geom.get(), m.frame());
}

struct MapBuilder {
    const Project& p;
    const Inputs& in;
    const Analysis& a;
    const std::string& lang;
    GEOSContextHandle_t h;
    svg::Envelope extent;
    double north;
    const MapPaths* given;  ///< path data formatted beforehand, or null
    // Path data of units and compounds: the same in every map of a run (one frame),
    // made once. Reset when a map has another frame.
    struct Paths {
        svg::Frame frame;
        std::array<std::vector<std::optional<std::string>>, kLevels> units;
        std::vector<std::optional<std::string>> compounds;
    };
    mutable Paths paths{};

    void start(const svg::Map& m) const {
        if (!(paths.frame == m.frame())) paths = Paths{m.frame(), {}, {}};
        for (int l = 0; l < kLevels; ++l) paths.units[l].resize(in.units[l].size());
        paths.compounds.resize(in.compounds.size());
    }

    template <class F>
    static const std::string& once(std::optional<std::string>& slot, F&& compute) {
        if (!slot) slot = compute();
        return *slot;
    }

    /// The path given beforehand for this geometry in this frame, or null.
    static const std::string* given_path(const MapPaths* g, const svg::Map& m, const std::vector<const GEOSGeometry*>& geoms,
                                         const std::vector<std::string>& paths, size_t i, const GEOSGeometry* geom) {
        if (!g || !(g->frame == m.frame()) || i >= geoms.size() || i >= paths.size() || geoms[i] != geom) return nullptr;
        return &paths[i];
    }

    const std::string& unit_path(const svg::Map& m, int l, size_t u) const {
        const Unit& un = in.units[l][u];
        if (given) {
            if (auto d = given_path(given, m, given->unit_geom[l], given->units[l], u, un.geom.get())) return *d;
        }
        return once(paths.units[l][u], [&] { return svg::path_data(h, un.geom.get(), m.frame()); });
    }

    std::string note() const {
        return std::string(tr(lang, "数据：项目输入数据；分析：lifecircle ", "Data: project inputs; analysis: lifecircle ")) +
               LIFECIRCLE_VERSION + tr(lang, "；坐标系 ", "; projection ") + in.working_crs +
               tr(lang, "；底图由分析几何绘制，未使用在线瓦片", "; drawn from the analysis geometries, no web tiles");
    }

    /// Unit outlines of the levels coarser than `below` (street and district borders).
    void borders(svg::Map& m, int below, bool legend) const {
        for (int l = std::min(below - 1, kStreet); l >= kDistrict; --l) {
            if (!in.has_level[l]) continue;
            bool district = l == kDistrict;
            m.begin_group(std::string("fill=\"none\" stroke=\"") + (district ? "#1a1a1a" : "#505050") + "\" stroke-width=\"" +
                          (district ? "1.8" : "1") + "\" stroke-linejoin=\"round\"");
            for (size_t u = 0; u < in.units[l].size(); ++u) m.path(unit_path(m, l, u), "");
            m.end_group();
            if (legend)
                m.legend(svg::LegendItem::make(svg::LegendItem::Line, level_label(level_name(l), lang) + tr(lang, "界", " boundary"), "none",
                          district ? "#1a1a1a" : "#505050", district ? 1.8 : 1.0));
        }
    }

    /// Names of the streets (or districts without streets), largest first so the
    /// collision test keeps the names of the units a reader looks for.
    void labels(svg::Map& m) const {
        int l = in.has_level[kStreet] ? kStreet : in.has_level[kDistrict] ? kDistrict : -1;
        if (l < 0) return;
        std::vector<int> order(in.units[l].size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
        std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return in.units[l][x].area_m2 > in.units[l][y].area_m2; });
        for (int u : order) {
            const Unit& un = in.units[l][u];
            if (!un.name.empty()) m.label(un.rep.x, un.rep.y, un.name, 12.5, l == kDistrict);
        }
    }

    void facilities(svg::Map& m, const Rule& rule) const {
        std::map<std::string, long> drawn;
        std::vector<std::string> types;
        for (auto& f : in.facilities) {
            bool wanted = rule.types.empty() || std::find(rule.types.begin(), rule.types.end(), f.type) != rule.types.end();
            if (!wanted || !facility_matches(f, rule.where)) continue;
            if (!drawn.count(f.type)) types.push_back(f.type);
            drawn[f.type]++;
        }
        if (drawn.empty()) return;
        // Draw in the rule's type order so the legend and the stacking agree.
        std::vector<std::string> order;
        for (auto& t : rule.types)
            if (drawn.count(t)) order.push_back(t);
        for (auto& t : types)
            if (std::find(order.begin(), order.end(), t) == order.end()) order.push_back(t);
        // Larger, rarer facilities last, on top.
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            TypeStyle ts = type_style(*it);
            m.begin_group("fill=\"" + ts.color.hex() + "\" stroke=\"#fff\" stroke-width=\"0.9\"");
            for (auto& f : in.facilities)
                if (f.type == *it && facility_matches(f, rule.where)) m.marker(f.pt.x, f.pt.y, ts.svg_shape, ts.size_mm * 2.8, "");
            m.end_group();
        }
        m.legend(svg::LegendItem::heading(tr(lang, "设施", "Facilities")));
        for (auto& t : order) {
            TypeStyle ts = type_style(t);
            svg::LegendItem li = svg::LegendItem::make(svg::LegendItem::Marker, type_label(t, lang) + " (" + std::to_string(drawn[t]) + ")", ts.color.hex(), "#fff", 0.9);
            li.shape = ts.svg_shape;
            li.size = ts.size_mm * 2.8;
            m.legend(li);
        }
    }

    /// A compound as a shape, or as a dot where the footprint would be smaller than a
    /// few pixels (or is a point).
    void compound(svg::Map& m, size_t i, const std::string& attrs) const {
        const Compound& c = in.compounds[i];
        const std::string* d = given ? given_path(given, m, given->compound_geom, given->compounds, i, c.geom.get()) : nullptr;
        if (!d) d = &once(paths.compounds[i], [&] { return compound_path(h, c, m); });
        m.path(*d, attrs);
    }
    static std::string compound_attrs(const std::string& fill, const std::string& stroke) {
        return "fill=\"" + fill + "\" stroke=\"" + stroke + "\" stroke-width=\"0.5\"";
    }

    IndicatorMap build(const RuleResult& rr) const {
        const Rule& rule = *rr.rule;
        IndicatorMap out;
        out.rule_id = rule.id;
        out.file = rule.id + ".svg";
        out.title = rule_title(rule, lang);
        svg::Map m("map-" + rule.id, extent);
        start(m);

        int lvl = map_level(in, rr);
        bool support = rule.check == Check::CompoundSupport;
        std::vector<ValueClass> classes;
        if (rule.check == Check::MinCount || (rule.check == Check::MinTotal && lvl >= 0)) classes = count_classes(rule.min, lang);
        else classes = target_classes(rr.target, is_share(rule), lang);

        int base = support || lvl < 0 ? finest_level(in) : lvl;
        bool any_null = false;
        if (base >= 0) {
            m.begin_group("stroke=\"#fff\" stroke-width=\"0.6\" stroke-linejoin=\"round\"");
            const std::string plain = std::string("fill=\"") + (support || lvl < 0 ? "#ececea" : no_data_color().hex()) + "\"";
            std::vector<std::string> by_class;
            for (auto& vc : classes) by_class.push_back("fill=\"" + vc.color.hex() + "\"");
            for (size_t u = 0; u < in.units[base].size(); ++u) {
                const std::string* fill = &plain;
                if (!support && lvl >= 0) {
                    const auto& v = rr.per_unit[lvl][u].value;
                    int k = v ? class_of(classes, *v) : -1;
                    if (k >= 0) {
                        fill = &by_class[k];
                    } else {
                        any_null = true;
                    }
                }
                m.path(unit_path(m, base, u), *fill);
            }
            m.end_group();
        }

        if (!support && lvl >= 0) {
            m.legend(svg::LegendItem::heading(unit_measure_label(rule, lang) + tr(lang, "（按", " (by ") +
                                              level_short(level_name(lvl), lang) + tr(lang, "）", ")")));
            for (size_t k = 0; k < classes.size(); ++k)
                m.legend(svg::LegendItem::make(svg::LegendItem::Fill, classes[k].label, classes[k].color.hex(), "#bbb", 0.5));
            if (any_null) m.legend(svg::LegendItem::make(svg::LegendItem::Fill, tr(lang, "不适用或无数据", "not applicable / no data"), no_data_color().hex(), "#bbb", 0.5));
        }

        if (support) {
            // Compounds coloured by their status under this rule.
            std::map<int, std::string> status;
            for (auto& g : a.gaps)
                if (g.rule_id == rule.id) status[g.compound] = g.reason;
            std::map<std::string, long> n;
            std::vector<std::pair<int, std::string>> draw;
            for (size_t c = 0; c < in.compounds.size(); ++c) {
                const Compound& cp = in.compounds[c];
                std::string s;
                auto it = status.find(static_cast<int>(c));
                if (it != status.end()) s = it->second;
                else if (!rule.since_year && !rule.before_year)
                    s = "compliant";  // a rule over every compound, whatever its year
                else if (cp.year && (!rule.since_year || *cp.year >= *rule.since_year) && (!rule.before_year || *cp.year < *rule.before_year))
                    s = "compliant";
                else s = "not_assessed";
                n[s]++;
                draw.push_back({static_cast<int>(c), s});
            }
            // Not assessed first (underneath), failing last (on top).
            const std::vector<std::string> order = {"not_assessed", "compliant", "unknown_year", "unknown_households", "single_site_too_small",
                                                    "area_below_standard", "no_facility"};
            for (auto& s : order) {
                ReasonStyle rs = reason_style(s);
                const std::string attrs = compound_attrs(rs.color.hex(), s == "not_assessed" ? "#b8b8b8" : "#444");
                for (auto& [c, st] : draw)
                    if (st == s) compound(m, c, attrs);
            }
            for (auto& [s, k] : n)
                if (std::find(order.begin(), order.end(), s) == order.end()) {
                    const std::string attrs = compound_attrs(reason_style(s).color.hex(), "#444");
                    for (auto& [c, st] : draw)
                        if (st == s) compound(m, c, attrs);
                }
            m.legend(svg::LegendItem::heading(unit_measure_label(rule, lang)));
            for (auto it = order.rbegin(); it != order.rend(); ++it)
                if (n.count(*it))
                    m.legend(svg::LegendItem::make(svg::LegendItem::Fill, reason_label(*it, lang) + " (" + std::to_string(n[*it]) + ")",
                              reason_style(*it).color.hex(), *it == "not_assessed" ? "#b8b8b8" : "#444", 0.6));
        }

        borders(m, base < 0 ? kLevels : std::max(base, kStreet), true);
        if (base == kDistrict && in.has_level[kStreet]) {
            // District figures: the streets inside, thin, to read the map by.
            m.begin_group("fill=\"none\" stroke=\"#ffffff\" stroke-opacity=\"0.8\" stroke-width=\"0.5\"");
            for (size_t u = 0; u < in.units[kStreet].size(); ++u) m.path(unit_path(m, kStreet, u), "");
            m.end_group();
        }

        if (!support && lvl >= 0) {
            bool any_fail = false;
            m.begin_group("fill=\"none\" stroke=\"" + failing_outline_color().hex() + "\" stroke-width=\"2.4\" stroke-linejoin=\"round\"");
            for (size_t u = 0; u < in.units[lvl].size(); ++u) {
                const auto& pv = rr.per_unit[lvl][u].pass;
                if (pv && !*pv) {
                    m.path(unit_path(m, lvl, u), "");
                    any_fail = true;
                }
            }
            m.end_group();
            if (any_fail)
                m.legend(svg::LegendItem::make(svg::LegendItem::Outline, tr(lang, "未达标单元（红框）", "Failing unit (red outline)"), "none",
                          failing_outline_color().hex(), 2.4));
        }

        if (rule.check == Check::ReachShare) {
            // Near-black maroon with a white edge: it must stand out on every class colour,
            // the reddest included.
            const std::string fill = "#4a0010", edge = "#ffffff";
            const std::string attrs = compound_attrs(fill, edge);
            long k = 0;
            for (const auto* gaps : {&a.gaps, &a.figure_gaps})  // a figure's unreached compounds are no gaps
                for (auto& g : *gaps)
                    if (g.rule_id == rule.id) {
                        compound(m, static_cast<size_t>(g.compound), attrs);
                        ++k;
                    }
            if (k)
                m.legend(svg::LegendItem::make(svg::LegendItem::Fill,
                                               tr(lang, "步行可达范围外的小区", "Compound outside walking reach") + std::string(" (") +
                                                   std::to_string(k) + ")",
                                               fill, edge, 0.6));
        }
        if (rule.check == Check::MinCount || rule.check == Check::ReachShare || rule.check == Check::FacilityShare ||
            rule.check == Check::MinTotal)
            facilities(m, rule);
        if (rule.check == Check::Ratio) {
            // the facilities the numerator sums
            Rule num;
            num.types = rule.numerator.types;
            num.where = rule.numerator.where;
            facilities(m, num);
        }
        labels(m);

        std::string sub = tr(lang, "现状 ", "Value ") + rule_value_text(rr, rr.value) + tr(lang, "，目标 ", ", target ") +
                          rule_target_text(rr) + tr(lang, "：", ": ") +
                          (rr.pass ? (*rr.pass ? tr(lang, "达标", "met") : tr(lang, "未达标", "not met")) : tr(lang, "无法判定", "undetermined"));
        if (!rr.units_failing.empty())
            sub += tr(lang, "；", "; ") + std::to_string(rr.units_failing.size()) + tr(lang, " 个", " ") +
                   level_label(level_name_of(rr.report_level), lang, rr.units_failing.size() != 1) + tr(lang, "未达标", " failing");
        out.svg = m.render(out.title, sub, note(), tr(lang, "图例", "Legend"), north);
        return out;
    }

    /// The life-circle band map (SPEC 4): every compound coloured by its walk to the
    /// nearest home-care facility, in the bands of access.bands.
    IndicatorMap band_map() const {
        IndicatorMap out;
        out.rule_id = "life_circle_bands";
        out.file = "life_circle_bands.svg";
        out.title = tr(lang, "生活圈分级：到最近居家养老服务设施的步行时间", "Life-circle bands: walk to the nearest home-care facility");
        svg::Map m("map-bands", extent);
        start(m);
        const int base = finest_level(in);
        if (base >= 0) {
            m.begin_group("fill=\"#ececea\" stroke=\"#fff\" stroke-width=\"0.6\" stroke-linejoin=\"round\"");
            for (size_t u = 0; u < in.units[base].size(); ++u) m.path(unit_path(m, base, u), "");
            m.end_group();
        }
        // In network mode the walks are measured along the roads: the network, thin grey
        // under the bands.
        if (p.access.mode == "network" && !in.roads.empty()) {
            const svg::Frame& f = m.frame();
            m.begin_group("fill=\"none\" stroke=\"#9a9a9a\" stroke-width=\"0.6\" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
            std::string d, pen;  // pen: the last point drawn, as written
            for (auto& line : in.roads) {
                if (line.size() < 2) continue;
                // Vertices within two pixels of the last one drawn are left out, and a
                // line that starts where the last one ended goes on from there without a
                // move: a metropolitan network stays a couple of megabytes.
                double lx = 0, ly = 0;
                for (size_t i = 0; i < line.size(); ++i) {
                    const double x = f.px(line[i].x), y = f.py(line[i].y);
                    if (i && i + 1 < line.size() && std::abs(x - lx) < 2 && std::abs(y - ly) < 2) continue;
                    const std::string at = svg::px(x) + " " + svg::px(y);
                    if (at != pen) d += (i ? "L" : "M") + at;
                    pen = at;
                    lx = x, ly = y;
                }
                if (d.size() > 60000) {  // one path per few thousand vertices
                    m.path(d, "");
                    d.clear();
                    pen.clear();
                }
            }
            m.path(d, "");
            m.end_group();
        }
        const size_t nb = a.bands.size();
        // Greens for the bands (darker = nearer), orange beyond the last, dark red for none.
        static const char* greens[] = {"#006d2c", "#31a354", "#74c476", "#a1d99b", "#c7e9c0"};
        auto colour = [&](int b) -> std::string {
            if (b < 0) return "#67000d";
            if (b >= static_cast<int>(nb)) return "#fd8d3c";
            return greens[std::min<size_t>(b + (nb < 3 ? 1 : 0), 4)];
        };
        auto minutes = [](double v) { return fmt_trim(v, 1); };
        std::map<int, long> n;
        for (int b = -1; b <= static_cast<int>(nb); ++b) {
            const std::string attrs = compound_attrs(colour(b), "#444");
            for (size_t c = 0; c < in.compounds.size(); ++c)
                if (a.home_band[c] == b) {
                    compound(m, c, attrs);
                    n[b]++;
                }
        }
        m.legend(svg::LegendItem::heading(tr(lang, "步行时间（分钟）", "Walk (minutes)")));
        for (int b = 0; b <= static_cast<int>(nb); ++b) {
            if (!n.count(b)) continue;
            std::string label = b < static_cast<int>(nb) ? "≤ " + minutes(a.bands[b]) : "> " + minutes(a.bands[nb - 1]);
            m.legend(svg::LegendItem::make(svg::LegendItem::Fill, label + tr(lang, " 分钟", " min") + " (" + std::to_string(n[b]) + ")",
                                           colour(b), "#444", 0.6));
        }
        if (n.count(-1))
            m.legend(svg::LegendItem::make(svg::LegendItem::Fill, tr(lang, "无法到达", "none reachable") + std::string(" (") + std::to_string(n[-1]) + ")",
                                           colour(-1), "#444", 0.6));
        if (p.access.mode == "network" && !in.roads.empty())
            m.legend(svg::LegendItem::make(svg::LegendItem::Line, tr(lang, "步行路网", "Walking network"), "none", "#9a9a9a", 0.6));
        borders(m, base < 0 ? kLevels : std::max(base, kStreet), true);
        Rule home;
        home.types = a.home_types;
        facilities(m, home);
        labels(m);
        std::string sub = tr(lang, "老年人口在步行 ", "Elderly within ");
        for (size_t b = 0; b < nb; ++b)
            sub += (b ? " / " : "") + minutes(a.bands[b]);
        sub += tr(lang, " 分钟内的比例：", " minutes: ");
        for (size_t b = 0; b < nb; ++b) {
            const auto& v = a.home_band_share[b];
            sub += (b ? " / " : "") + (v ? fmt_percent(*v, 1) : std::string("—"));
        }
        sub += tr(lang, "（分级为参考，不是规划指标）", " (figures, not plan targets)");
        out.svg = m.render(out.title, sub, note(), tr(lang, "图例", "Legend"), north);
        return out;
    }
};

}  // namespace

int detail_level(const Inputs& in, const RuleResult& rr) {
    for (int l = kCommunity; l >= kDistrict; --l)
        if (in.has_level[l] && !rr.per_unit[l].empty()) return l;
    return -1;
}

int map_level(const Inputs& in, const RuleResult& rr) {
    const int r = rr.report_level;
    if (r >= 0 && r < kLevels && in.has_level[r] && !rr.per_unit[r].empty()) return r;
    return detail_level(in, rr);
}

int finest_level(const Inputs& in) {
    for (int l = kCommunity; l >= kDistrict; --l)
        if (in.has_level[l]) return l;
    return -1;
}

std::vector<const RuleResult*> headline_results(const Analysis& a) {
    std::vector<const RuleResult*> out;
    for (auto& rr : a.rules)
        if (rr.rule->headline && rr.value) out.push_back(&rr);
    if (!out.empty()) return out;
    // A project that flags no headline rule still gets maps: its reach rules, else its
    // first rule with a value.
    for (auto& rr : a.rules)
        if (rr.rule->check == Check::ReachShare && rr.value) out.push_back(&rr);
    for (auto& rr : a.rules)
        if (out.empty() && rr.value) out.push_back(&rr);
    return out;
}

std::string rule_title(const Rule& r, const std::string& lang) {
    const std::string& first = lang == "en" ? r.title_en : r.title_zh;
    const std::string& second = lang == "en" ? r.title_zh : r.title_en;
    return !first.empty() ? first : !second.empty() ? second : r.id;
}

std::string rule_value_text(const RuleResult& rr, const std::optional<double>& v) {
    if (!v || !std::isfinite(*v)) return "—";
    const Rule& r = *rr.rule;
    if (area_count(r) && rr.details.contains("count") && rr.details["count"].is_number())
        return fmt_thousands(rr.details["count"].get<double>());
    if (!is_share(r)) return fmt_trim(*v, 2);
    double pct = std::round(*v * 1000) / 10;
    // Rounding must not lift a failing share to its target: 99.96% of a 100% target
    // reads 99.9%, not 100%.
    if (*v < rr.target - 1e-12 && pct >= rr.target * 100) pct = std::floor(*v * 1000) / 10;
    return fmt_trim(pct, 1) + "%";
}

std::string rule_target_text(const RuleResult& rr) {
    const Rule& r = *rr.rule;
    if (area_count(r)) return "≥ " + fmt_trim(r.min, 2);
    if (!is_share(r)) return "≥ " + fmt_trim(rr.target, 2);
    if (rr.target >= 1) return "100%";
    return "≥ " + fmt_percent(rr.target, 1);
}

/// Inclusive places of all places, too; shown like the other shares, not as 0.59.
bool ratio_is_share(const Rule& r) {
    const RatioTerm &n = r.numerator, &d = r.denominator;
    return r.check == Check::Ratio && r.per == 1 && n.of == "facilities" && d.of == "facilities" && !n.attr.empty() &&
           (n.attr == d.attr || (n.attr == "nursing_beds" && d.attr == "beds"));
}

std::string district_parts(const RuleResult& rr, const Inputs& in, const std::string& lang) {
    const auto it = rr.details.find("by_district");
    if (it == rr.details.end() || !it->is_object() || it->empty()) return "";
    std::map<std::string, std::string> names;
    for (auto& u : in.units[kDistrict]) names.emplace(u.id, u.name);
    std::string s;
    for (auto d = it->begin(); d != it->end(); ++d) {
        auto n = names.find(d.key());
        s += (s.empty() ? "" : tr(lang, "、", ", ")) + (n == names.end() ? d.key() : n->second) + " " + fmt_thousands(d.value().get<double>());
    }
    if (auto none = rr.details.find("in_no_district"); none != rr.details.end() && none->is_number())
        s += tr(lang, "、未归属区县 ", ", in no district ") + fmt_thousands(none->get<double>());
    return s;
}

std::string ratio_term_label(const RatioTerm& t, const std::string& lang) {
    return t.attr.empty() ? tr(lang, "设施数", "facilities") : measure_label(t.attr, lang);
}

namespace {

/// The weight of a share, as a legend names it.
std::string weight_label(const std::string& weight, const std::string& lang) {
    return measure_label(weight.empty() ? "compounds" : weight, lang);
}

}  // namespace

std::string unit_measure_label(const Rule& r, const std::string& lang) {
    if (r.check == Check::MinCount) {
        if (r.types.size() == 1) return type_label(r.types[0], lang) + tr(lang, "数量", " count");
        return tr(lang, "相关设施数量", "Facilities counted");
    }
    if (r.check == Check::ReachShare) {
        if (r.weight == "elderly") return tr(lang, "步行可达的老年人口比例", "Share of elderly within walking reach");
        if (r.weight == "households") return tr(lang, "步行可达的户数比例", "Share of households within walking reach");
        if (r.weight == "population") return tr(lang, "步行可达的人口比例", "Share of residents within walking reach");
        return tr(lang, "步行可达的小区比例", "Share of compounds within walking reach");
    }
    if (r.check == Check::CompoundSupport) return tr(lang, "小区配建养老服务用房", "Supporting elderly-service space");
    if (r.check == Check::FacilityShare) return tr(lang, "符合条件的设施比例", "Share of facilities meeting the condition");
    if (r.check == Check::UnitShare) return tr(lang, "是否达到（1 是，0 否）", "Meets the condition (1 yes, 0 no)");
    if (r.check == Check::MinTotal) return r.total_attr.empty() ? tr(lang, "设施数量", "Facilities") : tr(lang, "合计", "Total");
    if (r.check == Check::MinAccess)
        return tr(lang, "供给可达性（2SFCA）达标的", "Share of ") + weight_label(r.weight, lang) +
               tr(lang, "比例", " with capacity-aware access (2SFCA) at the minimum");
    // Ratio: the indicator named by its terms, "beds per 1000 elderly".
    const std::string num = ratio_term_label(r.numerator, lang), den = ratio_term_label(r.denominator, lang);
    if (ratio_is_share(r)) return lang == "en" ? num + " as a share of all " + den : num + "占" + den + "比例";
    if (r.per == 1) return lang == "en" ? num + " / " + den : num + "/" + den;
    return lang == "en" ? num + " per " + fmt_trim(r.per, 2) + " " + den : "每" + fmt_trim(r.per, 2) + den + num;
}

svg::Envelope study_extent(GEOSContextHandle_t h, const Inputs& in) {
    svg::Envelope e;
    for (int l = kDistrict; l < kLevels && e.empty(); ++l)
        for (auto& u : in.units[l]) e.add(svg::envelope_of(h, u.geom.get()));
    if (e.empty()) {
        for (auto& c : in.compounds) e.add(svg::envelope_of(h, c.geom.get()));
        for (auto& f : in.facilities) e.add(f.pt.x, f.pt.y);
    }
    return e;
}

double true_north_deg(const Inputs& in, const svg::Envelope& e) {
    if (e.empty() || in.working_crs.empty()) return 0;
    auto to_ll = chinacrs::make_transform(in.working_crs, "EPSG:4326");
    auto to_work = chinacrs::make_transform("EPSG:4326", in.working_crs);
    if (!to_ll || !to_work) return 0;
    double cx = (e.minx + e.maxx) / 2, cy = (e.miny + e.maxy) / 2;
    double x = cx, y = cy;
    if (!to_ll->Transform(1, &x, &y)) return 0;
    double nx = x, ny = y + 0.01;
    if (!to_work->Transform(1, &nx, &ny)) return 0;
    double deg = std::atan2(nx - cx, ny - cy) * 180 / kPi;
    return std::isfinite(deg) ? std::round(deg * 100) / 100 : 0;
}

MapPaths map_paths(GEOSContextHandle_t h, const Inputs& in) {
    MapPaths out;
    svg::Map m("paths", study_extent(h, in));
    out.frame = m.frame();
    for (int l = 0; l < kLevels; ++l)
        for (auto& u : in.units[l]) {
            out.unit_geom[l].push_back(u.geom.get());
            out.units[l].push_back(svg::path_data(h, u.geom.get(), m.frame()));
        }
    for (auto& c : in.compounds) {
        out.compound_geom.push_back(c.geom.get());
        out.compounds.push_back(compound_path(h, c, m));
    }
    return out;
}

std::vector<IndicatorMap> indicator_maps(GEOSContextHandle_t h, const Project& p, const Inputs& in, const Analysis& a,
                                         const std::string& lang, const MapPaths* paths) {
    svg::Envelope ext = study_extent(h, in);
    MapBuilder b{p, in, a, lang, h, ext, true_north_deg(in, ext), paths};
    std::vector<IndicatorMap> out;
    for (const RuleResult* rr : headline_results(a)) out.push_back(b.build(*rr));
    // The 15-minute reach of the elderly is in every report: a figure where no headline
    // rule maps it. Then the band map.
    bool elderly_reach = false;
    for (const RuleResult* rr : headline_results(a))
        elderly_reach |= rr->rule->check == Check::ReachShare && rr->rule->weight == "elderly";
    if (!elderly_reach)
        for (auto& f : a.figures)
            if (f.value) out.push_back(b.build(f));
    if (!a.home_types.empty() && !a.bands.empty()) out.push_back(b.band_map());
    return out;
}

}  // namespace lc
