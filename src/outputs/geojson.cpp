#include "outputs/geojson.hpp"
#include "common/chinacrs.hpp"
#include "outputs/grid_rings.hpp"

#include "common/errors.hpp"
#include "common/text_file.hpp"

#include <ogr_spatialref.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <unordered_map>

namespace lc {

namespace fs = std::filesystem;

namespace {

void append_coord(std::string& out, double v) {
    // 7 decimals (about 1 cm), trailing zeros dropped: RFC 7946 recommends no more.
    const double n = std::round(v * 1e7);
    char buf[40];
    char* end;
    if (std::abs(n) < 9e15) {
        // The digits of the integer n with the point put in: what printing n / 1e7 to 7
        // decimals gives (that double is within 1e-14 of n / 1e7 for any |n| < 2^53), a
        // few times faster than formatting the double.
        unsigned long long k = static_cast<unsigned long long>(std::abs(n));
        char digits[24];
        int nd = 0;
        do {
            digits[nd++] = static_cast<char>('0' + k % 10);
            k /= 10;
        } while (k);
        while (nd < 8) digits[nd++] = '0';  // at least "0.0000000"
        end = buf;
        if (n < 0) *end++ = '-';  // n == 0 (also -0) is written "0.0"
        for (int i = nd - 1; i >= 7; --i) *end++ = digits[i];
        *end++ = '.';
        int last = 0;  // lowest decimal kept: trailing zeros dropped, one zero kept
        while (last < 6 && digits[last] == '0') ++last;
        for (int i = 6; i >= last; --i) *end++ = digits[i];
    } else {
        double r = n / 1e7;
        if (r == 0) r = 0;  // no "-0"
        auto res = std::to_chars(buf, buf + sizeof buf, r, std::chars_format::fixed, 7);
        end = res.ptr;
        while (end > buf && end[-1] == '0') --end;
        if (end > buf && end[-1] == '.') ++end;  // keep one zero: "25.0"
    }
    out.append(buf, end);
}

struct Ring {
    std::vector<double> x, y;
};

/// A coordinate that has no finite EPSG:4326 position (thrown by read_seq, caught by
/// geometry_text): the geometry is written as null and reported, never as [inf,inf].
struct BadCoordinate {
    double x, y;
};

/// Small rings already transformed by one worker's transformation: the cores of blocks
/// come back as holes of many service areas and of every type's uncovered parts, and
/// the same coordinates always give the same lon/lat. Lives while one layer is written.
class RingMemo {
public:
    static constexpr unsigned kMaxPoints = 32;  // cores are a handful of points
    const Ring* find(const Ring& in) const {
        auto [a, b] = map_.equal_range(hash(in));
        for (auto it = a; it != b; ++it)
            if (same(it->second.first.x, in.x) && same(it->second.first.y, in.y)) return &it->second.second;
        return nullptr;
    }
    void add(const Ring& in, const Ring& out) {
        if (map_.size() < kMaxEntries) map_.emplace(hash(in), std::make_pair(in, out));
    }

private:
    static constexpr size_t kMaxEntries = 1u << 16;  // bounds the memory (a few tens of MB)
    static bool same(const std::vector<double>& a, const std::vector<double>& b) {  // bit for bit
        return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
    }
    static uint64_t hash(const Ring& r) {
        uint64_t h = 1469598103934665603ULL;
        auto mix = [&](double v) {
            uint64_t b;
            std::memcpy(&b, &v, sizeof b);
            h = (h ^ b) * 1099511628211ULL;
            h ^= h >> 29;
        };
        for (size_t i = 0; i < r.x.size(); ++i) {
            mix(r.x[i]);
            mix(r.y[i]);
        }
        return h;
    }
    std::unordered_multimap<uint64_t, std::pair<Ring, Ring>> map_;
};

/// Working CRS -> EPSG:4326 (none: the coordinates are lon/lat already), with the
/// worker's memo of small rings, if any.
struct ToLonLat {
    OGRCoordinateTransformation* ct = nullptr;
    RingMemo* memo = nullptr;
};

Ring read_seq(GEOSContextHandle_t h, const GEOSCoordSequence* s, const ToLonLat& to) {
    OGRCoordinateTransformation* ct = to.ct;
    Ring r;
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, s, &n);
    r.x.resize(n);
    r.y.resize(n);
    for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(h, s, i, &r.x[i], &r.y[i]);
    if (n == 0) return r;
    const bool memo = ct && to.memo && n <= RingMemo::kMaxPoints;
    if (memo)
        if (const Ring* done = to.memo->find(r)) return *done;
    std::vector<int> ok(ct ? n : 0, 1);
    std::vector<double> x0, y0;
    if (ct) {
        x0 = r.x;
        y0 = r.y;
        // A point outside the projection's domain fails (its flag is 0) or comes back
        // as HUGE_VAL, depending on the PROJ operation: both are checked.
        if (!ct->Transform(static_cast<int>(n), r.x.data(), r.y.data(), nullptr, nullptr, ok.data()))
            std::fill(ok.begin(), ok.end(), 0);
    }
    for (unsigned i = 0; i < n; ++i)
        if ((ct && !ok[i]) || !std::isfinite(r.x[i]) || !std::isfinite(r.y[i]) || std::abs(r.x[i]) > 180 + 1e-7 || std::abs(r.y[i]) > 90 + 1e-7)
            throw BadCoordinate{ct ? x0[i] : r.x[i], ct ? y0[i] : r.y[i]};
    if (memo) to.memo->add(Ring{std::move(x0), std::move(y0)}, r);
    return r;
}

double signed_area(const Ring& r) {
    double a = 0;
    for (size_t i = 0; i + 1 < r.x.size(); ++i) a += r.x[i] * r.y[i + 1] - r.x[i + 1] * r.y[i];
    return a / 2;
}

void append_points(std::string& out, const Ring& r) {
    out += '[';
    for (size_t i = 0; i < r.x.size(); ++i) {
        if (i) out += ',';
        out += '[';
        append_coord(out, r.x[i]);
        out += ',';
        append_coord(out, r.y[i]);
        out += ']';
    }
    out += ']';
}

/// Rounds a ring to the 7 decimals written and drops the points that rounding merges
/// into their predecessor. False when fewer than three distinct points are left: a
/// sliver of a centimetre, which written as it is would be an invalid ring.
bool round_ring(Ring& r) {
    size_t k = 0;
    for (size_t i = 0; i < r.x.size(); ++i) {
        const double x = std::round(r.x[i] * 1e7) / 1e7, y = std::round(r.y[i] * 1e7) / 1e7;
        if (k > 0 && x == r.x[k - 1] && y == r.y[k - 1]) continue;
        r.x[k] = x;
        r.y[k] = y;
        ++k;
    }
    r.x.resize(k);
    r.y.resize(k);
    return k >= 4 && signed_area(r) != 0;
}

/// A polygon's rings, exterior first.
using RingSet = std::vector<Ring>;

RingSet read_polygon(GEOSContextHandle_t h, const GEOSGeometry* g, const ToLonLat& ct) {
    const int holes = GEOSGetNumInteriorRings_r(h, g);
    RingSet p;
    p.reserve(static_cast<size_t>(holes) + 1);
    for (int k = -1; k < holes; ++k) {
        const GEOSGeometry* ring = k < 0 ? GEOSGetExteriorRing_r(h, g) : GEOSGetInteriorRingN_r(h, g, k);
        p.push_back(read_seq(h, GEOSGeom_getCoordSeq_r(h, ring), ct));
    }
    return p;
}

/// Rounds the rings to the 7 decimals written, leaves out the holes that collapse and
/// orients the rest as RFC 7946 asks: exterior counter-clockwise, holes clockwise.
/// False when the exterior collapses.
bool round_polygon(RingSet& p) {
    size_t kept = 0;
    bool exterior = true;
    for (size_t k = 0; k < p.size(); ++k) {
        Ring& r = p[k];
        if (!round_ring(r)) {
            if (k == 0) exterior = false;
            else continue;  // a hole of a centimetre
        }
        const double a = signed_area(r);
        if ((k == 0 && a < 0) || (k > 0 && a > 0)) {
            std::reverse(r.x.begin(), r.x.end());
            std::reverse(r.y.begin(), r.y.end());
        }
        if (kept != k) p[kept] = std::move(r);
        ++kept;
    }
    p.resize(kept);
    return exterior;
}

GeomPtr geos_polygon(GEOSContextHandle_t h, const RingSet& p) {
    std::vector<GEOSGeometry*> rings;
    for (const Ring& r : p) {
        GEOSCoordSequence* s = GEOSCoordSeq_create_r(h, static_cast<unsigned>(r.x.size()), 2);
        for (size_t i = 0; i < r.x.size(); ++i) GEOSCoordSeq_setXY_r(h, s, static_cast<unsigned>(i), r.x[i], r.y[i]);
        rings.push_back(GEOSGeom_createLinearRing_r(h, s));
    }
    return own(h, GEOSGeom_createPolygon_r(h, rings[0], rings.data() + 1, static_cast<unsigned>(rings.size() - 1)));
}

GeomPtr geos_multipolygon(GEOSContextHandle_t h, const std::vector<RingSet>& parts) {
    std::vector<GeomPtr> polys;
    for (const RingSet& p : parts) polys.push_back(geos_polygon(h, p));
    return make_collection(h, GEOS_MULTIPOLYGON, polys);
}

/// The rounded polygons are valid: cheaply when no two edges meet once rounded
/// (rings_simple_on_grid, almost every polygon), else as GEOS judges them (a hole
/// touching its shell at a point is valid).
bool valid_when_rounded(GEOSContextHandle_t h, const std::vector<RingSet>& parts) {
    thread_local GridRings grid;  // reused: the writer tests every polygon it writes
    grid.clear();
    for (const RingSet& p : parts)
        for (const Ring& r : p) {
            for (size_t i = 0; i < r.x.size(); ++i) grid.add(std::llround(r.x[i] * 1e7), std::llround(r.y[i] * 1e7));
            grid.close_ring();
        }
    if (rings_simple_on_grid(grid)) return true;
    return GEOSisValid_r(h, geos_multipolygon(h, parts).get()) == 1;
}

/// The polygon snap-rounded to the written grid (GEOS's precision reduction: valid by
/// construction), as rings already on the grid. Empty if it vanishes at that precision.
std::vector<RingSet> snap_rounded(GEOSContextHandle_t h, const GEOSGeometry* g, const ToLonLat& ct) {
    std::vector<RingSet> parts;
    const int n = GEOSGeomTypeId_r(h, g) == GEOS_MULTIPOLYGON ? GEOSGetNumGeometries_r(h, g) : 1;
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = n == 1 && GEOSGeomTypeId_r(h, g) == GEOS_POLYGON ? g : GEOSGetGeometryN_r(h, g, i);
        if (!GEOSisEmpty_r(h, part)) parts.push_back(read_polygon(h, part, ct));
    }
    std::vector<RingSet> out;
    if (parts.empty()) return out;
    GeomPtr snapped = own(h, GEOSGeom_setPrecision_r(h, geos_multipolygon(h, parts).get(), 1e-7, 0));
    if (!snapped) return out;
    const int m = GEOSGetNumGeometries_r(h, snapped.get());
    for (int i = 0; i < m; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(h, snapped.get(), i);
        if (GEOSGeomTypeId_r(h, part) != GEOS_POLYGON || GEOSisEmpty_r(h, part)) continue;
        RingSet p = read_polygon(h, part, ToLonLat{});
        if (round_polygon(p)) out.push_back(std::move(p));
    }
    return out;
}

