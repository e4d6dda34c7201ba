"""hsilime:explain_spectral: which groups of bands (superbands) drive each prediction."""
from __future__ import annotations

from qgis.core import QgsProcessingOutputString, QgsProcessingParameterFileDestination
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..hsi_lime_plugin.settings import SpectralOutputs, SpectralSettings
from .base import HsiLimeAlgorithm
from .run_records import remember_when_loaded
from .styling import style_spectral_maps


class ExplainSpectral(HsiLimeAlgorithm):
    """LIME or Kernel SHAP over superbands: one attribution per target and superband, per field and across fields."""

    P_OUTPUT_PLOT = "OUTPUT_PLOT"

    title = QT_TRANSLATE_NOOP("ExplainSpectral", "Explain spectral importance")
    summary = QT_TRANSLATE_NOOP(
        "ExplainSpectral",
        "Explains a hyperspectral model's prediction by switching off groups of bands (superbands: spectral band "
        "or index names, wavelength ranges, band indices) and fitting a weighted linear surrogate for every target "
        "at once. Without polygons the whole raster is explained once; with field polygons each field is "
        "explained on its own (its bounding box, pixels outside the field set to 0 and never perturbed), and a "
        "summary across fields gives the global view. Writes a table per target and superband (attribution, "
        "standard error, 95 % interval, surrogate R2), optionally a table per band, the summary and a PNG figure."
    )

    def name(self):
        return "explain_spectral"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_raster_input()
        self.add_model()
        self.add_band_groups()
        self.add_wavelengths()
        self.add_keep_ungrouped()
        self.add_polygons(
            optional=True,
            help_text=self.tr("Fields explained one by one (any CRS); empty: the whole raster is explained once."),
        )
        self.add_explanation_settings()
        self.add_faithfulness()
        self.add_table_output(
            self.P_OUTPUT_TABLE,
            self.tr("Spectral importance"),
            self.tr(
                "One row per field, target and superband: unit_id (the field; empty for the whole raster), target, "
                "feature (the superband), wavelengths_nm, n_bands, attribution, se, ci_low, ci_high (95 %), r2, "
                "prediction, base_value. {}."
            ).format(self.table_formats()),
        )
        self.add_table_output(
            self.P_OUTPUT_BANDS,
            self.tr("Band attributions"),
            self.tr(
                "One row per field, target and band: unit_id, target, band (1-based), wavelength_nm, feature (the "
                "superband), attribution (its superband's). {}."
            ).format(self.table_formats()),
            optional=True,
        )
        self.add_table_output(
            self.P_OUTPUT_SUMMARY,
            self.tr("Spectral importance across fields"),
            self.tr(
                "One row per target and superband (feature): wavelengths_nm, n_bands, mean, std, median, min, max of "
                "the attribution across fields, n_units, mean_r2. {}."
            ).format(self.table_formats()),
            optional=True,
        )
        self.add(
            QgsProcessingParameterFileDestination(
                self.P_OUTPUT_PLOT,
                self.tr("Spectral importance figure"),
                fileFilter="PNG (*.png)",
                optional=True,
                createByDefault=False,
            ),
            self.tr(
                "PNG, one row per target: attribution along the wavelength with the superbands shaded, and bars "
                "per superband (box plots across fields when POLYGONS is given)."
            ),
        )
        self.add_spectral_maps()
        self.add_report_output()
        self.addOutput(QgsProcessingOutputString(self.P_FAITHFULNESS_SCORES, self.tr("Faithfulness per target")))

    def read_settings(self, parameters, context, feedback) -> SpectralSettings:
        """The run's settings from its parameters."""
        tables = [self.output_path(parameters, name, context)
                  for name in (self.P_OUTPUT_TABLE, self.P_OUTPUT_BANDS, self.P_OUTPUT_SUMMARY)]
        return SpectralSettings(
            raster=self.read_raster(parameters, context), model=self.read_model(parameters, context),
            band_groups=self.read_band_groups(parameters, context),
            polygons=self.read_polygons(parameters, context, feedback),
            explain=self.read_explain(parameters, context), runtime=self.read_runtime(parameters, context),
            outputs=SpectralOutputs(*tables, self.file_path(parameters, self.P_OUTPUT_PLOT, context),
                                    self.file_path(parameters, self.P_OUTPUT_REPORT, context),
                                    self.output_path(parameters, self.P_OUTPUT_MAP, context),
                                    self.output_path(parameters, self.P_OUTPUT_DOMINANT, context)),
            faithfulness=self.parameterAsBoolean(parameters, self.P_FAITHFULNESS, context),
            background=self.read_background(parameters, context, feedback),
        )

    def run_workflow(self, parameters, context, feedback, reporter):
        from ..hsi_lime_plugin.runs import explain_spectral

        settings = self.read_settings(parameters, context, feedback)
        result = self.run_engine(explain_spectral.run, settings, reporter)
        scores = ", ".join(f"{name}={r2:.4f}" for name, r2 in result.scores.items())
        feedback.pushInfo(self.tr("Surrogate R2 (mean over fields): {}").format(scores))
        faithfulness = "; ".join(
            (f"field {field_id}: " if field_id is not None else "") + line
            for field_id, score in (result.faithfulness or {}).items() for line in score.lines()
        )
        outputs = settings.outputs
        style_spectral_maps(outputs, context)
        remember_when_loaded(context, self.name(), settings)
        return {self.P_OUTPUT_TABLE: outputs.table, self.P_OUTPUT_BANDS: outputs.bands,
                self.P_OUTPUT_SUMMARY: outputs.summary, self.P_OUTPUT_PLOT: outputs.plot,
                self.P_OUTPUT_REPORT: outputs.report, self.P_OUTPUT_MAP: outputs.map,
                self.P_OUTPUT_DOMINANT: outputs.dominant, self.P_FAITHFULNESS_SCORES: faithfulness}
