"""The "lifecircle" Processing provider: its algorithms and its one setting, the path of
the lifecircle program (empty: the one on PATH)."""
import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms import BatchAlgorithm, ProposeSitesAlgorithm, RunAlgorithm, ValidateAlgorithm
from .runner import SETTING

try:  # the Processing plugin's settings page (desktop and qgis_process both load it)
    from processing.core.ProcessingConfig import ProcessingConfig, Setting
except ImportError:  # pragma: no cover - without the Processing plugin there is no toolbox
    ProcessingConfig = Setting = None


class LifecircleProvider(QgsProcessingProvider):
    def id(self):
        return "lifecircle"

    def name(self):
        return "lifecircle"

    def longName(self):  # noqa: N802
        return "lifecircle — 15-minute life circle coverage (elderly care, childcare)"

    def icon(self):
        return QIcon(os.path.join(os.path.dirname(__file__), "icon.svg"))

    def load(self):
        if ProcessingConfig is not None:
            ProcessingConfig.settingIcons[self.name()] = self.icon()
            ProcessingConfig.addSetting(
                Setting(self.name(), SETTING, "lifecircle program (empty: the one found on PATH)", "",
                        valuetype=Setting.FILE))
            ProcessingConfig.readSettings()
        self.refreshAlgorithms()
        return True

    def unload(self):
        if ProcessingConfig is not None:
            ProcessingConfig.removeSetting(SETTING)

    def loadAlgorithms(self):  # noqa: N802
        for alg in (RunAlgorithm(), ValidateAlgorithm(), BatchAlgorithm(), ProposeSitesAlgorithm()):
            self.addAlgorithm(alg)
