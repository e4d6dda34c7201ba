"""Run inside the QGIS desktop (``qgis.bin --code``) by ``scripts/screenshots.py``: take the site's screenshots.

Each function of :data:`SHOTS` arranges the desktop (a dialog filled with the demo's files, the demo's styled
outputs on the map, the toolbox) and saves one PNG named in ``scripts/screenshots.py``'s ``PICTURES``. The
settings come from the environment: HSI_LIME_SCREENSHOTS (the output folder) and HSI_LIME_DEMO (the demo
folder, with the outputs of ``make demo`` in ``outputs/``). What went wrong is written to ``shots.json``
beside the pictures; QGIS then ends with ``os._exit``.

A new picture (the explorer dock, say): write a function that takes the output folder, add it to
:data:`SHOTS` under its file name, and name that file in ``PICTURES``.
"""
import json
import os
import time
import traceback

from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDockWidget
from qgis.utils import iface

OUTPUT = os.environ["HSI_LIME_SCREENSHOTS"]
DEMO = os.environ["HSI_LIME_DEMO"]
RESULTS = os.path.join(DEMO, "outputs")
#: The demo's band groups (hsi_lime_plugin.demo.DEMO_BAND_GROUPS: the planted absorption windows).
BAND_GROUPS = os.environ.get("HSI_LIME_BAND_GROUPS", "")


def settle(seconds: float = 0.5) -> None:
    """Let Qt draw (and the map canvas render) before a grab."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)
    iface.mapCanvas().waitWhileRendering()
    QApplication.processEvents()


def save(widget, name: str) -> None:
    widget.grab().save(os.path.join(OUTPUT, name))


def dialog_shot(algorithm_id: str, parameters: dict, name: str, height: int = 820) -> None:
    """The algorithm's dialog with ``parameters`` filled in, as a user would have filled it."""
    import processing

    dialog = processing.createAlgorithmDialog(algorithm_id, parameters)
    dialog.show()
    dialog.resize(1100, height)
    settle()
    save(dialog, name)
    dialog.close()


def demo_file(name: str) -> str:
    return os.path.join(DEMO, name)


def install_dependencies(name: str) -> None:
    dialog_shot("hsilime:install_dependencies", {}, name, height=620)


def explain_spatial_dialog(name: str) -> None:
    dialog_shot("hsilime:explain_spatial", {
        "INPUT": demo_file("demo_scene.tif"), "MODEL": demo_file("demo_soil.pt"), "SEGMENTATION": 0,
        "POLYGONS": demo_file("demo_fields.gpkg"), "ID_FIELD": "field_id",
        "OUTPUT": os.path.join(RESULTS, "fields_attribution.tif"),
        "OUTPUT_SEGMENTS": os.path.join(RESULTS, "fields_segments.gpkg"),
        "OUTPUT_REPORT": os.path.join(RESULTS, "fields_report.html"),
    }, name)


def explain_spectral_dialog(name: str) -> None:
    dialog_shot("hsilime:explain_spectral", {
        "INPUT": demo_file("demo_scene.tif"), "MODEL": demo_file("demo_soil.pt"), "BAND_GROUPS": BAND_GROUPS,
        "POLYGONS": demo_file("demo_fields.gpkg"), "ID_FIELD": "field_id",
        "OUTPUT_TABLE": os.path.join(RESULTS, "spectral_importance.csv"),
        "OUTPUT_PLOT": os.path.join(RESULTS, "spectral_importance.png"),
    }, name)


def toolbox(name: str) -> None:
    """The Processing Toolbox filtered to the provider, its algorithms in their groups."""
    from qgis.utils import plugins

    panel = plugins["processing"].toolbox
    panel.show()
    panel.setFloating(True)
    panel.resize(440, 300)
    panel.searchBox.setText("hsilime")
    settle()
    panel.algorithmTree.expandAll()
    settle()
    save(panel, name)
    panel.searchBox.setText("")
    panel.setFloating(False)


def true_colour(layer: QgsRasterLayer) -> QgsRasterLayer:
    """The demo scene in true colour (its bands at 640, 550 and 460 nm), stretched over 2-98 % of its values."""
    from qgis.core import QgsContrastEnhancement, QgsMultiBandColorRenderer, QgsRasterMinMaxOrigin

    def band(nanometres: float) -> int:
        return 1 + round((nanometres - 400) / 5)  # the demo's 121 bands, 400 to 1000 nm

    layer.setRenderer(QgsMultiBandColorRenderer(layer.dataProvider(), band(640), band(550), band(460)))
    layer.setContrastEnhancement(QgsContrastEnhancement.StretchToMinimumMaximum,
                                 QgsRasterMinMaxOrigin.CumulativeCut)
    return layer


def fields_on_map(name: str) -> None:
    """The demo scene under the styled attribution of P per field, with the layers panel: the main window."""
    project = QgsProject.instance()
    project.clear()
    scene = true_colour(QgsRasterLayer(demo_file("demo_scene.tif"), "demo_scene"))
    raster = QgsRasterLayer(os.path.join(RESULTS, "fields_attribution.tif"), "fields_attribution")
    segments = QgsVectorLayer(os.path.join(RESULTS, "fields_segments.gpkg"), "fields_segments")
    for layer in (scene, raster, segments):
        assert layer.isValid(), layer.source()
        project.addMapLayer(layer)
    iface.setActiveLayer(segments)
    iface.mapCanvas().setExtent(raster.extent())
    iface.mapCanvas().refresh()
    settle(2)
    save(iface.mainWindow(), name)


def slic_on_map(name: str) -> None:
    """The SLIC superpixels' attribution of P, styled, on the map canvas alone."""
    project = QgsProject.instance()
    project.clear()
    raster = QgsRasterLayer(os.path.join(RESULTS, "slic_attribution.tif"), "slic_attribution")
    project.addMapLayer(raster)
    iface.mapCanvas().setExtent(raster.extent())
    iface.mapCanvas().refresh()
    settle(2)
    save(iface.mapCanvas(), name)


#: File name -> the function that takes it (in this order).
SHOTS = {
    "toolbox.png": toolbox,
    "install_dependencies.png": install_dependencies,
    "explain_spatial_dialog.png": explain_spatial_dialog,
    "explain_spectral_dialog.png": explain_spectral_dialog,
    "fields_on_map.png": fields_on_map,
    "slic_on_map.png": slic_on_map,
}


def main() -> None:
    problems = {}
    iface.mainWindow().resize(1380, 900)
    for dock in iface.mainWindow().findChildren(QDockWidget):
        if dock.objectName() in ("PythonConsole", "MessageLog", "Browser", "Browser2"):
            dock.hide()
    settle(1)
    for name, shot in SHOTS.items():
        try:
            shot(name)
        except Exception:  # noqa: BLE001 (reported by scripts/screenshots.py)
            problems[name] = traceback.format_exc()
    with open(os.path.join(OUTPUT, "shots.json"), "w", encoding="utf-8") as stream:
        json.dump({"problems": problems}, stream, indent=1)
        stream.flush()
        os.fsync(stream.fileno())
    os._exit(0)


QTimer.singleShot(1000, main)
