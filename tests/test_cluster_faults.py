"""Dask clusters as users deploy them: environments checked before the first unit, cancel, progress.

Every cluster here has a scheduler with only dask and distributed (tests/helpers/cluster.py). What a worker
lacks (the engine, torch, numpy, onnxruntime for an ONNX model, a CUDA device behind ``--resources GPU=1``) or
has in another version is found before any unit runs, with one message naming the worker and the command that
fixes it, and nothing is written. Cancel sets the run's event: the slow model's log shows that no worker starts
more than one batch after it. (Host failures: tests/test_cluster_hosts.py.)
"""
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from helpers import REPO_ROOT
from helpers.cluster import BARE_WORKER, SCHEDULER_PYTHON, Worker, dask_cluster
from helpers.scene import write_band_model
from helpers.units import batches, write_slow_recipe, write_tile_raster
from hsi_lime_plugin import __version__
from hsi_lime_plugin.errors import Cancelled, HsiLimeError
from hsi_lime_plugin.reporting import RecordingReporter
from hsi_lime_plugin.runs.explain_fields import run_fields
from hsi_lime_plugin.scale import environment

pytest.importorskip("distributed", reason="dask and distributed are missing: pip install -r requirements.txt")
ENGINE = dict(n_samples=32, batch_size=16, device="cpu", seed=5, baseline="zero")
SPECTRAL = dict(units="tiles", tile_size=4, kind="spectral", band_groups="a=i0-i2; b=i3-i7")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster_inputs")
    return {"tiles": write_tile_raster(folder / "tiles.tif"),
            "model": write_band_model(folder / "bands.pt", {"low": [0, 1, 2], "high": [5, 6]})}


def _blocker(folder: Path, module: str) -> Path:
    """A folder whose ``module`` raises ImportError: put first on a worker's PYTHONPATH, the worker lacks it."""
    (folder / module).mkdir(parents=True)
    (folder / module / "__init__.py").write_text(f"raise ImportError('{module} is not installed here')\n")
    return folder


def _older_engine(folder: Path) -> Path:
    """A copy of the engine that says it is version 0.0.1."""
    shutil.copytree(REPO_ROOT / "hsi_lime_plugin", folder / "hsi_lime_plugin",
                    ignore=shutil.ignore_patterns("__pycache__"))
    init = folder / "hsi_lime_plugin" / "__init__.py"
    init.write_text(init.read_text().replace(f'__version__ = "{__version__}"', '__version__ = "0.0.1"'))
    return folder


def test_a_worker_without_the_engine_is_named_before_any_unit(inputs, tmp_path):
    """A worker started from the scheduler's bare environment: one message names it, the engine, torch and numpy
    it lacks and the pip commands, before any unit runs; nothing is written."""
    out = tmp_path / "out"
    with dask_cluster(tmp_path, [Worker(), BARE_WORKER]) as (address, _):
        from distributed import Client

        with Client(address, set_as_default=False) as client:  # the probe reaches both, the bare one too
            reports = environment.probe_workers(client, ("hsi_lime_plugin", "torch", "numpy"), False)
        lacking = [worker for worker, report in reports.items() if report["modules"]["hsi_lime_plugin"][0] is None]
        assert len(reports) == 2 and len(lacking) == 1
        with pytest.raises(HsiLimeError) as raised:
            run_fields(str(inputs["tiles"]), str(inputs["model"]), **SPECTRAL, dask_scheduler=address,
                       output_table=str(out / "table.csv"), **ENGINE)
    message = str(raised.value)
    worker = lacking[0]
    assert message.startswith(f"dask_scheduler: the Dask worker {worker} cannot import the engine hsi_lime_plugin "
                              "(ModuleNotFoundError: No module named 'hsi_lime_plugin'); install it there with "
                              f"'{SCHEDULER_PYTHON} -m pip install .' in a copy of the hsi-lime {__version__} "
                              "repository, then restart the worker")
    import torch

    assert f"the Dask worker {worker} cannot import torch (ModuleNotFoundError: No module named 'torch'); install " \
           f"it there with '{SCHEDULER_PYTHON} -m pip install torch=={torch.__version__}'" in message
    assert f"'{SCHEDULER_PYTHON} -m pip install numpy=={np.__version__}'" in message
    assert message.endswith("; nothing was run or written.")
    assert not out.exists()


