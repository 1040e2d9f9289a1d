#include "outputs/gis_formats.hpp"

#include "common/chinacrs.hpp"
#include "common/errors.hpp"
#include "common/markup.hpp"
#include "ingest/working_crs.hpp"
#include "outputs/outputs.hpp"
#include "outputs/qgis_styles.hpp"

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>

namespace lc {

namespace fs = std::filesystem;

namespace {

/// dBASE keeps at most 254 bytes of text per field.
constexpr size_t kDbfText = 254;
constexpr size_t kDbfName = 10;

/// Short forms of the words (and word runs: facility types) in lifecircle's field names.
const std::vector<std::pair<std::string, std::string>>& abbreviations() {
    static const std::vector<std::pair<std::string, std::string>> a = {
        // facility types (profiles.md vocabulary), two words before one
        {"childcare_guidance", "ccg"}, {"elder_university", "eu"}, {"elder_school", "es"}, {"regional_center", "rgc"},
        {"street_center", "stc"}, {"activity_center", "atc"}, {"dementia_care", "dmc"}, {"rural_station", "rst"},
        {"nursing_home", "nh"}, {"day_care", "dc"}, {"family_beds", "fbeds"}, {"nursing_beds", "nbeds"},
        {"safety_net", "snet"}, {"fifteen_minute", "15min"}, {"feature_index", "feat_idx"}, {"childcare", "cc"}, {"canteens", "cant"}, {"canteen", "cant"}, {"supporting", "sup"},
        // words of the output fields and of the built-in rule ids
        {"access", "acc"}, {"compounds", "cmpd"}, {"compound", "cmpd"}, {"community", "comm"}, {"district", "dstr"},
        {"street", "st"}, {"township", "twp"}, {"county", "cnty"}, {"elderly", "eld"}, {"households", "hh"},
        {"population", "pop"}, {"infants", "inf"}, {"facility", "fac"}, {"nearest", "nr"}, {"reached", "rc"},
        {"reach", "r"}, {"share", "sh"}, {"unknown", "unk"}, {"uncovered", "unc"}, {"scenario", "scn"}, {"source", "src"},
        {"census", "cen"}, {"estimated", "est"}, {"minutes", "min"}, {"minute", "min"}, {"fifteen", "15"}, {"circle", "circ"},
        {"support", "sup"}, {"nursing", "nrs"}, {"public", "pub"}, {"regional", "reg"}, {"center", "ctr"}, {"safety", "sfty"},
        {"coverage", "cov"}, {"inclusive", "incl"}, {"places", "plc"}, {"medical", "med"}, {"friendly", "frnd"},
        {"university", "univ"}, {"school", "sch"}, {"guidance", "gd"}, {"demonstration", "demo"}, {"value", "val"},
    };
    return a;
}

std::vector<std::string> split_words(const std::string& s) {
    std::vector<std::string> w;
    std::string cur;
    for (char c : s) {
        if (c == '_') {
            if (!cur.empty()) w.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) w.push_back(cur);
    return w;
}

/// Words abbreviated: a two-word run from the table wins over its single words.
std::vector<std::string> abbreviate(const std::vector<std::string>& words) {
    std::vector<std::string> out;
    for (size_t i = 0; i < words.size();) {
        bool done = false;
        for (size_t len = 2; len >= 1 && !done; --len) {
            if (i + len > words.size()) continue;
            std::string run = words[i];
            for (size_t k = 1; k < len; ++k) run += "_" + words[i + k];
            for (auto& [full, brief] : abbreviations())
                if (full == run) {
                    out.push_back(brief);
                    i += len;
                    done = true;
                    break;
                }
        }
        if (!done) out.push_back(words[i++]);
    }
    return out;
}

std::string join(const std::vector<std::string>& w, const char* sep) {
    std::string s;
    for (auto& x : w) s += (s.empty() ? "" : sep) + x;
    return s;
}

/// Cuts the longest word (the last of equally long ones) a letter at a time until the
/// name fits in `limit`; then without underscores; then cut.
std::string fit(std::vector<std::string> w, size_t limit = kDbfName) {
    auto length = [&] { return join(w, "_").size(); };
    while (length() > limit) {
        size_t best = w.size();
        for (size_t i = 0; i < w.size(); ++i)
            if (w[i].size() > 1 && (best == w.size() || w[i].size() >= w[best].size())) best = i;
        if (best == w.size()) break;
        w[best].pop_back();
    }
    std::string s = join(w, "_");
    if (s.size() > limit) s = join(w, "");
    return s.substr(0, limit);
}

/// band_<type>_<minutes>min_<weight>_share (a life-circle band, "7_5" for 7.5 minutes)
/// as b<minutes>_<type>_<weight>: b15_dc_eld beside r_dc_eld, the minutes kept whole
/// ("p" for the point: b7p5) and the type and weight cut to what fits after "b15_", so
/// that a type reads the same in its 5, 10 and 15 minute bands. Empty when the name is
/// no band field.
std::string band_field_name(const std::vector<std::string>& words) {
    if (words.size() < 5 || words.front() != "band" || words.back() != "share") return "";
    auto digits = [](const std::string& x, size_t n) {
        return n > 0 && x.size() >= n && std::all_of(x.begin(), x.begin() + n, [](char c) { return c >= '0' && c <= '9'; });
    };
    const size_t m = words.size() - 3;  // the "<minutes>min" word
    const std::string& last = words[m];
    if (last.size() < 4 || last.compare(last.size() - 3, 3, "min") != 0 || !digits(last, last.size() - 3)) return "";
    std::string minutes = last.substr(0, last.size() - 3);
    size_t type_end = m;
    if (m >= 3 && digits(words[m - 1], words[m - 1].size())) {  // "7_5min"
        minutes = words[m - 1] + "p" + minutes;
        type_end = m - 1;
    }
    if (type_end < 2) return "";
    std::vector<std::string> rest = abbreviate(std::vector<std::string>(words.begin() + 1, words.begin() + type_end));
    rest.push_back(abbreviate({words[words.size() - 2]})[0]);
    const std::string prefix = "b" + minutes;
    if (prefix.size() + 2 > kDbfName) return "";
    return prefix + "_" + fit(rest, std::min(kDbfName - 4, kDbfName - prefix.size() - 1));
}

/// Two base-36 characters from a name (FNV-1a), to tell apart names that shorten alike.
std::string tag(const std::string& name, unsigned salt) {
    unsigned long long h = 1469598103934665603ull ^ salt;
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
    const char* digits = "0123456789abcdefghijklmnopqrstuvwxyz";
    return {digits[h % 36], digits[(h / 36) % 36]};
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

OGRFieldType ogr_type(FieldType t, OGRFieldSubType& sub) {
    sub = OFSTNone;
    switch (t) {
        case FieldType::String: return OFTString;
        case FieldType::Real: return OFTReal;
        case FieldType::Integer: return OFTInteger64;
        case FieldType::Bool: sub = OFSTBoolean; return OFTInteger;
    }
    return OFTString;
}

const char* type_name(FieldType t) {
    switch (t) {
        case FieldType::String: return "text";
        case FieldType::Real: return "real";
        case FieldType::Integer: return "integer";
        case FieldType::Bool: return "boolean (1/0)";
    }
    return "";
}

/// Where one output layer goes: a GeoPackage layer or one Shapefile, with its rows.
struct Target {
    const Table* table;
    std::string name;                 ///< layer name / file stem
    OGRwkbGeometryType type;
    std::vector<size_t> rows;
};

struct Writer {
    GEOSContextHandle_t h;
    const FieldNames& names;
    OGRSpatialReference* srs;
    OGRCoordinateTransformation* from_work;   ///< working CRS -> output CRS
    OGRCoordinateTransformation* from_wgs84;  ///< EPSG:4326 -> output CRS (null: the same)
    bool shp;
    Table* long_text;                         ///< Shapefiles: text cut to fit, kept whole here
    std::vector<Repair>* repairs;             ///< features written without geometry, or null
    std::string output_crs;

    OGRGeometry* geometry(const Table& t, size_t i, const std::vector<Value>& row, OGRwkbGeometryType type,
                          const std::string& file) const {
        OGRGeometry* g = nullptr;
        OGRCoordinateTransformation* ct = nullptr;
        if (i < t.geoms.size() && t.geoms[i]) {
            auto wkb = to_wkb(h, t.geoms[i]);
            OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size());
            ct = from_work;
        } else if (GeomPtr made = t.source ? t.source->geometry(i, h) : GeomPtr(nullptr, GeomDeleter{})) {
            auto wkb = to_wkb(h, made.get());
            OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size());
            ct = from_work;
        } else if (i < t.wkb_wgs84.size() && !t.wkb_wgs84[i].empty()) {
            OGRGeometryFactory::createFromWkb(t.wkb_wgs84[i].data(), nullptr, &g, t.wkb_wgs84[i].size());
            ct = from_wgs84;
        }
        if (g && ct && g->transform(ct) != OGRERR_NONE) {
            delete g;
            // Outside the output CRS's domain: written without geometry, and said so.
            if (repairs) {
                const std::string* id = row.empty() ? nullptr : std::get_if<std::string>(&row[0]);
                repairs->push_back(Repair{file, id ? *id : "#" + std::to_string(i),
                                          "geometry written as null: a point has no position in " + output_crs +
                                              " (outside the domain of the transformation; check the input coordinates, "
                                              "the working_crs or --output-crs)"});
            }
            return nullptr;
        }
        if (g && type != wkbUnknown) g = OGRGeometryFactory::forceTo(g, type);
        if (g) g->assignSpatialReference(srs);
        return g;
    }

    /// dBASE text widths, per field: the longest value, within 1..254 bytes (all fields
    /// in one pass over the rows, which a table may make one at a time).
    static std::vector<int> text_widths(const Target& tg) {
        const Table& t = *tg.table;
        std::vector<size_t> w(t.fields.size(), 1);
        std::vector<Value> buf;
        for (size_t i : tg.rows) {
            const auto& row = t.row(i, buf);
            for (size_t k = 0; k < row.size() && k < w.size(); ++k)
                if (auto s = std::get_if<std::string>(&row[k])) w[k] = std::max(w[k], std::min(kDbfText, s->size()));
        }
        return std::vector<int>(w.begin(), w.end());
    }

    void write(GDALDataset* ds, const Target& tg, const std::vector<std::string>& lco) const {
        const Table& t = *tg.table;
        std::vector<const char*> opts;
        for (auto& o : lco) opts.push_back(o.c_str());
        opts.push_back(nullptr);
        OGRLayer* layer = ds->CreateLayer(tg.name.c_str(), tg.type == wkbNone ? nullptr : srs, tg.type, const_cast<char**>(opts.data()));
        if (!layer) throw OutputError("cannot create layer " + tg.name + ": " + CPLGetLastErrorMsg());
        const std::vector<int> widths = shp ? text_widths(tg) : std::vector<int>();
        for (size_t k = 0; k < t.fields.size(); ++k) {
            const Field& f = t.fields[k];
            OGRFieldSubType sub;
            OGRFieldDefn d(names(f.name).c_str(), ogr_type(f.type, sub));
            d.SetSubType(sub);
            if (shp && f.type == FieldType::String) d.SetWidth(widths[k]);
            if (layer->CreateField(&d) != OGRERR_NONE) throw OutputError("cannot create field " + f.name + " in " + tg.name);
        }
        if (!shp && layer->StartTransaction() != OGRERR_NONE) throw OutputError("cannot start a transaction on " + tg.name);
        OGRFeatureDefn* defn = layer->GetLayerDefn();
        long fid = 0;
        std::vector<Value> buf;
        for (size_t i : tg.rows) {
            OGRFeature feat(defn);
            const auto& row = t.row(i, buf);
            if (row.size() != t.fields.size())
                throw std::logic_error(t.name + ": row " + std::to_string(i) + " has " + std::to_string(row.size()) + " values for " +
                                       std::to_string(t.fields.size()) + " fields");
            for (size_t k = 0; k < row.size(); ++k) {
                const Value& v = row[k];
                int fk = static_cast<int>(k);
                if (std::holds_alternative<std::monostate>(v)) {
                    feat.SetFieldNull(fk);
                } else if (auto s = std::get_if<std::string>(&v)) {
                    std::string text = utf8_valid(*s, shp ? kDbfText : std::string::npos);
                    if (shp && long_text && text.size() < s->size())
                        long_text->rows.push_back({tg.name, static_cast<long long>(fid), t.fields[k].name, names(t.fields[k].name), *s});
                    feat.SetField(fk, text.c_str());
                } else if (auto d = std::get_if<double>(&v)) {
                    feat.SetField(fk, *d);
                } else if (auto n = std::get_if<long long>(&v)) {
                    feat.SetField(fk, static_cast<GIntBig>(*n));
                } else if (auto b = std::get_if<bool>(&v)) {
                    feat.SetField(fk, *b ? 1 : 0);
                }
            }
            if (tg.type != wkbNone)
                if (OGRGeometry* g = geometry(t, i, row, shp ? tg.type : wkbUnknown, shp ? tg.name + ".shp" : "lifecircle.gpkg " + tg.name))
                    feat.SetGeometryDirectly(g);
            if (layer->CreateFeature(&feat) != OGRERR_NONE)
                throw OutputError("cannot write a feature of " + tg.name + ": " + CPLGetLastErrorMsg());
            ++fid;
        }
        if (!shp && layer->CommitTransaction() != OGRERR_NONE) throw OutputError("cannot write " + tg.name + ": " + CPLGetLastErrorMsg());
    }
};

/// Shapefiles hold one geometry kind each: the table's parts, named as the QGIS styles are.
std::vector<Target> shapefile_targets(GEOSContextHandle_t h, const Table& t) {
    auto kinds = geometry_kinds(h, t);
    std::vector<Target> out;
    for (auto& k : kinds) {
        OGRwkbGeometryType type = k == "Point" ? wkbPoint : k == "Line" ? wkbMultiLineString : k == "Polygon" ? wkbMultiPolygon : wkbNone;
        out.push_back({&t, kind_layer_id(t.name, k, kinds.size()), type, {}});
    }
    for (size_t i = 0; i < t.size(); ++i) {
        std::string k = row_kind(h, t, i);
        size_t at = 0;  // rows without geometry go with the first part
        for (size_t j = 0; j < kinds.size(); ++j)
            if (kinds[j] == k) at = j;
        out[at].rows.push_back(i);
        // A multi-point among points: the whole part becomes multi-points.
        if (k == "Point" && i < t.geoms.size() && t.geoms[i] && GEOSGeomTypeId_r(h, t.geoms[i]) == GEOS_MULTIPOINT)
            out[at].type = wkbMultiPoint;
    }
    return out;
}

FieldNames shapefile_names(const std::vector<TableHead>& heads) {
    std::vector<std::string> all;
    for (auto& t : heads)
        for (auto& f : t.fields) all.push_back(f.name);
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    FieldNames n;
    std::set<std::string> used;  // lower case: dBASE names ignore case
    for (auto& full : all) {
        std::string s = shp_field_name(full);
        for (unsigned salt = 0; used.count(lower(s)); ++salt) {
            std::string base = shp_field_name(full);
            s = base.substr(0, std::min(base.size(), kDbfName - 3)) + "_" + tag(full, salt);
        }
        used.insert(lower(s));
        n.short_name[full] = s;
    }
    return n;
}

}  // namespace

FixedDate::FixedDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z"); }
FixedDate::~FixedDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr); }

