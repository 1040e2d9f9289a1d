#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "siting/site_job.hpp"

#include <cstdio>
#include <iostream>
#include <memory>

namespace lc::cli {

namespace {

struct SiteOpts {
    SiteJobOptions job;
    std::string project, out = "out-site", cand_path;
    bool quiet = false;
};

int run_site(SiteOpts& o) {
    SiteJobOptions& j = o.job;
    j.project = std::filesystem::u8path(o.project);
    j.out = std::filesystem::u8path(o.out);
    if (!o.cand_path.empty()) j.candidates.path = std::filesystem::u8path(o.cand_path);
    j.progress = terminal_progress(o.quiet);
    j.notice = terminal_notice();
    Engine engine(thread_count());
    SiteJobResult res = run_site_job(engine, j);
    const SitingResult& s = res.sites;
    const auto& cands = res.candidates;
    const std::string& type = res.type;
    std::printf("%s sites for %s (%s mode, reach %.0f m), weight %s: %.4f reached now", type.c_str(), res.project_name.c_str(), s.mode.c_str(),
                s.reach_m, s.weight.c_str(), s.base_share);
    if (s.target_share) std::printf(", target %.4f", *s.target_share);
    std::printf("\n%4s  %-8s  %-32s  %14s  %8s  %9s\n", "rank", "site", "candidate", "gain", "share", "compounds");
    for (auto& ps : s.sites)
        std::printf("%4d  %-8s  %-32s  %14.1f  %8.4f  %9zu\n", ps.rank, ps.site_id.c_str(), cands[ps.candidate].id.c_str(), ps.gain,
                    ps.cumulative_share, ps.new_compounds.size());
    if (!s.note.empty()) std::printf("note: %s\n", s.note.c_str());
    std::fflush(stdout);
    for (auto& k : res.skipped) std::cerr << "lifecircle: candidate skipped: " << k << "\n";
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
    c->add_option("--type", o->job.type, "Facility type to site, e.g. day_care, or a label of the type_map")->required();
    c->add_option("--count", o->job.count, "Number of sites to choose, 1 or more (with --target-share: at most this many)")
        ->check(CLI::Range(std::size_t(1), std::size_t(1000000)));
    c->add_option("--target-share", o->job.target_share, "Choose the fewest sites that lift the reached share to this (0-1]")
        ->check(CLI::Range(0.0, 1.0));
    c->add_option("--weight", o->job.weight, "What the share counts: elderly (default), households, population or compounds")
        ->check(CLI::IsMember({"elderly", "households", "population", "compounds"}));
    c->add_option("--rule", o->job.rule,
                  "A reach_share rule to lift: its types count as reaching, its weight and target_share are the defaults");
    c->add_option("--candidates", o->cand_path,
                  "Candidate sites (any OGR vector file: points, or polygons by their point on surface); "
                  "default: community points and compounds without a facility of the type");
    c->add_option("--candidates-layer", o->job.candidates.layer, "Layer of a multi-layer candidates file");
    c->add_option("--candidates-id", o->job.candidates.id_field, "Field holding the candidate id (default: id, code, 编号, name...)");
    c->add_option("--candidates-name", o->job.candidates.name_field, "Field holding the candidate name");
    c->add_option("--candidates-crs", o->job.candidates.crs, "CRS of the candidates' coordinates, overriding the file's (EPSG code, GCJ-02 or BD-09)");
    c->add_option("--out", o->out, "Output folder (its own default, apart from run's out/; replaced as a whole: docs/outputs.md)")->capture_default_str();
    c->add_flag("--quiet", o->quiet, "No progress bar and no closing line");
    c->footer("Writes proposed_sites.geojson (rank, marginal gain, cumulative share, newly reached compounds, unit ids),\n"
              "scenario.json (add_facilities in the facilities layer's fields) and batch.json (base + that scenario),\n"
              "so that `lifecircle batch OUT/batch.json` checks the proposal against every rule.");
    c->callback([o, &action] { action = [o] { return run_site(*o); }; });
}

}  // namespace lc::cli
