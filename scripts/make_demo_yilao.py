#!/usr/bin/env python3
"""Adds the "一老一小" part of the demo (data/demo) to the city make_city.py drew:

  - census_communities.csv: one census row per community (Chinese headers, some text
    numbers such as "约3200" and "860户", one code that matches no community, one
    community left without a row), residents beyond those of the mapped compounds;
  - facilities: childcare centres (托位, 普惠, 示范), guidance centres, an elder university,
    elder schools, rural stations and activity centres, and the attributes the
    profiles read (医养结合, 失能照护, 服务等级, 示范, 农村敬老院, 家庭养老床位, 用地面积);
  - compounds: some lose their elderly figure, a few their population as well, as
    listing data do, so that the run estimates them from the census rates.

Deterministic; run once on a fresh demo (it refuses a demo it has already changed):

    scripts/make_demo_yilao.py data/demo
"""
import csv, json, os, random, sys

demo = sys.argv[1]
rng = random.Random(2025)


def load(name):
    with open(os.path.join(demo, name), encoding="utf-8") as f:
        return json.load(f)


def save(name, doc):
    with open(os.path.join(demo, name), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))


fac = load("facilities.geojson")
if any(f["properties"]["设施类型"] == "托育机构" for f in fac["features"]):
    sys.exit("the demo already has its 一老一小 part")
streets = load("streets.geojson")["features"]
comms = load("communities.geojson")["features"]
comp = load("compounds.geojson")


