#include "ingest/textnum.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include <charconv>
#include <cmath>
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
    static constexpr std::pair<std::string_view, int> kScale[] = {{"万", 4}, {"亿", 8}, {"千", 3}};
    for (auto [unit, e] : kScale)
        if (starts_with(std::string_view(s).substr(j), unit)) {
            exp10 += e;
            j += unit.size();
            i = j;
        }
    if (exp10 != 0) num += "e" + std::to_string(exp10);
    t.end = i;
    const auto r = std::from_chars(num.data(), num.data() + num.size(), t.value);
    if (r.ec != std::errc() || !std::isfinite(t.value)) return std::nullopt;
    return t;
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
    const std::string s = normalize(raw);
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
        label.push_back(code || followed_by(s, t->end, {"期", "栋", "幢", "号", "座", "层", "#", "单元", "区"}));
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
    const std::string s = normalize(raw);
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