/// A Polygon or MultiPolygon at the written precision. Parts of a MultiPolygon that
/// collapse there are left out; a lone Polygon is written even if it collapses. Where
/// rounding would make a polygon invalid (two edges of a service area less than a
/// centimetre apart cross once rounded), it is snap-rounded instead, which can split a
/// Polygon in two: it is then written as a MultiPolygon.
void append_polygonal(std::string& out, GEOSContextHandle_t h, const GEOSGeometry* g, const ToLonLat& ct) {
    bool multi = GEOSGeomTypeId_r(h, g) == GEOS_MULTIPOLYGON;
    std::vector<RingSet> parts;
    bool collapsed = false;
    if (multi) {
        const int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; ++i) {
            const GEOSGeometry* part = GEOSGetGeometryN_r(h, g, i);
            if (GEOSisEmpty_r(h, part)) continue;
            RingSet p = read_polygon(h, part, ct);
            if (round_polygon(p)) parts.push_back(std::move(p));
        }
    } else {
        parts.push_back(read_polygon(h, g, ct));
        collapsed = !round_polygon(parts.back());
    }
    if (!collapsed && !parts.empty() && !valid_when_rounded(h, parts)) {
        std::vector<RingSet> snapped = snap_rounded(h, g, ct);
        if (!snapped.empty()) {
            multi = multi || snapped.size() > 1;
            parts = std::move(snapped);
        }
    }
    out += multi ? "{\"type\":\"MultiPolygon\",\"coordinates\":[" : "{\"type\":\"Polygon\",\"coordinates\":";
    for (size_t i = 0; i < parts.size(); ++i) {
        if (multi && i) out += ',';
        out += '[';
        for (size_t k = 0; k < parts[i].size(); ++k) {
            if (k) out += ',';
            append_points(out, parts[i][k]);
        }
        out += ']';
    }
    out += multi ? "]}" : "}";
}

