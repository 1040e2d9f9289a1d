#pragma once
// Inside the rule evaluator (not a public header): how compound_support decides one
// compound and finds its nearest facility, shared by support_outcomes (check_support.cpp)
// and update_support_outcomes (support_update.cpp).
#include "rules/evaluator.hpp"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace lc::eval {

/// Straight-line distance, as compound_support measures it.
inline double straight(const XY& a, const XY& b) {
    const double dx = a.x - b.x, dy = a.y - b.y;
    return std::sqrt(dx * dx + dy * dy);
}

/// One rule's facilities in an R-tree, and what deciding a compound reads.
struct SupportCheck {
    GEOSContextHandle_t h;
    const Project& p;
    const Inputs& in;
    const Rule& rule;
    FacTree tree;

    /// `fac`: the rule's facilities (support_facilities).
    SupportCheck(GEOSContextHandle_t h, const Project& p, const Inputs& in, const Rule& rule, const std::vector<int>& fac);
    /// How far from a compound a facility supports it.
    double reach_of(const Compound& cp) const;
    /// Where the facilities that may support a compound lie (its extent grown by the reach).
    BBox box(const Compound& cp) const;
    /// Built in the rule's years (or of unknown year).
    bool in_years(const Compound& cp) const;
    SupportOutcome decide(const Compound& cp) const;
    std::pair<int, double> nearest(const XY& q) const;
    /// Is a facility at `d` with id `id` nearer than facility `bf` at `best` (ties to the smaller id)?
    bool closer(double d, const std::string& id, int bf, double best) const;
};

}  // namespace lc::eval
