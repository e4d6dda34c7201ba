"""The embedded demo: its raster, fields, model and card, and the truth it plants.

The demo is built once per module into a temporary folder. The locality check is what a
later truth test of the spectral explanation relies on: zeroing each band group in turn
must change each prediction mostly through that target's own absorption window.
"""
import json

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import torch
from shapely.geometry import box

from hsi_lime_plugin import RecordingReporter, demo
from hsi_lime_plugin.features.superbands import resolve_band_groups

pytestmark = pytest.mark.filterwarnings(r"ignore:`torch\.jit\.load` is deprecated:DeprecationWarning")

#: The own window's effect on a target must exceed every other group's by this factor.
LOCALITY_FACTOR = 3.0


@pytest.fixture(scope="module")
def built(demo_build):
    """The demo built with seed 0 (once per session: tests/test_docs.py runs the documentation's examples on it)."""
    return demo_build


@pytest.fixture(scope="module")
def scene():
    """The generated scene with its truth (seed 0)."""
    return demo.make_scene(0)


@pytest.fixture(scope="module")
def model(built):
    return torch.jit.load(str(built.model)).eval()


@pytest.fixture(scope="module")
def image(built):
    """The raster in model-input units (reflectance), nodata as 0: (C, H, W)."""
    with rasterio.open(built.raster) as dataset:
        raw = dataset.read(masked=True).astype("float32")
    return torch.from_numpy(raw.filled(0) * 1e-4)


def band_groups():
    """Band indices of the groups in DEMO_BAND_GROUPS, then every remaining band as a fifth group."""
    groups = []
    for item in demo.DEMO_BAND_GROUPS.split(";"):
        _label, window = item.split("=")
        lo, hi = (float(value) for value in window.split("-"))
        groups.append(np.flatnonzero((demo.WAVELENGTHS >= lo) & (demo.WAVELENGTHS <= hi)))
    groups.append(np.setdiff1d(np.arange(len(demo.WAVELENGTHS)), np.concatenate(groups)))
    return groups


def test_raster_is_georeferenced_with_wavelengths_and_nodata(built):
    with rasterio.open(built.raster) as dataset:
        assert dataset.crs.to_epsg() == 32633
        assert dataset.count == 121 and dataset.dtypes[0] == "int16"
        assert (dataset.height, dataset.width) == (96, 128)
        assert dataset.res == (10.0, 10.0)
        assert dataset.nodata == -32768
        tags = [dataset.tags(index) for index in range(1, dataset.count + 1)]
        wavelengths = np.array([float(tag["wavelength"]) for tag in tags])
        assert all(tag["wavelength_units"] == "Nanometers" for tag in tags)
        assert dataset.descriptions[0] == "band 1 (400.00 Nanometers)"
        assert dataset.descriptions[-1] == "band 121 (1000.00 Nanometers)"
        data = dataset.read(masked=True)
    np.testing.assert_allclose(wavelengths, np.arange(400, 1001, 5))
    nodata = np.ma.getmaskarray(data).all(axis=0)
    assert 0 < nodata.sum() < 100 and nodata[0, -1]
    reflectance = data.compressed()
    assert reflectance.min() > 0 and reflectance.max() < 10000


def test_band_groups_resolve_to_the_planted_feature_windows():
    """DEMO_BAND_GROUPS, resolved by the engine on the demo's wavelengths, gives each target's window, no overlap."""
    reporter = RecordingReporter()
    resolved = resolve_band_groups(demo.DEMO_BAND_GROUPS, demo.WAVELENGTHS, len(demo.WAVELENGTHS), reporter=reporter)
    assert resolved.labels == [f"{name}_band" for name in ["P", "K", "Mg", "pH"]] + ["not_included"]
    assert reporter.warnings == []
    for bands, name in zip(resolved.band_indices, demo.DEMO_TARGETS):
        np.testing.assert_array_equal(bands, demo.feature_bands(name))
        assert demo.WAVELENGTHS[bands].min() < demo.FEATURE_CENTRES[name] < demo.WAVELENGTHS[bands].max()


