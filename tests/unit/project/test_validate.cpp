// Configuration-time checks (validate.hpp), JSON reading (json_text.hpp), the one list
// of facility types (vocabulary.hpp) and did-you-mean (common/suggest.hpp).
#include "common/errors.hpp"
#include "common/suggest.hpp"
#include "project/json_text.hpp"
#include "project/project.hpp"
#include "project/scenario.hpp"
#include "project/validate.hpp"
#include "project/vocabulary.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace lc;

namespace {

json base() {
    return json::parse(R"({
      "layers": {"compounds": {"path": "c.geojson", "id": "id"},
                 "facilities": {"path": "f.geojson", "id": "id", "type": "type", "beds": "beds",
                                "attributes": {"operator": "op"}}}})");
}

std::string error_of(const json& doc) {
    try {
        parse_project(doc, "/data/p.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

std::string text_error(const std::string& text) {
    try {
        parse_json_text(text, "t.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("suggest: nearest names, transpositions and names cut short") {
    CHECK(edit_distance("daycare", "day_care") == 1);
    CHECK(edit_distance("=>", ">=") == 1);  // one swap
    CHECK(nearest_name("daycare", canonical_type_ids()) == "day_care");
    CHECK(nearest_name("nursinghome", canonical_type_ids()) == "nursing_home");
    CHECK(nearest_name("safety", {"operator", "safety_net"}) == "safety_net");
    CHECK(nearest_name("=>", where_operators()) == ">=");
    CHECK(nearest_name("barber", canonical_type_ids()).empty());  // nothing near: no guess
    CHECK(nearest_name("beds", {"beds"}).empty());                // the same name is no suggestion
    CHECK(did_you_mean("canten", {"canteen"}) == " (did you mean \"canteen\"?)");
}

TEST_CASE("vocabulary: thirteen canonical types, the six of profiles.md included, and every built-in label maps to one") {
    CHECK(canonical_type_ids().size() == 13);
    for (const char* t : {"childcare", "elder_university", "elder_school", "rural_station", "activity_center", "childcare_guidance"})
        CHECK(is_canonical_type(t));
    for (auto& entry : builtin_type_labels()) {
        const auto& label = entry.first;  // not a structured binding: clang 14 cannot capture one (CAPTURE)
        CAPTURE(label);
        CHECK(is_canonical_type(entry.second));
    }
}

TEST_CASE("vocabulary: every built-in profile passes the checks (its types are canonical)") {
    for (auto& name : builtin_profile_names()) {
        CAPTURE(name);
        json d = base();
        d["profile"] = name;
        CHECK(error_of(d) == "");
    }
}

TEST_CASE("json_text: depth, numbers no double holds, UTF-16, bounded quotes") {
    std::string deep = "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
    std::string e = text_error(deep);
    CHECK(has(e, "t.json: /a/0/0"));
    CHECK(has(e, "nested deeper than 64"));
    CHECK(text_error("{\"a\": " + std::string(64, '[') + std::string(64, ']') + "}").find("deeper") != std::string::npos);
    CHECK(text_error("{\"a\": " + std::string(63, '[') + std::string(63, ']') + "}") == "");
    // the pointer of a number that overflows, in an object and in an array
    CHECK(has(text_error(R"({"access": {"minutes": 1e999999999999}})"), "t.json: /access/minutes: the number 1e999999999999 is too large"));
    CHECK(has(text_error(R"({"rules": [{"id": "a"}, {"min": 1e400}]})"), "/rules/1/min: the number 1e400"));
    CHECK(has(text_error(R"({"x": [1, 2, -1e999]})"), "/x/2: the number -1e999"));
    CHECK(has(text_error(R"({"a~b/c": 1e999})"), "/a~0b~1c: "));  // RFC 6901 escapes
    std::string digits(400, '9');
    e = text_error("{\"n\": " + digits + "}");
    CHECK(has(e, "/n: the number 9999"));
    CHECK(e.size() < 300);  // 400 digits are not quoted whole
    CHECK(has(text_error(std::string("\xFF\xFE{\0\"\0", 6)), "UTF-16"));
    CHECK(has(text_error("{\"a\": \"\xC4\xE3\xBA\xC3\"}"), "not UTF-8"));  // GBK text
    CHECK(has(text_error("{\"a\": 1,}"), "not valid JSON at byte"));
    CHECK(quote_json(json(std::string(1000, 'x'))).size() < 120);
    CHECK(quote_json(json(std::string(30, 'x'))) == "\"" + std::string(30, 'x') + "\"");
    // a cut never splits a UTF-8 character
    std::string q = quote_json(json(std::string(200, 'a') + "中文"), 201);
    CHECK(q.find("\xE4\xB8") == std::string::npos);
}

TEST_CASE("validate: plausible ranges for every numeric setting, with the range in the message") {
    struct Case {
        const char* path;
        json value;
        const char* range;
    };
    for (const Case& c : {Case{"/access/walk_kmh", 0.1, "0.5 to 20"}, Case{"/access/walk_kmh", 400, "0.5 to 20"},
                          Case{"/access/minutes", 0, "0.5 to 120"}, Case{"/access/minutes", 1e6, "0.5 to 120"},
                          Case{"/access/minutes_by_type/canteen", -5, "0.5 to 120"},
                          Case{"/access/max_access_m", -1, "0 to 5000"}, Case{"/access/max_access_m", 1e7, "0 to 5000"},
                          Case{"/access/service_area_buffer_m", 1e6, "1 to 500"},
                          Case{"/access/point_support_m", 5000, "0 to 1000"}}) {
        CAPTURE(c.path);
        json d = base();
        d[json::json_pointer(c.path)] = c.value;
        std::string e = error_of(d);
        CHECK(has(e, std::string(c.path) + ": "));
        CHECK(has(e, c.range));
    }
    json rule = json::parse(R"({"id": "r", "check": "min_count", "level": "area", "types": ["canteen"]})");
    for (auto c : std::initializer_list<std::tuple<const char*, double, const char*>>{
             {"target_share", 1.5, "0 to 1"}, {"target_share", -0.1, "0 to 1"}, {"min", -1, "0 to 1e+09"},
             {"within_m", -3, "0 to 10000"}, {"min_single_area", -300, "0 to 1e+07"},
             {"min_area_per_100_households", 1e9, "0 to 10000"}}) {
        const char* key = std::get<0>(c);  // not a structured binding: clang 14 cannot capture one (CAPTURE)
        auto [_, value, range] = c;
        (void)_;
        CAPTURE(key);
        json d = base();
        json r = rule;
        r[key] = value;
        d["rules"] = json::array({r});
        std::string e = error_of(d);
        CHECK(has(e, std::string("/rules/0/") + key + ": "));
        CHECK(has(e, range));
    }
    json d = base();
    json r = json::parse(R"({"id": "q", "check": "ratio", "numerator": {"attr": "beds"}, "denominator": {"attr": "beds"}, "per": 0})");
    d["rules"] = json::array({r});
    CHECK(has(error_of(d), "/rules/0/per: 0 is outside the plausible range"));
    d["rules"][0]["per"] = 1000;
    d["rules"][0]["since_year"] = 3000;
    CHECK(has(error_of(d), "/rules/0/since_year: expected a year between 1800 and 2100"));
    // the defaults and ordinary values pass
    d = base();
    d["access"] = json::parse(R"({"walk_kmh": 3, "minutes": 5, "minutes_by_type": {"canteen": 10}, "max_access_m": 0,
                                 "service_area_buffer_m": 50, "point_support_m": 0})");
    CHECK(error_of(d) == "");
}

TEST_CASE("validate: unknown types, attributes, operators and repeated ids name the pointer and the nearest name") {
    json d = base();
    d["layers"]["facilities"]["type_map"] = {{"托老所", "daycare"}};
    CHECK(has(error_of(d), "/layers/facilities/type_map/托老所: \"daycare\" is not a facility type (did you mean \"day_care\"?)"));
    d = base();
    d["access"] = {{"minutes_by_type", {{"canteeen", 10}}}};
    CHECK(has(error_of(d), "/access/minutes_by_type/canteeen: \"canteeen\" is not a facility type (did you mean \"canteen\"?)"));
    d = base();
    d["rules"] = json::parse(R"([{"id": "r", "check": "min_count", "level": "area", "types": ["canteen", "nursing_hom"]}])");
    CHECK(has(error_of(d), "/rules/0/types/1: \"nursing_hom\" is not a facility type (did you mean \"nursing_home\"?)"));
    d["rules"] = json::parse(R"([{"id": "r", "check": "ratio", "numerator": {"attr": "beds", "types": ["nursing_home"],
                                  "where": {"operater": "public"}}, "denominator": {"attr": "beds"}}])");
    CHECK(has(error_of(d), "/rules/0/numerator/where/operater: the facilities layer maps no attribute \"operater\" (did you mean \"operator\"?)"));
    d["rules"] = json::parse(R"([{"id": "r", "check": "min_count", "level": "area", "types": ["canteen"], "where": {"beds": {"≥": 100}}}])");
    CHECK(has(error_of(d), "/rules/0/where/beds/≥: unknown comparison"));
    d["rules"] = json::parse(R"([{"id": "r", "check": "min_count", "level": "area", "types": ["canteen"], "where": {"beds": {">=": "100"}}}])");
    CHECK(has(error_of(d), "/rules/0/where/beds/>=: expected a number to compare with, got \"100\""));
    d["rules"] = json::parse(R"([{"id": "r", "check": "min_count", "level": "area", "types": ["canteen"], "where": {"type": "daycare"}}])");
    CHECK(has(error_of(d), "/rules/0/where/type: \"daycare\" is not a facility type"));
    d["rules"] = json::parse(R"([{"id": "r", "check": "min_count", "level": "area", "types": ["canteen"]},
                                 {"id": "r", "check": "min_count", "level": "area", "types": ["day_care"]}])");
    CHECK(has(error_of(d), "/rules/1/id: \"r\" is also the id of /rules/0"));
    // mapped attributes, number fields, operators and type lists that are right pass
    d["rules"] = json::parse(R"([{"id": "r", "check": "min_count", "level": "area", "types": ["canteen"],
                                  "where": {"operator": {"in": ["public", "public_private"]}, "beds": {">=": 100},
                                            "type": ["canteen"]}}])");
    CHECK(error_of(d) == "");
}

