#!/usr/bin/python3
"""The print layouts of lifecircle.qgs in real QGIS (headless), and the labels of its map.

    check_layouts.py --lifecircle BIN --project PROJECT.json --work DIR [--png-dir DIR] [-- run arguments]

Runs `lifecircle run` and opens lifecircle.qgs with PyQGIS. Every print layout: an A3
landscape page at 300 dpi; a map frame whose layers are valid and whose extent holds the
study area; a legend listing layers; a scale bar and a north arrow tied to the map; a
title and a note on data and method (profile, mode, reach, data date, CRS); its tables
read valid layers with valid filters and show rows. Each is exported to PDF and PNG and
the PNG's map is checked not blank. Every map the report draws (maps/*.svg) has its
layout: one whose custom property "lifecircle/map" names the map and whose title holds
the map's title.

What a printed page shows whole: every item of every layout lies within its page; no
label's text is cut (its text wrapped as QGIS wraps it, measured with the label's font,
fits the label's frame); a table's columns hold their cells' text. Legends and subtitles
name the indicator, never a bare "value per unit"; English layouts use no Chinese
punctuation in the text lifecircle writes (titles, subtitles, legends, table headings and
cells, the note but for the rule's source).

Labels of the project's map: at the study area's full extent no gap compound, compound or
facility is labelled and no two labels overlap; unit labels have a halo; zoomed in to
1:5,000 on a gap compound its name appears.

Skipped (exit 77) when PyQGIS is not installed.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qgis_env  # noqa: E402
from e2e_check import check, finish  # noqa: E402

qgis_env.need_pyqgis()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "XDG_RUNTIME_DIR" not in os.environ:
    import tempfile

    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="lc-qgis-runtime-")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsExpression,
    QgsLayoutExporter,
    QgsLayoutItem,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutItemAttributeTable,
    QgsLayoutUtils,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import QRectF, QSize, Qt  # noqa: E402

try:  # the exporter's attempt to georeference a PNG through GDAL fails noisily, harmlessly
    from osgeo import gdal

    gdal.PushErrorHandler("CPLQuietErrorHandler")
except ImportError:
    pass
from qgis.PyQt.QtGui import QColor, QFontMetricsF, QImage  # noqa: E402

# How far (mm) an item may stray over its page's edge or a text over its frame: a frame's
# stroke, rounding.
TOLERANCE = 0.5
# Punctuation of Chinese text, out of place in an English layout.
CJK_PUNCTUATION = set("，。；：（）、　【】“”‘’！？")
GENERIC_MEASURE = ("Value per unit", "单元指标值")


def page_items(layout):
    """Every item of a layout placed on a page (not the pages themselves)."""
    return [i for i in layout.items() if isinstance(i, QgsLayoutItem) and not isinstance(i, QgsLayoutItemPage)]


def check_within_pages(layout, label):
    """Every item inside its page: a printed page shows it whole."""
    pages = layout.pageCollection()
    outside = []
    for item in page_items(layout):
        page = pages.page(item.page())
        size = page.pageSize()
        box = item.sceneBoundingRect()
        top = page.pos().y()
        if (box.left() < -TOLERANCE or box.top() - top < -TOLERANCE or box.right() > size.width() + TOLERANCE or
                box.bottom() - top > size.height() + TOLERANCE):
            outside.append(f"{item.id() or type(item).__name__} on page {item.page() + 1}: x {box.left():.1f}..{box.right():.1f}, "
                           f"y {box.top() - top:.1f}..{box.bottom() - top:.1f} mm")
    size = pages.page(0).pageSize()
    check(f"{label}: every item lies within its page ({size.width():.0f} x {size.height():.0f} mm, {pages.pageCount()} pages)",
          not outside, outside)


def text_size_mm(font, text, width_mm):
    """Size (mm) of `text` drawn as a layout label draws it (QgsLayoutUtils::drawText: the
    font scaled by 10 in pixels, words wrapped at `width_mm`)."""
    scaled = QgsLayoutUtils.scaledFontPixelSize(font)
    rect = QFontMetricsF(scaled).boundingRect(QRectF(0, 0, width_mm * 10, 1e7),
                                             int(Qt.AlignLeft | Qt.AlignTop | Qt.TextWordWrap), text)
    return rect.width() / 10, rect.height() / 10


def check_labels_fit(layout, label):
    """No label's text cut by its frame: wrapped at the frame's inner width, it is no
    wider (a word too long to wrap) and no taller than the frame."""
    cut = []
    for item in page_items(layout):
        if not isinstance(item, QgsLayoutItemLabel) or item.mode() != QgsLayoutItemLabel.ModeFont:
            continue
        pen = item.pen().widthF() / 2 if item.frameEnabled() else 0
        w = item.rect().width() - 2 * (item.marginX() + pen)
        h = item.rect().height() - 2 * (item.marginY() + pen)
        tw, th = text_size_mm(item.font(), item.text(), w)
        if tw > w + TOLERANCE or th > h + TOLERANCE:
            cut.append(f"{item.id()}: text {tw:.1f} x {th:.1f} mm in {w:.1f} x {h:.1f} mm: {item.text()[:60]!r}")
    check(f"{label}: no label's text is cut by its frame", not cut, cut)


def check_table_cells(layout, mf, label):
    """The table's columns hold their text: every cell shown no wider than its column
    (a fixed-width column cuts what is wider), the frames inside their page."""
    font = mf.contentTextFormat().toQFont()
    widths = [c.width() for c in mf.columns()]
    cut = []
    for row in mf.contents():
        for text, width in zip(row, widths):
            if width > 0 and QgsLayoutUtils.textWidthMM(font, str(text)) > width + TOLERANCE:
                cut.append(f"{text!r} in a column {width:.1f} mm wide")
    beyond = [f"{f.sceneBoundingRect().right():.1f} mm" for f in mf.frames()
              if f.sceneBoundingRect().right() > layout.pageCollection().page(f.page()).pageSize().width() + TOLERANCE]
    check(f"{label}: its table's cells fit their columns and its frames their page", not cut and not beyond, (cut[:5], beyond))


def computed_columns(mf):
    """The columns lifecircle computes (not a bare field of the data: unit names are the
    data's own)."""
    return [i for i, c in enumerate(mf.columns()) if not QgsExpression(c.attribute()).isField()]


def written_text(layout):
    """The text lifecircle writes on a layout: labels (the note without the
    rule's source, which quotes the plan), legend layers and classes, table headings and
    computed cells."""
    texts = []
    for item in page_items(layout):
        if isinstance(item, QgsLayoutItemLabel):
            lines = item.text().split("\n")
            texts += [t for t in lines if not (item.id() == "note" and t.startswith(("Source:", "Profile:")))]
        if isinstance(item, QgsLayoutItemLegend):
            texts.append(item.title())
            for node in item.model().rootGroup().findLayers():
                texts.append(node.name())
                renderer = node.layer().renderer() if node.layer() else None
                texts += [s.label() for s in (renderer.legendSymbolItems() if renderer else [])]
    for mf in layout.multiFrames():
        if isinstance(mf, QgsLayoutItemAttributeTable):
            texts += [c.heading() for c in mf.columns()]
            cols = computed_columns(mf)
            texts += [str(row[i]) for row in mf.contents() for i in cols]
    return texts


def check_wording(layout, label, lang):
    """Legends and subtitles name the indicator; English layouts use ASCII punctuation."""
    generic = [t for t in written_text(layout) if any(g in t for g in GENERIC_MEASURE)]
    check(f"{label}: legends and subtitles name the indicator (no bare \"{GENERIC_MEASURE[0]}\")", not generic, generic)
    if lang == "en":
        chinese = [t for t in written_text(layout) if CJK_PUNCTUATION & set(t)]
        check(f"{label}: English text without Chinese punctuation", not chinese, chinese[:5])


def svg_title(path):
    """The <title> of a report map."""
    import re

    with open(path, encoding="utf-8") as f:
        m = re.search(r"<title>([^<]*)</title>", f.read())
    return (m.group(1) if m else "").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def check_every_map_has_a_layout(layouts, maps_dir):
    """Every map of the report (maps/KEY.svg) has a layout that says it prints KEY and whose
    title holds the map's title."""
    by_key = {}
    for layout in layouts:
        key = layout.customProperty("lifecircle/map")
        if key:
            by_key.setdefault(key, []).append(layout)
    for svg in sorted(f for f in os.listdir(maps_dir) if f.endswith(".svg")):
        key, title = svg[:-4], svg_title(os.path.join(maps_dir, svg))
        found = by_key.get(key, [])
        titles = [next((i.text() for i in page_items(l) if isinstance(i, QgsLayoutItemLabel) and i.id() == "title"), "")
                  for l in found]
        check(f"the report's map {svg} has a print layout titled {title!r}",
              len(found) == 1 and title and title in titles[0], [l.name() for l in found] + titles)



def not_blank(png, rect, label):
    """At least 20 colours and 15% non-white pixels inside `rect` (pixels) of the PNG."""
    img = QImage(png)
    if not check(f"{label}: PNG readable", not img.isNull(), png):
        return
    x0, y0, x1, y1 = (int(v) for v in rect)
    colours, painted, total = set(), 0, 0
    for y in range(max(0, y0), min(img.height(), y1), 5):
        for x in range(max(0, x0), min(img.width(), x1), 5):
            c = img.pixel(x, y) & 0xFFFFFF
            colours.add(c)
            painted += c != 0xFFFFFF
            total += 1
    check(f"{label}: the map is not blank ({len(colours)} colours, {100 * painted // max(total, 1)}% painted)",
          len(colours) >= 20 and painted > 0.15 * total, f"{len(colours)} colours, {painted}/{total}")


def study_extent(prj):
    """The district (else street) units' extent in the project CRS."""
    for lid in ("lifecircle_units_district", "lifecircle_units_street", "lifecircle_units_community"):
        lyr = prj.mapLayer(lid)
        if lyr is not None and lyr.isValid():
            ct = QgsCoordinateTransform(lyr.crs(), prj.crs(), prj)
            return ct.transformBoundingBox(lyr.extent())
    return None


def unit_level(layer):
    """"district", "street" or "community": the units layer a layer reads (its source's
    file), else None."""
    import re

    m = re.search(r"units_(district|street|community)\.", layer.source() if layer else "")
    return m.group(1) if m else None


def filtered_codes(mf):
    """The unit codes of every feature the table's filter selects (not only the rows
    shown)."""
    from qgis.core import QgsExpressionContext, QgsExpressionContextUtils, QgsFeatureRequest

    lyr = mf.vectorLayer()
    ctx = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(lyr))
    expr = QgsExpression(mf.featureFilter())
    expr.prepare(ctx)
    field = "unit_id" if lyr.fields().indexOf("unit_id") >= 0 else None
    codes = set()
    for f in lyr.getFeatures(QgsFeatureRequest()):
        ctx.setFeature(f)
        if expr.evaluate(ctx) and field:
            codes.add(str(f[field]))
    return codes


