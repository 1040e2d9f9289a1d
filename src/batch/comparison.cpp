#include "batch/comparison.hpp"

#include "common/csv.hpp"
#include "common/errors.hpp"
#include "outputs/outputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace lc {

namespace {

std::string num(const std::optional<double>& v) {
    if (!v) return "";
    char b[40];
    std::snprintf(b, sizeof b, "%.9g", *v);
    return b;
}

json jnum(const std::optional<double>& v) {
    if (!v) return nullptr;
    return std::round(*v * 1e9) / 1e9;
}

std::string pass_text(const std::optional<bool>& p) { return p ? (*p ? "true" : "false") : ""; }
json pass_json(const std::optional<bool>& p) { return p ? json(*p) : json(nullptr); }

std::string joined(const std::vector<std::string>& v) {
    std::string o;
    for (auto& x : v) o += (o.empty() ? "" : " ") + x;
    return o;
}

}  // namespace

RunFigures run_figures(const Inputs& in, const Analysed& x, const std::shared_ptr<const CompoundList>& like) {
    RunFigures r;
    for (auto& rr : x.a.rules) r.rules.push_back(RuleFigure{rr.rule->id, rr.value, rr.pass, rr.target});
    auto list = std::make_shared<CompoundList>();
    list->id.reserve(in.compounds.size());
    list->street.reserve(in.compounds.size());
    for (auto& c : in.compounds) {
        list->id.push_back(c.id);
        list->street.push_back(c.unit[kStreet] == kNone ? std::string() : in.units[kStreet][c.unit[kStreet]].id);
    }
    if (like && like->id == list->id && like->street == list->street) {
        r.compounds = like;
    } else {
        list->by_id.resize(list->id.size());
        for (size_t i = 0; i < list->by_id.size(); ++i) list->by_id[i] = static_cast<int>(i);
        std::sort(list->by_id.begin(), list->by_id.end(), [&](int a, int b) { return list->id[a] < list->id[b]; });
        r.compounds = std::move(list);
    }
    for (auto& rr : x.a.rules) {
        if (rr.rule->check != Check::ReachShare) continue;
        std::vector<size_t> ts;
        for (size_t t = 0; t < x.r.types.size(); ++t)
            if (std::find(rr.rule->types.begin(), rr.rule->types.end(), x.r.types[t]) != rr.rule->types.end()) ts.push_back(t);
        auto& m = r.reached[rr.rule->id];
        m.assign(in.compounds.size(), 0);
        for (size_t c = 0; c < in.compounds.size(); ++c)
            for (size_t t : ts) m[c] |= x.r.reached[t][c] != 0;
    }
    return r;
}

ScenarioComparison compare_runs(const std::string& id, const RunFigures& r, const RunFigures& base) {
    ScenarioComparison s;
    s.id = id;
    s.ok = true;
    for (auto& fig : r.rules) {
        RuleChange ch;
        ch.figure = fig;
        auto rit = r.reached.find(fig.id);
        auto bit = base.reached.find(fig.id);
        if (rit != r.reached.end() && bit != base.reached.end()) {
            // per street: compounds that become reached / stop being reached
            ch.reach = true;
            const CompoundList& L = *r.compounds;
            const CompoundList& B = *base.compounds;
            const bool same = r.compounds == base.compounds;
            std::unordered_map<std::string, int> base_index;
            if (!same)
                for (size_t c = 0; c < B.id.size(); ++c) base_index.emplace(B.id[c], static_cast<int>(c));
            std::map<std::string, RuleChange::Street> per_street;
            for (int c : L.by_id) {
                const bool now = rit->second[c] != 0;
                bool before = false;
                if (same) {
                    before = bit->second[c] != 0;
                } else {
                    auto b = base_index.find(L.id[c]);
                    before = b != base_index.end() && bit->second[b->second] != 0;
                }
                if (now == before) continue;
                auto& st = per_street[L.street[c]];
                st.id = L.street[c];
                (now ? st.newly_reached : st.no_longer_reached).push_back(L.id[c]);
                (now ? ch.newly_reached : ch.no_longer_reached)++;
            }
            for (auto& [sid, st] : per_street) ch.streets.push_back(std::move(st));
        }
        s.rules.push_back(std::move(ch));
    }
    return s;
}

void record_status(BatchOutcome& o, const ScenarioComparison& sc) {
    o.scenarios.push_back(ScenarioStatus{sc.id, sc.ok, sc.exit_code, sc.ok ? sc.additions_rejected : sc.error});
    if (o.exit_code != 0) return;
    if (!sc.ok) o.exit_code = sc.exit_code;
    else if (!sc.additions_rejected.empty()) o.exit_code = kExitStrict;
}

