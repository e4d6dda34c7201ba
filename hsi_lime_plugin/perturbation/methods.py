"""Attribution methods as parts of the explanation pipeline.

A perturbation method says how to draw the binary samples (which features each
perturbed image keeps) and how to turn the model's outputs on them into attributions.
:func:`hsi_lime_plugin.explain` composes it with the feature space and the evaluator:

    samples = method.draw(n_samples, n_features, seed, reporter)
    outputs = evaluator.evaluate(samples, reporter)
    fit = method.fit(samples, outputs[:, targets], reporter)

Both methods put the image itself first (every feature kept) and every feature removed second,
so the model's output on the baseline (the base value) is one of the samples and costs no extra
forward pass. Both get ``stochastic`` True when the outputs scatter around the values being explained (a background set
in the sampled mode): their standard errors then come from the residuals sample by sample (a sandwich
estimator), which carries the background's share of the variance. A new method is one new class with
``draw`` and ``fit``, declared in the method registry (:data:`hsi_lime_plugin.options.REGISTRY`). Each call of :func:`make_method` makes a
fresh object: nothing is shared between runs.
"""
from __future__ import annotations

import torch

from ..errors import HsiLimeError, arg
from ..options import DEFAULT_KERNEL_WIDTH, DEFAULT_RIDGE_ALPHA, METHODS, SURROGATES, implementation
from ..reporting import Reporter
from ..settings import ExplainSettings
from .sampling import DEFAULT_SAMPLING, draw_lime, draw_shapley, lime_weights, stratified_weights
from .surrogates import SurrogateFit, fit_lasso, fit_ridge, fit_shapley


class Lime:
    """LIME: a linear surrogate fitted under the similarity kernel (ridge or lasso).

    Parameters
    ----------
    sampling : str or None
        Sampling scheme (:func:`sampling.draw_lime`); None: the measured default.
    kernel_width : float
        Width of the similarity kernel on the cosine distance (:func:`sampling.lime_weights`).
    surrogate : {"ridge", "lasso"}
    alpha : float or None
        The surrogate's penalty; None: :data:`options.DEFAULT_RIDGE_ALPHA` for ridge, a
        per-target fraction of the largest useful penalty for lasso.
    """

    name = "lime"

    def __init__(self, sampling=None, kernel_width=DEFAULT_KERNEL_WIDTH, surrogate="ridge", alpha=None):
        if surrogate not in SURROGATES:
            raise HsiLimeError(
                f"{arg('surrogate')}: unknown surrogate '{surrogate}'; choose one of {', '.join(SURROGATES)}."
            )
        if not float(kernel_width) > 0.0:
            raise HsiLimeError(
                f"{arg('kernel_width')}: the kernel width must be positive, got {kernel_width}; 1.0 is the default."
            )
        self.sampling = sampling or DEFAULT_SAMPLING[self.name]
        self.kernel_width, self.surrogate, self.alpha = float(kernel_width), surrogate, alpha
        self.stochastic = False

    def draw(self, n_samples: int, n_features: int, seed: int, reporter: Reporter) -> torch.Tensor:
        if n_samples <= n_features:
            reporter.warning(
                f"{arg('n_samples')}: {n_samples} samples for {n_features} features cannot determine a surrogate (the "
                f"attributions then reflect the penalty more than the model); use at least {2 * n_features}."
            )
        samples = draw_lime(self.sampling, n_samples, n_features, seed)
        samples[1] = 0.0  # every feature removed: the base value, from the samples themselves
        return samples

    def fit(self, z: torch.Tensor, y: torch.Tensor, reporter: Reporter, score: bool = True) -> SurrogateFit:
        """The surrogate fit (``score`` is for Kernel SHAP's exact values; LIME always scores its fit)."""
        weights = lime_weights(z, self.kernel_width)
        if self.surrogate == "ridge":
            return fit_ridge(z, y, weights, DEFAULT_RIDGE_ALPHA if self.alpha is None else self.alpha,
                             robust=self.stochastic)
        fit = fit_lasso(z, y, weights, self.alpha)
        if not fit.converged:
            reporter.warning(
                f"{arg('surrogate')} lasso: the fit did not converge; the attributions may be inexact. Use a "
                f"larger {arg('alpha')} or the ridge surrogate."
            )
        return fit


