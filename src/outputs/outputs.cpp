#include "outputs/outputs.hpp"
#include "common/chinacrs.hpp"

#include "common/csv.hpp"
#include "common/errors.hpp"
#include "common/text_file.hpp"
#include "ingest/records.hpp"
#include "ingest/textnum.hpp"
#include "outputs/geojson.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cstdlib>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

namespace lc {

namespace fs = std::filesystem;

namespace {

double round_to(double v, double scale) {
    // Beyond 1e15 the rounding would overflow (v * scale) and adds nothing.
    if (!std::isfinite(v) || std::abs(v) > 1e15) return v;
    return std::round(v * scale) / scale;
}

Value dist_value(double d) { return std::isfinite(d) ? Value(round_to(d, 1000)) : Value(); }
Value share_value(const std::optional<double>& v) { return v ? Value(round_to(*v, 1e6)) : Value(); }
Value num_value(const std::optional<double>& v) {
    if (!v) return Value();
    return Value(round_to(*v, 1e6));
}
// Access values are small (beds per elderly person): keep 9 significant digits.
Value access_value(const std::optional<double>& v) {
    if (!v || !std::isfinite(*v)) return Value();
    if (*v == 0) return Value(*v);  // what the round trip below gives (sign kept), without it
    // "%.9g" and back (to_chars/from_chars: the same digits as printf and strtod, faster)
    char b[40];
    auto r = std::to_chars(b, b + sizeof b, *v, std::chars_format::general, 9);
    double d = *v;
    std::from_chars(b, r.ptr, d);
    return Value(d);
}

std::string rule_level_name(int l) { return l < 0 ? "area" : level_name(l); }

/// "5", "7_5": a band's minutes in a field name.
std::string band_tag(double minutes) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", minutes);
    std::string s = b;
    for (auto& c : s)
        if (c == '.') c = '_';
    return s;
}

const char* source_name(FigureSource s) {
    return s == FigureSource::Data ? "data" : s == FigureSource::Estimated ? "estimated" : nullptr;
}

/// Compound figures may be estimated from census rates (SPEC 3): their source is shown.
bool with_sources(const Project& p) { return !p.census.empty() || p.persons_per_household.has_value(); }

// A row described as calls on a sink, so that nullable strings and values read alike.
// It overwrites the row's values in place (a string into the string already there keeps
// its memory): rows made on demand reuse one buffer (Table::make_row).
struct Build {
    std::vector<Value>& row;
    size_t at = 0;
    template <class V>
    void put(V&& v) {
        if (at < row.size()) row[at] = std::forward<V>(v);
        else row.emplace_back(std::forward<V>(v));
        ++at;
    }
    void str(const std::string& s) { put(s); }
    void str_or_null(const std::string* s) { s ? put(*s) : put(Value()); }
    void value(Value v) { put(std::move(v)); }
    void finish() { row.resize(at); }
};

const std::string* id_of(const std::vector<Unit>& units, int i) { return i == kNone ? nullptr : &units[i].id; }

/// Adds the next row of `t`, made by `emit`.
template <class Emit>
void add_row(Table& t, Emit&& emit) {
    std::vector<Value> row;
    row.reserve(t.fields.size());
    Build b{row};
    emit(b);
    b.finish();
    t.rows.push_back(std::move(row));
}

/// How a mapped facility attribute is written (facilities layer): a number column when it
/// is a count (family_beds, places: plausible_max), or summed by a rule (min_total, a
/// ratio's term), or when every entry is a plain number ("120", "2019"; not "0871-651234",
/// "0012" or "12号", which stay text as given) or marked unknown — whole numbers as
/// integers — so that a GIS user can sum, style and filter it, and a filter "attr IS NOT
/// NULL" finds exactly the facilities a total counts. Then `<attr>_text` keeps the entries
/// that were not read as numbers ("不详", "-5"), which no rule counted. yes/no written 1/0,
/// and anything else, stays text as given.
struct AttrColumn {
    std::string name, text_name;
    bool number = false, whole = true;
};

/// "120", "2019", "0.5", "-3": what a number column can hold without losing the text.
bool plain_number(const std::string& t) {
    const std::string s = text::trim(t);
    size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
    if (i >= s.size() || (s[i] == '0' && i + 1 < s.size() && s[i + 1] != '.')) return false;  // "0012": a code
    int points = 0;
    for (size_t k = i; k < s.size(); ++k)
        if (s[k] == '.') ++points;
        else if (s[k] < '0' || s[k] > '9') return false;
    return points <= 1 && s.back() != '.' && s[i] != '.';
}

std::vector<AttrColumn> facility_attr_columns(const Project& p, const Inputs& in) {
    std::vector<AttrColumn> cols;
    const LayerSpec* s = p.layer("facilities");
    if (!s) return cols;
    std::set<std::string> summed, taken{"facility_id", "name", "type", "type_source", "beds", "nursing_beds", "floor_area",
                                        "community_id", "street_id", "district_id", "scenario_added", "unreachable"};
    for (const Rule& r : p.rules) {
        if (r.check == Check::MinTotal && !r.total_attr.empty()) summed.insert(r.total_attr);
        if (r.check == Check::Ratio)
            for (const RatioTerm* t : {&r.numerator, &r.denominator})
                if (t->of == "facilities") summed.insert(t->attr);
    }
    for (auto& [k, _] : s->attributes) taken.insert(k);
    for (auto& [n, _] : s->attributes) {
        AttrColumn c{n, ""};
        bool plain = true, any_number = false, all_yes_no = true, unread = false;
        for (const Facility& f : in.facilities) {
            auto it = f.attrs.find(n);
            if (it == f.attrs.end() || !it->second.text) continue;
            const AttrValue& v = it->second;
            if (v.number) {
                any_number = true;
                all_yes_no = all_yes_no && v.boolean;
                c.whole = c.whole && std::abs(*v.number) < 1e15 && std::floor(*v.number) == *v.number;
                plain = plain && plain_number(*v.text);
                continue;
            }
            unread = true;
            plain = plain && text::is_unknown_marker(*v.text);
        }
        c.number = ingest::plausible_max("facilities", n).has_value() || summed.count(n) || (any_number && plain && !all_yes_no);
        if (c.number && unread) {
            c.text_name = n + "_text";
            while (taken.count(c.text_name)) c.text_name += "_";  // a mapped attribute of that name
            taken.insert(c.text_name);
        }
        cols.push_back(c);
    }
    return cols;
}

}  // namespace

