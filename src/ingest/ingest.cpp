#include "ingest/ingest.hpp"

#include "common/chinacrs.hpp"
#include "common/errors.hpp"
#include "ingest/readers.hpp"
#include "ingest/textnum.hpp"
#include "ingest/working_crs.hpp"

#include <algorithm>
#include <filesystem>
#include <atomic>
#include <cmath>
#include <functional>
#include <optional>
#include <set>
#include <thread>

namespace lc {

using namespace ingest;

namespace {

std::string text_or_empty(const std::optional<std::string>& t) { return t ? text::trim(*t) : std::string(); }

/// Warnings that must not drown: a layer of which nothing could be used.
void warn_unused_layers(Inputs& in) {
    std::vector<std::string> loud;
    for (auto& [k, c] : in.counts) {
        if (c.read == 0 || c.used > 0) continue;
        if (std::count(in.all_rejected.begin(), in.all_rejected.end(), k)) continue;  // an error says it (validate)
        if (c.rejected > 0)
            loud.push_back("every record of the " + k + " layer was rejected (" + std::to_string(c.rejected) + " of " +
                           std::to_string(c.read) + "; see rejected.csv): the results use none of it");
        else if (c.skipped > 0)
            loud.push_back("no line of the " + k + " layer is walkable (" + std::to_string(c.skipped) +
                           " skipped by class): check \"class\" and \"exclude\"");
    }
    in.warnings.insert(in.warnings.begin(), loud.begin(), loud.end());
}

/// A rejection reason without its particulars (the id, value or position in brackets,
/// the advice after ";"), so that rejections of one kind count together.
std::string reason_kind(const std::string& reason) { return reason.substr(0, std::min(reason.find(" ("), reason.find(';'))); }

/// "F1 and 4 more: reason" for each of the three commonest kinds of rejection of the
/// layer `key`, commonest first, separated by " — " (a reason may hold ";").
std::string commonest_reasons(const Inputs& in, const std::string& key) {
    std::map<std::string, std::pair<long, const Rejection*>> kinds;  // kind: count, first
    for (const Rejection& r : in.rejected)
        if (r.layer == key) {
            auto& k = kinds[reason_kind(r.reason)];
            if (k.first++ == 0) k.second = &r;
        }
    std::vector<std::pair<long, const Rejection*>> order;
    for (auto& [kind, k] : kinds) order.push_back(k);
    std::stable_sort(order.begin(), order.end(), [](auto& a, auto& b) { return a.first > b.first; });
    std::string out;
    for (size_t i = 0; i < order.size() && i < 3; ++i) {
        const Rejection& r = *order[i].second;
        const std::string id = r.source_id.empty() ? "#" + std::to_string(r.feature_index + 1) : r.source_id;
        const long more = order[i].first - 1;
        out += (i ? " — " : "") + id + (more ? " and " + std::to_string(more) + " more" : "") + ": " + r.reason;
    }
    if (order.size() > 3) out += " — and " + std::to_string(order.size() - 3) + " other reason(s)";
    return out;
}

}  // namespace

std::string all_rejected_message(const Inputs& in, const std::string& key) {
    const LayerCounts& c = in.counts.at(key);
    auto label = in.labels.find(key);
    return (label == in.labels.end() ? key : label->second) + ": every record of the " + key + " layer was rejected (" +
           std::to_string(c.rejected) + " of " + std::to_string(c.read) + "): " + commonest_reasons(in, key) + ". Without its " + key +
           " every rule would fail on data that were never read: correct the data, or the layer's settings in the project (/layers/" +
           key + ": path, layer, crs, field names)";
}

void check_not_all_rejected(Inputs& in, const std::string& key) {
    auto c = in.counts.find(key);
    if (c == in.counts.end() || c->second.read == 0 || c->second.used > 0 || c->second.rejected == 0) return;
    if (!in.keep_reading) throw InputError(all_rejected_message(in, key));
    if (std::find(in.all_rejected.begin(), in.all_rejected.end(), key) == in.all_rejected.end()) in.all_rejected.push_back(key);
}

Inputs read_inputs(Engine& engine, const Project& p, const Progress& progress, bool keep_reading) {
    Inputs in;
    in.keep_reading = keep_reading;
    in.warnings = p.warnings;
    Ctx c{p, in, engine.main(), chinacrs::wgs84(), OGRSpatialReference()};
    const bool chosen = !(p.working_crs == "auto" || p.working_crs.empty());
    OpenedLayer opened;  // with `auto`, the compounds stay open for their read below
    // With `auto`, the compounds are scanned for the CRS before anything is read; the
    // second thread meanwhile opens (parses) the other layers, which needs no CRS, one
    // after another until the scan ends. Each task takes its layer from here if opened.
    struct Early {
        const LayerSpec* spec;
        std::optional<Source> src;
        std::vector<std::string> warnings;
        std::exception_ptr err;
    };
    std::vector<Early> early;
    if (!chosen && engine.threads() > 1) {
        for (const char* key : {"roads", "district", "street", "community", "facilities", "gates"})
            if (const LayerSpec* s = p.layer(key); s && (std::string(key) != "roads" || p.access.mode == "network"))
                early.push_back(Early{s, std::nullopt, {}, nullptr});
        std::atomic<bool> stop{false};
        std::thread opener([&] {
            for (Early& e : early) {
                if (stop) break;
                try {
                    e.src.emplace(open_source(p.file.u8string(), *e.spec, e.warnings));
                } catch (...) {
                    e.err = std::current_exception();
                }
            }
        });
        try {
            in.working_crs = auto_working_crs(p, in.warnings, opened);
        } catch (...) {
            stop = true;
            opener.join();
            throw;
        }
        stop = true;
        opener.join();
    } else {
        in.working_crs = chosen ? p.working_crs : auto_working_crs(p, in.warnings, opened);
    }
    // The source of a layer: opened above, or now; its opening warnings in the task's part
    // either way, so that they read as if opened in the task.
    auto source_of = [&](const LayerSpec& s, std::vector<std::string>& warnings) {
        for (Early& e : early) {
            if (e.spec != &s || (!e.src && !e.err)) continue;
            warnings.insert(warnings.end(), e.warnings.begin(), e.warnings.end());
            if (e.err) std::rethrow_exception(e.err);
            Source o = std::move(*e.src);
            e.src.reset();
            o.warnings_out = &warnings;
            return o;
        }
        return open_source(p.file.u8string(), s, warnings);
    };
    c.work = chinacrs::make_srs(in.working_crs, p.file.u8string() + ": /working_crs");
    check_crs_kind(c.work, in.working_crs, p.file.u8string());
    char* wkt = nullptr;
    c.work.exportToWkt(&wkt);
    in.working_crs_wkt = wkt ? wkt : "";
    CPLFree(wkt);

    // The same source given for two layers is legal (a GeoPackage with a `where` per
    // level) but more often a copy-paste slip: say so.
    {
        std::map<std::string, std::vector<std::string>> by_source;
        for (auto& [k, spec] : p.layers)
            if (spec.present) by_source[spec.path.u8string() + "|" + spec.layer + "|" + spec.where].push_back(k);
        for (auto& [src, keys] : by_source)
            if (keys.size() > 1) {
                std::string ks;
                for (auto& k : keys) ks += (ks.empty() ? "" : " and ") + k;
                in.warnings.push_back(src.substr(0, src.find('|')) + " is read for both " + ks +
                                      " (same file, layer and filter): check the project's layer paths");
            }
    }
    static const std::pair<const char*, int> unit_layers[] = {{"district", kDistrict}, {"street", kStreet}, {"community", kCommunity}};
    int step = 0;
    auto tick = [&](const std::string& what) { if (progress) progress("read " + what, ++step / 7.0); };
    // The layers are read by two threads, each task into its own Inputs; the parts are
    // appended in the serial order afterwards, so counts, rejections, repairs and
    // warnings read exactly as if one thread had read them one after another.
    struct Task {
        std::string what;
        std::function<void(Ctx&)> read;
        Inputs part;
        std::exception_ptr err;
    };
    std::vector<Task> tasks;
    tasks.push_back({"units", [&](Ctx& tc) {
                         for (auto [key, level] : unit_layers)
                             if (const LayerSpec* s = p.layer(key)) {
                                 Source src = source_of(*s, tc.in.warnings);
                                 setup_transforms(*s, src, tc.wgs, &tc.work, tc.in.warnings);
                                 read_units(tc, *s, level, src);
                             }
                     }, {}, nullptr});
    tasks.push_back({"compounds", [&](Ctx& tc) {
                         const LayerSpec& s = *p.layer("compounds");
                         Source src = [&] {
                             if (opened.key != "compounds" || !opened.src) return open_source(p.file.u8string(), s, tc.in.warnings);
                             tc.in.warnings.insert(tc.in.warnings.end(), opened.open_warnings.begin(), opened.open_warnings.end());
                             Source o = std::move(*opened.src);
                             o.warnings_out = &tc.in.warnings;
                             return o;
                         }();
                         setup_transforms(s, src, tc.wgs, &tc.work, tc.in.warnings);
                         read_compounds(tc, s, src);
                     }, {}, nullptr});
    tasks.push_back({"facilities", [&](Ctx& tc) {
                         const LayerSpec& s = *p.layer("facilities");
                         Source src = source_of(s, tc.in.warnings);
                         setup_transforms(s, src, tc.wgs, &tc.work, tc.in.warnings);
                         read_facilities(tc, s, src, false);
                     }, {}, nullptr});
    // Radius mode does not read the roads; a file that is not there is still said, before
    // a switch to network mode stops at it.
    if (const LayerSpec* s = p.layer("roads"); s && p.access.mode != "network" && s->path.u8string().rfind("/vsi", 0) != 0) {
        std::error_code ec;
        if (!std::filesystem::exists(s->path, ec))
            in.warnings.push_back(s->path.u8string() + ": file not found (layer \"roads\"; not read in radius mode, but network mode "
                                  "would stop here)");
    }
    if (const LayerSpec* s = p.layer("roads"); s && p.access.mode == "network")
        tasks.push_back({"roads", [&source_of, s](Ctx& tc) {
                             Source src = source_of(*s, tc.in.warnings);
                             setup_transforms(*s, src, tc.wgs, &tc.work, tc.in.warnings);
                             read_roads(tc, *s, src);
                         }, {}, nullptr});
    if (const LayerSpec* s = p.layer("gates"))
        tasks.push_back({"gates", [&source_of, s](Ctx& tc) {
                             Source src = source_of(*s, tc.in.warnings);
                             setup_transforms(*s, src, tc.wgs, &tc.work, tc.in.warnings);
                             read_gates(tc, src);
                         }, {}, nullptr});
    // Largest first: roads (network mode), then compounds.
    std::vector<size_t> order;
    for (const char* w : {"roads", "compounds", "units", "facilities", "gates"})
        for (size_t i = 0; i < tasks.size(); ++i)
            if (tasks[i].what == w) order.push_back(i);
    std::atomic<size_t> next{0};
    auto work = [&](int worker, const OGRSpatialReference& wgs, const OGRSpatialReference& wk) {
        for (size_t k; (k = next.fetch_add(1)) < order.size();) {
            Task& t = tasks[order[k]];
            Ctx tc{p, t.part, engine.geos(worker), wgs, wk};
            try {
                t.read(tc);
            } catch (...) {
                t.err = std::current_exception();
            }
        }
    };
    // The second thread reads with the GEOS context of worker 1 (no parallel section
    // runs meanwhile); what it read passes to worker 0's below.
    if (engine.threads() > 1) {
        // The second thread makes its own CRS objects from their definitions: a copied
        // OGRSpatialReference shares PROJ's object, and the caches PROJ fills in it, with
        // the original, and a PROJ object may not be used by two threads at once
        // (ThreadSanitizer saw the race in the transforms' setup).
        std::exception_ptr beside_err;
        std::thread beside([&]() {
            try {
                const OGRSpatialReference wgs = chinacrs::wgs84();
                const OGRSpatialReference wk = chinacrs::make_srs(in.working_crs, p.file.u8string() + ": /working_crs");
                work(1, wgs, wk);
            } catch (...) {
                beside_err = std::current_exception();
            }
        });
        work(0, c.wgs, c.work);
        beside.join();
        if (beside_err) std::rethrow_exception(beside_err);
    } else {
        work(0, c.wgs, c.work);
    }
    // The first failure in the serial order is the one reported.
    for (Task& t : tasks)
        if (t.err) std::rethrow_exception(t.err);
    GEOSContextHandle_t h0 = engine.main();
    for (Task& t : tasks) {
        Inputs& x = t.part;
        for (int l = 0; l < kLevels; ++l) {
            if (!x.has_level[l]) continue;
            in.has_level[l] = true;
            for (Unit& u : x.units[l]) {
                u.geom = GeomPtr(u.geom.release(), GeomDeleter{h0});  // owned by this thread from now on
                in.units[l].push_back(std::move(u));
            }
        }
        for (Compound& cp : x.compounds) {
            cp.geom = GeomPtr(cp.geom.release(), GeomDeleter{h0});
            in.compounds.push_back(std::move(cp));
        }
        for (Facility& f : x.facilities) in.facilities.push_back(std::move(f));
        for (auto& r : x.roads) in.roads.push_back(std::move(r));
        for (auto& g : x.gates) in.gates.push_back(std::move(g));
        for (auto& [k, v] : x.counts) in.counts[k] = v;
        for (auto& [k, v] : x.labels) in.labels[k] = v;
        for (auto& r : x.rejected) in.rejected.push_back(std::move(r));
        for (auto& w : x.warnings) in.warnings.push_back(std::move(w));
        for (auto& r : x.repairs) in.repairs.push_back(std::move(r));
        for (auto& [k, v] : x.unreadable) in.unreadable[k] += v;
        if (t.what == "units") {
            for (const char* key : {"district", "street", "community"}) tick(key);
        } else {
            tick(t.what);
        }
    }
    if (!p.layer("roads") || p.access.mode != "network") tick("roads");
    locate_study_area(p, c.work, chosen, in);
    // The required layers (SPEC 3): every unit level given, compounds, facilities.
    // Compounds and facilities are checked again once placed in the units (units.cpp).
    for (const char* key : {"district", "street", "community", "compounds", "facilities"})
        if (p.layer(key)) check_not_all_rejected(in, key);
    warn_unused_layers(in);
    return in;
}

void read_extra_facilities(Engine& engine, const Project& p, const std::string& what, bool is_text, Inputs& in) {
    LayerSpec s = *p.layer("facilities");
    std::string vsi;
    if (is_text) {
        static std::atomic<int> counter{0};  // batch jobs add facilities side by side
        vsi = "/vsimem/lifecircle_add_" + std::to_string(++counter) + ".geojson";
        VSIFCloseL(VSIFileFromMemBuffer(vsi.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(what.data())), what.size(), FALSE));
        s.path = vsi;
    } else {
        s.path = what;
    }
    s.layer.clear();
    s.where.clear();
    struct Unlink {  // the memory file goes however this ends
        const std::string& path;
        ~Unlink() {
            if (!path.empty()) VSIUnlink(path.c_str());
        }
    } unlink{vsi};
    // Messages name the inline collection, not the memory file it was read from (whose
    // number differs between a batch and a single run, and means nothing to a user).
    auto named = [&](std::string m) {
        for (size_t at; !vsi.empty() && (at = m.find(vsi)) != std::string::npos;) m.replace(at, vsi.size(), "add_facilities (inline)");
        return m;
    };
    Ctx c{p, in, engine.main(), chinacrs::wgs84(), chinacrs::make_srs(in.working_crs, "working CRS")};
    const size_t warned = in.warnings.size();
    try {
        Source src = open_source(p.file.u8string(), s, in.warnings);
        if (is_text) src.label = "add_facilities (inline)";
        setup_transforms(s, src, c.wgs, &c.work, in.warnings);
        read_facilities(c, s, src, true);
    } catch (const ConfigError& e) {
        throw ConfigError(named(e.what()));
    } catch (const InputError& e) {
        throw InputError(named(e.what()));
    }
    for (size_t i = warned; i < in.warnings.size(); ++i) in.warnings[i] = named(in.warnings[i]);
}