ComparisonFiles comparison_files(const Comparison& c) {
    ComparisonFiles f;
    json cmp = json::object();
    cmp["base"] = c.base;
    json jb = json::array();
    for (auto& b : c.base_rules) jb.push_back({{"id", b.id}, {"value", jnum(b.value)}, {"target", b.target}, {"pass", pass_json(b.pass)}});
    cmp["base_rules"] = jb;
    f.csv = std::string(kUtf8Bom) + "scenario,status,rule_id,value,target,pass,base_value,change,newly_reached,no_longer_reached\n";
    f.streets_csv =
        std::string(kUtf8Bom) + "scenario,rule_id,street_id,newly_reached,no_longer_reached,newly_reached_ids,no_longer_reached_ids\n";
    for (auto& b : c.base_rules)
        f.csv += csv_row({"base", "ok", b.id, num(b.value), num(b.target), pass_text(b.pass), num(b.value), b.value ? "0" : "", "", ""});
    json js = json::array();
    for (auto& sc : c.scenarios) {
        json s = {{"id", sc.id}, {"status", sc.ok ? "ok" : "failed"}};
        if (!sc.ok) {
            s["error"] = sc.error;
            s["exit_code"] = sc.exit_code;
            js.push_back(s);
            f.csv += csv_row({sc.id, "failed", "", "", "", "", "", "", "", ""});
            continue;
        }
        // Its figures are the base's: flagged rather than reported as "ok, change 0".
        const std::string status = sc.additions_rejected.empty() ? "ok" : "additions_rejected";
        if (!sc.additions_rejected.empty()) {
            s["status"] = status;
            s["error"] = sc.additions_rejected;
        }
        json rules = json::array();
        for (auto& ch : sc.rules) {
            const RuleFigure& fig = ch.figure;
            std::optional<double> bv;
            for (auto& b : c.base_rules)
                if (b.id == fig.id) bv = b.value;
            std::optional<double> change;
            if (fig.value && bv) change = *fig.value - *bv;
            json jr = {{"id", fig.id},         {"value", jnum(fig.value)}, {"target", fig.target}, {"pass", pass_json(fig.pass)},
                       {"base_value", jnum(bv)}, {"change", jnum(change)}};
            if (ch.reach) {
                json streets = json::object();
                for (auto& st : ch.streets) {
                    streets[st.id.empty() ? "(none)" : st.id] = {{"newly_reached", st.newly_reached},
                                                                 {"no_longer_reached", st.no_longer_reached}};
                    f.streets_csv += csv_row({sc.id, fig.id, st.id, std::to_string(st.newly_reached.size()),
                                              std::to_string(st.no_longer_reached.size()), joined(st.newly_reached),
                                              joined(st.no_longer_reached)});
                }
                jr["newly_reached"] = ch.newly_reached;
                jr["no_longer_reached"] = ch.no_longer_reached;
                jr["streets"] = streets;
            }
            rules.push_back(jr);
            f.csv += csv_row({sc.id, status, fig.id, num(fig.value), num(fig.target), pass_text(fig.pass), num(bv), num(change),
                              ch.reach ? std::to_string(ch.newly_reached) : "", ch.reach ? std::to_string(ch.no_longer_reached) : ""});
        }
        s["rules"] = rules;
        js.push_back(s);
    }
    cmp["scenarios"] = js;
    f.json = cmp.dump(1) + "\n";
    return f;
}

void write_comparison(const std::filesystem::path& dir, const Comparison& c) {
    ComparisonFiles files = comparison_files(c);
    write_text(dir / "comparison.json", files.json);
    write_text(dir / "comparison.csv", files.csv);
    write_text(dir / "comparison_streets.csv", files.streets_csv);
}

namespace {

json figure_record(const RuleFigure& f) {
    return {{"id", f.id}, {"value", f.value ? json(*f.value) : json(nullptr)}, {"pass", pass_json(f.pass)}, {"target", f.target}};
}

RuleFigure figure_from(const json& j) {
    RuleFigure f;
    f.id = j.at("id").get<std::string>();
    if (!j.at("value").is_null()) f.value = j.at("value").get<double>();
    if (!j.at("pass").is_null()) f.pass = j.at("pass").get<bool>();
    f.target = j.at("target").get<double>();
    return f;
}

}  // namespace

json comparison_record(const Comparison& c) {
    json j = json::object();
    j["base"] = c.base;
    j["base_rules"] = json::array();
    for (auto& b : c.base_rules) j["base_rules"].push_back(figure_record(b));
    j["scenarios"] = json::array();
    for (auto& sc : c.scenarios) {
        json s = {{"id", sc.id},       {"ok", sc.ok},           {"exit_code", sc.exit_code}, {"error", sc.error},
                  {"rules", json::array()}, {"additions_rejected", sc.additions_rejected}};
        for (auto& ch : sc.rules) {
            json r = {{"figure", figure_record(ch.figure)}, {"reach", ch.reach}, {"newly_reached", ch.newly_reached},
                      {"no_longer_reached", ch.no_longer_reached}, {"streets", json::array()}};
            for (auto& st : ch.streets)
                r["streets"].push_back({{"id", st.id}, {"newly_reached", st.newly_reached}, {"no_longer_reached", st.no_longer_reached}});
            s["rules"].push_back(r);
        }
        j["scenarios"].push_back(s);
    }
    return j;
}

Comparison comparison_from_record(const json& j, const std::string& where) {
    try {
        Comparison c;
        c.base = j.at("base").get<std::string>();
        for (auto& b : j.at("base_rules")) c.base_rules.push_back(figure_from(b));
        for (auto& s : j.at("scenarios")) {
            ScenarioComparison sc;
            sc.id = s.at("id").get<std::string>();
            sc.ok = s.at("ok").get<bool>();
            sc.exit_code = s.at("exit_code").get<int>();
            sc.error = s.at("error").get<std::string>();
            sc.additions_rejected = s.at("additions_rejected").get<std::string>();
            for (auto& r : s.at("rules")) {
                RuleChange ch;
                ch.figure = figure_from(r.at("figure"));
                ch.reach = r.at("reach").get<bool>();
                ch.newly_reached = r.at("newly_reached").get<long>();
                ch.no_longer_reached = r.at("no_longer_reached").get<long>();
                for (auto& st : r.at("streets"))
                    ch.streets.push_back(RuleChange::Street{st.at("id").get<std::string>(),
                                                            st.at("newly_reached").get<std::vector<std::string>>(),
                                                            st.at("no_longer_reached").get<std::vector<std::string>>()});
                sc.rules.push_back(std::move(ch));
            }
            c.scenarios.push_back(std::move(sc));
        }
        return c;
    } catch (const json::exception& e) {
        throw InputError(where + ": not a comparison record written by lifecircle batch --shard (" + e.what() + ")");
    }
}

}  // namespace lc
