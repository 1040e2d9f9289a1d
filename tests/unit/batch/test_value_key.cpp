// Batch cache keys are compared and hashed as values (batch/value_key.hpp): every field,
// doubles bit for bit.
#include "batch/scenario_cache.hpp"

#include <doctest/doctest.h>

using namespace lc;

TEST_CASE("value keys: equal fields are the same key, any field differing is another") {
    AreaKey a{"radius", XY{100.5, 200.25}, 1000, 50, 500};
    AreaKey b = a;
    CHECK(keys::same(a, b));
    CHECK(keys::hash_of(a) == keys::hash_of(b));
    b.pt.y = 200.25000000000003;  // the next double: another place
    CHECK_FALSE(keys::same(a, b));
    b = a;
    b.mode = "network";
    CHECK_FALSE(keys::same(a, b));
    b = a;
    b.pt.x = -0.0;
    AreaKey c = a;
    c.pt.x = 0.0;
    CHECK_FALSE(keys::same(b, c));  // -0.0 and 0.0 are different inputs
}

TEST_CASE("value keys: lists of sites compare element by element, in order") {
    DistanceKey k{"radius", "day_care", 0};
    std::vector<ReachSite> s1 = {{"F1", {1, 2}}, {"F2", {3, 4}}};
    std::vector<ReachSite> s2 = {{"F2", {3, 4}}, {"F1", {1, 2}}};
    CHECK(keys::same(s1, s1));
    CHECK_FALSE(keys::same(s1, s2));
    CHECK_FALSE(keys::same(s1, std::vector<ReachSite>(s1.begin(), s1.begin() + 1)));
    keys::Map<DistanceKey, int> m;
    m.emplace(k, 7);
    CHECK(m.count(DistanceKey{"radius", "day_care", 0}) == 1);
    CHECK(m.count(DistanceKey{"radius", "canteen", 0}) == 0);
    CHECK(m.count(DistanceKey{"network", "day_care", 500}) == 0);
}

TEST_CASE("value keys: optional supply figures, known or not") {
    AccessSite a{"nursing_home", {1, 1}, 100.0, std::nullopt};
    AccessSite b = a;
    CHECK(keys::same(a, b));
    b.floor_area = 0.0;  // known 0 is not unknown
    CHECK_FALSE(keys::same(a, b));
}
