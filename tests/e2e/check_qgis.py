#!/usr/bin/python3
"""Open lifecircle's QGIS deliverables in real QGIS (headless) and check them.

    check_qgis.py --lifecircle BIN --project PROJECT.json --work DIR [--png-dir DIR]

Runs `lifecircle run` twice (GeoJSON and --format gpkg) into DIR, then for each output:
loads lifecircle.qgs with QgsProject; checks every layer is valid, its feature count
equals the GeoJSON file's, its renderer is the intended type, the labels ask for a CJK
font, the project CRS is the working CRS; renders the project's default view to PNG
and checks the image is not blank. For the GeoPackage it also opens every layer on its
own, as a drag-and-drop does, and checks the default style from `layer_styles` is
applied, then renders those layers too.

Needs the system Python with python3-qgis (Debian), run with QT_QPA_PLATFORM=offscreen.
Exit status 1 when any check fails.
"""
import argparse
import json
import os
import re
import subprocess
import sys

from e2e_check import FAILED, check, echo_passes  # noqa: E402

echo_passes()

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "XDG_RUNTIME_DIR" not in os.environ:  # Qt wants a private (0700) runtime folder
    import tempfile
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="lc-qgis-runtime-")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsExpression,
    QgsExpressionContext,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


# What each output layer should be drawn with (SPEC 6 and issue 5).
RENDERERS = {
    "units_street": "graduatedSymbol",
    "units_community": "graduatedSymbol",
    "units_district": "singleSymbol",
    "facilities": "categorizedSymbol",
    "gaps": "categorizedSymbol",
    "compounds": "categorizedSymbol",
    "service_areas": "categorizedSymbol",
    "uncovered": "categorizedSymbol",
    "rejected": "singleSymbol",
}
CJK_FONT = "Noto Sans CJK SC"


def run(binary, project, out, extra):
    cmd = [binary, "run", project, "--out", out, "--quiet"] + extra
    r = subprocess.run(cmd, capture_output=True, text=True)
    check(f"lifecircle {' '.join(extra) or 'geojson'} exits 0", r.returncode == 0, r.stderr.strip())


KIND = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line",
        "Polygon": "polygon", "MultiPolygon": "polygon"}
MIXED = set()  # tables whose features mix geometry kinds
WANT_OUTLINE = False  # --want-failing-outline


def geojson_counts(out):
    counts = {}
    for f in os.listdir(out):
        if f.endswith(".geojson"):
            with open(os.path.join(out, f), encoding="utf-8") as fh:
                feats = json.load(fh)["features"]
            counts[f[:-8]] = len(feats)
            if len({KIND.get((g or {}).get("type")) for g in (x.get("geometry") for x in feats) if g}) > 1:
                MIXED.add(f[:-8])
    return counts


def table_of(layer):
    """Output table a QGIS layer reads, from its data source."""
    src = layer.source()
    for part in src.split("|")[1:]:
        if part.startswith("layername="):
            return part.split("=", 1)[1]
    return os.path.basename(src.split("|")[0]).rsplit(".", 1)[0]


def headline_reach_rule(out):
    with open(os.path.join(out, "summary.json"), encoding="utf-8") as fh:
        s = json.load(fh)
    rules = [r for r in s["rules"] if r.get("check") == "reach_share"]
    head = [r for r in rules if r.get("value") is not None]
    return (head or rules or [None])[0], s


def render(layers, crs, extent, png, label):
    """Renders `layers` (top first) to `png`; checks the picture is not blank."""
    ms = QgsMapSettings()
    ms.setLayers(layers)
    ms.setDestinationCrs(crs)
    ms.setBackgroundColor(QColor(255, 255, 255))
    w = 1600
    h = max(400, min(1600, int(w * extent.height() / max(extent.width(), 1e-9))))
    ms.setOutputSize(QSize(w, h))
    ms.setExtent(extent)
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    check(f"{label}: rendered", not img.isNull() and img.width() == w, "null image")
    img.save(png, "PNG")
    colours, painted = set(), 0
    total = 0
    for y in range(0, img.height(), 4):
        for x in range(0, img.width(), 4):
            c = img.pixel(x, y) & 0xFFFFFF
            colours.add(c)
            painted += c != 0xFFFFFF
            total += 1
    check(f"{label}: image is not blank ({len(colours)} colours, {100 * painted // max(total, 1)}% painted)",
          len(colours) >= 20 and painted > total * 0.2, f"{len(colours)} colours, {painted}/{total} painted")
    check(f"{label}: no rendering errors", not job.errors(), [e.message for e in job.errors()])


