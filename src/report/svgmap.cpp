#include "report/svgmap.hpp"

#include "common/markup.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace lc::svg {

namespace {

constexpr double kPi = 3.14159265358979323846;

/// Tenths of a pixel: the integer grid every coordinate is written on.
long tenths(double v) { return std::lround(v * 10); }

std::string tenths_str(long t) {
    bool neg = t < 0;
    long a = neg ? -t : t;
    std::string s = std::to_string(a / 10);
    if (a % 10) s = (s == "0" ? std::string() : s) + "." + std::to_string(a % 10);
    return neg ? "-" + s : s;
}

/// Appends a number to path data, with a separator only where SVG needs one.
void put(std::string& d, long t) {
    std::string s = tenths_str(t);
    if (!d.empty()) {
        char last = d.back();
        bool letter = std::isalpha(static_cast<unsigned char>(last)) != 0;
        // "1.5.5" would be read as 1.5 and .5, but only if the previous number has a
        // point; a space is always safe and nearly free, except before a minus sign.
        if (!letter && s[0] != '-') d += ' ';
    }
    d += s;
}

struct P {
    double x, y;
};

void douglas_peucker(const std::vector<P>& pts, double tol, std::vector<char>& keep) {
    keep.assign(pts.size(), 0);
    if (pts.size() < 3) {
        std::fill(keep.begin(), keep.end(), 1);
        return;
    }
    keep.front() = keep.back() = 1;
    std::vector<std::pair<size_t, size_t>> stack{{0, pts.size() - 1}};
    double tol2 = tol * tol;
    while (!stack.empty()) {
        auto [a, b] = stack.back();
        stack.pop_back();
        if (b <= a + 1) continue;
        double dx = pts[b].x - pts[a].x, dy = pts[b].y - pts[a].y, len2 = dx * dx + dy * dy;
        double best = -1;
        size_t bi = a;
        for (size_t i = a + 1; i < b; ++i) {
            double ex = pts[i].x - pts[a].x, ey = pts[i].y - pts[a].y, d2;
            if (len2 == 0) {
                d2 = ex * ex + ey * ey;
            } else {
                double c = ex * dy - ey * dx;
                d2 = c * c / len2;
            }
            if (d2 > best) {
                best = d2;
                bi = i;
            }
        }
        if (best > tol2) {
            keep[bi] = 1;
            stack.push_back({a, bi});
            stack.push_back({bi, b});
        }
    }
}

void ring_path(GEOSContextHandle_t h, const GEOSGeometry* line, const Frame& f, double tol, bool closed, std::string& d) {
    const GEOSCoordSequence* cs = GEOSGeom_getCoordSeq_r(h, line);
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n < 2) return;
    std::vector<P> pts(n);
    for (unsigned int i = 0; i < n; ++i) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
        pts[i] = {f.px(x), f.py(y)};
    }
    std::vector<char> keep;
    douglas_peucker(pts, tol, keep);
    std::vector<std::pair<long, long>> q;
    for (size_t i = 0; i < pts.size(); ++i) {
        if (!keep[i]) continue;
        std::pair<long, long> t{tenths(pts[i].x), tenths(pts[i].y)};
        if (q.empty() || q.back() != t) q.push_back(t);
    }
    if (closed && q.size() > 1 && q.front() == q.back()) q.pop_back();
    if (q.size() < (closed ? 3u : 2u)) return;
    d += 'M';
    put(d, q[0].first);
    put(d, q[0].second);
    d += 'l';
    for (size_t i = 1; i < q.size(); ++i) {
        put(d, q[i].first - q[i - 1].first);
        put(d, q[i].second - q[i - 1].second);
    }
    if (closed) d += 'z';
}

void geom_path(GEOSContextHandle_t h, const GEOSGeometry* g, const Frame& f, double tol, std::string& d) {
    int type = GEOSGeomTypeId_r(h, g);
    switch (type) {
        case GEOS_POLYGON: {
            ring_path(h, GEOSGetExteriorRing_r(h, g), f, tol, true, d);
            int n = GEOSGetNumInteriorRings_r(h, g);
            for (int i = 0; i < n; ++i) ring_path(h, GEOSGetInteriorRingN_r(h, g, i), f, tol, true, d);
            break;
        }
        case GEOS_LINESTRING:
        case GEOS_LINEARRING: ring_path(h, g, f, tol, false, d); break;
        case GEOS_MULTIPOLYGON:
        case GEOS_MULTILINESTRING:
        case GEOS_GEOMETRYCOLLECTION: {
            int n = GEOSGetNumGeometries_r(h, g);
            for (int i = 0; i < n; ++i) geom_path(h, GEOSGetGeometryN_r(h, g, i), f, tol, d);
            break;
        }
        default: break;
    }
}

