# lifecircle inside QGIS (issue 15), included from tests/CMakeLists.txt (needs E2E, FIX, Python3).
# The checks that need QGIS exit 77 with a message saying what is missing, and CTest lists
# them as skipped, not failed; CI installs QGIS (scripts/install-deps.sh), so there they run.
if(NOT DEFINED LIFECIRCLE_QGIS_PYTHON)
  set(LIFECIRCLE_QGIS_PYTHON /usr/bin/python3 CACHE FILEPATH "Python interpreter with the QGIS bindings (Debian python3-qgis)")
endif()
if(EXISTS ${LIFECIRCLE_QGIS_PYTHON})
  set(QGIS_PY ${LIFECIRCLE_QGIS_PYTHON})
else()
  set(QGIS_PY ${Python3_EXECUTABLE})  # the checks then skip, saying PyQGIS is missing
endif()
set(QGISW ${CMAKE_CURRENT_BINARY_DIR}/qgis)

# The plugin's runner without QGIS: progress, cancel kills the child and its children,
# error text, missing program.
add_test(NAME qgis_plugin_runner
         COMMAND ${Python3_EXECUTABLE} ${E2E}/check_plugin_runner.py ${CMAKE_SOURCE_DIR}/qgis_plugin/lifecircle
                 $<TARGET_FILE:lifecircle> ${QGISW}/runner)
# The plugin's project file without QGIS: census tables picked in the dialog become the
# census section (or are refused naming the parameter); the demo so written runs.
add_test(NAME qgis_plugin_project_file
         COMMAND ${Python3_EXECUTABLE} ${E2E}/check_plugin_project_file.py ${CMAKE_SOURCE_DIR}/qgis_plugin/lifecircle
                 $<TARGET_FILE:lifecircle> ${CMAKE_SOURCE_DIR}/data/demo ${QGISW}/project_file)
# The plugin zip installed and run headless through qgis_process: project-file and
# layer-picking modes equal a plain `lifecircle run`; validate, site, batch, shp; errors.
add_test(NAME qgis_plugin_headless
         COMMAND ${QGIS_PY} ${E2E}/check_qgis_plugin.py --lifecircle $<TARGET_FILE:lifecircle> --root ${CMAKE_SOURCE_DIR}
                 --work ${QGISW}/plugin)
# Every print layout of the demo project exported to PDF and PNG; labels at full extent.
add_test(NAME qgis_print_layouts
         COMMAND ${QGIS_PY} ${E2E}/check_layouts.py --lifecircle $<TARGET_FILE:lifecircle>
                 --project ${CMAKE_SOURCE_DIR}/data/demo/project.json --work ${QGISW}/layouts)
add_test(NAME qgis_print_layouts_shp_network_en
         COMMAND ${QGIS_PY} ${E2E}/check_layouts.py --lifecircle $<TARGET_FILE:lifecircle>
                 --project ${CMAKE_SOURCE_DIR}/data/demo/project-network.json --work ${QGISW}/layouts_shp
                 -- --format shp --output-crs EPSG:4543 --lang en)
# Shapefiles (CGCS2000 Gauss-Kruger) and GeoPackage (CGCS2000) read back by GDAL, Chinese
# names intact; the SPEC format checker on both; mixed geometry kinds split per file.
add_test(NAME gis_formats_shp_gpkg
         COMMAND ${QGIS_PY} ${E2E}/check_gis_formats.py --lifecircle $<TARGET_FILE:lifecircle>
                 --project ${CMAKE_SOURCE_DIR}/data/demo/project.json
                 --checker ${CMAKE_SOURCE_DIR}/../shared/checks/check_outputs.py --work ${QGISW}/formats)
add_test(NAME gis_formats_mixed_geometries
         COMMAND ${QGIS_PY} ${E2E}/check_gis_formats.py --lifecircle $<TARGET_FILE:lifecircle>
                 --project ${FIX}/nasty/project.json
                 --checker ${CMAKE_SOURCE_DIR}/../shared/checks/check_outputs.py --work ${QGISW}/formats_nasty)
set_tests_properties(qgis_plugin_runner qgis_plugin_project_file qgis_plugin_headless qgis_print_layouts qgis_print_layouts_shp_network_en
                     gis_formats_shp_gpkg gis_formats_mixed_geometries
                     PROPERTIES LABELS qgis TIMEOUT 600 SKIP_RETURN_CODE 77)