void append_geometry(std::string& out, GEOSContextHandle_t h, const GEOSGeometry* g, const ToLonLat& ct) {
    int t = GEOSGeomTypeId_r(h, g);
    switch (t) {
        case GEOS_POINT: {
            Ring r = read_seq(h, GEOSGeom_getCoordSeq_r(h, g), ct);
            out += "{\"type\":\"Point\",\"coordinates\":[";
            append_coord(out, r.x[0]);
            out += ',';
            append_coord(out, r.y[0]);
            out += "]}";
            return;
        }
        case GEOS_LINESTRING:
        case GEOS_LINEARRING:
            out += "{\"type\":\"LineString\",\"coordinates\":";
            append_points(out, read_seq(h, GEOSGeom_getCoordSeq_r(h, g), ct));
            out += '}';
            return;
        case GEOS_POLYGON:
        case GEOS_MULTIPOLYGON:
            append_polygonal(out, h, g, ct);
            return;
        case GEOS_MULTIPOINT:
        case GEOS_MULTILINESTRING: {
            static const char* names[] = {"", "", "", "", "MultiPoint", "MultiLineString"};
            out += std::string("{\"type\":\"") + names[t] + "\",\"coordinates\":[";
            int n = GEOSGetNumGeometries_r(h, g);
            int written = 0;
            for (int i = 0; i < n; ++i) {
                const GEOSGeometry* part = GEOSGetGeometryN_r(h, g, i);
                if (GEOSisEmpty_r(h, part)) continue;
                if (written++) out += ',';
                if (t == GEOS_MULTILINESTRING) append_points(out, read_seq(h, GEOSGeom_getCoordSeq_r(h, part), ct));
                else {
                    Ring r = read_seq(h, GEOSGeom_getCoordSeq_r(h, part), ct);
                    out += '[';
                    append_coord(out, r.x[0]);
                    out += ',';
                    append_coord(out, r.y[0]);
                    out += ']';
                }
            }
            out += "]}";
            return;
        }
        default: {  // a collection of mixed parts
            out += "{\"type\":\"GeometryCollection\",\"geometries\":[";
            int n = GEOSGetNumGeometries_r(h, g);
            int written = 0;
            for (int i = 0; i < n; ++i) {
                const GEOSGeometry* part = GEOSGetGeometryN_r(h, g, i);
                if (GEOSisEmpty_r(h, part)) continue;
                if (written++) out += ',';
                append_geometry(out, h, part, ct);
            }
            out += "]}";
        }
    }
}

