// Every rule of every built-in profile (profiles.md) passes once and fails once, on two
// small worlds built here and worked out by hand. Metres, radius mode, 15 min × 4 km/h
// = 1000 m; point compounds (a facility within 50 m of one is inside it).
//
//   district D1 ─ street S1 (street)   ─ community C1 [0,1000]²       K1 K2
//               ├ street T1 (township) ─ village   V1 [1000,3500]×[0,1000]  K3
//               └ street T2 (township)   (no villages)
//   K1 (300,300) built 2016, 1000 households, 400 elderly
//   K2 (700,700) built 2022,  500 households, 100 elderly
//   K3 (3300,500) built 2000, 200 households, 150 elderly
//
// "good": census population 10,000, elderly 2,000; C1 and V1 elderly-friendly.
//   S1: NH1 nursing home (200,200) beds 100 nursing 70, land 3000 m², 5000 family beds,
//       safety net, disabled care, public_private, 三级, opened 2010, 医养结合, demonstration;
//       DC1 dementia care (600,200) beds 20 nursing 20, private, 医养结合; SC1 street centre
//       (500,500); canteens CA1 (400,600), CA2 (800,300); DY1 day care (300,700); SP1
//       supporting 400 m² at K1; SP2 supporting 400 m² and CC1 childcare (30 places,
//       inclusive, demonstration) at K2; GD1 guidance (500,800); EU1 elder university (900,900)
//   T1: RC1 regional centre (1500,400) beds 50 nursing 45, public, 二级, opened 2024,
//       医养结合, rural; CA3 canteen; CC2 childcare (30, inclusive, demonstration); GD2;
//       ES1 elder school; DY2 day care (3200,600); RS1 rural station (3300,400); SP3
//       supporting 100 m² at K3
//   T2: RC2 regional centre (4000,500) beds unknown, public, 一级, opened 2024, 医养结合,
//       rural; CA4 canteen; CC3 childcare (30, inclusive, demonstration); GD3; ES2
// "poor": census population 100,000, elderly 10,000; no unit elderly-friendly.
//   RCp regional centre (1200,400) in T1: beds 50 nursing 10, land 500 m², 100 family
//       beds, public, 未评定, opened 2024, no 医养结合, rural, nothing else; CAp canteen
//       (400,600) in S1; SPp supporting 100 m² at K1; CCp childcare (1500,600) in T1:
//       30 places, not inclusive, no demonstration.
// The table below gives each rule's value in each world; the comments work it out.
#include "common/engine.hpp"
#include "project/project.hpp"
#include "reach/reach.hpp"
#include "rules/rules.hpp"
#include "common/geos.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>

using namespace lc;

