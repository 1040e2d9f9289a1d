// The facilities as the checks read them (evaluator.hpp FacilityTable).
#include "rules/evaluator.hpp"

#include <algorithm>

namespace lc::eval {

FacilityTable facility_table(const Project& p, const Inputs& in) {
    FacilityTable t;
    const size_t nf = in.facilities.size();
    for (auto& f : in.facilities) t.types.push_back(f.type);
    std::sort(t.types.begin(), t.types.end());
    t.types.erase(std::unique(t.types.begin(), t.types.end()), t.types.end());
    t.type.resize(nf);
    t.in_area.resize(nf);
    for (size_t f = 0; f < nf; ++f) {
        const Facility& fa = in.facilities[f];
        t.type[f] = static_cast<int>(std::lower_bound(t.types.begin(), t.types.end(), fa.type) - t.types.begin());
        t.in_area[f] = facility_in_area(in, fa);
    }
    for (auto& rule : p.rules) {
        if (rule.check == Check::Ratio)
            for (const RatioTerm* term : {&rule.numerator, &rule.denominator})
                if (term->of == "facilities") t.numbers[term->attr];
        if (rule.check == Check::MinTotal && !rule.total_attr.empty()) t.numbers[rule.total_attr];
    }
    for (auto& [attr, column] : t.numbers) column.resize(nf);
    // facility by facility: each one's attributes are read while they are at hand
    for (size_t f = 0; f < nf; ++f)
        for (auto& [attr, column] : t.numbers) column[f] = attr_number(in.facilities[f], attr);
    return t;
}

std::vector<int> Evaluator::of_types(const std::vector<std::string>& types) const {
    std::vector<char> wanted(table.types.size(), types.empty());
    for (auto& ty : types) {
        auto it = std::lower_bound(table.types.begin(), table.types.end(), ty);
        if (it != table.types.end() && *it == ty) wanted[static_cast<size_t>(it - table.types.begin())] = 1;
    }
    std::vector<int> out;
    for (size_t f = 0; f < table.type.size(); ++f)
        if (wanted[static_cast<size_t>(table.type[f])] && table.in_area[f]) out.push_back(static_cast<int>(f));
    return out;
}

}  // namespace lc::eval
