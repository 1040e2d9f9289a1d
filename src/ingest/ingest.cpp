#include "ingest/ingest.hpp"

#include "common/chinacrs.hpp"
#include "common/parallel.hpp"
#include "common/errors.hpp"
#include "common/facility_types.hpp"
#include "ingest/textnum.hpp"
#include "ingest/values.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <sstream>
#include <fstream>
#include <cmath>
#include <atomic>
#include <functional>
#include <thread>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

namespace lc {

namespace {
// The road network is read on a second thread beside the other layers; it uses the
// GEOS context of worker 1 of its job slot (no parallel section runs while reading).
thread_local int tl_read_worker = 0;
}  // namespace
GeosContext& main_geos() { return worker_geos(tl_read_worker); }

namespace {

namespace fs = std::filesystem;

/// GDAL's messages go to a list we can quote in our own errors, not to stderr.
struct GdalErrors {
    std::vector<std::string> msgs, failures;
    static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum, const char* msg) {
        auto* self = static_cast<GdalErrors*>(CPLGetErrorHandlerUserData());
        if (self && cls >= CE_Warning) self->msgs.push_back(msg ? msg : "");
        if (self && cls >= CE_Failure) self->failures.push_back(msg ? msg : "");
    }
    GdalErrors() { CPLPushErrorHandlerEx(handler, this); }
    ~GdalErrors() { CPLPopErrorHandler(); }
    std::string last() const { return msgs.empty() ? std::string() : msgs.back(); }
};

std::string trim_ws(const std::string& x) {
    size_t a = x.find_first_not_of(" \t"), b = x.find_last_not_of(" \t");
    return a == std::string::npos ? std::string() : x.substr(a, b - a + 1);
}

void gdal_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        // OSM extracts: keep every line layer attribute we may filter on.
        CPLSetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "0");
    });
}

/// GCJ-02 / BD-09 lon/lat to WGS 84 lon/lat, as an OGR transformation so that
/// OGRGeometry::transform can apply it to any geometry type.
class ChinaToWgs84 : public OGRCoordinateTransformation {
public:
    explicit ChinaToWgs84(bool bd09) : bd09_(bd09) { wgs_.importFromEPSG(4326); wgs_.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER); }
    OGRSpatialReference* GetSourceCS() override { return &wgs_; }
    OGRSpatialReference* GetTargetCS() override { return &wgs_; }
    int Transform(int n, double* x, double* y, double*, double*, int* ok) override {
        for (int i = 0; i < n; ++i) {
            chinacrs::LonLat p{x[i], y[i]};
            p = bd09_ ? chinacrs::bd09_to_wgs84(p) : chinacrs::gcj02_to_wgs84(p);
            x[i] = p.lon;
            y[i] = p.lat;
            if (ok) ok[i] = TRUE;
        }
        return TRUE;
    }
    OGRCoordinateTransformation* Clone() const override { return new ChinaToWgs84(bd09_); }
    OGRCoordinateTransformation* GetInverse() const override { return nullptr; }

private:
    bool bd09_;
    OGRSpatialReference wgs_;
};

using CTPtr = std::unique_ptr<OGRCoordinateTransformation, void (*)(OGRCoordinateTransformation*)>;
CTPtr make_ct(const OGRSpatialReference* a, const OGRSpatialReference* b) {
    return CTPtr(OGRCreateCoordinateTransformation(a, b), [](OGRCoordinateTransformation* c) { OGRCoordinateTransformation::DestroyCT(c); });
}

OGRSpatialReference srs_from(const std::string& def, const std::string& what) {
    OGRSpatialReference s;
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (s.SetFromUserInput(def.c_str()) != OGRERR_NONE) throw ConfigError(what + ": cannot understand the CRS \"" + def + "\" (use e.g. \"EPSG:4547\", \"GCJ-02\" or \"BD-09\")");
    return s;
}

bool is_china_crs(const std::string& c, bool& bd09) {
    std::string u;
    for (char ch : c) u += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    u.erase(std::remove(u.begin(), u.end(), '-'), u.end());
    u.erase(std::remove(u.begin(), u.end(), '_'), u.end());
    if (u == "GCJ02") { bd09 = false; return true; }
    if (u == "BD09" || u == "BD09LL") { bd09 = true; return true; }
    return false;
}

/// An opened input layer with the transformations it needs.
struct Source {
    GDALDatasetUniquePtr ds;
    OGRLayer* layer = nullptr;
    std::string label;   ///< "file (layer)" for messages
    std::unique_ptr<OGRCoordinateTransformation> china;  ///< GCJ/BD -> WGS84, else null
    CTPtr to_wgs{nullptr, [](OGRCoordinateTransformation*) {}};
    CTPtr to_work{nullptr, [](OGRCoordinateTransformation*) {}};
    bool src_is_wgs = false;
    /// The source CRS is geographic (any datum: WGS 84, CGCS2000, GCJ-02/BD-09, ...):
    /// its coordinates are angles, and `lat_axis` says which one of the data's x (0)
    /// or y (1) is the latitude under the layer's axis mapping; -1 if not geographic.
    int lat_axis = -1;
    std::map<std::string, int> field_index;  ///< canonical name -> OGR field index
    bool index_ids = false;                  ///< ids are feature positions ("@index")
    std::string encoding;                    ///< the layer's "encoding", if any
    mutable bool recoded = false;            ///< some text was not UTF-8 and was decoded
    std::vector<std::string>* warnings_out = nullptr;
    bool filtered = false;                   ///< a `where` filter is set
};

std::string file_label(const LayerSpec& s) {
    std::string l = s.path.u8string();
    if (!s.layer.empty()) l += " (layer " + s.layer + ")";
    return l;
}

/// Text that is not UTF-8 is decoded (values.hpp); the layer notes that it was.
std::string to_utf8(const std::string& s, const Source& src) {
    bool recoded = false;
    std::string out = text_to_utf8(s, src.encoding, recoded);
    if (recoded) src.recoded = true;
    return out;
}

