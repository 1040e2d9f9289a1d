#include "outputs/print_layouts.hpp"

#include "common/markup.hpp"
#include "outputs/symbology.hpp"
#include "report/report_maps.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <set>

namespace lc {

namespace {

using qgis::Box;
using qgis::TextBox;

// A3 landscape, millimetres. The map fills the left, the right column holds the legend,
// the table of failing units and the note on data and method.
constexpr double kPageW = 420, kPageH = 297, kMargin = 10;
const Box kTitle{kMargin, 7, kPageW - 2 * kMargin, 11};
const Box kSubtitle{kMargin, 19, kPageW - 2 * kMargin, 10};
const Box kMap{kMargin, 31, 292, kPageH - 31 - kMargin};
constexpr double kColumnX = kMargin + 292 + 6, kColumnW = kPageW - kMargin - kColumnX;
constexpr double kNoteH = 36;
// Row heights of the legend and the table at the fonts qgis_layouts.cpp sets (8-9 pt).
constexpr double kLegendLine = 5.6, kTableRow = 5.6, kTableHeader = 6.5;
// A family page's second page (its rules and all its failing units): the table in
// columns side by side, as many rows as fit.
constexpr double kPage2 = kPageH + qgis::kPageGap;
constexpr int kTableColumns = 4;
constexpr double kColumnGap = 6;
// The key of a family's rules and the area-wide figures: 7.5 pt in a frame.
constexpr double kKeyPt = 7.5;

std::string L(const StyleContext& c, const char* zh, const char* en) { return tr(c.lang, zh, en); }

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// Where a unit's name goes: a district's over its centre (it wins collisions); a street's
/// or community's anywhere inside it (QGIS "horizontal" polygon placement), so that the
/// street at a district's centre is named too, beside the district's name.
int label_placement(int level) { return level == kDistrict ? 1 : 4; }

/// Labels of units at `level`: where, and districts' names large and bold (as the
/// project's district layer has them), to tell them from the streets' names.
void unit_labels(qgis::Labels& l, int level) {
    l.placement = label_placement(level);
    if (level != kDistrict) return;
    l.size_pt = 12;
    l.bold = true;
    l.priority = 9;
}

bool fails(const RuleResult& rr) { return rr.pass && !*rr.pass; }

long failing_units(const RuleResult& rr, int level) {
    long n = 0;
    for (auto& v : rr.per_unit[level]) n += v.pass && !*v.pass;
    return n;
}

/// The values of a rule's units drawn as percentages (shares), else as numbers: counts
/// and totals per unit, and ratios but those of part to whole (as the report has them).
bool percent(const Rule& r) {
    return r.check == Check::Ratio ? ratio_is_share(r) : r.check != Check::MinCount && r.check != Check::MinTotal;
}

std::string sql_text(const std::string& s) {
    std::string q = "'";
    for (char ch : s) q += ch == '\'' ? std::string("''") : std::string(1, ch);
    return q + "'";
}

/// `field IN ('a','b',...)`, a layer subset or filter selecting those values.
template <class Values>
std::string sql_in(const std::string& field, const Values& values) {
    std::string in;
    for (auto& v : values) in += (in.empty() ? "" : ",") + sql_text(v);
    return field + " IN (" + in + ")";
}

/// The latest modification date of the input files: the date of the data as far as the
/// project knows it.
std::string data_date(const Project& p) {
    time_t latest = 0;
    for (auto& [key, spec] : p.layers) {
        struct stat st {};
        if (::stat(spec.path.c_str(), &st) == 0) latest = std::max(latest, st.st_mtime);
    }
    if (!latest) return "—";
    std::tm tm{};
    gmtime_r(&latest, &tm);
    char b[16];
    std::strftime(b, sizeof b, "%Y-%m-%d", &tm);
    return b;
}

/// "15 分钟 × 4 km/h = 1000 m" for the types of a rule (types with their own minutes named).
std::string reach_text(const Project& p, const std::vector<std::string>& types, const StyleContext& c) {
    std::map<double, std::vector<std::string>> by_minutes;
    for (auto& t : types) {
        auto it = p.access.minutes_by_type.find(t);
        by_minutes[it == p.access.minutes_by_type.end() ? p.access.minutes : it->second].push_back(t);
    }
    if (by_minutes.empty()) by_minutes[p.access.minutes] = {};
    std::string s;
    for (auto& [m, ts] : by_minutes) {
        if (!s.empty()) s += L(c, "；", "; ");
        if (by_minutes.size() > 1)
            for (size_t i = 0; i < ts.size(); ++i) s += (i ? L(c, "、", ", ") : "") + type_label(ts[i], c.lang) + (i + 1 == ts.size() ? " " : "");
        s += fmt_trim(m, 1) + L(c, " 分钟 × ", " min × ") + fmt_trim(p.access.walk_kmh, 2) + " km/h = " +
             fmt_trim(m * p.access.walk_kmh * 1000 / 60, 0) + " m";
    }
    return s;
}

/// The extent of `e` (plus a margin) widened to the aspect ratio of the map frame.
qgis::Extent frame_extent(const svg::Envelope& e, const Box& frame) {
    double w = e.maxx - e.minx, h = e.maxy - e.miny, cx = (e.minx + e.maxx) / 2, cy = (e.miny + e.maxy) / 2;
    w = std::max(w, 1.0) * 1.04;
    h = std::max(h, 1.0) * 1.04;
    double aspect = frame.w / frame.h;
    if (w / h > aspect) h = w / aspect;
    else w = h * aspect;
    return {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
}

/// Height of text set in the CJK font at `size_pt` in a box `width_mm` wide, lines wrapped
/// (a CJK character is one em wide, other characters about half).
double text_height(const std::string& text, double width_mm, double size_pt) {
    const double em = size_pt * 0.3528, line = em * 1.5;
    double lines = 0, w = 0;
    for (size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '\n') {
            lines += std::max(1.0, std::ceil(w / width_mm));
            w = 0;
            continue;
        }
        unsigned char ch = static_cast<unsigned char>(text[i]);
        if (ch < 0x80) w += em * 0.55;
        else if (ch >= 0xC0) w += em;  // the lead byte of a multi-byte character
    }
    return lines * line;
}

/// Legend lines a layer takes: its name, then one per class.
size_t legend_lines(const qgis::ProjectLayer& l) {
    const auto& r = l.style.renderer;
    if (r.type == "RuleRenderer") return 1 + r.by_geometry.size();
    if (r.type == "singleSymbol") return 1;
    size_t n = 1;
    for (auto& k : r.classes) n += k.render;
    return n;
}

struct Planner {
    const PrintContext& x;
    const std::vector<MainLayer>& main;
    PrintPlan plan;
    std::set<std::string> made;
    std::map<std::string, size_t> page_of;  ///< a rule's own page (its layout's number)

