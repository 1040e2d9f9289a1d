// Layers for desktop GIS: Shapefile field names, the split by geometry kind, UTF-8 text
// cut at a character boundary and kept whole in long_text.csv, the output CRS.
#include "common/engine.hpp"
#include "outputs/geojson.hpp"
#include "outputs/gis_formats.hpp"
#include "common/errors.hpp"
#include "common/geos.hpp"
#include "ingest/ingest.hpp"

#include <doctest/doctest.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace lc;

namespace {
// The engine these tests run on (two threads, so that the parallel paths are taken).
Engine engine(2);
}  // namespace
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("lc-gis-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("gis formats: Shapefile field names fit in 10 characters, the same for the same name") {
    CHECK(shp_field_name("name") == "name");
    CHECK(shp_field_name("households") == "households");  // exactly 10: kept
    CHECK(shp_field_name("compound_id") == "cmpd_id");
    CHECK(shp_field_name("reach_day_care_elderly_share") == "r_dc_eld");
    CHECK(shp_field_name("reach_day_care_share") == "r_dc_sh");
    CHECK(shp_field_name("n_street_center") == "n_stc");
    CHECK(shp_field_name("rule_community_day_care_value") == "v_comm_dc");
    CHECK(shp_field_name("rule_community_day_care_pass") == "p_comm_dc");
    // Life-circle bands: the minutes whole, the type as in r_dc_eld.
    CHECK(shp_field_name("band_day_care_10min_elderly_share") == "b10_dc_eld");
    CHECK(shp_field_name("band_day_care_15min_elderly_share") == "b15_dc_eld");
    CHECK(shp_field_name("band_day_care_5min_elderly_share") == "b5_dc_eld");
    CHECK(shp_field_name("band_canteen_5min_elderly_share") == "b5_can_el");
    CHECK(shp_field_name("band_canteen_15min_elderly_share") == "b15_can_el");
    CHECK(shp_field_name("band_childcare_5min_elderly_share") == "b5_cc_eld");
    CHECK(shp_field_name("band_day_care_7_5min_elderly_share") == "b7p5_dc_el");
    CHECK(shp_field_name("band_day_care_10min_households_share") == "b10_dc_hh");
    CHECK(shp_field_name("band_regional_center_15min_elderly_share") == "b15_rgc_el");
    for (auto n : {"rule_beds_per_1000_elderly_value", "nearest_regional_center_id", "reach_regional_center_households_share",
                   "rule_township_regional_center_pass", "a_name_with_very_many_words_in_it_indeed"}) {
        std::string s = shp_field_name(n);
        CHECK(s.size() <= 10);
        CHECK(!s.empty());
        CHECK(s == shp_field_name(n));
    }
    // A mapped attribute named in Chinese: ASCII, 10 characters at most, and two names
    // that have no ASCII at all still differ.
    std::string a = shp_field_name("运营主体"), b = shp_field_name("兜底保障");
    CHECK(a.size() <= 10);
    CHECK(a != b);
    for (char c : a) CHECK(static_cast<unsigned char>(c) < 0x80);
}

TEST_CASE("gis formats: --format and --output-crs are checked together") {
    CHECK(check_gis_output("geojson", "") == "EPSG:4326");
    CHECK(check_gis_output("shp", "") == "EPSG:4326");
    CHECK(check_gis_output("gpkg", "EPSG:4490") == "EPSG:4490");
    CHECK(check_gis_output("shp", "4490") == "EPSG:4490");  // a bare code, as working_crs takes it
    CHECK_THROWS_AS(check_gis_output("shp", "99999"), ConfigError);
    CHECK_THROWS_AS(check_gis_output("kml", ""), ConfigError);
    CHECK_THROWS_WITH_AS(check_gis_output("geojson", "EPSG:4490"), doctest::Contains("RFC 7946"), ConfigError);
    CHECK_THROWS_WITH_AS(check_gis_output("shp", "EPSG:99999"), doctest::Contains("EPSG:99999"), ConfigError);
    CHECK_THROWS_AS(check_gis_output("shp", "/etc/passwd"), ConfigError);  // a file is not a CRS here
}

