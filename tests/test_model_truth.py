"""The models users have, on real data: a planted per-pixel network and a random forest on EnMAP tiles, and a
field-mean forest on the HYPERVIEW fields. Each is explained with exact Kernel SHAP and checked against what was
planted, or against Shapley values computed here by enumerating every coalition.

Skipped, with the reason, when ../shared/data is absent.
"""
import itertools
import json
import math

import numpy as np
import pytest
import rasterio
import torch

from helpers.units import HYPERVIEW_SCALE, write_hyperview
from hsi_lime_plugin import explain, load_model
from hsi_lime_plugin.features.superbands import resolve_band_groups
from hsi_lime_plugin.inputs.raster import read_raster
from hsi_lime_plugin.runs.explain_spectral import run_spectral

TILES = ("enmap_potsdam_tile_128_0.tif", "enmap_potsdam_tile_96_96.tif")
TRAINING_TILES = ("enmap_potsdam_tile_64_0.tif", "enmap_potsdam_tile_96_32.tif", "enmap_potsdam_tile_160_64.tif",
                  "enmap_potsdam_tile_192_128.tif")
#: Ten superbands over EnMAP's range (the bands below 460 nm keep their values).
GROUPS = ("blue=460-500; green=500-600; red=600-700; edge=700-800; nir=800-900; nir2=900-1000; swir1=1000-1350; "
          "swir2=1350-1800; swir3=1800-2100; swir4=2100-2450")
SUPERBANDS = ["blue", "green", "red", "edge", "nir", "nir2", "swir1", "swir2", "swir3", "swir4"]


class PlantedNetwork(torch.nn.Module):
    """Per pixel: target 'nir' a small monotone network of the 800-900 nm bands only, 'blue' of 460-500 nm only."""

    def __init__(self, nir: torch.Tensor, blue: torch.Tensor):
        super().__init__()
        generator = torch.Generator().manual_seed(0)
        self.register_buffer("nir", nir)
        self.register_buffer("blue", blue)
        self.register_buffer("w_nir", torch.rand((len(nir), 8), generator=generator))
        self.register_buffer("w_blue", torch.rand((len(blue), 8), generator=generator))
        self.register_buffer("v", torch.rand(8, generator=generator) + 0.1)

    def forward(self, spectra: torch.Tensor) -> torch.Tensor:
        nir = torch.relu(spectra.index_select(1, self.nir) @ self.w_nir + 0.05) @ self.v
        blue = torch.relu(spectra.index_select(1, self.blue) @ self.w_blue + 0.05) @ self.v
        return torch.stack([nir, blue], dim=1)


@pytest.fixture(scope="module")
def enmap(shared_data):
    folder = shared_data / "enmap_potsdam" / "images"
    wavelengths = read_raster(folder / TILES[0]).wavelengths
    return folder, wavelengths, resolve_band_groups(GROUPS, wavelengths, len(wavelengths), False, None)


def run_map(path, model, folder, name, **options):
    """The dominant superband and the attribution map of one tile (exact Kernel SHAP over 10 superbands; the zero
    baseline unless ``options`` say otherwise: what a band "raises" is then the band itself)."""
    options = {"baseline": "zero", **options}
    run = run_spectral(str(path), str(model), band_groups=GROUPS, include_rest=False, method="kernelshap",
                       n_samples=1024, output_table=str(folder / f"{name}.csv"), output_map=str(folder / f"{name}.tif"),
                       output_dominant=str(folder / f"{name}_dominant.tif"), device="cpu", **options)
    with rasterio.open(folder / f"{name}.tif") as dataset:
        maps = dataset.read(masked=True).filled(np.nan)
    with rasterio.open(folder / f"{name}_dominant.tif") as dataset:
        dominant = dataset.read()
    return run, maps.reshape(len(run.explanations[None].target_names), len(SUPERBANDS), *maps.shape[1:]), dominant


