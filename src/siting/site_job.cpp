#include "siting/site_job.hpp"

#include "units/demographics.hpp"

#include "common/errors.hpp"
#include "common/suggest.hpp"
#include "ingest/ingest.hpp"
#include "outputs/outputs.hpp"
#include "pipeline/pipeline.hpp"
#include "project/validate.hpp"
#include "reach/reach.hpp"
#include "units/units.hpp"

#include <algorithm>
#include <chrono>

namespace lc {

namespace fs = std::filesystem;

namespace {

/// The canonical type for --type: a type, or a label the facilities layer's type_map
/// (or the built-in labels) knows; else the patch would be rejected by `run`.
std::string resolve_type(const Project& p, const std::string& type) {
    const LayerSpec& fl = *p.layer("facilities");
    std::string canon = canonical_type(fl, type, &p.custom_types);
    if (!canon.empty()) return canon;
    std::vector<std::string> names = known_types(p);
    for (auto& [label, _] : fl.type_map) names.push_back(label);
    throw ConfigError("--type: \"" + type + "\" is not a facility type" + did_you_mean(type, names) + " (types: " +
                      [&] {
                          std::string l;
                          for (auto& t : known_types(p)) l += (l.empty() ? "" : ", ") + t;
                          return l;
                      }() +
                      "; a label of the facilities layer's type_map works too)");
}

}  // namespace

SiteJobResult run_site_job(Engine& engine, const SiteJobOptions& o) {
    auto t_start = std::chrono::steady_clock::now();
    const auto& progress = o.progress;
    Project p = load_project(o.project);
    const std::string type = resolve_type(p, o.type);

    SitingOptions so;
    so.type = type;
    so.count = o.count;
    if (o.target_share >= 0) so.target_share = o.target_share;
    so.weight = o.weight.empty() ? "elderly" : o.weight;
    if (!o.rule.empty()) {
        auto it = std::find_if(p.rules.begin(), p.rules.end(), [&](const Rule& r) { return r.id == o.rule; });
        if (it == p.rules.end()) throw ConfigError("--rule: the project has no rule \"" + o.rule + "\" (profile " + p.profile + ")");
        if (it->check != Check::ReachShare)
            throw ConfigError("--rule " + o.rule + ": is a " + std::string(check_name(it->check)) + " rule; siting lifts reach_share rules only");
        so.covered_by = it->types;
        if (std::find(so.covered_by.begin(), so.covered_by.end(), type) == so.covered_by.end()) so.covered_by.push_back(type);
        if (o.weight.empty()) so.weight = it->weight;
        if (!so.target_share && o.count == 0) so.target_share = it->target_share;
    }
    if (so.count == 0 && !so.target_share) throw ConfigError("site: give --count K, --target-share S, or --rule ID");
    if (so.target_share && !(*so.target_share > 0 && *so.target_share <= 1))
        throw ConfigError("--target-share: expected a share in (0, 1], e.g. 0.9");
    std::vector<fs::path> inputs = input_paths(p);
    if (!o.candidates.path.empty()) inputs.push_back(o.candidates.path);
    OutputFolder folder(o.out, "site", inputs, o.notice);

    Inputs in = read_inputs(engine, p, progress);
    double max_reach = std::max(p.access.reach_m(""), p.access.reach_m(type));
    for (auto& f : in.facilities) max_reach = std::max(max_reach, p.access.reach_m(f.type));
    assign_units(engine, in, max_reach);
    apply_demographics(p, in);  // the elderly weights `run` uses, estimates included
    if (progress) progress("reach", 0);
    std::vector<std::string> types = analysis_types(in, p);
    for (auto& t : so.covered_by.empty() ? std::vector<std::string>{type} : so.covered_by)
        if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
    ReachResult r = compute_reach(engine, p, in, types);

    std::vector<Candidate> cands;
    std::vector<std::string> skipped;
    if (!o.candidates.path.empty()) {
        cands = read_candidates(engine, o.candidates, in, skipped);
        if (cands.empty()) throw InputError(o.candidates.path.u8string() + ": --candidates: no usable candidate (every record lacks a geometry)");
    } else {
        cands = default_candidates(engine, p, in, type);
    }
    if (progress) progress("siting", 0.5);
    SitingResult s = plan_sites(engine, p, in, r, cands, so);
    if (progress) progress("siting", 1);

    {
        const fs::path& staging = folder.staging();
        Table t = proposed_sites_table(engine, in, cands, s);
        write_vector_layers(engine, staging, {&t}, in.working_crs);
        json patch = siting_patch(p, in, cands, s);
        write_text(staging / "scenario.json", patch.dump(1) + "\n");
        json batch = {{"base", p.file.u8string()},
                      {"scenarios", json::array({{{"id", "proposed_" + type}, {"patch", patch}}})}};
        write_text(staging / "batch.json", batch.dump(1) + "\n");
        json sum = json::object();
        sum["tool"] = std::string("lifecircle ") + LIFECIRCLE_VERSION;
        sum["project"] = p.file.u8string();
        sum["type"] = s.type;
        sum["weight"] = s.weight;
        if (!o.rule.empty()) sum["rule"] = o.rule;
        sum["covered_by"] = so.covered_by.empty() ? std::vector<std::string>{type} : so.covered_by;
        sum["mode"] = s.mode;
        sum["reach_m"] = s.reach_m;
        sum["candidates"] = {{"source", o.candidates.path.empty() ? "default (community points, compounds without a " + type + ")" : o.candidates.path.u8string()},
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

    SiteJobResult res;
    res.type = type;
    res.project_name = p.name;
    res.sites = std::move(s);
    res.candidates = std::move(cands);
    res.skipped = std::move(skipped);
    return res;
}

}  // namespace lc
