"""Model files and cards: TorchScript, ONNX, recipes, pickles, tasks, spectral matching, normalisation."""
import json
import re
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

from helpers import REPO_ROOT
from helpers.grids import grid_labels
from hsi_lime_plugin import HsiLimeError, RecordingReporter, explain, load_model
from hsi_lime_plugin.models.card import ModelCard
from hsi_lime_plugin.models.explainable import ExplainableModel
from hsi_lime_plugin.models.resampling import resampling_matrix

pytestmark = pytest.mark.filterwarnings(r"ignore:`torch\.jit\.:DeprecationWarning")

onnx = pytest.importorskip("onnx", reason="onnx is installed for the tests by requirements.txt")
onnxruntime = pytest.importorskip("onnxruntime", reason="onnxruntime is installed for the tests by requirements.txt")

CPU = torch.device("cpu")


# --- small models -----------------------------------------------------------------------------
class SmallRegressor(torch.nn.Module):
    """6 bands -> 3 outputs through a band mix, a 3 x 3 convolution and pooling (nonlinear, deterministic)."""

    def __init__(self, bands=6, outputs=3):
        super().__init__()
        generator = torch.Generator().manual_seed(3)
        self.mix = torch.nn.Conv2d(bands, 8, 1)
        self.spatial = torch.nn.Conv2d(8, 8, 3, padding=1)
        self.head = torch.nn.Linear(8, outputs)
        for parameter in self.parameters():
            parameter.data = torch.randn(parameter.shape, generator=generator) * 0.5

    def forward(self, batch):
        hidden = torch.tanh(self.spatial(torch.relu(self.mix(batch))))
        return self.head(hidden.mean(dim=(2, 3)))


def save_torchscript(model, path, card=None, example=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scripted = torch.jit.script(model) if example is None else torch.jit.trace(model, example)
        extra = {"model_card.json": json.dumps(card)} if card is not None else {}
        torch.jit.save(scripted, str(path), _extra_files=extra)
    return path


def save_onnx(model, path, example, card=None, dynamic_batch=True):
    axes = {"input": {0: "batch"}, "output": {0: "batch"}} if dynamic_batch else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (example,), str(path), input_names=["input"], output_names=["output"], dynamic_axes=axes,
            dynamo=False,
        )
    if card is not None:
        proto = onnx.load(str(path))
        entry = proto.metadata_props.add()
        entry.key, entry.value = "model_card", json.dumps(card)
        onnx.save(proto, str(path))
    return path


@pytest.fixture(scope="module")
def image():
    return np.random.default_rng(5).uniform(500, 4000, size=(6, 10, 14)).astype(np.float32)


REGRESSION_CARD = {
    "task": "regression",
    "targets": ["P", "K", "pH"],
    "input": {"bands": 6, "scale": 1e-4, "pad_to_square": True, "size": [16, 16]},
}


# --- TorchScript and ONNX ------------------------------------------------------------------------
def test_torchscript_and_onnx_exports_give_the_same_attributions(tmp_path, image):
    model = SmallRegressor().eval()
    example = torch.zeros(2, 6, 16, 16)
    script = load_model(save_torchscript(model, tmp_path / "small.pt", REGRESSION_CARD), "cpu")
    exported = load_model(save_onnx(model, tmp_path / "small.onnx", example, dict(REGRESSION_CARD, format="onnx")), "cpu")
    assert script.format == "torchscript" and exported.format == "onnx"
    assert script.target_names == exported.target_names == ["P", "K", "pH"]  # both embedded cards were read
    labels = grid_labels(10, 14, 3, 4)
    differences = []
    for kind, features in (("spatial", labels), ("spectral", np.array([1, 1, 2, 3, 3, 4]))):
        a = explain(script, image, features, kind=kind, n_samples=300, batch_size=37, seed=4, baseline="zero")
        b = explain(exported, image, features, kind=kind, n_samples=300, batch_size=37, seed=4, baseline="zero")
        np.testing.assert_allclose(a.prediction, b.prediction, atol=1e-5)
        differences.append(np.abs(a.coefficients - b.coefficients).max())
        assert np.abs(a.coefficients).max() > 1e-3  # the comparison is not between zeros
    print(f"TorchScript vs ONNX: largest attribution difference {max(differences):.2e}")
    assert max(differences) < 1e-4


def test_onnx_model_with_a_fixed_batch_size_is_fed_in_chunks(tmp_path, image):
    model = SmallRegressor().eval()
    path = save_onnx(model, tmp_path / "fixed.onnx", torch.zeros(4, 6, 16, 16), REGRESSION_CARD, dynamic_batch=False)
    exported = load_model(path, "cpu")
    batch = torch.as_tensor(image[None].repeat(7, axis=0)) * 1e-4
    with torch.inference_mode():
        np.testing.assert_allclose(exported(batch).numpy(), model(exported.model_input(batch)).numpy(), atol=1e-5)


