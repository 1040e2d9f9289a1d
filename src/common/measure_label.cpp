#include "common/measure_label.hpp"

#include "common/markup.hpp"

#include <map>
#include <utility>

namespace lc {

std::string measure_label(const std::string& name, const std::string& lang, bool census) {
    static const std::map<std::string, std::pair<const char*, const char*>> names = {
        {"beds", {"床位", "beds"}},
        {"nursing_beds", {"护理型床位", "nursing-type beds"}},
        {"floor_area", {"建筑面积（㎡）", "floor area (m²)"}},
        {"land_area", {"用地面积（㎡）", "land area (m²)"}},
        {"places", {"托位", "childcare places"}},
        {"family_beds", {"家庭养老床位", "family care beds"}},
        {"elderly", {"老年人口", "elderly"}},
        {"population", {"人口", "residents"}},
        {"households", {"户数", "households"}},
        {"infants", {"婴幼儿", "infants"}},
        {"compounds", {"小区", "compounds"}},
    };
    static const std::map<std::string, std::pair<const char*, const char*>> census_names = {
        {"population", {"常住人口", "residents"}},
        {"elderly", {"老年人口（60岁及以上）", "elderly (60+)"}},
        {"infants", {"婴幼儿（0-3岁）", "infants (0-3)"}},
    };
    if (census)
        if (auto it = census_names.find(name); it != census_names.end()) return tr(lang, it->second.first, it->second.second);
    auto it = names.find(name);
    return it == names.end() ? name : tr(lang, it->second.first, it->second.second);
}

std::string level_label(const std::string& level, const std::string& lang, bool plural) {
    if (lang == "en") {
        if (level == "district") return plural ? "districts" : "district";
        if (level == "street") return plural ? "streets/townships" : "street/township";
        if (level == "community") return plural ? "communities/villages" : "community/village";
        return "study area";
    }
    if (level == "district") return "区县";
    if (level == "street") return "街道（乡镇）";
    if (level == "community") return "社区（村）";
    return "全域";
}

}  // namespace lc