std::string check_gis_output(const std::string& format, const std::string& output_crs) {
    if (format != "geojson" && format != "gpkg" && format != "shp")
        throw ConfigError("--format: expected geojson, gpkg or shp, got \"" + format + "\"");
    if (output_crs.empty()) return "EPSG:4326";
    if (format == "geojson")
        throw ConfigError("--output-crs " + output_crs +
                          ": GeoJSON is always EPSG:4326 (RFC 7946); add --format gpkg or --format shp for layers in another CRS");
    // A bare code is an EPSG code, as working_crs reads it ("4490" is EPSG:4490).
    const bool bare = std::all_of(output_crs.begin(), output_crs.end(), [](char c) { return c >= '0' && c <= '9'; });
    const std::string def = bare ? "EPSG:" + output_crs : output_crs;
    OGRSpatialReference s;
    CPLPushErrorHandler(CPLQuietErrorHandler);  // the message below says it better
    OGRErr err = s.SetFromUserInput(def.c_str(), OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS_get());
    CPLPopErrorHandler();
    if (err != OGRERR_NONE)
        throw ConfigError("--output-crs: \"" + output_crs +
                          "\" is not a coordinate reference system PROJ knows (give an EPSG code, e.g. EPSG:4490 for CGCS2000 or "
                          "EPSG:4543 for its 3-degree Gauss-Kruger zone at 102°E, Kunming)");
    return def;
}

