#pragma once
// "Did you mean ...?": the nearest known name to a typo, by edit distance.
#include <string>
#include <vector>

namespace lc {

/// Edit distance in bytes, a swap of neighbours counting as one edit (names here are
/// ASCII or short Chinese labels).
size_t edit_distance(const std::string& a, const std::string& b);

/// The choice nearest to `word` when it is near enough to be a likely typo (at most a
/// third of the longer name, and at least 2, edits away; a name cut short counts as one
/// edit); empty otherwise. Ties go to the first in `choices`.
std::string nearest_name(const std::string& word, const std::vector<std::string>& choices);

/// " (did you mean \"x\"?)" or "" when no name is near.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& choices);

}  // namespace lc