    const StyleContext& c() const { return x.c; }

    const MainLayer* find(const std::string& table, const std::string& geometry = "") const {
        for (auto& m : main)
            if (m.table->name == table && (geometry.empty() || m.geometry == geometry)) return &m;
        return nullptr;
    }
    std::vector<const MainLayer*> parts(const std::string& table) const {
        std::vector<const MainLayer*> out;
        for (auto& m : main)
            if (m.table->name == table && !m.geometry.empty()) out.push_back(&m);
        return out;
    }

    /// A page's own copy of an output layer (added once, however many pages show it).
    std::string add(const MainLayer& from, const std::string& id, const std::string& name, const qgis::LayerStyle& style,
                    const std::string& subset = "") {
        if (made.insert(id).second) {
            qgis::ProjectLayer l = from.layer;
            l.id = id;
            l.name = name;
            // The output layer's field aliases stay: what its figures rest on.
            l.style = style;
            if (l.style.aliases.empty()) l.style.aliases = from.layer.style.aliases;
            l.visible = false;
            l.expanded = false;
            if (!subset.empty()) l.source += "|subset=" + subset;
            plan.layers.push_back(std::move(l));
        }
        return id;
    }

    const qgis::ProjectLayer* layer(const std::string& id) const {
        for (auto& l : plan.layers)
            if (l.id == id) return &l;
        for (auto& m : main)
            if (m.layer.id == id) return &m.layer;
        return nullptr;
    }

    /// Facilities of some types, their legend limited to those types.
    std::string facilities(const std::vector<std::string>& types, const std::string& key) {
        const MainLayer* f = find("facilities", "Point");
        if (!f || types.empty()) return "";
        qgis::LayerStyle s = f->layer.style;
        std::vector<qgis::Class> kept;
        for (auto& k : s.renderer.classes)
            if (std::find(types.begin(), types.end(), k.value) != types.end()) kept.push_back(k);
        s.renderer.classes = kept;
        return add(*f, "lifecircle_print_facilities_" + key, L(c(), "设施", "Facilities"), s, sql_in(quoted(c().field("type")), types));
    }

    /// The facilities that do not meet the facility-share rules `rules` (summary.json's
    /// details.facilities_not_meeting), drawn as red markers; "" when there are none.
    std::string facilities_not_meeting(const std::vector<const RuleResult*>& rules, long& count) {
        const MainLayer* f = find("facilities", "Point");
        std::set<std::string> ids;
        for (auto* r : rules)
            if (auto it = r->details.find("facilities_not_meeting"); it != r->details.end() && it->is_array())
                for (auto& id : *it) ids.insert(id.get<std::string>());
        count = static_cast<long>(ids.size());
        if (!f || ids.empty()) return "";
        qgis::LayerStyle s;
        s.geometry = "Point";
        // A red ring around the facility's own marker, which stays visible under it.
        s.renderer.symbol = qgis::marker_symbol("circle", {255, 255, 255, 0}, {215, 48, 39, 255}, 5.0, 0.7);
        // "_failing": listed with the page's own layers, not with the base layers.
        return add(*f, "lifecircle_print_facilities_failing", L(c(), "不符合指标的设施", "Facilities not meeting the rule"), s,
                   sql_in(quoted(c().field("facility_id")), ids));
    }

    /// The facilities the failing totals `rules` sum: of their types (any type when a rule
    /// names none) with a number for the summed attribute (the facilities layer writes it
    /// as a number column: an entry such as "不详" is null there, counted by no rule, and
    /// kept in `<attr>_text`). "" when a rule filters by `where`, which a layer subset
    /// would not repeat faithfully.
    std::string counted_facilities(const std::vector<const RuleResult*>& rules) {
        const MainLayer* f = find("facilities", "Point");
        if (!f || rules.empty()) return "";
        std::set<std::string> types, attrs;
        bool any_type = false, counts = false;
        for (auto* r : rules) {
            if (!r->rule->where.is_null() && !r->rule->where.empty()) return "";
            any_type |= r->rule->types.empty();
            types.insert(r->rule->types.begin(), r->rule->types.end());
            if (r->rule->total_attr.empty()) counts = true;  // a count: every facility of the types
            else attrs.insert(r->rule->total_attr);
        }
        // An attribute the facilities layer does not write (land_area): a filter on it
        // would leave the layer empty; the page draws the facilities of the types instead.
        for (auto& a : attrs)
            if (std::none_of(f->table->fields.begin(), f->table->fields.end(), [&](const Field& x) { return x.name == a; })) return "";
        std::string subset;
        if (!any_type) subset = sql_in(quoted(c().field("type")), types);
        if (!counts && !attrs.empty()) {
            std::string known;
            for (auto& a : attrs) known += (known.empty() ? "" : " OR ") + quoted(c().field(a)) + " IS NOT NULL";
            subset += (subset.empty() ? "" : " AND ") + std::string("(") + known + ")";
        }
        // The legend lists the types that have such facilities.
        std::set<std::string> shown;
        for (auto& fac : x.in.facilities) {
            if (!any_type && !types.count(fac.type)) continue;
            bool known = counts || attrs.empty();
            for (auto& a : attrs)
                if (auto it = fac.attrs.find(a); it != fac.attrs.end() && it->second.number) known = true;
            if (known) shown.insert(fac.type);
        }
        qgis::LayerStyle st = f->layer.style;
        std::vector<qgis::Class> kept;
        for (auto& k : st.renderer.classes)
            if (shown.count(k.value)) kept.push_back(k);
        st.renderer.classes = kept;
        return add(*f, "lifecircle_print_facilities_counted", L(c(), "计入合计的设施", "Facilities counted"), st, subset);
    }

