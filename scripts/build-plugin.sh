#!/usr/bin/env bash
# Builds the QGIS plugin zip: OUT_DIR/lifecircle-qgis-plugin-VERSION.zip (default OUT_DIR:
# build/), with the folder lifecircle/ at its root as QGIS's "Install from ZIP" expects,
# its metadata.txt version stamped with the project's. Prints the zip's path.
#   scripts/build-plugin.sh [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-$root/build}" && cd "${1:-$root/build}" && pwd)"
version="$(sed -n 's/^project(lifecircle VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")"
[ -n "$version" ] || { echo "build-plugin: no version in CMakeLists.txt" >&2; exit 1; }
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/lifecircle"
# The plugin's own files only: no caches, no editor leftovers.
(cd "$root/qgis_plugin/lifecircle" && find . -type f \( -name '*.py' -o -name '*.txt' -o -name '*.svg' -o -name '*.md' \) \
   -not -path '*/__pycache__/*' -print0 | xargs -0 -I{} cp --parents {} "$stage/lifecircle/")
sed -i "s/^version=.*/version=$version/" "$stage/lifecircle/metadata.txt"
zip="$out/lifecircle-qgis-plugin-$version.zip"
rm -f "$zip"
python3 - "$stage" "$zip" <<'PY'
import os, sys, zipfile
stage, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
    for dirpath, dirs, files in os.walk(os.path.join(stage, "lifecircle")):
        dirs.sort()
        for f in sorted(files):
            path = os.path.join(dirpath, f)
            info = zipfile.ZipInfo(os.path.relpath(path, stage), date_time=(2000, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as fh:
                z.writestr(info, fh.read())
PY
echo "$zip"
