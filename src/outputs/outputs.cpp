#include "outputs/outputs.hpp"

#include "common/errors.hpp"
#include "common/file_sink.hpp"
#include "outputs/geojson.hpp"
#include "common/parallel.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <system_error>
#include <thread>

namespace lc {

namespace fs = std::filesystem;

namespace {

const char* kMarker = ".lifecircle-output";

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

// A row is described once, as calls on a sink: Build makes the row, Same compares it
// with a row built before (a batch's base) without making it.
struct Build {
    std::vector<Value>& row;
    void str(const std::string& s) { row.emplace_back(s); }
    void str_or_null(const std::string* s) { s ? row.emplace_back(*s) : row.emplace_back(); }
    void value(Value v) { row.push_back(std::move(v)); }
    /// A value that follows from the row's geometry key (an area): made, never compared.
    template <class F>
    void of_key(F&& make) { row.push_back(make()); }
};
struct Same {
    const std::vector<Value>& row;
    size_t k = 0;
    bool ok = true;
    void str(const std::string& s) {
        const std::string* b = ok && k < row.size() ? std::get_if<std::string>(&row[k]) : nullptr;
        ok = b && *b == s;
        ++k;
    }
    void str_or_null(const std::string* s) { s ? str(*s) : value(Value()); }
    void value(const Value& v) {
        ok = ok && k < row.size() && same_value(row[k], v);
        ++k;
    }
    /// Equal keys, equal geometry, equal value: not worth making to compare.
    template <class F>
    void of_key(F&&) {
        ok = ok && k < row.size();
        ++k;
    }
    bool done() const { return ok && k == row.size(); }
};

const std::string* id_of(const std::vector<Unit>& units, int i) { return i == kNone ? nullptr : &units[i].id; }

/// Adds the next row of `t` as base row `j`: written from the base's text.
void add_base_row(Table& t, int j) {
    t.rows.emplace_back();
    t.base_row.resize(t.rows.size(), -1);
    t.base_row.back() = j;
}

/// Adds the next row of `t`: base row `j` (-1: none) when it equals it value for value,
/// else built. True when it was the base's.
template <class Emit>
bool add_row_like(Table& t, const LayerText* base, int j, Emit&& emit) {
    if (base && j >= 0) {
        Same same{base->rows[static_cast<size_t>(j)]};
        emit(same);
        if (same.done()) {
            add_base_row(t, j);
            return true;
        }
    }
    std::vector<Value> row;
    row.reserve(t.fields.size());
    Build b{row};
    emit(b);
    t.rows.push_back(std::move(row));
    return false;
}

/// Row `i` of a table whose rows line up with the base's (units, compounds).
template <class Emit>
void add_row(Table& t, const LayerText* base, size_t i, const std::string& key, Emit&& emit) {
    const bool aligned = base && i < base->keys.size() && base->keys[i] == key;
    add_row_like(t, base, aligned ? static_cast<int>(i) : -1, std::forward<Emit>(emit));
}

/// The same for tables whose rows shift between runs (gaps, facilities): the base
/// row is found by key after `prev`, the base row matched last.
template <class Emit>
void add_row_by_key(Table& t, const LayerText* base, const std::string& key, int& prev, Emit&& emit) {
    const int j = base && !key.empty() ? base->align(key, prev) : -1;
    if (add_row_like(t, base, j, std::forward<Emit>(emit))) prev = j;
}

const LayerText* base_layer(const BaseOutput* base, const Table& t) {
    const LayerText* L = base ? base->layer(t.name) : nullptr;
    return L && same_fields(L->fields, t.fields) ? L : nullptr;
}

}  // namespace

std::vector<Table> build_layers(const Project& p, const Inputs& in, const ReachResult& r, const Analysis& a,
                                const std::vector<GeomPtr>& areas, const std::vector<Uncovered>& unc,
                                const AccessResult* access, const BaseOutput* base, BaseOutput* fill,
                                const PackedPolygons* packed_areas, const PackedPolygons* packed_unc) {
    auto access_of = [&](const std::string& type) -> const AccessLayer* { return access ? access->find(type) : nullptr; };
    std::vector<Table> out;
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
        std::vector<size_t> rules_here;
        for (size_t k = 0; k < a.rules.size(); ++k)
            if (!a.rules[k].per_unit[l].empty()) {
                rules_here.push_back(k);
                t.add_field("rule_" + a.rules[k].rule->id + "_value", FieldType::Real);
                t.add_field("rule_" + a.rules[k].rule->id + "_pass", FieldType::Bool);
            }
        const LayerText* bl = base_layer(base, t);
        const std::string level = level_name(l);
        for (size_t u = 0; u < in.units[l].size(); ++u) {
            const Unit& un = in.units[l][u];
            const UnitStats& s = a.units[l][u];
            std::string key = "u|" + std::to_string(l) + "|" + un.id;
            add_row(t, bl, u, key, [&](auto& row) {
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
                for (size_t k : rules_here) {
                    const auto& v = a.rules[k].per_unit[l][u];
                    row.value(num_value(v.value));
                    row.value(v.pass ? Value(*v.pass) : Value());
                }
            });
            t.geoms.push_back(un.geom.get());
            t.geom_keys.push_back(std::move(key));
        }
        out.push_back(std::move(t));
    }
    // --- compounds
    {
        Table t;
        t.name = "compounds";
        for (auto n : {"compound_id", "name"}) t.add_field(n, FieldType::String);
        t.add_field("build_year", FieldType::Integer);
        for (auto n : {"households", "population", "elderly"}) t.add_field(n, FieldType::Real);
        for (auto n : {"community_id", "street_id", "district_id"}) t.add_field(n, FieldType::String);
        for (auto& ty : types) {
            t.add_field("dist_" + ty + "_m", FieldType::Real);
            t.add_field("reached_" + ty, FieldType::Bool);
            t.add_field("nearest_" + ty + "_id", FieldType::String);
        }
        if (r.mode == "network") t.add_field("unreachable", FieldType::Bool);
        for (size_t k = 0; k < types.size(); ++k)
            if (acc[k]) t.add_field("access_" + types[k], FieldType::Real);
        const LayerText* bl = base_layer(base, t);
        const bool network = r.mode == "network";
        const size_t nc = in.compounds.size();
        // A batch scenario: compounds whose figures are the base's (most of them) take
        // the base's row without making or comparing it value by value.
        std::vector<char> as_base;
        const BaseOutput::CompoundColumns* bc = bl ? base->compound_columns() : nullptr;
        if (bc && bc->types == types && bc->unreachable.size() == nc && bl->rows.size() == nc) {
            as_base.assign(nc, 1);
            for (size_t k = 0; k < types.size(); ++k) {
                const auto &d = r.dist[k], &bd = bc->dist[k];
                for (size_t c = 0; c < nc; ++c) {
                    const int f = r.nearest[k][c];
                    as_base[c] &= std::memcmp(&d[c], &bd[c], sizeof(double)) == 0 && r.reached[k][c] == bc->reached[k][c] &&
                                  (f < 0 ? bc->nearest[k][c].empty() : in.facilities[f].id == bc->nearest[k][c]);
                    if (acc[k]) {
                        const auto &a1 = acc[k]->compound[c], &a2 = bc->access[k][c];
                        as_base[c] &= a1.has_value() == a2.has_value() && (!a1 || std::memcmp(&*a1, &*a2, sizeof(double)) == 0);
                    }
                }
                if (!acc[k] != bc->access[k].empty()) as_base.assign(nc, 0);
            }
            if (network)
                for (size_t c = 0; c < nc; ++c) as_base[c] &= r.unreachable[c] == bc->unreachable[c];
            for (size_t c = 0; c < nc; ++c) as_base[c] &= bl->keys[c] == "c|" + in.compounds[c].id;
        }
        if (fill) {
            BaseOutput::CompoundColumns cols;
            cols.types = types;
            cols.dist = r.dist;
            cols.reached = r.reached;
            cols.unreachable = network ? r.unreachable : std::vector<char>(nc, 0);
            cols.nearest.resize(types.size());
            cols.access.resize(types.size());
            for (size_t k = 0; k < types.size(); ++k) {
                cols.nearest[k].resize(nc);
                for (size_t c = 0; c < nc; ++c)
                    if (r.nearest[k][c] >= 0) cols.nearest[k][c] = in.facilities[r.nearest[k][c]].id;
                if (acc[k]) cols.access[k] = acc[k]->compound;
            }
            fill->set_compound_columns(std::move(cols));
        }
        for (size_t c = 0; c < nc; ++c) {
            const Compound& cp = in.compounds[c];
            std::string key = "c|" + cp.id;
            if (!as_base.empty() && as_base[c]) {
                add_base_row(t, static_cast<int>(c));
                t.geoms.push_back(cp.geom.get());
                t.geom_keys.push_back(std::move(key));
                continue;
            }
            add_row(t, bl, c, key, [&](auto& row) {
                row.str(cp.id);
                row.str(cp.name);
                row.value(cp.year ? Value(static_cast<long long>(*cp.year)) : Value());
                row.value(num_value(cp.households));
                row.value(num_value(cp.population));
                row.value(num_value(cp.elderly));
                row.str_or_null(id_of(in.units[kCommunity], cp.unit[kCommunity]));
                row.str_or_null(id_of(in.units[kStreet], cp.unit[kStreet]));
                row.str_or_null(id_of(in.units[kDistrict], cp.unit[kDistrict]));
                for (size_t k = 0; k < types.size(); ++k) {
                    row.value(dist_value(r.dist[k][c]));
                    row.value(static_cast<bool>(r.reached[k][c]));
                    int f = r.nearest[k][c];
                    row.str_or_null(f < 0 ? nullptr : &in.facilities[f].id);
                }
                if (network) row.value(static_cast<bool>(r.unreachable[c]));
                for (size_t k = 0; k < types.size(); ++k)
                    if (acc[k]) row.value(access_value(acc[k]->compound[c]));
            });
            t.geoms.push_back(cp.geom.get());
            t.geom_keys.push_back(std::move(key));
        }
        out.push_back(std::move(t));
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
        const LayerText* bl = base_layer(base, t);
        int prev = -1;
        for (auto& g : a.gaps) {
            const Compound& cp = in.compounds[g.compound];
            std::string key = "c|" + cp.id;
            add_row_by_key(t, bl, key, prev, [&](auto& row) {
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
            t.geom_keys.push_back(std::move(key));
        }
        out.push_back(std::move(t));
    }
    // --- service areas
    {
        Table t;
        t.name = "service_areas";
        for (auto n : {"facility_id", "name", "type", "mode"}) t.add_field(n, FieldType::String);
        t.add_field("reach_m", FieldType::Real);
        t.add_field("area_m2", FieldType::Real);
        const LayerText* bl = base_layer(base, t);
        int prev = -1;
        for (size_t i = 0; i < in.facilities.size(); ++i) {
            const Facility& f = in.facilities[i];
            std::string key = "s|" + area_signature(p, f, p.access.reach_m(f.type));
            add_row_by_key(t, bl, key, prev, [&](auto& row) {
                row.str(f.id);
                row.str(f.name);
                row.str(f.type);
                row.str(r.mode);
                row.value(round_to(p.access.reach_m(f.type), 1000));
                // the key names the facility, its place, reach and mode: its area
                row.of_key([&] {
                    double area = 0;
                    if (areas[i]) GEOSArea_r(main_geos(), areas[i].get(), &area);
                    else if (packed_areas && i < packed_areas->size()) area = packed_areas->area(i);
                    return Value(round_to(area, 10));
                });
            });
            t.geoms.push_back(areas[i].get());
            t.geom_keys.push_back(std::move(key));
        }
        t.source = packed_areas;
        out.push_back(std::move(t));
    }
    // --- uncovered
    {
        Table t;
        t.name = "uncovered";
        for (auto n : {"unit_id", "name", "level", "kind", "type"}) t.add_field(n, FieldType::String);
        t.add_field("uncovered_m2", FieldType::Real);
        t.add_field("uncovered_share", FieldType::Real);
        const LayerText* bl = base_layer(base, t);
        int prev = -1;
        for (auto& u : unc) {
            const Unit& un = in.units[u.level][u.unit];
            std::string key = "x|" + u.key;
            const std::string level = level_name(u.level);
            add_row_by_key(t, bl, key, prev, [&](auto& row) {
                row.str(un.id);
                row.str(un.name);
                row.str(level);
                row.str(un.kind);
                row.str(u.type);
                row.value(round_to(u.area_m2, 10));
                row.value(round_to(u.share, 1e6));
            });
            t.geom_keys.push_back(std::move(key));
            t.geoms.push_back(u.geom.get());
        }
        t.source = packed_unc;
        out.push_back(std::move(t));
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
        std::set<std::string> attr_names;
        if (const LayerSpec* s = p.layer("facilities"))
            for (auto& [k, _] : s->attributes) attr_names.insert(k);
        for (auto& n : attr_names) t.add_field(n, FieldType::String);
        const LayerText* bl = base_layer(base, t);
        int prev = -1;
        for (size_t i = 0; i < in.facilities.size(); ++i) {
            const Facility& f = in.facilities[i];
            // The point's coordinates, bit for bit, identify its geometry text.
            std::string key = "f|";
            key.append(reinterpret_cast<const char*>(&f.pt.x), sizeof(double));
            key.append(reinterpret_cast<const char*>(&f.pt.y), sizeof(double));
            add_row_by_key(t, bl, key, prev, [&](auto& row) {
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
                for (auto& n : attr_names) {
                    auto it = f.attrs.find(n);
                    row.str_or_null(it != f.attrs.end() && it->second.text ? &*it->second.text : nullptr);
                }
            });
            t.geom_keys.push_back(std::move(key));
            GeomPtr pt = make_point(main_geos(), f.pt.x, f.pt.y);
            t.geoms.push_back(pt.get());
            t.owned.push_back(std::move(pt));
        }
        out.push_back(std::move(t));
    }
    // --- rejected
    {
        Table t;
        t.name = "rejected";
        for (auto n : {"layer", "source_id"}) t.add_field(n, FieldType::String);
        t.add_field("feature_index", FieldType::Integer);
        t.add_field("reason", FieldType::String);
        for (auto& rj : in.rejected) {
            t.rows.push_back({rj.layer, rj.source_id, rj.feature_index < 0 ? Value() : Value(static_cast<long long>(rj.feature_index)),
                              rj.reason});
            if (rj.wkb_working_crs && !rj.wkb.empty()) {
                t.owned.push_back(from_wkb(main_geos(), rj.wkb.data(), rj.wkb.size()));
                t.geoms.push_back(t.owned.back().get());
                t.wkb_wgs84.emplace_back();
            } else {
                t.wkb_wgs84.push_back(rj.wkb);
                t.geoms.push_back(nullptr);
            }
        }
        out.push_back(std::move(t));
    }
    (void)rule_level_name;
    return out;
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
                for (size_t c = 0; c < in.units[kCommunity].size(); ++c) {
                    if (in.units[kCommunity][c].parent != u || !rr.per_unit[kCommunity][c].pass) continue;
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
            row.push_back(pass ? Value(*pass) : Value());
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

Table repairs_table(const Inputs& in) {
    Table t;
    t.name = "repairs";
    t.has_geometry = false;
    for (auto n : {"layer", "source_id", "what"}) t.add_field(n, FieldType::String);
    for (auto& r : in.repairs) t.rows.push_back({r.layer, r.source_id, r.what});
    return t;
}

namespace {

OGRFieldType ogr_type(FieldType t, OGRFieldSubType& sub) {
    sub = OFSTNone;
    switch (t) {
        case FieldType::String: return OFTString;
        case FieldType::Real: return OFTReal;
        case FieldType::Integer: return OFTInteger64;
        case FieldType::Bool: sub = OFSTBoolean; return OFTInteger;
    }
    return OFTString;
}

void write_layer(GDALDataset* ds, const Table& t, OGRSpatialReference* wgs, OGRCoordinateTransformation* ct,
                 GEOSContextHandle_t h, const std::vector<std::string>& lco) {
    std::vector<const char*> opts;
    for (auto& o : lco) opts.push_back(o.c_str());
    opts.push_back(nullptr);
    OGRLayer* layer = ds->CreateLayer(t.name.c_str(), t.has_geometry ? wgs : nullptr, t.has_geometry ? wkbUnknown : wkbNone,
                                      const_cast<char**>(opts.data()));
    if (!layer) throw OutputError("cannot create layer " + t.name + ": " + CPLGetLastErrorMsg());
    for (auto& f : t.fields) {
        OGRFieldSubType sub;
        OGRFieldDefn d(f.name.c_str(), ogr_type(f.type, sub));
        d.SetSubType(sub);
        if (layer->CreateField(&d) != OGRERR_NONE) throw OutputError("cannot create field " + f.name + " in " + t.name);
    }
    bool gpkg = std::string(ds->GetDriverName()) == "GPKG";
    if (gpkg && layer->StartTransaction() != OGRERR_NONE) throw OutputError("cannot start a transaction on " + t.name);
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (size_t i = 0; i < t.rows.size(); ++i) {
        OGRFeature feat(defn);
        const auto& row = t.rows[i];
        for (size_t k = 0; k < row.size(); ++k) {
            const Value& v = row[k];
            int fk = static_cast<int>(k);
            if (std::holds_alternative<std::monostate>(v)) feat.SetFieldNull(fk);
            else if (auto s = std::get_if<std::string>(&v)) feat.SetField(fk, s->c_str());
            else if (auto d = std::get_if<double>(&v)) feat.SetField(fk, *d);
            else if (auto n = std::get_if<long long>(&v)) feat.SetField(fk, static_cast<GIntBig>(*n));
            else if (auto b = std::get_if<bool>(&v)) feat.SetField(fk, *b ? 1 : 0);
        }
        if (t.has_geometry) {
            OGRGeometry* g = nullptr;
            GeomPtr made(nullptr, GeomDeleter{h});
            if (!(i < t.geoms.size() && t.geoms[i]) && t.source) made = t.source->geometry(i, h);
            const GEOSGeometry* src = i < t.geoms.size() && t.geoms[i] ? t.geoms[i] : made.get();
            if (src) {
                auto wkb = to_wkb(h, src);
                OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size());
                if (g && g->transform(ct) != OGRERR_NONE) {
                    delete g;
                    g = nullptr;
                }
            } else if (i < t.wkb_wgs84.size() && !t.wkb_wgs84[i].empty()) {
                OGRGeometryFactory::createFromWkb(t.wkb_wgs84[i].data(), nullptr, &g, t.wkb_wgs84[i].size());
            }
            if (g) {
                g->assignSpatialReference(wgs);
                feat.SetGeometryDirectly(g);
            }
        }
        if (layer->CreateFeature(&feat) != OGRERR_NONE)
            throw OutputError("cannot write a feature of " + t.name + ": " + CPLGetLastErrorMsg());
    }
    if (gpkg && layer->CommitTransaction() != OGRERR_NONE) throw OutputError("cannot write " + t.name + ": " + CPLGetLastErrorMsg());
}

}  // namespace

void write_vector_layers(const fs::path& dir, const std::vector<const Table*>& tables, const std::string& working_crs,
                         const std::string& format, const Reuse& reuse) {
    GDALAllRegister();
    auto make_srs = [](const std::string& def) {
        OGRSpatialReference s;
        s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        s.SetFromUserInput(def.c_str());
        return s;
    };
    if (format == "gpkg") {
        OGRSpatialReference wgs = make_srs("EPSG:4326"), work = make_srs(working_crs);
        std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&work, &wgs));
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        // A fixed date in gpkg_contents: identical runs give identical files.
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
        fs::path file = dir / "lifecircle.gpkg";
        GDALDatasetUniquePtr ds(drv->Create(file.u8string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) throw OutputError(file.u8string() + ": cannot create (" + CPLGetLastErrorMsg() + ")");
        for (auto* t : tables) write_layer(ds.get(), *t, &wgs, ct.get(), main_geos(), {"SPATIAL_INDEX=YES"});
        return;
    }
    // One GeoJSON file per table; each file is formatted by all workers (geojson.cpp).
    for (const Table* t : tables) write_geojson(dir / (t->name + ".geojson"), *t, working_crs, main_geos(), reuse);
}

static std::string csv_cell(const Value& v) {
    std::string s;
    if (std::holds_alternative<std::monostate>(v)) return "";
    if (auto p = std::get_if<std::string>(&v)) s = *p;
    else if (auto d = std::get_if<double>(&v)) {
        if (!std::isfinite(*d)) return "";  // a sum beyond double range: unknown, never "inf"
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.15g", *d);
        s = buf;
    } else if (auto n = std::get_if<long long>(&v)) s = std::to_string(*n);
    else if (auto b = std::get_if<bool>(&v)) s = *b ? "true" : "false";
    if (s.find_first_of(",\"\n\r") != std::string::npos) {
        std::string q = "\"";
        for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    }
    return s;
}

std::string csv_text(const Table& t) {
    std::string out = "\xEF\xBB\xBF";
    for (size_t k = 0; k < t.fields.size(); ++k) out += (k ? "," : "") + csv_cell(t.fields[k].name);
    out += "\n";
    for (auto& row : t.rows) {
        for (size_t k = 0; k < row.size(); ++k) out += (k ? "," : "") + csv_cell(row[k]);
        out += "\n";
    }
    return out;
}

void write_csv(const fs::path& file, const Table& t) { write_text(file, csv_text(t)); }

void write_text(const fs::path& file, const std::string& text) { write_file_bytes(file, text); }

/// Removes a folder tree, its subfolders side by side: removing a batch's previous
/// output (thousands of files) waits on the file system for each file far more than
/// it computes, so several removals in flight take a fraction of the time.
static void remove_tree(const fs::path& dir, std::error_code& ec) {
    std::vector<fs::path> subs;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::error_code e;
        if (it->is_directory(e) && !it->is_symlink(e)) subs.push_back(it->path());
    }
    ec.clear();
    if (subs.size() >= 4) {
        std::atomic<size_t> next{0};
        std::vector<std::thread> ts;
        auto work = [&] {
            for (size_t i; (i = next.fetch_add(1)) < subs.size();) {
                std::error_code e;
                fs::remove_all(subs[i], e);
            }
        };
        try {
            for (size_t j = 0; j < std::min<size_t>(8, subs.size()); ++j) ts.emplace_back(work);
        } catch (const std::system_error&) {
            // no more threads: the ones started and the removal below finish the job
        }
        for (auto& t : ts) t.join();
    }
    fs::remove_all(dir, ec);
}

/// Removes a previous output. A large one (a batch's: thousands of files, gigabytes)
/// goes to ".NAME.trash-PID" and a detached `rm -rf` deletes it after we return:
/// freeing it took a tenth of a metro batch's time, and nothing waits for it. The
/// next run removes a trash folder that is still there.
static void discard_tree(const fs::path& old) {
    std::error_code ec;
    size_t subs = 0;
    for (auto it = fs::directory_iterator(old, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::error_code e;
        subs += it->is_directory(e) && !it->is_symlink(e);
    }
    constexpr size_t kBackground = 20;  // sub-folders: scenarios of a batch
    if (ec || subs < kBackground) {
        remove_tree(old, ec);
        return;
    }
    std::string name = old.filename().u8string();
    name = name.substr(0, name.rfind(".old-")) + ".trash-" + std::to_string(getpid());
    fs::path trash = old.parent_path() / name;
    fs::rename(old, trash, ec);
    if (!ec) {
        // sh backgrounds rm and exits at once: rm is nobody's child to wait for.
        std::string t = trash.string();
        const char* argv[] = {"sh", "-c", "rm -rf -- \"$1\" </dev/null >/dev/null 2>&1 &", "sh", t.c_str(), nullptr};
        pid_t pid = -1;
        if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ) == 0) {
            int status = 0;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
        }
        remove_tree(trash, ec);
        return;
    }
    remove_tree(old, ec);
}

