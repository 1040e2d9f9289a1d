#!/usr/bin/env bash
# Builds ./build-asan with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DLIFECIRCLE_SANITIZE=ON) and runs the whole test suite there. Any sanitizer report
# fails the test that triggered it: UBSan does not recover, ASan checks leaks at exit.
# Extra arguments go to ctest (e.g. -R nasty_).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${LIFECIRCLE_ASAN_DIR:-build-asan}
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
if [ ! -f $B/CMakeCache.txt ]; then
  # GCC leaves float-to-int overflow out of -fsanitize=undefined; clang has it in already.
  cmake -S . -B "$B" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIFECIRCLE_SANITIZE=ON \
        -DCMAKE_CXX_FLAGS="-fsanitize=float-cast-overflow -fno-sanitize-recover=undefined,float-cast-overflow" >/dev/null
fi
cmake --build "$B" -j "$(nproc)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$B"
ctest --output-on-failure -j "$(nproc)" "$@"
