"""Where the units of a map-scale run execute: this process, or a Dask cluster.

Both executors run the same task (:func:`hsi_lime_plugin.scale.unit_task.explain_unit`) and
yield ``(index, UnitResult)`` as units finish; the caller writes the outputs. In this process
the units run one after the other in the calling thread: no cluster, no threads, no process
pool (QGIS must never start worker processes). On a cluster
(``dask_scheduler="tcp://host:8786"``) the calling process connects to a scheduler that runs
elsewhere (``dask scheduler``, ``dask worker ADDRESS --nthreads 1``), sends the model to every
worker once (:func:`ship_model`), submits the units in small chunks (one task explains
:func:`chunk_size` units: fewer tasks cost the scheduler less), keeps a bounded number of tasks
in flight (memory stays bounded on both sides), gathers results as they complete, and on
cancel stops submitting and cancels what is pending.

A task is ``run_payload(bundle, units, task)`` of the *worker's* engine, looked up by name
there (:func:`remote_task`), on records sent as bytes (:mod:`hsi_lime_plugin.scale.transport`):
the scheduler, which deserializes the task graph, sees only the standard library, dask and
bytes. A worker that dies loses its unit to another worker (Dask's rescheduling); a unit
whose workers keep dying fails the run with a message, and nothing is written.
"""
from __future__ import annotations

import importlib
import time
from typing import Iterator

from ..errors import HsiLimeError, arg, named
from ..reporting import Reporter
from . import transport
from .unit_task import ModelBundle, UnitResult, UnitTask, explain_unit
from .units import Unit

#: Tasks in flight per worker thread: enough to keep workers busy between two gathers.
IN_FLIGHT_PER_THREAD = 2
#: Units per task at most; a chunk is smaller when there are few units per worker thread.
UNITS_PER_TASK = 4
#: Seconds to wait for the scheduler to answer.
CONNECT_TIMEOUT = 20
#: The module whose ``run_payload`` a worker runs, by the name workers import the engine with.
WORKER_MODULE = f"{transport.ENGINE}.scale.unit_task"


def run_here(units: list[Unit], bundle: ModelBundle, task: UnitTask,
             reporter: Reporter) -> Iterator[tuple[int, UnitResult]]:
    """Explain the units one by one in this thread; cancel is checked between units and batches."""
    for index, unit in enumerate(units):
        reporter.check_cancelled()
        yield index, explain_unit(unit, bundle, task, reporter=reporter.part(index, len(units)))


def run_on_dask(address: str, units: list[Unit], bundle: ModelBundle, task: UnitTask,
                reporter: Reporter) -> Iterator[tuple[int, UnitResult]]:
    """Explain the units as Dask tasks on the cluster behind ``address``; yield results as they finish."""
    client = connect(address)
    futures = {}
    try:
        threads = max(1, sum(client.nthreads().values()))
        size = chunk_size(len(units), threads)
        reporter.info(f"{arg('dask_scheduler')}: {address}, {len(client.nthreads())} workers, {threads} threads, "
                      f"{size} units per task")
        shipped, shared = ship_model(client, bundle), transport.dumps(task)
        resources = {"GPU": 1} if task.runtime.device == "cuda" else None
        pending = _as_completed(client)
        starts = iter(range(0, len(units), size))

        def submit() -> None:
            start = next(starts, None)
            if start is None:
                return
            future = client.submit(*remote_task(shipped, transport.dumps(units[start:start + size]), shared),
                                   pure=False, key=f"hsi-lime-units-{start}-{bundle.digest[:8]}-{time.time_ns()}",
                                   resources=resources)
            futures[future.key] = (start, future)
            pending.add(future)

        for _ in range(IN_FLIGHT_PER_THREAD * threads):
            submit()
        while not pending.is_empty():
            if reporter.cancelled():
                client.cancel([future for _, future in futures.values()])
                reporter.check_cancelled()
            finished = pending.next_batch(block=False)
            if not finished:
                time.sleep(0.05)
                continue
            for future in finished:
                start, _ = futures.pop(future.key)
                results = _result(future, units[start:start + size])
                submit()
                yield from enumerate(results, start=start)
    finally:
        if futures:
            client.cancel([future for _, future in futures.values()])
        client.close()


