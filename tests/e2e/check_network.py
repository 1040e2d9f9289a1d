#!/usr/bin/env python3
"""Network mode end to end.

    check_network.py LIFECIRCLE FIXTURES_DIR WORKDIR

1. The hand-worked fixture with roads (tests/fixtures/hand/roads.geojson, EPSG:32648):
   a horizontal road y=500 and four side streets; a motorway and a class-less line are
   not walkable. Distances worked out by hand along the roads.
2. Helsinki: roads read straight from an OpenStreetMap .osm.pbf through GDAL's OSM
   driver; every network distance is at least the straight distance of radius mode.
"""
import json, os, shutil, subprocess, sys

from e2e_check import check, finish

exe, fix, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)


def run(project, out, *extra):
    r = subprocess.run([exe, "run", project, "--out", out, "--quiet", *extra], capture_output=True, text=True)
    check(f"run {os.path.basename(project)} {' '.join(extra)} exits 0", r.returncode == 0, r.stderr)
    return {f["properties"]["compound_id"]: f["properties"] for f in json.load(open(os.path.join(out, "compounds.geojson")))["features"]}


out = os.path.join(work, "hand")
c = run(os.path.join(fix, "hand", "project-network.json"), out)
expected = {  # compound: (day_care, canteen, street_center) metres along the roads
    "K1": (0.0, 1250.0, 700.0),      # F1 on its own spot; to F4: 350 up, 500 along, 400 down
    "K2": (650.0, 550.0, 300.0),     # to F2: 150 down + 500 along (radius said 522.0)
    "K3": (350.0, 1250.0, 1000.0),   # exactly the reach to F5: reached
    "K4": (1950.0, 2850.0, 2600.0),  # 350 down the side street + 1600 along
}
for k, (dc, ca, sc) in expected.items():
    p = c[k]
    check(f"{k} network distances", (p["dist_day_care_m"], p["dist_canteen_m"], p["dist_street_center_m"]) == (dc, ca, sc),
          (p["dist_day_care_m"], p["dist_canteen_m"], p["dist_street_center_m"]))
check("K3 is reached by F5 at exactly 1000 m", c["K3"]["reached_street_center"] is True)
check("K4 is not reached by day care", c["K4"]["reached_day_care"] is False)
s = json.load(open(os.path.join(out, "summary.json")))
n = s["network"]
check("graph: 18 nodes, 17 edges, 1 component, 7000 m",
      (n["nodes"], n["edges"], n["connected_components"], n["total_length_m"]) == (18, 17, 1, 7000.0), n)
check("motorway and class-less lines are not walkable", s["inputs"]["roads"]["not_walkable"] == 2, s["inputs"]["roads"])
sa = json.load(open(os.path.join(out, "service_areas.geojson")))["features"]
check("service areas are network areas", all(f["properties"]["mode"] == "network" for f in sa) and len(sa) == 6)
# a point too far from any road is unreachable and reported, never covered
far = os.path.join(work, "far.json")
json.dump({"access": {"max_access_m": 100}}, open(far, "w"))
c2 = run(os.path.join(fix, "hand", "project-network.json"), os.path.join(work, "far"), "--scenario", far)
check("with max_access_m 100 every compound still reaches the roads (all lie on them)",
      all(not p["unreachable"] for p in c2.values()))
s2 = json.load(open(os.path.join(work, "far", "summary.json")))
# F6 (1900,100) is 400 m from the nearest road: beyond 100 m it cannot enter the network
check("F6, 400 m from any road, is reported unreachable", s2["network"]["unsnapped_facility_ids"] == ["F6"], s2["network"])
f6 = [f["properties"] for f in json.load(open(os.path.join(work, "far", "facilities.geojson")))["features"] if f["properties"]["facility_id"] == "F6"]
check("F6 is flagged unreachable in facilities.geojson", f6 and f6[0]["unreachable"] is True, f6)

# Helsinki through the OSM driver (the extract lives in ../shared beside the checkout)
hel = os.path.join(fix, "helsinki", "project.json")
hel_pbf = os.path.normpath(os.path.join(fix, "helsinki", json.load(open(hel))["layers"]["roads"]["path"]))
if not os.path.exists(hel_pbf):
    print(f"skip Helsinki: {hel_pbf} not found")
else:
    net = run(hel, os.path.join(work, "hel-net"))
    radius = os.path.join(work, "radius.json")
    json.dump({"access": {"mode": "radius"}}, open(radius, "w"))
    rad = run(hel, os.path.join(work, "hel-radius"), "--scenario", radius)
    sh = json.load(open(os.path.join(work, "hel-net", "summary.json")))
    check("OSM lines read: thousands of edges, highway classes only", sh["network"]["edges"] > 5000 and sh["inputs"]["roads"]["not_walkable"] > 0,
          sh["network"])
    worse = [(k, t, net[k][f"dist_{t}_m"], rad[k][f"dist_{t}_m"]) for k in net for t in ("day_care", "canteen")
             if net[k][f"dist_{t}_m"] is not None and net[k][f"dist_{t}_m"] < rad[k][f"dist_{t}_m"] - 1e-6]
    check("a walk is never shorter than the straight line", not worse, worse)
    check("walking is longer than flying somewhere", any(net[k]["dist_day_care_m"] > rad[k]["dist_day_care_m"] + 50 for k in net))