# The outline of a unit failing its rule (symbology.cpp failing_outline_color).
FAILING_OUTLINE = "#b00020"


def symbol_strokes(symbol):
    """The stroke colours (#rrggbb) a symbol's layers draw (a legend swatch draws every
    enabled layer, whatever its data-defined "enabled" says on the map)."""
    out = []
    for i in range(symbol.symbolLayerCount() if symbol else 0):
        sl = symbol.symbolLayer(i)
        style = sl.strokeStyle() if hasattr(sl, "strokeStyle") else sl.penStyle() if hasattr(sl, "penStyle") else 0
        if sl.enabled() and hasattr(sl, "strokeColor") and style != 0 and sl.strokeColor().alpha():
            out.append(sl.strokeColor().name())
    return out


def failing_units(lyr, t, out, rule, label):
    """How many units of table `t` fail the headline reach `rule` (its <t>.geojson); None
    when the layer has no pass field for it (a failed check with --want-failing-outline
    for the street layer)."""
    field = f"rule_{rule['id']}_pass" if rule else None
    if not field or lyr.fields().indexOf(field) < 0:
        if WANT_OUTLINE and t == "units_street":
            check(f"{label}: {t}: has the headline reach rule's pass field", False, field)
        return None
    with open(os.path.join(out, t + ".geojson"), encoding="utf-8") as fh:
        return sum(1 for f in json.load(fh)["features"] if f["properties"].get(field) is False)


def check_failing_outline(prj, layers, rule, out, label):
    """The street and community choropleths: no class's legend swatch has the failing
    units' outline (it would say every class fails); the units failing the headline
    reach rule are outlined by a layer of their own just above the choropleth, ticked as
    it is, drawing exactly the failing units."""
    tree = prj.layerTreeRoot()
    for lyr in layers:
        t = table_of(lyr)
        r = lyr.renderer() if lyr.isSpatial() else None
        if (t not in ("units_street", "units_community") or lyr.id().endswith("_failing") or r is None or
                lyr.id().startswith("lifecircle_childcare_")):
            continue
        red = [it.label() for it in r.legendSymbolItems() if FAILING_OUTLINE in symbol_strokes(it.symbol())]
        check(f"{label}: {t}: no legend class swatch has the failing units' outline", not red, red)
        failing = failing_units(lyr, t, out, rule, label)
        if failing is None:
            continue
        over = prj.mapLayer(lyr.id() + "_failing")
        if not check(f"{label}: {t}: the failing units' outline is a layer of its own", over is not None and over.isValid(),
                     lyr.id() + "_failing"):
            continue
        check(f"{label}: {t}: the outline layer draws the {failing} failing units in {FAILING_OUTLINE}",
              over.featureCount() == failing and FAILING_OUTLINE in symbol_strokes(over.renderer().symbol()),
              (over.featureCount(), symbol_strokes(over.renderer().symbol())))
        mine, its = tree.findLayer(lyr.id()), tree.findLayer(over.id())
        order = [n.layerId() for n in tree.findLayers()]
        check(f"{label}: {t}: the outline layer is just above the choropleth and ticked as it is",
              mine and its and order.index(over.id()) + 1 == order.index(lyr.id()) and mine.isVisible() == its.isVisible(),
              order)


