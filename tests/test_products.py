"""Sensor products read directly as every run's raster: EMIT, EnMAP (folder and ZIP), PRISMA, DESIS, Tanager, AVIRIS.

Each product is written in its real layout (tests/helpers/products.py) and filled with real EnMAP reflectance; the
cube a run reads must be that reflectance (orthorectified through the GLT for EMIT; counts x gain + offset for
EnMAP and DESIS; the L2Scale range for PRISMA) to float precision, on the product's grid, with the metadata's band
centres; a linear per-pixel model's map and field attributions must equal their closed form on that grid; the bad
bands must sit in no superband.
"""
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import rasterio.features
import shapely.geometry
import torch
from rasterio.windows import Window

from helpers.products import WRITERS, expected_valid, write_product
from hsi_lime_plugin.inputs.products import emit as emit_module
from hsi_lime_plugin.inputs.raster import read_band_info, read_grid, read_raster
from hsi_lime_plugin.reporting import Reporter
from hsi_lime_plugin.runs.explain_spectral import run_spectral

NAMES = {"emit": "EMIT L2A surface reflectance", "enmap": "EnMAP L2A surface reflectance",
         "enmap_zip": "EnMAP L2A surface reflectance", "desis": "DESIS L2A surface reflectance",
         "prisma": "PRISMA L2D surface reflectance", "tanager": "Tanager ortho surface reflectance",
         "aviris": "AVIRIS L2A orthorectified reflectance"}
GROUPS = "visible=400-700; near_infrared=700-1300; shortwave=1300-2500"
WEIGHTS = np.random.default_rng(5).normal(0.0, 1.0, (224, 2))


class PixelLinear(torch.nn.Module):
    """Two targets, each a weighted sum of a pixel's reflectance."""

    def __init__(self, weights: np.ndarray):
        super().__init__()
        self.register_buffer("weights", torch.as_tensor(weights, dtype=torch.float64))

    def forward(self, spectra: torch.Tensor) -> torch.Tensor:
        return (spectra.to(torch.float64) @ self.weights).to(torch.float32)


@pytest.fixture(scope="module", params=list(WRITERS))
def product(request, product_sample, tmp_path_factory):
    return request.param, write_product(request.param, tmp_path_factory.mktemp(request.param), product_sample)


@pytest.fixture(scope="module")
def linear_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "pixel_linear.pt"
    torch.jit.save(torch.jit.script(PixelLinear(WEIGHTS)), str(path))
    path.with_suffix(".json").write_text(json.dumps({"targets": ["a", "b"], "input": {"layout": "pixels",
                                                                                        "scale": 1.0}}))
    return str(path)


def test_the_cube_is_the_products_reflectance_on_its_grid(product):
    kind, written = product
    cube = read_raster(written.path)
    valid = expected_valid(written)
    assert cube.product == NAMES[kind]
    np.testing.assert_array_equal(cube.wavelengths, written.wavelengths)
    assert cube.transform == written.transform and cube.crs == rasterio.crs.CRS.from_string(written.crs)
    assert cube.data.dtype == np.float32 and cube.shape == written.expected.shape
    assert (cube.valid == valid).all() and 0 < valid.sum() < valid.size
    np.testing.assert_allclose(cube.data[:, valid], np.nan_to_num(written.expected)[:, valid], rtol=1e-6, atol=1e-7)
    assert (cube.data[:, ~valid] == 0).all()  # no data: 0, never seen by the model as data
    assert cube.bad_bands == tuple(written.bad)
    grid = read_grid(written.path)
    assert (grid.height, grid.width, grid.count, grid.transform) == (*cube.shape[1:], cube.shape[0], cube.transform)
    info = read_band_info(written.path)
    assert info.product == NAMES[kind] and info.bad == tuple(written.bad)


