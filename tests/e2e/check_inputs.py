#!/usr/bin/env python3
"""Input robustness (issue 13): nothing lost, nothing silently wrong, no warning unseen.

    check_inputs.py LIFECIRCLE FIXTURES WORKDIR [CASE ...]      (default: every case)

FIXTURES is tests/fixtures (inputs/ holds this script's data, written by
inputs/make_fixtures.py, whose docstrings work out the expected figures; errors/ and
hand/ are shared). Each case works in WORKDIR/<case> and prints one line per check; the
exit status is 1 when any check failed. The one-message error cases are error_test()s
in tests/CMakeLists.txt.
"""
import csv, decimal, io, json, os, shutil, stat, subprocess, sys

from e2e_check import FAILED, check, echo_passes  # noqa: E402

echo_passes()

exe, fixtures, work = (os.path.abspath(a) for a in sys.argv[1:4])
wanted = sys.argv[4:]
INPUTS = os.path.join(fixtures, "inputs")
HAND = os.path.join(fixtures, "hand")


def fresh(case):
    d = os.path.join(work, case)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def lc(*args, timeout=120):
    return subprocess.run([exe, *args], capture_output=True, text=True, errors="replace", timeout=timeout)


def warnings_of(stderr):
    return [l[len("lifecircle: warning: "):] for l in stderr.splitlines() if l.startswith("lifecircle: warning: ")]


def summary(out):
    return json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))


def rule(s, rid):
    return next(r for r in s["rules"] if r["id"] == rid)


def hand_project(d, **changes):
    p = json.load(open(os.path.join(HAND, "project.json"), encoding="utf-8"))
    for layer in p["layers"].values():
        layer["path"] = os.path.join(HAND, layer["path"])
    p.update(changes)
    return p