    /// Gap compounds of one rule, every geometry kind.
    std::vector<std::string> gaps(const Rule& rule) {
        std::vector<std::string> ids;
        for (const MainLayer* g : parts("gaps")) {
            qgis::LayerStyle s = g->layer.style;
            std::vector<qgis::Class> kept;
            std::set<std::string> reasons;
            for (auto& gap : x.a.gaps)
                if (gap.rule_id == rule.id) reasons.insert(gap.reason);
            for (auto& k : s.renderer.classes)
                if (reasons.count(k.value)) {
                    kept.push_back(k);
                    kept.back().label = reason_label(k.value, c().lang);  // the layout names the rule
                }
            if (!kept.empty()) s.renderer.classes = kept;
            std::string id = "lifecircle_print_gaps_" + rule.id + (g->layer.id == "lifecircle_gaps" ? "" : "_" + g->geometry);
            ids.push_back(add(*g, id, L(c(), "未达标小区", "Compounds failing the rule"), s,
                              quoted(c().field("rule_id")) + " = " + sql_text(rule.id)));
        }
        return ids;
    }

    /// Plain units of a level (grey fill or outline only), labelled with their names.
    std::string plain_units(int level, bool filled) {
        const MainLayer* u = find(std::string("units_") + level_name(level), "Polygon");
        if (!u) return "";
        qgis::LayerStyle s;
        s.geometry = "Polygon";
        s.renderer.symbol = filled               ? qgis::fill_symbol({236, 236, 234, 255}, {190, 190, 190, 255}, 0.2)
                            : level == kDistrict ? qgis::outline_symbol({26, 26, 26, 255}, 0.7)
                                                 : qgis::outline_symbol({80, 80, 80, 255}, level == kStreet ? 0.45 : 0.25);
        if (level == kStreet) {
            s.labels.enabled = true;
            s.labels.text = c().field("name");
            s.labels.size_pt = 8;
            s.labels.priority = 8;
            s.labels.placement = label_placement(level);
        }
        return add(*u, std::string("lifecircle_print_units_") + level_name(level) + (filled ? "_plain" : "_outline"),
                   level_label(level_name(level), c().lang) + (filled ? "" : L(c(), "界", " boundaries")), s);
    }

    std::string district_outline() {
        const MainLayer* d = find("units_district", "Polygon");
        return d ? d->layer.id : "";
    }

    /// The borders drawn over a map whose units are at `level`.
    std::vector<std::string> borders(int level) {
        std::vector<std::string> ids;
        // Street borders over communities, and over districts for orientation.
        if ((level == kCommunity || level == kDistrict) && x.in.has_level[kStreet]) ids.push_back(plain_units(kStreet, false));
        // The districts' boundary over every map; over districts' own units (whose
        // layer names them) a copy without labels, so that each is named once.
        if (level != kDistrict) ids.push_back(district_outline());
        else if (x.in.has_level[kDistrict]) ids.insert(ids.begin(), plain_units(kDistrict, false));
        return ids;
    }

    TextBox note(const std::vector<std::string>& types, const std::string& source) const {
        const Project& p = x.p;
        std::string mode = p.access.mode == "network" ? L(c(), "沿路网步行", "walking along the road network")
                                                      : L(c(), "直线距离（半径）", "straight-line radius");
        std::string s = L(c(), "数据与方法\n", "Data and method\n");
        s += L(c(), "规则集：", "Profile: ") + (p.profile.empty() ? std::string("—") : p.profile) + "\n";
        if (!source.empty()) s += L(c(), "依据：", "Source: ") + source + "\n";
        s += L(c(), "可达模式：", "Access: ") + mode + "\n";
        s += L(c(), "可达距离：", "Reach: ") + reach_text(p, types, c()) + "\n";
        s += L(c(), "数据日期：", "Data date: ") + data_date(p) + L(c(), "（输入文件）", " (input files)") + "\n";
        s += L(c(), "坐标系：", "CRS: ") + x.crs_text + "\n";
        s += std::string(L(c(), "制图：lifecircle ", "Made with lifecircle ")) + LIFECIRCLE_VERSION;
        // At least kNoteH tall, taller when a long source wraps onto more lines.
        const double h = std::max(kNoteH, 3 + text_height(s, (kColumnW - 4) * 0.9, 7));
        TextBox t{"note", {kColumnX, kPageH - kMargin - h, kColumnW, h}, s, 7, false, {50, 50, 50, 255}, true};
        return t;
    }

    /// A page: title, subtitle, the map of `layers` (top first), legend, scale bar, north
    /// arrow, note; returns it for the caller to add a table.
    qgis::PrintLayout page(const std::string& name, const std::string& map_key, const std::string& title, const std::string& subtitle,
                           const std::vector<std::string>& layers, TextBox note_box) {
        qgis::PrintLayout pl;
        pl.name = name;
        pl.map_key = map_key;
        pl.width_mm = kPageW;
        pl.height_mm = kPageH;
        pl.map_box = kMap;
        pl.extent = frame_extent(x.extent, kMap);
        for (auto& id : layers)
            if (!id.empty() && layer(id)) {
                pl.map_layers.push_back(id);
                pl.legend_layers.push_back(id);
            }
        // The failing units' outline is drawn over the choropleth below it; the legend
        // lists it after that choropleth's classes.
        for (size_t i = 0; i < pl.legend_layers.size(); ++i)
            if (ends_with(pl.legend_layers[i], "_failing")) {
                const std::string id = pl.legend_layers[i];
                const std::string choropleth = id.substr(0, id.size() - std::string("_failing").size());
                auto at = std::find(pl.legend_layers.begin(), pl.legend_layers.end(), choropleth);
                if (at == pl.legend_layers.end()) continue;
                pl.legend_layers.erase(pl.legend_layers.begin() + static_cast<long>(i));
                at = std::find(pl.legend_layers.begin(), pl.legend_layers.end(), choropleth);
                pl.legend_layers.insert(at + 1, id);
                break;
            }
        pl.legend_title = L(c(), "图例", "Legend");
        pl.legend_reference_group = L(c(), "边界与底图", "Boundaries and base layers");
        double legend_h = 12 + kLegendLine;  // the reference group's heading
        for (auto& id : pl.legend_layers) legend_h += kLegendLine * legend_lines(*layer(id));
        pl.legend_box = {kColumnX, kMap.y, kColumnW, legend_h};
        pl.scale_bar_box = {kMap.x + 5, kMap.y + kMap.h - 15, 85, 11};
        pl.north_arrow_box = {kMap.x + kMap.w - 19, kMap.y + 5, 13, 20};
        pl.texts.push_back({"title", kTitle, title, 20, true, {20, 20, 20, 255}, false});
        pl.texts.push_back({"subtitle", kSubtitle, subtitle, 11, false, {60, 60, 60, 255}, false});
        pl.texts.push_back(std::move(note_box));
        return pl;
    }

