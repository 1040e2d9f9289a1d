#!/usr/bin/env python3
"""The output folder's life cycle (SPEC 2 and 6, docs/outputs.md): never lose a user's
file, never leave a process behind.

    check_output_folder.py LIFECIRCLE FIXTURES WORKDIR [CASE ...]

FIXTURES is tests/fixtures. Each case makes user files, runs lifecircle the ways a user
would, and checks that every user file is still there byte for byte, that each refusal
exits 3 naming the path and what to do, and that nothing is left beside --out. A FAIL
line for each check that fails; exit status 1 when any did.
"""
import fcntl, hashlib, json, os, shutil, subprocess, sys, tempfile, threading, time

from e2e_check import check, run_cases, stage_for_nobody

exe, fixtures, work = (os.path.abspath(a) for a in sys.argv[1:4])
wanted = sys.argv[4:]
HAND = os.path.join(fixtures, "hand")
PROJECT = os.path.join(HAND, "project.json")
GARBAGE = os.path.join(fixtures, "errors", "garbage_input.json")  # reading its inputs fails (exit 3, "cannot be read")
MARKER = ".lifecircle-output"


def fresh(case):
    d = os.path.join(work, case)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def lc(*a, cwd=None, preexec=None, program=None, env=None):
    return subprocess.run([program or exe, *a], capture_output=True, text=True, errors="replace", cwd=cwd, preexec_fn=preexec,
                          env=env)


def tree(d):
    """{relative path: sha1 of the bytes, or 'dir'/'link -> target'} of everything under d."""
    out = {}
    for root, dirs, files in os.walk(d):
        for x in dirs + files:
            p = os.path.join(root, x)
            rel = os.path.relpath(p, d)
            if os.path.islink(p):
                out[rel] = "link -> " + os.readlink(p)
            elif os.path.isdir(p):
                out[rel] = "dir"
            else:
                out[rel] = hashlib.sha1(open(p, "rb").read()).hexdigest()
    return out


