#pragma once
// Census tables (SPEC 3 `census`): any OGR table (CSV, spreadsheet, GeoPackage ...) with
// a unit code and figures under Chinese headers, read as plain rows. Joining them to
// the units is units/demographics.hpp's job.
#include "ingest/ingest.hpp"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lc {

struct CensusRow {
    std::string code;     ///< trimmed; "" when the cell is empty
    long feature_index = -1;
    std::array<std::optional<double>, kFigures> value;  ///< population, households, elderly, infants
    std::map<std::string, AttrValue> attrs;
};

struct CensusTable {
    std::string label;    ///< "file (layer)" for messages
    std::vector<CensusRow> rows;
    /// What reading noted, as every layer's reading notes it: text numbers reinterpreted
    /// (repairs, layer "census"), numbers that could not be read ("layer.field" counts)
    /// and warnings. Kept with the table, a value of its file alone, and given to the
    /// inputs it is joined to (apply_demographics), where a run notes them.
    std::vector<Repair> repairs;
    std::map<std::string, long> unreadable;
    std::vector<std::string> warnings;
};

/// Reads one census table. Throws InputError (exit 3) when it cannot be read, lacks a
/// mapped column, or (level "area") does not hold exactly one row; ConfigError (exit 2)
/// for a bad `where`.
CensusTable read_census_table(const Project& p, const CensusSpec& spec);

}  // namespace lc
