#include "ingest/textnum.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

using namespace lc::text;

TEST_CASE("textnum: unknown markers") {
    for (const char* s : {"不详", "暂无数据", "暂无", "未知", "—", "-", "--", "/", "N/A", "n/a",
                          "null", "NULL", "", "   ", "\xE3\x80\x80不详\xE3\x80\x80",
                          "\xC2\xA0—\t"}) {
        CAPTURE(s);
        CHECK(is_unknown_marker(s));
        CHECK_FALSE(parse_number(s).has_value());
        CHECK_FALSE(parse_year(s).has_value());
    }
    for (const char* s : {"0", "2016", "很多", "无", "-5"}) {
        CAPTURE(s);
        CHECK_FALSE(is_unknown_marker(s));
    }
}

TEST_CASE("textnum: parse_number") {
    CHECK(parse_number("约3000户") == 3000.0);
    CHECK(parse_number("3785户") == 3785.0);
    CHECK(parse_number("80万㎡") == 800000.0);
    CHECK(parse_number("1.2万") == 12000.0);
    CHECK(parse_number("3千户") == 3000.0);
    CHECK(parse_number("2.5亿") == 250000000.0);
    CHECK(parse_number("3 万") == 30000.0);
    CHECK(parse_number("3,785") == 3785.0);
    CHECK(parse_number("3，785") == 3785.0);
    CHECK(parse_number("1,234,567.5") == 1234567.5);
    CHECK(parse_number("２０１６") == 2016.0);
    CHECK(parse_number("１２．５") == 12.5);
    CHECK(parse_number("12.5平方米") == 12.5);
    CHECK(parse_number("约1000") == 1000.0);
    CHECK(parse_number(" 42\xE3\x80\x80") == 42.0);
    CHECK(parse_number("\xC2\xA0" "7") == 7.0);
    CHECK(parse_number("0") == 0.0);
    CHECK(parse_number("-5") == -5.0);
    CHECK(parse_number("－5") == -5.0);
    CHECK(parse_number("100-200户") == 100.0);  // ranges: first bound
    CHECK(parse_number("100~200") == 100.0);
    CHECK(parse_number("B-3栋") == 3.0);  // an inner dash is not a sign
    CHECK(parse_number("2016-05") == 2016.0);
    CHECK(parse_number("2016.5") == 2016.5);
    CHECK_FALSE(parse_number("1,2").has_value());  // not a thousands group: a decimal comma, or two numbers?
    CHECK(parse_number("3.") == 3.0);
    CHECK_FALSE(parse_number("很多").has_value());
    CHECK_FALSE(parse_number("万").has_value());
    CHECK_FALSE(parse_number("1" + std::string(400, '0')).has_value());  // overflow
}

TEST_CASE("textnum: text that reads more than one way is unknown, not a guess") {
    // Each of these was read too generously: the first digits, or the first element.
    CHECK_FALSE(parse_number("0x10").has_value());      // hexadecimal 16, not 0
    CHECK_FALSE(parse_number("0X1F").has_value());
    CHECK_FALSE(parse_number("2,5").has_value());       // a decimal comma (2.5), or two numbers; not 2
    CHECK_FALSE(parse_number("12,3456").has_value());   // four digits after the comma: no thousands group
    CHECK_FALSE(parse_number("120,80户").has_value());
    CHECK_FALSE(parse_number("[120, 80]").has_value()); // a JSON list in a text column
    CHECK_FALSE(parse_number("{\"n\": 3}").has_value());
    CHECK_FALSE(parse_year("-2016").has_value());       // a signed number is no year
    CHECK_FALSE(parse_year("－2016").has_value());      // full-width minus
    // ... while the planner's readings stay
    CHECK(parse_number("3,785户") == 3785.0);           // thousands separator
    CHECK(parse_number("1,234,567") == 1234567.0);
    CHECK(parse_number("约3000户") == 3000.0);
    CHECK(parse_number("80万㎡") == 800000.0);
    CHECK(parse_number("0") == 0.0);
    CHECK(parse_number("0.5") == 0.5);
    CHECK(parse_number("0栋") == 0.0);
    CHECK(parse_year("2016年") == 2016);
    CHECK(parse_year("2010-2012") == 2010);
    CHECK(trim("\xE3\x80\x80社区日间照料中心 ") == "社区日间照料中心");  // U+3000 around a label
}

