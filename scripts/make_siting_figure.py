#!/usr/bin/env python3
"""Draws docs/siting.svg for the README: the demo's day-care gap map (communities by the
elderly share within reach of a day-care centre, unreached compounds in red) before
and after the sites `lifecircle site` proposes (black stars, ranked).

    make_siting_figure.py BASE_OUT SCENARIO_OUT PROPOSED_SITES.geojson OUT.svg
"""
import json, math, sys

base, after, sites_path, dest = sys.argv[1:5]


def load(path):
    return json.load(open(path, encoding="utf-8"))["features"]


units = {n: load(f"{d}/units_community.geojson") for n, d in (("before", base), ("after", after))}
comps = {n: load(f"{d}/compounds.geojson") for n, d in (("before", base), ("after", after))}
sites = load(sites_path)
xs = [c[0] for f in units["before"] for c in f["geometry"]["coordinates"][0]]
ys = [c[1] for f in units["before"] for c in f["geometry"]["coordinates"][0]]
x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
k = math.cos(math.radians((y0 + y1) / 2))
W = 560
H = W * (y1 - y0) / ((x1 - x0) * k)


def P(c):
    return f"{(c[0] - x0) / (x1 - x0) * W:.1f},{(y1 - c[1]) / (y1 - y0) * H:.1f}"


def color(v):
    if v is None:
        return "#dddddd"
    stops = [(0.5, "#d7301f"), (0.8, "#fc8d59"), (0.95, "#fdcc8a"), (0.999, "#c2e699"), (2, "#31a354")]
    return next(c for t, c in stops if v < t)


out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W + 40}" height="{H + 110:.0f}" font-family="Noto Sans CJK SC, sans-serif">',
       '<rect width="100%" height="100%" fill="white"/>']
for panel, (name, title) in enumerate((("before", "Before: elderly within 15 minutes of day care"),
                                       ("after", f"After the {len(sites)} proposed day-care sites"))):
    out.append(f'<g transform="translate({panel * (W + 40)},40)"><text x="0" y="-14" font-size="17">{title}</text>')
    for f in units[name]:
        v = f["properties"].get("reach_day_care_elderly_share")
        d = "M" + "L".join(P(c) for c in f["geometry"]["coordinates"][0]) + "Z"
        out.append(f'<path d="{d}" fill="{color(v)}" stroke="white" stroke-width="0.6"/>')
    for f in comps[name]:
        if not f["properties"]["reached_day_care"]:
            g = f["geometry"]
            c = g["coordinates"] if g["type"] == "Point" else g["coordinates"][0][0]
            x, y = P(c).split(",")
            out.append(f'<circle cx="{x}" cy="{y}" r="2.2" fill="#b30000"/>')
    if name == "after":
        for f in sites:
            x, y = map(float, P(f["geometry"]["coordinates"]).split(","))
            pts = " ".join(f"{x + r * math.sin(a * math.pi / 5):.1f},{y - r * math.cos(a * math.pi / 5):.1f}"
                           for a, r in zip(range(10), [8, 3.5] * 5))
            out.append(f'<polygon points="{pts}" fill="black"/><text x="{x + 8:.1f}" y="{y - 6:.1f}" font-size="12">{f["properties"]["rank"]}</text>')
    out.append("</g>")
legend = [("#d7301f", "< 50%"), ("#fc8d59", "50–80%"), ("#fdcc8a", "80–95%"), ("#c2e699", "95–99.9%"), ("#31a354", "all")]
for i, (c, t) in enumerate(legend):
    out.append(f'<rect x="{10 + i * 110}" y="{H + 60:.0f}" width="16" height="12" fill="{c}"/><text x="{30 + i * 110}" y="{H + 71:.0f}" font-size="13">{t}</text>')
out.append(f'<circle cx="{10 + 5 * 110 + 8}" cy="{H + 66:.0f}" r="3" fill="#b30000"/><text x="{30 + 5 * 110}" y="{H + 71:.0f}" font-size="13">compound not reached</text>')
out.append("</svg>")
open(dest, "w", encoding="utf-8").write("\n".join(out))