/// The first of the comma-separated candidate names that appears exactly once in the
/// CSV's header (case-insensitive, quotes and a BOM removed); empty if none does.
std::string pick_csv_column(const fs::path& file, const std::string& candidates) {
    std::ifstream in(file, std::ios::binary);
    std::string header;
    if (!in || !std::getline(in, header)) return {};
    if (header.rfind("\xEF\xBB\xBF", 0) == 0) header.erase(0, 3);
    auto lower = [](std::string x) {
        for (auto& ch : x) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return x;
    };
    std::vector<std::string> cols;
    std::string cur;
    bool quoted = false;
    for (char ch : header) {
        if (ch == '"') quoted = !quoted;
        else if (ch == ',' && !quoted) { cols.push_back(lower(trim_ws(cur))); cur.clear(); }
        else if (ch != '\r') cur += ch;
    }
    cols.push_back(lower(trim_ws(cur)));
    std::stringstream cs(candidates);
    std::string c;
    while (std::getline(cs, c, ',')) {
        if (c.empty()) continue;
        if (std::count(cols.begin(), cols.end(), lower(c)) == 1) return c;
    }
    return {};
}

Source open_source(const Project& p, const LayerSpec& s, std::vector<std::string>& warnings) {
    gdal_init();
    Source src;
    src.warnings_out = &warnings;
    src.label = file_label(s);
    src.index_ids = s.field("id") == "@index";
    src.encoding = s.encoding;
    std::string path = s.path.u8string();
    std::error_code exists_ec;
    if (path.rfind("/vsi", 0) != 0 && !fs::exists(s.path, exists_ec))
        throw InputError(src.label + ": file not found (layer \"" + s.key + "\" in " + p.file.u8string() + "; paths are relative to the project file)");
    std::vector<std::string> opts;
    std::string ext = s.path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (ext == ".csv") {
        // Name exactly one coordinate column each: GDAL 3.6's CSV driver misreads a
        // file in which several of the possible names (lon and lng) or a repeated name
        // match (found by fuzzing).
        std::string lon = pick_csv_column(s.path, s.field("lon").empty() ? "lon,longitude,lng,x,经度" : s.field("lon"));
        std::string lat = pick_csv_column(s.path, s.field("lat").empty() ? "lat,latitude,y,纬度" : s.field("lat"));
        if (lon.empty() || lat.empty())
            warnings.push_back(src.label + ": no single longitude/latitude column found (set \"lon\" and \"lat\" on the layer)");
        else {
            opts.push_back("X_POSSIBLE_NAMES=" + lon);
            opts.push_back("Y_POSSIBLE_NAMES=" + lat);
        }
        opts.push_back("AUTODETECT_TYPE=NO");
    }
    if (!s.encoding.empty() && (ext == ".shp" || ext == ".dbf")) opts.push_back("ENCODING=" + s.encoding);
    std::vector<const char*> copts;
    for (auto& o : opts) copts.push_back(o.c_str());
    copts.push_back(nullptr);
    GdalErrors errs;
    src.ds.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, copts.data(), nullptr));
    if (!src.ds) {
        std::string why = errs.last();
        throw InputError(src.label + ": cannot be read as a vector data set" + (why.empty() ? "" : " (" + why + ")") +
                         "; check that it is a complete GeoJSON, Shapefile, GeoPackage, CSV or other OGR format");
    }
    if (!s.layer.empty()) {
        src.layer = src.ds->GetLayerByName(s.layer.c_str());
        if (!src.layer) {
            std::string names;
            for (auto* l : src.ds->GetLayers()) names += (names.empty() ? "" : ", ") + std::string(l->GetName());
            throw InputError(src.label + ": has no layer \"" + s.layer + "\" (layers: " + names + ")");
        }
    } else {
        if (src.ds->GetLayerCount() < 1) throw InputError(src.label + ": holds no vector layer");
        src.layer = src.ds->GetLayer(0);
        if (src.ds->GetLayerCount() > 1)
            warnings.push_back(src.label + ": holds " + std::to_string(src.ds->GetLayerCount()) + " layers; reading the first, \"" +
                               src.layer->GetName() + "\" (set \"layer\" to choose)");
    }
    if (!s.where.empty()) {
        src.filtered = true;
        if (src.layer->SetAttributeFilter(s.where.c_str()) != OGRERR_NONE)
            throw ConfigError(p.file.u8string() + ": /layers/" + s.key + "/where: OGR SQL filter \"" + s.where + "\" is not valid for " +
                              src.label + (errs.last().empty() ? "" : " (" + errs.last() + ")"));
    }
    OGRFeatureDefn* defn = src.layer->GetLayerDefn();
    if (src.layer->GetFeatureCount(TRUE) == 0) warnings.push_back(src.label + ": the layer is empty");
    for (auto& [canon, fname] : s.fields) {
        if (canon == "lon" || canon == "lat") continue;
        if (canon == "id" && fname == "@index") continue;
        int idx = defn->GetFieldIndex(fname.c_str());
        for (int i = 0; idx < 0 && i < defn->GetFieldCount(); ++i)  // a GBK header read as bytes
            if (to_utf8(defn->GetFieldDefn(i)->GetNameRef(), src) == fname) idx = i;
        if (idx < 0) {
            bool required = canon == "id" || (s.key == "facilities" && canon == "type") || (s.key == "roads" && canon == "class") ||
                            (s.key == "gates" && canon == "compound_id");
            std::string avail;
            for (int i = 0; i < defn->GetFieldCount(); ++i) avail += (i ? ", " : "") + to_utf8(defn->GetFieldDefn(i)->GetNameRef(), src);
            std::string msg = src.label + ": has no field \"" + fname + "\" (mapped as " + canon + " in /layers/" + s.key +
                              "); its fields are: " + avail;
            // An empty layer (no features, hence no fields) is valid data: nothing to read.
            if (required && src.layer->GetFeatureCount(TRUE) != 0) throw InputError(msg);
            if (required) continue;
            warnings.push_back(msg + " — " + canon + " is treated as unknown (null)");
            continue;
        }
        src.field_index[canon] = idx;
    }
    for (auto& [attr, fname] : s.attributes) {
        int idx = defn->GetFieldIndex(fname.c_str());
        if (idx < 0) {
            warnings.push_back(src.label + ": has no field \"" + fname + "\" (mapped as attribute " + attr + "); treated as unknown");
            continue;
        }
        src.field_index["attr:" + attr] = idx;
    }
    return src;
}