def test_fields_are_twelve_separate_polygons_inside_the_raster(built):
    fields = gpd.read_file(built.fields, layer="fields")
    assert len(fields) == 12
    assert list(fields["field_id"]) == [f"F{number:02d}" for number in range(1, 13)]
    assert fields["crop"].map(lambda crop: isinstance(crop, str) and bool(crop)).all()
    assert fields.crs.to_epsg() == 32633
    with rasterio.open(built.raster) as dataset:
        bounds = box(*dataset.bounds)
    assert fields.geometry.within(bounds).all()
    assert fields.geometry.is_valid.all()
    union = fields.geometry.unary_union
    assert union.area == pytest.approx(fields.geometry.area.sum())  # no overlaps
    assert union.area < 0.7 * bounds.area  # background soil between the fields


def test_model_card(built):
    card = json.loads(built.card.read_text(encoding="utf-8"))
    assert built.card == built.model.with_suffix(".json")
    assert card["task"] == "regression"
    assert card["targets"] == ["P", "K", "Mg", "pH"]
    assert card["input"] == {"bands": 121, "scale": 0.0001, "offset": 0.0, "pad_to_square": False, "size": None}
    assert min(card["training"]["held_out_r2"].values()) > 0.9


def test_model_takes_any_size_and_ignores_zero_pixels(model, image):
    with torch.no_grad():
        assert model(image[None]).shape == (1, 4)
        assert model(torch.rand(3, 121, 5, 7) * 0.3 + 0.1).shape == (3, 4)
        # Zero pixels do not count: padding the image with zeros changes nothing.
        padded = torch.nn.functional.pad(image, (0, 9, 0, 4))
        torch.testing.assert_close(model(padded[None]), model(image[None]))
        empty = model(torch.zeros(2, 121, 4, 4))
    assert torch.isfinite(empty).all() and torch.equal(empty[0], empty[1])


def test_field_predictions_recover_the_planted_values(model, image, scene):
    predictions = []
    with torch.no_grad():
        for number in range(1, 13):
            inside = torch.from_numpy(scene.field_index == number)
            predictions.append(model((image * inside)[None])[0].numpy())
    predictions = np.array(predictions)
    for column, name in enumerate(demo.DEMO_TARGETS):
        r = np.corrcoef(predictions[:, column], scene.field_values[:, column])[0, 1]
        assert r > 0.95, f"{name}: per-field r = {r:.3f}"


def test_each_target_depends_mainly_on_its_own_window(model, image, scene):
    """Per field: zero each band group in turn; the own window must move each target most."""
    groups = band_groups()
    ratios = []
    with torch.no_grad():
        for number in range(1, 13):
            field = image * torch.from_numpy(scene.field_index == number)
            base = model(field[None])[0]
            changes = []
            for bands in groups:
                perturbed = field.clone()
                perturbed[bands] = 0
                changes.append((model(perturbed[None])[0] - base).abs().numpy())
            changes = np.array(changes)  # (group, target)
            for target in range(len(demo.DEMO_TARGETS)):
                others = np.delete(changes[:, target], target)
                ratios.append(changes[target, target] / others.max())
    assert min(ratios) > LOCALITY_FACTOR, f"own/other effect ratio: min {min(ratios):.2f}"


def test_same_seed_gives_the_same_raster(built, scene, tmp_path):
    again = tmp_path / "again.tif"
    demo.write_scene_raster(scene, again)
    assert again.read_bytes() == built.raster.read_bytes()
    assert not np.array_equal(demo.make_scene(1).reflectance, scene.reflectance)


def test_build_is_idempotent_and_leaves_no_partial_files(built, monkeypatch):
    folder = built.raster.parent
    stamps = {path: path.stat().st_mtime_ns for path in folder.iterdir()}

    def must_not_run(*args, **kwargs):
        raise AssertionError("a complete demo folder was generated again")

    for name in ("make_scene", "write_scene_raster", "write_fields", "train_model", "save_model"):
        monkeypatch.setattr(demo, name, must_not_run)
    assert demo.build_demo(folder, seed=0) == built
    assert {path: path.stat().st_mtime_ns for path in folder.iterdir()} == stamps
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        path.name for path in (built.raster, built.fields, built.model, built.card)
    )