void append_real(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";  // JSON has no NaN or infinity
        return;
    }
    char buf[40];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    std::string_view s(buf, res.ptr - buf);
    out += s;
    if (s.find_first_of(".eE") == std::string_view::npos) out += ".0";  // stays a Real for readers
}

}  // namespace

void append_json_string(std::string& out, const std::string& s) {
    out += '"';
    const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t run = 0;  // start of the bytes copied as they are, appended in one go
    auto flush = [&](size_t i) {
        if (i > run) out.append(reinterpret_cast<const char*>(p + run), i - run);
    };
    for (size_t i = 0; i < n;) {
        const unsigned char c = p[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            // a well-formed UTF-8 sequence stays in the run; anything else is replaced
            int len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
            bool ok = len > 0 && i + len <= n;
            for (int k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xC0) == 0x80;
            if (ok) {
                i += static_cast<size_t>(len);
                continue;
            }
            flush(i);
            out += "\xEF\xBF\xBD";
        } else {
            flush(i);
            if (c == '"') out += "\\\"";
            else if (c == '\\') out += "\\\\";
            else {
                char b[8];
                std::snprintf(b, sizeof b, "\\u%04x", c);
                out += b;
            }
        }
        run = ++i;
    }
    flush(n);
    out += '"';
}

std::string json_string(const std::string& s) {
    std::string out;
    out.reserve(s.size() + 2);
    append_json_string(out, s);
    return out;
}

