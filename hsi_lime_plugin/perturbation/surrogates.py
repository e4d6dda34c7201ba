"""Weighted linear surrogates fitted for every target at once, in torch.

The surrogate of LIME / Kernel SHAP is a weighted linear regression of the model outputs
``Y`` (N x T) on the binary samples ``Z`` (N x K). All T targets share ``Z`` and the
weights, so one factorisation of the K x K normal matrix serves them all: the cost of
explaining 4 targets is that of explaining one.

* :func:`fit_ridge`: closed-form ridge (scikit-learn's ``Ridge`` objective);
* :func:`fit_lasso`: accelerated proximal gradient (FISTA) on the K x K Gram matrix,
  all targets in one matrix product per iteration (scikit-learn's ``Lasso`` objective);
* :func:`fit_shapley`: least squares under Kernel SHAP's constraints (the intercept is
  f(baseline), the attributions sum to f(x) - f(baseline)).

Standard errors treat the model outputs as scattering around the surrogate with one
variance ``sigma^2`` (the weights say where the fit matters, not how noisy a sample is);
``sigma^2`` is the weighted residual sum of squares divided by its expectation per unit
variance, so it is unbiased for a linear model with additive noise.

When the outputs themselves scatter (a background set in the sampled mode: each coalition is
evaluated against one drawn spectrum), their scatter depends on the coalition (none when every
feature is kept). ``robust`` fits then take each coefficient's variance from the residuals
sample by sample, a sandwich estimator with the HC3 leverage correction
(:func:`_sandwich_variance`), which carries the background's share of the variance and keeps
the 95 % intervals calibrated (``tests/test_background.py`` measures their coverage).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

#: Lasso penalty when none is given, as a fraction of each target's ``alpha_max``.
DEFAULT_LASSO_FRACTION = 0.01


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
        Standard error of each coefficient (see :func:`fit_ridge`, :func:`fit_lasso`,
        :func:`fit_shapley`).
    converged : bool
        False when an iterative fit (the lasso) stopped at its iteration limit: the
        coefficients may then be inexact, which the caller tells the user.
    """

    coefficients: torch.Tensor
    intercept: torch.Tensor
    score: torch.Tensor
    standard_error: torch.Tensor
    converged: bool = True


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


def _noise_variance(residual: torch.Tensor, weights: torch.Tensor, expected: torch.Tensor) -> torch.Tensor:
    """``sum w r^2 / expected`` per target, NaN where too few samples leave no residual freedom."""
    rss = (weights[:, None] * residual**2).sum(0)
    positive = expected > 1e-9 * weights.sum()
    return torch.where(positive, rss / torch.where(positive, expected, torch.ones_like(expected)), torch.nan)


def _sandwich_variance(influence: torch.Tensor, weights: torch.Tensor, residual: torch.Tensor,
                       leverage: torch.Tensor) -> torch.Tensor:
    """Each coefficient's variance (K, T) from the residuals sample by sample (HC3).

    A coefficient is ``sum_n influence[n, k] w_n y_n`` plus terms that do not depend on the outputs, so its
    variance is ``sum_n influence[n, k]^2 w_n^2 var(y_n)``; each ``var(y_n)`` is estimated by the squared
    residual inflated by its leverage, ``(r_n / (1 - h_n))^2``, MacKinnon and White's HC3, which stays honest
    when a few heavily weighted samples (Kernel SHAP's smallest and largest coalitions) pull the fit.
    """
    inflated = residual / torch.clamp(1.0 - leverage, min=1e-3)[:, None]
    return ((influence**2) * (weights**2)[:, None]).T @ inflated**2