TEST_CASE("validate: custom types must be declared, and then work everywhere") {
    json d = base();
    d["layers"]["facilities"]["type_map"] = {{"理发店", "barber"}};
    CHECK(has(error_of(d), "must be declared in \"custom_types\""));
    d["custom_types"] = {"barber"};
    d["access"] = {{"minutes_by_type", {{"barber", 5}}}};
    d["rules"] = json::parse(R"([{"id": "r", "check": "reach_share", "types": ["barber"]}])");
    Project p = parse_project(d, "/data/p.json");
    CHECK(p.custom_types == std::vector<std::string>{"barber"});
    d["custom_types"] = {"day_care"};
    CHECK(has(error_of(d), "/custom_types/0: \"day_care\" is a built-in type already"));
    d["custom_types"] = {"barber", "barber"};
    CHECK(has(error_of(d), "/custom_types/1: \"barber\" is listed twice"));
    d["custom_types"] = {"理发"};
    CHECK(has(error_of(d), "a type name uses lower-case letters"));
}

TEST_CASE("validate: a profile rule's where on an unmapped attribute warns (it can only fail), once per attribute") {
    json d = base();
    d["profile"] = "kunming-2025";
    Project p = parse_project(d, "/data/p.json");
    bool safety = false;
    for (auto& w : p.warnings) safety |= has(w, "\"safety_net\" is not mapped") && has(w, "can only fail or be null");
    CHECK(safety);
}

