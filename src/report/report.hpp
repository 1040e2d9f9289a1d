#pragma once
// summary.json: the figures of a run as a planner and a script read them.
#include "ingest/ingest.hpp"
#include "rules/rules.hpp"

#include <map>

namespace lc {

struct StageTimes {
    std::vector<std::pair<std::string, double>> seconds;  ///< in run order
};

/// `output_repairs`: geometries the writers could not write (counted with the repairs).
json build_summary(const Project& p, const Inputs& in, const ReachResult& r, const Analysis& a, const StageTimes& times,
                   const std::vector<Repair>& output_repairs = {});

/// Short reason code of a rejection ("unknown facility type \"X\" (...)" -> "unknown facility type").
std::string reason_code(const std::string& reason);

}  // namespace lc