def check_standalone_failing(lyr, t, out, rule, label):
    """A street or community layer styled without the project (styles/<t>.qml, the
    GeoPackage's default style): the classes' legend swatches show their fill only, and
    one more legend entry, a rule drawn over the classes, outlines exactly the units
    failing the headline reach rule. Before, those styles had no failing outline at all:
    someone who dragged the GeoPackage into QGIS saw no failing unit."""
    failing = failing_units(lyr, t, out, rule, label)
    if failing is None:
        return
    r = lyr.renderer()
    if not check(f"{label}: {t}: rule-based (classes, then the failing outline)", r is not None and r.type() == "RuleRenderer",
                 r and r.type()):
        return
    # symbol levels: the outline in a pass after every fill, else a neighbour drawn later
    # covers half of it
    check(f"{label}: {t}: drawn by symbol levels (the outline over every neighbour's fill)", r.usingSymbolLevels())
    items = r.legendSymbolItems()
    red = [it.label() for it in items if FAILING_OUTLINE in symbol_strokes(it.symbol())]
    check(f"{label}: {t}: one legend entry has the failing outline", len(red) == 1, red)
    rules = [x for x in r.rootRule().children() if FAILING_OUTLINE in symbol_strokes(x.symbol())]
    if len(rules) != 1:
        return
    ctx = QgsExpressionContext()
    expr = QgsExpression(rules[0].filterExpression())
    matched = 0
    for f in lyr.getFeatures():
        ctx.setFeature(f)
        matched += bool(expr.evaluate(ctx))
    check(f"{label}: {t}: the failing outline rule matches the {failing} failing units",
          matched == failing and (failing > 0 or not WANT_OUTLINE), matched)


TARGET_WORDS = ("达标", "meets target")


RULE_IDS = set()  # the rules of the run (summary.json): figures of these have targets


def check_figure_legend(lyr, label):
    """A choropleth of a figure that is no plan target (not on a rule's value, e.g. one
    type's elderly reach when the profile has no reach rule) speaks of no target in its
    legend. Before, its top class read "100%（达标）"."""
    r = lyr.renderer()
    if r is None or r.type() != "graduatedSymbol":
        return
    fields = re.findall(r'"(\w+)"', r.classAttribute())
    if any(f.startswith("rule_") or f in RULE_IDS for f in fields):
        return
    said = [x.label() for x in r.ranges() if any(w in x.label() for w in TARGET_WORDS)]
    check(f"{label}: {lyr.name()}: a figure's legend speaks of no target", not said, said)


def check_facility_classes(lyr, label):
    """A facility layer coloured by type lists only the types it holds (its subset's,
    present in the data), and an "other" class only when some facility has no class of
    its own. Before, every canonical type was listed: the childcare layer listed 14 types,
    layouts' legends showed dementia-care facilities the demo has none of."""
    r = lyr.renderer()
    # The service areas too: one per facility, so a type with none has no area either.
    if table_of(lyr) not in ("facilities", "service_areas") or r is None or r.type() != "categorizedSymbol" or \
            r.classAttribute().strip('"') != "type":
        return
    held = {}
    for f in lyr.getFeatures():
        held[f["type"]] = held.get(f["type"], 0) + 1
    classes = [c.value() for c in r.categories() if c.value() not in ("", None)]
    empty = [c for c in classes if c not in held]
    check(f"{label}: {lyr.name()}: no legend class of a type the layer does not hold", not empty, (empty, held))
    other = any(c.value() in ("", None) for c in r.categories())
    unlisted = sorted(t for t in held if t not in classes)
    check(f"{label}: {lyr.name()}: an 'other' class only for facilities of no listed type", other == bool(unlisted),
          (other, unlisted))


# Facility types as the legends name them (symbology.cpp type_style).
TYPE_NAMES = {"day_care": ("日间照料中心", "day-care centre"), "canteen": ("老年幸福食堂", "elderly canteen"),
              "street_center": ("街道综合养老服务中心", "street elderly-service centre"),
              "regional_center": ("区域养老服务中心", "regional elderly-service centre"),
              "rural_station": ("农村居家养老服务站", "rural home-care station"), "nursing_home": ("养老机构", "nursing home")}


