#!/usr/bin/env bash
# Benchmark (not a test) of `lifecircle site`: 20 day-care centres on the synthetic
# `metro` city among all default candidates (community points + compounds without a
# day-care centre), in radius and network mode. Targets: 10 s radius, 30 s network.
#   scripts/bench_site.sh [radius|network|all]     (default: all)
# BIN=path/to/lifecircle uses that binary instead of building ./build.
# Figures vary with machine load.
set -euo pipefail
cd "$(dirname "$0")/.."
modes=${1:-all}
if [ -z "${BIN:-}" ]; then
  scripts/build.sh >/dev/null
  BIN=$PWD/build/lifecircle
fi
GEN=${LIFECIRCLE_BENCH_DIR:-/tmp/lifecircle-bench}
mkdir -p "$GEN"
scale=metro
if [ ! -f "$GEN/$scale/compounds.geojson" ]; then
  python3 ../shared/datagen/make_city.py "$GEN/$scale" --scale "$scale" --fields zh >/dev/null
fi
for mode in radius network; do
  python3 scripts/bench_project.py "$GEN/$scale" "$mode" > "$GEN/$scale/project-$mode.json"
done

for mode in radius network; do
  [ "$modes" = all ] || [ "$modes" = "$mode" ] || continue
  out="$GEN/site-$scale-$mode"
  /usr/bin/time -f "%e %M" -o "$GEN/time-site.txt" \
    "$BIN" site "$GEN/$scale/project-$mode.json" --type day_care --count 20 --out "$out" --quiet > "$GEN/site-$mode.txt"
  read -r wall kb < "$GEN/time-site.txt"
  python3 - "$out/site_summary.json" "$mode" "$wall" "$kb" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); mode, wall, kb = sys.argv[2:]
c = s["candidates"]; sec = s["seconds"]
print(f"{mode:8s} candidates {c['count']} (useful {c['reaching_new_compounds']}, unsnapped {c['unsnapped']})  "
      f"sites {len(s['sites'])}  share {s['base_share']:.4f} -> {s['final_share']:.4f}  evaluations {s['gain_evaluations']}")
print(f"         wall {float(wall):.2f} s  peak {int(kb)/1024:.0f} MiB  catchments {sec['catchments']:.2f} s  greedy {sec['greedy']:.3f} s")
PY
  target=10; [ "$mode" = network ] && target=30
  awk -v t="$wall" -v g="$target" -v m="$mode" 'BEGIN { printf "metro site %s: %.2f s against the %d s target: %s\n", m, t, g, (t <= g ? "met" : "MISSED") }'
done
