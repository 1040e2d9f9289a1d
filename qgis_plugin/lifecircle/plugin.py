"""Registers the lifecircle Processing provider (in the desktop and in qgis_process)."""
from qgis.core import QgsApplication

from .provider import LifecircleProvider


class LifecirclePlugin:
    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802 (QGIS calls it; qgis_process calls only this)
        if self.provider is None:
            self.provider = LifecircleProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
