#!/usr/bin/env python3
"""Nasty but valid data (issue 6): the run finishes, nothing is lost, nothing is NaN.

    check_nasty.py LIFECIRCLE FIXTURES WORKDIR [CASE ...]      (default: every case)

FIXTURES is tests/fixtures/nasty (see make_fixtures.py there for what each feature is
for). Each case runs lifecircle on its own copy of the data in WORKDIR/<case> and
prints one line per check; the exit status is 1 when any check failed. Every case also
checks that every output file is valid UTF-8 and that no figure is NaN or infinite.
"""
import csv, io, json, math, os, shutil, subprocess, sys, time

from e2e_check import FAILED, check, echo_passes  # noqa: E402

echo_passes()

exe, fixtures, work = (os.path.abspath(a) for a in sys.argv[1:4])
wanted = sys.argv[4:]


def fresh(case):
    d = os.path.join(work, case)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(fixtures, os.path.join(d, "data"))
    return d


def project(d):
    return json.load(open(os.path.join(d, "data", "project.json"), encoding="utf-8"))


def save_project(d, p, name="project.json"):
    path = os.path.join(d, "data", name)
    json.dump(p, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
    return path


def save_fc(d, name, features):
    json.dump({"type": "FeatureCollection", "features": features}, open(os.path.join(d, "data", name), "w", encoding="utf-8"),
              ensure_ascii=False)


def run(d, pfile=None, *extra):
    out = os.path.join(d, "out")
    pfile = pfile or os.path.join(d, "data", "project.json")
    t = time.time()
    r = subprocess.run([exe, "run", pfile, "--out", out, "--quiet", *extra], capture_output=True, text=True, errors="replace")
    r.seconds = time.time() - t
    r.out = out
    return r


def no_bad_numbers(name, value):
    raise ValueError(f"{name} in JSON")


def sound_outputs(case, out):
    """Every output file is UTF-8; no JSON holds NaN/Infinity, no CSV cell nan/inf."""
    bad_utf8, bad_num = [], []
    for root, _, files in os.walk(out):
        for f in files:
            p = os.path.join(root, f)
            b = open(p, "rb").read()
            try:
                text = b.decode("utf-8")
            except UnicodeDecodeError as e:
                bad_utf8.append(f"{os.path.relpath(p, out)} ({e})")
                continue
            try:
                if f.endswith((".geojson", ".json")):
                    json.loads(text, parse_constant=lambda c: no_bad_numbers(c, c))
                elif f.endswith(".csv"):
                    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
                        for cell in row:
                            if cell.strip().lower() in ("nan", "-nan", "inf", "-inf", "infinity", "-infinity"):
                                raise ValueError(f"cell {cell!r}")
            except ValueError as e:
                bad_num.append(f"{os.path.relpath(p, out)}: {e}")
    check(f"{case}: every output file is valid UTF-8", not bad_utf8, "; ".join(bad_utf8))
    check(f"{case}: no NaN or infinite figure in any output", not bad_num, "; ".join(bad_num))


def features(out, layer, key):
    fc = json.load(open(os.path.join(out, layer + ".geojson"), encoding="utf-8"))
    return {f["properties"][key]: f["properties"] for f in fc["features"]}


def rejected(out):
    return list(csv.DictReader(open(os.path.join(out, "rejected.csv"), encoding="utf-8-sig")))


def summary(out):
    return json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))


def finished(case, r):
    ok = check(f"{case}: run exits 0", r.returncode == 0, f"exit {r.returncode}: {r.stderr.strip()[-800:]}")
    if ok:
        sound_outputs(case, r.out)
    return ok


