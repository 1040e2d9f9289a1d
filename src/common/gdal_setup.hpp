#pragma once
// GDAL's process-wide state, set once by the program (main, the test and fuzz
// drivers) before any stage runs, instead of by whichever stage happens to open a file
// first. What a single open needs (a shapefile's ENCODING, a CSV's coordinate
// columns) is passed to that open as an open option, never as a global.
namespace lc {

/// Registers the drivers and sets the global configuration options (idempotent).
void init_gdal();

/// True once init_gdal() has run; the readers refuse to start without it.
bool gdal_ready();

}  // namespace lc
