// reach_share, min_access, the per-unit roll-up of counts and reach shares, and the
// life-circle bands (SPEC 4 and 5).
#include "common/measure_label.hpp"
#include "rules/evaluator.hpp"

#include "access/access.hpp"
#include "project/vocabulary.hpp"

#include <algorithm>
#include <cmath>

namespace lc::eval {

std::vector<char> Evaluator::reached_by(const std::vector<std::string>& types) const {
    std::vector<char> out(in.compounds.size(), 0);
    for (size_t t = 0; t < r.types.size(); ++t)
        if (in_types(types, r.types[t]))
            for (size_t c = 0; c < out.size(); ++c) out[c] |= r.reached[t][c];
    return out;
}

/// Nearest facility (index, distance) among the given types under the access mode.
std::pair<int, double> Evaluator::nearest_of(const std::vector<std::string>& types, size_t c) const {
    int best = -1;
    double bd = kInf;
    for (size_t t = 0; t < r.types.size(); ++t) {
        if (!in_types(types, r.types[t])) continue;
        int f = r.nearest[t][c];
        double d = r.dist[t][c];
        if (f >= 0 && (d < bd || (d == bd && in.facilities[f].id < in.facilities[best].id))) {
            best = f;
            bd = d;
        }
    }
    return {best, bd};
}

WeightSums weigh(const Inputs& in) {
    WeightSums s;
    const size_t nc = in.compounds.size();
    s.of.resize(nc);
    s.known.assign(nc, 0);
    for (int w = 0; w < kWeights; ++w)
        for (int l = 0; l < kLevels; ++l) s.den[w][l].assign(in.units[l].size(), 0);
    for (size_t c = 0; c < nc; ++c) {
        const Compound& cp = in.compounds[c];
        for (int w = 0; w < kWeights; ++w) {
            auto wt = weight_of(cp, w);
            if (!wt) {
                ++s.unknown[w];
                continue;
            }
            s.of[c][w] = *wt;
            s.known[c] |= static_cast<unsigned char>(1u << w);
            s.total[w] += *wt;
            for (int l = 0; l < kLevels; ++l)
                if (cp.unit[l] != kNone) s.den[w][l][cp.unit[l]] += *wt;
        }
    }
    return s;
}

/// Weighted shares of a flag over the compounds of each unit of every level and the
/// area. The sums divided by are the same for every flag (WeightSums); the flagged
/// compounds are summed in compound order, as the sums (a compound not flagged adds
/// nothing: +0 leaves a sum as it is).
void Evaluator::shares(const std::vector<char>& flag, unsigned weights, std::array<Share, kWeights>& out) const {
    std::array<std::array<std::vector<double>, kLevels>, kWeights> num;
    std::array<double, kWeights> N{};
    for (int w = 0; w < kWeights; ++w)
        if (weights >> w & 1u)
            for (int l = 0; l < kLevels; ++l) num[w][l].assign(in.units[l].size(), 0);
    for (size_t c = 0; c < in.compounds.size(); ++c) {
        if (!flag[c]) continue;
        const unsigned known = sums.known[c] & weights;
        const Compound& cp = in.compounds[c];
        for (int w = 0; w < kWeights; ++w) {
            if (!(known >> w & 1u)) continue;
            const double x = sums.of[c][w];
            N[w] += x;
            for (int l = 0; l < kLevels; ++l)
                if (cp.unit[l] != kNone) num[w][l][cp.unit[l]] += x;
        }
    }
    for (int w = 0; w < kWeights; ++w) {
        if (!(weights >> w & 1u)) continue;
        Share& sh = out[w];
        for (int l = 0; l < kLevels; ++l) {
            const std::vector<double>& den = sums.den[w][l];
            sh.per_unit[l].assign(den.size(), std::nullopt);
            for (size_t u = 0; u < den.size(); ++u)
                if (den[u] > 0) sh.per_unit[l][u] = num[w][l][u] / den[u];
        }
        sh.overall = sums.total[w] > 0 ? std::optional<double>(N[w] / sums.total[w]) : std::nullopt;
        sh.unknown = sums.unknown[w];
    }
}

Share Evaluator::share(const std::vector<char>& flag, int w) const {
    std::array<Share, kWeights> out;
    shares(flag, 1u << w, out);
    return std::move(out[w]);
}

void Evaluator::unit_stats() {
    size_t nt = r.types.size();
    auto init = [&](UnitStats& s) {
        s.n_type.assign(nt, 0);
        s.reach_share.assign(nt, {});
    };
    for (int l = 0; l < kLevels; ++l) {
        a.units[l].resize(in.units[l].size());
        for (auto& s : a.units[l]) init(s);
    }
    init(a.area);
    auto add = [&](UnitStats& s, size_t c) {
        s.compounds++;
        for (int w = 0; w < kWeights; ++w) {
            if (sums.known[c] >> w & 1u) s.total[w] = s.total[w].value_or(0) + sums.of[c][w];
            else s.unknown[w]++;
        }
    };
    for (size_t c = 0; c < in.compounds.size(); ++c) {
        add(a.area, c);
        for (int l = 0; l < kLevels; ++l)
            if (in.compounds[c].unit[l] != kNone) add(a.units[l][in.compounds[c].unit[l]], c);
    }
    // A unit whose compounds all lack a weight has an unknown total, not 0.
    for (int l = 0; l < kLevels; ++l)
        for (auto& s : a.units[l])
            for (int w = 1; w < kWeights; ++w)
                if (!s.total[w] && s.compounds == 0) s.total[w] = 0.0;
    std::vector<size_t> analysed(table.types.size(), nt);  // per type of the table: its index in r.types, nt: none
    for (size_t t = 0; t < nt; ++t) {
        auto it = std::lower_bound(table.types.begin(), table.types.end(), r.types[t]);
        if (it != table.types.end() && *it == r.types[t]) analysed[static_cast<size_t>(it - table.types.begin())] = t;
    }
    for (size_t f = 0; f < in.facilities.size(); ++f) {
        const Facility& fa = in.facilities[f];
        const size_t t = analysed[static_cast<size_t>(table.type[f])];
        if (t == nt || !table.in_area[f]) continue;
        a.area.n_type[t]++;
        for (int l = 0; l < kLevels; ++l)
            if (fa.unit[l] != kNone) a.units[l][fa.unit[l]].n_type[t]++;
    }
    std::array<Share, kWeights> sh;
    for (size_t t = 0; t < nt; ++t) {
        std::vector<char> flag(r.reached[t].begin(), r.reached[t].end());
        shares(flag, (1u << kWeights) - 1, sh);
        for (int w = 0; w < kWeights; ++w) {
            a.area.reach_share[t][w] = sh[w].overall;
            for (int l = 0; l < kLevels; ++l)
                for (size_t u = 0; u < sh[w].per_unit[l].size(); ++u) a.units[l][u].reach_share[t][w] = sh[w].per_unit[l][u];
        }
    }
}

/// SPEC 4 bands: a compound is within a band of a type when its distance to the
/// nearest facility of the type is ≤ the band's walk (minutes × speed, as reach_m).
void Evaluator::bands() {
    a.bands = p.access.bands;
    const size_t nt = r.types.size(), nb = a.bands.size();
    auto init = [&](UnitStats& s) { s.band_share.assign(nt, std::vector<std::optional<double>>(nb)); };
    for (int l = 0; l < kLevels; ++l)
        for (auto& s : a.units[l]) init(s);
    init(a.area);
    std::vector<char> flag(in.compounds.size());
    for (size_t t = 0; t < nt; ++t)
        for (size_t b = 0; b < nb; ++b) {
            const double reach = p.access.metres_of(a.bands[b]);
            for (size_t c = 0; c < flag.size(); ++c) flag[c] = r.dist[t][c] <= reach;
            Share sh = share(flag, 3);
            a.area.band_share[t][b] = sh.overall;
            for (int l = 0; l < kLevels; ++l)
                for (size_t u = 0; u < sh.per_unit[l].size(); ++u) a.units[l][u].band_share[t][b] = sh.per_unit[l][u];
        }
    // The same for the nearest home-care facility of any type.
    std::vector<double> home(in.compounds.size(), kInf);
    for (size_t t = 0; t < nt; ++t) {
        if (!in_types(home_care_types(), r.types[t])) continue;
        a.home_types.push_back(r.types[t]);
        for (size_t c = 0; c < home.size(); ++c) home[c] = std::min(home[c], r.dist[t][c]);
    }
    if (a.home_types.empty()) return;
    a.home_band.assign(home.size(), -1);
    for (size_t c = 0; c < home.size(); ++c) {
        if (!std::isfinite(home[c])) continue;
        int b = 0;
        while (b < static_cast<int>(nb) && home[c] > p.access.metres_of(a.bands[b])) ++b;
        a.home_band[c] = b;
    }
    a.home_band_share.resize(nb);
    for (size_t b = 0; b < nb; ++b) {
        for (size_t c = 0; c < flag.size(); ++c) flag[c] = a.home_band[c] >= 0 && a.home_band[c] <= static_cast<int>(b);
        a.home_band_share[b] = share(flag, 3).overall;
    }
}

/// The weighted share of flagged compounds over the area and per unit, each unit
/// passing at the rule's target share; returns the compounds of unknown weight.
long Evaluator::share_rule(const Rule& rule, const std::vector<char>& flag, int w, RuleResult& res) {
    Share sh = share(flag, w);
    const auto& pu = sh.per_unit;
    res.value = sh.overall;
    int level = level_of(rule.level);
    if (level < 0 || !in.has_level[level]) level = in.has_level[kStreet] ? kStreet : -1;
    res.report_level = level;
    for (int l = 0; l < kLevels; ++l) {
        if (!in.has_level[l]) continue;
        res.per_unit[l].resize(pu[l].size());
        for (size_t u = 0; u < pu[l].size(); ++u) {
            res.per_unit[l][u].value = pu[l][u];
            if (pu[l][u]) res.per_unit[l][u].pass = *pu[l][u] >= rule.target_share - 1e-12;
        }
    }
    return sh.unknown;
}

namespace {
/// One gap per compound the flag leaves out: not reached, or (network) unreachable.
long reach_gaps(const Evaluator& ev, const Rule& rule, const std::vector<char>& flag, std::vector<Gap>& gaps) {
    long unreachable = 0;
    for (size_t c = 0; c < flag.size(); ++c) {
        if (flag[c]) continue;
        Gap g;
        g.compound = static_cast<int>(c);
        g.rule_id = rule.id;
        g.reason = ev.r.unreachable[c] ? "unreachable" : "not_reached";
        if (ev.r.unreachable[c]) {
            ++unreachable;
            g.detail = "farther than max_access_m from any walkable road";
        }
        auto [f, d] = ev.nearest_of(rule.types, c);
        g.nearest = f;
        g.nearest_dist = d;
        gaps.push_back(std::move(g));
    }
    return unreachable;
}
}  // namespace

void Evaluator::reach_share(const Rule& rule, RuleResult& res) {
    int w = weight_index(rule.weight);
    auto flag = reached_by(rule.types);
    const long unknown = share_rule(rule, flag, w, res);
    long reached = 0;
    for (char f : flag) reached += f;
    res.details["compounds"] = in.compounds.size();
    res.details["compounds_reached"] = reached;
    res.details[std::string(weight_name(w)) + "_unknown"] = unknown;
    if (!res.value) {
        res.note = std::string("no compound has a known ") + weight_name(w);
        res.note_zh = "没有小区有已知的" + measure_label(weight_name(w), "zh") + "数据";
    }
    set_pass(res, rule.target_share);
    fail_units(res, in, res.report_level);
    long unreachable = reach_gaps(*this, rule, flag, a.gaps);
    if (r.mode == "network") res.details["compounds_unreachable"] = unreachable;
}

void Evaluator::elderly_reach_figure() {
    auto rule = std::make_unique<Rule>();
    rule->check = Check::ReachShare;
    rule->id = "elderly_15min_reach";
    char minutes[32];
    std::snprintf(minutes, sizeof minutes, "%g", p.access.minutes);
    rule->title_zh = std::string("老年人口步行") + minutes + "分钟可达居家养老服务设施的比例";
    rule->title_en = std::string("Share of elderly within a ") + minutes + "-minute walk of home-care facilities";
    rule->source = "figure (no plan target)";
    rule->weight = "elderly";
    rule->level = "street";
    for (auto& t : home_care_types())
        if (std::find(r.types.begin(), r.types.end(), t) != r.types.end()) rule->types.push_back(t);
    if (rule->types.empty()) return;
    RuleResult res;
    res.rule = rule.get();
    auto flag = reached_by(rule->types);
    res.details["elderly_unknown"] = share_rule(*rule, flag, 3, res);
    set_pass(res, 1.0);
    fail_units(res, in, res.report_level);
    reach_gaps(*this, *rule, flag, a.figure_gaps);
    a.figures.push_back(std::move(res));
    a.figure_rules.push_back(std::move(rule));
}

/// Capacity-aware access (2SFCA, see access.hpp): the weighted share of compounds
/// whose access A·per reaches `min`, per unit and overall, against target_share.
void Evaluator::min_access(const Rule& rule, RuleResult& res) {
    AccessResult acc = compute_access_pools(engine, p, in, r, {rule.types}, access_options(p, &rule));
    const AccessLayer& L = acc.layers.at(0);
    auto ok = access_pass(L, rule.min, rule.per);
    if (L.supply.empty()) {
        not_evaluated(res, rule.target_share, "no facility of these types has a known supply (beds or floor_area)",
                      "此类设施均无已知供给（床位或建筑面积）");
        return;
    }
    int w = weight_index(rule.weight);
    std::vector<char> flag(in.compounds.size(), 0);
    for (size_t c = 0; c < ok.size(); ++c) flag[c] = ok[c].value_or(false);
    const long unknown = share_rule(rule, flag, w, res);
    long passing = 0;
    for (char f : flag) passing += f;
    res.details["supply"] = L.supply;
    res.details["area_mean_access"] = L.area_mean ? json(*L.area_mean) : json(nullptr);
    res.details["compounds_meeting_min"] = passing;
    res.details["facilities_used"] = L.facilities_used;
    res.details["facilities_unknown_supply"] = L.facilities_unknown_supply;
    res.details[std::string(weight_name(w)) + "_unknown"] = unknown;
    set_pass(res, rule.target_share);
    fail_units(res, in, res.report_level);
}

}  // namespace lc::eval
