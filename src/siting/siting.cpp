#include "siting/siting.hpp"

#include "common/chinacrs.hpp"
#include "common/errors.hpp"
#include "network/network.hpp"
#include "units/units.hpp"

// Boost 1.74's geometry pulls in a header that Boost itself marks deprecated.
#ifndef BOOST_ALLOW_DEPRECATED_HEADERS
#define BOOST_ALLOW_DEPRECATED_HEADERS
#endif
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>


#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <queue>
#include <set>

namespace lc {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BBox = bg::model::box<BPoint>;
using PointTree = bgi::rtree<std::pair<BPoint, uint32_t>, bgi::rstar<16>>;

constexpr double kInf = std::numeric_limits<double>::infinity();

double secs_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

// ---------------------------------------------------------------------------------
// Catchments

struct CatchmentIndex::Impl {
    const Engine* engine = nullptr;
    const Inputs* in = nullptr;
    bool network = false;
    // radius mode
    PointTree tree;
    // network mode
    std::shared_ptr<net::Graph> graph;
    double max_access_m = 500;
    struct Arc {
        uint32_t to, edge;
        double w;
    };
    std::vector<uint32_t> node_off;  // CSR adjacency, like the graph's own (which is private)
    std::vector<Arc> arcs;
    std::vector<net::Snap> targets;  // compound points, or their gates
    std::vector<uint32_t> owner;     // target -> compound
    std::vector<uint32_t> edge_off;  // targets grouped by edge
    std::vector<uint32_t> edge_targets;

    /// Per worker: distances over nodes, targets and compounds, reset through the
    /// touched lists so that one search costs what it reaches, not the whole graph.
    struct Scratch {
        std::vector<double> node_d, target_d, compound_d;
        std::vector<uint32_t> nodes, compounds;
        std::vector<std::pair<double, uint32_t>> heap;
    };
    mutable std::vector<std::unique_ptr<Scratch>> scratch;