def test_windows_read_what_the_whole_cube_holds(product, monkeypatch):
    """Windows at the edges and across the GLT's border (EMIT gathered from chunks of 7 downtrack rows)."""
    kind, written = product
    monkeypatch.setattr(emit_module, "SWATH_CHUNK", 7)
    whole = read_raster(written.path)
    height, width = whole.shape[1:]
    for row, column, rows, columns in ((0, 0, 10, 13), (5, 20, 30, 40), (height - 8, width - 9, 8, 9)):
        part = read_raster(written.path, window=Window(column, row, columns, rows))
        np.testing.assert_array_equal(part.data, whole.data[:, row:row + rows, column:column + columns])
        np.testing.assert_array_equal(part.valid, whole.valid[row:row + rows, column:column + columns])
        assert part.transform == whole.transform * whole.transform.translation(column, row)


def members(wavelengths: np.ndarray, bad) -> list[np.ndarray]:
    """The bands of each group of GROUPS (bad bands in none)."""
    good = np.ones(wavelengths.size, dtype=bool)
    good[list(bad)] = False
    return [np.flatnonzero((wavelengths >= low) & (wavelengths <= high) & good)
            for low, high in ((400, 700), (700, 1300), (1300, 2500))]


def linear_truth(written, valid) -> np.ndarray:
    """(2, 3, H, W) Shapley values of the linear model with a zero baseline: sum of w_c x_c over each group."""
    values = np.nan_to_num(written.expected)
    groups = members(written.wavelengths, written.bad)
    truth = np.stack([np.stack([np.tensordot(WEIGHTS[group, t], values[group], axes=1) for group in groups])
                      for t in range(2)])
    return np.where(valid, truth, np.nan)


def test_a_linear_pixel_models_map_is_its_closed_form_on_the_products_grid(product, linear_model, tmp_path):
    kind, written = product
    infos, warnings = [], []
    run = run_spectral(str(written.path), linear_model, band_groups=GROUPS, method="kernelshap", n_samples=64,
                       output_table=str(tmp_path / "table.csv"), output_bands=str(tmp_path / "bands.csv"),
                       output_map=str(tmp_path / "map.tif"), device="cpu",
                       reporter=Reporter(info=infos.append, warning=warnings.append), baseline="zero")
    assert f"raster: {written.path} is read as {NAMES[kind]} (reflectance 0-1, on the product's map grid)" in infos
    named = [w for w in warnings if "bad bands of the raster" in w]
    assert named == ([f"band_groups: i129-i134 (1331.2-1390.8 nm) are bad bands of the raster (its bad-band list): "
                      "they belong to no superband and are never perturbed."] if written.bad else [])
    valid = expected_valid(written)
    with rasterio.open(tmp_path / "map.tif") as dataset:
        maps = dataset.read(masked=True).filled(np.nan)
        assert dataset.transform == written.transform and dataset.crs == rasterio.crs.CRS.from_string(written.crs)
        assert dataset.descriptions == tuple(f"{t}:{g}" for t in "ab" for g in ("visible", "near_infrared",
                                                                              "shortwave"))
    truth = linear_truth(written, valid).reshape(maps.shape)
    assert np.isnan(maps[:, ~valid]).all()
    np.testing.assert_allclose(maps[:, valid], truth[:, valid], atol=2e-5, rtol=1e-5)
    bands = pd.read_csv(tmp_path / "bands.csv")
    first = bands[bands["target"] == "a"].reset_index(drop=True)
    assert first.loc[list(written.bad), "feature"].isna().all()
    assert first.drop(index=list(written.bad))["feature"].notna().all()
    assert run.table["feature"].tolist() == ["visible", "near_infrared", "shortwave"] * 2


