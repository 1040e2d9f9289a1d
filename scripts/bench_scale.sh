#!/usr/bin/env bash
# Scale check (not a test): a city N times `metro` (metro tiled, ids suffixed per tile:
# 10 = 5 x 2 tiles, 50 = 10 x 5) through `run` in radius and network mode, with wall
# time, CPU time and peak memory (/usr/bin/time -v). Fails when a run fails or peaks
# above the budget.
#   scripts/bench_scale.sh [radius|network|all] [--scale 10|50] [--budget-mib N] [--prepare-only]
#   (default: all, scale 10, budget 1536 MiB at scale 10 and 8192 MiB at scale 50)
# Data is generated once into $LIFECIRCLE_BENCH_DIR (default /tmp/lifecircle-bench);
# LIFECIRCLE_BIN=path measures that binary instead of building ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
modes=all budget="" scale=10 prepare_only=0
while [ $# -gt 0 ]; do
  case $1 in
    radius|network|all) modes=$1 ;;
    --scale) scale=$2; shift ;;
    --budget-mib) budget=$2; shift ;;
    --prepare-only) prepare_only=1 ;;
    *) echo "usage: $0 [radius|network|all] [--scale 10|50] [--budget-mib N]" >&2; exit 2 ;;
  esac
  shift
done
case $scale in
  10) tiles="5 2" ;;
  50) tiles="10 5" ;;
  *) echo "--scale: 10 or 50" >&2; exit 2 ;;
esac
[ -n "$budget" ] || { [ "$scale" = 50 ] && budget=8192 || budget=1536; }
# LIFECIRCLE_BIN: measure that binary instead of building ./build
BIN=${LIFECIRCLE_BIN:-}
if [ -z "$BIN" ] && [ "$prepare_only" = 0 ]; then
  scripts/build.sh >/dev/null
  BIN=$PWD/build/lifecircle
fi
GEN=${LIFECIRCLE_BENCH_DIR:-/tmp/lifecircle-bench}
SRC=$GEN/metro DST=$GEN/metro$scale
mkdir -p "$GEN"
[ -f "$SRC/compounds.geojson" ] || python3 ../shared/datagen/make_city.py "$SRC" --scale metro --seed 7 --fields zh >/dev/null
if [ ! -f "$DST/manifest.json" ]; then
  python3 - "$SRC" "$DST" $tiles <<'PY'
import json, os, sys
src, dst, nx, ny = sys.argv[1:]
os.makedirs(dst, exist_ok=True)
NX, NY = int(nx), int(ny)
IDS = ("行政代码", "上级代码", "小区编号", "设施编号")

def coords_of(g, out):
    if g is None:
        return
    c = g["coordinates"]
    def walk(c):
        if isinstance(c[0], (int, float)):
            out.append(c)
        else:
            for x in c:
                walk(x)
    walk(c)

def shift(c, dx, dy):
    if isinstance(c[0], (int, float)):
        return [round(c[0] + dx, 7), round(c[1] + dy, 7)]
    return [shift(x, dx, dy) for x in c]

fcs = {n: json.load(open(os.path.join(src, n + ".geojson"), encoding="utf-8"))
       for n in ("districts", "streets", "communities", "compounds", "facilities", "roads")}
pts = []
for f in fcs["districts"]["features"]:
    coords_of(f["geometry"], pts)
x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
W, H = round(x1 - x0, 7), round(y1 - y0, 7)
counts = {}
for name, fc in fcs.items():
    n = 0
    with open(os.path.join(dst, name + ".geojson"), "w", encoding="utf-8") as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        first = True
        for j in range(NY):
            for i in range(NX):
                t = j * NX + i
                for f in fc["features"]:
                    p = dict(f["properties"])
                    if t:
                        for k in IDS:
                            if p.get(k) is not None:
                                p[k] = f"{p[k]}-{t}"
                    g = f["geometry"]
                    if g is not None:
                        g = {"type": g["type"], "coordinates": shift(g["coordinates"], i * W, j * H)}
                    out.write(("" if first else ",\n") + json.dumps({"type": "Feature", "properties": p, "geometry": g},
                                                                    ensure_ascii=False, separators=(",", ":")))
                    first = False
                    n += 1
        out.write("\n]}\n")
    counts[name] = n
json.dump({"tiles": [NX, NY], "from": src, "counts": counts}, open(os.path.join(dst, "manifest.json"), "w"))
print(f"metro x{NX * NY}:", counts)
PY
fi
for mode in radius network; do
  python3 scripts/bench_project.py "$DST" "$mode" > "$DST/project-$mode.json"
done

[ "$prepare_only" = 0 ] || exit 0
status=0
for mode in radius network; do
  [ "$modes" = all ] || [ "$modes" = "$mode" ] || continue
  out=$GEN/out-metro$scale-$mode
  if ! /usr/bin/time -v -o "$GEN/time-$mode.txt" "$BIN" run "$DST/project-$mode.json" --out "$out" --quiet; then
    echo "metro x$scale $mode: run FAILED"; status=1; continue
  fi
  python3 - "$GEN/time-$mode.txt" "$out/summary.json" "$mode" "$budget" "$scale" <<'PY' || status=1
import json, sys
tfile, sfile, mode, budget, scale = sys.argv[1:]
t = {}
for line in open(tfile):
    k, _, v = line.strip().rpartition(": ")
    t[k] = v
wall = t["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
peak = int(t["Maximum resident set size (kbytes)"]) / 1024
s = json.load(open(sfile, encoding="utf-8"))
inp = s["inputs"]
stages = "  ".join(f"{k} {v:.1f}" for k, v in s["seconds"].items() if k != "total")
extra = ""
if "network" in s:
    g = s["network"]
    extra = f", graph {g['nodes']} nodes {g['edges']} edges"
print(f"metro x{scale} {mode}: compounds {inp['compounds']['used']}, facilities {inp['facilities']['used']}{extra}")
print(f"  wall {secs:.1f} s, user {float(t['User time (seconds)']):.1f} s, sys {float(t['System time (seconds)']):.1f} s, peak RSS {peak:.0f} MiB "
      f"(budget {budget} MiB: {'ok' if peak <= float(budget) else 'OVER'})")
print(f"  stages (s): {stages}")
sys.exit(0 if peak <= float(budget) else 1)
PY
done
exit $status
