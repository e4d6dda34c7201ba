"""Kernel SHAP: exact Shapley values by enumeration, the efficiency constraint, baselines."""
import itertools
import math

import numpy as np
import pytest
import torch

from helpers.grids import grid_labels
from hsi_lime_plugin import HsiLimeError, RecordingReporter, explain


class GroupModel(torch.nn.Module):
    """Three nonlinear outputs of the band-averaged means m_s of the segments (labels 1..S):
    a product of three means, a maximum, and a pairwise interaction plus a saturating term."""

    def __init__(self, labels):
        super().__init__()
        one_hot = torch.nn.functional.one_hot(torch.as_tensor(labels) - 1).to(torch.float64)
        self.register_buffer("averaging", one_hot / one_hot.sum(dim=(0, 1)))

    def forward(self, batch):
        m = torch.einsum("bhw,hws->bs", batch.to(torch.float64).mean(dim=1), self.averaging)
        product = m[:, 0] * m[:, 3] * m[:, 5]
        maximum = (m * torch.linspace(0.5, 1.5, m.shape[1], dtype=m.dtype)).max(dim=1).values
        mixed = m[:, 1] * m[:, 2] + torch.tanh(3.0 * m[:, 4:].sum(dim=1)) - m[:, 6] ** 2
        return torch.stack([product, maximum, mixed], dim=1)


def exact_shapley(model, image, labels, baseline):
    """Shapley values by the subset formula over all 2**K coalitions (one forward per coalition)."""
    n_features = int(labels.max())
    codes = np.array(list(itertools.product([0, 1], repeat=n_features)), dtype=np.float32)  # (2**K, K)
    keep = torch.as_tensor(codes)[:, torch.as_tensor(labels) - 1][:, None]  # (2**K, 1, H, W)
    images = baseline + (torch.as_tensor(image) - baseline) * keep
    with torch.no_grad():
        values = model(images).numpy()  # (2**K, T)
    index = {tuple(code.astype(int)): i for i, code in enumerate(codes)}
    phi = np.zeros((values.shape[1], n_features))
    for code, i in index.items():
        size = sum(code)
        for k in range(n_features):
            if code[k]:
                continue
            with_k = list(code)
            with_k[k] = 1
            weight = math.factorial(size) * math.factorial(n_features - size - 1) / math.factorial(n_features)
            phi[:, k] += weight * (values[index[tuple(with_k)]] - values[i])
    return phi, values[index[(0,) * n_features]], values[index[(1,) * n_features]]


@pytest.fixture(scope="module")
def scene():
    generator = np.random.default_rng(3)
    image = generator.uniform(0.2, 1.0, size=(4, 12, 20)).astype(np.float32)
    labels = grid_labels(12, 20, 2, 5)  # K = 10
    return image, labels, GroupModel(labels)


def test_all_coalitions_give_the_exact_shapley_values_of_a_nonlinear_model(scene):
    image, labels, model = scene
    truth, empty, full = exact_shapley(model, image, labels, baseline=0.0)
    reporter = RecordingReporter()
    result = explain(model, image, labels, method="kernelshap", n_samples=1024, batch_size=128, device="cpu",
                     reporter=reporter, baseline="zero")
    assert result.n_samples == 1024
    assert result.method == "kernelshap"
    assert any("exact Shapley values" in note for note in reporter.infos)
    assert result.coefficients.shape == (3, 10)
    np.testing.assert_allclose(result.coefficients, truth, atol=1e-5, rtol=0)
    np.testing.assert_allclose(result.intercept, empty, atol=1e-6)
    np.testing.assert_allclose(result.prediction, full, atol=1e-6)
    np.testing.assert_array_equal(result.standard_error, 0.0)


def test_a_larger_budget_still_evaluates_each_coalition_once(scene):
    image, labels, model = scene
    calls = []

    def counted(batch):
        calls.append(batch.shape[0])
        return model(batch)

    result = explain(counted, image, labels, method="kernelshap", n_samples=5000, batch_size=256, device="cpu", baseline="zero")
    assert result.n_samples == 1024
    assert sum(calls) == 1024


@pytest.mark.parametrize("sampling", ["bernoulli", "antithetic", "stratified"])
def test_sampled_attributions_sum_to_prediction_minus_baseline_output(scene, sampling):
    image, labels, model = scene
    result = explain(model, image, labels, method="kernelshap", sampling=sampling, n_samples=200, device="cpu", baseline="zero")
    assert result.n_samples == 200
    assert result.sampling == sampling
    np.testing.assert_allclose(result.coefficients.sum(axis=1), result.prediction - result.intercept, atol=1e-9)
    assert np.all(result.standard_error > 0)


def test_stratified_sampling_converges_to_the_exact_values_faster_than_independent_sizes(scene):
    image, labels, model = scene
    truth, _, _ = exact_shapley(model, image, labels, baseline=0.0)

    def error(sampling):
        runs = [
            explain(model, image, labels, method="kernelshap", sampling=sampling, n_samples=400, seed=s, device="cpu", baseline="zero")
            for s in range(8)
        ]
        return np.sqrt(np.mean([np.sum((r.coefficients - truth) ** 2) for r in runs]) / np.sum(truth**2))

    independent, stratified = error("bernoulli"), error("stratified")
    assert stratified < 0.1
    assert stratified < independent / 2