    void radius_row(const XY& s, double budget, std::vector<std::pair<uint32_t, double>>& row) const;
    void network_row(const net::Snap& s, double budget, Scratch& sc, std::vector<std::pair<uint32_t, double>>& row) const;
};

CatchmentIndex::CatchmentIndex(const Engine& engine, const Project& p, const Inputs& in, const ReachResult& r)
    : impl_(std::make_unique<Impl>()) {
    Impl& m = *impl_;
    m.engine = &engine;
    m.in = &in;
    m.network = p.access.mode == "network";
    if (!m.network) {
        std::vector<std::pair<BPoint, uint32_t>> pts;
        pts.reserve(in.compounds.size());
        for (size_t i = 0; i < in.compounds.size(); ++i)
            pts.emplace_back(BPoint(in.compounds[i].rep.x, in.compounds[i].rep.y), static_cast<uint32_t>(i));
        m.tree = PointTree(pts.begin(), pts.end());
        return;
    }
    if (!r.graph) throw std::logic_error("CatchmentIndex: network mode needs the graph of compute_reach");
    m.graph = r.graph;
    m.max_access_m = p.access.max_access_m;
    const net::Graph& g = *m.graph;
    const size_t nn = g.node_count(), ne = g.edge_count();
    m.node_off.assign(nn + 1, 0);
    for (uint32_t e = 0; e < ne; ++e) {
        ++m.node_off[g.edge(e).a + 1];
        ++m.node_off[g.edge(e).b + 1];
    }
    for (size_t i = 0; i < nn; ++i) m.node_off[i + 1] += m.node_off[i];
    m.arcs.resize(m.node_off[nn]);
    std::vector<uint32_t> fill(m.node_off.begin(), m.node_off.end() - 1);
    for (uint32_t e = 0; e < ne; ++e) {
        const net::Edge& ed = g.edge(e);
        m.arcs[fill[ed.a]++] = Impl::Arc{ed.b, e, ed.len};
        m.arcs[fill[ed.b]++] = Impl::Arc{ed.a, e, ed.len};
    }

    // Targets as network_reach in reach.cpp makes them: a compound with gates is
    // entered only at its gates (the nearest counts), any other at its own point.
    std::vector<XY> pts;
    std::vector<char> gated(in.compounds.size(), 0);
    if (!in.gates.empty()) {
        std::map<std::string, uint32_t> by_id;
        for (size_t i = 0; i < in.compounds.size(); ++i) by_id[in.compounds[i].id] = static_cast<uint32_t>(i);
        for (auto& [cid, pt] : in.gates) {
            auto it = by_id.find(cid);
            if (it == by_id.end()) continue;
            gated[it->second] = 1;
            pts.push_back(pt);
            m.owner.push_back(it->second);
        }
    }
    for (size_t i = 0; i < in.compounds.size(); ++i)
        if (!gated[i]) {
            pts.push_back(in.compounds[i].rep);
            m.owner.push_back(static_cast<uint32_t>(i));
        }
    m.targets = g.snap(pts, m.max_access_m);
    m.edge_off.assign(ne + 1, 0);
    for (auto& s : m.targets)
        if (s.ok) ++m.edge_off[s.edge + 1];
    for (size_t e = 0; e < ne; ++e) m.edge_off[e + 1] += m.edge_off[e];
    m.edge_targets.resize(m.edge_off[ne]);
    std::vector<uint32_t> efill(m.edge_off.begin(), m.edge_off.end() - 1);
    for (uint32_t k = 0; k < m.targets.size(); ++k)
        if (m.targets[k].ok) m.edge_targets[efill[m.targets[k].edge]++] = k;
}

CatchmentIndex::~CatchmentIndex() = default;

bool CatchmentIndex::network() const { return impl_->network; }

void CatchmentIndex::Impl::radius_row(const XY& s, double budget, std::vector<std::pair<uint32_t, double>>& row) const {
    BBox q(BPoint(s.x - budget, s.y - budget), BPoint(s.x + budget, s.y + budget));
    for (auto it = tree.qbegin(bgi::intersects(q)); it != tree.qend(); ++it) {
        // the same expression as radius_reach, so that dist <= reach agrees to the bit
        double dx = s.x - bg::get<0>(it->first), dy = s.y - bg::get<1>(it->first);
        double d = std::sqrt(dx * dx + dy * dy);
        if (d <= budget) row.emplace_back(it->second, d);
    }
}

void CatchmentIndex::Impl::network_row(const net::Snap& s, double budget, Scratch& sc,
                                       std::vector<std::pair<uint32_t, double>>& row) const {
    if (!s.ok || !(budget >= s.access)) return;
    const net::Graph& g = *graph;
    auto& d = sc.node_d;
    auto& heap = sc.heap;
    auto cmp = [](const std::pair<double, uint32_t>& a, const std::pair<double, uint32_t>& b) { return a.first > b.first; };
    auto relax = [&](uint32_t node, double nd) {
        if (nd <= budget && nd < d[node]) {
            if (d[node] == kInf) sc.nodes.push_back(node);
            d[node] = nd;
            heap.emplace_back(nd, node);
            std::push_heap(heap.begin(), heap.end(), cmp);
        }
    };
    // Sums in the order of Graph::nearest (access, then along the walk), so that the
    // distances equal compute_reach's bit for bit.
    const net::Edge& se = g.edge(s.edge);
    relax(se.a, s.access + s.t);
    relax(se.b, s.access + (se.len - s.t));
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), cmp);
        auto [du, u] = heap.back();
        heap.pop_back();
        if (du != d[u]) continue;
        for (uint32_t k = node_off[u]; k < node_off[u + 1]; ++k) relax(arcs[k].to, du + arcs[k].w);
    }

    auto offer = [&](uint32_t k, double dk) {
        if (dk > budget) return;
        uint32_t c = owner[k];
        if (sc.compound_d[c] == kInf) sc.compounds.push_back(c);
        if (dk < sc.compound_d[c]) sc.compound_d[c] = dk;
    };
    for (uint32_t u : sc.nodes) {
        for (uint32_t a = node_off[u]; a < node_off[u + 1]; ++a) {
            const uint32_t e = arcs[a].edge;
            const net::Edge& ed = g.edge(e);
            for (uint32_t i = edge_off[e]; i < edge_off[e + 1]; ++i) {
                const uint32_t k = edge_targets[i];
                const net::Snap& tg = targets[k];
                offer(k, u == ed.a ? d[u] + tg.t + tg.access : d[u] + (ed.len - tg.t) + tg.access);
            }
        }
    }
    for (uint32_t i = edge_off[s.edge]; i < edge_off[s.edge + 1]; ++i) {
        const uint32_t k = edge_targets[i];
        const net::Snap& tg = targets[k];
        offer(k, s.access + std::abs(s.t - tg.t) + tg.access);
    }
    for (uint32_t c : sc.compounds) {
        row.emplace_back(c, sc.compound_d[c]);
        sc.compound_d[c] = kInf;
    }
    for (uint32_t u : sc.nodes) d[u] = kInf;
    sc.nodes.clear();
    sc.compounds.clear();
    heap.clear();
}

