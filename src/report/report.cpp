#include "report/report.hpp"

#include <cmath>

namespace lc {

std::string reason_code(const std::string& reason) {
    size_t cut = reason.find_first_of("(\"");
    std::string s = reason.substr(0, cut);
    while (!s.empty() && (s.back() == ' ' || s.back() == ';')) s.pop_back();
    return s;
}

namespace {
json opt(const std::optional<double>& v) {
    if (!v || !std::isfinite(*v)) return nullptr;
    return std::round(*v * 1e9) / 1e9;
}
}  // namespace

json build_summary(const Project& p, const Inputs& in, const ReachResult& r, const Analysis& a, const StageTimes& times,
                   const std::vector<Repair>& output_repairs) {
    json s = json::object();
    s["tool"] = {{"name", "lifecircle"}, {"version", LIFECIRCLE_VERSION}};
    s["project"] = p.name;
    s["profile"] = p.profile;
    s["mode"] = r.mode;
    s["working_crs"] = in.working_crs;
    json rules = json::array();
    for (auto& rr : a.rules) {
        const Rule& rule = *rr.rule;
        json j = json::object();
        j["id"] = rule.id;
        j["title"] = {{"zh", rule.title_zh}, {"en", rule.title_en}};
        j["source"] = rule.source;
        j["check"] = rule.check;
        j["level"] = rule.check == "reach_share" || rule.check == "compound_support"
                         ? (rr.report_level < 0 ? "area" : level_name(rr.report_level))
                         : rule.level;
        j["value"] = opt(rr.value);
        j["target"] = rr.target;
        j["pass"] = rr.pass ? json(*rr.pass) : json(nullptr);
        j["units_failing"] = rr.units_failing;
        if (!rr.note.empty()) j["note"] = rr.note;
        j["details"] = rr.details;
        rules.push_back(j);
    }
    s["rules"] = rules;
    json inputs = json::object();
    for (auto& [k, c] : in.counts) {
        json j = {{"read", c.read}, {"used", c.used}, {"rejected", c.rejected}};
        if (k == "roads") j["not_walkable"] = c.skipped;
        inputs[k] = j;
    }
    s["inputs"] = inputs;
    json by_reason = json::object();
    std::map<std::string, std::map<std::string, long>> br;
    for (auto& rj : in.rejected) br[rj.layer][reason_code(rj.reason)]++;
    for (auto& [layer, m] : br) by_reason[layer] = m;
    s["rejected"] = {{"total", in.rejected.size()}, {"by_layer_and_reason", by_reason}};
    std::map<std::string, long> rep;
    for (auto* list : {&in.repairs, &output_repairs})
        for (auto& r2 : *list) {
            std::string w = r2.what;
            std::string key = r2.layer + ": " + w.substr(0, w.find_first_of(":(\""));
            while (!key.empty() && key.back() == ' ') key.pop_back();
            rep[key]++;
        }
    s["repairs"] = {{"total", in.repairs.size() + output_repairs.size()}, {"by_kind", rep}, {"file", "repairs.csv"}};
    s["unreadable_numbers"] = in.unreadable;
    s["warnings"] = in.warnings;
    if (!output_repairs.empty())
        s["warnings"].push_back(std::to_string(output_repairs.size()) +
                                " output geometries have no lon/lat position (outside the domain of the working CRS " +
                                in.working_crs + ") and are written without geometry; see repairs.csv");
    json area = json::object();
    area["compounds"] = a.area.compounds;
    for (int w = 1; w < kWeights; ++w) {
        area[weight_name(w)] = opt(a.area.total[w]);
        area[std::string(weight_name(w)) + "_unknown"] = a.area.unknown[w];
    }
    json reach = json::object();
    for (size_t t = 0; t < r.types.size(); ++t) {
        json j = {{"reach_m", r.reach_m[t]}, {"facilities", a.area.n_type[t]}};
        for (int w = 0; w < kWeights; ++w)
            j[w == 0 ? std::string("share") : std::string(weight_name(w)) + "_share"] = opt(a.area.reach_share[t][w]);
        reach[r.types[t]] = j;
    }
    area["reach"] = reach;
    s["area"] = area;
    if (r.mode == "network") {
        const NetworkInfo& n = r.network;
        s["network"] = {{"nodes", n.nodes},
                        {"edges", n.edges},
                        {"connected_components", n.components},
                        {"largest_component_length_share", opt(n.largest_component_length_share)},
                        {"total_length_m", opt(n.total_length_m)},
                        {"max_access_m", p.access.max_access_m},
                        {"unsnapped_compounds", n.unsnapped_compounds},
                        {"unsnapped_compound_ids", n.unsnapped_compound_ids},
                        {"unsnapped_facilities", n.unsnapped_facilities},
                        {"unsnapped_facility_ids", n.unsnapped_facility_ids}};
    }
    s["gaps"] = a.gaps.size();
    s["config"] = resolved_config(p);
    json sec = json::object();
    double total = 0;
    for (auto& [k, v] : times.seconds) {
        sec[k] = std::round(v * 1000) / 1000;
        total += v;
    }
    sec["total"] = std::round(total * 1000) / 1000;
    s["seconds"] = sec;
    return s;
}

}  // namespace lc
