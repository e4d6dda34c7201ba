"""Map-scale runs in this process: unit enumeration, windowed reads, seeds, outputs (engine level)."""
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely.geometry

from helpers.scene import CRS, FIELDS, field_polygon
from helpers.units import record_reads, write_tile_raster
from hsi_lime_plugin.scale import unit_task as fields_module
from hsi_lime_plugin.errors import HsiLimeError
from hsi_lime_plugin.runs.explain_fields import run_fields
from hsi_lime_plugin.scale.unit_task import unit_seed
from hsi_lime_plugin.reporting import RecordingReporter
from hsi_lime_plugin.scale.units import polygon_units, raster_units, tile_units

SETTINGS = dict(n_samples=32, batch_size=16, device="cpu", seed=3, baseline="zero")


@pytest.fixture(scope="module")
def tile_raster(tmp_path_factory):
    return write_tile_raster(tmp_path_factory.mktemp("tiles") / "tiles.tif")


def test_tiles_cover_the_grid_with_smaller_edge_tiles(tile_raster):
    units = tile_units(str(tile_raster), 8)
    assert [unit.id for unit in units] == [f"r{r}c{c}" for r in range(3) for c in range(4)]
    assert units[0].window == (0, 0, 8, 8)
    assert units[3].window == (0, 24, 8, 6)  # last column: 30 - 24
    assert units[-1].window == (16, 24, 4, 6)  # last row: 20 - 16
    assert sum(h * w for _, _, h, w in (unit.window for unit in units)) == 20 * 30


def test_tile_size_below_one_is_refused(tile_raster):
    with pytest.raises(HsiLimeError) as raised:
        tile_units(str(tile_raster), 0)
    assert str(raised.value) == "tile_size: 0 pixels is not a tile size; use at least 1 (256 is typical)."


def test_all_nodata_tiles_are_skipped_with_one_message(tile_raster, band_model, tmp_path):
    reporter = RecordingReporter()
    run = run_fields(str(tile_raster), str(band_model), units="tiles", tile_size=8, kind="spatial",
                     segmentation="patches", patch_size=4, output=str(tmp_path / "out.tif"),
                     output_table=str(tmp_path / "table.csv"), reporter=reporter, **SETTINGS)
    assert run.skipped == ["r0c0"]
    assert "1 of 12 units hold no valid pixel and were not explained: r0c0" in reporter.infos
    assert list(run.units["unit_id"]) == [f"r{r}c{c}" for r in range(3) for c in range(4)][1:]
    with rasterio.open(tmp_path / "out.tif") as dataset:
        mosaic = dataset.read()
        assert dataset.descriptions == ("low", "high") and dataset.transform == rasterio.open(tile_raster).transform
    assert (mosaic[:, :8, :8] == -9999).all()  # the skipped tile stays nodata
    assert (mosaic[:, 8:, :] != -9999).all()


def _fields(extra=(), id_values=None):
    polygons = [field_polygon(*box) for box in FIELDS.values()] + list(extra)
    ids = id_values or list(FIELDS) + [f"x{k}" for k in range(len(extra))]
    return gpd.GeoDataFrame({"name": ids}, geometry=polygons, crs=CRS)


def test_polygons_outside_or_smaller_than_a_pixel_are_skipped_with_one_warning(scene):
    far = shapely.geometry.box(0, 0, 1000, 1000)
    x0, y0 = 368_000.0 + 30 * 5 + 1, 5_810_000.0 - 30 * 14 - 1  # inside one pixel, away from its centre
    sliver = shapely.geometry.box(x0, y0 - 5, x0 + 5, y0)
    reporter = RecordingReporter()
    units = polygon_units(str(scene.raster), _fields([far, sliver]), "name", reporter)
    assert [unit.id for unit in units] == list(FIELDS)
    assert units[0].window == (2, 2, 10, 10)
    assert reporter.warnings == [
        "polygons: 2 of 8 polygons are not explained: 1 outside the raster (raster): x0; 1 cover no pixel centre "
        "(smaller than one pixel): x1."
    ]