/// Which axis of the data (0 = x, 1 = y) holds the latitude in a geographic CRS, as
/// read through its data-axis-to-CRS-axis mapping (OAMS_TRADITIONAL_GIS_ORDER makes it
/// y, lon/lat, for every datum); -1 for a CRS that is not geographic or has no
/// north/south axis.
int latitude_data_axis(const OGRSpatialReference& srs) {
    if (!srs.IsGeographic()) return -1;
    const std::vector<int>& map = srs.GetDataAxisToSRSAxisMapping();
    for (int data_axis = 0; data_axis < 2 && data_axis < static_cast<int>(map.size()); ++data_axis) {
        OGRAxisOrientation o = OAO_Other;
        int crs_axis = std::abs(map[data_axis]) - 1;
        if (crs_axis < 0 || !srs.GetAxis(nullptr, crs_axis, &o)) continue;
        if (o == OAO_North || o == OAO_South) return data_axis;
    }
    return 1;  // no orientation given: lon/lat, as OAMS_TRADITIONAL_GIS_ORDER reads it
}

void setup_transforms(const LayerSpec& s, Source& src, const OGRSpatialReference& wgs, const OGRSpatialReference* work,
                      std::vector<std::string>& warnings) {
    bool bd09 = false;
    OGRSpatialReference srcsrs;
    srcsrs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (!s.crs.empty() && is_china_crs(s.crs, bd09)) {
        src.china = std::make_unique<ChinaToWgs84>(bd09);
        srcsrs = wgs;
    } else if (!s.crs.empty()) {
        srcsrs = srs_from(s.crs, file_label(s) + " /layers/" + s.key + "/crs");
    } else if (const OGRSpatialReference* ls = src.layer->GetSpatialRef()) {
        srcsrs = *ls;
        srcsrs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    } else {
        warnings.push_back(src.label + ": has no CRS; assuming EPSG:4326 (lon/lat). Set \"crs\" on the layer if that is wrong.");
        srcsrs = wgs;
    }
    src.src_is_wgs = srcsrs.IsSame(&wgs);
    src.lat_axis = latitude_data_axis(srcsrs);
    if (!src.src_is_wgs) {
        src.to_wgs = make_ct(&srcsrs, &wgs);
        if (!src.to_wgs) throw ConfigError(src.label + ": no transformation from its CRS to EPSG:4326 (PROJ)");
    }
    if (work) {
        src.to_work = make_ct(src.china ? &wgs : &srcsrs, work);
        if (!src.to_work) throw ConfigError(src.label + ": no transformation from its CRS to the working CRS (PROJ)");
    }
}

std::optional<std::string> field_text(OGRFeature* f, const Source& src, const std::string& canon) {
    auto it = src.field_index.find(canon);
    if (it == src.field_index.end()) return std::nullopt;
    if (!f->IsFieldSetAndNotNull(it->second)) return std::nullopt;
    return to_utf8(std::string(f->GetFieldAsString(it->second)), src);
}

/// `"id": "@index"`: sources without an id field (scraped listings) use the feature's
/// 0-based position, which rejected.csv and repairs.csv report as well.


std::string id_text(OGRFeature* f, const Source& src, long idx = -1) {
    if (src.index_ids) return std::to_string(idx);
    auto t = field_text(f, src, "id");
    if (!t) return {};
    std::string s = *t;
    // trim: ids typed with stray spaces should still match parent codes
    size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
    return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

/// Geometry to WGS 84 WKB, for rejected.geojson.
std::vector<unsigned char> wgs_wkb(const OGRGeometry* g, Source& src) {
    if (!g || g->IsEmpty()) return {};
    std::unique_ptr<OGRGeometry> c(g->clone());
    if (src.china) c->transform(src.china.get());
    else if (src.to_wgs) c->transform(src.to_wgs.get());
    // rejected.geojson must stay valid RFC 7946: impossible coordinates go without geometry
    OGREnvelope e;
    c->getEnvelope(&e);
    if (!(e.MinX >= -180 && e.MaxX <= 180 && e.MinY >= -90 && e.MaxY <= 90)) return {};
    std::vector<unsigned char> buf(c->WkbSize());
    c->exportToWkb(wkbNDR, buf.data(), wkbVariantIso);
    return buf;
}

/// Geometry in the working CRS as GEOS; null if it cannot be transformed.
GeomPtr to_working(const OGRGeometry* g, Source& src) {
    GEOSContextHandle_t h = main_geos();
    std::unique_ptr<OGRGeometry> c(g->clone());
    c->flattenTo2D();
    if (src.china && c->transform(src.china.get()) != OGRERR_NONE) return own(h, nullptr);
    if (src.to_work && c->transform(src.to_work.get()) != OGRERR_NONE) return own(h, nullptr);
    std::vector<unsigned char> buf(c->WkbSize());
    c->exportToWkb(wkbNDR, buf.data(), wkbVariantIso);
    return from_wkb(h, buf.data(), buf.size());
}

/// GEOS's name of a geometry type ("LineString"); GEOS allocates it, we free it.
std::string geom_type_name(GEOSContextHandle_t h, const GEOSGeometry* g) {
    char* t = GEOSGeomType_r(h, g);
    std::string r = t ? t : "?";
    if (t) GEOSFree_r(h, t);
    return r;
}

/// Why a geometry could not be brought into the working CRS; spots (lat, lon) order.
std::string transform_failure(const OGRGeometry* g, const Source& src) {
    OGREnvelope e;
    g->getEnvelope(&e);
    // GCJ-02/BD-09 are lon/lat by definition (the source SRS is then WGS 84 itself).
    int lat_axis = src.china ? 1 : src.lat_axis;
    if (lat_axis < 0) return "geometry cannot be transformed to the working CRS";
    double lat_min = lat_axis == 1 ? e.MinY : e.MinX, lat_max = lat_axis == 1 ? e.MaxY : e.MaxX;
    double lon_min = lat_axis == 1 ? e.MinX : e.MinY, lon_max = lat_axis == 1 ? e.MaxX : e.MaxY;
    bool lat_bad = lat_max > 90 || lat_min < -90;
    if (lat_bad && lon_max <= 90 && lon_min >= -90)
        return "latitude and longitude look swapped (a latitude of " + std::to_string(lat_max > 90 ? lat_max : lat_min) +
               " is impossible; give coordinates as " + (lat_axis == 1 ? "lon, lat)" : "lat, lon as the CRS's axis order says)");
    if (lat_bad || lon_max > 180 || lon_min < -180)
        return "coordinates out of range for longitude/latitude";
    return "geometry cannot be transformed to the working CRS";
}

/// Keeps only the polygonal part of a geometry (make-valid may return a collection).
GeomPtr polygonal_part(GEOSContextHandle_t h, GeomPtr g) {
    int t = GEOSGeomTypeId_r(h, g.get());
    if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON) return g;
    std::vector<GeomPtr> parts;
    int n = GEOSGetNumGeometries_r(h, g.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* p = GEOSGetGeometryN_r(h, g.get(), i);
        int pt = GEOSGeomTypeId_r(h, p);
        if (pt == GEOS_POLYGON) parts.push_back(clone(h, p));
        else if (pt == GEOS_MULTIPOLYGON)
            for (int k = 0; k < GEOSGetNumGeometries_r(h, p); ++k) parts.push_back(clone(h, GEOSGetGeometryN_r(h, p, k)));
    }
    if (parts.empty()) return own(h, nullptr);
    if (parts.size() == 1) return std::move(parts[0]);
    return make_collection(h, GEOS_MULTIPOLYGON, parts);
}

