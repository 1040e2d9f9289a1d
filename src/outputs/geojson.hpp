#pragma once
// RFC 7946 GeoJSON writing for the output tables.
//
// Why not GDAL's GeoJSON driver: formatting the text here (transformed by PROJ through
// OGR, oriented, rounded to 7 decimals) is several times faster, and all workers format
// one large layer together. GDAL still reads every input, writes GeoPackages and reads
// these files back in the tests.
#include "common/table.hpp"

#include <filesystem>
#include <string>

class OGRCoordinateTransformation;

namespace lc {

/// Geometry as GeoJSON text in EPSG:4326 (ct: working CRS -> EPSG:4326, traditional
/// lon/lat order), exterior rings counter-clockwise, holes clockwise, 7 decimals;
/// "null" for a null or empty geometry.
std::string geometry_json(GEOSContextHandle_t h, const GEOSGeometry* g, OGRCoordinateTransformation* ct);
/// The same for WKB already in EPSG:4326.
std::string wkb_geometry_json(GEOSContextHandle_t h, const std::vector<unsigned char>& wkb);

/// Writes a table as a GeoJSON FeatureCollection.
void write_geojson(const std::filesystem::path& file, const Table& t, const std::string& working_crs);

/// JSON string literal of UTF-8 text (invalid bytes replaced by U+FFFD).
std::string json_string(const std::string& s);

}  // namespace lc
