"""The parameters the algorithms share: their names, and each block declared once with its help (``add_*``).

Parameter names are class constants (``P_INPUT = "INPUT"``), as EnMAP-Box's algorithms name
theirs: the shared ones here, an algorithm's own in its class. :mod:`.readers` reads them
back as the engine's settings objects.
"""
from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMapLayer,
)

from ..hsi_lime_plugin.options import (
    BACKGROUND_MODES,
    DEFAULT_BACKGROUND_MODE,
    DEFAULT_BACKGROUND_SIZE,
    DEFAULT_BASELINE,
    DEFAULT_BLUR_SIGMA,
    DEFAULT_COMPACTNESS,
    DEFAULT_KERNEL_WIDTH,
    DEFAULT_MAX_SAMPLES,
    DEFAULT_N_SAMPLES,
    DEFAULT_N_SEGMENTS,
    DEFAULT_PATCH_SIZE,
    DEFAULT_PRECISION,
    DEVICES,
    REGISTRY,
)
from .qgis_compat import NUMBER_DOUBLE, PARAMETER_ADVANCED, SOURCE_RASTER, SOURCE_VECTOR, SOURCE_VECTOR_POLYGON


#: The translation context of the strings below: pylupdate5 records the class a tr() call is written in.
CONTEXT = "ParameterHelpers"
#: The file chooser's filter of PRODUCT (and of import_product's).
PRODUCT_FILES = ("Sensor products (*.nc *.he5 *.h5 *.xml *.XML *.zip *.ZIP *.tif *.TIF);;NetCDF (*.nc);;"
                 "HDF5 (*.he5 *.h5);;Metadata (*.xml *.XML);;ZIP (*.zip *.ZIP);;All files (*.*)")