def check_table_level(layout, mf, rules, label):
    """A table of failing units lists them at the level the rule is evaluated and reported
    at (summary.json's "level"), and exactly its units_failing, as report.html does. A
    family table: when its rules share one level, the union of their failing units."""
    import re

    key = layout.customProperty("lifecircle/map")
    if key in rules:
        named = [rules[key]]
    else:
        named = [rules[i] for i in dict.fromkeys(re.findall(r'"rule_(\w+?)_pass"', mf.featureFilter())) if i in rules]
    levels = {r.get("level") for r in named}
    if not named or len(levels) != 1 or "area" in levels:
        return
    level = levels.pop()
    want = set().union(*(set(r.get("units_failing") or []) for r in named))
    lyr_level = unit_level(mf.vectorLayer())
    check(f"{label}: its table lists units at the rules' report level ({level})", lyr_level == level, lyr_level)
    if lyr_level == level:
        got = filtered_codes(mf)
        check(f"{label}: its table's units are summary.json's units_failing ({len(want)})", got == want,
              (sorted(got - want)[:5], sorted(want - got)[:5], len(got)))


# The outline of a unit failing its rule (symbology.cpp failing_outline_color).
FAILING_OUTLINE = "#b00020"


def symbol_strokes(symbol):
    """The stroke colours (#rrggbb) a symbol's layers draw."""
    out = []
    for i in range(symbol.symbolLayerCount() if symbol else 0):
        sl = symbol.symbolLayer(i)
        style = sl.strokeStyle() if hasattr(sl, "strokeStyle") else sl.penStyle() if hasattr(sl, "penStyle") else Qt.NoPen
        if sl.enabled() and hasattr(sl, "strokeColor") and style != Qt.NoPen and sl.strokeColor().alpha():
            out.append(sl.strokeColor().name())
    return out


