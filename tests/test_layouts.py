"""Model input layouts (input.layout): image, pixels, mean_spectrum, through every method.

The values are known in closed form: a per-pixel linear model's region prediction is the mean of its
per-pixel predictions, a mean-spectrum model sees only the pixels a coalition keeps, and Shapley values
of small games are computed here by enumerating every coalition with the Shapley formula.
"""
import itertools
import json
import math

import numpy as np
import pytest
import torch

from hsi_lime_plugin import attribute, explain, load_model
from hsi_lime_plugin.errors import HsiLimeError
from hsi_lime_plugin.models.card import ModelCard
from hsi_lime_plugin.models.explainable import ExplainableModel

BANDS, HEIGHT, WIDTH = 6, 5, 4
WEIGHTS = torch.tensor([[1.0, -0.5], [0.5, 2.0], [-1.0, 0.25], [2.0, 0.0], [0.0, 1.0], [0.5, -1.5]],
                       dtype=torch.float64)


class PixelLinear(torch.nn.Module):
    """Spectra (N, bands) -> (N, 2): a linear map, computed in float64."""

    def __init__(self):
        super().__init__()
        self.register_buffer("weights", WEIGHTS.clone())

    def forward(self, spectra: torch.Tensor) -> torch.Tensor:
        return (spectra.to(torch.float64) @ self.weights).to(torch.float32)


class MeanSpectrumSquare(torch.nn.Module):
    """A region's mean spectrum (N, bands) -> (N, 1): the square of its first band minus its third (nonlinear,
    so that which pixels the mean holds matters)."""

    def forward(self, spectra: torch.Tensor) -> torch.Tensor:
        return (spectra[:, 0] ** 2 - spectra[:, 2])[:, None]


def model(network, layout, targets=("a", "b")):
    return ExplainableModel(network, ModelCard(targets=list(targets), layout=layout), torch.device("cpu"))


@pytest.fixture(scope="module")
def image():
    generator = np.random.default_rng(3)
    values = generator.uniform(0.1, 1.0, (BANDS, HEIGHT, WIDTH)).astype(np.float32)
    valid = np.ones((HEIGHT, WIDTH), dtype=bool)
    valid[0, :2] = False
    return values, valid


def shapley(game, n_players: int) -> np.ndarray:
    """Exact Shapley values of ``game(coalition as a 0/1 tuple) -> (T,)`` by the Shapley formula."""
    values = {z: np.asarray(game(z), dtype=np.float64) for z in itertools.product((0, 1), repeat=n_players)}
    phi = np.zeros((len(next(iter(values.values()))), n_players))
    for k in range(n_players):
        for z, value in values.items():
            if z[k]:
                size = sum(z) - 1
                weight = math.factorial(size) * math.factorial(n_players - size - 1) / math.factorial(n_players)
                phi[:, k] += weight * (value - values[z[:k] + (0,) + z[k + 1:]])
    return phi


