"""Runs in QGIS that are cancelled, interrupted, killed, or run side by side: nothing half-done remains."""
import os
import signal
import subprocess
import threading
import time

import numpy as np
import pytest
import rasterio

from helpers.qgis import QGIS_PROCESS, RecordingFeedback

SPATIAL = "hsilime:explain_spatial"


def spatial(scene, output, **overrides):
    return {"INPUT": str(scene.raster), "MODEL": str(scene.model), "SEGMENTATION": 2, "PATCH_SIZE": 5,
            "N_SAMPLES": 96, "BATCH_SIZE": 8, "OUTPUT": str(output), **overrides}


class ProgressFeedback(RecordingFeedback):
    """Records each progress report (one per batch) with its time."""

    def __init__(self):
        super().__init__()
        self.reports = []

    def setProgress(self, progress):  # noqa: N802 (QGIS API name)
        self.reports.append(time.perf_counter())
        super().setProgress(progress)


def test_cancel_from_another_thread_stops_within_one_batch_and_writes_nothing(hsilime_provider, scene, tmp_path,
                                                                             record_property):
    import processing

    feedback = ProgressFeedback()
    cancelled = {}

    def cancel_after_two_batches():
        while len(feedback.reports) < 2:
            time.sleep(0.001)
        cancelled["batches"], cancelled["at"] = len(feedback.reports), time.perf_counter()
        feedback.cancel()

    canceller = threading.Thread(target=cancel_after_two_batches)
    canceller.start()
    results = processing.run(SPATIAL, spatial(scene, tmp_path / "out.tif", N_SAMPLES=20000), feedback=feedback)
    returned = time.perf_counter()
    canceller.join()
    assert results == {}
    assert len(feedback.reports) - cancelled["batches"] <= 1  # at most the batch in flight
    assert "Cancelled: nothing was written." in feedback.infos
    assert list(tmp_path.iterdir()) == []
    record_property("cancel_latency_seconds", round(returned - cancelled["at"], 4))


def test_two_algorithms_at_once_in_one_process_match_their_sequential_runs(hsilime_provider, scene, tmp_path):
    import processing

    runs = {"patches": spatial(scene, tmp_path / "a.tif", SEED=1),
            "slic": spatial(scene, tmp_path / "b.tif", SEGMENTATION=1, N_SEGMENTS=12, SEED=2)}
    feedbacks = {name: RecordingFeedback() for name in runs}
    errors = []

    def work(name):
        try:
            processing.run(SPATIAL, runs[name], feedback=feedbacks[name])
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(name,)) for name in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    concurrent = {name: rasterio.open(parameters["OUTPUT"]).read() for name, parameters in runs.items()}
    for name, parameters in runs.items():
        again = dict(parameters, OUTPUT=str(tmp_path / f"sequential_{name}.tif"))
        sequential = RecordingFeedback()
        processing.run(SPATIAL, again, feedback=sequential)
        np.testing.assert_array_equal(rasterio.open(again["OUTPUT"]).read(), concurrent[name])
        assert _untimed(feedbacks[name].infos) == _untimed(sequential.infos)
        assert feedbacks[name].warnings == sequential.warnings


def _untimed(messages):
    """The messages of a run without those that state a duration or its output paths (they differ)."""
    return [message for message in messages if " s (batch size" not in message and not message.startswith("Results:")]


@pytest.fixture(scope="module")
def slow_run(tmp_path_factory):
    """Start qgis_process on a long explanation; yields (start(folder) -> Popen, environment)."""
    if QGIS_PROCESS is None:
        pytest.skip("qgis_process is not installed (apt-get install qgis)")
    from helpers import REPO_ROOT

    folder = tmp_path_factory.mktemp("qgis_runs")
    (folder / "plugins").mkdir()
    (folder / "plugins" / "hsi_lime").symlink_to(REPO_ROOT)
    env = dict(os.environ, QGIS_PLUGINPATH=str(folder / "plugins"), QGIS_CUSTOM_CONFIG_PATH=str(folder / "profile"),
               QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(folder))
    subprocess.run([QGIS_PROCESS, "plugins", "enable", "hsi_lime"], env=env, capture_output=True, check=True)
    return env


def _start(env, scene, output, n_samples):
    arguments = [f"--{name}={value}" for name, value in spatial(scene, output, N_SAMPLES=n_samples).items()]
    return subprocess.Popen([QGIS_PROCESS, "run", SPATIAL, *arguments], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _wait_for_progress(process) -> str:
    """Read the run's output until its progress bar moves ("0...10"), or the run ends."""
    seen = ""
    while "..." not in seen and process.poll() is None:
        seen += process.stdout.read(1)
    return seen


@pytest.mark.qgis_process
def test_sigint_to_qgis_process_stops_the_run_and_leaves_nothing(slow_run, scene, tmp_path, record_property):
    process = _start(slow_run, scene, tmp_path / "out.tif", 400_000)
    _wait_for_progress(process)
    sent = time.perf_counter()
    process.send_signal(signal.SIGINT)
    process.wait(timeout=120)
    record_property("sigint_exit_seconds", round(time.perf_counter() - sent, 3))
    rest = process.stdout.read()
    assert "Caught signal: Interrupt" in rest and "Cancelled: nothing was written." in rest, rest
    assert not (tmp_path / "out.tif").exists()
    assert [path.name for path in tmp_path.iterdir() if ".partial" not in path.name] == []


@pytest.mark.qgis_process
def test_a_killed_run_leaves_no_output_and_the_next_run_cleans_its_leftovers(slow_run, scene, tmp_path):
    process = _start(slow_run, scene, tmp_path / "out.tif", 400_000)
    _wait_for_progress(process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert not (tmp_path / "out.tif").exists()
    stale = tmp_path / f".out.{process.pid}-0123abcd.partial.tif"  # as a kill while writing leaves it
    stale.write_bytes(b"half written")
    finished = _start(slow_run, scene, tmp_path / "out.tif", 48)
    finished.wait(timeout=300)
    assert finished.returncode == 0, finished.stdout.read()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.qml", "out.tif"]  # the output and its style
