#!/usr/bin/env python3
"""Faults and paths (issue 6): an unwritable or full disk, a run killed mid-write,
truncated inputs, one file for two layers, paths relative to the file that names
them, and --out that is not ours. Nothing lost, nothing half-written, nothing crashes.

    check_faults.py LIFECIRCLE FIXTURES WORKDIR [--make-city MAKE_CITY.py] [CASE ...]

FIXTURES is tests/fixtures/nasty. MAKE_CITY (shared/datagen/make_city.py) gives the
large output the kill case needs; without it that case is skipped. Each case prints one
line per check; the exit status is 1 when any check failed.
"""
import hashlib, json, os, resource, shutil, signal, subprocess, sys, tempfile, time

from e2e_check import check, echo_passes, run_cases, stage_for_nobody  # noqa: E402

echo_passes()

args = sys.argv[1:]
make_city = None
if "--make-city" in args:
    i = args.index("--make-city")
    make_city = os.path.abspath(args[i + 1])
    del args[i:i + 2]
exe, fixtures, work = (os.path.abspath(a) for a in args[:3])
wanted = args[3:]


def skip(name, why):
    print(f"skip {name}: {why}")


def fresh(case):
    d = os.path.join(work, case)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(fixtures, os.path.join(d, "data"))
    os.chmod(d, 0o755)
    return d


def lc(*a, preexec=None, cwd=None, env=None, program=None):
    return subprocess.run([program or exe, *a], capture_output=True, text=True, errors="replace", preexec_fn=preexec, cwd=cwd, env=env)


def tree(d):
    """{relative path: sha1} of every file under d (folders as None)."""
    out = {}
    for root, dirs, files in os.walk(d):
        for x in dirs:
            out[os.path.relpath(os.path.join(root, x), d) + "/"] = None
        for x in files:
            p = os.path.join(root, x)
            out[os.path.relpath(p, d)] = hashlib.sha1(open(p, "rb").read()).hexdigest()
    return out


def leftovers(parent, out_name):
    """Staging or set-aside folders of --out left beside it."""
    return sorted(x for x in os.listdir(parent) if x.startswith("." + out_name + ".tmp-") or x.startswith("." + out_name + ".old-"))


def city(case, scale="city"):
    """A generated city (make_city.py) with the demo project pointing at it."""
    d = os.path.join(work, f"_{scale}")
    if not os.path.exists(os.path.join(d, "project.json")):
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([sys.executable, make_city, d, "--scale", scale, "--fields", "zh"], check=True, capture_output=True)
        demo = os.path.join(os.path.dirname(make_city), "..", "..", "main", "data", "demo", "project.json")
        here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "demo", "project.json")
        p = json.load(open(here if os.path.exists(here) else demo, encoding="utf-8"))
        p.pop("census", None)  # the generated city has no census tables
        json.dump(p, open(os.path.join(d, "project.json"), "w", encoding="utf-8"), ensure_ascii=False)
    return os.path.join(d, "project.json")