struct Ctx {
    const Project& p;
    Inputs& in;
    OGRSpatialReference wgs, work;
};

void reject(Ctx& c, const std::string& layer, const std::string& id, long idx, const std::string& reason,
            std::vector<unsigned char> wkb = {}) {
    c.in.rejected.push_back(Rejection{layer, id, reason, idx, std::move(wkb)});
    c.in.counts[layer].rejected++;
}

/// Validates and repairs a polygon in the working CRS; returns null (and rejects) if unusable.
GeomPtr clean_polygon(Ctx& c, const std::string& layer, const std::string& id, long idx, GeomPtr g, OGRGeometry* og, Source& src) {
    GEOSContextHandle_t h = main_geos();
    int t = GEOSGeomTypeId_r(h, g.get());
    if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) {
        reject(c, layer, id, idx, "not a polygon (" + geom_type_name(h, g.get()) + ")", wgs_wkb(og, src));
        return own(h, nullptr);
    }
    if (GEOSisValid_r(h, g.get()) != 1) {
        char* why = GEOSisValidReason_r(h, g.get());
        std::string reason = why ? why : "invalid";
        if (why) GEOSFree_r(h, why);
        GeomPtr fixed = own(h, GEOSMakeValid_r(h, g.get()));
        if (fixed) fixed = polygonal_part(h, std::move(fixed));
        if (!fixed || GEOSisEmpty_r(h, fixed.get())) {
            reject(c, layer, id, idx, "invalid polygon that cannot be repaired (" + reason + ")", wgs_wkb(og, src));
            return own(h, nullptr);
        }
        c.in.repairs.push_back(Repair{layer, id, "invalid polygon repaired with make-valid (" + reason + ")"});
        return fixed;
    }
    return g;
}

XY point_on_surface(const GEOSGeometry* g) {
    GEOSContextHandle_t h = main_geos();
    GeomPtr p = own(h, GEOSPointOnSurface_r(h, g));
    XY r;
    if (p && !GEOSisEmpty_r(h, p.get())) {
        GEOSGeomGetX_r(h, p.get(), &r.x);
        GEOSGeomGetY_r(h, p.get(), &r.y);
    }
    return r;
}

/// Reads an optional number field, noting text that was reinterpreted or unreadable.
std::optional<double> read_number(Ctx& c, OGRFeature* f, Source& src, const std::string& layer, const std::string& canon,
                                  const std::string& id) {
    auto it = src.field_index.find(canon);
    if (it == src.field_index.end() || !f->IsFieldSetAndNotNull(it->second)) {
        // Compound weights decide shares, so a null one is worth a line; a canteen
        // without beds is normal and would only bury the real problems.
        if (it != src.field_index.end() && layer == "compounds") c.in.repairs.push_back(Repair{layer, id, canon + ": null (unknown)"});
        return std::nullopt;
    }
    OGRFieldType ft = f->GetFieldDefnRef(it->second)->GetType();
    if (ft == OFTInteger || ft == OFTInteger64 || ft == OFTReal) {
        double v = f->GetFieldAsDouble(it->second);
        if (!std::isfinite(v)) return std::nullopt;
        return v;
    }
    std::string s = to_utf8(f->GetFieldAsString(it->second), src);
    return number_from_text(s, layer, canon, id, c.in.repairs, c.in.unreadable);
}

template <class F>
void for_each_feature(Source& src, F fn) {
    src.layer->ResetReading();
    long idx = 0;
    OGRFeatureUniquePtr f;
    GdalErrors errs;
    while ((f.reset(src.layer->GetNextFeature()), f)) fn(f.get(), idx++);
    // A file cut short mid-record reads as fewer features plus a GDAL error: that is an
    // unreadable input, not a smaller one.
    // Per-record complaints ("Invalid coordinate") leave that record unusable, and it
    // is rejected; only read errors stop the run.
    auto is_read_error = [](const std::string& m) {
        for (const char* k : {"fread", "Corrupt", "corrupt", "truncat", "offset", "Unable to read", "I/O", "short read"})
            if (m.find(k) != std::string::npos) return true;
        return false;
    };
    // A shapefile whose .dbf is cut short announces more records than it yields.
    GIntBig announced = src.filtered ? -1 : src.layer->GetFeatureCount(FALSE);
    if (announced > idx)
        throw InputError(src.label + ": announces " + std::to_string(announced) + " features but only " + std::to_string(idx) +
                         " could be read; the file may be truncated or damaged");
    if (std::any_of(errs.failures.begin(), errs.failures.end(), is_read_error))
        throw InputError(src.label + ": cannot be read to the end after " + std::to_string(idx) + " feature(s) (" +
                         errs.failures.back() + "); the file may be truncated or damaged");
    if (src.recoded)
        src.warnings_out->push_back(src.label + ": text is not UTF-8; read as " + (src.encoding.empty() ? std::string("GB18030 (GBK)") : src.encoding) +
                                    " (set \"encoding\" on the layer to be explicit)");
}

