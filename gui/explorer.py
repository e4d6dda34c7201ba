"""The explorer: what the plugin's tool ``HsiLimeExplorerTool`` opens and drives.

It owns the dock and the map tool. A click is resolved against the project's layers (:mod:`.layers`)
into a unit of a stored output (read back by :func:`hsi_lime_plugin.explore.stored.stored_view`) or a
place of a raster to explain (:func:`hsi_lime_plugin.explore.live.explain_here`, with the project's
settings); either runs as an :class:`~.tasks.ExplorerTask`, the newest click replacing a running one.
The dock's target switch restyles the output layers (:mod:`.styles`), and a layer switched to a target's
style (a map theme) switches the dock.

:meth:`Explorer.unload` leaves nothing behind: running tasks lose their callback and are cancelled, every
signal connected here is disconnected, the map tool is unset and the dock removed. Closing the project
does the same to the tasks and empties the dock.
"""
from __future__ import annotations

import dataclasses
from functools import partial

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer

from .. import dependencies
from ..hsi_lime_plugin.settings import ExploreSettings, ModelSource, RasterSource
from .dock import DEFAULT_WIDTH, ExplorerDock
from .layers import LayerRecords, same_file
from .map_tool import ExplorerMapTool
from .project_settings import explore_settings, save_settings
from .styles import follow_target, shown_target
from .tasks import ExplorerTask

translate = QCoreApplication.translate


