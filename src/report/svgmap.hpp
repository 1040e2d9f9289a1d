#pragma once
// Static SVG maps drawn from GEOS geometries in the working CRS (metres), so the scale
// bar is exact and no web tiles are needed: a map frame, a legend panel, a scale bar, a
// north arrow, a title and a source note. Coordinates are written in tenths of a pixel.
#include "common/geos.hpp"
#include "outputs/symbology.hpp"

#include <string>
#include <vector>

namespace lc::svg {

struct Envelope {
    double minx = 1, miny = 1, maxx = 0, maxy = 0;  ///< empty while min > max
    bool empty() const { return minx > maxx || miny > maxy; }
    void add(double x, double y);
    void add(const Envelope& e);
};
Envelope envelope_of(GEOSContextHandle_t h, const GEOSGeometry* g);

/// Working-CRS metres to pixels (y down) for a map area, aspect ratio kept.
struct Frame {
    double x0 = 0, y0 = 0, w = 0, h = 0;   ///< map area in px
    double ox = 0, oy = 0;                 ///< metres at the area's top-left corner
    double scale = 1;                      ///< px per metre
    /// The frame `w` px wide showing `e` (plus a margin) whose height follows the
    /// extent's aspect, clamped to [min_h, max_h] px.
    static Frame fit(const Envelope& e, double x0, double y0, double w, double min_h, double max_h, double margin = 0.03);
    double px(double x) const { return x0 + (x - ox) * scale; }
    bool operator==(const Frame& o) const {
        return x0 == o.x0 && y0 == o.y0 && w == o.w && h == o.h && ox == o.ox && oy == o.oy && scale == o.scale;
    }
    double py(double y) const { return y0 + (oy - y) * scale; }
};

/// SVG path data of the polygons or lines of `g`, Douglas-Peucker simplified to
/// `tolerance_px` and rounded to 0.1 px, relative commands. Empty when nothing is
/// larger than the rounding.
std::string path_data(GEOSContextHandle_t h, const GEOSGeometry* g, const Frame& f, double tolerance_px = 0.35);

/// A pixel coordinate with one decimal at most ("12.3", "12").
std::string px(double v);

struct ScaleBar {
    double metres = 0;     ///< total length
    double px = 0;         ///< its length on the map
    int segments = 2;
    std::string label;     ///< e.g. "2 km", "500 m"
};
/// The longest "nice" length (1, 2, 2.5, 5 × 10^k metres) that fits in `max_px`.
ScaleBar nice_scale_bar(double px_per_m, double max_px);

/// Path of a marker shape centred on (x, y) px with diameter `size` px.
std::string marker_path(const std::string& shape, double x, double y, double size);

struct LegendItem {
    enum Kind { Heading, Fill, Outline, Marker, Line, Hatch } kind = Fill;
    std::string label;
    std::string fill = "none", stroke = "none";
    double stroke_width = 0;
    std::string shape = "circle";   ///< Marker
    double size = 8;                ///< Marker diameter px
    std::string dash;               ///< Line

    static LegendItem heading(std::string label) { return make(Heading, std::move(label), "none", "none", 0); }
    static LegendItem make(Kind k, std::string label, std::string fill, std::string stroke, double width) {
        LegendItem i;
        i.kind = k;
        i.label = std::move(label);
        i.fill = std::move(fill);
        i.stroke = std::move(stroke);
        i.stroke_width = width;
        return i;
    }
};

/// A map being composed: layers are added bottom-up in map coordinates, then
/// `render` lays out title, map, legend, scale bar, north arrow and source note.
class Map {
public:
    /// `id` prefixes every SVG id so several maps can be inlined in one HTML page.
    Map(std::string id, const Envelope& extent, double width = 1000);
    const Frame& frame() const { return frame_; }
    const std::string& id() const { return id_; }

    /// Starts a group of elements sharing presentation attributes (e.g. `fill="none"`).
    void begin_group(const std::string& attrs);
    void end_group();
    /// One polygon/line geometry as a <path> with attributes `attrs`.
    void shape(GEOSContextHandle_t h, const GEOSGeometry* g, const std::string& attrs);
    /// A marker at working-CRS (x, y).
    void marker(double x, double y, const std::string& shape, double size, const std::string& attrs);
    /// Path data of that marker; empty when it falls outside the map.
    std::string marker_data(double x, double y, const std::string& shape, double size) const;
    /// A <path> of path data made earlier (path_data, marker_data); nothing when `d` is empty.
    void path(const std::string& d, const std::string& attrs);
    /// A label at working-CRS (x, y), centred, with a white halo; skipped when it would
    /// overlap a label already placed (returns false).
    bool label(double x, double y, const std::string& text, double size, bool bold = false);
    void legend(const LegendItem& item) { legend_.push_back(item); }

    /// The complete SVG document. `north_deg`: direction of true north, clockwise from
    /// the top of the map (grid convergence of the working CRS).
    std::string render(const std::string& title, const std::string& subtitle, const std::string& note,
                       const std::string& legend_title, double north_deg) const;

private:
    std::string id_;
    double width_;
    Frame frame_;
    std::string body_;
    std::vector<LegendItem> legend_;
    struct Box {
        double x0, y0, x1, y1;
    };
    std::vector<Box> placed_;
};

/// Approximate rendered width of `text` at `size` px (CJK glyphs are square, Latin about half).
double text_width(const std::string& text, double size);

}  // namespace lc::svg
