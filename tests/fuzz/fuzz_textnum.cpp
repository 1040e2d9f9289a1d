// libFuzzer target: the free-text readers (numbers, years, yes/no, unknown markers)
// and facility type canonicalisation, which see every attribute of every input.
// They promise to accept any byte string and never throw; this also holds them to
// their contract: a number read is finite, a year is in range, a marker is never a value.
#include "ingest/ingest.hpp"
#include "ingest/textnum.hpp"

#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

bool plain_number(std::string_view s) {
    std::size_t i = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    for (std::size_t k = i; k < s.size(); ++k) {
        char c = s[k];
        bool ok = (c >= '0' && c <= '9') || c == 'e' || c == 'E' || ((c == '-' || c == '+') && (s[k - 1] == 'e' || s[k - 1] == 'E')) ||
                  (c == '.' && k + 1 < s.size() && s[k + 1] >= '0' && s[k + 1] <= '9');
        if (!ok) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view s(reinterpret_cast<const char*>(data), size);
    auto n = lc::text::parse_number(s);
    auto y = lc::text::parse_year(s);
    auto b = lc::text::parse_bool(s);
    bool unknown = lc::text::is_unknown_marker(s);
    if (n && !std::isfinite(*n)) __builtin_trap();
    if (y && (*y < 1800 || *y > 2100)) __builtin_trap();
    // "不详" and friends are null, never 0 (SPEC 8).
    if (unknown && (n || y)) __builtin_trap();
    (void)b;
    // A plain number in C syntax ("2.5e+06", as GDAL writes a real in a text column)
    // reads as strtod reads it.
    if (plain_number(s)) {
        std::string z(s);
        errno = 0;
        char* end = nullptr;
        double want = std::strtod(z.c_str(), &end);
        if (end == z.c_str() + z.size() && errno == 0 && std::isfinite(want) && (!n || *n != want)) __builtin_trap();
    }

    static const lc::LayerSpec spec = [] {
        lc::LayerSpec l;
        l.key = "facilities";
        l.type_map = {{"社区养老驿站", "day_care"}, {"", "canteen"}, {" x ", "nursing_home"}};
        return l;
    }();
    std::string t = lc::canonical_type(spec, std::string(s));
    (void)t;
    return 0;
}
