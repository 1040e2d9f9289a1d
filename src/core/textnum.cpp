#include "core/textnum.hpp"

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

std::string_view trim(std::string_view s) {
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
    std::string out = fold_fullwidth(trim(s));
    for (char& c : out) c = ascii_lower(c);
    return out;
}

std::size_t first_digit(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && !is_digit(s[i])) ++i;
    return i;
}

}  // namespace

bool is_unknown_marker(std::string_view s) {
    static constexpr std::string_view kMarkers[] = {
        "", "不详", "暂无数据", "暂无", "未知", "无数据", "—", "——", "–", "-", "--", "/",
        "n/a", "na", "null", "none", "nan"};
    const std::string n = normalize(s);  // so "－－", "N/A", "NULL" match too
    for (auto m : kMarkers)
        if (n == m) return true;
    return false;
}

std::optional<double> parse_number(std::string_view raw) {
    if (is_unknown_marker(raw)) return std::nullopt;
    const std::string s = normalize(raw);
    std::size_t i = first_digit(s);
    if (i == s.size()) return std::nullopt;

    // A minus counts only as the first character: inside text a dash is a range
    // ("100-200户") or a code ("B-3栋"), not a sign.
    std::string num = (i == 1 && s[0] == '-') ? "-" : "";
    // Ranges ("100-200户", "100~200") yield their first bound: the lower figure is the
    // conservative reading for capacities, and it matches what parse_year does.
    auto digit_at = [&](std::size_t k) { return k < s.size() && is_digit(s[k]); };
    while (i < s.size()) {
        if (is_digit(s[i])) {
            num += s[i++];
        } else if (s[i] == ',' && digit_at(i + 1) && digit_at(i + 2) && digit_at(i + 3) &&
                   !digit_at(i + 4)) {
            ++i;  // thousands separator: exactly three digits follow
        } else {
            break;
        }
    }
    if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
        num += s[i++];
        while (digit_at(i)) num += s[i++];
    }

    // Scale via the decimal exponent, not a multiply, so "1.2万" is exactly 12000.
    while (i < s.size() && is_ascii_space(s[i])) ++i;
    static constexpr std::pair<std::string_view, int> kScale[] = {
        {"万", 4}, {"亿", 8}, {"千", 3}};
    for (auto [unit, exp10] : kScale)
        if (starts_with(std::string_view(s).substr(i), unit)) num += "e" + std::to_string(exp10);

    double v = 0;
    const auto r = std::from_chars(num.data(), num.data() + num.size(), v);
    if (r.ec != std::errc() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<int> parse_year(std::string_view raw) {
    if (is_unknown_marker(raw)) return std::nullopt;
    const std::string s = normalize(raw);
    // Only the first digit run is considered, so "2010-2012" is 2010 and "2016.5" /
    // "2016-05" are 2016; a later run is more likely a count than a year.
    const std::size_t b = first_digit(s);
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
        {"有", true}, {"无", false}};
    const std::string s = normalize(raw);
    for (auto [w, v] : kWords)
        if (s == w) return v;
    return std::nullopt;
}

}  // namespace lc::text
