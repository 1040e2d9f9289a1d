#!/usr/bin/env bash
# Benchmark (not a test): generates the `city` and `metro` synthetic cities and times
# lifecircle on them, stage by stage, with peak memory.
#   scripts/bench.sh [radius|network|all]     (default: all; each mode includes a 50-scenario batch,
#                                              radius also a run with census tables and bands)
# Figures vary with machine load: compare ratios within one run of this script.
set -euo pipefail
cd "$(dirname "$0")/.."
modes=${1:-all}
LIFECIRCLE_TARGET=lifecircle scripts/build.sh >/dev/null
BIN=$PWD/build/lifecircle
GEN=${LIFECIRCLE_BENCH_DIR:-/tmp/lifecircle-bench}
mkdir -p "$GEN"
for scale in city metro; do
  if [ ! -f "$GEN/$scale/compounds.geojson" ]; then
    python3 ../shared/datagen/make_city.py "$GEN/$scale" --scale "$scale" --fields zh >/dev/null
  fi
  [ -f "$GEN/$scale/census_communities.csv" ] || python3 scripts/make_census.py "$GEN/$scale" >/dev/null
  for mode in radius network; do
    # the timed runs: no census table, no life-circle bands
    python3 scripts/bench_project.py "$GEN/$scale" "$mode" --no-bands > "$GEN/$scale/project-$mode.json"
  done
  # the same with census tables (join, roll-up, compound estimates) and bands
  python3 scripts/bench_project.py "$GEN/$scale" radius --census > "$GEN/$scale/project-census.json"
done

run() {  # scale mode -> prints a line and leaves summary in $GEN/out-$scale-$mode
  local scale=$1 mode=$2 out="$GEN/out-$1-$2"
  /usr/bin/time -f "%e %M" -o "$GEN/time.txt" "$BIN" run "$GEN/$scale/project-$mode.json" --out "$out" --quiet
  read -r wall kb < "$GEN/time.txt"
  python3 - "$out/summary.json" "$scale" "$mode" "$wall" "$kb" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); scale, mode, wall, kb = sys.argv[2:]
sec = s["seconds"]
stages = "  ".join(f"{k} {v:.2f}" for k, v in sec.items() if k != "total")
n = s["inputs"]["compounds"]["used"]; f = s["inputs"]["facilities"]["used"]
extra = ""
if "network" in s:
    g = s["network"]; extra = f"  graph {g['nodes']} nodes {g['edges']} edges"
print(f"{scale:6s} {mode:8s} compounds {n:6d} facilities {f:5d}{extra}")
print(f"       wall {float(wall):.2f} s  peak {int(kb)/1024:.0f} MiB  stages: {stages}")
PY
  echo "$wall" > "$GEN/wall-$scale-$mode"
}

ratio() {  # mode: metro/city time ratio against n log n
  python3 - "$GEN" "$1" <<'PY'
import json, math, sys
g, mode = sys.argv[1:]
def n(scale):
    s = json.load(open(f"{g}/out-{scale}-{mode}/summary.json"))
    return s["inputs"]["compounds"]["used"] + s["inputs"]["facilities"]["used"]
tc, tm = (float(open(f"{g}/wall-{s}-{mode}").read()) for s in ("city", "metro"))
nc, nm = n("city"), n("metro")
print(f"{mode}: metro/city time ratio {tm/tc:.2f}; n ratio {nm/nc:.2f}; n log n ratio {nm*math.log(nm)/(nc*math.log(nc)):.2f}")
PY
}

make_batch() {  # mode: 50 add/remove-facility scenarios on metro
  python3 - "$GEN/metro" "$1" <<'PY'
import json, random, sys
d, mode = sys.argv[1:]
rng = random.Random(50)
fac = json.load(open(f"{d}/facilities.geojson"))["features"]
comm = json.load(open(f"{d}/communities.geojson"))["features"]
ids = sorted(f["properties"]["设施编号"] for f in fac)
sc = []
for k in range(50):
    if k % 2 == 0:
        feats = []
        for j in range(rng.randint(1, 12)):
            ring = rng.choice(comm)["geometry"]["coordinates"][0][:-1]
            lon = sum(p[0] for p in ring) / len(ring); lat = sum(p[1] for p in ring) / len(ring)
            feats.append({"type": "Feature", "properties": {"设施编号": f"B{k:02d}-{j:02d}", "设施名称": "新增", "设施类型": "社区日间照料中心", "建筑面积": 300},
                          "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}})
        sc.append({"id": f"add-{k:02d}", "patch": {"add_facilities": {"type": "FeatureCollection", "features": feats}}})
    else:
        sc.append({"id": f"remove-{k:02d}", "patch": {"remove_facilities": rng.sample(ids, rng.randint(1, 3))}})
json.dump({"base": f"project-{mode}.json", "scenarios": sc}, open(f"{d}/batch-{mode}.json", "w"), ensure_ascii=False)
PY
}

run_batch() {  # mode
  local mode=$1 out="$GEN/out-batch-$mode"
  make_batch "$mode"
  /usr/bin/time -f "%e %M" -o "$GEN/time.txt" "$BIN" batch "$GEN/metro/batch-$mode.json" --out "$out" --jobs "$(nproc)" --quiet
  read -r wall kb < "$GEN/time.txt"
  awk -v b="$wall" -v r="$(cat "$GEN/wall-metro-$mode")" -v kb="$kb" -v g="$2" -v m="$mode" \
    'BEGIN { printf "batch of 50 add/remove scenarios (metro, %s): %.2f s, peak %d MiB = %.2f x one full run (target < %d x): %s\n", m, b, kb/1024, b/r, g, (b/r < g ? "met" : "MISSED") }'
}

census_ratio() {  # metro radius with census tables and bands against the run without them
  local out="$GEN/out-metro-census"
  /usr/bin/time -f "%e %M" -o "$GEN/time.txt" "$BIN" run "$GEN/metro/project-census.json" --out "$out" --quiet
  read -r wall kb < "$GEN/time.txt"
  awk -v c="$wall" -v r="$(cat "$GEN/wall-metro-radius")" -v kb="$kb" \
    'BEGIN { printf "metro radius with census tables and bands: %.2f s, peak %d MiB = %.2f x the run without them (target <= 1.10): %s\n", c, kb/1024, c/r, (c/r <= 1.10 ? "met" : "MISSED") }'
}

for mode in radius network; do
  [ "$modes" = all ] || [ "$modes" = "$mode" ] || [ "$modes" = "batch-$mode" ] || continue
  echo "== $mode mode"
  run city "$mode"
  run metro "$mode"
  ratio "$mode"
  target=3; [ "$mode" = network ] && target=6
  awk -v t="$(cat "$GEN/wall-metro-$mode")" -v g="$target" 'BEGIN { printf "metro %s: %.2f s against the %d s target: %s\n", "'"$mode"'", t, g, (t <= g ? "met" : "MISSED") }'
  [ "$mode" = radius ] && census_ratio
  factor=4; [ "$mode" = network ] && factor=8
  run_batch "$mode" "$factor"
done