namespace {
// The engine these tests run on (two threads, so that the parallel paths are taken).
Engine engine(2);


struct Fac {
    const char* id;
    const char* type;
    double x, y;
    std::map<std::string, AttrValue> attrs;
};

AttrValue num(double v) { return AttrValue{std::nullopt, v, std::nullopt}; }
AttrValue yes(bool b) { return AttrValue{std::string(b ? "是" : "否"), std::nullopt, b}; }
AttrValue text(const char* t) { return AttrValue{std::string(t), std::nullopt, std::nullopt}; }

/// Unit of a point: S1/C1 left of 1000, T1/V1 up to 3500, then T2 (no village).
std::array<int, kLevels> unit_of(double x) {
    if (x < 1000) return {0, 0, 0};
    if (x < 3500) return {0, 1, 1};
    return {0, 2, kNone};
}

Inputs world(bool good) {
    GEOSContextHandle_t h = engine.main();
    Inputs in;
    in.working_crs = "EPSG:32648";
    in.has_level = {true, true, true};
    auto unit = [](int level, const char* id, const char* kind, int parent) {
        Unit u;
        u.id = id;
        u.kind = kind;
        u.level = level;
        u.parent = parent;
        return u;
    };
    in.units[kDistrict].push_back(unit(kDistrict, "D1", "district", kNone));
    in.units[kStreet].push_back(unit(kStreet, "S1", "street", 0));
    in.units[kStreet].push_back(unit(kStreet, "T1", "township", 0));
    in.units[kStreet].push_back(unit(kStreet, "T2", "township", 0));
    in.units[kCommunity].push_back(unit(kCommunity, "C1", "community", 0));
    in.units[kCommunity].push_back(unit(kCommunity, "V1", "village", 1));
    Demographics census;
    census.value[0] = good ? 10000 : 100000;  // population
    census.value[2] = good ? 2000 : 10000;    // elderly
    in.units[kDistrict][0].census = census;
    in.area_census = census;
    for (auto& c : in.units[kCommunity]) c.attrs["elderly_friendly"] = yes(good);
    struct K {
        const char* id;
        double x, y;
        int year;
        double hh, old;
    };
    for (const K& k : {K{"K1", 300, 300, 2016, 1000, 400}, K{"K2", 700, 700, 2022, 500, 100}, K{"K3", 3300, 500, 2000, 200, 150}}) {
        Compound c;
        c.id = k.id;
        c.year = k.year;
        c.households = k.hh;
        c.elderly = k.old;
        c.is_point = true;
        c.rep = XY{k.x, k.y};
        c.geom = make_point(h, k.x, k.y);
        c.unit = unit_of(k.x);
        in.compounds.push_back(std::move(c));
    }
    std::vector<Fac> fac;
    if (good) {
        fac = {
            {"NH1", "nursing_home", 200, 200, {{"beds", num(100)}, {"nursing_beds", num(70)}, {"land_area", num(3000)}, {"family_beds", num(5000)},
                                               {"safety_net", yes(true)}, {"disabled_care", yes(true)}, {"operator", text("public_private")},
                                               {"grade", text("三级")}, {"open_year", num(2010)}, {"medical_care", yes(true)},
                                               {"demonstration", yes(true)}, {"rural", yes(false)}}},
            {"DC1", "dementia_care", 600, 200, {{"beds", num(20)}, {"nursing_beds", num(20)}, {"operator", text("private")}, {"medical_care", yes(true)}}},
            {"SC1", "street_center", 500, 500, {}},
            {"CA1", "canteen", 400, 600, {}},
            {"CA2", "canteen", 800, 300, {}},
            {"DY1", "day_care", 300, 700, {}},
            {"SP1", "supporting", 300, 300, {{"floor_area", num(400)}}},
            {"SP2", "supporting", 700, 700, {{"floor_area", num(400)}}},
            {"CC1", "childcare", 700, 700, {{"places", num(30)}, {"inclusive", yes(true)}, {"demonstration", yes(true)}}},
            {"GD1", "childcare_guidance", 500, 800, {}},
            {"EU1", "elder_university", 900, 900, {}},
            {"RC1", "regional_center", 1500, 400, {{"beds", num(50)}, {"nursing_beds", num(45)}, {"operator", text("public")},
                                                   {"grade", text("二级")}, {"open_year", num(2024)}, {"medical_care", yes(true)}, {"rural", yes(true)}}},
            {"CA3", "canteen", 1600, 600, {}},
            {"CC2", "childcare", 1500, 600, {{"places", num(30)}, {"inclusive", yes(true)}, {"demonstration", yes(true)}}},
            {"GD2", "childcare_guidance", 1500, 800, {}},
            {"ES1", "elder_school", 1800, 800, {}},
            {"DY2", "day_care", 3200, 600, {}},
            {"RS1", "rural_station", 3300, 400, {}},
            {"SP3", "supporting", 3300, 500, {{"floor_area", num(100)}}},
            {"RC2", "regional_center", 4000, 500, {{"operator", text("public")}, {"grade", text("一级")}, {"open_year", num(2024)},
                                                   {"medical_care", yes(true)}, {"rural", yes(true)}}},
            {"CA4", "canteen", 4100, 500, {}},
            {"CC3", "childcare", 4000, 600, {{"places", num(30)}, {"inclusive", yes(true)}, {"demonstration", yes(true)}}},
            {"GD3", "childcare_guidance", 4000, 800, {}},
            {"ES2", "elder_school", 4200, 800, {}},
        };
    } else {
        fac = {
            {"RCp", "regional_center", 1200, 400, {{"beds", num(50)}, {"nursing_beds", num(10)}, {"land_area", num(500)}, {"family_beds", num(100)},
                                                   {"safety_net", yes(false)}, {"disabled_care", yes(false)}, {"operator", text("public")},
                                                   {"grade", text("未评定")}, {"open_year", num(2024)}, {"medical_care", yes(false)},
                                                   {"demonstration", yes(false)}, {"rural", yes(true)}}},
            {"CAp", "canteen", 400, 600, {}},
            {"SPp", "supporting", 300, 300, {{"floor_area", num(100)}}},
            {"CCp", "childcare", 1500, 600, {{"places", num(30)}, {"inclusive", yes(false)}, {"demonstration", yes(false)}}},
        };
    }
    for (auto& f : fac) {
        Facility x;
        x.id = f.id;
        x.type = f.type;
        x.pt = XY{f.x, f.y};
        x.attrs.insert(f.attrs.begin(), f.attrs.end());
        if (f.attrs.count("beds")) x.beds = f.attrs.at("beds").number;
        if (f.attrs.count("nursing_beds")) x.nursing_beds = f.attrs.at("nursing_beds").number;
        if (f.attrs.count("floor_area")) x.floor_area = f.attrs.at("floor_area").number;
        x.unit = unit_of(f.x);
        in.facilities.push_back(std::move(x));
    }
    return in;
}

/// One row of the table: the rule's value in the good and the poor world. Pass is
/// "meets its target": every rule passes in good and fails in poor.
struct Row {
    const char* profile;
    const char* rule;
    double good, poor;
};

// clang-format off
const Row kTable[] = {
    // km25
    {"km25", "nursing_bed_share", 135.0 / 170, 0.2},        // INST: (70 + 45 + 20) / (100 + 50 + 20), RC2's beds unknown; poor 10 / 50
    {"km25", "county_safety_net", 1, 0},                    // NH1 safety net; RCp none
    {"km25", "street_center", 1, 0},                        // SC1 in S1
    {"km25", "township_regional_center", 1, 0.5},           // RC1, RC2 in T1, T2; poor T1 only (< 0.65)
    {"km25", "community_day_care", 1, 0},                   // C1 (the only urban community) has DY1
    {"km25", "new_public_nursing_share", 0.9, 0.2},         // public, opened 2024: RC1 45 / 50 (RC2 unknown); RCp 10 / 50
    {"km25", "dementia_care", 1, 0},
    {"km25", "county_disabled_care", 1, 0},
    {"km25", "land_per_capita", 0.3, 0.005},                // 3000 m² / 10,000; 500 / 100,000
    {"km25", "new_compound_support", 1, 0},                 // K1 400 m² ≥ 200, K2 400 ≥ 100; poor K1 100 < 200, K2 none
    {"km25", "street_canteens", 1, 0},                      // S1: 2; poor 1
    {"km25", "township_canteens", 1, 0},
    {"km25", "township_public_graded", 1, 0},               // RC1 二级, RC2 一级; RCp 未评定
    {"km25", "county_public_graded", 1, 0},                 // NH1 public_private 三级
    // km22
    {"km22", "new_compound_support", 1, 0},                 // since 2021: K2
    {"km22", "beds_per_1000_elderly", 85, 5},               // (100 + 50 + 20) / 2000 × 1000; 50 / 10,000 × 1000
    {"km22", "nursing_bed_share", 135.0 / 170, 0.2},
    {"km22", "street_center", 1, 0},
    {"km22", "village_home_care", 1, 0},                    // V1: RS1, DY2
    {"km22", "community_day_care", 1, 0},
    {"km22", "township_childcare_demo", 1, 0},              // CC1, CC2, CC3 in S1, T1, T2; CCp not inclusive
    {"km22", "childcare_places_per_1000", 9, 0.3},          // 90 / 10,000 × 1000; 30 / 100,000 × 1000
    {"km22", "inclusive_places_share", 1, 0},
    {"km22", "street_childcare", 1, 0},                     // CCp lies in T1, not S1
    {"km22", "childcare_guidance_city", 1, 0},
    {"km22", "childcare_guidance_county", 1, 0},
    {"km22", "childcare_guidance_township", 1, 0},
    {"km22", "family_bed_total", 5000, 100},                // ≥ 4000
    {"km22", "compound_childcare", 1, 0},                   // CC1 inside K2
    {"km22", "medical_care_share", 1, 0},                   // NH1, RC1, RC2, DC1; RCp no
    {"km22", "county_medical_care", 1, 0},
    {"km22", "county_elder_university", 1, 0},
    {"km22", "township_elder_school", 1, 0},                // S1 EU1, T1 ES1, T2 ES2 (≥ 0.7)
    {"km22", "elderly_friendly_urban", 1, 0},
    {"km22", "elderly_friendly_rural", 1, 0},
    // jn23
    {"jn23", "street_center", 1, 0},
    {"jn23", "township_regional_center", 1, 0.5},           // target 1.0
    {"jn23", "community_day_care_all", 1, 0},               // C1 DY1, V1 DY2
    {"jn23", "fifteen_minute_circle", 1, 500.0 / 650},      // poor: K3 is 2102 m from RCp: (400 + 100) / 650
    {"jn23", "compound_cleanup_2018", 1, 0},
    // yx19
    {"yx19", "county_elder_apartment", 1, 0},
    {"yx19", "street_center", 1, 0},                        // poor: RCp lies in T1
    {"yx19", "township_center", 1, 0.5},
    {"yx19", "community_center", 1, 0.5},                   // poor: V1 has RCp, C1 nothing
    {"yx19", "nursing_bed_share_rural", 0.9, 0.2},          // rural: RC1 45 / 50; RCp 10 / 50 (< 0.4)
    {"yx19", "county_public_home_100", 1, 0},               // NH1 100 beds, public_private
    {"yx19", "county_medical_care_demo", 1, 0},
    {"yx19", "compound_support_all", 1, 2.0 / 3},           // within 1000 m, no area standard; poor: K3 has none
    // yx21
    {"yx21", "county_disabled_care", 1, 0},
    {"yx21", "street_center", 1, 0},
    {"yx21", "community_day_care", 1, 0},
    {"yx21", "county_regional_centers", 1, 0},              // RC1, RC2; poor 1 < 2
    {"yx21", "land_per_capita", 0.3, 0.005},                // ≥ 0.1
    {"yx21", "new_compound_support", 1, 0},
    {"yx21", "old_compound_support", 1, 0},                 // K1: 400 + 400 within 1000 m ≥ 150, K3: 100 ≥ 30; poor K1 100 < 150
    {"yx21", "fifteen_minute_circle", 1, 500.0 / 650},
    {"yx21", "county_public_home_100", 1, 0},               // NH1: public_private, 100 beds, demonstration
    {"yx21", "county_social_demo", 1, 0},
    {"yx21", "private_bed_share", 120.0 / 170, 0},          // NH1 100 (public_private) + DC1 20 (private) of 170
    {"yx21", "county_medical_care_demo", 1, 0},
};
// clang-format on

/// Which document rule a jurisdiction profile's rule is checked against (profiles.md:
/// merged rules are "as km25", "as jn23" ...; the first document listing the id).
const std::map<std::string, std::vector<std::string>> kDocsOf = {
    {"kunming", {"km25", "km22"}}, {"jinning", {"jn23", "km25", "km22"}}, {"yuxi", {"yx21", "yx19"}}};

std::map<std::string, const RuleResult*> evaluate_profile(const std::string& profile, bool good, Analysis& keep, Project& p) {
    p = Project();
    p.doc = json::object();
    LayerSpec community;
    community.present = true;
    community.key = "community";
    community.attributes["elderly_friendly"] = "老年友好社区";
    p.layers["community"] = community;
    json prof = builtin_profile(profile);
    for (auto& r : prof["rules"]) p.rules.push_back(parse_rule(r, profile, "/rules"));
    static std::map<bool, Inputs> worlds;
    if (!worlds.count(good)) worlds.emplace(good, world(good));
    const Inputs& in = worlds.at(good);
    ReachResult r = compute_reach(engine, p, in, analysis_types(in, p));
    keep = evaluate(engine, p, in, r);
    std::map<std::string, const RuleResult*> out;
    for (auto& rr : keep.rules) out[rr.rule->id] = &rr;
    return out;
}

void check_world(const std::string& profile, const std::vector<std::string>& docs, bool good) {
    Project p;
    Analysis a;
    auto got = evaluate_profile(profile, good, a, p);
    size_t seen = 0;
    for (const std::string& doc : docs)
        for (const Row& row : kTable) {
            if (row.profile != doc || !got.count(row.rule)) continue;
            const RuleResult* rr = got.at(row.rule);
            if (!rr) continue;
            got[row.rule] = nullptr;  // the first document wins (kDocsOf)
            ++seen;
            CAPTURE(profile);
            CAPTURE(row.rule);
            CAPTURE(good);
            REQUIRE_MESSAGE(rr->value.has_value(), rr->note);
            CHECK(*rr->value == doctest::Approx(good ? row.good : row.poor));
            REQUIRE(rr->pass.has_value());
            CHECK(*rr->pass == good);
        }
    CHECK_MESSAGE(seen == got.size(), profile << ": every rule has a row in the table");
}

}  // namespace

