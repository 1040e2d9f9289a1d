#!/usr/bin/env bash
# The second command of the README (and what CI runs): installs what is missing,
# builds, and runs the whole test suite with CTest — normally (GCC, ./build), then under
# ASan+UBSan built with clang 14 (./build-asan), where the libFuzzer targets are also
# built and each is run briefly as a smoke test, then under ThreadSanitizer (clang 14,
# ./build-tsan): lifecircle runs stages and batch scenarios on threads.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)")
# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer, and the fuzz
# smoke runs (scripts/test-sanitize.sh; build-asan).
if [ "${LIFECIRCLE_SKIP_SANITIZE:-0}" != 1 ]; then
  scripts/test-sanitize.sh
fi
if [ "${LIFECIRCLE_SKIP_TSAN:-0}" != 1 ]; then
  scripts/test-tsan.sh
fi