def test_a_planted_pixel_network_is_explained_by_the_bands_it_reads(enmap, tmp_path):
    """The dominant superband is 'nir' for the target that reads 800-900 nm and 'blue' for the one that reads
    460-500 nm at >= 99 % of the valid pixels of two real tiles; the superbands it never reads get 0."""
    folder, wavelengths, superbands = enmap
    nir = torch.as_tensor(np.flatnonzero((wavelengths >= 800) & (wavelengths <= 900)))
    blue = torch.as_tensor(np.flatnonzero((wavelengths >= 460) & (wavelengths <= 500)))
    model = tmp_path / "planted.pt"
    torch.jit.save(torch.jit.script(PlantedNetwork(nir, blue)), str(model))
    model.with_suffix(".json").write_text(json.dumps(
        {"targets": ["nir", "blue"], "input": {"layout": "pixels", "scale": 1e-4, "wavelengths": wavelengths.tolist()}}))
    right, total = np.zeros(2), 0
    for index, tile in enumerate(TILES):
        valid = read_raster(folder / tile).valid
        run, maps, dominant = run_map(folder / tile, model, tmp_path, f"planted{index}")
        planted = [SUPERBANDS.index("nir") + 1, SUPERBANDS.index("blue") + 1]
        right += [(dominant[t][valid] == planted[t]).sum() for t in range(2)]
        total += valid.sum()
        unread = np.ones((2, len(SUPERBANDS)), dtype=bool)
        unread[0, planted[0] - 1] = unread[1, planted[1] - 1] = False
        assert np.nanmax(np.abs(maps[unread])) < 1e-6
    share = right / total
    print(f"planted network: dominant superband right at {100 * share[0]:.2f} % (nir) and {100 * share[1]:.2f} % "
          f"(blue) of {total} pixels")
    assert (share >= 0.99).all()


def training_pixels(folder, wavelengths):
    """Valid pixels of four other tiles (reflectance) and the planted dependence: mean 800-900 nm reflectance."""
    spectra = np.concatenate([(read_raster(folder / tile).data.reshape(224, -1).T * 1e-4) for tile in TRAINING_TILES])
    nir = (wavelengths >= 800) & (wavelengths <= 900)
    return spectra.astype(np.float32), spectra[:, nir].mean(axis=1)


def test_a_random_forest_through_skops_and_onnx_explains_the_same(enmap, tmp_path):
    """A forest trained to predict the mean 800-900 nm reflectance, saved with skops and converted with
    skl2onnx: the two maps agree to about 1e-5 (ONNX's float32) and both name 'nir'."""
    skops_io = pytest.importorskip("skops.io")
    skl2onnx = pytest.importorskip("skl2onnx")
    pytest.importorskip("onnxruntime")
    from sklearn.ensemble import RandomForestRegressor

    folder, wavelengths, _ = enmap
    x, y = training_pixels(folder, wavelengths)
    forest = RandomForestRegressor(16, max_depth=8, max_features=0.3, random_state=0).fit(x, y)
    card = json.dumps({"targets": ["nir_reflectance"], "input": {"scale": 1e-4, "wavelengths": wavelengths.tolist()}})
    skops_io.dump(forest, str(tmp_path / "forest.skops"))
    (tmp_path / "forest.onnx").write_bytes(skl2onnx.to_onnx(forest, x[:1]).SerializeToString())
    for name in ("forest", "forest_onnx"):
        (tmp_path / f"{name}.json").write_text(card)
    (tmp_path / "forest_onnx.onnx").write_bytes((tmp_path / "forest.onnx").read_bytes())
    by_skops = run_map(folder / TILES[0], tmp_path / "forest.skops", tmp_path, "skops")
    by_onnx = run_map(folder / TILES[0], tmp_path / "forest_onnx.onnx", tmp_path, "onnx")
    difference = np.nanmax(np.abs(by_skops[1] - by_onnx[1]))
    print(f"random forest: skops and ONNX maps differ by at most {difference:.2e} (largest |attribution| "
          f"{np.nanmax(np.abs(by_skops[1])):.3f})")
    assert difference < 2e-5
    for run, maps, dominant in (by_skops, by_onnx):
        table = run.table.set_index("feature")["attribution"]
        assert table.abs().idxmax() == "nir"
        assert np.nanmean(np.abs(maps[0]), axis=(1, 2)).argmax() == SUPERBANDS.index("nir")


