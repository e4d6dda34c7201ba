"""hsilime:attribute_pixels: every pixel's and band's attribution (gradients through captum, occlusion)."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from .qgis_compat import NUMBER_DOUBLE, SOURCE_VECTOR_POLYGON
from ..hsi_lime_plugin.options import (
    ATTRIBUTION_METHODS,
    DEFAULT_N_NOISE,
    DEFAULT_N_STEPS,
    DEFAULT_NOISE_LEVEL,
    DEFAULT_WINDOW,
    DEVICES,
    NOISE_TYPES,
)
from .base import HsiLimeAlgorithm
from .styling import style_attribution_raster, style_segments, style_when_loaded, write_raster_style, write_segments_style


class AttributePixels(HsiLimeAlgorithm):
    """Gradient and occlusion attributions on the raster's own pixels and bands, all targets at once."""

    title = QT_TRANSLATE_NOOP("AttributePixels", "Explain pixels and bands (gradients, occlusion)")
    summary = QT_TRANSLATE_NOOP(
        "AttributePixels",
        "Attributes a hyperspectral model's prediction to every pixel and band: Integrated Gradients, Saliency or "
        "Input x Gradient (through captum, for TorchScript and Python models; optionally smoothed by SmoothGrad, "
        "SmoothGrad squared, VarGrad or band dropout), or Occlusion of sliding windows of pixels or bands (any "
        "model, ONNX included). Writes a georeferenced raster (one band per target, summed over bands), a table "
        "per target and band, optionally the full target x band cube, and sums over field polygons and band "
        "groups with the same columns as the LIME outputs, so that methods can be compared side by side."
    )

    def name(self):
        return "attribute_pixels"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_raster_input()
        self.add_model()
        self.add_method_parameters()
        self.add_targets()
        self.add_baseline()
        self.add_runtime_settings()
        self.add_polygons(optional=True, help_text=self.tr(
            "Optional polygons: the attributions summed over each (OUTPUT_SEGMENTS), and the segments of FAITHFULNESS."))
        self.add(QgsProcessingParameterString("BAND_GROUPS", self.tr("Band groups (superbands)"), optional=True),
                 self.tr("Optional band groups, as in Explain spectral importance: the attributions summed over each "
                         "(OUTPUT_GROUPS)."))
        self.add_wavelengths()
        self.add_faithfulness()
        self.add_report_output()
        self.add_outputs()

    def add_method_parameters(self):
        """METHOD, NOISE, N_STEPS, N_NOISE, NOISE_LEVEL, WINDOW and STRIDE."""
        self.add(
            QgsProcessingParameterEnum(
                "METHOD", self.tr("Method"),
                options=[self.tr("Integrated Gradients"), self.tr("Saliency"), self.tr("Input x Gradient"),
                         self.tr("Occlusion")], defaultValue=0,
            ),
            self.tr(
                "Integrated Gradients: (value - baseline) x the mean gradient on the straight path from the baseline; "
                "the attributions add up to the prediction minus the prediction on the baseline (the log reports the "
                "gap). Saliency: |gradient|. Input x Gradient: (value - baseline) x gradient. Occlusion: the drop of "
                "the output when a window is set to the baseline. Gradients need a TorchScript or Python model."
            ),
        )
        self.add(
            QgsProcessingParameterEnum(
                "NOISE", self.tr("Noise (gradient methods)"),
                options=[self.tr("None"), self.tr("SmoothGrad"), self.tr("SmoothGrad squared"), self.tr("VarGrad"),
                         self.tr("Band dropout")], defaultValue=0,
            ),
            self.tr(
                "Average the gradient method over N_NOISE noisy copies: Gaussian noise (SmoothGrad: mean, squared: "
                "mean of squares, VarGrad: variance), or copies with random bands set to the baseline (band dropout)."
            ),
        )
        self.add(QgsProcessingParameterNumber("N_STEPS", self.tr("Integration steps"), defaultValue=DEFAULT_N_STEPS,
                                              minValue=2),
                 self.tr("Points on the path from the baseline (Integrated Gradients, Gauss-Legendre)."), advanced=True)
        self.add(QgsProcessingParameterNumber("N_NOISE", self.tr("Noisy samples"), defaultValue=DEFAULT_N_NOISE,
                                              minValue=1), self.tr("Noisy copies per target (NOISE)."), advanced=True)
        self.add(
            QgsProcessingParameterNumber("NOISE_LEVEL", self.tr("Noise level"), type=NUMBER_DOUBLE,
                                         defaultValue=DEFAULT_NOISE_LEVEL, minValue=0.0),
            self.tr("Gaussian noise: standard deviation as a fraction of the value range. Band dropout: the "
                    "probability that a band is switched to the baseline."),
            advanced=True,
        )
        self.add(QgsProcessingParameterString("WINDOW", self.tr("Occlusion window"), defaultValue=str(DEFAULT_WINDOW)),
                 self.tr("Pixels (8: squares of 8 x 8 pixels, all bands) or bands,rows,columns with 0 for a whole "
                         "axis (5,0,0: 5 bands of the whole image at a time)."))
        self.add(QgsProcessingParameterString("STRIDE", self.tr("Occlusion stride"), defaultValue="", optional=True),
                 self.tr("Step between windows, in the same form as WINDOW; empty: the window's size (no overlap)."),
                 advanced=True)

    def add_outputs(self):
        """OUTPUT, OUTPUT_BANDS, OUTPUT_CUBE, OUTPUT_SEGMENTS, OUTPUT_GROUPS and FAITHFULNESS_SCORES."""
        self.add(QgsProcessingParameterRasterDestination("OUTPUT", self.tr("Attribution raster")),
                 self.tr("GeoTIFF on the input grid, one band per target (each pixel's attribution summed over its "
                         "bands; band description = target name)."))
        self.add_table_output("OUTPUT_BANDS", self.tr("Band attributions"), self.tr(
            "One row per target and band: target, band (1-based), wavelength_nm, attribution (summed over the valid "
            "pixels). CSV or GeoPackage."), optional=True)
        self.add(QgsProcessingParameterFolderDestination("OUTPUT_CUBE", self.tr("Attribution cubes (folder)"),
                                                         optional=True, createByDefault=False),
                 self.tr("A folder: one GeoTIFF per target, attribution_<target>.tif, with one band per raster band."))
        segments = QgsProcessingParameterVectorDestination(
            "OUTPUT_SEGMENTS", self.tr("Polygons with attributions"), SOURCE_VECTOR_POLYGON, optional=True,
            createByDefault=False)
        segments.setSupportsNonFileBasedOutput(False)
        self.add(segments, self.tr("POLYGONS with attr_<target> (summed attributions) and, with FAITHFULNESS, the "
                                   "scores per target; the columns of Explain spatial importance."))
        self.add_table_output("OUTPUT_GROUPS", self.tr("Band group attributions"), self.tr(
            "One row per target and band group, with the columns of Explain spectral importance."), optional=True)
        self.addOutput(QgsProcessingOutputString("FAITHFULNESS_SCORES", self.tr("Faithfulness per target")))

    def run_workflow(self, parameters, context, feedback, reporter):
        from ..hsi_lime_plugin.runs.attribute_pixels import run_attribute
        from ..hsi_lime_plugin.outputs.tables import column_name

        polygons, polygons_layer = self.polygons_path(parameters, context, feedback)
        output = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        method = ATTRIBUTION_METHODS[self.parameterAsEnum(parameters, "METHOD", context)]
        occlusion = {}
        if method == "occlusion":
            stride = self.parameterAsString(parameters, "STRIDE", context).strip()
            occlusion = {"window": self.parameterAsString(parameters, "WINDOW", context).strip() or None,
                         "stride": stride or None}
        outputs = {name: self.table_output_path(parameters, name, context) for name in ("OUTPUT_BANDS", "OUTPUT_GROUPS")}
        outputs["OUTPUT_SEGMENTS"] = self.parameterAsOutputLayer(parameters, "OUTPUT_SEGMENTS", context) or None
        outputs["OUTPUT_CUBE"] = self.parameterAsString(parameters, "OUTPUT_CUBE", context) or None
        outputs["OUTPUT_REPORT"] = self.report_path(parameters, context)
        run = run_attribute(
            self.raster_path(parameters, context), self.parameterAsFile(parameters, "MODEL", context), output,
            output_bands=outputs["OUTPUT_BANDS"], output_cube=outputs["OUTPUT_CUBE"],
            polygons=polygons, polygons_layer=polygons_layer,
            id_field=self.parameterAsString(parameters, "ID_FIELD", context) or None,
            output_segments=outputs["OUTPUT_SEGMENTS"],
            band_groups=self.parameterAsString(parameters, "BAND_GROUPS", context).strip() or None,
            output_groups=outputs["OUTPUT_GROUPS"],
            faithfulness_scores=self.parameterAsBoolean(parameters, "FAITHFULNESS", context),
            wavelengths=self.wavelengths_override(parameters, context),
            output_report=outputs["OUTPUT_REPORT"],
            method=method,
            noise=NOISE_TYPES[self.parameterAsEnum(parameters, "NOISE", context)],
            n_steps=self.parameterAsInt(parameters, "N_STEPS", context),
            n_noise=self.parameterAsInt(parameters, "N_NOISE", context),
            noise_level=self.parameterAsDouble(parameters, "NOISE_LEVEL", context),
            targets=self.parameterAsString(parameters, "TARGETS", context) or None,
            baseline=self.baseline_value(parameters, context),
            batch_size=self.parameterAsInt(parameters, "BATCH_SIZE", context) or None,
            device=DEVICES[self.parameterAsEnum(parameters, "DEVICE", context)],
            seed=self.parameterAsInt(parameters, "SEED", context),
            **occlusion,
            **self.model_options(parameters, context),
            reporter=reporter,
        )
        write_raster_style(output)
        style_when_loaded(context, output, style_attribution_raster)
        if outputs["OUTPUT_SEGMENTS"] and polygons:
            first = column_name("attr", run.attribution.target_names[0])
            write_segments_style(outputs["OUTPUT_SEGMENTS"], first)
            style_when_loaded(context, outputs["OUTPUT_SEGMENTS"], lambda layer: style_segments(layer, first))
        scores = "; ".join(f"{kind} {line}" for kind, score in run.faithfulness.items() for line in score.lines())
        return {"OUTPUT": output, **outputs, "FAITHFULNESS_SCORES": scores}
