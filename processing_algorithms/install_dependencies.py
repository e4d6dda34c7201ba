"""hsilime:install_dependencies: install torch, spyndex (and what else is missing) for this QGIS."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputFolder,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..hsi_lime_plugin.options import DEVICES
from .qgis_compat import FILE_FOLDER
from .base import HsiLimeAlgorithm


class InstallDependencies(HsiLimeAlgorithm):
    """Runs the pip of QGIS's own Python into the plugin's dependency folder; needs only QGIS."""

    P_INCLUDE_ONNX = "INCLUDE_ONNX"
    P_INCLUDE_DASK = "INCLUDE_DASK"
    P_INCLUDE_SKOPS = "INCLUDE_SKOPS"
    P_FOLDER = "FOLDER"
    P_REPORT = "REPORT"

    requires_engine = False

    title = QT_TRANSLATE_NOOP("InstallDependencies", "Install or update Python dependencies")
    group_id = "setup"
    summary = QT_TRANSLATE_NOOP(
        "InstallDependencies",
        "Downloads and installs the Python packages the hsi-lime algorithms need (torch, spyndex, and "
        "rasterio, geopandas, scikit-image, onnxruntime or skops when this QGIS lacks them) with the pip of the "
        "Python QGIS runs, into a folder of the plugin's own. Packages QGIS already has (numpy, GDAL, "
        "pandas, ...) are kept as they are. The algorithms work as soon as it finishes, without restarting "
        "QGIS. Needs an internet connection; the CPU build of torch is about 200 MB to download, the CUDA "
        "build several GB."  # no trailing comma: pylupdate5 then skips the literal
    )

    def name(self):
        return "install_dependencies"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add(
            QgsProcessingParameterEnum(
                self.P_DEVICE,
                self.tr("PyTorch build"),
                options=[self.tr("Auto-detect"), self.tr("CPU only"), self.tr("NVIDIA CUDA")],
                defaultValue=0,
            ),
            self.tr(
                "Auto-detect: the CUDA build when an NVIDIA driver is found (nvidia-smi or the driver library), "
                "else the CPU build. The log says which it chose and why."
            ),
        )
        self.add(
            QgsProcessingParameterBoolean(self.P_INCLUDE_ONNX, self.tr("Include ONNX Runtime"), defaultValue=True),
            self.tr("Also install onnxruntime, which ONNX (.onnx) models need."),
        )
        self.add(
            QgsProcessingParameterBoolean(self.P_INCLUDE_SKOPS, self.tr("Include skops"), defaultValue=False),
            self.tr("Also install skops, which scikit-learn models saved as .skops files (EnMAP-Box's classifiers "
                    "and regressors) need."),
        )
        self.add(
            QgsProcessingParameterBoolean(self.P_INCLUDE_DASK, self.tr("Include Dask"), defaultValue=False),
            self.tr("Also install dask and distributed, which running 'Explain every field or tile' on a Dask "
                    "cluster (DASK_SCHEDULER) needs; not needed to run in this process."),
        )
        self.add(
            QgsProcessingParameterFile(
                self.P_FOLDER,
                self.tr("Dependency folder"),
                behavior=FILE_FOLDER,
                optional=True,
            ),
            self.tr(
                "Where the packages go. Empty: the HSI_LIME_DEPENDENCIES environment variable when set, else "
                "python/hsi_lime_dependencies/python3.X in the active QGIS profile. Its previous content is "
                "replaced only when the installation succeeds."
            ),
            advanced=True,
        )
        self.addOutput(QgsProcessingOutputFolder(self.P_FOLDER, self.tr("Dependency folder")))
        self.addOutput(QgsProcessingOutputString(self.P_REPORT, self.tr("Report")))

    def run_workflow(self, parameters, context, feedback, reporter):
        from .. import dependencies, installer, platforms

        folder_text = self.parameterAsFile(parameters, self.P_FOLDER, context)
        folder = Path(folder_text) if folder_text else dependencies.dependencies_folder()
        if folder is None:
            raise QgsProcessingException(self.tr("FOLDER: no QGIS profile is known here; choose a folder."))
        choice = DEVICES[self.parameterAsEnum(parameters, self.P_DEVICE, context)]
        include_onnx = self.parameterAsBoolean(parameters, self.P_INCLUDE_ONNX, context)
        include_dask = self.parameterAsBoolean(parameters, self.P_INCLUDE_DASK, context)
        include_skops = self.parameterAsBoolean(parameters, self.P_INCLUDE_SKOPS, context)
        started = time.perf_counter()
        try:
            python = platforms.find_python()
            cuda = platforms.detect_cuda()
            device, why = platforms.choose_device(choice, cuda)
            extra, source = platforms.torch_source(device)
            provided = installer.installed_outside([folder])
            packages = installer.requirements(include_onnx, provided, include_dask=include_dask,
                                              include_skops=include_skops)
            feedback.pushInfo(self.tr("Python of this QGIS: {}").format(python))
            feedback.pushInfo(self.tr("torch build: {}").format(why))
            feedback.pushInfo(self.tr("torch source: {}").format(source))
            feedback.pushInfo(self.tr("Installing into {}: {}").format(folder, ", ".join(packages)))
            result = installer.install(
                folder,
                packages,
                python,
                extra=extra,
                log=feedback.pushConsoleInfo,
                progress=lambda fraction: feedback.setProgress(100.0 * fraction),
                cancelled=feedback.isCanceled,
                provided=provided,
                device=device,
            )
        except installer.InstallCancelled:
            feedback.pushInfo(self.tr("Cancelled: the previous dependency folder {} is unchanged.").format(folder))
            return {self.P_FOLDER: str(folder), self.P_REPORT: ""}
        except platforms.InstallError as error:
            raise QgsProcessingException(str(error)) from None
        dependencies.add_folder(folder)  # usable in this session, without a restart
        torch_line = installer.probe_torch(python, folder)
        lines = [
            self.tr("Installed into {} in {:.0f} s:").format(folder, time.perf_counter() - started),
            ", ".join(f"{name} {version}" for name, version in result["installed"]),
            torch_line,
            self.tr("torch build chosen: {}").format(why),
        ]
        if result["removed"]:
            lines.append(
                self.tr("Kept this QGIS's own: {}").format(
                    ", ".join(
                        f"{name} {qgis_version}" + ("" if qgis_version == version else f" (pip chose {version})")
                        for name, version, qgis_version in result["removed"]
                    )
                )
            )
        if "torch" in sys.modules and not str(getattr(sys.modules["torch"], "__file__", "")).startswith(str(folder)):
            lines.append(self.tr("torch was already loaded in this session from elsewhere: restart QGIS to use the new one."))
        still_missing = dependencies.missing_packages()
        if still_missing:
            lines.append(self.tr("Still missing: {}").format(", ".join(still_missing)))
        report = "\n".join(lines)
        for line in lines:
            feedback.pushInfo(line)
        feedback.setProgress(100)
        return {self.P_FOLDER: str(folder), self.P_REPORT: report}