# ---------------------------------------------------------------------------------------
def case_shapes():
    """Holes, multipolygons, zero-area polygons, duplicate facilities at one point, emoji."""
    d = fresh("shapes")
    r = run(d)
    if not finished("shapes", r):
        return
    c = features(r.out, "compounds", "compound_id")
    u = features(r.out, "units_community", "unit_id")
    f = features(r.out, "facilities", "facility_id")
    rj = {(x["layer"], x["source_id"]): x["reason"] for x in rejected(r.out)}
    check("shapes: a compound in a community's hole belongs to the community filling it",
          c.get("K3", {}).get("community_id") == "Q3", c.get("K3"))
    check("shapes: a footprint with a courtyard is located by a point of its area", c.get("K2", {}).get("community_id") == "Q1", c.get("K2"))
    check("shapes: a compound in the second part of a multipolygon unit belongs to it", c.get("K4", {}).get("community_id") == "Q2", c.get("K4"))
    check("shapes: a multipolygon compound is one compound", "K8" in c and c["K8"]["community_id"] == "Q2", c.get("K8"))
    for layer, sid, where in [("compounds", "K5", c), ("compounds", "K6", c), ("community", "Q5", u)]:
        check(f"shapes: zero-area {layer} {sid} is used or rejected with a reason, never lost",
              sid in where or (layer, sid) in rj, "neither in the outputs nor in rejected.csv")
    if "Q5" in u:
        check("shapes: a zero-area unit holds no compound and has null shares",
              u["Q5"]["compounds"] == 0 and all(v is None for k, v in u["Q5"].items() if k.startswith("reach_")), u["Q5"])
    check("shapes: two facilities at one point are both used", "F1" in f and "F2" in f, sorted(f))
    check("shapes: both count in their unit", u.get("Q1", {}).get("n_day_care") == 2, u.get("Q1"))
    check("shapes: the tie between them goes to the smallest id", c.get("K1", {}).get("nearest_day_care_id") == "F1", c.get("K1"))
    emoji = {("compounds", "K1"): "幸福小区😀👨‍👩‍👧", ("facilities", "F3"): "幸福食堂🍚", ("facilities", "F4"): "养老院🏥",
             ("units_community", "Q4"): "空社区👻"}
    for (layer, i), name in emoji.items():
        got = {"compounds": c, "facilities": f, "units_community": u}[layer].get(i, {}).get("name")
        check(f"shapes: the emoji name of {layer} {i} round-trips", got == name, repr(got))
    s = features(r.out, "units_street", "unit_id")
    check("shapes: the emoji name of a street round-trips", s.get("530199002", {}).get("name") == "🏠东街道🌸", s.get("530199002"))
    cov = open(os.path.join(r.out, "coverage.csv"), encoding="utf-8-sig").read()
    check("shapes: coverage.csv holds the emoji street name", "🏠东街道🌸" in cov)


def case_empty_type():
    """A facility type the rules ask for but no facility has: shares 0, distances null."""
    d = fresh("empty_type")
    r = run(d)
    if not finished("empty_type", r):
        return
    c = features(r.out, "compounds", "compound_id")
    check("empty_type: every dist_street_center_m is null", all(x.get("dist_street_center_m", 0) is None for x in c.values()),
          [x.get("dist_street_center_m", "missing") for x in c.values()])
    check("empty_type: no compound is reached", all(x.get("reached_street_center") is False for x in c.values()))
    for level in ("units_community", "units_street", "units_district"):
        u = features(r.out, level, "unit_id")
        for uid, x in u.items():
            if x["compounds"] > 0:
                check(f"empty_type: {level} {uid}: reach_street_center_share is 0 (not null)", x.get("reach_street_center_share") == 0,
                      x.get("reach_street_center_share", "missing"))
                check(f"empty_type: {level} {uid}: n_street_center is 0", x.get("n_street_center") == 0, x.get("n_street_center"))
    rules = {x["id"]: x for x in summary(r.out)["rules"]}
    check("empty_type: the reach rule is 0 and fails", rules["street_centre_reach"]["value"] == 0 and rules["street_centre_reach"]["pass"] is False,
          rules["street_centre_reach"])
    check("empty_type: the count rule is 0 and fails", rules["street_centre_count"]["value"] == 0 and rules["street_centre_count"]["pass"] is False,
          rules["street_centre_count"])