def remote_task(*arguments) -> tuple:
    """The function and arguments of :meth:`Client.submit` that call ``run_payload(*arguments)`` of the
    worker's engine: ``apply(getattr(import_module(WORKER_MODULE), "run_payload"), arguments)``, with the
    lookup as an inline task that runs on the worker, so that no pickle names the engine."""
    from dask._task_spec import Task
    from dask.utils import apply

    function = Task(None, getattr, Task(None, importlib.import_module, WORKER_MODULE), "run_payload")
    return apply, function, list(arguments)


def chunk_size(n_units: int, threads: int) -> int:
    """Units per task: up to :data:`UNITS_PER_TASK`, while every thread still gets at least four tasks."""
    return max(1, min(UNITS_PER_TASK, n_units // (4 * threads)))


def ship_model(client, bundle: ModelBundle):
    """The model bundle as a Dask future of its bytes: each worker fetches it once, with the first unit it
    runs, and keeps it.

    Not ``scatter``: scattered data whose worker dies cannot be recovered and fails every
    unit that needs it, while a task's result (here ``bytes(data)``, the data held in the
    task's definition on the scheduler) is simply computed again.
    """
    return client.submit(bytes, transport.dumps(bundle), key=f"hsi-lime-model-{bundle.digest[:16]}-{time.time_ns()}",
                         pure=False)


def connect(address: str):
    """A client of the scheduler at ``address``; a message when distributed is missing or nobody answers."""
    try:
        from distributed import Client
    except ImportError:
        raise HsiLimeError(
            f"{arg('dask_scheduler')}: running on a Dask cluster needs the packages dask and distributed; install "
            "them (the dependency installer's option 'Include Dask', or pip install dask distributed), or leave "
            f"{arg('dask_scheduler')} empty to run in this process."
        ) from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise HsiLimeError(
            f"{arg('dask_scheduler')}: no Dask scheduler answers at '{address}' ({error}); start one with "
            "'dask scheduler' and workers with 'dask worker ADDRESS --nthreads 1', give its address as "
            f"tcp://host:8786, or leave {arg('dask_scheduler')} empty to run in this process."
        ) from None


def _as_completed(client):
    from distributed import as_completed

    return as_completed(loop=client.loop)


def _result(future, units: list[Unit]) -> list[UnitResult]:
    """The results of a task's units, or a message that says why the task failed on the cluster."""
    from distributed.scheduler import KilledWorker

    try:
        return transport.loads(future.result())
    except KilledWorker as error:
        raise HsiLimeError(
            f"{arg('dask_scheduler')}: {_units_named(units)} was running on workers that died too often ({error}); "
            "nothing was written. Check the workers' logs and memory (a unit's window and the model must fit in a "
            "worker), then run again."
        ) from None
    except ModuleNotFoundError as error:
        raise HsiLimeError(
            f"{arg('dask_scheduler')}: a worker cannot import the engine ({error}); install it on every worker with "
            "'pip install .' in the hsi-lime repository (the package hsi_lime_plugin), then run again."
        ) from None
    except Exception as error:  # anything else a worker raised: name the unit, keep the cause
        raise HsiLimeError(
            f"{arg('dask_scheduler')}: {_units_named(units)} failed on a worker: {type(error).__name__}: {error}; "
            "nothing was written."
        ) from None


def _units_named(units: list[Unit]) -> str:
    """``unit a`` or ``units a, b, c``: the units of one task, for a message."""
    return f"unit {units[0].id}" if len(units) == 1 else f"units {named([unit.id for unit in units])}"
