#pragma once
// Writing the output folder (SPEC 6): vector layers through GDAL and CSV tables (the
// folder's life cycle, from the check of --out to its replacement: output_folder.hpp).
#include "ingest/ingest.hpp"
#include "rules/rules.hpp"
#include "access/access.hpp"
#include "outputs/geojson.hpp"
#include "common/packed.hpp"
#include "common/table.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace lc {

/// GeoJSON text of geometries formatted beforehand (geojson.hpp geometry_text), per
/// record; null (or a shorter list) where the writer formats the geometry itself. Not
/// owned. A batch formats the geometries its scenarios share once.
struct GeometryTexts {
    std::array<std::vector<const GeometryText*>, kLevels> units;
    std::vector<const GeometryText*> compounds;      ///< also written for the compound's gaps
    std::vector<const GeometryText*> service_areas;  ///< per facility
    std::vector<const GeometryText*> uncovered;      ///< per part
    /// Features' properties written before, by layer name (Table::known), or null.
    const std::map<std::string, FeatureTexts>* features = nullptr;
};

/// What the vector layers of SPEC 6 are made from (their geometries are borrowed from these).
struct LayerSources {
    const Project& p;
    const Inputs& in;
    const ReachResult& r;
    const Analysis& a;
    const std::vector<GeomPtr>& areas;
    const std::vector<Uncovered>& unc;
    const AccessResult* access = nullptr;
    const PackedPolygons* packed_areas = nullptr;
    const PackedPolygons* packed_unc = nullptr;
    const GeometryTexts* texts = nullptr;
};

/// Every vector layer of SPEC 6 as a plain table, made one at a time and handed to `each`;
/// a layer's rows are dropped when `each` returns, before the next layer is made, so that
/// only one layer's rows are held at once (a large city's compounds layer alone is
/// hundreds of MB). Geometries the tables own (points, rejected records) belong to
/// engine.main().
void build_layers(Engine& engine, const LayerSources& s, const std::function<void(Table&)>& each);
/// The same layers' names and fields, without rows (Shapefile field names are chosen for
/// every field of every layer before the first layer is written).
std::vector<TableHead> layer_heads(Engine& engine, const LayerSources& s);
Table coverage_table(const Project& p, const Inputs& in, const Analysis& a);
/// repairs.csv: the inputs' repairs, then `output` (geometries that could not be written).
Table repairs_table(const Inputs& in, const std::vector<Repair>& output = {});

/// Writes tables as RFC 7946 GeoJSON files, transforming from the working CRS (GeoPackage
/// and Shapefile layers: gis_formats.hpp). Returns the features written without geometry
/// (no lon/lat for some point), with why.
std::vector<Repair> write_vector_layers(Engine& engine, const std::filesystem::path& dir, const std::vector<const Table*>& tables,
                                        const std::string& working_crs);
/// CSV, UTF-8 with BOM (spreadsheets read Chinese names correctly), CRLF-free, RFC 4180 quoting.
void write_csv(const std::filesystem::path& file, const Table& t);
std::string csv_text(const Table& t);
void write_text(const std::filesystem::path& file, const std::string& text);

}  // namespace lc
