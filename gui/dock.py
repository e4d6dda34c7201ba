"""The dock "Hyperspectral explanations" (objectName ``HsiLimeExplorerDock``): one unit, read or explained.

From the top: the unit's title and where it comes from; the target switch, the pin and the export menu;
the prediction, the base value, the surrogate's R2 and the faithfulness scores per target; the plot
(matplotlib's Qt canvas, drawn by :func:`hsi_lime_plugin.explore.figure.draw` in the colours of the QGIS
theme); a status line with the progress and Cancel of a running click; and "explain here"'s settings.
Everything scrolls together, so that the plot keeps a readable size in a narrow dock.

Pinning keeps the shown unit; the next unit shown is drawn beside it, with the difference.
"""
from __future__ import annotations

import math

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QCoreApplication, Qt, pyqtSignal
from qgis.PyQt.QtGui import QPalette
from qgis.PyQt.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..hsi_lime_plugin.explore.figure import Labels, Theme, draw, figure_height
from ..hsi_lime_plugin.explore.view import UnitView
from .settings_panel import SettingsPanel

translate = QCoreApplication.translate
#: Dots per inch of the plot; the figure's width follows the dock.
DPI = 100
#: The dock's width when it first opens (pixels): the plot's labels and bars stay readable at it.
DEFAULT_WIDTH = 420


