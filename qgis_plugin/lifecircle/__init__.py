"""lifecircle for QGIS: a Processing provider that runs the lifecircle program."""


def classFactory(iface):  # noqa: N802 (QGIS plugin entry point)
    from .plugin import LifecirclePlugin

    return LifecirclePlugin(iface)