std::string output_crs_warning(const std::string& output_crs, const Inputs& in) {
    if (!in.centre_lonlat) return {};
    const ingest::LonLat c{in.centre_lonlat->first, in.centre_lonlat->second};
    const std::string outside = ingest::outside_area_of_use(chinacrs::make_srs(output_crs, "--output-crs"), c);
    if (outside.empty()) return {};
    // In China, the CGCS2000 3-degree Gauss-Krüger zone of the centre (EPSG:4534 is the
    // zone of 75°E, one code per 3°), else its UTM zone.
    const int cm = static_cast<int>(std::lround(c.lon / 3)) * 3;
    const std::string better = c.lon >= 73.5 && c.lon < 136.5 && c.lat > 15 && c.lat < 55
                                   ? "EPSG:" + std::to_string(4534 + (cm - 75) / 3) + " (CGCS2000 / 3-degree Gauss-Kruger CM " +
                                         std::to_string(cm) + "E) or EPSG:4490 (CGCS2000 lon/lat)"
                                   : ingest::utm_zone_of(c) + " or EPSG:4326";
    return "--output-crs " + output_crs + " is " + outside + ", but the data's centre is " + ingest::lonlat_text(c) +
           ": the GeoPackage/Shapefile layers are distorted there (areas and distances measured on them are off); use " + better;
}