namespace {

/// build_layers, or with `rows` false only the layers' heads.
void make_layers(Engine& engine, const LayerSources& s, const std::function<void(Table&)>& give, bool rows) {
    // Each layer goes with the features written before under its name, if any.
    auto each = [&](Table& t) {
        if (s.texts && s.texts->features)
            if (auto it = s.texts->features->find(t.name); it != s.texts->features->end()) t.known = &it->second;
        give(t);
    };
    const Project& p = s.p;
    const Inputs& in = s.in;
    const ReachResult& r = s.r;
    const Analysis& a = s.a;
    const std::vector<GeomPtr>& areas = s.areas;
    const std::vector<Uncovered>& unc = s.unc;
    const PackedPolygons* packed_areas = s.packed_areas;
    const PackedPolygons* packed_unc = s.packed_unc;
    const GeometryTexts* texts = s.texts;
    const AccessResult* access = s.access;
    auto text_of = [](const std::vector<const GeometryText*>* v, size_t i) -> const GeometryText* {
        return v && i < v->size() ? (*v)[i] : nullptr;
    };
    auto access_of = [&](const std::string& type) -> const AccessLayer* { return access ? access->find(type) : nullptr; };
    auto count = [rows](size_t n) { return rows ? n : 0; };  // the rows to make: none for the heads
    const auto& types = r.types;
    // Looked up once: AccessResult::find sorts and compares type lists.
    std::vector<const AccessLayer*> acc(types.size());
    for (size_t k = 0; k < types.size(); ++k) acc[k] = access_of(types[k]);
    // --- units per level
    for (int l = 0; l < kLevels; ++l) {
        if (!in.has_level[l]) continue;
        Table t;
        t.name = std::string("units_") + level_name(l);
        for (auto n : {"unit_id", "name", "level", "kind", "parent_id"}) t.add_field(n, FieldType::String);
        for (auto& ty : types) t.add_field("n_" + ty, FieldType::Integer);
        t.add_field("compounds", FieldType::Integer);
        for (auto n : {"households", "population", "elderly"}) t.add_field(n, FieldType::Real);
        for (auto n : {"households_unknown", "population_unknown", "elderly_unknown"}) t.add_field(n, FieldType::Integer);
        for (auto& ty : types) {
            t.add_field("reach_" + ty + "_share", FieldType::Real);
            for (int w = 1; w < kWeights; ++w) t.add_field("reach_" + ty + "_" + weight_name(w) + "_share", FieldType::Real);
        }
        for (size_t k = 0; k < types.size(); ++k)
            if (acc[k]) t.add_field("access_" + types[k] + "_mean", FieldType::Real);
        for (auto& ty : types)
            for (double b : a.bands) t.add_field("band_" + ty + "_" + band_tag(b) + "min_elderly_share", FieldType::Real);
        const bool census = !p.census.empty();
        if (census)
            for (int f = 0; f < kFigures; ++f) t.add_field(std::string("census_") + figure_name(f), FieldType::Real);
        const bool childcare = a.area.childcare_centres > 0;
        if (childcare)
            for (auto n : {"childcare_places", "childcare_places_per_1000", "childcare_inclusive_share"}) t.add_field(n, FieldType::Real);
        std::vector<size_t> rules_here;
        for (size_t k = 0; k < a.rules.size(); ++k)
            if (!a.rules[k].per_unit[l].empty()) {
                rules_here.push_back(k);
                t.add_field("rule_" + a.rules[k].rule->id + "_value", FieldType::Real);
                t.add_field("rule_" + a.rules[k].rule->id + "_pass", FieldType::Bool);
            }
        // Figures (not targets) with a value per unit: the elderly's reach of any
        // home-care facility, which no per-type share gives.
        std::vector<size_t> figures_here;
        for (size_t k = 0; k < a.figures.size(); ++k)
            if (!a.figures[k].per_unit[l].empty()) {
                figures_here.push_back(k);
                t.add_field("figure_" + a.figures[k].rule->id + "_value", FieldType::Real);
            }
        const std::string level = level_name(l);
        for (size_t u = 0; u < count(in.units[l].size()); ++u) {
            const Unit& un = in.units[l][u];
            const UnitStats& s = a.units[l][u];
            add_row(t, [&](auto& row) {
                row.str(un.id);
                row.str(un.name);
                row.str(level);
                row.str(un.kind);
                row.str_or_null(un.parent_id.empty() ? nullptr : &un.parent_id);
                for (size_t k = 0; k < types.size(); ++k) row.value(static_cast<long long>(s.n_type[k]));
                row.value(static_cast<long long>(s.compounds));
                for (int w = 1; w < kWeights; ++w) row.value(num_value(s.total[w]));
                for (int w = 1; w < kWeights; ++w) row.value(static_cast<long long>(s.unknown[w]));
                for (size_t k = 0; k < types.size(); ++k)
                    for (int w = 0; w < kWeights; ++w) row.value(share_value(s.reach_share[k][w]));
                for (size_t k = 0; k < types.size(); ++k)
                    if (acc[k]) row.value(access_value(acc[k]->unit_mean[l][u]));
                for (size_t k = 0; k < types.size(); ++k)
                    for (size_t b = 0; b < a.bands.size(); ++b) row.value(share_value(s.band_share[k][b]));
                if (census)
                    for (int f = 0; f < kFigures; ++f) row.value(num_value(un.census.value[f]));
                if (childcare) {
                    const auto& pop = un.census.value[0];
                    row.value(num_value(s.childcare_places));
                    row.value(num_value(s.childcare_places && pop && *pop > 0 ? std::optional<double>(*s.childcare_places / *pop * 1000)
                                                                               : std::nullopt));
                    row.value(share_value(s.childcare_places && *s.childcare_places > 0
                                              ? std::optional<double>(*s.childcare_inclusive_places / *s.childcare_places)
                                              : std::nullopt));
                }
                for (size_t k : rules_here) {
                    const auto& v = a.rules[k].per_unit[l][u];
                    row.value(num_value(v.value));
                    row.value(v.pass ? Value(*v.pass) : Value());
                }
                for (size_t k : figures_here) row.value(num_value(a.figures[k].per_unit[l][u].value));
            });
            t.geoms.push_back(un.geom.get());
            t.geometry_text.push_back(text_of(texts ? &texts->units[l] : nullptr, u));
        }
        each(t);
    }
    // --- compounds
    {
        Table t;
        t.name = "compounds";
        for (auto n : {"compound_id", "name"}) t.add_field(n, FieldType::String);
        t.add_field("build_year", FieldType::Integer);
        for (auto n : {"households", "population", "elderly"}) t.add_field(n, FieldType::Real);
        const bool sources = with_sources(p);
        if (sources) {
            t.add_field("infants", FieldType::Real);
            for (auto n : {"population_source", "elderly_source", "infants_source"}) t.add_field(n, FieldType::String);
        }
        for (auto n : {"community_id", "street_id", "district_id"}) t.add_field(n, FieldType::String);
        // minutes_<type>: the distance at the walking speed (SPEC 4 bands)
        const double per_minute = p.access.metres_of(1);
        for (auto& ty : types) {
            t.add_field("dist_" + ty + "_m", FieldType::Real);
            t.add_field("minutes_" + ty, FieldType::Real);
            t.add_field("reached_" + ty, FieldType::Bool);
            t.add_field("nearest_" + ty + "_id", FieldType::String);
        }
        if (r.mode == "network") t.add_field("unreachable", FieldType::Bool);
        for (size_t k = 0; k < types.size(); ++k)
            if (acc[k]) t.add_field("access_" + types[k], FieldType::Real);
        const bool network = r.mode == "network";
        const size_t nc = count(in.compounds.size());
        // Made a row at a time by the writers (Table::make_row); what it reads lives
        // until each(t) returns.
        t.make_row = [&, sources, network, per_minute](size_t c, std::vector<Value>& out) {
            const Compound& cp = in.compounds[c];
            Build row{out};
            {
                row.str(cp.id);
                row.str(cp.name);
                row.value(cp.year ? Value(static_cast<long long>(*cp.year)) : Value());
                row.value(num_value(cp.households));
                row.value(num_value(cp.population));
                row.value(num_value(cp.elderly));
                if (sources) {
                    row.value(num_value(cp.infants));
                    for (FigureSource fs : {cp.population_source, cp.elderly_source, cp.infants_source}) {
                        const char* n = source_name(fs);
                        n ? row.str(n) : row.value(Value());
                    }
                }
                row.str_or_null(id_of(in.units[kCommunity], cp.unit[kCommunity]));
                row.str_or_null(id_of(in.units[kStreet], cp.unit[kStreet]));
                row.str_or_null(id_of(in.units[kDistrict], cp.unit[kDistrict]));
                for (size_t k = 0; k < types.size(); ++k) {
                    row.value(dist_value(r.dist[k][c]));
                    row.value(std::isfinite(r.dist[k][c]) ? Value(round_to(r.dist[k][c] / per_minute, 1000)) : Value());
                    row.value(static_cast<bool>(r.reached[k][c]));
                    int f = r.nearest[k][c];
                    row.str_or_null(f < 0 ? nullptr : &in.facilities[f].id);
                }
                if (network) row.value(static_cast<bool>(r.unreachable[c]));
                for (size_t k = 0; k < types.size(); ++k)
                    if (acc[k]) row.value(access_value(acc[k]->compound[c]));
            }
            row.finish();
        };
        t.made_rows = nc;
        for (size_t c = 0; c < nc; ++c) {
            t.geoms.push_back(in.compounds[c].geom.get());
            t.geometry_text.push_back(text_of(texts ? &texts->compounds : nullptr, c));
        }
        each(t);
    }
    // --- gaps
    {
        Table t;
        t.name = "gaps";
        for (auto n : {"compound_id", "name", "rule_id", "reason", "detail"}) t.add_field(n, FieldType::String);
        t.add_field("build_year", FieldType::Integer);
        t.add_field("households", FieldType::Real);
        t.add_field("elderly", FieldType::Real);
        for (auto n : {"community_id", "street_id", "district_id", "nearest_facility_id", "nearest_facility_type"})
            t.add_field(n, FieldType::String);
        t.add_field("nearest_facility_dist_m", FieldType::Real);
        for (size_t k = 0; k < count(a.gaps.size()); ++k) {
            const Gap& g = a.gaps[k];
            const Compound& cp = in.compounds[g.compound];
            add_row(t, [&](auto& row) {
                row.str(cp.id);
                row.str(cp.name);
                row.str(g.rule_id);
                row.str(g.reason);
                row.str_or_null(g.detail.empty() ? nullptr : &g.detail);
                row.value(cp.year ? Value(static_cast<long long>(*cp.year)) : Value());
                row.value(num_value(cp.households));
                row.value(num_value(cp.elderly));
                row.str_or_null(id_of(in.units[kCommunity], cp.unit[kCommunity]));
                row.str_or_null(id_of(in.units[kStreet], cp.unit[kStreet]));
                row.str_or_null(id_of(in.units[kDistrict], cp.unit[kDistrict]));
                row.str_or_null(g.nearest < 0 ? nullptr : &in.facilities[g.nearest].id);
                row.str_or_null(g.nearest < 0 ? nullptr : &in.facilities[g.nearest].type);
                row.value(g.nearest < 0 ? Value() : dist_value(g.nearest_dist));
            });
            t.geoms.push_back(cp.geom.get());
            t.geometry_text.push_back(text_of(texts ? &texts->compounds : nullptr, static_cast<size_t>(g.compound)));
        }
        each(t);
    }
    // --- service areas
    {
        Table t;
        t.name = "service_areas";
        for (auto n : {"facility_id", "name", "type", "mode"}) t.add_field(n, FieldType::String);
        t.add_field("reach_m", FieldType::Real);
        t.add_field("area_m2", FieldType::Real);
        for (size_t i = 0; i < count(in.facilities.size()); ++i) {
            const Facility& f = in.facilities[i];
            add_row(t, [&](auto& row) {
                row.str(f.id);
                row.str(f.name);
                row.str(f.type);
                row.str(r.mode);
                row.value(round_to(p.access.reach_m(f.type), 1000));
                double area = 0;
                if (areas[i]) GEOSArea_r(engine.main(), areas[i].get(), &area);
                else if (packed_areas && i < packed_areas->size()) area = packed_areas->area(i);
                row.value(round_to(area, 10));
            });
            t.geoms.push_back(areas[i].get());
            t.geometry_text.push_back(text_of(texts ? &texts->service_areas : nullptr, i));
        }
        t.source = packed_areas;
        each(t);
    }
    // --- uncovered
    {
        Table t;
        t.name = "uncovered";
        for (auto n : {"unit_id", "name", "level", "kind", "type"}) t.add_field(n, FieldType::String);
        t.add_field("uncovered_m2", FieldType::Real);
        t.add_field("uncovered_share", FieldType::Real);
        for (size_t k = 0; k < count(unc.size()); ++k) {
            const Uncovered& u = unc[k];
            const Unit& un = in.units[u.level][u.unit];
            const std::string level = level_name(u.level);
            add_row(t, [&](auto& row) {
                row.str(un.id);
                row.str(un.name);
                row.str(level);
                row.str(un.kind);
                row.str(u.type);
                row.value(round_to(u.area_m2, 10));
                row.value(round_to(u.share, 1e6));
            });
            t.geoms.push_back(u.geom.get());
            t.geometry_text.push_back(text_of(texts ? &texts->uncovered : nullptr, k));
        }
        t.source = packed_unc;
        each(t);
    }
    // --- facilities
    {
        Table t;
        t.name = "facilities";
        for (auto n : {"facility_id", "name", "type", "type_source"}) t.add_field(n, FieldType::String);
        for (auto n : {"beds", "nursing_beds", "floor_area"}) t.add_field(n, FieldType::Real);
        for (auto n : {"community_id", "street_id", "district_id"}) t.add_field(n, FieldType::String);
        t.add_field("scenario_added", FieldType::Bool);
        if (r.mode == "network") t.add_field("unreachable", FieldType::Bool);
        const std::vector<AttrColumn> attr_cols = facility_attr_columns(p, in);
        for (auto& a : attr_cols) {
            t.add_field(a.name, !a.number ? FieldType::String : a.whole ? FieldType::Integer : FieldType::Real);
            if (!a.text_name.empty()) t.add_field(a.text_name, FieldType::String);
        }
        for (size_t i = 0; i < count(in.facilities.size()); ++i) {
            const Facility& f = in.facilities[i];
            add_row(t, [&](auto& row) {
                row.str(f.id);
                row.str(f.name);
                row.str(f.type);
                row.str(f.type_raw);
                row.value(num_value(f.beds));
                row.value(num_value(f.nursing_beds));
                row.value(num_value(f.floor_area));
                row.str_or_null(id_of(in.units[kCommunity], f.unit[kCommunity]));
                row.str_or_null(id_of(in.units[kStreet], f.unit[kStreet]));
                row.str_or_null(id_of(in.units[kDistrict], f.unit[kDistrict]));
                row.value(Value(f.added));
                if (r.mode == "network") row.value(Value(static_cast<bool>(r.facility_unreachable[i])));
                for (auto& a : attr_cols) {
                    auto it = f.attrs.find(a.name);
                    const AttrValue* v = it != f.attrs.end() ? &it->second : nullptr;
                    if (!a.number) {
                        row.str_or_null(v && v->text ? &*v->text : nullptr);
                        continue;
                    }
                    const std::optional<double> x = v ? v->number : std::nullopt;
                    row.value(!x ? Value() : a.whole ? Value(static_cast<long long>(*x)) : num_value(x));
                    if (!a.text_name.empty()) row.str_or_null(v && v->text && !v->number ? &*v->text : nullptr);
                }
            });
            GeomPtr pt = make_point(engine.main(), f.pt.x, f.pt.y);
            t.geoms.push_back(pt.get());
            t.owned.push_back(std::move(pt));
        }
        each(t);
    }
    // --- rejected
    {
        Table t;
        t.name = "rejected";
        for (auto n : {"layer", "source_id"}) t.add_field(n, FieldType::String);
        t.add_field("feature_index", FieldType::Integer);
        t.add_field("reason", FieldType::String);
        for (size_t k = 0; k < count(in.rejected.size()); ++k) {
            const Rejection& rj = in.rejected[k];
            t.rows.push_back({rj.layer, rj.source_id, rj.feature_index < 0 ? Value() : Value(static_cast<long long>(rj.feature_index)),
                              rj.reason});
            if (rj.wkb_working_crs && !rj.wkb.empty()) {
                t.owned.push_back(from_wkb(engine.main(), rj.wkb.data(), rj.wkb.size()));
                t.geoms.push_back(t.owned.back().get());
                t.wkb_wgs84.emplace_back();
            } else {
                t.wkb_wgs84.push_back(rj.wkb);
                t.geoms.push_back(nullptr);
            }
        }
        each(t);
    }
    (void)rule_level_name;
}

}  // namespace

