#include "ingest/values.hpp"

#include "ingest/textnum.hpp"

#include <cpl_string.h>

#include <cstdio>
#include <cstdlib>

namespace lc {

namespace {

bool valid_utf8(const std::string& s) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t n = s.size();
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (!len || i + len > n) return false;
        for (int k = 1; k < len; ++k)
            if ((p[i + k] & 0xC0) != 0x80) return false;
        i += len;
    }
    return true;
}

std::string format_number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

}  // namespace

std::string text_to_utf8(const std::string& s, const std::string& encoding, bool& recoded) {
    if (valid_utf8(s)) return s;
    const char* from = encoding.empty() ? "GB18030" : encoding.c_str();
    char* r = CPLRecode(s.c_str(), from, CPL_ENC_UTF8);
    std::string out = r ? r : "";
    CPLFree(r);
    if (!valid_utf8(out)) {
        char* l = CPLRecode(s.c_str(), CPL_ENC_ISO8859_1, CPL_ENC_UTF8);
        out = l ? l : "";
        CPLFree(l);
    }
    recoded = true;
    return out;
}

std::optional<double> number_from_text(const std::string& s, const std::string& layer, const std::string& canon,
                                       const std::string& id, std::vector<Repair>& repairs,
                                       std::map<std::string, long>& unreadable) {
    auto v = text::parse_number(s);
    if (!v) {
        if (text::is_unknown_marker(s)) {
            repairs.push_back(Repair{layer, id, canon + ": \"" + s + "\" read as unknown (null)"});
        } else {
            unreadable[layer + "." + canon]++;
            repairs.push_back(Repair{layer, id, canon + ": \"" + s + "\" cannot be read as a number; treated as unknown (null)"});
        }
        return std::nullopt;
    }
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    if (!end || *end != '\0') repairs.push_back(Repair{layer, id, canon + ": \"" + s + "\" read as " + format_number(*v)});
    return v;
}

AttrValue attr_from_text(const std::string& raw) {
    size_t a = raw.find_first_not_of(" \t\r\n"), b = raw.find_last_not_of(" \t\r\n");
    std::string val = a == std::string::npos ? std::string() : raw.substr(a, b - a + 1);
    AttrValue v;
    v.text = val;
    v.number = text::parse_number(val);
    v.boolean = text::parse_bool(val);
    return v;
}

std::string canonical_grade(const std::string& raw) {
    std::string t = attr_from_text(raw).text.value_or("");
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