def test_duplicate_ids_are_an_error_naming_them(scene):
    with pytest.raises(HsiLimeError) as raised:
        polygon_units(str(scene.raster), _fields(id_values=["a", "b", "a", "c", "c", "d"]), "name")
    assert str(raised.value) == (
        "id_field: 2 values of 'name' occur more than once (a, c); every field or unit needs its own id: choose a field with "
        "unique values, or leave id_field empty to use the feature id."
    )


def test_every_polygon_outside_is_an_error(scene):
    frame = gpd.GeoDataFrame({"name": ["far"]}, geometry=[shapely.geometry.box(0, 0, 1000, 1000)], crs=CRS)
    with pytest.raises(HsiLimeError) as raised:
        polygon_units(str(scene.raster), frame, None)
    assert str(raised.value) == (
        "polygons: none of the 1 polygons can be explained: 1 outside the raster (raster): 1. Choose polygons that "
        "cover pixels of the raster."
    )


def test_rasters_of_the_same_name_are_an_error(scene, tmp_path):
    (tmp_path / "other").mkdir()
    copy = tmp_path / "other" / "scene.tif"
    copy.write_bytes(scene.raster.read_bytes())
    with pytest.raises(HsiLimeError) as raised:
        raster_units([str(scene.raster), str(copy)])
    assert str(raised.value) == (
        "rasters: 1 file names occur more than once (scene); every field or unit needs its own id: rename the files or keep "
        "one of each name."
    )


def test_the_whole_raster_is_never_read(scene, band_model, tmp_path, monkeypatch):
    windows = record_reads(monkeypatch, fields_module)
    run_fields(str(scene.raster), str(band_model), units="polygons", polygons=str(scene.fields), id_field="name",
               kind="spectral", band_groups="a=i0-i3; b=i4-i7", output_table=str(tmp_path / "t.csv"), **SETTINGS)
    assert len(windows) == len(FIELDS) and None not in windows
    sizes = sorted((int(w.height), int(w.width)) for w in windows)
    assert sizes == sorted((row1 - row0, col1 - col0) for col0, row0, col1, row1 in FIELDS.values())


def test_each_unit_is_explained_alone_with_its_own_seed(scene, band_model, tmp_path):
    """A field's result does not depend on the other fields of the run: seed from SEED and its id only."""
    both = run_fields(str(scene.raster), str(band_model), units="polygons", polygons=str(scene.fields),
                      id_field="name", kind="spatial", segmentation="patches", patch_size=4,
                      output_table=str(tmp_path / "both.csv"), **SETTINGS)
    one = gpd.read_file(scene.fields)
    one = one[one["name"] == "c"]
    alone = run_fields(str(scene.raster), str(band_model), units="polygons", polygons=one, id_field="name",
                       kind="spatial", segmentation="patches", patch_size=4,
                       output_table=str(tmp_path / "alone.csv"), **SETTINGS)
    mine = both.table[both.table["unit_id"] == "c"].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, alone.table)
    assert unit_seed(3, "c") == unit_seed(3, "c") != unit_seed(3, "d")


def test_the_planted_bands_carry_the_spectral_attribution(scene, band_model, tmp_path):
    run_fields(str(scene.raster), str(band_model), units="polygons", polygons=str(scene.fields),
                     id_field="name", kind="spectral", band_groups="lo=i0-i2; mid=i3-i4; hi=i5-i6",
                     output_table=str(tmp_path / "t.csv"), output_summary=str(tmp_path / "s.csv"),
                     output_units=str(tmp_path / "u.gpkg"), **SETTINGS)
    summary = pd.read_csv(tmp_path / "s.csv")
    best = summary.loc[summary.groupby("target")["mean"].idxmax()].set_index("target")["feature"]
    assert best.to_dict() == {"low": "lo", "high": "hi"}
    assert (summary["n_units"] == len(FIELDS)).all()
    units = gpd.read_file(tmp_path / "u.gpkg")
    assert list(units["unit_id"]) == list(FIELDS) and {"pred_low", "r2_high", "n_pixels"} <= set(units.columns)


