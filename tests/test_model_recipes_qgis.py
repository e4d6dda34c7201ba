"""Model formats on the QGIS side: ALLOW_PYTHON_MODEL, ONNX and pickles through processing.run, and the
ViT-style HYPERVIEW example through qgis_process (one spatial and one spectral explanation)."""
import json
import warnings

import numpy as np
import pytest
import rasterio
import torch
from helpers import NO_QGIS

pytest.importorskip("qgis.core", reason=NO_QGIS)
from qgis.core import QgsApplication  # noqa: E402

from helpers.qgis import assert_fails_with, run_algorithm  # noqa: E402
from helpers.scene import TARGET_FIELD  # noqa: E402
from test_model_recipes import RECIPE, TARGETS, hyperview_raster  # noqa: E402

pytestmark = pytest.mark.filterwarnings(r"ignore:`torch\.jit\.\w+` is deprecated:DeprecationWarning")

SPATIAL = "hsilime:explain_spatial"
SPECTRAL = "hsilime:explain_spectral"


def run(parameters, algorithm=SPATIAL):
    return run_algorithm(algorithm, parameters)


def spatial_parameters(scene, tmp_path, **overrides):
    parameters = {
        "INPUT": str(scene.raster), "MODEL": str(scene.model), "SEGMENTATION": 0, "POLYGONS": str(scene.fields),
        "ID_FIELD": "name", "N_SAMPLES": 120, "OUTPUT": str(tmp_path / "attribution.tif"),
    }
    parameters.update(overrides)
    return parameters


def recipe_for(scene, folder):
    """A Python recipe that loads the synthetic scene's model (whose sidecar card it copies)."""
    recipe = folder / "scene_recipe.py"
    recipe.write_text(
        "import torch\n"
        f"def load_model(device):\n    return torch.jit.load({str(scene.model)!r}, map_location=device)\n"
    )
    recipe.with_suffix(".json").write_text(scene.model.with_suffix(".json").read_text())
    return recipe


def test_model_parameters(hsilime_provider):
    algorithm = QgsApplication.processingRegistry().algorithmById(SPATIAL)
    allow = algorithm.parameterDefinition("ALLOW_PYTHON_MODEL")
    assert allow is not None and allow.defaultValue() is False
    assert "runs the code in it" in allow.help()
    model = algorithm.parameterDefinition("MODEL")
    assert "*.onnx" in model.fileFilter() and "*.py" in model.fileFilter()


def test_recipe_is_refused_without_allow_python_model(hsilime_provider, scene, tmp_path):
    recipe = recipe_for(scene, tmp_path)
    assert_fails_with(
        SPATIAL,
        spatial_parameters(scene, tmp_path, MODEL=str(recipe)),
        f"MODEL: {recipe} is a Python recipe, and loading it would run the code in it; recipes are refused unless "
        "you allow them. If you trust this file, allow it with ALLOW_PYTHON_MODEL=True; otherwise ask for a "
        "TorchScript or ONNX export.",
        tmp_path,
    )


def test_recipe_is_accepted_with_allow_python_model(hsilime_provider, scene, tmp_path):
    recipe = recipe_for(scene, tmp_path)
    results, feedback = run(spatial_parameters(scene, tmp_path, MODEL=str(recipe), ALLOW_PYTHON_MODEL=True))
    assert results is not None, feedback.errors
    assert results["SCORES"].startswith("one_field=")


def test_onnx_model_runs_and_its_provider_is_logged(hsilime_provider, scene, tmp_path):
    pytest.importorskip("onnxruntime")
    network = torch.jit.load(str(scene.model))
    path = tmp_path / "scene.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            network, (torch.zeros(2, 8, 30, 40),), str(path), input_names=["input"], output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, dynamo=False,
        )
    path.with_suffix(".json").write_text(scene.model.with_suffix(".json").read_text())
    results, feedback = run(spatial_parameters(scene, tmp_path, MODEL=str(path), OUTPUT_SEGMENTS=str(tmp_path / "s.gpkg")))
    assert results is not None, feedback.errors
    assert any("runs the model with CPUExecutionProvider" in info for info in feedback.infos)
    import geopandas as gpd

    segments = gpd.read_file(tmp_path / "s.gpkg")
    assert segments.loc[segments["attr_one_field"].abs().idxmax(), "name"] == TARGET_FIELD


def test_pickled_checkpoint_is_refused(hsilime_provider, scene, tmp_path):
    path = tmp_path / "checkpoint.pth"
    torch.save(torch.nn.Linear(8, 2).state_dict(), path)
    assert_fails_with(
        SPATIAL,
        spatial_parameters(scene, tmp_path, MODEL=str(path)),
        f"MODEL: {path} is a pickled PyTorch checkpoint (torch.save), which hsi-lime does not load: unpickling runs "
        "arbitrary code, and a state dict carries no architecture. Export the model where you trained it, e.g. "
        "model.eval(); torch.jit.save(torch.jit.script(model), 'model.pt') (or torch.jit.trace(model, example) for "
        "models that do not script), or torch.onnx.export(model, example, 'model.onnx'); or write a Python recipe "
        "(.py defining load_model(device) that builds the model and loads the state dict) and enable "
        "ALLOW_PYTHON_MODEL.",
        tmp_path,
    )


