"""The compact settings panel of "explain here", folded under the dock's plot.

It shows the :class:`~hsi_lime_plugin.settings.ExploreSettings` the project holds (those of its last explain
run) and turns every edit into new settings (:attr:`SettingsPanel.edited`), which the explorer keeps in the
project. What the panel does not show (targets, device, kernel width, wavelengths) is kept as the run had it.
"""
from __future__ import annotations

import dataclasses

from qgis.core import QgsProject
from qgis.gui import QgsCollapsibleGroupBox, QgsFieldComboBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QCoreApplication, pyqtSignal
from qgis.PyQt.QtWidgets import QComboBox, QFormLayout, QLineEdit, QSpinBox

from ..hsi_lime_plugin.options import METHODS
from ..hsi_lime_plugin.settings import EXPLORE_UNITS, BandGroups, ExploreSettings, ModelSource, PolygonSource
from ..processing_algorithms.qgis_compat import LAYER_FILTER_POLYGON
from .layers import same_file, source_of

translate = QCoreApplication.translate
#: The model files "explain here" loads.
MODEL_FILTER = "Models (*.pt *.pth *.ts *.onnx *.skops *.py)"


class SettingsPanel(QgsCollapsibleGroupBox):
    """Model, band groups, method, samples, baseline, seed, unit and fields of "explain here"."""

    edited = pyqtSignal(object)

    def __init__(self, parent=None):
        super().__init__(translate("ExplorerDock", "Explain here: settings"), parent)
        self.setObjectName("HsiLimeExplorerSettings")
        self.setCollapsed(True)
        self.base: ExploreSettings | None = None
        form = QFormLayout(self)
        self.model = QgsFileWidget()
        self.model.setFilter(MODEL_FILTER)
        self.groups = QLineEdit()
        self.groups.setPlaceholderText(translate("ExplorerDock", "empty: the standard bands"))
        self.method = QComboBox()
        self.method.addItems([translate("ParameterHelpers", "LIME"), translate("ParameterHelpers", "Kernel SHAP")])
        self.samples = QSpinBox()
        self.samples.setRange(0, 1_000_000)
        self.samples.setSpecialValueText(translate("ExplorerDock", "automatic"))
        self.baseline = QComboBox()
        self.baseline.setEditable(True)
        self.baseline.addItems(["zero", "mean"])
        self.seed = QSpinBox()
        self.seed.setRange(0, 2_000_000_000)
        self.unit = QComboBox()
        self.unit.addItems([translate("ExplorerDock", "automatic (pixel for a per-pixel model)"),
                            translate("ExplorerDock", "the clicked pixel"),
                            translate("ExplorerDock", "the field under the click")])
        self.fields = QgsMapLayerComboBox()
        self.fields.setFilters(LAYER_FILTER_POLYGON)
        self.fields.setAllowEmptyLayer(True)
        self.id_field = QgsFieldComboBox()
        self.id_field.setAllowEmptyFieldName(True)
        self._rows(form)
        self._connect()

    def _rows(self, form: QFormLayout) -> None:
        rows = ((translate("ExplorerDock", "Model"), self.model), (translate("ExplorerDock", "Band groups"), self.groups),
                (translate("ExplorerDock", "Method"), self.method), (translate("ExplorerDock", "Samples"), self.samples),
                (translate("ExplorerDock", "Baseline"), self.baseline), (translate("ExplorerDock", "Seed"), self.seed),
                (translate("ExplorerDock", "Explain"), self.unit), (translate("ExplorerDock", "Fields"), self.fields),
                (translate("ExplorerDock", "Field id"), self.id_field))
        for label, widget in rows:
            form.addRow(label, widget)

    def _connect(self) -> None:
        self.fields.layerChanged.connect(self.id_field.setLayer)
        for signal in (self.model.fileChanged, self.groups.editingFinished, self.method.currentIndexChanged,
                       self.samples.editingFinished, self.baseline.currentTextChanged, self.seed.editingFinished,
                       self.unit.currentIndexChanged, self.fields.layerChanged, self.id_field.fieldChanged):
            signal.connect(self._edited)

    def show_settings(self, settings: ExploreSettings | None) -> None:
        """Show ``settings`` (None: nothing to explain with yet, the panel disabled)."""
        self.base = settings
        self.setEnabled(settings is not None)
        if settings is None:
            return
        widgets = (self.model, self.groups, self.method, self.samples, self.baseline, self.seed, self.unit,
                   self.fields, self.id_field)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self._fill(settings)
        finally:
            for widget in widgets:
                widget.blockSignals(False)

    def _fill(self, settings: ExploreSettings) -> None:
        explain = settings.explain
        self.model.setFilePath(settings.model.path)
        self.groups.setText(settings.band_groups.text or "")
        self.method.setCurrentIndex(METHODS.index(explain.method) if explain.method in METHODS else 0)
        self.samples.setValue(int(explain.n_samples))
        self.baseline.setCurrentText(str(explain.baseline))
        self.seed.setValue(int(explain.seed))
        self.unit.setCurrentIndex(EXPLORE_UNITS.index(settings.unit) if settings.unit in EXPLORE_UNITS else 0)
        layer = self._fields_layer(settings.polygons)
        self.fields.setLayer(layer)
        self.id_field.setLayer(layer)
        self.id_field.setField((settings.polygons.id_field or "") if settings.polygons else "")

    @staticmethod
    def _fields_layer(polygons: PolygonSource | None):
        if polygons is None or not polygons.is_file:
            return None
        for layer in QgsProject.instance().mapLayers().values():
            path, name = source_of(layer)
            if same_file(path, polygons.source) and (polygons.layer or None) in (None, name):
                return layer
        return None

    def settings(self) -> ExploreSettings | None:
        """The shown settings with the panel's edits (the fields kept when no layer of the project holds them)."""
        if self.base is None:
            return None
        explain = dataclasses.replace(self.base.explain, method=METHODS[self.method.currentIndex()],
                                      n_samples=self.samples.value(), baseline=self.baseline.currentText().strip()
                                      or "zero", seed=self.seed.value())
        polygons = self.base.polygons
        layer = self.fields.currentLayer()
        if layer is not None:
            path, name = source_of(layer)
            polygons = PolygonSource(path, name, self.id_field.currentField() or None)
        return dataclasses.replace(
            self.base, model=ModelSource(self.model.filePath(), self.base.model.allow_python),
            band_groups=BandGroups(self.groups.text().strip() or None, self.base.band_groups.include_rest),
            explain=explain, polygons=polygons, unit=EXPLORE_UNITS[self.unit.currentIndex()])

    def _edited(self, *_) -> None:
        settings = self.settings()
        if settings is not None and settings != self.base:
            self.base = settings
            self.edited.emit(settings)