def check_reach_basis(layers, label):
    """The compounds coloured by walking reach name the facility types that count, and
    the hatched uncovered areas name the one type they show: beside a choropleth of one
    type's reach, compounds reached by any home-care type read as contradicting it when
    the legend said only "步行可达范围内". Before, neither said which types."""
    for lyr in layers:
        t = table_of(lyr)
        r = lyr.renderer() if lyr.isSpatial() else None
        if r is None or r.type() != "categorizedSymbol" or lyr.id().startswith("lifecircle_print_"):
            continue
        if t == "compounds":
            types = re.findall(r'"reached_(\w+)"', r.classAttribute())
            reached = next((c.label() for c in r.categories() if c.value() == "reached"), "")
            first = TYPE_NAMES.get(types[0], (types[0], types[0])) if types else None
            check(f"{label}: compounds legend names the types that count ({reached})",
                  first is not None and (first[0] in reached or first[1] in reached.lower()) and
                  (len(types) == 1 or "任一" in reached or "any" in reached), (types, reached))
        if t == "uncovered":
            shown = [c.label() for c in r.categories() if c.renderState()]
            check(f"{label}: the hatched uncovered layer's name says which type it shows ({lyr.name()})",
                  len(shown) == 1 and shown[0].lower() in lyr.name().lower(), (shown, lyr.name()))


def aliases_of(lyr):
    return {f.name(): lyr.attributeAlias(i) for i, f in enumerate(lyr.fields()) if lyr.attributeAlias(i)}


def check_style_aliases(lyr, project_aliases, t, label):
    """A layer styled without the project (styles/*.qml, the GeoPackage's default style)
    has the project's field aliases, denominators and all. Before, it had none."""
    want = project_aliases.get(t, {})
    if not want:
        return
    got = aliases_of(lyr)
    check(f"{label}: {t}: the {len(want)} field aliases of lifecircle.qgs", all(got.get(k) == v for k, v in want.items()),
          sorted(set(want.items()) - set(got.items()))[:5])


PROJECT_ALIASES = {}  # table -> field -> alias, as lifecircle.qgs gives them


def check_qml_styles(out, rule):
    """styles/*.qml applied to the GeoJSON layers as a user loads them."""
    for t in ("units_street", "units_community"):
        qml = os.path.join(out, "styles", t + ".qml")
        lyr = QgsVectorLayer(os.path.join(out, t + ".geojson"), t, "ogr")
        if not check(f"qml: {t}.qml loads", os.path.isfile(qml) and lyr.isValid() and lyr.loadNamedStyle(qml)[1], qml):
            continue
        check_standalone_failing(lyr, t, out, rule, "qml")
        check_figure_legend(lyr, "qml")
    for t in ("units_street", "units_district", "compounds"):
        # one style per geometry kind of a table that mixes them (compounds_point.qml ...)
        for qml in [os.path.join(out, "styles", f) for f in sorted(os.listdir(os.path.join(out, "styles")))
                    if f == t + ".qml" or re.fullmatch(re.escape(t) + r"_(point|line|polygon)\.qml", f)]:
            kind = os.path.basename(qml)[len(t) + 1:-4]
            part = {"point": "|geometrytype=Point", "line": "|geometrytype=LineString", "polygon": "|geometrytype=Polygon"}
            lyr = QgsVectorLayer(os.path.join(out, t + ".geojson") + part.get(kind, ""), t, "ogr")
            if check(f"qml: {os.path.basename(qml)} loads", lyr.isValid() and lyr.loadNamedStyle(qml)[1], qml):
                check_style_aliases(lyr, PROJECT_ALIASES, t, "qml")


