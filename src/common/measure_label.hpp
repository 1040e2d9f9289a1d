#pragma once
// The one list of names for what lifecircle counts and sums, and for its unit levels, in
// Chinese and English: the rules' notes, the report, its maps and the print layouts all
// name them from here.

#include <string>

namespace lc {

/// The census figures and share weights (population, households, elderly, infants,
/// compounds) and the supply attributes (beds, places, floor area...); `census`: the
/// census's own wording with the age range ("老年人口（60岁及以上）"). An unknown name is
/// returned as it is.
std::string measure_label(const std::string& name, const std::string& lang, bool census = false);

/// Level names as planners say them ("street" -> 街道（乡镇） / streets/townships; any
/// other name: the study area), for the rules' notes, the report and the layouts.
std::string level_label(const std::string& level, const std::string& lang, bool plural = false);

}  // namespace lc
