#include "batch/scenario_cache.hpp"

#include "outputs/geojson.hpp"

#include <algorithm>
#include <stdexcept>

namespace lc {

namespace {

std::vector<ReachSite> sites_at(const Inputs& in, const std::vector<int>& fac) {
    std::vector<ReachSite> out;
    out.reserve(fac.size());
    for (int f : fac) out.push_back(ReachSite{in.facilities[f].id, in.facilities[f].pt});
    return out;
}

DistanceKey distance_key(const Project& p, const std::string& type) {
    return DistanceKey{p.access.mode, type, p.access.mode == "network" ? p.access.max_access_m : 0.0};
}

AreaKey area_key(const Project& p, const Facility& f) {
    return AreaKey{p.access.mode, f.pt, p.access.reach_m(f.type), p.access.service_area_buffer_m, p.access.max_access_m};
}

UncoveredKey uncovered_key(const Project& p, const std::string& type) {
    return UncoveredKey{p.access.mode, type, p.access.reach_m(type), p.access.service_area_buffer_m, p.access.max_access_m};
}

AccessKey access_key(const Project& p, const Inputs& in, const std::string& type, const AccessOptions& opt) {
    AccessKey k{p.access.mode, opt.supply, static_cast<int>(opt.decay), p.access.max_access_m, {type}, {p.access.reach_m(type)}, {}};
    for (auto& f : in.facilities)
        if (f.type == type) k.sites.push_back(AccessSite{f.type, f.pt, f.beds, f.floor_area});
    return k;
}

SupportKey support_key(const Project& p, const Rule& rule) {
    return SupportKey{rule.types,      rule.where.dump(),         rule.within_m, p.access.point_support_m, rule.since_year,
                      rule.before_year, rule.min_area_per_100_households, rule.min_single_area};
}

/// Places of the sites in one list and not in the other (both in id order).
std::vector<XY> changed_sites(const std::vector<ReachSite>& a, const std::vector<ReachSite>& b) {
    std::vector<XY> out;
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        if (j == b.size() || (i < a.size() && a[i].id < b[j].id)) {
            out.push_back(a[i++].pt);
        } else if (i == a.size() || b[j].id < a[i].id) {
            out.push_back(b[j++].pt);
        } else {
            if (!keys::same(a[i], b[j])) {  // the same id elsewhere: moved
                out.push_back(a[i].pt);
                out.push_back(b[j].pt);
            }
            ++i;
            ++j;
        }
    }
    return out;
}

/// What service areas and uncovered parts read of a reach result (not its distances).
ReachResult reach_settings(const ReachResult& r) {
    ReachResult o;
    o.mode = r.mode;
    o.types = r.types;
    o.reach_m = r.reach_m;
    o.graph = r.graph;
    return o;
}

/// The same for one type.
ReachResult one_type(const ReachResult& r, size_t t) {
    ReachResult o = reach_settings(r);
    o.types = {r.types[t]};
    o.reach_m = {r.reach_m[t]};
    o.facility_snaps = r.facility_snaps;
    return o;
}

/// Scenarios read cached geometries from several threads at once: have GEOS compute
/// what it computes on first use (envelopes) now, on this thread.
void warm(GEOSContextHandle_t h, const GEOSGeometry* g) {
    double v = 0;
    if (g) GEOSGeom_getXMin_r(h, g, &v);
}

}  // namespace