def check_legend_swatches(layout, legend, rules, label):
    """A class swatch shows its fill, not the outline only failing units have on the map;
    the failing outline is an entry of its own where some unit of the rule fails."""
    red, failing_entry = [], False
    for node in legend.model().rootGroup().findLayers():
        lyr = node.layer()
        renderer = lyr.renderer() if lyr else None
        if renderer is None:
            continue
        items = renderer.legendSymbolItems()
        if renderer.type() == "singleSymbol":
            failing_entry |= FAILING_OUTLINE in symbol_strokes(renderer.symbol())
            continue
        red += [f"{lyr.name()}: {it.label()}" for it in items if FAILING_OUTLINE in symbol_strokes(it.symbol())]
    check(f"{label}: no legend class swatch has the failing units' outline", not red, red[:5])
    rule = rules.get(layout.customProperty("lifecircle/map"))
    choropleth = any(n.layer() and n.layer().renderer() and n.layer().renderer().type() == "graduatedSymbol"
                     for n in legend.model().rootGroup().findLayers())
    if rule is not None and rule.get("level") != "area" and choropleth and rule.get("check") != "compound_support":
        fails = bool(rule.get("units_failing"))
        check(f"{label}: the legend has a failing-units entry {'(units fail)' if fails else 'none (no unit fails)'}",
              failing_entry == fails, failing_entry)


