#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into corpus/<target>/ (deterministic).

    tests/fuzz/make_seeds.py [--real /work/shared/realdata/kunming]

Seeds are small, readable and each exercises a feature: the fuzzer mutates from there.
Files already in corpus/ that this script did not write (inputs kept from long runs,
named by their SHA-1) are left alone.
"""
import argparse, json, os, random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    elif not isinstance(data, bytes):
        data = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def textnum(real):
    words = ["约3000户", "3785户", "80万㎡", "1.2万", "3千户", "2.5亿", "3 万", "3,785", "3，785", "1,234,567.5",
             "２０１６", "１２．５", "12.5平方米", " 42\u3000", "\u00a07", "0", "-5", "－5", "100-200户", "100~200",
             "B-3栋", "2016-05", "2016.5", "1,2", "1期150", "A2住宅140套", "2016年", "2016年建成", "16年", "1799",
             "2101", "不详", "暂无数据", " 暂无数据", "—", "——", "N/A", "null", "NaN", "", "是", "否", "有", "无",
             "yes", "No", "TRUE", "1", "y", "社区日间照料中心", "nursing_home", "老年幸福食堂", "小区配建养老服务用房",
             "9" * 400, "9" * 320 + "亿", "0." + "0" * 400 + "1", "1e308", "3至5套", "约 2,000 户", "😀2016年😀"]
    for i, w in enumerate(words):
        write("fuzz_textnum", f"{i:02d}", w)
    write("fuzz_textnum", "gbk-year", "2016年".encode("gbk"))
    write("fuzz_textnum", "invalid-utf8", b"\xff\xfe\xef\xbc\x91\xe4\xb8" + b"\x80\xbc")
    write("fuzz_textnum", "truncated-fullwidth", b"12\xef\xbc")
    if real:
        p = os.path.join(real, "xiaoqu_fccs.geojson")
        if os.path.exists(p):
            feats = json.load(open(p, encoding="utf-8"))["features"]
            vals = sorted({str(v) for f in feats[:400] for k, v in f["properties"].items()
                           if k in ("小区年代", "小区户数") and v is not None})
            for i, v in enumerate(vals[:30]):
                write("fuzz_textnum", f"fccs-{i:02d}", v)


def project():
    for rel in ["tests/fixtures/hand/project.json", "data/demo/project.json", "tests/fixtures/kunming_real/fccs.json"]:
        p = os.path.join(ROOT, rel)
        if os.path.exists(p):
            write("fuzz_project", os.path.basename(os.path.dirname(p)) + "-" + os.path.basename(p), open(p, "rb").read())
    errdir = os.path.join(ROOT, "tests/fixtures/errors")
    if os.path.isdir(errdir):
        for n in sorted(os.listdir(errdir)):
            # deep.json (200 KB) is a regression input; seeds stay small for the fuzzer
            if n.endswith(".json") and os.path.getsize(os.path.join(errdir, n)) < 20000:
                write("fuzz_project", "errors-" + n, open(os.path.join(errdir, n), "rb").read())
    lay = lambda **kw: kw
    full = {
        "name": "全部 😀", "working_crs": 4547, "description": "x", "$schema": "s",
        "layers": {
            "district": lay(path="d.shp", id="code", name="name", encoding="GBK", kind="kind", kind_map={"区": "district"}),
            "street": lay(path="s.geojson", id="code", parent="p", kind="k", kind_map={"镇": "township"}, where="k <> ''"),
            "community": lay(path="/vsizip/c.zip/c.shp", layer="c", id="code", crs="EPSG:4490"),
            "compounds": lay(path="c.csv", id="@index", name="n", year="y", households="h", population="p", elderly="e",
                             lon="经度", lat="纬度", crs="BD-09"),
            "facilities": lay(path="f.gpkg", layer="fac", id="fid", type="t", beds="b", nursing_beds="nb", floor_area="a",
                              land_area="la", attributes={"safety_net": "sn", "operator": "op"},
                              type_map={"社区养老驿站": "day_care"}, operator_map={"公建民营": "public"}, crs="GCJ-02"),
            "roads": lay(path="r.osm.pbf", layer="lines", **{"class": "highway"}, exclude=["motorway"]),
            "gates": lay(path="g.geojson", compound_id="cid"),
        },
        "access": {"mode": "network", "walk_kmh": 4.5, "minutes": 15, "minutes_by_type": {"day_care": 10, "canteen": None},
                   "max_access_m": 300, "service_area_buffer_m": 40, "point_support_m": 60},
        "profile": "kunming-2025",
        "rules": [
            {"id": "day_care_cover", "target_share": 0.5},
            {"id": "x1", "check": "ratio", "level": "district", "title": {"zh": "床位", "en": "beds"}, "source": "s",
             "numerator": {"of": "facilities", "attr": "beds", "types": "nursing_home", "where": {"operator": "public"}},
             "denominator": {"of": "compounds", "attr": "elderly"}, "per": 1000, "min": 31, "kind": ["street"]},
            {"id": "x2", "check": "compound_support", "since_year": 2014, "before_year": 2030, "types": ["supporting"],
             "within_m": 0, "min_area_per_100_households": 20, "min_single_area": 300, "headline": True},
            {"id": "x3", "check": "min_access", "types": ["canteen"], "min": 2, "decay": "linear", "note": "n"},
            {"id": "x4", "check": "min_count", "level": "community", "types": ["day_care"], "where": {"beds": {">=": 10}},
             "enabled": False},
        ],
    }
    write("fuzz_project", "full.json", full)
    for prof in ["yuxi-2023", "jinning-2023", "kunming-2025", "paris-2030"]:
        write("fuzz_project", f"profile-{prof}.json", {"layers": {"compounds": {"path": "c", "id": "i"},
              "facilities": {"path": "f", "id": "i", "type": "t"}}, "profile": prof, "rules": None})
    write("fuzz_project", "bom.json", b"\xef\xbb\xbf" + json.dumps(full, ensure_ascii=False).encode())
    write("fuzz_project", "minimal.json", {"layers": {"compounds": {"path": "c", "id": "i"}, "facilities": {"path": "f", "id": "i", "type": "t"}}})
    # Input robustness (issue 13): nesting at and past the depth limit, numbers no double
    # holds, typos that validate.cpp names, a custom type, a network path.
    minimal = '{"layers": {"compounds": {"path": "c", "id": "i"}, "facilities": {"path": "f", "id": "i", "type": "t"}}, '
    write("fuzz_project", "deep-63.json", minimal + '"name": ' + "[" * 63 + "]" * 63 + "}")
    write("fuzz_project", "deep-65.json", minimal + '"rules": ' + "[" * 65 + "]" * 65 + "}")
    write("fuzz_project", "number-overflow.json", minimal + '"access": {"minutes": 1e999999999999, "walk_kmh": -1e-999}}')
    write("fuzz_project", "integer-400-digits.json", minimal + '"rules": [{"id": "a", "check": "min_count", "min": ' + "9" * 400 + "}]}")
    write("fuzz_project", "ranges.json", {"layers": {"compounds": {"path": "c", "id": "i"}, "facilities": {"path": "f", "id": "i", "type": "t"}},
          "access": {"walk_kmh": 400, "minutes": 0, "service_area_buffer_m": 1e6, "max_access_m": -1, "point_support_m": 1e9,
                     "minutes_by_type": {"day_care": 1e5}},
          "rules": [{"id": "a", "check": "min_count", "types": ["canteen"], "target_share": 1.5, "min": -1}]})
    write("fuzz_project", "typos.json", {"custom_types": ["barber", "Barber Shop", "day_care"],
          "layers": {"compounds": {"path": "https://x.org/c.geojson", "id": "i"},
                     "facilities": {"path": "/vsicurl/http://x/f", "id": "i", "type": "t", "type_map": {"托老所": "daycare", "理发": "barber"},
                                    "attributes": {"operator": "op"}}},
          "access": {"minutes_by_type": {"daycare": 10, "barber": 5}},
          "rules": [{"id": "a", "check": "min_count", "types": ["nursing_hom"], "where": {"operater": "public", "beds": {"=>": 1}}},
                    {"id": "a", "check": "reach_share", "types": "barber", "where": {"type": {"in": ["barbr"]}}}]})
    write("fuzz_project", "utf16.json", b"\xff\xfe" + json.dumps({"name": "x"}).encode("utf-16-le"))
    write("fuzz_project", "title-types.json", {"layers": {"compounds": {"path": "c", "id": "i"}, "facilities": {"path": "f", "id": "i", "type": "t"}},
          "rules": [{"id": "a", "check": "min_count", "types": ["x"], "title": {"zh": 1, "en": None}, "since_year": 1e300}]})


def scenario():
    seeds = {
        "minutes.json": {"access": {"minutes": 10, "walk_kmh": 3.2}},
        "network.json": {"access": {"mode": "network"}, "layers": {"roads": {"path": "roads.geojson", "class": "highway"}}},
        "remove.json": {"remove_facilities": ["F1", 2, "F404"]},
        "add-inline.json": {"add_facilities": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"fid": "N1", "type": "day_care", "area": 400},
             "geometry": {"type": "Point", "coordinates": [102.7, 25.04]}}]}},
        "add-path.json": {"add_facilities": "new_facilities.geojson", "name": "with path"},
        "add-abs-path.json": {"add_facilities": "/nonexistent/x.geojson"},
        "layer-null.json": {"layers": {"street": None, "compounds": {"path": "../other/c.geojson", "year": None}}},
        "rules.json": {"rules": [{"id": "r1", "min": 2}, {"id": "new", "check": "reach_share", "types": ["canteen"], "weight": "elderly"}],
                       "profile": None},
        "bad-types.json": {"add_facilities": {"type": 7}, "remove_facilities": "F1"},
        "vsi.json": {"layers": {"facilities": {"path": "/vsizip/a.zip/f.shp"}}},
        "empty.json": {},
    }
    for n, s in seeds.items():
        write("fuzz_scenario", n, s)
    for rel in ["tests/fixtures/hand/scenario_remove_f4.json", "tests/fixtures/errors/remove_unknown.json"]:
        p = os.path.join(ROOT, rel)
        if os.path.exists(p):
            write("fuzz_scenario", os.path.basename(p), open(p, "rb").read())


def fc(features):
    return {"type": "FeatureCollection", "features": features}


def feat(props, geom):
    return {"type": "Feature", "properties": props, "geometry": geom}


def sq(x, y, d, hole=False):
    ring = [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]
    if not hole:
        return {"type": "Polygon", "coordinates": [ring]}
    h = d / 4
    inner = [[x + h, y + h], [x + h, y + 3 * h], [x + 3 * h, y + 3 * h], [x + 3 * h, y + h], [x + h, y + h]]
    return {"type": "Polygon", "coordinates": [ring, inner]}


def pt(x, y):
    return {"type": "Point", "coordinates": [x, y]}


def ingest():
    # selector byte: 0 compounds, 1 facilities, 2 streets, 3 compounds GCJ-02, 4 facilities BD-09,
    # 5 roads (network mode), 6 facilities CSV, 7 compounds with a where filter (see the target)
    comp = fc([
        feat({"id": "C1", "name": "小区😀", "year": "2016年", "hh": "约300户", "pop": 900, "old": "不详"}, sq(102.700, 25.040, 0.002)),
        feat({"id": "C2", "name": "holes", "year": 2008, "hh": 120, "pop": None, "old": 40}, sq(102.703, 25.040, 0.002, True)),
        feat({"id": "C3", "year": "暂无数据", "hh": "—"}, pt(102.71, 25.05)),
        feat({"id": "C4", "hh": 5}, {"type": "MultiPolygon", "coordinates": [sq(102.70, 25.05, 0.001)["coordinates"],
                                                                           sq(102.705, 25.05, 0.001)["coordinates"]]}),
        feat({"id": "C5"}, {"type": "Polygon", "coordinates": [[[102.70, 25.045], [102.702, 25.047], [102.702, 25.045], [102.70, 25.047], [102.70, 25.045]]]}),
        feat({"id": "C5"}, pt(102.7, 25.04)),
        feat({"id": "C6"}, None),
        feat({"id": "C7"}, {"type": "Polygon", "coordinates": [[[102.7, 25.04], [102.7, 25.04], [102.7, 25.04], [102.7, 25.04]]]}),
        feat({"id": "C8"}, pt(25.04, 102.7)),
        feat({"id": "C9"}, {"type": "MultiPoint", "coordinates": [[102.7, 25.04], [102.71, 25.04]]}),
        feat({"id": ""}, pt(102.7, 25.04)),
        feat({"id": "C10"}, {"type": "LineString", "coordinates": [[102.7, 25.04], [102.71, 25.04]]}),
        feat({"id": 11, "year": 1e999}, pt(102.7, 1e300)),
    ])
    fac = fc([
        feat({"fid": "F1", "type": "社区日间照料中心", "beds": "20张", "nbeds": 5, "area": "350㎡", "op": "公办", "sn": "是"}, pt(102.701, 25.041)),
        feat({"fid": "F2", "type": "nursing_home", "beds": 120, "nbeds": 80, "area": None, "op": "民办", "sn": "否"}, pt(102.712, 25.049)),
        feat({"fid": "F3", "type": "理发店"}, pt(102.7, 25.04)),
        feat({"fid": "F4", "type": "canteen"}, pt(102.701, 25.041)),
        feat({"fid": "F5", "type": "canteen"}, pt(102.701, 25.041)),
        feat({"fid": "F6", "type": "day_care"}, sq(102.70, 25.04, 0.0005)),
        feat({"fid": "F7", "type": "day_care"}, pt(150.0, 89.0)),
        feat({"fid": "F8", "type": ""}, pt(102.7, 25.04)),
        feat({"fid": "F1", "type": "day_care"}, pt(102.7, 25.04)),
    ])
    streets = fc([
        feat({"code": "S1", "name": "街道", "parent": "530102", "kind": "街道"}, sq(102.69, 25.03, 0.015)),
        feat({"code": "S2", "name": "镇", "parent": "nope", "kind": "镇"}, sq(102.705, 25.03, 0.015, True)),
        feat({"code": "S3", "kind": "其他"}, {"type": "Polygon", "coordinates": [[[102.69, 25.03], [102.72, 25.06], [102.72, 25.03], [102.69, 25.06], [102.69, 25.03]]]}),
        feat({"code": "S4"}, sq(102.7, 25.04, 0.0)),
    ])
    roads = fc([
        feat({"highway": "residential"}, {"type": "LineString", "coordinates": [[102.69, 25.041], [102.701, 25.041], [102.72, 25.041]]}),
        feat({"highway": "footway"}, {"type": "MultiLineString", "coordinates": [[[102.701, 25.03], [102.701, 25.041]], [[102.701, 25.041], [102.701, 25.06]]]}),
        feat({"highway": "motorway"}, {"type": "LineString", "coordinates": [[102.69, 25.05], [102.72, 25.05]]}),
        feat({"highway": None}, {"type": "LineString", "coordinates": [[102.69, 25.05], [102.72, 25.05]]}),
        feat({"highway": "path"}, {"type": "LineString", "coordinates": [[102.70, 25.05], [102.70, 25.05]]}),
        feat({"highway": "path"}, pt(102.7, 25.05)),
    ])
    dump = lambda o: json.dumps(o, ensure_ascii=False).encode("utf-8")
    for sel, name, body in [(0, "compounds", comp), (1, "facilities", fac), (2, "streets", streets), (3, "compounds-gcj", comp),
                            (4, "facilities-bd", fac), (5, "roads", roads), (7, "compounds-where", comp)]:
        write("fuzz_geojson_ingest", name + ".geojson", bytes([sel]) + dump(body))
    write("fuzz_geojson_ingest", "empty-fc.geojson", bytes([0]) + dump(fc([])))
    write("fuzz_geojson_ingest", "empty-facilities.geojson", bytes([1]) + dump(fc([])))
    write("fuzz_geojson_ingest", "truncated.geojson", bytes([1]) + dump(fac)[:300])
    write("fuzz_geojson_ingest", "crs-member.geojson", bytes([1]) + dump(dict(fac, crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}})))
    write("fuzz_geojson_ingest", "single-feature.geojson", bytes([1]) + dump(fac["features"][0]))
    csv = "\ufefffid,type,name,beds,area,op,sn,lon,lat\r\nF1,社区日间照料中心,甲😀,20,350㎡,公办,是,102.701,25.041\r\n" \
          "F2,nursing_home,\"乙,丙\",120,,民办,否,102.712,25.049\r\nF3,canteen,,,,,,,\r\nF4,canteen,x,,,,,25.04,102.70\r\n"
    write("fuzz_geojson_ingest", "facilities-bom-crlf.csv", bytes([6]) + csv.encode("utf-8"))
    write("fuzz_geojson_ingest", "facilities-gbk.csv", bytes([6]) + "fid,type,name,lon,lat\nF1,社区日间照料中心,甲小区,102.701,25.041\n".encode("gbk"))
    p = os.path.join(ROOT, "tests/fixtures/hand/compounds.geojson")
    if os.path.exists(p):
        write("fuzz_geojson_ingest", "hand-compounds-utm.geojson", bytes([1 + 2]) + open(p, "rb").read())


def rules():
    rnd = random.Random(6)
    for i in range(48):
        n = rnd.choice([16, 48, 96, 160, 256])
        write("fuzz_rules", f"random-{i:02d}", bytes(rnd.randrange(256) for _ in range(n)))
    write("fuzz_rules", "zeros", bytes(200))
    write("fuzz_rules", "ones", bytes([255]) * 200)


def batch_diff():
    # A world takes a few hundred bytes; what follows is the scenario patch.
    rnd = random.Random(7)
    for i in range(24):
        n = rnd.choice([160, 320, 480, 640])
        write("fuzz_batch_diff", f"random-{i:02d}", bytes(rnd.randrange(256) for _ in range(n)))
    write("fuzz_batch_diff", "ones", bytes([255]) * 400)
    # kept-*: random inputs that caught a deliberately broken update (tie order of an
    # added site, a unit near a change, a piece at the far end of a long edge).


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", default=os.path.join(ROOT, "..", "shared", "realdata", "kunming"))
    a = ap.parse_args()
    textnum(a.real)
    project()
    scenario()
    ingest()
    rules()
    batch_diff()
