#include "rules/rules.hpp"

#include "rules/evaluator.hpp"

#include <algorithm>
#include <map>
#include <queue>

namespace lc {

namespace eval {

std::optional<double> weight_of(const Compound& c, int w) {
    switch (w) {
        case 0: return 1.0;
        case 1: return c.households;
        case 2: return c.population;
        default: return c.elderly;
    }
}

bool in_types(const std::vector<std::string>& types, const std::string& t) {
    return types.empty() || std::find(types.begin(), types.end(), t) != types.end();
}

int level_of(const std::string& l) {
    if (l == "district") return kDistrict;
    if (l == "street") return kStreet;
    if (l == "community") return kCommunity;
    return -1;
}

bool kind_ok(const Rule& r, const Unit& u) {
    return r.kinds.empty() || std::find(r.kinds.begin(), r.kinds.end(), u.kind) != r.kinds.end();
}

bool facility_in_area(const Inputs& in, const Facility& f) {
    bool any_units = in.has_level[0] || in.has_level[1] || in.has_level[2];
    return !any_units || std::any_of(f.unit.begin(), f.unit.end(), [](int u) { return u != kNone; });
}

std::optional<double> attr_number(const Facility& f, const std::string& a) {
    auto it = f.attrs.find(a);
    if (it != f.attrs.end()) return it->second.number;
    if (a == "beds") return f.beds;
    if (a == "nursing_beds") return f.nursing_beds;
    if (a == "floor_area") return f.floor_area;
    return std::nullopt;
}

namespace {
bool attr_mapped(const Inputs& in, const Project& p, const std::string& a) {
    if (a == "type") return true;
    const LayerSpec* s = p.layer("facilities");
    if (s && (s->fields.count(a) || s->attributes.count(a))) return true;
    for (auto& f : in.facilities)
        if (f.attrs.count(a)) return true;
    return false;
}

bool compare(double v, const std::string& op, double x) {
    if (op == ">=") return v >= x;
    if (op == ">") return v > x;
    if (op == "<=") return v <= x;
    if (op == "<") return v < x;
    if (op == "==" || op == "=") return v == x;
    if (op == "!=") return v != x;
    return false;
}
}  // namespace

std::string unmapped_attribute(const Inputs& in, const Project& p, const json& where, const std::string& extra) {
    if (!extra.empty() && !attr_mapped(in, p, extra)) return extra;
    if (where.is_object())
        for (auto it = where.begin(); it != where.end(); ++it)
            if (!attr_mapped(in, p, it.key())) return it.key();
    return {};
}

bool condition_matches(const AttrValue& v, const json& cond) {
    if (cond.is_object()) {
        for (auto op = cond.begin(); op != cond.end(); ++op) {
            if (op.key() == "in") {
                if (!v.text || !op.value().is_array()) return false;
                bool found = false;
                for (auto& x : op.value()) found |= x.is_string() && x.get<std::string>() == *v.text;
                if (!found) return false;
            } else {
                if (!v.number || !op.value().is_number()) return false;
                if (!compare(*v.number, op.key(), op.value().get<double>())) return false;
            }
        }
        return true;
    }
    if (cond.is_boolean()) return v.boolean && *v.boolean == cond.get<bool>();
    if (cond.is_number()) return v.number && *v.number == cond.get<double>();
    if (cond.is_string()) return v.text && *v.text == cond.get<std::string>();
    if (cond.is_array()) {
        bool found = false;
        for (auto& x : cond) found |= x.is_string() && v.text && x.get<std::string>() == *v.text;
        return found;
    }
    return false;
}

void fail_units(RuleResult& res, const Inputs& in, int level) {
    if (level < 0) return;
    for (size_t u = 0; u < res.per_unit[level].size(); ++u)
        if (res.per_unit[level][u].pass && !*res.per_unit[level][u].pass) res.units_failing.push_back(in.units[level][u].id);
    std::sort(res.units_failing.begin(), res.units_failing.end());
}

void set_pass(RuleResult& res, double target) {
    res.target = target;
    if (res.value) res.pass = *res.value >= target - 1e-12;
}

void not_evaluated(RuleResult& res, double target, const std::string& why, const std::string& why_zh) {
    res.evaluated = false;
    res.note = "not evaluated: " + why;
    res.note_zh = "未判定：" + why_zh;
    res.target = target;
}

void attribute_not_mapped(RuleResult& res, double target, const std::string& attr) {
    not_evaluated(res, target, "facility attribute \"" + attr + "\" is not mapped in the facilities layer",
                  "设施图层未映射属性 \"" + attr + "\"");
}

}  // namespace eval

int weight_index(const std::string& w) {
    for (int i = 0; i < kWeights; ++i)
        if (w == weight_name(i)) return i;
    return 0;
}

bool facility_matches(const Facility& f, const json& where) {
    if (!where.is_object()) return true;
    for (auto it = where.begin(); it != where.end(); ++it) {
        const std::string& k = it.key();
        auto at = f.attrs.find(k);
        AttrValue v;
        if (at != f.attrs.end()) v = at->second;
        else if (auto n = eval::attr_number(f, k)) v.number = n;
        if (k == "type") v.text = f.type;
        if (!eval::condition_matches(v, it.value())) return false;
    }
    return true;
}

namespace {

/// Gaps in a fixed order: compound id, then rule order. Each rule lists its gaps in
/// compound order, so when compounds are in id order (as read, usually) a merge of
/// the rules' runs gives it without comparing ids.
void order_gaps(const Project& p, const Inputs& in, Analysis& a, const std::vector<size_t>& gaps_from) {
    bool by_id = true;
    for (size_t c = 1; c < in.compounds.size() && by_id; ++c) by_id = in.compounds[c - 1].id < in.compounds[c].id;
    if (by_id) {
        // (compound, rule) keys are unique and each run is sorted: a k-way merge.
        std::vector<Gap> merged;
        merged.reserve(a.gaps.size());
        std::vector<size_t> at(gaps_from.begin(), gaps_from.end() - 1);
        using Head = std::pair<std::pair<int, size_t>, size_t>;  // ((compound, rule), rule)
        std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
        for (size_t k = 0; k + 1 < gaps_from.size(); ++k)
            if (at[k] < gaps_from[k + 1]) heads.push({{a.gaps[at[k]].compound, k}, k});
        while (!heads.empty()) {
            size_t k = heads.top().second;
            heads.pop();
            merged.push_back(std::move(a.gaps[at[k]++]));
            if (at[k] < gaps_from[k + 1]) heads.push({{a.gaps[at[k]].compound, k}, k});
        }
        a.gaps = std::move(merged);
    } else {
        std::map<std::string, size_t> rule_pos;
        for (size_t i = 0; i < p.rules.size(); ++i) rule_pos[p.rules[i].id] = i;
        std::stable_sort(a.gaps.begin(), a.gaps.end(), [&](const Gap& x, const Gap& y) {
            const std::string &ix = in.compounds[x.compound].id, &iy = in.compounds[y.compound].id;
            if (ix != iy) return ix < iy;
            return rule_pos[x.rule_id] < rule_pos[y.rule_id];
        });
    }
}

}  // namespace

Analysis evaluate(Engine& engine, const Project& p, const Inputs& in, const ReachResult& r, const SupportFunction& support) {
    Analysis a;
    const eval::WeightSums sums = eval::weigh(in);
    const eval::FacilityTable table = eval::facility_table(p, in);
    eval::Evaluator ev{engine, p, in, r, a, support, sums, table};
    ev.unit_stats();
    ev.bands();
    ev.childcare();
    std::vector<size_t> gaps_from;  // per rule: its first gap
    for (auto& rule : p.rules) {
        gaps_from.push_back(a.gaps.size());
        RuleResult res;
        res.rule = &rule;
        if (p.as_of && rule.due && *rule.due > *p.as_of) {
            // --as-of: a target whose deadline is later is listed, not judged.
            res.not_yet_due = true;
            res.target = rule.check == Check::Ratio || rule.check == Check::MinTotal ? rule.min : rule.target_share;
            res.note = "not yet due (due " + std::to_string(*rule.due) + "; --as-of " + std::to_string(*p.as_of) + ")";
            res.note_zh = "尚未到期（期限 " + std::to_string(*rule.due) + " 年；--as-of " + std::to_string(*p.as_of) + "）";
            res.report_level = eval::level_of(rule.level);
            a.rules.push_back(std::move(res));
            continue;
        }
        switch (rule.check) {
            case Check::MinCount: ev.min_count(rule, res); break;
            case Check::ReachShare: ev.reach_share(rule, res); break;
            case Check::Ratio: ev.ratio(rule, res); break;
            case Check::CompoundSupport: ev.compound_support(rule, res); break;
            case Check::MinAccess: ev.min_access(rule, res); break;
            case Check::FacilityShare: ev.facility_share(rule, res); break;
            case Check::UnitShare: ev.unit_share(rule, res); break;
            case Check::MinTotal: ev.min_total(rule, res); break;
        }
        a.rules.push_back(std::move(res));
    }
    gaps_from.push_back(a.gaps.size());
    order_gaps(p, in, a, gaps_from);
    ev.elderly_reach_figure();
    return a;
}

}  // namespace lc
