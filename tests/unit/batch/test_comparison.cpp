// Comparison tables from plain records (batch/comparison.hpp): a shard's record read
// back gives the very bytes the batch wrote, and fields are quoted by the one CSV rule.
#include "batch/comparison.hpp"
#include "common/errors.hpp"

#include <doctest/doctest.h>

using namespace lc;

namespace {
Comparison sample() {
    Comparison c;
    c.base = "/data/project.json";
    c.base_rules = {{"r_reach", 250.0 / 310.0, false, 0.9}, {"r_count", std::nullopt, std::nullopt, 1}};
    ScenarioComparison ok{"add-f7", true, 0, "", {}};
    RuleChange ch;
    ch.figure = {"r_reach", 1.0, true, 0.9};
    ch.reach = true;
    ch.newly_reached = 1;
    ch.streets.push_back({"S2", {"K4"}, {}});
    ok.rules.push_back(ch);
    ok.rules.push_back(RuleChange{{"r_count", 0.5, false, 1}, false, 0, 0, {}});
    ScenarioComparison bad{"broken", false, 2, "bad patch:\r\n\"mode\", line 2", {}};
    c.scenarios = {ok, bad};
    return c;
}
}  // namespace

TEST_CASE("comparison: a record read back gives byte-identical tables") {
    Comparison c = sample();
    ComparisonFiles a = comparison_files(c);
    Comparison back = comparison_from_record(json::parse(comparison_record(c).dump()), "shard.json");
    ComparisonFiles b = comparison_files(back);
    CHECK(a.json == b.json);
    CHECK(a.csv == b.csv);
    CHECK(a.streets_csv == b.streets_csv);
}

TEST_CASE("comparison: rows, changes against the base, reached compounds by street") {
    ComparisonFiles f = comparison_files(sample());
    // base r_reach 250/310 = 0.806451613 (9 significant digits); add-f7 lifts it to 1:
    // change 60/310 = 0.193548387.
    CHECK(f.csv.find("base,ok,r_reach,0.806451613,0.9,false,0.806451613,0,,\n") != std::string::npos);
    CHECK(f.csv.find("add-f7,ok,r_reach,1,0.9,true,0.806451613,0.193548387,1,0\n") != std::string::npos);
    CHECK(f.csv.find("add-f7,ok,r_count,0.5,1,false,,,,\n") != std::string::npos);  // base value unknown: no change
    CHECK(f.csv.find("broken,failed,,,,,,,,\n") != std::string::npos);
    CHECK(f.streets_csv.find("add-f7,r_reach,S2,1,0,K4,\n") != std::string::npos);
    json j = json::parse(f.json);
    CHECK(j["scenarios"][1]["error"] == "bad patch:\r\n\"mode\", line 2");
    CHECK(j["scenarios"][0]["rules"][0]["streets"]["S2"]["newly_reached"][0] == "K4");
}

TEST_CASE("comparison: a record that is not one names its file") {
    CHECK_THROWS_WITH_AS(comparison_from_record(json::parse(R"({"base": 3})"), "x/shard.json"),
                         doctest::Contains("x/shard.json"), InputError);
}
