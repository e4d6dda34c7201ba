"""Gradient attributions against planted truth: a model linear in the pixels, and one that reads one region."""
import numpy as np
import pytest
import torch

from hsi_lime_plugin import HsiLimeError, ModelCard, attribute
from hsi_lime_plugin.models.explainable import ExplainableModel

C, H, W, T = 4, 6, 5, 3


def relative_error(actual, expected):
    return float(np.max(np.abs(actual - expected)) / np.max(np.abs(expected)))


@pytest.fixture(scope="module")
def planted():
    generator = torch.Generator().manual_seed(0)
    weight = torch.randn(T, C, H, W, generator=generator, dtype=torch.float64)
    image = 1.0 + torch.rand(C, H, W, generator=generator, dtype=torch.float64)
    return weight, image.numpy()


def linear(weight, scale=1.0):
    """f_t(x) = sum weight[t] * x * scale: a known weight per band and pixel."""
    return lambda batch: torch.einsum("bchw,tchw->bt", batch.double(), weight).float() * scale


@pytest.mark.parametrize("integration", ["gausslegendre", "riemann_middle"])
@pytest.mark.parametrize("baseline", ["zero", 0.25])
def test_integrated_gradients_of_a_linear_model_are_weight_times_difference(planted, integration, baseline):
    weight, image = planted
    result = attribute(linear(weight), image, method="integrated_gradients", baseline=baseline, n_steps=8,
                       integration=integration, device="cpu")
    expected = weight.numpy() * (image - (0.0 if baseline == "zero" else baseline))[None]
    assert result.values.shape == (T, C, H, W)
    assert relative_error(result.values, expected) < 1e-4
    assert np.max(np.abs(result.completeness_gap)) < 1e-4
    assert result.target_names == ["t0", "t1", "t2"]


def test_captum_trapezoid_rule_is_short_by_one_step(planted):
    """Why INTEGRATION_RULES offers the midpoint rule: captum 0.9.0's trapezoid weights sum to (n - 1) / n."""
    from captum.attr import IntegratedGradients

    weight, image = planted
    x = torch.as_tensor(image)[None].float()
    values = IntegratedGradients(linear(weight)).attribute(x, target=0, n_steps=8, method="riemann_trapezoid")
    assert np.allclose(values[0].numpy(), 7 / 8 * weight[0].numpy() * image, rtol=1e-4)


def test_input_x_gradient_and_saliency_of_a_linear_model(planted):
    weight, image = planted
    product = attribute(linear(weight), image, method="input_x_gradient", device="cpu", baseline="zero")
    assert relative_error(product.values, weight.numpy() * image[None]) < 1e-4
    saliency = attribute(linear(weight), image, method="saliency", device="cpu", baseline="zero")
    assert relative_error(saliency.values, np.abs(weight.numpy())) < 1e-4
    assert saliency.completeness_gap is None


def test_gradients_flow_through_the_card_preprocessing(planted):
    """With input.scale the model sees x * scale: attributions are on the raster's own values."""
    weight, image = planted
    card = ModelCard(targets=["a", "b", "c"], scale=1e-2)
    model = ExplainableModel(linear(weight), card, torch.device("cpu"))
    result = attribute(model, image, method="integrated_gradients", n_steps=4, device="cpu", baseline="zero")
    assert relative_error(result.values, weight.numpy() * image[None] * 1e-2) < 1e-4
    saliency = attribute(model, image, method="saliency", device="cpu", baseline="zero")
    assert relative_error(saliency.values, np.abs(weight.numpy()) * 1e-2) < 1e-4


def region_model(batch):
    """Reads only rows 1-2, columns 2-3 through tanh; everything else has no effect."""
    region = batch[:, :, 1:3, 2:4].mean(dim=(1, 2, 3))
    return torch.stack([torch.tanh(2.0 * region), torch.tanh(region) ** 2], dim=1)


def test_the_region_holds_the_integrated_gradients(planted):
    _, image = planted
    result = attribute(region_model, image, method="integrated_gradients", n_steps=32, device="cpu", baseline="zero")
    maps = result.pixel_maps()
    inside = np.zeros((H, W), dtype=bool)
    inside[1:3, 2:4] = True
    assert np.all(maps[:, ~inside] == 0.0)
    for t in range(2):
        assert inside.reshape(-1)[np.argmax(np.abs(maps[t]))]
    assert np.max(np.abs(result.completeness_gap)) < 1e-4