def case_no_compounds():
    """A unit with no compounds: counts 0, every share null (never 0, never NaN)."""
    d = fresh("no_compounds")
    r = run(d)
    if not finished("no_compounds", r):
        return
    q4 = features(r.out, "units_community", "unit_id").get("Q4")
    check("no_compounds: Q4 is in units_community", q4 is not None)
    if q4:
        check("no_compounds: Q4 has 0 compounds", q4["compounds"] == 0, q4["compounds"])
        shares = {k: v for k, v in q4.items() if k.startswith("reach_") and k.endswith("_share")}
        check("no_compounds: Q4 has reach shares", bool(shares))
        check("no_compounds: every share of Q4 is null", all(v is None for v in shares.values()), shares)
        rv = {k: v for k, v in q4.items() if k.startswith("rule_") and k.endswith("_value") and "reach" in k}
        check("no_compounds: its reach rule values are null", all(v is None for v in rv.values()), rv)


def case_empty_layers():
    """An empty facilities layer, an empty compounds layer, an empty street layer."""
    empty = []
    for layer, fname in [("facilities", "facilities.geojson"), ("compounds", "compounds.geojson"), ("street", "streets.geojson")]:
        case = f"empty_{layer}"
        d = fresh(case)
        save_fc(d, fname, empty)
        r = run(d)
        if not finished(case, r):
            continue
        s = summary(r.out)
        if layer == "facilities":
            c = features(r.out, "compounds", "compound_id")
            check(f"{case}: every distance is null", all(v is None for x in c.values() for k, v in x.items() if k.startswith("dist_")))
            u = features(r.out, "units_community", "unit_id")
            check(f"{case}: units with compounds have reach shares of 0",
                  all(x.get("reach_day_care_share") == 0 for x in u.values() if x["compounds"] > 0),
                  {k: x.get("reach_day_care_share") for k, x in u.items()})
        if layer == "compounds":
            u = features(r.out, "units_community", "unit_id")
            check(f"{case}: every unit has 0 compounds and null shares",
                  all(x["compounds"] == 0 and all(v is None for k, v in x.items() if k.startswith("reach_")) for x in u.values()))
            rules = {x["id"]: x for x in s["rules"]}
            check(f"{case}: reach rules are null with a note", rules["day_care_reach"]["value"] is None, rules["day_care_reach"])
        if layer == "street":
            check(f"{case}: the empty layer is reported", any("empty" in w for w in s.get("warnings", [])), s.get("warnings"))
        # validate does not say "ok" over an empty layer: it names it
        v = subprocess.run([exe, "validate", os.path.join(d, "data", "project.json")], capture_output=True, text=True)
        check(f"{case}: validate names the empty layer, and says no \"ok\"",
              v.returncode == 0 and f"empty: {layer} (no record" in v.stdout and "\nok:" not in v.stdout, v.stdout[-600:])


def case_swapped():
    """Points with latitude and longitude swapped are detected and reported as such."""
    d = fresh("swapped")
    r = run(d)
    if not finished("swapped", r):
        return
    rj = {(x["layer"], x["source_id"]): x["reason"] for x in rejected(r.out)}
    warnings = " ".join(summary(r.out).get("warnings", []))
    for layer, sid in [("compounds", "K7"), ("facilities", "F5")]:
        reason = rj.get((layer, sid), "")
        check(f"swapped: {layer} {sid} is rejected", (layer, sid) in rj)
        check(f"swapped: the reason for {layer} {sid} says latitude/longitude look swapped",
              "swap" in reason.lower() or "lat/lon" in reason.lower() or sid in warnings and "swap" in warnings.lower(), repr(reason))
    # The same in CGCS2000 (EPSG:4490), the datum of Chinese official data: lon/lat too.
    d = fresh("swapped_cgcs2000")
    p = project(d)
    p["layers"]["compounds"]["crs"] = "EPSG:4490"
    r = run(d, save_project(d, p))
    if finished("swapped_cgcs2000", r):
        reason = {(x["layer"], x["source_id"]): x["reason"] for x in rejected(r.out)}.get(("compounds", "K7"), "")
        check("swapped_cgcs2000: compounds K7 in EPSG:4490 is reported as swapped", "swap" in reason.lower(), repr(reason))
    # A whole layer in (lat, lon) order: every facility is reported, the run still ends.
    d = fresh("swapped_layer")
    fac = json.load(open(os.path.join(d, "data", "facilities.geojson"), encoding="utf-8"))["features"]
    for ft in fac:
        ft["geometry"]["coordinates"] = ft["geometry"]["coordinates"][::-1]
    save_fc(d, "facilities.geojson", fac)
    r = run(d)
    if finished("swapped_layer", r):
        s = summary(r.out)
        text = (json.dumps(s.get("warnings", []), ensure_ascii=False) + " " +
                " ".join(x["reason"] for x in rejected(r.out) if x["layer"] == "facilities")).lower()
        check("swapped_layer: a layer wholly in (lat, lon) order is reported as swapped", "swap" in text or "lat/lon" in text, text[:300])