ScenarioCache::ScenarioCache(Engine& engine, const Project& p, const Inputs& in, const Analysed& x, Formatted what)
    : graph_(x.r.graph), texts_(what.geojson) {
    const ReachResult& r = x.r;
    GEOSContextHandle_t h = engine.main();
    for (size_t t = 0; t < r.types.size(); ++t) {
        std::vector<int> fac = facilities_of(in, r.types[t]);
        std::vector<int> pos(in.facilities.size(), -1);
        for (size_t k = 0; k < fac.size(); ++k) pos[static_cast<size_t>(fac[k])] = static_cast<int>(k);
        Distances d{sites_at(in, fac), {r.dist[t], std::vector<int>(r.nearest[t].size(), -1)}};
        for (size_t c = 0; c < r.nearest[t].size(); ++c)
            if (r.nearest[t][c] >= 0) d.reach.nearest[c] = pos[static_cast<size_t>(r.nearest[t][c])];
        distances_.emplace(distance_key(p, r.types[t]), std::move(d));
    }
    for (auto& L : x.access.layers)
        if (L.types.size() == 1) access_.emplace(access_key(p, in, L.types[0], access_options(p)), L);
    // compound_support's decisions, their nearest facilities as places in the rule's sites.
    for (auto& rule : p.rules) {
        if (rule.check != Check::CompoundSupport) continue;
        auto [it, added] = support_.try_emplace(support_key(p, rule));
        if (!added) continue;
        const std::vector<int> fac = support_facilities(in, rule);
        std::vector<int> pos(in.facilities.size(), -1);
        for (size_t k = 0; k < fac.size(); ++k) pos[static_cast<size_t>(fac[k])] = static_cast<int>(k);
        it->second.sites = support_sites(in, fac);
        it->second.result = support_outcomes(engine, p, in, rule);
        for (auto& [f, d] : it->second.result.nearest)
            if (f >= 0) f = pos[static_cast<size_t>(f)];
    }

    // Service areas: radius discs as geometries, network ones packed (as analyse keeps them).
    std::vector<size_t> packed_from;  // per item of area_store_: the facility in x
    for (size_t i = 0; i < x.areas.size(); ++i) {
        auto [it, added] = areas_.try_emplace(area_key(p, in.facilities[i]));
        if (!added) continue;  // another facility at the same place, with the same reach
        if (x.areas[i]) {
            it->second.geom = clone(h, x.areas[i].get());
        } else {
            it->second.packed = packed_from.size();
            packed_from.push_back(i);
        }
    }
    area_store_.resize(packed_from.size());
    for (size_t k = 0; k < packed_from.size(); ++k) area_store_.copy(k, x.packed_areas, packed_from[k], h);
    const size_t nt = r.types.size();
    const size_t nu = nt ? x.unc.size() / nt : 0;
    for (size_t t = 0; t < nt && nu; ++t) {
        Parts& P = uncovered_[uncovered_key(p, r.types[t])];
        P.sites = sites_at(in, facilities_of(in, r.types[t]));
        P.packed.resize(nu);
        for (size_t u = 0; u < nu; ++u) {
            const size_t k = u * nt + t;
            const Uncovered& src = x.unc[k];
            P.parts.push_back(Uncovered{src.unit, src.level, src.type, GeomPtr(nullptr, GeomDeleter{}), src.area_m2, src.share});
            if (src.geom) P.packed.set(u, h, clone(h, src.geom.get()));
            else P.packed.copy(u, x.packed_unc, k, h);
        }
    }
    for (auto& [k, a] : areas_) warm(h, a.geom.get());
    for (auto& level : in.units)
        for (auto& u : level) warm(h, u.geom.get());
    for (auto& c : in.compounds) warm(h, c.geom.get());
    if (what.map_paths) paths_ = lc::map_paths(h, in);
    if (!texts_) return;

    // The GeoJSON text of what every scenario writes again: units, compounds, and the
    // base's service areas and uncovered parts.
    for (int l = 0; l < kLevels; ++l) {
        std::vector<const GEOSGeometry*> g;
        for (auto& u : in.units[l]) g.push_back(u.geom.get());
        unit_text_[l] = geometry_texts(engine, g, in.working_crs);
        unit_geom_[l] = std::move(g);
    }
    for (auto& c : in.compounds) compound_geom_.push_back(c.geom.get());
    compound_text_ = geometry_texts(engine, compound_geom_, in.working_crs);
    std::vector<const GEOSGeometry*> discs;
    for (auto& [k, a] : areas_)
        if (a.geom) discs.push_back(a.geom.get());
    std::vector<GeometryText> disc_text = geometry_texts(engine, discs, in.working_crs);  // in the map's order, unchanged since
    std::vector<GeometryText> store_text = geometry_texts(engine, area_store_, area_store_.size(), in.working_crs);
    size_t d = 0;
    for (auto& [k, a] : areas_) a.text = a.geom ? std::move(disc_text[d++]) : store_text[a.packed];
    for (auto& [k, P] : uncovered_) P.text = geometry_texts(engine, P.packed, P.parts.size(), in.working_crs);

    // The properties of the base's features, for the scenarios to write again where
    // theirs are the same: most compounds, units and facilities of a scenario that adds
    // or removes a few facilities have the base's (Table::known).
    const LayerSources sources{p, in, x.r, x.a, x.areas, x.unc, &x.access, &x.packed_areas, &x.packed_unc, nullptr};
    build_layers(engine, sources, [&](Table& t) { features_.emplace(t.name, feature_texts(engine, t)); });
}

