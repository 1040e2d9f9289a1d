// The layer readers: units, compounds, facilities, roads and gates, each a loop over
// its features that starts with the shared record prologue (records.hpp).
#include "ingest/readers.hpp"

#include "common/suggest.hpp"

#include "ingest/textnum.hpp"
#include "ingest/values.hpp"
#include "project/vocabulary.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>

namespace lc::ingest {

namespace {

std::string canonical_kind(const LayerSpec& s, int level, const std::optional<std::string>& raw, bool& unknown) {
    unknown = false;
    const std::string fallback = unit_kinds(level).front();
    if (!raw || text::trim(*raw).empty()) return fallback;
    std::string v = text::trim(*raw);
    auto it = s.kind_map.find(v);
    if (it != s.kind_map.end()) v = it->second;
    std::string kind = unit_kind_of(level, v);
    if (kind.empty()) {
        unknown = true;
        return fallback;
    }
    return kind;
}

std::string map_operator(const LayerSpec& s, const std::string& raw) {
    std::string v = text::trim(raw);
    auto it = s.operator_map.find(v);
    if (it != s.operator_map.end()) return it->second;
    static const std::map<std::string, std::string> zh = {{"公办", "public"}, {"民办", "private"}, {"公建民营", "public_private"},
                                                          {"公办民营", "public_private"}, {"国有", "public"}, {"私营", "private"}};
    auto z = zh.find(v);
    return z == zh.end() ? v : z->second;
}

/// Facility attributes that count or measure something: those a facility's figure is
/// bounded for (records.cpp plausible_max), which cannot be negative either.
bool is_count_attribute(const std::string& a) { return plausible_max("facilities", a).has_value(); }

// A residential compound (小区) is a block or a few: GB 50180-2018 puts a whole
// 15-minute life circle at 1.3 to 2 km² (a walk of about 1 km from its centre), and the
// largest gated estates stay near a few km². A compound beyond either bound below is
// larger than the circles it is checked against — a district or street boundary drawn
// into the wrong layer, or coordinates in another unit — and its one representative
// point would stand for places an hour's walk apart.
constexpr double kMaxCompoundExtentM = 5000, kMaxCompoundAreaM2 = 5e6;

/// Why a compound's polygon (working CRS, metres) cannot be one compound; empty if it can.
std::string implausible_compound_size(GEOSContextHandle_t h, const GEOSGeometry* g) {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0, area = 0;
    GEOSGeom_getXMin_r(h, g, &x0);
    GEOSGeom_getYMin_r(h, g, &y0);
    GEOSGeom_getXMax_r(h, g, &x1);
    GEOSGeom_getYMax_r(h, g, &y1);
    GEOSArea_r(h, g, &area);
    const double extent = std::max(x1 - x0, y1 - y0);
    if (extent <= kMaxCompoundExtentM && area <= kMaxCompoundAreaM2) return {};
    char size[96];
    std::snprintf(size, sizeof size, "%.1f km across, %.2f km²", extent / 1000, area / 1e6);
    return std::string("implausibly large for a residential compound (") + size +
           "; the bound is 5 km across or 5 km²): a district or street boundary in the compounds layer, or coordinates in another unit?";
}

/// The year a build year is compared with: --as-of when given, else this calendar year.
int run_year(const Project& p) {
    if (p.as_of) return *p.as_of;
    const std::time_t now = std::time(nullptr);
    std::tm t{};
    gmtime_r(&now, &t);
    return t.tm_year + 1900;
}

}  // namespace

void read_units(Ctx& c, const LayerSpec& s, int level, Source& src) {
    auto& units = c.in.units[level];
    std::unordered_map<std::string, long> seen;
    const std::string layer = s.key;
    c.in.labels.emplace(layer, src.label);  // the first source read for it (not a scenario's additions)
    std::map<std::string, long> unknown_kinds;  // label: units, warned once each below
    for_each_feature(src, [&](OGRFeature* f, long idx) {
        auto id = record_id(c, src, s, layer, f, idx, seen);
        if (!id) return;
        GeomPtr g = record_geometry(c, src, layer, *id, f, idx);
        if (!g) return;
        g = clean_polygon(c, layer, *id, idx, std::move(g), f->GetGeometryRef(), src);
        if (!g) return;
        Unit u;
        u.id = *id;
        u.name = field_text(f, src, "name").value_or("");
        bool unknown = false;
        auto kraw = field_text(f, src, "kind");
        u.kind = canonical_kind(s, level, kraw, unknown);
        if (unknown) {
            c.in.repairs.push_back(Repair{layer, *id, "kind \"" + *kraw + "\" not recognised (add it to kind_map); taken as " + u.kind});
            unknown_kinds[text::trim(*kraw)]++;
        }
        u.parent_id = text::trim(field_text(f, src, "parent").value_or(""));
        for (auto& [attr, fname] : s.attributes)
            if (auto v = field_text(f, src, "attr:" + attr)) u.attrs[attr] = attr_from_text(*v);
        u.level = level;
        u.rep = point_on_surface(c.h, g.get());
        GEOSArea_r(c.h, g.get(), &u.area_m2);
        u.geom = std::move(g);
        units.push_back(std::move(u));
        c.in.counts[layer].used++;
    });
    c.in.has_level[level] = true;
    for (auto& [label, n] : unknown_kinds)
        c.in.warnings.push_back(src.label + ": " + std::to_string(n) + " unit(s) of kind \"" + label + "\" not recognised, taken as " +
                                unit_kinds(level).front() + "; rules for other kinds leave them out: map the label in /layers/" + s.key +
                                "/kind_map (listed in repairs.csv)");
}

void read_compounds(Ctx& c, const LayerSpec& s, Source& src) {
    std::unordered_map<std::string, long> seen;
    const std::string layer = "compounds";
    GEOSContextHandle_t h = c.h;
    c.in.labels.emplace(layer, src.label);  // the first source read for it (not a scenario's additions)
    const int this_year = run_year(c.p);
    long future_years = 0;  // build years after this_year, warned once below
    std::string future_example;
    for_each_feature(src, [&](OGRFeature* f, long idx) {
        auto idp = record_id(c, src, s, layer, f, idx, seen);
        if (!idp) return;
        const std::string& id = *idp;
        GeomPtr g = record_geometry(c, src, layer, id, f, idx, "empty or null geometry (no coordinates)");
        if (!g) return;
        Compound cp;
        int t = GEOSGeomTypeId_r(h, g.get());
        if (t == GEOS_POINT || t == GEOS_MULTIPOINT) {
            cp.is_point = true;
            if (t == GEOS_MULTIPOINT) {
                c.in.repairs.push_back(Repair{layer, id, "multipoint compound: the first point is used"});
                g = clone(h, GEOSGetGeometryN_r(h, g.get(), 0));
            }
            GEOSGeomGetX_r(h, g.get(), &cp.rep.x);
            GEOSGeomGetY_r(h, g.get(), &cp.rep.y);
        } else {
            g = clean_polygon(c, layer, id, idx, std::move(g), f->GetGeometryRef(), src);
            if (!g) return;
            if (std::string why = implausible_compound_size(h, g.get()); !why.empty())
                return reject(c, layer, id, idx, why, wgs_wkb(f->GetGeometryRef(), src));
            cp.rep = point_on_surface(c.h, g.get());
        }
        cp.id = id;
        cp.feature_index = idx;
        cp.name = field_text(f, src, "name").value_or("");
        if (auto yit = src.field_index.find("year"); yit != src.field_index.end()) {
            if (f->IsFieldSetAndNotNull(yit->second)) {
                std::string raw = to_utf8(f->GetFieldAsString(yit->second), src);
                if (!is_list_field(f, yit->second)) cp.year = text::parse_year(raw);
                if (!cp.year) {
                    cp.year_raw = raw;
                    c.in.repairs.push_back(Repair{layer, id, "year: \"" + raw + "\" cannot be read; listed as unknown_year"});
                } else if (raw != std::to_string(*cp.year)) {
                    c.in.repairs.push_back(Repair{layer, id, "year: \"" + raw + "\" read as " + std::to_string(*cp.year)});
                }
                // A scenario's planned compounds rightly carry a year to come; a
                // typo (2061 for 2016) looks the same: kept, and said.
                if (cp.year && *cp.year > this_year) {
                    c.in.repairs.push_back(Repair{layer, id, "year: " + std::to_string(*cp.year) + " is after " + std::to_string(this_year) +
                                                                 " (the run's year); taken as given, as a planned compound"});
                    if (future_years++ == 0) future_example = id + ": " + std::to_string(*cp.year);
                }
            } else {
                c.in.repairs.push_back(Repair{layer, id, "year: null; listed as unknown_year"});
            }
        }
        cp.households = read_number(c, f, src, layer, "households", id);
        cp.population = read_number(c, f, src, layer, "population", id);
        cp.elderly = read_number(c, f, src, layer, "elderly", id);
        // More elderly than residents would put an elderly share above 1.
        if (cp.elderly && cp.population && *cp.elderly > *cp.population) {
            impossible_figure(c, layer, id, "elderly", *cp.elderly, "exceeds the population " + format_number(*cp.population));
            cp.elderly.reset();
        }
        cp.infants = read_number(c, f, src, layer, "infants", id);
        // Estimates (units/demographics.hpp) fill only what the data leave unknown.
        auto given = [](const std::optional<double>& v) { return v ? FigureSource::Data : FigureSource::Unknown; };
        cp.population_source = given(cp.population);
        cp.elderly_source = given(cp.elderly);
        cp.infants_source = given(cp.infants);
        cp.geom = std::move(g);
        c.in.compounds.push_back(std::move(cp));
        c.in.counts[layer].used++;
    });
    flush_impossible(c);
    if (future_years > 0)
        c.in.warnings.push_back(src.label + ": " + std::to_string(future_years) + " compound(s) with a build year after " +
                                std::to_string(this_year) + " (the run's year; --as-of sets it), e.g. " + future_example +
                                "; taken as given (planned compounds?), each listed in repairs.csv: check for typos");
}

/// Every type label the facilities layer accepts: its type_map, the canonical ids, the
/// declared custom types and the built-in Chinese labels (the choices for "did you mean").
static std::vector<std::string> known_type_labels(const LayerSpec& s, const std::vector<std::string>& custom) {
    std::vector<std::string> out;
    for (auto& [label, type] : s.type_map) out.push_back(label);
    for (auto& t : canonical_type_ids()) out.push_back(t);
    out.insert(out.end(), custom.begin(), custom.end());
    for (auto& [label, type] : builtin_type_labels()) out.push_back(label);
    return out;
}

void read_facilities(Ctx& c, const LayerSpec& s, Source& src, bool added) {
    // A type label nobody knows is most often a typo: each one is rejected record by
    // record (rejected.csv) and also warned once on stderr, with the nearest known label.
    std::map<std::string, long> unknown_types;
    std::unordered_map<std::string, long> seen;
    for (auto& f : c.in.facilities) seen.emplace(f.id, -1);
    const std::string layer = "facilities";
    GEOSContextHandle_t h = c.h;
    c.in.labels.emplace(layer, src.label);  // the first source read for it (not a scenario's additions)
    // The attributes the rules test for yes or no: a value there that reads as neither
    // ("已开展", a stray mark) meets no such test, which must not pass unseen.
    std::set<std::string> yes_no;
    for (const Rule& r : c.p.rules)
        for (const json* w : {&r.where, &r.numerator.where, &r.denominator.where})
            if (w->is_object())
                for (auto it = w->begin(); it != w->end(); ++it)
                    if (it.value().is_boolean()) yes_no.insert(it.key());
    std::map<std::string, std::pair<long, std::string>> not_yes_no;  // attribute: count, first value
    for_each_feature(src, [&](OGRFeature* f, long idx) {
        auto idp = record_id(c, src, s, layer, f, idx, seen);
        if (!idp) return;
        const std::string& id = *idp;
        std::string raw = text::trim(field_text(f, src, "type").value_or(""));
        std::string type = canonical_type(s, raw, &c.p.custom_types);
        if (type.empty() && !raw.empty()) unknown_types[raw]++;
        if (type.empty())
            return reject(c, layer, id, idx,
                          raw.empty() ? "missing facility type" : "unknown facility type \"" + raw + "\" (map it in type_map)",
                          wgs_wkb(f->GetGeometryRef(), src));
        GeomPtr g = record_geometry(c, src, layer, id, f, idx, "empty or null geometry (no coordinates)");
        if (!g) return;
        Facility fa;
        int t = GEOSGeomTypeId_r(h, g.get());
        if (t == GEOS_POINT) {
            GEOSGeomGetX_r(h, g.get(), &fa.pt.x);
            GEOSGeomGetY_r(h, g.get(), &fa.pt.y);
        } else {
            fa.pt = point_on_surface(c.h, g.get());
            c.in.repairs.push_back(Repair{layer, id, "facility given as " + geom_type_name(h, g.get()) +
                                                         "; its point on surface is used"});
        }
        if (!std::isfinite(fa.pt.x) || !std::isfinite(fa.pt.y))
            return reject(c, layer, id, idx, "coordinates cannot be used", wgs_wkb(f->GetGeometryRef(), src));
        fa.id = id;
        fa.feature_index = idx;
        fa.name = field_text(f, src, "name").value_or("");
        fa.type = type;
        fa.type_raw = raw;
        fa.added = added;
        fa.beds = read_number(c, f, src, layer, "beds", id);
        fa.nursing_beds = read_number(c, f, src, layer, "nursing_beds", id);
        // Nursing beds are some of the beds: more of them would put the nursing share above 1.
        if (fa.nursing_beds && fa.beds && *fa.nursing_beds > *fa.beds) {
            impossible_figure(c, layer, id, "nursing_beds", *fa.nursing_beds, "exceeds the beds " + format_number(*fa.beds));
            fa.nursing_beds.reset();
        }
        fa.floor_area = read_number(c, f, src, layer, "floor_area", id);
        auto land = read_number(c, f, src, layer, "land_area", id);
        auto put_num = [&](const char* k, const std::optional<double>& v) {
            if (src.field_index.count(k)) fa.attrs[k].number = v;
        };
        put_num("beds", fa.beds);
        put_num("nursing_beds", fa.nursing_beds);
        put_num("floor_area", fa.floor_area);
        put_num("land_area", land);
        for (auto& [attr, fname] : s.attributes) {
            auto v = field_text(f, src, "attr:" + attr);
            AttrValue a;
            if (v) {
                std::string val = attr == "operator" ? map_operator(s, *v) : attr == "grade" ? canonical_grade(*v) : text::trim(*v);
                a.text = val;
                a.number = text::parse_number(val);
                a.boolean = text::parse_bool(val);
                if (a.number && is_count_attribute(attr))
                    a.number = checked_count(c, layer, id, attr, *a.number, "is impossible (a negative count or area)");
                if (!a.boolean && yes_no.count(attr) && !text::is_unknown_marker(val)) {
                    c.in.repairs.push_back(Repair{layer, id, attr + ": \"" + val + "\" is not a yes or no (是/否, 有/无, √/×, 1/0); "
                                                                "treated as unknown (null), meeting no rule that asks for yes or no"});
                    c.in.unreadable[layer + "." + attr]++;
                    auto& n = not_yes_no[attr];
                    if (n.first++ == 0) n.second = val;
                }
            }
            fa.attrs[attr] = a;
        }
        c.in.facilities.push_back(std::move(fa));
        c.in.counts[layer].used++;
    });
    flush_impossible(c);
    for (auto& [attr, n] : not_yes_no)
        c.in.warnings.push_back(src.label + ": " + std::to_string(n.first) + " value(s) of attribute \"" + attr + "\" read as neither yes nor no (e.g. \"" +
                                n.second + "\"): unknown, so those facilities meet no rule that asks for " + attr +
                                "; each is listed in repairs.csv");
    if (!unknown_types.empty()) {
        const std::vector<std::string> known = known_type_labels(s, c.p.custom_types);
        for (auto& [raw, n] : unknown_types)
            c.in.warnings.push_back(src.label + ": " + std::to_string(n) + " facilit" + (n == 1 ? "y" : "ies") +
                                    " of unknown type \"" + raw + "\" rejected" + did_you_mean(raw, known) +
                                    "; correct the data or map the label in /layers/facilities/type_map (listed in rejected.csv)");
    }
}

void read_roads(Ctx& c, const LayerSpec& s, Source& src) {
    std::set<std::string> excl(s.exclude.begin(), s.exclude.end());
    const std::string layer = "roads";
    GEOSContextHandle_t h = c.h;
    auto add_line = [&](const GEOSGeometry* ln) {
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ln);
        unsigned n = 0;
        GEOSCoordSeq_getSize_r(h, seq, &n);
        std::vector<XY> pts(n);
        for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(h, seq, i, &pts[i].x, &pts[i].y);
        if (pts.size() >= 2) c.in.roads.push_back(std::move(pts));
    };
    for_each_feature(src, [&](OGRFeature* f, long idx) {
        c.in.counts[layer].read++;
        auto cls = field_text(f, src, "class");
        if (!cls || text::trim(*cls).empty() || excl.count(text::trim(*cls))) {  // not a walkable road (SPEC 4)
            c.in.counts[layer].skipped++;
            return;
        }
        const std::string id = std::to_string(idx);
        GeomPtr g = record_geometry(c, src, layer, id, f, idx);
        if (!g) return;
        int t = GEOSGeomTypeId_r(h, g.get());
        if (t == GEOS_LINESTRING) add_line(g.get());
        else if (t == GEOS_MULTILINESTRING)
            for (int i = 0; i < GEOSGetNumGeometries_r(h, g.get()); ++i) add_line(GEOSGetGeometryN_r(h, g.get(), i));
        else return reject(c, layer, id, idx, "not a line (" + geom_type_name(h, g.get()) + ")", wgs_wkb(f->GetGeometryRef(), src));
        c.in.counts[layer].used++;
    });
}

