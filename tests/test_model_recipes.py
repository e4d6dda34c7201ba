"""The ViT-style HYPERVIEW recipe of docs/examples: its model, its card, and explanations with it."""
import importlib.util
import json
import warnings

import numpy as np
import pytest
import rasterio
import torch
from rasterio.transform import from_origin

from helpers import REPO_ROOT, SHARED_DATA
from hsi_lime_plugin import HsiLimeError, explain, load_model, read_raster

RECIPE = REPO_ROOT / "docs" / "examples" / "hyperview_vit.py"
HYPERVIEW = SHARED_DATA / "hyperview"
TARGETS = ["P", "K", "Mg", "pH"]


def hyperview_raster(folder, sample: str = "0"):
    """A HYPERVIEW field as a georeferenced GeoTIFF with wavelength band tags.

    The real sample ``../shared/data/hyperview/<sample>.npz`` (150 x 72 x 89 for "0") when
    it is there, on an arbitrary UTM grid (the samples carry no georeference; 2 m pixels),
    pixels outside the field as nodata; else a synthetic 150-band field of the same kind.
    Returns (path, wavelengths, source description).
    """
    path = folder / f"hyperview_{sample}.tif"
    if (HYPERVIEW / f"{sample}.npz").is_file() and (HYPERVIEW / "wavelengths.txt").is_file():
        arrays = np.load(HYPERVIEW / f"{sample}.npz")
        data, outside = arrays["data"].astype(np.int16), arrays["mask"]
        wavelengths = np.array((HYPERVIEW / "wavelengths.txt").read_text().strip().split(","), dtype=float)
        source = f"real HYPERVIEW sample {sample}"
    else:
        generator = np.random.default_rng(0)
        wavelengths = np.round(462.08 + np.arange(150) * (938.37 - 462.08) / 149, 2)
        spectrum = 1200 + 1500 * np.sin(np.linspace(0, 3, 150))
        data = (spectrum[:, None, None] * generator.uniform(0.8, 1.2, size=(1, 40, 50))).astype(np.int16)
        yy, xx = np.mgrid[:40, :50]
        outside = np.broadcast_to(((yy - 20) / 18.0) ** 2 + ((xx - 25) / 23.0) ** 2 > 1, data.shape)
        source = "synthetic HYPERVIEW-like field"
    data = np.where(outside, np.int16(-32768), data)
    with rasterio.open(
        path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0], dtype="int16",
        crs="EPSG:32634", transform=from_origin(500_000.0, 5_600_000.0, 2.0, 2.0), nodata=-32768,
    ) as dataset:
        dataset.write(data)
        for band, wavelength in enumerate(wavelengths, start=1):
            dataset.update_tags(band, wavelength=f"{wavelength:.2f}", wavelength_units="Nanometers")
    return path, wavelengths, source


