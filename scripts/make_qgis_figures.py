"""Figures of docs/ from real QGIS: one exported A3 print layout of the demo and the
plugin's algorithm dialog beside the Processing toolbox, at the top of its parameters and
scrolled to their end (profile, mode, census tables, land area). Run by make_qgis_figures.sh
inside the QGIS desktop (`qgis --code`), under Xvfb; reads LC_DEMO (data/demo), LC_OUT
(a `lifecircle run` of the demo) and LC_DOCS (where the PNGs go), then quits QGIS.
"""
import os

import processing
from qgis.core import QgsLayoutExporter, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDockWidget, QLineEdit, QScrollArea
from qgis.utils import iface

DEMO, OUT, DOCS = os.environ["LC_DEMO"], os.environ["LC_OUT"], os.environ["LC_DOCS"]
LAYOUT_DPI = 110  # a readable figure for the README; the layouts themselves ask 300 dpi


def export_layout():
    """The layout of the 15-minute circle (the headline reach rule) as a PNG."""
    prj = QgsProject()
    prj.read(os.path.join(OUT, "lifecircle.qgs"))
    layouts = prj.layoutManager().printLayouts()
    layout = next((l for l in layouts if "一刻钟" in l.name()), layouts[0])
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = LAYOUT_DPI
    settings.generateWorldFile = False
    settings.exportMetadata = False
    QgsLayoutExporter(layout).exportToImage(os.path.join(DOCS, "qgis-layout.png"), settings)
    prj.clear()


def load_inputs():
    """The demo's input layers in the canvas, as a planner would have them open."""
    layers = {}
    for key, file in (("FACILITIES", "facilities"), ("COMPOUNDS", "compounds"), ("COMMUNITY", "communities"),
                      ("STREET", "streets"), ("DISTRICT", "districts")):
        lyr = QgsVectorLayer(os.path.join(DEMO, file + ".geojson"), file, "ogr")
        layers[key] = lyr
    for lyr in reversed(list(layers.values())):
        QgsProject.instance().addMapLayer(lyr)
    iface.mapCanvas().setExtent(layers["DISTRICT"].extent())
    iface.mapCanvas().refresh()
    return layers


def show_dialog(layers):
    for dock in iface.mainWindow().findChildren(QDockWidget):
        if dock.objectName() == "Browser":
            dock.hide()
    toolbox = iface.mainWindow().findChild(QDockWidget, "ProcessingToolbox")
    if toolbox is not None:
        toolbox.show()
        search = toolbox.findChild(QLineEdit)
        if search is not None:
            search.setText("lifecircle")
    params = {"DISTRICT": layers["DISTRICT"].id(), "DISTRICT_ID": "行政代码", "DISTRICT_NAME": "名称",
              "STREET": layers["STREET"].id(), "STREET_ID": "行政代码", "STREET_NAME": "名称",
              "COMMUNITY": layers["COMMUNITY"].id(), "COMMUNITY_ID": "行政代码", "COMMUNITY_NAME": "名称",
              "COMPOUNDS": layers["COMPOUNDS"].id(), "COMPOUND_ID": "小区编号", "COMPOUND_NAME": "小区名称",
              "COMPOUND_YEAR": "建成年份", "COMPOUND_HOUSEHOLDS": "户数",
              "FACILITIES": layers["FACILITIES"].id(), "FACILITY_ID": "设施编号", "FACILITY_NAME": "设施名称",
              "FACILITY_TYPE": "设施类型", "PROFILE": "kunming-2025", "MODE": 1, "MINUTES": 15, "SPEED": 4}
    dlg = processing.createAlgorithmDialog("lifecircle:run", params)
    dlg.setGeometry(300, 105, 960, 850)
    dlg.show()
    return dlg


def grab(name):
    QApplication.primaryScreen().grabWindow(0).save(os.path.join(DOCS, name))


def grab_and_quit(dlg):
    grab("qgis-plugin-dialog.png")
    # The dialog's parameters scroll: the second figure shows their end.
    for area in dlg.findChildren(QScrollArea):
        bar = area.verticalScrollBar()
        bar.setValue(bar.maximum())
    QTimer.singleShot(1000, lambda: grab_end_and_quit(dlg))


def grab_end_and_quit(dlg):
    grab("qgis-plugin-dialog-end.png")
    dlg.close()
    QgsProject.instance().setDirty(False)  # else QGIS asks whether to save, and waits
    QTimer.singleShot(300, iface.actionExit().trigger)


def start():
    export_layout()
    layers = load_inputs()
    dlg = show_dialog(layers)
    QTimer.singleShot(3000, lambda: grab_and_quit(dlg))


iface.mainWindow().setGeometry(0, 0, 1600, 1000)
iface.mainWindow().showMaximized()
QTimer.singleShot(3000, start)