std::string shp_field_name(const std::string& name) {
    bool ascii = std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
    if (ascii && name.size() <= kDbfName && !name.empty()) return name;
    std::string clean;
    for (char c : name) clean += std::isalnum(static_cast<unsigned char>(c)) && !(c & 0x80) ? c : '_';
    // A name in Chinese (a mapped attribute) keeps what it has in ASCII and a tag.
    if (!ascii) return fit(split_words(clean.empty() ? std::string("f") : clean)).substr(0, kDbfName - 3) + "_" + tag(name, 0);
    auto words = split_words(clean);
    // Filler words carry nothing a reader of fields.csv would miss.
    words.erase(std::remove_if(words.begin(), words.end(), [](const std::string& w) { return w == "per" || w == "of"; }), words.end());
    if (words.size() >= 3 && words.front() == "rule" && (words.back() == "value" || words.back() == "pass")) {
        std::vector<std::string> w = {words.back() == "value" ? "v" : "p"};
        auto id = abbreviate(std::vector<std::string>(words.begin() + 1, words.end() - 1));
        w.insert(w.end(), id.begin(), id.end());
        return fit(w);
    }
    if (std::string band = band_field_name(words); !band.empty()) return band;
    auto w = abbreviate(words);
    // reach_<type>_<weight>_share: the weight says it is a share.
    if (w.size() >= 4 && w.front() == "r" && w.back() == "sh" && (w[w.size() - 2] == "hh" || w[w.size() - 2] == "pop" || w[w.size() - 2] == "eld"))
        w.pop_back();
    return fit(w);
}

