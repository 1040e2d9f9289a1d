#pragma once
// Census tables (SPEC 3 `census`): any OGR table (CSV, spreadsheet, GeoPackage ...) with
// a unit code and figures under Chinese headers, read as plain rows. Joining them to
// the units is units/demographics.hpp's job.
#include "common/model.hpp"
#include "project/project.hpp"

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
    std::vector<Repair> repairs;               ///< text numbers reinterpreted or unreadable
    std::map<std::string, long> unreadable;    ///< "census.<figure>" -> cells that could not be read
    std::vector<std::string> warnings;
};

/// Reads one census table. Throws InputError (exit 3) when it cannot be read, lacks a
/// mapped column, or (level "area") does not hold exactly one row; ConfigError (exit 2)
/// for a bad `where`. `project_file` names the project in messages.
CensusTable read_census_table(const CensusSpec& spec, const std::string& project_file);

}  // namespace lc
