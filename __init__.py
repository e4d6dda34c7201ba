"""QGIS entry point of the hsi_lime plugin.

QGIS imports this package as ``hsi_lime`` and calls :func:`classFactory`. Before that,
the engine package ``hsi_lime_plugin`` (kept importable on its own, for Dask workers and
notebooks) and the virtual environment holding torch and spyndex are made importable.
"""
from .dependencies import make_dependencies_importable

make_dependencies_importable()


def classFactory(iface):  # noqa: N802 (QGIS API name)
    """Create the plugin; ``iface`` is None under qgis_process."""
    from .plugin import HsiLimePlugin

    return HsiLimePlugin(iface)
