"""What the QGIS-side tests share: a feedback that records messages, and processing.run around it."""
import shutil

from qgis.core import QgsProcessingException, QgsProcessingFeedback

#: The qgis_process binary; Debian's /usr/bin/qgis_process wrapper passes an option 3.22 rejects.
QGIS_PROCESS = shutil.which("qgis_process.bin") or shutil.which("qgis_process")


class RecordingFeedback(QgsProcessingFeedback):
    """Keeps what the algorithm reported, to assert exact messages."""

    def __init__(self):
        super().__init__()
        self.errors, self.warnings, self.infos = [], [], []

    def reportError(self, error, fatalError=False):  # noqa: N802 (QGIS API name)
        self.errors.append(error)

    def pushWarning(self, warning):  # noqa: N802
        self.warnings.append(warning)

    def pushInfo(self, info):  # noqa: N802
        self.infos.append(info)


def run_algorithm(algorithm, parameters, feedback=None):
    """processing.run with a recording feedback; returns (results or None, feedback)."""
    import processing

    feedback = feedback or RecordingFeedback()
    try:
        return processing.run(algorithm, parameters, feedback=feedback), feedback
    except QgsProcessingException as error:
        feedback.errors.append(str(error))
        return None, feedback
