"""The parameters the algorithms share: declared with their help (``add_*``) and read back as the plain values the engine takes."""
from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingUtils,
)

from ..hsi_lime_plugin.options import (
    DEFAULT_BASELINE,
    DEFAULT_KERNEL_WIDTH,
    DEFAULT_MAX_SAMPLES,
    DEFAULT_N_SAMPLES,
    DEFAULT_PRECISION,
    DEVICES,
    METHODS,
    VECTOR_DRIVERS,
)
from .qgis_compat import NUMBER_DOUBLE, PARAMETER_ADVANCED, SOURCE_VECTOR, SOURCE_VECTOR_POLYGON


#: The translation context of the strings below: pylupdate5 records the class a tr() call is written in.
CONTEXT = "ParameterHelpers"

class ParameterHelpers:
    """Mixed into :class:`.base.HsiLimeAlgorithm` (a QgsProcessingAlgorithm)."""

    def add(self, parameter, help_text: str, advanced: bool = False):
        """Add ``parameter`` with ``help_text`` (shown in the dialog help and by qgis_process help)."""
        parameter.setHelp(help_text)
        if advanced:
            parameter.setFlags(parameter.flags() | PARAMETER_ADVANCED)
        self.addParameter(parameter)
        self._parameter_help.append((parameter.name(), parameter.description(), help_text, advanced))
        return parameter

    def add_raster_input(self):
        self.add(
            QgsProcessingParameterRasterLayer("INPUT", self.tr("Hyperspectral raster", CONTEXT)),
            self.tr("The image the model reads (GeoTIFF, ENVI or any GDAL format), one band per wavelength.", CONTEXT),
        )

    def add_model(self):
        """MODEL (TorchScript, ONNX or Python recipe) and ALLOW_PYTHON_MODEL."""
        from qgis.core import QgsProcessingParameterBoolean

        self.add(
            QgsProcessingParameterFile(
                "MODEL",
                self.tr("Model file", CONTEXT),
                fileFilter=(
                    "Models (*.pt *.pth *.ts *.torchscript *.jit *.onnx *.py);;"
                    "TorchScript (*.pt *.pth *.ts *.torchscript *.jit);;ONNX (*.onnx);;Python recipe (*.py);;"
                    "All files (*.*)"
                ),
            ),
            self.tr(
                "A TorchScript (.pt) or ONNX (.onnx) model, or a Python recipe (.py, see ALLOW_PYTHON_MODEL). Its "
                "model card (same name, .json, or embedded in the model) gives the task, the targets or class names, "
                "the input scaling, size and wavelengths.",
                CONTEXT,
            ),
        )
        self.add(
            QgsProcessingParameterBoolean(
                "ALLOW_PYTHON_MODEL", self.tr("Allow Python model recipes (runs the recipe's code)", CONTEXT),
                defaultValue=False,
            ),
            self.tr(
                "Accept a Python recipe (.py defining load_model(device)) as MODEL. Off by default because loading a "
                "recipe runs the code in it with your permissions, like running a script: enable it only for "
                "recipes you wrote or trust. TorchScript and ONNX files need no such permission.",
                CONTEXT,
            ),
        )

    def model_options(self, parameters, context) -> dict:
        """Keyword arguments of the workflows for the model: ``allow_python`` (ALLOW_PYTHON_MODEL)."""
        return {"allow_python": self.parameterAsBoolean(parameters, "ALLOW_PYTHON_MODEL", context)}

    def add_polygons(self, optional: bool, help_text: str):
        self.add(
            QgsProcessingParameterVectorLayer(
                "POLYGONS", self.tr("Field polygons", CONTEXT), [SOURCE_VECTOR_POLYGON], optional=optional
            ),
            help_text,
        )
        self.add(
            QgsProcessingParameterField(
                "ID_FIELD",
                self.tr("Field identifier", CONTEXT),
                parentLayerParameterName="POLYGONS",
                optional=True,
            ),
            self.tr("Attribute that identifies each field polygon; empty: the feature id.", CONTEXT),
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
            QgsProcessingParameterString("TARGETS", self.tr("Targets", CONTEXT), defaultValue="", optional=True),
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
                "METHOD", self.tr("Method", CONTEXT),
                options=[self.tr("LIME", CONTEXT), self.tr("Kernel SHAP", CONTEXT)], defaultValue=0,
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
                "N_SAMPLES", self.tr("Number of samples (0 = automatic)", CONTEXT), defaultValue=DEFAULT_N_SAMPLES,
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
                "PRECISION", self.tr("Precision of the automatic sample count", CONTEXT), NUMBER_DOUBLE,
                defaultValue=DEFAULT_PRECISION, minValue=0.001, maxValue=0.999,
            ),
            self.tr("Half-width of the 95 % intervals, as a fraction of each target's largest attribution.", CONTEXT),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterNumber(
                "MAX_SAMPLES", self.tr("Most samples of the automatic sample count", CONTEXT), defaultValue=DEFAULT_MAX_SAMPLES,
                minValue=16,
            ),
            self.tr("The automatic sample count never evaluates more images than this.", CONTEXT),
            advanced=True,
        )

    def add_baseline(self):
        """BASELINE: what a removed feature becomes."""
        self.add(
            QgsProcessingParameterString("BASELINE", self.tr("Baseline", CONTEXT), defaultValue=DEFAULT_BASELINE),
            self.tr(
                "The value a removed feature takes, in model input units: zero, mean (the image's mean of "
                "each band over valid pixels) or a number.",
                CONTEXT,
            ),
        )

    def add_kernel_width(self):
        """KERNEL_WIDTH (advanced): LIME's locality."""
        self.add(
            QgsProcessingParameterNumber(
                "KERNEL_WIDTH",
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
                "BATCH_SIZE", self.tr("Batch size (0 = automatic)", CONTEXT), defaultValue=0, minValue=0
            ),
            self.tr("Images per forward pass; 0 chooses from the free memory.", CONTEXT),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterEnum(
                "DEVICE", self.tr("Device", CONTEXT), options=self.device_options(), defaultValue=0
            ),
            self.tr("Automatic: the GPU when torch sees one, else the CPU. CUDA without a GPU is an error.", CONTEXT),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterNumber("SEED", self.tr("Random seed", CONTEXT), defaultValue=0, minValue=0),
            self.tr("The same seed gives the same samples and the same attributions.", CONTEXT),
            advanced=True,
        )

    def add_faithfulness(self):
        """FAITHFULNESS: score the explanation (deletion, insertion, infidelity) after it is made."""
        from qgis.core import QgsProcessingParameterBoolean

        self.add(
            QgsProcessingParameterBoolean(
                "FAITHFULNESS", self.tr("Score faithfulness (deletion, insertion, infidelity)", CONTEXT),
                defaultValue=False,
            ),
            self.tr(
                "After explaining, remove (or add) the features in order of attribution and in random orders and "
                "record the model's output: deletion_auc (lower is better), insertion_auc (higher is better), the "
                "same for random orders, and infidelity (lower is better), per target, in the outputs and the log. "
                "Costs about 2 x (features + 1) x 4 more model evaluations.",
                CONTEXT,
            ),
        )

    def baseline_value(self, parameters, context) -> str:
        """BASELINE as typed: the engine parses it (``parse_baseline``) and names the choices in its error."""
        return self.parameterAsString(parameters, "BASELINE", context) or DEFAULT_BASELINE

    def explanation_settings(self, parameters, context) -> dict:
        """The shared settings as keyword arguments of the engine workflows (BASELINE as typed:
        the engine parses it and names the accepted values in its error)."""
        baseline = self.baseline_value(parameters, context)
        return dict(
            targets=self.parameterAsString(parameters, "TARGETS", context) or None,
            method=METHODS[self.parameterAsEnum(parameters, "METHOD", context)],
            n_samples=self.parameterAsInt(parameters, "N_SAMPLES", context),
            precision=self.parameterAsDouble(parameters, "PRECISION", context),
            max_samples=self.parameterAsInt(parameters, "MAX_SAMPLES", context),
            baseline=baseline,
            kernel_width=self.parameterAsDouble(parameters, "KERNEL_WIDTH", context),
            batch_size=self.parameterAsInt(parameters, "BATCH_SIZE", context) or None,
            device=DEVICES[self.parameterAsEnum(parameters, "DEVICE", context)],
            seed=self.parameterAsInt(parameters, "SEED", context),
        )

    def raster_path(self, parameters, context) -> str:
        """The file behind INPUT (a GDAL data source name).

        A path is used as it is: loading it as a QGIS layer would compute band statistics
        that GDAL saves in an ``.aux.xml`` beside the input, and a run never changes the
        folder of its inputs. A layer of the project gives its source.
        """
        value = parameters.get("INPUT")
        if isinstance(value, str) and QgsProcessingUtils.mapLayerFromString(value, context, False) is None \
                and Path(value).is_file():
            return value
        layer = self.parameterAsRasterLayer(parameters, "INPUT", context)
        if layer is None:
            raise QgsProcessingException(self.tr("INPUT: no raster layer was given; choose a hyperspectral raster.", CONTEXT))
        if layer.providerType() != "gdal":
            raise QgsProcessingException(
                self.tr("INPUT: the layer comes from the '{}' provider; choose a file-based (GDAL) raster.", CONTEXT).format(
                    layer.providerType()
                )
            )
        return layer.source()

    def polygons_path(self, parameters, context, feedback) -> tuple[str | None, str | None]:
        """The POLYGONS layer as a file path and layer name, exported to GeoPackage when it is not a file."""
        if not parameters.get("POLYGONS"):
            return None, None
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, "POLYGONS", context, [suffix[1:] for suffix in VECTOR_DRIVERS], "gpkg", feedback
        )
        return path, layer or None

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
                "BAND_GROUPS", self.tr("Band groups (superbands)", CONTEXT), defaultValue="", optional=True
            ),
            f"{lead} {grammar}" if lead else grammar,
        )

    def add_wavelengths(self):
        """WAVELENGTHS: band centres that override or supply the raster's (optional text)."""
        self.add(
            QgsProcessingParameterString(
                "WAVELENGTHS", self.tr("Band wavelengths (override)", CONTEXT), defaultValue="", optional=True
            ),
            self.tr(
                "Band centres in nm, one per band in band order, separated by commas (values below 100 are read as "
                "micrometres), or the path of a text/CSV file that lists them. Empty: the wavelengths stored in the "
                "raster.",
                CONTEXT,
            ),
            advanced=True,
        )

    def wavelengths_override(self, parameters, context) -> str | None:
        """The WAVELENGTHS text, or None when it is empty."""
        return self.parameterAsString(parameters, "WAVELENGTHS", context).strip() or None

    def add_report_output(self):
        """OUTPUT_REPORT: the optional HTML report, shown in the Results Viewer when the run ends."""
        self.add(
            QgsProcessingParameterFileDestination(
                "OUTPUT_REPORT", self.tr("Report", CONTEXT), self.tr("HTML files (*.html)", CONTEXT), optional=True,
                createByDefault=False,
            ),
            self.tr(
                "A self-contained HTML page: the parameters, the model card, the device, the time taken, per target "
                "the prediction, the base value (the model with every feature removed) and the surrogate's R2, and "
                "the figures.",
                CONTEXT,
            ),
        )

    def report_path(self, parameters, context) -> str | None:
        """The OUTPUT_REPORT file, or None when no report was asked for."""
        return self.parameterAsFileOutput(parameters, "OUTPUT_REPORT", context) or None

    def add_table_output(self, name: str, description: str, help_text: str, optional: bool = False):
        """A table destination (CSV or GeoPackage, no geometry) that loads into the project as a table layer."""
        parameter = QgsProcessingParameterVectorDestination(
            name, description, SOURCE_VECTOR, optional=optional, createByDefault=not optional
        )
        parameter.setSupportsNonFileBasedOutput(False)  # the engine writes the file itself
        return self.add(parameter, help_text)

    def table_output_path(self, parameters, name: str, context) -> str | None:
        """The file of a table destination, or None when it was not requested."""
        return self.parameterAsOutputLayer(parameters, name, context) or None
