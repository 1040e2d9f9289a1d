#pragma once
// CSV text (RFC 4180) for every table lifecircle writes: one quoting rule everywhere.
#include <string>
#include <vector>

namespace lc {

/// UTF-8 byte order mark: spreadsheet programs then read Chinese text correctly.
inline constexpr const char* kUtf8Bom = "\xEF\xBB\xBF";

/// One field: as it is, or quoted (inner quotes doubled) when it holds a comma, a
/// double quote, CR or LF.
std::string csv_field(const std::string& s);

/// Fields joined by commas, ending in "\n" (LF line ends; CR only inside quoted fields).
std::string csv_row(const std::vector<std::string>& fields);

}  // namespace lc
