#!/usr/bin/env bash
# The second command of the README (and what CI runs): installs what is missing,
# builds, and runs the whole test suite with CTest — normally, then under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)")
# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan).
if [ "${LIFECIRCLE_SKIP_SANITIZE:-0}" != 1 ]; then
  scripts/test-sanitize.sh
fi
