#include "reach/reach.hpp"

#include "project/vocabulary.hpp"

#include "network/network.hpp"
#include "common/packed.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>
#include <thread>

namespace lc {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BBox = bg::model::box<BPoint>;

namespace {
const double kInf = std::numeric_limits<double>::infinity();

double secs_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::vector<int> facilities_of(const Inputs& in, const std::string& type) {
    std::vector<int> v;
    for (size_t i = 0; i < in.facilities.size(); ++i)
        if (in.facilities[i].type == type) v.push_back(static_cast<int>(i));
    std::sort(v.begin(), v.end(), [&](int a, int b) { return in.facilities[a].id < in.facilities[b].id; });
    return v;
}

double largest_reach_m(const Project& p, const Inputs& in) {
    double m = p.access.reach_m("");
    for (auto& f : in.facilities) m = std::max(m, p.access.reach_m(f.type));
    return m;
}

std::vector<std::string> analysis_types(const Inputs& in, const Project& p) {
    const std::vector<std::string>& order = canonical_type_ids();
    std::set<std::string> s;
    for (auto& f : in.facilities) s.insert(f.type);
    for (auto& r : p.rules)
        if (r.check == Check::ReachShare || r.check == Check::MinAccess)
            for (auto& t : r.types) s.insert(t);
    std::vector<std::string> out;
    for (auto& t : order)
        if (s.count(t)) out.push_back(t);
    for (auto& t : s)
        if (std::find(order.begin(), order.end(), t) == order.end()) out.push_back(t);
    return out;
}

using FacilityTree = bgi::rtree<std::pair<BPoint, int>, bgi::rstar<16>>;

/// Sites in an R-tree; values are positions in `sites`.
static FacilityTree site_tree(const std::vector<ReachSite>& sites) {
    std::vector<std::pair<BPoint, int>> pts;
    pts.reserve(sites.size());
    for (size_t k = 0; k < sites.size(); ++k) pts.emplace_back(BPoint(sites[k].pt.x, sites[k].pt.y), static_cast<int>(k));
    return FacilityTree(pts.begin(), pts.end());
}

/// The nearest site to `p`: a few nearest candidates, then exact distances; ties go to
/// the smallest id (the smallest position, sites being in id order). Returns the
/// position or -1.
static int nearest_in(const FacilityTree& tree, const XY& p, double& best) {
    best = kInf;
    int bk = -1;
    for (auto it = tree.qbegin(bgi::nearest(BPoint(p.x, p.y), 4)); it != tree.qend(); ++it) {
        double dx = bg::get<0>(it->first) - p.x, dy = bg::get<1>(it->first) - p.y;
        double d = std::sqrt(dx * dx + dy * dy);
        if (d < best || (d == best && it->second < bk)) {
            best = d;
            bk = it->second;
        }
    }
    return bk;
}

std::vector<ReachSite> reach_sites(const Inputs& in, const std::string& type) {
    std::vector<ReachSite> out;
    for (int f : facilities_of(in, type)) out.push_back(ReachSite{in.facilities[f].id, in.facilities[f].pt});
    return out;
}

TypeReach radius_type_reach(const Engine& engine, const std::vector<Compound>& compounds, const std::vector<ReachSite>& sites) {
    TypeReach r;
    r.dist.assign(compounds.size(), kInf);
    r.nearest.assign(compounds.size(), -1);
    if (sites.empty()) return r;
    FacilityTree tree = site_tree(sites);
    engine.parallel_for(compounds.size(), [&](size_t c, int) { r.nearest[c] = nearest_in(tree, compounds[c].rep, r.dist[c]); });
    return r;
}

TypeReach update_radius_reach(const std::vector<Compound>& compounds, const std::vector<ReachSite>& base_sites,
                              const TypeReach& base, const std::vector<ReachSite>& sites) {
    // Which base site each site is (-1: added), and what became of each base site.
    std::vector<int> now(base_sites.size(), -1);  // base position -> position in `sites`, -1: removed
    std::vector<int> added;                        // positions in `sites` (id order)
    {
        size_t b = 0;
        for (size_t k = 0; k < sites.size(); ++k) {
            while (b < base_sites.size() && base_sites[b].id < sites[k].id) ++b;
            if (b < base_sites.size() && base_sites[b] == sites[k]) now[b] = static_cast<int>(k);
            else added.push_back(static_cast<int>(k));
        }
    }
    TypeReach r;
    const size_t nc = compounds.size();
    r.dist.assign(nc, kInf);
    r.nearest.assign(nc, -1);
    std::vector<size_t> again;
    for (size_t c = 0; c < nc; ++c) {
        const int b = base.nearest[c];
        if (b >= 0 && now[static_cast<size_t>(b)] < 0) {
            again.push_back(c);  // its nearest was removed: searched afresh below
            continue;
        }
        double best = b >= 0 ? base.dist[c] : kInf;
        int bk = b >= 0 ? now[static_cast<size_t>(b)] : -1;
        const XY& p = compounds[c].rep;
        for (int k : added) {
            double dx = sites[k].pt.x - p.x, dy = sites[k].pt.y - p.y;
            double d = std::sqrt(dx * dx + dy * dy);
            if (d < best || (d == best && (bk < 0 || k < bk))) {
                best = d;
                bk = k;
            }
        }
        r.dist[c] = best;
        r.nearest[c] = bk;
    }
    if (again.empty() || sites.empty()) return r;
    FacilityTree tree = site_tree(sites);
    for (size_t c : again) r.nearest[c] = nearest_in(tree, compounds[c].rep, r.dist[c]);
    return r;
}

static void radius_reach(const Engine& engine, const Inputs& in, ReachResult& r) {
    for (size_t t = 0; t < r.types.size(); ++t) {
        std::vector<int> fac = facilities_of(in, r.types[t]);
        std::vector<ReachSite> sites;
        for (int f : fac) sites.push_back(ReachSite{in.facilities[f].id, in.facilities[f].pt});
        TypeReach tr = radius_type_reach(engine, in.compounds, sites);
        r.dist[t] = std::move(tr.dist);
        for (size_t c = 0; c < tr.nearest.size(); ++c) r.nearest[t][c] = tr.nearest[c] < 0 ? -1 : fac[static_cast<size_t>(tr.nearest[c])];
    }
}

std::shared_ptr<net::Graph> build_road_graph(const Inputs& in) {
    std::vector<net::RoadLine> lines;
    lines.reserve(in.roads.size());
    for (auto& l : in.roads) lines.push_back(net::RoadLine{l});
    return std::make_shared<net::Graph>(net::Graph::build(lines));
}

static void network_reach(const Engine& engine, const Project& p, const Inputs& in, ReachResult& r, std::shared_ptr<net::Graph> graph) {
    auto t0 = std::chrono::steady_clock::now();
    r.graph = graph ? std::move(graph) : build_road_graph(in);
    auto st = r.graph->stats();
    r.network.nodes = st.nodes;
    r.network.edges = st.edges;
    r.network.components = st.components;
    r.network.largest_component_length_share = st.largest_component_length_share;
    r.network.total_length_m = st.total_length_m;
    r.seconds_graph = secs_since(t0);
    t0 = std::chrono::steady_clock::now();

    std::vector<XY> cpts(in.compounds.size()), fpts(in.facilities.size());
    for (size_t i = 0; i < cpts.size(); ++i) cpts[i] = in.compounds[i].rep;
    for (size_t i = 0; i < fpts.size(); ++i) fpts[i] = in.facilities[i].pt;
    auto csnap = r.graph->snap(cpts, p.access.max_access_m);
    r.facility_snaps = r.graph->snap(fpts, p.access.max_access_m);
    const auto& fsnap = r.facility_snaps;
    for (size_t i = 0; i < csnap.size(); ++i)
        if (!csnap[i].ok) r.unreachable[i] = 1;
    for (size_t i = 0; i < fsnap.size(); ++i)
        if (!fsnap[i].ok) {
            r.facility_unreachable[i] = 1;
            r.network.unsnapped_facilities++;
            r.network.unsnapped_facility_ids.push_back(in.facilities[i].id);
        }
    // Compounds with gates are entered at each gate; the nearest gate counts.
    std::vector<int> owner(csnap.size());
    std::iota(owner.begin(), owner.end(), 0);
    if (!in.gates.empty()) {
        std::map<std::string, int> by_id;
        for (size_t i = 0; i < in.compounds.size(); ++i) by_id[in.compounds[i].id] = static_cast<int>(i);
        std::vector<XY> gpts;
        std::vector<int> gown;
        for (auto& [cid, pt] : in.gates) {
            auto it = by_id.find(cid);
            if (it == by_id.end()) continue;
            gpts.push_back(pt);
            gown.push_back(it->second);
        }
        auto gsnap = r.graph->snap(gpts, p.access.max_access_m);
        std::vector<char> has_gate(csnap.size(), 0);
        for (size_t g = 0; g < gsnap.size(); ++g) has_gate[gown[g]] = 1;
        std::vector<net::Snap> targets;
        std::vector<int> towner;
        for (size_t i = 0; i < csnap.size(); ++i)
            if (!has_gate[i]) { targets.push_back(csnap[i]); towner.push_back(static_cast<int>(i)); }
        for (size_t g = 0; g < gsnap.size(); ++g) { targets.push_back(gsnap[g]); towner.push_back(gown[g]); }
        // One pass over the gates (not gates x compounds: a city has tens of thousands).
        std::vector<char> gate_ok(csnap.size(), 0);
        for (size_t g = 0; g < gsnap.size(); ++g)
            if (gsnap[g].ok) gate_ok[gown[g]] = 1;
        for (size_t i = 0; i < csnap.size(); ++i)
            if (has_gate[i]) r.unreachable[i] = !gate_ok[i];
        csnap = std::move(targets);
        owner = std::move(towner);
    }
    // Listed after the gates: a gated compound is unreachable when no gate can enter
    // the network, whether or not its own point could.
    for (size_t i = 0; i < r.unreachable.size(); ++i)
        if (r.unreachable[i]) {
            r.network.unsnapped_compounds++;
            r.network.unsnapped_compound_ids.push_back(in.compounds[i].id);
        }
    std::vector<std::vector<int>> per_type(r.types.size());
    for (size_t t = 0; t < r.types.size(); ++t) per_type[t] = facilities_of(in, r.types[t]);
    engine.parallel_for(r.types.size(), [&](size_t t, int) {
        const auto& fac = per_type[t];
        if (fac.empty()) return;
        std::vector<net::Snap> src;
        src.reserve(fac.size());
        for (int f : fac) src.push_back(fsnap[f]);
        std::vector<double> d;
        std::vector<int> who;
        r.graph->nearest(src, csnap, d, who);
        for (size_t k = 0; k < csnap.size(); ++k) {
            int c = owner[k];
            int f = who[k] < 0 ? -1 : fac[who[k]];
            double dk = who[k] < 0 ? kInf : d[k];
            int cur = r.nearest[t][c];
            if (dk < r.dist[t][c] ||
                (dk == r.dist[t][c] && f >= 0 && (cur < 0 || in.facilities[f].id < in.facilities[cur].id))) {
                r.dist[t][c] = dk;
                r.nearest[t][c] = f;
            }
        }
    });
    r.seconds_paths = secs_since(t0);
}

ReachResult compute_reach(Engine& engine, const Project& p, const Inputs& in, const std::vector<std::string>& types,
                          std::shared_ptr<net::Graph> graph) {
    ReachResult r;
    r.mode = p.access.mode;
    r.types = types;
    size_t nc = in.compounds.size();
    for (auto& t : types) r.reach_m.push_back(p.access.reach_m(t));
    r.dist.assign(types.size(), std::vector<double>(nc, kInf));
    r.nearest.assign(types.size(), std::vector<int>(nc, -1));
    r.reached.assign(types.size(), std::vector<char>(nc, 0));
    r.unreachable.assign(nc, 0);
    r.facility_unreachable.assign(in.facilities.size(), 0);
    if (p.access.mode == "network") network_reach(engine, p, in, r, std::move(graph));
    else radius_reach(engine, in, r);
    for (size_t t = 0; t < types.size(); ++t)
        for (size_t c = 0; c < nc; ++c) r.reached[t][c] = r.dist[t][c] <= r.reach_m[t];
    return r;
}

std::vector<GeomPtr> service_areas(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r, PackedPolygons* packed) {
    std::vector<GeomPtr> out(in.facilities.size());
    std::map<std::string, double> reach;
    for (size_t t = 0; t < r.types.size(); ++t) reach[r.types[t]] = r.reach_m[t];
    const std::vector<net::Snap>& fsnap = r.facility_snaps;  // network mode
    if (!r.graph) packed = nullptr;  // radius discs stay: the uncovered parts union them
    if (packed) packed->resize(out.size());
    if (r.graph) {  // built once here rather than by the first worker while the others wait
        r.graph->prepare_faces();
        r.graph->prepare_cores(p.access.service_area_buffer_m);
    }
    engine.parallel_for(in.facilities.size(), [&](size_t i, int w) {
        GEOSContextHandle_t h = engine.geos(w);
        const Facility& f = in.facilities[i];
        auto it = reach.find(f.type);
        double rm = it == reach.end() ? p.access.reach_m(f.type) : it->second;
        if (!r.graph) {
            GeomPtr pt = make_point(h, f.pt.x, f.pt.y);
            out[i] = own(h, GEOSBuffer_r(h, pt.get(), rm, 16));
        } else if (fsnap[i].ok) {
            out[i] = r.graph->service_area(h, f.pt, fsnap[i], rm, p.access.service_area_buffer_m);
            if (!out[i]) out[i] = own(h, GEOSGeom_createEmptyPolygon_r(h));
        } else {
            out[i] = own(h, GEOSGeom_createEmptyPolygon_r(h));
        }
        if (packed) packed->set(i, h, std::move(out[i]));
    });
    return out;
}

/// A geometry's envelope as a box.
static BBox envelope(GEOSContextHandle_t h, const GEOSGeometry* g) {
    double x0, y0, x1, y1;
    GEOSGeom_getXMin_r(h, g, &x0);
    GEOSGeom_getYMin_r(h, g, &y0);
    GEOSGeom_getXMax_r(h, g, &x1);
    GEOSGeom_getYMax_r(h, g, &y1);
    return BBox(BPoint(x0, y0), BPoint(x1, y1));
}

static int uncovered_level(const Inputs& in) {
    return in.has_level[kStreet] ? kStreet : in.has_level[kDistrict] ? kDistrict : kCommunity;
}

/// The parts of every unit, or (`only`) of the units marked there; the others are left
/// without geometry.
static std::vector<Uncovered> uncovered_of(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                                           const std::vector<GeomPtr>& areas, PackedPolygons* packed,
                                           const std::vector<char>* only) {
    int level = uncovered_level(in);
    std::vector<Uncovered> out;
    if (!in.has_level[level]) return out;
    const auto& units = in.units[level];
    GEOSContextHandle_t h0 = engine.main();
    // Radius mode: service areas by type, indexed by their envelopes.
    using Tree = bgi::rtree<std::pair<BBox, int>, bgi::rstar<16>>;
    std::vector<Tree> trees(r.types.size());
    for (size_t t = 0; t < r.types.size() && !r.graph; ++t) {
        std::vector<std::pair<BBox, int>> boxes;
        for (size_t i = 0; i < in.facilities.size(); ++i) {
            if (in.facilities[i].type != r.types[t] || !areas[i] || GEOSisEmpty_r(h0, areas[i].get())) continue;
            boxes.emplace_back(envelope(h0, areas[i].get()), static_cast<int>(i));
        }
        trees[t] = Tree(boxes.begin(), boxes.end());
    }
    size_t nt = r.types.size();
    out.resize(units.size() * nt);
    if (packed) packed->resize(out.size());
    // Network mode: the union of a type's service areas is the buffer of the network
    // within reach of any of its facilities — one multi-source search per type, then
    // one polygon per unit from the pieces near it, instead of a union of many
    // intricate polygons.
    // One type at a time: a type's pieces cover most of the network, and holding every
    // type's at once is what a big city runs out of memory on.
    // A type's access legs (facility to network) are made once and indexed by their
    // boxes: scanning every facility for every unit grew with units x facilities, which
    // on a whole country's cities was the stage's largest cost.
    struct TypeNet {
        std::vector<net::Graph::Piece> pieces;  // in edge order
        std::vector<int> fac;  // facility indices, id order
        std::vector<std::vector<XY>> legs;  // per entry of `fac` that walks (else empty)
        Tree leg_boxes;  // (box of the leg, index into fac)
    };
    const TypeNet* cur = nullptr;
    if (r.graph) {
        r.graph->prepare_faces();
        r.graph->prepare_cores(p.access.service_area_buffer_m);
    }
    auto one = [&](size_t k, int w) {
        GEOSContextHandle_t h = engine.geos(w);
        size_t u = k / nt, t = k % nt;
        const Unit& unit = units[u];
        Uncovered& res = out[k];
        res.unit = static_cast<int>(u);
        res.level = level;
        res.type = r.types[t];
        if (only && !(*only)[u]) return;
        const BBox ub = envelope(h, unit.geom.get());
        const double x0 = ub.min_corner().get<0>(), y0 = ub.min_corner().get<1>();
        const double x1 = ub.max_corner().get<0>(), y1 = ub.max_corner().get<1>();
        if (r.graph) {
            const TypeNet& tn = *cur;
            const double b = p.access.service_area_buffer_m;
            std::vector<uint32_t> edges;
            r.graph->edges_in_box(x0 - b, y0 - b, x1 + b, y1 + b, edges);
            std::sort(edges.begin(), edges.end());
            std::vector<net::Graph::Piece> pieces;
            auto at = tn.pieces.begin();
            for (uint32_t e : edges) {
                at = std::lower_bound(at, tn.pieces.end(), e, [](const net::Graph::Piece& x, uint32_t v) { return x.edge < v; });
                for (auto it = at; it != tn.pieces.end() && it->edge == e; ++it) pieces.push_back(*it);
            }
            // the legs that come within the buffer of the unit's box, in id order
            std::vector<int> hit;
            const BBox around(BPoint(x0 - b, y0 - b), BPoint(x1 + b, y1 + b));
            for (auto it = tn.leg_boxes.qbegin(bgi::intersects(around)); it != tn.leg_boxes.qend(); ++it)
                hit.push_back(it->second);
            std::sort(hit.begin(), hit.end());
            std::vector<std::vector<XY>> legs;
            std::vector<XY> pts;
            for (int j : hit) {
                legs.push_back(tn.legs[static_cast<size_t>(j)]);
                pts.push_back(in.facilities[tn.fac[static_cast<size_t>(j)]].pt);
            }
            if (pieces.empty() && legs.empty()) {
                res.geom = clone(h, unit.geom.get());
            } else {
                res.geom = r.graph->uncovered_part(h, unit.geom.get(), std::move(pieces), std::move(legs), pts, b);
                if (!res.geom) res.geom = own(h, GEOSGeom_createEmptyPolygon_r(h));
            }
            GEOSArea_r(h, res.geom.get(), &res.area_m2);
            res.share = unit.area_m2 > 0 ? res.area_m2 / unit.area_m2 : 0;
            if (packed) packed->set(k, h, std::move(res.geom));
            return;
        }
        // Union in id order: the result must not depend on the index's layout, so that a
        // batch scenario and the same scenario run alone give the same geometry.
        std::vector<int> near;
        for (auto it = trees[t].qbegin(bgi::intersects(BBox(BPoint(x0, y0), BPoint(x1, y1)))); it != trees[t].qend(); ++it)
            near.push_back(it->second);
        std::sort(near.begin(), near.end(), [&](int a, int b) { return in.facilities[a].id < in.facilities[b].id; });
        // Radius discs: the unit minus every disc near it, in one exact pass of Clipper
        // (no union of the discs first, which cost GEOS more than the difference).
        // Only the part of a disc over the unit's envelope matters: clipped first, the
        // exact pass has fewer edges to sweep.
        std::vector<GeomPtr> parts;
        std::vector<const GEOSGeometry*> covers;
        for (int f : near) {
            GeomPtr c = own(h, GEOSClipByRect_r(h, areas[f].get(), x0 - 1, y0 - 1, x1 + 1, y1 + 1));
            if (!c || GEOSisEmpty_r(h, c.get())) continue;
            covers.push_back(c.get());
            parts.push_back(std::move(c));
        }
        res.geom = covers.empty() ? clone(h, unit.geom.get()) : net::polygon_minus(h, unit.geom.get(), covers);
        if (!res.geom) res.geom = own(h, GEOSGeom_createEmptyPolygon_r(h));
        GEOSArea_r(h, res.geom.get(), &res.area_m2);
        res.share = unit.area_m2 > 0 ? res.area_m2 / unit.area_m2 : 0;
        if (packed) packed->set(k, h, std::move(res.geom));
    };
    if (r.graph) {
        const std::vector<net::Snap>& fsnap = r.facility_snaps;
        auto type_net = [&](size_t t) {
            TypeNet tn;
            tn.fac = facilities_of(in, r.types[t]);
            std::vector<net::Snap> snaps;
            for (int f : tn.fac) snaps.push_back(fsnap[f]);
            tn.pieces = r.graph->reachable_pieces_multi(snaps, r.reach_m[t]);
            tn.legs.resize(tn.fac.size());
            std::vector<std::pair<BBox, int>> boxes;
            for (size_t j = 0; j < tn.fac.size(); ++j) {
                const net::Snap& sn = snaps[j];
                if (!sn.ok || sn.access > r.reach_m[t]) continue;
                tn.legs[j] = r.graph->access_leg(in.facilities[tn.fac[j]].pt, sn, r.reach_m[t]);
                const XY& a = tn.legs[j][0];
                const XY& c = tn.legs[j][1];
                boxes.emplace_back(BBox(BPoint(std::min(a.x, c.x), std::min(a.y, c.y)), BPoint(std::max(a.x, c.x), std::max(a.y, c.y))),
                                   static_cast<int>(j));
            }
            tn.leg_boxes = Tree(boxes.begin(), boxes.end());
            return tn;
        };
        // The next type's search (one thread) runs beside this type's units rather than
        // alone between them; two types' pieces are held at most. Joined before leaving.
        const int workers = engine.threads();
        TypeNet tn = nt > 0 ? type_net(0) : TypeNet();
        for (size_t t = 0; t < nt; ++t) {
            TypeNet next;
            std::exception_ptr failed;
            std::thread ahead;
            JoinOnExit join{ahead};
            if (t + 1 < nt && workers > 1)
                ahead = std::thread([&, t] {
                    try {
                        next = type_net(t + 1);
                    } catch (...) {
                        failed = std::current_exception();
                    }
                });
            cur = &tn;
            engine.parallel_for(units.size(), [&](size_t u, int w) { one(u * nt + t, w); });
            cur = nullptr;
            if (ahead.joinable()) ahead.join();
            if (failed) std::rethrow_exception(failed);
            tn = t + 1 < nt ? (workers > 1 ? std::move(next) : type_net(t + 1)) : TypeNet();
        }
    } else {
        engine.parallel_for(out.size(), one);
    }
    return out;
}

std::vector<Uncovered> uncovered_areas(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                                      const std::vector<GeomPtr>& areas, PackedPolygons* packed) {
    return uncovered_of(engine, p, in, r, areas, packed, nullptr);
}

std::vector<Uncovered> update_uncovered_areas(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                                              const std::vector<GeomPtr>& areas, const std::vector<Uncovered>& base,
                                              const PackedPolygons* base_packed, const std::vector<XY>& changed,
                                              PackedPolygons* packed, std::vector<char>* again_out) {
    const int level = uncovered_level(in);
    if (!in.has_level[level]) return {};
    const auto& units = in.units[level];
    const size_t nt = r.types.size();
    if (base.size() != units.size() * nt) throw std::logic_error("update_uncovered_areas: base is not of these units and types");
    // A service area lies within reach (+ the network buffer) of its facility, and a
    // walk is never shorter than the straight line. In network mode a unit's part also
    // reads the reachable pieces of every edge whose box meets the unit's (buffered), and
    // a piece at the far end of such an edge can come from a facility within reach of
    // that end: one edge length more. A unit farther than this from every change reads
    // the same inputs, hence has the same part.
    double margin = p.access.service_area_buffer_m + 1;
    double far = 0;
    for (double m : r.reach_m) far = std::max(far, m);
    margin += far;
    if (r.graph) {
        double longest = 0;
        for (uint32_t e = 0; e < r.graph->edge_count(); ++e) longest = std::max(longest, r.graph->edge(e).len);
        margin += longest;
    }
    GEOSContextHandle_t h = engine.main();
    std::vector<char> again(units.size(), 0);
    for (size_t u = 0; u < units.size(); ++u) {
        const BBox box = envelope(h, units[u].geom.get());
        const BPoint& lo = box.min_corner();
        const BPoint& hi = box.max_corner();
        for (const XY& q : changed)
            if (q.x >= lo.get<0>() - margin && q.x <= hi.get<0>() + margin && q.y >= lo.get<1>() - margin &&
                q.y <= hi.get<1>() + margin) {
                again[u] = 1;
                break;
            }
    }
    bool any = std::find(again.begin(), again.end(), 1) != again.end();
    std::vector<Uncovered> out;
    if (any) {
        out = uncovered_of(engine, p, in, r, areas, packed, &again);
    } else {
        out.resize(base.size());
        if (packed) packed->resize(base.size());
    }
    for (size_t k = 0; k < out.size(); ++k) {
        if (again[k / nt]) continue;
        const Uncovered& b = base[k];
        out[k].unit = b.unit;
        out[k].level = b.level;
        out[k].type = b.type;
        out[k].area_m2 = b.area_m2;
        out[k].share = b.share;
        if (base_packed && packed) packed->copy(k, *base_packed, k, h);
        else if (base_packed) out[k].geom = base_packed->geometry(k, h);
        else out[k].geom = borrow(b.geom.get());  // `base` outlives the result
    }
    if (again_out) *again_out = std::move(again);
    return out;
}

}  // namespace lc