def test_onnx_logs_its_provider_and_device_choice(tmp_path):
    path = save_onnx(SmallRegressor().eval(), tmp_path / "m.onnx", torch.zeros(1, 6, 8, 8), REGRESSION_CARD)
    model = load_model(path, "auto")
    if torch.cuda.is_available():  # auto picks the GPU; onnxruntime runs there only with its CUDA provider
        name = torch.cuda.get_device_name(0)
        assert model.device_note.startswith(f"device auto: CUDA is available, using {name}; onnxruntime ")
        assert ("runs the model with CUDAExecutionProvider" in model.device_note
                or "runs the model with CPUExecutionProvider (this onnxruntime has no CUDA execution provider: "
                in model.device_note)
    else:
        assert model.device_note.startswith("device auto: CUDA is not available, using the CPU; onnxruntime ")
        assert model.device_note.endswith("runs the model with CPUExecutionProvider")
    assert load_model(path, "cpu").device_note.startswith("device cpu: as requested; onnxruntime")


def test_cuda_without_cuda_is_an_error_not_a_fallback(tmp_path):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    path = save_onnx(SmallRegressor().eval(), tmp_path / "m.onnx", torch.zeros(1, 6, 8, 8), REGRESSION_CARD)
    with pytest.raises(HsiLimeError, match=r"^device: CUDA was requested but torch sees no CUDA GPU"):
        load_model(path, "cuda")


def test_onnx_without_onnxruntime_gives_the_pip_command(tmp_path, monkeypatch):
    path = save_onnx(SmallRegressor().eval(), tmp_path / "m.onnx", torch.zeros(1, 6, 8, 8), REGRESSION_CARD)
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime -> ImportError
    with pytest.raises(HsiLimeError) as raised:
        load_model(path, "cpu")
    message = str(raised.value)
    assert message.startswith(f"model: {path} is an ONNX model, which needs the Python package onnxruntime")
    assert "-m pip install onnxruntime" in message


