#!/usr/bin/env bash
# Benchmark (not a test): generates the `city` and `metro` synthetic cities and times
# lifecircle on them, stage by stage, with peak memory.
#   scripts/bench.sh [radius|network|all]     (default: all; each mode includes a 50-scenario batch
#                                              with full outputs and a 500-scenario comparison sweep)
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
  for mode in radius network; do
    sed -e "s#\"path\": \"#\"path\": \"$GEN/$scale/#" -e "s#\"mode\": \"radius\"#\"mode\": \"$mode\"#" \
      data/demo/project.json > "$GEN/$scale/project-$mode.json"
  done
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
    'BEGIN { printf "batch of 50 add/remove scenarios (metro, %s): %.2f s, peak %d MiB = %.2f x one full run (target <= %d x): %s\n", m, b, kb/1024, b/r, g, (b/r <= g ? "met" : "MISSED") }'
}

make_sweep() {  # mode: 500 scenarios as a planner sweeps them: candidate sites, closures, speeds, rule years
  python3 - "$GEN/metro" "$1" <<'PY'
import json, random, sys
d, mode = sys.argv[1:]
rng = random.Random(500)
fac = json.load(open(f"{d}/facilities.geojson"))["features"]
comm = json.load(open(f"{d}/communities.geojson"))["features"]
ids = sorted(f["properties"]["设施编号"] for f in fac)
sc = []
for k in range(500):
    kind = rng.random()
    if kind < 0.6:
        ring = rng.choice(comm)["geometry"]["coordinates"][0][:-1]
        lon = sum(p[0] for p in ring) / len(ring); lat = sum(p[1] for p in ring) / len(ring)
        t = rng.choice(["社区日间照料中心", "老年幸福食堂"])
        feat = {"type": "Feature", "properties": {"设施编号": f"S{k:03d}", "设施名称": "候选", "设施类型": t, "建筑面积": 350},
                "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}}
        sc.append({"id": f"site-{k:03d}", "patch": {"add_facilities": {"type": "FeatureCollection", "features": [feat]}}})
    elif kind < 0.75:
        sc.append({"id": f"close-{k:03d}", "patch": {"remove_facilities": rng.sample(ids, rng.randint(1, 2))}})
    elif kind < 0.9:
        sc.append({"id": f"walk-{k:03d}", "patch": {"access": {"walk_kmh": round(rng.uniform(3.0, 5.0), 2)}}})
    else:
        sc.append({"id": f"since-{k:03d}", "patch": {"rules": [{"id": "new_compound_support", "since_year": rng.randint(2008, 2020)}]}})
json.dump({"base": f"project-{mode}.json", "scenarios": sc}, open(f"{d}/sweep-{mode}.json", "w"), ensure_ascii=False)
PY
}

run_sweep() {  # mode target: 500 scenarios, --outputs comparison
  local mode=$1 out="$GEN/out-sweep-$mode"
  make_sweep "$mode"
  /usr/bin/time -f "%e %M" -o "$GEN/time.txt" "$BIN" batch "$GEN/metro/sweep-$mode.json" --out "$out" --jobs "$(nproc)" --outputs comparison --quiet
  read -r wall kb < "$GEN/time.txt"
  awk -v b="$wall" -v r="$(cat "$GEN/wall-metro-$mode")" -v kb="$kb" -v g="$2" -v m="$mode" \
    'BEGIN { printf "sweep of 500 scenarios, --outputs comparison (metro, %s): %.2f s, peak %d MiB = %.2f x one full run (target <= %d x): %s\n", m, b, kb/1024, b/r, g, (b/r <= g ? "met" : "MISSED") }'
}

for mode in radius network; do
  [ "$modes" = all ] || [ "$modes" = "$mode" ] || [ "$modes" = "batch-$mode" ] || continue
  echo "== $mode mode"
  run city "$mode"
  run metro "$mode"
  ratio "$mode"
  target=3; [ "$mode" = network ] && target=6
  awk -v t="$(cat "$GEN/wall-metro-$mode")" -v g="$target" 'BEGIN { printf "metro %s: %.2f s against the %d s target: %s\n", "'"$mode"'", t, g, (t <= g ? "met" : "MISSED") }'
  factor=6; [ "$mode" = network ] && factor=8
  run_batch "$mode" "$factor"
  run_sweep "$mode" 10
done
