#!/usr/bin/env bash
# Makes docs/qgis-layout.png (an exported A3 print layout of the demo) and
# docs/qgis-plugin-dialog.png and -end.png (the plugin's dialog beside the Processing
# toolbox, at the top of its parameters and scrolled to their end) with the
# QGIS desktop under Xvfb (Debian's qgis and xvfb, scripts/install-deps.sh). Needs a build
# (scripts/build.sh). The user's own QGIS profile is not touched: a private one is used.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
zip="$("$root/scripts/build-plugin.sh" "$work")"
mkdir -p "$work/plugins" "$work/profile/profiles/default/QGIS"
python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" "$zip" "$work/plugins"
printf '[PythonPlugins]\nlifecircle=true\nprocessing=true\n' > "$work/profile/profiles/default/QGIS/QGIS3.ini"
"$root/build/lifecircle" run "$root/data/demo/project.json" --out "$work/out" --quiet
mkdir -p -m 700 "$work/runtime"
LC_DEMO="$root/data/demo" LC_OUT="$work/out" LC_DOCS="$root/docs" \
QGIS_CUSTOM_CONFIG_PATH="$work/profile" QGIS_PLUGINPATH="$work/plugins" XDG_RUNTIME_DIR="$work/runtime" \
PATH="$root/build:$PATH" \
  timeout 300 xvfb-run -a -s "-screen 0 1600x1000x24" qgis --nologo --noversioncheck --code "$root/scripts/make_qgis_figures.py" \
  >"$work/qgis.log" 2>&1 || { rc=$?; cat "$work/qgis.log" >&2; echo "make_qgis_figures: QGIS exited with status $rc" >&2; exit 1; }
ls -l "$root/docs/qgis-layout.png" "$root/docs/qgis-plugin-dialog.png" "$root/docs/qgis-plugin-dialog-end.png"
