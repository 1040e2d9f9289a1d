#pragma once
// The one place where coordinate reference systems are made and coordinates moved
// between them: CRS definitions and PROJ transformations (through OGR), and the
// Chinese web-map datums GCJ-02 (Amap/Tencent, the state-mandated obfuscation of
// WGS 84) and BD-09 (Baidu, a further offset of GCJ-02), which PROJ does not know.
// Ingest, siting and the outputs all use these helpers.
// Datum offsets: all values are degrees; inverses are iterated to 1e-9 degrees, so
// round trips are sub-millimetre.
#include <ogr_spatialref.h>

#include <memory>
#include <string>

namespace lc::chinacrs {

struct LonLat {
    double lon, lat;
};

/// The conventional rough bounding box; outside it GCJ-02 is taken equal to WGS 84.
bool in_china(LonLat p);

LonLat wgs84_to_gcj02(LonLat p);
LonLat gcj02_to_wgs84(LonLat p);
LonLat gcj02_to_bd09(LonLat p);
LonLat bd09_to_gcj02(LonLat p);
LonLat wgs84_to_bd09(LonLat p);
LonLat bd09_to_wgs84(LonLat p);

// ---------------------------------------------------------------------------------
// CRS definitions and transformations

/// A web-map datum named in a layer's "crs": "GCJ-02", "gcj02", "BD-09", "bd09ll" (any
/// case, '-' and '_' ignored); None for anything else (an EPSG code, WKT...).
enum class WebDatum { None, GCJ02, BD09 };
WebDatum web_datum(const std::string& def);

/// A CRS from "EPSG:4547", WKT or a PROJ string, in the traditional GIS axis order (x =
/// longitude/easting). Throws ConfigError naming `what` when it cannot be understood.
OGRSpatialReference make_srs(const std::string& def, const std::string& what);
/// WGS 84 (EPSG:4326), lon/lat.
OGRSpatialReference wgs84();

using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, void (*)(OGRCoordinateTransformation*)>;
/// A PROJ transformation; null when PROJ has none between the two.
TransformPtr make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to);
/// The same from two definitions ("EPSG:32648" to "EPSG:4326"); null when either
/// cannot be read or PROJ has no transformation.
TransformPtr make_transform(const std::string& from_def, const std::string& to_def);

/// The datum offset as an OGR transformation of lon/lat, so that
/// OGRGeometry::transform applies it to any geometry: from the web datum to WGS 84
/// (`to_wgs84`) or back.
std::unique_ptr<OGRCoordinateTransformation> web_datum_shift(WebDatum d, bool to_wgs84);

}  // namespace lc::chinacrs
