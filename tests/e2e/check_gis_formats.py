#!/usr/bin/env python3
"""Outputs for other GIS: Shapefiles and GeoPackage in a CGCS2000 CRS, read back by GDAL.

    check_gis_formats.py --lifecircle BIN --project PROJECT.json --checker check_outputs.py --work DIR

- `--format shp --output-crs EPSG:4543`: every layer's Shapefile(s) read back by GDAL
  (ogr2ogr) hold the GeoJSON layer's features, Chinese names intact, in EPSG:4543 with
  coordinates where PROJ puts the GeoJSON's; UTF-8 with .cpg; every field name at most 10
  characters, as fields.csv maps it (one short name per field name, whatever the layer);
- `--format gpkg --output-crs EPSG:4490`: lifecircle.gpkg's layers in EPSG:4490;
- the SPEC format checker passes on both (the GeoJSON layers are written beside them);
- neither run warns about its output CRS; `--output-crs EPSG:32617` (UTM 17N, North
  America) does, naming a CGCS2000 zone and EPSG:4490 to use instead;
- with PyQGIS: the Shapefile project opens, every layer valid, and every field its styles
  and labels name exists in the Shapefile (the short names).
Exit status 1 when any check fails.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_check import check, finish  # noqa: E402



def read_back(path, layer=None):
    """A layer through GDAL (ogr2ogr to GeoJSON, coordinates untouched)."""
    cmd = ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", path] + ([layer] if layer else []) + ["-lco", "RFC7946=NO"]
    r = subprocess.run(cmd, capture_output=True)
    if r.returncode != 0:
        return None
    return json.loads(r.stdout.decode("utf-8"))


def epsg_of(doc):
    name = ((doc or {}).get("crs") or {}).get("properties", {}).get("name", "")
    return name.rsplit(":", 1)[-1] if name else ""


def to_crs(points, epsg):
    r = subprocess.run(["gdaltransform", "-s_srs", "EPSG:4326", "-t_srs", f"EPSG:{epsg}", "-output_xy"],
                       input="\n".join(f"{x} {y}" for x, y in points), capture_output=True, text=True)
    return [tuple(float(v) for v in line.split()) for line in r.stdout.splitlines() if line.strip()]


def first_point(geom):
    c = geom["coordinates"]
    while isinstance(c[0], list):
        c = c[0]
    return c[:2]


def run(binary, project, out, extra):
    r = subprocess.run([binary, "run", project, "--out", out, "--quiet"] + extra, capture_output=True, text=True)
    return check(f"lifecircle run {' '.join(extra)} exits 0", r.returncode == 0, r.stderr)


def check_outputs(checker, out, label):
    r = subprocess.run([sys.executable, checker, out], capture_output=True, text=True)
    check(f"{label}: check_outputs.py passes ({r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ''})", r.returncode == 0,
          r.stdout[-1500:])


def check_shapefiles(out):
    rows = list(csv.DictReader(open(os.path.join(out, "fields.csv"), encoding="utf-8-sig")))
    check("fields.csv lists the fields", len(rows) > 50, len(rows))
    short = {}
    for row in rows:
        short.setdefault(row["field"], set()).add(row["shp_field"])
    check("fields.csv: one short name per field name, in every layer", all(len(v) == 1 for v in short.values()),
          {k: v for k, v in short.items() if len(v) > 1})
    check("fields.csv: every short name has at most 10 characters", all(len(r["shp_field"]) <= 10 for r in rows),
          [r["shp_field"] for r in rows if len(r["shp_field"]) > 10])
    check("long_text.csv is there (header at least)", os.path.isfile(os.path.join(out, "long_text.csv")))
    check_band_names(short)
    parts = {}
    for row in rows:
        parts.setdefault(row["layer"], []).append(row)
    geojson = sorted(f[:-8] for f in os.listdir(out) if f.endswith(".geojson"))
    for name in geojson:
        ref = json.load(open(os.path.join(out, name + ".geojson"), encoding="utf-8"))["features"]
        files = [p for p in parts if p == name or p.startswith(name + "_")]
        if not check(f"{name}: written as Shapefile ({', '.join(files)})", files, sorted(parts)):
            continue
        got = []
        for part in files:
            shp = os.path.join(out, part + (".shp" if os.path.exists(os.path.join(out, part + ".shp")) else ".dbf"))
            cpg = os.path.join(out, part + ".cpg")
            check(f"{part}: .cpg says UTF-8", os.path.isfile(cpg) and open(cpg).read().strip().upper() in ("UTF-8", "UTF8"))
            doc = read_back(shp)
            if not check(f"{part}: GDAL reads it", doc is not None, shp):
                continue
            feats = doc["features"]
            names = list((feats[0]["properties"] if feats else {}).keys())
            want = [r["shp_field"] for r in parts[part]]
            if feats:
                check(f"{part}: its fields are fields.csv's short names, in order", names == want, (names, want))
            if shp.endswith(".shp") and feats:
                check(f"{part}: in EPSG:4543", epsg_of(doc) == "4543", epsg_of(doc))
            got += feats
        check(f"{name}: as many features as {name}.geojson", len(got) == len(ref), (len(got), len(ref)))
        if "name" in (ref[0]["properties"] if ref else {}):
            check(f"{name}: Chinese names intact", sorted(f["properties"].get("name") or "" for f in got) ==
                  sorted(f["properties"].get("name") or "" for f in ref),
                  [f["properties"].get("name") for f in got[:3]])
        with_geom = [f for f in ref if f.get("geometry")]
        if with_geom and name.startswith("units_"):
            f0 = with_geom[0]
            key = f0["properties"]["unit_id"]
            mine = next((f for f in got if f["properties"].get("unit_id") == key), None)
            want = to_crs([first_point(f0["geometry"])], 4543)[0]
            have = first_point(mine["geometry"]) if mine else (0, 0)
            # The GeoJSON's 7 decimals are ~1 cm: the Shapefile vertex is within 5 cm.
            check(f"{name}: coordinates where PROJ puts the GeoJSON's (EPSG:4326 -> 4543)",
                  abs(have[0] - want[0]) < 0.05 and abs(have[1] - want[1]) < 0.05, (have, want))


def check_band_names(short):
    """Life-circle band fields (band_<type>_<N>min_<weight>_share) shorten to
    b<N>_<type>_<weight>: the minutes whole, one abbreviation per type whatever the
    minutes and another for every other type. Before, band_day_care_10min_elderly_share
    and band_day_care_15min_elderly_share became ba_d_1_e_s and ba_d_1__u8 (the minutes
    cut to "1", a hash tag to tell them apart)."""
    bands = {}
    for full, names in short.items():
        m = re.fullmatch(r"band_(\w+?)_(\d{1,2})min_elderly_share", full)
        if m:
            bands[full] = (m.group(1), m.group(2), next(iter(names)))
    if not check("fields.csv has life-circle band fields", bands, sorted(short)[:20]):
        return
    wrong = {f: s for f, (_, minutes, s) in bands.items() if not s.startswith(f"b{minutes}_")}
    check("band fields: short names start with b<minutes>_", not wrong, wrong)
    per_type = {}
    for f, (ty, minutes, s) in bands.items():
        per_type.setdefault(ty, set()).add(s[len(f"b{minutes}_"):])
    check("band fields: one abbreviation per type, whatever the minutes", all(len(v) == 1 for v in per_type.values()), per_type)
    abbrevs = [next(iter(v)) for v in per_type.values()]
    check("band fields: every type abbreviated apart", len(set(abbrevs)) == len(abbrevs), per_type)


def check_qgis_project(out):
    try:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        if "XDG_RUNTIME_DIR" not in os.environ:  # Qt wants a private (0700) runtime folder
            import tempfile

            os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="lc-qgis-runtime-")
        from qgis.core import QgsApplication, QgsExpression, QgsProject
    except ImportError:
        print("SKIP the QGIS part: PyQGIS (python3-qgis) is not importable by " + sys.executable)
        return
    app = QgsApplication([], False)
    app.initQgis()
    try:
        prj = QgsProject.instance()
        if not check("shp: lifecircle.qgs loads", prj.read(os.path.join(out, "lifecircle.qgs")), prj.error()):
            return
        check("shp: the map is in the projected output CRS EPSG:4543", prj.crs().authid() == "EPSG:4543", prj.crs().authid())
        full = {}
        with open(os.path.join(out, "fields.csv"), encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                full.setdefault(row["layer"], {})[row["shp_field"]] = row["field"]
        for lyr in prj.mapLayers().values():
            if not check(f"shp: {lyr.name()} is valid", lyr.isValid(), lyr.source()):
                continue
            # Every field whose name was shortened shows its full name (or what the
            # GeoJSON project calls it) in the attribute table. Before: 5 of 150.
            part = os.path.basename(lyr.source().split("|")[0]).rsplit(".", 1)[0]
            short = full.get(part, {})
            bare = [n for i, n in enumerate(lyr.fields().names()) if short.get(n, n) != n and not lyr.attributeAlias(i)]
            check(f"shp: {lyr.name()}: every shortened field has an alias", not bare, bare[:8])
            fields = set(lyr.fields().names())
            exprs = []
            r = lyr.renderer() if lyr.isSpatial() else None
            if r is not None and hasattr(r, "classAttribute"):
                exprs.append(r.classAttribute())
            if lyr.labelsEnabled() and lyr.labeling() is not None:
                exprs.append(lyr.labeling().settings().fieldName)
            for e in exprs:
                cols = QgsExpression(e).referencedColumns() if not e in fields else {e}
                missing = {c for c in cols if c not in fields and c != "$geometry" and not c.startswith("$")}
                check(f"shp: {lyr.name()} names fields the Shapefile has", not missing, (missing, e))
    finally:
        QgsProject.instance().clear()
        app.exitQgis()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lifecircle", required=True)
    ap.add_argument("--project", required=True)
    ap.add_argument("--checker", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    if not shutil.which("ogr2ogr"):
        print("FAIL ogr2ogr (gdal-bin) is needed to read the Shapefiles back")
        return 1
    os.makedirs(a.work, exist_ok=True)
    out_shp, out_gpkg = os.path.join(a.work, "shp"), os.path.join(a.work, "gpkg")
    if run(a.lifecircle, a.project, out_shp, ["--format", "shp", "--output-crs", "EPSG:4543"]):
        check_shapefiles(out_shp)
        check_outputs(a.checker, out_shp, "shp")
        check_qgis_project(out_shp)
    if run(a.lifecircle, a.project, out_gpkg, ["--format", "gpkg", "--output-crs", "EPSG:4490"]):
        doc = read_back(os.path.join(out_gpkg, "lifecircle.gpkg"), "units_street")
        check("gpkg: units_street in EPSG:4490", doc is not None and epsg_of(doc) == "4490", epsg_of(doc))
        ref = json.load(open(os.path.join(out_gpkg, "units_street.geojson"), encoding="utf-8"))["features"]
        check("gpkg: units_street has the GeoJSON's features, Chinese names intact", doc is not None and
              [f["properties"]["name"] for f in doc["features"]] == [f["properties"]["name"] for f in ref])
        check_outputs(a.checker, out_gpkg, "gpkg")
    for out in (out_shp, out_gpkg):
        warnings = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))["warnings"]
        check(f"{os.path.basename(out)}: no warning about the output CRS, which fits the data",
              not [w for w in warnings if "--output-crs" in w], warnings)
    far = os.path.join(a.work, "far")
    if run(a.lifecircle, a.project, far, ["--format", "gpkg", "--output-crs", "EPSG:32617"]):
        warnings = [w for w in json.load(open(os.path.join(far, "summary.json"), encoding="utf-8"))["warnings"] if "--output-crs" in w]
        check("a far output CRS is warned about, with the CGCS2000 zone of the data to use instead",
              len(warnings) == 1 and "EPSG:32617 is made for" in warnings[0] and "3-degree Gauss-Kruger" in warnings[0]
              and "EPSG:4490" in warnings[0], warnings)
    finish()


if __name__ == "__main__":
    sys.exit(main())
