#!/usr/bin/env bash
# Installs the Debian 12 packages lifecircle needs to build, test and render its
# deliverables — only those that are missing. Safe to run again.
set -euo pipefail
need=(build-essential cmake ninja-build pkg-config python3
      libgdal-dev libgeos-dev libproj-dev libboost-dev nlohmann-json3-dev doctest-dev libcli11-dev libpolyclipping-dev
      gdal-bin
      clang-14 libclang-rt-14-dev)  # the sanitizer pass and the libFuzzer targets (test-sanitize.sh)
need+=(libjemalloc-dev)  # faster malloc for GEOS-heavy runs (CMakeLists.txt)
if [ "${LIFECIRCLE_FULL_DEPS:-1}" = 1 ]; then
  # for the end-to-end checks of the QGIS project and the HTML report; qgis brings
  # qgis_process (the plugin's headless checks), xvfb the screenshots of docs/ (xvfb-run)
  need+=(python3-qgis qgis-providers qgis fonts-noto-cjk chromium xvfb)
fi
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