def case_csv_bom_crlf():
    """Facilities from a spreadsheet export (UTF-8 BOM, CRLF) read as the GeoJSON ones."""
    d = fresh("csv_bom_crlf")
    p = project(d)
    p["layers"]["facilities"]["path"] = "facilities_bom_crlf.csv"
    pfile = save_project(d, p, "project_csv.json")
    # the project file itself with a BOM and CRLF line ends
    text = open(pfile, encoding="utf-8").read().replace("\n", "\r\n")
    open(pfile, "wb").write(b"\xef\xbb\xbf" + text.encode("utf-8"))
    r = run(d, pfile)
    if not finished("csv_bom_crlf", r):
        return
    f = features(r.out, "facilities", "facility_id")
    check("csv_bom_crlf: the first column (after the BOM) is the id field", {"F1", "F2", "F3", "F4"} <= set(f), sorted(f))
    check("csv_bom_crlf: no value keeps a CR", not any("\r" in str(v) for x in f.values() for v in x.values()))
    check("csv_bom_crlf: types are recognised", f.get("F3", {}).get("type") == "canteen", f.get("F3"))
    check("csv_bom_crlf: emoji names survive", f.get("F4", {}).get("name") == "养老院🏥", f.get("F4"))
    check("csv_bom_crlf: numbers are read", f.get("F4", {}).get("floor_area") == 3000, f.get("F4"))


def case_gbk():
    """A GBK shapefile without .cpg, and a GBK CSV: with `encoding` the names are right;
    without it the run still ends and every output stays valid UTF-8."""
    for with_enc in (True, False):
        case = "gbk_shapefile" + ("" if with_enc else "_no_encoding")
        d = fresh(case)
        p = project(d)
        p["layers"]["compounds"] = {"path": "compounds_gbk.shp", "id": "id", "name": "name", "year": "year", "households": "hh", "elderly": "old"}
        if with_enc:
            p["layers"]["compounds"]["encoding"] = "GBK"
        r = run(d, save_project(d, p))
        if finished(case, r) and with_enc:
            c = features(r.out, "compounds", "compound_id")
            check(f"{case}: names decoded from GBK", c.get("K3", {}).get("name") == "洞中小区", c.get("K3"))
    for with_enc in (True, False):
        case = "gbk_csv" + ("" if with_enc else "_no_encoding")
        d = fresh(case)
        p = project(d)
        p["layers"]["facilities"]["path"] = "facilities_gbk.csv"
        if with_enc:
            p["layers"]["facilities"]["encoding"] = "GBK"
        r = run(d, save_project(d, p))
        if finished(case, r) and with_enc:
            f = features(r.out, "facilities", "facility_id")
            check(f"{case}: names decoded from GBK", f.get("F1", {}).get("name") == "日照一", f.get("F1"))
            check(f"{case}: Chinese type labels recognised", f.get("F3", {}).get("type") == "canteen", f.get("F3"))


def circle(cx, cy, r, n):
    pts = [[round(cx + r * math.cos(2 * math.pi * i / n), 9), round(cy + r * math.sin(2 * math.pi * i / n), 9)] for i in range(n)]
    return {"type": "Polygon", "coordinates": [pts + [pts[0]]]}