def test_fields_in_another_crs_are_explained_on_the_products_grid(product, linear_model, tmp_path):
    """Two fields drawn in Web Mercator: each field's attribution is the mean of its pixels' closed form."""
    kind, written = product
    transform, crs = written.transform, rasterio.crs.CRS.from_string(written.crs)
    boxes = [shapely.geometry.box(*(transform * (5, 40)), *(transform * (30, 12))),
             shapely.geometry.box(*(transform * (35, 60)), *(transform * (60, 33)))]
    fields = gpd.GeoDataFrame({"name": ["west", "east"]}, geometry=boxes, crs=crs).to_crs(3857)
    fields.to_file(tmp_path / "fields.gpkg")
    run = run_spectral(str(written.path), linear_model, band_groups=GROUPS, method="kernelshap", n_samples=64,
                       polygons=str(tmp_path / "fields.gpkg"), id_field="name",
                       output_table=str(tmp_path / "fields.csv"), device="cpu", baseline="zero")
    truth = linear_truth(written, expected_valid(written))
    for name, geometry in zip(fields["name"], fields.to_crs(crs).geometry):
        inside = rasterio.features.rasterize([(geometry, 1)], out_shape=truth.shape[2:], transform=transform) > 0
        rows = run.table[run.table["unit_id"] == name]
        expected = np.nanmean(truth[:, :, inside], axis=2).ravel()
        np.testing.assert_allclose(rows["attribution"].to_numpy(), expected, atol=2e-5, rtol=1e-5)


def test_aviris_ng_envi_files_are_read_with_their_header(product_sample, tmp_path):
    """AVIRIS-NG's ENVI deliveries (ang*_rfl): wavelength, fwhm and bbl from the header, like any ENVI raster."""
    path = tmp_path / "ang20220224t210144_rfl_v2aa1_img"
    values = np.where(product_sample.counts == -32768, -9999.0, product_sample.counts * 1e-4).astype(np.float32)
    with rasterio.open(path, "w", driver="ENVI", width=values.shape[2], height=values.shape[1], count=values.shape[0],
                       dtype="float32", crs=product_sample.crs, transform=product_sample.transform,
                       nodata=-9999.0) as dataset:
        dataset.write(values)
    bbl = np.ones(values.shape[0], dtype=int)
    bbl[list(product_sample.bad)] = 0
    lists = {"wavelength": product_sample.wavelengths, "fwhm": product_sample.fwhm, "bbl": bbl}
    with open(path.with_suffix(".hdr"), "a", encoding="utf-8") as header:
        header.write("wavelength units = Nanometers\n")
        for key, items in lists.items():
            header.write(f"{key} = {{{', '.join(f'{v:g}' for v in items)}}}\n")
    cube = read_raster(path)
    np.testing.assert_allclose(cube.wavelengths, product_sample.wavelengths, rtol=1e-6)
    assert cube.bad_bands == product_sample.bad and cube.product is None
    np.testing.assert_allclose(read_band_info(path).fwhm, product_sample.fwhm, rtol=1e-5)
    valid = ~np.isnan(np.delete(product_sample.reflectance, product_sample.bad, axis=0)).any(axis=0)
    np.testing.assert_allclose(cube.data[:, valid], np.where(values == -9999.0, 0.0, values)[:, valid])


def test_tiles_of_a_map_scale_run_read_the_emit_grid_window_by_window(product_sample, linear_model, tmp_path,
                                                                       monkeypatch):
    """explain_fields over 24-pixel tiles of the GLT grid (each tile gathered from its own swath rows) writes the
    map explain_spectral writes for the whole granule."""
    from hsi_lime_plugin.runs.explain_fields import run_fields

    written = write_product("emit", tmp_path / "emit", product_sample)
    monkeypatch.setattr(emit_module, "SWATH_CHUNK", 5)
    common = dict(band_groups=GROUPS, method="kernelshap", n_samples=64, device="cpu", baseline="zero")
    run_fields(str(written.path), linear_model, units="tiles", tile_size=24, kind="spectral",
               output_table=str(tmp_path / "tiles.csv"), output_map=str(tmp_path / "tiles.tif"), **common)
    run_spectral(str(written.path), linear_model, output_table=str(tmp_path / "whole.csv"),
                 output_map=str(tmp_path / "whole.tif"), **common)
    with rasterio.open(tmp_path / "tiles.tif") as tiles, rasterio.open(tmp_path / "whole.tif") as whole:
        assert (tiles.transform, tiles.crs) == (whole.transform, whole.crs)
        np.testing.assert_allclose(tiles.read(masked=True).filled(np.nan), whole.read(masked=True).filled(np.nan),
                                   atol=1e-6)
