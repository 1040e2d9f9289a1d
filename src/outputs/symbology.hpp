#pragma once
// One cartographic vocabulary for the QGIS styles and the report's SVG maps, so that a
// planner sees the same colour for the same thing in both: facility types, indicator
// classes measured against their target, and the reasons a compound fails.
#include "common/measure_label.hpp"

#include <limits>
#include <string>
#include <vector>

namespace lc {

struct Rgba {
    int r = 0, g = 0, b = 0, a = 255;
    std::string qgis() const;  ///< "r,g,b,a" as QGIS style files store colours
    std::string hex() const;   ///< "#rrggbb" (alpha ignored)
};

/// The CJK-capable font asked for in labels and maps (Debian: fonts-noto-cjk).
inline constexpr const char* kCjkFont = "Noto Sans CJK SC";
/// CSS font stack: the Debian font first, then what Windows and macOS planners have.
inline constexpr const char* kCssFontStack =
    "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei','SimHei',sans-serif";

struct TypeStyle {
    std::string type, zh, en;
    Rgba color;
    std::string qgis_shape;  ///< QGIS SimpleMarker name
    std::string svg_shape;   ///< circle | square | triangle | diamond | star | pentagon | hexagon | cross
    double size_mm;          ///< QGIS marker size; SVG uses it scaled
};

/// Style of a canonical facility type; unknown types get a neutral grey circle.
TypeStyle type_style(const std::string& type);
std::string type_label(const std::string& type, const std::string& lang);

/// A class of an indicator map: lower <= v < upper (upper may be +inf).
struct ValueClass {
    double lower, upper;
    Rgba color;
    std::string label;
    bool passes;  ///< the class lies at or above the target
};

/// Classes of a share or ratio held against `target` (values at or above pass): four
/// failing classes at 50/75/90/100 % of the target and one passing class.
/// `percent`: values are shares 0..1 and labels are percentages.
std::vector<ValueClass> target_classes(double target, bool percent, const std::string& lang);
/// The same classes for a figure that is no plan target (held against `reference`, e.g.
/// 100% of the elderly reached): no class speaks of meeting a target.
std::vector<ValueClass> figure_classes(double reference, bool percent, const std::string& lang);
/// Classes of a facility count held against `min` (min_count rules).
std::vector<ValueClass> count_classes(double min, const std::string& lang);
/// Index of the class holding `v`, or -1.
int class_of(const std::vector<ValueClass>& classes, double v);

/// Fill of a unit without a value (not applicable or no data).
Rgba no_data_color();
/// Outline of a unit that fails its target.
Rgba failing_outline_color();

struct ReasonStyle {
    Rgba color;
    std::string zh, en;
};
/// Gap reasons (SPEC 5): no_facility, area_below_standard, single_site_too_small,
/// unknown_year, unknown_households, not_reached, unreachable; plus "compliant" and "not_assessed".
ReasonStyle reason_style(const std::string& reason);
std::string reason_label(const std::string& reason, const std::string& lang);

/// An English layer name in sentence case, as QGIS names its own: capital first letter,
/// and a word capitalised only as a label of its own (a type "Day-care centre") in
/// lower case after "(" or ": ". Other languages as they are.
std::string sentence_case(std::string s, const std::string& lang);
/// A label that starts a name ("Day-care centre") as it reads inside an English one.
std::string in_sentence(std::string s, const std::string& lang);

/// Unit kinds (street, township, community, village) as planners say them.
std::string kind_label(const std::string& kind, const std::string& lang);
/// Input layer keys of the project file (compounds, facilities ...).
std::string input_layer_label(const std::string& key, const std::string& lang);
/// Short form for headings: 街道 / street.
std::string level_short(const std::string& level, const std::string& lang);

}  // namespace lc
