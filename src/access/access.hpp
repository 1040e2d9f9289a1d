#pragma once
// Capacity-aware accessibility: the two-step floating catchment area method (2SFCA,
// Luo & Wang 2003), optionally with Gaussian distance decay (Dai 2010). Reach says
// whether a facility is within 15 minutes; access also says how much supply per
// elderly resident is within 15 minutes once the facility's other users are counted.
//
//   Step 1, per facility j:  R_j = S_j / Σ_{k : d_kj ≤ d0_j} D_k · w(d_kj)
//   Step 2, per compound i:  A_i = Σ_{j : d_ij ≤ d0_j} R_j · w(d_ij)
//
// S_j supply (beds, else floor area: see AccessOptions), D_k the elderly of compound
// k, d the walking distance of SPEC 4 (straight in radius mode, along the network —
// entering walled compounds at their gates — in network mode) and d0_j the reach
// distance of facility j's type. Weights:
//   none:      w(d) = 1
//   gaussian:  w(d) = (exp(-½(d/d0)²) − exp(-½)) / (1 − exp(-½))   for d ≤ d0
// which is 1 at the facility and falls smoothly to 0 at the edge of the catchment.
// A_i is in supply units per elderly resident (beds per elderly person); Σ_i D_i·A_i
// equals the supply of the facilities with demand in reach, which is what makes 2SFCA
// ratios comparable with the plans' "beds per 1000 elderly" (multiply by 1000).
#include "ingest/ingest.hpp"
#include "project/project.hpp"
#include "reach/reach.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace lc {

class CatchmentIndex;

enum class Decay { None, Gaussian };

struct AccessOptions {
    Decay decay = Decay::None;
    /// auto: beds when any facility of the pool has a known bed count, else floor
    /// area; "beds" or "floor_area" force the measure.
    std::string supply = "auto";
};

/// Options from the project's `access.decay` and, when given, the rule's own `decay`
/// (which wins): "gaussian" (or true) / "none" (or false, null). Throws ConfigError
/// naming the JSON pointer for anything else.
AccessOptions access_options(const Project& p, const Rule* rule = nullptr);

/// The distance weight w(d) for a catchment of radius d0 (0 beyond it).
double decay_weight(Decay decay, double d, double d0);

/// Access to one facility type, or to a pool of types treated as one supply (a
/// min_access rule naming several types).
struct AccessLayer {
    std::vector<std::string> types;
    std::string supply;                     ///< beds | floor_area | "" (no facility has a known supply)
    /// [compound] A_i. 0 where no facility with supply reaches the compound (or it
    /// cannot enter the network); null for every compound when `supply` is "".
    std::vector<std::optional<double>> compound;
    /// [level][unit] Σ D_i·A_i / Σ D_i over the unit's compounds with known elderly;
    /// null where the unit has none (or A is null).
    std::array<std::vector<std::optional<double>>, kLevels> unit_mean;
    std::optional<double> area_mean;
    long facilities = 0;                    ///< of the pool
    long facilities_used = 0;               ///< with known supply and demand in reach
    long facilities_unknown_supply = 0;     ///< left out: supply unknown
    long facilities_no_demand = 0;          ///< supply known, but no known elderly within reach
    long facilities_unsnapped = 0;          ///< network mode: cannot enter the network
    long compounds_unknown_demand = 0;      ///< elderly unknown: not counted as demand, no weight in means
};

struct AccessResult {
    std::vector<AccessLayer> layers;
    /// The layer for exactly these types (order ignored), or nullptr.
    const AccessLayer* find(const std::vector<std::string>& types) const;
    const AccessLayer* find(const std::string& type) const { return find(std::vector<std::string>{type}); }
};

/// One layer per type (`access_<type>` fields and unit means).
AccessResult compute_access(const Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                            const std::vector<std::string>& types, const AccessOptions& opt);

/// One layer per pool of types (e.g. {{"day_care"}, {"day_care", "street_center"}}).
/// In network mode `r` must come from compute_reach in network mode (its graph is used).
AccessResult compute_access_pools(const Engine& engine, const Project& p, const Inputs& in, const ReachResult& r,
                                  const std::vector<std::vector<std::string>>& pools, const AccessOptions& opt);

/// min_access per compound: A_i·per ≥ min, null where A_i is null.
std::vector<std::optional<bool>> access_pass(const AccessLayer& a, double min, double per = 1);

}  // namespace lc
