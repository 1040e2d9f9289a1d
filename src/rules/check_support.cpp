// compound_support (SPEC 5): each compound built in the rule's years has supporting
// facilities inside (or within `within_m`) that meet the floor-area standards.
#include "rules/evaluator.hpp"

#include <boost/geometry.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>

namespace lc::eval {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

/// The query box of a compound for compound_support: its extent grown by the reach.
BBox Evaluator::support_box(const Rule& rule, const Compound& cp, GEOSContextHandle_t h) const {
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
SupportOutcome Evaluator::support_of(const Rule& rule, const Compound& cp, const FacTree& tree, GEOSContextHandle_t h) const {
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
std::pair<int, double> Evaluator::nearest_support(const FacTree& tree, const XY& q) const {
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


/// Per compound: its outcome and, for gaps, the nearest facility. A rule without a year
/// range takes every compound, whatever its year (yx19 compound_support_all).
void Evaluator::support_outcomes(const Rule& rule, const FacTree& tree, std::vector<SupportOutcome>& out,
                                 std::vector<std::pair<int, double>>& near) {
    GEOSContextHandle_t h = engine.main();
    const size_t nc = in.compounds.size();
    out.assign(nc, SupportOutcome{});
    near.assign(nc, {-1, kInf});
    const bool years = rule.since_year || rule.before_year;
    for (size_t c = 0; c < nc; ++c) {
        const Compound& cp = in.compounds[c];
        if (cp.year && ((rule.since_year && *cp.year < *rule.since_year) || (rule.before_year && *cp.year >= *rule.before_year)))
            continue;
        SupportOutcome& o = out[c];
        if (!cp.year && years) {
            o.state = SupportOutcome::UnknownYear;
            o.reason = "unknown_year";
            o.detail = cp.year_raw.empty() ? "no year given" : "year \"" + cp.year_raw + "\" cannot be read";
        } else {
            o = support_of(rule, cp, tree, h);
        }
        if (o.state != SupportOutcome::Compliant) near[c] = nearest_support(tree, cp.rep);
    }
}

void Evaluator::compound_support(const Rule& rule, RuleResult& res) {
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

}  // namespace lc::eval
