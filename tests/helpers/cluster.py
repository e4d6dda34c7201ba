"""Dask clusters as users deploy them: a scheduler with only dask and distributed, workers with the engine.

The scheduler runs from ``build/scheduler-venv`` (made by ``make setup``: a virtual environment of the system
Python holding dask and distributed and nothing else: no engine, no torch, no numpy), started in a folder
that does not contain the repository and without PYTHONPATH, so it cannot import the engine from anywhere.
The workers run the venv's Python with the repository on PYTHONPATH (what ``pip install .`` gives a real
worker: the engine as the top-level package ``hsi_lime_plugin``), torch on one thread. Every process is
stopped by its id at the end.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import REPO_ROOT

#: The scheduler's environment: dask and distributed only (scripts/setup.sh).
SCHEDULER_VENV = REPO_ROOT / "build" / "scheduler-venv"
SCHEDULER_PYTHON = SCHEDULER_VENV / "bin" / "python"
#: The workers' dask command line: this Python (not the script in bin/, whose first line names another).
WORKER_DASK = [sys.executable, "-m", "dask"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 15 s: the process started by the test, by its id."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def bare_environment(**extra) -> dict:
    """This process's environment without PYTHONPATH (and with ``extra``)."""
    return {**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, **extra}


def worker_environment(**extra) -> dict:
    """A worker's environment: the engine from the repository, one thread, and ``extra`` (which may replace
    PYTHONPATH)."""
    return bare_environment(**{"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONPATH": str(REPO_ROOT),
                               "DASK_DISTRIBUTED__WORKER__DAEMON": "False", **extra})


def require_scheduler_venv(folder: Path) -> None:
    """Skip without build/scheduler-venv; fail if it can import the engine, torch or numpy from ``folder``."""
    if not SCHEDULER_PYTHON.is_file():
        pytest.skip(f"{SCHEDULER_VENV} is missing (make setup creates it: a venv with only dask and distributed)")
    probe = subprocess.run(
        [str(SCHEDULER_PYTHON), "-c", "import importlib.util as u; import distributed; "
         "print([m for m in ('hsi_lime_plugin', 'torch', 'numpy') if u.find_spec(m)])"],
        cwd=folder, env=bare_environment(), capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0 and probe.stdout.strip() == "[]", probe.stdout + probe.stderr


def scheduler_command(port: int, host: str = "127.0.0.1") -> list[str]:
    return [str(SCHEDULER_PYTHON), "-m", "dask", "scheduler", "--host", host, "--port", str(port), "--no-dashboard"]


def worker_command(address: str, host: str = "127.0.0.1", *extra: str, dask=WORKER_DASK) -> list[str]:
    return [*dask, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", host,
            *extra]


@dataclass(frozen=True)
class Worker:
    """How one worker is started: its dask command line (default: the engine's venv), extra options
    (``--resources GPU=1``) and environment variables (``PYTHONPATH`` replaced)."""

    dask: tuple = tuple(WORKER_DASK)
    options: tuple = ()
    env: dict = field(default_factory=dict)


#: A worker as a scheduler machine would run it: the bare venv, without the engine, torch or numpy.
BARE_WORKER = Worker(dask=(str(SCHEDULER_PYTHON), "-m", "dask"), env={"PYTHONPATH": ""})


@contextlib.contextmanager
def dask_cluster(folder: Path, workers=2):
    """A scheduler (bare venv, started in ``folder``) and single-threaded workers without nanny (a killed
    worker stays dead); yields ``(address, processes)``, the scheduler first. ``workers``: how many engine
    workers, or one :class:`Worker` each."""
    pytest.importorskip("distributed", reason="dask and distributed are missing: pip install -r requirements.txt")
    from distributed import Client

    folder = Path(folder)
    require_scheduler_venv(folder)
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = []
    logs = contextlib.ExitStack()
    try:
        log = logs.enter_context(open(folder / "scheduler.log", "w"))
        processes.append(subprocess.Popen(scheduler_command(port), env=bare_environment(), stdout=log,
                                          stderr=subprocess.STDOUT, cwd=folder))
        kinds = [Worker()] * workers if isinstance(workers, int) else list(workers)
        for index, kind in enumerate(kinds):
            log = logs.enter_context(open(folder / f"worker{index}.log", "w"))
            processes.append(subprocess.Popen(worker_command(address, "127.0.0.1", *kind.options, dask=kind.dask),
                                              env=worker_environment(**kind.env), stdout=log,
                                              stderr=subprocess.STDOUT, cwd=folder))
        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(len(kinds), timeout=120)
        yield address, processes
    finally:
        for process in reversed(processes):
            stop(process)
        logs.close()
