#include "outputs/symbology.hpp"

#include "project/vocabulary.hpp"

#include "common/markup.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

namespace lc {

std::string Rgba::qgis() const {
    return std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b) + "," + std::to_string(a);
}

std::string Rgba::hex() const {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r & 255, g & 255, b & 255);
    return buf;
}

namespace {

Rgba rgb(unsigned v) { return {static_cast<int>(v >> 16 & 255), static_cast<int>(v >> 8 & 255), static_cast<int>(v & 255)}; }

}  // namespace

TypeStyle type_style(const std::string& type) {
    // Hues kept away from the red/green of the indicator classes, shapes distinct enough
    // to tell the types apart in a black-and-white print of the report.
    static const std::map<std::string, TypeStyle> m = {
        {"day_care", {"day_care", "日间照料中心", "Day-care centre", rgb(0x1f78b4), "circle", "circle", 2.6}},
        {"canteen", {"canteen", "老年幸福食堂", "Elderly canteen", rgb(0xff7f00), "triangle", "triangle", 3.0}},
        {"street_center", {"street_center", "街道综合养老服务中心", "Street elderly-service centre", rgb(0x6a3d9a), "star", "star", 4.4}},
        {"regional_center", {"regional_center", "区域养老服务中心", "Regional elderly-service centre", rgb(0x8c510a), "pentagon", "pentagon", 4.0}},
        {"nursing_home", {"nursing_home", "养老机构", "Nursing home", rgb(0xe7298a), "square", "square", 3.0}},
        {"supporting", {"supporting", "小区配建养老服务用房", "Supporting space in a compound", rgb(0x01665e), "diamond", "diamond", 2.4}},
        {"dementia_care", {"dementia_care", "失智照护机构", "Dementia-care facility", rgb(0x404040), "hexagon", "hexagon", 3.2}},
        {"rural_station", {"rural_station", "农村居家养老服务站", "Rural home-care station", rgb(0x8c6d31), "cross_fill", "cross", 2.8}},
        {"activity_center", {"activity_center", "老年人活动中心", "Activity centre for the elderly", rgb(0x17becf), "hexagon", "hexagon", 2.6}},
        {"elder_university", {"elder_university", "老年大学", "University for the elderly", rgb(0x3f007d), "square", "square", 3.4}},
        {"elder_school", {"elder_school", "老年学校", "School for the elderly", rgb(0x807dba), "diamond", "diamond", 2.8}},
        {"childcare", {"childcare", "托育机构", "Childcare centre", rgb(0xc51b7d), "circle", "circle", 2.8}},
        {"childcare_guidance", {"childcare_guidance", "婴幼儿照护服务指导中心", "Childcare guidance centre", rgb(0x8e0152), "star", "star", 4.0}},
    };
    auto it = m.find(type);
    if (it != m.end()) return it->second;
    for (auto& t : facility_types())  // a canonical type without a style of its own yet
        if (t.id == type) return {type, t.zh, t.en, rgb(0x888888), "circle", "circle", 2.4};
    return {type, type, type, rgb(0x888888), "circle", "circle", 2.4};
}

std::string type_label(const std::string& type, const std::string& lang) {
    TypeStyle s = type_style(type);
    return lang == "en" ? s.en : s.zh;
}

namespace {

/// The classes of target_classes; `meets`: the passing class says it meets the target.
std::vector<ValueClass> classes_against(double target, bool percent, const std::string& lang, bool meets) {
    const double inf = std::numeric_limits<double>::infinity();
    // Same tolerance as the rules' pass test, so "passes" and the class agree.
    const double t = target - 1e-9;
    auto num = [&](double v) { return percent ? fmt_trim(v * 100, 1) : fmt_trim(v, 2); };
    std::string pct = percent ? "%" : "";
    double b1 = target * 0.5, b2 = target * 0.75, b3 = target * 0.9;
    std::vector<ValueClass> c = {
        {-inf, b1, rgb(0xd73027), "< " + num(b1) + pct, false},
        {b1, b2, rgb(0xf46d43), num(b1) + "–" + num(b2) + pct, false},
        {b2, b3, rgb(0xfdae61), num(b2) + "–" + num(b3) + pct, false},
        {b3, t, rgb(0xfee08b), num(b3) + pct + tr(lang, "–不足", "–<") + num(target) + pct, false},
        {t, inf, rgb(0xa6d96a), (percent && target >= 1 ? std::string("100%") : "≥ " + num(target) + pct) +
                                    (meets ? tr(lang, "（达标）", " (meets target)") : std::string()),
         true},
    };
    return c;
}

}  // namespace

std::vector<ValueClass> target_classes(double target, bool percent, const std::string& lang) {
    return classes_against(target, percent, lang, true);
}

std::vector<ValueClass> figure_classes(double reference, bool percent, const std::string& lang) {
    return classes_against(reference, percent, lang, false);
}