TEST_CASE("textnum: parse_year") {
    CHECK(parse_year("2016年") == 2016);
    CHECK(parse_year("2016年建成") == 2016);
    CHECK(parse_year("2016-05") == 2016);
    CHECK(parse_year("2016.5") == 2016);
    CHECK(parse_year(" 2016 ") == 2016);
    CHECK(parse_year("２０１６") == 2016);
    CHECK(parse_year("\xE3\x80\x80" "2016年\xE3\x80\x80") == 2016);
    CHECK(parse_year("约2005年") == 2005);
    CHECK(parse_year("2010-2012") == 2010);
    CHECK(parse_year("1800") == 1800);
    CHECK(parse_year("2100") == 2100);
    CHECK_FALSE(parse_year("1799").has_value());
    CHECK_FALSE(parse_year("2101").has_value());
    CHECK_FALSE(parse_year("16年").has_value());
    CHECK_FALSE(parse_year("16").has_value());
    CHECK_FALSE(parse_year("20160").has_value());
    CHECK_FALSE(parse_year("很久以前").has_value());
    CHECK_FALSE(parse_year("不详").has_value());
}

TEST_CASE("textnum: parse_bool") {
    for (const char* s : {"1", "true", "TRUE", "True", "是", "Y", "y", "yes", "YES", "有", " 是 ", "√", "✓", "✔"}) {
        CAPTURE(s);
        CHECK(parse_bool(s) == true);
    }
    for (const char* s : {"0", "false", "False", "否", "N", "n", "no", "No", "无", "×", "✗", "✘"}) {
        CAPTURE(s);
        CHECK(parse_bool(s) == false);
    }
    for (const char* s : {"", "2", "maybe", "不详", "是的", "yes!", "已开展", "√√"}) {
        CAPTURE(s);
        CHECK_FALSE(parse_bool(s).has_value());
    }
}

