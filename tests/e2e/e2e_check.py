"""What the end-to-end check scripts share: named checks, a FAIL line for each that
fails, and one summary line and exit status at the end."""
import sys

PASSED, FAILED = [], []


def check(name, ok, detail=""):
    """Records a named check; returns whether it passed (to skip what depends on it)."""
    ok = bool(ok)
    (PASSED if ok else FAILED).append(name)
    if not ok:
        print(f"FAIL {name}: {detail}")
    return ok


def finish():
    print(f"{len(PASSED)} passed, {len(FAILED)} failed")
    sys.exit(1 if FAILED else 0)
