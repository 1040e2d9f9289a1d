#pragma once
// Plain data passed between the stages. Coordinates are metres in the working CRS
// unless a name says lon/lat.
#include "common/geos.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lc {

struct XY {
    double x = 0, y = 0;
};

constexpr int kDistrict = 0, kStreet = 1, kCommunity = 2;
constexpr int kLevels = 3;
constexpr int kNone = -1;
inline const char* level_name(int l) {
    static const char* n[] = {"district", "street", "community"};
    return n[l];
}

/// An administrative unit (district, street/township or community/village).
struct Unit {
    std::string id, name;
    std::string kind;       ///< canonical: district | street | township | community | village
    std::string parent_id;  ///< id of the unit one level up (may be empty)
    int level = kDistrict;
    int parent = kNone;     ///< index into the level above
    GeomPtr geom;           ///< polygonal, working CRS, valid
    XY rep;                 ///< GEOS point-on-surface
    double area_m2 = 0;
};

/// A facility attribute as mapped in `attributes`: text, number or bool as read.
struct AttrValue {
    std::optional<std::string> text;
    std::optional<double> number;
    std::optional<bool> boolean;
};

struct Compound {
    std::string id, name;
    std::optional<int> year;
    std::string year_raw;  ///< source text when the year could not be read (for unknown_year)
    std::optional<double> households, population, elderly;
    GeomPtr geom;          ///< polygonal or point, working CRS
    bool is_point = false;
    XY rep;
    std::array<int, kLevels> unit{kNone, kNone, kNone};
    long feature_index = -1;  ///< position in the source layer
};

struct Facility {
    std::string id, name;
    std::string type;      ///< canonical type
    std::string type_raw;  ///< as in the source
    XY pt;
    std::optional<double> beds, nursing_beds, floor_area;
    std::map<std::string, AttrValue> attrs;  ///< mapped `attributes` (plus beds etc. by their canonical names)
    std::array<int, kLevels> unit{kNone, kNone, kNone};
    bool added = false;    ///< came from a scenario's add_facilities
    long feature_index = -1;
};

/// An input record not used, and why.
struct Rejection {
    std::string layer, source_id, reason;
    long feature_index = -1;          ///< 0-based position in the source layer
    std::vector<unsigned char> wkb;   ///< geometry in lon/lat (EPSG:4326) if any
    bool wkb_working_crs = false;     ///< wkb is in the working CRS instead
};

/// A repaired (not rejected) record, reported in summary.json.
struct Repair {
    std::string layer, source_id, what;
};

}  // namespace lc
