"""Weighted linear surrogates fitted for every target at once, in torch.

The surrogate of LIME / Kernel SHAP is a weighted linear regression of the model outputs
``Y`` (N x T) on the binary samples ``Z`` (N x K). All T targets share ``Z`` and the
weights, so one factorisation of the K x K normal matrix serves them all: the cost of
explaining 4 targets is that of explaining one.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class SurrogateFit:
    """A fitted surrogate for T targets over K features (all float64 tensors).

    Attributes
    ----------
    coefficients : (T, K)
    intercept : (T,)
    score : (T,)
        Weighted R2 of the fit, as scikit-learn's ``score`` with ``sample_weight``.
    standard_error : (T, K)
        Standard error of each coefficient (see :func:`fit_ridge`).
    """

    coefficients: torch.Tensor
    intercept: torch.Tensor
    score: torch.Tensor
    standard_error: torch.Tensor


def weighted_r2(y: torch.Tensor, predicted: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Weighted coefficient of determination per column; 1 for a perfect fit of a constant."""
    w = weights[:, None]
    mean = (w * y).sum(0) / w.sum()
    residual = (w * (y - predicted) ** 2).sum(0)
    total = (w * (y - mean) ** 2).sum(0)
    perfect = residual <= 1e-12 * torch.clamp(total, min=1.0)
    r2 = 1.0 - residual / torch.where(total > 0, total, torch.ones_like(total))
    return torch.where(total > 0, r2, torch.where(perfect, torch.ones_like(r2), torch.zeros_like(r2)))


def _weighted_centre(z: torch.Tensor, y: torch.Tensor, weights: torch.Tensor):
    w = weights / weights.sum()
    z_mean = w @ z
    y_mean = w @ y
    return z - z_mean, y - y_mean, z_mean, y_mean


def fit_ridge(z: torch.Tensor, y: torch.Tensor, weights: torch.Tensor, alpha: float = 1.0) -> SurrogateFit:
    """Weighted ridge regression with an unpenalised intercept, for all targets at once.

    Minimises ``sum_i w_i (y_i - b - z_i . beta)^2 + alpha * |beta|^2`` per target (the
    objective of scikit-learn's ``Ridge`` with ``sample_weight``), in closed form.

    Parameters
    ----------
    z : (N, K) tensor
        Binary samples (1 = feature kept).
    y : (N, T) tensor
        Model outputs for each sample.
    weights : (N,) tensor
        Sample weights (the similarity kernel), non-negative.
    alpha : float
        Ridge penalty; 0 gives weighted least squares.

    Standard errors assume the outputs scatter around the surrogate with one variance
    ``sigma^2`` (the weights say where the fit matters, not how noisy a sample is), so
    ``Cov(beta) = sigma^2 A^-1 (Zc' W^2 Zc) A^-1`` with ``A = Zc' W Zc + alpha I``
    and ``sigma^2`` is the weighted residual variance
    corrected by ``N / (N - df)``, ``df`` the trace of the hat matrix plus the intercept.
    """
    z = z.to(torch.float64)
    y = y.to(torch.float64)
    weights = weights.to(torch.float64)
    zc, yc, z_mean, y_mean = _weighted_centre(z, y, weights)
    gram = zc.T @ (weights[:, None] * zc)
    system = gram + alpha * torch.eye(z.shape[1], dtype=z.dtype, device=z.device)
    rhs = zc.T @ (weights[:, None] * yc)
    inverse = torch.linalg.pinv(system, hermitian=True)
    beta = inverse @ rhs  # (K, T)
    intercept = y_mean - z_mean @ beta
    predicted = zc @ beta
    score = weighted_r2(yc, predicted, weights)

    n = z.shape[0]
    dof = torch.trace(inverse @ gram) + 1.0
    sigma2 = (weights[:, None] * (yc - predicted) ** 2).sum(0) / weights.sum() * n / torch.clamp(n - dof, min=1.0)
    squared_gram = zc.T @ ((weights**2)[:, None] * zc)
    variance = torch.diagonal(inverse @ squared_gram @ inverse)
    standard_error = torch.sqrt(torch.clamp(variance, min=0.0))[None, :] * torch.sqrt(sigma2)[:, None]
    return SurrogateFit(beta.T.contiguous(), intercept, score, standard_error)