std::vector<PointRecord> read_point_records(Engine& engine, const LayerSpec& s_in, const std::string& origin,
                                            const std::vector<std::string>& id_guesses, const std::vector<std::string>& name_guesses,
                                            const Inputs& in, std::vector<std::string>& warnings) {
    LayerSpec s = s_in;
    Source src = open_source(origin, s, warnings);
    for (auto [canon, guesses] : {std::pair<const char*, const std::vector<std::string>*>{"id", &id_guesses}, {"name", &name_guesses}}) {
        if (!s.field(canon).empty()) continue;
        for (auto& g : *guesses)
            if (int i = lookup_field(src, g); i >= 0) {
                src.field_index[canon] = i;
                break;
            }
    }
    OGRSpatialReference work = chinacrs::make_srs(in.working_crs, "working CRS");
    setup_transforms(s, src, chinacrs::wgs84(), &work, warnings);
    GEOSContextHandle_t h = engine.main();
    std::vector<PointRecord> out;
    for_each_feature(src, [&](OGRFeature* f, long idx) {
        PointRecord r;
        r.index = idx;
        r.id = text_or_empty(field_text(f, src, "id"));
        r.name = text_or_empty(field_text(f, src, "name"));
        OGRGeometry* og = f->GetGeometryRef();
        GeomPtr g = og && !og->IsEmpty() ? to_working(h, og, src) : own(h, nullptr);
        if (!og || og->IsEmpty()) {
            r.problem = point_cells(f, src).problem;  // a table's coordinate cell quoted, if that is why
            if (r.problem.empty()) r.problem = "empty or null geometry";
        } else if (!g) {
            r.problem = transform_failure(og, src);
        } else {
            XY pt;
            GeomPtr pos = GEOSGeomTypeId_r(h, g.get()) == GEOS_POINT ? std::move(g) : own(h, GEOSPointOnSurface_r(h, g.get()));
            if (pos && !GEOSisEmpty_r(h, pos.get()) && GEOSGeomGetX_r(h, pos.get(), &pt.x) == 1 &&
                GEOSGeomGetY_r(h, pos.get(), &pt.y) == 1 && std::isfinite(pt.x) && std::isfinite(pt.y))
                r.pt = pt;
            else
                r.problem = "no usable point";
        }
        out.push_back(std::move(r));
    });
    return out;
}

}  // namespace lc

