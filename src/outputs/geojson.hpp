#pragma once
// RFC 7946 GeoJSON writing for the output tables.
//
// Why not GDAL's GeoJSON driver: a batch writes the same compound and unit geometries
// for every scenario, and GDAL must transform and format them again each time — 1.3 s
// of a 2 s metro run, which made 50 scenarios take 30 runs' time. This writer keeps the
// geometry text of a feature (transformed by PROJ through OGR, oriented, rounded to 7
// decimals) in a cache that scenarios share, so a scenario formats only its attributes.
// GDAL still reads every input, writes GeoPackages and reads these files in the tests.
#include "common/table.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

class OGRCoordinateTransformation;

namespace lc {

/// Geometry text by feature key, shared read-only by the scenarios of a batch.
class GeometryTextCache {
public:
    const std::string* find(const std::string& key) const {
        std::shared_lock<std::shared_mutex> l(m_);
        auto it = map_.find(key);
        return it == map_.end() ? nullptr : &it->second;
    }
    void put(const std::string& key, std::string text) {
        std::unique_lock<std::shared_mutex> l(m_);
        map_.emplace(key, std::move(text));
    }

private:
    mutable std::shared_mutex m_;
    std::unordered_map<std::string, std::string> map_;
};

/// Geometry as GeoJSON text in EPSG:4326 (ct: working CRS -> EPSG:4326, traditional
/// lon/lat order), exterior rings counter-clockwise, holes clockwise, 7 decimals;
/// "null" for a null or empty geometry.
std::string geometry_json(GEOSContextHandle_t h, const GEOSGeometry* g, OGRCoordinateTransformation* ct);
/// The same for WKB already in EPSG:4326.
std::string wkb_geometry_json(GEOSContextHandle_t h, const std::vector<unsigned char>& wkb);

struct Reuse;

/// Writes a table as a GeoJSON FeatureCollection. In a batch (base_output.hpp), rows
/// with a key in `Table::geom_keys` take their geometry text from the base's cache, a
/// row equal to the base's row takes the base's feature text, and a file equal to the
/// base's is a hard link to it; the base run records all of these.
void write_geojson(const std::filesystem::path& file, const Table& t, const std::string& working_crs,
                   GEOSContextHandle_t h, const Reuse& reuse);

/// JSON string literal of UTF-8 text (invalid bytes replaced by U+FFFD).
std::string json_string(const std::string& s);

}  // namespace lc
