"""The base of every hsi-lime algorithm: parameter helpers, help text, and the engine bridge.

An algorithm module declares its parameters with the helpers here (each with a short
description that becomes its help), reads them, calls one engine workflow with plain
Python values, and returns the outputs. This base turns the engine's contract into
QGIS terms through one :class:`~hsi_lime_plugin.reporting.Reporter` per run: progress,
cancel, information and warnings map onto the run's own feedback (so two runs in two
threads never mix their messages), and ``HsiLimeError`` becomes ``QgsProcessingException``.
The engine names arguments in its messages by their Python names; :func:`parameter_name`
words them as this algorithm's parameters (``n_samples`` -> ``N_SAMPLES``,
``segmentation='slic'`` -> ``SEGMENTATION=1``).

Nothing heavy is imported here or in the algorithm modules at import time: the engine
(``hsi_lime.hsi_lime_plugin``, imported relatively as part of the plugin package) and
torch are imported in the run path only (its light modules, ``options``, ``errors`` and
``reporting``, excepted), so the provider registers in a QGIS without them, and each
algorithm's ``canExecute()`` names what is missing and how to install it.
"""
from __future__ import annotations

import contextlib
import html
import re
import unicodedata
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsProcessing,
    QgsProcessingAlgorithm,
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
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .. import dependencies
from ..hsi_lime_plugin.errors import render_arguments
from ..hsi_lime_plugin.options import (
    ATTRIBUTION_METHODS,
    DEFAULT_BASELINE,
    DEFAULT_KERNEL_WIDTH,
    DEFAULT_MAX_SAMPLES,
    DEFAULT_N_SAMPLES,
    DEFAULT_PRECISION,
    DEVICES,
    KINDS,
    METHODS,
    NOISE_TYPES,
    SEGMENTATIONS,
    UNIT_KINDS,
    VECTOR_DRIVERS,
)
from ..hsi_lime_plugin.reporting import Reporter

ICON = Path(__file__).resolve().parent.parent / "icon.svg"
CONTEXT = "HsiLimeAlgorithm"
#: The README the help links point at (one section per algorithm, headed ``hsilime:<name> — <title>``).
README_URL = "https://github.com/hsi-lime/hsi-lime"
#: Engine arguments whose parameter is not simply the upper-case name.
PARAMETERS = {"raster": "INPUT", "image": "INPUT", "allow_python": "ALLOW_PYTHON_MODEL", "include_rest": "KEEP_UNGROUPED"}
#: Enumerated arguments: the parameter's value is the index of the engine's choice.
ENUMS = {
    "segmentation": SEGMENTATIONS, "method": METHODS, "device": DEVICES, "units": UNIT_KINDS, "kind": KINDS,
    "noise": NOISE_TYPES,
}
#: Arguments whose choices differ between algorithms (disjoint names): METHOD of the explain
#: algorithms (LIME, Kernel SHAP) and of attribute_pixels (gradients, occlusion).
ENUM_ALTERNATIVES = {"method": (METHODS, ATTRIBUTION_METHODS)}


def parameter_name(argument: str, value: str | None = None) -> str:
    """How an engine argument (with an enumerated value) reads in QGIS: ``SEGMENTATION=0``."""
    name = PARAMETERS.get(argument, argument.upper())
    if value is None:
        return name
    for choices in ENUM_ALTERNATIVES.get(argument, (ENUMS.get(argument, ()),)):
        if value in choices:
            return f"{name}={choices.index(value)}"
    return f"{name}={value}"


def in_parameter_names(message: str) -> str:
    """An engine message with its arguments worded as QGIS parameters."""
    return render_arguments(message, parameter_name)


def is_engine_error(error: BaseException) -> bool:
    """Whether ``error`` is the engine's ``HsiLimeError``, whichever module identity raised it.

    The plugin imports the engine as ``hsi_lime.hsi_lime_plugin``; a model recipe or a
    notebook may import it as the top-level ``hsi_lime_plugin`` (``pip install .``): two
    classes of the same name, both meaning "bad input the user can fix".
    """
    return any(
        cls.__name__ == "HsiLimeError" and cls.__module__.endswith("hsi_lime_plugin.errors")
        for cls in type(error).__mro__
    )


