#pragma once
// The one list of canonical facility types (profiles.md "Vocabulary") and the Chinese
// source labels recognised without a type_map. Everything that needs the set of types
// (type_map checks, reach order, map styles, --type) reads it from here: add a type
// here and it is known everywhere.
#include <map>
#include <string>
#include <vector>

namespace lc {

struct FacilityTypeName {
    std::string id;   ///< canonical: day_care, canteen, ...
    std::string zh;   ///< the label profiles.md gives
    std::string en;
};

/// Canonical types in their display order (elderly care first, then the rest).
const std::vector<FacilityTypeName>& facility_types();
/// The canonical type ids, in the order of facility_types().
const std::vector<std::string>& canonical_type_ids();
bool is_canonical_type(const std::string& t);

/// The type sets of profiles.md: INST 养老机构 (nursing_home, regional_center,
/// dementia_care) and HOME 居家养老服务圈 (the home-care types the 15-minute figure and
/// the band map use).
const std::vector<std::string>& institution_types();
const std::vector<std::string>& home_care_types();

/// Source labels that map to a canonical type without a type_map entry.
const std::map<std::string, std::string>& builtin_type_labels();

/// Attributes a facility `where` can name besides the mapped `attributes`: the number
/// fields of the facilities layer (when mapped) and the canonical type.
const std::vector<std::string>& facility_number_fields();

/// The kinds of units of a level (kDistrict, kStreet, kCommunity), the level's default
/// first: {"district"}, {"street", "township"}, {"community", "village"}.
const std::vector<std::string>& unit_kinds(int level);
/// The kind a label names at a level: a kind of unit_kinds(level) or a Chinese label of
/// one (街道, 乡, 镇, 乡镇, 社区, 村, 行政村, 区, 县); "" when it names none of that level.
std::string unit_kind_of(int level, const std::string& label);

/// Comparison operators a `where` condition object accepts.
const std::vector<std::string>& where_operators();

}  // namespace lc
