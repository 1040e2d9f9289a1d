#include "ingest/textnum.hpp"

#include <cstring>

#include <algorithm>
#include <cctype>
#include <vector>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

namespace lc::text {
namespace {

// Hand-rolled rather than <cctype>: those are locale-dependent and UB on negative chars,
// and every byte of invalid UTF-8 is a negative char.
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Spreadsheets exported by Chinese software pad with U+3000 and NBSP, not just ASCII.
constexpr std::string_view kWide[] = {"\xE3\x80\x80", "\xC2\xA0"};

std::string_view trim_view(std::string_view s) {
    for (bool more = true; more;) {
        more = false;
        if (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1), more = true;
        if (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1), more = true;
        for (auto w : kWide) {
            if (starts_with(s, w)) s.remove_prefix(w.size()), more = true;
            if (ends_with(s, w)) s.remove_suffix(w.size()), more = true;
        }
    }
    return s;
}

// Chinese IMEs type digits and number punctuation in full width (U+FF0B..U+FF19 =
// "＋，－．／０..９", UTF-8 EF BC 8B..99); those code points are ASCII + 0xFEE0.
std::string fold_fullwidth(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\xEF' && i + 2 < s.size() && s[i + 1] == '\xBC') {
            const auto c = static_cast<unsigned char>(s[i + 2]);
            if (c >= 0x8B && c <= 0x99) {
                out += char(c - 0x8B + '+');
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

std::string normalize(std::string_view s) {
    std::string out = fold_fullwidth(trim_view(s));
    for (char& c : out) c = ascii_lower(c);
    return out;
}

std::size_t first_digit(std::string_view s, std::size_t from = 0) {
    std::size_t i = from;
    while (i < s.size() && !is_digit(s[i])) ++i;
    return i;
}

}  // namespace

std::string trim(std::string_view s) { return std::string(trim_view(s)); }

bool is_unknown_marker(std::string_view s) {
    static constexpr std::string_view kMarkers[] = {
        "", "不详", "暂无数据", "暂无", "未知", "无数据", "—", "——", "–", "-", "--", "/",
        "n/a", "na", "null", "none", "nan"};
    const std::string n = normalize(s);  // so "－－", "N/A", "NULL" match too
    for (auto m : kMarkers)
        if (n == m) return true;
    return false;
}

namespace {

struct NumberToken {
    double value;
    std::size_t start, end;  // end: just past the number and its scale character
};

/// Reads the number starting at the digit at `i` (a leading '-' only at position 0).
/// `ambiguous` is set when the text around it can be read in more than one way.
/// A phase, building or unit word follows position i (spaces skipped): the figure
/// before it is a label ("1期", "3栋"), not a count.
bool label_follows(std::string_view s, std::size_t i) {
    while (i < s.size() && is_ascii_space(s[i])) ++i;
    for (std::string_view w : {"期", "栋", "幢", "号", "座", "层", "#", "单元", "区"})
        if (starts_with(s.substr(i), w)) return true;
    return false;
}

std::optional<NumberToken> read_number_at(const std::string& s, std::size_t i, bool& ambiguous) {
    NumberToken t{0, i, i};
    std::string num = (i == 1 && s[0] == '-') ? "-" : "";
    auto digit_at = [&](std::size_t k) { return k < s.size() && is_digit(s[k]); };
    while (i < s.size()) {
        if (is_digit(s[i])) {
            num += s[i++];
        } else if (s[i] == ',' && digit_at(i + 1) && digit_at(i + 2) && digit_at(i + 3) && !digit_at(i + 4)) {
            ++i;  // thousands separator: exactly three digits follow
        } else if (s[i] == ',' && digit_at(i + 1)) {
            ambiguous = true;  // "2,5": a decimal comma, or two numbers?
            break;
        } else {
            break;
        }
    }
    // "0x10", "0b101": a number in another base, not zero
    if (num == "0" && i + 1 < s.size() && (s[i] == 'x' || s[i] == 'b' || s[i] == 'o') &&
        (is_digit(s[i + 1]) || (s[i + 1] >= 'a' && s[i + 1] <= 'f')))
        ambiguous = true;
    if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
        num += s[i++];
        while (digit_at(i)) num += s[i++];
    }
    // GDAL writes a number in a text column as "2.5e+06" or "1e-05": keep the exponent
    // (the text was lower-cased). "3e栋" has no exponent digits and stays 3.
    int exp10 = 0;
    if (i < s.size() && s[i] == 'e') {
        std::size_t k = i + 1;
        int sign = 1;
        if (k < s.size() && (s[k] == '+' || s[k] == '-')) sign = s[k++] == '-' ? -1 : 1;
        std::size_t d0 = k;
        int e = 0;
        while (digit_at(k)) e = std::min(e * 10 + (s[k++] - '0'), 99999);  // past that: out of range anyway
        if (k > d0 && !(k < s.size() && s[k] >= 'a' && s[k] <= 'z')) {
            exp10 = sign * e;
            i = k;
        }
    }
    std::size_t j = i;
    while (j < s.size() && is_ascii_space(s[j])) ++j;
    // Scale via the decimal exponent, not a multiply, so "1.2万" is exactly 12000;
    // scales compound ("3万亿" is 3e12).
    // In the order they compound: 千万 (10^7), 万亿 (10^12).
    static constexpr std::pair<std::string_view, int> kScale[] = {{"千", 3}, {"万", 4}, {"亿", 8}};
    int last_scale = 0;  // the power of the last of 万 and 亿 read
    for (auto [unit, e] : kScale)
        if (starts_with(std::string_view(s).substr(j), unit)) {
            exp10 += e;
            j += unit.size();
            i = j;
            if (e >= 4) last_scale = e;
        }
    if (exp10 != 0) num += "e" + std::to_string(exp10);
    t.end = i;
    const auto r = std::from_chars(num.data(), num.data() + num.size(), t.value);
    if (r.ec != std::errc() || !std::isfinite(t.value)) return std::nullopt;
    // "1万2千户", "3万5000", "3万五千" (its numerals written in digits by then): what
    // follows 万 or 亿, in digits with 千, 百 or 十 or none, and less than it, is part of
    // the number, not a second one.
    if (last_scale > 0) {
        std::size_t k = i;
        double rest = 0;
        while (digit_at(k) && rest < 1e12) rest = rest * 10 + (s[k++] - '0');
        if (k > i && !(k < s.size() && (s[k] == '.' || s[k] == ','))) {
            int power = 0;
            static constexpr std::pair<std::string_view, int> kSmall[] = {{"万", 4}, {"千", 3}, {"百", 2}, {"十", 1}};
            for (auto [unit, e] : kSmall)
                if (starts_with(std::string_view(s).substr(k), unit)) {
                    power = e;
                    k += unit.size();
                    break;
                }
            const bool label = label_follows(s, k);  // "1万3期": the 3 is a phase
            // A lone digit with no unit counts one step below, as 两万五 is 25000: 3万5 is
            // 35000, not 30005.
            if (power == 0 && k - i == 1) power = last_scale - 1;
            const double add = rest * std::pow(10.0, power);
            if (!label && add < std::pow(10.0, last_scale)) {
                t.value += add;
                t.end = k;
            }
        }
    }
    return t;
}

// Chinese numerals: a digit (零 to 九, 两, 〇, and the banker's 壹 to 玖) or a unit
// (十 百 千 万 亿, banker's 拾 佰 仟) with its power of ten. Every one is 3 bytes of UTF-8.
struct Numeral {
    int digit = -1;  ///< 0..9, or -1 for a unit
    int power = 0;   ///< a unit's power of ten
};

std::optional<Numeral> numeral_at(std::string_view s, std::size_t i) {
    static constexpr std::pair<std::string_view, Numeral> kNumerals[] = {
        {"零", {0, 0}}, {"〇", {0, 0}}, {"一", {1, 0}}, {"二", {2, 0}}, {"两", {2, 0}}, {"三", {3, 0}}, {"四", {4, 0}},
        {"五", {5, 0}}, {"六", {6, 0}}, {"七", {7, 0}}, {"八", {8, 0}}, {"九", {9, 0}}, {"壹", {1, 0}}, {"贰", {2, 0}},
        {"叁", {3, 0}}, {"肆", {4, 0}}, {"伍", {5, 0}}, {"陆", {6, 0}}, {"柒", {7, 0}}, {"捌", {8, 0}}, {"玖", {9, 0}},
        {"十", {-1, 1}}, {"拾", {-1, 1}}, {"百", {-1, 2}}, {"佰", {-1, 2}}, {"千", {-1, 3}}, {"仟", {-1, 3}},
        {"万", {-1, 4}}, {"亿", {-1, 8}}};
    for (auto& [text, n] : kNumerals)
        if (starts_with(s.substr(i), text)) return n;
    return std::nullopt;
}

/// The value of a run of Chinese numerals as a planner reads it: "三百" 300, "一千二百"
/// 1200, "两千" 2000, "十五" 15, "一百零五" 105, "三万五千" 35000, "一亿二千万" 120000000;
/// a last digit after a unit of a hundred or more counts one step down ("一千二" 1200,
/// "两万五" 25000); digits alone are written out ("二〇一六" 2016). nullopt when the run
/// reads more than one way: "三四百" (300 to 400), a unit without a digit before it but
/// 十 ("百", "万"), units out of order ("三百二千").
std::optional<double> numeral_value(const std::vector<Numeral>& run) {
    const bool units = std::any_of(run.begin(), run.end(), [](const Numeral& n) { return n.digit < 0; });
    if (!units) {
        double v = 0;
        for (auto& n : run) v = v * 10 + n.digit;
        return v;
    }
    double total = 0, section = 0;  // section: below 万, added to total at 万 or 亿
    int digit = -1, last = 9, section_last = 9;  // last unit seen; the section's last small unit
    bool zero = false;                           // a 零 since that unit: "一百零五" is 105, not 150
    for (auto& n : run) {
        if (n.digit == 0) {
            zero = true;
        } else if (n.digit > 0) {
            if (digit >= 0) return std::nullopt;  // "三四百": two digits for one place
            digit = n.digit;
        } else if (n.power < 4) {
            if (digit < 0 && n.power != 1) return std::nullopt;  // "百" with no digit; "十" alone is ten
            if (n.power >= section_last) return std::nullopt;    // "三百二千"
            section += (digit < 0 ? 1 : digit) * std::pow(10.0, n.power);
            digit = -1;
            last = section_last = n.power;
            zero = false;
        } else {
            const double v = section + std::max(digit, 0);
            if (v == 0 && total == 0) return std::nullopt;  // "万" alone
            total = n.power == 8 ? (total + v) * 1e8 : total + v * 1e4;
            section = 0;
            digit = -1;
            last = n.power;
            section_last = 9;
            zero = false;
        }
    }
    if (digit > 0) section += !zero && last >= 2 ? digit * std::pow(10.0, last - 1) : digit;
    return total + section;
}

/// A lone numeral is a number only where a count or a label number follows (or nothing):
/// "一些" (some), "一般" (ordinary) and "一直" are words, "三户" and "二期" are not.
bool counted_after(std::string_view s, std::size_t i) {
    if (i >= s.size() || static_cast<unsigned char>(s[i]) < 0x80) return true;
    for (std::string_view w : {"户", "套", "人", "名", "床", "张", "个", "间", "栋", "幢", "号", "期", "层", "座", "单元", "区", "所", "处", "家"})
        if (starts_with(s.substr(i), w)) return true;
    return false;
}

/// The text with every run of Chinese numerals that holds a digit, or starts with 十
/// ("十五"), written in ASCII digits, so that what follows reads it as it reads "300户".
/// A run of units alone stays (万科, 百合, 千禧 are names), as does a lone digit in a word
/// (counted_after); so does a unit run after an
/// ASCII digit ("3万", "1.2万", which read_number_at scales) and a run that reads more
/// than one way (numeral_value).
std::string chinese_numerals_to_digits(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        std::vector<Numeral> run;
        std::size_t j = i;
        for (std::optional<Numeral> n; (n = numeral_at(s, j)); j += 3) run.push_back(*n);
        if (run.empty()) {
            out += s[i++];
            continue;
        }
        const bool has_digit = std::any_of(run.begin(), run.end(), [](const Numeral& n) { return n.digit >= 0; });
        const bool after_number = !out.empty() && (is_digit(out.back()) || out.back() == '.') && run[0].digit < 0;
        // "3万五千": the unit scales the digits before it (read_number_at does that), the
        // numerals after it are a run of their own.
        if (after_number && run.size() > 1 && run[0].power >= 4) {
            out.append(s, i, 3);
            i += 3;
            continue;
        }
        std::optional<double> v;
        if ((has_digit || run[0].power == 1) && !after_number && (run.size() > 1 || counted_after(s, j))) v = numeral_value(run);
        if (v && *v < 1e15) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.0f", *v);
            out += buf;
        } else {
            out.append(s, i, j - i);
        }
        i = j;
    }
    return out;
}

bool followed_by(const std::string& s, std::size_t i, std::initializer_list<std::string_view> words) {
    while (i < s.size() && is_ascii_space(s[i])) ++i;
    for (auto w : words)
        if (starts_with(std::string_view(s).substr(i), w)) return true;
    return false;
}

}  // namespace