TEST_CASE("gis formats: Shapefiles in CGCS2000, split by geometry kind, long text kept whole") {
    GEOSContextHandle_t h = engine.main();
    // Working CRS UTM 48N; a point near Kunming (102.7E, 25.04N) and a 100 m square.
    const double x = 267943, y = 2771349;
    Table t;
    t.name = "mixed";
    t.add_field("name", FieldType::String);
    t.add_field("reach_day_care_elderly_share", FieldType::Real);
    t.add_field("rule_fifteen_minute_circle_pass", FieldType::Bool);
    std::string long_name;
    for (int i = 0; i < 100; ++i) long_name += "长";  // 300 bytes: more than dBASE's 254
    t.rows.push_back({std::string("盘龙区 小区"), 0.5, true});
    t.rows.push_back({long_name, Value(), false});
    t.owned.push_back(make_point(h, x, y));
    t.owned.push_back(make_polygon(h, {{x, y}, {x + 100, y}, {x + 100, y + 100}, {x, y + 100}, {x, y}}));
    t.geoms = {t.owned[0].get(), t.owned[1].get()};

    TempDir d;
    FieldNames names = write_gis_layers(engine, d.path, {&t}, "EPSG:32648", GisOptions{"shp", "EPSG:4490"});
    CHECK(names("reach_day_care_elderly_share") == "r_dc_eld");
    REQUIRE(fs::exists(d.path / "mixed_point.shp"));
    REQUIRE(fs::exists(d.path / "mixed_polygon.shp"));
    CHECK(slurp(d.path / "mixed_point.cpg").rfind("UTF-8", 0) == 0);

    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open((d.path / "mixed_polygon.shp").c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* l = ds->GetLayer(0);
    CHECK(l->GetFeatureCount() == 1);
    CHECK(std::string(l->GetSpatialRef()->GetAuthorityCode(nullptr) ? l->GetSpatialRef()->GetAuthorityCode(nullptr) : "") == "4490");
    std::unique_ptr<OGRFeature> f(l->GetNextFeature());
    REQUIRE(f);
    // 300 bytes of 3-byte characters cut to 84 characters (252 bytes), never mid-character.
    std::string cut = f->GetFieldAsString(f->GetFieldIndex("name"));
    CHECK(cut.size() == 252);
    CHECK(cut == long_name.substr(0, 252));
    CHECK(f->IsFieldNull(f->GetFieldIndex("r_dc_eld")));
    // The square's corner is (102.7E, 25.04N): CGCS2000 and WGS 84 agree there to well under 0.001 degrees.
    OGREnvelope e;
    f->GetGeometryRef()->getEnvelope(&e);
    CHECK(e.MinX > 102.699);
    CHECK(e.MinX < 102.701);
    CHECK(e.MinY > 25.039);
    CHECK(e.MinY < 25.041);

    std::string fields = slurp(d.path / "fields.csv");
    CHECK(fields.find("mixed_point,reach_day_care_elderly_share,r_dc_eld,real") != std::string::npos);
    CHECK(fields.find("mixed_polygon,rule_fifteen_minute_circle_pass," + names("rule_fifteen_minute_circle_pass") + ",boolean (1/0)") !=
          std::string::npos);
    std::string lt = slurp(d.path / "long_text.csv");
    CHECK(lt.find("mixed_polygon,0,name,name," + long_name) != std::string::npos);
}

TEST_CASE("gis formats: one GeoPackage keeps the field names and mixed geometry kinds in one layer") {
    GEOSContextHandle_t h = engine.main();
    Table t;
    t.name = "units_street";
    t.add_field("reach_day_care_elderly_share", FieldType::Real);
    t.rows.push_back({0.25});
    t.owned.push_back(make_point(h, 267943, 2771349));
    t.geoms = {t.owned[0].get()};
    TempDir d;
    FieldNames names = write_gis_layers(engine, d.path, {&t}, "EPSG:32648", GisOptions{"gpkg", "EPSG:4543"});
    CHECK(names.short_name.empty());
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open((d.path / "lifecircle.gpkg").c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* l = ds->GetLayerByName("units_street");
    REQUIRE(l);
    CHECK(l->GetLayerDefn()->GetFieldIndex("reach_day_care_elderly_share") >= 0);
    CHECK(std::string(l->GetSpatialRef()->GetAuthorityCode(nullptr)) == "4543");
    CHECK(!fs::exists(d.path / "fields.csv"));
}

TEST_CASE("gis formats: a table that makes its rows when written gives the same files as one holding them") {
    // The compounds layer makes its rows on demand (Table::make_row), into a buffer that
    // still holds the previous row's values: text after null, null after text, a longer
    // text after a shorter one. Every writer must see exactly the rows held ones give.
    GEOSContextHandle_t h = engine.main();
    const double x = 267943, y = 2771349;
    std::vector<std::vector<Value>> rows;
    std::string long_name;
    for (int i = 0; i < 90; ++i) long_name += "长";  // 270 bytes: cut for dBASE, kept in long_text.csv
    for (int i = 0; i < 300; ++i) {
        std::vector<Value> r;
        r.emplace_back("C" + std::to_string(i));
        if (i % 3 == 0) r.emplace_back();
        else if (i == 7) r.emplace_back(long_name);
        else r.emplace_back(std::string(static_cast<size_t>(i % 11), 'x'));
        if (i % 5 == 0) r.emplace_back();
        else r.emplace_back(i * 0.125);
        r.emplace_back(static_cast<long long>(i));
        r.emplace_back(i % 2 == 0);
        rows.push_back(std::move(r));
    }
    auto table = [&](bool made) {
        Table t;
        t.name = "compounds";
        t.add_field("compound_id", FieldType::String);
        t.add_field("nearest_day_care_id", FieldType::String);
        t.add_field("dist_day_care_m", FieldType::Real);
        t.add_field("build_year", FieldType::Integer);
        t.add_field("reached_day_care", FieldType::Bool);
        for (size_t i = 0; i < rows.size(); ++i)
            t.owned.push_back(make_point(h, x + static_cast<double>(i), y + static_cast<double>(i % 7)));
        for (auto& g : t.owned) t.geoms.push_back(g.get());
        if (made) {
            t.make_row = [&](size_t i, std::vector<Value>& out) {
                out.resize(rows[i].size());
                for (size_t k = 0; k < out.size(); ++k) out[k] = rows[i][k];
            };
            t.made_rows = rows.size();
        } else {
            t.rows = rows;
        }
        return t;
    };
    const Table held = table(false), made = table(true);
    CHECK(made.rows.empty());
    CHECK(made.size() == held.size());
    TempDir d;
    for (const char* kind : {"held", "made"}) {
        const Table& t = std::string(kind) == "held" ? held : made;
        fs::create_directories(d.path / kind / "shp");
        fs::create_directories(d.path / kind / "gpkg");
        write_geojson(engine, d.path / kind / "compounds.geojson", t, "EPSG:32648");
        write_gis_layers(engine, d.path / kind / "shp", {&t}, "EPSG:32648", GisOptions{"shp", "EPSG:4490"});
        write_gis_layers(engine, d.path / kind / "gpkg", {&t}, "EPSG:32648", GisOptions{"gpkg", "EPSG:4490"});
    }
    const std::string gj = slurp(d.path / "held" / "compounds.geojson");
    CHECK(gj.find("\"nearest_day_care_id\":null") != std::string::npos);
    CHECK(gj == slurp(d.path / "made" / "compounds.geojson"));
    for (auto f : {"compounds.dbf", "compounds.shp", "fields.csv", "long_text.csv"})
        CHECK_MESSAGE(slurp(d.path / "held" / "shp" / f) == slurp(d.path / "made" / "shp" / f), f);
    CHECK(slurp(d.path / "held" / "shp" / "long_text.csv").find(long_name) != std::string::npos);
    // The GeoPackage's features, field by field.
    GDALAllRegister();
    GDALDatasetUniquePtr a(GDALDataset::Open((d.path / "held" / "gpkg" / "lifecircle.gpkg").c_str(), GDAL_OF_VECTOR));
    GDALDatasetUniquePtr b(GDALDataset::Open((d.path / "made" / "gpkg" / "lifecircle.gpkg").c_str(), GDAL_OF_VECTOR));
    REQUIRE(a);
    REQUIRE(b);
    OGRLayer* la = a->GetLayerByName("compounds");
    OGRLayer* lb = b->GetLayerByName("compounds");
    REQUIRE(la);
    REQUIRE(lb);
    CHECK(la->GetFeatureCount() == 300);
    CHECK(lb->GetFeatureCount() == 300);
    for (;;) {
        std::unique_ptr<OGRFeature> fa(la->GetNextFeature()), fb(lb->GetNextFeature());
        REQUIRE(static_cast<bool>(fa) == static_cast<bool>(fb));
        if (!fa) break;
        for (int k = 0; k < fa->GetFieldCount(); ++k) {
            CHECK(fa->IsFieldNull(k) == fb->IsFieldNull(k));
            CHECK(std::string(fa->GetFieldAsString(k)) == fb->GetFieldAsString(k));
        }
    }
}