std::string trim(std::string s) {
    size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
    return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

std::string canonical_kind(const LayerSpec& s, int level, const std::optional<std::string>& raw, bool& unknown) {
    unknown = false;
    static const char* defaults[] = {"district", "street", "community"};
    if (!raw || raw->empty()) return defaults[level];
    std::string v = trim(*raw);
    auto it = s.kind_map.find(v);
    if (it != s.kind_map.end()) v = it->second;
    static const std::map<std::string, std::string> zh = {{"街道", "street"}, {"乡", "township"}, {"镇", "township"},
                                                          {"乡镇", "township"}, {"社区", "community"}, {"村", "village"},
                                                          {"行政村", "village"}, {"区", "district"}, {"县", "district"}};
    auto z = zh.find(v);
    if (z != zh.end()) v = z->second;
    static const std::set<std::string> ok[] = {{"district"}, {"street", "township"}, {"community", "village"}};
    if (!ok[level].count(v)) {
        unknown = true;
        return defaults[level];
    }
    return v;
}

void read_units(Ctx& c, const LayerSpec& s, int level, Source& src) {
    auto& units = c.in.units[level];
    std::unordered_map<std::string, long> seen;
    std::string layer = s.key;
    for_each_feature(src, [&](OGRFeature* f, long idx) {
        c.in.counts[layer].read++;
        std::string id = id_text(f, src, idx);
        OGRGeometry* og = f->GetGeometryRef();
        if (id.empty()) return reject(c, layer, "", idx, "missing id (field \"" + s.field("id") + "\" is empty)", wgs_wkb(og, src));
        auto [it, fresh] = seen.emplace(id, idx);
        if (!fresh) return reject(c, layer, id, idx, "duplicate id (first used by feature " + std::to_string(it->second) + ")", wgs_wkb(og, src));
        if (!og || og->IsEmpty()) return reject(c, layer, id, idx, "empty or null geometry");
        GeomPtr g = to_working(og, src);
        if (!g) return reject(c, layer, id, idx, transform_failure(og, src), wgs_wkb(og, src));
        g = clean_polygon(c, layer, id, idx, std::move(g), og, src);
        if (!g) return;
        Unit u;
        u.id = id;
        u.name = field_text(f, src, "name").value_or("");
        bool unknown = false;
        auto kraw = field_text(f, src, "kind");
        u.kind = canonical_kind(s, level, kraw, unknown);
        if (unknown) c.in.repairs.push_back(Repair{layer, id, "kind \"" + *kraw + "\" not recognised (add it to kind_map); taken as " + u.kind});
        u.parent_id = trim(field_text(f, src, "parent").value_or(""));
        for (auto& [attr, fname] : s.attributes)
            if (auto v = field_text(f, src, "attr:" + attr)) u.attrs[attr] = attr_from_text(*v);
        u.level = level;
        u.rep = point_on_surface(g.get());
        GEOSArea_r(main_geos(), g.get(), &u.area_m2);
        u.geom = std::move(g);
        units.push_back(std::move(u));
        c.in.counts[layer].used++;
    });
    c.in.has_level[level] = true;
}

void read_compounds(Ctx& c, const LayerSpec& s, Source& src) {
    std::unordered_map<std::string, long> seen;
    const std::string layer = "compounds";
    GEOSContextHandle_t h = main_geos();
    for_each_feature(src, [&](OGRFeature* f, long idx) {
        c.in.counts[layer].read++;
        std::string id = id_text(f, src, idx);
        OGRGeometry* og = f->GetGeometryRef();
        if (id.empty()) return reject(c, layer, "", idx, "missing id (field \"" + s.field("id") + "\" is empty)", wgs_wkb(og, src));
        auto [it, fresh] = seen.emplace(id, idx);
        if (!fresh) return reject(c, layer, id, idx, "duplicate id (first used by feature " + std::to_string(it->second) + ")", wgs_wkb(og, src));
        if (!og || og->IsEmpty()) return reject(c, layer, id, idx, "empty or null geometry (no coordinates)");
        GeomPtr g = to_working(og, src);
        if (!g) return reject(c, layer, id, idx, transform_failure(og, src), wgs_wkb(og, src));
        Compound cp;
        int t = GEOSGeomTypeId_r(h, g.get());
        if (t == GEOS_POINT || t == GEOS_MULTIPOINT) {
            cp.is_point = true;
            if (t == GEOS_MULTIPOINT) {
                c.in.repairs.push_back(Repair{layer, id, "multipoint compound: the first point is used"});
                g = clone(h, GEOSGetGeometryN_r(h, g.get(), 0));
            }
            GEOSGeomGetX_r(h, g.get(), &cp.rep.x);
            GEOSGeomGetY_r(h, g.get(), &cp.rep.y);
        } else {
            g = clean_polygon(c, layer, id, idx, std::move(g), og, src);
            if (!g) return;
            cp.rep = point_on_surface(g.get());
        }
        cp.id = id;
        cp.feature_index = idx;
        cp.name = field_text(f, src, "name").value_or("");
        if (auto yit = src.field_index.find("year"); yit != src.field_index.end()) {
            if (f->IsFieldSetAndNotNull(yit->second)) {
                std::string raw = to_utf8(f->GetFieldAsString(yit->second), src);
                cp.year = text::parse_year(raw);
                if (!cp.year) {
                    cp.year_raw = raw;
                    c.in.repairs.push_back(Repair{layer, id, "year: \"" + raw + "\" cannot be read; listed as unknown_year"});
                } else if (raw != std::to_string(*cp.year)) {
                    c.in.repairs.push_back(Repair{layer, id, "year: \"" + raw + "\" read as " + std::to_string(*cp.year)});
                }
            } else {
                c.in.repairs.push_back(Repair{layer, id, "year: null; listed as unknown_year"});
            }
        }
        cp.households = read_number(c, f, src, layer, "households", id);
        cp.population = read_number(c, f, src, layer, "population", id);
        cp.elderly = read_number(c, f, src, layer, "elderly", id);
        cp.infants = read_number(c, f, src, layer, "infants", id);
        auto given = [](const std::optional<double>& v) { return v ? FigureSource::Data : FigureSource::Unknown; };
        cp.population_source = given(cp.population);
        cp.elderly_source = given(cp.elderly);
        cp.infants_source = given(cp.infants);
        cp.geom = std::move(g);
        c.in.compounds.push_back(std::move(cp));
        c.in.counts[layer].used++;
    });
}

std::string map_operator(const LayerSpec& s, const std::string& raw) {
    std::string v = trim(raw);
    auto it = s.operator_map.find(v);
    if (it != s.operator_map.end()) return it->second;
    static const std::map<std::string, std::string> zh = {{"公办", "public"}, {"民办", "private"}, {"公建民营", "public_private"},
                                                          {"公办民营", "public_private"}, {"国有", "public"}, {"私营", "private"}};
    auto z = zh.find(v);
    return z == zh.end() ? v : z->second;
}

void read_facilities(Ctx& c, const LayerSpec& s, Source& src, bool added) {
    std::unordered_map<std::string, long> seen;
    for (auto& f : c.in.facilities) seen.emplace(f.id, -1);
    const std::string layer = "facilities";
    GEOSContextHandle_t h = main_geos();
    for_each_feature(src, [&](OGRFeature* f, long idx) {
        c.in.counts[layer].read++;
        std::string id = id_text(f, src, idx);
        OGRGeometry* og = f->GetGeometryRef();
        if (id.empty()) return reject(c, layer, "", idx, "missing id (field \"" + s.field("id") + "\" is empty)", wgs_wkb(og, src));
        auto [it, fresh] = seen.emplace(id, idx);
        if (!fresh)
            return reject(c, layer, id, idx,
                          it->second < 0 ? "duplicate id (already used by a facility of the base project)"
                                         : "duplicate id (first used by feature " + std::to_string(it->second) + ")",
                          wgs_wkb(og, src));
        std::string raw = trim(field_text(f, src, "type").value_or(""));
        std::string type = canonical_type(s, raw);
        if (type.empty())
            return reject(c, layer, id, idx,
                          raw.empty() ? "missing facility type" : "unknown facility type \"" + raw + "\" (map it in type_map)",
                          wgs_wkb(og, src));
        if (!og || og->IsEmpty()) return reject(c, layer, id, idx, "empty or null geometry (no coordinates)");
        GeomPtr g = to_working(og, src);
        if (!g) return reject(c, layer, id, idx, transform_failure(og, src), wgs_wkb(og, src));
        Facility fa;
        int t = GEOSGeomTypeId_r(h, g.get());
        if (t == GEOS_POINT) {
            GEOSGeomGetX_r(h, g.get(), &fa.pt.x);
            GEOSGeomGetY_r(h, g.get(), &fa.pt.y);
        } else {
            fa.pt = point_on_surface(g.get());
            c.in.repairs.push_back(Repair{layer, id, "facility given as " + geom_type_name(h, g.get()) +
                                                         "; its point on surface is used"});
        }
        if (!std::isfinite(fa.pt.x) || !std::isfinite(fa.pt.y))
            return reject(c, layer, id, idx, "coordinates cannot be used", wgs_wkb(og, src));
        fa.id = id;
        fa.feature_index = idx;
        fa.name = field_text(f, src, "name").value_or("");
        fa.type = type;
        fa.type_raw = raw;
        fa.added = added;
        fa.beds = read_number(c, f, src, layer, "beds", id);
        fa.nursing_beds = read_number(c, f, src, layer, "nursing_beds", id);
        fa.floor_area = read_number(c, f, src, layer, "floor_area", id);
        auto land = read_number(c, f, src, layer, "land_area", id);
        auto put_num = [&](const char* k, const std::optional<double>& v) {
            if (src.field_index.count(k)) fa.attrs[k].number = v;
        };
        put_num("beds", fa.beds);
        put_num("nursing_beds", fa.nursing_beds);
        put_num("floor_area", fa.floor_area);
        put_num("land_area", land);
        for (auto& [attr, fname] : s.attributes) {
            auto v = field_text(f, src, "attr:" + attr);
            std::string val = !v ? std::string() : attr == "operator" ? map_operator(s, *v) : attr == "grade" ? canonical_grade(*v) : *v;
            fa.attrs[attr] = v ? attr_from_text(val) : AttrValue{};
        }
        c.in.facilities.push_back(std::move(fa));
        c.in.counts[layer].used++;
    });
}

void read_roads(Ctx& c, const LayerSpec& s, Source& src) {
    std::set<std::string> excl(s.exclude.begin(), s.exclude.end());
    const std::string layer = "roads";
    GEOSContextHandle_t h = main_geos();
    auto add_line = [&](const GEOSGeometry* ln) {
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ln);
        unsigned n = 0;
        GEOSCoordSeq_getSize_r(h, seq, &n);
        std::vector<XY> pts(n);
        for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(h, seq, i, &pts[i].x, &pts[i].y);
        if (pts.size() >= 2) c.in.roads.push_back(std::move(pts));
    };
    for_each_feature(src, [&](OGRFeature* f, long idx) {
        c.in.counts[layer].read++;
        auto cls = field_text(f, src, "class");
        if (!cls || trim(*cls).empty() || excl.count(trim(*cls))) {  // not a walkable road (SPEC 4)
            c.in.counts[layer].skipped++;
            return;
        }
        OGRGeometry* og = f->GetGeometryRef();
        if (!og || og->IsEmpty()) return reject(c, layer, std::to_string(idx), idx, "empty or null geometry");
        GeomPtr g = to_working(og, src);
        if (!g) return reject(c, layer, std::to_string(idx), idx, transform_failure(og, src), wgs_wkb(og, src));
        int t = GEOSGeomTypeId_r(h, g.get());
        if (t == GEOS_LINESTRING) add_line(g.get());
        else if (t == GEOS_MULTILINESTRING)
            for (int i = 0; i < GEOSGetNumGeometries_r(h, g.get()); ++i) add_line(GEOSGetGeometryN_r(h, g.get(), i));
        else return reject(c, layer, std::to_string(idx), idx, "not a line (" + geom_type_name(h, g.get()) + ")", wgs_wkb(og, src));
        c.in.counts[layer].used++;
    });
}

