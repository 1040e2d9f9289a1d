#!/usr/bin/env python3
"""Scenario batches end to end on the hand-worked fixture.

    check_batch.py LIFECIRCLE BATCH.json WORKDIR

- a broken scenario fails with its error and does not stop the others; exit status non-zero
- each good scenario's folder is byte-identical to `run --scenario` of the same patch
  (summary.json: equal once its `seconds` are dropped — stage timings differ run to run)
- the same batch twice, with --jobs 2, and with LIFECIRCLE_THREADS 1 or 4 (4: two jobs of
  two threads each) gives identical outputs
- comparison.csv/json carry each rule's change against the base and the compounds that
  become reached, by street (hand-worked: adding F7 next to K4 reaches K4 in S2); a
  day-care site added inside K1 makes it meet compound_support, a canteen there does not
- scenario folders are independent copies: no file of a run or a batch is a hard link
  (st_nlink == 1) unless --link-unchanged, which links exactly the files equal to the
  base's; a batch replacing its previous output leaves the same bytes and the base
  intact; a scenario folder passes the shared format check (../shared/checks/check_outputs.py)
- --outputs comparison writes only the comparison tables (and error.txt of the failed
  scenario), the same bytes as the full batch's
- --shard K/N for K = 1..3, joined by `lifecircle merge` (shards in any order), gives the
  unsharded batch's folder: comparison tables byte for byte, scenario folders as above
- a base with a census table whose reading notes a text number, an unreadable number and
  a duplicate code (the batch reads the table once for every scenario): each scenario's
  folder is still byte-identical to `run --scenario`, and every folder's repairs.csv and
  summary.json carry each note exactly once
"""
import filecmp, json, os, shutil, subprocess, sys

from e2e_check import check, finish

exe, batch, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)


def same_folder(a, b):
    diffs = []
    # The marker is left out: a run's folder has one, a batch's scenario folder does not (the
    # batch's marker, at its top, lists it), and it holds sizes, summary.json's (seconds) included.
    fa, fb = (sorted(x for x in os.listdir(d) if x != ".lifecircle-output") for d in (a, b))
    if fa != fb:
        return [f"files {fa} vs {fb}"]
    for f in fa:
        pa, pb = os.path.join(a, f), os.path.join(b, f)
        if os.path.isdir(pa):
            diffs += same_folder(pa, pb)
        elif f == "summary.json":
            ja, jb = json.load(open(pa)), json.load(open(pb))
            ja.pop("seconds"), jb.pop("seconds")
            if ja != jb:
                diffs.append(f)
        elif not filecmp.cmp(pa, pb, shallow=False):
            diffs.append(f)
    return diffs


def run_batch(out, *extra, threads=None):
    env = dict(os.environ)
    if threads:
        env["LIFECIRCLE_THREADS"] = threads
    return subprocess.run([exe, "batch", batch, "--out", out, "--quiet", *extra], capture_output=True, text=True, env=env)


out1 = os.path.join(work, "b1")
r = run_batch(out1)
check("a failed scenario makes the batch exit non-zero (2: bad patch)", r.returncode == 2, f"{r.returncode} {r.stderr}")
check("the failure is reported with its error", "teleport" in r.stderr, r.stderr)
check("the broken scenario leaves error.txt", os.path.isfile(os.path.join(out1, "broken", "error.txt")))
doc = json.load(open(batch))
good = [s for s in doc["scenarios"] if s["id"] != "broken"]
for s in good:
    check(f"scenario {s['id']} ran despite the broken one", os.path.isfile(os.path.join(out1, s["id"], "summary.json")))

# byte-identical to run --scenario
bdir = os.path.dirname(os.path.abspath(batch))
base = os.path.join(bdir, doc["base"])
for s in good:
    patch = s["patch"]
    pfile = os.path.join(bdir, patch) if isinstance(patch, str) else os.path.join(bdir, f".tmp-patch-{s['id']}.json")
    if not isinstance(patch, str):
        json.dump(patch, open(pfile, "w"), ensure_ascii=False)
    single = os.path.join(work, "single-" + s["id"])
    rr = subprocess.run([exe, "run", base, "--scenario", pfile, "--out", single, "--quiet"], capture_output=True, text=True)
    if not isinstance(patch, str):
        os.remove(pfile)
    check(f"run --scenario {s['id']} exits 0", rr.returncode == 0, rr.stderr)
    d = same_folder(os.path.join(out1, s["id"]), single)
    check(f"batch output of {s['id']} is byte-identical to run --scenario", not d, d)