def save(path, obj):
    json.dump(obj, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
    return path


def case_deep_batch():
    """A batch whose base (or the batch file itself) is 200 KB of nested arrays: exit 2
    naming the pointer, and nothing left beside --out (no staging folder)."""
    d = fresh("deep_batch")
    deep = os.path.join(fixtures, "errors", "deep.json")
    base_batch = save(os.path.join(d, "batch.json"), {"base": deep, "scenarios": [{"id": "a", "patch": {}}]})
    shutil.copy(deep, os.path.join(d, "deep_batch_file.json"))
    for label, f in [("base project", base_batch), ("batch file", os.path.join(d, "deep_batch_file.json"))]:
        out = os.path.join(d, "out")
        r = lc("batch", f, "--out", out, "--quiet")
        check(f"deep_batch: {label}: exit 2 naming the depth", r.returncode == 2 and "nested deeper than 64" in r.stderr, r.stderr[:300])
        left = sorted(n for n in os.listdir(d) if n not in ("batch.json", "deep_batch_file.json"))
        check(f"deep_batch: {label}: no output or staging folder left", left == [], left)


def case_fifo():
    """A FIFO where a layer, a shapefile's .dbf or the project file should be: refused by
    name at once (exit 3 for data, 2 for the project file), never a blocked process."""
    d = fresh("fifo")
    os.mkfifo(os.path.join(d, "pipe.geojson"))
    p = hand_project(d)
    p["layers"]["compounds"]["path"] = os.path.join(d, "pipe.geojson")
    try:
        r = lc("validate", save(os.path.join(d, "p.json"), p), timeout=30)
        check("fifo: layer: exit 3 naming the FIFO", r.returncode == 3 and "pipe.geojson" in r.stderr and "FIFO" in r.stderr, r.stderr)
    except subprocess.TimeoutExpired:
        check("fifo: layer: exit 3 naming the FIFO", False, "blocked (timeout)")
    for ext in ("shp", "shx", "prj", "cpg"):
        shutil.copy(os.path.join(INPUTS, "u8names", "compounds." + ext), os.path.join(d, "k." + ext))
    os.mkfifo(os.path.join(d, "k.dbf"))
    p["layers"]["compounds"] = {"path": os.path.join(d, "k.shp"), "id": "编号"}
    try:
        r = lc("validate", save(os.path.join(d, "p2.json"), p), timeout=30)
        check("fifo: shapefile .dbf: exit 3 naming it", r.returncode == 3 and "k.dbf" in r.stderr and "FIFO" in r.stderr, r.stderr)
    except subprocess.TimeoutExpired:
        check("fifo: shapefile .dbf: exit 3 naming it", False, "blocked (timeout)")
    try:
        r = lc("validate", os.path.join(d, "pipe.geojson"), timeout=30)
        check("fifo: project file: exit 2 naming it", r.returncode == 2 and "FIFO" in r.stderr, r.stderr)
    except subprocess.TimeoutExpired:
        check("fifo: project file: exit 2 naming it", False, "blocked (timeout)")


def run_fixture(case):
    """Runs tests/fixtures/inputs/CASE/project.json: (result, output folder, summary or None)."""
    out = os.path.join(fresh(case), "out")
    r = lc("run", os.path.join(INPUTS, case, "project.json"), "--out", out, "--quiet")
    if not check(f"{case}: run exits 0", r.returncode == 0, r.stderr):
        return r, out, None
    return r, out, summary(out)


def households_share(case, s, want, worked, unknown):
    """r_reach_hh's value is `want` (`worked` says how) with one compound (`unknown`) of unknown households."""
    reach = rule(s, "r_reach_hh")
    check(f"{case}: households share {worked}", abs(reach["value"] - want) < 1e-6, reach)
    check(f"{case}: {unknown} counted in households_unknown", reach["details"].get("households_unknown") == 1, reach["details"])


def case_negative():
    """-9999 sentinels, elderly > population, nursing_beds > beds, a JSON list, a signed
    year, a label padded with U+3000 (figures worked out in make_fixtures.py negative())."""
    r, out, s = run_fixture("negative")
    if s is None:
        return
    households_share("negative", s, 10496 / 19999, "10496 / 19999, not 1.0496", "the -9999 compound")
    nursing = rule(s, "r_nursing")
    check("negative: nursing ratio 70 / 200 with one numerator unknown", abs(nursing["value"] - 0.35) < 1e-9 and
          nursing["details"]["numerator_unknown"] == 1, nursing)
    for rr in s["rules"]:
        if rr["check"] in ("reach_share", "min_count", "compound_support") and rr["value"] is not None:
            check(f"negative: {rr['id']} share in [0, 1]", 0 <= rr["value"] <= 1, rr["value"])
    rep = list(csv.DictReader(io.open(os.path.join(out, "repairs.csv"), encoding="utf-8-sig")))
    said = {(x["source_id"], x["what"].split(":")[0]): x["what"] for x in rep}
    check("negative: repairs.csv: K4 households -9999 impossible", "-9999 is impossible" in said.get(("K4", "households"), ""), rep)
    check("negative: repairs.csv: K2 elderly exceeds population", "exceeds the population" in said.get(("K2", "elderly"), ""), rep)
    check("negative: repairs.csv: F5 nursing_beds exceed beds", "exceeds the beds" in said.get(("F5", "nursing_beds"), ""), rep)
    check("negative: repairs.csv: K1 population is a list", "a list" in said.get(("K1", "population"), ""), rep)
    check("negative: repairs.csv: K3 year -2016 unreadable", "cannot be read" in said.get(("K3", "year"), ""), rep)
    w = warnings_of(r.stderr)
    check("negative: stderr warns about compounds.households", any(x.startswith("compounds.households: 1 impossible") for x in w), w)
    check("negative: stderr warns about facilities.nursing_beds", any(x.startswith("facilities.nursing_beds: 1") for x in w), w)
    rej = list(csv.DictReader(io.open(os.path.join(out, "rejected.csv"), encoding="utf-8-sig")))
    check("negative: the U+3000-padded label is a day-care centre (nothing rejected)", rej == [], rej)
    fac = json.load(open(os.path.join(out, "facilities.geojson"), encoding="utf-8"))
    f7 = [f["properties"] for f in fac["features"] if f["properties"]["facility_id"] == "F7"]
    check("negative: F7 typed day_care", f7 and f7[0]["type"] == "day_care", f7)


def case_implausible():
    """Figures too large for one record are read as unknown, each in repairs.csv and
    warned per field; the rules they would have carried are worked in make_fixtures.py
    implausible(): the households share 0.5 (not 0.0000056), the family beds 300 of 4000
    (failing, not passing with 250300)."""
    r, out, s = run_fixture("implausible")
    if s is None:
        return
    households_share("implausible", s, 0.5, "5000 / 10000, not 0.0000056", "K2")
    fam = rule(s, "r_family")
    check("implausible: family beds 300, the target of 4000 not met", fam["value"] == 300 and fam["pass"] is False, fam)
    rep = list(csv.DictReader(io.open(os.path.join(out, "repairs.csv"), encoding="utf-8-sig")))
    said = {(x["source_id"], x["what"].split(":")[0]): x["what"] for x in rep}
    check("implausible: repairs.csv: K2 households",
          "900000000 is implausible for one compound (more than 100000" in said.get(("K2", "households"), ""), rep)
    check("implausible: repairs.csv: F6 family_beds",
          "250000 is implausible for one facility (more than 10000" in said.get(("F6", "family_beds"), ""), rep)
    check("implausible: repairs.csv: F6 beds", "150000 is implausible" in said.get(("F6", "beds"), ""), rep)
    w = warnings_of(r.stderr)
    for field in ("compounds.households", "facilities.beds", "facilities.family_beds"):
        check(f"implausible: stderr warns about {field}",
              any(x.startswith(field + ": 1 impossible or implausible figure(s) read as unknown (null)") for x in w), w)


def case_stray():
    """working_crs auto with a stray district near (0.5, 0.5): the zone is the compounds'
    (EPSG:32648, as the hand fixture), the stray is warned about by id, and the compound
    figures equal the hand fixture's."""
    d = fresh("stray")
    out, hand_out = os.path.join(d, "out"), os.path.join(d, "hand")
    r = lc("run", os.path.join(INPUTS, "stray", "project.json"), "--out", out, "--quiet")
    h = lc("run", os.path.join(HAND, "project.json"), "--out", hand_out, "--quiet")
    if not check("stray: both runs exit 0", r.returncode == 0 and h.returncode == 0, r.stderr + h.stderr):
        return
    s, sh = summary(out), summary(hand_out)
    check("stray: working CRS EPSG:32648", s["working_crs"] == "EPSG:32648", s["working_crs"])
    w = warnings_of(r.stderr)
    check("stray: the stray district is named on stderr", any("district D9" in x and "300 km" in x for x in w), w)
    for rid in ("r_reach", "r_support", "r_count", "r_kind"):
        check(f"stray: {rid} as in the hand fixture", rule(s, rid)["value"] == rule(sh, rid)["value"],
              (rule(s, rid)["value"], rule(sh, rid)["value"]))


def case_u8names():
    """A shapefile with a UTF-8 .cpg and Chinese field names cut at 10 bytes."""
    d = fresh("u8names")
    r = lc("validate", os.path.join(INPUTS, "u8names", "project.json"))
    check("u8names: validate exits 0", r.returncode == 0, r.stdout + r.stderr)
    check("u8names: 建成年份 matched to its cut name, and said so", 'field "建成年份" is read from "建成年"' in r.stdout, r.stdout)
    check("u8names: 老年人口数 matched to its cut name", 'field "老年人口数" is read from "老年人"' in r.stdout, r.stdout)
    check("u8names: no GBK decoding warning", "not UTF-8" not in r.stdout, r.stdout)
    out = os.path.join(d, "out")
    r = lc("run", os.path.join(INPUTS, "u8names", "project.json"), "--out", out, "--quiet")
    comp = json.load(open(os.path.join(out, "compounds.geojson"), encoding="utf-8"))
    years = {f["properties"]["compound_id"]: f["properties"]["build_year"] for f in comp["features"]}
    check("u8names: years read through the cut field name", years == {"K1": 2016, "K2": 2019}, years)
    r = lc("validate", os.path.join(INPUTS, "u8names", "project_missing_id.json"))
    check("u8names: a missing id field: exit 3 listing the names as QGIS shows them",
          r.returncode == 3 and "名称, 建成年, 户数, 老年人, 编号" in r.stderr, r.stderr)


def case_additions_rejected():
    """A scenario whose added facilities are all rejected: run exits 4 saying so; in a
    batch the scenario's status is additions_rejected and the batch exits 4."""
    d = fresh("additions_rejected")
    r = lc("run", os.path.join(HAND, "project.json"), "--scenario", os.path.join(INPUTS, "scenarios", "add_rejected.json"),
           "--out", os.path.join(d, "run"), "--quiet")
    w = warnings_of(r.stderr)
    check("additions_rejected: run exits 4", r.returncode == 4, r.stderr)
    check("additions_rejected: run: the first warning says so", w and "every facility of add_facilities was rejected" in w[0], w)
    out = os.path.join(d, "batch")
    r = lc("batch", os.path.join(INPUTS, "scenarios", "batch.json"), "--out", out, "--quiet")
    check("additions_rejected: batch exits 4", r.returncode == 4, r.stderr)
    rows = list(csv.DictReader(io.open(os.path.join(out, "comparison.csv"), encoding="utf-8-sig")))
    status = {x["scenario"]: x["status"] for x in rows}
    check("additions_rejected: comparison.csv flags the scenario", status.get("add-nothing") == "additions_rejected" and
          status.get("close-f2") == "ok", status)
    cmp = json.load(open(os.path.join(out, "comparison.json"), encoding="utf-8"))
    sc = {x["id"]: x for x in cmp["scenarios"]}
    check("additions_rejected: comparison.json status and reason", sc["add-nothing"]["status"] == "additions_rejected" and
          "rejected" in sc["add-nothing"].get("error", ""), sc["add-nothing"].get("status"))
    check("additions_rejected: batch names the scenario on stderr", "scenario add-nothing" in r.stderr, r.stderr)
    # A facility of a known type, read, but far from every unit: rejected only when placed
    # in the units, which is still every facility the scenario adds.
    check("additions_rejected: a scenario whose additions lie far from every unit is flagged too",
          status.get("add-far") == "additions_rejected" and "scenario add-far" in r.stderr, (status, r.stderr))
    far = list(csv.DictReader(io.open(os.path.join(out, "add-far", "rejected.csv"), encoding="utf-8-sig")))
    check("additions_rejected: add-far's rejected.csv lists F10 as an added facility, with its reason",
          [(x["layer"], x["source_id"]) for x in far] == [("facilities (added)", "F10")] and
          "farther than the largest reach" in far[0]["reason"], far)
    # With --outputs comparison there is no rejected.csv to see: stderr says how to get it
    r = lc("batch", os.path.join(INPUTS, "scenarios", "batch.json"), "--out", os.path.join(d, "cmp"), "--outputs", "comparison", "--quiet")
    check("additions_rejected: --outputs comparison says how to see the reasons",
          r.returncode == 4 and "--outputs comparison writes no rejected.csv: run it with --outputs full" in r.stderr, r.stderr)
    r = lc("run", os.path.join(HAND, "project.json"), "--scenario", os.path.join(INPUTS, "scenarios", "add_far.json"),
           "--out", os.path.join(d, "run-far"), "--quiet")
    w = warnings_of(r.stderr)
    check("additions_rejected: run with the far addition exits 4, its first warning saying so",
          r.returncode == 4 and w and "every facility of add_facilities was rejected (1;" in w[0], (r.returncode, w))
    # Two scenarios in one run, the far one and one whose addition is kept: the far one
    # is still flagged (each scenario is judged by its own additions)
    r = lc("run", os.path.join(HAND, "project.json"), "--scenario", os.path.join(INPUTS, "scenarios", "add_far.json"),
           "--scenario", os.path.join(INPUTS, "scenarios", "add_near.json"), "--out", os.path.join(d, "run-mixed"), "--quiet")
    w = warnings_of(r.stderr)
    check("additions_rejected: add_far beside add_near in one run: exit 4, add_far.json named first",
          r.returncode == 4 and w and "add_far.json: every facility of add_facilities was rejected (1;" in w[0] and
          not any("add_near.json: every facility" in x for x in w), (r.returncode, w))


def case_roads_missing_radius():
    """A roads file that is not there, in radius mode (which does not read the roads):
    run still says so, before a switch to network mode stops at it; figures unchanged."""
    d = fresh("roads_missing_radius")
    p = hand_project(d)
    p["layers"]["roads"] = {"path": os.path.join(d, "no_such_roads.geojson"), "class": "highway"}
    r = lc("run", save(os.path.join(d, "project.json"), p), "--out", os.path.join(d, "out"), "--quiet")
    w = warnings_of(r.stderr)
    check("roads_missing_radius: run exits 0 and warns of the missing roads file",
          r.returncode == 0 and any('no_such_roads.geojson: file not found (layer "roads"; not read in radius mode' in x for x in w),
          (r.returncode, w))


def case_loud_warnings():
    """run shows its warnings on stderr: a layer with every record rejected first; ten
    warnings and a count of the rest; a rule without a value."""
    d = fresh("loud_warnings")
    # A required layer of which nothing can be used is no longer a warning: the run stops.
    r = lc("run", os.path.join(INPUTS, "scenarios", "all_rejected.json"), "--out", os.path.join(d, "a"), "--quiet")
    check("loud_warnings: all facilities rejected: exit 3", r.returncode == 3, r.stderr)
    check("loud_warnings: ... naming the file, the count and each reason with an example",
          "facilities_unknown.geojson: every record of the facilities layer was rejected (2 of 2): " in r.stderr
          and 'F9: unknown facility type "按摩店" (map it in type_map)' in r.stderr and "/layers/facilities" in r.stderr, r.stderr)
    check("loud_warnings: ... and no output folder", not os.path.exists(os.path.join(d, "a")), os.listdir(d))
    r = lc("run", os.path.join(INPUTS, "scenarios", "many_warnings.json"), "--out", os.path.join(d, "b"), "--quiet")
    w = warnings_of(r.stderr)
    total = len(summary(os.path.join(d, "b"))["warnings"])
    check("loud_warnings: ten shown", len(w) == 10, w)
    check("loud_warnings: the rest counted", f"... and {total - 10} more warning(s)" in r.stderr, (total, r.stderr[-300:]))
    # The twelve fields the facilities layer lacks are one warning naming every one.
    missing = [x for x in w if "has no field" in x]
    check("loud_warnings: missing fields are one warning", len(missing) == 1, w)
    check("loud_warnings: ... naming each field and what it was mapped as",
          missing and all(f'"missing{i:02d}" (mapped as attribute attr{i:02d})' in missing[0] for i in range(12))
          and missing[0].startswith(os.path.join(HAND, "facilities.geojson") + ": has no fields ")
          and "each is treated as unknown (null); its fields are: " in missing[0], missing)
    p = hand_project(d)
    p["rules"].append({"id": "r_null", "check": "reach_share", "types": ["day_care"], "weight": "population", "level": "street",
                       "source": "test"})
    p["layers"]["compounds"].pop("population")
    r = lc("run", save(os.path.join(d, "null.json"), p), "--out", os.path.join(d, "c"), "--quiet")
    check("loud_warnings: a rule that can only be null is warned about",
          any(x.startswith("rule r_null has no value") for x in warnings_of(r.stderr)), r.stderr)


def case_custom_type():
    """A type of one's own, declared in custom_types, is accepted and used."""
    d = fresh("custom_type")
    r = lc("validate", os.path.join(INPUTS, "scenarios", "custom_type.json"))
    check("custom_type: validate exits 0, the barber shop used", r.returncode == 0 and "facilities: 7 read, 7 used" in r.stdout,
          r.stdout + r.stderr)
    out = os.path.join(d, "out")
    r = lc("run", os.path.join(INPUTS, "scenarios", "custom_type.json"), "--out", out, "--quiet")
    fac = json.load(open(os.path.join(out, "facilities.geojson"), encoding="utf-8"))
    check("custom_type: F9 has the type barber", any(f["properties"]["facility_id"] == "F9" and f["properties"]["type"] == "barber"
                                                    for f in fac["features"]), r.stderr)


def case_type_typo():
    """A facility whose type label is one character off a known one (社区日间照料中心 ->
    社区日间照料中x) is rejected with its reason and warned on stderr once, with the
    known label it was probably meant to be; it is not counted as a day-care centre."""
    d = fresh("type_typo")
    fac = json.load(open(os.path.join(HAND, "facilities.geojson"), encoding="utf-8"))
    fac["features"][0]["properties"]["type"] = "社区日间照料中x"
    save(os.path.join(d, "facilities.geojson"), fac)
    p = hand_project(d)
    p["layers"]["facilities"]["path"] = os.path.join(d, "facilities.geojson")
    out = os.path.join(d, "out")
    r = lc("run", save(os.path.join(d, "project.json"), p), "--out", out, "--quiet")
    check("type_typo: run exits 0", r.returncode == 0, r.stderr)
    w = [x for x in warnings_of(r.stderr) if "unknown type" in x]
    check("type_typo: one warning names the label and the likely one",
          len(w) == 1 and '1 facility of unknown type "社区日间照料中x" rejected (did you mean "社区日间照料中心"?)' in w[0], r.stderr)
    rej = list(csv.DictReader(io.open(os.path.join(out, "rejected.csv"), encoding="utf-8-sig")))
    check("type_typo: F1 is in rejected.csv with its reason",
          any(x["source_id"] == "F1" and "unknown facility type" in x["reason"] for x in rej), rej)
    used = json.load(open(os.path.join(out, "facilities.geojson"), encoding="utf-8"))["features"]
    check("type_typo: F1 is not among the facilities used", all(f["properties"]["facility_id"] != "F1" for f in used))
    n = len(fac["features"])
    check("type_typo: the layer's rejections are warned, with an example, also with --quiet",
          any(x.startswith(f"facilities: 1 of {n} record(s) rejected, e.g. F1: unknown facility type") and x.endswith("rejected.csv")
              for x in warnings_of(r.stderr)), r.stderr)


def case_network_allowed():
    """--allow-network-paths lets a /vsicurl/ path through to GDAL (here a refused
    connection: exit 3 reading it, not exit 2 refusing it)."""
    fresh("network_allowed")
    r = lc("validate", os.path.join(fixtures, "errors", "network_path.json"), "--allow-network-paths", timeout=60)
    check("network_allowed: read and failed as input (exit 3)", r.returncode == 3, r.stderr)


def case_site_label():
    """site --type takes a label the type map knows."""
    d = fresh("site_label")
    out = os.path.join(d, "out")
    r = lc("site", os.path.join(HAND, "project.json"), "--type", "社区日间照料中心", "--count", "1", "--out", out, "--quiet")
    ok = r.returncode == 0
    check("site_label: exit 0", ok, r.stderr)
    if ok:
        s = json.load(open(os.path.join(out, "site_summary.json"), encoding="utf-8"))
        check("site_label: sited as day_care", s["type"] == "day_care", s["type"])


def case_nonsense_figures():
    """Figures that cannot be what their column says are unknown, noted and warned, never
    used. On a copy of tests/fixtures/census (worked in tests/unit/units/test_demographics.cpp):
    community census C1's elderly "20%" (a share), C2's 5000 households of 2000 residents,
    C2's elderly "百分之二十" (twenty percent, in words), a row for C3 with 0 residents beside 40 households; compound K1's elderly "16%" and
    K4's 0.5 households; facility F2's medical_care "已开展" (neither yes nor no) and F3's
    "√" (yes); C2's 老年友好社区 "已创建" (neither); street S2's kind "twonship".
    r_friendly = communities elderly-friendly: C1 (是) of C1, C2 (unknown), C3 (否) = 1/3,
    with C2 counted in units_unknown, not silently as a no.
    r_med = beds of nursing homes and regional centres with medical care / all their beds:
    F1 30 (是) + F3 20 (√) = 50 of F1 30 + F2 50 + F3 20 = 100 beds: 0.5. Were "√" not
    read as yes, 0.3; F2's "已开展" counts as not meeting the test, and is said so."""
    d = fresh("nonsense_figures")
    src = os.path.join(fixtures, "census")
    for f in os.listdir(src):
        shutil.copy(os.path.join(src, f), d)
    cen = os.path.join(d, "communities_census.csv")
    rows = list(csv.reader(io.open(cen, encoding="utf-8-sig")))
    head = rows[0]
    for r in rows[1:]:
        if r[0] == "C1":
            r[head.index("60岁及以上")] = "20%"
        if r[0] == "C2":
            r[head.index("户数")] = "5000"
            r[head.index("60岁及以上")] = "百分之二十"  # twenty percent, in words: no 20 people
            r[head.index("老年友好社区")] = "已创建"
    rows.append(["C3", "0", "40", "10", "2", "否"])
    with io.open(cen, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)

    def edit(layer, key, change):
        path = os.path.join(d, layer + ".geojson")
        g = json.load(open(path, encoding="utf-8"))
        for ft in g["features"]:
            change(ft["properties"]) if ft["properties"].get(key[0]) == key[1] else None
        save(path, g)
    edit("compounds", ("id", "K1"), lambda q: q.__setitem__("old", "16%"))
    edit("compounds", ("id", "K4"), lambda q: q.__setitem__("hh", 0.5))
    edit("facilities", ("fid", "F2"), lambda q: q.__setitem__("yljh", "已开展"))
    edit("facilities", ("fid", "F3"), lambda q: q.__setitem__("yljh", "√"))
    edit("streets", ("code", "S2"), lambda q: q.__setitem__("kind", "twonship"))
    p = json.load(open(os.path.join(d, "project.json"), encoding="utf-8"))
    p["rules"] = [{"id": "r_med", "check": "ratio",
                   "numerator": {"attr": "beds", "types": ["nursing_home", "regional_center"], "where": {"medical_care": True}},
                   "denominator": {"attr": "beds", "types": ["nursing_home", "regional_center"]}, "min": 0.6, "source": "test"},
                  {"id": "r_friendly", "check": "unit_share", "level": "community", "attribute": {"elderly_friendly": True},
                   "target_share": 0.5, "source": "test"}]
    out = os.path.join(d, "out")
    r = lc("run", save(os.path.join(d, "project.json"), p), "--out", out, "--quiet")
    if not check("nonsense_figures: run exits 0", r.returncode == 0, r.stderr):
        return
    s = summary(out)
    med = rule(s, "r_med")
    check("nonsense_figures: r_med 50 / 100 beds (√ is yes), failing 0.6", abs(med["value"] - 0.5) < 1e-9 and med["pass"] is False, med)
    fr = rule(s, "r_friendly")
    check("nonsense_figures: r_friendly 1 of 3 communities (C1 是), C2's 已创建 unknown, not a no",
          abs(fr["value"] - 1 / 3) < 1e-9 and fr["details"].get("units_unknown") == 1, fr)
    units = {f["properties"]["unit_id"]: f["properties"]
             for f in json.load(open(os.path.join(out, "units_community.geojson"), encoding="utf-8"))["features"]}
    check("nonsense_figures: C1 elderly unknown, not 20", units["C1"]["census_elderly"] is None and units["C1"]["census_population"] == 3000,
          units["C1"])
    check("nonsense_figures: C2 households and elderly (百分之二十) unknown, population 2000",
          units["C2"]["census_households"] is None and units["C2"]["census_elderly"] is None and
          units["C2"]["census_population"] == 2000, units["C2"])
    check("nonsense_figures: C3 population unknown, households 40",
          units["C3"]["census_population"] is None and units["C3"]["census_households"] == 40, units["C3"])
    rep = list(csv.DictReader(io.open(os.path.join(out, "repairs.csv"), encoding="utf-8-sig")))
    said = {(x["source_id"], x["what"].split(":")[0]): x["what"] for x in rep}
    for key, text in [(("C1", "elderly"), '(written "20%") is a percentage'), (("C2", "elderly"), '(written "百分之二十") is a percentage'), (("C2", "households"), "5000 exceed the population 2000"),
                      (("C3", "population"), "0 is impossible beside households 40"), (("K1", "elderly"), '(written "16%")'),
                      (("K4", "households"), "0.5 is a share, not a count"), (("F2", "medical_care"), '"已开展" is not a yes or no')]:
        check(f"nonsense_figures: repairs.csv: {key[0]} {key[1]}: {text}", text in said.get(key, ""), rep)
    check("nonsense_figures: repairs.csv: F3's √ is read as it is", ("F3", "medical_care") not in said, rep)
    w = warnings_of(r.stderr)
    for start in ("census.elderly: 2 impossible", "census.households: 1 impossible", "census.population: 1 impossible",
                  "compounds.elderly: 1 impossible", "compounds.households: 1 impossible"):
        check(f"nonsense_figures: stderr: {start}", any(x.startswith(start) for x in w), w)
    check("nonsense_figures: stderr: medical_care neither yes nor no",
          any('1 value(s) of attribute "medical_care" read as neither yes nor no (e.g. "已开展")' in x for x in w), w)
    check("nonsense_figures: stderr: the unknown kind", any('1 unit(s) of kind "twonship" not recognised, taken as street' in x for x in w), w)


def demo_copy(case):
    """A fresh folder holding a copy of data/demo's files."""
    d = fresh(case)
    demo = os.path.join(os.path.dirname(fixtures), "..", "data", "demo")
    for f in os.listdir(demo):
        if os.path.isfile(os.path.join(demo, f)):
            shutil.copy(os.path.join(demo, f), d)
    return d


def case_census_codes():
    """Census codes a spreadsheet wrote as numbers ("530102001001.0") or marked as text
    ("'530102001002") join their communities, with one warning; on a copy of data/demo,
    whose census_communities.csv otherwise joins all but the planted 530199099099."""
    d = demo_copy("census_codes")
    cen = os.path.join(d, "census_communities.csv")
    rows = list(csv.reader(io.open(cen, encoding="utf-8-sig")))
    rows[1][0] += ".0"
    rows[2][0] = "'" + rows[2][0]
    with io.open(cen, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    r = lc("run", os.path.join(d, "project.json"), "--out", os.path.join(d, "out"), "--quiet")
    if not check("census_codes: run exits 0", r.returncode == 0, r.stderr):
        return
    w = warnings_of(r.stderr)
    check("census_codes: one warning for the two codes",
          any("2 code(s) written by a spreadsheet as a number or as text (" + rows[1][0] + " as " + rows[1][0][:-2] + ") read as plain codes" in x
              for x in w), w)
    unmatched = [x for x in w if "match no community id" in x]
    check("census_codes: only the planted code matches no community",
          len(unmatched) == 1 and "1 code(s) match no community id: 530199099099" in unmatched[0], unmatched)


def case_census_gbk():
    """A census CSV saved in GBK (no encoding declared) is decoded whole: "约7128" is
    written in GBK as D4 BC 37 31 32 38, whose first two bytes also read as UTF-8 (the
    Armenian "Լ"), so decoded value by value it came out as "Լ7128". Here every value
    is GBK: repairs.csv quotes "约7128" and the figure is 7128. The same with the
    encoding declared on the table ("GBK"), then without a warning about it."""
    d = demo_copy("census_gbk")
    cen = os.path.join(d, "census_communities.csv")
    rows = list(csv.reader(io.open(cen, encoding="utf-8-sig")))
    code, pop = rows[2][0], rows[2][2]  # 530102001002, 7128
    rows[2][2] = "约" + pop
    with io.open(cen, "w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows(rows)
    out = os.path.join(d, "out")
    r = lc("run", os.path.join(d, "project.json"), "--out", out, "--quiet")
    if not check("census_gbk: run exits 0", r.returncode == 0, r.stderr):
        return
    check("census_gbk: the file is said to be read as GB18030", any("text is not UTF-8; read as GB18030" in x for x in warnings_of(r.stderr)),
          r.stderr)
    said = [x["what"] for x in read_csv(os.path.join(out, "repairs.csv")) if x["source_id"] == code]
    check(f'census_gbk: repairs.csv quotes "约{pop}" as written', said == [f'population: "约{pop}" read as {pop}'], said)
    units = {f["properties"]["unit_id"]: f["properties"]
             for f in json.load(open(os.path.join(out, "units_community.geojson"), encoding="utf-8"))["features"]}
    check(f"census_gbk: {code}'s census population is {pop}", units[code]["census_population"] == float(pop), units[code])
    p = json.load(open(os.path.join(d, "project.json"), encoding="utf-8"))
    p["census"][0]["encoding"] = "GBK"
    out = os.path.join(d, "out-declared")
    r = lc("run", save(os.path.join(d, "project-declared.json"), p), "--out", out, "--quiet")
    said = [x["what"] for x in read_csv(os.path.join(out, "repairs.csv")) if x["source_id"] == code]
    check(f'census_gbk: declared GBK: repairs.csv quotes "约{pop}" as written', r.returncode == 0 and
          said == [f'population: "约{pop}" read as {pop}'], (r.stderr, said))
    check("census_gbk: declared GBK: no warning asking to declare it", "text is not UTF-8" not in r.stderr, r.stderr)


def read_csv(path):
    return list(csv.DictReader(io.open(path, encoding="utf-8-sig")))


def case_odd_compounds():
    """Compounds whose geometry or year cannot be taken as they are (inputs/odd_compounds,
    see make_fixtures.py): an unclosed ring closed and noted, a ring of three points and a
    compound 50 km across rejected with their true reasons, build years to come kept and
    warned once."""
    d = fresh("odd_compounds")
    out = os.path.join(d, "out")
    r = lc("run", os.path.join(INPUTS, "odd_compounds", "project.json"), "--out", out, "--quiet")
    if not check("odd_compounds: run exits 0", r.returncode == 0, r.stderr):
        return
    rej = {x["source_id"]: x["reason"] for x in read_csv(os.path.join(out, "rejected.csv"))}
    rep = [(x["source_id"], x["what"]) for x in read_csv(os.path.join(out, "repairs.csv"))]
    check("odd_compounds: the unclosed ring is closed, noted, and the compound used",
          "K1" not in rej and any(i == "K1" and "a polygon ring was not closed" in w for i, w in rep), (rej, rep))
    check("odd_compounds: a ring of three points is rejected as having no area",
          rej.get("K2", "").startswith("a polygon ring of 3 point(s) has no area"), rej)
    check("odd_compounds: a compound 50 km across is rejected as implausibly large",
          rej.get("K3", "").startswith("implausibly large for a residential compound (50.0 km across, 2000.00 km²"), rej)
    comp = json.load(open(os.path.join(out, "compounds.geojson"), encoding="utf-8"))
    used = sorted(f["properties"]["compound_id"] for f in comp["features"])
    check("odd_compounds: the others are used", used == ["K1", "K4", "K5", "K6"], used)
    years = [i for i, w in rep if "(the run's year); taken as given, as a planned compound" in w]
    check("odd_compounds: each build year to come is in repairs.csv", years == ["K4", "K5"], rep)
    w = [x for x in warnings_of(r.stderr) if "with a build year after" in x]
    check("odd_compounds: ... and warned once, with the count and an example",
          len(w) == 1 and "2 compound(s) with a build year after" in w[0] and "e.g. K4: 2090" in w[0], warnings_of(r.stderr))
    r = lc("run", os.path.join(INPUTS, "odd_compounds", "project.json"), "--out", os.path.join(d, "asof"), "--quiet", "--as-of", "2095")
    check("odd_compounds: with --as-of 2095 those years are not to come", r.returncode == 0 and "build year after" not in r.stderr, r.stderr)


def case_multilayer_pick():
    """A GeoPackage of districts, compounds and facilities read for the facilities without
    "layer": its only point layer is read, with a warning naming it (the error for two
    candidate layers is error_multilayer_no_layer)."""
    d = fresh("multilayer_pick")
    r = lc("run", os.path.join(INPUTS, "odd_compounds", "project_gpkg_facilities.json"), "--out", os.path.join(d, "out"), "--quiet")
    check("multilayer_pick: run exits 0", r.returncode == 0, r.stderr)
    check("multilayer_pick: warns which layer it read and why",
          any('holds 3 layers (districts (Polygon), compounds (Polygon), facilities (Point)); reading "facilities", the only one that can hold Points'
              in x for x in warnings_of(r.stderr)), r.stderr)
    # Compounds may be points (SPEC 3): a GeoPackage of the communities' polygons and the
    # compounds as points, read for the compounds without "layer", is not read as the
    # communities (it was: "the only one that can hold Polygons") but refused (exit 2).
    if not check("multilayer_pick: ogr2ogr (GDAL) is installed", shutil.which("ogr2ogr") is not None):
        return
    gpkg = os.path.join(d, "points.gpkg")
    subprocess.run(["ogr2ogr", "-f", "GPKG", gpkg, os.path.join(HAND, "communities.geojson"), "-nln", "communities"], check=True)
    k = json.load(open(os.path.join(HAND, "compounds.geojson"), encoding="utf-8"))
    for ft in k["features"]:
        g = ft["geometry"]
        if g["type"] == "Polygon":  # the mean of the outer ring's corners: inside these boxes
            ring = g["coordinates"][0][:-1]
            ft["geometry"] = {"type": "Point", "coordinates": [sum(c[0] for c in ring) / len(ring), sum(c[1] for c in ring) / len(ring)]}
    points = save(os.path.join(d, "compound_points.geojson"), k)
    subprocess.run(["ogr2ogr", "-f", "GPKG", "-update", gpkg, points, "-nln", "compounds"], check=True)
    p = hand_project(d)
    p["layers"]["compounds"]["path"] = gpkg
    p["layers"]["compounds"].pop("layer", None)
    r = lc("validate", save(os.path.join(d, "points.json"), p))
    check("multilayer_pick: point compounds beside polygon communities: exit 2, both layers named",
          r.returncode == 2 and "points.gpkg holds 2 layers (communities (Polygon), compounds (Point)) and which one to read is not given" in r.stderr,
          r.stdout + r.stderr)


def case_census_utf16():
    """A census table saved by Excel as "Unicode text" (UTF-16 with a byte order mark,
    tab-separated) reads as its UTF-8 original, little- or big-endian, with a warning;
    UTF-16 without a byte order mark is refused, saying how to save it."""
    d = fresh("census_utf16")
    src = os.path.join(fixtures, "census")
    runs = {}
    for variant, encoding, bom in [("utf8", None, b""), ("le", "utf-16-le", b"\xff\xfe"), ("be", "utf-16-be", b"\xfe\xff"),
                                   ("nobom", "utf-16-le", b"")]:
        w = os.path.join(d, variant)
        shutil.copytree(src, w)
        cen = os.path.join(w, "communities_census.csv")
        if encoding:
            rows = list(csv.reader(io.open(cen, encoding="utf-8-sig")))
            text = "".join("\t".join(row) + "\r\n" for row in rows)
            with open(cen, "wb") as f:
                f.write(bom + text.encode(encoding))
        runs[variant] = lc("run", os.path.join(w, "project.json"), "--out", os.path.join(w, "out"), "--quiet")
    if not check("census_utf16: the UTF-8 original runs", runs["utf8"].returncode == 0, runs["utf8"].stderr):
        return
    def figures(variant):
        return [open(os.path.join(d, variant, "out", f), encoding="utf-8-sig").read() for f in ("coverage.csv", "units_community.geojson")]
    want = figures("utf8")
    for variant in ("le", "be"):
        r = runs[variant]
        if not check(f"census_utf16: {variant}: exit 0", r.returncode == 0, r.stderr):
            continue
        got = figures(variant)
        check(f"census_utf16: {variant}: the same figures as from UTF-8", got == want, got[0][:300])
        check(f"census_utf16: {variant}: a warning says how it was read",
              any('communities_census.csv: UTF-16 text (Excel\'s "Unicode text") read as UTF-8, tab-separated' in x
                  for x in warnings_of(r.stderr)), r.stderr)
    r = runs["nobom"]
    check("census_utf16: UTF-16 without a byte order mark: exit 3 saying to save as CSV UTF-8",
          r.returncode == 3 and 'looks like UTF-16 text without a byte order mark; save it as "CSV UTF-8"' in r.stderr, r.stderr)


def case_census_workbook():
    """A census workbook (.xlsx, made here with ogr2ogr) whose first sheet is notes: the
    one sheet with every mapped column is read, with a warning, even though every cell of
    it is text (GDAL took its header row for data: "no column 社区代码; its columns are
    Field1 ..."); two such sheets are a project-file error (exit 2) naming them; with none,
    the missing column's error names the sheets. On a copy of data/demo."""
    d = fresh("census_workbook")
    if not check("census_workbook: ogr2ogr (GDAL) is installed", shutil.which("ogr2ogr") is not None):
        return
    demo = os.path.join(os.path.dirname(fixtures), "..", "data", "demo")
    for f in os.listdir(demo):
        if os.path.isfile(os.path.join(demo, f)):
            shutil.copy(os.path.join(demo, f), d)
    with open(os.path.join(d, "notes.csv"), "w", encoding="utf-8") as f:
        f.write("说明,来源\n2020年第七次全国人口普查,区统计局\n")
    def workbook(name, sheets):
        path = os.path.join(d, name)
        for i, (csv_file, sheet) in enumerate(sheets):
            subprocess.run(["ogr2ogr", "-f", "XLSX"] + (["-update"] if i else []) + [path, os.path.join(d, csv_file), "-nln", sheet],
                           check=True, capture_output=True)
        return path
    p = json.load(open(os.path.join(d, "project.json"), encoding="utf-8"))
    def validate(book):
        p["census"][0]["path"] = book
        return lc("validate", save(os.path.join(d, "p.json"), p))
    want = lc("validate", os.path.join(d, "project.json"))
    r = validate(workbook("one.xlsx", [("notes.csv", "说明"), ("census_communities.csv", "社区")]))
    check("census_workbook: the sheet with the columns is read: exit 0", r.returncode == 0, r.stdout + r.stderr)
    check("census_workbook: a warning names the sheet read",
          'one.xlsx: reading the sheet "社区", the only one of "说明", "社区" with the columns /census/0 maps' in r.stdout + r.stderr,
          r.stdout + r.stderr)
    check("census_workbook: every code joins, as from the CSV (only the planted 530199099099 does not)",
          "1 code(s) match no community id: 530199099099" in r.stdout + r.stderr
          and "1 code(s) match no community id: 530199099099" in want.stdout + want.stderr, r.stdout + r.stderr)
    r = validate(workbook("two.xlsx", [("notes.csv", "说明"), ("census_communities.csv", "社区"), ("census_communities.csv", "社区2")]))
    check("census_workbook: two sheets with the columns: exit 2 naming them",
          r.returncode == 2 and '2 of its sheets ("社区", "社区2" of "说明", "社区", "社区2") hold the columns /census/0 maps; set "layer" in /census/0' in r.stderr,
          r.stderr)
    r = validate(workbook("none.xlsx", [("notes.csv", "说明"), ("notes.csv", "其他")]))
    check("census_workbook: no sheet with the columns: exit 3 naming the sheets",
          r.returncode == 3 and '(first of its sheets "说明", "其他"; set "layer" in /census/0 to read another): has no column' in r.stderr,
          r.stderr)


def case_validate_all_rejected():
    """validate on a project with a required layer of which every record is rejected
    lists every rejection of every layer (it stopped at the one exit-3 message), then
    gives that message and exits 3; run still stops with it (exit 3, no output). The
    layer may lose its records when read (facilities in metres read as lon/lat) or when
    placed (compounds outside every unit); a unit level without a usable record leaves
    compounds and facilities unplaced, not rejected as outside every unit."""
    d = fresh("validate_all_rejected")
    errors = os.path.join(fixtures, "errors")
    def errors_of(stderr):
        return [l for l in stderr.splitlines() if l.startswith("lifecircle: error: ")]
    def rejected_of(stdout, layer):
        return [l for l in stdout.splitlines() if l.startswith("rejected: " + layer + " ")]
    # Facilities rejected when read, beside a compound without geometry.
    k = json.load(open(os.path.join(HAND, "compounds.geojson"), encoding="utf-8"))
    k["features"][1]["geometry"] = None
    p = hand_project(d)
    p["layers"]["compounds"]["path"] = save(os.path.join(d, "compounds.geojson"), k)
    p["layers"]["facilities"]["path"] = os.path.join(errors, "facilities_metres.geojson")
    project = save(os.path.join(d, "metres.json"), p)
    r = lc("validate", project)
    check("validate_all_rejected: facilities in metres: exit 3", r.returncode == 3, r.stdout + r.stderr)
    fac = rejected_of(r.stdout, "facilities")
    check("validate_all_rejected: facilities in metres: each of the 6 facilities listed with its reason",
          len(fac) == 6 and all("coordinates out of range for longitude/latitude" in l for l in fac), r.stdout)
    check("validate_all_rejected: facilities in metres: the compound without geometry listed too",
          [l[:58] for l in rejected_of(r.stdout, "compounds")] == ["rejected: compounds K2 (feature 1): empty or null geometry"], r.stdout)
    err = errors_of(r.stderr)
    check("validate_all_rejected: facilities in metres: then the error, once, on stderr",
          len(err) == 1 and "facilities_metres.geojson: every record of the facilities layer was rejected (6 of 6): F1 and 5 more" in err[0], r.stderr)
    o = os.path.join(d, "out")
    r2 = lc("run", project, "--out", o, "--quiet")
    check("validate_all_rejected: run stops as before: exit 3, the same message, no output",
          r2.returncode == 3 and errors_of(r2.stderr) == err and not os.path.exists(o), r2.stderr)
    # Compounds rejected when placed (outside every unit), beside a facility of unknown type.
    p = hand_project(d)
    p["layers"]["compounds"]["path"] = os.path.join(errors, "compounds_outside.geojson")
    p["layers"]["facilities"]["path"] = os.path.join(errors, "facilities_with_unknown_type.geojson")
    r = lc("validate", save(os.path.join(d, "outside.json"), p))
    check("validate_all_rejected: compounds outside: exit 3", r.returncode == 3, r.stdout + r.stderr)
    comp = rejected_of(r.stdout, "compounds")
    check("validate_all_rejected: compounds outside: each of the 4 compounds listed with its reason",
          len(comp) == 4 and all("outside every unit" in l for l in comp), r.stdout)
    check("validate_all_rejected: compounds outside: the facility of unknown type listed too",
          any("unknown facility type" in l for l in rejected_of(r.stdout, "facilities")), r.stdout)
    err = errors_of(r.stderr)
    check("validate_all_rejected: compounds outside: then the error",
          len(err) == 1 and "every record of the compounds layer was rejected (4 of 4): K1 and 3 more: outside every unit" in err[0], r.stderr)
    # Every community rejected (no geometry), and every facility too: both errors, and
    # the compounds not rejected as outside every unit.
    c = json.load(open(os.path.join(HAND, "communities.geojson"), encoding="utf-8"))
    for ft in c["features"]:
        ft["geometry"] = None
    p = hand_project(d)
    p["layers"]["community"]["path"] = save(os.path.join(d, "communities.geojson"), c)
    p["layers"]["facilities"]["path"] = os.path.join(errors, "facilities_metres.geojson")
    r = lc("validate", save(os.path.join(d, "units.json"), p))
    check("validate_all_rejected: no community: exit 3", r.returncode == 3, r.stdout + r.stderr)
    check("validate_all_rejected: no community: every community and facility listed, no compound",
          len(rejected_of(r.stdout, "community")) == len(c["features"]) and len(rejected_of(r.stdout, "facilities")) == 6
          and rejected_of(r.stdout, "compounds") == [] and "not placed: compounds and facilities were not placed" in r.stdout, r.stdout)
    err = errors_of(r.stderr)
    check("validate_all_rejected: no community: both errors, community first",
          len(err) == 2 and "every record of the community layer was rejected" in err[0]
          and "every record of the facilities layer was rejected" in err[1], r.stderr)


def hand_figures(out):
    s = summary(out)
    return open(os.path.join(out, "coverage.csv"), encoding="utf-8-sig").read(), [(x["id"], x["value"]) for x in s["rules"]]


def hand_baseline(case, d):
    """The hand fixture's figures as GeoJSON gives them, for `case` to compare with (None,
    with a failed check, when it does not run)."""
    r = lc("run", os.path.join(HAND, "project.json"), "--out", os.path.join(d, "hand"), "--quiet")
    if not check(f"{case}: the hand fixture runs", r.returncode == 0, r.stderr):
        return None
    return hand_figures(os.path.join(d, "hand"))


def listing_rows():
    """The hand fixture's facilities as a listing with 经度/纬度 (inputs/spreadsheet)."""
    return list(csv.reader(io.open(os.path.join(INPUTS, "spreadsheet", "facilities_lonlat.csv"), encoding="utf-8-sig")))


def case_spreadsheet_layer():
    """Facilities given as a spreadsheet (inputs/spreadsheet: the hand fixture's six as
    a listing with 经度/纬度 columns): GDAL makes no points of a sheet, so they are made
    from the longitude and latitude columns, as a CSV's are, and the run's figures are
    the GeoJSON's (every facility was rejected as without geometry). Every cell text, the
    coordinates too (facilities_text.xlsx), the first row is still the header (GDAL named
    the columns Field1 ...). A sheet without such columns, or a table for a unit layer,
    is exit 3 saying what the layer needs."""
    d = fresh("spreadsheet_layer")
    if not check("spreadsheet_layer: ogr2ogr (GDAL) is installed", shutil.which("ogr2ogr") is not None):
        return
    sheet = os.path.join(INPUTS, "spreadsheet")
    want = hand_baseline("spreadsheet_layer", d)
    if want is None:
        return
    numbers = os.path.join(d, "facilities_numbers.xlsx")  # coordinates and figures as numbers
    subprocess.run(["ogr2ogr", "-f", "XLSX", numbers, os.path.join(sheet, "facilities_lonlat.csv"), "-nln", "设施",
                    "-oo", "AUTODETECT_TYPE=YES"], check=True, capture_output=True)
    for label, book in [("numbers", numbers), ("all text", os.path.join(sheet, "facilities_text.xlsx"))]:
        p = hand_project(d)
        p["layers"]["facilities"]["path"] = book
        out = os.path.join(d, "out_" + label.replace(" ", "_"))
        r = lc("run", save(os.path.join(d, label.replace(" ", "_") + ".json"), p), "--out", out, "--quiet")
        if not check(f"spreadsheet_layer: {label}: exit 0", r.returncode == 0, r.stderr):
            continue
        check(f"spreadsheet_layer: {label}: the figures of the GeoJSON facilities", hand_figures(out) == want, hand_figures(out)[1])
        check(f"spreadsheet_layer: {label}: no record rejected", read_csv(os.path.join(out, "rejected.csv")) == [],
              read_csv(os.path.join(out, "rejected.csv")))
    bare = os.path.join(d, "no_coordinates.xlsx")
    subprocess.run(["ogr2ogr", "-f", "XLSX", bare, os.path.join(sheet, "facilities_lonlat.csv"), "-nln", "设施", "-select", "fid,name,type"],
                   check=True, capture_output=True)
    p = hand_project(d)
    p["layers"]["facilities"]["path"] = bare
    r = lc("validate", save(os.path.join(d, "bare.json"), p))
    check("spreadsheet_layer: no coordinate columns: exit 3 saying so, with its fields",
          r.returncode == 3 and "no_coordinates.xlsx: is a table without geometry and has no single longitude and latitude column" in r.stderr
          and "its fields are: fid, name, type" in r.stderr, r.stderr)
    p = hand_project(d)
    p["layers"]["community"]["path"] = numbers
    r = lc("validate", save(os.path.join(d, "units.json"), p))
    check("spreadsheet_layer: a table for a unit layer: exit 3 saying it needs polygons",
          r.returncode == 3 and "is a table without geometry; the community layer needs Polygons" in r.stderr, r.stderr)
    # A CSV: with a WKT column, no warning that longitude/latitude columns are missing
    # (it said so, of a layer read in full); with neither, the error above, not a warning
    # and then every record rejected as without geometry.
    rows = listing_rows()
    for label, head, cells in [("WKT", ["WKT"], lambda r: ["POINT (%s %s)" % (r[7], r[8])]), ("no coordinates", [], lambda r: [])]:
        f = os.path.join(d, label.replace(" ", "_") + ".csv")
        with open(f, "w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows([rows[0][:7] + head] + [r[:7] + cells(r) for r in rows[1:]])
        p = hand_project(d)
        p["layers"]["facilities"]["path"] = f
        r = lc("validate", save(os.path.join(d, label.replace(" ", "_") + ".json"), p))
        if label == "WKT":
            check("spreadsheet_layer: a CSV with a WKT column: exit 0, no warning about longitude/latitude columns",
                  r.returncode == 0 and "longitude" not in r.stdout + r.stderr and "0 rejected" in r.stdout.split("facilities:")[1].split("\n")[0],
                  r.stdout + r.stderr)
        else:
            check("spreadsheet_layer: a CSV without coordinates: exit 3 saying so",
                  r.returncode == 3 and "no_coordinates.csv: is a table without geometry and has no single longitude and latitude column" in r.stderr,
                  r.stdout + r.stderr)


def case_spreadsheet_sheets():
    """A facilities workbook of several sheets read without "layer", as a census workbook
    is: facilities_sheets.xlsx (a notes sheet 说明, then the listing 设施) reads the sheet
    with the layer's columns (fid, type, 经度/纬度), with a warning naming it, and gives
    the single-sheet workbook's figures (it stopped, exit 2: "holds 2 layers (说明 (None),
    设施 (None)) ... set "layer""); facilities_two_fit.xlsx, whose 设施 and 设施2023 both
    hold them, is exit 2 naming both."""
    d = fresh("spreadsheet_sheets")
    sheet = os.path.join(INPUTS, "spreadsheet")
    p = hand_project(d)
    p["layers"]["facilities"]["path"] = os.path.join(sheet, "facilities_text.xlsx")
    r = lc("run", save(os.path.join(d, "one.json"), p), "--out", os.path.join(d, "one"), "--quiet")
    if not check("spreadsheet_sheets: the single-sheet workbook runs", r.returncode == 0, r.stderr):
        return
    want = hand_figures(os.path.join(d, "one"))
    p["layers"]["facilities"]["path"] = os.path.join(sheet, "facilities_sheets.xlsx")
    out = os.path.join(d, "sheets")
    r = lc("run", save(os.path.join(d, "sheets.json"), p), "--out", out)
    if check("spreadsheet_sheets: notes + listing: exit 0", r.returncode == 0, r.stderr):
        check("spreadsheet_sheets: notes + listing: the single-sheet workbook's figures, none rejected",
              hand_figures(out) == want and read_csv(os.path.join(out, "rejected.csv")) == [], hand_figures(out)[1])
        check("spreadsheet_sheets: notes + listing: a warning names the sheet read",
              any('facilities_sheets.xlsx: reading the sheet "设施", the only one of "说明", "设施" with the columns /layers/facilities needs'
                  in x for x in warnings_of(r.stderr)), r.stderr)
    p["layers"]["facilities"]["path"] = os.path.join(sheet, "facilities_two_fit.xlsx")
    r = lc("validate", save(os.path.join(d, "two.json"), p))
    check("spreadsheet_sheets: two sheets with the columns: exit 2 naming both",
          r.returncode == 2 and '2 of its sheets ("设施", "设施2023" of "说明", "设施", "设施2023") hold the columns /layers/facilities needs'
          in r.stderr and 'set "layer" in /layers/facilities' in r.stderr, r.stderr)


def dms(cell, signs):
    """A decimal degree as degrees, minutes and seconds, exactly (102.7220646 is
    102°43'19.43256": 0.7220646 × 60 = 43.323876 minutes, 0.323876 × 60 = 19.43256 s),
    with the degree, minute and second signs (and any hemisphere) given in `signs`."""
    v = decimal.Decimal(cell)
    deg = int(v)
    m = (v - deg) * 60
    sec = (m - int(m)) * 60
    return f"{deg}{signs[0]}{int(m)}{signs[1]}{format(sec.normalize(), 'f')}{signs[2]}{signs[3:]}"


def case_coordinate_text():
    """Coordinate cells of a facilities CSV or sheet that are text but not numbers: in a
    degree form (102.7220646°E, N25.0328275, 东经/北纬, W/S negative, degrees-minutes-
    seconds 102°43'19.43256"E and 25度1分58.179秒) they are read as that
    number with a line in repairs.csv, and the run gives the hand fixture's figures; any
    other text rejects the record quoting the cell and its column (it was "empty or null
    geometry (no coordinates)"), a latitude in the longitude column said to be one."""
    d = fresh("coordinate_text")
    want = hand_baseline("coordinate_text", d)
    if want is None:
        return
    rows = listing_rows()
    degrees = {"F1": (rows[1][7] + "°E", None), "F2": (None, "N" + rows[2][8]), "F3": ("东经" + rows[3][7], "北纬" + rows[3][8] + "°"),
               "F4": ("E " + rows[4][7], rows[4][8] + " °N"), "F5": (dms(rows[5][7], "°'\"E"), dms(rows[5][8], "度分秒"))}
    bad = {"F1": ("102.72°E", "abc"), "F2": ("N25.0328275", None), "F3": ("", None)}
    for label, cells in [("degrees", degrees), ("bad", bad)]:
        f = os.path.join(d, label + ".csv")
        with open(f, "w", encoding="utf-8", newline="") as out:
            w = csv.writer(out)
            w.writerow(rows[0])
            for r in rows[1:]:
                lon, lat = cells.get(r[0], (None, None))
                w.writerow(r[:7] + [r[7] if lon is None else lon, r[8] if lat is None else lat])
        book = os.path.join(d, label + ".xlsx")
        subprocess.run(["ogr2ogr", "-f", "XLSX", book, f, "-nln", "设施"], check=True, capture_output=True)
        for path in (f, book):
            p = hand_project(d)
            p["layers"]["facilities"]["path"] = path
            out = os.path.join(d, "out_" + os.path.basename(path).replace(".", "_"))
            name = "coordinate_text: " + os.path.basename(path)
            r = lc("run", save(os.path.join(d, os.path.basename(path) + ".json"), p), "--out", out, "--quiet")
            if not check(name + ": exit 0", r.returncode == 0, r.stderr):
                continue
            rejected = {x["source_id"]: x["reason"] for x in read_csv(os.path.join(out, "rejected.csv")) if x["layer"] == "facilities"}
            repairs = {(x["source_id"], x["what"]) for x in read_csv(os.path.join(out, "repairs.csv")) if x["layer"] == "facilities"}
            if label == "degrees":
                check(name + ": the hand fixture's figures, none rejected", hand_figures(out) == want and rejected == {},
                      (rejected, hand_figures(out)[1]))
                for fid, lonlat in degrees.items():
                    for col, cell, plain in zip(("经度", "纬度"), lonlat, rows[int(fid[1:])][7:9]):
                        if cell is not None:
                            check(f"{name}: repairs.csv says {fid}'s {cell} was read as {plain}",
                                  (fid, f'{col} "{cell.strip()}" read as {float(plain):.15g}') in repairs, repairs)
            else:
                check(name + ": F1 rejected quoting the cell that is not a number",
                      rejected.get("F1") == '纬度 "abc" is not a number', rejected)
                check(name + ": F2 rejected: a latitude in the longitude column",
                      rejected.get("F2", "").startswith('经度 "N25.0328275" is a latitude (in the longitude column'), rejected)
                check(name + ": F3, its longitude empty, rejected as without coordinates",
                      rejected.get("F3") == "empty or null geometry (no coordinates)", rejected)
                check(name + ": F1's readable 102.72°E is not listed as read", not any(x[0] == "F1" for x in repairs), repairs)
    # The site command's candidates (read_point_records): a cell that is no number skips
    # the candidate, quoted (it crashed: the missing geometry was taken for one that
    # could not be transformed).
    cand = os.path.join(d, "candidates.csv")
    with open(cand, "w", encoding="utf-8") as f:
        f.write("id,lon,lat\nX1,abc,%s\nX2,%s,%s\n" % (rows[1][8], rows[1][7], rows[1][8]))
    r = lc("site", os.path.join(HAND, "project.json"), "--type", "day_care", "--candidates", cand, "--count", "1",
           "--out", os.path.join(d, "site"))
    check("coordinate_text: site --candidates: a cell that is no number skips its candidate, quoted",
          r.returncode == 0 and 'X1: lon "abc" is not a number' in r.stderr, (r.returncode, r.stderr[-400:]))


def case_layer_utf16():
    """A facilities CSV saved by Excel as "Unicode text" (UTF-16 with a byte order mark,
    tab-separated; inputs/spreadsheet/facilities_lonlat.csv converted here) reads as its
    UTF-8 original, little- or big-endian, with the census tables' warning (it was read
    as garbage: no coordinate column, every record rejected); without a byte order mark
    it is refused, saying how to save it. The hand fixture's figures either way."""
    d = fresh("layer_utf16")
    want = hand_baseline("layer_utf16", d)
    if want is None:
        return
    rows = listing_rows()
    # ("tab": a UTF-8 CSV separated by tabs, whose coordinate columns were not found)
    # (".txt": how Excel names "Unicode text"; "nul": a UTF-8 CSV with one stray NUL,
    # which was refused as UTF-16 without a byte order mark)
    for variant, encoding, bom, ext in [("utf8", "utf-8", b"", ".csv"), ("tab", "utf-8", b"", ".csv"),
                                        ("le", "utf-16-le", b"\xff\xfe", ".csv"), ("be", "utf-16-be", b"\xfe\xff", ".csv"),
                                        ("nobom", "utf-16-le", b"", ".csv"), ("le_txt", "utf-16-le", b"\xff\xfe", ".txt"),
                                        ("tab_txt", "utf-8", b"", ".txt"), ("nul", "utf-8", b"", ".csv")]:
        sep = "," if variant in ("utf8", "nul") else "\t"
        f = os.path.join(d, "facilities_" + variant + ext)
        with open(f, "wb") as out:
            data = bom + "".join(sep.join(row) + "\r\n" for row in rows).encode(encoding)
            if variant == "nul":  # in the last record's name
                at = data.rindex(b"\r\n", 0, len(data) - 2) + 2
                at = data.index(sep.encode(), at) + 1
                data = data[:at] + b"\x00" + data[at:]
            out.write(data)
        p = hand_project(d)
        p["layers"]["facilities"]["path"] = f
        out = os.path.join(d, "out_" + variant)
        r = lc("run", save(os.path.join(d, variant + ".json"), p), "--out", out, "--quiet")
        if variant == "nobom":
            check("layer_utf16: UTF-16 without a byte order mark: exit 3 saying to save as CSV UTF-8",
                  r.returncode == 3 and 'facilities_nobom.csv: looks like UTF-16 text without a byte order mark; save it as "CSV UTF-8"' in r.stderr,
                  r.stderr)
            continue
        if not check(f"layer_utf16: {variant}: exit 0", r.returncode == 0, r.stderr):
            continue
        if variant == "nul":
            check("layer_utf16: a UTF-8 CSV with a stray NUL is read as UTF-8, not refused as UTF-16",
                  "UTF-16" not in r.stderr and len(read_csv(os.path.join(out, "rejected.csv"))) <= 1, r.stderr)
            continue
        check(f"layer_utf16: {variant}: the figures of the GeoJSON facilities, none rejected",
              hand_figures(out) == want and read_csv(os.path.join(out, "rejected.csv")) == [], hand_figures(out)[1])
        if bom:
            check(f"layer_utf16: {variant}: a warning says how it was read",
                  any(f'facilities_{variant}{ext}: UTF-16 text (Excel\'s "Unicode text") read as UTF-8, tab-separated' in x
                      for x in warnings_of(r.stderr)), r.stderr)


def case_facility_attributes():
    """How facilities.geojson writes mapped attributes (the hand fixture's six facilities,
    given five more columns). Worked out by hand, column by column:
      电话 "0871-6512345x" (phone): text that merely holds a number stays text, as given
        (read as a number it would be 871);
      编码 "0012"... (code): a leading zero is a code, text as given;
      开业 "2010".."2015" (open_year, plain numbers): integers 2010..2015;
      家庭床位 "12", "不详", "5.5", "", ... (family_beds, a count): a number column, Real as
        5.5 is not whole; "不详" null there and kept in family_beds_text;
      库存 "30", "见备注", ... (stock, summed by a min_total rule): a number column although
        "见备注" is no number: null, kept in stock_text; the rule's total 30+20+10 = 60
        over the three facilities with a number;
      兜底 "1"/"0" (safety_net, yes/no as 1/0): text "1"/"0" as given."""
    d = fresh("facility_attributes")
    src = json.load(open(os.path.join(HAND, "facilities.geojson"), encoding="utf-8"))
    cols = {"电话": [f"0871-6512345{i}" for i in range(6)],
            "编码": ["0012", "0013", "0014", "0015", "0016", "0017"],
            "开业": ["2010", "2011", "2012", "2013", "2014", "2015"],
            "家庭床位": ["12", "不详", "5.5", None, "8", "0"],
            "库存": ["30", "见备注", "20", "10", None, None],
            "兜底": ["1", "0", "1", "0", "1", "0"]}
    for i, f in enumerate(src["features"]):
        for k, v in cols.items():
            f["properties"][k] = v[i]
        f["properties"].pop("sn", None)
    fac = save(os.path.join(d, "facilities.geojson"), src)
    p = hand_project(d)
    p["layers"]["facilities"]["path"] = fac
    p["layers"]["facilities"]["attributes"] = {"phone": "电话", "code": "编码", "open_year": "开业", "family_beds": "家庭床位",
                                               "stock": "库存", "safety_net": "兜底"}
    p["rules"].append({"id": "r_stock", "check": "min_total", "level": "area", "attribute": "stock", "min": 100, "source": "test"})
    out = os.path.join(d, "out")
    r = lc("run", save(os.path.join(d, "project.json"), p), "--out", out, "--quiet")
    if not check("facility_attributes: exit 0", r.returncode == 0, r.stderr):
        return
    feats = [x["properties"] for x in json.load(open(os.path.join(out, "facilities.geojson"), encoding="utf-8"))["features"]]
    by = {f["facility_id"]: f for f in feats}
    ids = [x["properties"]["fid"] for x in src["features"]]
    col = lambda k: [by[i].get(k, "(absent)") for i in ids]  # noqa: E731
    check("facility_attributes: a phone number stays text as given", col("phone") == cols["电话"], col("phone"))
    check("facility_attributes: a code with a leading zero stays text", col("code") == cols["编码"], col("code"))
    check("facility_attributes: plain whole numbers are integers", col("open_year") == list(range(2010, 2016)), col("open_year"))
    check("facility_attributes: a count is a number column, 不详 null, 5.5 kept as Real",
          col("family_beds") == [12, None, 5.5, None, 8, 0], col("family_beds"))
    check("facility_attributes: family_beds_text keeps the entry that is no number",
          col("family_beds_text") == [None, "不详", None, None, None, None], col("family_beds_text"))
    check("facility_attributes: an attribute a rule sums is a number column, 见备注 in stock_text",
          col("stock") == [30, None, 20, 10, None, None] and col("stock_text") == [None, "见备注", None, None, None, None],
          (col("stock"), col("stock_text")))
    check("facility_attributes: yes/no written 1/0 stays text", col("safety_net") == cols["兜底"], col("safety_net"))
    check("facility_attributes: no _text column where every entry was read",
          all("open_year_text" not in f and "phone_text" not in f for f in feats), sorted(feats[0]))
    rule = next(x for x in json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))["rules"] if x["id"] == "r_stock")
    check("facility_attributes: the rule sums the three numbers (60), counting 3",
          rule["value"] == 60 and rule["details"].get("facilities_counted") == 3, (rule["value"], rule["details"]))


CASES = {n[len("case_"):]: f for n, f in list(globals().items()) if n.startswith("case_")}
for name in wanted or CASES:
    CASES[name]()
sys.exit(1 if FAILED else 0)