class ExplorerDock(QgsDockWidget):
    """The explorer's dock; ``target_changed`` carries the target the user chose."""

    target_changed = pyqtSignal(str)

    def __init__(self, parent=None):
        super().__init__(translate("ExplorerDock", "Hyperspectral explanations"), parent)
        self.setObjectName("HsiLimeExplorerDock")
        self.view: UnitView | None = None
        self.pinned: UnitView | None = None
        self.drawn: dict | None = None
        self.task = None
        self.figure = Figure(dpi=DPI)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setObjectName("HsiLimeExplorerPlot")
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.settings_panel = SettingsPanel()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self._header(layout)
        self._controls(layout)
        self._summary(layout)
        layout.addWidget(self.canvas)
        self._status(layout)
        layout.addWidget(self.settings_panel)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.setWidget(scroll)
        self.setMinimumWidth(300)
        self.show_message(translate("ExplorerDock", "Click a field or a pixel of an hsi-lime output to see its "
                                                    "explanation, or a hyperspectral raster to explain it here."))

    # --- the widgets --------------------------------------------------------------------------------
    def _header(self, layout) -> None:
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.origin = QLabel()
        self.origin.setWordWrap(True)
        self.origin.setEnabled(False)
        layout.addWidget(self.title)
        layout.addWidget(self.origin)

    def _controls(self, layout) -> None:
        row = QHBoxLayout()
        self.target = QComboBox()
        self.target.setObjectName("HsiLimeExplorerTarget")
        self.target.setToolTip(translate("ExplorerDock", "The target shown here and on the output layers"))
        self.target.currentTextChanged.connect(self._target_chosen)
        self.pin = QToolButton()
        self.pin.setObjectName("HsiLimeExplorerPin")
        self.pin.setText(translate("ExplorerDock", "Pin"))
        self.pin.setToolTip(translate("ExplorerDock", "Keep this unit, and compare the next one with it"))
        self.pin.setCheckable(True)
        self.pin.toggled.connect(self._pin_toggled)
        self.export = QToolButton()
        self.export.setObjectName("HsiLimeExplorerExport")
        self.export.setText(translate("ExplorerDock", "Export"))
        self.export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export)
        menu.addAction(translate("ExplorerDock", "Save the plot as PNG or SVG..."), self.save_plot)
        menu.addAction(translate("ExplorerDock", "Copy the unit's rows as CSV"), self.copy_rows)
        self.export.setMenu(menu)
        row.addWidget(QLabel(translate("ExplorerDock", "Target")))
        row.addWidget(self.target, 1)
        row.addWidget(self.pin)
        row.addWidget(self.export)
        layout.addLayout(row)

    def _summary(self, layout) -> None:
        self.table = QTableWidget()
        self.table.setObjectName("HsiLimeExplorerSummary")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.table)

    def _status(self, layout) -> None:
        row = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("HsiLimeExplorerStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel = QToolButton()
        self.cancel.setText(translate("ExplorerDock", "Cancel"))
        self.cancel.clicked.connect(self._cancel)
        row.addWidget(self.status, 1)
        row.addWidget(self.progress)
        row.addWidget(self.cancel)
        layout.addLayout(row)
        self._busy(False)

    # --- what the explorer tells it -----------------------------------------------------------------
    def show_view(self, view: UnitView) -> None:
        """Show a unit (with the pinned one beside it, when one is pinned)."""
        self._busy(False)
        self.view = view
        self.title.setText(f"<b>{_unit_title(view)}</b>")
        origin = translate("ExplorerDock", "explained here, now") if view.settings is not None else view.origin
        self.origin.setText(origin)
        self._set_targets(view.targets)
        notes = [] if view.intervals else [translate(
            "ExplorerDock", "A per-pixel map holds attributions only: click the pixel on the raster to explain it "
                            "here, with intervals, the prediction and the base value.")]
        self.show_message(" ".join(notes))
        self.redraw()

    def show_busy(self, task) -> None:
        """A click is being read or explained: its progress, and Cancel."""
        self.task = task
        self.status.setText(task.description())
        self.progress.setValue(0)
        task.progressChanged.connect(lambda value: self.progress.setValue(int(value)))
        self._busy(True)

    def show_message(self, text: str) -> None:
        self._busy(False)
        self.status.setText(text)

    def show_error(self, text: str) -> None:
        self.show_message(translate("ExplorerDock", "Nothing shown: {}").format(text))

    def clear(self) -> None:
        """Forget the units shown (the project was closed)."""
        self.view = self.pinned = self.drawn = None
        self.pin.setChecked(False)
        self.title.clear()
        self.origin.clear()
        self.table.clear()
        self.target.blockSignals(True)
        self.target.clear()
        self.target.blockSignals(False)
        self.figure.clear()
        self.canvas.draw_idle()
        self.show_message("")

    def current_target(self) -> str:
        return self.target.currentText()

    def targets(self) -> list[str]:
        return [self.target.itemText(index) for index in range(self.target.count())]

    def set_target(self, target: str) -> None:
        """Show ``target`` (a map theme switched the layers to it) without restyling the layers again."""
        if target != self.target.currentText() and self.target.findText(target) >= 0:
            self.target.blockSignals(True)
            self.target.setCurrentText(target)
            self.target.blockSignals(False)
            self.redraw()

    # --- drawing --------------------------------------------------------------------------------------
    def redraw(self) -> None:
        """Draw the shown unit for the chosen target, and fill the table."""
        target = self.current_target()
        if self.view is None or not target:
            return
        self._fill_table(target)
        pinned = self.pinned if self.pinned is not self.view else None
        self.canvas.setFixedHeight(int(figure_height(self.view, pinned) * DPI))  # the canvas resizes the figure
        draw(self.figure, self.view, target, pinned, self.theme(), self.labels())
        self.canvas.draw_idle()
        rows = self.view.of_target(target)
        self.drawn = {"unit_id": self.view.unit_id, "target": target, "pinned": pinned.unit_id if pinned else None,
                      "features": list(rows["feature"]), "attributions": [float(v) for v in rows["attribution"]]}

    def theme(self) -> Theme:
        """The plot's colours from the QGIS theme's palette (dark themes included)."""
        palette = self.palette()
        return Theme(text=palette.color(QPalette.ColorRole.WindowText).name(),
                     background=palette.color(QPalette.ColorRole.Base).name(),
                     grid=palette.color(QPalette.ColorRole.Mid).name(),
                     pinned=palette.color(QPalette.ColorRole.Dark).name(),
                     font_size=max(7.0, 0.9 * self.font().pointSizeF()))

    @staticmethod
    def labels() -> Labels:
        return Labels(attribution=translate("ExplorerDock", "attribution"),
                      wavelength=translate("ExplorerDock", "wavelength (nm)"), band=translate("ExplorerDock", "band"),
                      spectrum=translate("ExplorerDock", "mean spectrum"),
                      difference=translate("ExplorerDock", "difference (shown - pinned)"),
                      strongest=translate("ExplorerDock", "the {shown} strongest of {total}"))

    def _fill_table(self, target: str) -> None:
        """Measures as rows, targets as columns (narrow docks have more height than width)."""
        summary = self.view.summary().set_index("target")
        names = {"prediction": translate("ExplorerDock", "Prediction"),
                 "base_value": translate("ExplorerDock", "Base value"), "r2": translate("ExplorerDock", "R²"),
                 "deletion_auc": translate("ExplorerDock", "Deletion AUC"),
                 "insertion_auc": translate("ExplorerDock", "Insertion AUC"),
                 "random_deletion_auc": translate("ExplorerDock", "Random deletion AUC"),
                 "random_insertion_auc": translate("ExplorerDock", "Random insertion AUC"),
                 "infidelity": translate("ExplorerDock", "Infidelity")}
        measures = [name for name in names if name in summary.columns]
        self.table.clear()
        self.table.setRowCount(len(measures))
        self.table.setColumnCount(len(summary.index))
        self.table.setVerticalHeaderLabels([names[name] for name in measures])
        self.table.setHorizontalHeaderLabels(list(summary.index))
        for column, name in enumerate(summary.index):
            for row, measure in enumerate(measures):
                value = summary.loc[name, measure]
                item = QTableWidgetItem("—" if math.isnan(value) else f"{value:.4g}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if name == target:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        height = self.table.horizontalHeader().height() + sum(self.table.rowHeight(r) for r in range(len(measures)))
        self.table.setFixedHeight(height + 2 * self.table.frameWidth() + 2)

    # --- the user's actions ---------------------------------------------------------------------------
    def save_plot(self, path: str | None = None) -> str | None:
        """Save the plot as PNG or SVG (by the extension; asked for when ``path`` is None)."""
        if self.view is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, translate("ExplorerDock", "Save the plot"),
                                                  f"{self.view.unit_id}_{self.current_target()}.png",
                                                  "PNG (*.png);;SVG (*.svg)")
        if path:
            self.figure.savefig(path, dpi=150, facecolor=self.figure.get_facecolor())
        return path or None

    def copy_rows(self) -> str | None:
        """Copy the shown unit's rows (every target) to the clipboard as CSV."""
        if self.view is None:
            return None
        text = self.view.csv()
        QApplication.clipboard().setText(text)
        self.show_message(translate("ExplorerDock", "{} rows copied as CSV.").format(len(self.view.rows)))
        return text

    def _target_chosen(self, target: str) -> None:
        if target:
            self.redraw()
            self.target_changed.emit(target)

    def _pin_toggled(self, pinned: bool) -> None:
        self.pinned = self.view if pinned else None
        self.pin.setText(translate("ExplorerDock", "Pinned: {}").format(self.view.unit_id) if pinned and self.view
                         else translate("ExplorerDock", "Pin"))
        self.redraw()

    def _set_targets(self, targets: list[str]) -> None:
        """The view's targets in the combo box, the chosen one kept when the view has it."""
        chosen = self.target.currentText()
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItems(targets)
        if chosen in targets:
            self.target.setCurrentText(chosen)
        self.target.blockSignals(False)
        if self.target.currentText() != chosen:
            self.target_changed.emit(self.target.currentText())

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel.setVisible(busy)
        if not busy:
            self.task = None

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()


def _unit_title(view: UnitView) -> str:
    """"Field F03", "Segment 7", "Pixel row 12, column 40" (translated)."""
    words = {"segment": translate("ExplorerDock", "Segment {}"), "field": translate("ExplorerDock", "Field {}"),
             "tile": translate("ExplorerDock", "Tile {}"), "raster": translate("ExplorerDock", "Raster {}"),
             "pixel": translate("ExplorerDock", "Pixel {}"), "unit": translate("ExplorerDock", "Unit {}")}
    return words.get(view.unit, words["unit"]).format(view.unit_id or translate("ExplorerDock", "(the whole raster)"))