# determinism, whatever --jobs
out2, out3 = os.path.join(work, "b2"), os.path.join(work, "b3")
run_batch(out2)
run_batch(out3, "--jobs", "2")
d = same_folder(out1, out2)
check("the same batch twice gives identical outputs", not d, d)
d = same_folder(out1, out3)
check("--jobs 2 gives identical outputs", not d, d)
# whatever the threads: one, or four shared by two jobs (each job its own engine of two)
out4, out5 = os.path.join(work, "b4"), os.path.join(work, "b5")
run_batch(out4, threads="1")
run_batch(out5, "--jobs", "2", threads="4")
d = same_folder(out1, out4)
check("LIFECIRCLE_THREADS=1 gives identical outputs", not d, d)
d = same_folder(out1, out5)
check("LIFECIRCLE_THREADS=4 with --jobs 2 gives identical outputs", not d, d)

# comparison
raw = open(os.path.join(out1, "comparison.csv"), "rb").read()
check("comparison.csv starts with a BOM", raw.startswith(b"\xef\xbb\xbf"))
cmp = json.load(open(os.path.join(out1, "comparison.json")))
sc = {s["id"]: s for s in cmp["scenarios"]}
check("comparison.json lists every scenario in order", [s["id"] for s in cmp["scenarios"]] == [s["id"] for s in doc["scenarios"]])
check("the failed scenario is marked failed with its error", sc["broken"]["status"] == "failed" and "teleport" in sc["broken"]["error"])
reach = {r["id"]: r for r in sc["add-f7"]["rules"]}["r_reach"]
# base 250/310; with F7 at K4, K4 (60 elderly) is reached: 310/310
check("adding F7 lifts r_reach from 250/310 to 1.0", abs(reach["value"] - 1.0) < 1e-9 and abs(reach["change"] - 60 / 310) < 1e-9, reach)
check("K4 becomes reached, in street S2", reach["streets"].get("S2", {}).get("newly_reached") == ["K4"], reach.get("streets"))
slow = {r["id"]: r for r in sc["slow"]["rules"]}["r_reach"]
# at 2 km/h the reach is 500 m: K1 (F1 at 0 m) stays reached, K3 (F2 at 350 m) stays; nothing else changes
check("slow walking (500 m) keeps K1 and K3 reached", abs(slow["value"] - 250 / 310) < 1e-9, slow)
# compound_support reads the day-care and supporting sites (r_support): F9 (400 m²) added
# inside K1 makes K1 compliant (120 + 400 m² >= 100 m² for 500 households, largest site
# 400 >= 300), so r_support goes from 1/2 (K1 fails, K3 complies) to 2/2 and passes. A
# canteen added inside K1 is no site of the rule: r_support stays 1/2.
sup = {r["id"]: r for r in sc["support-k1"]["rules"]}["r_support"]
check("a day-care site inside K1 makes r_support 2/2 and pass", abs(sup["value"] - 1.0) < 1e-9 and sup["pass"] is True, sup)
can = {r["id"]: r for r in sc["canteen-k1"]["rules"]}["r_support"]
check("a canteen inside K1 leaves r_support at 1/2, failing", abs(can["value"] - 0.5) < 1e-9 and can["pass"] is False, can)
# add-f7 is the batch's second inline collection but a single run's first: its warnings
# must name it the same way in both (they once named a numbered memory file)
warn = json.load(open(os.path.join(out1, "add-f7", "summary.json")))["warnings"]
check("warnings about added facilities name the inline collection",
      any(w.startswith("add_facilities (inline): has no field") for w in warn) and not any("/vsimem" in w for w in warn), warn)
dup = [l for l in open(os.path.join(out1, "add-f7", "rejected.csv"), encoding="utf-8-sig") if "F1" in l]
check("an added facility reusing a base id is rejected, not merged", dup and "duplicate id" in dup[0], dup)
# scenario folders are independent copies: no file of a run or a batch is a hard link
def files(d):
    out = {}
    for root, _, names in os.walk(d):
        for n in names:
            out[os.path.relpath(os.path.join(root, n), d)] = os.path.join(root, n)
    return out


def linked_files(d):
    return sorted(rel for rel, p in files(d).items() if os.stat(p).st_nlink != 1)


check("no file of the batch is a hard link (st_nlink == 1)", not linked_files(out1), linked_files(out1)[:10])
singles = [os.path.join(work, n) for n in os.listdir(work) if n.startswith("single-")]
check("no file of a run is a hard link (st_nlink == 1)", singles and not any(linked_files(d) for d in singles))