# Blocks whose whole boundary is reachable: a 3x3 grid of 400 m blocks walked from one
# crossing with a 2 km reach covers every road; with 50 m buffers each block keeps a
# 300 m x 300 m uncovered core. By hand: 9 x 90,000 = 810,000 m2 of the 1,440,000 m2
# street (share 0.5625), as nine separate squares of one valid MultiPolygon.
blk = os.path.join(work, "blocks")
os.makedirs(blk)
crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32648"}}
def fc(feats):
    return {"type": "FeatureCollection", "crs": crs, "features": feats}
def poly(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}
X0, Y0 = 500000, 2760000
square = poly(X0, Y0, X0 + 1200, Y0 + 1200)
for name, code, parent in (("districts", "D", None), ("streets", "S", "D"), ("communities", "C", "S")):
    props = {"code": code, "name": code}
    if parent:
        props["parent"] = parent
    json.dump(fc([{"type": "Feature", "properties": props, "geometry": square}]), open(os.path.join(blk, name + ".geojson"), "w"))
roads = []
for k in range(4):  # every line carries a vertex at each crossing, so lines join there
    roads.append({"type": "Feature", "properties": {"highway": "residential"},
                  "geometry": {"type": "LineString", "coordinates": [[X0 + 400 * k, Y0 + 400 * j] for j in range(4)]}})
    roads.append({"type": "Feature", "properties": {"highway": "residential"},
                  "geometry": {"type": "LineString", "coordinates": [[X0 + 400 * j, Y0 + 400 * k] for j in range(4)]}})
json.dump(fc(roads), open(os.path.join(blk, "roads.geojson"), "w"))
json.dump(fc([{"type": "Feature", "properties": {"id": "K1", "year": 2000, "hh": 100, "pop": 300, "old": 60},
               "geometry": poly(X0 + 550, Y0 + 550, X0 + 650, Y0 + 650)}]), open(os.path.join(blk, "compounds.geojson"), "w"))
json.dump(fc([{"type": "Feature", "properties": {"fid": "F1", "type": "day_care"},
               "geometry": {"type": "Point", "coordinates": [X0 + 400, Y0 + 400]}}]), open(os.path.join(blk, "facilities.geojson"), "w"))
unit = {"id": "code", "name": "name"}
bp = {"working_crs": "EPSG:32648",
      "layers": {"district": {"path": "districts.geojson", **unit},
                 "street": {"path": "streets.geojson", "parent": "parent", **unit},
                 "community": {"path": "communities.geojson", "parent": "parent", **unit},
                 "compounds": {"path": "compounds.geojson", "id": "id", "year": "year", "households": "hh",
                               "population": "pop", "elderly": "old"},
                 "facilities": {"path": "facilities.geojson", "id": "fid", "type": "type"},
                 "roads": {"path": "roads.geojson", "class": "highway"}},
      "access": {"mode": "network", "walk_kmh": 4.0, "minutes": 30, "service_area_buffer_m": 50},
      "rules": [{"id": "r", "check": "reach_share", "types": ["day_care"], "level": "street", "source": "test"}]}
json.dump(bp, open(os.path.join(blk, "project.json"), "w"))
run(os.path.join(blk, "project.json"), os.path.join(blk, "out"))
unc = [f for f in json.load(open(os.path.join(blk, "out", "uncovered.geojson")))["features"]
       if f["properties"]["unit_id"] == "S" and f["properties"]["type"] == "day_care"]
check("blocks: one uncovered feature for street S and day care", len(unc) == 1, unc)
if unc:
    pr, g = unc[0]["properties"], unc[0]["geometry"]
    check("blocks: uncovered 810,000 m2, share 0.5625", abs(pr["uncovered_m2"] - 810000) < 0.5 and abs(pr["uncovered_share"] - 0.5625) < 1e-6, pr)
    polys = g["coordinates"] if g and g["type"] == "MultiPolygon" else []
    check("blocks: nine squares, one per block", len(polys) == 9 and all(len(p) == 1 and len(p[0]) == 5 for p in polys), g and g["type"])
    boxes = sorted((round(min(c[0] for c in p[0]), 4), round(min(c[1] for c in p[0]), 4)) for p in polys)
    check("blocks: the squares do not overlap", len(set(boxes)) == len(boxes), boxes)
finish()
