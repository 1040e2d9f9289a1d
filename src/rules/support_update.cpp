// update_support_outcomes: compound_support's decisions after some of the rule's
// facilities changed, from the decisions before. A compound's decision reads only the
// facilities in its box (support_check.hpp), so only compounds whose box holds a place
// where a facility came, went or changed are decided again; a nearest facility changes
// only where the old one went or a new one is nearer.
#include "rules/support_check.hpp"

#include <boost/geometry.hpp>

#include <algorithm>
#include <numeric>
#include <optional>

namespace lc {

namespace bgi = boost::geometry::index;

namespace {

/// Would the site read the same? (NaN never does: it is decided again.)
bool same_site(const SupportSite& a, const SupportSite& b) {
    return a.id == b.id && a.pt.x == b.pt.x && a.pt.y == b.pt.y && a.floor_area.has_value() == b.floor_area.has_value() &&
           (!a.floor_area || *a.floor_area == *b.floor_area);
}

std::vector<size_t> by_id(const std::vector<SupportSite>& s) {
    std::vector<size_t> o(s.size());
    std::iota(o.begin(), o.end(), size_t{0});
    std::sort(o.begin(), o.end(), [&](size_t a, size_t b) { return s[a].id < s[b].id; });
    return o;
}

/// How the rule's facilities changed: for each site before, its place among the sites
/// now where it is unchanged (else -1); the sites now that are new or changed; the
/// places where something changed. Null where ids repeat, or where unchanged sites
/// changed their order (sums follow the input order): then nothing is reused.
struct Changes {
    std::vector<long> kept;
    std::vector<size_t> fresh;
    std::vector<eval::BPoint> places;
};

std::optional<Changes> changes(const std::vector<SupportSite>& before, const std::vector<SupportSite>& now) {
    Changes ch;
    ch.kept.assign(before.size(), -1);
    const std::vector<size_t> b = by_id(before), n = by_id(now);
    auto repeats = [](const std::vector<SupportSite>& s, const std::vector<size_t>& o) {
        return std::adjacent_find(o.begin(), o.end(), [&](size_t x, size_t y) { return s[x].id == s[y].id; }) != o.end();
    };
    if (repeats(before, b) || repeats(now, n)) return std::nullopt;
    std::vector<char> unchanged(now.size(), 0);
    auto place = [&](const SupportSite& s) { ch.places.emplace_back(s.pt.x, s.pt.y); };
    size_t i = 0, j = 0;
    while (i < b.size() || j < n.size()) {
        if (j == n.size() || (i < b.size() && before[b[i]].id < now[n[j]].id)) {
            place(before[b[i++]]);
        } else if (i == b.size() || now[n[j]].id < before[b[i]].id) {
            place(now[n[j++]]);
        } else {
            if (same_site(before[b[i]], now[n[j]])) {
                ch.kept[b[i]] = static_cast<long>(n[j]);
                unchanged[n[j]] = 1;
            } else {
                place(before[b[i]]);
                place(now[n[j]]);
            }
            ++i;
            ++j;
        }
    }
    long last = -1;
    for (size_t k = 0; k < before.size(); ++k) {
        if (ch.kept[k] < 0) continue;
        if (ch.kept[k] < last) return std::nullopt;
        last = ch.kept[k];
    }
    for (size_t k = 0; k < now.size(); ++k)
        if (!unchanged[k]) ch.fresh.push_back(k);
    return ch;
}

}  // namespace

SupportResult update_support_outcomes(Engine& engine, const Project& p, const Inputs& in, const Rule& rule,
                                      const std::vector<SupportSite>& before, const SupportResult& base) {
    const std::vector<int> fac = support_facilities(in, rule);
    const std::vector<SupportSite> now = support_sites(in, fac);
    const size_t nc = in.compounds.size();
    std::optional<Changes> ch = changes(before, now);
    if (!ch || base.outcome.size() != nc || base.nearest.size() != nc) return support_outcomes(engine, p, in, rule);
    // The whole check (an R-tree of every facility now) only where it is needed.
    std::optional<eval::SupportCheck> check;
    auto full = [&]() -> const eval::SupportCheck& {
        if (!check) check.emplace(engine.main(), p, in, rule, fac);
        return *check;
    };
    std::vector<std::pair<eval::BPoint, int>> pts;
    for (auto& pt : ch->places) pts.emplace_back(pt, 0);
    const eval::FacTree changed(pts.begin(), pts.end());
    const eval::SupportCheck boxes(engine.main(), p, in, rule, {});  // compound boxes only

    SupportResult out;
    out.outcome = base.outcome;
    out.nearest.assign(nc, {-1, eval::kInf});
    for (size_t c = 0; c < nc; ++c) {
        SupportOutcome& o = out.outcome[c];
        if (o.state == SupportOutcome::Outside) continue;
        const Compound& cp = in.compounds[c];
        if (o.state != SupportOutcome::UnknownYear && !ch->places.empty() &&  // a year never changes
            changed.qbegin(bgi::intersects(boxes.box(cp))) != changed.qend())
            o = full().decide(cp);
        if (o.state == SupportOutcome::Compliant) continue;
        const SupportOutcome::State was = base.outcome[c].state;
        const int old = base.nearest[c].first;
        if (was == SupportOutcome::Compliant || (old >= 0 && ch->kept[static_cast<size_t>(old)] < 0)) {
            out.nearest[c] = full().nearest(cp.rep);  // no nearest before, or it went
            continue;
        }
        // The nearest before (still there), or a new facility nearer.
        int bf = old < 0 ? -1 : fac[static_cast<size_t>(ch->kept[static_cast<size_t>(old)])];
        double best = base.nearest[c].second;
        for (size_t k : ch->fresh) {
            const double d = eval::straight(now[k].pt, cp.rep);
            if (boxes.closer(d, now[k].id, bf, best)) {
                best = d;
                bf = fac[k];
            }
        }
        out.nearest[c] = {bf, best};
    }
    return out;
}

}  // namespace lc
