"""The client host of tests/test_cluster_hosts.py (and benchmarks/cluster_faults.py): runs explain_fields on a
cluster whose hosts the caller takes off the network, and reports what happened.

``python cluster_driver.py SPEC.json`` (inside the client's namespace). SPEC: ``raster``, ``model``,
``options`` (run_fields keywords, ``dask_scheduler`` among them), ``output_table``, ``victim`` (the IP
address of the host the caller will cut). Protocol on stdout, one line each: ``BUSY`` once a worker on the
victim host (or, when the victim is the scheduler's host, any worker) is explaining units; the caller cuts the
victim and writes ``CUT`` on stdin; at the end ``RESULT {json}`` with ``ok``, ``message`` (the error, if
any), ``seconds_after_cut`` (from reading ``CUT`` to the run's end), ``units_per_task`` and, when the
scheduler still answers, ``rescheduled``: the number of tasks that went to a worker more than once.
"""
from __future__ import annotations

import json
import os
import re
import sys
import threading
import time


def transitions(dask_scheduler) -> dict:
    """On the scheduler: how often each unit task went to ``processing`` (standard library only)."""
    counts: dict = {}
    for transition in dask_scheduler.transition_log:
        key, finish = str(transition[0]), transition[2]
        if key.startswith("hsi-lime-units-") and finish == "processing":
            counts[key] = counts.get(key, 0) + 1
    return counts


def _watch(monitor, victim: str, cut: dict) -> None:
    """Print BUSY once the victim's worker (any worker, when the victim hosts the scheduler) is processing units;
    then record when the caller answers CUT."""
    scheduler_host = monitor.scheduler.address.split("//")[1].rsplit(":", 1)[0]
    while True:
        processing = monitor.processing()
        busy = [worker for worker, keys in processing.items()
                if any(str(key).startswith("hsi-lime-units-") for key in keys)
                and (victim == scheduler_host or worker.split("//")[1].rsplit(":", 1)[0] == victim)]
        if busy:
            break
        time.sleep(0.05)
    print("BUSY", flush=True)
    sys.stdin.readline()
    cut["at"] = time.monotonic()


def main(spec_path: str) -> None:
    from distributed import Client

    from hsi_lime_plugin.errors import HsiLimeError
    from hsi_lime_plugin.reporting import RecordingReporter
    from hsi_lime_plugin.runs.explain_fields import run_fields

    spec = json.loads(open(spec_path).read())
    monitor = Client(spec["options"]["dask_scheduler"], timeout=60, set_as_default=False)
    monitor.wait_for_workers(spec.get("workers", 2), timeout=180)
    cut: dict = {}
    threading.Thread(target=_watch, args=(monitor, spec["victim"], cut), daemon=True).start()
    reporter = RecordingReporter()
    result = {"ok": False, "message": None}
    try:
        run_fields(spec["raster"], spec["model"], output_table=spec["output_table"], reporter=reporter,
                   **spec["options"])
        result["ok"] = True
    except HsiLimeError as error:
        result["message"] = str(error)
    ended = time.monotonic()
    result["seconds_after_cut"] = ended - cut["at"] if "at" in cut else None
    sizes = [int(m.group(1)) for line in reporter.infos for m in [re.search(r"(\d+) units per task", line)] if m]
    result["units_per_task"] = sizes[0] if sizes else None
    if result["ok"]:
        result["rescheduled"] = sum(1 for count in monitor.run_on_scheduler(transitions).values() if count > 1)
    print("RESULT", json.dumps(result), flush=True)
    os._exit(0)  # the monitor of a lost scheduler would wait for it


if __name__ == "__main__":
    main(sys.argv[1])
