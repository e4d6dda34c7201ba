"""Every worker of a Dask cluster checked before the first unit: what it can import, its versions, CUDA, memory.

:func:`check_workers` asks each worker (``Client.run``) with the probe of :mod:`.probe`, which
imports nothing a worker may lack, and compares with this process:

* a worker that cannot import the engine, torch, numpy or the runtime the model needs
  (:data:`RUNTIMES`: onnxruntime for an ONNX model), or that offers the resource ``GPU`` while
  its torch sees no CUDA device, fails the run with one message naming the worker, what is
  missing and the command that fixes it; so does CUDA asked for on a cluster without any
  ``GPU`` worker (the units would wait forever), and another engine version (the units would
  be explained by other code than the run records, and their records may not read here);
* torch or numpy of another version give a warning naming them: results then agree to
  rounding (another build's float kernels, scikit-image's SLIC on another numpy), not bit
  for bit;
* a unit whose estimated memory exceeds a worker's share (its ``memory_limit`` per thread)
  is refused before it could make the worker die.

Nothing has run and nothing is written when any of these fail. The scheduler is not probed:
it needs only dask and distributed (the tasks name only the standard library and dask, and
their data are bytes, :mod:`.cluster`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import HsiLimeError, arg
from ..memory import Footprint, gib
from ..reporting import Reporter
from . import probe, transport

#: The Python modules a model format needs on a worker besides torch, by format.
RUNTIMES = {"onnx": ("onnxruntime",)}
#: What installs a runtime module, when its pip name is not the module's.
INSTALL_NAMES = {"onnxruntime": "onnxruntime (onnxruntime-gpu for CUDA)"}
#: The expression a worker evaluates: define the probe from its source, call it.
PROBE_CALL = "exec(source, namespace) or namespace['probe'](modules, cuda)"


@dataclass(frozen=True)
class Needs:
    """What the units of a run need on every worker.

    Attributes
    ----------
    model_format : str or None
        The model's format (:data:`RUNTIMES`).
    device : str
        The device asked for ("cuda" needs workers with the resource ``GPU`` and a CUDA device).
    unit : Footprint or None
        The memory the largest unit holds, and which unit it is (``unit_name``).
    unit_name : str
    """

    model_format: str | None
    device: str
    unit: Footprint | None = None
    unit_name: str = ""

    @property
    def modules(self) -> tuple[str, ...]:
        return (transport.ENGINE, "torch", "numpy", *RUNTIMES.get(self.model_format or "", ()))


def check_workers(client, address: str, needs: Needs, reporter: Reporter) -> None:
    """Probe every worker of ``client``; raise one message for what fails, warn about versions that differ."""
    workers = client.scheduler_info(n_workers=-1)["workers"]
    cuda = needs.device == "cuda"
    gpu_workers = [worker for worker, info in workers.items() if info.get("resources", {}).get("GPU")]
    if cuda and not gpu_workers:
        raise HsiLimeError(
            f"{arg('device')}: CUDA was asked for, and on a Dask cluster such units run only on workers that offer "
            f"the resource GPU, but none of the {len(workers)} workers of {address} does; nothing was run or "
            f"written. Start one per GPU with 'dask worker {address} --nthreads 1 --resources GPU=1' on machines "
            "with a CUDA GPU, or choose the device cpu."
        )
    reports = probe_workers(client, needs.modules, cuda)
    problems, differences = [], []
    for worker in sorted(reports):
        report = reports[worker]
        if not isinstance(report, dict):
            problems.append(f"the Dask worker {worker} did not answer the environment check ({report})")
            continue
        problems += _missing(worker, report, needs, worker in gpu_workers)
        differences += _versions(worker, report)
        problems += _memory(worker, workers.get(worker, {}), needs)
    if problems:
        raise HsiLimeError(f"{arg('dask_scheduler')}: {'; '.join(problems[:8])}"
                           f"{f' (and {len(problems) - 8} more)' if len(problems) > 8 else ''}; nothing was run or "
                           "written.")
    for difference in differences:
        reporter.warning(f"{arg('dask_scheduler')}: {difference}")


def probe_workers(client, modules, cuda: bool) -> dict:
    """Every worker's :func:`~.probe.probe` report (or the exception it gave), by address: the probe travels
    as source text that the worker runs with its own ``eval`` and ``exec``, so that it cannot fail to arrive."""
    source = Path(probe.__file__).read_text(encoding="utf-8")
    namespace = {"source": source, "namespace": {}, "modules": list(modules), "cuda": bool(cuda)}
    return client.run(eval, PROBE_CALL, namespace, on_error="return")


def _missing(worker: str, report: dict, needs: Needs, offers_gpu: bool) -> list[str]:
    """What the worker lacks, each with the command that installs it there."""
    python, modules = report["executable"], report["modules"]
    problems = []
    engine, problem = modules[transport.ENGINE]
    if engine is None:
        problems.append(
            f"the Dask worker {worker} cannot import the engine {transport.ENGINE} ({problem}); install it there with "
            f"'{python} -m pip install .' in a copy of the hsi-lime {__version__} repository, then restart the worker"
        )
    elif engine != __version__:
        problems.append(
            f"the Dask worker {worker} has hsi-lime {engine} and this machine {__version__}: its units would be "
            "explained by other code than this run records, and their results may not read here; install hsi-lime "
            f"{__version__} there ('{python} -m pip install .' in that version's repository), then restart the worker"
        )
    for name in needs.modules[1:]:
        version, problem = modules[name]
        if version is not None:
            continue
        install = f"{name}=={_local_version(name)}" if name in ("torch", "numpy") else INSTALL_NAMES.get(name, name)
        needed = f"the model is an {needs.model_format} model, which needs {name}, and " if name in RUNTIMES.get(
            needs.model_format or "", ()) else ""
        problems.append(f"{needed}the Dask worker {worker} cannot import {name} ({problem}); install it there with "
                        f"'{python} -m pip install {install}', then restart the worker")
    cuda = report.get("cuda")
    if offers_gpu and cuda is not None and not cuda[0]:
        problems.append(
            f"the Dask worker {worker} offers the resource GPU but its torch {modules['torch'][0]} cannot use CUDA "
            f"({cuda[1]}); install a CUDA build of torch there, or start it without --resources GPU=1, or choose the "
            f"device cpu ({arg('device')})"
        )
    return problems


def _versions(worker: str, report: dict) -> list[str]:
    """torch and numpy versions that differ from this process's: results agree to rounding, not bit for bit."""
    differences = []
    for name, why in (("torch", "another build's float kernels"),
                      ("numpy", "scikit-image's SLIC and the fits on another numpy")):
        theirs, ours = report["modules"].get(name, [None])[0], _local_version(name)
        if theirs is not None and theirs != ours:
            differences.append(
                f"the Dask worker {worker} runs {name} {theirs} and this machine {name} {ours}: its units agree with "
                f"a run here to rounding only ({why}); install {name}=={ours} there for identical results"
            )
    return differences


def _memory(worker: str, info: dict, needs: Needs) -> list[str]:
    """The largest unit against the worker's memory limit per thread (no limit: not checked)."""
    limit, threads = info.get("memory_limit") or 0, max(1, int(info.get("nthreads") or 1))
    if needs.unit is None or not limit or needs.unit.total <= limit / threads:
        return []
    return [f"{needs.unit_name} would hold {needs.unit.describe()} but the Dask worker {worker} has "
            f"{gib(limit)} for {threads} threads ({gib(limit // threads)} each); use smaller units (a smaller "
            f"{arg('tile_size')}, smaller fields) or workers with more memory per thread"]


def _local_version(name: str) -> str:
    import importlib

    return str(getattr(importlib.import_module(name), "__version__", "unknown"))