def check_map_labels(m, label):
    """Every street is named on the layout's map (a district's name at its centre does not
    push out the name of the street there), and every district whose name is labelled."""
    from qgis.PyQt.QtCore import QSizeF

    dpi = 150
    box = m.rect()
    ms = m.mapSettings(m.extent(), QSizeF(box.width() / 25.4 * dpi, box.height() / 25.4 * dpi), dpi, False)
    ms.setLayers(m.layers())
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    results = job.takeLabelingResults()
    labelled = {}
    for lab in results.allLabels() if results else []:
        if getattr(lab, "isUnplaced", False):
            continue
        labelled.setdefault(unit_level(m.layout().project().mapLayer(lab.layerID)), set()).add(lab.labelText.split("\n")[0])
    for level in ("street", "district"):
        layers = [l for l in m.layers() if unit_level(l) == level and l.labelsEnabled()]
        if not layers:
            continue
        names = {str(f["name"]) for f in layers[0].getFeatures()}
        missing = sorted(names - labelled.get(level, set()))
        check(f"{label}: every {level} is named on the map ({len(names)})", not missing, missing)


def legend_text(legend):
    """The legend's layer names and class labels."""
    texts = []
    for node in legend.model().rootGroup().findLayers():
        texts.append(node.name())
        renderer = node.layer().renderer() if node.layer() else None
        texts += [s.label() for s in (renderer.legendSymbolItems() if renderer else [])]
    return texts


def check_no_target_words(layout, legend, label):
    """A page of figures that are no plan target (its subtitle says so) has a legend that
    speaks of no target either."""
    subtitle = next((i.text() for i in page_items(layout) if isinstance(i, QgsLayoutItemLabel) and i.id() == "subtitle"), "")
    if "不是规划指标" not in subtitle and "not a plan target" not in subtitle and "not plan targets" not in subtitle:
        return
    said = [t for t in legend_text(legend) if "达标" in t or "target" in t.lower()]
    check(f"{label}: a figure's legend speaks of no target", not said, said)


def check_single_symbol_entries(legend, label):
    """A single-symbol layer (one legend line, its name beside its swatch) never follows a
    layer's classes in the same group, where it would read as one more class of that
    layer; the failing units' outline, which belongs to the classes above it, excepted."""
    from qgis.core import QgsLayerTree

    def walk(group, out):
        prev_classes = None
        for node in group.children():
            if QgsLayerTree.isGroup(node):
                walk(node, out)
                prev_classes = None
                continue
            lyr = node.layer()
            renderer = lyr.renderer() if lyr else None
            if renderer is None:
                continue
            if renderer.type() == "singleSymbol":
                if prev_classes and FAILING_OUTLINE not in symbol_strokes(renderer.symbol()):
                    out.append(f"{lyr.name()} under {prev_classes}")
            else:
                prev_classes = lyr.name()

    bad = []
    walk(legend.model().rootGroup(), bad)
    check(f"{label}: no single-symbol legend entry reads as a class of the layer above it", not bad, bad)


