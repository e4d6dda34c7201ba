"""The explorer's engine side (hsi_lime_plugin.explore), without QGIS: run records in the outputs, one unit read
back from them, "explain here" against explain_spectral, and the figure.

The small scene of tests/helpers/scene.py (8 bands, fields a..f) with a band-means model (low: bands 0-2, high:
bands 5-6) and a per-pixel MLP (hsi_lime_plugin.demo.pixel_model).
"""
import dataclasses
import importlib.util

import numpy as np
import pandas as pd
import pytest
import rasterio
import rasterio.features
from rasterio.windows import Window

from helpers.scene import FIELDS, TRANSFORM, field_polygon
from hsi_lime_plugin.errors import Cancelled, HsiLimeError
from hsi_lime_plugin.explore.click import Click
from hsi_lime_plugin.explore.figure import MAX_BARS, draw, figure_height
from hsi_lime_plugin.explore.live import explain_here
from hsi_lime_plugin.explore.stored import stored_view
from hsi_lime_plugin.explore.view import compare, feature_spans
from hsi_lime_plugin.outputs.run_record import read_record
from hsi_lime_plugin.reporting import Reporter
from hsi_lime_plugin.runs.explain_fields import run_fields
from hsi_lime_plugin.runs.explain_spatial import run_spatial
from hsi_lime_plugin.runs.explain_spectral import run_spectral
from hsi_lime_plugin.settings import ExploreSettings

#: A GeoPackage's run record is an OGR layer metadata item, written and read through GDAL's Python bindings, which
#: every QGIS has (the explorer runs only there); a plain package-index venv has none and tags nothing.
needs_ogr = pytest.mark.skipif(importlib.util.find_spec("osgeo") is None,
                               reason="GDAL's Python bindings (osgeo) are missing: GeoPackages carry no run record")

GROUPS = "b1=400-450; b2=500-600; b3=650-750"
CRS = "EPSG:32633"


def centre(name: str) -> tuple[float, float]:
    point = field_polygon(*FIELDS[name]).representative_point()
    return point.x, point.y


def pixel_centre(row: int, column: int) -> tuple[float, float]:
    return TRANSFORM * (column + 0.5, row + 0.5)


@pytest.fixture(scope="module")
def outputs(scene, band_model, tmp_path_factory):
    """A spatial run (raster and segments), a spectral map-scale run (units layer, CSV and GeoPackage tables)."""
    folder = tmp_path_factory.mktemp("explore")
    common = dict(polygons=str(scene.fields), id_field="name", n_samples=64, device="cpu")
    run_spatial(str(scene.raster), str(band_model), str(folder / "spatial.tif"),
                output_segments=str(folder / "segments.gpkg"), **common)
    run_fields(str(scene.raster), str(band_model), kind="spectral", band_groups=GROUPS,
               output_units=str(folder / "units.gpkg"), output_table=str(folder / "table.csv"),
               output_summary=str(folder / "summary.gpkg"), **common)
    return folder


@needs_ogr
def test_every_output_that_holds_metadata_carries_the_run_record(outputs, scene, band_model):
    spatial = read_record(outputs / "spatial.tif")
    assert spatial["algorithm"] == "explain_spatial" and spatial["argument"] == "output"
    assert spatial["outputs"] == {"output": str(outputs / "spatial.tif"), "output_segments": str(outputs / "segments.gpkg")}
    assert spatial["settings"]["raster"]["path"] == str(scene.raster)
    assert spatial["settings"]["model"]["path"] == str(band_model)
    assert spatial["settings"]["polygons"] == {"source": str(scene.fields), "layer": None, "id_field": "name"}
    assert spatial["settings"]["explain"]["n_samples"] == 64
    assert read_record(outputs / "segments.gpkg")["argument"] == "output_segments"
    units = read_record(outputs / "units.gpkg")
    assert (units["algorithm"], units["argument"], units["settings"]["kind"]) == ("explain_fields", "output_units",
                                                                                 "spectral")
    assert units["outputs"]["output_table"] == str(outputs / "table.csv")
    assert read_record(outputs / "summary.gpkg")["argument"] == "output_summary"
    assert read_record(outputs / "table.csv") is None  # a CSV holds no metadata
    with rasterio.open(outputs / "spatial.tif") as dataset:  # the tag changed nothing else
        assert dataset.descriptions == ("low", "high") and dataset.count == 2