Catchments CatchmentIndex::compute(const std::vector<XY>& sources, const std::vector<double>& budget) const {
    const Impl& m = *impl_;
    if (budget.size() != 1 && budget.size() != sources.size())
        throw std::invalid_argument("CatchmentIndex::compute: one budget, or one per source");
    auto budget_of = [&](size_t i) { return budget.size() == 1 ? budget[0] : budget[i]; };
    Catchments out;
    out.unsnapped.assign(sources.size(), 0);
    std::vector<std::vector<std::pair<uint32_t, double>>> rows(sources.size());
    std::vector<net::Snap> snaps;
    if (m.network) {
        snaps = m.graph->snap(sources, m.max_access_m);
        for (size_t i = 0; i < snaps.size(); ++i) out.unsnapped[i] = !snaps[i].ok;
        m.scratch.resize(std::max<size_t>(m.scratch.size(), static_cast<size_t>(m.engine->threads())));
    }
    m.engine->parallel_for(sources.size(), [&](size_t i, int w) {
        auto& row = rows[i];
        if (!m.network) {
            m.radius_row(sources[i], budget_of(i), row);
        } else {
            auto& sc = m.scratch[static_cast<size_t>(w)];
            if (!sc) {
                sc = std::make_unique<Impl::Scratch>();
                sc->node_d.assign(m.graph->node_count(), kInf);
                sc->compound_d.assign(m.in->compounds.size(), kInf);
            }
            m.network_row(snaps[i], budget_of(i), *sc, row);
        }
        std::sort(row.begin(), row.end());
    });
    size_t total = 0;
    for (auto& r : rows) total += r.size();
    out.compound.reserve(total);
    out.dist.reserve(total);
    out.off.reserve(sources.size() + 1);
    for (auto& r : rows) {
        for (auto& [c, d] : r) {
            out.compound.push_back(c);
            out.dist.push_back(d);
        }
        out.off.push_back(out.compound.size());
    }
    return out;
}

// ---------------------------------------------------------------------------------
// Maximal covering

namespace {

double row_gain(const CoverProblem& pb, size_t j, const std::vector<char>& covered) {
    double g = 0;
    for (size_t k = pb.off[j]; k < pb.off[j + 1]; ++k)
        if (!covered[pb.elems[k]]) g += pb.weight[pb.elems[k]];
    return g;
}

}  // namespace

GreedyResult greedy_max_cover(const Engine& engine, const CoverProblem& pb, size_t max_k, double stop_at) {
    GreedyResult res;
    const size_t n = pb.candidates();
    std::vector<char> covered(pb.weight.size(), 0);
    std::vector<double> first(n);
    engine.parallel_for(n, [&](size_t j, int) { first[j] = row_gain(pb, j, covered); });
    res.evaluations = n;

    // Heap entries: (gain bound, candidate, round it was computed in). Higher gain
    // first, then the lower index, so that a fresh top is exactly the plain greedy's
    // choice: an equal stale bound further down belongs to a higher index.
    struct Item {
        double gain;
        size_t cand;
        size_t round;
    };
    auto worse = [](const Item& a, const Item& b) { return a.gain < b.gain || (a.gain == b.gain && a.cand > b.cand); };
    std::priority_queue<Item, std::vector<Item>, decltype(worse)> heap(worse);
    for (size_t j = 0; j < n; ++j)
        if (first[j] > 0) heap.push(Item{first[j], j, 0});

    while (res.steps.size() < max_k && res.covered < stop_at && !heap.empty()) {
        const size_t round = res.steps.size();
        Item top = heap.top();
        heap.pop();
        if (top.round != round) {
            top.gain = row_gain(pb, top.cand, covered);
            top.round = round;
            ++res.evaluations;
            if (top.gain > 0) heap.push(top);
            continue;
        }
        for (size_t k = pb.off[top.cand]; k < pb.off[top.cand + 1]; ++k) covered[pb.elems[k]] = 1;
        res.steps.push_back(GreedyStep{top.cand, top.gain});
        res.covered += top.gain;
    }
    return res;
}

