// The census fixture (tests/fixtures/census), worked by hand. Coordinates: EPSG:32648,
// offsets (270000, 2770000); communities are 1 km squares side by side.
//
//   district D1 ─ street S1 (街道) ─ C1 社区: K1, K2, K3
//                                  └ C2 社区: K4
//               └ street S2 (镇)  ─ C3 村:   K5
//
// communities_census.csv (level community, Chinese headers, text numbers):
//   C1  常住人口 "3000人"  户数 "1000户"  60岁及以上 600    0-3岁 90  老年友好社区 是
//   C2           2000           800      "约300"         60              否
//   C9  (matches no community)                                           是
//   C3 has no row.
// streets_census.csv (level street): S1 5200 / 900; a row without a code; S1 again
// (5300 / 950: a duplicate, the first row is used); S2 has no row.
//
// Roll-up: S1's own row (population 5200) against C1 + C2 = 5000: warned with both
// figures, the own row wins; S1 households 1000 + 800 = 1800 (from its communities).
// S2 has no row and C3 neither: S2 stays unknown, so D1 (S1 known, S2 not) and the
// area stay unknown too: a partial sum would understate them.
//
// Rates: C1 3000 / 1000 = 3.0 persons per household, elderly 600 / 3000 = 0.2,
// infants 90 / 3000 = 0.03; C2 2000 / 800 = 2.5, 300 / 2000 = 0.15, 60 / 2000 = 0.03.
// Compounds:
//   K1 (C1) 100 households, population 250, elderly 40 given: kept; infants 250 × 0.03 = 7.5
//   K2 (C1) households "200户" only: population 200 × 3.0 = 600, elderly 600 × 0.2 = 120,
//           infants 600 × 0.03 = 18 (all estimated)
//   K3 (C1) households "不详", nothing else: nothing to estimate from, stays unknown
//   K4 (C2) 50 households, population 150 given: elderly 150 × 0.15 = 22.5, infants 4.5
//   K5 (C3) 100 households: no unit up the chain (C3, S2, D1, area) gives a rate, so the
//           project's persons_per_household 3.2 gives population 320; no elderly rate:
//           elderly stays unknown
// Never a unit's total: K2 does not get C1's 600 elderly.
#include "common/engine.hpp"
#include "common/errors.hpp"
#include "ingest/ingest.hpp"
#include "project/project.hpp"
#include "units/demographics.hpp"
#include "units/units.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace lc;

