"""Run inside the QGIS desktop (``qgis.bin --code``): use the explorer as a user would, write what happened.

Started by :mod:`explorer_desktop` (``run_desktop``), which writes the plan: a JSON file named by
HSI_LIME_EXPLORER_PLAN with ``mode`` ("test", "screenshots" or "benchmark"), ``output`` (a folder for the
findings and pictures), ``load`` (files to add as layers), ``runs`` (algorithm runs: Processing runs them
and loads their outputs, as the dialog's Run button does) and what the mode needs. Each step's findings
(or its traceback) go into ``findings.json`` in ``output``; exceptions that reach Python's excepthook (a
slot that failed) are listed under ``exceptions``. QGIS ends with ``os._exit`` once the JSON is written.
"""
import faulthandler
import hashlib
import json
import os
import sys
import time
import traceback
from pathlib import Path

from qgis.core import QgsApplication, QgsMapThemeCollection, QgsPointXY, QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.PyQt.QtCore import QEvent, QPoint, Qt, QTimer
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication, QDockWidget

PLAN = json.loads(Path(os.environ["HSI_LIME_EXPLORER_PLAN"]).read_text(encoding="utf-8"))
OUTPUT = Path(PLAN["output"])
FINDINGS: dict = {"exceptions": []}
PLUGIN = "hsi_lime"
OUTPUT.mkdir(parents=True, exist_ok=True)
# Where QGIS crashes (a signal, no findings), the Python stack of every thread: run_desktop shows it.
FAULTS = open(OUTPUT / "faults.txt", "w", encoding="utf-8")  # noqa: SIM115 (open until os._exit)
faulthandler.enable(FAULTS, all_threads=True)


# --- driving the desktop ------------------------------------------------------------------------------------
def iface():
    from qgis.utils import iface as current

    return current


def wait(condition, seconds: float = 120.0) -> bool:
    """Process events until ``condition()`` holds (True) or ``seconds`` pass (False)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        if condition():
            return True
        time.sleep(0.005)
    return bool(condition())


def pause(seconds: float) -> None:
    """Let Qt lay out and draw (the plot's canvas resizes, then redraws) for ``seconds``."""
    wait(lambda: False, seconds)


def flush_deletions() -> None:
    for _ in range(3):
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()


def _find_action():
    try:
        from qgis.PyQt.QtGui import QAction  # Qt6
    except ImportError:
        from qgis.PyQt.QtWidgets import QAction  # Qt5
    return iface().mainWindow().findChild(QAction, "HsiLimeExplorerTool")


def docks() -> list:
    return iface().mainWindow().findChildren(QDockWidget, "HsiLimeExplorerDock")


def dock():
    found = docks()
    return found[-1] if found else None


def layer_of(path: str):
    """The project's layer whose file is ``path``."""
    from hsi_lime.gui.layers import same_file, source_of

    return next((layer for layer in QgsProject.instance().mapLayers().values()
                 if same_file(source_of(layer)[0], path)), None)


def activate(path: str):
    layer = layer_of(path)
    iface().setActiveLayer(layer)
    return layer


def click(x: float, y: float) -> None:
    """A real left click on the canvas at the map point (x, y) (canvas CRS)."""
    canvas = iface().mapCanvas()
    pixel = canvas.getCoordinateTransform().transform(QgsPointXY(x, y))
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(int(round(pixel.x())), int(round(pixel.y()))))


def settled(shown) -> bool:
    return shown.task is None and QgsApplication.taskManager().countActiveTasks() == 0


def click_and_wait(x: float, y: float, seconds: float = 300.0) -> dict:
    """Click, wait until the dock has drawn what the click found, and say what it shows and how long it took."""
    shown = dock()
    started = time.perf_counter()
    click(x, y)
    wait(lambda: shown.task is not None, 5)
    finished = wait(lambda: settled(shown), seconds)
    taken = time.perf_counter() - started
    pause(0.3)
    return {**state(shown), "finished": finished, "seconds": taken}


