#include "units/units.hpp"
#include "common/chinacrs.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <ogr_spatialref.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace lc {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BBox = bg::model::box<BPoint>;

struct UnitLocator::Impl {
    GEOSContextHandle_t h;
    const std::vector<Unit>* units;
    std::vector<PreparedPtr> prepared;
    bgi::rtree<std::pair<BBox, int>, bgi::quadratic<16>> tree;
};

UnitLocator::UnitLocator(GEOSContextHandle_t h, const std::vector<Unit>& units) : impl_(std::make_unique<Impl>()) {
    impl_->h = h;
    impl_->units = &units;
    std::vector<std::pair<BBox, int>> boxes;
    for (size_t i = 0; i < units.size(); ++i) {
        double x0, y0, x1, y1;
        GEOSGeom_getXMin_r(h, units[i].geom.get(), &x0);
        GEOSGeom_getYMin_r(h, units[i].geom.get(), &y0);
        GEOSGeom_getXMax_r(h, units[i].geom.get(), &x1);
        GEOSGeom_getYMax_r(h, units[i].geom.get(), &y1);
        boxes.emplace_back(BBox(BPoint(x0, y0), BPoint(x1, y1)), static_cast<int>(i));
        impl_->prepared.emplace_back(GEOSPrepare_r(h, units[i].geom.get()), PreparedDeleter{h});
    }
    impl_->tree = decltype(impl_->tree)(boxes.begin(), boxes.end());
}
UnitLocator::~UnitLocator() = default;
UnitLocator::UnitLocator(UnitLocator&&) noexcept = default;

int UnitLocator::locate(const XY& p) const {
    GEOSContextHandle_t h = impl_->h;
    int best = kNone;
    GeomPtr pt;
    for (auto it = impl_->tree.qbegin(bgi::intersects(BPoint(p.x, p.y))); it != impl_->tree.qend(); ++it) {
        int i = it->second;
        if (!pt) pt = make_point(h, p.x, p.y);
        // covers, not contains: a point on the border belongs to both units
        if (GEOSPreparedCovers_r(h, impl_->prepared[i].get(), pt.get()) == 1) {
            if (best == kNone || (*impl_->units)[i].id < (*impl_->units)[best].id) best = i;
        }
    }
    return best;
}

double UnitLocator::distance(const XY& p, double search_m) const {
    GEOSContextHandle_t h = impl_->h;
    double best = std::numeric_limits<double>::infinity();
    BBox q(BPoint(p.x - search_m, p.y - search_m), BPoint(p.x + search_m, p.y + search_m));
    GeomPtr pt = make_point(h, p.x, p.y);
    for (auto it = impl_->tree.qbegin(bgi::intersects(q)); it != impl_->tree.qend(); ++it) {
        double d = 0;
        if (GEOSPreparedDistance_r(h, impl_->prepared[it->second].get(), pt.get(), &d) == 1) best = std::min(best, d);
    }
    return best;
}

namespace {

/// Hands a point that lies in no unit back in lon/lat order swapped, to tell whether
/// latitude and longitude were given the wrong way round (a classic of spreadsheets).
class SwapCheck {
public:
    explicit SwapCheck(const std::string& working_crs)
        : to_wgs_(chinacrs::make_transform(working_crs, "EPSG:4326")),
          to_work_(chinacrs::make_transform("EPSG:4326", working_crs)) {}
    /// The point with its lon/lat swapped, in the working CRS, if that is a valid lon/lat.
    std::optional<XY> swapped(const XY& p) const {
        if (!to_wgs_ || !to_work_) return std::nullopt;
        double x = p.x, y = p.y;
        if (!to_wgs_->Transform(1, &x, &y)) return std::nullopt;
        std::swap(x, y);
        if (!(std::abs(y) <= 90 && std::abs(x) <= 180)) return std::nullopt;
        if (!to_work_->Transform(1, &x, &y) || !std::isfinite(x) || !std::isfinite(y)) return std::nullopt;
        return XY{x, y};
    }

private:
    chinacrs::TransformPtr to_wgs_, to_work_;
};

}  // namespace

