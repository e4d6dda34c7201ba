"""Hosts that fail: a scheduler and two workers as separate hosts (network namespaces on this machine).

The client, the scheduler (its bare environment: dask and distributed only) and two workers each run in a
namespace of their own, joined by veth links to a bridge (tests/helpers/netns.py); the raster, the model and
the outputs are in a tmp folder every host sees. During a run one host is taken off the network (its link
goes down: the others see silence, as after a pulled cable):

* a worker's host: Dask reschedules its units on the other worker and the tables equal the in-process run;
* the scheduler's host: the run fails within SCHEDULER_SILENCE + SCHEDULER_TIMEOUT seconds with a message
  naming the scheduler, and nothing is written.

Skipped, with the reason, where namespaces cannot be made (no root). Figures (units rescheduled, largest
difference, seconds to failure) are printed here and measured in benchmarks/cluster_faults.py.
"""
import pandas as pd
import pytest

from helpers import netns
from helpers.units import write_slow_recipe, write_tile_raster
from hsi_lime_plugin.runs.explain_fields import run_fields

pytestmark = pytest.mark.qgis_process  # slow: several processes per test
pytest.importorskip("distributed", reason="dask and distributed are missing: pip install -r requirements.txt")
OPTIONS = netns.HOST_RUN
PORT = netns.PORT


@pytest.fixture
def hosts():
    reason = netns.unavailable()
    if reason:
        pytest.skip(reason)
    with netns.Hosts(["client", "scheduler", "w0", "w1"]) as made:
        yield made


@pytest.fixture
def inputs(tmp_path):
    write_tile_raster(tmp_path / "tiles.tif")
    write_slow_recipe(tmp_path / "slow.py", tmp_path / "batches.log", seconds=0.2)
    return tmp_path


def test_a_worker_host_lost_during_the_run_loses_its_units_to_the_other(hosts, inputs):
    result = netns.run_with_a_host_lost(hosts, inputs, "w0")
    assert result["ok"], result
    here = run_fields(str(inputs / "tiles.tif"), str(write_slow_recipe(inputs / "fast.py", inputs / "fast.log", 0)),
                      output_table=str(inputs / "here" / "table.csv"), **OPTIONS)
    there = pd.read_csv(inputs / "there" / "table.csv")
    expected = pd.read_csv(inputs / "here" / "table.csv")
    pd.testing.assert_frame_equal(there, expected, check_exact=False, atol=1e-6, rtol=0)
    largest = (there.select_dtypes("number") - expected.select_dtypes("number")).abs().max().max()
    assert result["rescheduled"] >= 1, result
    print(f"worker host lost: {result['rescheduled']} tasks of {result['units_per_task']} units rescheduled, "
          f"largest difference {largest:.3g}, run ended {result['seconds_after_cut']:.1f} s after the cut, "
          f"{len(here.table)} rows")


def test_the_scheduler_host_lost_fails_the_run_naming_it(hosts, inputs):
    result = netns.run_with_a_host_lost(hosts, inputs, "scheduler")
    address = f"tcp://{hosts.address['scheduler']}:{PORT}"
    assert not result["ok"]
    assert result["message"] == (
        f"dask_scheduler: the Dask scheduler at {address} stopped answering (no result for 10 s, then no answer "
        "within 20 s); nothing was written. Check that its machine is up and reachable from here (restart 'dask "
        "scheduler' and its workers if it stopped), then run again."), result
    assert not (inputs / "there").exists() or list((inputs / "there").iterdir()) == []
    print(f"scheduler host lost: the run failed {result['seconds_after_cut']:.1f} s after the cut: "
          f"{result['message']}")