def state(shown) -> dict:
    """What the dock shows: its title, status, unit, drawn plot (and a digest of its pixels), rows."""
    image = shown.canvas.grab().toImage()
    bits = image.constBits()
    bits.setsize(image.sizeInBytes() if hasattr(image, "sizeInBytes") else image.byteCount())
    view = shown.view
    return {"title": shown.title.text(), "status": shown.status.text(), "origin": shown.origin.text(),
            "unit_id": None if view is None else view.unit_id, "drawn": shown.drawn,
            "plot_digest": hashlib.sha256(bytes(bits)).hexdigest(),
            "rows": None if view is None else json.loads(view.rows.to_json(orient="records", double_precision=15)),
            "target": shown.current_target(), "targets": shown.targets()}


def zoom_to(path: str) -> None:
    canvas = iface().mapCanvas()
    canvas.setExtent(layer_of(path).extent())
    canvas.refresh()
    wait(lambda: not canvas.isDrawing(), 30)


def centre(path: str, id_field: str, value) -> tuple[float, float]:
    """A point inside the feature of ``path`` whose ``id_field`` is ``value`` (canvas CRS = the layer's here)."""
    layer = layer_of(path)
    feature = next(f for f in layer.getFeatures() if str(f[id_field]) == str(value))
    point = feature.geometry().pointOnSurface().asPoint()
    return point.x(), point.y()


def files(folder: str) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in Path(folder).rglob("*"))


def grab(widget, name: str) -> str:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.png"
    widget.grab().save(str(path))
    return str(path)


def step(name: str, function, *arguments):
    """Run a step, keep its findings or its traceback under ``name``."""
    try:
        FINDINGS[name] = function(*arguments)
    except Exception:  # noqa: BLE001 (reported to the test)
        FINDINGS[name] = {"error": traceback.format_exc()}
    return FINDINGS[name]


def load_and_run() -> dict:
    """The plan's layers, then its algorithm runs with their outputs loaded; the project's layers afterwards."""
    import processing

    for path in PLAN.get("load", []):
        layer = QgsRasterLayer(path, Path(path).stem, "gdal") if path.endswith(".tif") else \
            QgsVectorLayer(path, Path(path).stem, "ogr")
        QgsProject.instance().addMapLayer(layer)
    seconds = {}
    for name, (algorithm, parameters) in PLAN.get("runs", {}).items():
        started = time.perf_counter()
        processing.runAndLoadResults(algorithm, parameters)
        seconds[name] = round(time.perf_counter() - started, 2)
    QApplication.processEvents()
    return {"seconds": seconds, "layers": sorted(layer.name() for layer in QgsProject.instance().mapLayers().values())}


def open_explorer() -> dict:
    action = _find_action()
    before = sorted(name for name in sys.modules if name.startswith(f"{PLUGIN}.gui")
                    or name == "matplotlib.backends.backend_qtagg")
    action.trigger()
    wait(lambda: dock() is not None, 30)
    shown = dock()
    wait(lambda: shown.isVisible(), 10)
    return {"action_checked": action.isChecked(), "icon": not action.icon().isNull(),
            "tool_is_explorer": iface().mapCanvas().mapTool() is not None and
            type(iface().mapCanvas().mapTool()).__name__ == "ExplorerMapTool",
            "dock_title": shown.windowTitle(), "docks": len(docks()), "width": shown.width(),
            "loaded_before": before}


# --- test mode --------------------------------------------------------------------------------------------------
def units_clicks(inputs: dict) -> dict:
    activate(inputs["units"])
    zoom_to(inputs["raster"])
    first = click_and_wait(*centre(inputs["fields"], "name", "b"))
    second = click_and_wait(*centre(inputs["fields"], "name", "e"))
    activate(inputs["fields"])  # the input polygons: found through the record of the run that explained them
    polygons = click_and_wait(*centre(inputs["fields"], "name", "c"))
    activate(inputs["units"])
    return {"first": first, "second": second, "polygons": polygons}