def check_project(out, reference_counts, png, label):
    prj = QgsProject.instance()
    prj.clear()
    path = os.path.join(out, "lifecircle.qgs")
    if not check(f"{label}: lifecircle.qgs loads", prj.read(path), prj.error()):
        return
    rule, summary = headline_reach_rule(out)
    RULE_IDS.update(x["id"] for x in summary["rules"])
    check(f"{label}: project CRS is the working CRS {summary['working_crs']}",
          prj.crs().isValid() and prj.crs().authid() == summary["working_crs"], prj.crs().authid())
    # Without an ellipsoid QGIS measures in the CRS's plane: scale bars 10% off in Web Mercator.
    check(f"{label}: distances and scale bars measured on the WGS 84 ellipsoid", prj.ellipsoid() == "EPSG:7030", prj.ellipsoid())
    # The print layouts' own styled copies (unticked, in their own group) are checked by
    # check_layouts.py; here the output layers as the canvas shows them.
    layers = [l for l in prj.mapLayers().values() if not l.id().startswith("lifecircle_print_")]
    check(f"{label}: every output layer is in the project", {table_of(l) for l in layers} >= set(RENDERERS),
          sorted(set(RENDERERS) - {table_of(l) for l in layers}))
    sums = {}
    check_failing_outline(prj, layers, rule, out, label)
    check_reach_basis(layers, label)
    for lyr in prj.mapLayers().values():  # the print layouts' own layers too
        if lyr.isSpatial():
            check_facility_classes(lyr, label)
            check_figure_legend(lyr, label)
        if not lyr.id().startswith(("lifecircle_print_", "lifecircle_childcare_")) and not lyr.id().endswith("_failing"):
            PROJECT_ALIASES.setdefault(table_of(lyr), {}).update(aliases_of(lyr))
    for lyr in layers:
        t = table_of(lyr)
        if lyr.id().endswith("_failing"):
            continue  # the failing units' outline over a choropleth: check_failing_outline
        if lyr.id().startswith("lifecircle_childcare_"):
            # the "一小" group: subsets and second views of output tables, counted apart
            check(f"{label}: childcare layer {lyr.name()} is valid", lyr.isValid(), lyr.source())
            if t == "facilities":
                whole = QgsVectorLayer(lyr.source().split("|subset=")[0], "all", "ogr")
                n = sum(1 for f in whole.getFeatures() if f["type"] in ("childcare", "childcare_guidance"))
                check(f"{label}: childcare layer shows the {n} childcare and guidance centres", lyr.featureCount() == n, lyr.featureCount())
            else:
                r = lyr.renderer()
                check(f"{label}: childcare units coloured by places per 1000",
                      r is not None and r.type() == "graduatedSymbol" and "childcare_places_per_1000" in r.classAttribute(),
                      r and r.type())
            continue
        check(f"{label}: layer {lyr.name()} ({t}) is valid", lyr.isValid(), lyr.source())
        sums[t] = sums.get(t, 0) + lyr.featureCount()
        expected = RENDERERS.get(t)
        r = lyr.renderer() if lyr.isSpatial() else None
        if expected and lyr.isSpatial():
            check(f"{label}: {t} renderer is {expected}", r is not None and r.type() == expected, r and r.type())
        if t in ("units_street", "units_community") and rule and r is not None and r.type() == "graduatedSymbol":
            field = f"rule_{rule['id']}_value"
            check(f"{label}: {t} choropleth is on {field}", field in r.classAttribute(), r.classAttribute())
            check(f"{label}: {t} has classes", len(r.ranges()) >= 3, len(r.ranges()))
        elif t in ("units_street", "units_community") and r is not None and r.type() == "graduatedSymbol":
            # No headline reach rule here: the share reached by one type, which the layer's
            # name must say rather than pass for the share of all home-care facilities.
            single = re.search(r'"?reach_\w+_elderly_share"?', r.classAttribute()) is not None
            check(f"{label}: {t} coloured by one type's reach says so in its name ({lyr.name()})",
                  not single or ("（仅" in lyr.name() and lyr.name().endswith("）")), (r.classAttribute(), lyr.name()))
        if t == "gaps" and r is not None and r.type() == "categorizedSymbol" and lyr.geometryType() == 2:
            # One reason comes from several rules (no on-site space: the elderly-care and
            # the childcare rules): each category names the rules its gaps come from.
            with open(os.path.join(out, "gaps.geojson"), encoding="utf-8") as fh:
                gaps = [f["properties"] for f in json.load(fh)["features"]]
            titles = {x["id"]: x["title"]["zh"] for x in summary["rules"]}
            by_reason = {}
            for g in gaps:
                by_reason.setdefault(g["reason"], set()).add(titles.get(g["rule_id"], g["rule_id"]))
            labels = {c.value(): c.label() for c in r.categories()}
            for reason, rule_titles in sorted(by_reason.items()):
                check(f"{label}: gaps category {reason} names its rules", all(x in labels.get(reason, "") for x in rule_titles),
                      (labels.get(reason), sorted(rule_titles)))
        if t in ("units_street", "units_district", "gaps"):
            lab = lyr.labeling()
            fam = lab.settings().format().font().family() if lab else ""
            check(f"{label}: {t} is labelled in {CJK_FONT}", lyr.labelsEnabled() and fam == CJK_FONT, fam)
    for t, n in reference_counts.items():
        if t in sums:
            check(f"{label}: {t} has {n} features as in {t}.geojson", sums[t] == n, sums[t])
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    check(f"{label}: no absolute data paths in lifecircle.qgs", os.path.abspath(out) not in text, "absolute path found")
    visible = [l for l in prj.layerTreeRoot().checkedLayers() if l.isSpatial()]
    extent = prj.viewSettings().defaultViewExtent()
    check(f"{label}: project has a default view", not extent.isEmpty(), extent.toString())
    render(visible, prj.crs(), QgsRectangle(extent), png, f"{label} project map")