# --link-unchanged: exactly the files equal to the base's become links to them
outl = os.path.join(work, "linked")
r = run_batch(outl, "--link-unchanged")
check("--link-unchanged exits as the batch does (2)", r.returncode == 2, r.stderr)
d = same_folder(outl, out1)
check("--link-unchanged writes the same bytes", not d, d)
base_files = files(os.path.join(outl, "base"))
wrong, linked = [], 0
for s in good:
    for rel, path in files(os.path.join(outl, s["id"])).items():
        b = base_files.get(rel)
        equal = b is not None and filecmp.cmp(path, b, shallow=False)
        same_inode = b is not None and os.stat(path).st_ino == os.stat(b).st_ino
        linked += same_inode
        if equal != same_inode:
            wrong.append(f"{s['id']}/{rel}")
check("--link-unchanged links every file equal to the base's and no other", not wrong, wrong[:10])
check("--link-unchanged links some files (styles at least)", linked > 0, linked)

# --outputs comparison: the comparison tables alone, the same bytes
CMP = ["comparison.csv", "comparison.json", "comparison_streets.csv"]
outc = os.path.join(work, "cmp")
r = run_batch(outc, "--outputs", "comparison")
check("--outputs comparison exits as the batch does (2)", r.returncode == 2, r.stderr)
check("--outputs comparison reports the failed scenario", "teleport" in r.stderr, r.stderr)
check("--outputs comparison writes the tables and the failed scenario's error only",
      sorted(files(outc)) == sorted([".lifecircle-output", "broken/error.txt"] + CMP), sorted(files(outc)))
for f in CMP:
    check(f"--outputs comparison: {f} is the full batch's", open(os.path.join(outc, f), "rb").read() == open(os.path.join(out1, f), "rb").read())

# --shard K/N and merge: the whole batch again
ids = [s["id"] for s in doc["scenarios"]]
for outputs, whole in (("full", out1), ("comparison", outc)):
    shard_dirs = []
    for k in (1, 2, 3):
        sd = os.path.join(work, f"shard{k}-{outputs}")
        r = run_batch(sd, "--shard", f"{k}/3", "--outputs", outputs)
        mine = ids[k - 1::3]
        check(f"--shard {k}/3 ({outputs}) exits 2 only with the broken scenario", r.returncode == (2 if "broken" in mine else 0), r.stderr)
        got = [x["id"] for x in json.load(open(os.path.join(sd, "comparison.json")))["scenarios"]]
        check(f"--shard {k}/3 runs scenarios {k}, {k}+3, ... of the batch", got == mine, got)
        shard_dirs.append(sd)
    merged = os.path.join(work, f"merged-{outputs}")
    r = subprocess.run([exe, "merge", shard_dirs[2], shard_dirs[0], shard_dirs[1], "--out", merged, "--quiet"], capture_output=True, text=True)
    check(f"merge ({outputs}) exits as the batch does (2)", r.returncode == 2, r.stderr)
    for f in CMP:
        check(f"merge ({outputs}): {f} is byte-identical to the unsharded batch's",
              open(os.path.join(merged, f), "rb").read() == open(os.path.join(whole, f), "rb").read())
    d = same_folder(merged, whole)
    check(f"merge ({outputs}) gives the unsharded batch's folder", not d, d)
    check(f"merge ({outputs}) copies: no hard links", not linked_files(merged), linked_files(merged)[:5])
r = subprocess.run([exe, "merge", os.path.join(work, "shard1-full"), os.path.join(work, "shard3-full"), "--out", os.path.join(work, "m-missing")],
                   capture_output=True, text=True)
check("merge without every shard exits 3 naming the missing one", r.returncode == 3 and "shard 2/3 is missing" in r.stderr, r.stderr)
check("a failed merge writes nothing", not os.path.exists(os.path.join(work, "m-missing")))
r = subprocess.run([exe, "merge", out1, "--out", os.path.join(work, "m-notshard")], capture_output=True, text=True)
check("merge of a folder that is not a shard exits 3 saying so", r.returncode == 3 and "no shard.json" in r.stderr, r.stderr)
r = subprocess.run([exe, "merge", os.path.join(work, "shard1-full"), os.path.join(work, "shard2-comparison"),
                    os.path.join(work, "shard3-full"), "--out", os.path.join(work, "m-mixed")], capture_output=True, text=True)
check("merge of shards of different runs exits 3", r.returncode == 3 and "another batch" in r.stderr, r.stderr)
r = subprocess.run([exe, "merge", *[os.path.join(work, f"shard{k}-full") for k in (1, 2, 3)], "--out", os.path.join(work, "shard1-full")],
                   capture_output=True, text=True)