namespace {

GeometryText text_of(GEOSContextHandle_t h, const GEOSGeometry* g, const ToLonLat& to) {
    OGRCoordinateTransformation* ct = to.ct;
    GeometryText t;
    if (!g || GEOSisEmpty_r(h, g)) return t;
    std::string out;
    try {
        append_geometry(out, h, g, to);
    } catch (const BadCoordinate& b) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "the point (%.3f, %.3f) has no %s position", b.x, b.y,
                      ct ? "EPSG:4326 (lon/lat)" : "valid lon/lat");
        t.problem = buf;
        return t;
    }
    t.json = std::move(out);
    return t;
}

}  // namespace

GeometryText geometry_text(GEOSContextHandle_t h, const GEOSGeometry* g, OGRCoordinateTransformation* ct) {
    return text_of(h, g, ToLonLat{ct, nullptr});
}

std::string geometry_json(GEOSContextHandle_t h, const GEOSGeometry* g, OGRCoordinateTransformation* ct) {
    return geometry_text(h, g, ct).json;
}

chinacrs::TransformPtr to_wgs84(const std::string& working_crs, const std::string& what) {
    chinacrs::TransformPtr ct = chinacrs::make_transform(working_crs, "EPSG:4326");
    if (!ct) throw OutputError(what + ": no transformation from " + working_crs + " to EPSG:4326");
    return ct;
}

namespace {

/// One empty slot per worker, filled when the worker first needs a transformation (a
/// transformation is not safe to share between threads).
std::vector<chinacrs::TransformPtr> no_transforms(int workers) {
    std::vector<chinacrs::TransformPtr> out;
    for (int w = 0; w < workers; ++w) out.emplace_back(nullptr, [](OGRCoordinateTransformation*) {});
    return out;
}

/// geometry_text of n geometries, `at(i, h, hold)` giving the i-th (made into `hold`
/// when it is made on the fly), formatted by all workers.
std::vector<GeometryText> texts_of(Engine& engine, size_t n, const std::string& working_crs,
                                   const std::function<const GEOSGeometry*(size_t, GEOSContextHandle_t, GeomPtr&)>& at) {
    std::vector<GeometryText> out(n);
    std::vector<chinacrs::TransformPtr> cts = no_transforms(engine.threads());
    std::vector<RingMemo> memos(cts.size());
    constexpr size_t kChunk = 64;
    engine.parallel_for((n + kChunk - 1) / kChunk, [&](size_t c, int w) {
        const size_t k = static_cast<size_t>(w) % cts.size();
        auto& ct = cts[k];  // one per worker: not thread-safe
        if (!ct) ct = to_wgs84(working_crs, "geometry text");
        GEOSContextHandle_t h = engine.geos(w);
        for (size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) {
            GeomPtr hold(nullptr, GeomDeleter{h});
            out[i] = text_of(h, at(i, h, hold), ToLonLat{ct.get(), &memos[k]});
        }
    });
    return out;
}

}  // namespace

