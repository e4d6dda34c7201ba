"""hsilime:explain_spatial: which regions (fields, superpixels, patches) drive each prediction."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputString,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterVectorDestination,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..hsi_lime_plugin.settings import SpatialOutputs, SpatialSettings
from .base import HsiLimeAlgorithm
from .run_records import remember_when_loaded
from .qgis_compat import SOURCE_VECTOR_POLYGON
from .styling import style_attribution_raster, style_segments, style_when_loaded, write_raster_style, write_segments_style


class ExplainSpatial(HsiLimeAlgorithm):
    """LIME or Kernel SHAP over segments of the raster: one attribution band per target."""

    P_SCORES = "SCORES"

    title = QT_TRANSLATE_NOOP("ExplainSpatial", "Explain spatial importance")
    summary = QT_TRANSLATE_NOOP(
        "ExplainSpatial",
        "Explains a hyperspectral model's prediction by switching off regions of the image (field polygons, "
        "SLIC superpixels or square patches) and fitting a weighted linear surrogate for every target at once. "
        "Writes a georeferenced attribution raster (one band per target) and, optionally, the segments as "
        "polygons with attr_, se_ (standard error) and r2_ columns per target."
    )

    def name(self):
        return "explain_spatial"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_raster_input()
        self.add_model()
        self.add_segmentation()
        self.add_polygons(
            optional=True, help_text=self.tr("Polygons used as segments (required for SEGMENTATION=0), any CRS.")
        )
        self.add_explanation_settings()
        self.add_faithfulness()
        self.add(
            QgsProcessingParameterRasterDestination(self.P_OUTPUT, self.tr("Attribution raster")),
            self.tr("GeoTIFF on the input grid, one band per target (band description = target name)."),
        )
        segments = QgsProcessingParameterVectorDestination(
            self.P_OUTPUT_SEGMENTS, self.tr("Segments with attributions"), SOURCE_VECTOR_POLYGON, optional=True
        )
        segments.setSupportsNonFileBasedOutput(False)
        self.add(segments, self.tr("One polygon per segment: the field polygons with their own attributes, or the "
                                   "superpixels or patches with segment_id; per target attr_ (attribution), se_ "
                                   "(standard error), low_ and high_ (95% interval) and r2_."))
        self.add_report_output()
        self.addOutput(QgsProcessingOutputString(self.P_SCORES, self.tr("Surrogate R2 per target")))
        self.addOutput(QgsProcessingOutputString(self.P_FAITHFULNESS_SCORES, self.tr("Faithfulness per target")))

    def read_settings(self, parameters, context, feedback) -> SpatialSettings:
        """The run's settings from its parameters."""
        return SpatialSettings(
            raster=self.read_raster(parameters, context), model=self.read_model(parameters, context),
            segmentation=self.read_segmentation(parameters, context),
            polygons=self.read_polygons(parameters, context, feedback),
            explain=self.read_explain(parameters, context), runtime=self.read_runtime(parameters, context),
            outputs=SpatialOutputs(self.output_path(parameters, self.P_OUTPUT, context),
                                   self.output_path(parameters, self.P_OUTPUT_SEGMENTS, context),
                                   self.file_path(parameters, self.P_OUTPUT_REPORT, context)),
            faithfulness=self.parameterAsBoolean(parameters, self.P_FAITHFULNESS, context),
            background=self.read_background(parameters, context, feedback),
        )

    def run_workflow(self, parameters, context, feedback, reporter):
        from ..hsi_lime_plugin.outputs.tables import column_name
        from ..hsi_lime_plugin.runs import explain_spatial

        settings = self.read_settings(parameters, context, feedback)
        result = self.run_engine(explain_spatial.run, settings, reporter)
        outputs = settings.outputs
        first = column_name("attr", result.explanation.target_names[0])
        write_raster_style(outputs.raster)
        style_when_loaded(context, outputs.raster, style_attribution_raster)
        if outputs.segments:
            write_segments_style(outputs.segments, first)
            style_when_loaded(context, outputs.segments, lambda layer: style_segments(layer, first))
        remember_when_loaded(context, self.name(), settings)
        scores = ", ".join(f"{name}={r2:.4f}" for name, r2 in result.scores.items())
        feedback.pushInfo(self.tr("Surrogate R2: {}").format(scores))
        faithfulness = "; ".join(result.faithfulness.lines()) if result.faithfulness is not None else ""
        return {self.P_OUTPUT: outputs.raster, self.P_OUTPUT_SEGMENTS: outputs.segments, self.P_SCORES: scores,
                self.P_OUTPUT_REPORT: outputs.report, self.P_FAITHFULNESS_SCORES: faithfulness}