class ParameterHelpers:
    """Mixed into :class:`.base.HsiLimeAlgorithm` (a QgsProcessingAlgorithm): the shared names and blocks."""

    P_INPUT = "INPUT"
    P_PRODUCT = "PRODUCT"
    P_MODEL = "MODEL"
    P_ALLOW_PYTHON_MODEL = "ALLOW_PYTHON_MODEL"
    P_POLYGONS = "POLYGONS"
    P_ID_FIELD = "ID_FIELD"
    P_SEGMENTATION = "SEGMENTATION"
    P_N_SEGMENTS = "N_SEGMENTS"
    P_COMPACTNESS = "COMPACTNESS"
    P_PATCH_SIZE = "PATCH_SIZE"
    P_BAND_GROUPS = "BAND_GROUPS"
    P_WAVELENGTHS = "WAVELENGTHS"
    P_KEEP_UNGROUPED = "KEEP_UNGROUPED"
    P_TARGETS = "TARGETS"
    P_METHOD = "METHOD"
    P_N_SAMPLES = "N_SAMPLES"
    P_PRECISION = "PRECISION"
    P_MAX_SAMPLES = "MAX_SAMPLES"
    P_BASELINE = "BASELINE"
    P_BACKGROUND = "BACKGROUND"
    P_BACKGROUND_SIZE = "BACKGROUND_SIZE"
    P_BACKGROUND_MODE = "BACKGROUND_MODE"
    P_BLUR_SIGMA = "BLUR_SIGMA"
    P_KERNEL_WIDTH = "KERNEL_WIDTH"
    P_BATCH_SIZE = "BATCH_SIZE"
    P_DEVICE = "DEVICE"
    P_SEED = "SEED"
    P_FAITHFULNESS = "FAITHFULNESS"
    P_OUTPUT = "OUTPUT"
    P_OUTPUT_SEGMENTS = "OUTPUT_SEGMENTS"
    P_OUTPUT_TABLE = "OUTPUT_TABLE"
    P_OUTPUT_BANDS = "OUTPUT_BANDS"
    P_OUTPUT_SUMMARY = "OUTPUT_SUMMARY"
    P_OUTPUT_REPORT = "OUTPUT_REPORT"
    P_OUTPUT_MAP = "OUTPUT_MAP"
    P_OUTPUT_DOMINANT = "OUTPUT_DOMINANT"
    P_FAITHFULNESS_SCORES = "FAITHFULNESS_SCORES"

    def add(self, parameter, help_text: str, advanced: bool = False):
        """Add ``parameter`` with ``help_text`` (shown in the dialog help and by qgis_process help)."""
        parameter.setHelp(help_text)
        if advanced:
            parameter.setFlags(parameter.flags() | PARAMETER_ADVANCED)
        self.addParameter(parameter)
        self._parameter_help.append((parameter.name(), parameter.description(), help_text, advanced))
        return parameter

    def add_raster_input(self, help_text: str | None = None):
        """INPUT (a raster layer or file) and, beside it, PRODUCT: a sensor product file QGIS cannot load as a
        layer (EMIT's NetCDF, PRISMA's HDF5, EnMAP's METADATA.XML or ZIP, ...). One of them is needed; PRODUCT
        is used when both are given."""
        self.add(
            QgsProcessingParameterRasterLayer(self.P_INPUT, self.tr("Hyperspectral raster", CONTEXT), optional=True),
            help_text or self.tr(
                "The image the model reads (GeoTIFF, ENVI or any GDAL format, or a sensor product's image such as "
                "EnMAP's SPECTRAL_IMAGE.TIF), one band per wavelength. Or give PRODUCT.", CONTEXT),
        )
        self.add(
            QgsProcessingParameterFile(
                self.P_PRODUCT, self.tr("Sensor product file (instead of INPUT)", CONTEXT), optional=True,
                fileFilter=PRODUCT_FILES,
            ),
            self.tr(
                "A hyperspectral product as downloaded, read directly as reflectance (0-1) with its wavelengths, "
                "bad bands and map grid: EMIT L2A RFL (.nc), EnMAP L2A (METADATA.XML, SPECTRAL_IMAGE.TIF or the "
                "ZIP), PRISMA L2D (.he5), DESIS L2A (SPECTRAL_IMAGE.tif with its .hdr), Tanager ortho surface "
                "reflectance (.h5), AVIRIS L2A RFL_ORT (.nc). Used instead of INPUT, which cannot hold the products "
                "QGIS does not load as a layer.", CONTEXT),
        )

    def add_model(self):
        """MODEL (TorchScript, ONNX, scikit-learn saved with skops, or Python recipe) and ALLOW_PYTHON_MODEL."""
        self.add(
            QgsProcessingParameterFile(
                self.P_MODEL,
                self.tr("Model file", CONTEXT),
                fileFilter=(
                    "Models (*.pt *.pth *.ts *.torchscript *.jit *.onnx *.skops *.py);;"
                    "TorchScript (*.pt *.pth *.ts *.torchscript *.jit);;ONNX (*.onnx);;scikit-learn (*.skops);;"
                    "Python recipe (*.py);;All files (*.*)"
                ),
            ),
            self.tr(
                "A TorchScript (.pt) or ONNX (.onnx) model, a scikit-learn model saved with skops (.skops), or a "
                "Python recipe (.py, see ALLOW_PYTHON_MODEL). Its model card (same name, .json, or embedded in the "
                "model) gives the task, the targets or class names, the input scaling, size and wavelengths.",
                CONTEXT,
            ),
        )
        self.add(
            QgsProcessingParameterBoolean(
                self.P_ALLOW_PYTHON_MODEL, self.tr("Allow Python model recipes (runs the recipe's code)", CONTEXT),
                defaultValue=False,
            ),
            self.tr(
                "Accept a Python recipe (.py defining load_model(device)) as MODEL. Off by default because loading a "
                "recipe runs the code in it with your permissions, like running a script: enable it only for "
                "recipes you wrote or trust. TorchScript and ONNX files need no such permission.",
                CONTEXT,
            ),
        )

    def add_polygons(self, optional: bool, help_text: str):
        self.add(
            QgsProcessingParameterVectorLayer(
                self.P_POLYGONS, self.tr("Field polygons", CONTEXT), [SOURCE_VECTOR_POLYGON], optional=optional
            ),
            help_text,
        )
        self.add(
            QgsProcessingParameterField(
                self.P_ID_FIELD,
                self.tr("Field identifier", CONTEXT),
                parentLayerParameterName=self.P_POLYGONS,
                optional=True,
            ),
            self.tr("Attribute that identifies each field polygon; empty: the feature id.", CONTEXT),
        )

    def add_segmentation(self, in_units: bool = False):
        """SEGMENTATION, N_SEGMENTS, COMPACTNESS and PATCH_SIZE: spatial features, declared once for the whole
        raster (field polygons, SLIC superpixels or patches) and ``in_units`` (SLIC or patches inside each unit
        of explain_fields, whose units are the fields)."""
        if in_units:
            description, first, default = self.tr("Segments inside each unit", CONTEXT), \
                self.tr("Field polygons (not available here)", CONTEXT), 1
            help_text = self.tr("Spatial kind: SLIC superpixels (N_SEGMENTS, COMPACTNESS) or square patches "
                                "(PATCH_SIZE).", CONTEXT)
        else:
            description, first, default = self.tr("Segments", CONTEXT), self.tr("Field polygons", CONTEXT), 0
            help_text = self.tr("0: the polygons of POLYGONS; 1: SLIC superpixels of the raster; 2: square patches.",
                                CONTEXT)
        options = [first, self.tr("SLIC superpixels", CONTEXT), self.tr("Regular patches", CONTEXT)]
        self.add(QgsProcessingParameterEnum(self.P_SEGMENTATION, description, options=options, defaultValue=default),
                 help_text)
        self.add(
            QgsProcessingParameterNumber(self.P_N_SEGMENTS, self.tr("Number of SLIC superpixels", CONTEXT),
                                         defaultValue=DEFAULT_N_SEGMENTS, minValue=1),
            self.tr("Approximate number of superpixels (SEGMENTATION=1); a small unit gets at most one per pixel.",
                    CONTEXT),
        )
        self.add(
            QgsProcessingParameterNumber(self.P_COMPACTNESS, self.tr("SLIC compactness", CONTEXT), type=NUMBER_DOUBLE,
                                         defaultValue=DEFAULT_COMPACTNESS, minValue=1e-6),
            self.tr("Higher: squarer superpixels; lower: superpixels that follow spectral edges.", CONTEXT),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterNumber(self.P_PATCH_SIZE, self.tr("Patch size (pixels)", CONTEXT),
                                         defaultValue=DEFAULT_PATCH_SIZE, minValue=1),
            self.tr("Side of the square patches (SEGMENTATION=2); edge patches are smaller.", CONTEXT),
        )

    def add_keep_ungrouped(self):
        """KEEP_UNGROUPED (advanced): whether the bands in no group form a superband of their own."""
        self.add(
            QgsProcessingParameterBoolean(self.P_KEEP_UNGROUPED, self.tr("Keep bands in no group fixed", CONTEXT),
                                          defaultValue=False),
            self.tr(
                "No: the bands in no group form one more superband, 'not_included', switched off like the others. "
                "Yes: they keep their values in every sample and get no attribution.",
                CONTEXT,
            ),
            advanced=True,
        )

    def add_explanation_settings(self):
        """TARGETS, METHOD, N_SAMPLES, BASELINE, KERNEL_WIDTH, BATCH_SIZE, DEVICE and SEED: the
        settings every perturbation explanation shares."""
        self.add_targets()
        self.add_method_settings()
        self.add_baseline()
        self.add_kernel_width()
        self.add_runtime_settings()

    def add_targets(self):
        """TARGETS: which model outputs to explain."""
        self.add(
            QgsProcessingParameterString(self.P_TARGETS, self.tr("Targets", CONTEXT), defaultValue="", optional=True),
            self.tr(
                "Comma-separated target names or 0-based indices, or top:K for the K classes the model predicts "
                "highest for this image (or field); empty: every target of the model.",
                CONTEXT,
            ),
        )

    def add_method_settings(self):
        """METHOD (LIME or Kernel SHAP) and N_SAMPLES."""
        self.add(
            QgsProcessingParameterEnum(
                self.P_METHOD, self.tr("Method", CONTEXT), options=self.method_options("perturbation"), defaultValue=0,
            ),
            self.tr(
                "LIME: a linear surrogate weighted towards small perturbations. Kernel SHAP: Shapley values, "
                "which add up to the prediction minus the prediction on the baseline (exact when the number "
                "of samples reaches 2^features).",
                CONTEXT,
            ),
        )
        self.add(
            QgsProcessingParameterNumber(
                self.P_N_SAMPLES, self.tr("Number of samples (0 = automatic)", CONTEXT), defaultValue=DEFAULT_N_SAMPLES,
                minValue=0,
            ),
            self.tr(
                "Perturbed images the model evaluates; more gives steadier attributions. 0: sample in rounds, reusing "
                "every image, until each attribution's 95 % interval is narrower than PRECISION times its target's "
                "largest attribution, or MAX_SAMPLES images were evaluated; the log says how many were used.",
                CONTEXT,
            ),
        )
        self.add(
            QgsProcessingParameterNumber(
                self.P_PRECISION, self.tr("Precision of the automatic sample count", CONTEXT), NUMBER_DOUBLE,
                defaultValue=DEFAULT_PRECISION, minValue=0.001, maxValue=0.999,
            ),
            self.tr("Half-width of the 95 % intervals, as a fraction of each target's largest attribution.", CONTEXT),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterNumber(
                self.P_MAX_SAMPLES, self.tr("Most samples of the automatic sample count", CONTEXT), defaultValue=DEFAULT_MAX_SAMPLES,
                minValue=16,
            ),
            self.tr("The automatic sample count never evaluates more images than this.", CONTEXT),
            advanced=True,
        )

    def add_baseline(self):
        """BASELINE with BACKGROUND and BACKGROUND_SIZE, and (advanced) BACKGROUND_MODE and BLUR_SIGMA: what a
        removed feature becomes."""
        self.add(
            QgsProcessingParameterString(self.P_BASELINE, self.tr("Baseline", CONTEXT), defaultValue=DEFAULT_BASELINE),
            self.tr(
                "What a removed feature becomes, and so which question the explanation answers. background: "
                "spectra of the scene (BACKGROUND), the expectation over them - 'what if these features looked like "
                "the rest of the scene?'. zero, mean (the image's mean of each band) or a number, in model input "
                "units - 'what if they were this constant?'. Spatial explanations only: blur (the image "
                "Gaussian-blurred, BLUR_SIGMA) - 'does the model need this region's own detail?' - and inpaint "
                "(each removed segment filled from its surroundings) - 'what if this region looked like its "
                "neighbourhood?'.",
                CONTEXT,
            ),
        )
        self._add_background()
        self.add(
            QgsProcessingParameterNumber(
                self.P_BLUR_SIGMA, self.tr("Blur sigma (pixels, for BASELINE=blur)", CONTEXT), NUMBER_DOUBLE,
                defaultValue=DEFAULT_BLUR_SIGMA, minValue=0.01,
            ),
            self.tr("Standard deviation of the Gaussian that blurs each band for BASELINE=blur, in pixels.", CONTEXT),
            advanced=True,
        )

    def _add_background(self):
        """BACKGROUND, BACKGROUND_SIZE and (advanced) BACKGROUND_MODE: the spectra of BASELINE=background."""
        self.add(
            QgsProcessingParameterMapLayer(
                self.P_BACKGROUND, self.tr("Background (for BASELINE=background)", CONTEXT), optional=True,
                types=[SOURCE_RASTER, SOURCE_VECTOR_POLYGON],
            ),
            self.tr(
                "A raster whose valid pixels' spectra form the background (the same bands as INPUT), or polygons on "
                "INPUT whose pixels form it (for example training fields, any CRS). Empty: INPUT's valid pixels "
                "over the whole scene, never only the part explained. Also the contrast of the baseline sensitivity "
                "when FAITHFULNESS is on.",
                CONTEXT,
            ),
        )
        self.add(
            QgsProcessingParameterNumber(
                self.P_BACKGROUND_SIZE, self.tr("Background size (spectra)", CONTEXT),
                defaultValue=DEFAULT_BACKGROUND_SIZE, minValue=1,
            ),
            self.tr(
                "Spectra the background is summarised into: a weighted k-means summary (the cluster centres, "
                "weighted by their sizes) when it holds more, every spectrum when it holds fewer.",
                CONTEXT,
            ),
        )
        self.add(
            QgsProcessingParameterEnum(
                self.P_BACKGROUND_MODE, self.tr("Background expectation", CONTEXT),
                options=self.background_mode_options(), defaultValue=BACKGROUND_MODES.index(DEFAULT_BACKGROUND_MODE),
            ),
            self.tr(
                "Sampled: each perturbed image takes one background spectrum drawn by weight, as many model "
                "evaluations as a constant baseline; the standard errors include the background's variance. "
                "Exact: every perturbed image is evaluated with every background spectrum (BACKGROUND_SIZE times the "
                "model evaluations); Kernel SHAP then gives the exact interventional Shapley values.",
                CONTEXT,
            ),
            advanced=True,
        )

    def background_mode_options(self) -> list[str]:
        """The BACKGROUND_MODE choices in the order of ``BACKGROUND_MODES``, in the user's language."""
        labels = {"sampled": self.tr("Sampled (one spectrum per perturbed image)", CONTEXT),
                  "exact": self.tr("Exact (every spectrum for every perturbed image)", CONTEXT)}
        return [labels[mode] for mode in BACKGROUND_MODES]

    def add_kernel_width(self):
        """KERNEL_WIDTH (advanced): LIME's locality."""
        self.add(
            QgsProcessingParameterNumber(
                self.P_KERNEL_WIDTH,
                self.tr("Kernel width (LIME)", CONTEXT),
                type=NUMBER_DOUBLE,
                defaultValue=DEFAULT_KERNEL_WIDTH,
                minValue=1e-6,
            ),
            self.tr(
                "Width of LIME's similarity kernel on the cosine distance (0 to 1) between a perturbed image and "
                "the original; smaller is more local. The default 1.0 gives the image with everything removed "
                "0.61 of the original's weight. Kernel SHAP ignores it.",
                CONTEXT,
            ),
            advanced=True,
        )

    def method_options(self, family: str) -> list[str]:
        """The METHOD choices of one family of the method registry, in its order, in the user's language."""
        labels = {"LIME": self.tr("LIME", CONTEXT), "Kernel SHAP": self.tr("Kernel SHAP", CONTEXT),
                  "Integrated Gradients": self.tr("Integrated Gradients", CONTEXT),
                  "Saliency": self.tr("Saliency", CONTEXT), "Input x Gradient": self.tr("Input x Gradient", CONTEXT),
                  "Occlusion": self.tr("Occlusion", CONTEXT)}
        return [labels[method.label] for method in REGISTRY if method.family == family]

    def device_options(self) -> list[str]:
        """The DEVICE choices in the order of ``DEVICES`` (auto, cpu, cuda), in the user's language."""
        labels = {"auto": self.tr("Automatic", CONTEXT), "cpu": self.tr("CPU", CONTEXT),
                  "cuda": self.tr("CUDA (NVIDIA GPU)", CONTEXT)}
        return [labels[device] for device in DEVICES]

    def table_formats(self) -> str:
        """How a table output's format is chosen (the end of its help)."""
        return self.tr("CSV (.csv) or GeoPackage (.gpkg) table, by the file's extension", CONTEXT)

    def add_runtime_settings(self):
        """BATCH_SIZE, DEVICE and SEED (advanced): how the model runs, not what is explained."""
        self.add(
            QgsProcessingParameterNumber(
                self.P_BATCH_SIZE, self.tr("Batch size (0 = automatic)", CONTEXT), defaultValue=0, minValue=0
            ),
            self.tr("Images per forward pass; 0 chooses from the free memory.", CONTEXT),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterEnum(
                self.P_DEVICE, self.tr("Device", CONTEXT), options=self.device_options(), defaultValue=0
            ),
            self.tr("Automatic: the GPU when torch sees one, else the CPU. CUDA without a GPU is an error.", CONTEXT),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterNumber(self.P_SEED, self.tr("Random seed", CONTEXT), defaultValue=0, minValue=0),
            self.tr("The same seed gives the same samples and the same attributions.", CONTEXT),
            advanced=True,
        )

    def add_faithfulness(self):
        """FAITHFULNESS: score the explanation (deletion, insertion, infidelity, ROAD, baseline sensitivity) after it
        is made."""
        self.add(
            QgsProcessingParameterBoolean(
                self.P_FAITHFULNESS,
                self.tr("Score faithfulness (deletion, insertion, infidelity, baseline sensitivity)", CONTEXT),
                defaultValue=False,
            ),
            self.tr(
                "After explaining, remove (or add) the features in order of attribution and in random orders and "
                "record the model's output: deletion_auc (lower is better), insertion_auc (higher is better), the "
                "same for random orders, infidelity (lower is better) and, for spatial features, "
                "road_deletion_auc (removed pixels imputed from their neighbours, lower is better); and explain once "
                "more with a contrasting baseline (zero for background, background for the others): "
                "baseline_rank_corr, the rank correlation of the two (near 1: the ranking is the model's, near 0: "
                "the baseline's). Per target, in the outputs, the report and the log. Costs the explanation once "
                "more plus about 2 x (features + 1) x 4 model evaluations.",
                CONTEXT,
            ),
        )

    def add_band_groups(self, lead: str | None = None):
        """BAND_GROUPS: empty for the standard bands, else the grammar, with three examples under the box;
        ``lead`` (translated) says when it applies."""
        grammar = self.tr(
            "Empty: the standard bands B; G; R; RE1; RE2; RE3; N; N2; S1; S2 that lie inside the sensor's range. "
            "Otherwise groups separated by ';', each one superband. Names: spyndex bands (B, G, R, RE1, N, S1, "
            "...) or spectral indices (NDVI, BI, ...; an index stands for its bands), '+' merges names (G+B). "
            "Wavelengths in nm: label=lo-hi[,lo-hi...] (a single wavelength takes the nearest band). Band "
            "indices, 0-based and inclusive: label=iK-iM[,iK...]. A band belongs to the first group that names "
            "it. Examples: 'R; G+B; BI; potassium=462-475,599-613; edge=i40-i60' - 'NDVI; water=940-990' - "
            "'visible=i0-i39; edge=i40-i60'",
            CONTEXT,
        )
        self.add(
            QgsProcessingParameterString(
                self.P_BAND_GROUPS, self.tr("Band groups (superbands)", CONTEXT), defaultValue="", optional=True
            ),
            f"{lead} {grammar}" if lead else grammar,
        )

    def add_wavelengths(self):
        """WAVELENGTHS: band centres that override or supply the raster's (optional text)."""
        self.add(
            QgsProcessingParameterString(
                self.P_WAVELENGTHS, self.tr("Band wavelengths (override)", CONTEXT), defaultValue="", optional=True
            ),
            self.tr(
                "Band centres in nm, one per band in band order, separated by commas (values below 100 are read as "
                "micrometres), or the path of a text/CSV file that lists them. Empty: the wavelengths stored in the "
                "raster.",
                CONTEXT,
            ),
            advanced=True,
        )

    def add_spectral_maps(self):
        """OUTPUT_MAP and OUTPUT_DOMINANT: every pixel's spectral importance, for a per-pixel model."""
        self.add(
            QgsProcessingParameterRasterDestination(self.P_OUTPUT_MAP, self.tr("Spectral importance of each pixel",
                                                                               CONTEXT),
                                                    optional=True, createByDefault=False),
            self.tr(
                "A model that predicts each pixel from its spectrum (input.layout 'pixels' in its card) only: every "
                "pixel's attribution of each target and superband, one band each, named target:superband, on the "
                "raster's grid. All pixels share the same samples, so one fit serves them all; Kernel SHAP is exact "
                "when N_SAMPLES covers all 2^K coalitions. The raster is read and written unit by unit (without "
                "polygons: in tiles).",
                CONTEXT,
            ),
        )
        self.add(
            QgsProcessingParameterRasterDestination(self.P_OUTPUT_DOMINANT, self.tr("Dominant superband of each pixel",
                                                                                    CONTEXT),
                                                    optional=True, createByDefault=False),
            self.tr(
                "Per target (one band each) the superband that raises the pixel's prediction most, as classes "
                "named by the superbands (0: none raises it), styled with a legend of their names.",
                CONTEXT,
            ),
        )

    def add_report_output(self):
        """OUTPUT_REPORT: the optional HTML report, shown in the Results Viewer when the run ends."""
        self.add(
            QgsProcessingParameterFileDestination(
                self.P_OUTPUT_REPORT, self.tr("Report", CONTEXT), self.tr("HTML files (*.html)", CONTEXT), optional=True,
                createByDefault=False,
            ),
            self.tr(
                "A self-contained HTML page: the parameters, the model card, the device, the time taken, per target "
                "the prediction, the base value (the model with every feature removed) and the surrogate's R2, and "
                "the figures.",
                CONTEXT,
            ),
        )

    def add_table_output(self, name: str, description: str, help_text: str, optional: bool = False):
        """A table destination (CSV or GeoPackage, no geometry) that loads into the project as a table layer."""
        parameter = QgsProcessingParameterVectorDestination(
            name, description, SOURCE_VECTOR, optional=optional, createByDefault=not optional
        )
        parameter.setSupportsNonFileBasedOutput(False)  # the engine writes the file itself
        return self.add(parameter, help_text)
