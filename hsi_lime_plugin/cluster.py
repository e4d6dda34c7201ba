"""Where the units of a map-scale run execute: this process, or a Dask cluster.

Both executors take the same task (:func:`hsi_lime_plugin.fields.explain_unit`) and yield
``(index, result)`` as units finish; the caller writes the outputs. In this process the
units run one after the other in the calling thread: no cluster, no threads, no process
pool (QGIS must never start worker processes). On a cluster
(``dask_scheduler="tcp://host:8786"``) the calling process connects to a scheduler that
runs elsewhere (``dask scheduler``, ``dask worker ADDRESS --nthreads 1``), sends the model
to every worker once (:func:`ship_model`), keeps a bounded number of units in
flight (memory stays bounded on both sides), gathers results with ``as_completed``,
and on cancel stops submitting and cancels what is pending. A worker that dies loses
its unit to another worker (Dask's rescheduling); a unit whose workers keep dying fails
the run with a message, and nothing is written.
"""
from __future__ import annotations

import time
from typing import Iterator

from .errors import HsiLimeError, arg
from .fields import WorkerFunction, explain_unit
from .reporting import Reporter

#: Units in flight per worker thread: enough to keep workers busy between two gathers.
IN_FLIGHT_PER_THREAD = 2
#: Seconds to wait for the scheduler to answer.
CONNECT_TIMEOUT = 20


def run_here(units: list[dict], bundle: dict, settings: dict, reporter: Reporter) -> Iterator[tuple[int, dict]]:
    """Explain the units one by one in this thread; cancel is checked between units and batches."""
    for index, unit in enumerate(units):
        reporter.check_cancelled()
        yield index, explain_unit(unit, bundle, settings, reporter=reporter.part(index, len(units)))


def run_on_dask(
    address: str, units: list[dict], bundle: dict, settings: dict, reporter: Reporter, gpu: bool = False,
) -> Iterator[tuple[int, dict]]:
    """Explain the units as Dask tasks on the cluster behind ``address``; yield results as they finish."""
    client = connect(address)
    futures = {}
    try:
        threads = max(1, sum(client.nthreads().values()))
        reporter.info(f"{arg('dask_scheduler')}: {address}, {len(client.nthreads())} workers, {threads} threads")
        shipped = ship_model(client, bundle)
        task = WorkerFunction("explain_unit")
        resources = {"GPU": 1} if gpu else None
        pending = _as_completed(client)
        next_unit = 0

        def submit():
            nonlocal next_unit
            future = client.submit(task, units[next_unit], shipped, settings, key=f"hsi-lime-unit-{next_unit}-"
                                    f"{bundle['digest'][:8]}-{time.time_ns()}", pure=False, resources=resources)
            futures[future.key] = (next_unit, future)
            pending.add(future)
            next_unit += 1

        while next_unit < len(units) and next_unit < IN_FLIGHT_PER_THREAD * threads:
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
                index, _ = futures.pop(future.key)
                yield index, _result(future, units[index])
                if next_unit < len(units):
                    submit()
    finally:
        if futures:
            client.cancel([future for _, future in futures.values()])
        client.close()


def ship_model(client, bundle: dict):
    """The model bundle as a Dask future: each worker fetches it once, with the first unit it runs, and keeps it.

    Not ``scatter``: scattered data whose worker dies cannot be recovered and fails every
    unit that needs it, while a task's result (here ``dict(bundle)``, the bytes held in the
    task's definition on the scheduler) is simply computed again.
    """
    return client.submit(dict, bundle, key=f"hsi-lime-model-{bundle['digest'][:16]}-{time.time_ns()}", pure=False)


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


def _result(future, unit: dict) -> dict:
    """The unit's result, or a message that says why its task failed on the cluster."""
    from distributed.scheduler import KilledWorker

    try:
        return future.result()
    except KilledWorker as error:
        raise HsiLimeError(
            f"{arg('dask_scheduler')}: unit {unit['id']} was running on workers that died too often ({error}); "
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
            f"{arg('dask_scheduler')}: unit {unit['id']} failed on a worker: {type(error).__name__}: {error}; "
            "nothing was written."
        ) from None