std::vector<GeometryText> geometry_texts(Engine& engine, const std::vector<const GEOSGeometry*>& geoms, const std::string& working_crs) {
    return texts_of(engine, geoms.size(), working_crs, [&](size_t i, GEOSContextHandle_t, GeomPtr&) { return geoms[i]; });
}

std::vector<GeometryText> geometry_texts(Engine& engine, const GeometrySource& source, size_t n, const std::string& working_crs) {
    return texts_of(engine, n, working_crs, [&](size_t i, GEOSContextHandle_t h, GeomPtr& hold) {
        hold = source.geometry(i, h);
        return static_cast<const GEOSGeometry*>(hold.get());
    });
}

GeometryText wkb_geometry_text(GEOSContextHandle_t h, const std::vector<unsigned char>& wkb) {
    if (wkb.empty()) return GeometryText{};
    GeomPtr g = from_wkb(h, wkb.data(), wkb.size());
    return geometry_text(h, g.get(), nullptr);
}

namespace {

/// `"name":` of each field, as a feature's properties begin them.
std::vector<std::string> property_keys(const Table& t) {
    std::vector<std::string> keys(t.fields.size());
    for (size_t k = 0; k < t.fields.size(); ++k) keys[k] = json_string(t.fields[k].name) + ":";
    return keys;
}

/// A feature's properties (`keys` and `row`, in field order), without the braces.
void append_properties(std::string& out, const std::vector<std::string>& keys, const std::vector<Value>& row) {
    for (size_t k = 0; k < row.size(); ++k) {
        if (k) out += ',';
        out += keys[k];
        const Value& v = row[k];
        if (std::holds_alternative<std::monostate>(v)) out += "null";
        else if (auto s = std::get_if<std::string>(&v)) append_json_string(out, *s);
        else if (auto d = std::get_if<double>(&v)) append_real(out, *d);
        else if (auto n = std::get_if<long long>(&v)) out += std::to_string(*n);
        else if (auto b = std::get_if<bool>(&v)) out += *b ? "true" : "false";
    }
}

/// A row's values as bytes: equal bytes, equal values as written (doubles bit for bit,
/// so -0 and 0 differ as their text does).
void row_key(std::string& out, const std::vector<Value>& row) {
    out.clear();
    for (const Value& v : row) {
        out += static_cast<char>(v.index());
        if (auto s = std::get_if<std::string>(&v)) {
            const uint32_t n = static_cast<uint32_t>(s->size());
            out.append(reinterpret_cast<const char*>(&n), sizeof n);
            out += *s;
        } else if (auto d = std::get_if<double>(&v)) {
            out.append(reinterpret_cast<const char*>(d), sizeof *d);
        } else if (auto n = std::get_if<long long>(&v)) {
            out.append(reinterpret_cast<const char*>(n), sizeof *n);
        } else if (auto b = std::get_if<bool>(&v)) {
            out += *b ? '1' : '0';
        }
    }
}

bool same_fields(const FeatureTexts& k, const Table& t) {
    if (k.fields.size() != t.fields.size() || k.values.size() != k.properties.size()) return false;
    for (size_t i = 0; i < k.fields.size(); ++i)
        if (k.fields[i] != t.fields[i].name) return false;
    return true;
}

}  // namespace

FeatureTexts feature_texts(Engine& engine, const Table& t) {
    FeatureTexts k;
    for (const Field& f : t.fields) k.fields.push_back(f.name);
    const std::vector<std::string> keys = property_keys(t);
    const size_t n = t.size();
    k.values.resize(n);
    k.properties.resize(n);
    constexpr size_t kChunk = 64;
    engine.parallel_for((n + kChunk - 1) / kChunk, [&](size_t c, int) {
        std::vector<Value> buf;
        for (size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) {
            const std::vector<Value>& row = t.row(i, buf);
            row_key(k.values[i], row);
            append_properties(k.properties[i], keys, row);
        }
    });
    return k;
}

