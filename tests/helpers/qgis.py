"""What the QGIS-side tests share: a feedback that records messages, processing.run around it, exact failures."""
import shutil

import pytest

from helpers import NO_QGIS

pytest.importorskip("qgis.core", reason=NO_QGIS)
from qgis.core import QgsProcessingException, QgsProcessingFeedback  # noqa: E402 (skipped without QGIS)

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


def assert_fails_with(algorithm, parameters, expected_message, tmp_path):
    """Assert that a run refuses its input with exactly ``expected_message`` and writes nothing.

    The run must raise :class:`QgsProcessingException` whose message equals
    ``expected_message`` to the letter, and no file may appear in ``tmp_path`` (outputs are
    written to temporary files and renamed at the end, so a failed run leaves nothing).
    """
    import processing
    import pytest

    before = set(tmp_path.rglob("*"))
    with pytest.raises(QgsProcessingException) as raised:
        processing.run(algorithm, parameters, feedback=RecordingFeedback())
    assert str(raised.value) == expected_message
    left = sorted(str(path.relative_to(tmp_path)) for path in set(tmp_path.rglob("*")) - before)
    assert left == [], "an output was left behind"