@pytest.fixture(scope="module")
def odd_cluster(tmp_path_factory):
    """Worker 0: the engine, onnxruntime blocked, offers GPU=1 (no CUDA here); worker 1: the engine 0.0.1."""
    folder = tmp_path_factory.mktemp("odd_cluster")
    blocked = _blocker(folder / "blocked", "onnxruntime")
    older = _older_engine(folder / "older")
    workers = [Worker(options=("--resources", "GPU=1"), env={"PYTHONPATH": f"{blocked}{os.pathsep}{REPO_ROOT}"}),
               Worker(env={"PYTHONPATH": str(older)})]
    with dask_cluster(folder, workers) as (address, _):
        from distributed import Client

        with Client(address, set_as_default=False) as client:
            resources = {worker: info["resources"] for worker, info in client.scheduler_info()["workers"].items()}
            yield client, address, next(w for w, r in resources.items() if r), next(w for w, r in resources.items()
                                                                                  if not r)


def test_another_engine_version_is_refused_with_the_reason(odd_cluster):
    client, address, _, older = odd_cluster
    with pytest.raises(HsiLimeError) as raised:
        environment.check_workers(client, address, environment.Needs("torchscript", "cpu"), RecordingReporter())
    assert f"the Dask worker {older} has hsi-lime 0.0.1 and this machine {__version__}: its units would be explained " \
           "by other code than this run records, and their results may not read here; install hsi-lime " \
           f"{__version__} there" in str(raised.value)


def test_an_onnx_model_needs_onnxruntime_on_every_worker(odd_cluster):
    client, address, blocked, _ = odd_cluster
    with pytest.raises(HsiLimeError) as raised:
        environment.check_workers(client, address, environment.Needs("onnx", "cpu"), RecordingReporter())
    assert f"the model is an onnx model, which needs onnxruntime, and the Dask worker {blocked} cannot import " \
           "onnxruntime (ImportError: onnxruntime is not installed here); install it there with '" in str(raised.value)
    assert "-m pip install onnxruntime (onnxruntime-gpu for CUDA)', then restart the worker" in str(raised.value)


def test_cuda_needs_gpu_workers_that_have_cuda(odd_cluster):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: the GPU worker would have it")
    client, address, gpu_worker, _ = odd_cluster
    with pytest.raises(HsiLimeError) as raised:
        environment.check_workers(client, address, environment.Needs("torchscript", "cuda"), RecordingReporter())
    assert f"the Dask worker {gpu_worker} offers the resource GPU but its torch {torch.__version__} cannot use CUDA " \
           "(torch sees no CUDA device); install a CUDA build of torch there, or start it without --resources " \
           "GPU=1, or choose the device cpu (device)" in str(raised.value)


def test_cuda_on_a_cluster_without_gpu_workers_is_refused(inputs, tmp_path):
    with dask_cluster(tmp_path, 1) as (address, _):
        with pytest.raises(HsiLimeError) as raised:
            run_fields(str(inputs["tiles"]), str(inputs["model"]), **SPECTRAL, dask_scheduler=address,
                       output_table=str(tmp_path / "out" / "table.csv"), **{**ENGINE, "device": "cuda"})
    assert str(raised.value) == (
        f"device: CUDA was asked for, and on a Dask cluster such units run only on workers that offer the resource "
        f"GPU, but none of the 1 workers of {address} does; nothing was run or written. Start one per GPU with "
        f"'dask worker {address} --nthreads 1 --resources GPU=1' on machines with a CUDA GPU, or choose the device "
        "cpu.")
    assert not (tmp_path / "out").exists()


def test_other_torch_and_numpy_versions_are_warned_about():
    report = {"modules": {"torch": ["1.0.0", None], "numpy": ["1.0.0", None]}}
    differences = environment._versions("tcp://10.0.0.7:40000", report)
    import torch

    assert differences == [
        f"the Dask worker tcp://10.0.0.7:40000 runs torch 1.0.0 and this machine torch {torch.__version__}: its units "
        f"agree with a run here to rounding only (another build's float kernels); install torch=={torch.__version__} "
        "there for identical results",
        f"the Dask worker tcp://10.0.0.7:40000 runs numpy 1.0.0 and this machine numpy {np.__version__}: its units "
        "agree with a run here to rounding only (scikit-image's SLIC and the fits on another numpy); install "
        f"numpy=={np.__version__} there for identical results",
    ]


