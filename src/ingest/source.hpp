#pragma once
// Internal to ingest (and to readers built on it): one opened input layer through
// GDAL/OGR with its field lookup, text decoding and the transformations that bring its
// geometries into the working CRS.
#include "common/chinacrs.hpp"
#include "common/geos.hpp"
#include "project/project.hpp"

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lc::ingest {

/// GDAL's messages go to a list we can quote in our own errors, not to stderr.
struct GdalErrors {
    std::vector<std::string> msgs, failures;
    static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum, const char* msg);
    GdalErrors();
    ~GdalErrors();
    GdalErrors(const GdalErrors&) = delete;
    GdalErrors& operator=(const GdalErrors&) = delete;
    std::string last() const { return msgs.empty() ? std::string() : msgs.back(); }
};

/// A spreadsheet's first row is its header even when every row is text (codes and
/// figures typed as text; GDAL took the header row for data and named the columns
/// Field1, Field2 ...): GDAL 3.6's XLSX and ODS drivers take that from these options,
/// not from open options (their HEADERS open option came later), and read them when a
/// sheet is first used. They hold on this thread while the object lives: keep it until
/// the sheet has been read.
struct SpreadsheetHeaders {
    CPLConfigOptionSetter xlsx{"OGR_XLSX_HEADERS", "FORCE", false}, ods{"OGR_ODS_HEADERS", "FORCE", false};
};

/// A memory file that is gone with this object (declared before the data set reading
/// it, so that it outlives the data set). Moves as its owner (a Source) does.
struct MemoryFile {
    std::string path;
    MemoryFile() = default;
    MemoryFile(MemoryFile&& o) noexcept : path(std::move(o.path)) { o.path.clear(); }
    MemoryFile& operator=(MemoryFile&& o) noexcept {
        std::swap(path, o.path);
        return *this;
    }
    ~MemoryFile() {
        if (!path.empty()) VSIUnlink(path.c_str());
    }
};

/// A table Excel saved as "Unicode text" (or "CSV UTF-16"): UTF-16 with a byte order
/// mark, mostly tab-separated, which GDAL's CSV driver reads as garbage (a .txt it does
/// not open at all). Copied as UTF-8 into a memory .csv (the driver finds the tabs
/// itself), whose path is returned, with a warning naming `label`; empty for any other
/// file. UTF-16 without a mark (a text table holding NULs) is refused (InputError): its
/// byte order would be a guess.
std::string utf16_as_utf8(const std::filesystem::path& path, const std::string& label, std::vector<std::string>& warnings);

/// Releases a feature definition made here (features hold references to it).
struct DefnRelease {
    void operator()(OGRFeatureDefn* d) const {
        if (d->Dereference() <= 0) delete d;
    }
};

/// An opened input layer with the transformations it needs.
struct Source {
    MemoryFile utf8;  ///< a UTF-16 CSV converted (utf16_as_utf8); declared first, it outlives the data set
    GDALDatasetUniquePtr ds;
    OGRLayer* layer = nullptr;
    std::string label;   ///< "file (layer)" for messages
    std::unique_ptr<OGRCoordinateTransformation> china;  ///< GCJ/BD -> WGS84, else null
    chinacrs::TransformPtr to_wgs{nullptr, [](OGRCoordinateTransformation*) {}};
    chinacrs::TransformPtr to_work{nullptr, [](OGRCoordinateTransformation*) {}};
    bool src_is_wgs = false;
    std::string crs_setting;  ///< the layer's "crs" in the project; empty: the file's own CRS, or lon/lat assumed
    /// The source CRS is geographic (any datum: WGS 84, CGCS2000, GCJ-02/BD-09, ...):
    /// its coordinates are angles, and `lat_axis` says which one of the data's x (0)
    /// or y (1) is the latitude under the layer's axis mapping; -1 if not geographic.
    int lat_axis = -1;
    std::map<std::string, int> field_index;  ///< canonical name -> OGR field index
    bool index_ids = false;                  ///< ids are feature positions ("@index")
    std::string encoding;                    ///< the layer's "encoding", else the one a .cpg declares
    bool utf8_declared = false;              ///< `encoding` is UTF-8: invalid bytes are damage, not GBK
    mutable bool recoded = false;            ///< some text was not UTF-8 and was decoded
    /// A text table whose bytes are not UTF-8 somewhere: every value is decoded from
    /// `encoding`, even one that happens to be valid UTF-8 too (GBK "约8546" is).
    bool decode_all = false;
    bool encoding_guessed = false;           ///< `encoding` is GB18030 as decide_text_encoding found, not declared
    std::vector<std::string>* warnings_out = nullptr;
    bool filtered = false;                   ///< a `where` filter is set
    /// Set before a first pass over the layer (the CRS scan of the compounds): every
    /// feature read is kept in `kept`, and the next pass reads them from there instead
    /// of parsing the file again (a GeoJSON layer is parsed anew on every pass).
    bool keep_features = false;
    /// A table without geometry (a spreadsheet, a CSV, a DBF, a GeoPackage attribute table)
    /// whose points are in a longitude and a latitude column: their indices, and the
    /// table's fields plus a point geometry, the definition of the features for_each_feature
    /// hands over; -1 and null for any other source.
    int lon_column = -1, lat_column = -1;
    std::unique_ptr<OGRFeatureDefn, DefnRelease> point_defn;
    std::vector<OGRFeatureUniquePtr> kept;
};
/// A text table (.csv, .txt, .tsv) without a declared encoding whose bytes are mostly
/// not UTF-8 (a GBK file, not a UTF-8 one with a damaged character): decoded whole as
/// GB18030 (src.decode_all), since a short GBK value can also read as UTF-8, as other
/// letters.
void decide_text_encoding(const std::filesystem::path& path, Source& src);

