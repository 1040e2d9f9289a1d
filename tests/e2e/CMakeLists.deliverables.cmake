# Planner deliverables (issue 5), included from tests/CMakeLists.txt (needs E2E, FIX, Python3).
# The QGIS checks run under the system Python that has Debian's python3-qgis; the report
# check needs Debian's chromium and fonts-noto-cjk. None of them is skipped when a tool
# is missing: a missing tool is a failed test, so CI cannot pass without them.
set(LIFECIRCLE_QGIS_PYTHON /usr/bin/python3 CACHE FILEPATH "Python interpreter with the QGIS bindings (Debian python3-qgis)")
set(DELIV ${CMAKE_CURRENT_BINARY_DIR}/deliverables)

# lifecircle.qgs and the GeoPackage's default styles open in real QGIS, layers valid,
# feature counts as in the GeoJSON files, renderers as intended, the map renders.
add_test(NAME deliverables_qgis
         COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
                 ${LIFECIRCLE_QGIS_PYTHON} ${E2E}/check_qgis.py --lifecircle $<TARGET_FILE:lifecircle>
                 --project ${CMAKE_SOURCE_DIR}/data/demo/project.json --work ${DELIV}/qgis)
# Mixed point/polygon compounds, broken text: split layers in the project, rule-based
# default styles in the GeoPackage.
add_test(NAME deliverables_qgis_mixed_geometries
         COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
                 ${LIFECIRCLE_QGIS_PYTHON} ${E2E}/check_qgis.py --lifecircle $<TARGET_FILE:lifecircle>
                 --project ${FIX}/nasty/project.json --work ${DELIV}/qgis_nasty)
# A profile with a street-level reach rule (Jinning's 15-minute circle; one demo street
# fails it): the failing streets' outline, a layer of its own in the project and a rule
# over the classes in styles/*.qml and the GeoPackage's default styles.
add_test(NAME deliverables_qgis_failing_outline
         COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
                 ${LIFECIRCLE_QGIS_PYTHON} ${E2E}/check_qgis.py --lifecircle $<TARGET_FILE:lifecircle>
                 --project ${CMAKE_SOURCE_DIR}/data/demo/project.json --work ${DELIV}/qgis_outline
                 --scenario ${FIX}/qgis/jinning_profile.json --want-failing-outline)
# report.html in headless Chromium: maps and tables present, self-contained, deterministic.
add_test(NAME deliverables_report_zh
         COMMAND ${Python3_EXECUTABLE} ${E2E}/check_report.py --lifecircle $<TARGET_FILE:lifecircle>
                 --project ${CMAKE_SOURCE_DIR}/data/demo/project.json --work ${DELIV}/report_zh --lang zh)
add_test(NAME deliverables_report_en
         COMMAND ${Python3_EXECUTABLE} ${E2E}/check_report.py --lifecircle $<TARGET_FILE:lifecircle>
                 --project ${CMAKE_SOURCE_DIR}/data/demo/project-network.json --work ${DELIV}/report_en --lang en)
# The shared format check on the demo output with nothing skipped.
add_test(NAME deliverables_check_outputs_full
         COMMAND sh -c "$<TARGET_FILE:lifecircle> run ${CMAKE_SOURCE_DIR}/data/demo/project.json --out ${DELIV}/demo_full --quiet && ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/../shared/checks/check_outputs.py ${DELIV}/demo_full")
set_tests_properties(deliverables_qgis deliverables_qgis_mixed_geometries deliverables_qgis_failing_outline deliverables_report_zh deliverables_report_en
                     deliverables_check_outputs_full PROPERTIES LABELS deliverables TIMEOUT 600)
