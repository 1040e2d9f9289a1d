#include "ingest/values.hpp"

#include "ingest/textnum.hpp"

namespace lc {

AttrValue attr_from_text(const std::string& raw) {
    AttrValue v;
    v.text = text::trim(raw);
    v.number = text::parse_number(*v.text);
    v.boolean = text::parse_bool(*v.text);
    return v;
}

std::string canonical_grade(const std::string& raw) {
    std::string t = text::trim(raw);
    static const char* digits[] = {"一", "二", "三", "四", "五"};
    for (int k = 0; k < 5; ++k) {
        const std::string zh = digits[k], ar = std::to_string(k + 1);
        for (const std::string& d : {zh, ar})
            for (const char* suffix : {"级", "星", "星级"})
                if (t == d + suffix) return zh + "级";
    }
    return t;
}

}  // namespace lc