@pytest.mark.parametrize("field, value, message", [
    ("layout", "rows", "field 'input.layout' is 'rows'; use one of image, pixels, mean_spectrum"),
    ("size", [8, 8], "field 'input.size' is given for layout 'pixels'; remove it"),
    ("pad_to_square", True, "field 'input.pad_to_square' is given for layout 'pixels'"),
])
def test_card_refuses_image_fields_for_spectra(field, value, message):
    card = {"targets": ["a"], "input": {"layout": "pixels", field: value}}
    with pytest.raises(HsiLimeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ModelCard.from_dict(card, "card.json")


def test_card_refuses_segmentation_per_pixel_and_reads_the_output_name():
    with pytest.raises(HsiLimeError, match="field 'task' is 'segmentation' for layout 'mean_spectrum'"):
        ModelCard.from_dict({"task": "segmentation", "targets": ["a"], "input": {"layout": "mean_spectrum"}}, "c")
    card = ModelCard.from_dict({"targets": ["a"], "input": {"layout": "pixels"}, "output": {"name": "variable"}}, "c")
    assert (card.layout, card.output_name) == ("pixels", "variable")
    assert ModelCard.from_dict({"targets": ["a"]}, "c").layout is None
    with pytest.raises(HsiLimeError, match="field 'output.name' is 3"):
        ModelCard.from_dict({"targets": ["a"], "output": {"name": 3}}, "c")


def test_pixels_layout_predicts_the_mean_over_valid_pixels(image):
    values, valid = image
    explanation = explain(model(PixelLinear(), "pixels"), values, np.array([1, 1, 2, 2, 3, 3]), kind="spectral",
                          method="kernelshap", n_samples=8, valid=valid, device="cpu", baseline="zero")
    mean = values[:, valid].mean(axis=1).astype(np.float64)
    np.testing.assert_allclose(explanation.prediction, mean @ WEIGHTS.numpy(), rtol=1e-6)
    # linear: each superband's Shapley value is its bands' share of the mean prediction (zero baseline)
    truth = np.stack([(mean * WEIGHTS[:, t].numpy()).reshape(3, 2).sum(axis=1) for t in range(2)])
    np.testing.assert_allclose(explanation.coefficients, truth, atol=1e-6)


def test_mean_spectrum_layout_removes_pixels_from_the_mean(image):
    """Spatial Kernel SHAP on a mean-spectrum model: a removed segment leaves the mean (exact Shapley values
    of the game 'f of the mean spectrum of the kept valid pixels'; no pixel kept: f of the baseline, 0)."""
    values, valid = image
    segments = np.repeat(np.arange(1, 5), 5).reshape(HEIGHT, WIDTH)
    network = MeanSpectrumSquare()
    explanation = explain(model(network, "mean_spectrum", ["y"]), values, segments, kind="spatial",
                          method="kernelshap", n_samples=16, valid=valid, device="cpu", baseline="zero")

    def game(coalition):
        kept = np.isin(segments, [k + 1 for k in range(4) if coalition[k]]) & valid
        mean = values[:, kept].mean(axis=1) if kept.any() else np.zeros(BANDS)
        return [mean[0] ** 2 - mean[2]]

    np.testing.assert_allclose(explanation.coefficients, shapley(game, 4), atol=1e-5)
    np.testing.assert_allclose(explanation.base_value, [0.0], atol=1e-7)


def test_mean_spectrum_layout_switches_bands_of_the_mean(image):
    values, valid = image
    explanation = explain(model(MeanSpectrumSquare(), "mean_spectrum", ["y"]), values, np.array([1, 2, 3, 3, 3, 3]),
                          kind="spectral", method="kernelshap", n_samples=8, valid=valid, device="cpu", baseline="zero")
    mean = values[:, valid].mean(axis=1).astype(np.float64)
    np.testing.assert_allclose(explanation.coefficients, [[mean[0] ** 2, 0.0, -mean[2]]], atol=1e-6)


@pytest.mark.parametrize("baseline", ["zero", 0.3, "background"])
def test_superbands_of_a_mean_spectrum_model_are_evaluated_on_the_mean_as_on_the_image(image, monkeypatch, baseline):
    """The evaluator perturbs the region's mean spectrum (C, 1, 1), not its pixels: the same attributions as
    perturbing every valid pixel, for constants and a background (exact and sampled); the probe still sees the
    pixels (a background of the region's own pixels is no degenerate baseline)."""
    from hsi_lime_plugin.perturbation import pipeline

    values, valid = image
    options = dict(kind="spectral", method="kernelshap", n_samples=8, valid=valid, device="cpu", baseline=baseline,
                   background_size=4)
    labels = np.array([1, 2, 3, 3, 3, 3])
    for mode in ("exact", "sampled"):
        on_mean = explain(model(MeanSpectrumSquare(), "mean_spectrum", ["y"]), values, labels, background_mode=mode,
                          **options)
        with monkeypatch.context() as patched:
            patched.setattr(pipeline, "on_region_mean", lambda prepared, base, kind: (prepared.model, prepared.inputs,
                                                                                      base))
            on_pixels = explain(model(MeanSpectrumSquare(), "mean_spectrum", ["y"]), values, labels,
                                background_mode=mode, **options)
        np.testing.assert_allclose(on_mean.coefficients, on_pixels.coefficients, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(on_mean.base_value, on_pixels.base_value, rtol=1e-5, atol=1e-6)
        if baseline in ("zero", 0.3):  # the region's own mean and pixels change it little
            assert abs(on_mean.coefficients).max() > 0.01


def test_integrated_gradients_through_a_pixel_model(image):
    """d mean_p(x_p . w) / d x_pc = w_c / P at every valid pixel, 0 at the others: IG is x * w / P."""
    values, valid = image
    result = attribute(model(PixelLinear(), "pixels"), values, method="integrated_gradients", valid=valid,
                       device="cpu", baseline="zero")
    truth = values[None] * WEIGHTS.numpy().T[:, :, None, None] / valid.sum() * valid[None, None]
    np.testing.assert_allclose(result.values, truth, atol=1e-6)


def test_occlusion_over_every_band_removes_pixels_from_the_mean(image):
    """A window over every band of one pixel row removes those pixels from a mean-spectrum model's mean."""
    values, valid = image
    result = attribute(model(MeanSpectrumSquare(), "mean_spectrum", ["y"]), values, method="occlusion",
                       window=(BANDS, 1, WIDTH), valid=valid, device="cpu", baseline="zero")
    full = values[:, valid].mean(axis=1)
    for row in range(1, HEIGHT):
        kept = valid.copy()
        kept[row] = False
        mean = values[:, kept].mean(axis=1)
        drop = (full[0] ** 2 - full[2]) - (mean[0] ** 2 - mean[2])
        np.testing.assert_allclose(result.values[0, :, row], drop, atol=1e-5)


def test_onnx_spectra_model_is_a_pixel_model(image, tmp_path):
    """torch.onnx.export of a model on (N, bands): the rank-2 input means pixels, and it explains as the
    TorchScript original; a card saying 'image' for it is refused."""
    pytest.importorskip("onnxruntime")
    values, valid = image
    path = tmp_path / "pixels.onnx"
    torch.onnx.export(PixelLinear().eval(), (torch.rand(4, BANDS),), str(path), input_names=["spectra"],
                      dynamic_axes={"spectra": {0: "n"}}, dynamo=False)
    (tmp_path / "pixels.json").write_text(json.dumps({"targets": ["a", "b"]}))
    loaded = load_model(path, "cpu")
    assert loaded.layout == "pixels" and not loaded.differentiable
    labels = np.array([1, 1, 2, 2, 3, 3])
    ours = explain(loaded, values, labels, kind="spectral", method="kernelshap", n_samples=8, valid=valid, baseline="zero")
    reference = explain(model(PixelLinear(), "pixels"), values, labels, kind="spectral", method="kernelshap",
                        n_samples=8, valid=valid, device="cpu", baseline="zero")
    np.testing.assert_allclose(ours.coefficients, reference.coefficients, atol=1e-5)
    (tmp_path / "pixels.json").write_text(json.dumps({"targets": ["a", "b"], "input": {"layout": "image"}}))
    with pytest.raises(HsiLimeError, match="field 'input.layout' is 'image', but .* takes spectra"):
        load_model(path, "cpu")