# ---------------------------------------------------------------------------------------
def case_unwritable():
    d = fresh("unwritable")
    program, env = exe, None
    if os.geteuid() == 0:
        # The runs below drop to nobody, who must reach the program and the data: a
        # checkout may sit in a folder only root can enter (mktemp -d makes them 0700).
        staged = tempfile.mkdtemp(prefix="lc-unwritable-")
        os.chmod(staged, 0o755)
        shutil.copytree(os.path.join(d, "data"), os.path.join(staged, "data"))
        program, env = stage_for_nobody(staged, exe)
        d = staged
    proj = os.path.join(d, "data", "project.json")
    ro = os.path.join(d, "readonly")
    os.mkdir(ro)
    prev = os.path.join(ro, "out")
    r = lc("run", proj, "--out", prev, "--quiet")
    check("unwritable: a first run writes the previous output", r.returncode == 0, r.stderr)
    before = tree(ro)
    os.chmod(ro, 0o555)
    try:
        # root ignores permission bits: drop to nobody for the run, as a user would be
        drop = None
        if os.geteuid() == 0:
            def drop():
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
        for target, what in [(os.path.join(ro, "new"), "a new --out in a read-only folder"),
                             (prev, "replacing an output in a read-only folder")]:
            r = lc("run", proj, "--out", target, "--quiet", preexec=drop, program=program, env=env)
            check(f"unwritable: {what}: exit 3", r.returncode == 3, f"exit {r.returncode}: {r.stderr}")
            check(f"unwritable: {what}: the message names the folder", ro in r.stderr, r.stderr)
            check(f"unwritable: {what}: the folder is unchanged", tree(ro) == before)
    finally:
        os.chmod(ro, 0o755)
    # /proc refuses new folders even to root
    r = lc("run", proj, "--out", "/proc/lifecircle-out", "--quiet")
    check("unwritable: --out under /proc: exit 3", r.returncode == 3, f"exit {r.returncode}: {r.stderr}")
    check("unwritable: --out under /proc: the message names it", "/proc" in r.stderr, r.stderr)
    # a path through a regular file
    f = os.path.join(d, "a-file")
    open(f, "w").write("keep me\n")
    r = lc("run", proj, "--out", os.path.join(f, "out"), "--quiet")
    check("unwritable: --out below a regular file: exit 3", r.returncode == 3, f"exit {r.returncode}: {r.stderr}")
    check("unwritable: the file is untouched", open(f).read() == "keep me\n")
    if program != exe:
        shutil.rmtree(d, ignore_errors=True)


def fsize_limit(kb, ignore_sigxfsz=True):
    def pre():
        if ignore_sigxfsz:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (kb * 1024, kb * 1024))
    return pre


def case_disk_full():
    d = fresh("disk_full")
    proj = os.path.join(d, "data", "project.json")
    if make_city:
        proj = city("disk_full")
    out = os.path.join(d, "out")
    r = lc("run", proj, "--out", out, "--quiet")
    check("disk_full: a first run writes the previous output", r.returncode == 0, r.stderr)
    before = tree(out)
    for kb in (1, 8, 64, 512, 4096):
        r = lc("run", proj, "--out", out, "--quiet", preexec=fsize_limit(kb))
        if r.returncode == 0:
            skip(f"disk_full: {kb} KB", "the output fits")
            before = tree(out)  # a finished run replaced the previous output: compare with this one
            continue
        check(f"disk_full: write fails at {kb} KB (EFBIG): exit 3", r.returncode == 3, f"exit {r.returncode}: {r.stderr}")
        # EFBIG: the reason is the system's ("File too large"), whichever thread wrote
        check(f"disk_full: {kb} KB: the message names the file and says why",
              d in r.stderr and "too large" in r.stderr.lower(), r.stderr)
        check(f"disk_full: {kb} KB: the previous output is intact", tree(out) == before)
        check(f"disk_full: {kb} KB: no half-written folder is left", not leftovers(d, "out"), leftovers(d, "out"))
    # With SIGXFSZ at its default the kernel kills a process that writes past the limit
    # unless the program ignores the signal and handles EFBIG as a write error.
    r = lc("run", proj, "--out", out, "--quiet", preexec=fsize_limit(64, ignore_sigxfsz=False))
    check("disk_full: past RLIMIT_FSIZE with SIGXFSZ at its default: exit 3, not killed by the signal",
          r.returncode == 3, f"exit {r.returncode} ({'killed by SIGXFSZ' if r.returncode == -signal.SIGXFSZ else r.stderr})")
    check("disk_full: after SIGXFSZ: the previous output is intact", tree(out) == before)
    lc("run", proj, "--out", out, "--quiet")
    check("disk_full: the next run leaves no stale staging folder", not leftovers(d, "out"), leftovers(d, "out"))
    # A really full file system: a small tmpfs in a private mount namespace, where we may.
    if not shutil.which("unshare"):
        return skip("disk_full: tmpfs", "no unshare")
    mnt = os.path.join(d, "tmpfs")
    os.mkdir(mnt)
    small = os.path.join(d, "data", "project.json")
    script = f"""
set -u
mount -t tmpfs -o size=1536k tmpfs '{mnt}' || exit 77
'{exe}' run '{small}' --out '{mnt}/out' --quiet || exit 78
find '{mnt}' -type f -exec sha1sum {{}} + | sort > '{d}/tmpfs-before.txt'
'{exe}' run '{proj}' --out '{mnt}/out' --quiet 2> '{d}/tmpfs-stderr.txt'
echo $? > '{d}/tmpfs-rc.txt'
find '{mnt}' -type f -exec sha1sum {{}} + | sort > '{d}/tmpfs-after.txt'
ls -A '{mnt}' > '{d}/tmpfs-ls.txt'
"""
    cmd = ["sh", "-c", script] if os.geteuid() == 0 else ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script]
    if os.geteuid() == 0:
        cmd = ["unshare", "--mount", "sh", "-c", script]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode in (77, 1) and not os.path.exists(os.path.join(d, "tmpfs-rc.txt")):
        return skip("disk_full: tmpfs", f"cannot mount a tmpfs here ({p.stderr.strip()[:200]})")
    if p.returncode == 78 or proj == small:
        return skip("disk_full: tmpfs", "needs --make-city for an output larger than the tmpfs")
    rc = int(open(os.path.join(d, "tmpfs-rc.txt")).read())
    err = open(os.path.join(d, "tmpfs-stderr.txt")).read()
    check("disk_full: tmpfs full (ENOSPC): exit 3", rc == 3, f"exit {rc}: {err}")
    check("disk_full: tmpfs full: the message says the disk is full", "space" in err.lower() or "disk" in err.lower(), err)
    check("disk_full: tmpfs full: the previous output is intact",
          open(os.path.join(d, "tmpfs-before.txt")).read() == open(os.path.join(d, "tmpfs-after.txt")).read())
    check("disk_full: tmpfs full: nothing but the previous output is left",
          open(os.path.join(d, "tmpfs-ls.txt")).read().split() == ["out"], open(os.path.join(d, "tmpfs-ls.txt")).read())


