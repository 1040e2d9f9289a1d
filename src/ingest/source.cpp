#include "ingest/source.hpp"

#include "common/errors.hpp"
#include "common/file_kind.hpp"
#include "common/gdal_setup.hpp"
#include "ingest/ingest.hpp"
#include "ingest/records.hpp"
#include "ingest/textnum.hpp"
#include "project/validate.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <atomic>
#include <fstream>
#include <iterator>
#include <sstream>

namespace lc::ingest {

namespace fs = std::filesystem;

void CPL_STDCALL GdalErrors::handler(CPLErr cls, CPLErrorNum, const char* msg) {
    auto* self = static_cast<GdalErrors*>(CPLGetErrorHandlerUserData());
    if (self && cls >= CE_Warning) self->msgs.push_back(msg ? msg : "");
    if (self && cls >= CE_Failure) self->failures.push_back(msg ? msg : "");
}
GdalErrors::GdalErrors() { CPLPushErrorHandlerEx(handler, this); }
GdalErrors::~GdalErrors() { CPLPopErrorHandler(); }

namespace {

/// UTF-16 code units (after a byte order mark) as UTF-8; a lone surrogate becomes U+FFFD.
std::string utf16_to_utf8(const std::string& bytes, bool big_endian) {
    auto unit = [&](size_t i) {
        const unsigned a = static_cast<unsigned char>(bytes[i]), b = static_cast<unsigned char>(bytes[i + 1]);
        return big_endian ? (a << 8 | b) : (b << 8 | a);
    };
    std::string out;
    for (size_t i = 2; i + 1 < bytes.size(); i += 2) {
        unsigned cp = unit(i);
        if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < bytes.size() && unit(i + 2) >= 0xDC00 && unit(i + 2) < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (unit(i + 2) - 0xDC00);
            i += 2;
        } else if (cp >= 0xD800 && cp < 0xE000) {
            cp = 0xFFFD;
        }
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | cp >> 6);
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | cp >> 12);
            out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | cp >> 18);
            out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
            out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

/// A text table (.csv, .txt, .tsv) whose first bytes are a fifth or more NULs, nearly all
/// at even or nearly all at odd offsets: the ASCII (separators, digits, line ends) of
/// UTF-16, where every other byte is a NUL. No UTF-8 or GBK text holds a NUL, but a
/// stray one in a UTF-8 file is no reason to refuse it; a spreadsheet (a zip) is not a
/// text table.
bool looks_like_utf16(const fs::path& path, const std::string& head) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext != ".csv" && ext != ".txt" && ext != ".tsv") return false;
    long at[2] = {0, 0};
    for (size_t i = 0; i < head.size(); ++i) at[i % 2] += head[i] == '\0';
    const long nuls = at[0] + at[1];
    return nuls > 0 && static_cast<double>(nuls) >= 0.2 * static_cast<double>(head.size()) &&
           std::max(at[0], at[1]) >= 0.9 * nuls;
}

namespace {
/// The byte length a UTF-8 lead byte announces (0: no lead byte).
int utf8_lead_length(unsigned char c) {
    return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
}

/// The length of the well-formed UTF-8 character at p[i] of n bytes; 0 if there is none.
size_t utf8_char_at(const unsigned char* p, size_t i, size_t n) {
    const int len = utf8_lead_length(p[i]);
    if (len == 0 || i + static_cast<size_t>(len) > n) return 0;
    for (int k = 1; k < len; ++k)
        if ((p[i + static_cast<size_t>(k)] & 0xC0) != 0x80) return 0;
    return static_cast<size_t>(len);
}

/// How many multi-byte characters of a text are well-formed UTF-8, and how many bytes
/// start none: UTF-8 text with a character damaged somewhere has many of the first and
/// a few of the second; GBK text, whose two-byte characters only now and then also
/// form UTF-8, has more of the second.
std::pair<size_t, size_t> utf8_tally(const std::string& s) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t good = 0, bad = 0;
    for (size_t i = 0; i < s.size();) {
        const size_t len = utf8_char_at(p, i, s.size());
        good += len > 1;
        bad += len == 0;
        i += std::max<size_t>(len, 1);
    }
    return {good, bad};
}
}  // namespace

bool valid_utf8(const std::string& s) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
    for (size_t i = 0; i < s.size();) {
        const size_t len = utf8_char_at(p, i, s.size());
        if (len == 0) return false;
        i += len;
    }
    return true;
}

/// Text that claims to be UTF-8 but is not: a character cut at the end (a shapefile
/// field name cut at 10 bytes, a value cut at its field width) is dropped; any other
/// bad byte becomes U+FFFD.
std::string repair_utf8(const std::string& s) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t n = s.size();
    std::string out;
    for (size_t i = 0; i < n;) {
        if (const size_t len = utf8_char_at(p, i, n)) {
            out.append(s, i, len);
            i += len;
            continue;
        }
        const int len = utf8_lead_length(p[i]);
        bool cut_at_end = len > 0 && i + static_cast<size_t>(len) > n;
        for (size_t k = i + 1; cut_at_end && k < n; ++k) cut_at_end = (p[k] & 0xC0) == 0x80;
        if (cut_at_end) break;
        out += "\xEF\xBF\xBD";
        ++i;
    }
    return out;
}

