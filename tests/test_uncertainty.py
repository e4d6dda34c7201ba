"""Standard errors and confidence intervals: do 95% intervals hold the truth 95% of the time?"""
import numpy as np
import pytest
import torch

from helpers.grids import grid_labels
from hsi_lime_plugin import HsiLimeError, RecordingReporter, explain

TRIALS = 200
NOISE = 0.1


@pytest.fixture
def one_thread():
    """Tiny tensors run fastest on one thread (and do not fight other processes for cores)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def linear_scene():
    """An image on a 4 x 5 grid of segments, and the planted effect of removing each segment
    on a model linear in the segments' band-averaged means: truth[t, s] = W[t, s] * mean_s."""
    generator = np.random.default_rng(0)
    height, width = 16, 20
    labels = grid_labels(height, width, 4, 5)
    image = generator.uniform(0.2, 1.0, size=(3, height, width)).astype(np.float32)
    weights = generator.normal(size=(2, 20))
    means = np.array([image.mean(axis=0)[labels == s].mean() for s in range(1, 21)])
    one_hot = torch.nn.functional.one_hot(torch.as_tensor(labels) - 1).to(torch.float32)
    return image, labels, weights, weights * means, one_hot / one_hot.sum(dim=(0, 1))


def noisy_linear_model(weights, averaging, seed):
    """y = W m(batch) + N(0, NOISE^2) noise, drawn from a seeded generator."""
    generator = torch.Generator().manual_seed(seed)
    matrix = torch.as_tensor(weights, dtype=torch.float32).T

    def model(batch):
        means = torch.einsum("bhw,hws->bs", batch.mean(dim=1), averaging)
        return means @ matrix + NOISE * torch.randn((batch.shape[0], matrix.shape[1]), generator=generator)

    return model


def coverage(linear_scene, n_samples=128, **options):
    """How often the 95 % intervals hold the planted truth, that of the zero baseline (the model's values times the
    segments' means)."""
    options = {"baseline": "zero", **options}
    image, labels, weights, truth, averaging = linear_scene
    inside = []
    for trial in range(TRIALS):
        model = noisy_linear_model(weights, averaging, seed=1000 + trial)
        result = explain(model, image, labels, n_samples=n_samples, batch_size=min(n_samples, 256), device="cpu",
                         seed=trial, reporter=RecordingReporter(), **options)
        low, high = result.confidence_interval(0.95)
        inside.append((low <= truth) & (truth <= high))
    return float(np.mean(inside))


def test_lime_95_percent_intervals_cover_the_true_coefficients(linear_scene, one_thread):
    # alpha ~ 0: the ridge penalty's bias is not part of the standard error (see fit_ridge)
    assert 0.90 <= coverage(linear_scene, alpha=1e-6) <= 0.99


@pytest.mark.parametrize("method", ["lime", "kernelshap"])
@pytest.mark.parametrize("n_samples", [64, 128, 2048])
def test_95_percent_intervals_at_the_defaults_hold_the_truth_90_to_99_percent_of_the_time(
    linear_scene, one_thread, method, n_samples
):
    # at the default ridge penalty its estimated bias is part of the standard error (fit_ridge)
    assert 0.90 <= coverage(linear_scene, n_samples, method=method) <= 0.99


def test_interval_is_the_normal_quantile_times_the_standard_error(linear_scene):
    image, labels, weights, _, averaging = linear_scene
    result = explain(noisy_linear_model(weights, averaging, 0), image, labels, n_samples=128, device="cpu", baseline="zero")
    low, high = result.confidence_interval()
    np.testing.assert_allclose((high - low) / 2, 1.959963984540054 * result.standard_error)
    np.testing.assert_allclose((high + low) / 2, result.coefficients)
    narrow_low, _ = result.confidence_interval(0.5)
    assert np.all(narrow_low > low)
    assert result.standard_error_maps().shape == (2, 16, 20)
    with pytest.raises(HsiLimeError, match="level"):
        result.confidence_interval(95)


def test_standard_errors_shrink_like_one_over_root_n(linear_scene):
    image, labels, weights, _, averaging = linear_scene
    errors = [
        explain(noisy_linear_model(weights, averaging, 0), image, labels, n_samples=n, device="cpu", alpha=1e-6, baseline="zero")
        .standard_error.mean()
        for n in (256, 1024)
    ]
    assert errors[1] == pytest.approx(errors[0] / 2, rel=0.15)


def test_lasso_intervals_are_missing_where_the_lasso_set_zero(linear_scene):
    image, labels, weights, _, averaging = linear_scene
    result = explain(
        noisy_linear_model(weights, averaging, 0), image, labels, n_samples=128, device="cpu", surrogate="lasso",
        alpha=0.05,
    baseline="zero")
    low, high = result.confidence_interval()
    zero = result.coefficients == 0
    assert zero.any() and (~zero).any()
    assert np.isnan(low[zero]).all() and np.isnan(high[zero]).all()
    assert np.isfinite(low[~zero]).all()
