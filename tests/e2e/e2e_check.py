"""What the end-to-end check scripts share: named checks, a FAIL line for each that
fails (and an ok line for each that passes, after echo_passes()), the per-case driver,
and one summary line and exit status at the end."""
import csv
import json
import os
import shutil
import sys

PASSED, FAILED = [], []
_echo = False


def echo_passes(on=True):
    """Print an `ok` line for every passing check too (scripts whose log is read as a list)."""
    global _echo
    _echo = on


def stage_for_nobody(staged, exe):
    """Copies the program into `staged` (a folder every user can enter) and, when the suite
    runs under a sanitizer, the suppression files its options name. Runs that drop to user
    nobody must reach all of them, and a checkout may sit in a folder only root can enter
    (mktemp -d makes them 0700, and so is /root). Returns (program, environment)."""
    program = os.path.join(staged, os.path.basename(exe))
    shutil.copy2(exe, program)
    env = dict(os.environ)
    for var in ("TSAN_OPTIONS", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if not env.get(var):
            continue
        parts = []
        for part in env[var].split(":"):
            key, _, value = part.partition("=")
            if key == "suppressions" and os.path.isfile(value):
                copy = os.path.join(staged, var.lower() + ".supp")
                shutil.copy(value, copy)
                os.chmod(copy, 0o644)
                part = f"{key}={copy}"
            parts.append(part)
        env[var] = ":".join(parts)
    return program, env


def check(name, ok, detail=""):
    """Records a named check; returns whether it passed (to skip what depends on it)."""
    ok = bool(ok)
    (PASSED if ok else FAILED).append(name)
    if not ok:
        print(f"FAIL {name}: {detail}")
    elif _echo:
        print(f"ok   {name}")
    return ok


def finish():
    print(f"{len(PASSED)} passed, {len(FAILED)} failed")
    sys.exit(1 if FAILED else 0)


def run_cases(cases, wanted, work):
    """Runs the named cases (all when none is named) in WORKDIR, then finish()."""
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)
    for name in wanted or cases:
        if name not in cases:
            sys.exit(f"unknown case {name!r} (cases: {', '.join(cases)})")
        cases[name]()
    finish()


def check_census_figures(out, csv_path, spec, levels):
    """The run in OUT gives the first community row of the census CSV (mapped by `spec`,
    a project's census entry) to that community, every mapped figure, and summary.json
    lists the tables of `levels`, each joined to some units."""
    with open(csv_path, encoding="utf-8-sig") as f:
        row = next(csv.DictReader(f))
    with open(os.path.join(out, "units_community.geojson"), encoding="utf-8") as f:
        feats = json.load(f)["features"]
    unit = next((u["properties"] for u in feats if u["properties"]["unit_id"] == row[spec["id"]]), {})
    mapped = [k for k in ("population", "households", "elderly", "infants") if spec.get(k)]
    check(f"community {row[spec['id']]} carries the census CSV's figures ({', '.join(mapped)})",
          mapped and all(unit.get("census_" + k) == float(row[spec[k]]) for k in mapped),
          (row, {k: v for k, v in unit.items() if k.startswith("census_")}))
    with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
        tables = json.load(f)["census"]["tables"]
    check("summary.json lists the census tables, each joined", [(t["level"], t["joined"] > 0) for t in tables] ==
          [(level, True) for level in levels], tables)
