"""Faults of a Dask cluster, measured: how fast a cancel reaches the workers, and what a lost host costs.

cancel  explain_fields (40 tiles of 4 x 4 pixels, 4 units per task, a Python recipe whose every batch sleeps
        ``--batch-seconds``, 3 batches per unit) on a local cluster: the scheduler from build/scheduler-venv
        (dask and distributed only), 2 single-threaded workers. Cancelled once the first result arrived, the
        figures are the seconds from the cancel to the end of the last batch any worker ran (the recipe's log)
        and to the moment no worker executes anything (polled every 20 ms): with the run's cancel event, which
        running tasks check before every batch, and without it (``run_payload`` called without the event's
        name), as a cancel behaved before: the running tasks finished their units.
hosts   (root only) the client, the scheduler and two workers in network namespaces (tests/helpers/netns.py),
        the same run with batches of 0.2 s: a worker's host cut while it explains (tasks rescheduled, largest
        difference to the in-process table, seconds from the cut to the run's end), and the scheduler's host
        cut (seconds from the cut to the failure, and its message).

``python benchmarks/cluster_faults.py`` prints one JSON object (last line) and writes it to ``--output``;
benchmarks/run.py runs it and merges it into results.json under "cluster_faults".
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

WORK = ROOT / "build" / "bench" / "cluster_faults"
OPTIONS = dict(n_samples=32, batch_size=16, device="cpu", seed=5, allow_python=True, units="tiles", tile_size=4,
               kind="spectral", band_groups="a=i0-i2; b=i3-i7", baseline="zero")


def cancel_latency(folder: Path, batch_seconds: float, with_event: bool) -> dict:
    """One cancelled run on a fresh local cluster: seconds to the last batch's end and to idle workers."""
    from distributed import Client

    import hsi_lime_plugin.scale.cluster as cluster
    from helpers.cluster import dask_cluster
    from helpers.units import batches, write_slow_recipe, write_tile_raster
    from hsi_lime_plugin.errors import Cancelled
    from hsi_lime_plugin.reporting import RecordingReporter
    from hsi_lime_plugin.runs.explain_fields import run_fields

    folder.mkdir(parents=True, exist_ok=True)
    raster = write_tile_raster(folder / "tiles.tif")
    model = write_slow_recipe(folder / "slow.py", folder / "batches.log", batch_seconds)
    cancel: dict = {}

    def cancelled() -> bool:
        if reporter.fractions and not cancel:
            cancel["at"] = time.time()
        return bool(cancel)

    reporter = RecordingReporter(cancelled=cancelled)
    original = cluster.remote_task
    if not with_event:  # the tasks get no event's name: they run their units to the end, as before
        cluster.remote_task = lambda *arguments: original(*arguments[:-1])
    try:
        with dask_cluster(folder, 2) as (address, _), Client(address, set_as_default=False) as monitor:
            try:
                run_fields(str(raster), str(model), **OPTIONS, dask_scheduler=address,
                           output_table=str(folder / "out" / "t.csv"), reporter=reporter)
            except Cancelled:
                pass
            while any(monitor.run(lambda dask_worker: len(dask_worker.state.executing)).values()):
                time.sleep(0.02)
            idle = time.time()
            pids = set(monitor.run(os.getpid).values())
    finally:
        cluster.remote_task = original
    ran = [(start, end) for pid, start, end in batches(folder / "batches.log") if pid in pids]
    after = [end for start, end in ran if end > cancel["at"]]
    return {"with_cancel_event": with_event, "batch_seconds": batch_seconds,
            "batches_started_after_cancel": sum(1 for start, _ in ran if start > cancel["at"]),
            "seconds_to_last_batch_end": round(max(after, default=cancel["at"]) - cancel["at"], 3),
            "seconds_to_idle_workers": round(idle - cancel["at"], 3),
            "written": (folder / "out").exists()}


def host_failures(folder: Path) -> dict:
    """The two host failures of tests/test_cluster_hosts.py, measured; skipped without namespaces."""
    import pandas as pd

    from helpers import netns
    from helpers.units import write_slow_recipe, write_tile_raster
    from hsi_lime_plugin.runs.explain_fields import run_fields

    reason = netns.unavailable()
    if reason:
        return {"skipped": reason}
    figures = {}
    for victim in ("w0", "scheduler"):
        case = folder / victim
        case.mkdir(parents=True, exist_ok=True)
        write_tile_raster(case / "tiles.tif")
        write_slow_recipe(case / "slow.py", case / "batches.log", 0.2)
        with netns.Hosts(["client", "scheduler", "w0", "w1"]) as hosts:
            result = netns.run_with_a_host_lost(hosts, case, victim)
        if victim == "w0" and result["ok"]:
            fast = write_slow_recipe(case / "fast.py", case / "fast.log", 0)
            run_fields(str(case / "tiles.tif"), str(fast), output_table=str(case / "here" / "table.csv"),
                       **netns.HOST_RUN)
            there, here = pd.read_csv(case / "there" / "table.csv"), pd.read_csv(case / "here" / "table.csv")
            numbers = there.select_dtypes("number")
            result["largest_difference"] = float((numbers - here[numbers.columns]).abs().max().max())
            result["identical"] = bool(there.equals(here))
        result["written"] = (case / "there").exists() and any((case / "there").iterdir())
        figures["worker_host_lost" if victim == "w0" else "scheduler_host_lost"] = result
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-seconds", type=float, default=0.3)
    parser.add_argument("--skip-hosts", action="store_true", help="skip the network-namespace host failures")
    parser.add_argument("--output", type=Path, default=WORK / "cluster_faults.json")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK) as folder:
        results = {"cancel": [cancel_latency(Path(folder) / f"cancel_{with_event}", args.batch_seconds, with_event)
                              for with_event in (True, False)]}
        if not args.skip_hosts:
            results["hosts"] = host_failures(Path(folder) / "hosts")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
