"""hsilime:explain_spectral: which groups of bands (superbands) drive each prediction."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFileDestination,
)

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from .base import HsiLimeAlgorithm


class ExplainSpectral(HsiLimeAlgorithm):
    """LIME or Kernel SHAP over superbands: one attribution per target and superband, per field and across fields."""

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
        self.add(
            QgsProcessingParameterBoolean(
                "KEEP_UNGROUPED", self.tr("Keep bands in no group fixed"), defaultValue=False
            ),
            self.tr(
                "No: the bands in no group form one more superband, 'not_included', switched off like the others. "
                "Yes: they keep their values in every sample and get no attribution."
            ),
            advanced=True,
        )
        self.add_polygons(
            optional=True,
            help_text=self.tr("Fields explained one by one (any CRS); empty: the whole raster is explained once."),
        )
        self.add_explanation_settings()
        self.add_faithfulness()
        self.add_table_output(
            "OUTPUT_TABLE",
            self.tr("Spectral importance"),
            self.tr(
                "One row per field, target and superband: field_id (empty for the whole raster), target, "
                "superband, wavelengths_nm, n_bands, attribution, se, ci_low, ci_high (95 %), r2. {}."
            ).format(self.table_formats()),
        )
        self.add_table_output(
            "OUTPUT_BANDS",
            self.tr("Band attributions"),
            self.tr(
                "One row per field, target and band: field_id, target, band (1-based), wavelength_nm, superband, "
                "attribution (its superband's). {}."
            ).format(self.table_formats()),
            optional=True,
        )
        self.add_table_output(
            "OUTPUT_SUMMARY",
            self.tr("Spectral importance across fields"),
            self.tr(
                "One row per target and superband: wavelengths_nm, n_bands, mean, std, median, min, max of the "
                "attribution across fields, n_fields, mean_r2. {}."
            ).format(self.table_formats()),
            optional=True,
        )
        self.add(
            QgsProcessingParameterFileDestination(
                "OUTPUT_PLOT",
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
        self.add_report_output()
        self.addOutput(QgsProcessingOutputString("FAITHFULNESS_SCORES", self.tr("Faithfulness per target")))

    def run_workflow(self, parameters, context, feedback, reporter):
        from ..hsi_lime_plugin.runs.explain_spectral import run_spectral

        polygons, polygons_layer = self.polygons_path(parameters, context, feedback)
        outputs = {
            name: self.table_output_path(parameters, name, context)
            for name in ("OUTPUT_TABLE", "OUTPUT_BANDS", "OUTPUT_SUMMARY")
        }
        output_plot = self.parameterAsFileOutput(parameters, "OUTPUT_PLOT", context) or None
        result = run_spectral(
            self.raster_path(parameters, context),
            self.parameterAsFile(parameters, "MODEL", context),
            band_groups=self.parameterAsString(parameters, "BAND_GROUPS", context) or None,
            wavelengths=self.wavelengths_override(parameters, context),
            polygons=polygons,
            polygons_layer=polygons_layer,
            id_field=self.parameterAsString(parameters, "ID_FIELD", context) or None,
            include_rest=not self.parameterAsBoolean(parameters, "KEEP_UNGROUPED", context),
            output_table=outputs["OUTPUT_TABLE"],
            output_bands=outputs["OUTPUT_BANDS"],
            output_summary=outputs["OUTPUT_SUMMARY"],
            output_plot=output_plot,
            output_report=self.report_path(parameters, context),
            faithfulness_scores=self.parameterAsBoolean(parameters, "FAITHFULNESS", context),
            **self.model_options(parameters, context),
            **self.explanation_settings(parameters, context),
            reporter=reporter,
        )
        scores = ", ".join(f"{name}={r2:.4f}" for name, r2 in result.scores.items())
        feedback.pushInfo(self.tr("Surrogate R2 (mean over fields): {}").format(scores))
        faithfulness = "; ".join(
            (f"field {field_id}: " if field_id is not None else "") + line
            for field_id, score in (result.faithfulness or {}).items() for line in score.lines()
        )
        return {**outputs, "OUTPUT_PLOT": output_plot, "OUTPUT_REPORT": self.report_path(parameters, context),
                "FAITHFULNESS_SCORES": faithfulness}