@pytest.fixture(scope="module")
def recipe_module():
    spec = importlib.util.spec_from_file_location("hyperview_vit_under_test", RECIPE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def vit():
    return load_model(RECIPE, "cpu", allow_python=True)


def test_recipe_needs_permission():
    with pytest.raises(HsiLimeError, match=r"is a Python recipe, and loading it would run the code in it"):
        load_model(RECIPE, "cpu")


def test_card_is_the_hyperview_preprocessing(vit):
    card = vit.card
    assert card.source == f"{RECIPE} (MODEL_CARD)"
    assert (card.task, card.targets, card.bands, card.format) == ("regression", TARGETS, 150, "python")
    assert card.scale == pytest.approx(1 / 5419) and card.offset == 0.0
    assert card.pad_to_square and card.size == (224, 224) and card.interpolation == "bilinear"
    assert len(card.wavelengths) == 150 and card.wavelengths[0] == 462.08 and card.wavelengths[-1] == 938.37


def test_card_wavelengths_are_hyperviews():
    if not (HYPERVIEW / "wavelengths.txt").is_file():
        pytest.skip(f"{HYPERVIEW} is absent (real data beside the repository as ../shared/data)")
    real = np.array((HYPERVIEW / "wavelengths.txt").read_text().strip().split(","), dtype=float)
    spec = importlib.util.spec_from_file_location("hyperview_vit_wavelengths", RECIPE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert np.abs(np.array(module.WAVELENGTHS) - real).max() <= 0.011


def test_architecture_is_vit_style(vit):
    network = vit.network
    reduction = network.band_reduction[0]
    assert isinstance(reduction, torch.nn.Conv2d) and reduction.in_channels == 150 and reduction.kernel_size == (1, 1)
    assert network.patch_embedding.kernel_size == network.patch_embedding.stride == (16, 16)
    assert network.position.shape[1] == 14 * 14 + 1
    assert isinstance(network.encoder, torch.nn.TransformerEncoder)
    assert network.head.out_features == 4


def test_weights_are_fixed_and_loading_leaves_the_global_generator_alone(vit, recipe_module):
    state = torch.random.get_rng_state()
    again = recipe_module.load_model(torch.device("cpu"))
    assert torch.equal(torch.random.get_rng_state(), state)
    for a, b in zip(vit.network.parameters(), again.parameters()):
        assert torch.equal(a, b)


def test_explanations_on_a_hyperview_field(vit, tmp_path):
    path, wavelengths, _ = hyperview_raster(tmp_path, "2" if (HYPERVIEW / "2.npz").is_file() else "0")
    cube = read_raster(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the raster has the card's wavelengths: no resampling warning
        assert vit.match_raster(cube.shape[0], cube.wavelengths) == ""
    labels = np.where(cube.valid, (np.arange(cube.shape[1])[:, None] // 4) * 10 + np.arange(cube.shape[2]) // 4 + 1, 0)
    spatial = explain(vit, cube.data, labels, valid=cube.valid, n_samples=24, batch_size=8, seed=0)
    assert spatial.target_names == TARGETS and spatial.coefficients.shape[0] == 4
    assert np.isfinite(spatial.coefficients).all()
    groups = np.repeat(np.arange(1, 6), 30)
    spectral = explain(vit, cube.data, groups, kind="spectral", valid=cube.valid, n_samples=24, batch_size=8, seed=0)
    assert spectral.coefficients.shape == (4, 5) and np.isfinite(spectral.coefficients).all()
    np.testing.assert_allclose(spatial.prediction, spectral.prediction, rtol=1e-5)


def test_torchscript_export_embeds_the_card_and_matches_the_recipe(vit, recipe_module, tmp_path):
    path = tmp_path / "hyperview_vit.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recipe_module.export_torchscript(str(path))
        exported = load_model(path, "cpu")
    assert exported.format == "torchscript" and exported.card.format == "torchscript"
    assert exported.target_names == TARGETS and exported.card.size == (224, 224)
    batch = torch.rand(2, 150, 11, 13) * 3000 / 5419
    with torch.inference_mode():
        np.testing.assert_allclose(exported(batch).numpy(), vit(batch).numpy(), atol=1e-4)


def test_a_sidecar_card_beside_the_recipe_wins(tmp_path, recipe_module):
    copy = tmp_path / "vit.py"
    copy.write_text(RECIPE.read_text())
    card = dict(recipe_module.MODEL_CARD, targets=["p", "k", "mg", "ph"])
    copy.with_suffix(".json").write_text(json.dumps(card))
    assert load_model(copy, "cpu", allow_python=True).target_names == ["p", "k", "mg", "ph"]


def test_workflow_passes_allow_python_to_load_model(tmp_path):
    from hsi_lime_plugin.runs.explain_spatial import run_spatial

    path, _, _ = hyperview_raster(tmp_path, "2" if (HYPERVIEW / "2.npz").is_file() else "0")
    with pytest.raises(HsiLimeError, match=r"is a Python recipe"):
        run_spatial(str(path), str(RECIPE), str(tmp_path / "refused.tif"), segmentation="patches", patch_size=6,
                    n_samples=4)
    assert not (tmp_path / "refused.tif").exists()
    run = run_spatial(str(path), str(RECIPE), str(tmp_path / "out.tif"), segmentation="patches", patch_size=6,
                      n_samples=8, batch_size=8, allow_python=True)
    assert run.explanation.target_names == TARGETS
    with rasterio.open(tmp_path / "out.tif") as output:
        assert output.descriptions == tuple(TARGETS)
