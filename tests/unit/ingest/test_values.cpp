#include "ingest/values.hpp"

#include <doctest/doctest.h>

using namespace lc;

TEST_CASE("values: attributes read as text, number and yes/no at once") {
    AttrValue v = attr_from_text(" 是 ");
    CHECK(v.text == "是");
    CHECK(v.boolean == true);
    CHECK_FALSE(v.number);
    v = attr_from_text("1");
    CHECK(v.boolean == true);
    CHECK(v.number == 1.0);
    v = attr_from_text("约120张");
    CHECK(v.number == 120.0);
    CHECK_FALSE(v.boolean);
}

TEST_CASE("values: a star rating is its grade (KM25 措施13 三级(含三星))") {
    CHECK(canonical_grade("三星") == "三级");
    CHECK(canonical_grade("三星级") == "三级");
    CHECK(canonical_grade("3星") == "三级");
    CHECK(canonical_grade("2级") == "二级");
    CHECK(canonical_grade(" 五级 ") == "五级");
    CHECK(canonical_grade("未评定") == "未评定");
}

TEST_CASE("values: text numbers note what they were read as; unknown markers are null, never 0") {
    std::vector<Repair> repairs;
    std::map<std::string, long> unreadable;
    CHECK(number_from_text("约3000", "census", "population", "C1", repairs, unreadable) == 3000.0);
    CHECK(repairs.back().what == "population: \"约3000\" read as 3000");
    CHECK_FALSE(number_from_text("不详", "census", "population", "C2", repairs, unreadable));
    CHECK(repairs.back().what == "population: \"不详\" read as unknown (null)");
    CHECK_FALSE(number_from_text("many", "census", "elderly", "C3", repairs, unreadable));
    CHECK(unreadable["census.elderly"] == 1);
    CHECK(number_from_text("1200", "census", "elderly", "C4", repairs, unreadable) == 1200.0);
    CHECK(repairs.size() == 3);  // plain numbers need no note
}