AREA_ONLY = ("仅有全域数值的指标：", "Study-area figures only:")


def check_area_only_rules(layout, rules, label):
    """A family page's key lists a rule under "study-area figures only" only when it has
    no figure per unit (summary.json's level "area"): a rule whose units fail is never
    passed off as one without a map."""
    by_title = {}
    for r in rules.values():
        for t in (r.get("title") or {}).values():
            by_title[t] = r
    wrong = []
    for item in page_items(layout):
        if not isinstance(item, QgsLayoutItemLabel) or item.id() not in ("rules", "rules_page2"):
            continue
        lines = item.text().split("\n")
        heads = [i for i, t in enumerate(lines) if t.strip() in AREA_ONLY]
        for line in lines[heads[0] + 1:] if heads else []:
            text = line.lstrip("•").strip()
            rule = next((r for t, r in sorted(by_title.items(), key=lambda kv: -len(kv[0])) if text.startswith(t)), None)
            if rule is not None and rule.get("level") != "area":
                wrong.append(f"{rule['id']} ({rule.get('level')}, {len(rule.get('units_failing') or [])} units failing)")
    check(f"{label}: only rules without unit figures are listed as study-area figures only", not wrong, wrong)


def check_band_network(out, network):
    """In network mode the life-circle bands are walks along the roads: report.html's band
    map draws the network; in radius mode it does not. (The print layout does not: it
    would have to read the roads input, which is not in the output folder and may be in a
    CRS QGIS cannot place, GCJ-02 or BD-09.)"""
    with open(os.path.join(out, "maps", "life_circle_bands.svg"), encoding="utf-8") as f:
        svg = f.read()
    drawn = "步行路网" in svg or "Walking network" in svg
    check(f"report map life_circle_bands.svg draws the road network {'(network mode)' if network else 'not (radius mode)'}",
          drawn == network, drawn)


def check_facilities_not_meeting(layouts, rules):
    """The facility-share rules that fail name the facilities not meeting them
    (summary.json details.facilities_not_meeting): a layout draws exactly those, and at
    the study-area level, where there is no failing unit, lists them in its table."""
    want = set()
    for r in rules.values():
        if r.get("check") == "facility_share" and r.get("pass") is False:
            want |= set(r.get("details", {}).get("facilities_not_meeting") or [])
    if not want:
        return
    drawn, listed = set(), set()
    for layout in layouts:
        for m in (i for i in layout.items() if isinstance(i, QgsLayoutItemMap)):
            for l in m.layers():
                if l.id() == "lifecircle_print_facilities_failing":
                    # the id field, as Shapefiles cut its name
                    idf = next(n for n in l.fields().names() if n in ("facility_id", "fac_id"))
                    drawn |= {str(f[idf]) for f in l.getFeatures()}
        for mf in layout.multiFrames():
            if isinstance(mf, QgsLayoutItemAttributeTable) and mf.vectorLayer() and mf.vectorLayer().id() == "lifecircle_print_facilities_failing":
                mf.refreshAttributes()
                listed |= {str(c) for row in mf.contents() for c in row}
    check(f"a layout draws the {len(want)} facilities not meeting the facility-share rules", drawn == want,
          (sorted(want - drawn)[:5], sorted(drawn - want)[:5]))
    area_only = all(r.get("level") == "area" for r in rules.values()
                    if r.get("check") == "facility_share" and r.get("pass") is False)
    if area_only:
        check("... and lists them in its table", want <= listed, sorted(want - listed)[:5])


