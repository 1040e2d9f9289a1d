#!/usr/bin/env bash
# Benchmark (not a test): generates the `city` and `metro` synthetic cities (seed 7) and
# times lifecircle on them and on metro tiled ten times (scripts/bench_scale.sh's data),
# stage by stage, with wall and CPU time (user + sys) and peak memory; then how the cost
# grows city -> metro -> 10x against the data, the ratio against a baseline binary run
# back to back on metro, a run with census tables and life-circle bands against the run
# without them (radius), a 50-scenario batch with full outputs and a 500-scenario
# --outputs comparison sweep.
#   scripts/bench.sh [radius|network|all] [--baseline BIN] [--repeat N] [--no-10x] [--no-batch]
# --repeat N: every single run is made N times and its median wall and CPU time (and the
# highest peak memory) are reported (the baseline's N runs, then the new build's N).
# --baseline (or LIFECIRCLE_BASELINE=BIN): the binary to compare with, e.g. a build of
# main from before a change. Figures vary with machine load: compare ratios within one
# run of this script, and CPU time rather than wall time on a busy machine. Every timed
# run starts after a `sync`: a batch writes gigabytes, and their flushing to disk would
# otherwise fall into whichever run comes next.
set -euo pipefail
cd "$(dirname "$0")/.."
modes=all baseline=${LIFECIRCLE_BASELINE:-} tenx=1 batch=1 repeat=1
while [ $# -gt 0 ]; do
  case $1 in
    radius|network|all|batch-radius|batch-network) modes=$1 ;;
    --baseline) baseline=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    --no-10x) tenx=0 ;;
    --no-batch) batch=0 ;;
    *) echo "usage: $0 [radius|network|all] [--baseline BIN] [--repeat N] [--no-10x] [--no-batch]" >&2; exit 2 ;;
  esac
  shift
done
LIFECIRCLE_TARGET=lifecircle scripts/build.sh >/dev/null
BIN=$PWD/build/lifecircle
GEN=${LIFECIRCLE_BENCH_DIR:-/tmp/lifecircle-bench}
mkdir -p "$GEN"
for scale in city metro; do
  if [ ! -f "$GEN/$scale/compounds.geojson" ]; then
    python3 ../shared/datagen/make_city.py "$GEN/$scale" --scale "$scale" --seed 7 --fields zh >/dev/null
  fi
  [ -f "$GEN/$scale/census_communities.csv" ] || python3 scripts/make_census.py "$GEN/$scale" >/dev/null
  for mode in radius network; do
    # the timed runs: no census table, no life-circle bands
    python3 scripts/bench_project.py "$GEN/$scale" "$mode" --no-bands > "$GEN/$scale/project-$mode.json"
    # what a baseline binary from before census tables and bands reads
    python3 scripts/bench_project.py "$GEN/$scale" "$mode" --legacy > "$GEN/$scale/project-$mode-legacy.json"
  done
  # the same with census tables (join, roll-up, compound estimates) and bands
  python3 scripts/bench_project.py "$GEN/$scale" radius --census > "$GEN/$scale/project-census.json"
done
scales="city metro"
if [ "$tenx" = 1 ]; then
  LIFECIRCLE_BENCH_DIR=$GEN scripts/bench_scale.sh --scale 10 --prepare-only
  scales="city metro metro10"
fi

run() {  # label binary scale mode [project suffix] [repetitions]: prints two lines, leaves $GEN/res-LABEL-SCALE-MODE.json
  local label=$1 bin=$2 scale=$3 mode=$4 out="$GEN/out-$1-$3-$4" reps=${6:-1} i
  for ((i = 1; i <= reps; i++)); do
    sync  # the previous run's files are flushed now, not during this run's timing
    /usr/bin/time -f "%e %U %S %M" -o "$GEN/time-$i.txt" "$bin" run "$GEN/$scale/project-$mode${5:-}.json" --out "$out" --quiet
  done
  python3 - "$out/summary.json" "$GEN" "$reps" "$label" "$scale" "$mode" "$GEN/res-$label-$scale-$mode.json" <<'PY'
import json, statistics, sys
sfile, g, reps, label, scale, mode, res = sys.argv[1:]
s = json.load(open(sfile))
rows = [open(f"{g}/time-{i}.txt").read().split() for i in range(1, int(reps) + 1)]
wall = statistics.median(float(r[0]) for r in rows)
cpu = statistics.median(float(r[1]) + float(r[2]) for r in rows)
kb = max(int(r[3]) for r in rows)
stages = "  ".join(f"{k} {v:.2f}" for k, v in s["seconds"].items() if k != "total")
n = s["inputs"]["compounds"]["used"] + s["inputs"]["facilities"]["used"]
extra = ""
if "network" in s:
    extra = f", graph {s['network']['nodes']} nodes {s['network']['edges']} edges"
of = f" (median of {reps})" if int(reps) > 1 else ""
print(f"{label:8s} {scale:7s} {mode:7s} wall {wall:6.2f} s  cpu {cpu:6.2f} s{of}  peak {kb / 1024:5.0f} MiB  "
      f"({s['inputs']['compounds']['used']} compounds, {s['inputs']['facilities']['used']} facilities{extra})")
print(f"{'':8s} stages (s, last run): {stages}")
json.dump({"wall": wall, "cpu": cpu, "n": n, "kb": kb}, open(res, "w"))
PY
}