bool is_utf8_name(const std::string& enc) {
    std::string u;
    for (char c : enc)
        if (c != '-' && c != '_') u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u == "UTF8" || u == "65001";
}

/// A field name as QGIS shows it: decoded as the source declares, damage dropped,
/// without marking the source as recoded (names are not data).
std::string field_name(OGRFeatureDefn* defn, int i, const Source& src) {
    std::string raw = defn->GetFieldDefn(i)->GetNameRef();
    if (valid_utf8(raw)) return raw;
    if (src.utf8_declared) return repair_utf8(raw);
    bool was = src.recoded;
    std::string r = to_utf8(raw, src);
    src.recoded = was;
    return r;
}

/// Bytes of a UTF-8 name in the source's encoding (what a DBF header holds).
size_t encoded_size(const std::string& name, const Source& src) {
    if (src.utf8_declared || src.encoding.empty()) return name.size();
    char* r = CPLRecode(name.c_str(), CPL_ENC_UTF8, src.encoding.c_str());
    size_t n = r ? std::strlen(r) : name.size();
    CPLFree(r);
    return n;
}

/// The index of field `want`: exact, else the one decoded name equal to it, else (DBF
/// only) the one name that is `want` cut by the format's 10-byte limit (`how` then
/// says so). -1 if none.
int find_field(OGRFeatureDefn* defn, const std::string& want, const Source& src, bool dbf, std::string& how) {
    int idx = defn->GetFieldIndex(want.c_str());
    if (idx >= 0) return idx;
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        if (field_name(defn, i, src) == want) return i;
    if (!dbf || encoded_size(want, src) <= 10) return -1;
    int found = -1;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        std::string n = field_name(defn, i, src);
        size_t bytes = encoded_size(n, src);
        // a DBF name holds 10 bytes; a character cut in two loses up to 3 more
        if (n.empty() || n.size() >= want.size() || want.compare(0, n.size(), n) != 0 || bytes < 7 || bytes > 10) continue;
        if (found >= 0) return -1;  // ambiguous: say the field is missing, with the list
        found = i;
    }
    if (found >= 0)
        how = "field \"" + want + "\" is read from \"" + field_name(defn, found, src) +
              "\", its name as the shapefile format cut it (10 bytes); rename it in the file or map the short name";
    return found;
}

std::string lower(std::string x) {
    for (auto& ch : x) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return x;
}

/// The first of the comma-separated candidate names that appears exactly once among
/// `cols` (lower case); empty if none does.
std::string pick_column(const std::vector<std::string>& cols, const std::string& candidates) {
    std::stringstream cs(candidates);
    std::string c;
    while (std::getline(cs, c, ',')) {
        if (c.empty()) continue;
        if (std::count(cols.begin(), cols.end(), lower(c)) == 1) return c;
    }
    return {};
}

const char* const kLonNames = "lon,longitude,lng,x,经度";
const char* const kLatNames = "lat,latitude,y,纬度";

/// Every file GDAL may open for `path` must be a regular file: the path itself, a
/// shapefile's sidecars, the files of a folder data set. A FIFO would block forever.
void check_file_kinds(const fs::path& path, const std::string& label) {
    auto check = [&](const fs::path& f, bool allow_folder) {
        if (std::string why = special_file_problem(f, allow_folder); !why.empty())
            throw InputError(label + ": " + (f == path ? std::string() : f.u8string() + " ") + why +
                             "; name the data file itself");
    };
    check(path, true);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        for (auto it = fs::directory_iterator(path, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
            check(it->path(), true);
        return;
    }
    for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".SHP", ".SHX", ".DBF", ".PRJ", ".CPG"}) {
        fs::path side = path;
        side.replace_extension(ext);
        if (side != path) check(side, false);
    }
}

}  // namespace