std::vector<ValueClass> count_classes(double min, const std::string& lang) {
    const double inf = std::numeric_limits<double>::infinity();
    long m = std::max(1L, static_cast<long>(std::ceil(min - 1e-9)));
    std::vector<ValueClass> c;
    std::string none = tr(lang, "0 处", "none");
    c.push_back({-inf, 0.5, rgb(0xd73027), none, false});
    if (m >= 2) {
        std::string lab = m == 2 ? "1" : "1–" + std::to_string(m - 1);
        c.push_back({0.5, m - 0.5, rgb(0xfdae61), lab + tr(lang, " 处", ""), false});
    }
    c.push_back({m - 0.5, m + 0.5, rgb(0xa6d96a), std::to_string(m) + tr(lang, " 处（达标）", " (meets target)"), true});
    c.push_back({m + 0.5, inf, rgb(0x66bd63), "≥ " + std::to_string(m + 1) + tr(lang, " 处", ""), true});
    return c;
}

int class_of(const std::vector<ValueClass>& classes, double v) {
    for (size_t i = 0; i < classes.size(); ++i)
        if (v >= classes[i].lower && v < classes[i].upper) return static_cast<int>(i);
    return -1;
}

Rgba no_data_color() { return rgb(0xe3e3e3); }
Rgba failing_outline_color() { return rgb(0xb00020); }

ReasonStyle reason_style(const std::string& reason) {
    static const std::map<std::string, ReasonStyle> m = {
        // Neutral: the elderly-care and the childcare space rules both give it.
        {"no_facility", {rgb(0xb2182b), "无配建服务用房", "no required on-site facility"}},
        {"area_below_standard", {rgb(0xe34a33), "配建面积不达标", "floor area below standard"}},
        {"single_site_too_small", {rgb(0xfc8d59), "单处面积不足", "single site too small"}},
        {"unknown_year", {rgb(0x8073ac), "建成年份不详", "build year unknown"}},
        {"unknown_households", {rgb(0xb2abd2), "户数不详", "households unknown"}},
        {"not_reached", {rgb(0xd7301f), "步行可达范围外", "outside walking reach"}},
        {"unreachable", {rgb(0x7f0000), "无法接入步行路网", "cannot enter the road network"}},
        {"compliant", {rgb(0x4dac26), "达标", "compliant"}},
        {"not_assessed", {rgb(0xcfcfcf), "不在考核年份内", "not assessed (year out of range)"}},
    };
    auto it = m.find(reason);
    if (it != m.end()) return it->second;
    return {rgb(0xd7301f), reason, reason};
}

std::string reason_label(const std::string& reason, const std::string& lang) {
    ReasonStyle s = reason_style(reason);
    return lang == "en" ? s.en : s.zh;
}

std::string in_sentence(std::string s, const std::string& lang) {
    // "KM22 ...": an acronym keeps its capitals.
    if (lang == "en" && s.size() > 1 && std::isupper(static_cast<unsigned char>(s[0])) && std::islower(static_cast<unsigned char>(s[1])))
        s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}

std::string sentence_case(std::string s, const std::string& lang) {
    if (lang != "en" || s.empty()) return s;
    s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    for (size_t i = 1; i < s.size(); ++i)
        if (s[i - 1] == '(' || (i >= 2 && s[i - 1] == ' ' && s[i - 2] == ':')) s = s.substr(0, i) + in_sentence(s.substr(i), lang);
    return s;
}

std::string kind_label(const std::string& kind, const std::string& lang) {
    if (lang == "en" || kind.empty()) return kind;
    static const std::map<std::string, std::string> m = {
        {"district", "区县"}, {"street", "街道"}, {"township", "乡镇"}, {"community", "社区"}, {"village", "村"}};
    auto it = m.find(kind);
    return it == m.end() ? kind : it->second;
}

std::string input_layer_label(const std::string& key, const std::string& lang) {
    static const std::map<std::string, std::pair<std::string, std::string>> m = {
        {"district", {"区县", "districts"}},          {"street", {"街道（乡镇）", "streets/townships"}},
        {"community", {"社区（村）", "communities/villages"}}, {"compounds", {"住宅小区", "residential compounds"}},
        {"facilities", {"服务设施", "facilities"}}, {"roads", {"道路", "roads"}},
        {"gates", {"小区出入口", "compound gates"}}, {"census", {"人口普查表", "census tables"}}};
    auto it = m.find(key);
    if (it == m.end()) return key;
    return lang == "en" ? it->second.second : it->second.first;
}

std::string level_short(const std::string& level, const std::string& lang) {
    if (level == "district") return tr(lang, "区县", "district");
    if (level == "street") return tr(lang, "街道", "street");
    if (level == "community") return tr(lang, "社区", "community");
    return tr(lang, "全域", "study area");
}

}  // namespace lc