void read_gates(Ctx& c, const LayerSpec& s, Source& src) {
    GEOSContextHandle_t h = main_geos();
    for_each_feature(src, [&](OGRFeature* f, long idx) {
        c.in.counts["gates"].read++;
        auto cid = field_text(f, src, "compound_id");
        OGRGeometry* og = f->GetGeometryRef();
        if (!cid || trim(*cid).empty()) return reject(c, "gates", std::to_string(idx), idx, "missing compound id", wgs_wkb(og, src));
        if (!og || og->IsEmpty()) return reject(c, "gates", *cid, idx, "empty or null geometry");
        GeomPtr g = to_working(og, src);
        if (!g || GEOSGeomTypeId_r(h, g.get()) != GEOS_POINT) return reject(c, "gates", *cid, idx, "a gate must be a point", wgs_wkb(og, src));
        XY p;
        GEOSGeomGetX_r(h, g.get(), &p.x);
        GEOSGeomGetY_r(h, g.get(), &p.y);
        c.in.gates.emplace_back(trim(*cid), p);
        c.in.counts["gates"].used++;
    });
    (void)s;
}

/// Centre of the study area in WGS 84, for `working_crs: auto`: the extent of the
/// coarsest unit layer (boundaries are clean), else of the compounds (scraped points
/// may include strays far away, which would pull a bare extent off).
std::pair<double, double> data_centre(const Project& p, std::vector<std::string>& warnings) {
    const LayerSpec* sp = p.layer("district");
    if (!sp) sp = p.layer("street");
    if (!sp) sp = p.layer("community");
    if (!sp) sp = p.layer("compounds");
    const LayerSpec& s = *sp;
    Source src = open_source(p, s, warnings);
    OGRSpatialReference wgs;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::vector<std::string> dummy;
    setup_transforms(s, src, wgs, nullptr, dummy);
    OGREnvelope env;
    if (src.layer->GetExtent(&env, TRUE) != OGRERR_NONE || !std::isfinite(env.MinX))
        throw InputError(src.label + ": the layer has no geometry to locate the study area (set working_crs to an EPSG code, or check the file)");
    double x = (env.MinX + env.MaxX) / 2, y = (env.MinY + env.MaxY) / 2;
    if (src.china) src.china->Transform(1, &x, &y, nullptr, nullptr, nullptr);
    else if (src.to_wgs) src.to_wgs->Transform(1, &x, &y, nullptr, nullptr, nullptr);
    return {x, y};
}

}  // namespace

