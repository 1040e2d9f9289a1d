#!/usr/bin/env python3
"""The demo project pointed at a generated city, for the benchmarks.

    bench_project.py DATA_DIR MODE [--census] [--no-bands] [--legacy] > project.json

Paths go to DATA_DIR, `access.mode` to MODE. Without --census the census tables are
left out (make_census.py writes them for a generated city); --no-bands turns the
life-circle bands off, for a run without either. --legacy writes the project as the
build of main before census tables and bands read it (no census, bands or new
attributes; profile kunming-2025), for scripts/bench.sh's run of a baseline binary.
"""
import json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
data, mode = sys.argv[1], sys.argv[2]
flags = set(sys.argv[3:])
p = json.load(open(os.path.join(here, "..", "data", "demo", "project.json"), encoding="utf-8"))
for layer in p["layers"].values():
    layer["path"] = os.path.join(data, layer["path"])
p["access"]["mode"] = mode
if "--census" in flags:
    for c in p["census"]:
        c["path"] = os.path.join(data, c["path"])
else:
    p.pop("census", None)
if "--no-bands" in flags:
    p["access"]["bands"] = []
if "--legacy" in flags:
    p.pop("census", None)
    p["access"].pop("bands", None)
    p["profile"] = "kunming-2025"
    fac = p["layers"]["facilities"]
    fac["attributes"] = {k: v for k, v in fac.get("attributes", {}).items() if k in ("safety_net", "operator", "open_year")}
json.dump(p, sys.stdout, ensure_ascii=False, indent=1)