def target_switch(inputs: dict) -> dict:
    """Switch the target: the segments layer's renderer and the raster's band follow; a map theme saved before
    brings both back, and the dock with them."""
    segments, raster = layer_of(inputs["segments"]), layer_of(inputs["spatial"])
    shown = dock()
    before = {"field": segments.renderer().classAttribute(), "band": raster.renderer().band(),
              "target": shown.current_target()}
    project = QgsProject.instance()
    view = iface().layerTreeView()
    themes = project.mapThemeCollection()
    themes.insert("before", QgsMapThemeCollection.createThemeFromCurrentState(project.layerTreeRoot(),
                                                                               view.layerTreeModel()))
    other = next(target for target in shown.targets() if target != before["target"])
    shown.target.setCurrentText(other)
    QApplication.processEvents()
    after = {"field": segments.renderer().classAttribute(), "band": raster.renderer().band(),
             "target": shown.current_target(), "styles": segments.styleManager().styles()}
    themes.applyTheme("before", project.layerTreeRoot(), view.layerTreeModel())
    QApplication.processEvents()
    theme = {"field": segments.renderer().classAttribute(), "band": raster.renderer().band(),
             "target": shown.current_target()}
    shown.target.setCurrentText(other)
    QApplication.processEvents()
    return {"before": before, "after": after, "theme": theme, "other": other}


def compare(inputs: dict) -> dict:
    shown = dock()
    activate(inputs["units"])
    pinned_id = shown.view.unit_id
    shown.pin.setChecked(True)
    compared = click_and_wait(*centre(inputs["fields"], "name", "b"))
    picture = grab(shown, "compare_dock")
    shown.pin.setChecked(False)
    return {"pinned": pinned_id, "compared": compared, "picture": picture}


def export(inputs: dict) -> dict:
    shown = dock()
    png, svg = shown.save_plot(str(OUTPUT / "plot.png")), shown.save_plot(str(OUTPUT / "plot.svg"))
    text = shown.copy_rows()
    return {"png": png, "svg": svg, "csv": text, "clipboard": QApplication.clipboard().text()}


def explain_here(inputs: dict) -> dict:
    """A pixel of the input raster, the raster the current layer: explained live; then the same pixel of the
    per-pixel map, read back."""
    activate(inputs["raster"])
    live = click_and_wait(*inputs["pixel"])
    activate(inputs["map"])
    stored = click_and_wait(*inputs["pixel"])
    return {"live": live, "stored": stored, "settings": dock().settings_panel.settings().plain()}


def slow_settings(inputs: dict) -> None:
    """Make "explain here" slow enough to be cancelled: the slow model, many samples (through the panel)."""
    panel = dock().settings_panel
    panel.setCollapsed(False)
    panel.model.setFilePath(inputs["slow_model"])
    panel.samples.setValue(inputs["slow_samples"])
    panel.samples.editingFinished.emit()
    QApplication.processEvents()


def cancel(inputs: dict) -> dict:
    shown = dock()
    slow_settings(inputs)
    before_files, before_layers = files(inputs["folder"]), len(QgsProject.instance().mapLayers())
    before_unit = shown.view.unit_id if shown.view else None
    activate(inputs["raster"])
    click(*inputs["pixel"])
    running = wait(lambda: shown.task is not None and shown.progress.value() > 0, 120)
    QTest.mouseClick(shown.cancel, Qt.MouseButton.LeftButton)
    stopped = wait(lambda: settled(shown), 120)
    return {"running_when_cancelled": running, "stopped": stopped, "status": shown.status.text(),
            "unit_before": before_unit, "unit_after": shown.view.unit_id if shown.view else None,
            "files_before": before_files, "files_after": files(inputs["folder"]),
            "layers_before": before_layers, "layers_after": len(QgsProject.instance().mapLayers())}


def close_while_running(inputs: dict) -> dict:
    shown = dock()
    activate(inputs["raster"])
    click(*inputs["pixel"])
    running = wait(lambda: shown.task is not None and shown.progress.value() > 0, 120)
    QgsProject.instance().clear()
    stopped = wait(lambda: QgsApplication.taskManager().countActiveTasks() == 0, 120)
    QApplication.processEvents()
    return {"running_when_closed": running, "stopped": stopped, "view": shown.view is None,
            "title": shown.title.text(), "exceptions": len(FINDINGS["exceptions"])}


