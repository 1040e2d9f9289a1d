"""Loading what lifecircle wrote into the current QGIS project: the layers of the output's
lifecircle.qgs with their styles, in its groups under one group for the run, and its print
layouts (renamed after the run, so that several runs can sit side by side)."""
import os

from qgis.core import (
    QgsLayerTree,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsPrintLayout,
    QgsProject,
    QgsReadWriteContext,
    QgsSingleSymbolRenderer,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtXml import QDomDocument


def _copy_tree(src_group, dst_group, project, ids):
    for child in src_group.children():
        if QgsLayerTree.isGroup(child):
            g = dst_group.addGroup(child.name())
            g.setExpanded(child.isExpanded())
            g.setItemVisibilityChecked(child.itemVisibilityChecked())
            _copy_tree(child, g, project, ids)
        elif QgsLayerTree.isLayer(child) and child.layer() is not None:
            layer = child.layer().clone()
            layer.setName(child.layer().name())
            project.addMapLayer(layer, False)
            node = dst_group.addLayer(layer)
            node.setItemVisibilityChecked(child.itemVisibilityChecked())
            node.setExpanded(child.isExpanded())
            ids[child.layer().id()] = layer


def load_output_project(qgs_path, project, group_name, with_layouts=True):
    """Adds the layers (and print layouts) of an output's lifecircle.qgs to `project`.
    Returns the new group."""
    src = QgsProject()
    if not src.read(qgs_path):
        raise RuntimeError(f"{qgs_path}: QGIS cannot read it ({src.error()})")
    root = project.layerTreeRoot()
    top = root.insertGroup(0, group_name)
    ids = {}
    _copy_tree(src.layerTreeRoot(), top, project, ids)
    if with_layouts:
        context = QgsReadWriteContext()
        for layout in src.layoutManager().printLayouts():
            doc = QDomDocument()
            doc.appendChild(layout.writeXml(doc, context))
            copy = QgsPrintLayout(project)
            copy.loadFromTemplate(doc, context)
            _relink(layout, copy, ids)
            copy.setName(f"{group_name}: {layout.name()}")
            project.layoutManager().addLayout(copy)
    src.clear()
    return top


def _relink(original, copy, ids):
    """Points the copied layout's map frames, legends and tables at the copied layers (a
    template names the layers of the project it came from)."""
    from qgis.core import QgsLayoutItemAttributeTable, QgsLayoutItemLegend, QgsLayoutItemMap

    for item in copy.items():
        before = original.itemById(item.id()) if hasattr(item, "id") and item.id() else None
        if isinstance(item, QgsLayoutItemMap) and isinstance(before, QgsLayoutItemMap):
            item.setLayers([ids[l.id()] for l in before.layers() if l.id() in ids])
            # The map keeps its own CRS and extent, whatever the project's CRS (a new
            # project's is EPSG:4326, in which the extent's metres are nowhere).
            item.setCrs(before.crs())
            item.setExtent(before.extent())
        elif isinstance(item, QgsLayoutItemLegend) and isinstance(before, QgsLayoutItemLegend):
            root = item.model().rootGroup()
            root.removeAllChildren()
            _copy_legend(before.model().rootGroup(), root, ids)
    # Tables in the same order; a new layer resets the columns, so they are put back.
    for frame, before in zip(copy.multiFrames(), original.multiFrames()):
        if isinstance(frame, QgsLayoutItemAttributeTable) and before.vectorLayer() is not None and before.vectorLayer().id() in ids:
            columns, sort = before.columns(), before.sortColumns()
            frame.setVectorLayer(ids[before.vectorLayer().id()])
            frame.setColumns(columns)
            frame.setSortColumns(sort)
            frame.setFilterFeatures(before.filterFeatures())
            frame.setFeatureFilter(before.featureFilter())
            frame.setMaximumNumberOfFeatures(before.maximumNumberOfFeatures())


def _copy_legend(src, dst, ids):
    """A legend's tree with its groups (e.g. "边界与底图") and each node's own settings
    (a custom title), pointing at the copied layers."""
    for child in src.children():
        if QgsLayerTree.isGroup(child):
            group = dst.addGroup(child.name())
            for key in child.customProperties():
                group.setCustomProperty(key, child.customProperty(key))
            _copy_legend(child, group, ids)
        elif QgsLayerTree.isLayer(child) and child.layerId() in ids:
            node = dst.addLayer(ids[child.layerId()])
            for key in child.customProperties():
                node.setCustomProperty(key, child.customProperty(key))


def load_points(path, project, group, name, label_field):
    """A point layer (proposed sites) as large stars labelled with `label_field`."""
    layer = QgsVectorLayer(path, name, "ogr")
    if not layer.isValid():
        raise RuntimeError(f"{path}: QGIS cannot open it")
    symbol = QgsMarkerSymbol.createSimple({"name": "star", "color": "215,48,31,255", "outline_color": "255,255,255,255",
                                           "size": "5", "outline_width": "0.4"})
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    settings = QgsPalLayerSettings()
    settings.fieldName = label_field
    fmt = QgsTextFormat()
    fmt.setSize(9)
    buffer = QgsTextBufferSettings()
    buffer.setEnabled(True)
    buffer.setColor(QColor(255, 255, 255))
    fmt.setBuffer(buffer)
    settings.setFormat(fmt)
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)
    project.addMapLayer(layer, False)
    group.insertLayer(0, layer)
    return layer


def load_table(path, project, group, name):
    """A CSV (UTF-8 with BOM) as a table without geometry."""
    uri = "file://" + os.path.abspath(path) + "?type=csv&detectTypes=yes&geomType=none&encoding=UTF-8"
    layer = QgsVectorLayer(uri, name, "delimitedtext")
    if layer.isValid():
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    return layer