void build_layers(Engine& engine, const LayerSources& s, const std::function<void(Table&)>& each) { make_layers(engine, s, each, true); }

std::vector<TableHead> layer_heads(Engine& engine, const LayerSources& s) {
    std::vector<TableHead> heads;
    make_layers(engine, s, [&](Table& t) { heads.push_back(t); }, false);
    return heads;
}

Table coverage_table(const Project& p, const Inputs& in, const Analysis& a) {
    (void)p;
    Table t;
    t.name = "coverage";
    t.has_geometry = false;
    int level = in.has_level[kStreet] ? kStreet : kDistrict;
    for (auto n : {"unit_id", "name", "kind", "district_id", "district_name"}) t.add_field(n, FieldType::String);
    t.add_field("compounds", FieldType::Integer);
    t.add_field("households", FieldType::Real);
    t.add_field("elderly", FieldType::Real);
    for (auto& rr : a.rules) {
        t.add_field(rr.rule->id, FieldType::Real);
        t.add_field(rr.rule->id + "_pass", FieldType::Bool);
    }
    if (!in.has_level[level]) return t;
    // Each street's communities, listed once rather than searched for every rule.
    std::vector<std::vector<int>> communities(level == kStreet ? in.units[kStreet].size() : 0);
    if (level == kStreet)
        for (size_t c = 0; c < in.units[kCommunity].size(); ++c) {
            const int parent = in.units[kCommunity][c].parent;
            if (parent != kNone && static_cast<size_t>(parent) < communities.size()) communities[parent].push_back(static_cast<int>(c));
        }
    auto row_for = [&](int u) {
        const Unit& un = in.units[level][u];
        const UnitStats& s = a.units[level][u];
        std::string did, dname;
        if (level == kStreet && un.parent != kNone && in.has_level[kDistrict]) {
            did = in.units[kDistrict][un.parent].id;
            dname = in.units[kDistrict][un.parent].name;
        }
        std::vector<Value> row = {un.id, un.name, un.kind, did.empty() ? Value() : Value(did), dname.empty() ? Value() : Value(dname),
                                  static_cast<long long>(s.compounds), num_value(s.total[1]), num_value(s.total[3])};
        for (auto& rr : a.rules) {
            std::optional<double> v;
            std::optional<bool> pass;
            if (!rr.per_unit[level].empty()) {
                v = rr.per_unit[level][u].value;
                pass = rr.per_unit[level][u].pass;
            } else if (level == kStreet && !rr.per_unit[kCommunity].empty()) {
                // community-level rule: share of this street's applicable communities that pass
                long n = 0, ok = 0;
                for (int c : communities[u]) {
                    if (!rr.per_unit[kCommunity][c].pass) continue;
                    ++n;
                    ok += *rr.per_unit[kCommunity][c].pass;
                }
                if (n) {
                    v = static_cast<double>(ok) / n;
                    pass = *v >= rr.rule->target_share - 1e-12;
                }
            } else if (level == kStreet && !rr.per_unit[kDistrict].empty() && un.parent != kNone) {
                v = rr.per_unit[kDistrict][un.parent].value;
                pass = rr.per_unit[kDistrict][un.parent].pass;
            } else {
                v = rr.value;
                pass = rr.pass;
            }
            row.push_back(num_value(v));
            if (pass) row.emplace_back(*pass);
            else row.emplace_back();
        }
        return row;
    };
    std::vector<int> order(in.units[level].size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::sort(order.begin(), order.end(), [&](int x, int y) { return in.units[level][x].id < in.units[level][y].id; });
    for (int u : order) t.rows.push_back(row_for(u));
    // The whole study area last, as a planner's table would total it.
    std::vector<Value> all = {std::string("ALL"), std::string("全部 / study area"), Value(), Value(), Value(),
                              static_cast<long long>(a.area.compounds), num_value(a.area.total[1]), num_value(a.area.total[3])};
    for (auto& rr : a.rules) {
        all.push_back(num_value(rr.value));
        all.push_back(rr.pass ? Value(*rr.pass) : Value());
    }
    t.rows.push_back(std::move(all));
    return t;
}

Table repairs_table(const Inputs& in, const std::vector<Repair>& output) {
    Table t;
    t.name = "repairs";
    t.has_geometry = false;
    for (auto n : {"layer", "source_id", "what"}) t.add_field(n, FieldType::String);
    for (auto& r : in.repairs) t.rows.push_back({r.layer, r.source_id, r.what});
    for (auto& r : output) t.rows.push_back({r.layer, r.source_id, r.what});
    return t;
}

std::vector<Repair> write_vector_layers(Engine& engine, const fs::path& dir, const std::vector<const Table*>& tables,
                                        const std::string& working_crs) {
    // One GeoJSON file per table; each file is formatted by all workers (geojson.cpp).
    std::vector<Repair> repairs;
    for (const Table* t : tables)
        for (auto& r : write_geojson(engine, dir / (t->name + ".geojson"), *t, working_crs)) repairs.push_back(std::move(r));
    return repairs;
}

/// A value as CSV text: null empty, numbers with 15 significant digits.
static std::string csv_value(const Value& v) {
    if (auto p = std::get_if<std::string>(&v)) return *p;
    if (auto d = std::get_if<double>(&v)) {
        if (!std::isfinite(*d)) return "";  // a sum beyond double range: unknown, never "inf"
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.15g", *d);
        return buf;
    }
    if (auto n = std::get_if<long long>(&v)) return std::to_string(*n);
    if (auto b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    return "";
}

std::string csv_text(const Table& t) {
    std::string out = kUtf8Bom;
    std::vector<std::string> cells;
    for (auto& f : t.fields) cells.push_back(f.name);
    out += csv_row(cells);
    std::vector<Value> buf;
    for (size_t i = 0; i < t.size(); ++i) {
        const auto& row = t.row(i, buf);
        cells.clear();
        for (auto& v : row) cells.push_back(csv_value(v));
        out += csv_row(cells);
    }
    return out;
}

void write_csv(const fs::path& file, const Table& t) { write_text(file, csv_text(t)); }

void write_text(const fs::path& file, const std::string& text) { write_file_text(file, text); }

}  // namespace lc
