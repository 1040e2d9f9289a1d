#include "common/facility_types.hpp"

#include <algorithm>

namespace lc {

const std::vector<std::string>& canonical_facility_types() {
    static const std::vector<std::string> v = {"day_care",      "canteen",         "street_center", "regional_center",
                                               "nursing_home",  "supporting",      "dementia_care", "rural_station",
                                               "activity_center", "elder_university", "elder_school", "childcare",
                                               "childcare_guidance"};
    return v;
}

bool is_canonical_type(const std::string& type) {
    const auto& v = canonical_facility_types();
    return std::find(v.begin(), v.end(), type) != v.end();
}

const std::map<std::string, std::string>& builtin_type_labels() {
    static const std::map<std::string, std::string> m = {
        {"社区日间照料中心", "day_care"}, {"日间照料中心", "day_care"}, {"社区日间照料站", "day_care"},
        {"社区居家养老服务中心", "day_care"}, {"社区居家养老服务站", "day_care"},
        {"老年幸福食堂", "canteen"}, {"助餐点", "canteen"}, {"老年助餐点", "canteen"}, {"老年食堂", "canteen"},
        {"助餐站点", "canteen"},
        {"街道综合养老服务中心", "street_center"}, {"综合养老服务中心", "street_center"},
        {"乡镇区域养老服务中心", "regional_center"}, {"农村区域养老服务中心", "regional_center"}, {"区域养老服务中心", "regional_center"},
        {"区域性养老服务中心", "regional_center"},
        {"养老机构", "nursing_home"}, {"养老院", "nursing_home"}, {"老年公寓", "nursing_home"}, {"敬老院", "nursing_home"},
        {"农村敬老院", "nursing_home"}, {"老年养护院", "nursing_home"}, {"社会福利院", "nursing_home"},
        {"小区配建养老服务用房", "supporting"}, {"配建养老服务用房", "supporting"},
        {"失智照护机构", "dementia_care"}, {"失智老年人照护机构", "dementia_care"}, {"失智老年人照护服务机构", "dementia_care"},
        {"农村居家养老服务中心", "rural_station"}, {"农村居家养老服务站", "rural_station"}, {"村级互助养老点", "rural_station"},
        {"互助养老点", "rural_station"}, {"农村互助养老服务点", "rural_station"}, {"村级养老服务站", "rural_station"},
        {"老年人活动中心", "activity_center"}, {"老年活动中心", "activity_center"}, {"老年活动室", "activity_center"},
        {"老年大学", "elder_university"},
        {"老年大学分校", "elder_school"}, {"老年学校", "elder_school"},
        {"托育机构", "childcare"}, {"托儿所", "childcare"}, {"托育中心", "childcare"}, {"普惠托育机构", "childcare"},
        {"托育服务机构", "childcare"},
        {"婴幼儿照护服务指导中心", "childcare_guidance"}, {"托育服务指导中心", "childcare_guidance"},
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

}  // namespace lc
