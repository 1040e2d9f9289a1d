// Deliverables: text escaping and formatting, SVG map arithmetic, QGIS style XML.
#include "common/engine.hpp"
#include "ingest/ingest.hpp"
#include "common/markup.hpp"
#include "outputs/qgis.hpp"
#include "outputs/qgis_styles.hpp"
#include "report/report_maps.hpp"
#include "report/svgmap.hpp"
#include "outputs/symbology.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace lc;

namespace {
// The engine these tests run on (two threads, so that the parallel paths are taken).
Engine engine(2);

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("deliverables: xml_escape") {
    CHECK(xml_escape("A&B <c> \"q\" 'a'") == "A&amp;B &lt;c&gt; &quot;q&quot; &#39;a&#39;");
    CHECK(xml_escape("五华区 & 盘龙区") == "五华区 &amp; 盘龙区");
    // XML 1.0 forbids most control characters: dropped, tab and newline kept.
    CHECK(xml_escape(std::string("a\x01" "b\tc\n", 6)) == "ab\tc\n");
    // Invalid UTF-8 (a GBK byte pair read as UTF-8) becomes U+FFFD, not a broken document.
    CHECK(xml_escape("\xC4\xFA") == "\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(xml_escape("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
    CHECK(xml_escape("😀") == "😀");
}

TEST_CASE("deliverables: number formatting is locale-free") {
    CHECK(fmt_thousands(1234567.8) == "1,234,568");
    CHECK(fmt_thousands(-1234) == "-1,234");
    CHECK(fmt_thousands(12) == "12");
    CHECK(fmt_fixed(-0.0001, 2) == "0.00");
    CHECK(fmt_trim(2.50, 2) == "2.5");
    CHECK(fmt_trim(100.0, 1) == "100");
    CHECK(fmt_percent(0.99351) == "99.4%");
    CHECK(fmt_percent(1.0) == "100%");
}

TEST_CASE("deliverables: a failing share never reads as its target") {
    Rule rule;
    rule.id = "r";
    rule.check = Check::ReachShare;
    RuleResult rr;
    rr.rule = &rule;
    rr.target = 1;
    CHECK(rule_value_text(rr, 0.99996) == "99.9%");
    CHECK(rule_value_text(rr, 0.99351) == "99.4%");
    CHECK(rule_value_text(rr, 2.0 / 3) == "66.7%");
    CHECK(rule_value_text(rr, 1.0) == "100%");
    CHECK(rule_value_text(rr, std::nullopt) == "—");
    CHECK(rule_target_text(rr) == "100%");
    rr.target = 0.9;
    CHECK(rule_target_text(rr) == "≥ 90%");
    CHECK(rule_value_text(rr, 0.89996) == "89.9%");
    rule.check = Check::Ratio;
    rr.target = 31;
    CHECK(rule_value_text(rr, 3.285933) == "3.29");
    CHECK(rule_target_text(rr) == "≥ 31");
}

TEST_CASE("deliverables: a legend names a ratio by its terms, and capacity-aware access by its weight") {
    Rule rule;
    rule.check = Check::Ratio;
    rule.numerator.attr = "beds";
    rule.denominator.of = "units";
    rule.denominator.attr = "elderly";
    rule.per = 1000;
    CHECK(unit_measure_label(rule, "en") == "beds per 1000 elderly");
    CHECK(unit_measure_label(rule, "zh") == "每1000老年人口床位");
    rule.numerator.attr = "nursing_beds";
    rule.denominator.of = "facilities";
    rule.denominator.attr = "beds";
    rule.per = 1;
    CHECK(unit_measure_label(rule, "en") == "nursing-type beds as a share of all beds");
    CHECK(unit_measure_label(rule, "zh") == "护理型床位占床位比例");
    // A share of beds is shown in per cent, as the reach shares are: 922 / 1550.
    RuleResult share;
    share.rule = &rule;
    share.target = 0.6;
    CHECK(rule_value_text(share, 922.0 / 1550) == "59.5%");
    CHECK(rule_target_text(share) == "≥ 60%");
    rule.numerator.attr = "land_area";  // m² per resident: not a share
    rule.denominator.of = "units";
    rule.denominator.attr = "population";
    share.target = 0.2;
    CHECK(rule_value_text(share, 0.0736) == "0.07");
    CHECK(unit_measure_label(rule, "en") == "land area (m²) / residents");
    rule.denominator.of = "facilities";
    rule.numerator.attr = "";  // a count of facilities; an attribute without a name of its own is given as mapped
    rule.denominator.attr = "stations";
    CHECK(unit_measure_label(rule, "en") == "facilities / stations");
    rule.check = Check::MinAccess;
    rule.weight = "elderly";
    CHECK(unit_measure_label(rule, "en") == "Share of elderly with capacity-aware access (2SFCA) at the minimum");
}

TEST_CASE("deliverables: scale bar lengths are nice and fit") {
    // 718 px showing 14.36 km: 0.05 px/m; at most 200 px = 4 km -> 2.5 km in 5 parts.
    svg::ScaleBar b = svg::nice_scale_bar(0.05, 200);
    CHECK(b.metres == 2500);
    CHECK(b.px == doctest::Approx(125));
    CHECK(b.segments == 5);
    CHECK(b.label == "2.5 km");
    b = svg::nice_scale_bar(1, 180);
    CHECK(b.metres == 100);
    CHECK(b.label == "100 m");
    CHECK(b.segments == 2);
    b = svg::nice_scale_bar(0.001, 190);  // 190 km available -> 100 km
    CHECK(b.metres == 100000);
    CHECK(b.label == "100 km");
    for (double s : {0.0123, 0.5, 3.7, 0.0007}) {
        b = svg::nice_scale_bar(s, 190);
        CAPTURE(s);
        CHECK(b.px <= 190);
        CHECK(b.px > 190 / 2.5 - 1e-9);  // never less than 40% of the room
    }
}

TEST_CASE("deliverables: map frame keeps the aspect ratio and centres the extent") {
    svg::Envelope e;
    e.add(1000, 2000);
    e.add(3000, 3000);  // 2 km x 1 km
    svg::Frame f = svg::Frame::fit(e, 10, 20, 400, 100, 1000, 0);
    CHECK(f.h == doctest::Approx(200));
    CHECK(f.scale == doctest::Approx(0.2));
    CHECK(f.px(1000) == doctest::Approx(10));
    CHECK(f.px(3000) == doctest::Approx(410));
    CHECK(f.py(3000) == doctest::Approx(20));
    CHECK(f.py(2000) == doctest::Approx(220));
    // Too flat for the minimum height: same scale, extent centred vertically.
    svg::Envelope flat;
    flat.add(0, 0);
    flat.add(4000, 100);
    f = svg::Frame::fit(flat, 0, 0, 400, 100, 1000, 0);
    CHECK(f.h == doctest::Approx(100));
    CHECK(f.scale == doctest::Approx(0.1));
    CHECK(f.py(50) == doctest::Approx(50));
}

TEST_CASE("deliverables: SVG paths in tenths of a pixel, relative, closed") {
    GEOSContextHandle_t h = engine.main();
    svg::Frame f;
    f.w = f.h = 100;
    f.oy = 100;
    f.scale = 1;
    GeomPtr sq = make_polygon(h, {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}});
    CHECK(svg::path_data(h, sq.get(), f) == "M0 100l10 0 0-10-10 0z");
    // Sub-pixel detail collapses: rounding to 0.1 px and dropping repeated points.
    GeomPtr tiny = make_polygon(h, {{0, 0}, {0.01, 0}, {0.01, 0.01}, {0, 0}});
    CHECK(svg::path_data(h, tiny.get(), f).empty());
    GeomPtr frac = make_polygon(h, {{0.25, 0}, {10.06, 0}, {10.06, 5.55}, {0.25, 0}});
    std::string d = svg::path_data(h, frac.get(), f);
    CHECK(d.rfind("M.3 100l9.8 0", 0) == 0);
    CHECK(svg::px(12.345) == "12.3");
    CHECK(svg::px(-0.04) == "0");
    CHECK(svg::px(7) == "7");
    for (auto shape : {"circle", "square", "triangle", "diamond", "pentagon", "hexagon", "star", "cross"}) {
        CAPTURE(shape);
        std::string m = svg::marker_path(shape, 50, 50, 8);
        CHECK(m[0] == 'M');
        CHECK(m.back() == 'z');
    }
}

TEST_CASE("deliverables: class breaks follow the target") {
    auto c = target_classes(0.9, true, "en");
    REQUIRE(c.size() == 5);
    CHECK(class_of(c, 0.95) == 4);
    CHECK(c[4].passes);
    CHECK(class_of(c, 0.9) == 4);
    CHECK(class_of(c, 0.8999) == 3);
    CHECK(class_of(c, 0.0) == 0);
    CHECK(c[0].label == "< 45%");
    auto k = count_classes(2, "en");
    CHECK(class_of(k, 0) == 0);
    CHECK(class_of(k, 1) == 1);
    CHECK(class_of(k, 2) == 2);
    CHECK(k[2].passes);
    CHECK(class_of(k, 5) == 3);
}

TEST_CASE("deliverables: a figure's classes speak of no target") {
    auto t = target_classes(1, true, "zh");
    auto f = figure_classes(1, true, "zh");
    REQUIRE(f.size() == t.size());
    CHECK(t.back().label == "100%（达标）");
    CHECK(f.back().label == "100%");
    CHECK(figure_classes(0.9, true, "en").back().label == "≥ 90%");
    for (size_t i = 0; i < f.size(); ++i) CHECK(f[i].lower == t[i].lower);
}

TEST_CASE("deliverables: English layer names in sentence case") {
    CHECK(sentence_case("streets/townships: share of elderly (Day-care centre only)", "en") ==
          "Streets/townships: share of elderly (day-care centre only)");
    CHECK(sentence_case("street/township: Street elderly-service centre count", "en") ==
          "Street/township: street elderly-service centre count");
    CHECK(sentence_case("district: KM22 beds", "en") == "District: KM22 beds");  // an acronym stays
    CHECK(sentence_case("街道（乡镇）：老年人口", "zh") == "街道（乡镇）：老年人口");
}

TEST_CASE("deliverables: QGIS styles have the intended renderers") {
    StyleContext c;
    c.lang = "zh";
    c.reach_rule_id = "fifteen_minute_circle";
    c.reach_rule_title = "一刻钟 & 圈";
    c.reach_types = {"day_care", "canteen"};
    c.types = {"day_care", "canteen"};
    Table units;
    units.name = "units_street";
    units.add_field("name", FieldType::String);
    units.add_field("rule_fifteen_minute_circle_value", FieldType::Real);
    units.add_field("rule_fifteen_minute_circle_pass", FieldType::Bool);
    std::string q = qgis::qml_document(layer_style(units, "Polygon", c));
    CHECK(has(q, "type=\"graduatedSymbol\""));
    CHECK(has(q, "coalesce(&quot;rule_fifteen_minute_circle_value&quot;, -1)"));
    // The classes plain (a legend swatch shows its fill); failing units are outlined by
    // a layer of their own over the choropleth.
    CHECK(!has(q, "rule_fifteen_minute_circle_pass"));
    CHECK(!has(q, failing_outline_color().qgis()));
    auto failing = failing_units_style(units, "Polygon", c);
    REQUIRE(failing.has_value());
    CHECK(failing->subset == "\"rule_fifteen_minute_circle_pass\" = 0");
    CHECK(has(qgis::qml_document(failing->style), failing_outline_color().qgis()));
    CHECK(!has(failing->title, "街道（乡镇）："));  // not taken for the choropleth by its name
    CHECK(!failing_units_style(units, "Point", c).has_value());
    CHECK(has(q, "fontFamily=\"Noto Sans CJK SC\""));
    CHECK(has(q, "labelsEnabled=\"1\""));
    CHECK(has(layer_title(units, c), "一刻钟 & 圈"));

    Table fac;
    fac.name = "facilities";
    c.present_types = {"day_care"};  // canteens analysed (a rule names them), none in the data
    q = qgis::qml_document(layer_style(fac, "Point", c));
    CHECK(has(q, "type=\"categorizedSymbol\""));
    CHECK(has(q, "value=\"day_care\""));
    CHECK(has(q, "class=\"SimpleMarker\""));
    CHECK(!has(q, "value=\"canteen\""));
    CHECK(!has(q, "label=\"其他\""));
    c.present_types = {"day_care", "mobile_unit"};  // a type no class lists: "other" draws it
    CHECK(has(qgis::qml_document(layer_style(fac, "Point", c)), "label=\"其他\""));

    Table unc;
    unc.name = "uncovered";
    q = qgis::qml_document(layer_style(unc, "Polygon", c));
    CHECK(has(q, "class=\"LinePatternFill\""));
    // Only the first type of the headline reach rule is ticked.
    CHECK(has(q, "value=\"day_care\" symbol=\"0\" label=\"日间照料中心\" render=\"true\""));
    CHECK(has(q, "value=\"canteen\" symbol=\"1\" label=\"老年幸福食堂\" render=\"false\""));

    Table gaps;
    gaps.name = "gaps";
    auto mixed = qgis::by_geometry({{"Point", layer_style(gaps, "Point", c).renderer},
                                    {"Polygon", layer_style(gaps, "Polygon", c).renderer}});
    q = qgis::renderer_xml(mixed, 0);
    CHECK(has(q, "type=\"RuleRenderer\""));
    CHECK(has(q, "geometry_type($geometry) = &#39;Point&#39;"));
    CHECK(has(q, "filter=\"ELSE\""));
}

TEST_CASE("deliverables: project XML escapes names and keeps paths relative") {
    qgis::Project p;
    p.title = "A&B 示范<区>";
    p.crs = qgis::wgs84();
    p.layer_crs = qgis::wgs84();
    p.view = {102.6, 25.0, 102.8, 25.1};
    qgis::ProjectGroup g;
    g.name = "覆盖 & 缺口";
    qgis::ProjectLayer l;
    l.id = "lifecircle_units_street";
    l.name = "街道 \"一刻钟\"";
    l.source = "./units_street.geojson";
    l.wkb_type = "MultiPolygon";
    l.style.geometry = "Polygon";
    g.layers.push_back(l);
    p.groups.push_back(g);
    std::string x = qgis::project_document(p);
    CHECK(has(x, "projectname=\"A&amp;B 示范&lt;区&gt;\""));
    CHECK_FALSE(has(x, "A&B"));
    CHECK(has(x, "name=\"覆盖 &amp; 缺口\""));
    CHECK(has(x, "<layername>街道 &quot;一刻钟&quot;</layername>"));
    CHECK(has(x, "<datasource>./units_street.geojson</datasource>"));
    CHECK(has(x, "<Absolute type=\"bool\">false</Absolute>"));
    CHECK(has(x, "<ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>"));
    CHECK(has(x, "<authid>EPSG:4326</authid>"));
}
