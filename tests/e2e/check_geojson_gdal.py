#!/usr/bin/env python3
"""Every GeoJSON file lifecircle writes reads back through GDAL, and every coordinate in it
is a finite longitude/latitude.

    check_geojson_gdal.py LIFECIRCLE FIXTURES WORKDIR

- outputs of: the hand fixture by radius and by network, a batch over it (base and every
  scenario folder), and the transform fixture below
- each *.geojson: `ogrinfo -ro -al` opens it and reads every feature without an error; its
  Feature Count equals the features in the file; every coordinate is finite, |lon| <= 180,
  |lat| <= 90 (RFC 7946)
- transform fixture: the hand fixture in a near-sided perspective working CRS seen from
  1 m above the data's centre (+proj=nsper +h=1): scale 1 there (it passes the working-CRS
  check), but the view ends at the horizon, about 1.8 km from the centre in projected
  metres, beyond which the projection has no inverse. The 1000 m service-area discs of
  F1, F4 and F5 (1.0-1.3 km from the centre) reach past it: each is written with a null
  geometry (main wrote [inf,inf]) and listed in repairs.csv with its reason; F2, F3, F6
  keep theirs; summary.json warns; the run exits 0; a GeoPackage run reports them too.
- the shipped demo by network: every polygon of every layer is valid as written (GEOS, by
  ogrinfo's SQLite dialect). Two edges of F000159's service area less than a centimetre
  apart crossed once rounded to the 7 decimals written; the GeoPackage copy was valid.
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
nulls = sorted(f["properties"]["facility_id"] for f in areas if f["geometry"] is None)
check("transform: the service areas of F1, F4, F5 are written without geometry, the others with",
      len(areas) == 6 and nulls == ["F1", "F4", "F5"], nulls)
rows = [l for l in open(os.path.join(t, "repairs.csv"), encoding="utf-8-sig") if l.startswith("service_areas.geojson,")]
check("transform: repairs.csv lists each of them with the reason",
      sorted(l.split(",")[1] for l in rows) == ["F1", "F4", "F5"] and all("geometry written as null" in l and "no EPSG:4326" in l for l in rows),
      rows)
check("transform: the facilities, compounds and units keep their geometry",
      all(f["geometry"] is not None for layer in ("facilities", "compounds", "units_street")
          for f in json.load(open(os.path.join(t, layer + ".geojson")))["features"]))
s = json.load(open(os.path.join(t, "summary.json")))
check("transform: summary.json warns and counts the repairs",
      any("written without geometry" in w for w in s["warnings"]) and s["repairs"]["by_kind"].get("service_areas.geojson: geometry written as null") == 3,
      (s["warnings"], s["repairs"]))
# the demo by network: valid polygons once rounded
pf = os.path.join(fixtures, "..", "..", "data", "demo", "project-network.json")
d = os.path.join(work, "demo-network")
r = run("run", pf, "--out", d)
check("demo by network: exits 0", r.returncode == 0, r.stderr[-500:])
for layer in ("service_areas", "uncovered", "gaps", "units_community", "units_street", "units_district"):
    sql = f"SELECT * FROM {layer} WHERE ST_GeometryType(geometry) LIKE '%POLYGON%' AND NOT ST_IsValid(geometry)"
    q = subprocess.run([ogrinfo, "-ro", "-q", "-dialect", "SQLite", "-sql", sql, os.path.join(d, layer + ".geojson")],
                       capture_output=True, text=True)
    invalid = re.findall(r"^OGRFeature\(SELECT\):\d+\n\s+\w+ \(String\) = (\S+)", q.stdout, re.M)
    check(f"demo by network: every polygon of {layer}.geojson is valid as written",
          q.returncode == 0 and "OGRFeature" not in q.stdout, (invalid, q.stderr[-300:]))

g = os.path.join(work, "transform-gpkg")
r = run("run", os.path.join(fixtures, "transform", "project.json"), "--format", "gpkg", "--out", g)
check("transform, GeoPackage: exits 0", r.returncode == 0, r.stderr)
rows = [l for l in open(os.path.join(g, "repairs.csv"), encoding="utf-8-sig") if l.startswith("lifecircle.gpkg service_areas,")]
check("transform, GeoPackage: repairs.csv lists the 3 service areas written without geometry there too",
      sorted(l.split(",")[1] for l in rows) == ["F1", "F4", "F5"], rows)
finish()