    /// The room between the legend (and any text under it) and the note.
    Box free_column(const qgis::PrintLayout& pl) const {
        double top = pl.legend_box.y + pl.legend_box.h + 6, bottom = kPageH - kMargin - kNoteH - 4;
        for (auto& t : pl.texts) {
            if (t.id == "note") bottom = t.box.y - 4;
            else if (t.box.x >= kColumnX && t.box.y < kPageH) top = std::max(top, t.box.y + t.box.h + 4);
        }
        return {kColumnX, top, kColumnW, std::max(0.0, bottom - top)};
    }

    struct FailingTable {
        std::string layer_id, heading;
        long failing = 0;              ///< rows the filter selects
        std::string filter, sort;      ///< QGIS expressions; rows sorted ascending
        std::vector<qgis::TableColumn> columns;
        std::string more;              ///< after the count of rows not listed; default: units, coverage.csv
    };

    /// The table of failing units in `room`: a caption, then the rows (worst first) over
    /// `columns` frames side by side, as many as fit; a line under it says how many more
    /// there are (all of them are in coverage.csv). False, adding nothing, when not even
    /// a few rows fit.
    bool failing_table(qgis::PrintLayout& pl, const FailingTable& ft, const Box& room, int columns) {
        const double caption = 6, more = 6;
        const double w = (room.w - (columns - 1) * kColumnGap) / columns;
        const int per_frame = static_cast<int>((room.h - caption - more - kTableHeader - 1) / kTableRow);
        if (ft.failing <= 0 || per_frame < 3) return false;
        const long rows = std::min<long>(ft.failing, static_cast<long>(per_frame) * columns);
        pl.texts.push_back({"table_caption", {room.x, room.y, room.w, caption}, ft.heading, 9, true, {20, 20, 20, 255}, false});
        qgis::AttributeTable t;
        t.layer_id = ft.layer_id;
        t.filter = ft.filter;
        t.sort = ft.sort;
        t.max_rows = static_cast<int>(rows);
        t.columns = ft.columns;
        double bottom = room.y;
        for (long first = 0, i = 0; first < rows; first += per_frame, ++i) {
            const long n = std::min<long>(per_frame, rows - first);
            Box b{room.x + i * (w + kColumnGap), room.y + caption, w, kTableHeader + n * kTableRow + 1};
            if (i == 0) t.box = b;
            else t.more_frames.push_back(b);
            bottom = std::max(bottom, b.y + b.h);
        }
        pl.tables.push_back(std::move(t));
        if (ft.failing > rows) {
            std::string line = L(c(), "另有 ", "") + std::to_string(ft.failing - rows) +
                               (ft.more.empty() ? L(c(), " 个未达标单元未列出（全部见 coverage.csv）", " more failing units not listed (all in coverage.csv)")
                                                : ft.more);
            pl.texts.push_back({"table_more", {room.x, bottom + 1, room.w, 5}, line, 7, false, {90, 90, 90, 255}, false});
        }
        return true;
    }

    /// What a unit's value of the rule measures, for legends and subtitles: the report's
    /// wording, so that a layout and its map in report.html name it alike.
    std::string measure(const Rule& rule) const { return unit_measure_label(rule, c().lang); }

    /// The level a rule's units are drawn and listed at: as its map in report.html.
    int rule_level(const RuleResult& rr) const { return map_level(x.in, rr); }

    void rule_page(const RuleResult& rr, size_t number) {
        const Rule& rule = *rr.rule;
        page_of[rule.id] = number;
        const int lvl = rule_level(rr);
        const bool support = rule.check == Check::CompoundSupport;
        std::vector<std::string> layers;
        if (rule.check == Check::ReachShare || support)
            for (auto& id : gaps(rule)) layers.push_back(id);
        if (support) {
            if (const MainLayer* cp = find("compounds", "Polygon") ? find("compounds", "Polygon") : find("compounds", "Point")) {
                qgis::LayerStyle s;
                s.geometry = cp->geometry;
                s.renderer.symbol = cp->geometry == "Point" ? qgis::marker_symbol("circle", {190, 190, 190, 255}, {150, 150, 150, 255}, 1.4, 0.1)
                                                            : qgis::fill_symbol({205, 205, 205, 255}, {160, 160, 160, 255}, 0.1);
                layers.push_back(add(*cp, "lifecircle_print_compounds", L(c(), "住宅小区", "Residential compounds"), s));
            }
        }
        if (rule.check == Check::ReachShare || rule.check == Check::MinCount) layers.push_back(facilities(rule.types, rule.id));
        const std::string units_table = lvl >= 0 ? std::string("units_") + level_name(lvl) : "";
        std::string choropleth, failing_outline;
        if (!support && lvl >= 0) {
            if (const MainLayer* u = find(units_table, "Polygon")) {
                auto classes = rule.check == Check::MinCount ? count_classes(rule.min, c().lang) : target_classes(rr.target, percent(rule), c().lang);
                double top = percent(rule) ? std::max(1.0, rr.target) : 1e12;
                std::optional<double> share;
                if (percent(rule)) share = rr.target;
                // The classes plain (a legend swatch shows its fill only); the failing
                // units' outline is a layer of its own above them, with its own legend
                // entry, and only where some unit fails.
                auto s = choropleth_style("rule_" + rule.id + "_value", classes, top, share, lvl <= kStreet, c());
                s.labels.min_scale = lvl == kCommunity ? c().detail_label_scale : 0;
                unit_labels(s.labels, lvl);
                choropleth = add(*u, "lifecircle_print_" + rule.id, level_label(level_name(lvl), c().lang) + L(c(), "：", ": ") + measure(rule), s);
                if (failing_units(rr, lvl) > 0) {
                    qgis::LayerStyle f;
                    f.geometry = "Polygon";
                    f.renderer.symbol = qgis::outline_symbol(failing_outline_color(), lvl <= kStreet ? 0.8 : 0.55);
                    failing_outline = add(*u, "lifecircle_print_" + rule.id + "_failing", L(c(), "未达标单元", "Unit failing the rule"), f,
                                          quoted(c().field("rule_" + rule.id + "_pass")) + " = 0");
                }
            }
        }
        int base = lvl < 0 ? finest_level(x.in) : lvl;
        // The failing units' outline over the borders (a district's coincides with the
        // districts' boundary).
        if (!failing_outline.empty()) layers.push_back(failing_outline);
        for (auto& id : borders(base)) layers.push_back(id);
        if (!choropleth.empty()) layers.push_back(choropleth);
        else if (base >= 0) layers.push_back(plain_units(base, true));

        std::string status = rr.pass ? (*rr.pass ? L(c(), "达标", "met") : L(c(), "未达标", "not met")) : L(c(), "无法判定", "undetermined");
        std::string sub = measure(rule) + L(c(), "　现状 ", " — value ") + rule_value_text(rr, rr.value) +
                          L(c(), "，目标 ", ", target ") + rule_target_text(rr) + L(c(), "：", ": ") + status;
        if (!rr.units_failing.empty())
            sub += L(c(), "（", " (") + std::to_string(rr.units_failing.size()) + L(c(), " 个", " ") +
                   level_label(rr.report_level < 0 ? "area" : level_name(rr.report_level), c().lang, rr.units_failing.size() != 1) +
                   L(c(), "未达标）", " failing)");
        std::string title = rule_title(rule, c().lang) + L(c(), "（目标 ", " (target ") + rule_target_text(rr) + L(c(), "）", ")");
        char num[8];
        std::snprintf(num, sizeof num, "%02zu ", number);
        auto pl = page(num + rule_title(rule, c().lang), rule.id, title, sub, layers, note(rule.types, rule.source));
        // The table reads the units of the rule's level (the page's choropleth, or the
        // output layer when the page shows compounds).
        const MainLayer* table_units = lvl >= 0 ? find(units_table, "Polygon") : nullptr;
        const std::string table_layer = !choropleth.empty() ? choropleth : table_units ? table_units->layer.id : "";
        if (!table_layer.empty()) {
            std::optional<double> share;
            if (percent(rule)) share = rr.target;
            failing_table(pl,
                          {table_layer, L(c(), "未达标单元", "Failing units"), failing_units(rr, lvl),
                           is_false(c().field("rule_" + rule.id + "_pass")), quoted(c().field("rule_" + rule.id + "_value")),
                           {{L(c(), "编码", "Code"), quoted(c().field("unit_id")), 22},
                            {L(c(), "名称", "Name"), quoted(c().field("name")), 44},
                            {L(c(), "现状", "Value"), figure_expression("rule_" + rule.id + "_value", share, c()), 0}},
                           ""},
                          free_column(pl), 1);
        }
        plan.layouts.push_back(std::move(pl));
    }