void read_gates(Ctx& c, Source& src) {
    GEOSContextHandle_t h = c.h;
    const std::string layer = "gates";
    for_each_feature(src, [&](OGRFeature* f, long idx) {
        c.in.counts[layer].read++;
        std::string cid = text::trim(field_text(f, src, "compound_id").value_or(""));
        if (cid.empty()) return reject(c, layer, std::to_string(idx), idx, "missing compound id", wgs_wkb(f->GetGeometryRef(), src));
        GeomPtr g = record_geometry(c, src, layer, cid, f, idx);
        if (!g) return;
        if (GEOSGeomTypeId_r(h, g.get()) != GEOS_POINT)
            return reject(c, layer, cid, idx, "a gate must be a point", wgs_wkb(f->GetGeometryRef(), src));
        XY p;
        GEOSGeomGetX_r(h, g.get(), &p.x);
        GEOSGeomGetY_r(h, g.get(), &p.y);
        c.in.gates.emplace_back(cid, p);
        c.in.counts[layer].used++;
    });
}

}  // namespace lc::ingest

namespace lc {

std::string canonical_type(const LayerSpec& s, const std::string& raw_in, const std::vector<std::string>* custom_types) {
    std::string raw = text::trim(raw_in);
    auto it = s.type_map.find(raw);
    if (it != s.type_map.end()) return it->second;
    if (is_canonical_type(raw)) return raw;
    if (custom_types && std::find(custom_types->begin(), custom_types->end(), raw) != custom_types->end()) return raw;
    auto b = builtin_type_labels().find(raw);
    if (b != builtin_type_labels().end()) return b->second;
    return {};
}

}  // namespace lc