std::optional<double> parse_number(std::string_view raw) {
    if (is_unknown_marker(raw)) return std::nullopt;
    const std::string s = chinese_numerals_to_digits(normalize(raw));
    // Listing sites write "1期150", "A2住宅140套", "约3000户": a figure followed by a
    // count unit (户, 套) wins; phase, building and unit numbers ("1期", "A2", "3栋")
    // give way to any other figure; otherwise the first figure counts. Ranges
    // ("100-200户") yield their first bound, the conservative reading for capacities.
    // A JSON list or object written into a text column ("[120, 80]") is not one number.
    if (!s.empty() && (s[0] == '[' || s[0] == '{')) return std::nullopt;
    std::vector<NumberToken> toks;
    std::vector<bool> label;
    for (std::size_t i = first_digit(s); i < s.size(); i = first_digit(s, i)) {
        bool ambiguous = false;
        auto t = read_number_at(s, i, ambiguous);
        if (!t || ambiguous) return std::nullopt;
        // "100-200户": a range counts by its first bound, whatever unit follows the second
        bool range_start = false;
        for (std::string_view sep : {"-", "~", "～", "至", "到", "—"})
            if (starts_with(std::string_view(s).substr(t->end), sep) && t->end + sep.size() < s.size() &&
                is_digit(s[t->end + sep.size()]))
                range_start = true;
        if (range_start) {
            std::size_t j = t->end;
            while (j < s.size() && !is_digit(s[j])) ++j;
            bool ambiguous_second = false;
            auto second = read_number_at(s, j, ambiguous_second);
            if (second && followed_by(s, second->end, {"户", "套"})) return t->value;
        }
        bool code = t->start > 0 && std::isalpha(static_cast<unsigned char>(s[t->start - 1]));
        if (followed_by(s, t->end, {"户", "套"})) return t->value;
        label.push_back(code || label_follows(s, t->end));
        toks.push_back(*t);
        i = std::max(t->end, i + 1);
        if (toks.size() > 64) break;
    }
    if (toks.empty()) return std::nullopt;
    for (std::size_t k = 0; k < toks.size(); ++k)
        if (!label[k]) return toks[k].value;
    return toks[0].value;
}

