#!/usr/bin/env python3
"""make_city.py --dirty --fields zh data through validate and run: every planted problem
is accounted for (rejected with its reason, or in repairs.csv), the run finishes with
exit 0, and --strict exits 4 naming the rejected records.

    check_dirty.py LIFECIRCLE MAKE_CITY PROJECT_TEMPLATE WORKDIR
"""
import csv, json, os, shutil, subprocess, sys

from e2e_check import check, finish

exe, make_city, template, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
data = os.path.join(work, "data")
subprocess.run([sys.executable, make_city, data, "--scale", "tiny", "--fields", "zh", "--dirty"], check=True, capture_output=True)
proj = json.load(open(template, encoding="utf-8"))
proj.pop("census", None)  # the generated city has no census tables
for layer in proj["layers"].values():
    layer["path"] = os.path.join(data, os.path.basename(layer["path"]))
pfile = os.path.join(work, "project.json")
json.dump(proj, open(pfile, "w", encoding="utf-8"), ensure_ascii=False)
manifest = json.load(open(os.path.join(data, "manifest.json"), encoding="utf-8"))
F = manifest["fields"]


out = os.path.join(work, "out")
r = subprocess.run([exe, "run", pfile, "--out", out, "--quiet"], capture_output=True, text=True)
check("run exits 0 on dirty data", r.returncode == 0, r.stderr)
r2 = subprocess.run([exe, "validate", pfile], capture_output=True, text=True)
check("validate exits 0 on dirty data", r2.returncode == 0, r2.stderr)
rej = list(csv.DictReader(open(os.path.join(out, "rejected.csv"), encoding="utf-8-sig")))
rep = list(csv.DictReader(open(os.path.join(out, "repairs.csv"), encoding="utf-8-sig")))
src = {k: json.load(open(os.path.join(data, f"{k}.geojson"), encoding="utf-8"))["features"] for k in ("compounds", "facilities")}
idf = {"compounds": F["cid"], "facilities": F["fid"]}
for d in manifest["dirty"]:
    layer, idx, problem = d["layer"], d["index"], d["problem"]
    sid = str(src[layer][idx]["properties"][idf[layer]])
    hits = [x for x in rej if x["layer"] == layer and x["feature_index"] == str(idx)]
    hits += [x for x in rep if x["layer"] == layer and x["source_id"] == sid and problem != "duplicate id"]
    what = [x.get("reason") or x.get("what") for x in hits]
    check(f"{layer}[{idx}] {problem}: accounted for", bool(hits), "not in rejected.csv nor repairs.csv")
    print(f"{layer}[{idx}] {problem} -> {what}")
    if layer == "compounds" and "2016" in problem:
        c = [f for f in json.load(open(os.path.join(out, "compounds.geojson"), encoding="utf-8"))["features"]
             if f["properties"]["compound_id"] == sid]
        check("'2016年' is used as 2016", c and c[0]["properties"]["build_year"] == 2016)
# batch over the dirty data: the base and a scenario both finish, the problems reported alike
bfile = os.path.join(work, "batch.json")
json.dump({"base": "project.json", "scenarios": [{"id": "slow", "patch": {"access": {"walk_kmh": 3.0}}}]}, open(bfile, "w"))
rb = subprocess.run([exe, "batch", bfile, "--out", os.path.join(work, "out-batch"), "--quiet"], capture_output=True, text=True)
check("batch exits 0 on dirty data", rb.returncode == 0, rb.stderr)
if rb.returncode == 0:
    for d in ("base", "slow"):
        brej = list(csv.DictReader(open(os.path.join(work, "out-batch", d, "rejected.csv"), encoding="utf-8-sig")))
        key = lambda rows: sorted((x["layer"], x["source_id"], x["feature_index"]) for x in rows)
        check(f"batch {d}: the same records rejected as by run", key(brej) == key(rej), f"{key(brej)} vs {key(rej)}")
r3 = subprocess.run([exe, "run", pfile, "--out", os.path.join(work, "out-strict"), "--quiet", "--strict"], capture_output=True, text=True)
check("--strict exits 4", r3.returncode == 4, r3.returncode)
check("--strict names every rejected record", all(x["reason"] in r3.stderr for x in rej), r3.stderr)
finish()
