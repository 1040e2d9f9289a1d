#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds, and runs the
# demo study area (data/demo) into ./out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
LIFECIRCLE_FULL_DEPS=${LIFECIRCLE_FULL_DEPS:-0} scripts/install-deps.sh
scripts/build.sh
./build/lifecircle run data/demo/project.json --out out/demo
echo
echo "Open out/demo/lifecircle.qgs in QGIS, or out/demo/report.html in a browser."
