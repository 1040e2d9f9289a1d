#pragma once
// `lifecircle site` as one library call: read the project, compute the reach, choose
// the sites (siting.hpp) and write the proposal folder (proposed_sites.geojson,
// scenario.json, batch.json, site_summary.json). The program only parses and prints.
#include "outputs/output_folder.hpp"
#include "siting/siting.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace lc {

struct SiteJobOptions {
    std::filesystem::path project;
    std::string type;          ///< a canonical type or a type_map label
    std::string weight;        ///< empty: the rule's, else elderly
    std::string rule;          ///< a reach_share rule to lift (optional)
    std::filesystem::path out = "out-site";
    size_t count = 0;          ///< 0: as many as --target-share needs
    double target_share = -1;  ///< < 0: none given
    CandidateLayer candidates; ///< path empty: default candidates
    std::function<void(const std::string&, double)> progress;
    Notice notice;
};

struct SiteJobResult {
    std::string type;          ///< canonical
    std::string project_name;
    SitingResult sites;
    std::vector<Candidate> candidates;
    std::vector<std::string> skipped;  ///< candidate records not used, with the reason
};

/// Runs the siting job and writes its output folder (replaced as run's is). Throws
/// ConfigError / InputError / OutputError with the exit status of SPEC section 2.
SiteJobResult run_site_job(Engine& engine, const SiteJobOptions& o);

}  // namespace lc
