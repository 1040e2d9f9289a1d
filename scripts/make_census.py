#!/usr/bin/env python3
"""Writes census tables for a city drawn by make_city.py (--fields zh), in the demo's
headers: census_communities.csv (one row per community, residents beyond those of its
compounds) and census_districts.csv (their sums). For benchmarks and experiments;
deterministic.

    make_census.py CITY_DIR
"""
import csv, json, os, random, sys

city = sys.argv[1]
rng = random.Random(11)
comms = json.load(open(os.path.join(city, "communities.geojson"), encoding="utf-8"))["features"]
comps = json.load(open(os.path.join(city, "compounds.geojson"), encoding="utf-8"))["features"]
# compounds lie in one community each (make_city.py): by the grid cell of their first vertex
boxes = []
for c in comms:
    ring = c["geometry"]["coordinates"][0]
    boxes.append((min(p[0] for p in ring), min(p[1] for p in ring), max(p[0] for p in ring), max(p[1] for p in ring),
                  c["properties"]["行政代码"]))
sums = {}
for f in comps:
    ring = f["geometry"]["coordinates"][0]
    x = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
    y = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
    for x0, y0, x1, y1, code in boxes:
        if x0 <= x <= x1 and y0 <= y <= y1:
            s = sums.setdefault(code, [0, 0])
            s[0] += f["properties"].get("人口") or 0
            s[1] += f["properties"].get("老年人口") or 0
            break
rows, districts = [], {}
for *_, code in boxes:
    pop, old = sums.get(code, [0, 0])
    rate = old / pop if pop else rng.uniform(0.12, 0.2)
    pop = int(pop * rng.uniform(1.08, 1.35) + rng.randint(150, 900))
    row = [code, pop, int(pop / rng.uniform(2.55, 3.05)), int(pop * rate), int(pop * rng.uniform(0.018, 0.034))]
    rows.append(row + [rng.choice(["是", "否"])])
    d = districts.setdefault(code[:6], [0, 0, 0, 0])
    for i in range(4):
        d[i] += row[i + 1]
for name, header, data in (("census_communities.csv", ["社区代码", "社区名称"], [[r[0], ""] + r[1:] for r in rows]),
                           ("census_districts.csv", ["区县代码", "区县名称"], [[k, ""] + v for k, v in sorted(districts.items())])):
    with open(os.path.join(city, name), "w", encoding="utf-8", newline="") as f:
        f.write("\ufeff")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header + ["常住人口", "户数", "60岁及以上人口", "0-3岁人口"] + (["老年友好社区"] if "社区" in header[0] else []))
        w.writerows(data)
print(f"{len(rows)} communities, {len(districts)} districts")