    /// A figure's value per unit, as a QGIS expression: its column on the unit layers
    /// (figure_<id>_value, outputs.cpp).
    std::string figure_values(const RuleResult& rr) const { return quoted(c().field("figure_" + rr.rule->id + "_value")); }

    /// Compounds coloured by whether any facility of `types` is within walking reach.
    std::vector<std::string> reached_compounds(const std::vector<std::string>& types, const std::string& key) {
        std::vector<std::string> ids;
        std::string any;
        for (auto& t : types) any += (any.empty() ? "" : " OR ") + quoted(c().field("reached_" + t));
        if (any.empty()) return ids;
        for (const MainLayer* cp : parts("compounds")) {
            qgis::LayerStyle s;
            s.geometry = cp->geometry;
            s.renderer.type = "categorizedSymbol";
            s.renderer.attr = "CASE WHEN " + any + " THEN 'reached' ELSE 'outside' END";
            auto symbol = [&](const Rgba& fill, const Rgba& edge) {
                return cp->geometry == "Point" ? qgis::marker_symbol("circle", fill, edge, 1.6, 0.2) : qgis::fill_symbol(fill, edge, 0.15);
            };
            // As the report's map: the compounds outside reach near-black maroon, on top.
            qgis::Class in, out;
            in.value = "reached";
            in.label = L(c(), "步行可达范围内的小区", "Compounds within walking reach");
            in.symbol = symbol({199, 233, 192, 255}, {120, 160, 120, 255});
            out.value = "outside";
            out.label = L(c(), "步行可达范围外的小区", "Compounds outside walking reach");
            out.symbol = symbol({74, 0, 16, 255}, {255, 255, 255, 255});
            s.renderer.classes = {in, out};
            ids.push_back(add(*cp, "lifecircle_print_reach_" + key + "_" + cp->geometry, L(c(), "住宅小区", "Residential compounds"), s));
        }
        return ids;
    }

    /// The page of a figure the report maps though it is no plan target (the 15-minute
    /// reach of the elderly): its value per unit, the compounds in and out of reach, the
    /// facilities, and the units with the lowest values.
    void figure_page(const RuleResult& rr, size_t number) {
        const Rule& rule = *rr.rule;
        const int lvl = detail_level(x.in, rr);
        std::vector<std::string> layers = reached_compounds(rule.types, rule.id);
        layers.push_back(facilities(rule.types, rule.id));
        std::string units, values;
        if (lvl >= 0)
            if (const MainLayer* u = find(std::string("units_") + level_name(lvl), "Polygon")) {
                values = figure_values(rr);
                // A figure, not a plan target: its classes say nothing of meeting one.
                auto classes = figure_classes(rr.target, true, c().lang);
                auto s = choropleth_style("unit_id", classes, std::max(1.0, rr.target), rr.target, lvl <= kStreet, c());
                s.renderer.attr = "coalesce(" + values + ", -1)";
                s.labels.text = quoted(c().field("name")) + " || '\\n' || " + share_text(values);
                s.labels.min_scale = lvl == kCommunity ? c().detail_label_scale : 0;
                unit_labels(s.labels, lvl);
                units = add(*u, "lifecircle_print_" + rule.id, level_label(level_name(lvl), c().lang) + L(c(), "：", ": ") + measure(rule), s);
            }
        int base = lvl < 0 ? finest_level(x.in) : lvl;
        for (auto& id : borders(base)) layers.push_back(id);
        layers.push_back(!units.empty() ? units : base >= 0 ? plain_units(base, true) : "");
        std::string sub = measure(rule) + L(c(), "　全域现状 ", " — study area ") + rule_value_text(rr, rr.value) +
                          L(c(), "（参考数值，不是规划指标）", " (a figure, not a plan target)");
        char num[8];
        std::snprintf(num, sizeof num, "%02zu ", number);
        auto pl = page(num + rule_title(rule, c().lang), rule.id, rule_title(rule, c().lang), sub, layers, note(rule.types, ""));
        if (!units.empty()) {
            long below = 0;
            for (auto& v : rr.per_unit[lvl]) below += v.value && *v.value < 1;
            failing_table(pl,
                          {units, L(c(), "可达比例低于 100% 的单元（最低在前）", "Units below 100% (lowest first)"), below,
                           "coalesce(" + values + ", 1) < 1", values,
                           {{L(c(), "编码", "Code"), quoted(c().field("unit_id")), 22},
                            {L(c(), "名称", "Name"), quoted(c().field("name")), 44},
                            {L(c(), "现状", "Value"), share_text(values), 0}},
                           ""},
                          free_column(pl), 1);
        }
        plan.layouts.push_back(std::move(pl));
    }

