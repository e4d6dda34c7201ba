"""Scenes larger than memory: every algorithm estimates what it will hold before it reads a pixel.

The scenes are 150 x 20000 x 20000 GeoTIFFs made with ``gdal_create -co SPARSE_OK=TRUE`` (224 GiB as float32,
a few MB on disk: unwritten blocks are nodata): one whose data cover a single 64 x 64 block, one with data from
its top-left corner to its centre. explain_spatial and explain_spectral read only the window of the polygons
or of the valid data when that fits; otherwise the run is refused at once, with the sizes and the way out,
and nothing is read.
"""
import re
import shutil
import subprocess

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window

import hsi_lime_plugin.inputs.scene as scene_module
from helpers.scene import write_band_model
from helpers.units import record_reads
from hsi_lime_plugin.errors import HsiLimeError
from hsi_lime_plugin.memory import Footprint, available_memory, gib
from hsi_lime_plugin.reporting import RecordingReporter
from hsi_lime_plugin.runs.attribute_pixels import run_attribute
from hsi_lime_plugin.runs.explain_fields import run_fields
from hsi_lime_plugin.runs.explain_spatial import run_spatial
from hsi_lime_plugin.runs.explain_spectral import run_spectral

SIZE, BANDS, BLOCK = 20000, 150, 64
SETTINGS = dict(n_samples=32, batch_size=8, device="cpu", seed=1, baseline="zero")
#: The scene's origin and pixel size (EPSG:32633, 30 m).
X0, Y0, PIXEL = 300_000.0, 5_800_000.0, 30.0