def fit_ridge(z: torch.Tensor, y: torch.Tensor, weights: torch.Tensor, alpha: float = 1.0,
              robust: bool = False) -> SurrogateFit:
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
    robust : bool
        Variances from the residuals sample by sample (:func:`_sandwich_variance`): for outputs whose
        scatter differs between samples.

    Notes
    -----
    ``Cov(beta) = sigma^2 A^-1 S A^-1`` with ``A = Zc' W Zc + alpha I``,
    ``S = Zc' W^2 Zc`` and ``Zc`` the weighted-centred samples. ``sigma^2`` divides the
    weighted residual sum of squares by its expectation for unit noise,
    ``sum w - sum w^2 / sum w - 2 tr(A^-1 S) + tr(A^-1 G A^-1 S)`` (``G = Zc' W Zc``),
    which reduces to ``N - K - 1`` without weights and penalty. The penalty shrinks the
    coefficients by ``alpha A^-1 beta``; that bias, estimated at the fitted ``beta``, is added
    in quadrature, so ``standard_error`` is the root mean squared error of each coefficient
    and intervals built on it stay honest when the penalty matters (small N).
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

    squared_gram = zc.T @ ((weights**2)[:, None] * zc)
    spread = inverse @ squared_gram
    expected = (
        weights.sum()
        - (weights**2).sum() / weights.sum()
        - 2.0 * torch.trace(spread)
        + torch.trace(inverse @ gram @ spread)
    )
    if robust:
        influence = zc @ inverse  # (N, K)
        leverage = weights * (influence * zc).sum(dim=1)
        variance = _sandwich_variance(influence, weights, yc - predicted, leverage).T
    else:
        sigma2 = _noise_variance(yc - predicted, weights, expected)
        variance = torch.diagonal(spread @ inverse)[None, :] * sigma2[:, None]
    bias = alpha * (inverse @ beta).T  # the penalty's shrinkage, estimated at beta: E[beta_hat] - beta = -alpha A^-1 beta
    standard_error = torch.sqrt(torch.clamp(variance, min=0.0) + bias**2)
    return SurrogateFit(beta.T.contiguous(), intercept, score, standard_error)


def _soft_threshold(values: torch.Tensor, threshold) -> torch.Tensor:
    return torch.sign(values) * torch.clamp(values.abs() - threshold, min=0.0)


def fit_lasso(
    z: torch.Tensor,
    y: torch.Tensor,
    weights: torch.Tensor,
    alpha: float | None = None,
    tol: float = 1e-10,
    max_iter: int = 20000,
) -> SurrogateFit:
    """Weighted lasso with an unpenalised intercept, for all targets at once.

    Minimises ``sum_i w_i (y_i - b - z_i . beta)^2 / (2 sum_i w_i) + alpha * |beta|_1``
    per target, the objective of scikit-learn's ``Lasso(alpha)`` with ``sample_weight``
    (which rescales the weights to sum to N and divides by 2N).

    The intercept is eliminated by weighted centring; the rest is FISTA (accelerated
    proximal gradient with adaptive restart) on the K x K Gram matrix, so one iteration
    is one (K, K) x (K, T) product for every target, on the samples' device.

    Parameters
    ----------
    z, y, weights
        As :func:`fit_ridge`.
    alpha : float or None
        L1 penalty, the same for every target, in output units: with binary samples a
        coefficient is set to zero when its effect is below about ``4 alpha``. None:
        :data:`DEFAULT_LASSO_FRACTION` of each target's ``alpha_max = max |Zc' W y| / sum w``,
        the smallest penalty that sets all its coefficients to zero, so that targets
        in different units are penalised alike.
    tol : float
        Stop when no coefficient violates the optimality conditions by more than
        ``tol`` times its target's largest correlation ``|Zc' W y| / sum w``.
    max_iter : int
        Iteration limit; reaching it sets ``converged`` to False.

    Notes
    -----
    A coefficient the lasso sets to zero has no standard error (NaN). The others get the
    standard error conditional on the selected features and signs: given those, the
    lasso solution is an affine function of ``y`` with the same slope as weighted least
    squares on the selected features, ``Cov = sigma^2 G_A^-1 S_A G_A^-1``, with
    ``sigma^2`` from the lasso residuals and the least-squares degrees of freedom. It
    leaves out the uncertainty of the selection itself, so it is optimistic for
    coefficients close to the threshold.
    """
    z = z.to(torch.float64)
    y = y.to(torch.float64)
    weights = weights.to(torch.float64)
    zc, yc, z_mean, y_mean = _weighted_centre(z, y, weights)
    total = weights.sum()
    weighted = weights[:, None] * zc
    gram = zc.T @ weighted / total
    correlation = weighted.T @ yc / total  # (K, T)
    if alpha is None:
        alpha = DEFAULT_LASSO_FRACTION * correlation.abs().amax(0)
    beta, converged = _fista(gram, correlation, alpha, tol, max_iter)
    intercept = y_mean - z_mean @ beta
    predicted = zc @ beta
    score = weighted_r2(yc, predicted, weights)
    standard_error = _support_standard_error(zc, yc - predicted, weights, beta.T != 0)
    return SurrogateFit(beta.T.contiguous(), intercept, score, standard_error, converged)


def _fista(gram: torch.Tensor, correlation: torch.Tensor, alpha, tol: float, max_iter: int):
    """The lasso's coefficients (K, T) by FISTA with adaptive restart on the Gram matrix, and whether every
    target met the optimality conditions within ``tol`` of its largest correlation before ``max_iter``."""
    lipschitz = torch.clamp(torch.linalg.eigvalsh(gram)[-1], min=1e-300)
    threshold = alpha / lipschitz
    limit = tol * torch.clamp(correlation.abs().amax(0), min=1e-300)  # per target: units may differ
    beta = torch.zeros_like(correlation)
    point = beta
    momentum_t = torch.ones(correlation.shape[1], dtype=gram.dtype, device=gram.device)
    for iteration in range(1, max_iter + 1):
        step = _soft_threshold(point - (gram @ point - correlation) / lipschitz, threshold)
        restart = ((point - step) * (step - beta)).sum(0) > 0
        next_t = (1.0 + torch.sqrt(1.0 + 4.0 * momentum_t**2)) / 2.0
        momentum = torch.where(restart, torch.zeros_like(next_t), (momentum_t - 1.0) / next_t)
        momentum_t = torch.where(restart, torch.ones_like(next_t), next_t)
        point = step + momentum * (step - beta)
        beta = step
        if iteration % 10 == 0 and bool((_lasso_violation(gram, correlation, beta, alpha).amax(0) <= limit).all()):
            return beta, True
    return beta, False


def _lasso_violation(gram, correlation, beta, alpha) -> torch.Tensor:
    """How far each coefficient is from the lasso optimality conditions, (K, T)."""
    gradient = gram @ beta - correlation
    return torch.where(
        beta != 0, (gradient + alpha * torch.sign(beta)).abs(), torch.clamp(gradient.abs() - alpha, min=0.0)
    )


def _support_standard_error(zc, residual, weights, support) -> torch.Tensor:
    """Standard errors of weighted least squares on each target's support (T, K), NaN off it."""
    gram = zc.T @ (weights[:, None] * zc)
    squared_gram = zc.T @ ((weights**2)[:, None] * zc)
    both = support[:, :, None] & support[:, None, :]  # (T, K, K)
    restricted = torch.where(both, gram, torch.zeros_like(gram)) + torch.diag_embed((~support).to(gram.dtype))
    inverse = torch.linalg.pinv(restricted, hermitian=True)
    spread = inverse @ torch.where(both, squared_gram, torch.zeros_like(squared_gram))
    expected = weights.sum() - (weights**2).sum() / weights.sum() - torch.diagonal(spread, dim1=1, dim2=2).sum(1)
    sigma2 = _noise_variance(residual, weights, expected)
    variance = torch.diagonal(spread @ inverse, dim1=1, dim2=2)
    standard_error = torch.sqrt(torch.clamp(variance, min=0.0) * sigma2[:, None])
    return torch.where(support, standard_error, torch.full_like(standard_error, torch.nan))


def fit_shapley(
    z: torch.Tensor,
    y: torch.Tensor,
    weights: torch.Tensor,
    full: torch.Tensor,
    empty: torch.Tensor,
    exact: bool = False,
    score: bool = True,
    robust: bool = False,
) -> SurrogateFit:
    """Kernel SHAP: weighted least squares under the efficiency constraint, all targets at once.

    Minimises ``sum_i w_i (y_i - f0 - z_i . phi)^2`` subject to ``sum_k phi_k = f1 - f0``,
    with the intercept fixed at ``f0 = f(baseline)`` and ``f1 = f(x)``: the two
    coalitions of infinite Shapley kernel weight, imposed exactly. The constraint is
    eliminated by writing the last attribution as ``f1 - f0 - sum_{k<K} phi_k``, which
    leaves an unconstrained regression on ``z_k - z_K`` whose design every target shares.

    Parameters
    ----------
    z : (N, K) tensor
        Coalitions (1 = feature kept).
    y : (N, T) tensor
        Model outputs on them.
    weights : (N,) tensor
        Shapley kernel (design) weights; rows of weight 0 do not enter the fit.
    full, empty : (T,) tensors
        Model outputs with every feature kept (``f1``) and with none (``f0``).
    exact : bool
        True when ``z`` holds all 2**K coalitions with their Shapley kernel weights: the
        solution then is the Shapley values themselves and the standard errors are 0.
    score : bool
        Compute the weighted R2; False (NaN scores) saves its passes over ``y`` when the
        values are exact and nobody reads the score (a map's pixels).
    robust : bool
        Variances from the residuals sample by sample (:func:`_sandwich_variance`): for outputs
        whose scatter differs between coalitions (a sampled background).

    Notes
    -----
    With ``phi' = (phi_1..phi_{K-1})``, ``Cov(phi') = sigma^2 A^-1 S A^-1`` (``A = X' W X``,
    ``S = X' W^2 X``, ``X`` the eliminated design) and ``phi_K = f1 - f0 - 1' phi'``, so
    ``Cov(phi) = L Cov(phi') L'`` with ``L = [I; -1']``; ``f0`` and ``f1`` are single
    model evaluations and count as exact.
    """
    z = z.to(torch.float64)
    y = y.to(torch.float64)
    weights = weights.to(torch.float64)
    full = full.to(torch.float64)
    empty = empty.to(torch.float64)
    n_features = z.shape[1]
    gap = full - empty
    design = z[:, :-1] - z[:, -1:]
    weighted = weights[:, None] * design
    gram = design.T @ weighted
    inverse = torch.linalg.pinv(gram, hermitian=True)
    # weighted' (y - empty - z_K gap), without the (N, T) temporary: T may be pixels x targets
    moments = weighted.T @ y - weighted.sum(0)[:, None] * empty[None] - (weighted.T @ z[:, -1:]) * gap[None]
    reduced = inverse @ moments  # (K-1, T)
    phi = torch.cat([reduced, (gap - reduced.sum(0))[None]], dim=0)  # (K, T)

    if exact and not score:
        return SurrogateFit(phi.T.contiguous(), empty, torch.full_like(empty, torch.nan), torch.zeros_like(phi.T))
    predicted = empty + z @ phi
    score = weighted_r2(y, predicted, weights)
    identity = torch.eye(n_features - 1, dtype=z.dtype, device=z.device)
    lift = torch.cat([identity, -torch.ones_like(identity[:1])])
    if exact:
        standard_error = torch.zeros_like(phi.T)
    elif robust:
        influence = design @ inverse @ lift.T  # (N, K): phi_k depends on y_n through influence[n, k] w_n
        leverage = weights * ((design @ inverse) * design).sum(dim=1)
        standard_error = torch.sqrt(_sandwich_variance(influence, weights, y - predicted, leverage)).T
    else:
        spread = inverse @ (design.T @ ((weights**2)[:, None] * design))
        expected = weights.sum() - torch.trace(spread)
        sigma2 = _noise_variance(y - predicted, weights, expected)
        covariance = spread @ inverse
        variance = torch.diagonal(lift @ covariance @ lift.T)
        standard_error = torch.sqrt(torch.clamp(variance, min=0.0))[None, :] * torch.sqrt(sigma2)[:, None]
    return SurrogateFit(phi.T.contiguous(), empty, score, standard_error)