class Explorer:
    """The dock, the map tool and what a click does (see the module docstring)."""

    def __init__(self, iface, action):
        self.iface, self.action = iface, action
        self.records = LayerRecords(iface)
        self.tasks: list[ExplorerTask] = []
        self.connections: list = []
        self.watched: dict = {}
        self.restyling = False
        self.dock = ExplorerDock(iface.mainWindow())
        iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        iface.mainWindow().resizeDocks([self.dock], [DEFAULT_WIDTH], Qt.Orientation.Horizontal)
        self.tool = ExplorerMapTool(iface.mapCanvas(), action, self.clicked)
        self.refresh = QTimer()
        self.refresh.setSingleShot(True)
        self.refresh.timeout.connect(self.project_changed)
        project = QgsProject.instance()
        self._connect(self.dock.target_changed, self.show_target)
        self._connect(self.dock.settings_panel.edited, self.settings_edited)
        self._connect(project.cleared, self.project_closed)
        self._connect(project.readProject, self.refresh.start)
        self._connect(project.layersAdded, self.refresh.start)
        self.project_changed()
        self.preload = ExplorerTask(translate("ExplorerDock", "Preparing the explorer"), _preload, None)
        QgsApplication.taskManager().addTask(self.preload)

    def _connect(self, signal, slot) -> None:
        signal.connect(slot)
        self.connections.append((signal, slot))

    def activate(self) -> None:
        """Show the dock and make the explorer the canvas's tool."""
        self.dock.setUserVisible(True)
        self.iface.mapCanvas().setMapTool(self.tool)

    # --- a click ---------------------------------------------------------------------------------------
    def clicked(self, point) -> None:
        """Read the unit under ``point`` (canvas CRS) from an output, or explain the place."""
        self.dock.setUserVisible(True)
        missing = dependencies.missing_packages()
        if missing:
            self.dock.show_message(translate(
                "ExplorerDock", "The explorer needs Python packages this QGIS cannot import: {}. Install them with "
                                "Plugins, hsi-lime, Install dependencies...").format(", ".join(missing)))
            return
        settings = self.settings()
        hit = self.records.hit(point, settings.raster.path)
        if hit is None:
            self.dock.show_message(translate(
                "ExplorerDock", "Nothing to explore here: click a feature or a pixel of an hsi-lime output, or a "
                                "hyperspectral raster (the current layer) to explain the place."))
        elif hit.live:
            self.explain(hit, settings)
        else:
            self.start(translate("ExplorerDock", "Reading the explanation in {}").format(hit.layer_name),
                       partial(_stored, hit.record, hit.click, hit.source_layer))

    def explain(self, hit, settings: ExploreSettings) -> None:
        """Explain the clicked place of ``hit.raster`` with the project's settings."""
        if not settings.model.path:
            self.dock.show_message(translate(
                "ExplorerDock", "Explain here needs a model: run an explain algorithm in this project, or choose the "
                                "model in the settings below."))
            return
        wavelengths = settings.raster.wavelengths if same_file(settings.raster.path, hit.raster) else None
        live = dataclasses.replace(settings, raster=RasterSource(hit.raster, wavelengths))
        self.start(translate("ExplorerDock", "Explaining here in {}").format(hit.layer_name),
                   partial(_explain_here, live, hit.click))

    def start(self, description: str, job) -> ExplorerTask:
        """Run ``job`` as a task (the running one, for an older click, is cancelled)."""
        for task in self.tasks:
            task.forget()
        task = ExplorerTask(description, job, self.finished)
        self.tasks = [task]
        self.dock.show_busy(task)
        QgsApplication.taskManager().addTask(task)
        return task

    def finished(self, task: ExplorerTask) -> None:
        if task in self.tasks:
            self.tasks.remove(task)
        if task.view is not None:
            self.dock.show_view(task.view)
            self.show_target(self.dock.current_target())
        elif task.error is not None:
            self.dock.show_error(task.error)
        else:
            self.dock.show_message(translate("ExplorerDock", "Cancelled: nothing was computed or written."))

    # --- targets and styles -------------------------------------------------------------------------------
    def show_target(self, target: str) -> None:
        """Restyle every output layer of the project that shows targets to ``target``."""
        if not target:
            return
        self.restyling = True  # the layers' own style switches are this one, not a map theme's
        try:
            for layer, record in self.records.output_layers():
                self._watch(layer, record)
                if follow_target(layer, record, target):
                    self.iface.layerTreeView().refreshLayerSymbology(layer.id())
        finally:
            self.restyling = False

    def _watch(self, layer, record: dict) -> None:
        """Follow the layer's style switches (a map theme applied) back into the dock."""
        if layer.id() not in self.watched:
            slot = partial(self._style_switched, layer, record)
            layer.styleManager().currentStyleChanged.connect(slot)
            self.watched[layer.id()] = (layer.styleManager(), slot)

    def _style_switched(self, layer, record: dict, name: str) -> None:
        if self.restyling:
            return
        target = shown_target(layer, record, self.dock.targets())
        if target is not None:
            self.dock.set_target(target)

    # --- settings and the project ---------------------------------------------------------------------------
    def settings(self) -> ExploreSettings:
        """The project's "explain here" settings (empty ones before any run: the panel can set the model)."""
        return explore_settings(QgsProject.instance()) or ExploreSettings(RasterSource(None), ModelSource(""))

    def settings_edited(self, settings: ExploreSettings) -> None:
        save_settings(QgsProject.instance(), settings)

    def project_changed(self) -> None:
        """A project was read or layers were added (a run's outputs): show its settings."""
        self.dock.settings_panel.show_settings(self.settings())

    def project_closed(self) -> None:
        """The project is closing: drop every task's result and what the dock shows."""
        self._forget_tasks()
        self.records.forget()
        self._unwatch()
        self.dock.clear()
        self.dock.settings_panel.show_settings(self.settings())

    def _forget_tasks(self) -> None:
        for task in self.tasks:
            task.forget()
        self.tasks = []

    def _unwatch(self) -> None:
        for manager, slot in self.watched.values():
            try:
                manager.currentStyleChanged.disconnect(slot)
            except (RuntimeError, TypeError):  # the layer is gone already
                pass
        self.watched = {}

    def unload(self) -> None:
        """Remove the dock, the tool and every connection; running tasks are cancelled, their results dropped."""
        self._forget_tasks()
        self.refresh.stop()
        for signal, slot in self.connections:
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        self.connections = []
        self._unwatch()
        canvas = self.iface.mapCanvas()
        if canvas.mapTool() is self.tool:
            canvas.unsetMapTool(self.tool)
        self.tool.clicked = None
        self.tool.deleteLater()
        self.iface.removeDockWidget(self.dock)
        self.dock.figure.clear()
        self.dock.deleteLater()


def _preload(reporter=None) -> None:
    """Import what a click needs (torch, the engine's readers) while the user looks for a place to click: the first
    click then costs its own work only. Runs once, in the background, when the explorer opens (not at QGIS start)."""
    try:
        from ..hsi_lime_plugin.explore import live, stored  # noqa: F401 (imported for their side effect: loaded modules)
    except ImportError:  # dependencies missing: a click says which
        return


def _stored(record: dict, click, layer: str | None, reporter=None):
    """A task's job: the unit under ``click`` in a stored output (imported in the task's thread: torch and the
    readers never load on the main thread, which would freeze the canvas)."""
    from ..hsi_lime_plugin.explore.stored import stored_view

    return stored_view(record, click, layer)


def _explain_here(settings: ExploreSettings, click, reporter=None):
    """A task's job: explain the place (imported in the task's thread, as :func:`_stored`)."""
    from ..hsi_lime_plugin.explore.live import explain_here

    return explain_here(settings, click, reporter)
