// The one CSV writer (common/csv.hpp): RFC 4180 quoting of , " CR LF.
#include "common/csv.hpp"

#include <doctest/doctest.h>

using namespace lc;

TEST_CASE("csv_field quotes a field holding a comma, a quote, CR or LF, and nothing else") {
    CHECK(csv_field("plain 中文") == "plain 中文");
    CHECK(csv_field("") == "");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("line\nbreak") == "\"line\nbreak\"");
    CHECK(csv_field("carriage\rreturn") == "\"carriage\rreturn\"");  // a bare CR ends a row in Excel
}

TEST_CASE("csv_row joins fields and ends the row with LF") {
    CHECK(csv_row({"a", "b"}) == "a,b\n");
    CHECK(csv_row({"id", "x,y", "", "尾"}) == "id,\"x,y\",,尾\n");
    CHECK(csv_row({}) == "\n");
}