double cover_weight(const CoverProblem& pb, const std::vector<size_t>& picks) {
    std::vector<char> covered(pb.weight.size(), 0);
    double w = 0;
    for (size_t j : picks)
        for (size_t k = pb.off[j]; k < pb.off[j + 1]; ++k)
            if (!covered[pb.elems[k]]) {
                covered[pb.elems[k]] = 1;
                w += pb.weight[pb.elems[k]];
            }
    return w;
}

// ---------------------------------------------------------------------------------
// Candidates

std::vector<Candidate> default_candidates(Engine& engine, const Project& p, const Inputs& in, const std::string& type) {
    std::vector<Candidate> out;
    for (auto& u : in.units[kCommunity]) out.push_back(Candidate{"community:" + u.id, "community", u.name, u.rep});

    std::vector<std::pair<BPoint, uint32_t>> fpts;
    for (size_t i = 0; i < in.facilities.size(); ++i)
        if (in.facilities[i].type == type)
            fpts.emplace_back(BPoint(in.facilities[i].pt.x, in.facilities[i].pt.y), static_cast<uint32_t>(i));
    PointTree tree(fpts.begin(), fpts.end());
    GEOSContextHandle_t h = engine.main();
    const double ps = p.access.point_support_m;
    for (auto& c : in.compounds) {
        bool has = false;
        if (c.is_point || !c.geom) {
            BBox q(BPoint(c.rep.x - ps, c.rep.y - ps), BPoint(c.rep.x + ps, c.rep.y + ps));
            for (auto it = tree.qbegin(bgi::intersects(q)); it != tree.qend() && !has; ++it) {
                double dx = bg::get<0>(it->first) - c.rep.x, dy = bg::get<1>(it->first) - c.rep.y;
                has = std::sqrt(dx * dx + dy * dy) <= ps;
            }
        } else {
            double x0, y0, x1, y1;
            GEOSGeom_getXMin_r(h, c.geom.get(), &x0);
            GEOSGeom_getYMin_r(h, c.geom.get(), &y0);
            GEOSGeom_getXMax_r(h, c.geom.get(), &x1);
            GEOSGeom_getYMax_r(h, c.geom.get(), &y1);
            PreparedPtr prep;
            for (auto it = tree.qbegin(bgi::intersects(BBox(BPoint(x0, y0), BPoint(x1, y1)))); it != tree.qend() && !has; ++it) {
                if (!prep) prep = PreparedPtr(GEOSPrepare_r(h, c.geom.get()), PreparedDeleter{h});
                GeomPtr pt = make_point(h, bg::get<0>(it->first), bg::get<1>(it->first));
                has = GEOSPreparedCovers_r(h, prep.get(), pt.get()) == 1;
            }
        }
        if (!has) out.push_back(Candidate{"compound:" + c.id, "compound", c.name, c.rep});
    }
    return out;
}

std::vector<Candidate> read_candidates(Engine& engine, const CandidateLayer& spec, const Inputs& in, std::vector<std::string>& skipped) {
    // Ingest's own reader: the same path checks, encodings and CRS handling (GCJ-02 and
    // BD-09 included) as the project's layers.
    LayerSpec s;
    s.present = true;
    s.key = "candidates";
    s.path = spec.path;
    s.layer = spec.layer;
    s.crs = spec.crs;
    if (!spec.id_field.empty()) s.fields["id"] = spec.id_field;
    if (!spec.name_field.empty()) s.fields["name"] = spec.name_field;
    auto records = read_point_records(engine, s, "--candidates", {"id", "ID", "Id", "fid", "FID", "code", "编号", "名称", "name"},
                                      {"name", "NAME", "名称", "地块名称", "建筑名称"}, in, skipped);
    std::vector<Candidate> out;
    std::set<std::string> seen;
    for (auto& r : records) {
        std::string id = r.id.empty() ? "#" + std::to_string(r.index) : r.id;
        if (!seen.insert(id).second) id += "#" + std::to_string(r.index);  // keep both: ids label rows, they do not join
        if (!r.pt) {
            skipped.push_back(id + ": " + r.problem);
            continue;
        }
        out.push_back(Candidate{id, "layer", r.name, *r.pt});
    }
    return out;
}