struct GisWriter::State {
    State(Engine& e, const fs::path& d, const GisOptions& o) : engine(e), dir(d), opt(o), shp(o.format != "gpkg") {}
    Engine& engine;
    fs::path dir;
    GisOptions opt;
    bool shp;
    OGRSpatialReference out;
    chinacrs::TransformPtr from_work{nullptr, nullptr}, from_wgs84{nullptr, nullptr};
    bool same_as_wgs84 = false;
    FieldNames names;        ///< empty for a GeoPackage: names kept
    GDALDatasetUniquePtr gpkg;
    Table long_text, fields;  ///< Shapefiles: long_text.csv, fields.csv

    Writer writer() {
        return Writer{engine.main(), names, &out, from_work.get(), same_as_wgs84 ? nullptr : from_wgs84.get(),
                      shp, shp ? &long_text : nullptr, opt.repairs, opt.output_crs};
    }
};

GisWriter::GisWriter(Engine& engine, const fs::path& dir, const std::vector<TableHead>& heads, const std::string& working_crs,
                     const GisOptions& opt)
    : s_(std::make_unique<State>(engine, dir, opt)) {
    GDALAllRegister();
    State& s = *s_;
    OGRSpatialReference wgs = chinacrs::wgs84();
    s.out = chinacrs::make_srs(opt.output_crs, "--output-crs");
    s.from_work = chinacrs::make_transform(chinacrs::make_srs(working_crs, "working CRS"), s.out);
    s.from_wgs84 = chinacrs::make_transform(wgs, s.out);
    if (!s.from_work || !s.from_wgs84)
        throw ConfigError("--output-crs " + opt.output_crs + ": PROJ has no transformation to it from the working CRS " + working_crs +
                          " or from EPSG:4326");
    s.same_as_wgs84 = s.out.IsSame(&wgs);
    if (!s.shp) {
        FixedDate date;
        fs::path file = dir / "lifecircle.gpkg";
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        s.gpkg.reset(drv->Create(file.u8string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!s.gpkg) throw OutputError(file.u8string() + ": cannot create (" + CPLGetLastErrorMsg() + ")");
        return;
    }
    s.names = shapefile_names(heads);
    s.long_text.name = "long_text";
    s.long_text.has_geometry = false;
    for (auto n : {"layer", "fid", "field", "shp_field", "text"})
        s.long_text.add_field(n, n == std::string("fid") ? FieldType::Integer : FieldType::String);
    s.fields.name = "fields";
    s.fields.has_geometry = false;
    for (auto n : {"layer", "field", "shp_field", "type"}) s.fields.add_field(n, FieldType::String);
}

GisWriter::~GisWriter() {
    FixedDate date;  // a GeoPackage left by an error is closed as it would have been
    s_.reset();
}

void GisWriter::write(const Table& t) {
    State& s = *s_;
    FixedDate date;
    Writer w = s.writer();
    if (!s.shp) {
        if (!s.gpkg) throw std::logic_error("GisWriter::write after finish");
        Target tg{&t, t.name, t.has_geometry ? wkbUnknown : wkbNone, {}};
        for (size_t i = 0; i < t.size(); ++i) tg.rows.push_back(i);
        w.write(s.gpkg.get(), tg, {"SPATIAL_INDEX=YES"});
        return;
    }
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    for (auto& tg : shapefile_targets(s.engine.main(), t)) {
        fs::path file = s.dir / (tg.name + (tg.type == wkbNone ? ".dbf" : ".shp"));
        GDALDatasetUniquePtr ds(drv->Create(file.u8string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) throw OutputError(file.u8string() + ": cannot create (" + CPLGetLastErrorMsg() + ")");
        w.write(ds.get(), tg, {"ENCODING=UTF-8", "DBF_DATE_LAST_UPDATE=2000-01-01", "SPATIAL_INDEX=NO"});
        for (auto& f : t.fields) s.fields.rows.push_back({tg.name, f.name, s.names(f.name), std::string(type_name(f.type))});
    }
}

FieldNames GisWriter::finish() {
    State& s = *s_;
    FixedDate date;
    if (!s.shp) {
        s.gpkg.reset();
        return s.names;
    }
    write_text(s.dir / "fields.csv", csv_text(s.fields));
    write_text(s.dir / "long_text.csv", csv_text(s.long_text));
    return s.names;
}

FieldNames write_gis_layers(Engine& engine, const fs::path& dir, const std::vector<const Table*>& tables, const std::string& working_crs,
                            const GisOptions& opt) {
    std::vector<TableHead> heads;
    for (auto* t : tables) heads.push_back(*t);
    GisWriter w(engine, dir, heads, working_crs, opt);
    for (auto* t : tables) w.write(*t);
    return w.finish();
}

}  // namespace lc