TEST_CASE("profiles: every rule of every document profile passes in one world and fails in the other") {
    for (const char* doc : {"km25", "km22", "jn23", "yx19", "yx21"})
        for (bool good : {true, false}) check_world(doc, {doc}, good);
}

TEST_CASE("profiles: the jurisdiction profiles give their documents' figures") {
    for (auto& [profile, docs] : kDocsOf)
        for (bool good : {true, false}) check_world(profile, docs, good);
}

TEST_CASE("profiles: composition of kunming, jinning and yuxi as profiles.md lists it") {
    auto rules = [](const std::string& name) {
        std::map<std::string, Rule> m;
        std::vector<std::string> order;
        json prof = builtin_profile(name);  // kept: the loop reads into it
        for (auto& r : prof["rules"]) {
            Rule x = parse_rule(r, name, "/rules");
            order.push_back(x.id);
            m.emplace(x.id, x);
        }
        return std::make_pair(order, m);
    };
    auto [ko, k] = rules("kunming");
    CHECK(ko.size() == 31);
    CHECK_FALSE(k.count("fifteen_minute_circle"));  // M4: no Kunming document sets one
    CHECK(k.at("nursing_bed_share").due == 2024);
    CHECK(k.at("nursing_bed_share").source.find("KM25") != std::string::npos);
    CHECK(k.at("nursing_bed_share").source.find("KM22") != std::string::npos);
    CHECK(k.at("community_day_care").due == 2025);  // the earlier deadline of equal targets
    CHECK(k.at("community_day_care").target_share == 0.90);
    CHECK(*k.at("new_compound_support").since_year == 2014);  // the wider scope, KM25's deadline
    CHECK(k.at("new_compound_support").due == 2026);
    CHECK(k.at("beds_per_1000_elderly").denominator.of == "units");  // M5
    auto [jo, j] = rules("jinning");
    CHECK(jo.size() == 34);
    CHECK(j.at("township_regional_center").target_share == 1.0);
    CHECK(j.at("township_regional_center").source.find("JN23") == 0);
    CHECK(j.at("street_center").source.find("JN23") != std::string::npos);
    CHECK(*j.at("compound_cleanup_2018").since_year == 2018);
    CHECK(*j.at("new_compound_support").since_year == 2014);  // M9: stays beside the clean-up
    CHECK(j.at("community_day_care").kinds == std::vector<std::string>{"community"});
    CHECK(j.count("community_day_care_all"));
    auto [yo, y] = rules("yuxi");
    CHECK(yo.size() == 15);
    CHECK_FALSE(y.count("compound_support_all"));
    CHECK_FALSE(y.count("county_elder_apartment"));
    CHECK(y.at("street_center").types == std::vector<std::string>{"street_center"});  // yx21's, not yx19's
    CHECK(y.at("nursing_bed_share_rural").due == 2020);
    CHECK(*y.at("new_compound_support").since_year == 2021);  // M6
    // the old names are aliases
    CHECK(builtin_profile("kunming-2025")["rules"].size() == 31);
    CHECK(builtin_profile("jinning-2023")["id"] == "jinning");
    CHECK(builtin_profile("yuxi-2023")["rules"].size() == 15);
}

TEST_CASE("profiles: every built-in rule cites document and clause and states its due year") {
    for (auto& name : builtin_profile_names()) {
        json prof = builtin_profile(name);
        for (auto& r : prof["rules"]) {
            Rule rule = parse_rule(r, name, "/rules");
            CAPTURE(name);
            CAPTURE(rule.id);
            CHECK(rule.due.has_value());
            bool cites = false;
            for (const char* d : {"KM25 ", "KM22 ", "JN23 ", "YX19 ", "YX21 "}) cites |= rule.source.rfind(d, 0) == 0;
            CHECK(cites);
            CHECK(rule.source.find('"') != std::string::npos);  // the clause quoted
        }
    }
}