// ---------------------------------------------------------------------------------
// Siting

std::optional<double> compound_weight(const Compound& c, const std::string& weight) {
    if (weight == "compounds") return 1.0;
    if (weight == "households") return c.households;
    if (weight == "population") return c.population;
    if (weight == "elderly") return c.elderly;
    throw ConfigError("--weight: expected compounds, households, population or elderly, got \"" + weight + "\"");
}

SitingResult plan_sites(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r, const std::vector<Candidate>& cands,
                        const SitingOptions& opt) {
    SitingResult s;
    s.type = opt.type;
    s.weight = opt.weight;
    s.mode = p.access.mode;
    s.reach_m = p.access.reach_m(opt.type);
    s.target_share = opt.target_share;
    s.candidates = cands.size();
    const size_t nc = in.compounds.size();

    // Compounds already reached by existing facilities of the covering types.
    std::vector<std::string> covering = opt.covered_by.empty() ? std::vector<std::string>{opt.type} : opt.covered_by;
    std::vector<char> reached(nc, 0);
    for (auto& t : covering) {
        auto it = std::find(r.types.begin(), r.types.end(), t);
        if (it == r.types.end()) {
            for (auto& f : in.facilities)
                if (f.type == t) throw std::logic_error("plan_sites: the reach of \"" + t + "\" was not computed");
            continue;  // no facility of that type: it reaches nobody
        }
        const auto& rt = r.reached[static_cast<size_t>(it - r.types.begin())];
        for (size_t c = 0; c < nc; ++c) reached[c] |= rt[c];
    }

    std::vector<int> elem_of(nc, -1);
    CoverProblem pb;
    for (size_t c = 0; c < nc; ++c) {
        auto w = compound_weight(in.compounds[c], opt.weight);
        if (!w) {
            ++s.unknown_weight;
            continue;
        }
        s.total_weight += *w;
        if (reached[c]) s.base_weight += *w;
        else if (*w > 0) {
            elem_of[c] = static_cast<int>(pb.weight.size());
            pb.weight.push_back(*w);
        }
    }
    if (!(s.total_weight > 0))
        throw ConfigError("--weight " + opt.weight + ": no compound has a known " + opt.weight +
                          " figure (map the field in /layers/compounds, or choose --weight compounds)");
    s.base_share = s.base_weight / s.total_weight;

    auto t0 = std::chrono::steady_clock::now();
    CatchmentIndex index(engine, p, in, r);
    std::vector<XY> pts(cands.size());
    for (size_t j = 0; j < cands.size(); ++j) pts[j] = cands[j].pt;
    Catchments cat = index.compute(pts, {s.reach_m});
    s.seconds_catchments = secs_since(t0);
    for (char u : cat.unsnapped) s.candidates_unsnapped += u != 0;

    for (size_t j = 0; j < cat.size(); ++j) {
        for (size_t k = cat.off[j]; k < cat.off[j + 1]; ++k)
            if (int e = elem_of[cat.compound[k]]; e >= 0) pb.elems.push_back(static_cast<uint32_t>(e));
        pb.off.push_back(pb.elems.size());
        s.candidates_useful += pb.off[j + 1] > pb.off[j];
    }
    {
        std::vector<size_t> all(pb.candidates());
        std::iota(all.begin(), all.end(), 0);
        s.max_share = (s.base_weight + cover_weight(pb, all)) / s.total_weight;
    }

    t0 = std::chrono::steady_clock::now();
    size_t max_k = opt.count > 0 ? opt.count : cands.size();
    double stop_at = kInf;
    if (opt.target_share) {
        // A hair of slack so that rounding in the running sum cannot ask for one more site.
        stop_at = *opt.target_share * s.total_weight - s.base_weight - 1e-9 * s.total_weight;
    }
    GreedyResult g;
    if (stop_at > 0) g = greedy_max_cover(engine, pb, max_k, stop_at);
    s.seconds_greedy = secs_since(t0);
    s.evaluations = g.evaluations;

    std::array<std::unique_ptr<UnitLocator>, kLevels> loc;
    for (int l = 0; l < kLevels; ++l)
        if (in.has_level[l]) loc[l] = std::make_unique<UnitLocator>(engine.main(), in.units[l]);
    std::set<std::string> ids;
    for (auto& f : in.facilities) ids.insert(f.id);
    const size_t width = std::max<size_t>(2, std::to_string(g.steps.size()).size());
    std::vector<char> now(reached);
    double cum = 0;
    for (size_t i = 0; i < g.steps.size(); ++i) {
        ProposedSite ps;
        ps.rank = static_cast<int>(i) + 1;
        std::string num = std::to_string(ps.rank);
        ps.site_id = "SITE-" + std::string(width - std::min(width, num.size()), '0') + num;
        while (ids.count(ps.site_id)) ps.site_id = "NEW-" + ps.site_id;  // never clash with an existing facility
        ps.candidate = g.steps[i].candidate;
        ps.gain = g.steps[i].gain;
        cum += ps.gain;
        ps.cumulative_gain = cum;
        ps.cumulative_share = (s.base_weight + cum) / s.total_weight;
        for (size_t k = cat.off[ps.candidate]; k < cat.off[ps.candidate + 1]; ++k) {
            uint32_t c = cat.compound[k];
            if (!now[c]) {
                now[c] = 1;
                ps.new_compounds.push_back(c);
            }
        }
        for (int l = 0; l < kLevels; ++l)
            if (loc[l]) ps.unit[l] = loc[l]->locate(cands[ps.candidate].pt);
        s.sites.push_back(std::move(ps));
    }

    const double share = (s.base_weight + cum) / s.total_weight;
    char buf[256];
    if (opt.target_share) {
        s.target_met = share >= *opt.target_share - 1e-9;
        if (s.target_met && s.sites.empty()) {
            std::snprintf(buf, sizeof buf, "the existing facilities already reach %.4f of the %s, at or above the target %.4f",
                          s.base_share, opt.weight.c_str(), *opt.target_share);
            s.note = buf;
        } else if (!s.target_met && s.max_share < *opt.target_share - 1e-9) {
            std::snprintf(buf, sizeof buf,
                          "the candidates cannot reach the target %.4f: with every candidate built the share would be %.4f",
                          *opt.target_share, s.max_share);
            s.note = buf;
        } else if (!s.target_met) {
            std::snprintf(buf, sizeof buf, "--count %zu sites lift the share to %.4f, short of the target %.4f", opt.count, share,
                          *opt.target_share);
            s.note = buf;
        }
    } else if (s.sites.size() < max_k) {
        std::snprintf(buf, sizeof buf, "only %zu site(s) add reach: every other candidate reaches no compound that is not already reached",
                      s.sites.size());
        s.note = buf;
    }
    return s;
}