    /// A share (0..1, an expression) as a percentage to one decimal; "—" for null.
    static std::string share_text(const std::string& v) {
        return "CASE WHEN (" + v + ") IS NULL THEN '—' ELSE to_string(round((" + v + ") * 100, 1)) || '%' END";
    }

    /// Compounds coloured by the band of their walk to the nearest home-care facility
    /// (the shortest distance to any of those types, against each band's walk).
    std::vector<std::string> band_compounds() {
        std::vector<std::string> ids;
        const size_t nb = x.a.bands.size();
        std::string nearest;
        for (auto& t : x.a.home_types) nearest += (nearest.empty() ? "" : ", ") + std::string("coalesce(") + quoted(c().field("dist_" + t + "_m")) + ", 1e15)";
        // Greens for the bands (darker = nearer), orange beyond the last, dark red for
        // none reachable: the report's colours.
        static const Rgba greens[] = {{0, 109, 44, 255}, {49, 163, 84, 255}, {116, 196, 118, 255}, {161, 217, 155, 255}, {199, 233, 192, 255}};
        for (const MainLayer* cp : parts("compounds")) {
            qgis::LayerStyle s;
            s.geometry = cp->geometry;
            s.renderer.type = "graduatedSymbol";
            s.renderer.attr = "min(" + nearest + ")";
            auto add_class = [&](double lo, double hi, const Rgba& col, const std::string& label) {
                qgis::Class k;
                k.lower = lo;
                k.upper = hi;
                k.label = label;
                k.symbol = cp->geometry == "Point" ? qgis::marker_symbol("circle", col, {68, 68, 68, 255}, 1.6, 0.15)
                                                   : qgis::fill_symbol(col, {68, 68, 68, 255}, 0.15);
                s.renderer.classes.push_back(k);
            };
            double lo = 0;
            for (size_t b = 0; b < nb; ++b) {
                double hi = x.p.access.metres_of(x.a.bands[b]);
                add_class(lo, hi, greens[std::min<size_t>(b + (nb < 3 ? 1 : 0), 4)], "≤ " + fmt_trim(x.a.bands[b], 1) + L(c(), " 分钟", " min"));
                lo = hi + 1e-6;
            }
            if (nb) add_class(lo, 1e14, {253, 141, 60, 255}, "> " + fmt_trim(x.a.bands[nb - 1], 1) + L(c(), " 分钟", " min"));
            add_class(1e14 + 1, 1e16, {103, 0, 13, 255}, L(c(), "无法到达", "none reachable"));
            ids.push_back(add(*cp, "lifecircle_print_bands_" + cp->geometry, L(c(), "住宅小区：步行时间", "Compounds: walk"), s));
        }
        return ids;
    }

    /// The life-circle bands (SPEC 4), as the report's band map: every compound coloured
    /// by its walk to the nearest home-care facility; the elderly share within each band.
    void band_page(size_t number) {
        std::vector<std::string> layers = band_compounds();
        layers.push_back(facilities(x.a.home_types, "bands"));
        int base = finest_level(x.in);
        for (auto& id : borders(base)) layers.push_back(id);
        if (base >= 0) layers.push_back(plain_units(base, true));
        std::string title = L(c(), "生活圈分级：到最近居家养老服务设施的步行时间", "Life-circle bands: walk to the nearest home-care facility");
        std::string sub = L(c(), "老年人口在步行 ", "Elderly within "), shares;
        for (size_t b = 0; b < x.a.bands.size(); ++b) {
            sub += (b ? " / " : "") + fmt_trim(x.a.bands[b], 1);
            const auto& v = b < x.a.home_band_share.size() ? x.a.home_band_share[b] : std::nullopt;
            shares += (b ? " / " : "") + (v ? fmt_percent(*v, 1) : std::string("—"));
        }
        sub += L(c(), " 分钟内的比例：", " minutes: ") + shares + L(c(), "（分级为参考，不是规划指标）", " (figures, not plan targets)");
        char num[8];
        std::snprintf(num, sizeof num, "%02zu ", number);
        plan.layouts.push_back(page(num + title, "life_circle_bands", title, sub, layers, note(x.a.home_types, "")));
    }

    /// A line of the key: the rule, its study-area value and target.
    std::string key_line(const RuleResult& r) const {
        std::string s = rule_title(*r.rule, c().lang) + L(c(), "：", ": ") + rule_value_text(r, r.value) + " / " + rule_target_text(r);
        // A study-area total: each district's part, as report.html gives them.
        if (const std::string parts = district_parts(r, x.in, c().lang); !parts.empty()) s += L(c(), "（", " (") + parts + L(c(), "）", ")");
        return s;
    }

    /// Where a rule evaluated per unit at another level than the family's map is shown:
    /// its own page, else its failing units named (the first few).
    std::string elsewhere(const RuleResult& r) const {
        const int lvl = rule_level(r);
        std::string s = L(c(), "（按", " (per ") + level_label(level_name(lvl), c().lang) + L(c(), "评价", "");
        if (auto it = page_of.find(r.rule->id); it != page_of.end()) {
            char num[8];
            std::snprintf(num, sizeof num, "%02zu", it->second);
            return s + L(c(), "，地图见第 ", "; mapped on layout ") + num + L(c(), " 页）", ")");
        }
        std::vector<std::string> names;
        for (size_t u = 0; u < r.per_unit[lvl].size() && u < x.in.units[lvl].size(); ++u)
            if (auto& v = r.per_unit[lvl][u]; v.pass && !*v.pass) names.push_back(x.in.units[lvl][u].name);
        if (names.empty()) return s + L(c(), "）", ")");
        s += L(c(), "，未达标：", "; not met: ");
        for (size_t i = 0; i < names.size() && i < 5; ++i) s += (i ? L(c(), "、", ", ") : "") + names[i];
        if (names.size() > 5) s += L(c(), " 等 ", " and ") + std::to_string(names.size() - 5) + L(c(), " 个", " more");
        return s + L(c(), "）", ")");
    }

