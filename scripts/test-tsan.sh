#!/usr/bin/env bash
# Builds ./build-tsan with clang 14 and ThreadSanitizer (-DLIFECIRCLE_TSAN=ON) and runs
# the whole test suite there: lifecircle runs its stages and batch scenarios on threads,
# and any data race it reports fails the test that triggered it (halt_on_error).
# GDAL, GEOS and PROJ are not instrumented: races inside them are not seen, and
# scripts/tsan.supp holds the (explained) suppressions for reports rooted there.
# Extra arguments go to ctest (e.g. -R batch).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${LIFECIRCLE_TSAN_DIR:-build-tsan}
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
cxx=$(command -v "${LIFECIRCLE_TSAN_CXX:-clang++-14}" || true)
if [ -z "$cxx" ]; then
  echo "test-tsan: clang++-14 not found: run scripts/install-deps.sh (clang-14, libclang-rt-14-dev)" >&2
  exit 1
fi
if [ ! -f "$B/CMakeCache.txt" ]; then
  CC=${cxx/clang++/clang} CXX=$cxx cmake -S . -B "$B" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DLIFECIRCLE_TSAN=ON >/dev/null
fi
cmake --build "$B" -j "$(nproc)"
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp}
cd "$B"
# The fuzz corpus replays run single-threaded code already covered under ASan: skipped here.
ctest --output-on-failure -j "$(nproc)" -LE fuzz "$@"
