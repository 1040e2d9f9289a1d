#include "access/access.hpp"

#include "common/errors.hpp"
#include "siting/siting.hpp"

#include <algorithm>
#include <memory>
#include <cmath>

namespace lc {

namespace {

Decay parse_decay(const json& v, const std::string& where) {
    if (v.is_null()) return Decay::None;
    if (v.is_boolean()) return v.get<bool>() ? Decay::Gaussian : Decay::None;
    if (v.is_string()) {
        std::string s = v.get<std::string>();
        if (s == "gaussian") return Decay::Gaussian;
        if (s == "none") return Decay::None;
    }
    throw ConfigError(where + ": expected \"gaussian\" or \"none\" (distance decay of the two-step floating catchment), got " + v.dump());
}

}  // namespace

AccessOptions access_options(const Project& p, const Rule* rule) {
    AccessOptions o;
    if (p.doc.contains("access") && p.doc["access"].is_object() && p.doc["access"].contains("decay"))
        o.decay = parse_decay(p.doc["access"]["decay"], p.file.u8string() + ": /access/decay");
    if (rule && rule->raw.is_object() && rule->raw.contains("decay"))
        o.decay = parse_decay(rule->raw["decay"], p.file.u8string() + ": rule \"" + rule->id + "\" /decay");
    return o;
}

double decay_weight(Decay decay, double d, double d0) {
    if (!(d <= d0)) return 0;
    if (decay == Decay::None) return 1;
    static const double e = std::exp(-0.5);
    const double q = d / d0;
    return (std::exp(-0.5 * q * q) - e) / (1 - e);
}

const AccessLayer* AccessResult::find(const std::vector<std::string>& types) const {
    std::vector<std::string> want = types;
    std::sort(want.begin(), want.end());
    for (auto& l : layers) {
        std::vector<std::string> have = l.types;
        std::sort(have.begin(), have.end());
        if (have == want) return &l;
    }
    return nullptr;
}

static AccessLayer access_layer(const Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                                std::unique_ptr<CatchmentIndex>& index, const std::vector<std::string>& types,
                                const AccessOptions& opt) {
    AccessLayer L;
    L.types = types;
    const size_t nc = in.compounds.size();
    std::vector<size_t> fac;
    for (size_t i = 0; i < in.facilities.size(); ++i)
        if (std::find(types.begin(), types.end(), in.facilities[i].type) != types.end()) fac.push_back(i);
    L.facilities = static_cast<long>(fac.size());
    for (auto& c : in.compounds) L.compounds_unknown_demand += !c.elderly;

    if (opt.supply == "beds" || opt.supply == "floor_area") {
        L.supply = opt.supply;
    } else {
        bool beds = false, area = false;
        for (size_t f : fac) {
            beds |= in.facilities[f].beds.has_value();
            area |= in.facilities[f].floor_area.has_value();
        }
        L.supply = beds ? "beds" : area ? "floor_area" : "";
    }
    for (int l = 0; l < kLevels; ++l) L.unit_mean[l].assign(in.units[l].size(), std::nullopt);
    auto supply_of = [&](const Facility& f) {
        return L.supply == "beds" ? f.beds : L.supply == "floor_area" ? f.floor_area : std::optional<double>();
    };

    std::vector<XY> pts(fac.size());
    std::vector<double> d0(fac.size());
    for (size_t j = 0; j < fac.size(); ++j) {
        pts[j] = in.facilities[fac[j]].pt;
        d0[j] = p.access.reach_m(in.facilities[fac[j]].type);
    }
    if (!fac.empty() && !index) index = std::make_unique<CatchmentIndex>(engine, p, in, r);  // made once per call, when needed
    Catchments cat = fac.empty() ? Catchments{} : index->compute(pts, d0);

    std::vector<double> A(nc, 0.0);
    for (size_t j = 0; j < fac.size(); ++j) {
        if (cat.unsnapped[j]) {
            ++L.facilities_unsnapped;
            continue;
        }
        auto S = supply_of(in.facilities[fac[j]]);
        if (!S) {
            ++L.facilities_unknown_supply;
            continue;
        }
        double demand = 0;
        for (size_t k = cat.off[j]; k < cat.off[j + 1]; ++k)
            if (auto D = in.compounds[cat.compound[k]].elderly) demand += *D * decay_weight(opt.decay, cat.dist[k], d0[j]);
        if (!(demand > 0)) {
            ++L.facilities_no_demand;
            continue;
        }
        ++L.facilities_used;
        const double R = *S / demand;
        for (size_t k = cat.off[j]; k < cat.off[j + 1]; ++k) A[cat.compound[k]] += R * decay_weight(opt.decay, cat.dist[k], d0[j]);
    }
    // Facilities exist but not one supply figure is known: access is unknown, not 0.
    if (L.facilities > 0 && L.facilities_unknown_supply == L.facilities) {
        L.compound.assign(nc, std::nullopt);
        return L;
    }
    L.compound.assign(A.begin(), A.end());

    std::array<std::vector<double>, kLevels> num, den;
    for (int l = 0; l < kLevels; ++l) {
        num[l].assign(in.units[l].size(), 0);
        den[l].assign(in.units[l].size(), 0);
    }
    double an = 0, ad = 0;
    bool any = false;
    for (size_t c = 0; c < nc; ++c) {
        const Compound& cp = in.compounds[c];
        if (!cp.elderly) continue;
        any = true;
        an += *cp.elderly * A[c];
        ad += *cp.elderly;
        for (int l = 0; l < kLevels; ++l)
            if (cp.unit[l] != kNone) {
                num[l][cp.unit[l]] += *cp.elderly * A[c];
                den[l][cp.unit[l]] += *cp.elderly;
            }
    }
    // A unit whose known elderly add up to 0 has no demand to weigh by: null, not 0.
    for (int l = 0; l < kLevels; ++l)
        for (size_t u = 0; u < in.units[l].size(); ++u)
            if (den[l][u] > 0) L.unit_mean[l][u] = num[l][u] / den[l][u];
    if (any && ad > 0) L.area_mean = an / ad;
    return L;
}

AccessResult compute_access_pools(const Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                                  const std::vector<std::vector<std::string>>& pools, const AccessOptions& opt) {
    if (opt.supply != "auto" && opt.supply != "beds" && opt.supply != "floor_area")
        throw ConfigError("access supply: expected auto, beds or floor_area, got \"" + opt.supply + "\"");
    AccessResult res;
    std::unique_ptr<CatchmentIndex> index;  // made only when a catchment is computed
    for (auto& pool : pools) res.layers.push_back(access_layer(engine, p, in, r, index, pool, opt));
    return res;
}

AccessResult compute_access(const Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                            const std::vector<std::string>& types, const AccessOptions& opt) {
    std::vector<std::vector<std::string>> pools;
    for (auto& t : types) pools.push_back({t});
    return compute_access_pools(engine, p, in, r, pools, opt);
}

std::vector<std::optional<bool>> access_pass(const AccessLayer& a, double min, double per) {
    std::vector<std::optional<bool>> out(a.compound.size());
    for (size_t i = 0; i < a.compound.size(); ++i)
        if (a.compound[i]) out[i] = *a.compound[i] * per >= min;
    return out;
}

}  // namespace lc
