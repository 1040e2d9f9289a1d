#pragma once
// RFC 7946 GeoJSON writing for the output tables.
//
// Why not GDAL's GeoJSON driver: formatting the text here (transformed by PROJ through
// OGR, oriented, rounded to 7 decimals) is several times faster, and all workers format
// one large layer together. GDAL still reads every input, writes GeoPackages and reads
// these files back in the tests.
#include "common/chinacrs.hpp"
#include "common/engine.hpp"
#include "common/model.hpp"
#include "common/table.hpp"

#include <ogr_spatialref.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace lc {

/// Geometry as GeoJSON text in EPSG:4326 (ct: working CRS -> EPSG:4326, traditional
/// lon/lat order), exterior rings counter-clockwise, holes clockwise, 7 decimals;
/// "null" for a null or empty geometry, and "null" with the reason when a coordinate
/// has no finite lon/lat (outside the domain of the working CRS's projection).
GeometryText geometry_text(GEOSContextHandle_t h, const GEOSGeometry* g, OGRCoordinateTransformation* ct);
/// Only the text of geometry_text.
std::string geometry_json(GEOSContextHandle_t h, const GEOSGeometry* g, OGRCoordinateTransformation* ct);
/// The same for WKB already in EPSG:4326 (its coordinates are checked too).
GeometryText wkb_geometry_text(GEOSContextHandle_t h, const std::vector<unsigned char>& wkb);
/// Working CRS -> EPSG:4326 in lon/lat order; OutputError naming `what` if there is none.
chinacrs::TransformPtr to_wgs84(const std::string& working_crs, const std::string& what);
/// geometry_text of many geometries (working CRS), formatted by all the engine's workers.
std::vector<GeometryText> geometry_texts(Engine& engine, const std::vector<const GEOSGeometry*>& geoms, const std::string& working_crs);
/// The same for rows 0..n-1 of a geometry source (packed polygons).
std::vector<GeometryText> geometry_texts(Engine& engine, const GeometrySource& source, size_t n, const std::string& working_crs);

/// Writes a table as a GeoJSON FeatureCollection (a row's Table::geometry_text, where
/// given, is written as its geometry). Returns the features written without geometry
/// because their coordinates have no lon/lat, each with the reason (for repairs.csv).
std::vector<Repair> write_geojson(Engine& engine, const std::filesystem::path& file, const Table& t, const std::string& working_crs);

/// The properties write_geojson gives each row of `t`, with the row's values encoded,
/// for writing them again to rows with the same values (Table::known).
FeatureTexts feature_texts(Engine& engine, const Table& t);

/// JSON string literal of UTF-8 text (invalid bytes replaced by U+FFFD).
std::string json_string(const std::string& s);
/// The same, appended to `out`.
void append_json_string(std::string& out, const std::string& s);

}  // namespace lc
