#pragma once
// A plain attribute table with optional geometries: what the analysis hands to the
// writers (GeoJSON/GeoPackage through GDAL, CSV).
#include "common/geos.hpp"

#include <functional>
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

/// A feature's geometry as GeoJSON text: RFC 7946 in EPSG:4326, or "null" and why it
/// could not be written (outputs/geojson.hpp geometry_text).
struct GeometryText {
    std::string json = "null";
    std::string problem;  ///< empty: the geometry is written as it is
};

/// The properties of a layer's GeoJSON features as written once before (a batch's base,
/// outputs/geojson.hpp feature_texts): a writer gives a feature these properties again
/// when the feature at the same index has the same values, bit for bit (compared in
/// `values`, a compact encoding of the row), and formats only its geometry, if that has
/// no text already. The text is what the writer would make of those values, so the file
/// is the same either way; only the formatting is saved.
struct FeatureTexts {
    std::vector<std::string> fields;      ///< the layer's field names, in order
    std::vector<std::string> values;      ///< per row: its values encoded (geojson.cpp row_key)
    std::vector<std::string> properties;  ///< per row: the text between "properties":{ and }
};

/// Geometries made when a writer needs them, a row at a time, instead of held as GEOS
/// geometries for the whole run (the service areas and uncovered parts, packed.hpp).
struct GeometrySource {
    virtual ~GeometrySource() = default;
    /// Row `row`'s geometry in the working CRS, made on `h`; null when it has none.
    virtual GeomPtr geometry(size_t row, GEOSContextHandle_t h) const = 0;
    /// Its GEOS type id (GEOS_POLYGON, ...), or -1 when it has none.
    virtual int type_id(size_t row) const = 0;
};

/// What a table is without its rows: enough for the QGIS styles, the project and the
/// report, which are written after each layer's rows are gone (outputs/outputs.hpp).
struct TableHead {
    std::string name;                       ///< layer name (file name without extension)
    std::vector<Field> fields;
    bool has_geometry = true;

    int add_field(const std::string& n, FieldType t) {
        fields.push_back({n, t});
        return static_cast<int>(fields.size()) - 1;
    }
};

struct Table : TableHead {
    std::vector<std::vector<Value>> rows;
    /// Rows made when a writer needs them instead of held in `rows` (then empty): the
    /// compounds layer, a city's largest, whose rows held at once were most of the cost
    /// of writing it (a fresh allocation for every value of every row, in every run of
    /// a batch). `make_row(i, row)` overwrites `row` with row i, reusing its memory; it
    /// is called from several threads at once, each with its own `row`.
    std::function<void(size_t, std::vector<Value>&)> make_row;
    size_t made_rows = 0;  ///< the number of rows when `make_row` is set

    size_t size() const { return make_row ? made_rows : rows.size(); }
    /// Row i: the one held, or made into `buf`.
    const std::vector<Value>& row(size_t i, std::vector<Value>& buf) const {
        if (!make_row) return rows[i];
        make_row(i, buf);
        return buf;
    }
    /// Per row: geometry in the working CRS (not owned), or WKB already in EPSG:4326.
    std::vector<const GEOSGeometry*> geoms;
    std::vector<std::vector<unsigned char>> wkb_wgs84;
    std::vector<GeomPtr> owned;             ///< geometries made for this table only
    /// Rows whose entry in `geoms` is null take their geometry from here (same row index).
    const GeometrySource* source = nullptr;
    /// Per row (optional, GeoJSON only): the geometry's text formatted beforehand (not
    /// owned; null: formatted from `geoms` or `source` while writing).
    std::vector<const GeometryText*> geometry_text;
    /// Optional (GeoJSON only): properties formatted before, given again to the rows that
    /// have the same values (not owned).
    const FeatureTexts* known = nullptr;
};

inline Value opt(const std::optional<double>& v) { return v ? Value(*v) : Value(); }

}  // namespace lc
