#include "core/pipeline.hpp"

#include "core/deliverables.hpp"
#include "core/errors.hpp"
#include "core/outputs.hpp"
#include "core/reach.hpp"
#include "core/report.hpp"
#include "core/rules.hpp"
#include "core/units.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <sstream>

namespace lc {

namespace fs = std::filesystem;

Project load_with_scenarios(const fs::path& project_file, const std::vector<Scenario>& scenarios) {
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

void apply_facility_changes(const Project& p, const std::vector<Scenario>& scenarios, Inputs& in) {
    for (auto& s : scenarios) {
        for (auto& id : s.remove) {
            auto it = std::find_if(in.facilities.begin(), in.facilities.end(), [&](const Facility& f) { return f.id == id; });
            if (it == in.facilities.end())
                throw ConfigError(s.origin + ": /remove_facilities: no facility has the id \"" + id +
                                  "\" (ids are those of the facilities layer's id field)");
            in.facilities.erase(it);
        }
        for (auto& a : s.add) {
            size_t before = in.rejected.size();
            read_extra_facilities(p, a.text_or_path, a.is_text, in);
            for (size_t i = before; i < in.rejected.size(); ++i) in.rejected[i].layer = "facilities (added)";
        }
    }
}

namespace {

double max_reach(const Project& p, const Inputs& in) {
    double m = p.access.reach_m("");
    for (auto& f : in.facilities) m = std::max(m, p.access.reach_m(f.type));
    return m;
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

RunOutcome run_project(const fs::path& project_file, const RunOptions& opt) {
    Clock clock;
    std::vector<Scenario> scenarios = opt.scenarios;
    for (auto& f : opt.scenario_files) scenarios.push_back(load_scenario(f));
    Project p = load_with_scenarios(project_file, scenarios);
    if (opt.format != "geojson" && opt.format != "gpkg") throw ConfigError("--format: expected geojson or gpkg, got \"" + opt.format + "\"");
    check_output_target(opt.out);
    auto progress = [&](const std::string& s, double f) { if (opt.progress) opt.progress(s, f); };

    Inputs in = read_inputs(p, opt.progress);
    apply_facility_changes(p, scenarios, in);
    clock.lap("read");
    progress("units", 0);
    assign_units(in, max_reach(p, in));
    clock.lap("units");
    progress("reach", 0);
    auto types = analysis_types(in, p);
    ReachResult r = compute_reach(p, in, types);
    if (r.mode == "network") {
        clock.times.seconds.emplace_back("network_graph", r.seconds_graph);
        clock.times.seconds.emplace_back("network_paths", r.seconds_paths);
    }
    clock.lap("reach");
    Analysis a = evaluate(p, in, r);
    clock.lap("rules");
    progress("service areas", 0);
    std::vector<GeomPtr> areas = service_areas(p, in, r);
    clock.lap("service_areas");
    auto unc = uncovered_areas(in, r, areas);
    clock.lap("uncovered");

    progress("write", 0);
    fs::path staging = make_staging_dir(opt.out);
    RunOutcome outcome;
    try {
        auto layers = build_layers(p, in, r, a, areas, unc);
        std::vector<const Table*> all;
        const Table* rej = nullptr;
        for (auto& t : layers) {
            all.push_back(&t);
            if (t.name == "rejected") rej = &t;
        }
        write_vector_layers(staging, all, in.working_crs, opt.format);
        // rejected.geojson is part of the contract whatever the format
        if (opt.format == "gpkg") write_vector_layers(staging, {rej}, in.working_crs, "geojson");
        Table rejected;
        rejected.name = rej->name;
        rejected.fields = rej->fields;
        rejected.rows = rej->rows;
        rejected.has_geometry = false;
        write_csv(staging / "rejected.csv", rejected);
        write_csv(staging / "coverage.csv", coverage_table(p, in, a));
        write_csv(staging / "repairs.csv", repairs_table(in));
        clock.lap("write");
        outcome.summary = build_summary(p, in, r, a, clock.times);
        write_text(staging / "summary.json", outcome.summary.dump(1) + "\n");
        write_deliverables(staging, p, in, r, a, layers, outcome.summary, DeliverableOptions{opt.format, opt.lang});
        commit_output(staging, opt.out);
    } catch (...) {
        std::error_code ec;
        fs::remove_all(staging, ec);
        throw;
    }
    outcome.rejected = static_cast<long>(in.rejected.size());
    if (opt.strict && !in.rejected.empty()) {
        outcome.exit_code = kExitStrict;
        for (auto& rj : in.rejected)
            outcome.strict_messages.push_back(rj.layer + " " + (rj.source_id.empty() ? "#" + std::to_string(rj.feature_index) : rj.source_id) +
                                              ": " + rj.reason);
    }
    progress("done", 1);
    return outcome;
}

ValidateOutcome validate_project(const fs::path& project_file, bool strict) {
    Project p = load_project(project_file);
    Inputs in = read_inputs(p);
    assign_units(in, max_reach(p, in));
    std::ostringstream os;
    os << "project: " << p.file.u8string() << "\n";
    os << "working CRS: " << in.working_crs << "   mode: " << p.access.mode << "   profile: "
       << (p.profile.empty() ? "(none)" : p.profile) << "   rules: " << p.rules.size() << "\n";
    for (auto& [k, c] : in.counts) {
        os << "  " << k << ": " << c.read << " read, " << c.used << " used, " << c.rejected << " rejected";
        if (k == "roads") os << ", " << c.skipped << " not walkable";
        os << "\n";
    }
    for (auto& w : in.warnings) os << "warning: " << w << "\n";
    for (auto& rj : in.rejected)
        os << "rejected: " << rj.layer << " " << (rj.source_id.empty() ? "#" + std::to_string(rj.feature_index) : rj.source_id)
           << (rj.feature_index >= 0 ? " (feature " + std::to_string(rj.feature_index) + ")" : "") << ": " << rj.reason << "\n";
    std::map<std::string, long> rep;
    for (auto& r : in.repairs) rep[r.layer + ": " + r.what.substr(0, r.what.find_first_of(":(\""))]++;
    for (auto& [k, n] : rep) os << "repaired/read: " << k << " x" << n << "\n";
    for (auto& [k, n] : in.unreadable) os << "unreadable numbers: " << k << ": " << n << " (null)\n";
    os << (in.rejected.empty() ? "ok: every record can be used\n"
                               : std::to_string(in.rejected.size()) + " record(s) would be rejected (listed above)\n");
    ValidateOutcome v;
    v.report = os.str();
    v.exit_code = strict && !in.rejected.empty() ? kExitStrict : kExitOk;
    return v;
}

}  // namespace lc
