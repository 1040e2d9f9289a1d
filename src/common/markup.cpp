#include "common/markup.hpp"

#include <cmath>
#include <cstdio>

namespace lc {

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
size_t utf8_len(std::string_view s, size_t i) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k)
        if ((b(i + k) & 0xC0) != 0x80) return 0;
    if (n == 2 && c < 0xC2) return 0;                                  // overlong
    if (n == 3 && c == 0xE0 && b(i + 1) < 0xA0) return 0;              // overlong
    if (n == 3 && c == 0xED && b(i + 1) >= 0xA0) return 0;             // surrogates
    if (n == 4 && (c > 0xF4 || (c == 0xF0 && b(i + 1) < 0x90) || (c == 0xF4 && b(i + 1) >= 0x90))) return 0;
    return n;
}

}  // namespace

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 16);
    for (size_t i = 0; i < s.size();) {
        size_t n = utf8_len(s, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        if (n == 1) {
            char c = s[i];
            switch (c) {
                case '&': out += "&amp;"; break;
                case '<': out += "&lt;"; break;
                case '>': out += "&gt;"; break;
                case '"': out += "&quot;"; break;
                case '\'': out += "&#39;"; break;
                default:
                    if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += c;
            }
        } else {
            out.append(s.data() + i, n);
        }
        i += n;
    }
    return out;
}

std::string utf8_valid(std::string_view s, size_t max_bytes) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
        size_t n = utf8_len(s, i);
        std::string_view piece = n ? s.substr(i, n) : std::string_view("\xEF\xBF\xBD");
        if (out.size() + piece.size() > max_bytes) break;
        out.append(piece);
        i += n ? n : 1;
    }
    return out;
}

std::string fmt_fixed(double v, int decimals) {
    if (!std::isfinite(v)) return "—";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    // "-0.0" reads as a sign error in a table
    if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
    return s;
}

std::string fmt_trim(double v, int decimals) {
    std::string s = fmt_fixed(v, decimals);
    if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
}

std::string fmt_thousands(double v) {
    if (!std::isfinite(v)) return "—";
    std::string s = fmt_fixed(v, 0);
    bool neg = !s.empty() && s[0] == '-';
    std::string digits = neg ? s.substr(1) : s;
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return neg ? "-" + out : out;
}

std::string fmt_percent(double share, int decimals) { return fmt_trim(share * 100, decimals) + "%"; }

}  // namespace lc