std::string utf16_as_utf8(const fs::path& path, const std::string& label, std::vector<std::string>& warnings) {
    std::ifstream f(path, std::ios::binary);
    std::string bytes(4096, '\0');
    f.read(&bytes[0], static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<size_t>(f.gcount()));
    const bool le = bytes.rfind("\xFF\xFE", 0) == 0, be = bytes.rfind("\xFE\xFF", 0) == 0;
    if (!le && !be) {
        if (looks_like_utf16(path, bytes))
            throw InputError(label + ": looks like UTF-16 text without a byte order mark; save it as \"CSV UTF-8\" and give that file");
        return {};
    }
    bytes.append(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    static std::atomic<int> counter{0};  // batch jobs and the two reading threads convert side by side
    const std::string mem = "/vsimem/lifecircle_utf8_" + std::to_string(++counter) + ".csv";
    const std::string text = utf16_to_utf8(bytes, be);
    VSILFILE* out = VSIFOpenL(mem.c_str(), "wb");
    if (!out || VSIFWriteL(text.data(), 1, text.size(), out) != text.size())
        throw InputError(label + ": cannot be converted from UTF-16; save it as \"CSV UTF-8\" and give that file");
    VSIFCloseL(out);
    warnings.push_back(label + ": UTF-16 text (Excel's \"Unicode text\") read as UTF-8" +
                       (text.find('\t') != std::string::npos ? std::string(", tab-separated") : std::string()));
    return mem;
}

std::string file_label(const LayerSpec& s) {
    std::string l = s.path.u8string();
    if (!s.layer.empty()) l += " (layer " + s.layer + ")";
    return l;
}

void decide_text_encoding(const fs::path& path, Source& src) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (ext != ".csv" && ext != ".txt" && ext != ".tsv") return;
    // GDAL's CSV driver passes the bytes through: an encoding the layer declares is
    // decoded here, every value (a short one may read as UTF-8 too).
    if (!src.encoding.empty()) {
        src.decode_all = !is_utf8_name(src.encoding);
        return;
    }
    // A few MB tell GBK from UTF-8 as well as the whole of a large table would.
    std::ifstream f(path, std::ios::binary);
    std::string bytes(size_t{8} << 20, '\0');
    f.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<size_t>(f.gcount()));
    const auto [good, bad] = utf8_tally(bytes);
    if (bad == 0 || good > bad) return;  // UTF-8, perhaps damaged here and there: value by value
    src.encoding = "GB18030";
    src.encoding_guessed = true;
    src.decode_all = true;
}

/// Text that is not UTF-8 (a GBK file without .cpg or "encoding") is read as GB18030,
/// the superset of GBK, which is what such files are in practice; anything still
/// undecodable keeps its valid part. A source that declares UTF-8 is repaired instead.
std::string to_utf8(const std::string& s, const Source& src) {
    if (valid_utf8(s) && !src.decode_all) return s;
    if (src.decode_all && std::all_of(s.begin(), s.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; })) return s;
    src.recoded = true;
    if (src.utf8_declared) return repair_utf8(s);
    const char* from = src.encoding.empty() ? "GB18030" : src.encoding.c_str();
    char* r = CPLRecode(s.c_str(), from, CPL_ENC_UTF8);
    std::string out = r ? r : "";
    CPLFree(r);
    if (!valid_utf8(out)) {
        char* l = CPLRecode(s.c_str(), CPL_ENC_ISO8859_1, CPL_ENC_UTF8);
        out = l ? l : "";
        CPLFree(l);
    }
    return out;
}

