#include "project/vocabulary.hpp"

#include <algorithm>

namespace lc {

const std::vector<FacilityTypeName>& facility_types() {
    static const std::vector<FacilityTypeName> v = {
        {"day_care", "社区日间照料中心", "Day-care centre"},
        {"canteen", "老年幸福食堂", "Elderly canteen"},
        {"street_center", "街道综合养老服务中心", "Street elderly-service centre"},
        {"regional_center", "乡镇区域养老服务中心", "Regional elderly-service centre"},
        {"nursing_home", "养老机构", "Nursing home"},
        {"supporting", "小区配建养老服务用房", "Supporting space in a compound"},
        {"dementia_care", "失智照护机构", "Dementia-care facility"},
        {"rural_station", "农村居家养老服务站", "Rural home-care station"},
        {"activity_center", "老年人活动中心", "Elderly activity centre"},
        {"elder_university", "老年大学", "Elder university"},
        {"elder_school", "老年学校", "Elder school"},
        {"childcare", "托育机构", "Childcare centre"},
        {"childcare_guidance", "婴幼儿照护服务指导中心", "Infant-care guidance centre"},
    };
    return v;
}

const std::vector<std::string>& canonical_type_ids() {
    static const std::vector<std::string> v = [] {
        std::vector<std::string> ids;
        for (auto& t : facility_types()) ids.push_back(t.id);
        return ids;
    }();
    return v;
}

bool is_canonical_type(const std::string& t) {
    const auto& ids = canonical_type_ids();
    return std::find(ids.begin(), ids.end(), t) != ids.end();
}

const std::map<std::string, std::string>& builtin_type_labels() {
    static const std::map<std::string, std::string> m = {
        {"社区日间照料中心", "day_care"}, {"日间照料中心", "day_care"}, {"社区日间照料站", "day_care"},
        {"老年幸福食堂", "canteen"}, {"助餐点", "canteen"}, {"老年助餐点", "canteen"}, {"老年食堂", "canteen"},
        {"街道综合养老服务中心", "street_center"}, {"综合养老服务中心", "street_center"},
        {"乡镇区域养老服务中心", "regional_center"}, {"农村区域养老服务中心", "regional_center"}, {"区域养老服务中心", "regional_center"},
        {"养老机构", "nursing_home"}, {"养老院", "nursing_home"}, {"老年公寓", "nursing_home"}, {"敬老院", "nursing_home"},
        {"小区配建养老服务用房", "supporting"}, {"配建养老服务用房", "supporting"},
        {"失智照护机构", "dementia_care"}, {"失智老年人照护机构", "dementia_care"},
        {"农村居家养老服务中心", "rural_station"}, {"农村居家养老服务站", "rural_station"}, {"互助养老点", "rural_station"},
        {"农村互助养老服务点", "rural_station"},
        {"老年人活动中心", "activity_center"}, {"老年活动中心", "activity_center"},
        {"老年大学", "elder_university"},
        {"老年大学分校", "elder_school"}, {"老年学校", "elder_school"},
        {"托育机构", "childcare"}, {"托育中心", "childcare"}, {"托育服务机构", "childcare"},
        {"婴幼儿照护服务指导中心", "childcare_guidance"},
        // more labels the plans and listings use
        {"社区居家养老服务中心", "day_care"}, {"社区居家养老服务站", "day_care"}, {"助餐站点", "canteen"},
        {"区域性养老服务中心", "regional_center"}, {"农村敬老院", "nursing_home"}, {"老年养护院", "nursing_home"},
        {"社会福利院", "nursing_home"}, {"失智老年人照护服务机构", "dementia_care"}, {"村级互助养老点", "rural_station"},
        {"村级养老服务站", "rural_station"}, {"老年活动室", "activity_center"}, {"托儿所", "childcare"},
        {"普惠托育机构", "childcare"}, {"托育服务指导中心", "childcare_guidance"},
    };
    return m;
}

const std::vector<std::string>& institution_types() {
    static const std::vector<std::string> v = {"nursing_home", "regional_center", "dementia_care"};
    return v;
}

const std::vector<std::string>& home_care_types() {
    static const std::vector<std::string> v = {"day_care", "canteen", "street_center", "regional_center", "rural_station"};
    return v;
}

const std::vector<std::string>& facility_number_fields() {
    static const std::vector<std::string> v = {"beds", "nursing_beds", "floor_area", "land_area"};
    return v;
}

const std::vector<std::string>& unit_kinds(int level) {
    static const std::vector<std::string> k[] = {{"district"}, {"street", "township"}, {"community", "village"}};
    return k[level < 0 || level > 2 ? 0 : level];
}

std::string unit_kind_of(int level, const std::string& label) {
    static const std::map<std::string, std::string> zh = {{"街道", "street"}, {"乡", "township"}, {"镇", "township"},
                                                          {"乡镇", "township"}, {"社区", "community"}, {"村", "village"},
                                                          {"行政村", "village"}, {"区", "district"}, {"县", "district"}};
    auto z = zh.find(label);
    const std::string& kind = z == zh.end() ? label : z->second;
    const auto& ok = unit_kinds(level);
    return std::find(ok.begin(), ok.end(), kind) == ok.end() ? "" : kind;
}

const std::vector<std::string>& where_operators() {
    // rules.cpp facility_matches: "in" for text, the rest compare numbers
    static const std::vector<std::string> v = {"in", ">=", ">", "<=", "<", "==", "=", "!="};
    return v;
}

}  // namespace lc
