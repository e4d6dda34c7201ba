"""Faults of the machine, made by the test: each gives ONE message naming the input or output, what happened
(with the OS or GDAL reason) and what to do; nothing is half-written and the inputs are untouched.

* a full disk: a tmpfs of 120 or 300 KB (root only), for a report (Python's OSError), an attribution raster
  (GDAL does not raise: the blocks are found missing before the rename) and a GeoPackage (GDAL's SQLite error);
* a destination that turns read-only during the run (the tmpfs remounted);
* a truncated GeoTIFF (an interrupted download: its first 60 %), read whole and by units, and one cut before
  its image directory;
* a raster, or a polygon file, that disappears during the run;
* a /vsicurl/ raster whose HTTP server on 127.0.0.1 stops during the run.

The same faults through qgis_process: tests/test_io_faults_processing.py.
"""
import os
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely.geometry

from helpers.faults import RangeServer, digest, read_only, small_disk, truncated
from helpers.scene import write_band_model
from helpers.units import write_tile_raster
from hsi_lime_plugin.errors import HsiLimeError
from hsi_lime_plugin.outputs.atomic import atomic_output, write_vector
from hsi_lime_plugin.reporting import Reporter
from hsi_lime_plugin.runs.explain_fields import run_fields
from hsi_lime_plugin.runs.explain_spatial import run_spatial

SETTINGS = dict(n_samples=32, batch_size=16, device="cpu", seed=3, baseline="zero")
TILES = dict(units="tiles", tile_size=50, kind="spectral", band_groups="a=i0-i2; b=i3-i7")
FULL = r" \(the disk holding {folder} is full \(\d+\.\d MiB free\): free some space there or choose a " \
       r"destination with room, then run again\)\."


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return write_band_model(tmp_path_factory.mktemp("model") / "bands.pt", {"low": [0, 1, 2], "high": [5, 6]})


@pytest.fixture(scope="module")
def big_tiles(tmp_path_factory):
    """8 bands x 200 x 300 int16 (960 KB): its attribution raster does not fit a 300 KB disk."""
    return write_tile_raster(tmp_path_factory.mktemp("big") / "big.tif", height=200, width=300)


def _after(condition, action):
    """A reporter that runs ``action`` once, at the first message (info) or progress value meeting ``condition``."""
    done = []

    def check(value):
        if not done and condition(value):
            done.append(value)
            action()

    return Reporter(progress=check, info=check, warning=lambda message: None)


def test_a_full_disk_for_the_report(scene, tmp_path):
    """The raster (1 KB) fits a 120 KB disk, the report (200 KB, its figures inline) does not."""
    inputs = {path: digest(path) for path in (scene.raster, scene.model)}
    with small_disk(tmp_path / "small", "120k") as folder:
        with pytest.raises(HsiLimeError) as raised:
            run_spatial(str(scene.raster), str(scene.model), str(folder / "out.tif"), segmentation="patches",
                        patch_size=5, output_report=str(folder / "report.html"), **SETTINGS)
        assert os.listdir(folder) == []
    assert re.fullmatch(re.escape(f"output_report: writing {folder}/report.html failed: [Errno 28] No space left on "
                                  "device; nothing was written") + FULL.format(folder=re.escape(str(folder))),
                        str(raised.value)), str(raised.value)
    assert inputs == {path: digest(path) for path in inputs}


def test_a_full_disk_for_an_attribution_raster_gdal_does_not_report(big_tiles, model, tmp_path):
    """GDAL tells only its error handler that it could not write blocks: the raster is checked block by block
    before it is renamed, and the fault is the full disk it is."""
    with small_disk(tmp_path / "small", "300k") as folder:
        with pytest.raises(HsiLimeError) as raised:
            run_fields(str(big_tiles), str(model), units="tiles", tile_size=50, kind="spatial", segmentation="patches",
                       patch_size=25, output=str(folder / "out.tif"), output_table=str(folder / "t.csv"), **SETTINGS)
        assert os.listdir(folder) == []
    message = str(raised.value)
    assert re.fullmatch(re.escape(f"output: writing {folder}/out.tif failed: [Errno 28] No space left on device (")
                        + r"block \d+, \d+ of band \d is missing from the \d+ bytes written\); nothing was written"
                        + FULL.format(folder=re.escape(str(folder))), message), message


def test_a_full_disk_for_a_geopackage(tmp_path):
    frame = gpd.GeoDataFrame({"value": np.arange(20000)}, geometry=[shapely.geometry.box(i, 0, i + 1, 1)
                                                                     for i in range(20000)], crs="EPSG:32633")
    with small_disk(tmp_path / "small", "300k") as folder:
        with pytest.raises(HsiLimeError) as raised:
            with atomic_output(folder / "units.gpkg", "output_units") as temporary:
                write_vector(frame, temporary, "units", "GPKG")
        assert os.listdir(folder) == []
    message = str(raised.value)
    assert message.startswith(f"output_units: writing {folder}/units.gpkg failed: ")
    assert "disk is full" in message and re.search(FULL.format(folder=re.escape(str(folder))) + "$", message), message