std::string canonical_type(const LayerSpec& s, const std::string& raw_in) {
    std::string raw = trim(raw_in);
    auto it = s.type_map.find(raw);
    if (it != s.type_map.end()) return it->second;
    if (is_canonical_type(raw)) return raw;
    auto b = builtin_type_labels().find(raw);
    if (b != builtin_type_labels().end()) return b->second;
    return {};
}

Inputs read_inputs(const Project& p, const Progress& progress) {
    gdal_init();
    Inputs in;
    Ctx c{p, in, OGRSpatialReference(), OGRSpatialReference()};
    c.wgs.importFromEPSG(4326);
    c.wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (p.working_crs == "auto" || p.working_crs.empty()) {
        auto [lon, lat] = data_centre(p, in.warnings);
        int zone = std::clamp(static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1, 1, 60);
        in.working_crs = "EPSG:" + std::to_string((lat >= 0 ? 32600 : 32700) + zone);
    } else {
        in.working_crs = p.working_crs;
    }
    c.work = srs_from(in.working_crs, p.file.u8string() + ": /working_crs");
    if (!c.work.IsProjected())
        throw ConfigError(p.file.u8string() + ": /working_crs: \"" + in.working_crs + "\" is not a projected CRS in metres; use \"auto\" or a projected EPSG code");
    char* wkt = nullptr;
    c.work.exportToWkt(&wkt);
    in.working_crs_wkt = wkt ? wkt : "";
    CPLFree(wkt);

    // The same source given for two layers is legal (a GeoPackage with a `where` per
    // level) but more often a copy-paste slip: say so.
    {
        std::map<std::string, std::vector<std::string>> by_source;
        for (auto& [k, spec] : p.layers)
            if (spec.present) by_source[spec.path.u8string() + "|" + spec.layer + "|" + spec.where].push_back(k);
        for (auto& [src, keys] : by_source)
            if (keys.size() > 1) {
                std::string ks;
                for (auto& k : keys) ks += (ks.empty() ? "" : " and ") + k;
                in.warnings.push_back(src.substr(0, src.find('|')) + " is read for both " + ks +
                                      " (same file, layer and filter): check the project's layer paths");
            }
    }
    static const std::pair<const char*, int> unit_layers[] = {{"district", kDistrict}, {"street", kStreet}, {"community", kCommunity}};
    int step = 0;
    auto tick = [&](const std::string& what) { if (progress) progress("read " + what, ++step / 7.0); };
    // The layers are read by two threads, each task into its own Inputs; the parts are
    // appended in the serial order afterwards, so counts, rejections, repairs and
    // warnings read exactly as if one thread had read them one after another.
    struct Task {
        std::string what;
        std::function<void(Ctx&)> read;
        Inputs part;
        std::exception_ptr err;
    };
    std::vector<Task> tasks;
    tasks.push_back({"units", [&](Ctx& tc) {
                         for (auto [key, level] : unit_layers)
                             if (const LayerSpec* s = p.layer(key)) {
                                 Source src = open_source(p, *s, tc.in.warnings);
                                 setup_transforms(*s, src, tc.wgs, &tc.work, tc.in.warnings);
                                 read_units(tc, *s, level, src);
                             }
                     }, {}, nullptr});
    tasks.push_back({"compounds", [&](Ctx& tc) {
                         const LayerSpec& s = *p.layer("compounds");
                         Source src = open_source(p, s, tc.in.warnings);
                         setup_transforms(s, src, tc.wgs, &tc.work, tc.in.warnings);
                         read_compounds(tc, s, src);
                     }, {}, nullptr});
    tasks.push_back({"facilities", [&](Ctx& tc) {
                         const LayerSpec& s = *p.layer("facilities");
                         Source src = open_source(p, s, tc.in.warnings);
                         setup_transforms(s, src, tc.wgs, &tc.work, tc.in.warnings);
                         read_facilities(tc, s, src, false);
                     }, {}, nullptr});
    if (const LayerSpec* s = p.layer("roads"); s && p.access.mode == "network")
        tasks.push_back({"roads", [&p, s](Ctx& tc) {
                             Source src = open_source(p, *s, tc.in.warnings);
                             setup_transforms(*s, src, tc.wgs, &tc.work, tc.in.warnings);
                             read_roads(tc, *s, src);
                         }, {}, nullptr});
    if (const LayerSpec* s = p.layer("gates"))
        tasks.push_back({"gates", [&p, s](Ctx& tc) {
                             Source src = open_source(p, *s, tc.in.warnings);
                             setup_transforms(*s, src, tc.wgs, &tc.work, tc.in.warnings);
                             read_gates(tc, *s, src);
                         }, {}, nullptr});
    // Largest first: roads (network mode), then compounds.
    std::vector<size_t> order;
    for (const char* w : {"roads", "compounds", "units", "facilities", "gates"})
        for (size_t i = 0; i < tasks.size(); ++i)
            if (tasks[i].what == w) order.push_back(i);
    std::atomic<size_t> next{0};
    auto work = [&](int worker, const OGRSpatialReference& wgs, const OGRSpatialReference& wk) {
        tl_read_worker = worker;
        for (size_t k; (k = next.fetch_add(1)) < order.size();) {
            Task& t = tasks[order[k]];
            Ctx tc{p, t.part, wgs, wk};
            try {
                t.read(tc);
            } catch (...) {
                t.err = std::current_exception();
            }
        }
        tl_read_worker = 0;
    };
    if (worker_count() > 1) {
        std::thread beside([&, slot = job_slot(), wgs = c.wgs, wk = c.work]() {
            set_job_slot(slot);
            work(1, wgs, wk);
        });
        work(0, c.wgs, c.work);
        beside.join();
    } else {
        work(0, c.wgs, c.work);
    }
    // The first failure in the serial order is the one reported.
    for (Task& t : tasks)
        if (t.err) std::rethrow_exception(t.err);
    GEOSContextHandle_t h0 = main_geos();
    for (Task& t : tasks) {
        Inputs& x = t.part;
        for (int l = 0; l < kLevels; ++l) {
            if (!x.has_level[l]) continue;
            in.has_level[l] = true;
            for (Unit& u : x.units[l]) {
                u.geom = GeomPtr(u.geom.release(), GeomDeleter{h0});  // owned by this thread from now on
                in.units[l].push_back(std::move(u));
            }
        }
        for (Compound& cp : x.compounds) {
            cp.geom = GeomPtr(cp.geom.release(), GeomDeleter{h0});
            in.compounds.push_back(std::move(cp));
        }
        for (Facility& f : x.facilities) in.facilities.push_back(std::move(f));
        for (auto& r : x.roads) in.roads.push_back(std::move(r));
        for (auto& g : x.gates) in.gates.push_back(std::move(g));
        for (auto& [k, v] : x.counts) in.counts[k] = v;
        for (auto& r : x.rejected) in.rejected.push_back(std::move(r));
        for (auto& w : x.warnings) in.warnings.push_back(std::move(w));
        for (auto& r : x.repairs) in.repairs.push_back(std::move(r));
        for (auto& [k, v] : x.unreadable) in.unreadable[k] += v;
        if (t.what == "units") {
            for (const char* key : {"district", "street", "community"}) tick(key);
        } else {
            tick(t.what);
        }
    }
    if (!p.layer("roads") || p.access.mode != "network") tick("roads");
    return in;
}

