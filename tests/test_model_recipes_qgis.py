"""Model formats on the QGIS side: ALLOW_PYTHON_MODEL, ONNX and pickles through processing.run, and the
ViT-style HYPERVIEW example through qgis_process (one spatial and one spectral explanation)."""
import inspect
import json
import os
import shutil
import subprocess
import time
import warnings

import numpy as np
import pytest
import rasterio
import torch
from qgis.core import QgsApplication, QgsProcessingException, QgsProcessingFeedback

from conftest import REPO_ROOT, import_plugin_package
from synthetic import TARGET_FIELD
from test_model_recipes import RECIPE, TARGETS, hyperview_raster

pytestmark = pytest.mark.filterwarnings(r"ignore:`torch\.jit\.\w+` is deprecated:DeprecationWarning")

QGIS_PROCESS = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
SPATIAL = "hsilime:explain_spatial"
SPECTRAL = "hsilime:explain_spectral"


class RecordingFeedback(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.errors, self.warnings, self.infos = [], [], []

    def reportError(self, error, fatalError=False):  # noqa: N802
        self.errors.append(error)

    def pushWarning(self, warning):  # noqa: N802
        self.warnings.append(warning)

    def pushInfo(self, info):  # noqa: N802
        self.infos.append(info)


def run(parameters, algorithm=SPATIAL):
    import processing

    feedback = RecordingFeedback()
    try:
        return processing.run(algorithm, parameters, feedback=feedback), feedback
    except QgsProcessingException as error:
        feedback.errors.append(str(error))
        return None, feedback


@pytest.fixture(scope="module")
def provider(qgis_processing):
    """The provider, registered for this module only (test_processing checks a clean registry later)."""
    registry = QgsApplication.processingRegistry()
    if registry.providerById("hsilime") is not None:  # another module's session fixture holds it
        yield registry.providerById("hsilime")
        return
    plugin = import_plugin_package().classFactory(None)
    plugin.initProcessing()
    yield plugin.provider
    plugin.unload()


def spatial_parameters(scene, tmp_path, **overrides):
    parameters = {
        "INPUT": str(scene.raster), "MODEL": str(scene.model), "SEGMENTATION": 0, "POLYGONS": str(scene.fields),
        "ID_FIELD": "name", "N_SAMPLES": 120, "OUTPUT": str(tmp_path / "attribution.tif"),
    }
    parameters.update(overrides)
    return parameters


def forwards_model_options(algorithm_id):
    """Whether the algorithm passes ALLOW_PYTHON_MODEL on to its workflow (``**self.model_options(...)``)."""
    algorithm = QgsApplication.processingRegistry().algorithmById(algorithm_id)
    return algorithm is not None and "model_options(" in inspect.getsource(type(algorithm).run_workflow)


def recipe_for(scene, folder):
    """A Python recipe that loads the synthetic scene's model (whose sidecar card it copies)."""
    recipe = folder / "scene_recipe.py"
    recipe.write_text(
        "import torch\n"
        f"def load_model(device):\n    return torch.jit.load({str(scene.model)!r}, map_location=device)\n"
    )
    recipe.with_suffix(".json").write_text(scene.model.with_suffix(".json").read_text())
    return recipe


def test_model_parameters(provider):
    algorithm = QgsApplication.processingRegistry().algorithmById(SPATIAL)
    allow = algorithm.parameterDefinition("ALLOW_PYTHON_MODEL")
    assert allow is not None and allow.defaultValue() is False
    assert "runs the code in it" in allow.help()
    model = algorithm.parameterDefinition("MODEL")
    assert "*.onnx" in model.fileFilter() and "*.py" in model.fileFilter()


def test_recipe_is_refused_without_allow_python_model(provider, scene, tmp_path):
    recipe = recipe_for(scene, tmp_path)
    results, feedback = run(spatial_parameters(scene, tmp_path, MODEL=str(recipe)))
    assert results is None
    assert feedback.errors[-1].startswith(f"MODEL: {recipe} is a Python recipe, and loading it would run the code in it")
    assert not (tmp_path / "attribution.tif").exists()


def test_recipe_is_accepted_with_allow_python_model(provider, scene, tmp_path):
    if not forwards_model_options(SPATIAL):
        pytest.skip("hsilime:explain_spatial does not pass ALLOW_PYTHON_MODEL to run_spatial yet: its run_workflow "
                    "needs **self.model_options(parameters, context) (requested in issue 5)")
    recipe = recipe_for(scene, tmp_path)
    results, feedback = run(spatial_parameters(scene, tmp_path, MODEL=str(recipe), ALLOW_PYTHON_MODEL=True))
    assert results is not None, feedback.errors
    assert results["SCORES"].startswith("one_field=")


def test_onnx_model_runs_and_its_provider_is_logged(provider, scene, tmp_path):
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


def test_pickled_checkpoint_is_refused(provider, scene, tmp_path):
    path = tmp_path / "checkpoint.pth"
    torch.save(torch.nn.Linear(8, 2).state_dict(), path)
    results, feedback = run(spatial_parameters(scene, tmp_path, MODEL=str(path)))
    assert results is None
    assert feedback.errors[-1].startswith(f"MODEL: {path} is a pickled PyTorch checkpoint (torch.save)")


def test_resampling_warning_reaches_the_feedback(provider, scene, tmp_path):
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
def qgis_process(tmp_path_factory):
    if QGIS_PROCESS is None:
        pytest.skip("qgis_process is not installed (apt-get install qgis)")
    folder = tmp_path_factory.mktemp("qgis")
    (folder / "plugins").mkdir()
    (folder / "plugins" / "hsi_lime").symlink_to(REPO_ROOT)
    env = dict(
        os.environ, QGIS_PLUGINPATH=str(folder / "plugins"), QGIS_CUSTOM_CONFIG_PATH=str(folder / "profile"),
        QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(folder),
    )
    enabled = subprocess.run([QGIS_PROCESS, "plugins", "enable", "hsi_lime"], env=env, capture_output=True, text=True)
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr

    def run_process(algorithm, **parameters):
        arguments = [f"--{name}={value}" for name, value in parameters.items()]
        started = time.perf_counter()
        completed = subprocess.run(
            [QGIS_PROCESS, "--json", "run", algorithm, *arguments], env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        result = json.loads(completed.stdout) if completed.returncode == 0 else None
        return completed, result, seconds

    return run_process


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
    if not forwards_model_options_in_source("explain_spatial"):
        pytest.skip("hsilime:explain_spatial does not pass ALLOW_PYTHON_MODEL to run_spatial yet: its run_workflow "
                    "needs **self.model_options(parameters, context) (requested in issue 5)")
    completed, result, seconds = qgis_process(
        SPATIAL, INPUT=raster, MODEL=RECIPE, ALLOW_PYTHON_MODEL="true", SEGMENTATION=2, PATCH_SIZE=24, N_SAMPLES=16,
        BATCH_SIZE=8, OUTPUT=tmp_path / "vit_spatial.tif",
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    print(f"qgis_process ViT recipe spatial ({source}), N=16: {seconds:.1f} s wall")
    check_spatial_output(raster, tmp_path / "vit_spatial.tif")


def forwards_model_options_in_source(module_name):
    """Whether processing_algorithms/<module_name>.py passes model_options to its workflow (read as text,
    since the algorithm runs in the qgis_process subprocess)."""
    path = REPO_ROOT / "processing_algorithms" / f"{module_name}.py"
    return path.is_file() and "model_options(" in path.read_text()


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
        OUTPUT=tmp_path / "vit_spatial.tif",
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    print(f"qgis_process ViT (TorchScript export) spatial ({source}), N=16: {seconds:.1f} s wall")
    assert [name.split("=")[0] for name in result["results"]["SCORES"].split(", ")] == TARGETS
    check_spatial_output(raster, tmp_path / "vit_spatial.tif")


@pytest.mark.qgis_process
def test_vit_recipe_spectral_explanation_through_qgis_process(qgis_process, hyperview, tmp_path):
    """The recipe itself (ALLOW_PYTHON_MODEL=true) explained spectrally, with the real band wavelengths."""
    if "ExplainSpectral" not in (REPO_ROOT / "processing_algorithms" / "provider.py").read_text():
        pytest.skip("hsilime:explain_spectral is not in the provider yet")
    if not forwards_model_options_in_source("explain_spectral"):
        pytest.skip("hsilime:explain_spectral does not pass ALLOW_PYTHON_MODEL to run_spectral")
    raster, source = hyperview
    table = tmp_path / "vit_spectral.csv"
    completed, result, seconds = qgis_process(
        SPECTRAL, INPUT=raster, MODEL=RECIPE, ALLOW_PYTHON_MODEL="true", N_SAMPLES=16, BATCH_SIZE=8,
        OUTPUT_TABLE=table, BAND_GROUPS="blue=462-500; green=500-580; red=580-680; red_edge=680-750; nir=750-940",
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    print(f"qgis_process ViT recipe spectral ({source}), N=16: {seconds:.1f} s wall")
    import pandas as pd

    rows = pd.read_csv(table)
    assert set(rows["target"]) == set(TARGETS)
    assert set(rows["superband"]) >= {"blue", "green", "red", "red_edge", "nir"}
    assert np.isfinite(rows["attribution"]).all()
