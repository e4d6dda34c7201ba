"""hsilime:explain_fields through qgis_process on a real Dask cluster on 127.0.0.1, deployed as users do.

The scheduler runs from a virtual environment that holds only dask and distributed (no engine, no torch),
started in a folder without the repository (tests/helpers/cluster.py); the two single-threaded workers have
the repository on PYTHONPATH (what ``pip install .`` gives a real worker: the engine as the top-level
package ``hsi_lime_plugin``), while QGIS imports the engine as ``hsi_lime.hsi_lime_plugin``: the task must
reach the workers by its top-level name and the scheduler must never need the engine.
"""
import json
import os
import signal
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
import torch

from helpers.cluster import dask_cluster, stop
from helpers.scene import write_band_model
from helpers.units import HYPERVIEW_SCALE, write_hyperview, write_tile_raster
from hsi_lime_plugin.runs.explain_fields import run_fields

pytestmark = pytest.mark.qgis_process
COMMON = dict(N_SAMPLES=32, BATCH_SIZE=16, DEVICE=1, SEED=5)
ENGINE = dict(n_samples=32, batch_size=16, device="cpu", seed=5)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with dask_cluster(tmp_path_factory.mktemp("dask")) as (address, _):
        yield address


@pytest.fixture(scope="module")
def inputs(scene, shared_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fields_inputs")
    hyperview = write_hyperview(folder / "hyperview", shared_data)
    return {
        "tiles": write_tile_raster(folder / "tiles.tif"),
        "model": write_band_model(folder / "bands.pt", {"low": [0, 1, 2], "high": [5, 6]}),
        "hyperview": hyperview,
        "hyperview_model": write_band_model(folder / "hv.pt", {"P": list(range(0, 40)), "K": list(range(100, 150))},
                                            bands=150, scale=1 / HYPERVIEW_SCALE),
    }


CASES = {
    "polygons-spatial": (dict(UNITS=0, KIND=0, SEGMENTATION=1, N_SEGMENTS=5, ID_FIELD="name"),
                         dict(units="polygons", kind="spatial", segmentation="slic", n_segments=5, id_field="name")),
    "tiles-spectral": (dict(UNITS=1, TILE_SIZE=8, KIND=1, BAND_GROUPS="a=i0-i2; b=i3-i7"),
                       dict(units="tiles", tile_size=8, kind="spectral", band_groups="a=i0-i2; b=i3-i7")),
    "rasters-spatial": (dict(UNITS=2, KIND=0, SEGMENTATION=2, PATCH_SIZE=4),
                        dict(units="rasters", kind="spatial", segmentation="patches", patch_size=4)),
    "rasters-spectral": (dict(UNITS=2, KIND=1, BAND_GROUPS="blue=460-520; red=620-700; nir=750-900"),
                         dict(units="rasters", kind="spectral", band_groups="blue=460-520; red=620-700; nir=750-900")),
}


def _case_inputs(case, scene, inputs):
    if case.startswith("polygons"):
        return dict(INPUT=scene.raster, POLYGONS=scene.fields, MODEL=inputs["model"]), \
            dict(raster=str(scene.raster), polygons=str(scene.fields), model=str(inputs["model"]))
    if case.startswith("tiles"):
        return dict(INPUT=inputs["tiles"], MODEL=inputs["model"]), \
            dict(raster=str(inputs["tiles"]), model=str(inputs["model"]))
    rasters = [str(path) for path in inputs["hyperview"]]
    return dict(RASTERS=rasters, MODEL=inputs["hyperview_model"]), \
        dict(raster=None, rasters=rasters, model=str(inputs["hyperview_model"]))


def _raster_outputs(case, folder: Path) -> tuple[dict, dict]:
    if case == "rasters-spatial":
        return dict(OUTPUT_FOLDER=folder / "rasters"), dict(output_folder=str(folder / "rasters"))
    if case.endswith("spatial"):
        return dict(OUTPUT=folder / "out.tif"), dict(output=str(folder / "out.tif"))
    return {}, {}


@pytest.mark.parametrize("case", list(CASES))
def test_a_dask_cluster_gives_the_in_process_results(case, cluster, scene, inputs, qgis_process, tmp_path):
    algorithm, engine = CASES[case]
    qgis_inputs, engine_inputs = _case_inputs(case, scene, inputs)
    here, there = tmp_path / "here", tmp_path / "there"
    qgis_outputs, _ = _raster_outputs(case, there)
    _, engine_outputs = _raster_outputs(case, here)
    raster, model = engine_inputs.pop("raster"), engine_inputs.pop("model")
    run_fields(raster, model, **engine, **engine_inputs, **engine_outputs, output_table=str(here / "table.csv"),
               output_summary=str(here / "summary.csv"), **ENGINE)
    completed, result, _ = qgis_process(
        "hsilime:explain_fields", **algorithm, **qgis_inputs, **qgis_outputs, **COMMON, DASK_SCHEDULER=cluster,
        OUTPUT_TABLE=there / "table.csv", OUTPUT_SUMMARY=there / "summary.csv", OUTPUT_UNITS=there / "units.gpkg",
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert f"on the Dask cluster {cluster}" in completed.stdout + completed.stderr
    for name in ("table.csv", "summary.csv"):
        expected, actual = pd.read_csv(here / name), pd.read_csv(there / name)
        pd.testing.assert_frame_equal(actual, expected, check_exact=False, atol=1e-6, rtol=0)
    for path in sorted(here.rglob("*.tif")):
        with rasterio.open(path) as a, rasterio.open(there / path.relative_to(here)) as b:
            assert a.transform == b.transform and a.descriptions == b.descriptions
            np.testing.assert_allclose(b.read(), a.read(), atol=1e-6, rtol=0)
    assert len(list(here.rglob("*.tif"))) == {"polygons-spatial": 1, "rasters-spatial": 3}.get(case, 0)


def test_a_worker_killed_during_the_run(scene, inputs, qgis_process, tmp_path):
    """One of two workers killed by its process id while it explains: Dask reschedules its unit on the other
    worker and the run completes with the in-process results, or it fails with its message and writes nothing."""
    from distributed import Client

    raster, model = inputs["tiles"], inputs["model"]
    here, there = tmp_path / "here", tmp_path / "there"
    options = dict(units="tiles", tile_size=4, kind="spectral", band_groups="a=i0-i2; b=i3-i7")
    run_fields(str(raster), str(model), **options, output_table=str(here / "table.csv"), **ENGINE)
    with dask_cluster(tmp_path, workers=2) as (address, processes):
        run = qgis_process.popen(
            "hsilime:explain_fields", INPUT=raster, MODEL=model, UNITS=1, TILE_SIZE=4, KIND=1,
            BAND_GROUPS=options["band_groups"], **COMMON, DASK_SCHEDULER=address, OUTPUT_TABLE=there / "table.csv",
        )
        try:
            with Client(address, timeout=30, set_as_default=False) as client:
                pids = client.run(os.getpid)
                victim = _first_busy_worker(client, run)
            os.kill(pids[victim], signal.SIGKILL)
            stdout, stderr = run.communicate(timeout=300)
        finally:
            stop(run)
    if run.returncode == 0:
        pd.testing.assert_frame_equal(pd.read_csv(there / "table.csv"), pd.read_csv(here / "table.csv"),
                                      check_exact=False, atol=1e-6, rtol=0)
    else:
        assert "died" in stdout + stderr, stdout[-3000:] + stderr[-3000:]
        assert not there.exists() or list(there.iterdir()) == []


def _first_busy_worker(client, run, timeout: float = 120.0) -> str:
    """The address of a worker that is processing a unit (bounded wait)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [worker for worker, keys in client.processing().items() if keys]
        if busy:
            return busy[0]
        assert run.poll() is None, "the run ended before any unit reached a worker"
        time.sleep(0.05)
    raise AssertionError(f"no worker started a unit within {timeout} s")


class _PixelBands(torch.nn.Module):
    """Per pixel: 'low' the mean of bands 0-2, 'high' the square of band 5 (a pixel model)."""

    def forward(self, spectra: torch.Tensor) -> torch.Tensor:
        return torch.stack([spectra[:, :3].mean(dim=1), spectra[:, 5] ** 2], dim=1)


def test_per_pixel_maps_on_a_dask_cluster(cluster, inputs, tmp_path):
    """explain_fields' spectral maps of tiles: each worker explains its tiles' pixels and sends their maps back;
    the map, the dominant superbands and the table equal those of this process."""
    model = tmp_path / "pixels.pt"
    torch.jit.save(torch.jit.script(_PixelBands()), str(model))
    model.with_suffix(".json").write_text(json.dumps({"targets": ["low", "high"],
                                                      "input": {"layout": "pixels", "scale": 1e-4}}))
    options = dict(units="tiles", tile_size=8, kind="spectral", band_groups="a=i0-i2; b=i3-i4; c=i5-i7",
                   method="kernelshap", n_samples=16, device="cpu")
    for where, scheduler in (("here", None), ("there", cluster)):
        folder = tmp_path / where
        run_fields(str(inputs["tiles"]), str(model), **options, dask_scheduler=scheduler,
                   output_table=str(folder / "table.csv"), output_map=str(folder / "map.tif"),
                   output_dominant=str(folder / "dominant.tif"))
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "there" / "table.csv"),
                                  pd.read_csv(tmp_path / "here" / "table.csv"), check_exact=False, atol=1e-6, rtol=0)
    for name in ("map.tif", "dominant.tif"):
        with rasterio.open(tmp_path / "here" / name) as a, rasterio.open(tmp_path / "there" / name) as b:
            assert a.descriptions == b.descriptions and a.count == b.count
            np.testing.assert_allclose(b.read(), a.read(), atol=1e-6, rtol=0)
            assert (a.read() != a.nodata).any()
