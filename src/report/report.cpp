#include "report/report.hpp"

#include <cmath>
#include <cstdio>

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

namespace {

std::string band_key(double minutes) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", minutes);
    return b;
}

/// summary.json "census": the tables, what did not join, the roll-up disagreements,
/// the area's figures and the compound estimates (SPEC 6).
json census_summary(const Inputs& in) {
    const CensusReport& c = in.census;
    auto lvl = [](int l) { return l < 0 ? std::string("area") : std::string(level_name(l)); };
    json tables = json::array();
    for (auto& t : c.tables) tables.push_back({{"path", t.path}, {"level", lvl(t.level)}, {"rows", t.rows}, {"joined", t.matched}});
    json codes = json::object(), dups = json::object();
    long missing_code = 0;
    for (auto& m : c.mismatches) {
        if (m.what == "no_unit") codes[lvl(m.level)].push_back(m.code);
        else if (m.what == "duplicate_code") dups[lvl(m.level)].push_back(m.code);
        else ++missing_code;
    }
    json without = json::object();
    for (int l = 0; l < kLevels; ++l)
        if (c.level_has_table[l]) without[level_name(l)] = {{"count", c.units_without_row[l].size()}, {"ids", c.units_without_row[l]}};
    json dis = json::array();
    for (auto& d : c.disagreements)
        dis.push_back({{"level", lvl(d.level)}, {"unit_id", d.unit_id}, {"figure", d.figure}, {"own_row", d.own}, {"parts_sum", d.children}});
    json area = json::object();
    for (int f = 0; f < kFigures; ++f) {
        const auto o = in.area_census.origin[f];
        area[figure_name(f)] = opt(in.area_census.value[f]);
        area[std::string(figure_name(f)) + "_from"] = o == Demographics::Row ? json("row") : o == Demographics::Children ? json("sum") : json(nullptr);
    }
    json est = json::object(), given = json::object();
    for (int f : {0, 2, 3}) {
        est[figure_name(f)] = c.compounds_estimated[f];
        given[figure_name(f)] = c.compounds_given[f];
    }
    est["persons_per_household_from_project"] = c.persons_per_household_default;
    return {{"tables", tables},
            {"codes_without_unit", codes},
            {"duplicate_codes", dups},
            {"rows_without_code", missing_code},
            {"units_without_row", without},
            {"disagreements", dis},
            {"area", area},
            {"compounds_estimated", est},
            {"compounds_given", given}};
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
        if (!rule.changed_by_project.empty()) j["changed_by_project"] = rule.changed_by_project;
        j["check"] = check_name(rule.check);
        j["level"] = rule.check == Check::ReachShare || rule.check == Check::CompoundSupport
                         ? (rr.report_level < 0 ? "area" : level_name(rr.report_level))
                         : rule.level;
        j["value"] = opt(rr.value);
        j["target"] = rr.target;
        j["pass"] = rr.pass ? json(*rr.pass) : json(nullptr);
        j["units_failing"] = rr.units_failing;
        j["due"] = rule.due ? json(*rule.due) : json(nullptr);
        if (rr.not_yet_due) j["not_yet_due"] = true;
        if (!rr.note.empty()) j["note"] = rr.note;
        j["details"] = rr.details;
        rules.push_back(j);
    }
    s["rules"] = rules;
    if (p.as_of) s["as_of"] = *p.as_of;
    if (!p.census.empty() || p.persons_per_household) s["census"] = census_summary(in);
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
    // Counted by layer and field, with the first record of each as an example a planner
    // can look up (the report shows them; repairs.csv lists every one).
    std::map<std::string, long> rep;
    std::map<std::string, std::string> example;
    for (auto* list : {&in.repairs, &output_repairs})
        for (auto& r2 : *list) {
            std::string w = r2.what;
            std::string key = r2.layer + ": " + w.substr(0, w.find_first_of(":(\""));
            while (!key.empty() && key.back() == ' ') key.pop_back();
            if (rep[key]++ == 0) example[key] = r2.source_id.empty() ? w : r2.source_id + ": " + w;
        }
    s["repairs"] = {{"total", in.repairs.size() + output_repairs.size()}, {"by_kind", rep}, {"example", example}, {"file", "repairs.csv"}};
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
        // SPEC 4 bands: the elderly share within each band's walk, keyed by minutes
        json bands = json::object();
        for (size_t b = 0; b < a.bands.size(); ++b) bands[band_key(a.bands[b])] = opt(a.area.band_share[t][b]);
        j["elderly_share_within_minutes"] = bands;
        reach[r.types[t]] = j;
    }
    area["reach"] = reach;
    if (a.area.childcare_centres > 0) {
        const auto& pop = in.area_census.value[0];
        const auto& places = a.area.childcare_places;
        area["childcare"] = {{"centres", a.area.childcare_centres},
                             {"places", opt(places)},
                             {"places_unknown", a.area.childcare_places_unknown},
                             {"places_per_1000_residents", opt(places && pop && *pop > 0 ? std::optional<double>(*places / *pop * 1000) : std::nullopt)},
                             {"inclusive_share", opt(places && *places > 0 ? std::optional<double>(*a.area.childcare_inclusive_places / *places)
                                                                           : std::nullopt)}};
    }
    json figs = json::array();
    for (auto& f : a.figures)
        figs.push_back({{"id", f.rule->id}, {"title", {{"zh", f.rule->title_zh}, {"en", f.rule->title_en}}}, {"types", f.rule->types},
                        {"value", opt(f.value)}, {"note", "a figure, not a plan target"}});
    s["figures"] = figs;
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
