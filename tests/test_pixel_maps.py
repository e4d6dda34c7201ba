"""Per-pixel spectral importance (explain_spectral OUTPUT_MAP / OUTPUT_DOMINANT, explain_fields' spectral maps).

The truth: a per-pixel linear model f(x_p) = sum_c w_c x_pc has, for superband k and baseline b, the Shapley
value sum_{c in k} w_c (x_pc - b_c) at every pixel p; a nonlinear one has exact values from all 2**K coalitions,
against which sampled Kernel SHAP and its standard errors are checked.
"""
import json

import numpy as np
import pytest
import rasterio
import torch
from rasterio.transform import from_origin

from hsi_lime_plugin.errors import HsiLimeError
from hsi_lime_plugin.outputs.rasters import DOMINANT_NONE
from hsi_lime_plugin.perturbation.pixel_maps import explain_pixels
from hsi_lime_plugin.models.loading import load_model
from hsi_lime_plugin.runs import explain_spectral
from hsi_lime_plugin.runs.explain_fields import run_fields
from hsi_lime_plugin.runs.explain_spectral import run_spectral
from hsi_lime_plugin.settings import ExplainSettings, Runtime

BANDS, HEIGHT, WIDTH = 12, 30, 40
SCALE = 1e-4
GROUPS = "b1=i0-i1; b2=i2-i4; b3=i5-i6; b4=i7-i9"  # bands 10 and 11 form not_included
MEMBERS = [[0, 1], [2, 3, 4], [5, 6], [7, 8, 9], [10, 11]]
WEIGHTS = np.random.default_rng(11).normal(0.0, 1.0, (BANDS, 2))


