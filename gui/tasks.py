"""The background task every click of the explorer runs in: the canvas never waits for a file or a model.

:class:`ExplorerTask` runs one engine call (reading a unit back from an output, or explaining a place) in
QGIS's task manager, with progress and Cancel there, and hands its result to a callback on the main
thread. It holds plain values only (settings, the click), never a layer or a widget, so that closing the
project or unloading the plugin while it runs leaves it nothing to touch: the explorer then drops the
callback (:meth:`ExplorerTask.forget`) and cancels it.
"""
from __future__ import annotations

import traceback

from qgis.core import QgsMessageLog, QgsTask

from ..hsi_lime_plugin.errors import Cancelled, HsiLimeError
from ..hsi_lime_plugin.python_thread import in_python_thread
from ..hsi_lime_plugin.reporting import Reporter

#: The message log tab of the explorer.
LOG_TAG = "hsi-lime"
#: Every task not finished yet: QGIS's task manager holds the C++ object only, and a task whose Python side was
#: collected while it runs (its explorer unloaded) would crash QGIS.
RUNNING: set = set()


class ExplorerTask(QgsTask):
    """``job(reporter)`` in the background; ``done(task)`` on the main thread with ``view`` or ``error`` set
    (neither after a cancel)."""

    def __init__(self, description: str, job, done):
        super().__init__(description)
        self.job, self.done = job, done
        self.view = None
        self.error: str | None = None
        RUNNING.add(self)

    def run(self) -> bool:  # noqa: D401 (QGIS API)
        reporter = Reporter(progress=lambda fraction: self.setProgress(100.0 * fraction), cancelled=self.isCanceled,
                            info=lambda message: None, warning=self._warn)
        try:
            self.view = in_python_thread(lambda: self.job(reporter=reporter))
            return True
        except Cancelled:
            return False
        except HsiLimeError as error:
            self.error = str(error)
        except Exception:  # noqa: BLE001 (a fault of the machine or a bug: shown, logged, never raised in QGIS)
            self.error = traceback.format_exc(limit=4)
            QgsMessageLog.logMessage(traceback.format_exc(), LOG_TAG)
        return False

    def finished(self, result: bool) -> None:  # noqa: N802 (QGIS API name)
        RUNNING.discard(self)
        if self.done is not None:
            self.done(self)

    def forget(self) -> None:
        """Drop the callback and cancel: the dock or the project it was for is going away."""
        self.done = None
        self.cancel()

    def _warn(self, message: str) -> None:
        QgsMessageLog.logMessage(message, LOG_TAG)
