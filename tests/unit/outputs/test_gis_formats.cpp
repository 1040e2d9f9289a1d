// Layers for desktop GIS: Shapefile field names, the split by geometry kind, UTF-8 text
// cut at a character boundary and kept whole in long_text.csv, the output CRS.
#include "common/engine.hpp"
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
