#include "rules/rules.hpp"

#include "access/access.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <algorithm>
#include <unordered_map>
#include <queue>
#include <charconv>
#include <cmath>
#include <set>

namespace lc {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BBox = bg::model::box<BPoint>;

namespace {
const double kInf = std::numeric_limits<double>::infinity();

std::optional<double> weight_of(const Compound& c, int w) {
    switch (w) {
        case 0: return 1.0;
        case 1: return c.households;
        case 2: return c.population;
        default: return c.elderly;
    }
}

bool in_types(const std::vector<std::string>& types, const std::string& t) {
    return types.empty() || std::find(types.begin(), types.end(), t) != types.end();
}

/// Unit index of a level for an item, or 0 for the whole area (level -1).
int level_of(const std::string& l) {
    if (l == "district") return kDistrict;
    if (l == "street") return kStreet;
    if (l == "community") return kCommunity;
    return -1;
}

bool kind_ok(const Rule& r, const Unit& u) {
    return r.kinds.empty() || std::find(r.kinds.begin(), r.kinds.end(), u.kind) != r.kinds.end();
}

bool facility_in_area(const Inputs& in, const Facility& f) {
    bool any_units = in.has_level[0] || in.has_level[1] || in.has_level[2];
    return !any_units || std::any_of(f.unit.begin(), f.unit.end(), [](int u) { return u != kNone; });
}

std::optional<double> attr_number(const Facility& f, const std::string& a) {
    auto it = f.attrs.find(a);
    if (it != f.attrs.end()) return it->second.number;
    if (a == "beds") return f.beds;
    if (a == "nursing_beds") return f.nursing_beds;
    if (a == "floor_area") return f.floor_area;
    return std::nullopt;
}

bool attr_mapped(const Inputs& in, const Project& p, const std::string& a) {
    const LayerSpec* s = p.layer("facilities");
    if (s && (s->fields.count(a) || s->attributes.count(a))) return true;
    for (auto& f : in.facilities)
        if (f.attrs.count(a)) return true;
    return false;
}

bool compare(double v, const std::string& op, double x) {
    if (op == ">=") return v >= x;
    if (op == ">") return v > x;
    if (op == "<=") return v <= x;
    if (op == "<") return v < x;
    if (op == "==" || op == "=") return v == x;
    if (op == "!=") return v != x;
    return false;
}

void fail_units(RuleResult& res, const Inputs& in, int level) {
    if (level < 0) return;
    for (size_t u = 0; u < res.per_unit[level].size(); ++u)
        if (res.per_unit[level][u].pass && !*res.per_unit[level][u].pass) res.units_failing.push_back(in.units[level][u].id);
    std::sort(res.units_failing.begin(), res.units_failing.end());
}

void set_pass(RuleResult& res, double target, bool at_least = true) {
    res.target = target;
    if (res.value) res.pass = at_least ? *res.value >= target - 1e-12 : *res.value <= target + 1e-12;
}

}  // namespace

int weight_index(const std::string& w) {
    for (int i = 0; i < kWeights; ++i)
        if (w == weight_name(i)) return i;
    return 0;
}

bool facility_matches(const Facility& f, const json& where) {
    if (!where.is_object()) return true;
    for (auto it = where.begin(); it != where.end(); ++it) {
        const std::string& k = it.key();
        const json& cond = it.value();
        auto at = f.attrs.find(k);
        AttrValue v;
        if (at != f.attrs.end()) v = at->second;
        else if (auto n = attr_number(f, k)) v.number = n;
        if (k == "type") v.text = f.type;
        if (cond.is_object()) {
            for (auto op = cond.begin(); op != cond.end(); ++op) {
                if (op.key() == "in") {
                    if (!v.text || !op.value().is_array()) return false;
                    bool found = false;
                    for (auto& x : op.value()) found |= x.is_string() && x.get<std::string>() == *v.text;
                    if (!found) return false;
                } else {
                    if (!v.number || !op.value().is_number()) return false;
                    if (!compare(*v.number, op.key(), op.value().get<double>())) return false;
                }
            }
        } else if (cond.is_boolean()) {
            if (!v.boolean || *v.boolean != cond.get<bool>()) return false;
        } else if (cond.is_number()) {
            if (!v.number || *v.number != cond.get<double>()) return false;
        } else if (cond.is_string()) {
            if (!v.text || *v.text != cond.get<std::string>()) return false;
        } else if (cond.is_array()) {
            bool found = false;
            for (auto& x : cond) found |= x.is_string() && v.text && x.get<std::string>() == *v.text;
            if (!found) return false;
        } else {
            return false;
        }
    }
    return true;
}

namespace {

struct Evaluator {
    const Project& p;
    const Inputs& in;
    const ReachResult& r;
    Analysis& a;