def check_gpkg_styles(out, reference_counts, png):
    gpkg = os.path.join(out, "lifecircle.gpkg")
    check("gpkg: lifecircle.gpkg exists", os.path.isfile(gpkg))
    shown = []
    for t, expected in RENDERERS.items():
        lyr = QgsVectorLayer(f"{gpkg}|layername={t}", t, "ogr")
        if not check(f"gpkg: {t} opens", lyr.isValid()):
            continue
        check(f"gpkg: {t} has {reference_counts.get(t)} features", lyr.featureCount() == reference_counts.get(t),
              lyr.featureCount())
        if not lyr.isSpatial():
            continue
        r = lyr.renderer()
        # A table mixing geometry kinds keeps one default style: rules per kind.
        head = headline_reach_rule(out)[0]
        check_figure_legend(lyr, "gpkg")
        check_facility_classes(lyr, "gpkg")
        if t in ("units_street", "units_district", "compounds"):
            check_style_aliases(lyr, PROJECT_ALIASES, t, "gpkg")
        if t in ("units_street", "units_community") and head and lyr.fields().indexOf(f"rule_{head['id']}_pass") >= 0:
            check_standalone_failing(lyr, t, out, head, "gpkg")
        else:
            want = "RuleRenderer" if t in MIXED else expected
            check(f"gpkg: {t} default style from layer_styles ({want})", r is not None and r.type() == want, r and r.type())
        if t in ("units_street", "gaps", "facilities", "units_district", "uncovered"):
            shown.append(lyr)
    order = ["gaps", "facilities", "uncovered", "units_district", "units_street"]
    shown.sort(key=lambda l: order.index(l.name()))
    ext = QgsRectangle()
    for l in shown:
        ext.combineExtentWith(l.extent())
    crs = shown[0].crs() if shown else None
    if crs:
        render(shown, crs, ext, png, "gpkg default styles")
    return shown


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lifecircle", required=True)
    ap.add_argument("--project", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--png-dir", help="where to keep the rendered PNGs (default: --work)")
    ap.add_argument("--scenario", help="a scenario patch applied to both runs (e.g. a profile with a reach rule)")
    ap.add_argument("--want-failing-outline", action="store_true",
                    help="the street layer must have the headline reach rule's failing outline (else the check fails)")
    a = ap.parse_args()
    global WANT_OUTLINE
    WANT_OUTLINE = a.want_failing_outline
    os.makedirs(a.work, exist_ok=True)
    png_dir = a.png_dir or a.work
    os.makedirs(png_dir, exist_ok=True)
    out_json = os.path.join(a.work, "out-geojson")
    out_gpkg = os.path.join(a.work, "out-gpkg")
    extra = ["--scenario", a.scenario] if a.scenario else []
    run(a.lifecircle, a.project, out_json, extra)
    run(a.lifecircle, a.project, out_gpkg, ["--format", "gpkg"] + extra)

    app = QgsApplication([], False)
    app.initQgis()
    try:
        counts = geojson_counts(out_json)
        check_project(out_json, counts, os.path.join(png_dir, "qgis-project.png"), "geojson")
        check_qml_styles(out_json, headline_reach_rule(out_json)[0])
        check_project(out_gpkg, counts, os.path.join(png_dir, "qgis-project-gpkg.png"), "gpkg")
        check_gpkg_styles(out_gpkg, counts, os.path.join(png_dir, "qgis-gpkg-styles.png"))
    finally:
        QgsProject.instance().clear()
        app.exitQgis()
    print(f"{len(FAILED)} failed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
