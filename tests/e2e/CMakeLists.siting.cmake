# Issue 7: `lifecircle site`, compound gates. Included from tests/CMakeLists.txt
# (uses E2E, FIX and Python3 from there).
set(SITE_FIX ${FIX}/siting)
set(SITE_WORK ${CMAKE_CURRENT_BINARY_DIR}/site)
set(CHECK_SITE ${Python3_EXECUTABLE} ${E2E}/check_site.py $<TARGET_FILE:lifecircle>)

# Hand fixture: only K4 is out of day-care reach; C21's point (first of two equal
# candidates) closes the gap; asking for 3 sites yields 1.
add_test(NAME site_hand_radius
         COMMAND ${CHECK_SITE} ${FIX}/hand/project.json ${SITE_WORK}/hand --expect-sites 1 --expect-first community:C21
                 -- --type day_care --count 3)
# A user candidate layer (a point, a polygon parcel, a null geometry) and a target.
add_test(NAME site_hand_candidates_target
         COMMAND ${CHECK_SITE} ${FIX}/hand/project.json ${SITE_WORK}/hand_cand --expect-sites 1 --expect-first P1 --expect-target-met yes
                 -- --type day_care --target-share 1 --candidates ${SITE_FIX}/candidates.geojson)
# A reach_share rule over day_care + canteen, counted in compounds.
add_test(NAME site_hand_rule
         COMMAND ${CHECK_SITE} ${FIX}/hand/project.json ${SITE_WORK}/hand_rule --expect-sites 1 --expect-target-met yes
                 -- --type day_care --rule r_reach --weight compounds)
# Demo city: 5 sites in radius mode, and the fewest sites for 85% in network mode;
# each proposal re-checked by `run --scenario`.
add_test(NAME site_demo_radius
         COMMAND ${CHECK_SITE} ${CMAKE_SOURCE_DIR}/data/demo/project.json ${SITE_WORK}/demo_radius --expect-sites 5
                 -- --type day_care --count 5)
add_test(NAME site_demo_network_target
         COMMAND ${CHECK_SITE} ${SITE_FIX}/demo_network.json ${SITE_WORK}/demo_network --expect-target-met yes
                 -- --type day_care --target-share 0.85 --weight elderly)
# Gates: the walled compound K is entered only at its gate on the far side, so no
# candidate reaches it: the target of 100% cannot be met, and OPEN is the one site.
add_test(NAME site_gates_network
         COMMAND ${CHECK_SITE} ${SITE_FIX}/gates/project.json ${SITE_WORK}/gates --expect-sites 1 --expect-first compound:OPEN
                 --expect-target-met no -- --type day_care --target-share 1)
# Gates through the whole run: K at 3560 m through its gate (160 m without gates).
add_test(NAME gates_run_network
         COMMAND ${Python3_EXECUTABLE} -c
"import json,subprocess,sys
b,p,o=sys.argv[1:4]
subprocess.run([b,'run',p,'--out',o,'--quiet'],check=True)
d={f['properties']['compound_id']:f['properties'] for f in json.load(open(o+'/compounds.geojson'))['features']}
assert d['K']['dist_day_care_m']==3560.0 and d['K']['reached_day_care'] is False, d['K']
assert d['OPEN']['dist_day_care_m']==1160.0, d['OPEN']
subprocess.run([b,'run',p.replace('project.json','project_nogates.json'),'--out',o+'-nogates','--quiet'],check=True)
d={f['properties']['compound_id']:f['properties'] for f in json.load(open(o+'-nogates/compounds.geojson'))['features']}
assert d['K']['dist_day_care_m']==160.0 and d['K']['reached_day_care'] is True, d['K']
print('ok')"
                 $<TARGET_FILE:lifecircle> ${SITE_FIX}/gates/project.json ${SITE_WORK}/gates_run)

# Errors name what to do.
function(site_error name rc text)
  add_test(NAME site_error_${name} COMMAND ${E2E}/expect_error.sh ${rc} ${text} $<TARGET_FILE:lifecircle> site ${ARGN})
endfunction()
site_error(no_count 2 "give --count K, --target-share S, or --rule ID" ${FIX}/hand/project.json --type day_care --out ${SITE_WORK}/e)
site_error(unknown_type 2 "is not a facility type" ${FIX}/hand/project.json --type barber --count 2 --out ${SITE_WORK}/e)
site_error(unknown_rule 2 "no rule \"nope\"" ${FIX}/hand/project.json --type day_care --rule nope --out ${SITE_WORK}/e)
site_error(rule_not_reach 2 "siting lifts reach_share rules only" ${FIX}/hand/project.json --type day_care --rule r_count --out ${SITE_WORK}/e)
site_error(candidates_missing 3 "--candidates: file not found" ${FIX}/hand/project.json --type day_care --count 1
           --candidates ${SITE_FIX}/nope.geojson --out ${SITE_WORK}/e)
site_error(bad_target 2 "--target-share" ${FIX}/hand/project.json --type day_care --target-share 1.5 --out ${SITE_WORK}/e)
