# The output folder's life cycle (docs/outputs.md): no user file lost, no process left,
# one CTest entry per case of check_output_folder.py, and one broken fixture per refusal.
# Included from tests/CMakeLists.txt (uses E2E, FIX, ERR, error_test and Python3 from there).
set(OUTDIR_WORK ${CMAKE_CURRENT_BINARY_DIR}/outdir)
foreach(case user_files defaults inputs links preflight concurrent waiting no_orphans exchange stale)
  add_test(NAME outdir_${case}
           COMMAND ${Python3_EXECUTABLE} ${E2E}/check_output_folder.py $<TARGET_FILE:lifecircle> ${FIX} ${OUTDIR_WORK} ${case})
  set_tests_properties(outdir_${case} PROPERTIES LABELS robustness TIMEOUT 600)
endforeach()

# Each refusal, its fixture and its message. The compounds of garbage_input.json cannot be
# read: these fail on --out before any input is read.
error_test(out_user_file 3 "1 item(s) lifecircle did not write there: notes.txt"
           run ${FIX}/hand/project.json --out ${ERR}/out_user_file)
error_test(out_changed 3 "coverage.csv (changed since lifecircle wrote it)" run ${FIX}/hand/project.json --out ${ERR}/out_changed)
error_test(out_legacy 3 "does not list the files lifecircle wrote" run ${FIX}/hand/project.json --out ${ERR}/out_legacy)
error_test(out_other_command 3 "holds the output of `lifecircle site`" run ${FIX}/hand/project.json --out ${ERR}/out_site_output)
error_test(out_nested 3 "site/ (another lifecircle output)" run ${FIX}/hand/project.json --out ${ERR}/out_nested)
error_test(out_inside_output 3 "is inside" run ${ERR}/garbage_input.json --out ${ERR}/out_site_output/inner)
error_test(out_holds_input 3 "an input of this run" run ${ERR}/out_holds_input/project.json --out ${ERR}/out_holds_input)
error_test(batch_out_holds_input 3 "an input of this batch"
           batch ${ERR}/batch_holds_input/batch.json --out ${ERR}/batch_holds_input)
error_test(out_broken_link 3 "is a symbolic link to no_such_folder" run ${ERR}/garbage_input.json --out ${ERR}/out_broken_link)
error_test(out_missing_before_dotdot 3 "does not exist, so \"..\" after it leads nowhere"
           run ${ERR}/garbage_input.json --out ${ERR}/no_such_folder/../out)
error_test(out_is_file 3 "is a file, not a folder" run ${ERR}/garbage_input.json --out ${ERR}/bad.json)
error_test(out_lock_in_the_way 3 "is in the way of the lock file" run ${ERR}/garbage_input.json --out ${ERR}/out_lock_taken)