namespace {
// The engine these tests run on (two threads, so that the parallel paths are taken).
Engine engine(2);


const std::string kDir = std::string(LIFECIRCLE_TEST_DATA) + "/fixtures/census/";

Inputs census_inputs(const json& doc) {
    Project p = parse_project(doc, kDir + "project.json");
    Inputs in = read_inputs(engine, p);
    assign_units(engine, in, 1000);
    apply_demographics(p, in);
    return in;
}

const Compound& compound(const Inputs& in, const std::string& id) {
    for (auto& c : in.compounds)
        if (c.id == id) return c;
    throw std::runtime_error("no compound " + id);
}

const Unit& unit(const Inputs& in, int level, const std::string& id) {
    for (auto& u : in.units[level])
        if (u.id == id) return u;
    throw std::runtime_error("no unit " + id);
}

bool has_warning(const Inputs& in, const std::string& part) {
    return std::any_of(in.warnings.begin(), in.warnings.end(), [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

}  // namespace

TEST_CASE("census join: every kind of mismatch is reported, none dropped silently") {
    Inputs in = census_inputs(read_json_file(kDir + "project.json"));
    const CensusReport& c = in.census;
    REQUIRE(c.tables.size() == 2);
    CHECK(c.tables[0].rows == 3);
    CHECK(c.tables[0].matched == 2);
    CHECK(c.tables[1].rows == 3);
    CHECK(c.tables[1].matched == 1);
    std::vector<std::string> kinds;
    for (auto& m : c.mismatches) kinds.push_back(m.what + ":" + m.code);
    CHECK(kinds == std::vector<std::string>{"no_unit:C9", "missing_code:", "duplicate_code:S1"});
    CHECK(c.units_without_row[kCommunity] == std::vector<std::string>{"C3"});
    CHECK(c.units_without_row[kStreet] == std::vector<std::string>{"S2"});
    CHECK(c.units_without_row[kDistrict].empty());  // no district table: nothing to miss
    CHECK_FALSE(c.level_has_table[kDistrict]);
    REQUIRE(c.disagreements.size() == 1);
    CHECK(c.disagreements[0].unit_id == "S1");
    CHECK(c.disagreements[0].figure == "population");
    CHECK(c.disagreements[0].own == 5200);
    CHECK(c.disagreements[0].children == 5000);
    CHECK(has_warning(in, "match no community id: C9"));
    CHECK(has_warning(in, "street S1 population: its own row gives 5200, its parts sum to 5000"));
    CHECK(has_warning(in, "no row in any census table: C3"));
    CHECK(has_warning(in, "appear twice; the first row is used: S1"));
    CHECK(has_warning(in, "without a code are not used: row 3"));
}

TEST_CASE("census join: a second table of the same level that gives a unit another figure is warned about") {
    // A second community table (one table split in two files that overlap): C1's
    // population 3100 against the first table's 3000, C2's 2000 the same in both. The
    // later table's figure is used, as it always was, and the difference is said with
    // both figures; an equal figure is no news.
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("lc-census-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    {
        std::ofstream f(dir / "b.csv");
        f << "code,pop\nC1,3100\nC2,2000\n";
    }
    json doc = read_json_file(kDir + "project.json");
    doc["census"].push_back({{"path", (dir / "b.csv").string()}, {"level", "community"}, {"id", "code"}, {"population", "pop"}});
    Inputs in = census_inputs(doc);
    fs::remove_all(dir);
    CHECK(unit(in, kCommunity, "C1").census.value[0] == 3100.0);
    CHECK(unit(in, kCommunity, "C1").census.value[1] == 1000.0);  // households only the first table gives: kept
    CHECK(unit(in, kCommunity, "C2").census.value[0] == 2000.0);
    CHECK(has_warning(in, "b.csv: 1 figure(s) differ from those an earlier census table of level community gives; this table's, "
                          "listed later in the project, are used: C1 population 3000 -> 3100"));
    CHECK_FALSE(has_warning(in, "C2 population"));
    // The first table alone: no such warning.
    CHECK_FALSE(has_warning(census_inputs(read_json_file(kDir + "project.json")), "differ from those an earlier census table"));
}

TEST_CASE("census join: text numbers, roll-up, own rows win, partial sums stay unknown") {
    Inputs in = census_inputs(read_json_file(kDir + "project.json"));
    const Unit& c1 = unit(in, kCommunity, "C1");
    CHECK(c1.census.value[0] == 3000.0);  // "3000人"
    CHECK(c1.census.value[1] == 1000.0);  // "1000户"
    CHECK(unit(in, kCommunity, "C2").census.value[2] == 300.0);  // "约300"
    CHECK_FALSE(unit(in, kCommunity, "C3").census.value[0]);
    CHECK(c1.attrs.at("elderly_friendly").boolean == true);
    const Unit& s1 = unit(in, kStreet, "S1");
    CHECK(s1.census.value[0] == 5200.0);
    CHECK(s1.census.origin[0] == Demographics::Row);
    CHECK(s1.census.value[1] == 1800.0);
    CHECK(s1.census.origin[1] == Demographics::Children);
    CHECK(s1.census.value[2] == 900.0);
    CHECK_FALSE(unit(in, kStreet, "S2").census.value[0]);
    CHECK_FALSE(unit(in, kDistrict, "D1").census.value[0]);
    CHECK_FALSE(in.area_census.value[0]);
    CHECK(has_warning(in, "population, households, elderly, infants unknown for 1 district"));
}

TEST_CASE("compound estimates use the unit's rates, never its totals, and never change given figures") {
    Inputs in = census_inputs(read_json_file(kDir + "project.json"));
    const Compound& k1 = compound(in, "K1");
    CHECK(k1.population == 250.0);
    CHECK(k1.population_source == FigureSource::Data);
    CHECK(k1.elderly == 40.0);
    CHECK(k1.elderly_source == FigureSource::Data);
    CHECK(*k1.infants == doctest::Approx(7.5));
    CHECK(k1.infants_source == FigureSource::Estimated);
    const Compound& k2 = compound(in, "K2");
    CHECK(*k2.population == doctest::Approx(600.0));
    CHECK(k2.population_source == FigureSource::Estimated);
    CHECK(*k2.elderly == doctest::Approx(120.0));
    CHECK(k2.elderly_source == FigureSource::Estimated);
    const Compound& k3 = compound(in, "K3");
    CHECK_FALSE(k3.population);
    CHECK_FALSE(k3.elderly);
    CHECK(k3.elderly_source == FigureSource::Unknown);
    const Compound& k4 = compound(in, "K4");
    CHECK(k4.population_source == FigureSource::Data);
    CHECK(*k4.elderly == doctest::Approx(22.5));
    const Compound& k5 = compound(in, "K5");
    CHECK(*k5.population == doctest::Approx(320.0));  // project persons_per_household 3.2
    CHECK_FALSE(k5.elderly);
    const CensusReport& c = in.census;
    CHECK(c.compounds_estimated[0] == 2);  // K2, K5
    CHECK(c.compounds_estimated[2] == 2);  // K2, K4
    CHECK(c.compounds_estimated[3] == 3);  // K1, K2, K4
    CHECK(c.compounds_given[2] == 1);      // K1
    CHECK(c.persons_per_household_default == 1);
}

TEST_CASE("compound estimates: applying twice gives the same; estimate_compounds false keeps the data as given") {
    json doc = read_json_file(kDir + "project.json");
    Project p = parse_project(doc, kDir + "project.json");
    Inputs in = read_inputs(engine, p);
    assign_units(engine, in, 1000);
    apply_demographics(p, in);
    size_t warnings = in.warnings.size();
    apply_demographics(p, in);
    CHECK(in.warnings.size() == warnings);
    CHECK(*compound(in, "K2").elderly == doctest::Approx(120.0));
    doc["estimate_compounds"] = false;
    Inputs off = census_inputs(doc);
    CHECK_FALSE(compound(off, "K2").population);
    CHECK_FALSE(compound(off, "K4").elderly);
    CHECK(off.census.compounds_estimated[0] == 0);
}

TEST_CASE("census: an area table gives the area's figures and is compared with the districts") {
    json doc = read_json_file(kDir + "project.json");
    doc["census"].push_back(json::parse(R"({"path": "area_census.csv", "level": "area", "population": "常住人口", "elderly": "60岁及以上"})"));
    Inputs in = census_inputs(doc);
    CHECK(in.area_census.value[0] == 5600.0);
    CHECK(in.area_census.value[2] == 1000.0);
    CHECK(in.census.area_row);
    // K5 now has an elderly rate: the area's 1000 / 5600
    CHECK(*compound(in, "K5").elderly == doctest::Approx(320.0 * 1000 / 5600));
}

TEST_CASE("census: a table that cannot be used stops the run with its file and column") {
    json doc = read_json_file(kDir + "project.json");
    doc["census"][0]["elderly"] = "65岁及以上";
    std::string msg;
    try {
        census_inputs(doc);
    } catch (const InputError& e) {
        msg = e.what();
    }
    CHECK(msg.find("communities_census.csv: has no column \"65岁及以上\" (mapped as elderly in /census/0)") != std::string::npos);
    doc = read_json_file(kDir + "project.json");
    doc["census"] = json::parse(R"([{"path": "communities_census.csv", "level": "area", "population": "常住人口"}])");
    msg.clear();
    try {
        census_inputs(doc);
    } catch (const InputError& e) {
        msg = e.what();
    }
    CHECK(msg.find("a census table of level \"area\" holds one row") != std::string::npos);
}
