"""QGIS entry point of the hsi_lime plugin.

QGIS imports this folder as the package ``hsi_lime`` and calls :func:`classFactory`. The
engine is the subpackage ``hsi_lime.hsi_lime_plugin``, imported relatively and only when an
algorithm runs (it stays importable on its own as ``hsi_lime_plugin`` after ``pip install .``).
Loading the plugin only appends the dependency folder (see :mod:`.dependencies`) to
``sys.path``: no heavy import, no change to what QGIS's own packages resolve to.
"""
from .dependencies import make_dependencies_importable

make_dependencies_importable()


def classFactory(iface):  # noqa: N802 (QGIS API name)
    """Create the plugin; ``iface`` is None under qgis_process."""
    from .plugin import HsiLimePlugin

    return HsiLimePlugin(iface)