def test_one_and_two_features(scene):
    image, _, _ = scene
    one = np.ones((12, 20), np.int64)
    two = np.where(np.arange(20) < 10, 1, 2)[None, :].repeat(12, axis=0)

    def model(batch):
        left, right = batch[:, :, :, :10].mean(dim=(1, 2, 3)), batch[:, :, :, 10:].mean(dim=(1, 2, 3))
        return (left * right)[:, None]

    single = explain(model, image, one, method="kernelshap", n_samples=10, device="cpu", baseline="zero")
    np.testing.assert_allclose(single.coefficients[0, 0], single.prediction[0] - single.intercept[0], atol=1e-12)
    pair = explain(model, image, two, method="kernelshap", n_samples=4, device="cpu", baseline="zero")
    left, right = image[:, :, :10].mean(), image[:, :, 10:].mean()
    np.testing.assert_allclose(pair.coefficients[0], [left * right / 2, left * right / 2], atol=1e-6)


def test_spectral_kernelshap_and_maps(scene):
    image, _, _ = scene
    bands = np.array([1, 2, 0, 3])

    def model(batch):
        return (batch[:, 0].mean(dim=(1, 2)) * batch[:, 1].mean(dim=(1, 2)) + batch[:, 3].mean(dim=(1, 2)))[:, None]

    result = explain(model, image, bands, kind="spectral", method="kernelshap", n_samples=100, device="cpu", baseline="zero")
    a, b, d = image[0].mean(), image[1].mean(), image[3].mean()
    np.testing.assert_allclose(result.coefficients[0], [a * b / 2, a * b / 2, d], atol=1e-5)
    maps = result.maps()
    assert np.isnan(maps[0, 2]) and maps[0, 3] == result.coefficients[0, 2]


@pytest.mark.parametrize("baseline", ["zero", "mean", 0.25])
def test_removed_features_take_the_baseline_zero_band_mean_or_constant(scene, baseline):
    image, labels, model = scene
    valid = np.ones(labels.shape, bool)
    valid[:2, :2] = False
    expected = {"zero": 0.0, "mean": image[:, valid].mean(axis=1)[:, None], 0.25: 0.25}[baseline]
    seen = []

    def recording(batch):
        seen.append(batch.clone())
        return model(batch)

    result = explain(
        recording, image, labels, valid=valid, method="kernelshap", n_samples=1024, batch_size=1024, device="cpu",
        baseline=baseline,
    )
    all_off = seen[0][1].numpy()  # Kernel SHAP's second coalition keeps no feature
    np.testing.assert_allclose(all_off[:, valid], np.broadcast_to(expected, all_off[:, valid].shape), atol=1e-6)
    assert np.abs(all_off[:, ~valid]).max() == 0.0  # pixels without data are never features: they stay 0
    np.testing.assert_allclose(result.intercept, model(seen[0][1:2]).numpy()[0], atol=1e-9)


@pytest.mark.parametrize("baseline", ["mean", 0.25])
def test_exact_shapley_values_relative_to_a_baseline(scene, baseline):
    image, labels, model = scene
    value = image.mean(axis=(1, 2))[:, None, None] if baseline == "mean" else np.full((4, 1, 1), 0.25)
    truth, empty, _ = exact_shapley(model, image, labels, baseline=torch.as_tensor(value, dtype=torch.float32))
    result = explain(model, image, labels, method="kernelshap", n_samples=1024, batch_size=256, device="cpu",
                     baseline=baseline)
    np.testing.assert_allclose(result.coefficients, truth, atol=1e-5, rtol=0)
    np.testing.assert_allclose(result.intercept, empty, atol=1e-6)


def test_kernelshap_refuses_a_penalised_surrogate(scene):
    image, labels, model = scene
    with pytest.raises(HsiLimeError, match="Kernel SHAP"):
        explain(model, image, labels, method="kernelshap", surrogate="lasso", device="cpu", baseline="zero")
    with pytest.raises(HsiLimeError, match="Kernel SHAP"):
        explain(model, image, labels, method="kernelshap", alpha=1.0, device="cpu", baseline="zero")
    with pytest.raises(HsiLimeError, match="sampling"):
        explain(model, image, labels, method="kernelshap", sampling="sobol", n_samples=100, device="cpu", baseline="zero")


def test_too_few_samples_for_kernelshap_warn(scene):
    image, labels, model = scene
    reporter = RecordingReporter()
    explain(model, image, labels, method="kernelshap", n_samples=30, device="cpu", reporter=reporter, baseline="zero")
    assert reporter.warnings == [
        "n_samples: Kernel SHAP with 30 samples for 10 features is poorly determined (complement pairs give about "
        "N/2 equations for K - 1 unknowns); use at least 40."
    ]