def case_killed():
    if not make_city:
        return skip("killed", "needs --make-city for an output that takes long enough to write")
    d = fresh("killed")
    proj = city("killed")
    out = os.path.join(d, "out")
    r = lc("run", proj, "--out", out, "--quiet")
    check("killed: a first run writes the previous output", r.returncode == 0, r.stderr)
    before = tree(out)
    caught = False
    for attempt in range(8):
        p = subprocess.Popen([exe, "run", proj, "--out", out, "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        prefix = f".out.tmp-{p.pid}-"
        while p.poll() is None:
            st = [x for x in os.listdir(d) if x.startswith(prefix)]
            try:
                if st and len(os.listdir(os.path.join(d, st[0]))) >= 3 + attempt:
                    p.send_signal(signal.SIGKILL)
                    caught = True
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.002)
        p.wait()
        if caught:
            break
    if not check("killed: a run was killed with SIGKILL while writing", caught, "the run always finished first"):
        return
    check("killed: the previous output is intact", tree(out) == before)
    print(f"     left behind by the killed run: {leftovers(d, 'out')}")
    # Only what is provably lifecircle's goes: a folder named like a temporary folder but
    # without lifecircle's staging marker stays. (A live run's folder is never looked at:
    # the next run waits for the lock of --out, which a live run holds: outdir_waiting.)
    lookalike = os.path.join(d, ".out.tmp-1-1")
    os.mkdir(lookalike)
    open(os.path.join(lookalike, ".lifecircle-output"), "w").write("x\n")
    r = lc("run", proj, "--out", out, "--quiet")
    check("killed: the next run succeeds", r.returncode == 0, r.stderr)
    left = [x for x in leftovers(d, "out") if x != ".out.tmp-1-1"]
    check("killed: the next run removes the killed run's staging folder", not left, left)
    check("killed: a look-alike folder without lifecircle's staging marker is left alone",
          open(os.path.join(lookalike, ".lifecircle-output")).read() == "x\n")
    shutil.rmtree(lookalike)
    # killed between moving the previous output aside and moving the new one in: only
    # `.out.old-<pid>` holds it. A later run must put it back, not delete it, even when
    # that run fails itself (here: a full disk).
    dead = subprocess.Popen(["true"])
    dead.wait()
    before = tree(out)
    aside = os.path.join(d, f".out.old-{dead.pid}")
    os.rename(out, aside)
    r = lc("run", proj, "--out", out, "--quiet", preexec=fsize_limit(8))
    check("killed: between the two renames, then a failing run: that run fails (exit 3)", r.returncode == 3, r.stderr)
    check("killed: ... the previous output is back in place, intact", os.path.isdir(out) and tree(out) == before,
          f"out exists: {os.path.isdir(out)}, aside exists: {os.path.isdir(aside)}")
    if not os.path.isdir(out) and os.path.isdir(aside):
        os.rename(aside, out)
    # killed while reading (before any staging folder exists): nothing to clean
    before = tree(out)
    p = subprocess.Popen([exe, "run", proj, "--out", out, "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.05)
    p.kill()
    p.wait()
    check("killed: killed while reading: the previous output is intact", tree(out) == before)


def cut(src, dst, keep):
    b = open(src, "rb").read()
    open(dst, "wb").write(b[:keep(len(b))])


def case_truncated():
    d = fresh("truncated")
    data = os.path.join(d, "data")
    p0 = json.load(open(os.path.join(data, "project.json"), encoding="utf-8"))
    prev = os.path.join(d, "out")
    r = lc("run", os.path.join(data, "project.json"), "--out", prev, "--quiet")
    before = tree(prev)
    subprocess.run(["ogr2ogr", "-f", "GPKG", os.path.join(data, "compounds.gpkg"), os.path.join(data, "compounds.geojson")],
                   check=True, capture_output=True)

    def variant(name, layer, path, make):
        make()
        p = json.loads(json.dumps(p0))
        p["layers"][layer]["path"] = path
        if path.endswith(".shp"):
            p["layers"][layer]["encoding"] = "GBK"
        pf = os.path.join(data, f"project_{name}.json")
        json.dump(p, open(pf, "w", encoding="utf-8"), ensure_ascii=False)
        return pf

    def shp(part):
        def make():
            for e in ("shp", "shx", "dbf", "prj"):
                shutil.copy(os.path.join(data, f"compounds_gbk.{e}"), os.path.join(data, f"cut_{part}.{e}"))
            cut(os.path.join(data, f"compounds_gbk.{part}"), os.path.join(data, f"cut_{part}.{part}"), lambda n: n * 6 // 10)
        return make

    # Formats that can tell they are cut short: exit 3 naming the file, nothing written.
    for name, layer, path, make in [
        ("geojson_compounds", "compounds", "cut.geojson",
         lambda: cut(os.path.join(data, "compounds.geojson"), os.path.join(data, "cut.geojson"), lambda n: n // 2)),
        ("geojson_units", "community", "cut_units.geojson",
         lambda: cut(os.path.join(data, "communities.geojson"), os.path.join(data, "cut_units.geojson"), lambda n: n * 7 // 10)),
        ("geojson_empty_file", "facilities", "empty.geojson", lambda: open(os.path.join(data, "empty.geojson"), "wb").close()),
        ("geopackage", "compounds", "cut.gpkg",
         lambda: cut(os.path.join(data, "compounds.gpkg"), os.path.join(data, "cut.gpkg"), lambda n: n // 2)),
        ("shapefile_shx", "compounds", "cut_shx.shp", shp("shx")),
        ("shapefile_shp", "compounds", "cut_shp.shp", shp("shp")),
        ("shapefile_dbf", "compounds", "cut_dbf.shp", shp("dbf")),
    ]:
        pf = variant(name, layer, path, make)
        before = tree(prev)
        for cmd in ("run", "validate"):
            extra = ["--out", prev, "--quiet"] if cmd == "run" else []
            r = lc(cmd, pf, *extra)
            stem = os.path.splitext(path)[0]
            check(f"truncated: {name}: {cmd} exits 3", r.returncode == 3, f"exit {r.returncode}: {r.stderr.strip()[:300]}")
            check(f"truncated: {name}: {cmd} names the file", stem in r.stderr, r.stderr.strip()[:300])
        check(f"truncated: {name}: the previous output is intact", tree(prev) == before)
        check(f"truncated: {name}: nothing half-written is left", not leftovers(d, "out"), leftovers(d, "out"))
    # A CSV cut mid-row is a short last row, which CSV cannot tell from a real one: the
    # run finishes and the incomplete record is rejected with its reason (not lost).
    src = os.path.join(data, "facilities_bom_crlf.csv")
    for name, keep in [("csv_mid_row", lambda n: n - 12), ("csv_mid_character", None)]:
        b = open(src, "rb").read()
        k = keep(len(b)) if keep else b.index("养".encode()) + 1
        pf = variant(name, "facilities", f"{name}.csv", lambda: open(os.path.join(data, f"{name}.csv"), "wb").write(b[:k]))
        out = os.path.join(d, "out_" + name)
        r = lc("run", pf, "--out", out, "--quiet")
        if check(f"truncated: {name}: run exits 0", r.returncode == 0, r.stderr):
            ids = [x.split(",")[1] for x in open(os.path.join(out, "rejected.csv"), encoding="utf-8-sig").read().splitlines()[1:]
                   if x.startswith("facilities,")]
            last = "F5" if name == "csv_mid_row" else "F4"
            check(f"truncated: {name}: the cut record {last} is rejected with a reason", last in ids, ids)
            try:
                for f in os.listdir(out):
                    if os.path.isfile(os.path.join(out, f)):
                        open(os.path.join(out, f), "rb").read().decode("utf-8")
                check(f"truncated: {name}: outputs stay valid UTF-8", True)
            except UnicodeDecodeError as e:
                check(f"truncated: {name}: outputs stay valid UTF-8", False, f"{f}: {e}")


def case_same_path():
    d = fresh("same_path")
    data = os.path.join(d, "data")
    comp = json.load(open(os.path.join(data, "compounds.geojson"), encoding="utf-8"))["features"]
    fac = json.load(open(os.path.join(data, "facilities.geojson"), encoding="utf-8"))["features"]
    for f in comp:
        f["properties"]["what"] = "compound"
    for f in fac:
        f["properties"]["what"] = "facility"
        f["properties"]["id"] = f["properties"]["fid"]
    json.dump({"type": "FeatureCollection", "features": comp + fac}, open(os.path.join(data, "poi.geojson"), "w", encoding="utf-8"),
              ensure_ascii=False)
    p = json.load(open(os.path.join(data, "project.json"), encoding="utf-8"))
    p["layers"]["compounds"].update(path="poi.geojson", where="what = 'compound'")
    p["layers"]["facilities"].update(path="poi.geojson", where="what = 'facility'")
    pf = os.path.join(data, "project_poi.json")
    json.dump(p, open(pf, "w", encoding="utf-8"), ensure_ascii=False)
    out = os.path.join(d, "out")
    r = lc("run", pf, "--out", out, "--quiet")
    if check("same_path: one file for compounds and facilities, told apart by where: exit 0", r.returncode == 0, r.stderr):
        s = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
        check("same_path: each layer reads its own features",
              s["inputs"]["compounds"]["read"] == len(comp) and s["inputs"]["facilities"]["read"] == len(fac), s["inputs"])
        check("same_path: no warning when the filters differ", not any("same" in w for w in s.get("warnings", [])), s.get("warnings"))
    # The same file, layer and filter for two layers is almost surely a slip: allowed, warned.
    p = json.load(open(os.path.join(data, "project.json"), encoding="utf-8"))
    p["layers"]["street"]["path"] = "communities.geojson"
    pf = os.path.join(data, "project_same.json")
    json.dump(p, open(pf, "w", encoding="utf-8"), ensure_ascii=False)
    r = lc("run", pf, "--out", out, "--quiet")
    if check("same_path: street and community from one file: exit 0", r.returncode == 0, r.stderr):
        w = " ".join(json.load(open(os.path.join(out, "summary.json"), encoding="utf-8")).get("warnings", []))
        check("same_path: a warning names the file and both layers",
              "communities.geojson" in w and "street" in w and "community" in w and "same" in w, w[:400])
    v = lc("validate", pf)
    check("same_path: validate shows the warning", v.returncode == 0 and "communities.geojson" in v.stdout and "same" in v.stdout,
          v.stdout[-400:])


def case_paths():
    """Paths resolve against the file that names them; nothing is written outside --out."""
    d = os.path.join(work, "paths")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    data = os.path.join(d, "inputs", "layers")
    shutil.copytree(fixtures, data)
    proj_dir = os.path.join(d, "projects", "a")
    scen_dir = os.path.join(d, "scenarios")
    cwd = os.path.join(d, "elsewhere")
    for x in (proj_dir, scen_dir, cwd):
        os.makedirs(x)
    p = json.load(open(os.path.join(data, "project.json"), encoding="utf-8"))
    for layer in p["layers"].values():
        layer["path"] = "../../inputs/layers/" + layer["path"]
    pf = os.path.join(proj_dir, "project.json")
    json.dump(p, open(pf, "w", encoding="utf-8"), ensure_ascii=False)
    # a scenario in another folder: its add_facilities and layer paths are relative to it
    new = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"fid": "N1", "name": "新站", "type": "day_care", "area": 400},
                                                      "geometry": {"type": "Point", "coordinates": [102.725, 25.0525]}}]}
    os.makedirs(os.path.join(scen_dir, "more"))
    json.dump(new, open(os.path.join(scen_dir, "more", "new.geojson"), "w", encoding="utf-8"), ensure_ascii=False)
    shutil.copy(os.path.join(data, "streets.geojson"), os.path.join(scen_dir, "more", "streets2.geojson"))
    sf = os.path.join(scen_dir, "add.json")
    json.dump({"add_facilities": "more/new.geojson", "layers": {"street": {"path": "more/streets2.geojson"}}}, open(sf, "w"))
    before = tree(d)
    v = lc("validate", "../projects/a/project.json", cwd=cwd)
    check("paths: validate from another folder with a relative project path: exit 0", v.returncode == 0, v.stderr)
    check("paths: validate writes nothing anywhere", tree(d) == before)
    r = lc("run", "../projects/a/project.json", "--scenario", "../scenarios/add.json", "--out", "result", "--quiet", cwd=cwd)
    if not check("paths: run with relative project, scenario and --out from another folder: exit 0", r.returncode == 0, r.stderr):
        return
    out = os.path.join(cwd, "result")
    check("paths: --out is relative to the working folder", os.path.isfile(os.path.join(out, "summary.json")))
    f = json.load(open(os.path.join(out, "facilities.geojson"), encoding="utf-8"))["features"]
    check("paths: the scenario's add_facilities path resolved against the scenario file",
          any(x["properties"]["facility_id"] == "N1" for x in f))
    s = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
    used = json.dumps(s.get("config", {}), ensure_ascii=False)
    check("paths: the scenario's layer path resolved against the scenario file", "scenarios/more/streets2.geojson" in used, used[:300])
    check("paths: summary.json reports absolute paths", os.path.join(d, "inputs", "layers", "compounds.geojson") in used, used[:300])
    after = tree(d)
    outside = sorted(k for k in set(after) ^ set(before) if not k.startswith("elsewhere/result/") and k != "elsewhere/result/")
    changed = sorted(k for k in set(after) & set(before) if after[k] != before[k])
    check("paths: nothing is written outside --out", not outside and not changed, outside + changed)


def case_refuse():
    """An existing --out is replaced only when it holds a previous lifecircle output."""
    d = fresh("refuse")
    proj = os.path.join(d, "data", "project.json")
    mine = os.path.join(d, "my-notes")
    os.mkdir(mine)
    open(os.path.join(mine, "notes.txt"), "w").write("mine\n")
    f = os.path.join(d, "a-file.txt")
    open(f, "w").write("mine\n")
    for target, what in [(mine, "a folder of other files"), (os.path.join(d, "data"), "the project's own folder"),
                         (f, "a regular file"), (d, "a folder holding a lifecircle output and more")]:
        before = tree(d)
        r = lc("run", proj, "--out", target, "--quiet")
        check(f"refuse: {what}: exit 3", r.returncode == 3, f"exit {r.returncode}: {r.stderr}")
        check(f"refuse: {what}: the message names the folder and says it refuses",
              target in r.stderr and "refus" in r.stderr, r.stderr)
        check(f"refuse: {what}: nothing changed", tree(d) == before)
        if what == "a regular file":  # next case: d itself holds an output beside other files
            lc("run", proj, "--out", os.path.join(d, "out"), "--quiet")
    r = lc("run", proj, "--out", ".", "--quiet", cwd=mine)
    check("refuse: --out . in a folder of other files: exit 3", r.returncode == 3, r.stderr)
    empty = os.path.join(d, "empty")
    os.mkdir(empty)
    r = lc("run", proj, "--out", empty, "--quiet")
    check("refuse: an existing empty folder is used", r.returncode == 0 and os.path.isfile(os.path.join(empty, "summary.json")), r.stderr)
    r = lc("run", proj, "--out", empty, "--quiet")
    check("refuse: a previous output is replaced", r.returncode == 0, r.stderr)
    check("refuse: ... leaving nothing beside it", not leftovers(d, "empty"), leftovers(d, "empty"))


def case_odd_paths():
    """Empty and over-long paths are usage errors (exit 2) or unreadable inputs (exit 3),
    never an internal error (exit 1)."""
    d = fresh("odd_paths")
    data = os.path.join(d, "data")
    proj = os.path.join(data, "project.json")
    long_name = "z" * 300 + ".geojson"  # past NAME_MAX: stat() fails with ENAMETOOLONG
    p = json.load(open(proj, encoding="utf-8"))
    p["layers"]["facilities"]["path"] = long_name
    long_layer = os.path.join(data, "project_long_layer.json")
    json.dump(p, open(long_layer, "w", encoding="utf-8"), ensure_ascii=False)
    long_add = os.path.join(data, "scenario_long_add.json")
    json.dump({"add_facilities": long_name}, open(long_add, "w"))
    empty_add = os.path.join(data, "scenario_empty_add.json")
    json.dump({"add_facilities": ""}, open(empty_add, "w"))
    out = os.path.join(d, "out")
    for what, argv, want in [
        ("run with an empty project path", ["run", "", "--out", out, "--quiet"], 2),
        ("validate with an empty project path", ["validate", ""], 2),
        ("run with an empty --out", ["run", proj, "--out", "", "--quiet"], 2),
        ("run with an empty --scenario", ["run", proj, "--scenario", "", "--out", out, "--quiet"], 2),
        ("run with a folder as the project", ["run", data, "--out", out, "--quiet"], 2),
        ("a layer path longer than the file system allows", ["validate", long_layer], 3),
        ("add_facilities with a name longer than the file system allows", ["run", proj, "--scenario", long_add, "--out", out, "--quiet"], 2),
        ("add_facilities with an empty path", ["run", proj, "--scenario", empty_add, "--out", out, "--quiet"], 2),
        ("--out with a name longer than the file system allows", ["run", proj, "--out", os.path.join(d, "o" * 300), "--quiet"], 3),
    ]:
        r = lc(*argv, cwd=d)
        check(f"odd_paths: {what}: exit {want}", r.returncode == want, f"exit {r.returncode}: {r.stderr.strip()[:300]}")
        check(f"odd_paths: {what}: no internal error", "internal error" not in r.stderr, r.stderr.strip()[:300])
    check("odd_paths: nothing is left beside --out", not [x for x in os.listdir(d) if x.startswith(".")], os.listdir(d))


CASES = {"unwritable": case_unwritable, "disk_full": case_disk_full, "killed": case_killed, "truncated": case_truncated,
         "same_path": case_same_path, "paths": case_paths, "refuse": case_refuse,
         "odd_paths": case_odd_paths}

if __name__ == "__main__":
    run_cases(CASES, wanted, work)