def test_cancel_stops_every_worker_within_a_batch_and_progress_counts_units(inputs, tmp_path):
    """QGIS's cancel (reporter.cancelled()) once the first results arrive: the run raises Cancelled, nothing is
    written, and no worker starts more than one batch after the cancel (a task explains up to 4 units of 3
    batches each: without the cancel event a worker would finish its task). Before the cancel, the progress
    bar counted the units done on the cluster."""
    log = tmp_path / "batches.log"
    model = write_slow_recipe(tmp_path / "slow.py", log, seconds=0.3)
    out = tmp_path / "out"
    cancel = {}

    def cancelled() -> bool:
        if reporter.fractions and not cancel:
            cancel["at"] = time.time()
        return bool(cancel)

    reporter = RecordingReporter(cancelled=cancelled)
    with dask_cluster(tmp_path, 2) as (address, _):
        from distributed import Client

        with pytest.raises(Cancelled):
            run_fields(str(inputs["tiles"]), str(model), **SPECTRAL, dask_scheduler=address, allow_python=True,
                       output_table=str(out / "table.csv"), reporter=reporter, **ENGINE)
        time.sleep(3)  # what the workers still do after the cancel goes to the log
        with Client(address, set_as_default=False) as client:
            pids = set(client.run(os.getpid).values())
            executing = client.run(lambda dask_worker: len(dask_worker.state.executing))
    started_after = [start for pid, start, _ in batches(log) if pid in pids and start > cancel["at"]]
    assert len(started_after) <= len(pids), started_after
    assert set(executing.values()) == {0}
    assert not out.exists()
    n_units = 40
    assert reporter.fractions and all(np.isclose(f * n_units, round(f * n_units)) for f in reporter.fractions)
    assert reporter.fractions == sorted(reporter.fractions)


def test_cancel_in_qgis_reaches_the_cluster(inputs, hsilime_provider, tmp_path):
    """feedback.cancel() (the dialog's Cancel button) once the progress bar has moved: every future is cancelled,
    the workers stop within a batch, nothing is written; the progress bar counted the units done on the cluster."""
    from helpers.qgis import RecordingFeedback, run_algorithm

    log = tmp_path / "batches.log"
    model = write_slow_recipe(tmp_path / "slow.py", log, seconds=0.3)
    feedback, progress, cancel = RecordingFeedback(), [], {}

    def changed(value: float) -> None:
        progress.append(value)
        if value > 0 and not cancel:
            cancel["at"] = time.time()
            feedback.cancel()

    feedback.progressChanged.connect(changed)
    with dask_cluster(tmp_path, 2) as (address, _):
        from distributed import Client

        results, _ = run_algorithm("hsilime:explain_fields", {
            "INPUT": str(inputs["tiles"]), "MODEL": str(model), "ALLOW_PYTHON_MODEL": True, "UNITS": 1,
            "TILE_SIZE": 4, "KIND": 1, "BAND_GROUPS": SPECTRAL["band_groups"], "N_SAMPLES": 32, "BATCH_SIZE": 16,
            "DEVICE": 1, "SEED": 5, "DASK_SCHEDULER": address, "OUTPUT_TABLE": str(tmp_path / "out" / "t.csv"),
        }, feedback)
        time.sleep(3)  # what the workers still do after the cancel goes to the log
        with Client(address, set_as_default=False) as client:
            pids = set(client.run(os.getpid).values())
    assert results == {} and "Cancelled: nothing was written." in feedback.infos, feedback.errors
    assert len([start for pid, start, _ in batches(log) if pid in pids and start > cancel["at"]]) <= len(pids)
    assert not (tmp_path / "out").exists()
    assert [value for value in progress if value > 0] and all(np.isclose(value / 2.5, round(value / 2.5))
                                                              for value in progress)  # 100 / 40 units