TEST_CASE("textnum: arbitrary bytes never throw") {
    // Truncated multi-byte sequences are the likely hazard: every prefix of text that
    // mixes the sequences the parser looks for.
    const std::string mix = "\xEF\xBC\x91\xE3\x80\x80\xC2\xA0" "约1.2万\xEF\xBC" "\xE4\xB8";
    for (std::size_t n = 0; n <= mix.size(); ++n)
        for (std::size_t b = 0; b <= n; ++b) {
            const std::string s = mix.substr(b, n - b);
            CHECK_NOTHROW((void)parse_number(s));
            CHECK_NOTHROW((void)parse_year(s));
            CHECK_NOTHROW((void)parse_bool(s));
            CHECK_NOTHROW((void)is_unknown_marker(s));
        }
    std::uint32_t seed = 12345;
    const char alphabet[] = "0123456789.,-\xEF\xBC\xE3\x80\xC2\xA0\xE4\xB8\x87\xFF ";
    for (int k = 0; k < 5000; ++k) {
        std::string s;
        for (int len = int(seed % 12); len > 0; --len) {
            seed = seed * 1664525u + 1013904223u;
            s += alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        seed = seed * 1664525u + 1013904223u;
        CHECK_NOTHROW((void)parse_number(s));
        CHECK_NOTHROW((void)parse_year(s));
        CHECK_NOTHROW((void)parse_bool(s));
    }
}

TEST_CASE("parse_number: listing-site texts with several figures") {
    using lc::text::parse_number;
    CHECK(parse_number("1期150") == 150.0);                       // phase number gives way
    CHECK(parse_number("A2住宅140套，A1写字楼123个产权") == 140.0);  // the count with 套 wins
    CHECK(parse_number("别墅1168套 高层1900余套") == 1168.0);
    CHECK(parse_number("62栋") == 62.0);                          // a lone figure still counts
    CHECK(parse_number("3785户") == 3785.0);
    CHECK(parse_number("约3000户") == 3000.0);
    CHECK(parse_number("80万㎡") == 800000.0);
}

TEST_CASE("textnum: Chinese numerals as a planner reads them") {
    // Worked by hand: digit × unit, summed; 万 and 亿 scale what comes before them.
    CHECK(parse_number("三百") == 300.0);
    CHECK(parse_number("一千二百户") == 1200.0);        // 1×1000 + 2×100
    CHECK(parse_number("两千") == 2000.0);
    CHECK(parse_number("三千") == 3000.0);
    CHECK(parse_number("十五") == 15.0);                // a leading 十 is ten
    CHECK(parse_number("二十") == 20.0);
    CHECK(parse_number("一百零五") == 105.0);           // 零 holds the empty tens place
    CHECK(parse_number("一千零五十") == 1050.0);
    CHECK(parse_number("一千二") == 1200.0);            // a last digit counts one step below 千
    CHECK(parse_number("两万五") == 25000.0);           // ... and below 万
    CHECK(parse_number("三万五千") == 35000.0);         // 3×10000 + 5×1000
    CHECK(parse_number("十万") == 100000.0);
    CHECK(parse_number("一亿二千万") == 120000000.0);   // 1×10^8 + 2000×10^4
    CHECK(parse_number("壹仟贰佰") == 1200.0);          // banker's numerals
    CHECK(parse_number("约三百户") == 300.0);
    CHECK(parse_number("二期三百户") == 300.0);         // 户 wins over the phase number, as with "2期300户"
    CHECK(parse_number("三") == 3.0);
    CHECK(parse_number("三户") == 3.0);
    CHECK(parse_year("二〇一六年") == 2016);            // digits alone are written out
    CHECK(parse_year("二零零五年建成") == 2005);
    // Names and words, not numbers; and text that reads more than one way.
    CHECK_FALSE(parse_number("万科").has_value());
    CHECK_FALSE(parse_number("百合").has_value());
    CHECK_FALSE(parse_number("一些").has_value());      // "some"
    CHECK_FALSE(parse_number("一般").has_value());      // "ordinary"
    CHECK_FALSE(parse_number("三四百户").has_value());  // 300 to 400?
    CHECK_FALSE(parse_number("三百二千").has_value());  // units out of order
    CHECK(parse_number("3千户") == 3000.0);             // Arabic digits as before
    CHECK(parse_number("1.2万") == 12000.0);
    // What follows 万 is part of the number when smaller than 万 (it read as a second
    // figure: "1万2千户" was 2000, the figure before 户).
    CHECK(parse_number("1万2千户") == 12000.0);         // 1×10000 + 2×1000
    CHECK(parse_number("3万5000") == 35000.0);
    CHECK(parse_number("3万五千") == 35000.0);          // 五千 written 5000 first
    CHECK(parse_number("2亿3000万") == 230000000.0);    // 3000万 = 3×10^7 < 1亿
    CHECK(parse_number("1万3期") == 10000.0);           // 3期 is a phase, not 3 more
    CHECK(parse_number("3万5") == 35000.0);             // a lone digit one step below, as 三万五
    CHECK(parse_number("约1万2户") == 12000.0);
    CHECK(parse_number("3千万") == 30000000.0);         // 千万 compounds: 3×10^3×10^4
    CHECK(parse_number("3千") == 3000.0);
    CHECK(parse_number("1万2万") == 10000.0);           // 2万 is not less than 万: a second figure
    CHECK_FALSE(parse_bool("一").has_value());          // yes/no is not a number
}

TEST_CASE("textnum: parse_degrees") {
    struct Case {
        const char* text;
        double value;
        char axis;
    };
    for (auto c : {Case{"102.72°E", 102.72, 'E'}, Case{"E102.72", 102.72, 'E'}, Case{" 102.72 ° E ", 102.72, 'E'},
                   Case{"N25.04", 25.04, 'N'}, Case{"25.04°N", 25.04, 'N'}, Case{"25.04n", 25.04, 'N'},
                   Case{"东经102.72", 102.72, 'E'}, Case{"北纬25.04°", 25.04, 'N'}, Case{"102.72度", 102.72, '\0'},
                   Case{"102.72°", 102.72, '\0'}, Case{"-102.72°", -102.72, '\0'}, Case{"73.5W", -73.5, 'E'},
                   Case{"W73.5", -73.5, 'E'}, Case{"33.9°S", -33.9, 'N'}, Case{"南纬33.9", -33.9, 'N'},
                   Case{"西经73.5", -73.5, 'E'}, Case{"102.72º", 102.72, '\0'},
                   // degrees, minutes, seconds: 102 + 43/60 + 12/3600 = 102.72; 25 + 2.4/60 = 25.04
                   Case{"102°43'12\"E", 102.72, 'E'}, Case{"102°43′12″", 102.72, '\0'}, Case{"102° 43' 12'' E", 102.72, 'E'},
                   Case{"东经102度43分12秒", 102.72, 'E'}, Case{"N25°2.4'", 25.04, 'N'}, Case{"S33°54'", -33.9, 'N'},
                   Case{"102°43’12”E", 102.72, 'E'}}) {  // a word processor's curly quotes
        CAPTURE(c.text);
        auto d = parse_degrees(c.text);
        REQUIRE(d.has_value());
        CHECK(d->value == doctest::Approx(c.value));
        CHECK(d->axis == c.axis);
    }
    // Plain numbers need no reading; minutes or seconds of 60 or more, seconds after
    // fractional minutes, fractional degrees before minutes, a missing minute or second
    // sign, a sign before degrees-minutes-seconds, two hemispheres, a sign beside W or S
    // and words are not read.
    for (const char* s : {"", "102.72", "abc", "N/A", "E", "°", "102°61'E", "102°43'75\"", "102°43.5'12\"", "102.5°43'",
                          "102°43'12", "102°43", "-102°43'12\"", "N25.04E", "-73.5W", "1.2.3°", "102.72 E E",
                          "东经", "102,72°E", "1e2°", "--5°"}) {
        CAPTURE(s);
        CHECK_FALSE(parse_degrees(s).has_value());
    }
}