def put(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w", encoding="utf-8").write(text)


def beside(d, name):
    """What lifecircle may leave beside --out NAME in d: temporary, previous, lock, trash."""
    return sorted(x for x in os.listdir(d) if x.startswith("." + name + "."))


def valid_output(d, command="run"):
    """The marker lists exactly what the folder holds, sizes included; summary.json parses."""
    try:
        m = json.load(open(os.path.join(d, MARKER), encoding="utf-8"))
    except (OSError, ValueError) as e:
        return f"no readable marker: {e}"
    files, folders = {}, set()
    for root, dirs, names in os.walk(d):
        for x in dirs:
            folders.add(os.path.relpath(os.path.join(root, x), d))
        for x in names:
            p = os.path.join(root, x)
            if p != os.path.join(d, MARKER):
                files[os.path.relpath(p, d)] = os.path.getsize(p)
    if m.get("command") != command:
        return f"command {m.get('command')}"
    if m.get("files") != files or set(m.get("folders", [])) != folders:
        return f"marker {sorted(m.get('files', {}))} vs folder {sorted(files)}"
    if command in ("run", "batch"):
        try:
            json.load(open(os.path.join(d, "summary.json" if command == "run" else "comparison.json"), encoding="utf-8"))
        except (OSError, ValueError) as e:
            return f"summary: {e}"
    return ""


def refused(name, r, *parts):
    """Exit 3, and the message holds each of `parts` (the path, what is wrong, what to do)."""
    check(f"{name}: exit 3", r.returncode == 3, f"exit {r.returncode}: {r.stderr.strip()[:400]}")
    missing = [p for p in parts if p not in r.stderr]
    check(f"{name}: the message says {parts}", not missing, r.stderr.strip()[:600])


def hand_copy(d):
    """The hand fixture copied into d (a project a user may move around)."""
    shutil.copytree(HAND, d)
    return os.path.join(d, "project.json")


def batch_file(path, n, base=PROJECT):
    scen = [{"id": f"s{k}", "patch": {"access": {"minutes": 10 + k % 6}}} for k in range(n)]
    json.dump({"base": base, "scenarios": scen}, open(path, "w"))
    return path


# ---------------------------------------------------------------------------------------
def case_user_files():
    """A folder that held an output, then got the user's files, is not replaced."""
    d = fresh("user_files")
    e = os.path.join(d, "e")
    os.mkdir(e)
    r = lc("run", PROJECT, "--out", e, "--quiet")
    check("user_files: run into an empty folder", r.returncode == 0 and not valid_output(e), r.stderr + valid_output(e))
    # the user copies the project (and its layers) into it and writes notes there
    hand_copy(os.path.join(e, "hand"))
    put(os.path.join(e, "notes.txt"), "call the district office\n")
    put(os.path.join(e, "maps", "my-sketch.svg"), "<svg/>\n")
    before = tree(d)
    r = lc("run", "hand/project.json", "--out", ".", "--quiet", cwd=e)
    refused("user_files: `run hand/project.json --out .` from inside it", r, "is the current folder", "--out out")
    check("user_files: ... every file is still there, byte for byte", tree(d) == before)
    r = lc("run", os.path.join(e, "hand", "project.json"), "--out", e, "--quiet")
    refused("user_files: run the copied project --out that folder", r, e, "an input of this run")
    r = lc("run", PROJECT, "--out", e, "--quiet")
    refused("user_files: run another project --out that folder", r, e, "3 item(s) lifecircle did not write there: hand/, maps/my-sketch.svg, notes.txt",
            "refusing to replace it", "move them out")
    check("user_files: ... every file is still there, byte for byte", tree(d) == before)
    check("user_files: ... nothing left beside it", not beside(d, "e"), beside(d, "e"))
    # an output file the user edited in place (same name, other size) is the user's now
    e2 = os.path.join(d, "edited")
    lc("run", PROJECT, "--out", e2, "--quiet")
    with open(os.path.join(e2, "coverage.csv"), "a", encoding="utf-8") as f:
        f.write("my note,,,\n")
    before = tree(d)
    r = lc("run", PROJECT, "--out", e2, "--quiet")
    refused("user_files: an output file edited by hand", r, "coverage.csv (changed since lifecircle wrote it)")
    check("user_files: ... the edited file is kept", tree(d) == before)
    # an output file the user deleted is not theirs: the folder is replaced
    os.remove(os.path.join(e2, "coverage.csv"))
    r = lc("run", PROJECT, "--out", e2, "--quiet")
    check("user_files: an output missing a file lifecircle wrote is replaced", r.returncode == 0 and not valid_output(e2), r.stderr)
    # a folder of the user's (no marker) and a bare marker from an older lifecircle
    mine = os.path.join(d, "mine")
    put(os.path.join(mine, "data.csv"), "1,2\n")
    old = os.path.join(d, "old")
    put(os.path.join(old, MARKER), "lifecircle output folder; safe to replace by lifecircle\n")
    put(os.path.join(old, "summary.json"), "{}\n")
    put(os.path.join(old, "thesis.docx"), "mine\n")
    before = tree(d)
    refused("user_files: a folder of the user's", lc("run", PROJECT, "--out", mine, "--quiet"), mine, "not a lifecircle output folder", "data.csv")
    refused("user_files: an older lifecircle's marker without a file list", lc("run", PROJECT, "--out", old, "--quiet"), old,
            "does not list the files", "delete it yourself")
    check("user_files: ... both kept byte for byte", tree(d) == before)


def case_defaults():
    """run, site and batch have their own default folders; none replaces another's output."""
    d = fresh("defaults")
    bf = batch_file(os.path.join(d, "b.json"), 2)
    r = lc("run", PROJECT, "--quiet", cwd=d)
    check("defaults: run writes out/", r.returncode == 0 and not valid_output(os.path.join(d, "out")), r.stderr)
    r = lc("site", PROJECT, "--type", "day_care", "--count", "1", "--quiet", cwd=d)
    check("defaults: site writes out-site/", r.returncode == 0 and not valid_output(os.path.join(d, "out-site"), "site"), r.stderr)
    r = lc("batch", bf, "--quiet", cwd=d)
    check("defaults: batch writes out-batch/", r.returncode == 0 and not valid_output(os.path.join(d, "out-batch"), "batch"), r.stderr)
    site = tree(os.path.join(d, "out-site"))
    batch = tree(os.path.join(d, "out-batch"))
    r = lc("run", PROJECT, "--quiet", cwd=d)
    check("defaults: the next run replaces out/", r.returncode == 0 and not valid_output(os.path.join(d, "out")), r.stderr)
    check("defaults: ... and leaves the site proposal and the batch alone",
          tree(os.path.join(d, "out-site")) == site and tree(os.path.join(d, "out-batch")) == batch)
    check("defaults: nothing beside the outputs", not [x for x in os.listdir(d) if x.startswith(".")], os.listdir(d))
    # one command's output is not replaced by another's
    before = tree(d)
    refused("defaults: run --out a site proposal", lc("run", PROJECT, "--out", "out-site", "--quiet", cwd=d),
            "holds the output of `lifecircle site`", "choose another --out")
    refused("defaults: site --out a run's output", lc("site", PROJECT, "--type", "day_care", "--count", "1", "--out", "out", "--quiet", cwd=d),
            "holds the output of `lifecircle run`")
    refused("defaults: batch --out a run's output", lc("batch", bf, "--out", "out", "--quiet", cwd=d), "holds the output of `lifecircle run`")
    # the old layout: site's proposal written inside run's output (out/site)
    refused("defaults: site --out inside a run's output", lc("site", PROJECT, "--type", "day_care", "--count", "1", "--out", "out/site",
                                                            "--quiet", cwd=d), "is inside", "choose a --out outside it")
    check("defaults: ... nothing changed", tree(d) == before)
    shutil.copytree(os.path.join(d, "out-site"), os.path.join(d, "out", "site"))
    before = tree(d)
    refused("defaults: run --out a folder holding another output (out/site of an older lifecircle)",
            lc("run", PROJECT, "--quiet", cwd=d), "site/ (another lifecircle output)")
    check("defaults: ... the nested proposal is kept", tree(d) == before)


def case_inputs():
    """--out that holds an input of the command is refused before the command starts."""
    d = fresh("inputs")
    a = os.path.join(d, "a")
    proj = hand_copy(a)
    # a project elsewhere whose facilities layer lies in a/
    p = json.load(open(PROJECT, encoding="utf-8"))
    for layer in p["layers"].values():
        layer["path"] = os.path.join(HAND, layer["path"])
    p["layers"]["facilities"]["path"] = os.path.join(a, "facilities.geojson")
    pf = os.path.join(d, "p.json")
    json.dump(p, open(pf, "w", encoding="utf-8"), ensure_ascii=False)
    scen = os.path.join(d, "s", "sub", "scen.json")
    put(scen, '{"access": {"minutes": 10}}')
    b = os.path.join(d, "b")
    os.mkdir(b)
    bf = batch_file(os.path.join(b, "batch.json"), 2)
    bf2 = batch_file(os.path.join(d, "b2.json"), 2, base=proj)
    patch = os.path.join(d, "c", "patch.json")
    put(patch, '{"access": {"minutes": 12}}')
    bf3 = os.path.join(d, "b3.json")
    json.dump({"base": PROJECT, "scenarios": [{"id": "p", "patch": patch}]}, open(bf3, "w"))
    cand = os.path.join(d, "cand", "candidates.geojson")
    os.makedirs(os.path.dirname(cand))
    shutil.copy(os.path.join(fixtures, "siting", "candidates.geojson"), cand)
    before = tree(d)
    refused("inputs: run --out the project's folder", lc("run", proj, "--out", a, "--quiet"), a, "an input of this run", proj)
    refused("inputs: run --out the folder of a layer", lc("run", pf, "--out", a, "--quiet"), os.path.join(a, "facilities.geojson"),
            "an input of this run")
    refused("inputs: run --out holding a scenario file two folders down",
            lc("run", PROJECT, "--scenario", scen, "--out", os.path.join(d, "s"), "--quiet"), scen, "an input of this run")
    refused("inputs: batch --out the batch file's folder", lc("batch", bf, "--out", b, "--quiet"), bf, "an input of this batch")
    refused("inputs: batch --out the base project's folder", lc("batch", bf2, "--out", a, "--quiet"), proj, "an input of this batch")
    refused("inputs: batch --out the folder of a patch file", lc("batch", bf3, "--out", os.path.join(d, "c"), "--quiet"), patch,
            "an input of this batch")
    refused("inputs: site --out the candidates' folder", lc("site", PROJECT, "--type", "day_care", "--count", "1", "--candidates", cand,
                                                           "--out", os.path.dirname(cand), "--quiet"), cand, "an input of this site")
    check("inputs: every input is still there, byte for byte, and nothing was written", tree(d) == before)


def case_links():
    """--out given as a symbolic link: its target is written and replaced; the link stays."""
    d = fresh("links")
    target = os.path.join(d, "target")
    os.mkdir(target)
    link = os.path.join(d, "link")
    os.symlink("target", link)
    r = lc("run", PROJECT, "--out", link, "--quiet")
    check("links: run --out a link to an empty folder writes into that folder", r.returncode == 0 and not valid_output(target), r.stderr)
    r = lc("run", PROJECT, "--out", link, "--quiet")
    check("links: a second run replaces the folder the link names", r.returncode == 0 and not valid_output(target), r.stderr)
    check("links: ... the link is still a link to it", os.path.islink(link) and os.readlink(link) == "target")
    check("links: ... nothing beside either", not [x for x in os.listdir(d) if x.startswith(".")], os.listdir(d))
    # a link to a folder of the user's
    mine = os.path.join(d, "mine")
    put(os.path.join(mine, "notes.txt"), "mine\n")
    os.symlink(mine, os.path.join(d, "to-mine"))
    before = tree(d)
    refused("links: a link to a folder of the user's", lc("run", PROJECT, "--out", os.path.join(d, "to-mine"), "--quiet"),
            os.path.join(d, "to-mine") + " (" + mine + ")", "notes.txt")
    # a link to a file, a broken link, a link in the middle of the path
    put(os.path.join(d, "file.txt"), "mine\n")
    os.symlink("file.txt", os.path.join(d, "to-file"))
    refused("links: a link to a file", lc("run", PROJECT, "--out", os.path.join(d, "to-file"), "--quiet"), "is a file, not a folder")
    os.symlink("nowhere", os.path.join(d, "broken"))
    before = tree(d)
    refused("links: a broken link", lc("run", PROJECT, "--out", os.path.join(d, "broken"), "--quiet"), "is a symbolic link to nowhere",
            "create the folder it names")
    check("links: ... nothing created, the user's files intact", tree(d) == before)
    os.symlink(mine, os.path.join(d, "via"))
    r = lc("run", PROJECT, "--out", os.path.join(d, "via", "out"), "--quiet")
    check("links: a link on the way to --out is followed", r.returncode == 0 and not valid_output(os.path.join(mine, "out")), r.stderr)
    check("links: ... the user's file beside it intact", open(os.path.join(mine, "notes.txt")).read() == "mine\n")


def case_preflight():
    """Every --out problem is found before the inputs are read: the project's compounds are
    garbage, so an error about them would mean the check came too late."""
    d = fresh("preflight")
    put(os.path.join(d, "a-file"), "mine\n")
    os.symlink("nowhere", os.path.join(d, "broken"))
    cases = [
        ("a broken link", os.path.join(d, "broken"), ["symbolic link to nowhere"]),
        ("a missing folder before '..'", os.path.join(d, "missing", "..", "out"), [os.path.join(d, "missing") + " does not exist", "without \"..\""]),
        ("a file where the folder should be", os.path.join(d, "a-file"), ["is a file, not a folder", "choose another --out"]),
        ("a file on the way", os.path.join(d, "a-file", "out"), ["is a file, not a folder"]),
        ("a name too long for what lifecircle writes beside it", os.path.join(d, "n" * 240), ["too long", "shorter --out"]),
        ("the current folder", ".", ["is the current folder"]),
    ]
    before = tree(d)
    for what, out, parts in cases:
        r = lc("run", GARBAGE, "--out", out, "--quiet", cwd=d)
        refused(f"preflight: {what}", r, *parts)
        check(f"preflight: {what}: found before the inputs are read", "cannot be read" not in r.stderr, r.stderr)
    check("preflight: nothing changed", tree(d) == before)
    # an unwritable parent: as a user (root ignores permission bits)
    ro = os.path.join(d, "ro")
    os.mkdir(ro)
    program, proj, drop, env = exe, GARBAGE, None, None
    staged = None
    if os.geteuid() == 0:
        staged = tempfile.mkdtemp(prefix="lc-preflight-")
        os.chmod(staged, 0o755)
        os.mkdir(os.path.join(staged, "errors"))
        for f in ("garbage_input.json", "garbage.geojson"):
            shutil.copy(os.path.join(fixtures, "errors", f), os.path.join(staged, "errors", f))
        shutil.copytree(HAND, os.path.join(staged, "hand"))
        program, env = stage_for_nobody(staged, exe)
        proj = os.path.join(staged, "errors", "garbage_input.json")
        ro = os.path.join(staged, "ro")
        os.mkdir(ro)

        def drop():
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
    os.chmod(ro, 0o555)
    try:
        r = lc("run", proj, "--out", os.path.join(ro, "out"), "--quiet", preexec=drop, program=program, cwd="/", env=env)
        refused("preflight: an unwritable parent folder", r, ro + ": not writable", "choose another --out")
        check("preflight: an unwritable parent folder: found before the inputs are read", "cannot be read" not in r.stderr, r.stderr)
        check("preflight: ... nothing created there", os.listdir(ro) == [])
    finally:
        os.chmod(ro, 0o755)
        if staged:
            shutil.rmtree(staged, ignore_errors=True)


def case_concurrent():
    """8 runs at once on one --out, 25 times: every run finishes, and what is left is one
    whole output with nothing beside it."""
    d = fresh("concurrent")
    out = os.path.join(d, "out")
    bad = []
    for rnd in range(25):
        ps = [subprocess.Popen([exe, "run", PROJECT, "--out", out, "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
              for _ in range(8)]
        results = [(p.wait(), p.stderr.read()) for p in ps]
        for p in ps:
            p.stderr.close()
        errors = [e for rc, e in results if rc != 0 or "error" in e]
        problem = valid_output(out)
        left = beside(d, "out")
        if errors or problem or left:
            bad.append((rnd, errors[:2], problem, left))
    check("concurrent: 8 runs × 25 rounds: all exit 0, one valid output, nothing beside it", not bad, bad[:3])


def case_waiting():
    """While another holds the lock of --out, a run waits, says so, and goes on after."""
    d = fresh("waiting")
    out = os.path.join(d, "out")
    lc("run", PROJECT, "--out", out, "--quiet")
    before = tree(out)
    scen = os.path.join(d, "slow.json")
    put(scen, '{"access": {"walk_kmh": 2.0}}')
    lock = open(os.path.join(d, ".out.lock"), "a+")
    fcntl.flock(lock, fcntl.LOCK_EX)
    err = open(os.path.join(d, "stderr.txt"), "w+")
    p = subprocess.Popen([exe, "run", PROJECT, "--scenario", scen, "--out", out, "--quiet"], stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.time() + 20
    while time.time() < deadline and "waiting" not in open(err.name).read():
        time.sleep(0.05)
    said = open(err.name).read()
    check("waiting: the run says it waits, naming --out", "waiting" in said and out in said, said)
    check("waiting: ... and does wait (the previous output untouched)", p.poll() is None and tree(out) == before)
    fcntl.flock(lock, fcntl.LOCK_UN)
    lock.close()
    rc = p.wait(timeout=60)
    check("waiting: once the lock is free it finishes", rc == 0, open(err.name).read())
    check("waiting: ... with the new output", json.load(open(os.path.join(out, "summary.json")))["config"]["access"]["walk_kmh"] == 2.0)
    check("waiting: ... and nothing beside it (the lock file removed)", not beside(d, "out"), beside(d, "out"))
    # a real holder is named in the message
    holder = subprocess.Popen([exe, "batch", batch_file(os.path.join(d, "big.json"), 40), "--out", out + "-b", "--quiet"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while holder.poll() is None and not os.path.exists(os.path.join(d, ".out-b.lock")):
        time.sleep(0.01)
    r = subprocess.run([exe, "batch", os.path.join(d, "big.json"), "--out", out + "-b", "--quiet"], capture_output=True, text=True)
    holder.wait()
    if "waiting" in r.stderr:
        check("waiting: the message names the command holding the lock", "another lifecircle batch (pid " in r.stderr, r.stderr)
    check("waiting: two batches on one --out both finish", r.returncode == 0 and holder.returncode == 0 and not valid_output(out + "-b", "batch"),
          r.stderr)


def session_members(sid):
    """Processes in session `sid` (a process started with start_new_session leads its own)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = open(f"/proc/{pid}/stat").read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == sid:
            found.append((int(pid), stat[:stat.rindex(")") + 1]))
    return found


def case_no_orphans():
    """No process of lifecircle outlives it, also when it replaces a large output, and the
    previous output is gone when it returns."""
    d = fresh("no_orphans")
    bf = batch_file(os.path.join(d, "big.json"), 30)
    for what, argv, name in [("run", ["run", PROJECT, "--out", os.path.join(d, "out"), "--quiet"], "out"),
                             ("batch of 30 scenarios", ["batch", bf, "--out", os.path.join(d, "big"), "--quiet"], "big")]:
        for attempt in ("writing", "replacing"):
            p = subprocess.Popen([exe, *argv], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            _, err = p.communicate()
            left = session_members(p.pid)
            # Under a sanitizer the runtime's own llvm-symbolizer (it symbolizes stacks to
            # match suppressions) exits on EOF a moment after lifecircle: give such a
            # helper up to 3 s. lifecircle itself starts no process, so a member still
            # there after that is an orphan.
            deadline = time.time() + 3
            while left and all("llvm-symbolizer" in name for _, name in left) and time.time() < deadline:
                time.sleep(0.05)
                left = session_members(p.pid)
            check(f"no_orphans: {what}, {attempt} its output: exit 0", p.returncode == 0, err)
            check(f"no_orphans: {what}, {attempt}: no process of its session is left", not left, left)
            check(f"no_orphans: {what}, {attempt}: the previous output is gone when it returns", not beside(d, name), beside(d, name))
    check("no_orphans: the batch's output is whole", not valid_output(os.path.join(d, "big"), "batch"), valid_output(os.path.join(d, "big"), "batch"))


def case_exchange():
    """--out is never missing while it is replaced (one exchange, not two renames)."""
    d = fresh("exchange")
    out = os.path.join(d, "out")
    lc("run", PROJECT, "--out", out, "--quiet")
    missing, stop = [], threading.Event()

    def watch():
        while not stop.is_set():
            if not os.path.isfile(os.path.join(out, "summary.json")):
                missing.append(time.time())

    t = threading.Thread(target=watch)
    t.start()
    try:
        rcs = [lc("run", PROJECT, "--out", out, "--quiet").returncode for _ in range(20)]
    finally:
        stop.set()
        t.join()
    check("exchange: 20 replacements exit 0", rcs == [0] * 20, rcs)
    check("exchange: out/summary.json was there at every look", not missing, f"missing {len(missing)} time(s)")


def case_stale():
    """What a stopped run left beside --out is removed by the next run when it is provably
    lifecircle's, and left alone when it is not."""
    d = fresh("stale")
    out = os.path.join(d, "out")
    lc("run", PROJECT, "--out", out, "--quiet")
    # a run killed while writing: its temporary folder with its staging marker
    killed = os.path.join(d, ".out.tmp-999999-1")
    put(os.path.join(killed, MARKER), json.dumps({"lifecircle_output": "staging", "command": "run", "pid": 999999}))
    put(os.path.join(killed, "units_street.geojson"), "{\"type\": \"FeatureC")
    # a folder of the same name pattern that is not lifecircle's
    lookalike = os.path.join(d, ".out.tmp-999999-2")
    put(os.path.join(lookalike, "notes.txt"), "mine\n")
    # a previous output a stopped run had begun removing (some files gone), and one with a user file in it
    shutil.copytree(out, os.path.join(d, ".out.tmp-999999-3"))
    os.remove(os.path.join(d, ".out.tmp-999999-3", "coverage.csv"))
    shutil.rmtree(os.path.join(d, ".out.tmp-999999-3", "maps"))
    shutil.copytree(out, os.path.join(d, ".out.tmp-999999-4"))
    put(os.path.join(d, ".out.tmp-999999-4", "notes.txt"), "mine\n")
    # the trash folder of lifecircle before this life cycle: not provably ours, left alone
    put(os.path.join(d, ".out.trash-1", "s0", "f.txt"), "old\n")
    keep = {k: v for k, v in tree(d).items() if k.startswith((".out.tmp-999999-2", ".out.tmp-999999-4", ".out.trash-1"))}
    r = lc("run", PROJECT, "--out", out, "--quiet")
    check("stale: the next run succeeds", r.returncode == 0 and not valid_output(out), r.stderr)
    check("stale: the killed run's temporary folder is removed", not os.path.exists(killed))
    check("stale: a partly removed previous output is removed", not os.path.exists(os.path.join(d, ".out.tmp-999999-3")))
    after = tree(d)
    check("stale: the look-alike, the previous output holding a user file and the old trash folder are kept byte for byte",
          all(after.get(k) == v for k, v in keep.items()), sorted(k for k, v in keep.items() if after.get(k) != v))
    # stopped between the two renames (file systems without RENAME_EXCHANGE): only
    # .out.old-<pid> holds the previous output, and the next run puts it back first
    before = tree(out)
    os.rename(out, os.path.join(d, ".out.old-999999"))
    site = lc("site", PROJECT, "--type", "day_care", "--count", "1", "--out", out, "--quiet")
    refused("stale: a site on that --out finds the run's output put back", site, "holds the output of `lifecircle run`")
    check("stale: ... the previous output is back in place, intact", tree(out) == before and not os.path.exists(os.path.join(d, ".out.old-999999")))


CASES = {"user_files": case_user_files, "defaults": case_defaults, "inputs": case_inputs, "links": case_links,
         "preflight": case_preflight, "concurrent": case_concurrent, "waiting": case_waiting, "no_orphans": case_no_orphans,
         "exchange": case_exchange, "stale": case_stale}

if __name__ == "__main__":
    run_cases(CASES, wanted, work)