def shapley(game, n_players: int) -> np.ndarray:
    """Exact Shapley values of ``game(coalition) -> float`` by the Shapley formula."""
    values = {z: float(game(z)) for z in itertools.product((0, 1), repeat=n_players)}
    phi = np.zeros(n_players)
    for k in range(n_players):
        for z, value in values.items():
            if z[k]:
                size = sum(z) - 1
                weight = math.factorial(size) * math.factorial(n_players - size - 1) / math.factorial(n_players)
                phi[k] += weight * (value - values[z[:k] + (0,) + z[k + 1:]])
    return phi


@pytest.fixture(scope="module")
def hyperview_forest(shared_data, tmp_path_factory):
    """A forest on field-mean spectra (HYPERVIEW's winning approach), trained on the means of random subsets of
    the nine fields' pixels against their phosphorus, saved with skops and a mean_spectrum card."""
    skops_io = pytest.importorskip("skops.io")
    from sklearn.ensemble import RandomForestRegressor

    folder = tmp_path_factory.mktemp("hyperview")
    samples = (0, 2, 3, 4, 5, 6, 7, 8, 9)
    paths = write_hyperview(folder, shared_data, samples=samples)
    truth = np.loadtxt(shared_data / "hyperview" / "train_gt.csv", delimiter=",", skiprows=1)
    phosphorus = [truth[truth[:, 0] == sample, 1][0] for sample in samples]
    generator = np.random.default_rng(0)
    means, targets = [], []
    for path, value in zip(paths, phosphorus):
        cube = read_raster(path)
        pixels = cube.data[:, cube.valid].T / HYPERVIEW_SCALE
        for _ in range(40):
            means.append(pixels[generator.random(len(pixels)) < 0.5].mean(axis=0))
            targets.append(value)
    forest = RandomForestRegressor(12, max_depth=6, random_state=0).fit(np.array(means, dtype=np.float32), targets)
    model = folder / "field_mean.skops"
    skops_io.dump(forest, str(model))
    model.with_suffix(".json").write_text(json.dumps({"targets": ["P"], "input": {"layout": "mean_spectrum",
                                                                                 "scale": 1 / HYPERVIEW_SCALE}}))
    return load_model(model, "cpu"), forest, paths


def test_a_field_mean_forest_sees_removed_bands_and_removed_pixels(hyperview_forest):
    """On HYPERVIEW field 0: spectral Kernel SHAP (6 superbands) and spatial Kernel SHAP (6 patches, a removed
    patch leaves the mean) equal the Shapley values of the forest on the mean spectrum, enumerated here."""
    model, forest, paths = hyperview_forest
    cube = read_raster(paths[0])
    x = cube.data / HYPERVIEW_SCALE
    bands = np.repeat(np.arange(1, 7), 25)
    spectral = explain(model, cube.data, bands, kind="spectral", method="kernelshap", n_samples=64, valid=cube.valid, baseline="zero")
    mean = x[:, cube.valid].mean(axis=1)
    truth = shapley(lambda z: forest.predict(np.where(np.repeat(z, 25).astype(bool), mean, 0.0)[None].astype(
        np.float32))[0], 6)
    print(f"field-mean forest: spectral Shapley values {np.round(truth, 3)}, largest error "
          f"{np.abs(spectral.coefficients[0] - truth).max():.2e}")
    np.testing.assert_allclose(spectral.coefficients[0], truth, atol=1e-4 * np.abs(truth).max() + 1e-6)
    rows, columns = np.indices(cube.valid.shape)
    patches = 1 + (rows * 2 // cube.valid.shape[0]) * 3 + columns * 3 // cube.valid.shape[1]
    spatial = explain(model, cube.data, patches, kind="spatial", method="kernelshap", n_samples=64, valid=cube.valid, baseline="zero")

    def removed_pixels(z):
        kept = np.isin(patches, np.flatnonzero(z) + 1) & cube.valid
        spectrum = x[:, kept].mean(axis=1) if kept.any() else np.zeros(len(x))
        return forest.predict(spectrum[None].astype(np.float32))[0]

    truth = shapley(removed_pixels, 6)
    print(f"field-mean forest: spatial Shapley values {np.round(truth, 3)}, largest error "
          f"{np.abs(spatial.coefficients[0] - truth).max():.2e}")
    np.testing.assert_allclose(spatial.coefficients[0], truth, atol=1e-4 * np.abs(truth).max() + 1e-6)
    assert np.abs(truth).max() > 0.1  # the patches matter: the test can fail