/// Splits text into lines no wider than `max_w` px (CJK breaks anywhere, Latin at spaces).
std::vector<std::string> wrap(const std::string& text, double size, double max_w) {
    std::vector<std::string> lines;
    std::string cur;
    size_t last_space = std::string::npos;
    for (size_t i = 0; i < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
        n = std::min(n, text.size() - i);
        std::string ch = text.substr(i, n);
        if (!cur.empty() && text_width(cur + ch, size) > max_w) {
            if (ch == " ") {
                lines.push_back(cur);
                cur.clear();
                last_space = std::string::npos;
                i += n;
                continue;
            }
            if (n == 1 && last_space != std::string::npos) {
                lines.push_back(cur.substr(0, last_space));
                cur = cur.substr(last_space + 1);
            } else {
                lines.push_back(cur);
                cur.clear();
            }
            last_space = std::string::npos;
        }
        if (ch == " ") last_space = cur.size();
        cur += ch;
        i += n;
    }
    if (!cur.empty()) lines.push_back(cur);
    return lines;
}

}  // namespace

void Envelope::add(double x, double y) {
    if (empty()) {
        minx = maxx = x;
        miny = maxy = y;
        return;
    }
    minx = std::min(minx, x);
    miny = std::min(miny, y);
    maxx = std::max(maxx, x);
    maxy = std::max(maxy, y);
}

void Envelope::add(const Envelope& e) {
    if (e.empty()) return;
    add(e.minx, e.miny);
    add(e.maxx, e.maxy);
}

Envelope envelope_of(GEOSContextHandle_t h, const GEOSGeometry* g) {
    Envelope e;
    if (!g || GEOSisEmpty_r(h, g)) return e;
    double x0, y0, x1, y1;
    if (GEOSGeom_getXMin_r(h, g, &x0) && GEOSGeom_getYMin_r(h, g, &y0) && GEOSGeom_getXMax_r(h, g, &x1) &&
        GEOSGeom_getYMax_r(h, g, &y1)) {
        e.add(x0, y0);
        e.add(x1, y1);
    }
    return e;
}

Frame Frame::fit(const Envelope& e0, double x0, double y0, double w, double min_h, double max_h, double margin) {
    Envelope e = e0;
    if (e.empty()) e = {0, 0, 1000, 1000};
    double dx = std::max(e.maxx - e.minx, 1.0), dy = std::max(e.maxy - e.miny, 1.0);
    double mx = dx * margin, my = dy * margin;
    dx += 2 * mx;
    dy += 2 * my;
    Frame f;
    f.x0 = x0;
    f.y0 = y0;
    f.w = w;
    f.h = std::clamp(w * dy / dx, min_h, max_h);
    f.scale = std::min(f.w / dx, f.h / dy);
    // Centre the extent in the area whichever side limits the scale.
    double cx = (e.minx + e.maxx) / 2, cy = (e.miny + e.maxy) / 2;
    f.ox = cx - f.w / 2 / f.scale;
    f.oy = cy + f.h / 2 / f.scale;
    return f;
}

std::string path_data(GEOSContextHandle_t h, const GEOSGeometry* g, const Frame& f, double tolerance_px) {
    std::string d;
    if (g) geom_path(h, g, f, tolerance_px, d);
    return d;
}

std::string px(double v) { return tenths_str(tenths(v)); }