void read_extra_facilities(const Project& p, const std::string& what, bool is_text, Inputs& in) {
    gdal_init();
    LayerSpec s = *p.layer("facilities");
    std::string vsi;
    if (is_text) {
        static std::atomic<int> counter{0};  // batch jobs add facilities side by side
        vsi = "/vsimem/lifecircle_add_" + std::to_string(++counter) + ".geojson";
        VSIFCloseL(VSIFileFromMemBuffer(vsi.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(what.data())), what.size(), FALSE));
        s.path = vsi;
    } else {
        s.path = what;
    }
    s.layer.clear();
    s.where.clear();
    Ctx c{p, in, OGRSpatialReference(), OGRSpatialReference()};
    c.wgs.importFromEPSG(4326);
    c.wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    c.work = srs_from(in.working_crs, "working CRS");
    const size_t warned = in.warnings.size();
    {
        Source src = open_source(p, s, in.warnings);
        if (is_text) src.label = "add_facilities (inline)";
        setup_transforms(s, src, c.wgs, &c.work, in.warnings);
        read_facilities(c, s, src, true);
    }
    // Messages name the inline collection, not the memory file it was read from (whose
    // number differs between a batch and a single run).
    if (is_text)
        for (size_t i = warned; i < in.warnings.size(); ++i) {
            std::string& w = in.warnings[i];
            for (size_t at; (at = w.find(vsi)) != std::string::npos;) w.replace(at, vsi.size(), "add_facilities (inline)");
        }
    if (!vsi.empty()) VSIUnlink(vsi.c_str());
}

}  // namespace lc

namespace lc {

Inputs clone_inputs(const Inputs& in, bool share_geometries) {
    GEOSContextHandle_t h = main_geos();
    Inputs out;
    out.working_crs = in.working_crs;
    out.working_crs_wkt = in.working_crs_wkt;
    out.has_level = in.has_level;
    for (int l = 0; l < kLevels; ++l) {
        out.units[l].reserve(in.units[l].size());
        for (auto& u : in.units[l]) {
            Unit c;
            c.id = u.id;
            c.name = u.name;
            c.kind = u.kind;
            c.parent_id = u.parent_id;
            c.level = u.level;
            c.parent = u.parent;
            c.geom = share_geometries ? borrow(u.geom.get()) : clone(h, u.geom.get());
            c.rep = u.rep;
            c.area_m2 = u.area_m2;
            c.attrs = u.attrs;
            c.census = u.census;
            out.units[l].push_back(std::move(c));
        }
    }
    out.compounds.reserve(in.compounds.size());
    for (auto& c : in.compounds) {
        Compound k;
        k.id = c.id;
        k.name = c.name;
        k.year = c.year;
        k.year_raw = c.year_raw;
        k.households = c.households;
        k.population = c.population;
        k.elderly = c.elderly;
        k.infants = c.infants;
        k.population_source = c.population_source;
        k.elderly_source = c.elderly_source;
        k.infants_source = c.infants_source;
        k.geom = share_geometries ? borrow(c.geom.get()) : clone(h, c.geom.get());
        k.is_point = c.is_point;
        k.rep = c.rep;
        k.unit = c.unit;
        k.feature_index = c.feature_index;
        out.compounds.push_back(std::move(k));
    }
    out.facilities = in.facilities;
    out.roads = in.roads;
    out.gates = in.gates;
    out.rejected = in.rejected;
    out.repairs = in.repairs;
    out.warnings = in.warnings;
    out.unreadable = in.unreadable;
    out.counts = in.counts;
    out.area_census = in.area_census;
    out.census = in.census;
    out.census_tables = in.census_tables;
    out.units_placed = in.units_placed;
    out.facility_units = in.facility_units;
    return out;
}

}  // namespace lc
