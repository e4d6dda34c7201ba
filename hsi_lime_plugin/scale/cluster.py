"""Where the units of a map-scale run execute: this process, or a Dask cluster.

Both executors run the same task (:func:`hsi_lime_plugin.scale.unit_task.explain_unit`) and
yield ``(index, UnitResult)`` as units finish; the caller writes the outputs. In this process
the units run one after the other in the calling thread: no cluster, no threads, no process
pool (QGIS must never start worker processes). On a cluster
(``dask_scheduler="tcp://host:8786"``) the calling process connects to a scheduler that runs
elsewhere (``dask scheduler``, ``dask worker ADDRESS --nthreads 1``), checks every worker's
environment (:mod:`.environment`), sends the model to every worker once (:func:`ship_model`),
submits the units in small chunks (one task explains :func:`chunk_size` units: fewer tasks
cost the scheduler less), keeps a bounded number of tasks in flight (memory stays bounded on
both sides) and gathers results as they complete.

A task is ``run_payload(bundle, units, task, cancel)`` of the *worker's* engine, looked up by
name there (:func:`remote_task`), on records sent as bytes (:mod:`hsi_lime_plugin.scale.transport`):
the scheduler, which deserializes the task graph, sees only the standard library, dask and
bytes, so it needs only dask and distributed; a task never raises an engine exception either
(errors come back as records), so nothing of the engine ever reaches the scheduler.

Faults: a worker that dies or loses its network loses its units to other workers (Dask's
rescheduling); a unit whose workers keep dying fails the run with a message. A scheduler
that stops answering fails the run within ``SCHEDULER_SILENCE + SCHEDULER_TIMEOUT`` seconds
with a message naming it. Cancel sets the run's cancel event, which running tasks check
before every batch, and cancels every future: the workers are idle within a batch. In
every failure nothing is written (the caller writes atomically).
"""
from __future__ import annotations

import importlib
import time
from typing import Iterator

from ..errors import HsiLimeError, arg, named
from ..reporting import Reporter
from . import transport
from .environment import Needs, check_workers
from .unit_task import ModelBundle, UnitResult, UnitTask, explain_unit
from .units import Unit

#: Tasks in flight per worker thread: enough to keep workers busy between two gathers.
IN_FLIGHT_PER_THREAD = 2
#: Units per task at most; a chunk is smaller when there are few units per worker thread.
UNITS_PER_TASK = 4
#: Seconds to wait for the scheduler to answer.
CONNECT_TIMEOUT = 20
#: Seconds without a result after which the scheduler is asked whether it still answers ...
SCHEDULER_SILENCE = 10
#: ... and the seconds it has to answer before the run fails.
SCHEDULER_TIMEOUT = 20
#: The module whose ``run_payload`` a worker runs, by the name workers import the engine with.
WORKER_MODULE = f"{transport.ENGINE}.scale.unit_task"


def run_here(units: list[Unit], bundle: ModelBundle, task: UnitTask,
             reporter: Reporter) -> Iterator[tuple[int, UnitResult]]:
    """Explain the units one by one in this thread; cancel is checked between units and batches."""
    for index, unit in enumerate(units):
        reporter.check_cancelled()
        yield index, explain_unit(unit, bundle, task, reporter=reporter.part(index, len(units)))


def run_on_dask(address: str, units: list[Unit], bundle: ModelBundle, task: UnitTask, needs: Needs,
                reporter: Reporter) -> Iterator[tuple[int, UnitResult]]:
    """Explain the units as Dask tasks on the cluster behind ``address``; yield results as they finish.

    Every worker is checked first (:func:`~.environment.check_workers`, with ``needs``). On
    cancel, and when the run fails, the run's cancel event is set, which the running tasks
    check before every batch (:func:`~.unit_task.run_payload`), and every future is cancelled.
    """
    client = connect(address)
    run = _ClusterRun(client, address, units, bundle)
    try:
        check_workers(client, address, needs, reporter)
        threads = max(1, sum(client.nthreads().values()))
        size = chunk_size(len(units), threads)
        reporter.info(f"{arg('dask_scheduler')}: {address}, {len(client.nthreads())} workers, {threads} threads, "
                      f"{size} units per task")
        run.start(task, size, IN_FLIGHT_PER_THREAD * threads, {"GPU": 1} if task.runtime.device == "cuda" else None)
        while run.pending:
            if reporter.cancelled():
                run.stop()
                reporter.check_cancelled()
            finished = run.finished()
            if not finished:
                run.watch()
                time.sleep(0.05)
                continue
            for future in finished:
                start, chunk = run.take(future)
                yield from enumerate(_result(future, chunk), start=start)
    finally:
        run.close()


