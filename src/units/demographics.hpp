#pragma once
// Unit demographics (SPEC 3): census tables joined to a unit level by code, rolled up
// to the levels above, and the compound estimates that use the units' census rates.
#include "ingest/ingest.hpp"

namespace lc {

/// Joins the project's census tables to the units (reading them when `in` does not
/// hold them yet), rolls the figures up (a unit's own row wins; a disagreement with its
/// children's sum is warned with both figures), gives the area its figures (its own
/// table, else the sum of the top level), and, unless `estimate_compounds` is false,
/// estimates each compound's missing population, elderly and infants from the rates of
/// its smallest unit that gives them (never from the unit's totals). A figure the data
/// give is never changed. Mismatches, disagreements and estimate counts go to
/// `in.census`, with warnings in `in.warnings`. Units must be placed (units.hpp).
/// Calling it again on the same inputs gives the same result.
void apply_demographics(const Project& p, Inputs& in);

/// Reads the project's census tables into `in` unless it holds exactly these already;
/// what reading noted is given to `in` by apply_demographics. A batch reads them once
/// into the inputs every scenario is copied from, not once per scenario.
void read_census_tables(const Project& p, Inputs& in);

}  // namespace lc