namespace {

/// The geometries a role's records may be drawn as, flattened (Polygon covers
/// MultiPolygon): units are areas, compounds areas or points (SPEC 3), facilities and
/// gates points, roads lines. Empty for a layer of no fixed role (siting candidates).
std::vector<OGRwkbGeometryType> role_geometries(const std::string& key) {
    if (key == "district" || key == "street" || key == "community") return {wkbPolygon};
    if (key == "compounds") return {wkbPolygon, wkbPoint};
    if (key == "facilities" || key == "gates") return {wkbPoint};
    if (key == "roads") return {wkbLineString};
    return {};
}

/// A layer's geometry type with any Multi- folded into its single kind.
OGRwkbGeometryType single_kind(OGRLayer* l) {
    OGRwkbGeometryType t = wkbFlatten(l->GetGeomType());
    if (t == wkbMultiPolygon) return wkbPolygon;
    if (t == wkbMultiPoint) return wkbPoint;
    if (t == wkbMultiLineString) return wkbLineString;
    return t;
}

/// A multi-layer source (a GeoPackage, a folder of shapefiles) whose layer the project
/// does not name. Reading the first layer would as likely read the districts as the
/// compounds, and every rule would then fail on data that are fine: the one layer that
/// can hold the role's geometry is read (with a warning naming it), and anything else
/// stops the run. A layer of mixed or unknown geometry type could hold it too, so it
/// counts as a candidate: the sole Polygon layer beside one of mixed type is no answer.
/// Exit 2, not 3: the data are readable; it is the project file that leaves the choice
/// open, and "layer" there is what settles it (as with a bad "where").
OGRLayer* only_layer_for(const std::string& origin, const LayerSpec& s, const Source& src, std::vector<std::string>& warnings) {
    const std::vector<OGRwkbGeometryType> want = role_geometries(s.key);
    std::string want_names;
    for (auto t : want) want_names += (want_names.empty() ? "" : " or ") + std::string(OGRGeometryTypeToName(t)) + "s";
    std::string names;
    std::vector<OGRLayer*> fits;
    for (auto* l : src.ds->GetLayers()) {
        names += (names.empty() ? "" : ", ") + std::string(l->GetName()) + " (" + OGRGeometryTypeToName(l->GetGeomType()) + ")";
        const OGRwkbGeometryType kind = single_kind(l);
        const bool may = std::find(want.begin(), want.end(), kind) != want.end() || kind == wkbUnknown || kind == wkbGeometryCollection;
        if (!want.empty() && may) fits.push_back(l);
    }
    const std::string count = std::to_string(src.ds->GetLayerCount());
    if (fits.size() == 1) {
        warnings.push_back(src.label + ": holds " + count + " layers (" + names + "); reading \"" + fits[0]->GetName() +
                           "\", the only one that can hold " + want_names + ", as " + s.key + " (set \"layer\" in /layers/" +
                           s.key + " to be explicit)");
        return fits[0];
    }
    const bool option = origin.rfind("--", 0) == 0;  // a command-line option (site --candidates)
    throw ConfigError((option ? origin : origin + ": /layers/" + s.key) + ": " + src.label + " holds " + count + " layers (" + names +
                      ") and which one to read is not given; " +
                      (option ? "give its name with " + origin + "-layer" : "set \"layer\" in /layers/" + s.key + " to its name"));
}

/// A layer of the role may be points (a layer of no fixed role may be anything).
bool takes_points(const std::string& key) {
    const std::vector<OGRwkbGeometryType> want = role_geometries(key);
    return want.empty() || std::find(want.begin(), want.end(), wkbPoint) != want.end();
}

/// The one longitude and the one latitude column of src.layer (the layer's "lon"/"lat",
/// else the CSV defaults); false when either is missing or not single.
bool coordinate_columns(const LayerSpec& s, const Source& src, int& lon, int& lat) {
    OGRFeatureDefn* defn = src.layer->GetLayerDefn();
    std::vector<std::string> cols;
    for (int i = 0; i < defn->GetFieldCount(); ++i) cols.push_back(lower(text::trim(field_name(defn, i, src))));
    const std::string lo = pick_column(cols, s.field("lon").empty() ? kLonNames : s.field("lon"));
    const std::string la = pick_column(cols, s.field("lat").empty() ? kLatNames : s.field("lat"));
    if (lo.empty() || la.empty()) return false;
    lon = static_cast<int>(std::find(cols.begin(), cols.end(), lower(lo)) - cols.begin());
    lat = static_cast<int>(std::find(cols.begin(), cols.end(), lower(la)) - cols.begin());
    return true;
}

/// A mapped field the layer cannot be read without (the others are unknown when missing).
bool required_field(const std::string& key, const std::string& canon) {
    return canon == "id" || (key == "facilities" && canon == "type") || (key == "roads" && canon == "class") ||
           (key == "gates" && canon == "compound_id");
}

/// A workbook of several sheets given for a layer without "layer": the one sheet
/// holding the layer's required fields and, for points, its longitude and latitude
/// columns, as a census workbook's sheet is chosen (sheet_with_columns).
OGRLayer* sheet_for(const std::string& origin, const LayerSpec& s, Source& src, std::vector<std::string>& warnings) {
    std::vector<std::string> need;
    for (auto& [canon, fname] : s.fields)
        if (required_field(s.key, canon) && !(canon == "id" && fname == "@index")) need.push_back(fname);
    const bool points = takes_points(s.key);
    std::string list;
    for (auto& n : need) list += (list.empty() ? "" : ", ") + n;
    if (points) list += (list.empty() ? "" : ", ") + std::string("a longitude and a latitude column");
    const std::string what = "the columns /layers/" + s.key + " needs" + (list.empty() ? "" : " (" + list + ")");
    const bool option = origin.rfind("--", 0) == 0;  // a command-line option (site --candidates)
    return sheet_with_columns(
        src,
        [&] {
            int lon = -1, lat = -1;
            return std::all_of(need.begin(), need.end(), [&](const std::string& n) { return lookup_field(src, n) >= 0; }) &&
                   (!points || src.layer->GetLayerDefn()->GetGeomFieldCount() > 0 || coordinate_columns(s, src, lon, lat));
        },
        what, option ? origin + "-layer" : "\"layer\" in /layers/" + s.key, warnings);
}

/// A workbook (XLSX, ODS, XLS): its layers are sheets.
bool is_workbook(GDALDataset& ds) {
    const std::string d = ds.GetDriver() ? ds.GetDriver()->GetDescription() : "";
    return d == "XLSX" || d == "ODS" || d == "XLS";
}

/// A table without geometry (a spreadsheet, a CSV without a WKT column: GDAL is not
/// asked to make points of its columns) read for a layer of points: its points are made
/// from the one longitude and the one latitude column (for_each_feature, coordinate:
/// numbers, number text or degree forms). Any other such table with records is an error
/// naming what the layer needs.
void points_from_columns(const LayerSpec& s, Source& src) {
    OGRFeatureDefn* defn = src.layer->GetLayerDefn();
    const std::vector<OGRwkbGeometryType> want = role_geometries(s.key);
    const bool points = takes_points(s.key);
    std::string fields;
    for (int i = 0; i < defn->GetFieldCount(); ++i) fields += (i ? ", " : "") + field_name(defn, i, src);
    int lon = -1, lat = -1;
    if (points && coordinate_columns(s, src, lon, lat)) {
        src.lon_column = lon;
        src.lat_column = lat;
        OGRFeatureDefn* d = defn->Clone();
        d->Reference();
        src.point_defn.reset(d);
        OGRGeomFieldDefn point("geometry", wkbPoint);
        src.point_defn->AddGeomFieldDefn(&point);
        return;
    }
    if (src.layer->GetFeatureCount(TRUE) == 0) return;  // nothing to read, nothing lost
    std::string want_names;
    for (auto t : want) want_names += (want_names.empty() ? "" : " or ") + std::string(OGRGeometryTypeToName(t)) + "s";
    if (!points)
        throw InputError(src.label + ": is a table without geometry; the " + s.key + " layer needs " + want_names +
                         " (a GeoJSON, Shapefile, GeoPackage layer...)");
    throw InputError(src.label + ": is a table without geometry and has no single longitude and latitude column to make points of (" +
                     (s.field("lon").empty() ? "named lon, longitude, lng, x or 经度 and lat, latitude, y or 纬度"
                                             : "\"" + s.field("lon") + "\" and \"" + s.field("lat") + "\"") +
                     "); its fields are: " + fields + ". Set \"lon\" and \"lat\" in /layers/" + s.key + " to the column names");
}

}  // namespace