def check_counted_facilities(layouts, rules, out):
    """The totals page draws the facilities its failing total counts: exactly
    summary.json's details.facilities_counted. facilities.geojson writes the summed
    attribute as a number (null where the entry, e.g. "不详", is no number, the entry then
    kept in <attr>_text), so the page's filter "attr IS NOT NULL" is the rule's own count;
    with the attribute written as text, "不详" was drawn too."""
    failing = [r for r in rules.values() if r.get("check") == "min_total" and r.get("pass") is False]
    if len(failing) != 1 or failing[0].get("level") != "area":
        return
    r = failing[0]
    attr = r.get("details", {}).get("attribute")
    with open(os.path.join(out, "facilities.geojson"), encoding="utf-8") as f:
        feats = [x["properties"] for x in json.load(f)["features"]]
    with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
        conf = next((c for c in json.load(f).get("config", {}).get("rules", []) if c.get("id") == r["id"]), {})
    if conf.get("where"):
        return  # the page then shows the facilities of the rule's types
    if attr is not None:
        kinds = sorted({type(p.get(attr)).__name__ for p in feats if p.get(attr) is not None})
        check(f"facilities.geojson writes {attr} as numbers", kinds == ["float"] or kinds == ["int"] or kinds == ["float", "int"], kinds)
    want = r["details"].get("facilities_counted")
    drawn = None
    for layout in layouts:
        for m in (i for i in layout.items() if isinstance(i, QgsLayoutItemMap)):
            for l in m.layers():
                if l.id() == "lifecircle_print_facilities_counted":
                    drawn = l.featureCount()
    check(f"the totals layout draws the {want} facilities {r['id']} counts", want is not None and drawn == want, drawn)


def check_layout(layout, prj, extent, work, png_dir, lang, rules):
    name = layout.name()
    label = f"layout {name}"
    page = layout.pageCollection().page(0).pageSize()
    check(f"{label}: A3 landscape", abs(page.width() - 420) < 0.5 and abs(page.height() - 297) < 0.5 and
          page.units() == QgsUnitTypes.LayoutMillimeters, (page.width(), page.height()))
    check(f"{label}: 300 dpi", layout.renderContext().dpi() == 300, layout.renderContext().dpi())
    items = [i for i in layout.items() if hasattr(i, "uuid")]
    maps = [i for i in items if isinstance(i, QgsLayoutItemMap)]
    legends = [i for i in items if isinstance(i, QgsLayoutItemLegend)]
    bars = [i for i in items if isinstance(i, QgsLayoutItemScaleBar)]
    arrows = [i for i in items if isinstance(i, QgsLayoutItemPicture)]
    labels = {i.id(): i.text() for i in items if isinstance(i, QgsLayoutItemLabel)}
    if not check(f"{label}: has a map", len(maps) == 1, len(maps)):
        return
    m = maps[0]
    check(f"{label}: the map's layers are valid", m.layers() and all(l.isValid() for l in m.layers()),
          [(l.name(), l.isValid()) for l in m.layers()])
    check_map_labels(m, label)
    boundary = [l.name() for l in m.layers() if unit_level(l) == "district" and l.renderer() and l.renderer().type() == "singleSymbol"]
    check(f"{label}: the map draws the districts' boundary", boundary or not prj.mapLayer("lifecircle_units_district"),
          [l.name() for l in m.layers()])
    check(f"{label}: the map frames the study area", extent is not None and m.extent().contains(extent),
          (m.extent().toString(), extent and extent.toString()))
    check(f"{label}: has a legend listing layers", len(legends) == 1 and legends[0].model().rootGroup().findLayers(),
          len(legends))
    if legends:
        check_legend_swatches(layout, legends[0], rules, label)
        check_no_target_words(layout, legends[0], label)
        check_single_symbol_entries(legends[0], label)
    check(f"{label}: has a scale bar tied to the map", len(bars) == 1 and bars[0].linkedMap() is m, len(bars))
    check(f"{label}: has a north arrow tied to the map", len(arrows) == 1 and arrows[0].linkedMap() is m and
          "north" in arrows[0].picturePath(), [a.picturePath() for a in arrows])
    check(f"{label}: has a title", labels.get("title"), labels)
    note = labels.get("note", "")
    for zh, en in (("规则集", "Profile"), ("可达模式", "Access"), ("可达距离", "Reach"), ("数据日期", "Data date"), ("坐标系", "CRS")):
        check(f"{label}: the note gives {zh} / {en}", zh in note or en in note, note)
    for mf in layout.multiFrames():
        if isinstance(mf, QgsLayoutItemAttributeTable):
            mf.refreshAttributes()
            check_table_cells(layout, mf, label)
            lyr = mf.vectorLayer()
            check(f"{label}: its table reads a valid layer", lyr is not None and lyr.isValid())
            expr = QgsExpression(mf.featureFilter())
            check(f"{label}: its table filter is valid", not expr.hasParserError(), expr.parserErrorString())
            mf.refreshAttributes()
            rows = mf.contents()
            check(f"{label}: its table shows failing units", len(rows) > 0, len(rows))
            check(f"{label}: its table's cells are filled", rows and all(str(c) not in ("", "NULL") for c in rows[0]),
                  rows[:1])
            if lyr is not None and lyr.isValid() and not expr.hasParserError():
                check_table_level(layout, mf, rules, label)
    check_area_only_rules(layout, rules, label)
    check_within_pages(layout, label)
    check_labels_fit(layout, label)
    check_wording(layout, label, lang)
    exporter = QgsLayoutExporter(layout)
    safe = "".join(ch if ch.isalnum() else "_" for ch in name)
    pdf = os.path.join(work, safe + ".pdf")
    r = exporter.exportToPdf(pdf, QgsLayoutExporter.PdfExportSettings())
    check(f"{label}: exported to PDF", r == QgsLayoutExporter.Success and os.path.getsize(pdf) > 20000 and
          open(pdf, "rb").read(5) == b"%PDF-", r)
    png = os.path.join(png_dir, safe + ".png")
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = 100  # the check looks at pixels, not print quality (the layout asks 300)
    settings.generateWorldFile = False
    settings.exportMetadata = False
    r = exporter.exportToImage(png, settings)
    if check(f"{label}: exported to PNG", r == QgsLayoutExporter.Success, r):
        px = 100 / 25.4
        box = m.sceneBoundingRect()
        not_blank(png, (box.left() * px, box.top() * px, box.right() * px, box.bottom() * px), label)


