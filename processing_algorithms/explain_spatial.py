"""hsilime:explain_spatial: which regions (fields, superpixels, patches) drive each prediction."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterVectorDestination,
)

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from .qgis_compat import NUMBER_DOUBLE, SOURCE_VECTOR_POLYGON
from ..hsi_lime_plugin.options import (
    DEFAULT_COMPACTNESS,
    DEFAULT_N_SEGMENTS,
    DEFAULT_PATCH_SIZE,
    SEGMENTATIONS,
)
from .base import HsiLimeAlgorithm
from .styling import (
    style_attribution_raster,
    style_segments,
    style_when_loaded,
    write_raster_style,
    write_segments_style,
)


class ExplainSpatial(HsiLimeAlgorithm):
    """LIME or Kernel SHAP over segments of the raster: one attribution band per target."""

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
        self.add(
            QgsProcessingParameterEnum(
                "SEGMENTATION",
                self.tr("Segments"),
                options=[self.tr("Field polygons"), self.tr("SLIC superpixels"), self.tr("Regular patches")],
                defaultValue=0,
            ),
            self.tr("0: the polygons of POLYGONS; 1: SLIC superpixels of the raster; 2: square patches."),
        )
        self.add_polygons(
            optional=True, help_text=self.tr("Polygons used as segments (required for SEGMENTATION=0), any CRS.")
        )
        self.add(
            QgsProcessingParameterNumber(
                "N_SEGMENTS", self.tr("Number of SLIC superpixels"), defaultValue=DEFAULT_N_SEGMENTS, minValue=1
            ),
            self.tr("Approximate number of superpixels (SEGMENTATION=1)."),
        )
        self.add(
            QgsProcessingParameterNumber(
                "COMPACTNESS",
                self.tr("SLIC compactness"),
                type=NUMBER_DOUBLE,
                defaultValue=DEFAULT_COMPACTNESS,
                minValue=0.0,
            ),
            self.tr("Higher: squarer superpixels; lower: superpixels that follow spectral edges."),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterNumber("PATCH_SIZE", self.tr("Patch size (pixels)"), defaultValue=DEFAULT_PATCH_SIZE, minValue=1),
            self.tr("Side of the square patches (SEGMENTATION=2); edge patches are smaller."),
        )
        self.add_explanation_settings()
        self.add_faithfulness()
        self.add(
            QgsProcessingParameterRasterDestination("OUTPUT", self.tr("Attribution raster")),
            self.tr("GeoTIFF on the input grid, one band per target (band description = target name)."),
        )
        segments = QgsProcessingParameterVectorDestination(
            "OUTPUT_SEGMENTS", self.tr("Segments with attributions"), SOURCE_VECTOR_POLYGON, optional=True
        )
        segments.setSupportsNonFileBasedOutput(False)
        self.add(segments, self.tr("One polygon per segment with segment_id, attr_ (attribution), se_ (standard error), low_ and high_ (95% interval) and r2_ per target."))
        self.add_report_output()
        self.addOutput(QgsProcessingOutputString("SCORES", self.tr("Surrogate R2 per target")))
        self.addOutput(QgsProcessingOutputString("FAITHFULNESS_SCORES", self.tr("Faithfulness per target")))

    def run_workflow(self, parameters, context, feedback, reporter):
        from ..hsi_lime_plugin.runs.explain_spatial import run_spatial
        from ..hsi_lime_plugin.outputs.tables import column_name

        polygons, polygons_layer = self.polygons_path(parameters, context, feedback)
        output = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        output_segments = self.parameterAsOutputLayer(parameters, "OUTPUT_SEGMENTS", context) or None
        result = run_spatial(
            self.raster_path(parameters, context),
            self.parameterAsFile(parameters, "MODEL", context),
            output,
            segmentation=SEGMENTATIONS[self.parameterAsEnum(parameters, "SEGMENTATION", context)],
            polygons=polygons,
            polygons_layer=polygons_layer,
            id_field=self.parameterAsString(parameters, "ID_FIELD", context) or None,
            n_segments=self.parameterAsInt(parameters, "N_SEGMENTS", context),
            compactness=self.parameterAsDouble(parameters, "COMPACTNESS", context),
            patch_size=self.parameterAsInt(parameters, "PATCH_SIZE", context),
            output_segments=output_segments,
            output_report=self.report_path(parameters, context),
            faithfulness_scores=self.parameterAsBoolean(parameters, "FAITHFULNESS", context),
            **self.model_options(parameters, context),
            **self.explanation_settings(parameters, context),
            reporter=reporter,
        )
        first = column_name("attr", result.explanation.target_names[0])
        write_raster_style(output)
        style_when_loaded(context, output, style_attribution_raster)
        if output_segments:
            write_segments_style(output_segments, first)
            style_when_loaded(context, output_segments, lambda layer: style_segments(layer, first))
        scores = ", ".join(f"{name}={r2:.4f}" for name, r2 in result.scores.items())
        feedback.pushInfo(self.tr("Surrogate R2: {}").format(scores))
        faithfulness = "; ".join(result.faithfulness.lines()) if result.faithfulness is not None else ""
        return {"OUTPUT": output, "OUTPUT_SEGMENTS": output_segments, "SCORES": scores,
                "OUTPUT_REPORT": self.report_path(parameters, context),
                "FAITHFULNESS_SCORES": faithfulness}