ScaleBar nice_scale_bar(double px_per_m, double max_px) {
    ScaleBar b;
    if (!(px_per_m > 0) || !(max_px > 0)) return b;
    double max_m = max_px / px_per_m;
    double p = std::pow(10.0, std::floor(std::log10(max_m)));
    for (double m : {5.0, 2.5, 2.0, 1.0}) {
        if (m * p <= max_m) {
            b.metres = m * p;
            break;
        }
    }
    if (b.metres == 0) b.metres = p;
    b.px = b.metres * px_per_m;
    double lead = b.metres / p;
    b.segments = lead == 2.5 || lead == 5 ? 5 : lead == 2 ? 4 : 2;
    if (lead == 2.5) b.segments = 5;
    b.label = b.metres >= 1000 ? fmt_trim(b.metres / 1000, 3) + " km" : fmt_trim(b.metres, 3) + " m";
    return b;
}

std::string marker_path(const std::string& shape, double x, double y, double size) {
    double r = size / 2;
    auto poly = [&](int n, double rad, double rot_deg, double inner = 0) {
        std::string d;
        int k = inner > 0 ? 2 * n : n;
        for (int i = 0; i < k; ++i) {
            double rr = inner > 0 && i % 2 ? inner : rad;
            double a = (rot_deg + 360.0 * i / k) * kPi / 180;
            d += (i ? " " : "M") + px(x + rr * std::sin(a)) + " " + px(y - rr * std::cos(a));
            if (i == 0) d += "L";
        }
        return d + "z";
    };
    if (shape == "square") {
        double a = r * 0.86;
        return "M" + px(x - a) + " " + px(y - a) + "h" + px(2 * a) + "v" + px(2 * a) + "h" + px(-2 * a) + "z";
    }
    if (shape == "triangle") return poly(3, r * 1.2, 0);
    if (shape == "diamond") return poly(4, r * 1.15, 0);
    if (shape == "pentagon") return poly(5, r * 1.05, 0);
    if (shape == "hexagon") return poly(6, r * 1.05, 30);
    if (shape == "star") return poly(5, r * 1.3, 0, r * 0.55);
    if (shape == "cross") {
        double a = r, t = r * 0.3;
        return "M" + px(x - t) + " " + px(y - a) + "h" + px(2 * t) + "v" + px(a - t) + "h" + px(a - t) + "v" + px(2 * t) + "h" +
               px(t - a) + "v" + px(a - t) + "h" + px(-2 * t) + "v" + px(t - a) + "h" + px(t - a) + "v" + px(-2 * t) + "h" + px(a - t) + "z";
    }
    return "M" + px(x - r) + " " + px(y) + "a" + px(r) + " " + px(r) + " 0 1 0 " + px(2 * r) + " 0a" + px(r) + " " + px(r) +
           " 0 1 0 " + px(-2 * r) + " 0z";
}

double text_width(const std::string& text, double size) {
    double w = 0;
    for (size_t i = 0; i < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
        w += n >= 3 ? size : (c >= 'A' && c <= 'Z') || c == 'm' || c == 'w' ? size * 0.68 : size * 0.54;
        i += n;
    }
    return w;
}

Map::Map(std::string id, const Envelope& extent, double width) : id_(std::move(id)), width_(width) {
    double map_w = width - 16 - 16 - 250;
    frame_ = Frame::fit(extent, 16, 84, map_w, 420, 900);
}

void Map::begin_group(const std::string& attrs) { body_ += "<g " + attrs + ">\n"; }
void Map::end_group() { body_ += "</g>\n"; }

void Map::shape(GEOSContextHandle_t h, const GEOSGeometry* g, const std::string& attrs) { path(path_data(h, g, frame_), attrs); }

void Map::path(const std::string& d, const std::string& attrs) {
    if (d.empty()) return;
    body_ += "<path d=\"";
    body_ += d;
    body_ += '"';
    if (!attrs.empty()) {
        body_ += ' ';
        body_ += attrs;
    }
    body_ += "/>\n";
}

std::string Map::marker_data(double x, double y, const std::string& shape, double size) const {
    double X = frame_.px(x), Y = frame_.py(y);
    if (X < frame_.x0 - size || X > frame_.x0 + frame_.w + size || Y < frame_.y0 - size || Y > frame_.y0 + frame_.h + size) return {};
    return marker_path(shape, X, Y, size);
}

void Map::marker(double x, double y, const std::string& shape, double size, const std::string& attrs) {
    path(marker_data(x, y, shape, size), attrs);
}