def case_huge_polygon():
    """A 100,000-vertex community and a 100,000-vertex compound footprint."""
    d = fresh("huge_polygon")
    units = json.load(open(os.path.join(d, "data", "communities.geojson"), encoding="utf-8"))["features"]
    for u in units:
        if u["properties"]["code"] == "Q4":  # inside its old box, so the parents still hold
            u["geometry"] = circle(102.725, 25.0525, 0.0045, 100000)
    save_fc(d, "communities.geojson", units)
    comps = json.load(open(os.path.join(d, "data", "compounds.geojson"), encoding="utf-8"))["features"]
    comps.append({"type": "Feature", "properties": {"id": "KH", "name": "巨型", "year": 2020, "hh": 1000, "old": 100},
                  "geometry": circle(102.725, 25.0525, 0.001, 100000)})
    save_fc(d, "compounds.geojson", comps)
    r = run(d)
    if not finished("huge_polygon", r):
        return
    print(f"     (run took {r.seconds:.1f} s)")
    check("huge_polygon: finishes within 120 s", r.seconds < 120, f"{r.seconds:.1f} s")
    c = features(r.out, "compounds", "compound_id")
    check("huge_polygon: the huge compound lies in the huge community", c.get("KH", {}).get("community_id") == "Q4", c.get("KH"))


def case_huge_numbers():
    """Numbers near DBL_MAX (a GeoJSON number 1e308): never inf/NaN in any output; in one
    compound or facility such a figure is implausible and read as unknown (repairs.csv)."""
    d = fresh("huge_numbers")
    comps = json.load(open(os.path.join(d, "data", "compounds.geojson"), encoding="utf-8"))["features"]
    for c in comps:  # a numeric column, so that GDAL hands over doubles
        c["properties"]["hh"] = 1e308 if c["properties"]["id"] in ("K1", "K2") else None
    save_fc(d, "compounds.geojson", comps)
    fac = json.load(open(os.path.join(d, "data", "facilities.geojson"), encoding="utf-8"))["features"]
    for f in fac:
        f["properties"]["beds"] = 1.5e308 if f["properties"]["fid"] == "F4" else None
    save_fc(d, "facilities.geojson", fac)
    r = run(d)
    if not finished("huge_numbers", r):
        return
    c = features(r.out, "compounds", "compound_id")
    check("huge_numbers: 1e308 households are read as unknown", "K1" in c and c["K1"].get("households") is None, c.get("K1"))
    f = features(r.out, "facilities", "facility_id")
    check("huge_numbers: 1.5e308 beds are read as unknown", "F4" in f and f["F4"].get("beds") is None, f.get("F4"))
    rep = open(os.path.join(r.out, "repairs.csv"), encoding="utf-8-sig").read()
    check("huge_numbers: ... each listed in repairs.csv as implausible",
          "K1,\"households: 1e+308 is implausible for one compound" in rep and "F4,\"beds: 1.5e+308 is implausible for one facility" in rep,
          [l for l in rep.splitlines() if "implausible" in l])
    cov = open(os.path.join(r.out, "coverage.csv"), encoding="utf-8-sig").read()
    check("huge_numbers: coverage.csv has no inf cell", "inf" not in cov.lower(), [l for l in cov.splitlines() if "inf" in l.lower()])


CASES = {"shapes": case_shapes, "empty_type": case_empty_type, "no_compounds": case_no_compounds, "empty_layers": case_empty_layers,
         "swapped": case_swapped, "csv_bom_crlf": case_csv_bom_crlf, "gbk": case_gbk, "huge_polygon": case_huge_polygon,
         "huge_numbers": case_huge_numbers}

if __name__ == "__main__":
    for name in wanted or CASES:
        if name not in CASES:
            sys.exit(f"unknown case {name!r} (cases: {', '.join(CASES)})")
        CASES[name]()
    print(f"{len(FAILED)} check(s) failed" if FAILED else "all checks passed")
    sys.exit(1 if FAILED else 0)