Source open_source(const std::string& origin, const LayerSpec& s, std::vector<std::string>& warnings) {
    if (!gdal_ready()) throw std::logic_error("lc::init_gdal() must run before any input is read");
    Source src;
    src.warnings_out = &warnings;
    src.label = file_label(s);
    src.index_ids = s.field("id") == "@index";
    src.encoding = s.encoding;
    std::string path = s.path.u8string();
    std::error_code exists_ec;
    if (path.rfind("/vsi", 0) != 0 && network_path_kind(path).empty()) {
        if (!fs::exists(s.path, exists_ec) && origin.rfind("--", 0) == 0)  // a command-line option
            throw InputError(src.label + ": " + origin + ": file not found");
        if (!fs::exists(s.path, exists_ec))
            throw InputError(src.label + ": file not found (layer \"" + s.key + "\" in " + origin +
                             "; paths are relative to the project file)");
        check_file_kinds(s.path, src.label + " (layer \"" + s.key + "\")");
    }
    std::vector<std::string> opts;
    std::string ext = s.path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    // Excel's "Unicode text" (saved as .txt), as census tables: converted to a UTF-8 CSV.
    const bool text_table = ext == ".csv" || ext == ".txt" || ext == ".tsv";
    if (text_table && path.rfind("/vsi", 0) != 0 && network_path_kind(path).empty()) {
        src.utf8.path = utf16_as_utf8(s.path, src.label, warnings);
        if (!src.utf8.path.empty()) {
            path = src.utf8.path;
            src.encoding = "UTF-8";  // what it is now, whatever the layer says
            ext = ".csv";            // and read as the CSV it has become
        } else {
            decide_text_encoding(s.path, src);
        }
    }
    if (text_table) {
        // Every cell as text: the coordinate columns too, whose points points_from_columns
        // makes, as a spreadsheet's, so that a cell that is no number is quoted when its
        // record is rejected and one in a degree form ("102.72°E") is read (GDAL's own
        // X_POSSIBLE_NAMES left such a cell unset, and its record without geometry). A
        // WKT column the driver still reads.
        opts.push_back("AUTODETECT_TYPE=NO");
    }
    if (!s.encoding.empty() && (ext == ".shp" || ext == ".dbf")) opts.push_back("ENCODING=" + s.encoding);
    std::vector<const char*> copts;
    for (auto& o : opts) copts.push_back(o.c_str());
    copts.push_back(nullptr);
    // A sheet is read (its fields looked up) before this returns.
    SpreadsheetHeaders headers;
    GdalErrors errs;
    // GDAL's CSV driver takes .csv and .tsv by their names; a .txt table is named to it.
    const std::string open_path = ext == ".txt" ? "CSV:" + path : path;
    src.ds.reset(GDALDataset::Open(open_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, copts.data(), nullptr));
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
        src.layer = src.ds->GetLayerCount() == 1 ? src.ds->GetLayer(0)
                    : is_workbook(*src.ds)       ? sheet_for(origin, s, src, warnings)
                                                 : only_layer_for(origin, s, src, warnings);
    }
    // A shapefile's .cpg: GDAL recodes GBK and the like itself; UTF-8 it passes through,
    // so bytes that are not UTF-8 there are damage (a name cut mid-character), not GBK.
    const bool dbf = std::string(src.ds->GetDriver()->GetDescription()) == "ESRI Shapefile";
    if (src.encoding.empty() && dbf)
        if (const char* e = src.layer->GetMetadataItem("SOURCE_ENCODING", "SHAPEFILE"); e && *e) src.encoding = e;
    src.utf8_declared = is_utf8_name(src.encoding);
    if (src.layer->GetLayerDefn()->GetGeomFieldCount() == 0) points_from_columns(s, src);
    if (!s.where.empty()) {
        src.filtered = true;
        if (src.layer->SetAttributeFilter(s.where.c_str()) != OGRERR_NONE)
            throw ConfigError(origin + ": /layers/" + s.key + "/where: OGR SQL filter \"" + s.where + "\" is not valid for " +
                              src.label + (errs.last().empty() ? "" : " (" + errs.last() + ")"));
    }
    OGRFeatureDefn* defn = src.layer->GetLayerDefn();
    if (src.layer->GetFeatureCount(TRUE) == 0) warnings.push_back(src.label + ": the layer is empty");
    auto fields_list = [&] {
        std::string avail;
        for (int i = 0; i < defn->GetFieldCount(); ++i) avail += (i ? ", " : "") + field_name(defn, i, src);
        return avail;
    };
    // Optional fields the layer lacks: one warning for all of them (a layer exported
    // without a plan's attributes would otherwise give a screenful, one per field).
    std::vector<std::string> missing, missing_alone;
    for (auto& [canon, fname] : s.fields) {
        if (canon == "lon" || canon == "lat") continue;
        if (canon == "id" && fname == "@index") continue;
        std::string how;
        int idx = find_field(defn, fname, src, dbf, how);
        if (!how.empty()) warnings.push_back(src.label + ": " + how);
        if (idx < 0) {
            bool required = required_field(s.key, canon);
            std::string msg = src.label + ": has no field \"" + fname + "\" (mapped as " + canon + " in /layers/" + s.key +
                              "); its fields are: " + fields_list();
            // An empty layer (no features, hence no fields) is valid data: nothing to read.
            if (required && src.layer->GetFeatureCount(TRUE) != 0) throw InputError(msg);
            if (required) continue;
            missing.push_back("\"" + fname + "\" (mapped as " + canon + " in /layers/" + s.key + ")");
            missing_alone.push_back(msg + " — " + canon + " is treated as unknown (null)");
            continue;
        }
        src.field_index[canon] = idx;
    }
    for (auto& [attr, fname] : s.attributes) {
        std::string how;
        int idx = find_field(defn, fname, src, dbf, how);
        if (!how.empty()) warnings.push_back(src.label + ": " + how);
        if (idx < 0) {
            missing.push_back("\"" + fname + "\" (mapped as attribute " + attr + ")");
            missing_alone.push_back(src.label + ": has no field \"" + fname + "\" (mapped as attribute " + attr +
                                    "); treated as unknown; its fields are: " + fields_list());
            continue;
        }
        src.field_index["attr:" + attr] = idx;
    }
    if (missing.size() == 1) {
        warnings.push_back(missing_alone.front());
    } else if (!missing.empty()) {
        std::string list;
        for (size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
        warnings.push_back(src.label + ": has no fields " + list + "; each is treated as unknown (null); its fields are: " +
                           fields_list());
    }
    return src;
}