bool Map::label(double x, double y, const std::string& text, double size, bool bold) {
    double X = frame_.px(x), Y = frame_.py(y);
    double w = text_width(text, size), hh = size * 1.2;
    Box b{X - w / 2 - 2, Y - hh / 2 - 1, X + w / 2 + 2, Y + hh / 2 + 1};
    if (b.x0 < frame_.x0 || b.x1 > frame_.x0 + frame_.w || b.y0 < frame_.y0 || b.y1 > frame_.y0 + frame_.h) return false;
    for (const Box& o : placed_)
        if (b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1) return false;
    placed_.push_back(b);
    // A separate halo <text> rather than paint-order: word processors that import SVG
    // ignore paint-order and would paint the halo over the letters.
    std::string pos = "x=\"" + px(X) + "\" y=\"" + px(Y + size * 0.35) + "\" font-size=\"" + px(size) + "\"" +
                      (bold ? " font-weight=\"bold\"" : "");
    std::string t = xml_escape(text);
    body_ += "<text " + pos + " stroke=\"#fff\" stroke-width=\"3\" stroke-linejoin=\"round\" fill=\"#fff\" stroke-opacity=\"0.9\">" + t +
             "</text>\n<text " + pos + " fill=\"#222\">" + t + "</text>\n";
    return true;
}

