"""The batched surrogates against scikit-learn, and the lasso surrogate end to end."""
import numpy as np
import pytest
import torch
from sklearn.linear_model import Lasso, Ridge

from hsi_lime_plugin import explain
from hsi_lime_plugin.perturbation.surrogates import fit_lasso, fit_ridge


def random_problem(seed, binary):
    generator = np.random.default_rng(seed)
    n_samples, n_features, n_targets = int(generator.integers(40, 400)), int(generator.integers(2, 30)), 3
    if binary:
        z = generator.integers(0, 2, size=(n_samples, n_features)).astype(np.float64)
    else:
        z = generator.normal(size=(n_samples, n_features))
    truth = generator.normal(size=(n_features, n_targets)) * (generator.random((n_features, n_targets)) < 0.5)
    y = z @ truth + 0.3 * generator.normal(size=(n_samples, n_targets)) + generator.normal(size=n_targets)
    weights = generator.uniform(0.1, 2.0, size=n_samples)
    alpha = float(10 ** generator.uniform(-3, -0.5))
    return z, y, weights, alpha


def as_tensors(*arrays):
    return [torch.as_tensor(a) for a in arrays]


@pytest.mark.parametrize("seed", range(12))
def test_ridge_matches_scikit_learn(seed):
    z, y, weights, alpha = random_problem(seed, binary=seed % 2 == 0)
    alpha *= 100
    fit = fit_ridge(*as_tensors(z, y, weights), alpha)
    for t in range(y.shape[1]):
        reference = Ridge(alpha=alpha).fit(z, y[:, t], sample_weight=weights)
        np.testing.assert_allclose(fit.coefficients[t].numpy(), reference.coef_, atol=1e-6, rtol=0)
        np.testing.assert_allclose(fit.intercept[t].item(), reference.intercept_, atol=1e-6, rtol=0)
        np.testing.assert_allclose(fit.score[t].item(), reference.score(z, y[:, t], sample_weight=weights), atol=1e-9)


@pytest.mark.parametrize("seed", range(12))
def test_lasso_matches_scikit_learn(seed):
    z, y, weights, alpha = random_problem(seed, binary=seed % 2 == 0)
    fit = fit_lasso(*as_tensors(z, y, weights), alpha)
    for t in range(y.shape[1]):
        reference = Lasso(alpha=alpha, tol=1e-12, max_iter=1_000_000).fit(z, y[:, t], sample_weight=weights)
        np.testing.assert_allclose(fit.coefficients[t].numpy(), reference.coef_, atol=1e-4, rtol=0)
        np.testing.assert_allclose(fit.intercept[t].item(), reference.intercept_, atol=1e-4, rtol=0)
        assert np.array_equal(fit.coefficients[t].numpy() != 0, reference.coef_ != 0)


def test_lasso_default_penalty_is_relative_to_each_target():
    z, y, weights, _ = random_problem(3, binary=True)
    y = y * np.array([1.0, 1000.0, 0.001])  # targets in very different units
    fit = fit_lasso(*as_tensors(z, y, weights))
    unit = fit_lasso(*as_tensors(z, y / np.array([1.0, 1000.0, 0.001]), weights))
    scaled = fit.coefficients.numpy() / np.array([1.0, 1000.0, 0.001])[:, None]
    np.testing.assert_allclose(scaled, unit.coefficients.numpy()[[0, 1, 2]], atol=1e-7)


def test_lasso_large_penalty_gives_zeros_and_weighted_mean_intercept():
    z, y, weights, _ = random_problem(5, binary=True)
    fit = fit_lasso(*as_tensors(z, y, weights), alpha=1e6)
    assert np.all(fit.coefficients.numpy() == 0)
    np.testing.assert_allclose(fit.intercept.numpy(), np.average(y, axis=0, weights=weights))
    assert np.all(np.isnan(fit.standard_error.numpy()))


def test_lasso_standard_errors_tend_to_least_squares_ones_as_the_penalty_vanishes():
    z, y, weights, _ = random_problem(7, binary=True)
    lasso = fit_lasso(*as_tensors(z, y, weights), alpha=1e-12)
    least_squares = fit_ridge(*as_tensors(z, y, weights), alpha=0.0)
    np.testing.assert_allclose(lasso.coefficients.numpy(), least_squares.coefficients.numpy(), atol=1e-7)
    np.testing.assert_allclose(lasso.standard_error.numpy(), least_squares.standard_error.numpy(), rtol=1e-5)


def test_lasso_surrogate_explains_sparsely():
    generator = np.random.default_rng(2)
    image = generator.uniform(0.2, 1.0, size=(3, 16, 16)).astype(np.float32)
    labels = (np.arange(16)[:, None] // 4 * 4 + np.arange(16)[None, :] // 4 + 1).astype(np.int64)

    def model(batch):
        first = batch[:, :, labels == 6].mean(dim=(1, 2))
        second = batch[:, :, labels == 11].mean(dim=(1, 2))
        return torch.stack([first + 0.5 * second, 100.0 * second], dim=1)

    result = explain(model, image, labels, surrogate="lasso", n_samples=256, device="cpu")
    assert result.coefficients.shape == (2, 16)
    assert set(np.flatnonzero(result.coefficients[0]) + 1) == {6, 11}
    assert set(np.flatnonzero(result.coefficients[1]) + 1) == {11}
    assert np.isnan(result.standard_error[1, 0]) and result.standard_error[1, 10] > 0
