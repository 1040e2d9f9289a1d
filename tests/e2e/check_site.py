#!/usr/bin/env python3
"""End-to-end check of `lifecircle site` (issue 7).

    check_site.py BIN PROJECT WORKDIR [--expect-sites N] [--expect-first CANDIDATE]
                  [--expect-target-met yes|no] -- SITE ARGS...

Runs `site`, checks proposed_sites.geojson against site_summary.json, then checks the
proposal like any scenario: `run` without and with the written scenario.json must
reach exactly the base and final shares that `site` announced.
"""
import json
import math
import os
import shutil
import subprocess
import sys


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr}")
    return p


def share(compounds_file, types, weight):
    num = den = 0.0
    for f in json.load(open(compounds_file, encoding="utf-8"))["features"]:
        p = f["properties"]
        w = 1.0 if weight == "compounds" else p.get(weight)
        if w is None:
            continue
        den += w
        if any(p.get(f"reached_{t}") for t in types):
            num += w
    return num / den


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        fail("usage: check_site.py BIN PROJECT WORKDIR [expectations] -- SITE ARGS")
    cut = argv.index("--")
    head, site_args = argv[:cut], argv[cut + 1:]
    binary, project, work = head[:3]
    opts = dict(zip(head[3::2], head[4::2]))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    out = os.path.join(work, "site")
    p = run([binary, "site", project, "--out", out, "--quiet"] + site_args)
    print(p.stdout)

    s = json.load(open(os.path.join(out, "site_summary.json"), encoding="utf-8"))
    layer = json.load(open(os.path.join(out, "proposed_sites.geojson"), encoding="utf-8"))
    feats = layer["features"]
    if len(feats) != len(s["sites"]):
        fail(f"{len(feats)} features in proposed_sites.geojson, {len(s['sites'])} sites in the summary")
    need = {"rank", "site_id", "candidate_id", "marginal_gain", "cumulative_share", "new_compounds", "new_compound_ids",
            "district_id", "street_id", "community_id"}
    prev = s["base_share"]
    for i, f in enumerate(feats):
        pr = f["properties"]
        if not need <= set(pr):
            fail(f"proposed_sites feature {i} lacks {sorted(need - set(pr))}")
        if pr["rank"] != i + 1:
            fail(f"feature {i} has rank {pr['rank']}")
        if not pr["marginal_gain"] > 0 or pr["cumulative_share"] < prev:
            fail(f"feature {i}: gain {pr['marginal_gain']}, share {prev} -> {pr['cumulative_share']}")
        if i and pr["marginal_gain"] > feats[i - 1]["properties"]["marginal_gain"] + 1e-9:
            fail("greedy gains must not increase from one site to the next")
        lon, lat = f["geometry"]["coordinates"]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            fail(f"feature {i} is not in lon/lat: {lon}, {lat}")
        prev = pr["cumulative_share"]
    if abs(prev - s["final_share"]) > 1e-12:
        fail(f"last cumulative share {prev} != final_share {s['final_share']}")

    if "--expect-sites" in opts and len(feats) != int(opts["--expect-sites"]):
        fail(f"expected {opts['--expect-sites']} sites, got {len(feats)}")
    if "--expect-first" in opts and (not feats or feats[0]["properties"]["candidate_id"] != opts["--expect-first"]):
        fail(f"expected the first site at {opts['--expect-first']}, got {feats[0]['properties']['candidate_id'] if feats else None}")
    if "--expect-target-met" in opts and s["target_met"] != (opts["--expect-target-met"] == "yes"):
        fail(f"target_met is {s['target_met']}; note: {s['note']}")

    # The proposal checked like any scenario.
    base_out, scen_out = os.path.join(work, "base"), os.path.join(work, "scenario")
    run([binary, "run", project, "--out", base_out, "--quiet"])
    run([binary, "run", project, "--scenario", os.path.join(out, "scenario.json"), "--out", scen_out, "--quiet"])
    types, weight = s["covered_by"], s["weight"]
    b = share(os.path.join(base_out, "compounds.geojson"), types, weight)
    a = share(os.path.join(scen_out, "compounds.geojson"), types, weight)
    if not math.isclose(b, s["base_share"], rel_tol=0, abs_tol=1e-9):
        fail(f"run without the sites reaches {b}, site said {s['base_share']}")
    if not math.isclose(a, s["final_share"], rel_tol=0, abs_tol=1e-9):
        fail(f"run with scenario.json reaches {a}, site promised {s['final_share']}")
    fac = json.load(open(os.path.join(scen_out, "facilities.geojson"), encoding="utf-8"))["features"]
    ids = {f["properties"].get("facility_id") for f in fac}
    missing = [x["site_id"] for x in s["sites"] if x["site_id"] not in ids]
    if missing:
        fail(f"sites missing from the scenario run's facilities: {missing}")
    batch = json.load(open(os.path.join(out, "batch.json"), encoding="utf-8"))
    if batch["scenarios"][0]["patch"] != json.load(open(os.path.join(out, "scenario.json"), encoding="utf-8")):
        fail("batch.json's patch differs from scenario.json")
    print(f"ok: {len(feats)} site(s); share {b:.6f} -> {a:.6f} confirmed by run --scenario")


if __name__ == "__main__":
    main()