std::string Map::render(const std::string& title, const std::string& subtitle, const std::string& note,
                        const std::string& legend_title, double north_deg) const {
    const Frame& f = frame_;
    const double panel_x = f.x0 + f.w + 18, panel_w = width_ - panel_x - 12;
    // Legend first: its height may make the drawing taller than the map.
    std::string leg;
    double ly = f.y0 + 4;
    leg += "<text x=\"" + px(panel_x) + "\" y=\"" + px(ly + 14) + "\" font-size=\"16\" font-weight=\"bold\" fill=\"#222\">" +
           xml_escape(legend_title) + "</text>\n";
    ly += 28;
    const double sw = 24, sh = 14, tx = panel_x + sw + 8, text_w = panel_w - sw - 8;
    for (const LegendItem& it : legend_) {
        if (it.kind == LegendItem::Heading) {
            ly += 6;
            for (auto& line : wrap(it.label, 13, panel_w)) {
                leg += "<text x=\"" + px(panel_x) + "\" y=\"" + px(ly + 12) + "\" font-size=\"13\" font-weight=\"bold\" fill=\"#333\">" +
                       xml_escape(line) + "</text>\n";
                ly += 18;
            }
            ly += 2;
            continue;
        }
        auto lines = wrap(it.label, 12.5, text_w);
        double row_h = std::max(20.0, 16.0 * static_cast<double>(lines.size()) + 4);
        double cy = ly + (lines.size() > 1 ? row_h / 2 : 9);
        switch (it.kind) {
            case LegendItem::Fill:
            case LegendItem::Outline:
            case LegendItem::Hatch:
                leg += "<rect x=\"" + px(panel_x) + "\" y=\"" + px(cy - sh / 2) + "\" width=\"" + px(sw) + "\" height=\"" + px(sh) +
                       "\" fill=\"" + it.fill + "\" stroke=\"" + it.stroke + "\" stroke-width=\"" + px(it.stroke_width) + "\"/>\n";
                break;
            case LegendItem::Marker:
                leg += "<path d=\"" + marker_path(it.shape, panel_x + sw / 2, cy, it.size) + "\" fill=\"" + it.fill + "\" stroke=\"" +
                       it.stroke + "\" stroke-width=\"" + px(it.stroke_width) + "\"/>\n";
                break;
            case LegendItem::Line:
                leg += "<path d=\"M" + px(panel_x) + " " + px(cy) + "h" + px(sw) + "\" stroke=\"" + it.stroke + "\" stroke-width=\"" +
                       px(it.stroke_width) + "\"" + (it.dash.empty() ? "" : " stroke-dasharray=\"" + it.dash + "\"") + "/>\n";
                break;
            default: break;
        }
        double ty = cy + 4.5 - 8 * static_cast<double>(lines.size() - 1);
        for (auto& line : lines) {
            leg += "<text x=\"" + px(tx) + "\" y=\"" + px(ty) + "\" font-size=\"12.5\" fill=\"#333\">" + xml_escape(line) + "</text>\n";
            ty += 16;
        }
        ly += row_h;
    }
    double map_bottom = f.y0 + f.h;
    // North arrow beside the legend title and scale bar under the legend (level with the
    // map's bottom when there is room): drawn over the map they would hide its corners.
    double sb_y = std::max(ly + 26, map_bottom - 8);
    double bottom = std::max(map_bottom, sb_y + 8);
    double height = bottom + 40;

    std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px(width_) + "\" height=\"" + px(height) + "\" viewBox=\"0 0 " +
                    px(width_) + " " + px(height) + "\" font-family=\"" + kCssFontStack + "\" fill-rule=\"evenodd\" role=\"img\" aria-label=\"" +
                    xml_escape(title) + "\">\n";
    s += "<title>" + xml_escape(title) + "</title>\n";
    s += "<defs><clipPath id=\"" + id_ + "-clip\"><rect x=\"" + px(f.x0) + "\" y=\"" + px(f.y0) + "\" width=\"" + px(f.w) +
         "\" height=\"" + px(f.h) + "\"/></clipPath></defs>\n";
    s += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
    s += "<text x=\"16\" y=\"34\" font-size=\"22\" font-weight=\"bold\" fill=\"#111\">" + xml_escape(title) + "</text>\n";
    if (!subtitle.empty()) s += "<text x=\"16\" y=\"62\" font-size=\"14.5\" fill=\"#444\">" + xml_escape(subtitle) + "</text>\n";
    s += "<rect x=\"" + px(f.x0) + "\" y=\"" + px(f.y0) + "\" width=\"" + px(f.w) + "\" height=\"" + px(f.h) + "\" fill=\"#f7f7f4\"/>\n";
    s += "<g clip-path=\"url(#" + id_ + "-clip)\">\n" + body_ + "</g>\n";
    s += "<rect x=\"" + px(f.x0) + "\" y=\"" + px(f.y0) + "\" width=\"" + px(f.w) + "\" height=\"" + px(f.h) +
         "\" fill=\"none\" stroke=\"#777\" stroke-width=\"1\"/>\n";
    s += leg;

    // North arrow: points to true north (rotated by the grid convergence).
    double nx = panel_x + panel_w - 26, ny = f.y0 + 22;
    s += "<g transform=\"rotate(" + fmt_trim(north_deg, 2) + " " + px(nx) + " " + px(ny) + ")\">\n";
    s += "<path d=\"M" + px(nx) + " " + px(ny - 14) + "L" + px(nx - 7) + " " + px(ny + 11) + "L" + px(nx) + " " + px(ny + 6) +
         "z\" fill=\"#222\"/>\n";
    s += "<path d=\"M" + px(nx) + " " + px(ny - 14) + "L" + px(nx + 7) + " " + px(ny + 11) + "L" + px(nx) + " " + px(ny + 6) +
         "z\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"1\"/>\n";
    s += "<text x=\"" + px(nx) + "\" y=\"" + px(ny - 17) + "\" font-size=\"12\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#222\">N</text>\n";
    s += "</g>\n";
    // Scale bar: exact, the map is drawn in the projected working CRS.
    ScaleBar sb = nice_scale_bar(f.scale, std::min(panel_w - 36, f.w * 0.3));
    if (sb.px > 0) {
        double bx = panel_x + 4, by = sb_y - 6, seg = sb.px / sb.segments;
        for (int i = 0; i < sb.segments; ++i)
            s += "<rect x=\"" + px(bx + i * seg) + "\" y=\"" + px(by) + "\" width=\"" + px(seg) + "\" height=\"6\" fill=\"" +
                 (i % 2 ? "#fff" : "#222") + "\" stroke=\"#222\" stroke-width=\"0.8\"/>\n";
        s += "<text x=\"" + px(bx) + "\" y=\"" + px(by - 6) + "\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222\">0</text>\n";
        s += "<text x=\"" + px(bx + sb.px) + "\" y=\"" + px(by - 6) + "\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222\">" +
             xml_escape(sb.label) + "</text>\n";
    }
    s += "<text x=\"16\" y=\"" + px(bottom + 24) + "\" font-size=\"12\" fill=\"#666\">" + xml_escape(note) + "</text>\n";
    s += "</svg>\n";
    return s;
}

}  // namespace lc::svg