TEST_CASE("validate: network paths refused unless allowed") {
    CHECK(network_path_kind("/vsicurl/https://x.org/a.geojson") == "a network file system path (/vsicurl/)");
    CHECK(network_path_kind("/vsizip//vsicurl/http://x/a.zip") == "a network file system path (/vsicurl/)");
    CHECK(network_path_kind("/VSIS3/bucket/a.gpkg") == "a network file system path (/vsis3/)");
    CHECK(network_path_kind("https://x.org/a.geojson") == "a URL (https://)");
    CHECK(network_path_kind("FTP://x.org/a.csv") == "a URL (ftp://)");
    CHECK(network_path_kind("data/街道.geojson").empty());
    CHECK(network_path_kind("/vsizip/data.zip/a.shp").empty());
    CHECK(network_path_kind("/vsimem/a.geojson").empty());
    json d = base();
    d["layers"]["compounds"]["path"] = "https://example.com/c.geojson";
    CHECK(has(error_of(d), "/layers/compounds/path: \"https://example.com/c.geojson\" is a URL (https://)"));
    set_allow_network_paths(true);
    Project p = parse_project(d, "/data/p.json");
    CHECK(p.layer("compounds")->path.u8string() == "https://example.com/c.geojson");  // not made relative
    set_allow_network_paths(false);
    json patch = json::parse(R"({"add_facilities": "http://example.com/new.geojson"})");
    CHECK_THROWS_AS(parse_scenario(patch, "/data", "s.json"), ConfigError);
}

TEST_CASE("scenario: a facility listed twice for removal names both places") {
    json patch = json::parse(R"({"remove_facilities": ["F1", "F2", "F1"]})");
    try {
        parse_scenario(patch, "/data", "s.json");
        FAIL("accepted");
    } catch (const ConfigError& e) {
        CHECK(has(e.what(), "s.json: /remove_facilities/2: \"F1\" is already listed at /remove_facilities/0"));
    }
}
