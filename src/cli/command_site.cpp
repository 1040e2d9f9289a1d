#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "ingest/ingest.hpp"
#include "outputs/outputs.hpp"
#include "pipeline/pipeline.hpp"
#include "reach/reach.hpp"
#include "siting/siting.hpp"
#include "units/units.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

namespace lc::cli {

namespace {

namespace fs = std::filesystem;

struct SiteOpts {
    std::string project, type, weight, rule, out = "out-site";
    size_t count = 0;
    double target_share = -1;
    CandidateLayer cand;
    std::string cand_path;
    bool quiet = false;
};

/// The facility type must be one the facilities layer can hold, else the patch would
/// be rejected by `run` as an unknown type.
void check_type(const Project& p, const std::string& type) {
    const LayerSpec& fl = *p.layer("facilities");
    if (canonical_type(fl, type) == type) return;
    for (auto& [raw, canon] : fl.type_map)
        if (canon == type) return;
    throw ConfigError("--type: \"" + type + "\" is not a facility type (canonical types: day_care, canteen, street_center, "
                      "regional_center, nursing_home, supporting, dementia_care, or a value of the facilities layer's type_map)");
}

int run_site(const SiteOpts& o) {
    auto t_start = std::chrono::steady_clock::now();
    auto progress = terminal_progress(o.quiet);
    Project p = load_project(o.project);
    check_type(p, o.type);

    SitingOptions so;
    so.type = o.type;
    so.count = o.count;
    if (o.target_share >= 0) so.target_share = o.target_share;
    so.weight = o.weight.empty() ? "elderly" : o.weight;
    if (!o.rule.empty()) {
        auto it = std::find_if(p.rules.begin(), p.rules.end(), [&](const Rule& r) { return r.id == o.rule; });
        if (it == p.rules.end()) throw ConfigError("--rule: the project has no rule \"" + o.rule + "\" (profile " + p.profile + ")");
        if (it->check != "reach_share")
            throw ConfigError("--rule " + o.rule + ": is a " + it->check + " rule; siting lifts reach_share rules only");
        so.covered_by = it->types;
        if (std::find(so.covered_by.begin(), so.covered_by.end(), o.type) == so.covered_by.end()) so.covered_by.push_back(o.type);
        if (o.weight.empty()) so.weight = it->weight;
        if (!so.target_share && o.count == 0) so.target_share = it->target_share;
    }
    if (so.count == 0 && !so.target_share) throw ConfigError("site: give --count K, --target-share S, or --rule ID");
    if (so.target_share && !(*so.target_share > 0 && *so.target_share <= 1))
        throw ConfigError("--target-share: expected a share in (0, 1], e.g. 0.9");
    std::vector<fs::path> inputs = input_paths(p);
    if (!o.cand_path.empty()) inputs.push_back(fs::u8path(o.cand_path));
    OutputFolder folder(o.out, "site", inputs, terminal_notice());

    Inputs in = read_inputs(p, progress);
    double max_reach = std::max(p.access.reach_m(""), p.access.reach_m(o.type));
    for (auto& f : in.facilities) max_reach = std::max(max_reach, p.access.reach_m(f.type));
    assign_units(in, max_reach);
    if (progress) progress("reach", 0);
    std::vector<std::string> types = analysis_types(in, p);
    for (auto& t : so.covered_by.empty() ? std::vector<std::string>{o.type} : so.covered_by)
        if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
    ReachResult r = compute_reach(p, in, types);

    std::vector<Candidate> cands;
    std::vector<std::string> skipped;
    if (!o.cand_path.empty()) {
        CandidateLayer cl = o.cand;
        cl.path = fs::u8path(o.cand_path);
        cands = read_candidates(cl, in, skipped);
        if (cands.empty()) throw InputError(o.cand_path + ": --candidates: no usable candidate (every record lacks a geometry)");
    } else {
        cands = default_candidates(p, in, o.type);
    }
    if (progress) progress("siting", 0.5);
    SitingResult s = plan_sites(p, in, r, cands, so);
    if (progress) progress("siting", 1);

    {
        const fs::path& staging = folder.staging();
        Table t = proposed_sites_table(in, cands, s);
        write_vector_layers(staging, {&t}, in.working_crs);
        json patch = siting_patch(p, in, cands, s);
        write_text(staging / "scenario.json", patch.dump(1) + "\n");
        json batch = {{"base", p.file.u8string()},
                      {"scenarios", json::array({{{"id", "proposed_" + o.type}, {"patch", patch}}})}};
        write_text(staging / "batch.json", batch.dump(1) + "\n");
        json sum = json::object();
        sum["tool"] = std::string("lifecircle ") + LIFECIRCLE_VERSION;
        sum["project"] = p.file.u8string();
        sum["type"] = s.type;
        sum["weight"] = s.weight;
        if (!o.rule.empty()) sum["rule"] = o.rule;
        sum["covered_by"] = so.covered_by.empty() ? std::vector<std::string>{o.type} : so.covered_by;
        sum["mode"] = s.mode;
        sum["reach_m"] = s.reach_m;
        sum["candidates"] = {{"source", o.cand_path.empty() ? "default (community points, compounds without a " + o.type + ")" : o.cand_path},
                             {"count", s.candidates},
                             {"reaching_new_compounds", s.candidates_useful},
                             {"unsnapped", s.candidates_unsnapped},
                             {"skipped", skipped}};
        sum["total_weight"] = s.total_weight;
        sum["unknown_weight_compounds"] = s.unknown_weight;
        sum["base_share"] = s.base_share;
        sum["final_share"] = s.sites.empty() ? s.base_share : s.sites.back().cumulative_share;
        sum["max_share_all_candidates"] = s.max_share;
        sum["target_share"] = s.target_share ? json(*s.target_share) : json();
        sum["target_met"] = s.target_share ? json(s.target_met) : json();
        sum["count_asked"] = so.count;
        sum["method"] = "greedy maximal covering with lazy evaluation (CELF); within 1-1/e of the optimum for --count";
        sum["note"] = s.note;
        json sites = json::array();
        for (auto& ps : s.sites)
            sites.push_back({{"rank", ps.rank}, {"site_id", ps.site_id}, {"candidate_id", cands[ps.candidate].id},
                             {"marginal_gain", ps.gain}, {"cumulative_share", ps.cumulative_share},
                             {"new_compounds", ps.new_compounds.size()}});
        sum["sites"] = sites;
        sum["gain_evaluations"] = s.evaluations;
        sum["seconds"] = {{"catchments", s.seconds_catchments},
                          {"greedy", s.seconds_greedy},
                          {"total", std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count()}};
        write_text(staging / "site_summary.json", sum.dump(1) + "\n");
        folder.commit();
    }

    std::printf("%s sites for %s (%s mode, reach %.0f m), weight %s: %.4f reached now", o.type.c_str(), p.name.c_str(), s.mode.c_str(),
                s.reach_m, s.weight.c_str(), s.base_share);
    if (s.target_share) std::printf(", target %.4f", *s.target_share);
    std::printf("\n%4s  %-8s  %-32s  %14s  %8s  %9s\n", "rank", "site", "candidate", "gain", "share", "compounds");
    for (auto& ps : s.sites)
        std::printf("%4d  %-8s  %-32s  %14.1f  %8.4f  %9zu\n", ps.rank, ps.site_id.c_str(), cands[ps.candidate].id.c_str(), ps.gain,
                    ps.cumulative_share, ps.new_compounds.size());
    if (!s.note.empty()) std::printf("note: %s\n", s.note.c_str());
    std::fflush(stdout);
    for (auto& k : skipped) std::cerr << "lifecircle: candidate skipped: " << k << "\n";
    if (!o.quiet)
        std::cerr << "lifecircle: wrote " << o.out << " (" << s.sites.size() << " site(s) from " << s.candidates
                  << " candidates; scenario.json and batch.json check them like any scenario)\n";
    return kExitOk;
}

}  // namespace

void register_site(CLI::App& app, Action& action) {
    auto o = std::make_shared<SiteOpts>();
    auto* c = app.add_subcommand("site", "Choose where to build the next facilities of a type (maximal covering)");
    c->add_option("PROJECT", o->project, "Project file (JSON)")->required();
    c->add_option("--type", o->type, "Facility type to site, e.g. day_care")->required();
    c->add_option("--count", o->count, "Number of sites to choose (with --target-share: at most this many)");
    c->add_option("--target-share", o->target_share, "Choose the fewest sites that lift the reached share to this (0-1]")
        ->check(CLI::Range(0.0, 1.0));
    c->add_option("--weight", o->weight, "What the share counts: elderly (default), households, population or compounds")
        ->check(CLI::IsMember({"elderly", "households", "population", "compounds"}));
    c->add_option("--rule", o->rule,
                  "A reach_share rule to lift: its types count as reaching, its weight and target_share are the defaults");
    c->add_option("--candidates", o->cand_path,
                  "Candidate sites (any OGR vector file: points, or polygons by their point on surface); "
                  "default: community points and compounds without a facility of the type");
    c->add_option("--candidates-layer", o->cand.layer, "Layer of a multi-layer candidates file");
    c->add_option("--candidates-id", o->cand.id_field, "Field holding the candidate id (default: id, code, 编号, name...)");
    c->add_option("--candidates-name", o->cand.name_field, "Field holding the candidate name");
    c->add_option("--candidates-crs", o->cand.crs, "CRS of the candidates' coordinates, overriding the file's (EPSG code, GCJ-02 or BD-09)");
    c->add_option("--out", o->out, "Output folder (its own default, apart from run's out/; replaced as a whole: docs/outputs.md)")->capture_default_str();
    c->add_flag("--quiet", o->quiet, "No progress bar and no closing line");
    c->footer("Writes proposed_sites.geojson (rank, marginal gain, cumulative share, newly reached compounds, unit ids),\n"
              "scenario.json (add_facilities in the facilities layer's fields) and batch.json (base + that scenario),\n"
              "so that `lifecircle batch OUT/batch.json` checks the proposal against every rule.");
    c->callback([o, &action] { action = [o] { return run_site(*o); }; });
}

}  // namespace lc::cli