StageFunctions ScenarioCache::stages(bool layers, GeometryTexts* texts) const {
    StageFunctions f;
    f.layers = layers;
    f.graph = graph_;  // the base's: what reach walks
    f.reach = [this](Engine& e, const Project& p, const Inputs& in, const std::vector<std::string>& types,
                     std::shared_ptr<net::Graph>) { return reach(e, p, in, types); };
    f.support = [this](Engine& e, const Project& p, const Inputs& in, const Rule& rule) { return support(e, p, in, rule); };
    f.access = [this](Engine& e, const Project& p, const Inputs& in, const ReachResult& r) { return access(e, p, in, r); };
    f.service_areas = [this, texts](Engine& e, const Project& p, const Inputs& in, const ReachResult& r, PackedPolygons* packed) {
        return areas(e, p, in, r, packed, texts);
    };
    f.uncovered = [this, texts](Engine& e, const Project& p, const Inputs& in, const ReachResult& r, const std::vector<GeomPtr>& a,
                                PackedPolygons* packed) { return uncovered(e, p, in, r, a, packed, texts); };
    return f;
}
ReachResult ScenarioCache::reach(Engine& engine, const Project& p, const Inputs& in, const std::vector<std::string>& types) const {
    const bool network = p.access.mode == "network";
    std::vector<std::vector<int>> fac(types.size());
    std::vector<std::optional<TypeReach>> got(types.size());
    std::vector<std::string> missing;
    for (size_t t = 0; t < types.size(); ++t) {
        fac[t] = facilities_of(in, types[t]);
        auto it = distances_.find(distance_key(p, types[t]));
        if (it != distances_.end() && it->second.reach.dist.size() == in.compounds.size()) {
            std::vector<ReachSite> sites = sites_at(in, fac[t]);
            if (keys::same(sites, it->second.sites)) got[t] = it->second.reach;
            else if (!network) got[t] = update_radius_reach(in.compounds, it->second.sites, it->second.reach, sites);
        }
        if (!got[t]) missing.push_back(types[t]);
    }
    // The stage computes the other types (and, by network, where every point enters the
    // roads); the types taken from the cache are put in their places.
    ReachResult r = compute_reach(engine, p, in, missing, graph_);
    std::vector<std::vector<double>> dist(types.size());
    std::vector<std::vector<int>> nearest(types.size());
    size_t m = 0;
    for (size_t t = 0; t < types.size(); ++t) {
        if (!got[t]) {
            dist[t] = std::move(r.dist[m]);
            nearest[t] = std::move(r.nearest[m]);
            ++m;
            continue;
        }
        dist[t] = std::move(got[t]->dist);
        nearest[t].resize(got[t]->nearest.size());
        for (size_t c = 0; c < nearest[t].size(); ++c) {
            const int k = got[t]->nearest[c];
            nearest[t][c] = k < 0 ? -1 : fac[t][static_cast<size_t>(k)];
        }
    }
    r.types = types;
    r.reach_m.clear();
    r.reached.assign(types.size(), {});
    for (size_t t = 0; t < types.size(); ++t) {
        r.reach_m.push_back(p.access.reach_m(types[t]));
        r.reached[t].resize(dist[t].size());
        for (size_t c = 0; c < dist[t].size(); ++c) r.reached[t][c] = dist[t][c] <= r.reach_m[t];
    }
    r.dist = std::move(dist);
    r.nearest = std::move(nearest);
    return r;
}

SupportResult ScenarioCache::support(Engine& engine, const Project& p, const Inputs& in, const Rule& rule) const {
    auto it = support_.find(support_key(p, rule));
    if (it == support_.end() || it->second.result.outcome.size() != in.compounds.size()) return support_outcomes(engine, p, in, rule);
    return update_support_outcomes(engine, p, in, rule, it->second.sites, it->second.result);
}

AccessResult ScenarioCache::access(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r) const {
    const AccessOptions opt = access_options(p);
    std::vector<const AccessLayer*> got(r.types.size(), nullptr);
    std::vector<std::vector<std::string>> missing;
    for (size_t t = 0; t < r.types.size(); ++t) {
        auto it = access_.find(access_key(p, in, r.types[t], opt));
        if (it != access_.end() && it->second.compound.size() == in.compounds.size()) got[t] = &it->second;
        else missing.push_back({r.types[t]});
    }
    AccessResult made = compute_access_pools(engine, p, in, r, missing, opt);
    AccessResult out;
    size_t m = 0;
    for (size_t t = 0; t < r.types.size(); ++t) out.layers.push_back(got[t] ? *got[t] : std::move(made.layers[m++]));
    return out;
}

