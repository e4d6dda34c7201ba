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

from ..hsi_lime_plugin.options import (
    ATTRIBUTION_METHODS,
    DEFAULT_N_NOISE,
    DEFAULT_N_STEPS,
    DEFAULT_NOISE_LEVEL,
    DEFAULT_WINDOW,
    NOISE_TYPES,
)
from ..hsi_lime_plugin.settings import AttributeSettings, BandGroups, PixelOutputs, PixelSettings
from .base import HsiLimeAlgorithm
from .run_records import remember_when_loaded
from .qgis_compat import NUMBER_DOUBLE, SOURCE_VECTOR_POLYGON
from .styling import style_attribution_raster, style_segments, style_when_loaded, write_raster_style, write_segments_style


class AttributePixels(HsiLimeAlgorithm):
    """Gradient and occlusion attributions on the raster's own pixels and bands, all targets at once."""

    P_NOISE = "NOISE"
    P_N_STEPS = "N_STEPS"
    P_N_NOISE = "N_NOISE"
    P_NOISE_LEVEL = "NOISE_LEVEL"
    P_WINDOW = "WINDOW"
    P_STRIDE = "STRIDE"
    P_OUTPUT_CUBE = "OUTPUT_CUBE"
    P_OUTPUT_GROUPS = "OUTPUT_GROUPS"

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
        self.add(QgsProcessingParameterString(self.P_BAND_GROUPS, self.tr("Band groups (superbands)"), optional=True),
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
                self.P_METHOD, self.tr("Method"), options=self.method_options("attribution"), defaultValue=0,
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
                self.P_NOISE, self.tr("Noise (gradient methods)"),
                options=[self.tr("None"), self.tr("SmoothGrad"), self.tr("SmoothGrad squared"), self.tr("VarGrad"),
                         self.tr("Band dropout")], defaultValue=0,
            ),
            self.tr(
                "Average the gradient method over N_NOISE noisy copies: Gaussian noise (SmoothGrad: mean, squared: "
                "mean of squares, VarGrad: variance), or copies with random bands set to the baseline (band dropout)."
            ),
        )
        self.add(QgsProcessingParameterNumber(self.P_N_STEPS, self.tr("Integration steps"), defaultValue=DEFAULT_N_STEPS,
                                              minValue=2),
                 self.tr("Points on the path from the baseline (Integrated Gradients, Gauss-Legendre)."), advanced=True)
        self.add(QgsProcessingParameterNumber(self.P_N_NOISE, self.tr("Noisy samples"), defaultValue=DEFAULT_N_NOISE,
                                              minValue=1), self.tr("Noisy copies per target (NOISE)."), advanced=True)
        self.add(
            QgsProcessingParameterNumber(self.P_NOISE_LEVEL, self.tr("Noise level"), type=NUMBER_DOUBLE,
                                         defaultValue=DEFAULT_NOISE_LEVEL, minValue=0.0),
            self.tr("Gaussian noise: standard deviation as a fraction of the value range. Band dropout: the "
                    "probability that a band is switched to the baseline."),
            advanced=True,
        )
        self.add(QgsProcessingParameterString(self.P_WINDOW, self.tr("Occlusion window"), defaultValue=str(DEFAULT_WINDOW)),
                 self.tr("Pixels (8: squares of 8 x 8 pixels, all bands) or bands,rows,columns with 0 for a whole "
                         "axis (5,0,0: 5 bands of the whole image at a time)."))
        self.add(QgsProcessingParameterString(self.P_STRIDE, self.tr("Occlusion stride"), defaultValue="", optional=True),
                 self.tr("Step between windows, in the same form as WINDOW; empty: the window's size (no overlap)."),
                 advanced=True)

    def add_outputs(self):
        """OUTPUT, OUTPUT_BANDS, OUTPUT_CUBE, OUTPUT_SEGMENTS, OUTPUT_GROUPS and FAITHFULNESS_SCORES."""
        self.add(QgsProcessingParameterRasterDestination(self.P_OUTPUT, self.tr("Attribution raster")),
                 self.tr("GeoTIFF on the input grid, one band per target (each pixel's attribution summed over its "
                         "bands; band description = target name)."))
        self.add_table_output(self.P_OUTPUT_BANDS, self.tr("Band attributions"), self.tr(
            "One row per target and band: target, band (1-based), wavelength_nm, attribution (summed over the valid "
            "pixels). CSV or GeoPackage."), optional=True)
        self.add(QgsProcessingParameterFolderDestination(self.P_OUTPUT_CUBE, self.tr("Attribution cubes (folder)"),
                                                         optional=True, createByDefault=False),
                 self.tr("A folder: one GeoTIFF per target, attribution_<target>.tif, with one band per raster band."))
        segments = QgsProcessingParameterVectorDestination(
            self.P_OUTPUT_SEGMENTS, self.tr("Polygons with attributions"), SOURCE_VECTOR_POLYGON, optional=True,
            createByDefault=False)
        segments.setSupportsNonFileBasedOutput(False)
        self.add(segments, self.tr("POLYGONS with attr_<target> (summed attributions) and, with FAITHFULNESS, the "
                                   "scores per target; the columns of Explain spatial importance."))
        self.add_table_output(self.P_OUTPUT_GROUPS, self.tr("Band group attributions"), self.tr(
            "One row per target and band group, with the columns of Explain spectral importance."), optional=True)
        self.addOutput(QgsProcessingOutputString(self.P_FAITHFULNESS_SCORES, self.tr("Faithfulness per target")))

    def read_settings(self, parameters, context, feedback) -> PixelSettings:
        """The run's settings from its parameters."""
        method = ATTRIBUTION_METHODS[self.parameterAsEnum(parameters, self.P_METHOD, context)]
        window = stride = None
        if method == "occlusion":
            window = self.parameterAsString(parameters, self.P_WINDOW, context).strip() or None
            stride = self.parameterAsString(parameters, self.P_STRIDE, context).strip() or None
        attribute = AttributeSettings(
            method=method, targets=self.read_targets(parameters, context), **self.read_baseline(parameters, context),
            n_steps=self.parameterAsInt(parameters, self.P_N_STEPS, context),
            noise=NOISE_TYPES[self.parameterAsEnum(parameters, self.P_NOISE, context)],
            n_noise=self.parameterAsInt(parameters, self.P_N_NOISE, context),
            noise_level=self.parameterAsDouble(parameters, self.P_NOISE_LEVEL, context), window=window, stride=stride,
            seed=self.parameterAsInt(parameters, self.P_SEED, context),
        )
        polygons = self.read_polygons(parameters, context, feedback)
        groups = self.parameterAsString(parameters, self.P_BAND_GROUPS, context).strip() or None
        return PixelSettings(
            raster=self.read_raster(parameters, context), model=self.read_model(parameters, context),
            attribute=attribute, runtime=self.read_runtime(parameters, context), polygons=polygons,
            band_groups=BandGroups(groups) if groups else None,
            outputs=PixelOutputs(
                self.output_path(parameters, self.P_OUTPUT, context),
                self.output_path(parameters, self.P_OUTPUT_BANDS, context),
                self.parameterAsString(parameters, self.P_OUTPUT_CUBE, context) or None,
                self.output_path(parameters, self.P_OUTPUT_SEGMENTS, context) if polygons else None,
                self.output_path(parameters, self.P_OUTPUT_GROUPS, context) if groups else None,
                self.file_path(parameters, self.P_OUTPUT_REPORT, context)),
            faithfulness=self.parameterAsBoolean(parameters, self.P_FAITHFULNESS, context),
            background=self.read_background(parameters, context, feedback),
        )

    def run_workflow(self, parameters, context, feedback, reporter):
        from ..hsi_lime_plugin.outputs.tables import column_name
        from ..hsi_lime_plugin.runs import attribute_pixels

        settings = self.read_settings(parameters, context, feedback)
        run = self.run_engine(attribute_pixels.run, settings, reporter)
        outputs = settings.outputs
        write_raster_style(outputs.raster)
        style_when_loaded(context, outputs.raster, style_attribution_raster)
        if outputs.segments:
            first = column_name("attr", run.attribution.target_names[0])
            write_segments_style(outputs.segments, first)
            style_when_loaded(context, outputs.segments, lambda layer: style_segments(layer, first))
        remember_when_loaded(context, self.name(), settings)
        scores = "; ".join(f"{kind} {line}" for kind, score in run.faithfulness.items() for line in score.lines())
        return {self.P_OUTPUT: outputs.raster, self.P_OUTPUT_BANDS: outputs.bands, self.P_OUTPUT_CUBE: outputs.cube,
                self.P_OUTPUT_SEGMENTS: outputs.segments, self.P_OUTPUT_GROUPS: outputs.groups,
                self.P_OUTPUT_REPORT: outputs.report, self.P_FAITHFULNESS_SCORES: scores}