int lookup_field(const Source& src, const std::string& name) {
    OGRFeatureDefn* defn = src.layer->GetLayerDefn();
    std::string how;
    return find_field(defn, name, src, false, how);
}

OGRLayer* sheet_with_columns(Source& src, const std::function<bool()>& fits, const std::string& what, const std::string& setting,
                             std::vector<std::string>& warnings) {
    std::vector<OGRLayer*> fit;
    std::string names, fit_names;
    for (auto* l : src.ds->GetLayers()) {
        names += (names.empty() ? "\"" : ", \"") + std::string(l->GetName()) + "\"";
        src.layer = l;
        if (fits()) {
            fit.push_back(l);
            fit_names += (fit_names.empty() ? "\"" : ", \"") + std::string(l->GetName()) + "\"";
        }
    }
    if (fit.size() > 1)
        throw ConfigError(src.label + ": " + std::to_string(fit.size()) + " of its sheets (" + fit_names + " of " + names + ") hold " +
                          what + "; set " + setting + " to the sheet to read");
    if (fit.empty()) {
        src.label += " (first of its sheets " + names + "; set " + setting + " to read another)";
        return src.ds->GetLayer(0);
    }
    if (fit[0] != src.ds->GetLayer(0))
        warnings.push_back(src.label + ": reading the sheet \"" + fit[0]->GetName() + "\", the only one of " + names + " with " + what +
                           " (set " + setting + " to be explicit)");
    return fit[0];
}

namespace {

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

}  // namespace

void setup_transforms(const LayerSpec& s, Source& src, const OGRSpatialReference& wgs, const OGRSpatialReference* work,
                      std::vector<std::string>& warnings) {
    OGRSpatialReference srcsrs;
    srcsrs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    chinacrs::WebDatum datum = s.crs.empty() ? chinacrs::WebDatum::None : chinacrs::web_datum(s.crs);
    if (datum != chinacrs::WebDatum::None) {
        src.china = chinacrs::web_datum_shift(datum, true);
        srcsrs = wgs;
    } else if (!s.crs.empty()) {
        srcsrs = chinacrs::make_srs(s.crs, file_label(s) + " /layers/" + s.key + "/crs");
    } else if (const OGRSpatialReference* ls = src.layer->GetSpatialRef()) {
        srcsrs = *ls;
        srcsrs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    } else {
        warnings.push_back(src.label + ": has no CRS; assuming EPSG:4326 (lon/lat). Set \"crs\" on the layer if that is wrong.");
        srcsrs = wgs;
    }
    src.crs_setting = s.crs;
    src.src_is_wgs = srcsrs.IsSame(&wgs);
    src.lat_axis = latitude_data_axis(srcsrs);
    if (!src.src_is_wgs) {
        src.to_wgs = chinacrs::make_transform(srcsrs, wgs);
        if (!src.to_wgs) throw ConfigError(src.label + ": no transformation from its CRS to EPSG:4326 (PROJ)");
    }
    if (work) {
        src.to_work = chinacrs::make_transform(src.china ? wgs : srcsrs, *work);
        if (!src.to_work) throw ConfigError(src.label + ": no transformation from its CRS to the working CRS (PROJ)");
    }
}

