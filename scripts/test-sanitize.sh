#!/usr/bin/env bash
# Builds ./build-asan with clang 14, AddressSanitizer + UndefinedBehaviorSanitizer
# (-DLIFECIRCLE_SANITIZE=ON) and the libFuzzer targets (-DLIFECIRCLE_FUZZ=ON), and runs
# the whole test suite there: every test under ASan+UBSan, plus a smoke run of each fuzz
# target (2000 inputs from its seed corpus, at most 60 s) and a replay of its regression
# inputs. Any sanitizer report fails the test that triggered it: UBSan does not recover,
# ASan checks leaks at exit. Extra arguments go to ctest (e.g. -R nasty_, -L fuzz).
# LIFECIRCLE_SANITIZE_CXX chooses another compiler: with GCC (=c++) the same suite runs
# under GCC's sanitizers and the fuzz targets only replay their corpora.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${LIFECIRCLE_ASAN_DIR:-build-asan}
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)

cxx=${LIFECIRCLE_SANITIZE_CXX:-clang++-14}
if ! command -v "$cxx" >/dev/null; then
  echo "test-sanitize: $cxx not found: run scripts/install-deps.sh (clang-14, libclang-rt-14-dev)," \
       "or set LIFECIRCLE_SANITIZE_CXX=c++ for GCC's sanitizers without libFuzzer" >&2
  exit 1
fi
cxx=$(command -v "$cxx")
if [[ "$("$cxx" --version)" == *clang* ]]; then
  export CC=${cxx/clang++/clang}
  # clang's -fsanitize=undefined includes float-cast-overflow; LIFECIRCLE_FUZZ adds
  # -fsanitize=fuzzer-no-link (coverage for libFuzzer) to the whole build.
  opts=(-DLIFECIRCLE_FUZZ=ON -DCMAKE_CXX_FLAGS="-fno-sanitize-recover=all")
else
  # GCC leaves float-to-int overflow out of -fsanitize=undefined.
  opts=(-DLIFECIRCLE_FUZZ=OFF
        -DCMAKE_CXX_FLAGS="-fsanitize=float-cast-overflow -fno-sanitize-recover=undefined,float-cast-overflow")
fi
# A build folder configured with another compiler (e.g. GCC, before CI used clang) is
# started afresh: CMake cannot switch compilers in place.
if [ -f "$B/CMakeCache.txt" ] && ! grep -qx "CMAKE_CXX_COMPILER:FILEPATH=$cxx" "$B/CMakeCache.txt"; then
  echo "test-sanitize: $B was configured with another compiler; configuring it afresh for $cxx"
  rm -rf "$B"
fi
if [ ! -f "$B/CMakeCache.txt" ]; then
  CXX=$cxx cmake -S . -B "$B" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIFECIRCLE_SANITIZE=ON \
        "${opts[@]}" >/dev/null
fi
cmake --build "$B" -j "$(nproc)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$B"
ctest --output-on-failure -j "$(nproc)" "$@"
