#pragma once
// Plain data passed between the stages. Coordinates are metres in the working CRS
// unless a name says lon/lat.
#include "common/geos.hpp"

#include <boost/container/flat_map.hpp>

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

/// A facility or unit attribute as mapped in `attributes`: text, number or bool as read.
struct AttrValue {
    std::optional<std::string> text;
    std::optional<double> number;
    std::optional<bool> boolean;
};

/// Census figures (SPEC 3): population, households, elderly (60+), infants (0-3).
constexpr int kFigures = 4;
inline const char* figure_name(int f) {
    static const char* n[] = {"population", "households", "elderly", "infants"};
    return n[f];
}
/// Index of a figure name, or -1.
inline int figure_index(const std::string& name) {
    for (int f = 0; f < kFigures; ++f)
        if (name == figure_name(f)) return f;
    return -1;
}

/// A unit's census figures: its own table row, else the sum of its children's.
struct Demographics {
    enum Origin : char { None, Row, Children };
    std::array<std::optional<double>, kFigures> value;
    std::array<Origin, kFigures> origin{None, None, None, None};
    bool has_row = false;  ///< a census row names this unit
    std::optional<double> get(const std::string& name) const {
        int f = figure_index(name);
        return f < 0 ? std::nullopt : value[f];
    }
};

/// Where a compound's figure comes from: its own layer, or estimated from census rates.
enum class FigureSource : char { Unknown, Data, Estimated };

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
    std::map<std::string, AttrValue> attrs;  ///< mapped `attributes` of the unit layer or a census table
    Demographics census;    ///< census figures (own row or rolled up), see units/demographics.hpp
};

struct Compound {
    std::string id, name;
    std::optional<int> year;
    std::string year_raw;  ///< source text when the year could not be read (for unknown_year)
    std::optional<double> households, population, elderly, infants;
    /// population / elderly / infants as given (Data) or from census rates (Estimated)
    FigureSource population_source = FigureSource::Unknown, elderly_source = FigureSource::Unknown,
                 infants_source = FigureSource::Unknown;
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
    /// mapped `attributes` (plus beds etc. by their canonical names). A flat map (one
    /// sorted array, the interface of std::map): a batch copies every facility once per
    /// scenario and the rules look attributes up facility by facility, both cheaper
    /// without a tree node per attribute.
    boost::container::flat_map<std::string, AttrValue> attrs;
    std::array<int, kLevels> unit{kNone, kNone, kNone};
    bool added = false;    ///< came from a scenario's add_facilities
    int added_by = -1;     ///< which one: the index of the scenario (apply_facility_changes)
    long feature_index = -1;
};

/// What joining census tables to the units found (SPEC 3), for summary.json and the report.
struct CensusReport {
    struct Table {
        std::string path;
        int level = -1;  ///< -1: the whole area
        long rows = 0, matched = 0;
    };
    struct Mismatch {
        int level = -1;
        std::string code, what;  ///< what: no_unit | duplicate_code | missing_code
    };
    struct Disagreement {
        int level = -1;
        std::string unit_id, figure;
        double own = 0, children = 0;
    };
    std::vector<Table> tables;
    std::vector<Mismatch> mismatches;                         ///< table rows not joined
    std::array<std::vector<std::string>, kLevels> units_without_row;  ///< levels with a table only
    std::array<bool, kLevels> level_has_table{false, false, false};
    bool area_row = false;                                    ///< a table of level "area" gave the area's figures
    std::vector<Disagreement> disagreements;                  ///< own row against the children's sum
    std::array<long, kFigures> compounds_estimated{0, 0, 0, 0};  ///< per figure (households is never estimated)
    std::array<long, kFigures> compounds_given{0, 0, 0, 0};
    long persons_per_household_default = 0;                  ///< estimates that used the project's persons_per_household
    std::vector<std::string> warnings;                        ///< also in Inputs::warnings
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
