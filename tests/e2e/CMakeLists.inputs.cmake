# Input robustness (issue 13): one CTest entry per case of check_inputs.py, and one
# error_test per new error message, each with its own broken fixture in
# tests/fixtures/errors (written by tests/fixtures/inputs/make_fixtures.py).
# Included from tests/CMakeLists.txt (error_test is defined there).
set(INPUTS_E2E ${CMAKE_CURRENT_LIST_DIR})
set(INPUTS_FIX ${CMAKE_CURRENT_LIST_DIR}/../fixtures)
set(INPUTS_WORK ${CMAKE_CURRENT_BINARY_DIR}/inputs)
foreach(case deep_batch fifo negative implausible stray u8names additions_rejected loud_warnings custom_type type_typo network_allowed site_label nonsense_figures census_codes census_gbk roads_missing_radius
             odd_compounds multilayer_pick census_utf16 census_workbook validate_all_rejected
             spreadsheet_layer layer_utf16 spreadsheet_sheets coordinate_text facility_attributes)
  add_test(NAME inputs_${case}
           COMMAND ${Python3_EXECUTABLE} ${INPUTS_E2E}/check_inputs.py $<TARGET_FILE:lifecircle> ${INPUTS_FIX} ${INPUTS_WORK} ${case})
  set_tests_properties(inputs_${case} PROPERTIES LABELS inputs TIMEOUT 300)
endforeach()