@needs_ogr
def test_a_field_of_the_units_layer_shows_its_rows_and_its_mean_spectrum(outputs, scene):
    record = read_record(outputs / "units.gpkg")
    table = pd.read_csv(outputs / "table.csv", float_precision="round_trip")
    by_id = stored_view(record, Click(*centre("c"), CRS, unit_id="c", geometry=field_polygon(*FIELDS["c"]).wkb))
    by_point = stored_view(record, Click(*centre("c"), CRS))
    expected = table[table["unit_id"] == "c"].reset_index(drop=True)
    for view in (by_id, by_point):
        assert (view.unit_id, view.unit, view.kind, view.origin) == ("c", "field", "spectral", "table.csv")
        np.testing.assert_array_equal(view.rows["attribution"], expected["attribution"])
        assert list(view.rows["wavelengths_nm"]) == list(expected["wavelengths_nm"])
    with rasterio.open(scene.raster) as dataset:
        data = dataset.read().astype(np.float64)
    inside = rasterio.features.rasterize([(field_polygon(*FIELDS["c"]), 1)], out_shape=data.shape[1:],
                                         transform=TRANSFORM) > 0
    np.testing.assert_allclose(by_id.spectrum.values, data[:, inside].mean(axis=1), rtol=1e-12)
    np.testing.assert_array_equal(by_id.spectrum.x, 400 + 50 * np.arange(8))
    assert by_id.scale == {target: float(table.loc[table["target"] == target, "attribution"].abs().max())
                           for target in ("low", "high")}


def test_a_click_on_the_attribution_raster_shows_the_segment_under_it(outputs):
    segments = pd.DataFrame(__import__("geopandas").read_file(outputs / "segments.gpkg").drop(columns="geometry"))
    view = stored_view(read_record(outputs / "spatial.tif"), Click(*centre("e"), CRS))
    assert (view.unit_id, view.highlight, view.unit, view.kind) == ("e", "e", "segment", "spatial")
    low = view.of_target("low").set_index("feature")
    np.testing.assert_array_equal(low.loc[list(segments["name"]), "attribution"], segments["attr_low"])  # ID_FIELD
    np.testing.assert_array_equal(low.loc[list(segments["name"]), "ci_high"], segments["high_low"])
    assert view.intervals and set(view.targets) == {"low", "high"}


@needs_ogr
def test_a_click_outside_every_unit_says_so(outputs):
    with pytest.raises(HsiLimeError, match="no unit of this output lies under the click"):
        stored_view(read_record(outputs / "units.gpkg"), Click(*pixel_centre(14, 1), CRS))


