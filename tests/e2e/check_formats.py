#!/usr/bin/env python3
"""The hand fixture read from other formats gives the same figures as from GeoJSON:
compounds from a GBK Shapefile (with its .cpg, and without it but with "encoding":
"GBK" in the project), facilities from a CSV with a BOM, CRLF line endings and Chinese
lon/lat column names (经度, 纬度).

    check_formats.py LIFECIRCLE FIXTURE_DIR GOLDEN_SUMMARY WORKDIR
"""
import glob, json, os, shutil, subprocess, sys

from e2e_check import check, finish

exe, fixdir, golden, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)


want = [(r["id"], r["value"]) for r in json.load(open(golden, encoding="utf-8"))["rules"]]


def run_and_compare(label, project):
    out = os.path.join(work, label)
    r = subprocess.run([exe, "run", project, "--out", out, "--quiet"], capture_output=True, text=True)
    check(f"{label}: run exits 0", r.returncode == 0, r.stderr)
    if r.returncode:
        return
    s = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
    check(f"{label}: same rule values as from GeoJSON", [(x["id"], x["value"]) for x in s["rules"]] == want)
    names = [f["properties"]["name"] for f in json.load(open(os.path.join(out, "compounds.geojson"), encoding="utf-8"))["features"]]
    check(f"{label}: Chinese names decoded", names == ["甲小区", "乙小区", "丙小区", "丁小区"], names)
    check(f"{label}: all 6 facilities read from the CSV", s["inputs"]["facilities"]["used"] == 6, s["inputs"])


run_and_compare("shp-with-cpg", os.path.join(fixdir, "project.json"))
# the same shapefile without its .cpg: the project names the encoding
nocpg = os.path.join(work, "nocpg")
os.makedirs(nocpg)
for f in glob.glob(os.path.join(fixdir, "compounds_gbk.*")):
    if not f.endswith(".cpg"):
        shutil.copy(f, nocpg)
shutil.copy(os.path.join(fixdir, "facilities.csv"), nocpg)
p = json.load(open(os.path.join(fixdir, "project.json"), encoding="utf-8"))
for k in ("district", "street", "community"):
    p["layers"][k]["path"] = os.path.abspath(os.path.join(fixdir, p["layers"][k]["path"]))
p["layers"]["compounds"]["encoding"] = "GBK"
json.dump(p, open(os.path.join(nocpg, "project.json"), "w", encoding="utf-8"), ensure_ascii=False)
run_and_compare("shp-without-cpg-encoding-option", os.path.join(nocpg, "project.json"))
finish()
