#pragma once
// Layers for desktop GIS (SPEC 6 `--format gpkg|shp`, `--output-crs`): one GeoPackage
// `lifecircle.gpkg`, or one Shapefile per layer and geometry kind, in the CRS the user
// asks for (CGCS2000 EPSG:4490, a CGCS2000 Gauss–Krüger zone such as EPSG:4544 ...).
// The GeoJSON layers of SPEC 6 are written beside them whatever the format: they are
// the contract scripts read, and they stay RFC 7946 (EPSG:4326).
#include "common/engine.hpp"
#include "common/model.hpp"
#include "common/table.hpp"
#include "ingest/ingest.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lc {

/// Checks `--format` and `--output-crs` together (ConfigError, exit 2, on nonsense) and
/// returns the CRS the GIS layers are written in ("EPSG:4326" when none was asked).
std::string check_gis_output(const std::string& format, const std::string& output_crs);

/// A warning when the study area's centre (Inputs::centre_lonlat) lies outside the area
/// of use of the CRS the GIS layers are written in: a far
/// Gauss-Krüger zone distorts them (EPSG:4547, made for 112.5-115.5°E, stretches
/// Kunming's distances by about 5%). Empty when it fits or the CRS states no area.
std::string output_crs_warning(const std::string& output_crs, const Inputs& in);

/// The Shapefile (dBASE) name of a field, at most 10 ASCII characters: the name itself
/// when it fits, else its words abbreviated (reach_day_care_elderly_share -> r_dc_eld,
/// rule_<id>_value -> v_<id>) and the longest words cut until it fits. A pure function
/// of the name, so a field has the same short name in every layer and every run.
std::string shp_field_name(const std::string& name);

/// How the GIS layers name fields: full name -> name in the files. Empty for GeoJSON and
/// GeoPackage (names kept); for Shapefiles every field of every layer, collisions
/// between short names resolved once for the whole output.
struct FieldNames {
    std::map<std::string, std::string> short_name;
    const std::string& operator()(const std::string& full) const {
        auto it = short_name.find(full);
        return it == short_name.end() ? full : it->second;
    }
};

/// While one lives, GDAL on this thread writes a fixed date (gpkg_contents, the dBASE
/// header, layer_styles) instead of today's: identical runs give identical files.
struct FixedDate {
    FixedDate();
    ~FixedDate();
    FixedDate(const FixedDate&) = delete;
    FixedDate& operator=(const FixedDate&) = delete;
};

struct GisOptions {
    std::string format;       ///< gpkg | shp
    std::string output_crs;   ///< as returned by check_gis_output
    /// Where a feature written without geometry (a point with no position in the output
    /// CRS) is noted, for repairs.csv; null: not noted.
    std::vector<Repair>* repairs = nullptr;
};

/// Writes output layers, one table at a time, as `opt.format` into `dir`, transformed from
/// `working_crs` to `opt.output_crs`: every layer into one GeoPackage `lifecircle.gpkg`
/// (kept open from the first layer to finish()), or Shapefiles, UTF-8 with .cpg; a table
/// mixing geometry kinds is split into NAME_point/_line/_polygon.shp (rows without
/// geometry go with the first); `fields.csv` lists every field's short name, and text
/// longer than a dBASE field holds (254 bytes) is cut at a character boundary and kept
/// whole in `long_text.csv`.
class GisWriter {
public:
    /// `heads`: every table that will be written (Shapefile names are chosen for all
    /// their fields at once, so that a field has one short name in every layer).
    GisWriter(Engine& engine, const std::filesystem::path& dir, const std::vector<TableHead>& heads, const std::string& working_crs,
              const GisOptions& opt);
    ~GisWriter();
    GisWriter(const GisWriter&) = delete;
    GisWriter& operator=(const GisWriter&) = delete;

    void write(const Table& t);
    /// Closes the GeoPackage, or writes fields.csv and long_text.csv; returns the field names used.
    FieldNames finish();

private:
    struct State;
    std::unique_ptr<State> s_;
};

/// All `tables` at once through a GisWriter.
FieldNames write_gis_layers(Engine& engine, const std::filesystem::path& dir, const std::vector<const Table*>& tables,
                            const std::string& working_crs, const GisOptions& opt);

}  // namespace lc
