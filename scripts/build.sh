#!/usr/bin/env bash
# Configures and builds lifecircle in ./build (Release). Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build "${gen[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
fi
# LIFECIRCLE_TARGET=lifecircle builds only the program (benchmarks)
cmake --build build -j "$(nproc)" ${LIFECIRCLE_TARGET:+--target "$LIFECIRCLE_TARGET"}