/// Folders left beside `out` by a run that was killed (its process is gone): the
/// next run removes them, so no half-written output lingers.
static void remove_stale_staging(const fs::path& abs) {
    std::error_code ec;
    const std::string stem = "." + abs.filename().u8string();
    for (auto it = fs::directory_iterator(abs.parent_path(), ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::string n = it->path().filename().u8string();
        for (const char* kind : {".tmp-", ".old-", ".trash-"}) {
            std::string prefix = stem + kind;
            if (n.rfind(prefix, 0) != 0) continue;
            long pid = std::atol(n.c_str() + prefix.size());
            if (std::string(kind) == ".trash-") {
                // Left by a deletion that stopped (discard_tree); one that changed in
                // the last minute is still being deleted. Its marker may be gone
                // already, so the name is the test.
                std::error_code e2;
                auto age = fs::file_time_type::clock::now() - fs::last_write_time(it->path(), e2);
                if (!e2 && pid > 0 && pid != getpid() && age > std::chrono::minutes(1)) remove_tree(it->path(), e2);
                continue;
            }
            if (pid > 0 && pid != getpid() && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH &&
                fs::exists(it->path() / kMarker)) {
                std::error_code e2;
                // Killed between moving the previous output aside and moving the new one
                // in: the aside folder is the only output there is; put it back.
                if (std::string(kind) == ".old-" && !fs::exists(abs, e2)) fs::rename(it->path(), abs, e2);
                else remove_tree(it->path(), e2);
            }
        }
    }
}

static bool is_replaceable(const fs::path& out) {
    std::error_code ec;
    if (!fs::exists(out, ec)) return true;
    if (!fs::is_directory(out, ec)) return false;
    if (fs::exists(out / kMarker, ec)) return true;
    return fs::is_empty(out, ec);
}

void check_output_target(const fs::path& out) {
    if (out.empty()) throw ConfigError("--out: the output folder name is empty");
    {
        fs::path abs = fs::absolute(out).lexically_normal();
        if (abs.filename().empty()) abs = abs.parent_path();
        remove_stale_staging(abs);
    }
    std::error_code ec;
    if (fs::exists(out, ec) && !is_replaceable(out))
        throw OutputError(out.u8string() + ": exists and is not a lifecircle output folder; refusing to replace it (choose another --out or remove it)");
    fs::path parent = fs::absolute(out).parent_path();
    if (!fs::exists(parent, ec)) {
        fs::create_directories(parent, ec);
        if (ec) throw OutputError(parent.u8string() + ": cannot create the folder for --out (" + ec.message() + ")");
    }
    if (access(parent.c_str(), W_OK) != 0)
        throw OutputError(parent.u8string() + ": not writable; the output folder is created beside it (choose another --out)");
}

void write_output_marker(const fs::path& dir, const Reuse& reuse) {
    write_output_file(dir, kMarker, "lifecircle output folder; safe to replace by lifecircle\n", reuse);
}

fs::path make_staging_dir(const fs::path& out) {
    fs::path abs = fs::absolute(out).lexically_normal();
    if (abs.filename().empty()) abs = abs.parent_path();
    remove_stale_staging(abs);
    std::random_device rd;
    for (int i = 0; i < 100; ++i) {
        fs::path p = abs.parent_path() / ("." + abs.filename().u8string() + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(rd() % 100000));
        std::error_code ec;
        if (fs::create_directory(p, ec)) {
            write_output_marker(p);
            return p;
        }
        if (ec && ec != std::errc::file_exists) throw OutputError(p.u8string() + ": cannot create the temporary output folder (" + ec.message() + ")");
    }
    throw OutputError(abs.u8string() + ": cannot create a temporary folder beside it");
}

void commit_output(const fs::path& staging, const fs::path& out_in) {
    fs::path out = fs::absolute(out_in).lexically_normal();
    if (out.filename().empty()) out = out.parent_path();
    std::error_code ec;
    if (!is_replaceable(out))
        throw OutputError(out.u8string() + ": exists and is not a lifecircle output folder; refusing to replace it");
    fs::path old;
    if (fs::exists(out, ec)) {
        old = out.parent_path() / ("." + out.filename().u8string() + ".old-" + std::to_string(getpid()));
        fs::rename(out, old, ec);
        if (ec) throw OutputError(out.u8string() + ": cannot move the previous output aside (" + ec.message() + ")");
    }
    fs::rename(staging, out, ec);
    if (ec) {
        if (!old.empty()) fs::rename(old, out);
        throw OutputError(out.u8string() + ": cannot move the new output into place (" + ec.message() + ")");
    }
    if (!old.empty()) discard_tree(old);
}

}  // namespace lc
