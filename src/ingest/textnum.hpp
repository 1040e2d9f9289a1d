#pragma once
// Reading numbers, years and yes/no out of free text as Chinese planning data writes them
// ("约3000户", "80万㎡", "2016年建成", "２０１６", "暂无数据"). Every function accepts any
// byte string, including invalid UTF-8, and never throws.
#include <optional>
#include <string>
#include <string_view>

namespace lc::text {

/// Without leading and trailing white space: ASCII, the ideographic space U+3000 and
/// NBSP, with which Chinese spreadsheets pad labels.
std::string trim(std::string_view s);

/// First number in the text, scaled by a directly following 万/亿/千.
/// Unknown markers and text without digits give nullopt, never 0; so does text that
/// cannot be read one way only: "0x10" (hexadecimal?), "2,5" (a decimal comma, or two
/// numbers?), "[1, 2]" (a list). A comma followed by exactly three digits ("3,785户")
/// separates thousands.
std::optional<double> parse_number(std::string_view s);

/// First run of digits if it is exactly four digits in [1800, 2100] and not signed
/// ("-2016" is not a year); else nullopt.
std::optional<int> parse_year(std::string_view s);

/// 1/0, true/false, yes/no, y/n (any case), 是/否, 有/无, ticks (√ ✓ ✔) and crosses
/// (× ✗ ✘); else nullopt.
std::optional<bool> parse_bool(std::string_view s);

/// A longitude or latitude written with its hemisphere or a degree sign, as listings
/// copied from a map or a survey have them: "102.72°E", "E102.72", "N25.04", "25.04° N",
/// "东经102.72", "北纬25.04°", "102.72度", "-102.72°"; or in degrees, minutes and
/// seconds: "102°43'12\"E", "N25°2.4′", "东经102度43分12秒".
struct Degrees {
    double value;  ///< negative for W, S, 西经, 南纬
    char axis;     ///< 'E' when the marker names a longitude (E, W, 东经, 西经), 'N' a latitude, 0 neither (a degree sign alone)
};
/// The number of such text; nullopt for anything else: a plain number (it needs no
/// reading), minutes or seconds of 60 or more, seconds after fractional minutes, two
/// hemispheres, a sign beside W or S, a minus sign before degrees-minutes-seconds (write
/// the hemisphere).
std::optional<Degrees> parse_degrees(std::string_view s);

/// "不详", "暂无数据", "—", "N/A", "" and similar placeholders for a missing value.
bool is_unknown_marker(std::string_view s);

}  // namespace lc::text
