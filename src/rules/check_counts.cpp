// Counting checks (SPEC 5): min_count and min_total (facilities or an attribute summed
// per unit), facility_share (facilities meeting a condition), unit_share (units whose
// attribute meets a condition).
#include "common/measure_label.hpp"
#include "rules/evaluator.hpp"

#include <algorithm>
#include <set>

namespace lc::eval {

std::vector<int> Evaluator::rule_facilities(const Rule& rule) const {
    std::vector<int> fac = of_types(rule.types);
    if (!rule.where.is_null())
        fac.erase(std::remove_if(fac.begin(), fac.end(), [&](int f) { return !facility_matches(in.facilities[f], rule.where); }),
                  fac.end());
    return fac;
}

template <class PerUnit>
void Evaluator::units_passing(const Rule& rule, int level, RuleResult& res, PerUnit&& value) {
    res.report_level = level;
    long applicable = 0, passing = 0;
    auto& pu = res.per_unit[level];
    pu.assign(in.units[level].size(), {});
    for (size_t u = 0; u < pu.size(); ++u) {
        if (!kind_ok(rule, in.units[level][u])) continue;
        ++applicable;
        pu[u] = value(u);
        passing += pu[u].pass.value_or(false);
    }
    res.details["units"] = applicable;
    res.details["units_passing"] = passing;
    if (applicable == 0) {
        res.note = "not evaluated: no unit of this kind";
        res.note_zh = "未判定：没有此类单元";
    }
    else res.value = static_cast<double>(passing) / applicable;
    set_pass(res, rule.target_share);
    fail_units(res, in, level);
}

namespace {
/// A level's Chinese name for the notes of the Chinese report.
std::string level_zh(int level) { return level_label(level_name(level), "zh"); }

/// The level a per-unit check runs at, or a note why it cannot (no such layer).
bool level_present(const Inputs& in, int level, RuleResult& res, double target) {
    if (level < 0 || in.has_level[level]) return true;
    not_evaluated(res, target, std::string("the project has no ") + level_name(level) + " layer",
                  std::string("项目没有") + level_zh(level) + "图层");
    return false;
}
}  // namespace

void Evaluator::min_count(const Rule& rule, RuleResult& res) {
    int level = level_of(rule.level);
    res.report_level = level;
    if (auto miss = unmapped_attribute(in, p, rule.where); !miss.empty())
        return attribute_not_mapped(res, rule.target_share, miss);
    std::vector<int> fac = rule_facilities(rule);
    res.details["facilities_counted"] = fac.size();
    if (level < 0) {
        res.value = fac.size() >= rule.min ? 1.0 : 0.0;
        res.details["count"] = fac.size();
        set_pass(res, rule.target_share);
        return;
    }
    if (!level_present(in, level, res, rule.target_share)) return;
    std::vector<long> count(in.units[level].size(), 0);
    for (int f : fac)
        if (in.facilities[f].unit[level] != kNone) count[in.facilities[f].unit[level]]++;
    units_passing(rule, level, res, [&](size_t u) {
        return UnitRuleValue{static_cast<double>(count[u]), count[u] >= rule.min};
    });
}

/// Σ attribute (or the count) of the rule's facilities, over the area or per unit:
/// at level area the total is the value, held against `min`; per unit the value is the
/// share of units whose total reaches `min`, held against target_share (as min_count).
void Evaluator::min_total(const Rule& rule, RuleResult& res) {
    int level = level_of(rule.level);
    res.report_level = level;
    double target = level < 0 ? rule.min : rule.target_share;
    if (auto miss = unmapped_attribute(in, p, rule.where, rule.total_attr); !miss.empty())
        return attribute_not_mapped(res, target, miss);
    if (!level_present(in, level, res, target)) return;
    std::vector<double> sum(level < 0 ? 0 : in.units[level].size(), 0);
    // A study-area total is also summed per district: which district falls short is
    // what a planner asks next (summary.json details.by_district, the report, the layout).
    const bool by_district = level < 0 && in.has_level[kDistrict];
    std::vector<double> district(by_district ? in.units[kDistrict].size() : 0, 0);
    double total = 0, no_district = 0;
    long unknown = 0, counted = 0;
    const std::vector<std::optional<double>>* column = rule.total_attr.empty() ? nullptr : &table.numbers.at(rule.total_attr);
    for (int f : rule_facilities(rule)) {
        std::optional<double> v = column ? (*column)[f] : std::optional<double>(1.0);
        if (!v) {
            ++unknown;  // left out of the sum, never read as 0
            continue;
        }
        ++counted;
        total += *v;
        const int u = level >= 0 ? in.facilities[f].unit[level] : kNone;
        if (u != kNone) sum[u] += *v;
        if (by_district) (in.facilities[f].unit[kDistrict] != kNone ? district[in.facilities[f].unit[kDistrict]] : no_district) += *v;
    }
    // A total of 0 that nobody gave: no value. (A unit's total is what is known of it,
    // and facilities_unknown says how many were left out, as before.)
    const bool none_known = counted == 0 && unknown > 0;
    if (by_district && !none_known) {
        json d = json::object();
        for (size_t u = 0; u < district.size(); ++u) d[in.units[kDistrict][u].id] = district[u];
        res.details["by_district"] = std::move(d);
        // Facilities in no district (a street without one): their part, so that the
        // parts add up to the total.
        if (no_district != 0) res.details["in_no_district"] = no_district;
    }
    res.details["total"] = none_known ? json(nullptr) : json(total);
    res.details["facilities_counted"] = counted;
    res.details["facilities_unknown"] = unknown;
    if (!rule.total_attr.empty()) res.details["attribute"] = rule.total_attr;
    if (none_known) {
        res.note = "every " + rule.total_attr + " figure is unknown (" + std::to_string(unknown) +
                   " facilities): check the field mapped for it";
        res.note_zh = rule.total_attr + " 全部不详（" + std::to_string(unknown) + " 个设施）：请检查其映射字段";
        res.target = target;
        return;
    }
    if (level < 0) {
        res.value = total;
        set_pass(res, rule.min);
        return;
    }
    units_passing(rule, level, res, [&](size_t u) { return UnitRuleValue{sum[u], sum[u] >= rule.min - 1e-12}; });
}

/// The share of the facilities of `types` that satisfy `where` (e.g. 医养结合 among all
/// institutions): overall and per unit of the level; a unit without such facilities has
/// no share (null), and neither has an area without them.
void Evaluator::facility_share(const Rule& rule, RuleResult& res) {
    int level = level_of(rule.level);
    res.report_level = level;
    if (auto miss = unmapped_attribute(in, p, rule.where); !miss.empty())
        return attribute_not_mapped(res, rule.target_share, miss);
    if (!level_present(in, level, res, rule.target_share)) return;
    const size_t nu = level < 0 ? 0 : in.units[level].size();
    std::vector<long> all(nu, 0), meet(nu, 0);
    long n = 0, m = 0;
    json not_meeting = json::array();  // which ones, for the report: the planner's to-do list
    for (int i : of_types(rule.types)) {
        const Facility& f = in.facilities[i];
        bool ok = facility_matches(f, rule.where);
        ++n;
        m += ok;
        if (!ok) not_meeting.push_back(f.id);
        if (level >= 0 && f.unit[level] != kNone) {
            all[f.unit[level]]++;
            meet[f.unit[level]] += ok;
        }
    }
    res.details["facilities"] = n;
    res.details["facilities_meeting"] = m;
    res.details["facilities_not_meeting"] = std::move(not_meeting);
    if (n > 0) res.value = static_cast<double>(m) / n;
    else {
        res.note = "no facility of these types";
        res.note_zh = "没有此类设施";
    }
    set_pass(res, rule.target_share);
    if (level < 0) return;
    auto& pu = res.per_unit[level];
    pu.assign(nu, {});
    for (size_t u = 0; u < nu; ++u)
        if (all[u] > 0 && kind_ok(rule, in.units[level][u])) {
            double v = static_cast<double>(meet[u]) / all[u];
            pu[u] = {v, v >= rule.target_share - 1e-12};
        }
    fail_units(res, in, level);
}

/// The share of units of a level (and kind) whose attribute meets the condition (e.g.
/// elderly-friendly communities). A unit whose attribute is unknown does not meet it:
/// it stays in the denominator, has no value of its own, and is counted.
void Evaluator::unit_share(const Rule& rule, RuleResult& res) {
    int level = level_of(rule.level);
    if (!level_present(in, level, res, rule.target_share)) return;
    std::set<std::string> mapped;
    if (const LayerSpec* s = p.layer(level_name(level)))
        for (auto& [k, _] : s->attributes) mapped.insert(k);
    for (auto& c : p.census)
        if (c.level == level)
            for (auto& [k, _] : c.attributes) mapped.insert(k);
    for (auto it = rule.unit_condition.begin(); it != rule.unit_condition.end(); ++it)
        if (!mapped.count(it.key()))
            return not_evaluated(res, rule.target_share,
                                 "unit attribute \"" + it.key() + "\" is mapped neither on the " + level_name(level) +
                                     " layer nor in a census table of that level",
                                 std::string("单元属性 \"") + it.key() + "\" 在" + level_zh(level) + "图层和该层级的普查表中均未映射");
    long unknown = 0;
    units_passing(rule, level, res, [&](size_t u) {
        const Unit& un = in.units[level][u];
        bool known = true, ok = true;
        for (auto it = rule.unit_condition.begin(); it != rule.unit_condition.end(); ++it) {
            auto at = un.attrs.find(it.key());
            AttrValue v = at == un.attrs.end() ? AttrValue{} : at->second;
            // A yes/no test needs a yes or a no: other text ("已创建") is not known either.
            known &= it.value().is_boolean() ? v.boolean.has_value() : (v.text || v.number || v.boolean);
            ok &= condition_matches(v, it.value());
        }
        if (!known && !ok) {
            ++unknown;
            return UnitRuleValue{};
        }
        return UnitRuleValue{ok ? 1.0 : 0.0, ok};
    });
    res.details["units_unknown"] = unknown;
    if (unknown > 0 && res.note.empty()) {
        res.note = std::to_string(unknown) + " unit(s) with the attribute unknown count as not meeting it";
        res.note_zh = std::to_string(unknown) + " 个单元该属性未知，按未达标计";
    }
}

void Evaluator::childcare() {
    auto add = [](UnitStats& s, const std::optional<double>& places, bool inclusive) {
        s.childcare_centres++;
        if (!places) {
            s.childcare_places_unknown++;
            return;
        }
        s.childcare_places = s.childcare_places.value_or(0) + *places;
        s.childcare_inclusive_places = s.childcare_inclusive_places.value_or(0) + (inclusive ? *places : 0);
    };
    for (int i : of_types({"childcare"})) {
        const Facility& f = in.facilities[i];
        auto places = attr_number(f, "places");
        auto inc = f.attrs.find("inclusive");
        bool inclusive = inc != f.attrs.end() && inc->second.boolean.value_or(false);
        add(a.area, places, inclusive);
        for (int l = 0; l < kLevels; ++l)
            if (f.unit[l] != kNone) add(a.units[l][f.unit[l]], places, inclusive);
    }
}

}  // namespace lc::eval