set(E ${INPUTS_FIX}/errors)
set(EO ${CMAKE_CURRENT_BINARY_DIR}/e_inputs_out)
# Crashes become exit 2 with the JSON pointer
error_test(deep_json 2 "deep.json: /name/0/0/0" validate ${E}/deep.json)
error_test(number_overflow 2 "/access/minutes: the number 1e999999999999 is too large" validate ${E}/number_overflow.json)
error_test(long_integer 2 "/rules/5/min: the number 99999" validate ${E}/long_integer.json)
# Implausible settings, with the range
error_test(implausible_buffer 2 "/access/service_area_buffer_m: 1000000.0 is outside the plausible range 1 to 500" validate ${E}/implausible_buffer.json)
error_test(implausible_walk 2 "/access/walk_kmh: 400 is outside the plausible range 0.5 to 20" validate ${E}/implausible_walk.json)
error_test(implausible_share 2 "/rules/0/target_share: 1.5 is outside the plausible range 0 to 1" validate ${E}/implausible_share.json)
# Typos are errors naming the pointer and the nearest valid name
error_test(type_map_typo 2 "/layers/facilities/type_map/托老所: \"daycare\" is not a facility type (did you mean \"day_care\"?)" validate ${E}/type_map_typo.json)
error_test(minutes_by_type_typo 2 "/access/minutes_by_type/daycare: \"daycare\" is not a facility type (did you mean \"day_care\"?)" validate ${E}/minutes_by_type_typo.json)
error_test(rule_type_typo 2 "/rules/0/types/0: \"street_centre\" is not a facility type (did you mean \"street_center\"?)" validate ${E}/rule_type_typo.json)
error_test(where_unmapped 2 "/rules/2/where/safety: the facilities layer maps no attribute \"safety\" (did you mean \"safety_net\"?)" validate ${E}/where_unmapped.json)
error_test(where_operator 2 "/rules/2/where/beds/=>: unknown comparison \"=>\" (did you mean \">=\"?)" validate ${E}/where_operator.json)
error_test(kind_map_kind 2 "/layers/street/kind_map/镇: \"town\" is not a kind of the street level (street or township) (did you mean \"township\"?)" validate ${E}/kind_map_kind.json)
error_test(duplicate_rule_id 2 "/rules/6/id: \"r_count\" is also the id of /rules/0" validate ${E}/duplicate_rule_id.json)
error_test(custom_type_bad 2 "/custom_types/0: \"Barber Shop\": a type name uses lower-case letters" validate ${E}/custom_type_bad.json)
# Working CRS: projected, metres, made for the data, true to scale
error_test(web_mercator 2 "\"EPSG:3857\" (WGS 84 / Pseudo-Mercator) stretches distances by 10.9%" validate ${E}/web_mercator.json)
error_test(feet_crs 2 "measures in US survey foot" validate ${E}/feet_crs.json)
error_test(far_zone 2 "is made for 114.000°E 0.000°N to 120.000°E 84.000°N, but the data's centre is 102.735°E 25.035°N" validate ${E}/far_zone.json)
# (no ';' in an expected text: CMake would split it)
error_test(rule_id_typo 2 "/rules/6/id: no rule of profile kunming or above has the id \"comunity_day_care\" (did you mean \"community_day_care\"?)" validate ${E}/rule_id_typo.json)
# A unit layer read in another CRS than its own lies elsewhere: refused (exit 3)
error_test(district_wrong_crs 3 "districts.geojson: every unit of the district layer lies more than 300 km from the compounds" validate ${E}/district_wrong_crs.json)
error_test(far_zone_suggestion 2 "use \"auto\" or EPSG:32648 (WGS 84 / UTM zone 48N)" validate ${E}/far_zone.json)
# Smaller ones
error_test(network_path 2 "/layers/compounds/path: \"/vsicurl/http://127.0.0.1:9/compounds.geojson\" is a network file system path" validate ${E}/network_path.json)
error_test(utf16_project 2 "looks like UTF-16 text" validate ${E}/utf16.json)
error_test(remove_twice 2 "/remove_facilities/2: \"F1\" is already listed at /remove_facilities/0" run ${INPUTS_FIX}/hand/project.json --scenario ${E}/remove_twice.json --out ${EO})
# A misspelt "patch" would run the scenario as the base and report no change
error_test(remove_rejected 2 "/remove_facilities: facility \"F9\" was rejected when read (unknown facility type" run ${E}/strict.json --scenario ${E}/remove_rejected.json --out ${EO})
error_test(batch_case_ids 2 "/scenarios/1/id: \"slow\" differs from \"Slow\" only in upper and lower case" batch ${E}/batch_case_ids.json --out ${EO})
error_test(inline_add_field 3 "inline_add_field.json: add_facilities (inline): has no field \"fid\" (mapped as id in /layers/facilities)" run ${INPUTS_FIX}/hand/project.json --scenario ${E}/inline_add_field.json --out ${EO})
error_test(batch_patch_typo 2 "/scenarios/0/pach: unknown key (did you mean \"patch\"?)" batch ${E}/batch_patch_typo.json --out ${EO})
error_test(batch_reserved_id 2 "/scenarios/0/id: \"comparison.csv\" is used twice or reserved" batch ${E}/batch_reserved_id.json --out ${EO})
error_test(site_count_zero 2 "--count: Value 0 not in range 1" site ${INPUTS_FIX}/hand/project.json --type day_care --count 0 --out ${EO})
error_test(site_type_typo 2 "--type: \"daycare\" is not a facility type (did you mean \"day_care\"?)" site ${INPUTS_FIX}/hand/project.json --type daycare --count 1 --out ${EO})
# A required layer of which every record is rejected stops the run (exit 3), naming the
# commonest reason with an example, and for metres read as lon/lat the "crs" to set
error_test(all_rejected_metres 3 "facilities_metres.geojson: every record of the facilities layer was rejected (6 of 6): F1 and 5 more: coordinates out of range for longitude/latitude (x 270150, y 2770150)" validate ${E}/facilities_metres.json)
error_test(all_rejected_metres_crs 3 "numbers like these are metres: set \"crs\" on the layer to the projected CRS the data were drawn in (e.g. EPSG:4543" validate ${E}/facilities_metres.json)
error_test(all_rejected_metres_zone 3 "(EPSG:4522, CGCS2000 / 3-degree Gauss-Kruger zone 34, which the eastings' first two digits name)" validate ${E}/facilities_metres_zone.json)
error_test(all_rejected_placed 3 "compounds_outside.geojson: every record of the compounds layer was rejected (4 of 4): K1 and 3 more: outside every unit" validate ${E}/compounds_outside.json)
# A multi-layer source without "layer", two layers of the role's geometry: exit 2 listing them
error_test(multilayer_no_layer 2 "multilayer.gpkg holds 3 layers (districts (Polygon), compounds (Polygon), facilities (Point)) and which one to read is not given" validate ${E}/multilayer.json)
error_test(multilayer_set_layer 2 "set \"layer\" in /layers/compounds to its name" validate ${E}/multilayer.json)