namespace {

using Locators = std::vector<std::unique_ptr<UnitLocator>>;

Locators make_locators(GEOSContextHandle_t h, const Inputs& in) {
    Locators loc(kLevels);
    for (int l = 0; l < kLevels; ++l)
        if (in.has_level[l]) loc[l] = std::make_unique<UnitLocator>(h, in.units[l]);
    return loc;
}

/// The finest level that holds the point decides; the coarser levels follow its
/// parents so that the levels always agree with each other.
void place(const Inputs& in, const Locators& loc, const XY& p, std::array<int, kLevels>& unit) {
    for (int l = kLevels - 1; l >= 0; --l) {
        if (!in.has_level[l]) continue;
        int cur = loc[l]->locate(p);
        if (cur == kNone) continue;
        unit[l] = cur;
        int curl = l;
        for (int up = l - 1; up >= 0 && cur != kNone; --up) {
            if (!in.has_level[up]) continue;
            cur = in.units[curl][cur].parent;
            unit[up] = cur;
            curl = up;
        }
        return;
    }
}

/// "…; its latitude and longitude look swapped" when the swapped point lies in a unit.
std::string swap_hint(const Inputs& in, const Locators& loc, const SwapCheck& swap, const XY& p) {
    int top = kLevels - 1;
    while (top >= 0 && !in.has_level[top]) --top;
    if (top < 0) return {};
    auto q = swap.swapped(p);
    if (!q) return {};
    for (int l = 0; l < kLevels; ++l)
        if (in.has_level[l]) {
            int u = loc[l]->locate(*q);
            if (u != kNone)
                return "; its latitude and longitude look swapped (swapped, it would lie in " + std::string(level_name(l)) +
                       " " + in.units[l][u].id + ")";
        }
    return {};
}

bool any_units(const Inputs& in) { return in.has_level[0] || in.has_level[1] || in.has_level[2]; }

std::string facility_key(const Facility& f) {
    char b[64];
    auto r = std::to_chars(b, b + sizeof b, f.pt.x);
    *r.ptr++ = ',';
    r = std::to_chars(r.ptr, b + sizeof b, f.pt.y);
    return f.id + "@" + std::string(b, r.ptr);
}

/// Parents of units, compounds and gates: everything that does not depend on the
/// facilities or on the reach.
void place_fixed(GEOSContextHandle_t h, Inputs& in, const Locators& loc) {
    // Parents: by the `parent` field where given, else by containment one level up.
    for (int l = 1; l < kLevels; ++l) {
        int up = l - 1;
        while (up >= 0 && !in.has_level[up]) --up;
        if (up < 0 || !in.has_level[l]) continue;
        std::unordered_map<std::string, int> by_id;
        for (size_t i = 0; i < in.units[up].size(); ++i) by_id[in.units[up][i].id] = static_cast<int>(i);
        for (auto& u : in.units[l]) {
            if (!u.parent_id.empty()) {
                auto it = by_id.find(u.parent_id);
                if (it != by_id.end()) {
                    u.parent = it->second;
                    continue;
                }
                in.warnings.push_back(std::string(level_name(l)) + " " + u.id + ": parent \"" + u.parent_id + "\" is not a " +
                                      level_name(up) + " id; using the " + level_name(up) + " that contains it");
            }
            u.parent = loc[up]->locate(u.rep);
            u.parent_id = u.parent == kNone ? std::string() : in.units[up][u.parent].id;
            if (u.parent == kNone)
                in.warnings.push_back(std::string(level_name(l)) + " " + u.id + " (" + u.name + ") lies in no " + level_name(up));
        }
    }

    SwapCheck swap(in.working_crs);
    long swapped_compounds = 0;
    std::vector<Compound> kept;
    kept.reserve(in.compounds.size());
    for (auto& c : in.compounds) {
        place(in, loc, c.rep, c.unit);
        bool inside = !any_units(in) || std::any_of(c.unit.begin(), c.unit.end(), [](int u) { return u != kNone; });
        if (!inside) {
            std::string hint = swap_hint(in, loc, swap, c.rep);
            swapped_compounds += !hint.empty();
            Rejection r{"compounds", c.id, "outside every unit (its representative point lies in no district, street or community)" + hint,
                        c.feature_index, {}};
            r.wkb = to_wkb(h, c.geom.get());
            r.wkb_working_crs = true;
            in.rejected.push_back(std::move(r));
            in.counts["compounds"].rejected++;
            in.counts["compounds"].used--;
        } else {
            kept.push_back(std::move(c));
        }
    }
    in.compounds = std::move(kept);
    check_not_all_rejected(in, "compounds");  // e.g. every one outside the units: another CRS

    // A gate must name a compound that is used; otherwise it is reported, not ignored.
    if (!in.gates.empty()) {
        std::unordered_map<std::string, int> ids;
        for (auto& c : in.compounds) ids.emplace(c.id, 0);
        std::vector<std::pair<std::string, XY>> gates;
        for (auto& g : in.gates) {
            if (ids.count(g.first)) {
                gates.push_back(g);
                continue;
            }
            Rejection r{"gates", g.first, "the gate names no compound in use (compound id \"" + g.first + "\")", -1, {}};
            GeomPtr pt = make_point(h, g.second.x, g.second.y);
            r.wkb = to_wkb(h, pt.get());
            r.wkb_working_crs = true;
            in.rejected.push_back(std::move(r));
            in.counts["gates"].rejected++;
            in.counts["gates"].used--;
        }
        in.gates = std::move(gates);
    }
    if (swapped_compounds)
        in.warnings.push_back(std::to_string(swapped_compounds) +
                              " compound(s) lie outside every unit but would lie inside with latitude and longitude swapped; "
                              "check the coordinate order of their source (rejected.csv lists them)");

    // Where the facilities read with the compounds lie: scenarios over these inputs look
    // them up instead of locating them again (a facility at another position is located).
    auto where = std::make_shared<std::unordered_map<std::string, std::array<int, kLevels>>>();
    for (const Facility& f : in.facilities) {
        std::array<int, kLevels> unit{kNone, kNone, kNone};
        place(in, loc, f.pt, unit);
        where->emplace(facility_key(f), unit);
    }
    in.facility_units = std::move(where);
    in.units_placed = true;
}

}  // namespace