def test_resampling_warning_reaches_the_feedback(hsilime_provider, scene, tmp_path):
    card = json.loads(scene.model.with_suffix(".json").read_text())
    card["input"].pop("bands")
    card["input"]["wavelengths"] = [410.0 + 50 * band for band in range(8)]  # 10 nm off the raster's 400..750
    model = tmp_path / "shifted.pt"
    model.write_bytes(scene.model.read_bytes())
    model.with_suffix(".json").write_text(json.dumps(card))
    results, feedback = run(spatial_parameters(scene, tmp_path, MODEL=str(model)))
    assert results is not None, feedback.errors
    assert any("resampling the raster spectrally" in w and "largest shift 10.00 nm" in w for w in feedback.warnings)


# --- qgis_process with the ViT-style HYPERVIEW example -------------------------------------------
@pytest.fixture(scope="module")
def hyperview(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hyperview")
    raster, wavelengths, source = hyperview_raster(folder, "0")
    return raster, source


@pytest.fixture(scope="module")
def vit_torchscript(tmp_path_factory):
    """The example exported as TorchScript with its card embedded (loading it needs no permission)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("hyperview_vit_export", RECIPE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp("vit") / "hyperview_vit.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module.export_torchscript(str(path))
    return path



@pytest.mark.qgis_process
def test_vit_recipe_spatial_explanation_through_qgis_process(qgis_process, hyperview, tmp_path):
    raster, source = hyperview
    refused, _, _ = qgis_process(SPATIAL, INPUT=raster, MODEL=RECIPE, SEGMENTATION=2, PATCH_SIZE=24, N_SAMPLES=16,
                                 OUTPUT=tmp_path / "refused.tif")
    assert refused.returncode != 0
    assert "is a Python recipe, and loading it would run the code in it" in refused.stdout + refused.stderr
    completed, result, seconds = qgis_process(
        SPATIAL, INPUT=raster, MODEL=RECIPE, ALLOW_PYTHON_MODEL="true", SEGMENTATION=2, PATCH_SIZE=24, N_SAMPLES=16,
        BATCH_SIZE=8, OUTPUT=tmp_path / "vit_spatial.tif",
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    print(f"qgis_process ViT recipe spatial ({source}), N=16: {seconds:.1f} s wall")
    check_spatial_output(raster, tmp_path / "vit_spatial.tif")


def check_spatial_output(raster, output):
    with rasterio.open(raster) as source, rasterio.open(output) as attribution:
        assert (attribution.crs, attribution.transform, attribution.shape) == (source.crs, source.transform, source.shape)
        assert attribution.descriptions == tuple(TARGETS)
        maps = attribution.read(masked=True)
    assert np.ma.count(maps) > 0 and np.isfinite(maps.compressed()).all()


@pytest.mark.qgis_process
def test_vit_spatial_explanation_through_qgis_process(qgis_process, hyperview, vit_torchscript, tmp_path):
    raster, source = hyperview
    completed, result, seconds = qgis_process(
        SPATIAL, INPUT=raster, MODEL=vit_torchscript, SEGMENTATION=2, PATCH_SIZE=24, N_SAMPLES=16, BATCH_SIZE=8,
        BASELINE="zero", OUTPUT=tmp_path / "vit_spatial.tif",  # the recipe's run above has the default background
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    print(f"qgis_process ViT (TorchScript export) spatial ({source}), N=16: {seconds:.1f} s wall")
    assert [name.split("=")[0] for name in result["results"]["SCORES"].split(", ")] == TARGETS
    check_spatial_output(raster, tmp_path / "vit_spatial.tif")


@pytest.mark.qgis_process
def test_vit_recipe_spectral_explanation_through_qgis_process(qgis_process, hyperview, tmp_path):
    """The recipe itself (ALLOW_PYTHON_MODEL=true) explained spectrally, with the real band wavelengths."""
    raster, source = hyperview
    table = tmp_path / "vit_spectral.csv"
    completed, result, seconds = qgis_process(
        SPECTRAL, INPUT=raster, MODEL=RECIPE, ALLOW_PYTHON_MODEL="true", N_SAMPLES=16, BATCH_SIZE=8, BASELINE="zero",
        OUTPUT_TABLE=table, BAND_GROUPS="blue=462-500; green=500-580; red=580-680; red_edge=680-750; nir=750-940",
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    print(f"qgis_process ViT recipe spectral ({source}), N=16: {seconds:.1f} s wall")
    import pandas as pd

    rows = pd.read_csv(table)
    assert set(rows["target"]) == set(TARGETS)
    assert set(rows["feature"]) >= {"blue", "green", "red", "red_edge", "nir"}
    assert np.isfinite(rows["attribution"]).all()