def test_every_unit_carries_its_prediction_and_base_value(scene, band_model, tmp_path):
    """Kernel SHAP's attributions of each unit add up to its prediction minus its base value (the model with
    every superband removed), which the table and the units layer carry."""
    run = run_fields(str(scene.raster), str(band_model), units="polygons", polygons=str(scene.fields),
                     id_field="name", kind="spectral", band_groups="lo=i0-i2; mid=i3-i4; hi=i5-i6",
                     method="kernelshap", output_table=str(tmp_path / "t.csv"),
                     output_units=str(tmp_path / "u.gpkg"), **SETTINGS)
    table = pd.read_csv(tmp_path / "t.csv")
    sums = table.groupby(["unit_id", "target"]).agg(total=("attribution", "sum"), prediction=("prediction", "first"),
                                                     base=("base_value", "first"))
    np.testing.assert_allclose(sums["total"], sums["prediction"] - sums["base"], rtol=1e-6, atol=1e-9)
    assert (sums["prediction"] - sums["base"]).abs().min() > 1e-3  # the fields' spectra move the model
    units = gpd.read_file(tmp_path / "u.gpkg").set_index("unit_id")
    for (unit, target), row in sums.iterrows():
        assert units.loc[unit, f"base_{target}"] == pytest.approx(row["base"])
        assert units.loc[unit, f"pred_{target}"] == pytest.approx(row["prediction"])
    assert list(run.table.columns[-2:]) == ["prediction", "base_value"]


def test_a_failing_unit_leaves_no_output(scene, band_model, tmp_path):
    with pytest.raises(HsiLimeError) as raised:
        run_fields(str(scene.raster), str(band_model), units="tiles", tile_size=16, kind="spatial",
                   segmentation="patches", output=str(tmp_path / "out.tif"), output_table=str(tmp_path / "t.csv"),
                   targets="nothing", **SETTINGS)
    assert str(raised.value).startswith("targets: ")
    assert list(tmp_path.iterdir()) == []


def test_outputs_that_do_not_fit_the_run_are_refused(scene, band_model, tmp_path):
    with pytest.raises(HsiLimeError) as raised:
        run_fields(str(scene.raster), str(band_model), units="tiles", kind="spectral", band_groups="a=i0-i3",
                   output=str(tmp_path / "out.tif"), **SETTINGS)
    assert str(raised.value) == (
        "output: one attribution raster over the whole grid is written for the spatial kind with field polygons or "
        "tiles; with one raster per unit give output_folder, for the spectral kind the tables."
    )


def test_a_run_without_a_single_valid_pixel_is_an_error_and_writes_nothing(band_model, tmp_path):
    raster = tmp_path / "nodata.tif"
    profile = dict(driver="GTiff", width=12, height=8, count=8, dtype="int16", crs=CRS, nodata=-1,
                   transform=rasterio.transform.from_origin(0, 80, 10, 10))
    with rasterio.open(raster, "w", **profile) as dataset:
        dataset.write(np.full((8, 8, 12), -1, dtype=np.int16))
    out = tmp_path / "out"
    with pytest.raises(HsiLimeError) as raised:
        run_fields(str(raster), str(band_model), units="tiles", tile_size=4, kind="spectral", band_groups="a=i0-i3",
                   output_table=str(out / "t.csv"), output_report=str(out / "r.html"), **SETTINGS)
    assert str(raised.value) == (
        "units: none of the 6 tiles holds a valid pixel, so nothing was explained and nothing was written; check "
        "the raster's nodata value and that the units cover data."
    )
    assert not out.exists() or list(out.iterdir()) == []