namespace lc {

Inputs clone_inputs(Engine& engine, const Inputs& in, bool share_geometries) {
    GEOSContextHandle_t h = engine.main();
    Inputs out;
    out.working_crs = in.working_crs;
    out.working_crs_wkt = in.working_crs_wkt;
    out.has_level = in.has_level;
    for (int l = 0; l < kLevels; ++l) {
        out.units[l].reserve(in.units[l].size());
        for (auto& u : in.units[l]) {
            Unit c;
            c.id = u.id;
            c.name = u.name;
            c.kind = u.kind;
            c.parent_id = u.parent_id;
            c.level = u.level;
            c.parent = u.parent;
            c.geom = share_geometries ? borrow(u.geom.get()) : clone(h, u.geom.get());
            c.rep = u.rep;
            c.area_m2 = u.area_m2;
            c.attrs = u.attrs;
            c.census = u.census;
            out.units[l].push_back(std::move(c));
        }
    }
    out.compounds.reserve(in.compounds.size());
    for (auto& c : in.compounds) {
        Compound k;
        k.id = c.id;
        k.name = c.name;
        k.year = c.year;
        k.year_raw = c.year_raw;
        k.households = c.households;
        k.population = c.population;
        k.elderly = c.elderly;
        k.infants = c.infants;
        k.population_source = c.population_source;
        k.elderly_source = c.elderly_source;
        k.infants_source = c.infants_source;
        k.geom = share_geometries ? borrow(c.geom.get()) : clone(h, c.geom.get());
        k.is_point = c.is_point;
        k.rep = c.rep;
        k.unit = c.unit;
        k.feature_index = c.feature_index;
        out.compounds.push_back(std::move(k));
    }
    out.facilities = in.facilities;
    out.roads = in.roads;
    out.gates = in.gates;
    out.rejected = in.rejected;
    out.repairs = in.repairs;
    out.warnings = in.warnings;
    out.centre_lonlat = in.centre_lonlat;
    out.unreadable = in.unreadable;
    out.counts = in.counts;
    out.labels = in.labels;
    out.area_census = in.area_census;
    out.census = in.census;
    out.census_tables = in.census_tables;
    out.census_notes_given = in.census_notes_given;
    out.units_placed = in.units_placed;
    out.facility_units = in.facility_units;
    return out;
}

}  // namespace lc