def centre(feature, u=0.5, v=0.5):
    ring = feature["geometry"]["coordinates"][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return [round(min(xs) + (max(xs) - min(xs)) * u, 7), round(min(ys) + (max(ys) - min(ys)) * v, 7)]


# --- attributes of the existing facilities
for f in fac["features"]:
    p = f["properties"]
    t = p["设施类型"]
    if t in ("养老机构", "乡镇区域养老服务中心"):
        p["医养结合"] = rng.choice(["是", "是", "否"])
        p["服务等级"] = rng.choice(["一级", "二级", "三星", "三级", "未评定"])
        p["示范"] = rng.choice(["是", "否", "否"])
        p["农村敬老院"] = "是" if t == "乡镇区域养老服务中心" or rng.random() < 0.3 else "否"
        p["用地面积"] = rng.choice([1200, 2400, 3600, 6000, 9000])
    if t == "养老机构":
        p["失能照护"] = rng.choice(["是", "否"])
        p["家庭养老床位"] = rng.choice([40, 80, 120, "约150"])
    if t in ("街道综合养老服务中心", "社区日间照料中心"):
        p["家庭养老床位"] = rng.choice([0, 10, 20, 30, "不详"])
        p["用地面积"] = rng.choice([None, 300, 600])

seq = len(fac["features"])


def add(label, xy, **props):
    global seq
    seq += 1
    p = {"设施编号": f"F{seq:06d}", "设施名称": f"{label}{seq}", "设施类型": label}
    p.update(props)
    fac["features"].append({"type": "Feature", "properties": p, "geometry": {"type": "Point", "coordinates": xy}})


# --- 一小: childcare in most streets and some townships, a guidance centre per district
by_district = {}
for s in streets:
    sp = s["properties"]
    by_district.setdefault(sp["上级代码"], []).append(s)
    urban = sp["类型"] == "street"
    if rng.random() < (0.85 if urban else 0.45):
        for k in range(1 if not urban else rng.choice([1, 2, 3])):
            add(rng.choice(["托育机构", "托儿所"]), centre(s, rng.uniform(.3, .7), rng.uniform(.3, .7)),
                托位数=rng.choice([120, 160, 200, 240, "约300个", "不详"]), 普惠=rng.choice(["是", "是", "是", "否"]),
                示范="是" if k == 0 and rng.random() < 0.4 else "否", 开业年份=rng.randint(2019, 2025))
    if rng.random() < 0.6:
        add("老年学校", centre(s, .4, .6), 开业年份=rng.randint(2015, 2024))
for code, ss in sorted(by_district.items()):
    add("婴幼儿照护服务指导中心", centre(ss[0], .6, .4), 开业年份=2023)
# an elder university in the first district only: the second fails the KM22 target
first = sorted(by_district)[0]
add("老年大学", centre(by_district[first][len(by_district[first]) // 2], .5, .5), 开业年份=2010)

# --- 一老 in villages and communities: rural stations and activity centres
for c in comms:
    cp = c["properties"]
    if cp["类型"] == "village" and rng.random() < 0.5:
        add(rng.choice(["村级互助养老点", "农村居家养老服务站"]), centre(c, rng.uniform(.3, .7), rng.uniform(.3, .7)),
            家庭养老床位=rng.choice([0, 5, 10]), 开业年份=rng.randint(2016, 2025))
    elif cp["类型"] == "community" and rng.random() < 0.15:
        add("老年活动中心", centre(c, .45, .55), 开业年份=rng.randint(2005, 2022))

# --- compounds as listings give them: some without elderly, a few without population
sums = {}
for f in comp["features"]:
    p = f["properties"]
    r = rng.random()
    if r < 0.04:
        p["人口"] = None
        p["老年人口"] = None
    elif r < 0.12:
        p["老年人口"] = "不详"

# census: residents of the mapped compounds plus those outside them (from the compounds'
# own figures before any was blanked: the generator's seeds are the truth here)
truth = load("compounds.geojson")


def inside(pt, ring):
    x, y = pt
    n, ok = len(ring), False
    for i in range(n - 1):
        (x0, y0), (x1, y1) = ring[i][:2], ring[i + 1][:2]
        if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
            ok = not ok
    return ok


for f in truth["features"]:
    ring = f["geometry"]["coordinates"][0]
    pt = (sum(p[0] for p in ring[:-1]) / (len(ring) - 1), sum(p[1] for p in ring[:-1]) / (len(ring) - 1))
    for c in comms:
        if inside(pt, c["geometry"]["coordinates"][0]):
            s = sums.setdefault(c["properties"]["行政代码"], [0, 0])
            s[0] += f["properties"]["人口"] or 0
            s[1] += f["properties"]["老年人口"] or 0
            break

rows = []
skip = comms[len(comms) // 3]["properties"]["行政代码"]  # one community without a row
for c in comms:
    cp = c["properties"]
    code = cp["行政代码"]
    if code == skip:
        continue
    pop, old = sums.get(code, [0, 0])
    urban = cp["类型"] == "community"
    pop = int(pop * rng.uniform(1.08, 1.35) + rng.randint(150, 900))
    rate = (old / sums[code][0]) if code in sums and sums[code][0] else rng.uniform(0.12, 0.2)
    old = int(pop * min(0.3, max(0.06, rate * rng.uniform(0.95, 1.08))))
    hh = int(pop / rng.uniform(2.55, 3.05))
    inf = int(pop * rng.uniform(0.018, 0.034))
    friendly = "是" if rng.random() < (0.62 if urban else 0.42) else "否"
    pop_s = f"约{pop}" if rng.random() < 0.08 else (f"{pop}人" if rng.random() < 0.05 else str(pop))
    hh_s = f"{hh}户" if rng.random() < 0.1 else str(hh)
    rows.append([code, cp["名称"], pop_s, hh_s, old, inf, friendly])
rows.insert(len(rows) // 2, ["530199099099", "（已撤并）旧村", 420, 150, 96, 9, "否"])  # matches no community

with open(os.path.join(demo, "census_communities.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("\ufeff")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["社区代码", "社区名称", "常住人口", "户数", "60岁及以上人口", "0-3岁人口", "老年友好社区"])
    w.writerows(rows)

# census_districts.csv: each district's totals as the census bulletin gives them. The
# community without a row still lives in its district, so that district's total is more
# than its joined rows (it has its own row: no partial sum is needed).
totals = {}
for code, name, pop, hh, old, inf, fr in rows:
    if code == "530199099099":
        continue
    t = totals.setdefault(code[:6], [0, 0, 0, 0])
    for i, v in enumerate((pop, hh, old, inf)):
        t[i] += int("".join(ch for ch in str(v) if ch.isdigit()))
pop, old = sums.get(skip, [0, 0])
pop = int(pop * 1.2 + 500)
for i, v in enumerate((pop, int(pop / 2.8), int(pop * 0.16), int(pop * 0.025))):
    totals[skip[:6]][i] += v
names = {d["properties"]["行政代码"]: d["properties"]["名称"] for d in load("districts.geojson")["features"]}
with open(os.path.join(demo, "census_districts.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("\ufeff")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["区县代码", "区县名称", "常住人口", "户数", "60岁及以上人口", "0-3岁人口"])
    for d in sorted(totals):
        w.writerow([d, names.get(d, d)] + totals[d])
save("facilities.geojson", fac)
save("compounds.geojson", comp)
print(f"{seq} facilities, {len(rows)} census rows (no row for {skip})")
