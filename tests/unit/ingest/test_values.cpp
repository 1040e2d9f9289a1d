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
