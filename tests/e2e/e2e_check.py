"""What the end-to-end check scripts share: named checks, a FAIL line for each that
fails (and an ok line for each that passes, after echo_passes()), the per-case driver,
and one summary line and exit status at the end."""
import os
import sys

PASSED, FAILED = [], []
_echo = False


def echo_passes(on=True):
    """Print an `ok` line for every passing check too (scripts whose log is read as a list)."""
    global _echo
    _echo = on


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