def render_labels(prj, layers, extent, size):
    ms = QgsMapSettings()
    ms.setLayers(layers)
    ms.setDestinationCrs(prj.crs())
    ms.setBackgroundColor(QColor(255, 255, 255))
    ms.setOutputSize(size)
    ms.setExtent(extent)
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    return ms, job.takeLabelingResults()


def check_labels(prj):
    visible = [l for l in prj.layerTreeRoot().checkedLayers() if l.isSpatial()]
    extent = QgsRectangle(prj.viewSettings().defaultViewExtent())
    ms, results = render_labels(prj, visible, extent, QSize(1600, 1000))
    labels = results.allLabels() if results else []
    by_layer = {}
    for lab in labels:
        by_layer.setdefault(lab.layerID, []).append(lab)
    check(f"labels at full extent (1:{ms.scale():,.0f}): streets and districts are named",
          by_layer.get("lifecircle_units_street") and by_layer.get("lifecircle_units_district"), sorted(by_layer))
    busy = [lid for lid in ("lifecircle_gaps", "lifecircle_compounds", "lifecircle_facilities") if by_layer.get(lid)]
    check("labels at full extent: no gap compound, compound or facility labelled", not busy,
          {k: len(by_layer[k]) for k in busy})
    for lid in ("lifecircle_units_street", "lifecircle_units_district"):
        lyr = prj.mapLayer(lid)
        if lyr is not None and lyr.labelsEnabled():
            names = {str(f["name"]) for f in lyr.getFeatures()}
            missing = sorted(names - {l.labelText.split("\n")[0] for l in by_layer.get(lid, [])})
            check(f"labels at full extent: every unit of {lyr.name()} is named", not missing, missing)
    rects = [l.labelRect for l in labels]
    overlaps = sum(1 for i in range(len(rects)) for j in range(i + 1, len(rects)) if rects[i].intersects(rects[j]))
    check(f"labels at full extent: none of {len(rects)} overlaps another", overlaps == 0, overlaps)
    for lid in ("lifecircle_units_street", "lifecircle_units_district", "lifecircle_units_community"):
        lyr = prj.mapLayer(lid)
        if lyr is not None and lyr.labelsEnabled():
            fmt = lyr.labeling().settings().format()
            check(f"labels of {lyr.name()} have a halo", fmt.buffer().enabled() and fmt.buffer().size() > 0)
    gaps = prj.mapLayer("lifecircle_gaps")
    if gaps is not None and gaps.featureCount():
        settings = gaps.labeling().settings()
        check("gap labels are scale-dependent", settings.scaleVisibility and settings.minimumScale > 0,
              (settings.scaleVisibility, settings.minimumScale))
        f = next(gaps.getFeatures())
        ct = QgsCoordinateTransform(gaps.crs(), prj.crs(), prj)
        c = ct.transform(f.geometry().centroid().asPoint())
        size = QSize(800, 600)
        half_w = 5000 * size.width() * 0.0254 / 96 / 2  # 1:5,000 at 96 dpi
        half_h = half_w * size.height() / size.width()
        ms, results = render_labels(prj, [gaps], QgsRectangle(c.x() - half_w, c.y() - half_h, c.x() + half_w, c.y() + half_h), size)
        names = [l.labelText for l in (results.allLabels() if results else []) if l.layerID == "lifecircle_gaps"]
        check(f"zoomed in (1:{ms.scale():,.0f}): the gap compound is labelled", f["name"] in names, names[:5])


