#pragma once
// Planner deliverables (SPEC 6): lifecircle.qgs + styles/*.qml, report.html + maps/*.svg,
// and default styles inside a GeoPackage.
#include "ingest/ingest.hpp"
#include "reach/reach.hpp"
#include "rules/rules.hpp"
#include "common/table.hpp"

#include <filesystem>

namespace lc {

struct DeliverableOptions {
    std::string format = "geojson";  ///< geojson | gpkg (layers in lifecircle.gpkg)
    std::string lang = "zh";         ///< zh | en
};

/// Writes the QGIS project, styles, report and maps into `dir`, which already holds the
/// vector layers written from `layers` (same names) and summary.json content `summary`.
void write_deliverables(const std::filesystem::path& dir, const Project& p, const Inputs& in, const ReachResult& r,
                        const Analysis& a, const std::vector<Table>& layers, const json& summary,
                        const DeliverableOptions& opt);

}  // namespace lc
