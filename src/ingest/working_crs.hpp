#pragma once
// Internal to ingest: choosing and checking the working CRS. Distances are measured in
// it, so it must be projected, in metres, made for where the data lie, and nearly
// true to scale there. `auto` takes the UTM zone of the compounds that will be used
// (their median point), so that a stray record far away cannot move it.
#include "common/model.hpp"
#include "ingest/ingest.hpp"
#include "ingest/source.hpp"
#include "project/project.hpp"

#include <ogr_spatialref.h>

#include <optional>
#include <string>
#include <vector>

namespace lc::ingest {

struct LonLat {
    double lon = 0, lat = 0;
};

/// A layer opened to locate the study area, handed on to be read (opening a large
/// GeoJSON parses the whole file: once is enough).
struct OpenedLayer {
    std::string key;                          ///< "compounds", "community", ...
    std::optional<Source> src;
    std::vector<std::string> open_warnings;   ///< what opening it said, for the real read
};

/// The UTM zone ("EPSG:326xx"/"EPSG:327xx") of the median lon/lat of the compounds
/// that would be read (a `where` applied; records without id or usable coordinates
/// left out), else of the unit layers. InputError when there is nothing to locate.
/// The layer it located them by is left open in `opened`.
std::string auto_working_crs(const Project& p, std::vector<std::string>& warnings, OpenedLayer& opened);

/// Checks that can be made before reading: projected, linear unit metres.
void check_crs_kind(const OGRSpatialReference& work, const std::string& def, const std::string& project_file);

/// Checks at the data's centre (lon/lat): inside the CRS's area of use, and distances
/// true within 1% (Web Mercator stretches them by 1/cos(latitude)). ConfigError naming
/// the right UTM zone otherwise.
void check_crs_at(const OGRSpatialReference& work, const std::string& def, LonLat centre, const std::string& project_file);

/// "made for 112.500°E 21.500°N to 115.500°E 45.500°N" when the CRS's area of use
/// (PROJ's) does not hold c; empty when it does or states none.
std::string outside_area_of_use(const OGRSpatialReference& crs, LonLat c);

/// "102.715°E 25.040°N".
std::string lonlat_text(LonLat c);

/// After reading: the median point of the compounds (else of the units) is the study
/// area's centre. With `check` (a working CRS the user chose) check_crs_at runs there;
/// records farther than kFarKm from it are warned about by id.
void locate_study_area(const Project& p, const OGRSpatialReference& work, bool check, lc::Inputs& in);
constexpr double kFarKm = 300;

/// "EPSG:32648 (WGS 84 / UTM zone 48N)": the UTM zone of a point.
std::string utm_zone_of(LonLat p);

}  // namespace lc::ingest