def test_a_destination_that_turns_read_only_during_the_run(scene, tmp_path):
    with small_disk(tmp_path / "disk", "20m") as folder:
        reporter = _after(lambda value: isinstance(value, str) and value.startswith("explained"),
                          lambda: read_only(folder))
        with pytest.raises(HsiLimeError) as raised:
            run_spatial(str(scene.raster), str(scene.model), str(folder / "out.tif"), segmentation="patches",
                        patch_size=5, reporter=reporter, **SETTINGS)
        assert os.listdir(folder) == []
    assert str(raised.value) == (
        f"output: writing {folder}/out.tif failed: Attempt to create new tiff file '{folder}/out.tif' failed: "
        f"Read-only file system; nothing was written ({folder} cannot be written to any more (read-only or refused): "
        "choose a destination in a writable folder, then run again).")


def _damaged(path) -> str:
    return (f"raster: {path} is damaged or incomplete: reading it failed (band 1: IReadBlock failed at X offset 0, "
            "Y offset ")


@pytest.mark.parametrize("how", ["whole", "tiles"])
def test_a_truncated_geotiff(scene, model, tmp_path, how):
    raster = truncated(scene.raster, tmp_path / "cut.tif", 0.6)
    before = digest(raster)
    with pytest.raises(HsiLimeError) as raised:
        if how == "whole":
            run_spatial(str(raster), str(scene.model), str(tmp_path / "out" / "out.tif"), segmentation="patches",
                        patch_size=5, **SETTINGS)
        else:
            run_fields(str(raster), str(model), **{**TILES, "tile_size": 10},
                       output_table=str(tmp_path / "out" / "t.csv"), **SETTINGS)
    message = str(raised.value)
    assert message.startswith(_damaged(raster)), message
    assert message.endswith(": TIFFReadEncodedStrip() failed), as happens to a file whose download or copy was "
                            "interrupted; nothing was written. Copy or download it again ('gdalinfo -checksum' finds "
                            "such faults), then run again."), message
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []
    assert digest(raster) == before


def test_a_truncated_geotiff_without_its_directory(scene, tmp_path):
    """Cut before its image directory (written last), the file cannot even be opened: damaged, not foreign."""
    raster = truncated(scene.raster, tmp_path / "cut.tif", 0.6, directory="last")
    before = digest(raster)
    with pytest.raises(HsiLimeError) as raised:
        run_spatial(str(raster), str(scene.model), str(tmp_path / "out" / "out.tif"), segmentation="patches",
                    patch_size=5, **SETTINGS)
    message = str(raised.value)
    assert message.startswith(f"raster: {raster} is damaged or incomplete: it starts as a GeoTIFF but GDAL cannot "
                              "open it (TIFFReadDirectory:Failed to read directory at offset "), message
    assert message.endswith("), as happens to a file whose download or copy was interrupted; nothing was written. "
                            "Copy or download it again ('gdalinfo' finds such faults), then run again."), message
    assert not (tmp_path / "out").exists()
    assert digest(raster) == before


def test_a_raster_that_disappears_during_the_run(big_tiles, model, tmp_path):
    raster = tmp_path / "vanishing.tif"
    raster.write_bytes(big_tiles.read_bytes())
    reporter = _after(lambda value: isinstance(value, float) and value > 0.1, lambda: raster.unlink())
    with pytest.raises(HsiLimeError) as raised:
        run_fields(str(raster), str(model), **TILES, output_table=str(tmp_path / "out" / "t.csv"), reporter=reporter,
                   **SETTINGS)
    assert str(raised.value) == (
        f"raster: the raster file {raster} disappeared during the run (it was there when the run started: moved, "
        "renamed or deleted?); nothing was written. Put it back, then run again.")
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []


def test_a_polygon_file_that_disappears_during_the_run(scene, tmp_path):
    fields = tmp_path / "fields.gpkg"
    fields.write_bytes(scene.fields.read_bytes())
    reporter = _after(lambda value: isinstance(value, str) and value.startswith("raster: 8 bands"),
                      lambda: fields.unlink())
    with pytest.raises(HsiLimeError) as raised:
        run_spatial(str(scene.raster), str(scene.model), str(tmp_path / "out" / "out.tif"), polygons=str(fields),
                    reporter=reporter, **SETTINGS)
    assert str(raised.value) == (
        f"polygons: the vector file {fields} does not exist (moved, renamed or deleted?); choose an existing polygon "
        "layer or file, or put it back, then run again.")
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []


def test_a_network_raster_whose_server_stops_during_the_run(big_tiles, model, tmp_path):
    with RangeServer(big_tiles.parent) as server:
        url = server.url(big_tiles.name)
        reporter = _after(lambda value: isinstance(value, float) and value > 0.1, server.stop)
        with pytest.raises(HsiLimeError) as raised:
            run_fields(url, str(model), **TILES, output_table=str(tmp_path / "out" / "t.csv"), reporter=reporter,
                       **SETTINGS)
    message = str(raised.value)
    assert message.startswith(f"raster: reading {url} failed ("), message
    assert message.endswith("): the network source stopped answering or the connection broke; nothing was written. "
                            "Check the connection and that the server still serves the file (or copy the raster to a "
                            "local disk), then run again."), message
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []
