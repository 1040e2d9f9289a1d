#!/usr/bin/env python3
"""Open lifecircle's report.html in headless Chromium and check it.

    check_report.py --lifecircle BIN --project PROJECT.json --work DIR [--screenshot PNG] [--lang zh|en]

Runs `lifecircle run` twice into DIR; checks that report.html is self-contained (no
network references), that Chromium renders it (the DOM it builds holds one <svg> map per
headline rule and a row per rule in the rules table), that maps/*.svg are well-formed with
title, legend, scale bar, north arrow and source note, that the screenshot is not blank,
and that the two runs wrote byte-identical deliverables. Standard library only.
Exit status 1 when any check fails.
"""
import argparse
import filecmp
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib
from html import escape as html_escape

from e2e_check import FAILED, check, echo_passes  # noqa: E402

echo_passes()

SVG_NS = "{http://www.w3.org/2000/svg}"


def chromium_binary():
    for b in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(b)
        if path:
            return path
    return None


def chromium(args, timeout=120):
    profile = tempfile.mkdtemp(prefix="lc-chromium-")
    try:
        cmd = [chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={profile}"] + args
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def png_pixels(path):
    """Decodes an 8-bit, non-interlaced RGB/RGBA PNG (what Chromium writes) into rows of bytes."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError(f"unsupported PNG (depth {depth}, colour type {ctype})")
            bpp = 4 if ctype == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_screenshot(png):
    if not check("screenshot written", os.path.isfile(png) and os.path.getsize(png) > 1000, png):
        return
    w, h, bpp, rows = png_pixels(png)
    colours, ink = set(), 0
    samples = 0
    for y in range(0, h, 3):
        row = rows[y]
        for x in range(0, w, 3):
            px = row[x * bpp:x * bpp + 3]
            colours.add(px)
            ink += px != b"\xff\xff\xff" and px != b"\xf4\xf4\xf1"
            samples += 1
    check(f"screenshot is not blank ({w}x{h}, {len(colours)} colours)", len(colours) > 50 and ink > samples * 0.15,
          f"{len(colours)} colours, {ink}/{samples} inked")


def check_svg(path, rule_id):
    name = os.path.basename(path)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        check(f"{name} is well-formed XML", False, e)
        return
    texts = ["".join(t.itertext()) for t in root.iter(SVG_NS + "text")]
    check(f"{name} has a title", root.find(SVG_NS + "title") is not None and texts and texts[0].strip(), texts[:1])
    check(f"{name} has a legend", any(t in ("图例", "Legend") for t in texts), texts[:5])
    check(f"{name} has a scale bar", any(re.fullmatch(r"[\d.]+ k?m", t) for t in texts), [t for t in texts if "m" in t][:5])
    check(f"{name} has a north arrow", "N" in texts, "no N")
    check(f"{name} has a source note", any("lifecircle" in t for t in texts), "no note")
    check(f"{name} draws the map", len(list(root.iter(SVG_NS + "path"))) > 20, "few paths")
    check(f"{name} is not too large", os.path.getsize(path) < 2_000_000, os.path.getsize(path))
    decimals = re.findall(r"\d\.\d{2,}", " ".join(p.get("d", "") for p in root.iter(SVG_NS + "path")))
    check(f"{name} coordinates rounded to 0.1 px", not decimals, decimals[:3])


def check_report(out, lang, screenshot):
    import json
    html_path = os.path.join(out, "report.html")
    if not check("report.html exists", os.path.isfile(html_path)):
        return
    html = open(html_path, encoding="utf-8").read()
    summary = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
    ext = [u for u in re.findall(r"(?:src|href)=\"([^\"]+)\"", html) if re.match(r"[a-z]+:", u)]
    check("report.html is self-contained (no network references)", not ext and "<script src" not in html
          and "<link" not in html and "@import" not in html, ext[:3])
    check(f"report.html is in {lang}", f'lang="{"en" if lang == "en" else "zh-CN"}"' in html)
    # Every table a planner checks figures against is a link: rejected and repaired alike.
    local = set(re.findall(r"href=\"([^\":]+)\"", html))
    for f in ("summary.json", "coverage.csv", "rejected.csv", "repairs.csv"):
        check(f"report.html links {f}, which is in the folder", f in local and os.path.isfile(os.path.join(out, f)), sorted(local)[:8])
    # Every legend names its indicator (a ratio's was "Value per unit").
    texts = html + "".join(open(os.path.join(out, "maps", f), encoding="utf-8").read()
                           for f in os.listdir(os.path.join(out, "maps")) if f.endswith(".svg"))
    vague = [w for w in ("Value per unit", "单元指标值") if w in texts]
    check("every map legend names its indicator", not vague, vague)
    if lang == "zh" and summary.get("warnings"):
        check("the Chinese report says its warnings are the program's English words",
              "以下提示为程序原文（英文）" in html)
    # The study area's households/population/elderly are sums over the compounds (the
    # reach shares' denominators); the census total for the same area differs, so each
    # row names what it sums and gives the census's figure beside it.
    census_area = summary.get("census", {}).get("area") or {}
    sums = re.findall(r"(?:住宅小区合计|sum over the compounds)(?:（普查全域：|\s\(census, whole area: )?([\d,]*)", html)
    check("the study area's totals say they sum the compounds", len(sums) == 3, sums)
    if census_area.get("population") is not None:
        check("... with the census's whole-area figure beside them",
              f"{round(census_area['population']):,}" in sums, (sums, census_area))
    if lang == "zh":
        # (The warnings list further down is the program's English, and says so.)
        rules_table = html[html.find('<section id="rules">'):]
        rules_table = rules_table[:rules_table.find("</section>")]
        english = [r["note"] for r in summary["rules"] if r.get("note") and html_escape(r["note"]) in rules_table]
        check("the Chinese report gives the rules' notes in Chinese", not english, english[:3])
    # Each kind of repair is shown with its count and an example record, not "census: households x 17".
    rep = summary.get("repairs", {})
    if rep.get("by_kind"):
        examples = rep.get("example", {})
        missing = [k for k in rep["by_kind"] if k not in examples or html_escape(examples[k]) not in html]
        check("the report shows an example of every kind of repair", not missing, missing[:3])
    # A facility-share rule lists the facilities that do not meet it (at the area level
    # they are the only thing a planner can act on).
    rules_part = html[html.find('<section id="rules">'):]
    shares = [r for r in summary["rules"] if r["check"] == "facility_share" and r.get("value") is not None]
    check("summary.json lists the facilities not meeting each facility-share rule",
          all("facilities_not_meeting" in r.get("details", {}) for r in shares), [r["id"] for r in shares])
    for r in shares:
        ids = r.get("details", {}).get("facilities_not_meeting") or []
        row = rules_part[rules_part.find(f'id="rule-{r["id"]}"'):]
        row = row[:row.find("</tr>")]
        # whole ids: F1 is not found in F10
        listed = [i for i in ids if re.search(r"(?<![\w-])" + re.escape(html_escape(i)) + r"(?![\w-])", row)]
        check(f"{r['id']}: the report lists the facilities not meeting it", listed == ids, sorted(set(ids) - set(listed))[:3])
    # A study-area total is also given per district (which one falls short).
    totals = [r for r in summary["rules"] if r["check"] == "min_total" and r.get("level") == "area" and r.get("value") is not None]
    for r in totals:
        parts = r.get("details", {}).get("by_district")
        row = rules_part[rules_part.find(f'id="rule-{r["id"]}"'):]
        row = row[:row.find("</tr>")]
        check(f"{r['id']}: summary.json and the report give the total per district",
              parts and all(f"{v:,.0f}" in row for v in parts.values()) and abs(sum(parts.values()) - r["value"]) < 1e-6,
              (parts, r["value"]))
    check("report.html has no timestamps", not re.search(r"20\d\d-\d\d-\d\d[T ]\d\d:\d\d", html), "timestamp found")
    flagged = {r["id"] for r in summary.get("config", {}).get("rules", []) if r.get("headline") is True}
    headline = [r for r in summary["rules"] if r.get("value") is not None and r["id"] in flagged]

    dom = chromium(["--dump-dom", "file://" + os.path.abspath(html_path)])
    check("Chromium renders report.html", dom.returncode == 0 and "<body" in dom.stdout, dom.stderr[-300:])
    doc = dom.stdout
    check("the report has a map per headline rule", doc.count("<svg") >= len(headline) and len(headline) > 0,
          f"{doc.count('<svg')} svg for {len(headline)} headline rules")
    for r in headline:
        check(f"map of {r['id']} is in the report", f'id="fig-{r["id"]}"' in doc and f'id="map-{r["id"]}-clip"' in doc)
        svg = os.path.join(out, "maps", r["id"] + ".svg")
        if check(f"maps/{r['id']}.svg exists", os.path.isfile(svg)):
            check_svg(svg, r["id"])
    for r in summary["rules"]:
        check(f"rules table has {r['id']}", f'id="rule-{r["id"]}"' in doc)
    for sec in ("area", "maps", "rules", "gaps", "inputs", "method"):
        check(f"report has the {sec} section", f'<section id="{sec}"' in doc)
    check("rules table shows pass/fail", "badge pass" in doc or "badge fail" in doc)

    shot = chromium([f"--screenshot={screenshot}", "--window-size=1280,2400", "--virtual-time-budget=5000",
                     "file://" + os.path.abspath(html_path)])
    check("Chromium takes a screenshot", shot.returncode == 0, shot.stderr[-300:])
    check_screenshot(screenshot)


def same_tree(a, b, names):
    diffs = []
    for n in names:
        pa, pb = os.path.join(a, n), os.path.join(b, n)
        if os.path.isdir(pa):
            cmp = filecmp.dircmp(pa, pb)
            diffs += [f"{n}/{x}" for x in cmp.diff_files + cmp.left_only + cmp.right_only]
        elif not os.path.isfile(pb) or not filecmp.cmp(pa, pb, shallow=False):
            diffs.append(n)
    return diffs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lifecircle", required=True)
    ap.add_argument("--project", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--lang", default="zh", choices=["zh", "en"])
    ap.add_argument("--screenshot", help="where to save the screenshot (default: WORK/report.png)")
    a = ap.parse_args()
    if not check("chromium is installed", chromium_binary() is not None, "install the Debian package chromium"):
        sys.exit(1)
    os.makedirs(a.work, exist_ok=True)
    outs = []
    for i in (1, 2):
        out = os.path.join(a.work, f"out{i}")
        r = subprocess.run([a.lifecircle, "run", a.project, "--out", out, "--quiet", "--lang", a.lang],
                           capture_output=True, text=True)
        check(f"lifecircle run #{i} exits 0", r.returncode == 0, r.stderr.strip())
        outs.append(out)
    shot = a.screenshot or os.path.join(a.work, "report.png")
    os.makedirs(os.path.dirname(os.path.abspath(shot)), exist_ok=True)
    check_report(outs[0], a.lang, shot)
    # Shapefiles: the report links the tables that explain their cut names and text.
    shp = os.path.join(a.work, "shp")
    r = subprocess.run([a.lifecircle, "run", a.project, "--out", shp, "--quiet", "--lang", a.lang, "--format", "shp"],
                       capture_output=True, text=True)
    if check("lifecircle run --format shp exits 0", r.returncode == 0, r.stderr.strip()):
        local = set(re.findall(r"href=\"([^\":]+)\"", open(os.path.join(shp, "report.html"), encoding="utf-8").read()))
        for f in ("fields.csv", "long_text.csv"):
            check(f"shp: report.html links {f}, which is in the folder", f in local and os.path.isfile(os.path.join(shp, f)),
                  sorted(local)[:12])
    diffs = same_tree(outs[0], outs[1], ["report.html", "lifecircle.qgs", "styles", "maps"])
    check("identical runs write identical deliverables", not diffs, diffs[:5])
    print(f"{len(FAILED)} failed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
