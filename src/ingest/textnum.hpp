#pragma once
// Reading numbers, years and yes/no out of free text as Chinese planning data writes them
// ("约3000户", "80万㎡", "2016年建成", "２０１６", "暂无数据"). Every function accepts any
// byte string, including invalid UTF-8, and never throws.
#include <optional>
#include <string_view>

namespace lc::text {

/// First number in the text, scaled by a directly following 万/亿/千.
/// Unknown markers and text without digits give nullopt, never 0.
std::optional<double> parse_number(std::string_view s);

/// First run of digits if it is exactly four digits in [1800, 2100]; else nullopt.
std::optional<int> parse_year(std::string_view s);

/// 1/0, true/false, yes/no, y/n (any case), 是/否, 有/无; else nullopt.
std::optional<bool> parse_bool(std::string_view s);

/// "不详", "暂无数据", "—", "N/A", "" and similar placeholders for a missing value.
bool is_unknown_marker(std::string_view s);

}  // namespace lc::text
