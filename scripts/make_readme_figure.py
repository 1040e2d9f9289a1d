#!/usr/bin/env python3
"""Draws docs/radius-vs-network.svg: one day-care centre's 15-minute reach as a circle
and as a walk along the demo roads, from two lifecircle output folders.

    make_readme_figure.py RADIUS_OUT NETWORK_OUT ROADS.geojson FACILITY_ID OUT.svg
"""
import json, math, sys

rad_out, net_out, roads_path, fid, dest = sys.argv[1:6]


def feature(path, key, value):
    for f in json.load(open(path, encoding="utf-8"))["features"]:
        if f["properties"].get(key) == value:
            return f


disc = feature(f"{rad_out}/service_areas.geojson", "facility_id", fid)["geometry"]
walk = feature(f"{net_out}/service_areas.geojson", "facility_id", fid)["geometry"]
fac = feature(f"{rad_out}/facilities.geojson", "facility_id", fid)["geometry"]["coordinates"]
xs = [p[0] for p in disc["coordinates"][0]]
ys = [p[1] for p in disc["coordinates"][0]]
pad = 0.002
x0, x1, y0, y1 = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
k = math.cos(math.radians((y0 + y1) / 2))
W = 640
H = W * (y1 - y0) / ((x1 - x0) * k)


def P(c):
    return f"{(c[0] - x0) / (x1 - x0) * W:.1f},{(y1 - c[1]) / (y1 - y0) * H:.1f}"


def rings(g):
    polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    return "".join("M" + "L".join(P(c) for c in ring) + "Z" for poly in polys for ring in poly)


out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W + 30}" height="{H + 60:.0f}" font-family="Noto Sans CJK SC, sans-serif">',
       '<rect width="100%" height="100%" fill="white"/>']
roads = json.load(open(roads_path, encoding="utf-8"))["features"]
for panel, (title, geom, color) in enumerate([("Radius: a 1000 m circle", disc, "#d95f02"),
                                               ("Network: 1000 m of walking along the roads", walk, "#1b9e77")]):
    dx = panel * (W + 30)
    out.append(f'<g transform="translate({dx},40)">')
    out.append(f'<text x="0" y="-14" font-size="18">{title}</text>')
    out.append(f'<clipPath id="c{panel}"><rect width="{W}" height="{H:.0f}"/></clipPath><g clip-path="url(#c{panel})">')
    out.append(f'<path d="{rings(geom)}" fill="{color}" fill-opacity="0.35" stroke="{color}" fill-rule="evenodd"/>')
    for r in roads:
        cs = r["geometry"]["coordinates"]
        if any(x0 <= c[0] <= x1 and y0 <= c[1] <= y1 for c in cs):
            out.append(f'<polyline points="{" ".join(P(c) for c in cs)}" fill="none" stroke="#555" stroke-width="0.8"/>')
    out.append(f'<circle cx="{P(fac).split(",")[0]}" cy="{P(fac).split(",")[1]}" r="6" fill="black"/></g>')
    out.append(f'<rect x="0" y="0" width="{W}" height="{H:.0f}" fill="none" stroke="#999"/></g>')
out.append("</svg>")
open(dest, "w", encoding="utf-8").write("\n".join(out))