std::vector<Repair> write_geojson(Engine& engine, const fs::path& file, const Table& t, const std::string& working_crs) {
    const size_t n = t.size();
    // A transformation is not safe to share between threads: one per worker, made when
    // the worker first formats a geometry.
    std::vector<chinacrs::TransformPtr> cts = no_transforms(engine.threads());
    std::vector<RingMemo> memos(cts.size());
    auto ct_of = [&](int w) {
        const size_t k = static_cast<size_t>(w) % cts.size();
        auto& ct = cts[k];
        if (!ct) ct = to_wgs84(working_crs, file.u8string());
        return ToLonLat{ct.get(), &memos[k]};
    };
    const std::vector<std::string> keys = property_keys(t);
    std::vector<std::string> problem(n);  // per feature: why its geometry is written as null
    std::vector<std::vector<Value>> made_rows(cts.size());  // per worker, for tables that make their rows
    const FeatureTexts* known = t.known && same_fields(*t.known, t) ? t.known : nullptr;
    std::vector<std::string> row_keys(cts.size());  // per worker
    auto feature = [&](std::string& out, size_t i, GEOSContextHandle_t hw, int w) {
        if (i) out += ",\n";
        out += "{\"type\":\"Feature\",\"properties\":{";
        const size_t k = static_cast<size_t>(w) % made_rows.size();
        const auto& row = t.row(i, made_rows[k]);
        bool given_before = false;  // the same properties as a feature written before
        if (known && i < known->values.size()) {
            row_key(row_keys[k], row);
            given_before = row_keys[k] == known->values[i];
        }
        if (given_before) out += known->properties[i];
        else append_properties(out, keys, row);
        out += "},\"geometry\":";
        const GeometryText* given = i < t.geometry_text.size() ? t.geometry_text[i] : nullptr;
        GeometryText made;
        if (!given) {
            if (i < t.geoms.size() && t.geoms[i]) {
                made = text_of(hw, t.geoms[i], ct_of(w));
            } else if (t.source) {
                GeomPtr g = t.source->geometry(i, hw);
                if (g) made = text_of(hw, g.get(), ct_of(w));
            }
            if (made.json == "null" && made.problem.empty() && i < t.wkb_wgs84.size() && !t.wkb_wgs84[i].empty())
                made = wkb_geometry_text(hw, t.wkb_wgs84[i]);
            given = &made;
        }
        out += given->json;
        problem[i] = given->problem;
        out += '}';
    };

    TextFile f(file);
    f.write("{\"type\":\"FeatureCollection\",\"features\":[\n");
    // Features are formatted by all workers in small chunks, a window at a time: one
    // large layer keeps every core busy, and memory stays bounded by one window.
    constexpr size_t kChunk = 64, kWindow = 32 * kChunk;
    std::vector<std::string> chunks;  // kept from window to window: their memory is reused
    for (size_t a = 0; a < n; a += kWindow) {
        const size_t b = std::min(n, a + kWindow);
        chunks.resize((b - a + kChunk - 1) / kChunk);
        for (auto& c : chunks) c.clear();
        engine.parallel_for(chunks.size(), [&](size_t c, int w) {
            const size_t lo = a + c * kChunk, hi = std::min(b, lo + kChunk);
            for (size_t i = lo; i < hi; ++i) feature(chunks[c], i, engine.geos(w), w);
        });
        for (auto& c : chunks) f.write(c);
    }
    f.write("\n]}\n");
    f.close();
    std::vector<Repair> repairs;
    for (size_t i = 0; i < n; ++i) {
        if (problem[i].empty()) continue;
        const auto& row = t.row(i, made_rows[0]);
        const std::string* id = row.empty() ? nullptr : std::get_if<std::string>(&row[0]);
        repairs.push_back(Repair{file.filename().u8string(), id ? *id : "#" + std::to_string(i),
                                 "geometry written as null: " + problem[i] + " (outside the domain of the working CRS " +
                                     working_crs + "; check the input coordinates or choose another working_crs)"});
    }
    return repairs;
}

}  // namespace lc