void place_units_and_compounds(Engine& engine, Inputs& in) {
    if (in.units_placed) return;
    place_fixed(engine.main(), in, make_locators(engine.main(), in));
}

/// Every layer with some records rejected (when read, or here) says so on stderr, with
/// one example: the reasons are in rejected.csv, and with --quiet nothing else said it.
static void warn_rejections(Inputs& in) {
    for (auto& [k, c] : in.counts) {
        if (c.rejected == 0 || c.used == 0) continue;  // none, or every one (warned when read)
        const Rejection* first = nullptr;
        for (auto& rj : in.rejected)
            if (rj.layer == k) {
                first = &rj;
                break;
            }
        in.warnings.push_back(
            k + ": " + std::to_string(c.rejected) + " of " + std::to_string(c.read) + " record(s) rejected" +
            (first ? ", e.g. " + (first->source_id.empty() ? "#" + std::to_string(first->feature_index + 1) : first->source_id) + ": " +
                         first->reason
                   : std::string()) +
            "; each with its reason in rejected.csv");
    }
}

void assign_units(Engine& engine, Inputs& in, double max_reach_m) {
    GEOSContextHandle_t h = engine.main();
    Locators loc;
    auto locators = [&]() -> const Locators& {
        if (loc.empty()) loc = make_locators(h, in);
        return loc;
    };
    if (!in.units_placed) place_fixed(h, in, locators());

    std::unique_ptr<SwapCheck> swap;
    long swapped_facilities = 0;
    std::vector<Facility> fk;
    fk.reserve(in.facilities.size());
    int top = 0;
    while (top < kLevels && !in.has_level[top]) ++top;
    for (auto& f : in.facilities) {
        const std::array<int, kLevels>* known = nullptr;
        if (in.facility_units) {
            auto it = in.facility_units->find(facility_key(f));
            if (it != in.facility_units->end()) known = &it->second;
        }
        if (known) f.unit = *known;
        else place(in, locators(), f.pt, f.unit);
        bool inside = !any_units(in) || std::any_of(f.unit.begin(), f.unit.end(), [](int u) { return u != kNone; });
        if (!inside && locators()[top]->distance(f.pt, max_reach_m) > max_reach_m) {
            if (!swap) swap = std::make_unique<SwapCheck>(in.working_crs);
            std::string hint = swap_hint(in, locators(), *swap, f.pt);
            swapped_facilities += !hint.empty();
            Rejection r{f.added ? "facilities (added)" : "facilities", f.id,
                        "farther than the largest reach (" + std::to_string(static_cast<long>(max_reach_m)) + " m) from every unit" + hint,
                        f.feature_index, {}};
            GeomPtr pt = make_point(h, f.pt.x, f.pt.y);
            r.wkb = to_wkb(h, pt.get());
            r.wkb_working_crs = true;
            in.rejected.push_back(std::move(r));
            in.counts["facilities"].rejected++;
            in.counts["facilities"].used--;
            continue;
        }
        fk.push_back(std::move(f));
    }
    in.facilities = std::move(fk);
    check_not_all_rejected(in, "facilities");  // e.g. every one far from the units: another CRS
    warn_rejections(in);
    if (swapped_facilities)
        in.warnings.push_back(std::to_string(swapped_facilities) +
                              " facilit(y/ies) lie outside the study area but would lie inside with latitude and longitude swapped; "
                              "check the coordinate order of their source (rejected.csv lists them)");
}

}  // namespace lc