std::optional<std::string> field_text(OGRFeature* f, const Source& src, const std::string& canon) {
    auto it = src.field_index.find(canon);
    if (it == src.field_index.end()) return std::nullopt;
    if (!f->IsFieldSetAndNotNull(it->second)) return std::nullopt;
    return to_utf8(std::string(f->GetFieldAsString(it->second)), src);
}

bool is_list_field(OGRFeature* f, int index) {
    switch (f->GetFieldDefnRef(index)->GetType()) {
        case OFTIntegerList: case OFTInteger64List: case OFTRealList: case OFTStringList: return true;
        default: return false;
    }
}

/// `"id": "@index"`: sources without an id field (scraped listings) use the feature's
/// 0-based position, which rejected.csv and repairs.csv report as well.
std::string id_text(OGRFeature* f, const Source& src, long idx) {
    if (src.index_ids) return std::to_string(idx);
    auto t = field_text(f, src, "id");
    // trimmed: ids typed with stray spaces should still match parent codes
    return t ? text::trim(*t) : std::string();
}

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

GeomPtr to_working(GEOSContextHandle_t h, const OGRGeometry* g, Source& src) {
    std::unique_ptr<OGRGeometry> c(g->clone());
    c->flattenTo2D();
    if (src.china && c->transform(src.china.get()) != OGRERR_NONE) return own(h, nullptr);
    if (src.to_work && c->transform(src.to_work.get()) != OGRERR_NONE) return own(h, nullptr);
    std::vector<unsigned char> buf(c->WkbSize());
    c->exportToWkb(wkbNDR, buf.data(), wkbVariantIso);
    return from_wkb(h, buf.data(), buf.size());
}

bool wgs_point(const OGRGeometry* g, Source& src, double& lon, double& lat) {
    if (!g || g->IsEmpty()) return false;
    OGREnvelope e;
    g->getEnvelope(&e);
    double x = (e.MinX + e.MaxX) / 2, y = (e.MinY + e.MaxY) / 2;
    if (src.china) src.china->Transform(1, &x, &y, nullptr, nullptr, nullptr);
    else if (src.to_wgs && !src.to_wgs->Transform(1, &x, &y, nullptr, nullptr, nullptr)) return false;
    if (!(std::abs(x) <= 180 && std::abs(y) <= 90)) return false;
    lon = x;
    lat = y;
    return true;
}

std::string geom_type_name(GEOSContextHandle_t h, const GEOSGeometry* g) {
    char* t = GEOSGeomType_r(h, g);  // GEOS allocates it, we free it
    std::string r = t ? t : "?";
    if (t) GEOSFree_r(h, t);
    return r;
}

static const std::string kOutOfRange = "coordinates out of range for longitude/latitude";

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
    if (lat_bad || lon_max > 180 || lon_min < -180) return kOutOfRange;
    return "geometry cannot be transformed to the working CRS";
}

std::string lonlat_out_of_range(const OGRGeometry* g, const Source& src) {
    if (!g || g->IsEmpty() || (!src.china && src.lat_axis < 0)) return {};
    OGREnvelope e;
    g->getEnvelope(&e);
    const double limit_x = src.lat_axis == 0 && !src.china ? 90 : 180, limit_y = limit_x == 90 ? 180 : 90;
    const bool x_ok = e.MinX >= -limit_x && e.MaxX <= limit_x, y_ok = e.MinY >= -limit_y && e.MaxY <= limit_y;
    if (x_ok && y_ok) return {};
    std::string why = transform_failure(g, src);
    if (why != kOutOfRange) return why;  // latitude and longitude swapped, said so with the latitude
    why += " (x " + format_number(e.MinX) + ", y " + format_number(e.MinY) + ")";
    // Projected coordinates are metres in the hundreds of thousands or millions: a
    // Gauss-Krüger or UTM layer whose CRS was lost (a GeoJSON without "crs", a shapefile
    // without .prj) or given wrong.
    const double far = std::max({std::abs(e.MinX), std::abs(e.MaxX), std::abs(e.MinY), std::abs(e.MaxY)});
    if (far < 1000) return why;
    // An easting of eight digits carries its 3-degree Gauss-Krüger zone in the first two
    // (34 500 000: zone 34, CM 102°E), and CGCS2000 numbers those zones EPSG:4513 (25)
    // to 4533 (45); a plain easting (about 500 000) does not say its zone.
    const double east = std::abs(e.MinX);
    const int zone = static_cast<int>(east / 1e6);
    const std::string example =
        east >= 25e6 && east < 46e6 && zone == static_cast<int>(std::abs(e.MaxX) / 1e6)
            ? "EPSG:" + std::to_string(4513 + zone - 25) + ", CGCS2000 / 3-degree Gauss-Kruger zone " + std::to_string(zone) +
                  ", which the eastings' first two digits name"
            : "e.g. EPSG:4543, CGCS2000 / 3-degree Gauss-Kruger CM 102E, around Kunming";
    if (src.crs_setting.empty())
        return why + "; numbers like these are metres: set \"crs\" on the layer to the projected CRS the data were drawn in (" +
               example + ")";
    return why + "; numbers like these are metres, but the layer's \"crs\" (" + src.crs_setting +
           ") is longitude/latitude: set it to the projected CRS the data were drawn in";
}