Table proposed_sites_table(Engine& engine, const Inputs& in, const std::vector<Candidate>& cands, const SitingResult& s) {
    Table t;
    t.name = "proposed_sites";
    for (auto& [n, ty] : std::vector<std::pair<const char*, FieldType>>{
             {"rank", FieldType::Integer}, {"site_id", FieldType::String}, {"type", FieldType::String},
             {"candidate_id", FieldType::String}, {"candidate_source", FieldType::String}, {"candidate_name", FieldType::String},
             {"weight", FieldType::String}, {"marginal_gain", FieldType::Real}, {"cumulative_gain", FieldType::Real},
             {"cumulative_share", FieldType::Real}, {"new_compounds", FieldType::Integer}, {"new_compound_ids", FieldType::String},
             {"district_id", FieldType::String}, {"street_id", FieldType::String}, {"community_id", FieldType::String}})
        t.add_field(n, ty);
    GEOSContextHandle_t h = engine.main();
    for (auto& ps : s.sites) {
        const Candidate& c = cands[ps.candidate];
        std::string ids;
        for (uint32_t k : ps.new_compounds) ids += (ids.empty() ? "" : ",") + in.compounds[k].id;
        std::vector<Value> row{static_cast<long long>(ps.rank), ps.site_id, s.type, c.id, c.source, c.name, s.weight, ps.gain,
                               ps.cumulative_gain, ps.cumulative_share, static_cast<long long>(ps.new_compounds.size()), ids};
        for (int l = 0; l < kLevels; ++l) row.push_back(ps.unit[l] == kNone ? Value() : Value(in.units[l][ps.unit[l]].id));
        t.rows.push_back(std::move(row));
        t.owned.push_back(make_point(h, c.pt.x, c.pt.y));
        t.geoms.push_back(t.owned.back().get());
    }
    return t;
}

