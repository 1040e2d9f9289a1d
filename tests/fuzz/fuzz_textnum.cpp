// libFuzzer target: the free-text readers (numbers, years, yes/no, unknown markers)
// and facility type canonicalisation, which see every attribute of every input.
// They promise to accept any byte string and never throw; this also holds them to
// their contract: a number read is finite, a year is in range, a marker is never a value.
#include "core/ingest.hpp"
#include "core/textnum.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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
