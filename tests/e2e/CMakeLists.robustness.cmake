# Robustness (issue 6): faults, paths and nasty-but-valid data, one CTest entry per case
# so that a failure names its case. Included from tests/CMakeLists.txt.
if(NOT Python3_EXECUTABLE)
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
endif()
set(ROBUST_E2E ${CMAKE_CURRENT_LIST_DIR})
set(ROBUST_NASTY ${CMAKE_CURRENT_LIST_DIR}/../fixtures/nasty)
set(ROBUST_WORK ${CMAKE_CURRENT_BINARY_DIR}/robustness)
set(ROBUST_MAKE_CITY ${CMAKE_SOURCE_DIR}/../shared/datagen/make_city.py)
set(ROBUST_CITY_ARGS)
if(EXISTS ${ROBUST_MAKE_CITY})
  set(ROBUST_CITY_ARGS --make-city ${ROBUST_MAKE_CITY})
endif()

foreach(case unwritable disk_full killed truncated same_path paths refuse odd_paths)
  add_test(NAME faults_${case}
           COMMAND ${Python3_EXECUTABLE} ${ROBUST_E2E}/check_faults.py $<TARGET_FILE:lifecircle> ${ROBUST_NASTY}
                   ${ROBUST_WORK}/faults_${case} ${ROBUST_CITY_ARGS} ${case})
  set_tests_properties(faults_${case} PROPERTIES LABELS robustness TIMEOUT 600)
endforeach()

foreach(case shapes empty_type no_compounds empty_layers swapped csv_bom_crlf gbk huge_polygon huge_numbers)
  add_test(NAME nasty_${case}
           COMMAND ${Python3_EXECUTABLE} ${ROBUST_E2E}/check_nasty.py $<TARGET_FILE:lifecircle> ${ROBUST_NASTY}
                   ${ROBUST_WORK}/nasty_${case} ${case})
  set_tests_properties(nasty_${case} PROPERTIES LABELS robustness TIMEOUT 600)
endforeach()
