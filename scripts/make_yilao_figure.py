#!/usr/bin/env python3
"""Draws docs/yilao-yixiao.png for the README: the demo's "一老一小" in two maps side by side,
the elderly's 15-minute reach of home-care facilities (一老) and childcare places per 1000
residents (一小), as lifecircle drew them into maps/. Chromium (headless) takes the picture.

    make_yilao_figure.py DEMO_OUT OUT.png
"""
import os, shutil, subprocess, sys, tempfile

out_dir, dest = sys.argv[1:3]
left = open(os.path.join(out_dir, "maps", "elderly_15min_reach.svg"), encoding="utf-8").read()
right = open(os.path.join(out_dir, "maps", "childcare_places_per_1000.svg"), encoding="utf-8").read()
strip = lambda s: s[s.index("<svg"):]
html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body{{margin:0;background:#fff;font-family:'Noto Sans CJK SC',sans-serif}}
.row{{display:flex;gap:16px;padding:12px}} .row div{{flex:1}} svg{{width:100%;height:auto;display:block}}
h1{{font-size:20px;margin:12px 12px 0}}</style></head><body>
<h1>一老一小 — demo study area: 15-minute reach of the elderly, and childcare places per 1000 residents (census)</h1>
<div class="row"><div>{strip(left)}</div><div>{strip(right)}</div></div></body></html>"""
tmp = tempfile.mkdtemp(prefix="lc-fig-")
try:
    page = os.path.join(tmp, "figure.html")
    open(page, "w", encoding="utf-8").write(html)
    browser = next(b for b in (shutil.which(x) for x in ("chromium", "chromium-browser", "google-chrome")) if b)
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={tmp}/p",
                    f"--screenshot={os.path.abspath(dest)}", "--window-size=1600,560", "file://" + page],
                   check=True, capture_output=True, timeout=120)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print("wrote", dest)