class PixelLinear(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("weights", torch.as_tensor(WEIGHTS, dtype=torch.float64))

    def forward(self, spectra: torch.Tensor) -> torch.Tensor:
        return (spectra.to(torch.float64) @ self.weights).to(torch.float32)


class PixelInteractions(torch.nn.Module):
    """Nonlinear in the superbands with interactions of every order (pairwise ones alone Kernel SHAP's complement
    pairs would recover exactly)."""

    def forward(self, spectra: torch.Tensor) -> torch.Tensor:
        mixed = spectra[:, 0] + spectra[:, 3] - spectra[:, 5] + 2 * spectra[:, 8] * spectra[:, 10]
        return (torch.tanh(4 * mixed) * spectra[:, 2] + torch.sqrt(spectra[:, 1] * spectra[:, 7] + 0.01))[:, None]


def write_model(folder, module, targets, layout="pixels"):
    path = folder / f"{type(module).__name__}.pt"
    torch.jit.save(torch.jit.script(module), str(path))
    path.with_suffix(".json").write_text(json.dumps({"targets": targets, "input": {"layout": layout, "scale": SCALE}}))
    return str(path)


@pytest.fixture(scope="module")
def raster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("maps")
    data = np.random.default_rng(7).integers(200, 6000, (BANDS, HEIGHT, WIDTH)).astype(np.int16)
    data[:, :4, :5] = -32768
    path = folder / "scene.tif"
    with rasterio.open(path, "w", driver="GTiff", width=WIDTH, height=HEIGHT, count=BANDS, dtype="int16",
                       crs="EPSG:32633", transform=from_origin(368_000.0, 5_810_000.0, 30.0, 30.0),
                       nodata=-32768) as dataset:
        dataset.write(data)
        for band in range(BANDS):
            dataset.update_tags(band + 1, wavelength=str(450 + 40 * band), wavelength_units="Nanometers")
    valid = data[0] != -32768
    return folder, str(path), data.astype(np.float64) * SCALE, valid


def linear_truth(values, valid, baseline=None):
    """(2, K, H, W) Shapley values of the linear model, NaN outside ``valid``."""
    centred = values - (0.0 if baseline is None else baseline[:, None, None])
    truth = np.stack([np.stack([(WEIGHTS[members, t, None, None] * centred[members]).sum(0) for members in MEMBERS])
                      for t in range(2)])
    return np.where(valid, truth, np.nan)


def read_map(path):
    with rasterio.open(path) as dataset:
        return dataset.read(masked=True).filled(np.nan), dataset.descriptions


@pytest.mark.parametrize("baseline", ["zero", "mean"])
def test_a_linear_pixel_model_is_recovered_at_every_pixel(raster, monkeypatch, baseline):
    """Exact Kernel SHAP, the raster read in 16-pixel tiles (6 tiles, one partly nodata): every pixel's value to
    1e-6, and the whole raster's row equals explaining the raster as one unit."""
    folder, path, values, valid = raster
    monkeypatch.setattr(explain_spectral, "MAP_TILE_SIZE", 16)
    model = write_model(folder, PixelLinear(), ["a", "b"])
    common = dict(band_groups=GROUPS, method="kernelshap", n_samples=64, baseline=baseline, device="cpu")
    run = run_spectral(path, model, output_table=str(folder / f"map_{baseline}.csv"),
                       output_map=str(folder / f"map_{baseline}.tif"), **common)
    maps, names = read_map(folder / f"map_{baseline}.tif")
    assert names == tuple(f"{t}:{s}" for t in "ab" for s in ("b1", "b2", "b3", "b4", "not_included"))
    mean = values[:, valid].mean(axis=1) if baseline == "mean" else None
    truth = linear_truth(values, valid, mean).reshape(maps.shape)
    assert np.isnan(maps[:, ~valid]).all()
    error = np.nanmax(np.abs(maps - truth))
    print(f"linear pixel model, {baseline} baseline: largest error {error:.2e} over {int(valid.sum())} pixels "
          f"(largest |value| {np.nanmax(np.abs(truth)):.3f})")
    assert error < 1e-6
    if baseline == "mean":
        # A linear pixel model's mean over the pixels is the model of the mean spectrum, which the 'mean' baseline
        # leaves as it is: the raster as one unit is refused (its pixels above are not: each differs from the mean)
        with pytest.raises(HsiLimeError, match=r"^baseline: with the baseline 'mean' none of the \d+ perturbed images "
                                               r"changed the model's outputs \(a, b;"):
            run_spectral(path, model, output_table=str(folder / f"whole_{baseline}.csv"), **common)
        assert np.abs(run.table["attribution"]).max() < 1e-6  # the map's region row: 0, with a warning
        return
    whole = run_spectral(path, model, output_table=str(folder / f"whole_{baseline}.csv"), **common)
    np.testing.assert_allclose(run.table["attribution"], whole.table["attribution"], atol=1e-6)
    np.testing.assert_allclose(run.table["prediction"], whole.table["prediction"], atol=1e-6)


def test_the_dominant_superband_is_the_largest_positive_attribution(raster):
    folder, path, values, valid = raster
    model = write_model(folder, PixelLinear(), ["a", "b"])
    run_spectral(path, model, band_groups=GROUPS, output_table=str(folder / "dominant.csv"),
                 output_dominant=str(folder / "dominant.tif"), method="kernelshap", n_samples=64, device="cpu", baseline="zero")
    truth = linear_truth(values, valid)[:, :, valid]  # (T, K, pixels)
    expected = np.where(truth.max(axis=1) > 0, truth.argmax(axis=1) + 1, 0)
    with rasterio.open(folder / "dominant.tif") as dataset:
        dominant = dataset.read()
        assert dataset.descriptions == ("a", "b") and dataset.nodata == 255
        assert dataset.tags()["classes"] == f"0={DOMINANT_NONE}; 1=b1; 2=b2; 3=b3; 4=b4; 5=not_included"
    assert (dominant[:, ~valid] == 255).all()
    assert (dominant[:, valid] == expected).all()
    assert len(np.unique(dominant[:, valid])) > 2  # the test can tell superbands apart
    run_spectral(path, model, band_groups=GROUPS, output_table=str(folder / "one.csv"), targets="b",
                 output_dominant=str(folder / "one.tif"), method="kernelshap", n_samples=64, device="cpu", baseline="zero")
    with rasterio.open(folder / "one.tif") as dataset:  # one band: the palette is in the file too
        assert dataset.descriptions == ("b",) and (dataset.read(1)[valid] == expected[1]).all()
        assert dataset.colormap(1)[1] == (31, 119, 180, 255) and dataset.colormap(1)[0] == (200, 200, 200, 255)


def test_sampled_kernel_shap_has_standard_errors_that_cover_the_exact_values(raster):
    """12 superbands: 4096 coalitions give the exact values; 1200 independent coalitions give estimates whose
    95 % intervals hold the exact values at about 95 % of the pixels, and standard errors on the scale of the
    errors (the stratified default enumerates the smallest coalitions, its intervals are wider than needed)."""
    folder, path, values, valid = raster
    model = load_model(write_model(folder, PixelInteractions(), ["y"]), "cpu")
    model.match_raster(BANDS, None)
    image = (values[:, :10, 10:20] / SCALE).astype(np.float32)
    features = np.arange(1, BANDS + 1)
    exact = explain_pixels(model, image, features, None, ExplainSettings(method="kernelshap", n_samples=4096, baseline="zero"),
                           Runtime("cpu"))
    sampled = explain_pixels(model, image, features, None, ExplainSettings(method="kernelshap", n_samples=1200,
                                                                            sampling="bernoulli", baseline="zero"), Runtime("cpu"))
    assert exact.exact and not sampled.exact and (exact.standard_error == 0).all()
    assert (sampled.standard_error > 0).all()
    error = np.abs(sampled.coefficients - exact.coefficients)
    assert 0.9 < (error <= 1.96 * sampled.standard_error).mean() < 0.999
    assert error.mean() < sampled.standard_error.mean() < 3 * error.mean()


def test_an_image_model_cannot_be_mapped_and_scores_need_the_whole_raster(raster):
    folder, path, _, _ = raster
    image_model = write_model(folder, PixelLinear(), ["a", "b"], layout="image")
    with pytest.raises(HsiLimeError, match="needs a model that predicts each pixel from its spectrum"):
        run_spectral(path, image_model, band_groups=GROUPS, output_table=str(folder / "no.csv"),
                     output_map=str(folder / "no.tif"), device="cpu", baseline="zero")
    with pytest.raises(HsiLimeError, match="the faithfulness scores of the whole raster need it in memory at once"):
        run_spectral(path, write_model(folder, PixelLinear(), ["a", "b"]), band_groups=GROUPS,
                     output_table=str(folder / "no.csv"), output_map=str(folder / "no.tif"), faithfulness_scores=True, baseline="zero")
    assert not (folder / "no.tif").exists() and not (folder / "no.csv").exists()


def test_explain_fields_maps_tiles_as_explain_spectral_does(raster, monkeypatch):
    """Tiles of explain_fields share the run's coalitions: the map equals explain_spectral's, and each tile's row
    is the fit to its own pixels (for a linear model: the mean of their Shapley values)."""
    folder, path, values, valid = raster
    monkeypatch.setattr(explain_spectral, "MAP_TILE_SIZE", 16)
    model = write_model(folder, PixelLinear(), ["a", "b"])
    common = dict(band_groups=GROUPS, method="kernelshap", n_samples=64, device="cpu", baseline="zero")
    result = run_fields(path, model, units="tiles", tile_size=16, kind="spectral", output_table=str(folder / "t.csv"),
                        output_map=str(folder / "tiles.tif"), **common)
    run_spectral(path, model, output_table=str(folder / "s.csv"), output_map=str(folder / "spectral.tif"), **common)
    tiles, spectral = read_map(folder / "tiles.tif")[0], read_map(folder / "spectral.tif")[0]
    np.testing.assert_allclose(tiles, spectral, atol=1e-7)
    truth = linear_truth(values, valid)
    first = result.table[(result.table["unit_id"] == "r0c1") & (result.table["target"] == "a")]
    np.testing.assert_allclose(first["attribution"], np.nanmean(truth[0][:, :16, 16:32], axis=(1, 2)), atol=1e-6)
    with pytest.raises(HsiLimeError, match="are written for the spectral kind"):
        run_fields(path, model, units="tiles", kind="spatial", output_map=str(folder / "x.tif"), device="cpu", baseline="zero")
