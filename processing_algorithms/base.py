"""The base of every hsi-lime algorithm: its identity and run path, made of the parameter, check and help mixins.

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

import sys
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgorithm,
    QgsProcessingException,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .. import dependencies
from ..hsi_lime_plugin.python_thread import in_python_thread
from ..hsi_lime_plugin.reporting import Reporter
from .checks import ParameterChecks, no_gdal_sidecars
from .help_text import HelpText, in_qgis_process
from .messages import CONTEXT, is_engine_error, in_parameter_names, parameter_name
from .parameters import ParameterHelpers
from .readers import ParameterReaders

ICON = Path(__file__).resolve().parent.parent / "icon.svg"


def print_failure_once(message: str) -> None:
    """In ``qgis_process``, let a failed run's ``message`` reach the console once.

    ``qgis_process`` prints every critical message of QGIS's message log on stderr, and QGIS logs a failed
    run's message twice besides the ``ERROR:`` line its console feedback prints: once where the run catches
    the exception (``QgsProcessingAlgorithm::run``) and once in ``QgsProcessingFeedback::reportError``. So
    one refused TARGETS came out three times (twice with ``--json``, whose feedback prints no ``ERROR:``
    line and which prints nothing else on failure). Called as the exception leaves the algorithm, this
    silences the message log for the rest of the ``qgis_process`` run, which ends with that failure, and
    with ``--json`` writes the message itself. The QGIS desktop, where the log is a panel, is left alone.
    """
    if not in_qgis_process():
        return
    QgsApplication.messageLog().blockSignals(True)
    if "--json" in QCoreApplication.arguments():
        print(message, file=sys.stderr, flush=True)


class HsiLimeAlgorithm(HelpText, ParameterHelpers, ParameterReaders, ParameterChecks, QgsProcessingAlgorithm):
    """Shared behaviour of the hsi-lime algorithms; subclasses define ``name``, ``title`` and
    ``summary`` (English literals marked with ``QT_TRANSLATE_NOOP`` in the class's context),
    ``group_id``, ``initAlgorithm`` (through the ``add_*`` helpers) and ``run_workflow``."""

    #: The display name in English (translated by :meth:`displayName`; the title of its reference page).
    title = ""
    summary = ""
    #: The toolbox group: ``explain_raster``, ``map_scale``, ``products`` or ``setup`` (names in :meth:`group`).
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
            "products": self.tr("Sensor products", CONTEXT),
        }
        return names[self.group_id]

    def groupId(self):  # noqa: N802
        return self.group_id

    def icon(self):
        return QIcon(str(ICON))


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
        if self.parameterDefinition(self.P_DEVICE) is None:
            return
        import torch

        if torch.cuda.is_available():
            device = self.tr("CUDA, {} (DEVICE auto and cuda use it)", CONTEXT).format(torch.cuda.get_device_name(0))
        else:
            device = self.tr("CPU (torch sees no CUDA GPU)", CONTEXT)
        feedback.pushInfo(self.tr("torch {}, device: {}", CONTEXT).format(torch.__version__, device))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        """Run :meth:`run_workflow` with a reporter bound to ``feedback``, turning missing packages,
        engine errors and cancellation into QGIS terms; a failure's message reaches ``qgis_process``'s
        console once (:func:`print_failure_once`)."""
        try:
            return self._process(parameters, context, feedback)
        except QgsProcessingException as error:
            print_failure_once(str(error.args[0]) if error.args else "")
            raise

    def _process(self, parameters, context, feedback):
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
        """Read the parameters, call one engine workflow with ``reporter`` (:meth:`run_engine`), return the
        outputs (subclasses)."""
        raise NotImplementedError

    @staticmethod
    def run_engine(run, settings, reporter: Reporter):
        """``run(settings, reporter)``, an engine workflow, in a thread Python started where QGIS runs the
        algorithm on one of its own (pyproj's contexts crash there: :mod:`python_thread`), with no GDAL sidecars
        written beside the files it opens."""
        def call():
            with no_gdal_sidecars():
                return run(settings, reporter)

        return in_python_thread(call)