class _ClusterRun:
    """The futures of one run on a cluster: submitted a chunk at a time, watched, stopped and closed.

    The scheduler is asked whether it still answers after :data:`SCHEDULER_SILENCE` seconds
    without a result: a scheduler whose machine is lost fails the run within
    ``SCHEDULER_SILENCE + SCHEDULER_TIMEOUT`` seconds with a message naming it.
    """

    def __init__(self, client, address: str, units: list[Unit], bundle: ModelBundle):
        self.client, self.address, self.units, self.bundle = client, address, units, bundle
        self.futures: dict = {}
        self.heard = time.monotonic()
        self.lost = False
        self.cancel_event = None

    def start(self, task: UnitTask, size: int, in_flight: int, resources) -> None:
        from distributed import Event

        self.cancel_event = Event(f"hsi-lime-cancel-{self.bundle.digest[:8]}-{time.time_ns()}", client=self.client)
        self.shipped, self.shared, self.size, self.resources = ship_model(self.client, self.bundle), \
            transport.dumps(task), size, resources
        self.starts = iter(range(0, len(self.units), size))
        self.completed = _as_completed(self.client)
        for _ in range(in_flight):
            self.submit()

    def submit(self) -> None:
        start = next(self.starts, None)
        if start is None:
            return
        chunk = transport.dumps(self.units[start:start + self.size])
        future = self.client.submit(*remote_task(self.shipped, chunk, self.shared, self.cancel_event.name),
                                    pure=False, key=f"hsi-lime-units-{start}-{self.bundle.digest[:8]}-{time.time_ns()}",
                                    resources=self.resources)
        self.futures[future.key] = (start, future)
        self.completed.add(future)

    @property
    def pending(self) -> bool:
        return not self.completed.is_empty()

    def finished(self) -> list:
        return self.completed.next_batch(block=False)

    def take(self, future) -> tuple[int, list[Unit]]:
        """The first unit index and the units of a finished task; the next task is submitted."""
        self.heard = time.monotonic()
        start, _ = self.futures.pop(future.key)
        self.submit()
        return start, self.units[start:start + self.size]

    def watch(self) -> None:
        """Raise when the scheduler has been silent for :data:`SCHEDULER_SILENCE` s and does not answer."""
        if time.monotonic() - self.heard < SCHEDULER_SILENCE:
            return
        try:
            if self.client.status not in ("running", "connecting"):
                raise OSError(f"the connection is {self.client.status}")
            self.client.sync(self.client.scheduler.identity, n_workers=0, callback_timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError) as error:
            self.lost = True
            why = "" if isinstance(error, TimeoutError) else f": {type(error).__name__}: {error}"
            raise HsiLimeError(
                f"{arg('dask_scheduler')}: the Dask scheduler at {self.address} stopped answering (no result for "
                f"{SCHEDULER_SILENCE} s, then no answer within {SCHEDULER_TIMEOUT} s{why}); nothing was written. "
                "Check that its machine is up and reachable from here (restart 'dask scheduler' and its workers if "
                "it stopped), then run again."
            ) from None
        self.heard = time.monotonic()

    def stop(self) -> None:
        """Tell the running tasks to stop (the cancel event) and cancel every future."""
        if self.lost or not self.futures:
            return
        if self.cancel_event is not None:
            self.cancel_event.set()
        self.client.cancel([future for _, future in self.futures.values()])
        self.futures.clear()

    def close(self) -> None:
        try:
            self.stop()
            self.client.close(timeout=1 if self.lost else SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError):  # a scheduler lost during the run: there is nobody left to tell
            pass


def remote_task(*arguments) -> tuple:
    """The function and arguments of :meth:`Client.submit` that call ``run_payload(*arguments)`` of the
    worker's engine (the bundle's future, the units and the task as bytes, the cancel event's name):
    ``apply(getattr(import_module(WORKER_MODULE), "run_payload"), arguments)``, with the lookup as an
    inline task that runs on the worker, so that no pickle names the engine."""
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