std::optional<int> parse_year(std::string_view raw) {
    if (is_unknown_marker(raw)) return std::nullopt;
    const std::string s = chinese_numerals_to_digits(normalize(raw));  // "二〇一六年"
    // Only the first digit run is considered, so "2010-2012" is 2010 and "2016.5" /
    // "2016-05" are 2016; a later run is more likely a count than a year.
    const std::size_t b = first_digit(s);
    if (b > 0 && b < s.size() && s[b - 1] == '-') return std::nullopt;  // "-2016": not a year
    std::size_t e = b;
    while (e < s.size() && is_digit(s[e])) ++e;
    if (e - b != 4) return std::nullopt;  // "16年" is ambiguous about the century
    int y = 0;
    for (std::size_t k = b; k < e; ++k) y = y * 10 + (s[k] - '0');
    if (y < 1800 || y > 2100) return std::nullopt;
    return y;
}

namespace {

/// Takes an unsigned decimal number from the front of `s` (digits, at most one point).
std::optional<double> take_decimal(std::string& s, bool whole) {
    size_t k = 0;
    int points = 0;
    while (k < s.size() && ((s[k] >= '0' && s[k] <= '9') || (s[k] == '.' && !whole && ++points == 1))) ++k;
    if (k == 0 || s[0] == '.' || s[k - 1] == '.') return std::nullopt;
    double v = std::strtod(s.substr(0, k).c_str(), nullptr);
    s = trim(s.substr(k));
    return v;
}

/// Takes one of `signs` from the front of `s`.
bool take_sign(std::string& s, std::initializer_list<const char*> signs) {
    for (const char* w : signs)
        if (s.compare(0, std::strlen(w), w) == 0) {
            s = trim(s.substr(std::strlen(w)));
            return true;
        }
    return false;
}

/// "102°43'12\"", "102°43′12.5″", "102度43分12秒", "25°2.5'": whole degrees, then minutes
/// (below 60), then optionally seconds (below 60), each with its sign; the hemisphere is
/// already taken off. nullopt for anything else (a decimal degree is read by the caller).
std::optional<double> degrees_minutes_seconds(std::string s) {
    auto deg = take_decimal(s, true);
    if (!deg || !take_sign(s, {"\xC2\xB0", "\xC2\xBA", "\xCB\x9A", "\xE5\xBA\xA6"}) || s.empty()) return std::nullopt;
    auto min = take_decimal(s, false);
    // ' ′ ’ (a word processor's apostrophe) 分; a second sign written as two apostrophes
    // ('') is not a minute sign
    if (!min || *min >= 60 || s.compare(0, 2, "''") == 0 || !take_sign(s, {"'", "\xE2\x80\xB2", "\xE2\x80\x99", "\xE5\x88\x86"}))
        return std::nullopt;
    double v = *deg + *min / 60;
    if (!s.empty()) {
        auto sec = take_decimal(s, false);
        if (!sec || *sec >= 60 || std::floor(*min) != *min ||
            !take_sign(s, {"\"", "''", "\xE2\x80\xB3", "\xE2\x80\x9D", "\xE7\xA7\x92"}) || !s.empty())
            return std::nullopt;  // " '' ″ ” 秒; seconds after fractional minutes would count twice
        v += *sec / 3600;
    }
    return v;
}

}  // namespace