    std::vector<char> reached_by(const std::vector<std::string>& types) const {
        std::vector<char> out(in.compounds.size(), 0);
        for (size_t t = 0; t < r.types.size(); ++t)
            if (in_types(types, r.types[t]))
                for (size_t c = 0; c < out.size(); ++c) out[c] |= r.reached[t][c];
        return out;
    }

    /// Nearest facility (index, distance) among the given types under the access mode.
    std::pair<int, double> nearest_of(const std::vector<std::string>& types, size_t c) const {
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

    /// Weighted share of a flag over the compounds of each unit of every level and the area.
    void shares(const std::vector<char>& flag, int w, std::array<std::vector<std::optional<double>>, kLevels>& per_unit,
                std::optional<double>& overall, long& unknown) const {
        std::array<std::vector<double>, kLevels> num, den;
        for (int l = 0; l < kLevels; ++l) {
            num[l].assign(in.units[l].size(), 0);
            den[l].assign(in.units[l].size(), 0);
        }
        double N = 0, D = 0;
        unknown = 0;
        for (size_t c = 0; c < in.compounds.size(); ++c) {
            auto wt = weight_of(in.compounds[c], w);
            if (!wt) { ++unknown; continue; }
            double x = flag[c] ? *wt : 0;
            N += x;
            D += *wt;
            for (int l = 0; l < kLevels; ++l) {
                int u = in.compounds[c].unit[l];
                if (u == kNone) continue;
                num[l][u] += x;
                den[l][u] += *wt;
            }
        }
        for (int l = 0; l < kLevels; ++l) {
            per_unit[l].assign(in.units[l].size(), std::nullopt);
            for (size_t u = 0; u < in.units[l].size(); ++u)
                if (den[l][u] > 0) per_unit[l][u] = num[l][u] / den[l][u];
        }
        overall = D > 0 ? std::optional<double>(N / D) : std::nullopt;
    }

    void unit_stats() {
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
        auto add = [&](UnitStats& s, const Compound& c) {
            s.compounds++;
            for (int w = 0; w < kWeights; ++w) {
                auto v = weight_of(c, w);
                if (v) s.total[w] = s.total[w].value_or(0) + *v;
                else s.unknown[w]++;
            }
        };
        for (auto& c : in.compounds) {
            add(a.area, c);
            for (int l = 0; l < kLevels; ++l)
                if (c.unit[l] != kNone) add(a.units[l][c.unit[l]], c);
        }
        // A unit whose compounds all lack a weight has an unknown total, not 0.
        for (int l = 0; l < kLevels; ++l)
            for (auto& s : a.units[l])
                for (int w = 1; w < kWeights; ++w)
                    if (!s.total[w] && s.compounds == 0) s.total[w] = 0.0;
        for (size_t t = 0; t < nt; ++t) {
            for (auto& f : in.facilities) {
                if (f.type != r.types[t] || !facility_in_area(in, f)) continue;
                a.area.n_type[t]++;
                for (int l = 0; l < kLevels; ++l)
                    if (f.unit[l] != kNone) a.units[l][f.unit[l]].n_type[t]++;
            }
            std::vector<char> flag(r.reached[t].begin(), r.reached[t].end());
            for (int w = 0; w < kWeights; ++w) {
                std::array<std::vector<std::optional<double>>, kLevels> pu;
                std::optional<double> overall;
                long unknown = 0;
                shares(flag, w, pu, overall, unknown);
                a.area.reach_share[t][w] = overall;
                for (int l = 0; l < kLevels; ++l)
                    for (size_t u = 0; u < pu[l].size(); ++u) a.units[l][u].reach_share[t][w] = pu[l][u];
            }
        }
    }

    void min_count(const Rule& rule, RuleResult& res) {
        int level = level_of(rule.level);
        res.report_level = level;
        std::vector<const Facility*> fac;
        for (auto& f : in.facilities)
            if (in_types(rule.types, f.type) && facility_matches(f, rule.where) && facility_in_area(in, f)) fac.push_back(&f);
        res.details["facilities_counted"] = fac.size();
        if (level < 0) {
            res.value = fac.size() >= rule.min ? 1.0 : 0.0;
            res.details["count"] = fac.size();
            set_pass(res, rule.target_share);
            return;
        }
        if (!in.has_level[level]) {
            res.note = std::string("not evaluated: the project has no ") + level_name(level) + " layer";
            res.target = rule.target_share;
            return;
        }
        std::vector<long> count(in.units[level].size(), 0);
        for (auto* f : fac)
            if (f->unit[level] != kNone) count[f->unit[level]]++;
        long applicable = 0, passing = 0;
        auto& pu = res.per_unit[level];
        pu.assign(in.units[level].size(), {});
        for (size_t u = 0; u < count.size(); ++u) {
            if (!kind_ok(rule, in.units[level][u])) continue;
            ++applicable;
            bool ok = count[u] >= rule.min;
            passing += ok;
            pu[u] = {static_cast<double>(count[u]), ok};
        }
        res.details["units"] = applicable;
        res.details["units_passing"] = passing;
        if (applicable == 0) res.note = "not evaluated: no unit of this kind";
        else res.value = static_cast<double>(passing) / applicable;
        set_pass(res, rule.target_share);
        fail_units(res, in, level);
    }

    /// The weighted share of flagged compounds over the area and per unit, each unit
    /// passing at the rule's target share; returns the compounds of unknown weight.
    long share_rule(const Rule& rule, const std::vector<char>& flag, int w, RuleResult& res) {
        std::array<std::vector<std::optional<double>>, kLevels> pu;
        long unknown = 0;
        shares(flag, w, pu, res.value, unknown);
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
        return unknown;
    }

    void reach_share(const Rule& rule, RuleResult& res) {
        int w = weight_index(rule.weight);
        auto flag = reached_by(rule.types);
        const long unknown = share_rule(rule, flag, w, res);
        long reached = 0;
        for (char f : flag) reached += f;
        res.details["compounds"] = in.compounds.size();
        res.details["compounds_reached"] = reached;
        res.details[std::string(weight_name(w)) + "_unknown"] = unknown;
        if (!res.value) res.note = std::string("no compound has a known ") + weight_name(w);
        set_pass(res, rule.target_share);
        fail_units(res, in, res.report_level);
        long unreachable = 0;
        for (size_t c = 0; c < flag.size(); ++c) {
            if (flag[c]) continue;
            Gap g;
            g.compound = static_cast<int>(c);
            g.rule_id = rule.id;
            g.reason = r.unreachable[c] ? "unreachable" : "not_reached";
            if (r.unreachable[c]) {
                ++unreachable;
                g.detail = "farther than max_access_m from any walkable road";
            }
            auto [f, d] = nearest_of(rule.types, c);
            g.nearest = f;
            g.nearest_dist = d;
            a.gaps.push_back(std::move(g));
        }
        if (r.mode == "network") res.details["compounds_unreachable"] = unreachable;
    }

    void ratio(const Rule& rule, RuleResult& res) {
        int level = level_of(rule.level);
        res.report_level = level;
        for (const RatioTerm* t : {&rule.numerator, &rule.denominator}) {
            if (t->of == "facilities" && !attr_mapped(in, p, t->attr)) {
                res.note = "not evaluated: facility attribute \"" + t->attr + "\" is not mapped in the facilities layer";
                res.target = rule.min;
                return;
            }
            if (t->of == "compounds") {
                const LayerSpec* s = p.layer("compounds");
                if (!s->fields.count(t->attr)) {
                    res.note = "not evaluated: compound field \"" + t->attr + "\" is not mapped";
                    res.target = rule.min;
                    return;
                }
            }
        }
        size_t nu = level >= 0 ? in.units[level].size() : 0;
        struct Sum { double v = 0; long unknown = 0; };
        auto sum_term = [&](const RatioTerm& t, std::vector<Sum>& per, Sum& all) {
            per.assign(nu, {});
            if (t.of == "facilities") {
                for (auto& f : in.facilities) {
                    if (!in_types(t.types, f.type) || !facility_matches(f, t.where) || !facility_in_area(in, f)) continue;
                    auto v = attr_number(f, t.attr);
                    int u = level >= 0 ? f.unit[level] : kNone;
                    if (!v) { all.unknown++; if (u != kNone) per[u].unknown++; continue; }
                    all.v += *v;
                    if (u != kNone) per[u].v += *v;
                }
            } else {
                int w = weight_index(t.attr);
                for (auto& c : in.compounds) {
                    auto v = weight_of(c, w);
                    int u = level >= 0 ? c.unit[level] : kNone;
                    if (!v) { all.unknown++; if (u != kNone) per[u].unknown++; continue; }
                    all.v += *v;
                    if (u != kNone) per[u].v += *v;
                }
            }
        };
        std::vector<Sum> pn, pd;
        Sum an, ad;
        sum_term(rule.numerator, pn, an);
        sum_term(rule.denominator, pd, ad);
        if (ad.v > 0) res.value = an.v / ad.v * rule.per;
        else res.note = "denominator is 0";
        res.details["numerator"] = an.v;
        res.details["denominator"] = ad.v;
        res.details["numerator_unknown"] = an.unknown;
        res.details["denominator_unknown"] = ad.unknown;
        set_pass(res, rule.min);
        if (level >= 0 && in.has_level[level]) {
            auto& pu = res.per_unit[level];
            pu.assign(nu, {});
            for (size_t u = 0; u < nu; ++u) {
                if (!kind_ok(rule, in.units[level][u])) continue;
                if (pd[u].v > 0) {
                    pu[u].value = pn[u].v / pd[u].v * rule.per;
                    pu[u].pass = *pu[u].value >= rule.min - 1e-12;
                }
            }
            fail_units(res, in, level);
        }
    }

    /// Capacity-aware access (2SFCA, see access.hpp): the weighted share of compounds
    /// whose access A·per reaches `min`, per unit and overall, against target_share.
    void min_access(const Rule& rule, RuleResult& res) {
        AccessResult acc = compute_access_pools(p, in, r, {rule.types}, access_options(p, &rule));
        const AccessLayer& L = acc.layers.at(0);
        auto ok = access_pass(L, rule.min, rule.per);
        if (L.supply.empty()) {
            res.note = "not evaluated: no facility of these types has a known supply (beds or floor_area)";
            res.target = rule.target_share;
            return;
        }
        int w = weight_index(rule.weight);
        std::vector<char> flag(in.compounds.size(), 0);
        std::vector<char> known(in.compounds.size(), 0);
        for (size_t c = 0; c < ok.size(); ++c) {
            known[c] = ok[c].has_value();
            flag[c] = ok[c].value_or(false);
        }
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

    using FacTree = bgi::rtree<std::pair<BPoint, int>, bgi::rstar<16>>;

    /// The query box of a compound for compound_support: its extent grown by the reach.
    BBox support_box(const Rule& rule, const Compound& cp, GEOSContextHandle_t h) const {
        double reachm = rule.within_m > 0 ? rule.within_m : (cp.is_point ? p.access.point_support_m : 0);
        double x0, y0, x1, y1;
        if (cp.is_point) {
            x0 = x1 = cp.rep.x;
            y0 = y1 = cp.rep.y;
        } else {
            GEOSGeom_getXMin_r(h, cp.geom.get(), &x0);
            GEOSGeom_getYMin_r(h, cp.geom.get(), &y0);
            GEOSGeom_getXMax_r(h, cp.geom.get(), &x1);
            GEOSGeom_getYMax_r(h, cp.geom.get(), &y1);
        }
        return BBox(BPoint(x0 - reachm, y0 - reachm), BPoint(x1 + reachm, y1 + reachm));
    }

    /// compound_support for one compound in the year range: reason "" when compliant.
    SupportOutcome support_of(const Rule& rule, const Compound& cp, const FacTree& tree, GEOSContextHandle_t h) const {
        SupportOutcome o;
        o.state = SupportOutcome::Compliant;
        double reachm = rule.within_m > 0 ? rule.within_m : (cp.is_point ? p.access.point_support_m : 0);
        double total = 0, largest = 0;
        long n = 0, area_unknown = 0;
        std::vector<int> found;
        for (auto it = tree.qbegin(bgi::intersects(support_box(rule, cp, h))); it != tree.qend(); ++it) found.push_back(it->second);
        std::sort(found.begin(), found.end());
        for (int f : found) {
            const Facility& fa = in.facilities[f];
            bool inside;
            if (cp.is_point) {
                double dx = fa.pt.x - cp.rep.x, dy = fa.pt.y - cp.rep.y;
                inside = std::sqrt(dx * dx + dy * dy) <= reachm;
            } else {
                GeomPtr pt = make_point(h, fa.pt.x, fa.pt.y);
                if (reachm == 0) inside = GEOSCovers_r(h, cp.geom.get(), pt.get()) == 1;
                else {
                    double d = kInf;
                    GEOSDistance_r(h, cp.geom.get(), pt.get(), &d);
                    inside = d <= reachm;
                }
            }
            if (!inside) continue;
            ++n;
            if (fa.floor_area) {
                total += *fa.floor_area;
                largest = std::max(largest, *fa.floor_area);
            } else {
                ++area_unknown;
            }
        }
        char buf[200];
        if (n == 0) {
            o.reason = "no_facility";
        } else if (rule.min_area_per_100_households && cp.households &&
                   total < *cp.households / 100.0 * *rule.min_area_per_100_households) {
            o.reason = "area_below_standard";
            std::snprintf(buf, sizeof buf, "%.0f m² for %.0f households; the standard asks %.0f m²%s", total, *cp.households,
                          *cp.households / 100.0 * *rule.min_area_per_100_households, area_unknown ? " (some floor areas unknown)" : "");
            o.detail = buf;
        } else if (rule.min_single_area && largest < *rule.min_single_area) {
            o.reason = "single_site_too_small";
            std::snprintf(buf, sizeof buf, "largest single site %.0f m² < %.0f m²%s", largest, *rule.min_single_area,
                          area_unknown ? " (some floor areas unknown)" : "");
            o.detail = buf;
        }
        if (!o.reason.empty()) o.state = SupportOutcome::Gap;
        return o;
    }

    /// The nearest of the rule's facilities (a few candidates, exact distances, ties to
    /// the smallest id); -1 when there are none.
    std::pair<int, double> nearest_support(const FacTree& tree, const XY& q) const {
        int bf = -1;
        double best = kInf;
        for (auto it = tree.qbegin(bgi::nearest(BPoint(q.x, q.y), 4)); it != tree.qend(); ++it) {
            double dx = bg::get<0>(it->first) - q.x, dy = bg::get<1>(it->first) - q.y;
            double d = std::sqrt(dx * dx + dy * dy);
            if (d < best || (d == best && in.facilities[it->second].id < in.facilities[bf].id)) {
                best = d;
                bf = it->second;
            }
        }
        return {bf, best};
    }

    /// Per compound: its outcome and, for gaps, the nearest facility.
    void support_outcomes(const Rule& rule, const FacTree& tree, std::vector<SupportOutcome>& out,
                          std::vector<std::pair<int, double>>& near) {
        GEOSContextHandle_t h = main_geos();
        const size_t nc = in.compounds.size();
        out.assign(nc, SupportOutcome{});
        near.assign(nc, {-1, kInf});
        for (size_t c = 0; c < nc; ++c) {
            const Compound& cp = in.compounds[c];
            if (cp.year && ((rule.since_year && *cp.year < *rule.since_year) || (rule.before_year && *cp.year >= *rule.before_year)))
                continue;
            SupportOutcome& o = out[c];
            if (!cp.year) {
                o.state = SupportOutcome::UnknownYear;
                o.reason = "unknown_year";
                o.detail = cp.year_raw.empty() ? "no year given" : "year \"" + cp.year_raw + "\" cannot be read";
            } else {
                o = support_of(rule, cp, tree, h);
            }
            if (o.state != SupportOutcome::Compliant) near[c] = nearest_support(tree, cp.rep);
        }
    }

    void compound_support(const Rule& rule, RuleResult& res) {
        std::vector<int> fac;
        for (size_t i = 0; i < in.facilities.size(); ++i)
            if (in_types(rule.types, in.facilities[i].type) && facility_matches(in.facilities[i], rule.where)) fac.push_back(static_cast<int>(i));
        std::vector<std::pair<BPoint, int>> pts;
        for (int f : fac) pts.emplace_back(BPoint(in.facilities[f].pt.x, in.facilities[f].pt.y), f);
        FacTree tree(pts.begin(), pts.end());
        std::vector<SupportOutcome> out;
        std::vector<std::pair<int, double>> near;
        support_outcomes(rule, tree, out, near);

        std::array<std::vector<long>, kLevels> ev, ok;
        for (int l = 0; l < kLevels; ++l) {
            ev[l].assign(in.units[l].size(), 0);
            ok[l].assign(in.units[l].size(), 0);
        }
        long evaluated = 0, compliant = 0, unknown_year = 0;
        std::map<std::string, long> reasons;
        for (size_t c = 0; c < in.compounds.size(); ++c) {
            const Compound& cp = in.compounds[c];
            const SupportOutcome& o = out[c];
            if (o.state == SupportOutcome::Outside) continue;
            if (o.state == SupportOutcome::UnknownYear) {
                ++unknown_year;
            } else {
                ++evaluated;
                for (int l = 0; l < kLevels; ++l)
                    if (cp.unit[l] != kNone) {
                        ev[l][cp.unit[l]]++;
                        ok[l][cp.unit[l]] += o.state == SupportOutcome::Compliant;
                    }
                if (o.state == SupportOutcome::Compliant) {
                    ++compliant;
                    continue;
                }
            }
            reasons[o.reason]++;
            Gap g;
            g.compound = static_cast<int>(c);
            g.rule_id = rule.id;
            g.reason = o.reason;
            g.detail = o.detail;
            g.nearest = near[c].first;
            if (g.nearest >= 0) g.nearest_dist = near[c].second;
            a.gaps.push_back(std::move(g));
        }
        res.details["compounds_evaluated"] = evaluated;
        res.details["compounds_compliant"] = compliant;
        res.details["unknown_year"] = unknown_year;
        res.details["failing_by_reason"] = reasons;
        if (evaluated > 0) res.value = static_cast<double>(compliant) / evaluated;
        else res.note = "no compound in the year range";
        set_pass(res, rule.target_share);
        int level = in.has_level[kStreet] ? kStreet : -1;
        res.report_level = level;
        for (int l = 0; l < kLevels; ++l) {
            if (!in.has_level[l]) continue;
            res.per_unit[l].assign(in.units[l].size(), {});
            for (size_t u = 0; u < in.units[l].size(); ++u)
                if (ev[l][u] > 0) {
                    double v = static_cast<double>(ok[l][u]) / ev[l][u];
                    res.per_unit[l][u] = {v, v >= rule.target_share - 1e-12};
                }
        }
        fail_units(res, in, level);
    }
};

}  // namespace

Analysis evaluate(const Project& p, const Inputs& in, const ReachResult& r) {
    Analysis a;
    Evaluator ev{p, in, r, a};
    ev.unit_stats();
    std::vector<size_t> gaps_from;  // per rule: its first gap
    for (auto& rule : p.rules) {
        gaps_from.push_back(a.gaps.size());
        RuleResult res;
        res.rule = &rule;
        if (rule.check == "min_count") ev.min_count(rule, res);
        else if (rule.check == "reach_share") ev.reach_share(rule, res);
        else if (rule.check == "ratio") ev.ratio(rule, res);
        else if (rule.check == "compound_support") ev.compound_support(rule, res);
        else if (rule.check == "min_access") ev.min_access(rule, res);
        else {
            res.note = "not evaluated: " + rule.check + " is not available in this version";
            res.target = rule.min;
        }
        a.rules.push_back(std::move(res));
    }
    gaps_from.push_back(a.gaps.size());
    // Gaps in a fixed order: compound id, then rule order. Each rule lists its gaps in
    // compound order, so when compounds are in id order (as read, usually) a merge of
    // the rules' runs gives it without comparing ids.
    bool by_id = true;
    for (size_t c = 1; c < in.compounds.size() && by_id; ++c) by_id = in.compounds[c - 1].id < in.compounds[c].id;
    if (by_id) {
        // (compound, rule) keys are unique and each run is sorted: a k-way merge.
        std::vector<Gap> merged;
        merged.reserve(a.gaps.size());
        std::vector<size_t> at(gaps_from.begin(), gaps_from.end() - 1);
        using Head = std::pair<std::pair<int, size_t>, size_t>;  // ((compound, rule), rule)
        std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
        for (size_t k = 0; k + 1 < gaps_from.size(); ++k)
            if (at[k] < gaps_from[k + 1]) heads.push({{a.gaps[at[k]].compound, k}, k});
        while (!heads.empty()) {
            size_t k = heads.top().second;
            heads.pop();
            merged.push_back(std::move(a.gaps[at[k]++]));
            if (at[k] < gaps_from[k + 1]) heads.push({{a.gaps[at[k]].compound, k}, k});
        }
        a.gaps = std::move(merged);
    } else {
        std::map<std::string, size_t> rule_pos;
        for (size_t i = 0; i < p.rules.size(); ++i) rule_pos[p.rules[i].id] = i;
        std::stable_sort(a.gaps.begin(), a.gaps.end(), [&](const Gap& x, const Gap& y) {
            const std::string &ix = in.compounds[x.compound].id, &iy = in.compounds[y.compound].id;
            if (ix != iy) return ix < iy;
            return rule_pos[x.rule_id] < rule_pos[y.rule_id];
        });
    }
    return a;
}

}  // namespace lc