namespace {

/// Throws when the pass over `src` that read `idx` features stopped short of the end.
void check_read_to_end(const Source& src, long idx, const GdalErrors& errs) {
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
}

/// A coordinate cell of a table read for points: a number, or text such as " 102.71 "
/// or a degree form ("102.72°E", `note` then says how it was read); NaN when unset, or
/// not a number, `problem` then saying so ("经度 \"abc\" is not a number").
struct Coordinate {
    double value = std::nan("");
    std::string note, problem;
};

Coordinate coordinate(OGRFeature* f, int i, bool latitude, const Source& src) {
    Coordinate c;
    if (!f->IsFieldSetAndNotNull(i)) return c;
    const OGRFieldType t = f->GetFieldDefnRef(i)->GetType();
    if (t == OFTReal || t == OFTInteger || t == OFTInteger64) {
        c.value = f->GetFieldAsDouble(i);
        return c;
    }
    const std::string text = text::trim(f->GetFieldAsString(i));
    if (text.empty()) return c;
    char* end = nullptr;
    const double v = CPLStrtod(text.c_str(), &end);
    if (end && *end == '\0') {
        c.value = v;
        return c;
    }
    const std::string cell = field_name(f->GetDefnRef(), i, src) + " \"" + to_utf8(text, src) + "\"";
    const auto d = text::parse_degrees(text);
    if (d && d->axis && (d->axis == 'N') != latitude)
        c.problem = cell + " is a " + (latitude ? "longitude" : "latitude") + " (in the " + (latitude ? "latitude" : "longitude") +
                    " column: are the columns swapped?)";
    else if (d) {
        c.value = d->value;
        c.note = cell + " read as " + format_number(d->value);
    } else
        c.problem = cell + " is not a number";
    return c;
}

/// The feature of a table read for points (Source::point_defn): its fields, and the
/// point of its coordinate columns where both are numbers (else no geometry, and the
/// record is rejected as such, point_cells saying why).
OGRFeatureUniquePtr with_point(OGRFeatureUniquePtr f, const Source& src) {
    OGRFeatureUniquePtr g(new OGRFeature(src.point_defn.get()));
    g->SetFID(f->GetFID());
    for (int i = 0; i < f->GetFieldCount(); ++i)
        if (f->IsFieldSet(i)) g->SetField(i, f->GetRawFieldRef(i));
    const double x = coordinate(f.get(), src.lon_column, false, src).value, y = coordinate(f.get(), src.lat_column, true, src).value;
    if (std::isfinite(x) && std::isfinite(y)) g->SetGeometryDirectly(new OGRPoint(x, y));
    return g;
}

/// Says once per pass that text was decoded.
void warn_recoded(const Source& src) {
    if (src.recoded && src.utf8_declared)
        src.warnings_out->push_back(src.label + ": some text is not valid UTF-8 although the file declares UTF-8; "
                                    "characters cut at a field's width were dropped and other bad bytes shown as U+FFFD");
    else if (src.recoded && (src.encoding.empty() || src.encoding_guessed))  // not when the layer says which
        src.warnings_out->push_back(src.label + ": text is not UTF-8; read as " +
                                    (src.encoding.empty() ? std::string("GB18030 (GBK)") : src.encoding) +
                                    " (set \"encoding\" on the layer to be explicit)");
}

}  // namespace

PointCells point_cells(OGRFeature* f, const Source& src) {
    PointCells p;
    if (!src.point_defn) return p;
    for (auto [i, latitude] : {std::pair{src.lon_column, false}, std::pair{src.lat_column, true}}) {
        Coordinate c = coordinate(f, i, latitude, src);
        if (!c.problem.empty()) p.problem += (p.problem.empty() ? "" : "; ") + c.problem;
        if (!c.note.empty()) p.notes.push_back(c.note);
    }
    return p;
}

void for_each_feature(Source& src, const std::function<void(OGRFeature*, long)>& fn) {
    long idx = 0;
    GdalErrors errs;  // GDAL's complaints while a record is handled are ours to word
    if (!src.kept.empty() && !src.keep_features) {
        // The features of the first pass, read (and checked to the end) already; each
        // is freed once handled.
        for (auto& f : src.kept) {
            fn(f.get(), idx++);
            f.reset();
        }
        std::vector<OGRFeatureUniquePtr>().swap(src.kept);
    } else {
        src.layer->ResetReading();
        OGRFeatureUniquePtr f;
        while ((f.reset(src.layer->GetNextFeature()), f)) {
            if (src.point_defn) f = with_point(std::move(f), src);
            fn(f.get(), idx++);
            if (src.keep_features) src.kept.push_back(std::move(f));
        }
        src.keep_features = false;
        check_read_to_end(src, idx, errs);
    }
    warn_recoded(src);
}

}  // namespace lc::ingest