def report_language(out):
    """"en" or "zh": the language the run wrote in (report.html's <html lang>)."""
    with open(os.path.join(out, "report.html"), encoding="utf-8") as f:
        return "en" if '<html lang="en"' in f.read(4000) else "zh"


def check_layer_names(prj, lang):
    """English layer and group names in sentence case, as QGIS names its own: a capital
    first letter, no capitalised label after "(" or ": " ("... (Day-care centre only)").
    Before, "Districts" stood beside "streets/townships: share of ...", "district
    boundaries" and "street/township: Street elderly-service centre count"."""
    if lang != "en":
        return
    root = prj.layerTreeRoot()
    names = [n.name() for n in root.findLayers()] + [g.name() for g in root.findGroups(True)]
    bad = sorted({n for n in names if not n[:1].isupper() or re.search(r"(\(|: )[A-Z][a-z]", n)})
    check(f"English layer and group names in sentence case ({len(names)})", not bad, bad[:10])


def check_maps_keep_their_crs(prj, layouts):
    """Each layout's map names the CRS of its extent: a user who sets another project CRS
    (or loads the layouts into a project in EPSG:4326) still sees the map, not an empty
    frame."""
    own = prj.crs()
    prj.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    try:
        wrong = [lay.name() for lay in layouts if lay.itemById("map") is None or lay.itemById("map").crs() != own]
        check(f"every layout's map keeps its CRS ({own.authid()}) when the project's is changed", not wrong, wrong)
    finally:
        prj.setCrs(own)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lifecircle", required=True)
    ap.add_argument("--project", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--png-dir")
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    png_dir = a.png_dir or a.work
    os.makedirs(png_dir, exist_ok=True)
    out = os.path.join(a.work, "out")
    r = subprocess.run([a.lifecircle, "run", a.project, "--out", out, "--quiet"] + a.extra, capture_output=True, text=True)
    if not check(f"lifecircle run {' '.join(a.extra)} exits 0", r.returncode == 0, r.stderr):
        return 1
    app = QgsApplication([], False)
    app.initQgis()
    try:
        prj = QgsProject.instance()
        if not check("lifecircle.qgs loads", prj.read(os.path.join(out, "lifecircle.qgs")), prj.error()):
            return 1
        layouts = prj.layoutManager().printLayouts()
        check(f"{len(layouts)} layouts, each named once", layouts and len({l.name() for l in layouts}) == len(layouts),
              [l.name() for l in layouts])
        check_every_map_has_a_layout(layouts, os.path.join(out, "maps"))
        check_maps_keep_their_crs(prj, layouts)
        lang = report_language(out)
        check_layer_names(prj, lang)
        extent = study_extent(prj)
        import json

        with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
            rules = {r["id"]: r for r in json.load(f).get("rules", [])}
        with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
            network = json.load(f).get("config", {}).get("access", {}).get("mode") == "network"
        if os.path.exists(os.path.join(out, "maps", "life_circle_bands.svg")):
            check_band_network(out, network)
        for layout in layouts:
            check_layout(layout, prj, extent, a.work, png_dir, lang, rules)
        check_facilities_not_meeting(layouts, rules)
        check_counted_facilities(layouts, rules, out)
        check_labels(prj)
    finally:
        QgsProject.instance().clear()
        app.exitQgis()
    finish()


if __name__ == "__main__":
    sys.exit(main())