def reload_plugin(inputs: dict) -> dict:
    """Unload the plugin (nothing of it left), load it again, open the explorer; then Plugin Reloader's reload."""
    import qgis.utils

    qgis.utils.unloadPlugin(PLUGIN)
    flush_deletions()
    unloaded = {"docks": len(docks()), "action": _find_action() is not None}
    qgis.utils.loadPlugin(PLUGIN)
    qgis.utils.startPlugin(PLUGIN)
    reopened = open_explorer()
    qgis.utils.reloadPlugin(PLUGIN)
    flush_deletions()
    reloaded = {"docks": len(docks()), "action": _find_action() is not None}
    again = open_explorer()
    return {"unloaded": unloaded, "reopened": reopened, "reloaded": reloaded, "again": again}


def test_mode(inputs: dict) -> None:
    step("open", open_explorer)
    step("units", units_clicks, inputs)
    step("target", target_switch, inputs)
    step("compare", compare, inputs)
    step("export", export, inputs)
    step("explain_here", explain_here, inputs)
    step("cancel", cancel, inputs)
    step("close", close_while_running, inputs)
    step("reload", reload_plugin, inputs)


# --- screenshots and timings -------------------------------------------------------------------------------------
def show_only(paths: list[str]) -> None:
    """Only the layers of ``paths`` visible (a picture of one output over its raster)."""
    from hsi_lime.gui.layers import same_file, source_of

    root = QgsProject.instance().layerTreeRoot()
    for layer in QgsProject.instance().mapLayers().values():
        node = root.findLayer(layer.id())
        if node is not None:
            node.setItemVisibilityChecked(any(same_file(source_of(layer)[0], path) for path in paths))


def screenshot(name: str, path: str, point, raster: str) -> dict:
    """Click ``point`` with ``path`` the current layer (shown alone over the raster); save the dock and the main
    window."""
    show_only([path, raster])
    activate(path)
    shown = click_and_wait(*point)
    return {**{key: shown[key] for key in ("title", "unit_id", "finished", "seconds", "status")},
            "dock": grab(dock(), f"{name}_dock"), "window": grab(iface().mainWindow(), f"{name}_window"),
            "plot": grab(dock().canvas, f"{name}_plot")}


def screenshots_mode(inputs: dict) -> None:
    step("open", open_explorer)
    zoom_to(inputs["raster"])
    for name, (path, point) in inputs["shots"].items():
        if name == "compare":
            dock().pin.setChecked(True)
        where = centre(inputs["fields"], inputs["id_field"], point) if isinstance(point, str) else point
        step(name, screenshot, name, path, where, inputs["raster"])
        dock().pin.setChecked(False)


def benchmark_mode(inputs: dict) -> None:
    """Click-to-plot times of "explain here" with each model: the first click (the model loaded) and the next."""
    from hsi_lime.gui.project_settings import save_settings
    from hsi_lime.hsi_lime_plugin.settings import ExploreSettings

    started = time.perf_counter()
    step("open", open_explorer)
    wait(lambda: QgsApplication.taskManager().countActiveTasks() == 0, 300)  # what the explorer imports meanwhile
    FINDINGS["ready_s"] = round(time.perf_counter() - started, 3)
    zoom_to(inputs["raster"])
    for name, case in inputs["cases"].items():
        save_settings(QgsProject.instance(), ExploreSettings.from_plain(case["settings"]))
        activate(inputs["raster"])
        clicks = [click_and_wait(*point) for point in case["points"]]
        FINDINGS[name] = {"seconds": [round(c["seconds"], 4) for c in clicks], "units": [c["unit_id"] for c in clicks],
                          "finished": all(c["finished"] for c in clicks), "status": clicks[-1]["status"]}


def main() -> None:
    sys.excepthook = lambda kind, value, trace: FINDINGS["exceptions"].append(
        "".join(traceback.format_exception(kind, value, trace)))
    try:
        window = iface().mainWindow()
        window.resize(*PLAN.get("window", (1600, 1000)))
        window.showNormal()
        QApplication.processEvents()
        step("runs", load_and_run)
        {"test": test_mode, "screenshots": screenshots_mode, "benchmark": benchmark_mode}[PLAN["mode"]](PLAN["inputs"])
    except Exception:  # noqa: BLE001
        FINDINGS["error"] = traceback.format_exc()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with open(OUTPUT / "findings.json", "w", encoding="utf-8") as stream:
        json.dump(FINDINGS, stream, indent=1, default=str)
        stream.flush()
        os.fsync(stream.fileno())
    os._exit(0)


QTimer.singleShot(500, main)