def huge_raster(path, blocks) -> str:
    """A sparse 150 x 20000 x 20000 int16 GeoTIFF whose only data are the 64 x 64 ``blocks`` (row, column)."""
    if shutil.which("gdal_create") is None:
        pytest.skip("gdal_create (GDAL >= 3.2, package gdal-bin) is missing")
    subprocess.run(["gdal_create", "-of", "GTiff", "-outsize", str(SIZE), str(SIZE), "-bands", str(BANDS), "-ot",
                    "Int16", "-a_nodata", "-32768", "-a_srs", "EPSG:32633", "-a_ullr", str(X0), str(Y0),
                    str(X0 + PIXEL * SIZE), str(Y0 - PIXEL * SIZE), "-co", "SPARSE_OK=TRUE", "-co", "TILED=YES",
                    "-co", f"BLOCKXSIZE={BLOCK}", "-co", f"BLOCKYSIZE={BLOCK}", "-co", "BIGTIFF=YES", str(path)],
                   check=True, capture_output=True)
    generator = np.random.default_rng(0)
    with rasterio.open(path, "r+") as dataset:
        for row, column in blocks:
            dataset.write(generator.integers(500, 4000, (BANDS, BLOCK, BLOCK), dtype=np.int16),
                          window=Window(column, row, BLOCK, BLOCK))
    return str(path)


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("huge")
    return {"block": huge_raster(folder / "block.tif", [(1024, 2048)]),
            "corners": huge_raster(folder / "corners.tif", [(0, 0), (SIZE // 2, SIZE // 2)]),
            "model": str(write_band_model(folder / "bands.pt", {"P": list(range(40)), "K": list(range(100, 150))},
                                          bands=BANDS))}


@pytest.fixture
def reads(monkeypatch):
    """Every window the runs read of a raster through the scene reader (None: the whole raster)."""
    return record_reads(monkeypatch, scene_module)


def test_a_footprint_adds_its_parts_and_fits_or_not():
    footprint = Footprint.of("a", 3 << 30) + Footprint.of("b", 1 << 30)
    assert footprint.total == 4 << 30
    assert footprint.describe() == "about 4.0 GiB (a: 3.0 GiB; b: 1.0 GiB)"
    assert footprint.fits(5 << 30) and not footprint.fits(4 << 30)  # 80 % of what is available
    assert 0 < available_memory()


def test_spatial_reads_only_the_window_of_the_valid_data(scenes, reads, tmp_path):
    reporter = RecordingReporter()
    run_spatial(scenes["block"], scenes["model"], str(tmp_path / "out.tif"), segmentation="slic", n_segments=4,
                reporter=reporter, **SETTINGS)
    (window,) = reads
    row, column, height, width = (int(window.row_off), int(window.col_off), int(window.height), int(window.width))
    step = -(-SIZE // 1024)  # the preview's decimation: the window holds the block, padded by at most 2 steps
    assert row <= 1024 and row + height >= 1024 + BLOCK and height <= BLOCK + 4 * step
    assert column <= 2048 and column + width >= 2048 + BLOCK and width <= BLOCK + 4 * step
    assert any(re.fullmatch(r"raster: the whole raster would hold about [\d.]+ GiB \(the 150 x 20000 x 20000 cube as "
                            r"float32: 223\.5 GiB; .*\), more than 80% of the [\d.]+ GiB of memory available; reading "
                            rf"only the {height} x {width} window at row {row}, column {column} that holds the valid "
                            r"pixels \(about .*\)", line) for line in reporter.infos), reporter.infos
    with rasterio.open(tmp_path / "out.tif") as out:
        assert (out.height, out.width) == (height, width)
        assert out.transform.c == X0 + column * PIXEL and out.transform.f == Y0 - row * PIXEL
        assert np.isfinite(out.read(1, masked=True).compressed()).all() and out.read(1, masked=True).count() > 0


def test_spatial_with_polygons_reads_only_their_window(scenes, reads, tmp_path):
    import geopandas as gpd
    import shapely.geometry

    x, y = X0 + (2048 + 8) * PIXEL, Y0 - (1024 + 8) * PIXEL
    fields = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[shapely.geometry.box(x, y - 600, x + 600, y),
                                                              shapely.geometry.box(x + 900, y - 600, x + 1500, y)],
                              crs="EPSG:32633")
    fields.to_file(tmp_path / "fields.gpkg", driver="GPKG")
    run_spatial(scenes["block"], scenes["model"], str(tmp_path / "out.tif"), polygons=str(tmp_path / "fields.gpkg"),
                id_field="name", **SETTINGS)
    (window,) = reads
    assert (window.row_off, window.col_off, window.height, window.width) == (1032, 2056, 20, 50)


def test_spectral_reads_only_the_window_of_the_valid_data(scenes, tmp_path):
    result = run_spectral(scenes["block"], scenes["model"], band_groups="P=i0-i39; K=i100-i149",
                          output_table=str(tmp_path / "t.csv"), **SETTINGS)
    assert set(result.table["feature"]) >= {"P", "K"}


def _refusal(path, way_out: str) -> str:
    return (r"raster: explaining " + re.escape(path) + r" would hold about [\d.]+ GiB \(the 150 x 20000 x 20000 "
            r"cube as float32: 223\.5 GiB; its nodata masks while it is read: 111\.8 GiB; .*\) in memory, more than "
            r"80% of the [\d.]+ GiB this machine has available; even the 1\d{4} x 1\d{4} window that holds the valid "
            r"pixels would hold [\d.]+ GiB; nothing was read\. " + re.escape(way_out))


TILES_WAY_OUT = ("Explain it tile by tile with explain_fields (units='tiles'), which holds one tile at a time, or "
                 "clip it to a smaller extent first (Raster > Extraction > Clip Raster by Extent).")


def test_a_scene_whose_valid_data_do_not_fit_is_refused_before_reading(scenes, reads, tmp_path):
    with pytest.raises(HsiLimeError) as raised:
        run_spatial(scenes["corners"], scenes["model"], str(tmp_path / "out.tif"), segmentation="slic", **SETTINGS)
    assert re.fullmatch(_refusal(scenes["corners"], TILES_WAY_OUT), str(raised.value)), str(raised.value)
    assert reads == [] and not (tmp_path / "out.tif").exists()
    with pytest.raises(HsiLimeError) as raised:
        run_spectral(scenes["corners"], scenes["model"], band_groups="P=i0-i39", output_table=str(tmp_path / "t.csv"),
                     **SETTINGS)
    assert re.fullmatch(_refusal(scenes["corners"], TILES_WAY_OUT), str(raised.value)), str(raised.value)


def test_pixel_attribution_of_a_scene_too_large_is_refused_with_its_way_out(scenes, reads, tmp_path):
    with pytest.raises(HsiLimeError) as raised:
        run_attribute(scenes["corners"], scenes["model"], str(tmp_path / "out.tif"), method="saliency",
                      device="cpu")
    assert re.fullmatch(_refusal(scenes["corners"], (
        "Clip it to a smaller extent first (Raster > Extraction > Clip Raster by Extent), or give polygons (polygons) "
        "around the part to attribute: only their window is then read.")), str(raised.value)), str(raised.value)
    assert reads == []


def test_a_unit_too_large_for_this_machine_is_refused_before_any_unit(scenes, tmp_path):
    with pytest.raises(HsiLimeError) as raised:
        run_fields(scenes["block"], scenes["model"], units="tiles", tile_size=SIZE, kind="spectral",
                   band_groups="P=i0-i39", output_table=str(tmp_path / "t.csv"), **SETTINGS)
    available = gib(available_memory())
    assert re.fullmatch(
        r"units: unit r0c0 \(20000 x 20000 pixels\) would hold about [\d.]+ GiB \(.*\) in memory, more than 80% of the "
        r"[\d.]+ GiB this machine has available; nothing was read\. Use smaller units \(smaller fields, or tiles of "
        r"explain_fields with a smaller tile_size\), or run them on a Dask cluster whose workers have the memory\.",
        str(raised.value)), (str(raised.value), available)
    assert not (tmp_path / "t.csv").exists()


@pytest.mark.qgis_process
def test_a_scene_too_large_through_qgis_process(scenes, qgis_process, tmp_path):
    """The refusal in parameter names, at once, without a traceback or GDAL's complaints about the histograms of
    bands without data (QGIS loads INPUT as a layer)."""
    completed, _, _ = qgis_process("hsilime:explain_spatial", INPUT=scenes["corners"], MODEL=scenes["model"],
                                   SEGMENTATION=1, OUTPUT=tmp_path / "out.tif", N_SAMPLES=32, BATCH_SIZE=8, DEVICE=1)
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    assert "Traceback" not in output and "dfMax should be strictly greater than dfMin" not in output, output[-3000:]
    assert f"INPUT: explaining {scenes['corners']} would hold about " in output, output[-3000:]
    assert "; nothing was read. Explain it tile by tile with explain_fields (UNITS=1), which holds one tile at a " \
           "time, or clip it to a smaller extent first (Raster > Extraction > Clip Raster by Extent)." in output
    assert not (tmp_path / "out.tif").exists()


def test_styling_a_constant_raster_prints_no_gdal_complaint(hsilime_plugin, tmp_path, capfd):
    """An attribution raster of one value everywhere (a model that ignores its input) is styled without GDAL's
    "dfMax should be strictly greater than dfMin", which the histogram of QGIS's default renderer printed."""
    import importlib

    styling = importlib.import_module("hsi_lime.processing_algorithms.styling")
    path = tmp_path / "constant.tif"
    with rasterio.open(path, "w", driver="GTiff", width=40, height=30, count=2, dtype="float32", crs="EPSG:32633",
                       transform=rasterio.transform.from_origin(X0, Y0, PIXEL, PIXEL), nodata=-9999.0) as dataset:
        dataset.write(np.zeros((2, 30, 40), np.float32))
    capfd.readouterr()
    styling.write_raster_style(str(path))
    assert "dfMax should be strictly greater than dfMin" not in capfd.readouterr().err
    assert (tmp_path / "constant.qml").is_file()
