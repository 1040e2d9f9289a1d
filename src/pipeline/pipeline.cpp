#include "pipeline/pipeline.hpp"

#include "common/suggest.hpp"

#include "outputs/deliverables.hpp"
#include "outputs/gis_formats.hpp"
#include "common/errors.hpp"
#include "outputs/outputs.hpp"
#include "reach/reach.hpp"
#include "report/report.hpp"
#include "report/report_maps.hpp"
#include "rules/rules.hpp"
#include "units/demographics.hpp"
#include "units/units.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

namespace lc {

namespace fs = std::filesystem;

Project load_with_scenarios(const fs::path& project_file, const std::vector<Scenario>& scenarios) {
    if (project_file.empty()) throw ConfigError("the project file path is empty");
    fs::path abs = fs::absolute(project_file).lexically_normal();
    json doc = read_json_file(abs);
    if (scenarios.empty()) return parse_project(doc, abs);
    json patched = apply_patches(doc, abs, scenarios);
    try {
        return parse_project(patched, abs);
    } catch (const ConfigError& e) {
        std::string origins;
        for (auto& s : scenarios) origins += (origins.empty() ? "" : ", ") + s.origin;
        throw ConfigError(std::string(e.what()) + " (after applying the scenario patch " + origins + ")");
    }
}

namespace {
std::string additions_rejected_message(const std::string& origin, size_t offered) {
    return origin + ": every facility of add_facilities was rejected (" + std::to_string(offered) +
           "; see rejected.csv, layer \"facilities (added)\"): the scenario adds nothing";
}
}  // namespace

FacilityChanges apply_facility_changes(Engine& engine, const Project& p, const std::vector<Scenario>& scenarios, Inputs& in) {
    FacilityChanges out;
    out.offered.assign(scenarios.size(), 0);
    out.flagged.assign(scenarios.size(), 0);
    for (size_t k = 0; k < scenarios.size(); ++k) {
        const Scenario& s = scenarios[k];
        size_t added = 0, offered = 0;
        for (auto& id : s.remove) {
            auto it = std::find_if(in.facilities.begin(), in.facilities.end(), [&](const Facility& f) { return f.id == id; });
            if (it == in.facilities.end()) {
                // A facility of the layer that was rejected when read is not there to remove:
                // said with its reason, not as an id nobody has.
                auto rj = std::find_if(in.rejected.begin(), in.rejected.end(),
                                       [&](const Rejection& r) { return r.layer == "facilities" && r.source_id == id; });
                if (rj != in.rejected.end())
                    throw ConfigError(s.origin + ": /remove_facilities: facility \"" + id + "\" was rejected when read (" + rj->reason +
                                      ") and is not in the analysis: there is nothing to remove");
                std::vector<std::string> ids;
                for (auto& f : in.facilities) ids.push_back(f.id);
                throw ConfigError(s.origin + ": /remove_facilities: no facility has the id \"" + id + "\"" + did_you_mean(id, ids) +
                                  " (ids are those of the facilities layer's id field)");
            }
            // Facilities an earlier scenario added and this one removes again: whether they
            // were placed no longer matters.
            if (it->added_by >= 0) out.offered[static_cast<size_t>(it->added_by)] = 0;
            in.facilities.erase(it);
        }
        for (auto& a : s.add) {
            size_t before = in.rejected.size(), had = in.facilities.size();
            // An inline collection's messages say which scenario it is in.
            try {
                read_extra_facilities(engine, p, a.text_or_path, a.is_text, in);
            } catch (const ConfigError& e) {
                if (!a.is_text) throw;
                throw ConfigError(s.origin + ": " + e.what());
            } catch (const InputError& e) {
                if (!a.is_text) throw;
                throw InputError(s.origin + ": " + e.what());
            }
            for (size_t i = before; i < in.rejected.size(); ++i) in.rejected[i].layer = "facilities (added)";
            for (size_t i = had; i < in.facilities.size(); ++i) in.facilities[i].added_by = static_cast<int>(k);
            added += in.facilities.size() - had;
            offered += in.facilities.size() - had + in.rejected.size() - before;
        }
        // A scenario that meant to add facilities and added none would show "no change"
        // as if the additions had been tried: it is a failed scenario, not a result.
        out.offered[k] = offered;
        if (offered > 0 && added == 0) {
            std::string m = additions_rejected_message(s.origin, offered);
            in.warnings.insert(in.warnings.begin(), m);
            out.all_rejected.push_back(m);
            out.flagged[k] = 1;
        }
    }
    return out;
}

void check_additions_kept(const std::vector<Scenario>& scenarios, Inputs& in, FacilityChanges& changes) {
    std::vector<char> kept(scenarios.size(), 0);
    for (auto& f : in.facilities)
        if (f.added_by >= 0 && static_cast<size_t>(f.added_by) < kept.size()) kept[static_cast<size_t>(f.added_by)] = 1;
    for (size_t k = 0; k < scenarios.size() && k < changes.offered.size(); ++k) {
        // None offered (or removed again by a later scenario), flagged when read, or some
        // left: nothing to say.
        if (changes.offered[k] == 0 || changes.flagged[k] || kept[k]) continue;
        std::string m = additions_rejected_message(scenarios[k].origin, changes.offered[k]);
        in.warnings.insert(in.warnings.begin(), m);
        changes.all_rejected.push_back(m);
        changes.flagged[k] = 1;
    }
}

std::vector<fs::path> input_paths(const Project& p, const std::vector<Scenario>& scenarios) {
    std::vector<fs::path> v{p.file};
    for (auto& [key, l] : p.layers)
        if (l.present) v.push_back(l.path);
    for (auto& s : scenarios)
        for (auto& a : s.add)
            if (!a.is_text) v.push_back(fs::u8path(a.text_or_path));
    return v;
}

namespace {

/// A rule without a value is a result nobody should miss in a list of figures.
void warn_null_rules(const Analysis& a, Inputs& in) {
    for (auto& r : a.rules)
        if (!r.value)
            in.warnings.push_back("rule " + r.rule->id + " has no value" + (r.note.empty() ? std::string() : ": " + r.note));
}

struct Clock {
    std::chrono::steady_clock::time_point t = std::chrono::steady_clock::now();
    StageTimes times;
    void lap(const std::string& name) {
        auto now = std::chrono::steady_clock::now();
        times.seconds.emplace_back(name, std::chrono::duration<double>(now - t).count());
        t = now;
    }
};

}  // namespace

StageFunctions plain_stages(std::shared_ptr<net::Graph> graph) {
    StageFunctions f;
    f.graph = std::move(graph);
    f.reach = [](Engine& e, const Project& p, const Inputs& in, const std::vector<std::string>& types,
                 std::shared_ptr<net::Graph> g) { return compute_reach(e, p, in, types, std::move(g)); };
    f.support = support_outcomes;
    f.access = [](Engine& e, const Project& p, const Inputs& in, const ReachResult& r) {
        return compute_access(e, p, in, r, r.types, access_options(p));
    };
    f.service_areas = [](Engine& e, const Project& p, const Inputs& in, const ReachResult& r, PackedPolygons* packed) {
        return service_areas(e, p, in, r, packed);
    };
    f.uncovered = [](Engine& e, const Project& p, const Inputs& in, const ReachResult& r, const std::vector<GeomPtr>& areas,
                     PackedPolygons* packed) { return uncovered_areas(e, p, in, r, areas, packed); };
    return f;
}

Analysed analyse(Engine& engine, const Project& p, Inputs& in, const Progress& progress, const StageFunctions& stages) {
    Clock clock;
    // Overall fractions at the start of each stage, from typical metro timings.
    auto tick = [&](const std::string& s, double f) { if (progress) progress(s, f); };
    Analysed x;
    tick("units", 0.30);
    assign_units(engine, in, largest_reach_m(p, in));
    apply_demographics(p, in);
    clock.lap("units");
    tick("reach", 0.32);
    auto types = analysis_types(in, p);
    // Network mode: the road graph first, then the faces of the roads and their cores,
    // which the service areas and uncovered parts start with (built once, alone), on a
    // thread of their own while the shortest paths, the rules and the access figures
    // are computed; joined before the service areas. A failure there is met again, and
    // reported, by the service areas.
    std::shared_ptr<net::Graph> graph = stages.graph;
    double graph_seconds = 0;
    if (p.access.mode == "network" && !graph) {
        const auto t0 = std::chrono::steady_clock::now();
        graph = build_road_graph(in);
        graph_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    std::thread faces;
    JoinOnExit join{faces};
    if (stages.layers && graph && engine.threads() > 1)
        faces = std::thread([g = graph, b = p.access.service_area_buffer_m] {
            try {
                g->prepare_faces();
                g->prepare_cores(b);
            } catch (...) {
            }
        });
    x.r = stages.reach(engine, p, in, types, std::move(graph));
    x.r.seconds_graph += graph_seconds;
    if (x.r.mode == "network") {
        clock.times.seconds.emplace_back("network_graph", x.r.seconds_graph);
        clock.times.seconds.emplace_back("network_paths", x.r.seconds_paths);
    }
    clock.lap("reach");
    x.a = evaluate(engine, p, in, x.r, stages.support);
    warn_null_rules(x.a, in);
    clock.lap("rules");
    if (stages.layers) {
        x.access = stages.access(engine, p, in, x.r);
        clock.lap("access");
        tick("service areas", 0.40);
        if (faces.joinable()) faces.join();
        // The polygons stay packed until they are written (common/packed.hpp).
        x.areas = stages.service_areas(engine, p, in, x.r, &x.packed_areas);
        clock.lap("service_areas");
        tick("uncovered areas", 0.50);
        x.unc = stages.uncovered(engine, p, in, x.r, x.areas, &x.packed_unc);
        clock.lap("uncovered");
    }
    x.times = clock.times;
    return x;
}

json write_output_folder(Engine& engine, const fs::path& dir, const Project& p, const Inputs& in, Analysed& x, const RunOptions& opt) {
    Clock clock;
    // One layer at a time: each is built, written (GeoJSON, and the GeoPackage or
    // Shapefiles beside it) and dropped before the next, keeping only what the
    // deliverables read of it; a large city's layers all held at once were the run's
    // peak memory.
    const LayerSources sources{p, in, x.r, x.a, x.areas, x.unc, &x.access, &x.packed_areas, &x.packed_unc, &x.texts};
    // The report's maps need only the analysis: drawn on a thread of their own (with its
    // own GEOS context) while the layers are written, which leaves a core idle part of
    // the time; joined before the deliverables. A failure there is met again, and
    // reported, when the deliverables draw them.
    std::optional<std::vector<IndicatorMap>> maps;
    std::thread drawer;
    JoinOnExit join{drawer};
    if (engine.threads() > 1)
        drawer = std::thread([&maps, &p, &in, &x, lang = opt.lang == "en" ? "en" : "zh"] {
            try {
                GeosContext g;
                maps = indicator_maps(g, p, in, x.a, lang, x.map_paths);
            } catch (...) {
                maps.reset();
            }
        });
    // The GeoJSON layers are the contract (SPEC 6) whatever the format; GeoPackage or
    // Shapefiles for desktop GIS come beside them, in the CRS asked for.
    std::vector<Repair> output_repairs, gis_repairs;
    const std::string output_crs = check_gis_output(opt.format, opt.output_crs);
    std::optional<GisWriter> gis;
    if (opt.format != "geojson")
        gis.emplace(engine, dir, layer_heads(engine, sources), in.working_crs, GisOptions{opt.format, output_crs, &gis_repairs});
    std::vector<WrittenLayer> layers;
    build_layers(engine, sources, [&](Table& t) {
        for (auto& r : write_vector_layers(engine, dir, {&t}, in.working_crs)) output_repairs.push_back(std::move(r));
        if (gis) gis->write(t);
        if (t.name == "rejected") write_text(dir / "rejected.csv", csv_text(t));
        layers.push_back(written_layer(engine.main(), t));
    });
    FieldNames names;
    if (gis) names = gis->finish();
    // repairs.csv lists the GeoJSON layers' repairs first, then the GIS layers'.
    for (auto& r : gis_repairs) output_repairs.push_back(std::move(r));
    // The report's per-street table is this table's headline columns.
    const Table coverage = coverage_table(p, in, x.a);
    write_text(dir / "coverage.csv", csv_text(coverage));
    write_text(dir / "repairs.csv", csv_text(repairs_table(in, output_repairs)));
    clock.lap("write");
    // The deliverables read summary.json's figures; their own time is measured and
    // added afterwards, so summary.json is written twice (cheap, a few kB).
    StageTimes times = x.times;
    for (auto& st : clock.times.seconds) times.seconds.push_back(st);
    auto with_access = [&](json s) {
        json acc = json::object();
        for (auto& L : x.access.layers) {
            std::string key;
            for (auto& t : L.types) key += (key.empty() ? "" : "+") + t;
            acc[key] = {{"supply", L.supply.empty() ? json(nullptr) : json(L.supply)},
                        {"mean", L.area_mean ? json(std::round(*L.area_mean * 1e9) / 1e9) : json(nullptr)},
                        {"facilities_used", L.facilities_used},
                        {"facilities_unknown_supply", L.facilities_unknown_supply},
                        {"compounds_unknown_demand", L.compounds_unknown_demand}};
        }
        s["area"]["access"] = acc;
        return s;
    };
    json summary = with_access(build_summary(p, in, x.r, x.a, times, output_repairs));
    if (drawer.joinable()) drawer.join();
    DeliverableOptions deliver{opt.format, opt.lang, output_crs, &names, x.map_paths, maps ? &*maps : nullptr};
    write_deliverables(engine, dir, p, in, x.r, x.a, layers, coverage, summary, deliver);
    clock.lap("report");
    times.seconds.push_back(clock.times.seconds.back());
    summary = with_access(build_summary(p, in, x.r, x.a, times, output_repairs));
    write_text(dir / "summary.json", summary.dump(1) + "\n");
    return summary;
}

RunOutcome run_project(Engine& engine, const fs::path& project_file, const RunOptions& opt) {
    Clock clock;
    std::vector<Scenario> scenarios = opt.scenarios;
    for (auto& f : opt.scenario_files) scenarios.push_back(load_scenario(f));
    Project p = load_with_scenarios(project_file, scenarios);
    p.as_of = opt.as_of;
    check_gis_output(opt.format, opt.output_crs);
    std::vector<fs::path> inputs = input_paths(p, scenarios);
    inputs.insert(inputs.end(), opt.scenario_files.begin(), opt.scenario_files.end());
    OutputFolder folder(opt.out, "run", inputs, opt.notice);

    Progress reading;
    if (opt.progress) reading = [&](const std::string& s, double f) { opt.progress(s, 0.30 * f); };
    Inputs in = read_inputs(engine, p, reading);
    // As in a batch: compounds placed before a scenario's facility changes, so that a
    // scenario run alone and in a batch list rejections in the same order.
    place_units_and_compounds(engine, in);
    FacilityChanges changes = apply_facility_changes(engine, p, scenarios, in);
    if (!opt.output_crs.empty())
        if (std::string w = output_crs_warning(check_gis_output(opt.format, opt.output_crs), in); !w.empty()) in.warnings.push_back(w);
    clock.lap("read");
    Analysed x = analyse(engine, p, in, opt.progress);
    x.times.seconds.insert(x.times.seconds.begin(), clock.times.seconds.begin(), clock.times.seconds.end());
    check_additions_kept(scenarios, in, changes);  // e.g. each far from every unit

    if (opt.progress) opt.progress("write", 0.80);
    RunOutcome outcome;
    outcome.summary = write_output_folder(engine, folder.staging(), p, in, x, opt);
    folder.commit();
    outcome.rejected = static_cast<long>(in.rejected.size());
    outcome.warnings = in.warnings;
    if (!changes.all_rejected.empty()) outcome.exit_code = kExitStrict;  // the warning, first of all, says which
    if (opt.strict && !in.rejected.empty()) {
        outcome.exit_code = kExitStrict;
        for (auto& rj : in.rejected)
            outcome.strict_messages.push_back(rj.layer + " " + (rj.source_id.empty() ? "#" + std::to_string(rj.feature_index) : rj.source_id) +
                                              ": " + rj.reason);
    }
    if (opt.progress) opt.progress("done", 1);
    return outcome;
}

ValidateOutcome validate_project(Engine& engine, const fs::path& project_file, bool strict) {
    if (project_file.empty()) throw ConfigError("the project file path is empty");
    Project p = load_project(project_file);
    // Every layer is read and placed even when a required one has no usable record, so
    // that the report lists every rejection; that layer's error (run's, exit 3) comes last.
    Inputs in = read_inputs(engine, p, {}, true);
    // Without a usable unit level every compound and facility would lie outside the units:
    // they are not placed, lest those rejections drown the reason.
    std::string unplaced;
    for (const std::string& k : in.all_rejected)
        if (k == "district" || k == "street" || k == "community") unplaced = k;
    if (unplaced.empty()) {
        assign_units(engine, in, largest_reach_m(p, in));
        apply_demographics(p, in);
    }
    std::ostringstream os;
    os << "project: " << p.file.u8string() << "\n";
    os << "working CRS: " << in.working_crs << "   mode: " << p.access.mode << "   profile: "
       << (p.profile.empty() ? "(none)" : p.profile) << "   rules: " << p.rules.size() << "\n";
    // A layer that held no record at all has no count yet: listed as such, and named in
    // the last line, which would otherwise say "ok" over an empty compounds layer.
    std::map<std::string, LayerCounts> counts = in.counts;
    std::vector<std::string> empty;
    for (const char* key : {"district", "street", "community", "compounds", "facilities"})
        if (p.layer(key) && counts[key].read == 0) empty.push_back(key);
    for (auto& [k, c] : counts) {
        os << "  " << k << ": " << c.read << " read, " << c.used << " used, " << c.rejected << " rejected";
        if (k == "roads") os << ", " << c.skipped << " not walkable";
        if (c.read == 0 && std::find(empty.begin(), empty.end(), k) != empty.end()) os << " (the layer holds no record)";
        os << "\n";
    }
    for (auto& t : in.census.tables)
        os << "  census " << (t.level < 0 ? "area" : level_name(t.level)) << ": " << t.rows << " rows, " << t.matched
           << " joined (" << t.path << ")\n";
    for (auto& w : in.warnings) os << "warning: " << w << "\n";
    for (auto& rj : in.rejected)
        os << "rejected: " << rj.layer << " " << (rj.source_id.empty() ? "#" + std::to_string(rj.feature_index) : rj.source_id)
           << (rj.feature_index >= 0 ? " (feature " + std::to_string(rj.feature_index) + ")" : "") << ": " << rj.reason << "\n";
    std::map<std::string, long> rep;
    for (auto& r : in.repairs) rep[r.layer + ": " + r.what.substr(0, r.what.find_first_of(":(\""))]++;
    for (auto& [k, n] : rep) os << "repaired/read: " << k << " x" << n << "\n";
    for (auto& [k, n] : in.unreadable) os << "unreadable numbers: " << k << ": " << n << " (null)\n";
    if (!unplaced.empty())
        os << "not placed: compounds and facilities were not placed in the units (the " << unplaced << " layer has no usable record)\n";
    std::string none;
    for (auto& k : empty) none += (none.empty() ? "" : ", ") + k;
    if (!none.empty())
        os << "empty: " << none << " (no record; every rule on " << (empty.size() == 1 ? "it" : "them")
           << " is null or fails: check /layers/<layer>: path, layer, where)\n";
    if (!in.rejected.empty()) os << in.rejected.size() << " record(s) would be rejected (listed above)\n";
    else if (none.empty()) os << "ok: every record can be used\n";
    ValidateOutcome v;
    v.report = os.str();
    v.exit_code = strict && !in.rejected.empty() ? kExitStrict : kExitOk;
    for (const std::string& k : in.all_rejected) v.errors.push_back(all_rejected_message(in, k));
    if (!v.errors.empty()) v.exit_code = kExitInput;
    return v;
}

}  // namespace lc