@contextlib.contextmanager
def no_gdal_sidecars():
    """In this thread only, keep GDAL from writing ``.aux.xml`` files beside the rasters it opens.

    QGIS computes band statistics when it loads a raster as a layer, and GDAL saves them
    in a sidecar beside the file: a run would change the folder of its input. The option
    is thread-local and restored afterwards, so other threads and later work are unaffected.
    """
    from osgeo import gdal

    previous = gdal.GetThreadLocalConfigOption("GDAL_PAM_ENABLED", None)
    gdal.SetThreadLocalConfigOption("GDAL_PAM_ENABLED", "NO")
    try:
        yield
    finally:
        gdal.SetThreadLocalConfigOption("GDAL_PAM_ENABLED", previous)


def _gdal_reads(path: str) -> bool:
    """Whether GDAL opens ``path`` as a raster (read-only: nothing is written beside it)."""
    from osgeo import gdal

    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        return gdal.OpenEx(path, gdal.OF_RASTER | gdal.OF_READONLY) is not None
    except RuntimeError:  # when another plugin switched GDAL to exceptions
        return False
    finally:
        gdal.PopErrorHandler()


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as hyphens.

    ``hsilime:explain_spatial — Explain spatial importance`` ->
    ``hsilimeexplain_spatial--explain-spatial-importance`` (the dash goes, both spaces stay).
    """
    text = heading.replace("`", "").strip().lower()
    kept = "".join(
        character for character in text
        if character in " -_" or unicodedata.category(character)[0] in "LN"
    )
    return kept.replace(" ", "-")


def plain_text(markup: str) -> str:
    """HTML help as text for a terminal: tags dropped, entities decoded, one paragraph per line."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def in_qgis_process() -> bool:
    """Whether this process is ``qgis_process`` (which prints the help as it is, with no HTML rendering)."""
    return QgsApplication.platform() == "qgis_process"