def test_smoothgrad_without_noise_is_saliency(planted):
    weight, image = planted
    plain = attribute(region_model, image, method="saliency", device="cpu", baseline="zero")
    smooth = attribute(region_model, image, method="saliency", noise="smoothgrad", noise_level=0.0, n_noise=4,
                       device="cpu", baseline="zero")
    assert np.allclose(smooth.values, plain.values, rtol=1e-6, atol=1e-9)


def test_noise_is_seeded(planted):
    _, image = planted
    runs = [attribute(region_model, image, method="saliency", noise=noise, n_noise=4, seed=seed, device="cpu", baseline="zero").values
            for noise in ("vargrad", "band_dropout") for seed in (1, 1, 2)]
    assert np.array_equal(runs[0], runs[1]) and not np.array_equal(runs[0], runs[2])
    assert np.array_equal(runs[3], runs[4]) and not np.array_equal(runs[3], runs[5])


def test_band_dropout_of_a_linear_model_scales_input_x_gradient(planted):
    """Switching bands off with probability p keeps, on average, (1 - p) of each band's attribution."""
    weight, image = planted
    result = attribute(linear(weight), image, method="input_x_gradient", noise="band_dropout", noise_level=0.5,
                       n_noise=64, seed=0, device="cpu", baseline="zero")
    kept = result.values / (weight.numpy() * image[None])
    assert np.allclose(kept, kept[:, :, :1, :1], atol=1e-5)  # one factor per band: whole bands switched
    assert 0.3 < kept.mean() < 0.7


def test_an_onnx_model_refuses_gradient_methods(planted):
    weight, image = planted
    model = ExplainableModel(linear(weight), ModelCard(targets=[]), torch.device("cpu"), model_format="onnx")
    with pytest.raises(HsiLimeError) as raised:
        attribute(model, image, method="saliency", device="cpu", baseline="zero")
    assert str(raised.value) == (
        "method='saliency': an ONNX model gives no gradients, so saliency cannot run on it; choose "
        "method='occlusion', or LIME or Kernel SHAP (the explain algorithms), which only need the model's outputs, "
        "or load a differentiable model (TorchScript or a Python recipe, in any input layout)."
    )
    assert attribute(model, image, method="occlusion", window=2, device="cpu", baseline="zero").values.shape == (T, C, H, W)


def test_top_two_names_the_two_most_likely_classes(planted):
    _, image = planted
    logits = torch.tensor([0.5, 3.0, -1.0, 2.0])
    card = ModelCard(targets=["water", "wheat", "bare", "maize"], task="classification", activation="softmax")
    model = ExplainableModel(lambda b: b.mean(dim=(1, 2, 3))[:, None] * 0.1 + logits, card, torch.device("cpu"))
    result = attribute(model, image, method="saliency", targets="top:2", device="cpu", baseline="zero")
    assert result.target_names == ["wheat", "maize"]
    assert result.target_indices == [1, 3]
    assert result.prediction[0] > result.prediction[1]
    with pytest.raises(HsiLimeError) as raised:
        attribute(model, image, method="saliency", targets="top:5", device="cpu", baseline="zero")
    assert str(raised.value) == (
        "targets: 'top:5' asks for the top '5' classes, but the model has 4 outputs; write top:K with K from 1 to 4, "
        "e.g. top:2."
    )


def test_top_k_works_for_lime_too(planted):
    from hsi_lime_plugin import explain

    _, image = planted
    logits = torch.tensor([0.5, 3.0, -1.0, 2.0])
    card = ModelCard(targets=["water", "wheat", "bare", "maize"], task="classification", activation="softmax")
    model = ExplainableModel(lambda b: b.mean(dim=(1, 2, 3))[:, None] * 0.1 + logits, card, torch.device("cpu"))
    labels = np.repeat(np.arange(1, W + 1)[None], H, axis=0)
    result = explain(model, image, labels, targets="top:2", n_samples=20, device="cpu", baseline="zero")
    assert result.target_names == ["wheat", "maize"]
