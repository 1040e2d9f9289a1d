#pragma once
// The one list of canonical facility types (profiles.md "Vocabulary"), in the order
// layers, tables and legends list them, and the Chinese source labels recognised
// without a `type_map`. Validation, ingest, reach and the report all read it here.
#include <map>
#include <string>
#include <vector>

namespace lc {

/// Canonical facility types, in canonical order.
const std::vector<std::string>& canonical_facility_types();
bool is_canonical_type(const std::string& type);
/// Source label (as Chinese data writes it) -> canonical type.
const std::map<std::string, std::string>& builtin_type_labels();

/// The type sets of profiles.md: INST 养老机构, BEDS 各类养老床位, ELDER 养老服务设施 and
/// HOME 居家养老服务圈 (the home-care types the 15-minute figure and the band map use).
const std::vector<std::string>& institution_types();
const std::vector<std::string>& home_care_types();

}  // namespace lc