def test_engine_imports_and_loads_torchscript_without_onnxruntime(tmp_path):
    path = save_torchscript(SmallRegressor().eval(), tmp_path / "m.pt", REGRESSION_CARD)
    code = (
        "import sys; sys.modules['onnxruntime'] = None; sys.modules['onnx'] = None\n"
        "import warnings; warnings.simplefilter('ignore')\n"
        "import torch; from hsi_lime_plugin import load_model\n"
        f"m = load_model({str(path)!r}, 'cpu'); print(m(torch.zeros(2, 6, 5, 5)).shape)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "torch.Size([2, 3])"


def test_not_an_onnx_file(tmp_path):
    fake = tmp_path / "broken.onnx"
    fake.write_bytes(b"\x08\x07 not really a protobuf")
    with pytest.raises(HsiLimeError, match=r"^model: .*broken\.onnx cannot be read as an ONNX model"):
        load_model(fake, "cpu")


# --- where the card comes from -----------------------------------------------------------------
def test_sidecar_card_wins_over_the_embedded_one(tmp_path):
    path = save_torchscript(SmallRegressor().eval(), tmp_path / "m.pt", REGRESSION_CARD)
    assert load_model(path, "cpu").card.source == f"{path} (embedded model_card.json)"
    sidecar = dict(REGRESSION_CARD, targets=["a", "b", "c"])
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    model = load_model(path, "cpu")
    assert model.target_names == ["a", "b", "c"]
    assert model.card.source == str(path.with_suffix(".json"))


def test_no_card_gives_defaults_and_a_warning_that_lists_them(tmp_path, image):
    path = save_torchscript(SmallRegressor().eval(), tmp_path / "bare.pt")
    reporter = RecordingReporter()
    model = load_model(path, "cpu", reporter=reporter)
    message = reporter.warnings[0]
    assert message.startswith(f"model: no model card for {path} (no sidecar bare.json, none embedded in the model)")
    for default in ("task regression", "targets named t0, t1", "native size", "scale 1, offset 0"):
        assert default in message
    result = explain(model, image, grid_labels(10, 14, 2, 2), n_samples=50, seed=0, baseline="zero")
    assert result.target_names == ["t0", "t1", "t2"]


def test_card_format_must_match_the_file(tmp_path):
    path = save_torchscript(SmallRegressor().eval(), tmp_path / "m.pt", dict(REGRESSION_CARD, format="onnx"))
    with pytest.raises(HsiLimeError) as raised:
        load_model(path, "cpu")
    assert str(raised.value) == (
        f"model: the model card {path} (embedded model_card.json) field 'format' is 'onnx' but {path} is a "
        "torchscript model; fix 'format' or choose the right file."
    )


def test_unknown_extension_uses_the_cards_format_or_the_file_bytes(tmp_path):
    path = save_torchscript(SmallRegressor().eval(), tmp_path / "model.bin", REGRESSION_CARD)
    assert load_model(path, "cpu").format == "torchscript"
    text = tmp_path / "model.weights"
    text.write_text("hello")
    with pytest.raises(HsiLimeError, match=r"cannot tell the format of .*model\.weights from its extension"):
        load_model(text, "cpu")


def test_missing_model_file(tmp_path):
    with pytest.raises(HsiLimeError, match=r"^model: the model file .* does not exist; choose an existing"):
        load_model(tmp_path / "absent.onnx")


# --- pickles and recipes ---------------------------------------------------------------------
@pytest.mark.parametrize("what", ["module", "state_dict", "legacy"])
@pytest.mark.parametrize("suffix", [".pt", ".pth"])
def test_pickled_checkpoints_are_refused(tmp_path, what, suffix):
    model = SmallRegressor()
    path = tmp_path / f"checkpoint{suffix}"
    if what == "module":
        torch.save(model, path)
    elif what == "state_dict":
        torch.save(model.state_dict(), path)
    else:
        torch.save(model, path, _use_new_zipfile_serialization=False)
    with pytest.raises(HsiLimeError) as raised:
        load_model(path, "cpu")
    message = str(raised.value)
    assert message.startswith(f"model: {path} is a pickled PyTorch checkpoint (torch.save), which hsi-lime does not load")
    assert "unpickling runs arbitrary code" in message
    assert "torch.jit.save(torch.jit.script(model), 'model.pt')" in message
    assert "allow_python" in message


RECIPE = '''
import torch
MODEL_CARD = {"task": "regression", "targets": ["mean", "max"], "input": {"scale": 0.5}}
LOADED = []

class Net(torch.nn.Module):
    def forward(self, batch):
        return torch.stack([batch.mean(dim=(1, 2, 3)), batch.amax(dim=(1, 2, 3))], dim=1)

def load_model(device):
    LOADED.append(str(device))
    return Net()
'''


def test_recipe_is_refused_without_permission_and_loaded_with_it(tmp_path, image):
    path = tmp_path / "recipe.py"
    marker = tmp_path / "ran.txt"
    path.write_text(f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n" + RECIPE)
    with pytest.raises(HsiLimeError) as raised:
        load_model(path, "cpu")
    assert str(raised.value).startswith(
        f"model: {path} is a Python recipe, and loading it would run the code in it; recipes are refused unless "
        "you allow them. If you trust this file, allow it with allow_python=True"
    )
    assert not marker.exists()  # refused before any of its code ran
    model = load_model(path, "cpu", allow_python=True)
    assert marker.exists()
    assert model.format == "python" and model.target_names == ["mean", "max"]
    assert model.card.source == f"{path} (MODEL_CARD)"
    with torch.inference_mode():
        output = model(model.prepare(torch.as_tensor(image))[None])
    np.testing.assert_allclose(output[0].numpy(), [image.mean() * 0.5, image.max() * 0.5], rtol=1e-5)


def test_recipe_problems_are_named(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("import torch\nraise ValueError('weights file missing')\n")
    with pytest.raises(HsiLimeError, match=r"failed while it was imported \(ValueError: weights file missing\)"):
        load_model(broken, "cpu", allow_python=True)
    empty = tmp_path / "empty.py"
    empty.write_text("MODEL_CARD = {'targets': ['a']}\n")
    with pytest.raises(HsiLimeError, match=r"defines no function load_model\(device\)"):
        load_model(empty, "cpu", allow_python=True)
    wrong = tmp_path / "wrong.py"
    wrong.write_text("def load_model(device):\n    return 42\n")
    with pytest.raises(HsiLimeError, match=r"load_model\(device\) in the Python recipe .* returned int"):
        load_model(wrong, "cpu", allow_python=True)


# --- tasks ----------------------------------------------------------------------------------
class Logits(torch.nn.Module):
    """3 class logits from band means: soil = band 0, crop = band 1, water = -band 0."""

    def forward(self, batch):
        means = batch.mean(dim=(2, 3))
        return torch.stack([means[:, 0], means[:, 1], -means[:, 0]], dim=1) * 4


def test_classification_with_softmax_explains_class_probabilities(tmp_path, image):
    card = {"task": "classification", "targets": ["soil", "crop", "water"],
            "input": {"scale": 1e-4}, "output": {"activation": "softmax"}}
    path = save_torchscript(Logits(), tmp_path / "classes.pt", card)
    model = load_model(path, "cpu")
    assert model.target_names == ["soil", "crop", "water"]
    inputs = model.prepare(torch.as_tensor(image))
    with torch.inference_mode():
        probabilities = model(inputs[None])[0].numpy()
    means = image.mean(axis=(1, 2)) * 1e-4
    logits = np.array([means[0], means[1], -means[0]]) * 4
    np.testing.assert_allclose(probabilities, np.exp(logits) / np.exp(logits).sum(), rtol=1e-5)
    result = explain(model, image, grid_labels(10, 14, 2, 3), n_samples=100, seed=0, baseline="zero")
    assert result.target_names == ["soil", "crop", "water"]
    assert result.prediction.sum() == pytest.approx(1.0, abs=1e-6)


class Scores(torch.nn.Module):
    """The input bands are the class scores (B, K, H, W); ``channels_last`` returns (B, H, W, K)."""

    def __init__(self, channels_last: bool = False):
        super().__init__()
        self.channels_last = channels_last

    def forward(self, batch):
        return batch.permute(0, 2, 3, 1) if self.channels_last else batch


#: 3 classes on 2 x 2 pixels: (0,0) a 0.7, (0,1) b 0.6, (1,0) a 0.5, (1,1) c 0.5.
SCORES = np.array(
    [[[0.7, 0.1], [0.5, 0.2]],
     [[0.2, 0.6], [0.4, 0.3]],
     [[0.1, 0.3], [0.1, 0.5]]], dtype=np.float32,
)


def segmentation_model(reduction, activation="none", class_axis=1, pad=False):
    card = ModelCard.from_dict(
        {"task": "segmentation", "targets": ["a", "b", "c"], "input": {"pad_to_square": pad},
         "output": {"activation": activation, "reduction": reduction, "class_axis": class_axis}},
        "test card",
    )
    return ExplainableModel(Scores(channels_last=class_axis == -1), card, CPU)


@pytest.mark.parametrize("class_axis", [1, -1])
def test_segmentation_reductions_match_hand_computed_values(class_axis):
    batch = torch.as_tensor(SCORES)[None]
    with torch.inference_mode():
        soft = segmentation_model("soft", class_axis=class_axis)(batch)[0].numpy()
        hard = segmentation_model("hard", class_axis=class_axis)(batch)[0].numpy()
    np.testing.assert_allclose(soft, [0.7 + 0.5, 0.6, 0.5], rtol=1e-6)
    np.testing.assert_array_equal(hard, [2, 1, 1])


def test_segmentation_softmax_reduction_by_hand():
    batch = torch.as_tensor(SCORES)[None]
    with torch.inference_mode():
        soft = segmentation_model("soft", activation="softmax")(batch)[0].numpy()

    def probability(row, col, k):
        column = SCORES[:, row, col]
        return math.exp(column[k]) / sum(math.exp(v) for v in column)

    expected = [probability(0, 0, 0) + probability(1, 0, 0), probability(0, 1, 1), probability(1, 1, 2)]
    np.testing.assert_allclose(soft, expected, rtol=1e-6)


def test_segmentation_leaves_the_square_padding_out():
    wide = np.concatenate([SCORES, np.array([[[0.9], [0.9]], [[0.0], [0.0]], [[0.0], [0.0]]], np.float32)], axis=2)
    with torch.inference_mode():  # 2 x 3 raster padded to 3 x 3: the padded row (all 0, a tie -> class a) is left out
        hard = segmentation_model("hard", pad=True)(torch.as_tensor(wide)[None])[0].numpy()
    np.testing.assert_array_equal(hard, [4, 1, 1])


def test_segmentation_explanation_targets_are_the_classes():
    model = segmentation_model("hard")
    image = np.repeat(np.repeat(SCORES, 3, axis=1), 3, axis=2)  # 6 x 6
    result = explain(model, image, grid_labels(6, 6, 2, 2), n_samples=64, seed=0, baseline="zero")
    assert result.target_names == ["a", "b", "c"]
    np.testing.assert_array_equal(result.prediction, [18, 9, 9])


def test_segmentation_output_of_the_wrong_rank(tmp_path):
    card = ModelCard.from_dict({"task": "segmentation", "targets": ["a", "b"]}, "seg card")
    model = ExplainableModel(lambda batch: batch.mean(dim=(2, 3)), card, CPU)
    with pytest.raises(HsiLimeError, match=r"says task 'segmentation', so the model should return \(batch, classes"):
        model(torch.zeros(1, 2, 3, 3))


# --- matching the raster's bands ---------------------------------------------------------------
class BandReader(torch.nn.Module):
    """Outputs the spatial mean of every input band, and records the last input."""

    def forward(self, batch):
        self.last = batch.clone()
        return batch.mean(dim=(2, 3))


def card_model(network=None, **input_fields):
    targets = input_fields.pop("targets", None)
    n = len(input_fields.get("wavelengths", [])) or input_fields.get("bands") or 3
    card = ModelCard.from_dict({"targets": targets or [f"b{i}" for i in range(n)], "input": input_fields}, "card.json")
    return ExplainableModel(network or BandReader(), card, CPU)


def test_resampling_matrix_interpolates_linearly_and_clamps():
    matrix = resampling_matrix(np.array([500.0, 400.0, 600.0]), np.array([400.0, 450.0, 575.0, 650.0]))
    np.testing.assert_allclose(matrix, [[0, 1, 0], [0.5, 0.5, 0], [0.25, 0, 0.75], [0, 0, 1]])
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0)


def test_same_wavelengths_need_no_resampling():
    model = card_model(wavelengths=[400.0, 500.0, 600.0])
    reporter = RecordingReporter()
    assert model.match_raster(3, [400.2, 499.9, 600.0], reporter=reporter) == ""
    assert reporter.warnings == []


def test_other_sensor_is_resampled_with_a_warning_giving_the_largest_shift():
    model = card_model(wavelengths=[450.0, 500.0, 580.0])
    raster = np.array([400.0, 440.0, 480.0, 520.0, 560.0, 600.0])
    reporter = RecordingReporter()
    model.match_raster(6, raster, reporter=reporter)
    message = reporter.warnings[0]
    assert message == (
        "raster: the raster's wavelengths differ from the model's (raster: 6 bands, 400.00-600.00 nm; model card "
        "card.json: 3 bands, 450.00-580.00 nm); resampling the raster spectrally to the card's wavelengths by linear "
        "interpolation (largest shift 20.00 nm: the card's band at 500.00 nm is nearest to the raster's band at "
        "480.00 nm)."
    )
    image = torch.arange(6, dtype=torch.float32).reshape(6, 1, 1).expand(6, 2, 2) * 10
    with torch.inference_mode():
        output = model(model.prepare(image)[None])[0].numpy()
    np.testing.assert_allclose(output, [np.interp(w, raster, np.arange(6) * 10) for w in (450, 500, 580)], rtol=1e-6)


def test_resampling_can_be_refused_by_the_caller_or_the_card():
    raster = np.array([400.0, 440.0, 480.0, 520.0, 560.0, 600.0])
    with pytest.raises(HsiLimeError) as raised:
        card_model(wavelengths=[450.0, 500.0, 580.0]).match_raster(6, raster, refuse_resampling=True)
    assert str(raised.value).endswith(
        "largest shift 20.00 nm: the card's band at 500.00 nm is nearest to the raster's band at 480.00 nm) and "
        "spectral resampling was refused; choose a raster with the model's bands, or allow resampling."
    )
    refusing = card_model(wavelengths=[450.0, 500.0, 580.0], spectral_resampling="refuse")
    with pytest.raises(HsiLimeError, match=r"the card says \"spectral_resampling\": \"refuse\""):
        refusing.match_raster(6, raster)


def test_bands_outside_the_rasters_range_cannot_be_resampled():
    model = card_model(wavelengths=[450.0, 900.0, 2200.0])
    with pytest.raises(HsiLimeError) as raised:
        model.match_raster(4, [400.0, 500.0, 600.0, 700.0])
    assert str(raised.value) == (
        "raster: 2 of the model's 3 bands lie outside the raster's wavelength range (raster: 4 bands, "
        "400.00-700.00 nm; model card card.json: 3 bands, 450.00-2200.00 nm); the raster cannot be resampled to "
        "them. Choose a raster that covers 450.00-2200.00 nm."
    )


def test_band_count_mismatch_without_wavelengths_names_both_lists():
    model = card_model(wavelengths=[450.0, 500.0, 580.0])
    with pytest.raises(HsiLimeError) as raised:
        model.match_raster(8, None)
    assert str(raised.value).startswith(
        "raster: the raster has 8 bands and no wavelength metadata, but the model card card.json takes 3 bands, "
        "450.00-580.00 nm; the bands cannot be matched."
    )
    counted = card_model(bands=150, targets=["x"])
    with pytest.raises(HsiLimeError) as raised:
        counted.match_raster(8, np.linspace(400, 750, 8))
    assert str(raised.value) == (
        "raster: the raster has 8 bands but the model card card.json says the model takes 150 bands; choose the "
        "raster the model was trained for, or fix 'input.bands' in the card. (Raster: 8 bands, 400.00-750.00 nm; "
        "card: 150 bands, no wavelengths: add 'input.wavelengths' to the card to let hsi-lime resample other "
        "sensors.)"
    )
    counted.match_raster(150)  # the card's own band count is accepted


def test_raster_without_wavelengths_but_the_cards_band_count_is_assumed_with_a_warning():
    model = card_model(wavelengths=[450.0, 500.0, 580.0])
    reporter = RecordingReporter()
    model.match_raster(3, None, reporter=reporter)
    assert reporter.warnings[0].startswith("raster: the raster has no wavelength metadata; assuming its 3 bands")


def test_spectral_features_stay_on_the_rasters_bands_when_resampling(image):
    # the model reads only card band 1 (500 nm), which lies between raster bands 1 and 2 (480, 520 nm)
    network = lambda batch: batch[:, 1].mean(dim=(1, 2))[:, None]  # noqa: E731
    card = ModelCard.from_dict({"targets": ["green"], "input": {"wavelengths": [450.0, 500.0, 580.0]}}, "c")
    model = ExplainableModel(network, card, CPU)
    model.match_raster(6, [400.0, 440.0, 480.0, 520.0, 560.0, 600.0], reporter=RecordingReporter())
    result = explain(model, image, np.arange(1, 7), kind="spectral", n_samples=400, seed=1, alpha=1e-6, baseline="zero")
    assert result.features.shape == (6,)
    means = image.mean(axis=(1, 2))
    np.testing.assert_allclose(result.coefficients[0], [0, 0, 0.5 * means[2], 0.5 * means[3], 0, 0], atol=1e-2)


# --- standardisation: what the model sees -----------------------------------------------------
def _seen(model, batch):
    with torch.inference_mode():
        model(batch)
    return model.network.last


def test_mean_std_without_resampling_is_exact_and_absent_is_zero(image):
    mean, std = [0.1, 0.2, 0.15, 0.3, 0.25, 0.2], [0.05, 0.1, 0.08, 0.1, 0.2, 0.1]
    model = card_model(bands=6, scale=1e-4, mean=mean, std=std, targets=list("abcdef"))
    model.match_raster(6, None)
    inputs = model.prepare(torch.as_tensor(image))
    expected = (image * 1e-4 - np.array(mean)[:, None, None]) / np.array(std)[:, None, None]
    np.testing.assert_allclose(_seen(model, inputs[None])[0].numpy(), expected, rtol=1e-5, atol=1e-6)
    assert _seen(model, torch.zeros_like(inputs)[None]).abs().max() == 0  # a switched-off feature is the mean


def test_mean_std_with_resampling_is_exact_on_data_and_absent_is_zero():
    card_wavelengths = [450.0, 500.0, 580.0]
    mean, std = [0.2, 0.3, 0.5], [0.1, 0.2, 0.4]
    raster = np.array([400.0, 440.0, 480.0, 520.0, 560.0, 600.0])
    model = card_model(wavelengths=card_wavelengths, mean=mean, std=std)
    model.match_raster(6, raster, reporter=RecordingReporter())
    data = np.random.default_rng(0).uniform(0.1, 0.9, size=(6, 3, 4)).astype(np.float32)
    resampled = np.einsum("kc,chw->khw", resampling_matrix(raster, np.array(card_wavelengths)), data)
    expected = (resampled - np.array(mean)[:, None, None]) / np.array(std)[:, None, None]
    inputs = model.prepare(torch.as_tensor(data))
    np.testing.assert_allclose(_seen(model, inputs[None])[0].numpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_seen(model, torch.zeros(1, 6, 3, 4)).numpy(), 0.0, atol=1e-6)


def test_mean_std_with_fewer_raster_bands_is_exact_on_data_and_absent_is_near_zero():
    card_wavelengths = [400.0, 450.0, 500.0, 550.0, 600.0]
    mean = [0.10, 0.14, 0.19, 0.25, 0.32]  # a smooth spectrum
    raster = np.array([400.0, 500.0, 600.0])  # two of the card's bands were dropped
    model = card_model(wavelengths=card_wavelengths, mean=mean, std=0.1)
    model.match_raster(3, raster, reporter=RecordingReporter())
    data = np.random.default_rng(0).uniform(0.1, 0.9, size=(3, 2, 2)).astype(np.float32)
    resampled = np.einsum("kc,chw->khw", resampling_matrix(raster, np.array(card_wavelengths)), data)
    expected = (resampled - np.array(mean)[:, None, None]) / 0.1
    np.testing.assert_allclose(_seen(model, model.prepare(torch.as_tensor(data))[None])[0].numpy(), expected,
                               rtol=1e-5, atol=1e-5)
    absent = _seen(model, torch.zeros(1, 3, 2, 2)).numpy()
    assert np.abs(absent).max() < 0.05  # the mean spectrum's interpolation error / std, not -mean / std (1 to 3.2)


def test_nodata_and_padding_reach_a_standardised_model_as_its_mean(image):
    model = card_model(bands=6, mean=2000.0, std=500.0, pad_to_square=True, size=[14, 14], targets=list("abcdef"))
    valid = np.ones(image.shape[1:], bool)
    valid[0, 0] = False
    result = explain(model, image, grid_labels(10, 14, 1, 2), valid=valid, n_samples=4, seed=0, batch_size=4, baseline="zero")
    seen = model.network.last  # the last batch: 14 x 14, the raster on top, 4 padded rows below
    assert seen[:, :, 10:, :].abs().max() == 0  # padding
    first = seen[0]  # the last batch's first row; the nodata pixel (0, 0) is 0 whatever the sample
    assert first[:, 0, 0].abs().max() == 0
    assert result.target_names == list("abcdef")


def test_nearest_interpolation_repeats_pixels():
    model = card_model(bands=1, size=[4, 4], interpolation="nearest", targets=["a"])
    batch = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    seen = _seen(model, batch)[0, 0]
    np.testing.assert_array_equal(seen.numpy(), [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])


def test_a_model_that_fails_on_the_preprocessed_batch_gets_a_message():
    def network(batch):
        raise RuntimeError("Given groups=1, weight of size [8, 150, 1, 1], expected input to have 150 channels\nmore")

    model = card_model(network=network, bands=6, targets=["a"])
    with pytest.raises(HsiLimeError) as raised:
        model(torch.zeros(2, 6, 3, 3))
    assert str(raised.value) == (
        "model: the model failed on a batch of shape (2, 6, 3, 3) (the raster after the preprocessing of the model "
        "card card.json): Given groups=1, weight of size [8, 150, 1, 1], expected input to have 150 channels; check "
        "'input.bands', 'input.size' and 'input.pad_to_square' in the card against what the model takes."
    )


# --- malformed cards -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "card, field, problem",
    [
        ({"task": "regresion", "targets": ["a"]}, "task", "is 'regresion'; use one of regression, classification"),
        ({"targets": []}, "targets", "must be a non-empty list of names"),
        ({"target": ["a"]}, "target", "is not a card field; did you mean 'targets'?"),
        ({"targets": ["a"], "format": "keras"}, "format", "is 'keras'; use one of torchscript, onnx, python"),
        ({"targets": ["a"], "input": {"pad_to_sqare": True}}, "input.pad_to_sqare",
         "is not a card field; did you mean 'pad_to_square'?"),
        ({"targets": ["a"], "input": {"size": [224]}}, "input.size", "is [224]"),
        ({"targets": ["a"], "input": {"wavelengths": [0.46, 0.47]}}, "input.wavelengths",
         "looks like micrometres (largest value 0.47); give the band centres in nanometres"),
        ({"targets": ["a"], "input": {"wavelengths": [460, "x"]}}, "input.wavelengths[1]", "is 'x'"),
        ({"targets": ["a"], "input": {"bands": 3, "wavelengths": [460, 470]}}, "input.wavelengths",
         "lists 2 wavelengths but 'input.bands' is 3"),
        ({"targets": ["a"], "input": {"bands": 3, "mean": [1, 2]}}, "input.mean",
         "lists 2 values but the model takes 3 bands"),
        ({"targets": ["a"], "input": {"std": [1, 0, 2]}}, "input.std", "holds a value <= 0"),
        ({"targets": ["a"], "input": {"interpolation": "bicubic"}}, "input.interpolation",
         "is 'bicubic'; use one of bilinear, nearest"),
        ({"targets": ["a"], "output": {"activation": "relu"}}, "output.activation",
         "is 'relu'; use one of none, softmax, sigmoid"),
        ({"targets": ["a"], "output": {"reduction": "soft"}}, "output.reduction",
         "is given for task 'regression'; remove it"),
        ({"task": "segmentation", "targets": ["a"], "output": {"reduction": "mean"}}, "output.reduction",
         "is 'mean'; use one of soft, hard"),
        ({"targets": ["a"], "output": {"class_axis": 0}}, "output.class_axis", "is 0"),
        ({"targets": ["a"], "output": "softmax"}, "output", "is not a JSON object"),
    ],
)
def test_malformed_card_message_names_the_field(tmp_path, card, field, problem):
    path = save_torchscript(SmallRegressor().eval(), tmp_path / "m.pt")
    path.with_suffix(".json").write_text(json.dumps(card))
    with pytest.raises(HsiLimeError) as raised:
        load_model(path, "cpu")
    assert str(raised.value).startswith(f"model: the model card {path.with_suffix('.json')} field '{field}' {problem}")


def test_malformed_embedded_card_is_named_as_embedded(tmp_path):
    path = save_torchscript(SmallRegressor().eval(), tmp_path / "m.pt", {"targets": "P"})
    with pytest.raises(HsiLimeError, match=r"model card .*m\.pt \(embedded model_card\.json\) field 'targets'"):
        load_model(path, "cpu")
    text = save_onnx(SmallRegressor().eval(), tmp_path / "m.onnx", torch.zeros(1, 6, 4, 4))
    proto = onnx.load(str(text))
    entry = proto.metadata_props.add()
    entry.key, entry.value = "model_card", "{not json"
    onnx.save(proto, str(text))
    with pytest.raises(HsiLimeError, match=r"model card .*m\.onnx \(metadata_props 'model_card'\) is not valid JSON"):
        load_model(text, "cpu")


def test_descriptive_top_level_fields_are_kept():
    card = ModelCard.from_dict({"targets": ["a"], "training": {"r2": 0.9}, "description": "x"}, "c")
    assert card.extra == {"training": {"r2": 0.9}, "description": "x"}


# --- every card field at once ----------------------------------------------------------------------
FULL_CARD = {
    "format": "onnx",
    "task": "segmentation",
    "targets": ["soil", "crop", "water"],
    "input": {"bands": 5, "wavelengths": [490.0, 560.0, 665.0, 705.0, 842.0], "scale": 0.0001, "offset": 0.0,
              "mean": [0.08, 0.10, 0.09, 0.15, 0.30], "std": [0.03, 0.03, 0.04, 0.05, 0.08],
              "pad_to_square": True, "size": [16, 16], "interpolation": "bilinear", "spectral_resampling": "linear"},
    "output": {"activation": "softmax", "reduction": "soft", "class_axis": 1},
    "description": "the documentation's card (docs/models.md), at a smaller size",
}


class PixelClassifier(torch.nn.Module):
    """5 bands -> 3 class logits per pixel (1 x 1 then 3 x 3 convolution)."""

    def __init__(self):
        super().__init__()
        generator = torch.Generator().manual_seed(11)
        self.first = torch.nn.Conv2d(5, 6, 1)
        self.second = torch.nn.Conv2d(6, 3, 3, padding=1)
        for parameter in self.parameters():
            parameter.data = torch.randn(parameter.shape, generator=generator)

    def forward(self, batch):
        return self.second(torch.relu(self.first(batch)))


def test_full_card_segmentation_onnx_on_another_sensor_matches_torchscript(tmp_path):
    model = PixelClassifier().eval()
    onnx_path = save_onnx(model, tmp_path / "land.onnx", torch.zeros(1, 5, 16, 16), FULL_CARD)
    script_path = save_torchscript(model, tmp_path / "land.pt", dict(FULL_CARD, format="torchscript"))
    raster_wavelengths = np.linspace(450, 900, 10)  # a 10-band sensor covering the card's 5 bands
    image = np.random.default_rng(2).uniform(300, 3500, size=(10, 9, 12)).astype(np.float32)
    labels = grid_labels(9, 12, 3, 3)
    results = []
    for path in (onnx_path, script_path):
        loaded = load_model(path, "cpu")
        reporter = RecordingReporter()
        loaded.match_raster(10, raster_wavelengths, reporter=reporter)
        assert re.search(r"resampling the raster spectrally .* \(largest shift 15\.00 nm", reporter.warnings[0])
        results.append(explain(loaded, image, labels, n_samples=200, batch_size=50, seed=3, baseline="zero"))
    onnx_result, script_result = results
    assert onnx_result.target_names == ["soil", "crop", "water"]
    assert np.abs(onnx_result.coefficients - script_result.coefficients).max() < 1e-4
    # the prediction is the soft reduction of the softmax over the 12 x 12 (unpadded) part of the 16 x 16 output
    resampled = np.einsum("kc,chw->khw", resampling_matrix(raster_wavelengths, np.array(FULL_CARD["input"]["wavelengths"])),
                          image * 1e-4)
    standardised = (resampled - np.array(FULL_CARD["input"]["mean"])[:, None, None]) / np.array(
        FULL_CARD["input"]["std"])[:, None, None]
    padded = torch.nn.functional.pad(torch.as_tensor(standardised, dtype=torch.float32), (0, 0, 0, 3))
    resized = torch.nn.functional.interpolate(padded[None], size=(16, 16), mode="bilinear", align_corners=False)
    with torch.inference_mode():
        probabilities = torch.softmax(model(resized), dim=1)[0, :, :12, :].numpy()
    winner = probabilities.argmax(axis=0)
    expected = [probabilities[k][winner == k].sum() for k in range(3)]
    np.testing.assert_allclose(onnx_result.prediction, expected, rtol=1e-4)


def test_sigmoid_activation():
    card = ModelCard.from_dict({"targets": ["a", "b"], "output": {"activation": "sigmoid"}}, "c")
    model = ExplainableModel(lambda batch: batch.mean(dim=(2, 3)), card, CPU)
    with torch.inference_mode():
        output = model(torch.tensor([[[[0.0]], [[2.0]]]]))
    np.testing.assert_allclose(output.numpy(), [[0.5, 1 / (1 + math.exp(-2))]], rtol=1e-6)


def test_recipe_is_imported_as_a_module(tmp_path):
    """A recipe with dataclasses under postponed annotations needs itself in sys.modules, as an import does."""
    path = tmp_path / "settings_recipe.py"
    path.write_text(
        "from __future__ import annotations\n"
        "import dataclasses\n"
        "import torch\n"
        "@dataclasses.dataclass\n"
        "class Settings:\n"
        "    scale: float = 2.0\n"
        "class Net(torch.nn.Module):\n"
        "    def __init__(self, settings: Settings):\n"
        "        super().__init__()\n"
        "        self.scale = settings.scale\n"
        "    def forward(self, batch):\n"
        "        return batch.mean(dim=(2, 3)) * self.scale\n"
        "def load_model(device):\n"
        "    return Net(Settings())\n"
        "MODEL_CARD = {'targets': ['a', 'b']}\n"
    )
    model = load_model(path, "cpu", allow_python=True)
    with torch.inference_mode():
        assert model(torch.ones(1, 2, 3, 3)).tolist() == [[2.0, 2.0]]
