#pragma once
// The one list of names for what lifecircle counts and sums, in Chinese and English: the
// rules' notes, the report, its maps and the print layouts all name them from here.

#include <string>

namespace lc {

/// The census figures and share weights (population, households, elderly, infants,
/// compounds) and the supply attributes (beds, places, floor area...); `census`: the
/// census's own wording with the age range ("老年人口（60岁及以上）"). An unknown name is
/// returned as it is.
std::string measure_label(const std::string& name, const std::string& lang, bool census = false);

}  // namespace lc
