#pragma once
// A plain attribute table with optional geometries: what the analysis hands to the
// writers (GeoJSON/GeoPackage through GDAL, CSV).
#include "common/geos.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace lc {

using Value = std::variant<std::monostate, std::string, double, long long, bool>;
enum class FieldType { String, Real, Integer, Bool };

struct Field {
    std::string name;
    FieldType type;
};

struct Table {
    std::string name;                       ///< layer name (file name without extension)
    std::vector<Field> fields;
    std::vector<std::vector<Value>> rows;
    /// Per row: geometry in the working CRS (not owned), or WKB already in EPSG:4326.
    std::vector<const GEOSGeometry*> geoms;
    std::vector<std::vector<unsigned char>> wkb_wgs84;
    std::vector<GeomPtr> owned;             ///< geometries made for this table only
    bool has_geometry = true;

    int add_field(const std::string& n, FieldType t) {
        fields.push_back({n, t});
        return static_cast<int>(fields.size()) - 1;
    }
};

inline Value opt(const std::optional<double>& v) { return v ? Value(*v) : Value(); }

}  // namespace lc
