// compound_support (SPEC 5): each compound built in the rule's years has supporting
// facilities inside (or within `within_m`) that meet the floor-area standards. Deciding
// the compounds (support_outcomes, or update_support_outcomes from an earlier result:
// support_update.cpp) is apart from rolling the decisions up into the rule's figures.
#include "rules/support_check.hpp"

#include <boost/geometry.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

namespace lc {

namespace bgi = boost::geometry::index;

std::vector<int> support_facilities(const Inputs& in, const Rule& rule) {
    std::vector<int> fac;
    for (size_t i = 0; i < in.facilities.size(); ++i)
        if (eval::in_types(rule.types, in.facilities[i].type) && facility_matches(in.facilities[i], rule.where))
            fac.push_back(static_cast<int>(i));
    return fac;
}

std::vector<SupportSite> support_sites(const Inputs& in, const std::vector<int>& fac) {
    std::vector<SupportSite> out;
    out.reserve(fac.size());
    for (int f : fac) out.push_back(SupportSite{in.facilities[f].id, in.facilities[f].pt, in.facilities[f].floor_area});
    return out;
}

namespace eval {

SupportCheck::SupportCheck(GEOSContextHandle_t h, const Project& p, const Inputs& in, const Rule& rule, const std::vector<int>& fac)
    : h(h), p(p), in(in), rule(rule) {
    std::vector<std::pair<BPoint, int>> pts;
    pts.reserve(fac.size());
    for (int f : fac) pts.emplace_back(BPoint(in.facilities[f].pt.x, in.facilities[f].pt.y), f);
    tree = FacTree(pts.begin(), pts.end());
}

double SupportCheck::reach_of(const Compound& cp) const {
    return rule.within_m > 0 ? rule.within_m : (cp.is_point ? p.access.point_support_m : 0);
}

/// The query box of a compound: its extent grown by the reach.
BBox SupportCheck::box(const Compound& cp) const {
    const double reachm = reach_of(cp);
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

bool SupportCheck::in_years(const Compound& cp) const {
    return !(cp.year && ((rule.since_year && *cp.year < *rule.since_year) || (rule.before_year && *cp.year >= *rule.before_year)));
}

/// compound_support for one compound in the year range (its year known, or no range).
SupportOutcome SupportCheck::decide(const Compound& cp) const {
    SupportOutcome o;
    o.state = SupportOutcome::Compliant;
    const double reachm = reach_of(cp);
    double total = 0, largest = 0;
    long n = 0, area_unknown = 0;
    std::vector<int> found;
    for (auto it = tree.qbegin(bgi::intersects(box(cp))); it != tree.qend(); ++it) found.push_back(it->second);
    std::sort(found.begin(), found.end());  // sums in input order
    for (int f : found) {
        const Facility& fa = in.facilities[f];
        bool inside;
        if (cp.is_point) {
            inside = straight(fa.pt, cp.rep) <= reachm;
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
    const char* some_unknown = area_unknown ? " (some floor areas unknown)" : "";
    // Without the household count the per-household standard cannot be checked: the
    // compound is not compliant on a figure nobody gave (unless it fails on another).
    const bool per_household = rule.min_area_per_100_households.has_value();
    if (n == 0) {
        o.reason = "no_facility";
    } else if (per_household && cp.households && total < *cp.households / 100.0 * *rule.min_area_per_100_households) {
        o.reason = "area_below_standard";
        std::snprintf(buf, sizeof buf, "%.0f m² for %.0f households; the standard asks %.0f m²%s", total, *cp.households,
                      *cp.households / 100.0 * *rule.min_area_per_100_households, some_unknown);
        o.detail = buf;
    } else if (rule.min_single_area && largest < *rule.min_single_area) {
        o.reason = "single_site_too_small";
        std::snprintf(buf, sizeof buf, "largest single site %.0f m² < %.0f m²%s", largest, *rule.min_single_area, some_unknown);
        o.detail = buf;
    } else if (per_household && !cp.households) {
        o.state = SupportOutcome::UnknownHouseholds;
        o.reason = "unknown_households";
        std::snprintf(buf, sizeof buf, "households unknown: %.0f m² found, the standard asks %g m² per 100 households%s",
                      total, *rule.min_area_per_100_households, some_unknown);
        o.detail = buf;
        return o;
    }
    if (!o.reason.empty()) o.state = SupportOutcome::Gap;
    return o;
}

/// The nearest of the rule's facilities, ties to the smallest id; -1 when there are none.
/// The R-tree's nearest gives the least distance; every facility within it (the margin
/// covers the tree's own rounding of distances) is looked at, so the answer is the
/// facility least by (distance, id), whatever the tree's order among equals.
std::pair<int, double> SupportCheck::nearest(const XY& q) const {
    std::vector<std::pair<BPoint, int>> hits;
    tree.query(bgi::nearest(BPoint(q.x, q.y), 1), std::back_inserter(hits));
    if (hits.empty()) return {-1, kInf};
    const double r = straight(in.facilities[hits[0].second].pt, q) * (1 + 1e-9) + 1e-9;
    hits.clear();
    tree.query(bgi::intersects(BBox(BPoint(q.x - r, q.y - r), BPoint(q.x + r, q.y + r))), std::back_inserter(hits));
    int bf = -1;
    double best = kInf;
    for (auto& [pt, f] : hits) {
        const double d = straight(in.facilities[f].pt, q);
        if (closer(d, in.facilities[f].id, bf, best)) {
            best = d;
            bf = f;
        }
    }
    return {bf, best};
}

bool SupportCheck::closer(double d, const std::string& id, int bf, double best) const {
    return d < best || (d == best && bf >= 0 && id < in.facilities[bf].id);
}

/// The roll-up of the decisions: the value, per-unit shares and one gap per compound
/// not compliant.
void Evaluator::compound_support(const Rule& rule, RuleResult& res) {
    const SupportResult s = support ? support(engine, p, in, rule) : support_outcomes(engine, p, in, rule);
    std::array<std::vector<long>, kLevels> ev, ok;
    for (int l = 0; l < kLevels; ++l) {
        ev[l].assign(in.units[l].size(), 0);
        ok[l].assign(in.units[l].size(), 0);
    }
    long evaluated = 0, compliant = 0, unknown_year = 0, unknown_households = 0;
    std::map<std::string, long> reasons;
    for (size_t c = 0; c < in.compounds.size(); ++c) {
        const Compound& cp = in.compounds[c];
        const SupportOutcome& o = s.outcome[c];
        if (o.state == SupportOutcome::Outside) continue;
        if (o.state == SupportOutcome::UnknownYear) {
            ++unknown_year;
        } else if (o.state == SupportOutcome::UnknownHouseholds) {
            ++unknown_households;
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
        g.nearest = s.nearest[c].first;
        if (g.nearest >= 0) g.nearest_dist = s.nearest[c].second;
        a.gaps.push_back(std::move(g));
    }
    res.details["compounds_evaluated"] = evaluated;
    res.details["compounds_compliant"] = compliant;
    res.details["unknown_year"] = unknown_year;
    if (rule.min_area_per_100_households) res.details["unknown_households"] = unknown_households;
    res.details["failing_by_reason"] = reasons;
    if (evaluated > 0) {
        res.value = static_cast<double>(compliant) / evaluated;
    } else if (unknown_year + unknown_households > 0) {
        res.note = "no compound could be decided: every one in the year range has an unknown build year or household count";
        res.note_zh = "无法判定：考核范围内小区的建成年份或户数均不详";
    } else {
        res.note = "no compound in the year range";
        res.note_zh = "考核年份范围内没有小区";
    }
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

}  // namespace eval

/// Per compound: its outcome and, for those not compliant, the nearest facility. A rule
/// without a year range takes every compound, whatever its year (yx19 compound_support_all).
SupportResult support_outcomes(Engine& engine, const Project& p, const Inputs& in, const Rule& rule) {
    const eval::SupportCheck check(engine.main(), p, in, rule, support_facilities(in, rule));
    const size_t nc = in.compounds.size();
    SupportResult out;
    out.outcome.assign(nc, SupportOutcome{});
    out.nearest.assign(nc, {-1, eval::kInf});
    const bool years = rule.since_year || rule.before_year;
    for (size_t c = 0; c < nc; ++c) {
        const Compound& cp = in.compounds[c];
        if (!check.in_years(cp)) continue;
        SupportOutcome& o = out.outcome[c];
        if (!cp.year && years) {
            o.state = SupportOutcome::UnknownYear;
            o.reason = "unknown_year";
            o.detail = cp.year_raw.empty() ? "no year given" : "year \"" + cp.year_raw + "\" cannot be read";
        } else {
            o = check.decide(cp);
        }
        if (o.state != SupportOutcome::Compliant) out.nearest[c] = check.nearest(cp.rep);
    }
    return out;
}

}  // namespace lc