json siting_patch(const Project& p, const Inputs& in, const std::vector<Candidate>& cands, const SitingResult& s) {
    const LayerSpec& fl = *p.layer("facilities");
    // The type as the layer spells it, so that the patch reads like the layer's own
    // records: the label most used by existing facilities of the type, else a
    // type_map key, else the canonical name (always accepted).
    std::string label = s.type;
    {
        std::map<std::string, int> seen;
        for (auto& f : in.facilities)
            if (f.type == s.type && !f.added && !f.type_raw.empty()) seen[f.type_raw]++;
        int best = 0;
        for (auto& [raw, n] : seen)
            if (n > best && canonical_type(fl, raw, &p.custom_types) == s.type) {
                best = n;
                label = raw;
            }
        if (best == 0)
            for (auto& [raw, canon] : fl.type_map)
                if (canon == s.type) {
                    label = raw;
                    break;
                }
    }

    // Working CRS -> WGS 84 -> the layer's CRS (through the web datum offset if declared).
    auto to_wgs = chinacrs::make_transform(in.working_crs, "EPSG:4326");
    chinacrs::WebDatum datum = fl.crs.empty() ? chinacrs::WebDatum::None : chinacrs::web_datum(fl.crs);
    auto shift = chinacrs::web_datum_shift(datum, false);
    chinacrs::TransformPtr to_layer(nullptr, [](OGRCoordinateTransformation*) {});
    if (!fl.crs.empty() && datum == chinacrs::WebDatum::None) {
        OGRSpatialReference wgs = chinacrs::wgs84(), ls = chinacrs::make_srs(fl.crs, "/layers/facilities/crs");
        if (!ls.IsSame(&wgs)) to_layer = chinacrs::make_transform(wgs, ls);
    }

    json features = json::array();
    for (auto& ps : s.sites) {
        const Candidate& c = cands[ps.candidate];
        double x = c.pt.x, y = c.pt.y;
        if (!to_wgs || !to_wgs->Transform(1, &x, &y)) throw OutputError("cannot transform site " + ps.site_id + " to EPSG:4326");
        if (shift) {
            shift->Transform(1, &x, &y);
        } else if (to_layer && !to_layer->Transform(1, &x, &y)) {
            throw OutputError("cannot transform site " + ps.site_id + " to " + fl.crs);
        }
        // Full precision, not the 7 decimals of output layers: the patch is an input, and
        // rounding would move a site by up to a centimetre, enough to flip a compound
        // lying exactly at the reach distance.
        json props = json::object();
        if (!fl.field("id").empty() && fl.field("id") != "@index") props[fl.field("id")] = ps.site_id;
        if (!fl.field("name").empty()) props[fl.field("name")] = "拟建 " + ps.site_id + (c.name.empty() ? "" : " (" + c.name + ")");
        props[fl.field("type")] = label;
        props["site_rank"] = ps.rank;
        props["site_candidate"] = c.id;
        props["site_marginal_gain"] = ps.gain;
        json f = {{"type", "Feature"},
                  {"properties", props},
                  {"geometry", {{"type", "Point"}, {"coordinates", {x, y}}}}};
        features.push_back(f);
    }
    json patch = json::object();
    patch["add_facilities"] = {{"type", "FeatureCollection"}, {"features", features}};
    return patch;
}

}  // namespace lc
