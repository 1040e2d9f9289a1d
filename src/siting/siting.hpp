#pragma once
// Where to build next (issue 7): candidate sites, their catchments (the compounds a new
// facility there would reach, by the same radius or network rule as SPEC 4), and the
// maximal-covering choice of K sites by the lazy greedy (CELF).
//
// Catchments are shared with the capacity-aware accessibility of access.hpp, which
// needs the same "which compounds, how far" question answered for existing facilities.
#include "ingest/ingest.hpp"
#include "project/project.hpp"
#include "reach/reach.hpp"
#include "common/table.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lc {

/// For each source point, the compounds within its budget and their walking distance,
/// in compressed rows: source s owns entries [off[s], off[s+1]), sorted by compound.
struct Catchments {
    std::vector<size_t> off{0};
    std::vector<uint32_t> compound;
    std::vector<double> dist;
    std::vector<char> unsnapped;  ///< [source] network mode: farther than max_access_m from every road
    size_t size() const { return off.size() - 1; }
};

/// Answers "which compounds lie within d metres of this point" under the project's
/// access mode, with exactly the arithmetic of compute_reach: a facility placed at a
/// source point reaches the same compounds that compute_reach would report. In
/// network mode the graph of `r` is used (compute_reach must have run in network
/// mode), compounds enter at their gates when they have any (SPEC 4 + gates layer),
/// and each source gets a Dijkstra bounded by its budget.
class CatchmentIndex {
public:
    /// compute() runs on the threads of `engine`, which must outlive the index.
    CatchmentIndex(const Engine& engine, const Project& p, const Inputs& in, const ReachResult& r);
    ~CatchmentIndex();
    CatchmentIndex(const CatchmentIndex&) = delete;
    CatchmentIndex& operator=(const CatchmentIndex&) = delete;

    /// budget: one per source, or a single value for all. Runs in parallel over the
    /// sources; one index is not to be used by two threads at once (it keeps
    /// per-worker scratch space).
    Catchments compute(const std::vector<XY>& sources, const std::vector<double>& budget) const;
    bool network() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------------
// Maximal covering

/// A weighted maximal-covering instance: elements (compounds not yet reached) with
/// positive weights, and per candidate the elements it would cover (compressed rows).
struct CoverProblem {
    std::vector<double> weight;
    std::vector<size_t> off{0};
    std::vector<uint32_t> elems;
    size_t candidates() const { return off.size() - 1; }
};

struct GreedyStep {
    size_t candidate = 0;
    double gain = 0;     ///< weight newly covered by this pick
};

struct GreedyResult {
    std::vector<GreedyStep> steps;
    double covered = 0;          ///< total weight covered by the picks
    size_t evaluations = 0;      ///< gain evaluations, initial ones included
};

/// Picks up to `max_k` candidates, each time the one adding the most uncovered weight,
/// stopping early when nothing adds weight or the covered weight reaches `stop_at`.
/// Gains are re-evaluated lazily (CELF): coverage is submodular, so a gain computed in
/// an earlier round is an upper bound and the heap top, once fresh, is the true best.
/// The choice equals the plain greedy's, ties going to the lowest candidate index.
GreedyResult greedy_max_cover(const Engine& engine, const CoverProblem& pb, size_t max_k,
                              double stop_at = std::numeric_limits<double>::infinity());

/// Weight covered by a set of candidates (each element once).
double cover_weight(const CoverProblem& pb, const std::vector<size_t>& picks);

// ---------------------------------------------------------------------------------
// Candidates

struct Candidate {
    std::string id;       ///< "community:<id>", "compound:<id>", or the layer's id
    std::string source;   ///< community | compound | layer
    std::string name;
    XY pt;                ///< working CRS
};

/// Community representative points (point-on-surface), then the representative points
/// of compounds that hold no facility of `type` (inside the footprint; for point
/// compounds within access.point_support_m).
std::vector<Candidate> default_candidates(Engine& engine, const Project& p, const Inputs& in, const std::string& type);

struct CandidateLayer {
    std::filesystem::path path;
    std::string layer;     ///< empty: the first layer
    std::string id_field;  ///< empty: the first of id, ID, fid, code, 编号, 名称/name; else the feature position
    std::string name_field;
    std::string crs;       ///< empty: from the file (EPSG:4326 if none); GCJ-02, BD-09 or any EPSG code
};

/// A user's candidate layer (vacant public buildings, land parcels...): points as they
/// are, other geometries by their point on surface, in the working CRS of `in`.
/// Throws InputError when the file cannot be read; records without usable geometry
/// are skipped and listed in `skipped` ("id: reason").
std::vector<Candidate> read_candidates(Engine& engine, const CandidateLayer& spec, const Inputs& in, std::vector<std::string>& skipped);

// ---------------------------------------------------------------------------------
// Siting

struct SitingOptions {
    std::string type;                       ///< facility type to site
    size_t count = 0;                       ///< at most this many sites (0: no limit)
    std::optional<double> target_share;     ///< stop once the share reaches it
    std::string weight = "elderly";         ///< compounds | households | population | elderly
    /// Types whose existing facilities already reach compounds (default: {type}); a
    /// reach_share rule with several types counts a compound reached by any of them.
    std::vector<std::string> covered_by;
};

struct ProposedSite {
    int rank = 0;
    std::string site_id;                    ///< SITE-01, ...
    size_t candidate = 0;                   ///< index into the candidates
    double gain = 0;                        ///< weight newly reached (marginal)
    double cumulative_gain = 0;
    double cumulative_share = 0;            ///< share of the weight reached with sites 1..rank
    std::vector<uint32_t> new_compounds;    ///< compounds this site reaches first (any weight, known or not)
    std::array<int, kLevels> unit{kNone, kNone, kNone};
};

struct SitingResult {
    std::string type, weight, mode;
    double reach_m = 0;
    double total_weight = 0;                ///< known weight of all compounds (the share's denominator)
    long unknown_weight = 0;                ///< compounds left out of the share: weight unknown
    double base_weight = 0, base_share = 0; ///< already reached by existing facilities
    double max_share = 0;                   ///< reached if every candidate were built
    std::optional<double> target_share;
    bool target_met = false;
    std::vector<ProposedSite> sites;
    size_t candidates = 0, candidates_unsnapped = 0, candidates_useful = 0;
    size_t evaluations = 0;
    double seconds_catchments = 0, seconds_greedy = 0;
    std::string note;                       ///< why fewer sites than asked, or the target is out of reach
};

/// Chooses the sites. `r` must hold the reach of the types in opt.covered_by (or
/// opt.type); in network mode, its graph. Throws ConfigError for an impossible request.
SitingResult plan_sites(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r, const std::vector<Candidate>& cands,
                        const SitingOptions& opt);

/// The proposed_sites layer: one point per site with rank, marginal gain, cumulative
/// share, the compounds it newly reaches and its unit ids (geometries owned by the table).
Table proposed_sites_table(Engine& engine, const Inputs& in, const std::vector<Candidate>& cands, const SitingResult& s);

/// A scenario patch (SPEC 7) adding the sites as facilities of the type:
/// {"add_facilities": FeatureCollection} in the facilities layer's field names, type
/// vocabulary and CRS (WGS 84 lon/lat unless the layer declares another "crs").
json siting_patch(const Project& p, const Inputs& in, const std::vector<Candidate>& cands, const SitingResult& s);

/// Weight of a compound for a share, or nullopt when unknown (compounds: 1).
std::optional<double> compound_weight(const Compound& c, const std::string& weight);

}  // namespace lc