growth() {  # mode
  python3 - "$GEN" "$1" $scales <<'PY'
import json, math, sys
g, mode, *scales = sys.argv[1:]
r = {s: json.load(open(f"{g}/res-new-{s}-{mode}.json")) for s in scales}
base = r[scales[0]]
parts = []
for s in scales[1:]:
    x = r[s]
    nl = x["n"] * math.log(x["n"]) / (base["n"] * math.log(base["n"]))
    parts.append(f"{s}: cpu x{x['cpu'] / base['cpu']:.1f}, wall x{x['wall'] / base['wall']:.1f}, "
                 f"data x{x['n'] / base['n']:.1f} (n log n x{nl:.1f})")
print(f"{mode} cost growth from {scales[0]}: " + "; ".join(parts))
PY
}

against_baseline() {  # mode: new and baseline back to back on metro, on the project both read
  run base "$baseline" metro "$1" -legacy "$repeat"
  run newl "$BIN" metro "$1" -legacy "$repeat"
  python3 - "$GEN" "$1" <<'PY'
import json, sys
g, mode = sys.argv[1:]
n = json.load(open(f"{g}/res-newl-metro-{mode}.json"))
b = json.load(open(f"{g}/res-base-metro-{mode}.json"))
print(f"metro {mode} against the baseline: wall {n['wall']:.2f} / {b['wall']:.2f} s = {n['wall'] / b['wall']:.2f}, "
      f"cpu {n['cpu']:.2f} / {b['cpu']:.2f} s = {n['cpu'] / b['cpu']:.2f}, peak {n['kb'] / 1024:.0f} / {b['kb'] / 1024:.0f} MiB")
PY
  # the same polygons: every facility's service area and every unit's uncovered part
  # within 0.1% in area of the baseline's, and valid (issue 16)
  if /usr/bin/python3 -c "import osgeo" 2>/dev/null; then
    if /usr/bin/python3 scripts/compare_polygons.py "$GEN/out-base-metro-$1" "$GEN/out-newl-metro-$1" --rel 0.001 \
         > "$GEN/compare-$1.txt" 2>&1; then
      echo "metro $1 polygons against the baseline: every area within 0.1%, all valid"
      grep "features compared" "$GEN/compare-$1.txt" | sed 's/^/  /'
    else
      echo "metro $1 polygons against the baseline: DIFFER, see $GEN/compare-$1.txt"; tail -5 "$GEN/compare-$1.txt"
    fi
  else
    echo "metro $1 polygons: not compared (python3-gdal missing)"
  fi
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

time_batch() {  # mode factor label file out [batch options...]: one timed batch against one full run
  local mode=$1 goal=$2 label=$3 file=$4 out=$5
  shift 5
  # The full run it is compared with is timed just before (median of 3): this machine's
  # speed drifts over minutes, and a run timed at the start of the script is no yardstick.
  run one "$BIN" metro "$mode" "" 3 > /dev/null
  sync
  /usr/bin/time -f "%e %M" -o "$GEN/time.txt" "$BIN" batch "$GEN/metro/$file" --out "$out" --jobs "$(nproc)" "$@" --quiet
  read -r wall kb < "$GEN/time.txt"
  python3 - "$wall" "$kb" "$GEN/res-one-metro-$mode.json" "$mode" "$goal" "$label" <<'PY'
import json, sys
wall, kb, res, mode, goal, label = sys.argv[1:]
one = json.load(open(res))["wall"]
r = float(wall) / one
print(f"{label} (metro, {mode}): {float(wall):.2f} s, peak {int(kb) / 1024:.0f} MiB = "
      f"{r:.2f} x one full run ({one:.2f} s, just before) (target <= {goal} x): {'met' if r <= float(goal) else 'MISSED'}")
PY
}

run_batch() {  # mode factor
  make_batch "$1"
  local out="$GEN/out-batch-$1" fresh="$GEN/out-batch-$1-new"
  # Run again into its previous output, as a planner re-runs a batch: the program replaces
  # it and removes the old one (50 scenario folders, 2.3 GB on metro) before it returns.
  [ -d "$out" ] || "$BIN" batch "$GEN/metro/batch-$1.json" --out "$out" --jobs "$(nproc)" --quiet 2>/dev/null
  # What deleting that much costs the file system by itself: `rm -rf` of a copy. Mounted
  # with `discard` (findmnt), ext4 trims every freed block synchronously: on this kind of
  # VM most of the deletion's time, and no program can delete faster than rm.
  cp -r "$out" "$out.copy"
  sync
  /usr/bin/time -f "%e" -o "$GEN/time-rm.txt" rm -rf "$out.copy"
  echo "rm -rf of a copy of the previous batch output ($(du -sh "$out" | cut -f1)): $(cat "$GEN/time-rm.txt") s" \
       "(file system mount options: $(findmnt -no OPTIONS -T "$GEN" 2>/dev/null || echo unknown))"
  time_batch "$1" "$2" "batch of 50 add/remove scenarios, replacing its previous output" "batch-$1.json" "$out"
  python3 - "$GEN/time.txt" "$GEN/time-rm.txt" "$GEN/res-one-metro-$1.json" "$2" <<'PY'
import json, sys
batch = float(open(sys.argv[1]).read().split()[0]); rm = float(open(sys.argv[2]).read().split()[0])
one = json.load(open(sys.argv[3]))["wall"]
r = (batch - rm) / one
print(f"  the same less what rm -rf of the old output took: {batch - rm:.2f} s = {r:.2f} x one full run "
      f"(target <= {sys.argv[4]} x): {'met' if r <= float(sys.argv[4]) else 'MISSED'}")
PY
  # Into a folder that does not exist yet: the batch's own work alone.
  rm -rf "$fresh"
  time_batch "$1" "$2" "batch of 50 add/remove scenarios, into a new folder" "batch-$1.json" "$fresh"
  rm -rf "$fresh"
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

run_sweep() {  # mode factor: 500 scenarios, comparison tables only
  make_sweep "$1"
  time_batch "$1" "$2" "sweep of 500 scenarios, --outputs comparison" "sweep-$1.json" "$GEN/out-sweep-$1" --outputs comparison
}

census_ratio() {  # metro radius with census tables and bands against the run without them, both timed now
  run one "$BIN" metro radius "" 3 > /dev/null
  run census "$BIN" metro census "" 3 > /dev/null  # project-census.json
  python3 - "$GEN/res-census-metro-census.json" "$GEN/res-one-metro-radius.json" <<'PY'
import json, sys
c, one = (json.load(open(f)) for f in sys.argv[1:])
r = c["wall"] / one["wall"]
print(f"metro radius with census tables and bands: {c['wall']:.2f} s, peak {c['kb'] / 1024:.0f} MiB = {r:.2f} x the run "
      f"without them ({one['wall']:.2f} s; medians of 3, timed one after the other) (target <= 1.10): {'met' if r <= 1.10 else 'MISSED'}")
PY
}

for mode in radius network; do
  [ "$modes" = all ] || [ "$modes" = "$mode" ] || [ "$modes" = "batch-$mode" ] || continue
  echo "== $mode mode"
  if [ "$modes" != "batch-$mode" ]; then
    for scale in $scales; do run new "$BIN" "$scale" "$mode" "" "$repeat"; done
    growth "$mode"
    [ -z "$baseline" ] || against_baseline "$mode"
    [ "$mode" = radius ] && census_ratio
  else
    run new "$BIN" metro "$mode"
  fi
  factor=6; [ "$mode" = network ] && factor=8
  [ "$batch" = 0 ] || run_batch "$mode" "$factor"
  [ "$batch" = 0 ] || run_sweep "$mode" 10
done
