#pragma once
// Writing the output folder (SPEC 6): vector layers through GDAL, CSV tables, and
// the atomic replacement of --out.
#include "ingest/ingest.hpp"
#include "rules/rules.hpp"
#include "access/access.hpp"
#include "outputs/base_output.hpp"
#include "outputs/geojson.hpp"
#include "common/packed.hpp"
#include "common/table.hpp"

#include <filesystem>

namespace lc {

/// Every vector layer of SPEC 6 as plain tables (geometries borrowed from the inputs).
/// With `base` (a batch scenario), unit and compound rows equal to the base's are not
/// built but marked in Table::base_row.
std::vector<Table> build_layers(const Project& p, const Inputs& in, const ReachResult& r, const Analysis& a,
                                const std::vector<GeomPtr>& areas, const std::vector<Uncovered>& unc,
                                const AccessResult* access = nullptr, const BaseOutput* base = nullptr,
                                BaseOutput* fill = nullptr, const PackedPolygons* packed_areas = nullptr,
                                const PackedPolygons* packed_unc = nullptr);
Table coverage_table(const Project& p, const Inputs& in, const Analysis& a);
Table repairs_table(const Inputs& in);

/// Writes tables as RFC 7946 GeoJSON files (format "geojson") or as layers of one
/// GeoPackage `lifecircle.gpkg` (format "gpkg"), transforming from the working CRS.
/// In a batch, GeoJSON layers reuse what the base wrote (see base_output.hpp).
void write_vector_layers(const std::filesystem::path& dir, const std::vector<const Table*>& tables, const std::string& working_crs,
                         const std::string& format, const Reuse& reuse = {});
/// CSV, UTF-8 with BOM (spreadsheets read Chinese names correctly), CRLF-free, RFC 4180 quoting.
void write_csv(const std::filesystem::path& file, const Table& t);
std::string csv_text(const Table& t);
void write_text(const std::filesystem::path& file, const std::string& text);

/// A fresh temporary folder beside `out` for an atomic write.
std::filesystem::path make_staging_dir(const std::filesystem::path& out);
/// Replaces `out` with `staging`. Refuses (OutputError) when `out` exists and is not a
/// previous lifecircle output or an empty folder.
void commit_output(const std::filesystem::path& staging, const std::filesystem::path& out);
/// Marks a folder as lifecircle output, so that a later run may replace it.
void write_output_marker(const std::filesystem::path& dir, const Reuse& reuse = {});
/// Throws OutputError unless `out` may be replaced (checked before the run starts).
void check_output_target(const std::filesystem::path& out);

}  // namespace lc
