#!/usr/bin/env python3
"""Runs lifecircle on a fixture project and compares its output folder with stored golden files.

    golden.py LIFECIRCLE PROJECT GOLDEN_DIR [--update] [-- extra run arguments]

Compared byte for byte: every *.geojson and *.csv file. summary.json is compared after
dropping what legitimately differs between machines and runs (stage seconds and the
absolute paths in "config"). --update rewrites the golden files (after a deliberate change).
"""
import json, os, shutil, subprocess, sys, tempfile


def normal_summary(path):
    s = json.load(open(path, encoding="utf-8"))
    s.pop("seconds", None)
    s.pop("config", None)
    return s


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        i = args.index("--")
        args, extra = args[:i], args[i + 1:]
    update = "--update" in args
    args = [a for a in args if a != "--update"]
    exe, project, golden = args
    tmp = tempfile.mkdtemp(prefix="lc-golden-")
    out = os.path.join(tmp, "out")
    try:
        r = subprocess.run([exe, "run", project, "--out", out, "--quiet"] + extra, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"lifecircle exited {r.returncode}: {r.stderr}")
            return 1
        if r.stderr.strip():
            print(f"unexpected stderr: {r.stderr}")
            return 1
        names = sorted(f for f in os.listdir(out) if f.endswith((".geojson", ".csv")) or f == "summary.json")
        if update:
            shutil.rmtree(golden, ignore_errors=True)
            os.makedirs(golden)
            for n in names:
                if n == "summary.json":
                    json.dump(normal_summary(os.path.join(out, n)), open(os.path.join(golden, n), "w", encoding="utf-8"),
                              ensure_ascii=False, indent=1)
                else:
                    shutil.copy(os.path.join(out, n), golden)
            print(f"updated {len(names)} golden files in {golden}")
            return 0
        failed = 0
        expected = sorted(os.listdir(golden))
        if expected != names:
            print(f"files differ: expected {expected}, got {names}")
            failed += 1
        for n in expected:
            p = os.path.join(out, n)
            if not os.path.exists(p):
                continue
            if n == "summary.json":
                got, want = normal_summary(p), json.load(open(os.path.join(golden, n), encoding="utf-8"))
                if got != want:
                    print(f"{n} differs:\n got  {json.dumps(got, ensure_ascii=False)[:2000]}\n want {json.dumps(want, ensure_ascii=False)[:2000]}")
                    failed += 1
            elif open(p, "rb").read() != open(os.path.join(golden, n), "rb").read():
                print(f"{n} differs from the golden file (diff {p} {os.path.join(golden, n)})")
                subprocess.run(["diff", p, os.path.join(golden, n)])
                failed += 1
        print(f"{len(expected) - failed} passed, {failed} failed")
        return 1 if failed else 0
    finally:
        if not update and "--keep" not in sys.argv:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