class KernelShap:
    """Kernel SHAP: least squares under the Shapley kernel with the efficiency constraint.

    The attributions sum to f(x) - f(baseline); when the sample budget covers all 2**K
    coalitions they are the exact Shapley values.
    """

    name = "kernelshap"

    def __init__(self, sampling=None, kernel_width=DEFAULT_KERNEL_WIDTH, surrogate="ridge", alpha=None):
        if surrogate != "ridge" or alpha is not None:
            raise HsiLimeError(
                f"{arg('method')}: Kernel SHAP fits the unpenalised least squares that defines Shapley values; "
                f"leave {arg('surrogate')} and {arg('alpha')} unset, or choose {arg('method', 'lime')} for a "
                "penalised surrogate."
            )
        self.sampling = sampling or DEFAULT_SAMPLING[self.name]
        self.weights, self.enumerated, self.exact, self.stochastic = None, False, False, False

    def draw(self, n_samples: int, n_features: int, seed: int, reporter: Reporter) -> torch.Tensor:
        samples, self.weights, self.enumerated = draw_shapley(self.sampling, n_samples, n_features, seed)
        self.exact = self.enumerated and not self.stochastic
        if self.enumerated and self.stochastic:
            samples, self.weights = _repeated(samples, self.weights, n_samples)
        if self.exact:
            reporter.info(
                f"Kernel SHAP: all {len(samples)} coalitions of the {n_features} features were evaluated; the "
                "attributions are the exact Shapley values."
            )
        elif self.enumerated:
            reporter.info(
                f"Kernel SHAP: all {len(samples)} coalitions of the {n_features} features were evaluated, each "
                f"against one background spectrum drawn by weight: the Shapley values are estimated, with standard "
                f"errors ({arg('background_mode', 'exact')} evaluates every spectrum and gives the exact values)."
            )
        elif n_samples < 4 * n_features:
            reporter.warning(
                f"{arg('n_samples')}: Kernel SHAP with {n_samples} samples for {n_features} features is poorly "
                "determined (complement pairs give about N/2 equations for K - 1 unknowns); use at least "
                f"{4 * n_features}."
            )
        return samples

    def fit(self, z: torch.Tensor, y: torch.Tensor, reporter: Reporter, score: bool = True) -> SurrogateFit:
        """Fit on the first ``len(z)`` samples drawn (all of them, or a round of an automatic count); ``score``
        False leaves out the R2 of exact values (:func:`surrogates.fit_shapley`)."""
        if self.sampling == "stratified" and not self.enumerated:
            weights = stratified_weights(z.cpu())
        else:
            weights = self.weights[: len(z)]
        return fit_shapley(z, y, weights.to(z.device), full=y[0], empty=y[1], exact=self.exact, score=score,
                           robust=self.stochastic)


def _repeated(samples: torch.Tensor, weights: torch.Tensor, n_samples: int) -> tuple[torch.Tensor, torch.Tensor]:
    """All coalitions (the image and the empty one first, once) repeated to fill ``n_samples``: when each
    evaluation draws its own background spectrum, every repetition adds draws to the coalitions' values."""
    copies = max(1, (n_samples - 2) // max(1, len(samples) - 2))
    inner = slice(2, None)
    return (torch.cat([samples[:2]] + [samples[inner]] * copies),
            torch.cat([weights[:2]] + [weights[inner]] * copies))


def make_method(settings: ExplainSettings):
    """A fresh method part for ``settings.method`` (from the registry) with its options checked."""
    if settings.method not in METHODS:
        raise HsiLimeError(f"{arg('method')}: unknown method '{settings.method}'; choose one of {', '.join(METHODS)}.")
    return implementation(settings.method)(sampling=settings.sampling, kernel_width=settings.kernel_width,
                                           surrogate=settings.surrogate, alpha=settings.alpha)