std::vector<GeomPtr> ScenarioCache::areas(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                                          PackedPolygons* packed, GeometryTexts* texts) const {
    GEOSContextHandle_t h = engine.main();
    const size_t nf = in.facilities.size();
    std::vector<GeomPtr> out(nf);
    if (!r.graph) packed = nullptr;  // as service_areas: radius discs stay geometries
    if (packed) packed->resize(nf);
    if (texts) texts->service_areas.assign(nf, nullptr);
    // The facilities without a service area in the cache are the stage's plain input:
    // one service area per facility, from its place, reach and (network) entry point.
    Inputs missing;
    ReachResult rm = reach_settings(r);
    std::vector<size_t> which;
    for (size_t i = 0; i < nf; ++i) {
        auto it = areas_.find(area_key(p, in.facilities[i]));
        if (it == areas_.end()) {
            which.push_back(i);
            missing.facilities.push_back(in.facilities[i]);
            if (!r.facility_snaps.empty()) rm.facility_snaps.push_back(r.facility_snaps[i]);
            continue;
        }
        const Area& a = it->second;
        if (a.geom) out[i] = borrow(a.geom.get());  // the cache outlives the scenario
        else if (packed) packed->copy(i, area_store_, a.packed, h);
        else out[i] = area_store_.geometry(a.packed, h);
        if (texts && texts_) texts->service_areas[i] = &a.text;
    }
    if (which.empty()) return out;
    PackedPolygons made_packed;
    std::vector<GeomPtr> made = service_areas(engine, p, missing, rm, packed ? &made_packed : nullptr);
    for (size_t k = 0; k < which.size(); ++k) {
        out[which[k]] = std::move(made[k]);
        if (packed) packed->copy(which[k], made_packed, k, h);
    }
    return out;
}

std::vector<Uncovered> ScenarioCache::uncovered(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                                                const std::vector<GeomPtr>& areas, PackedPolygons* packed,
                                                GeometryTexts* texts) const {
    GEOSContextHandle_t h = engine.main();
    const size_t nt = r.types.size();
    std::vector<std::vector<Uncovered>> per(nt);
    std::vector<PackedPolygons> per_packed(nt);
    std::vector<const Parts*> base(nt, nullptr);
    std::vector<std::vector<char>> again(nt);  // per type and unit: computed, not the base's
    for (size_t t = 0; t < nt; ++t) {
        ReachResult rt = one_type(r, t);
        auto it = uncovered_.find(uncovered_key(p, r.types[t]));
        if (it == uncovered_.end()) {
            per[t] = uncovered_areas(engine, p, in, rt, areas, &per_packed[t]);
            again[t].assign(per[t].size(), 1);
            continue;
        }
        base[t] = &it->second;
        std::vector<XY> changed = changed_sites(base[t]->sites, sites_at(in, facilities_of(in, r.types[t])));
        per[t] = update_uncovered_areas(engine, p, in, rt, areas, base[t]->parts, &base[t]->packed, changed, &per_packed[t], &again[t]);
    }
    const size_t nu = nt ? per[0].size() : 0;
    std::vector<Uncovered> out;
    out.reserve(nu * nt);
    if (packed) packed->resize(nu * nt);
    if (texts) texts->uncovered.assign(nu * nt, nullptr);
    for (size_t u = 0; u < nu; ++u)
        for (size_t t = 0; t < nt; ++t) {
            const size_t k = out.size();
            out.push_back(std::move(per[t].at(u)));
            if (packed) packed->copy(k, per_packed[t], u, h);
            else out.back().geom = per_packed[t].geometry(u, h);
            if (texts && texts_ && base[t] && !again[t][u]) texts->uncovered[k] = &base[t]->text[u];
        }
    return out;
}

GeometryTexts ScenarioCache::input_texts(const Inputs& in) const {
    GeometryTexts out;
    if (!texts_) return out;
    out.features = &features_;
    // A text counts only for the very geometry it was made from (the same object).
    for (int l = 0; l < kLevels; ++l) {
        if (in.units[l].size() != unit_geom_[l].size()) continue;
        out.units[l].resize(in.units[l].size(), nullptr);
        for (size_t u = 0; u < in.units[l].size(); ++u)
            if (in.units[l][u].geom.get() == unit_geom_[l][u]) out.units[l][u] = &unit_text_[l][u];
    }
    if (in.compounds.size() == compound_geom_.size()) {
        out.compounds.resize(in.compounds.size(), nullptr);
        for (size_t c = 0; c < in.compounds.size(); ++c)
            if (in.compounds[c].geom.get() == compound_geom_[c]) out.compounds[c] = &compound_text_[c];
    }
    return out;
}

GeometryTexts ScenarioCache::base_texts(const Project& p, const Inputs& in, const Analysed& x) const {
    GeometryTexts out = input_texts(in);
    if (!texts_) return out;
    out.service_areas.resize(in.facilities.size(), nullptr);
    for (size_t i = 0; i < in.facilities.size(); ++i) {
        auto it = areas_.find(area_key(p, in.facilities[i]));
        if (it != areas_.end()) out.service_areas[i] = &it->second.text;
    }
    out.uncovered.resize(x.unc.size(), nullptr);
    for (size_t k = 0; k < x.unc.size(); ++k) {
        auto it = uncovered_.find(uncovered_key(p, x.unc[k].type));
        const size_t u = static_cast<size_t>(x.unc[k].unit);
        if (it != uncovered_.end() && u < it->second.text.size()) out.uncovered[k] = &it->second.text[u];
    }
    return out;
}

}  // namespace lc
