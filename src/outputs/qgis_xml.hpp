#pragma once
// Small helpers shared by the writers of QGIS XML (qgis.cpp: styles and projects,
// qgis_layouts.cpp: print layouts).
#include "common/markup.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace lc::qgis {

/// A number as QGIS parses it (QString::toDouble): plain "C" notation, enough digits to
/// round-trip; infinities as ±1e300.
inline std::string num(double v) {
    if (std::isinf(v)) return v > 0 ? "1e+300" : "-1e+300";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

inline std::string sp(int n) { return std::string(static_cast<size_t>(n), ' '); }

/// ` key="value"`, the value escaped.
inline std::string attr(const std::string& k, const std::string& v) { return " " + k + "=\"" + xml_escape(v) + "\""; }

}  // namespace lc::qgis
