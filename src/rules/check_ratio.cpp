// ratio (SPEC 5): Σ numerator / Σ denominator × per, overall and per unit of the level.
// A denominator is a facility attribute, a compound figure, or a unit demographic (the
// census figure of each unit): a missing census figure makes the value null, never a
// compound sum.
#include "common/measure_label.hpp"
#include "rules/evaluator.hpp"

namespace lc::eval {

namespace {

struct Sum {
    double v = 0;
    long n = 0;         ///< figures summed
    long unknown = 0;   ///< figures left out, unknown
    bool known = true;  ///< false: no figure at all (a unit without its census figure)
    /// Every figure there is unknown: the sum would be a 0 nobody gave.
    bool all_unknown() const { return n == 0 && unknown > 0; }
};

std::optional<double> compound_figure(const Compound& c, const std::string& attr) {
    if (attr == "households") return c.households;
    if (attr == "population") return c.population;
    if (attr == "elderly") return c.elderly;
    return c.infants;
}

bool compound_estimated(const Compound& c, const std::string& attr) {
    if (attr == "population") return c.population_source == FigureSource::Estimated;
    if (attr == "elderly") return c.elderly_source == FigureSource::Estimated;
    if (attr == "infants") return c.infants_source == FigureSource::Estimated;
    return false;
}

}  // namespace

void Evaluator::ratio(const Rule& rule, RuleResult& res) {
    int level = level_of(rule.level);
    res.report_level = level;
    for (const RatioTerm* t : {&rule.numerator, &rule.denominator}) {
        if (t->of == "facilities") {
            if (auto miss = unmapped_attribute(in, p, t->where, t->attr); !miss.empty())
                return attribute_not_mapped(res, rule.min, miss);
        } else if (t->of == "compounds") {
            // given in the compounds layer, or estimated from census rates
            const LayerSpec* s = p.layer("compounds");
            bool any = s && s->fields.count(t->attr);
            for (size_t c = 0; c < in.compounds.size() && !any; ++c) any = compound_figure(in.compounds[c], t->attr).has_value();
            if (!any) return not_evaluated(res, rule.min, "compound field \"" + t->attr + "\" is not mapped",
                                            "小区图层未映射字段 \"" + t->attr + "\"");
        }
    }
    // Without the level's layer only the overall value is computed.
    if (level >= 0 && !in.has_level[level]) level = -1;
    const size_t nu = level >= 0 ? in.units[level].size() : 0;
    long estimated = 0;
    auto sum_term = [&](const RatioTerm& t, std::vector<Sum>& per, Sum& all) {
        per.assign(nu, {});
        if (t.of == "facilities") {
            const std::vector<std::optional<double>>& column = table.numbers.at(t.attr);
            for (int i : of_types(t.types)) {
                const Facility& f = in.facilities[i];
                if (!facility_matches(f, t.where)) continue;
                const std::optional<double>& v = column[i];
                int u = level >= 0 ? f.unit[level] : kNone;
                if (!v) {
                    all.unknown++;
                    if (u != kNone) per[u].unknown++;
                    continue;
                }
                all.v += *v;
                all.n++;
                if (u != kNone) per[u].v += *v, per[u].n++;
            }
        } else if (t.of == "compounds") {
            for (auto& c : in.compounds) {
                auto v = compound_figure(c, t.attr);
                int u = level >= 0 ? c.unit[level] : kNone;
                if (!v) {
                    all.unknown++;
                    if (u != kNone) per[u].unknown++;
                    continue;
                }
                estimated += compound_estimated(c, t.attr);
                all.v += *v;
                all.n++;
                if (u != kNone) per[u].v += *v, per[u].n++;
            }
        } else {
            // the census figure of each unit, and of the whole area
            for (size_t u = 0; u < nu; ++u) {
                auto v = in.units[level][u].census.get(t.attr);
                per[u].known = v.has_value();
                per[u].n = v.has_value();
                per[u].v = v.value_or(0);
                all.unknown += !v;
            }
            auto v = in.area_census.get(t.attr);
            all.known = v.has_value();
            all.n = v.has_value();
            all.v = v.value_or(0);
        }
    };
    std::vector<Sum> pn, pd;
    Sum an, ad;
    sum_term(rule.numerator, pn, an);
    sum_term(rule.denominator, pd, ad);
    const bool census = rule.denominator.of == "units";
    const auto all_unknown = [&](const RatioTerm& t, const Sum& sum, const char* which, const char* which_zh) {
        const std::string whose = t.of == "facilities" ? "facilities" : "compounds";
        const std::string whose_zh = t.of == "facilities" ? "设施" : "小区";
        res.note = std::string("every ") + which + " figure is unknown (" + t.attr + " of " + std::to_string(sum.unknown) +
                   " " + whose + "): check the field mapped for it";
        res.note_zh = std::string(which_zh) + "全部不详（" + std::to_string(sum.unknown) + " 个" + whose_zh + "的 " + t.attr +
                      "）：请检查其映射字段";
    };
    if (!ad.known) {
        res.note = "the study area has no census " + rule.denominator.attr + " figure (map a census table, SPEC 3)";
        res.note_zh = "研究范围没有人口普查" + measure_label(rule.denominator.attr, "zh", true) + "数据（请在项目文件中配置普查表）";
    } else if (an.all_unknown()) {
        all_unknown(rule.numerator, an, "numerator", "分子");
    } else if (ad.all_unknown()) {
        all_unknown(rule.denominator, ad, "denominator", "分母");
    } else if (ad.v > 0) {
        res.value = an.v / ad.v * rule.per;
    } else {
        res.note = "denominator is 0";
        res.note_zh = "分母为 0";
    }
    res.details["numerator"] = an.v;
    res.details["denominator"] = ad.known ? json(ad.v) : json(nullptr);
    res.details["numerator_unknown"] = an.unknown;
    res.details["denominator_unknown"] = ad.unknown;
    res.details["denominator_basis"] = census ? "census" : rule.denominator.of;
    if (rule.denominator.of == "compounds") res.details["denominator_estimated"] = estimated;
    set_pass(res, rule.min);
    if (level < 0) return;
    auto& pu = res.per_unit[level];
    pu.assign(nu, {});
    for (size_t u = 0; u < nu; ++u) {
        if (!kind_ok(rule, in.units[level][u])) continue;
        // A unit whose numerator (or denominator) figures are all unknown has no value:
        // 0 would be a figure nobody gave, failing the unit.
        if (pn[u].all_unknown() || pd[u].all_unknown()) continue;
        if (pd[u].known && pd[u].v > 0) {
            pu[u].value = pn[u].v / pd[u].v * rule.per;
            pu[u].pass = *pu[u].value >= rule.min - 1e-12;
        }
    }
    fail_units(res, in, level);
}

}  // namespace lc::eval
