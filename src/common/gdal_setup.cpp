#include "common/gdal_setup.hpp"

#include <cpl_conv.h>
#include <gdal_priv.h>

#include <atomic>
#include <mutex>

namespace lc {

namespace {
std::atomic<bool> g_ready{false};
}

void init_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        // GeoJSON objects of any size (a whole city's OSM lines in one feature
        // collection): the driver has no open option for this, only the global.
        CPLSetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "0");
        g_ready = true;
    });
}

bool gdal_ready() { return g_ready; }

}  // namespace lc