    /// The family's rules as the table numbers them (those with unit values at the map's
    /// level), then those evaluated per unit at another level (where they are shown),
    /// then the rules that have a study-area figure only.
    std::string rule_key(const std::vector<const RuleResult*>& mapped, const std::vector<const RuleResult*>& other,
                         const std::vector<const RuleResult*>& area) const {
        std::string s = L(c(), "未达标指标（全域现状 / 目标）", "Rules not met (study-area value / target)");
        for (size_t i = 0; i < mapped.size(); ++i) s += "\n" + std::to_string(i + 1) + "  " + key_line(*mapped[i]);
        if (!other.empty()) s += "\n" + L(c(), "按其他层级评价的指标：", "Rules evaluated at another level:");
        for (auto* r : other) s += "\n•  " + key_line(*r) + elsewhere(*r);
        if (!area.empty()) s += "\n" + L(c(), "仅有全域数值的指标：", "Study-area figures only:");
        for (auto* r : area) s += "\n•  " + key_line(*r);
        return s;
    }

    /// A framed text box `w` wide at (x, y), as tall as its wrapped text; the width is
    /// taken a tenth narrower than it is, as Latin text wraps at spaces, not anywhere.
    static TextBox key_box(const std::string& text, double x, double y, double w) {
        return {"rules", {x, y, w, 3 + text_height(text, (w - 4) * 0.9, kKeyPt)}, text, kKeyPt, false, {30, 30, 30, 255}, true};
    }

    /// The units layer of a family page: units coloured by how many of the family's rules
    /// (`count`, an expression) they fail.
    std::string family_units(Check kind, int lvl, size_t mapped, const std::string& count) {
        const MainLayer* u = find(std::string("units_") + level_name(lvl), "Polygon");
        if (!u) return "";
        auto palette = target_classes(1, true, c().lang);
        qgis::LayerStyle s;
        s.geometry = "Polygon";
        s.renderer.type = "graduatedSymbol";
        s.renderer.attr = count;
        const Rgba white{255, 255, 255, 255};
        auto cls = [&](double lo, double hi, const Rgba& col, const std::string& label) {
            qgis::Class k;
            k.lower = lo;
            k.upper = hi;
            k.label = label;
            k.symbol = qgis::fill_symbol(col, white, lvl <= kStreet ? 0.3 : 0.15);
            s.renderer.classes.push_back(k);
        };
        cls(0, 0.5, palette.back().color, L(c(), "全部达标", "all met"));
        cls(0.5, 1.5, palette[2].color, L(c(), "1 项未达标", "1 not met"));
        if (mapped >= 2) cls(1.5, 2.5, palette[1].color, L(c(), "2 项未达标", "2 not met"));
        if (mapped >= 3) cls(2.5, 1e9, palette[0].color, L(c(), "3 项及以上未达标", "3 or more not met"));
        s.labels.enabled = true;
        s.labels.text = c().field("name");
        s.labels.size_pt = lvl <= kStreet ? 9 : 7.5;
        s.labels.min_scale = lvl == kCommunity ? c().detail_label_scale : 0;
        unit_labels(s.labels, lvl);
        return add(*u, std::string("lifecircle_print_family_") + check_name(kind),
                   level_label(level_name(lvl), c().lang) + L(c(), "：未达标项数", ": rules not met"), s);
    }

    /// A family page: the map of how many of the family's rules each unit fails, the key
    /// of those rules and the table of failing units, which lists per unit the numbers of
    /// the rules it fails. The table goes on a second page (with the key again, to read
    /// the numbers by) when not all failing units fit beside the map.
    void family_page(Check kind, const std::vector<const RuleResult*>& failing, size_t number) {
        // The level holding most of the family's failing rules (the finer one on a tie).
        // The level most of the family's failing rules are reported at (the finer one on
        // a tie), so that its map and table list the units report.html lists.
        int lvl = -1;
        size_t best = 0;
        for (int l = kDistrict; l < kLevels; ++l) {
            if (!x.in.has_level[l]) continue;
            size_t n = std::count_if(failing.begin(), failing.end(), [&](const RuleResult* r) { return rule_level(*r) == l; });
            if (n && n >= best) best = n, lvl = l;
        }
        // On the map: the rules with unit values at its level. A rule evaluated per unit
        // at another level is no study-area figure (its units fail): listed apart.
        std::vector<const RuleResult*> mapped, other, area;
        for (auto* r : failing)
            (lvl >= 0 && !r->per_unit[lvl].empty() ? mapped : rule_level(*r) >= 0 ? other : area).push_back(r);
        std::string count, numbers;
        const std::string sep = L(c(), "、", ", ");
        for (size_t i = 0; i < mapped.size(); ++i) {
            std::string p = is_false(c().field("rule_" + mapped[i]->rule->id + "_pass"));
            count += (count.empty() ? "" : " + ") + std::string("if(") + p + ", 1, 0)";
            numbers += (numbers.empty() ? "" : ", ") + std::string("if(") + p + ", " + sql_text(std::to_string(i + 1) + sep) + ", '')";
        }
        std::vector<std::string> types;
        for (auto* r : failing)
            for (auto& t : r->rule->types)
                if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
        std::vector<std::string> layers;
        // Facility shares: the facilities that do not meet the rules, over those of their
        // types; at the study-area level they are what the page has to show.
        long n_bad = 0;
        const std::string bad = kind == Check::FacilityShare ? facilities_not_meeting(failing, n_bad) : "";
        if (!bad.empty()) layers.push_back(bad);
        if (kind == Check::MinTotal) {
            const std::string counted = counted_facilities(failing);
            layers.push_back(!counted.empty() ? counted : facilities(types, std::string("family_") + check_name(kind)));
        } else if (kind == Check::MinCount || kind == Check::ReachShare || kind == Check::FacilityShare) {
            layers.push_back(facilities(types, std::string("family_") + check_name(kind)));
        }
        const std::string units = mapped.empty() ? "" : family_units(kind, lvl, mapped.size(), count);
        int base = units.empty() ? finest_level(x.in) : lvl;
        for (auto& id : borders(base)) layers.push_back(id);
        layers.push_back(units.empty() && base >= 0 ? plain_units(base, true) : units);

        long n = 0;
        if (!units.empty())
            for (size_t u = 0; u < x.in.units[lvl].size(); ++u)
                n += std::any_of(mapped.begin(), mapped.end(), [&](const RuleResult* r) {
                    auto& v = r->per_unit[lvl][u];
                    return v.pass && !*v.pass;
                });
        FailingTable table{units, L(c(), "未达标单元（编号见未达标指标）", "Failing units (rule numbers as in the key)"), n,
                           "(" + count + ") > 0", "-(" + count + ")",
                           {{L(c(), "名称", "Name"), quoted(c().field("name")), 34},
                            {L(c(), "项数", "Rules"), count, 11},
                            {L(c(), "未达标指标编号", "Rules not met"),
                             "regexp_replace(concat(" + numbers + "), " + sql_text(sep + "$") + ", '')", 0}}, ""};
        // No unit to list (study-area rules): the facilities not meeting them instead.
        if (units.empty() && !bad.empty())
            table = {bad, L(c(), "不符合指标的设施", "Facilities not meeting the rules"), n_bad,
                     quoted(c().field("facility_id")) + " IS NOT NULL", quoted(c().field("name")),
                     {{L(c(), "名称", "Name"), quoted(c().field("name")), 0}, {L(c(), "编号", "Id"), quoted(c().field("facility_id")), 24}},
                     L(c(), " 处设施未列出（全部见 report.html 规则表）", " more facilities not listed (all in report.html's rules table)")};

        const std::string key = rule_key(mapped, other, area);
        std::string title = family_title(kind) + L(c(), "：", ": ") + std::to_string(failing.size()) +
                            L(c(), " 项未达标", failing.size() == 1 ? " rule not met" : " rules not met");
        char num[8];
        std::snprintf(num, sizeof num, "%02zu ", number);
        auto pl = page(num + family_title(kind), "", title, "", layers, note(types, ""));
        const Box free = free_column(pl);
        TextBox key1 = key_box(key, kColumnX, free.y - 2, kColumnW);
        const bool key_here = key1.box.h <= free.h;
        if (key_here) pl.texts.push_back(key1);
        bool table_here = table.layer_id.empty();
        if (!table.layer_id.empty() && key_here) {
            Box room = free_column(pl);
            // Beside the map only when every failing unit fits there.
            qgis::PrintLayout trial = pl;
            table_here = failing_table(trial, table, room, 1) && trial.tables.back().max_rows >= n;
            if (table_here) pl = std::move(trial);
        }
        const bool page2 = !(key_here && table_here);
        if (page2) second_page(pl, title, key, table);
        for (auto& t : pl.texts)
            if (t.id == "subtitle") t.text = family_subtitle(mapped.empty() ? -1 : lvl, page2);
        plan.layouts.push_back(std::move(pl));
    }