std::optional<Degrees> parse_degrees(std::string_view raw) {
    std::string s = trim(raw);
    char hemi = 0;  // E, W, N or S
    bool degree = false;
    auto take_prefix = [&](const char* word, char h) {
        const size_t n = std::strlen(word);
        if (hemi || s.compare(0, n, word) != 0) return false;
        hemi = h;
        s = trim(s.substr(n));
        return true;
    };
    auto take_suffix = [&](const char* word, bool is_degree, char h) {
        const size_t n = std::strlen(word);
        if (s.size() < n || s.compare(s.size() - n, n, word) != 0 || (h && hemi) || (is_degree && degree)) return false;
        if (h) hemi = h;
        degree = degree || is_degree;
        s = trim(s.substr(0, s.size() - n));
        return true;
    };
    for (auto [word, h] : {std::pair{"东经", 'E'}, {"西经", 'W'}, {"北纬", 'N'}, {"南纬", 'S'}})
        if (take_prefix(word, h)) break;
    if (!hemi && !s.empty() && std::strchr("EWNSewns", s[0])) {
        hemi = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
        s = trim(s.substr(1));
    }
    for (auto [word, h] : {std::pair{"E", 'E'}, {"W", 'W'}, {"N", 'N'}, {"S", 'S'}, {"e", 'E'}, {"w", 'W'}, {"n", 'N'}, {"s", 'S'}})
        if (take_suffix(word, false, h)) break;
    if (auto dms = degrees_minutes_seconds(s)) {
        double v = *dms;
        if (hemi == 'W' || hemi == 'S') v = -v;
        return Degrees{v, hemi == 'E' || hemi == 'W' ? 'E' : hemi ? 'N' : '\0'};
    }
    for (const char* sign : {"\xC2\xB0", "\xC2\xBA", "\xCB\x9A", "\xE5\xBA\xA6"})  // ° º ˚ 度
        if (take_suffix(sign, true, 0)) break;
    if (!hemi && !degree) return std::nullopt;
    // What is left is a plain decimal number: digits, at most one point, a leading sign.
    size_t i = s.size() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
    const bool negative = !s.empty() && s[0] == '-';
    if (i >= s.size()) return std::nullopt;
    int points = 0, digits = 0;
    for (size_t k = i; k < s.size(); ++k) {
        if (s[k] == '.') ++points;
        else if (s[k] >= '0' && s[k] <= '9') ++digits;
        else return std::nullopt;
    }
    if (points > 1 || digits == 0) return std::nullopt;
    double v = std::strtod(s.c_str(), nullptr);
    if (hemi == 'W' || hemi == 'S') {
        if (negative || i == 1) return std::nullopt;  // "-102 W": which way?
        v = -v;
    }
    return Degrees{v, hemi == 'E' || hemi == 'W' ? 'E' : hemi ? 'N' : '\0'};
}

std::optional<bool> parse_bool(std::string_view raw) {
    static constexpr std::pair<std::string_view, bool> kWords[] = {
        {"1", true},  {"0", false},  {"true", true}, {"false", false}, {"yes", true},
        {"no", false}, {"y", true},  {"n", false},   {"是", true},     {"否", false},
        {"有", true}, {"无", false},
        // the tick and the cross of Chinese spreadsheets' yes/no columns
        {"\u221a", true}, {"\u2713", true}, {"\u2714", true}, {"\u00d7", false}, {"\u2717", false}, {"\u2718", false}};
    const std::string s = normalize(raw);
    for (auto [w, v] : kWords)
        if (s == w) return v;
    return std::nullopt;
}

}  // namespace lc::text