/// "file (layer NAME)" for messages.
std::string file_label(const LayerSpec& s);

/// Opens the layer `s` given in `origin` (the project file, or a command-line option),
/// checks what its path is, and finds its mapped fields (InputError when a required one
/// is missing, with the fields it has).
Source open_source(const std::string& origin, const LayerSpec& s, std::vector<std::string>& warnings);

/// The index of a field by name (exact, or as decoded); -1 if the layer has none.
int lookup_field(const Source& src, const std::string& name);

/// A workbook of several sheets (or another multi-layer table source) read without
/// "layer": the one sheet for which `fits` holds (called with src.layer set to each),
/// with a warning naming it when it is not the first (a workbook often opens with a
/// sheet of notes). ConfigError (exit 2) when several do, naming them; when none does,
/// the first sheet, src.label then listing the sheets for the error its missing column
/// will give. `what` says what a sheet must hold ("the columns /census/0 maps"),
/// `setting` what chooses one ("\"layer\" in /census/0").
OGRLayer* sheet_with_columns(Source& src, const std::function<bool()>& fits, const std::string& what, const std::string& setting,
                             std::vector<std::string>& warnings);

/// Source CRS (declared, from the file, or WGS 84 with a warning) -> WGS 84 and, with
/// `work`, -> the working CRS.
void setup_transforms(const LayerSpec& s, Source& src, const OGRSpatialReference& wgs, const OGRSpatialReference* work,
                      std::vector<std::string>& warnings);

/// Text as UTF-8 (see Source::encoding).
std::string to_utf8(const std::string& s, const Source& src);
/// A mapped field's text, trimmed of nothing; nullopt when unset or null.
std::optional<std::string> field_text(OGRFeature* f, const Source& src, const std::string& canon);
/// The field's OGR type is a list (a JSON array in GeoJSON): not one value.
bool is_list_field(OGRFeature* f, int index);
/// The record's id, trimmed (`@index`: its position).
std::string id_text(OGRFeature* f, const Source& src, long idx);

/// Geometry to WGS 84 WKB, for rejected.geojson (empty when impossible).
std::vector<unsigned char> wgs_wkb(const OGRGeometry* g, Source& src);
/// Geometry in the working CRS as GEOS; null if it cannot be transformed.
GeomPtr to_working(GEOSContextHandle_t h, const OGRGeometry* g, Source& src);
/// A point of the geometry in WGS 84 lon/lat (its envelope centre); false if impossible.
bool wgs_point(const OGRGeometry* g, Source& src, double& lon, double& lat);
/// GEOS's name of a geometry type ("LineString").
std::string geom_type_name(GEOSContextHandle_t h, const GEOSGeometry* g);
/// Why a geometry could not be brought into the working CRS; spots (lat, lon) order.
std::string transform_failure(const OGRGeometry* g, const Source& src);
/// Why a geometry of a lon/lat source cannot be what the CRS says (a coordinate beyond
/// ±180/±90, which PROJ may wrap into a wrong place rather than refuse), with what to
/// do when the numbers look like metres; empty when in range or not lon/lat.
std::string lonlat_out_of_range(const OGRGeometry* g, const Source& src);

/// The coordinate cells of a record of a table read for points (Source::point_defn):
/// why it has no point (`经度 "abc" is not a number`; empty when a cell is merely empty)
/// and how text in a degree form was read (`经度 "102.72°E" read as 102.72`), for
/// rejected.csv and repairs.csv. Both empty for any other source.
struct PointCells {
    std::string problem;
    std::vector<std::string> notes;
};
PointCells point_cells(OGRFeature* f, const Source& src);

/// Calls fn(feature, index) for every feature; InputError when the file turns out
/// truncated or damaged; warns once if text had to be decoded.
void for_each_feature(Source& src, const std::function<void(OGRFeature*, long)>& fn);

}  // namespace lc::ingest