    /// What the family page's map shows and where its rules (and failing units) are listed.
    std::string family_subtitle(int lvl, bool page2) const {
        std::string where = page2 ? L(c(), "指标及未达标单元见第 2 页", "the rules and failing units are on page 2")
                                  : L(c(), "指标见右栏", "the rules are listed on the right");
        if (lvl < 0) return L(c(), "仅有全域数值的指标；", "Study-area figures only; ") + where;
        return L(c(), "地图：各", "Map: rules not met per ") + level_label(level_name(lvl), c().lang) + L(c(), "未达标的项数；", "; ") + where;
    }

    /// Page 2 of a family page: its title, the key of the rules across the page, and the
    /// table of failing units in columns under it.
    void second_page(qgis::PrintLayout& pl, const std::string& title, const std::string& key, const FailingTable& table) {
        pl.pages = 2;
        const double w = kPageW - 2 * kMargin;
        pl.texts.push_back({"title_page2", {kMargin, kPage2 + kTitle.y, w, kTitle.h}, title + L(c(), "（续）", " (continued)"), 20, true,
                            {20, 20, 20, 255}, false});
        TextBox k = key_box(key, kMargin, kPage2 + kTitle.y + kTitle.h + 4, w);
        k.id = "rules_page2";
        pl.texts.push_back(k);
        double top = k.box.y + k.box.h + 6;
        if (!table.layer_id.empty()) failing_table(pl, table, {kMargin, top, w, kPage2 + kPageH - kMargin - top}, kTableColumns);
    }

    std::string family_title(Check kind) const {
        switch (kind) {
            case Check::MinCount: return L(c(), "设施配置类指标", "Facility provision");
            case Check::ReachShare: return L(c(), "步行可达类指标", "Walking reach");
            case Check::Ratio: return L(c(), "配置比例类指标", "Ratios");
            case Check::CompoundSupport: return L(c(), "小区配建类指标", "Supporting space in compounds");
            case Check::FacilityShare: return L(c(), "设施达标比例类指标", "Facility shares");
            case Check::UnitShare: return L(c(), "单元比例类指标", "Unit shares");
            case Check::MinTotal: return L(c(), "总量类指标", "Totals");
            case Check::MinAccess: break;
        }
        return check_name(kind);
    }
};

}  // namespace

PrintPlan plan_print_layouts(const PrintContext& x, const std::vector<MainLayer>& main) {
    Planner pl{x, main, {}, {}, {}};
    if (x.extent.empty()) return {};
    size_t n = 0;
    for (const RuleResult* rr : headline_results(x.a)) pl.rule_page(*rr, ++n);
    // The report's other maps (report_maps.cpp indicator_maps): the 15-minute reach of
    // the elderly where no headline rule maps it, then the life-circle bands.
    bool elderly_reach = false;
    for (const RuleResult* rr : headline_results(x.a))
        elderly_reach |= rr->rule->check == Check::ReachShare && rr->rule->weight == "elderly";
    if (!elderly_reach)
        for (auto& f : x.a.figures)
            if (f.value) pl.figure_page(f, ++n);
    if (!x.a.home_types.empty() && !x.a.bands.empty()) pl.band_page(++n);
    // Families in a fixed order, each with its failing rules in rule order.
    for (Check check : {Check::ReachShare, Check::MinCount, Check::Ratio, Check::CompoundSupport, Check::FacilityShare,
                        Check::UnitShare, Check::MinTotal}) {
        std::vector<const RuleResult*> failing;
        for (auto& rr : x.a.rules)
            if (rr.rule->check == check && fails(rr)) failing.push_back(&rr);
        // A family whose failing rules all have their own page would only repeat them.
        bool covered = std::all_of(failing.begin(), failing.end(), [&](const RuleResult* r) {
            auto h = headline_results(x.a);
            return std::find(h.begin(), h.end(), r) != h.end();
        });
        if (!failing.empty() && !covered) pl.family_page(check, failing, ++n);
    }
    return std::move(pl.plan);
}

}  // namespace lc