check("merge into one of its shards exits 2", r.returncode == 2 and "is one of the shards" in r.stderr, r.stderr)
check("the shard is left as it was", os.path.isfile(os.path.join(work, "shard1-full", "shard.json")))

# replacing the previous output of a batch: same bytes, base intact, nothing left beside it
def outputs(d):  # summary.json (seconds) and the marker (sizes) vary run to run
    return {rel: open(p, "rb").read() for rel, p in files(d).items() if not rel.endswith("summary.json") and rel != ".lifecircle-output"}


before = outputs(out1)
r = run_batch(out1)
after = outputs(out1)
check("a batch replacing its previous output exits as before (2)", r.returncode == 2, f"{r.returncode} {r.stderr}")
check("a batch replacing its previous output writes the same bytes", before == after,
      sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))[:10])
left = [n for n in os.listdir(work) if n.startswith(".b1.")]
check("no staging or previous folder is left beside the output", not left, left)

# census tables read once per batch: their reading's notes reach every scenario, once
census_dir = os.path.join(work, "census")
os.makedirs(census_dir)
for f in os.listdir(bdir):
    if f.endswith(".geojson"):
        shutil.copy(os.path.join(bdir, f), census_dir)
with open(os.path.join(census_dir, "census.csv"), "w", encoding="utf-8") as f:
    # C11's elderly is a text number (read as 300, a repair), C12's cannot be read
    # (unknown, a repair and an unreadable count), C21 comes twice (a warning).
    f.write("社区代码,常住人口,60岁及以上人口\nC11,2000,约300\nC12,1500,不详x\nC21,900,200\nC21,900,210\n")
proj = json.load(open(base))
for layer in proj["layers"].values():
    layer["path"] = os.path.basename(layer["path"])
proj["census"] = [{"path": "census.csv", "level": "community", "id": "社区代码", "population": "常住人口", "elderly": "60岁及以上人口"}]
json.dump(proj, open(os.path.join(census_dir, "project.json"), "w"), ensure_ascii=False)
add_f8 = next(s["patch"] for s in good if s["id"] == "add-f8")
json.dump({"base": "project.json", "scenarios": [{"id": "add-f8", "patch": add_f8}, {"id": "remove-f4", "patch": {"remove_facilities": ["F4"]}}]},
          open(os.path.join(census_dir, "batch.json"), "w"), ensure_ascii=False)
cb = os.path.join(work, "census-batch")
r = subprocess.run([exe, "batch", os.path.join(census_dir, "batch.json"), "--out", cb, "--quiet", "--jobs", "2"], capture_output=True, text=True)
check("census batch exits 0", r.returncode == 0, r.stderr)
for sid, patch in (("add-f8", add_f8), ("remove-f4", {"remove_facilities": ["F4"]})):
    pfile = os.path.join(census_dir, f"patch-{sid}.json")
    json.dump(patch, open(pfile, "w"), ensure_ascii=False)
    single = os.path.join(work, "census-single-" + sid)
    rr = subprocess.run([exe, "run", os.path.join(census_dir, "project.json"), "--scenario", pfile, "--out", single, "--quiet"],
                        capture_output=True, text=True)
    check(f"census run --scenario {sid} exits 0", rr.returncode == 0, rr.stderr)
    d = same_folder(os.path.join(cb, sid), single)
    check(f"census batch output of {sid} is byte-identical to run --scenario", not d, d)
for sid in ("base", "add-f8", "remove-f4"):
    rep = open(os.path.join(cb, sid, "repairs.csv"), encoding="utf-8").read()
    notes = ['census,C11,"elderly: ""约300"" read as 300"', 'census,C12,"elderly: ""不详x"" cannot be read as a number']
    check(f"census: {sid}'s repairs.csv notes each reinterpreted census number once", [rep.count(n) for n in notes] == [1, 1], rep)
    summ = json.load(open(os.path.join(cb, sid, "summary.json"), encoding="utf-8"))
    dup = [w for w in summ["warnings"] if "appear twice" in w]
    check(f"census: {sid}'s summary.json warns of the duplicate code once, and counts the unreadable number",
          len(dup) == 1 and summ["unreadable_numbers"].get("census.elderly") == 1, (dup, summ["unreadable_numbers"]))

# the shared format check on a scenario folder
checker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "checks", "check_outputs.py")
if os.path.isfile(checker):
    rc = subprocess.run([sys.executable, checker, os.path.join(out1, "add-f7")], capture_output=True, text=True)
    check("check_outputs.py passes on a scenario folder", rc.returncode == 0, rc.stdout[-2000:])

finish()