class HsiLimeAlgorithm(QgsProcessingAlgorithm):
    """Shared behaviour of the hsi-lime algorithms; subclasses define ``name``, ``title`` and
    ``summary`` (English literals marked with ``QT_TRANSLATE_NOOP`` in the class's context),
    ``group_id``, ``initAlgorithm`` (through the ``add_*`` helpers) and ``run_workflow``."""

    #: The display name in English (translated by :meth:`displayName`; the README heading).
    title = ""
    summary = ""
    #: The toolbox group: ``explain_raster``, ``map_scale`` or ``setup`` (names in :meth:`group`).
    group_id = "explain_raster"
    #: Whether running needs the engine's dependencies (torch, spyndex, ...); the installer does not.
    requires_engine = True

    def __init__(self):
        super().__init__()
        self._parameter_help: list[tuple[str, str, str, bool]] = []

    # --- identity -----------------------------------------------------------------------
    def tr(self, text: str, context: str = "") -> str:
        """Translate ``text``; the context is the class the literal is written in (pylupdate5)."""
        return QCoreApplication.translate(context or type(self).__name__, text)

    def createInstance(self):  # noqa: N802 (QGIS API name)
        return type(self)()

    def displayName(self):  # noqa: N802
        return self.tr(self.title)

    def group(self):
        names = {
            "explain_raster": self.tr("Explain a raster", CONTEXT),
            "map_scale": self.tr("Map scale", CONTEXT),
            "setup": self.tr("Setup", CONTEXT),
        }
        return names[self.group_id]

    def groupId(self):  # noqa: N802
        return self.group_id

    def icon(self):
        return QIcon(str(ICON))

    def summary_text(self) -> str:
        """The summary in the user's language."""
        return self.tr(self.summary)

    def shortHelpString(self):  # noqa: N802
        """The help: HTML for the dialog (one paragraph per line), plain text for ``qgis_process help``.

        The dialog shows the whole summary and one line per parameter (its label, its name as
        the log and ``qgis_process`` spell it, and its help; advanced ones last). ``qgis_process
        help`` prints :meth:`shortDescription` (the summary's first sentence) and this text as
        they are, then lists every parameter with its help by itself: there, this text is the
        rest of the summary and the link to the README, without tags.
        """
        if in_qgis_process():
            rest = self.summary_text().partition(". ")[2]
            return "\n".join(line for line in (rest, self.tr("More: {}", CONTEXT).format(self.helpUrl())) if line)
        return self.html_help()

    def html_help(self) -> str:
        """The dialog's help: summary, then a line per parameter (the dialog makes each line a paragraph)."""
        lines = [html.escape(self.summary_text(), quote=False)]
        for advanced in (False, True):
            items = [item for item in self._parameter_help if item[3] == advanced]
            if advanced and items:
                lines.append("<b>{}</b>".format(html.escape(self.tr("Advanced parameters", CONTEXT), quote=False)))
            lines += [
                "<b>{}</b> <i>({})</i>: {}".format(
                    html.escape(description, quote=False), name, html.escape(text, quote=False)
                )
                for name, description, text, _ in items
            ]
        return "\n".join(lines)

    def shortDescription(self):  # noqa: N802
        """The summary's first sentence (the toolbox tooltip; the first line of ``qgis_process help``)."""
        first, separator, _ = self.summary_text().partition(". ")
        return first + "." if separator else first

    def helpUrl(self):  # noqa: N802
        """The README section of this algorithm (the anchor GitHub gives its heading)."""
        return f"{README_URL}#{github_anchor(f'hsilime:{self.name()} — {self.title}')}"

    # --- parameter helpers ----------------------------------------------------------------
    def add(self, parameter, help_text: str, advanced: bool = False):
        """Add ``parameter`` with ``help_text`` (shown in the dialog help and by qgis_process help)."""
        parameter.setHelp(help_text)
        if advanced:
            parameter.setFlags(parameter.flags() | parameter.FlagAdvanced)
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
                "POLYGONS", self.tr("Field polygons", CONTEXT), [QgsProcessing.TypeVectorPolygon], optional=optional
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
                "PRECISION", self.tr("Precision of the automatic sample count", CONTEXT), QgsProcessingParameterNumber.Double,
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
                type=QgsProcessingParameterNumber.Double,
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

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        """Our own words for an unreadable INPUT and numbers out of range, then QGIS's checks."""
        problem = (self._input_problem(parameters, context) or self._number_problem(parameters)
                   or self._band_groups_problem(parameters))
        if problem:
            return False, problem
        with no_gdal_sidecars():  # QGIS's own check loads INPUT as a layer
            return super().checkParameterValues(parameters, context)

    def _input_problem(self, parameters, context) -> str | None:
        value = parameters.get("INPUT")
        if self.parameterDefinition("INPUT") is None or not isinstance(value, str) or not value:
            return None
        if QgsProcessingUtils.mapLayerFromString(value, context, False) is not None:
            return None
        if not Path(value).exists():
            return self.tr("INPUT: {} does not exist; choose an existing raster file.", CONTEXT).format(value)
        if not _gdal_reads(value):
            return self.tr(
                "INPUT: {} is not a raster GDAL can read; choose a GeoTIFF, ENVI or other GDAL raster.", CONTEXT
            ).format(value)
        return None

    def _band_groups_problem(self, parameters) -> str | None:
        """A BAND_GROUPS string that does not parse, pointing at the character, before anything runs."""
        text = parameters.get("BAND_GROUPS")
        if self.parameterDefinition("BAND_GROUPS") is None or not isinstance(text, str) or not text.strip():
            return None
        from ..hsi_lime_plugin.band_grammar import parse_band_groups
        from ..hsi_lime_plugin.errors import HsiLimeError

        try:
            parse_band_groups(text)
        except HsiLimeError as error:
            return error.render(parameter_name)
        return None

    def _number_problem(self, parameters) -> str | None:
        for definition in self.parameterDefinitions():
            if not isinstance(definition, QgsProcessingParameterNumber) or parameters.get(definition.name()) is None:
                continue
            try:
                value = float(parameters[definition.name()])
            except (TypeError, ValueError):
                continue
            if value < definition.minimum():
                return self.tr("{0}: {1} is below {2:g}, the smallest value it takes; give at least {2:g}.", CONTEXT).format(
                    definition.name(), parameters[definition.name()], definition.minimum()
                )
        return None

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
            name, description, QgsProcessing.TypeVector, optional=optional, createByDefault=not optional
        )
        parameter.setSupportsNonFileBasedOutput(False)  # the engine writes the file itself
        return self.add(parameter, help_text)

    def table_output_path(self, parameters, name: str, context) -> str | None:
        """The file of a table destination, or None when it was not requested."""
        return self.parameterAsOutputLayer(parameters, name, context) or None

    # --- running --------------------------------------------------------------------------
    def reporter(self, feedback) -> Reporter:
        """The engine's reporter for this run, bound to its ``feedback`` (messages in parameter names)."""
        return Reporter(
            progress=lambda fraction: feedback.setProgress(100.0 * fraction),
            cancelled=feedback.isCanceled,
            info=feedback.pushInfo,
            warning=feedback.pushWarning,
            render=in_parameter_names,
        )

    def missing_dependencies_message(self) -> str | None:
        """What this algorithm cannot import and how to install it; None when nothing is missing."""
        if not self.requires_engine:
            return None
        missing = dependencies.missing_packages()
        if not missing:
            return None
        from .. import installer

        return self.tr(
            "hsi-lime needs Python packages that this QGIS cannot import: {missing}. Install them with the "
            "algorithm 'Install or update Python dependencies' (Processing Toolbox, Hyperspectral explanations, "
            "Setup; or the menu Plugins, hsi-lime, Install dependencies...), or run: {command}",
            CONTEXT,
        ).format(
            missing=", ".join(missing),
            command=installer.manual_command(dependencies.dependencies_folder(), missing),
        )

    def canExecute(self):  # noqa: N802 (QGIS API name)
        message = self.missing_dependencies_message()
        return (False, message) if message else (True, "")

    def log_torch(self, feedback) -> None:
        """State the torch version and the device a run with DEVICE will use (the GPU's name for CUDA)."""
        if "DEVICE" not in [p.name() for p in self.parameterDefinitions()]:
            return
        import torch

        if torch.cuda.is_available():
            device = self.tr("CUDA, {} (DEVICE auto and cuda use it)", CONTEXT).format(torch.cuda.get_device_name(0))
        else:
            device = self.tr("CPU (torch sees no CUDA GPU)", CONTEXT)
        feedback.pushInfo(self.tr("torch {}, device: {}", CONTEXT).format(torch.__version__, device))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        """Run :meth:`run_workflow` with a reporter bound to ``feedback``, turning missing packages,
        engine errors and cancellation into QGIS terms."""
        message = self.missing_dependencies_message()
        if message:
            raise QgsProcessingException(message)
        reporter = self.reporter(feedback)
        if not self.requires_engine:
            return self.run_workflow(parameters, context, feedback, reporter)
        from ..hsi_lime_plugin.errors import Cancelled

        try:
            self.log_torch(feedback)
            with no_gdal_sidecars():
                return self.run_workflow(parameters, context, feedback, reporter)
        except Cancelled:
            feedback.pushInfo(self.tr("Cancelled: nothing was written.", CONTEXT))
            return {}
        except Exception as error:
            if is_engine_error(error):
                raise QgsProcessingException(error.render(parameter_name)) from None
            raise

    def run_workflow(self, parameters, context, feedback, reporter: Reporter) -> dict:
        """Read the parameters, call one engine workflow with ``reporter``, return the outputs (subclasses)."""
        raise NotImplementedError
