#pragma once
// Checks a parsed project for names that must be known and values that must be
// plausible, so that a typo or a stray zero is an error at configuration time (exit 2,
// naming the JSON pointer and the nearest valid name) instead of a silently different
// result: a type_map to an unknown type, an unknown type in minutes_by_type or a rule,
// a `where` on an attribute nobody maps, an unknown comparison operator, two rules
// with one id, a network address as a layer path.
#include "project/project.hpp"

#include <string>
#include <vector>

namespace lc {

/// A plausible range for a numeric setting, with what it measures for the message.
struct Range {
    double lo, hi;
    const char* what;
};

namespace ranges {
inline constexpr Range walk_kmh{0.5, 20, "km/h of walking; people walk 3 to 5"};
inline constexpr Range minutes{0.5, 120, "minutes of walking"};
inline constexpr Range max_access_m{0, 5000, "metres from a point to the nearest road"};
inline constexpr Range service_area_buffer_m{1, 500, "metres of buffer around the walkable network"};
inline constexpr Range point_support_m{0, 1000, "metres around a point compound"};
inline constexpr Range share{0, 1, "a share between 0 and 1"};
inline constexpr Range count_min{0, 1e9, "a minimum, 0 or more"};
inline constexpr Range per{1e-6, 1e9, "the unit of the ratio, e.g. 1000 for \"per 1000\""};
inline constexpr Range within_m{0, 10000, "metres"};
inline constexpr Range area_per_100_households{0, 10000, "square metres per 100 households"};
inline constexpr Range single_area{0, 1e7, "square metres"};
}  // namespace ranges

/// The number at `ptr`, which must lie in `r` (ConfigError naming the range otherwise).
double number_in(const json& j, const std::string& file, const std::string& ptr, const Range& r);

/// Runs every check on a project right after parse_project has built it; fills
/// p.custom_types and adds warnings (unmapped attributes in profile rules) to p.warnings.
void validate_project(Project& p);

/// Layer paths that are network addresses (http://, /vsicurl/, /vsis3/, ...) are refused
/// unless the user allowed them on the command line (--allow-network-paths): a project
/// file shared by someone else must not make lifecircle fetch URLs.
void set_allow_network_paths(bool allow);
bool allow_network_paths();
/// Empty if `path` is local; else why not ("a URL (https://)").
std::string network_path_kind(const std::string& path);

/// The known facility types of a project: canonical ones and its custom_types.
std::vector<std::string> known_types(const Project& p);

}  // namespace lc
