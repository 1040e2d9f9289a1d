#!/usr/bin/env python3
"""Every GeoJSON file lifecircle writes reads back through GDAL, and every coordinate in it
is a finite longitude/latitude.

    check_geojson_gdal.py LIFECIRCLE FIXTURES WORKDIR

- outputs of: the hand fixture by radius and by network, a batch over it (base and every
  scenario folder), and the transform fixture below
- each *.geojson: `ogrinfo -ro -al` opens it and reads every feature without an error; its
  Feature Count equals the features in the file; every coordinate is finite, |lon| <= 180,
  |lat| <= 90 (RFC 7946)
- transform fixture: the hand fixture in an orthographic working CRS
  (+proj=ortho +lat_0=0 +lon_0=13.6) whose visible hemisphere ends about 4 km beyond the
  facilities (projected radius of the data 6 373 890 m of 6 378 137 m): the 1000 m
  service-area discs, drawn in the working CRS, reach past that edge, where the
  orthographic projection has no inverse. Each of the 6 facilities' service areas is then
  written with a null geometry (never [inf,inf]) and listed in repairs.csv with its reason;
  summary.json warns; the run exits 0; a GeoPackage run reports them the same way.
"""
import json, math, os, re, shutil, subprocess, sys

from e2e_check import check, finish

exe, fixtures, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
ogrinfo = shutil.which("ogrinfo")
check("ogrinfo (GDAL) is installed", ogrinfo is not None)
if not ogrinfo:
    finish()


def run(*args):
    return subprocess.run([exe, *args, "--quiet"], capture_output=True, text=True)


def coords(g):
    if g is None:
        return
    if g["type"] == "GeometryCollection":
        for part in g["geometries"]:
            yield from coords(part)
        return
    def walk(c):
        if c and isinstance(c[0], (int, float)):
            yield c
        else:
            for x in c:
                yield from walk(x)
    yield from walk(g["coordinates"])


def check_geojson(path):
    name = os.path.relpath(path, work)
    text = open(path, encoding="utf-8").read()
    tokens = re.findall(r"[\[,:]\s*-?(?:inf|nan|Infinity|NaN)\b", text)
    check(f"{name}: no inf or nan where a number stands", not tokens, tokens[:3])
    if tokens:
        return
    doc = json.loads(text)
    bad = [c for f in doc["features"] for c in coords(f["geometry"])
           if not (math.isfinite(c[0]) and math.isfinite(c[1]) and abs(c[0]) <= 180 and abs(c[1]) <= 90)]
    check(f"{name}: every coordinate is finite lon/lat", not bad, bad[:3])
    so = subprocess.run([ogrinfo, "-ro", "-al", "-so", path], capture_output=True, text=True)
    count = [l for l in so.stdout.splitlines() if l.startswith("Feature Count:")]
    check(f"{name}: GDAL opens it", so.returncode == 0 and count, so.stderr[-500:])
    if count:
        check(f"{name}: GDAL counts its {len(doc['features'])} features", int(count[0].split(":")[1]) == len(doc["features"]), count)
    full = subprocess.run([ogrinfo, "-ro", "-al", "-q", path], capture_output=True, text=True)
    check(f"{name}: GDAL reads every feature without an error", full.returncode == 0 and "ERROR" not in full.stderr, full.stderr[-500:])


hand = os.path.join(fixtures, "hand")
outs = []
for name, args in (("radius", ["run", os.path.join(hand, "project.json")]),
                   ("network", ["run", os.path.join(hand, "project-network.json")]),
                   ("batch", ["batch", os.path.join(hand, "batch.json")]),
                   ("transform", ["run", os.path.join(fixtures, "transform", "project.json")])):
    out = os.path.join(work, name)
    r = run(*args, "--out", out)
    check(f"{name}: exits {2 if name == 'batch' else 0}", r.returncode == (2 if name == "batch" else 0), r.stderr)
    outs.append(out)
n = 0
for out in outs:
    for root, _, names in os.walk(out):
        for f in sorted(names):
            if f.endswith(".geojson"):
                check_geojson(os.path.join(root, f))
                n += 1
check("every kind of layer was read back (9 per output folder at least)", n >= 9 * 4, n)

# the transform fixture: service areas past the projection's edge
t = os.path.join(work, "transform")
areas = json.load(open(os.path.join(t, "service_areas.geojson")))["features"]
check("transform: the 6 service areas are written without geometry",
      len(areas) == 6 and all(f["geometry"] is None for f in areas), [f["geometry"] is None for f in areas])
rows = [l for l in open(os.path.join(t, "repairs.csv"), encoding="utf-8-sig") if l.startswith("service_areas.geojson,")]
check("transform: repairs.csv lists each of them with the reason",
      len(rows) == 6 and all("geometry written as null" in l and "no EPSG:4326" in l for l in rows), rows)
check("transform: the facilities, compounds and units keep their geometry",
      all(f["geometry"] is not None for layer in ("facilities", "compounds", "units_street")
          for f in json.load(open(os.path.join(t, layer + ".geojson")))["features"]))
s = json.load(open(os.path.join(t, "summary.json")))
check("transform: summary.json warns and counts the repairs",
      any("written without geometry" in w for w in s["warnings"]) and s["repairs"]["by_kind"].get("service_areas.geojson: geometry written as null") == 6,
      (s["warnings"], s["repairs"]))
g = os.path.join(work, "transform-gpkg")
r = run("run", os.path.join(fixtures, "transform", "project.json"), "--format", "gpkg", "--out", g)
check("transform, GeoPackage: exits 0", r.returncode == 0, r.stderr)
rows = [l for l in open(os.path.join(g, "repairs.csv"), encoding="utf-8-sig") if l.startswith("lifecircle.gpkg service_areas,")]
check("transform, GeoPackage: repairs.csv lists the 6 service areas written without geometry", len(rows) == 6, rows)
finish()