def test_explain_here_on_a_field_gives_explain_spectral_s_rows_of_that_field(scene, band_model, tmp_path):
    run = run_spectral(str(scene.raster), str(band_model), band_groups=GROUPS, polygons=str(scene.fields),
                       id_field="name", output_table=str(tmp_path / "fields.csv"), n_samples=64, device="cpu")
    settings = ExploreSettings.from_record(read_record_of(run, tmp_path, scene, band_model))
    view = explain_here(settings, Click(*centre("c"), CRS))
    expected = run.table[run.table["unit_id"] == "c"].reset_index(drop=True)
    assert (view.unit_id, view.unit, view.origin) == ("c", "field", "explain here")
    np.testing.assert_allclose(view.rows["attribution"], expected["attribution"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(view.rows["se"], expected["se"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(view.rows["prediction"], expected["prediction"], rtol=1e-12)


def read_record_of(run, folder, scene, band_model):
    """The record explain_spectral would write with polygons (its table is a CSV, which holds none)."""
    from hsi_lime_plugin.outputs.run_record import record_of_run
    from hsi_lime_plugin.settings import (BandGroups, ExplainSettings, ModelSource, PolygonSource, RasterSource,
                                          Runtime, SpectralOutputs, SpectralSettings)

    settings = SpectralSettings(RasterSource(str(scene.raster)), ModelSource(str(band_model)), BandGroups(GROUPS),
                                PolygonSource(str(scene.fields), None, "name"), ExplainSettings(n_samples=64),
                                Runtime("cpu"), SpectralOutputs(str(folder / "fields.csv")))
    return record_of_run("explain_spectral", settings)


@pytest.fixture(scope="module")
def pixel_model(tmp_path_factory):
    from hsi_lime_plugin.demo.pixel_model import write_pixel_mlp

    return write_pixel_mlp(tmp_path_factory.mktemp("mlp") / "mlp.pt", 8, ["a", "b"], seed=1)


@pytest.mark.parametrize("baseline", ["zero", "mean"])
def test_explain_here_on_a_pixel_gives_the_per_pixel_map_s_value(scene, pixel_model, tmp_path, baseline):
    """LIME's map depends on its samples: the same values mean the same coalitions, baseline and fit."""
    run_spectral(str(scene.raster), str(pixel_model), band_groups=GROUPS, output_table=str(tmp_path / "t.csv"),
                 output_map=str(tmp_path / "map.tif"), n_samples=64, baseline=baseline, device="cpu")
    settings = ExploreSettings.from_record(read_record(tmp_path / "map.tif"))
    row, column = 20, 7
    view = explain_here(settings, Click(*pixel_centre(row, column), CRS))
    with rasterio.open(tmp_path / "map.tif") as dataset:
        expected = dict(zip(dataset.descriptions, dataset.read(window=Window(column, row, 1, 1))[:, 0, 0]))
    got = {f"{r.target}:{r.feature}": r.attribution for r in view.rows.itertuples()}
    assert (view.unit_id, view.unit) == (f"row {row}, column {column}", "pixel")
    assert got.keys() == expected.keys()
    np.testing.assert_allclose([got[key] for key in expected], list(expected.values()), rtol=1e-5, atol=1e-7)
    assert np.isfinite(view.rows[["se", "prediction", "base_value", "r2"]].to_numpy(float)).all()
    stored = stored_view(read_record(tmp_path / "map.tif"), Click(*pixel_centre(row, column), CRS))
    assert stored.unit_id == view.unit_id and not stored.intervals
    np.testing.assert_allclose(stored.rows["attribution"], list(expected.values()), rtol=0)
    assert list(stored.rows["wavelengths_nm"]) == ["400-450", "500-600", "650-750"] * 2


def test_explain_here_outside_every_field_or_the_raster_says_what_to_do(scene, band_model):
    settings = ExploreSettings.from_plain({"raster": {"path": str(scene.raster)}, "model": {"path": str(band_model)},
                                           "band_groups": {"text": GROUPS},
                                           "polygons": {"source": str(scene.fields), "id_field": "name"}})
    with pytest.raises(HsiLimeError) as outside:
        explain_here(settings, Click(*pixel_centre(14, 1), CRS))
    assert str(outside.value) == f"polygons: no field of {scene.fields} lies under the click; click inside a field."
    with pytest.raises(HsiLimeError) as no_fields:
        explain_here(dataclasses.replace(settings, polygons=None), Click(*centre("a"), CRS))
    assert "the model is not a per-pixel model, so a click explains the field under it" in str(no_fields.value)


def test_explain_here_stops_when_cancelled(scene, pixel_model):
    settings = ExploreSettings.from_plain({"raster": {"path": str(scene.raster)}, "model": {"path": str(pixel_model)},
                                           "band_groups": {"text": GROUPS}})
    with pytest.raises(Cancelled):
        explain_here(settings, Click(*pixel_centre(10, 10), CRS), Reporter(cancelled=lambda: True))


def test_the_explorer_takes_the_last_explain_run_s_settings_over():
    previous = ExploreSettings.from_plain({"raster": {"path": "/a.tif"}, "model": {"path": "/m.pt"},
                                           "band_groups": {"text": "R; G"}, "unit": "field"})
    spatial = {"algorithm": "explain_spatial", "settings": {
        "raster": {"path": "/b.tif"}, "model": {"path": "/n.pt"}, "explain": {"method": "kernelshap"},
        "polygons": {"source": "/f.gpkg", "id_field": "id"}}}
    taken = ExploreSettings.from_record(spatial, previous)
    assert (taken.raster.path, taken.model.path, taken.explain.method) == ("/b.tif", "/n.pt", "kernelshap")
    assert (taken.band_groups.text, taken.polygons.source, taken.unit) == ("R; G", "/f.gpkg", "field")
    spectral = {"algorithm": "explain_spectral", "settings": {
        "raster": {"path": "/b.tif"}, "model": {"path": "/n.pt"}, "explain": {}, "band_groups": {"text": "B"}}}
    assert ExploreSettings.from_record(spectral, taken).band_groups.text == "B"
    gradients = {"algorithm": "attribute_pixels", "settings": {"raster": {"path": "/b.tif"}, "model": {"path": "/x"},
                                                               "attribute": {}}}
    assert ExploreSettings.from_record(gradients, taken) is taken
    assert ExploreSettings.from_plain(taken.plain()) == taken


def test_superband_ranges_become_spans_on_the_spectrum():
    rows = pd.DataFrame({"feature": ["k", "edge", "seg"], "wavelengths_nm": ["462.1-475.3, 599.0-613.2", "i40-i60",
                                                                              None]})
    assert feature_spans(rows) == {"k": [(462.1, 475.3), (599.0, 613.2)]}
    assert feature_spans(rows, band_numbers=True) == {"edge": [(41.0, 61.0)]}


@needs_ogr
def test_two_units_compare_feature_by_feature(outputs):
    record = read_record(outputs / "units.gpkg")
    first, second = (stored_view(record, Click(*centre(name), CRS)) for name in ("a", "f"))
    table = compare(second, first, "low")
    mine, theirs = second.of_target("low"), first.of_target("low")
    np.testing.assert_allclose(table["difference"], mine["attribution"] - theirs["attribution"], rtol=1e-12)
    np.testing.assert_allclose(table["half_width"], 1.959963984540054 * np.hypot(mine["se"], theirs["se"]),
                               rtol=1e-9)


@needs_ogr
def test_the_figure_draws_the_bars_their_intervals_and_the_shaded_spectrum(outputs):
    from matplotlib.figure import Figure

    record = read_record(outputs / "units.gpkg")
    first, second = (stored_view(record, Click(*centre(name), CRS)) for name in ("a", "f"))
    figure = Figure(figsize=(4, figure_height(second)))
    draw(figure, second, "high")
    spectrum, bars = figure.axes
    rows = second.of_target("high")
    widths = sorted(patch.get_width() for patch in bars.patches)
    np.testing.assert_allclose(widths, sorted(rows["attribution"]), rtol=1e-12)
    assert [label.get_text() for label in bars.get_yticklabels()] == ["b1", "b2", "b3"]
    strongest = rows.loc[rows["attribution"].abs().idxmax()]
    assert strongest["feature"] == "b3" and strongest["attribution"] > 0  # the model's high target reads bands 5, 6
    red = max(spectrum.patches, key=lambda patch: patch.get_facecolor()[0] - patch.get_facecolor()[2])
    assert x_range(red) == pytest.approx((650 - 25, 750 + 25))  # b3's bands, each half a band's step wider
    reach = max(second.limit("high"), float(np.nanmax(np.abs(rows[["ci_low", "ci_high"]].to_numpy()))))
    assert bars.get_xlim() == pytest.approx((-1.05 * reach, 1.05 * reach))
    draw(figure, second, "high", pinned=first)
    assert len(figure.axes) == 3 and [text.get_text() for text in figure.axes[1].get_legend().get_texts()] == ["f", "a"]


def x_range(span) -> tuple[float, float]:
    """The wavelengths an axvspan covers (a Rectangle from matplotlib 3.9, a Polygon before)."""
    if hasattr(span, "get_width"):
        return span.get_x(), span.get_x() + span.get_width()
    xs = np.asarray(span.get_xy())[:, 0]
    return float(xs.min()), float(xs.max())


def test_the_figure_shows_the_strongest_segments_and_the_clicked_one(outputs):
    from matplotlib.figure import Figure

    view = stored_view(read_record(outputs / "spatial.tif"), Click(*centre("b"), CRS))
    many = dataclasses.replace(view, rows=pd.concat([view.rows.assign(feature=view.rows["feature"] + str(i))
                                                     for i in range(4)], ignore_index=True), highlight="b3")
    figure = Figure(figsize=(4, figure_height(many)))
    draw(figure, many, "low")
    labels = [label for label in figure.axes[0].get_yticklabels()]
    assert len(labels) in (MAX_BARS, MAX_BARS + 1)
    bold = [label.get_text() for label in labels if label.get_fontweight() == "bold"]
    assert bold == ["b3"]
    assert figure.axes[0].get_title(loc="right") == f"the {len(labels)} strongest of 24"


def test_a_click_on_a_mosaic_of_segments_shows_the_unit_under_it(scene, band_model, tmp_path):
    """explain_fields' spatial kind over tiles: the attribution raster's record leads to the tile's rows (patches
    inside it), the tile's id computed from the click."""
    run = run_fields(str(scene.raster), str(band_model), units="tiles", tile_size=20, kind="spatial",
                     segmentation="patches", patch_size=10, output=str(tmp_path / "mosaic.tif"),
                     output_table=str(tmp_path / "tiles.csv"), n_samples=32, device="cpu")
    view = stored_view(read_record(tmp_path / "mosaic.tif"), Click(*pixel_centre(25, 30), CRS))
    expected = run.table[run.table["unit_id"] == "r1c1"].reset_index(drop=True)
    assert (view.unit_id, view.unit, view.kind, view.spectrum) == ("r1c1", "tile", "spatial", None)
    assert list(view.rows["feature"]) == list(expected["feature"])
    np.testing.assert_array_equal(view.rows["attribution"], expected["attribution"])
