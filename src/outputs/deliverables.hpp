#pragma once
// Planner deliverables (SPEC 6): lifecircle.qgs + styles/*.qml, report.html + maps/*.svg,
// and default styles inside a GeoPackage.
#include "outputs/gis_formats.hpp"
#include "ingest/ingest.hpp"
#include "reach/reach.hpp"
#include "rules/rules.hpp"
#include "common/table.hpp"

#include <filesystem>

namespace lc {

struct MapPaths;
struct IndicatorMap;

/// An output layer once written, all the QGIS project, styles and report need of it:
/// its name and fields, and the geometry kinds its rows held (qgis_styles.hpp geometry_kinds).
struct WrittenLayer {
    TableHead head;
    std::vector<std::string> kinds;
};
WrittenLayer written_layer(GEOSContextHandle_t h, const Table& t);

struct DeliverableOptions {
    std::string format = "geojson";        ///< the layers lifecircle.qgs opens: geojson | gpkg (lifecircle.gpkg) | shp
    std::string lang = "zh";               ///< zh | en
    std::string output_crs = "EPSG:4326";  ///< CRS of the gpkg/shp layers (gis_formats.hpp)
    const FieldNames* names = nullptr;     ///< Shapefile field names (null: names as in the tables)
    const MapPaths* map_paths = nullptr;   ///< SVG path data made beforehand (report_maps.hpp), or null
    const std::vector<IndicatorMap>* maps = nullptr;  ///< the report's maps drawn beforehand (indicator_maps), or null
};

/// Writes the QGIS project, styles, report and maps into `dir`, which already holds the
/// vector layers written from `layers` (same names), coverage.csv written from `coverage`
/// and summary.json content `summary`.
void write_deliverables(Engine& engine, const std::filesystem::path& dir, const Project& p, const Inputs& in, const ReachResult& r,
                        const Analysis& a, const std::vector<WrittenLayer>& layers, const Table& coverage, const json& summary,
                        const DeliverableOptions& opt);

}  // namespace lc
