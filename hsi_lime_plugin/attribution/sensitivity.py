"""How much an explanation depends on its baseline: the rank correlation with a contrasting baseline.

"Removed" has to mean something, and the answer depends on what: in remote sensing, occlusion and
LIME attributions change a great deal with the perturbation baseline (Klotz, Burgert and Demir 2025).
Each scored explanation is therefore made once more, the same way (method, samples, seed, targets)
but with the contrasting baseline of :func:`~hsi_lime_plugin.perturbation.baseline.contrasting`
(``zero`` for ``background``, ``background`` for every other), and ``baseline_rank_corr`` is the
Spearman rank correlation of each target's attributions under the two, over its features (segments,
superbands; pixel attributions summed into them). Near 1: the ranking is the model's; near 0 or
below: read it as the baseline's answer as much as the model's.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from scipy.stats import rankdata

from ..errors import HsiLimeError
from ..perturbation.baseline import contrasting
from ..perturbation.pipeline import explain_with
from ..reporting import Reporter


def rank_correlation(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Spearman's rank correlation of each row of ``first`` with the same row of ``second`` (T, K) -> (T,);
    NaN where a row is constant (or K < 2). Ties take their mean rank."""
    a = rankdata(np.asarray(first, dtype=np.float64), axis=1)
    b = rankdata(np.asarray(second, dtype=np.float64), axis=1)
    a, b = a - a.mean(axis=1, keepdims=True), b - b.mean(axis=1, keepdims=True)
    norm = np.sqrt((a**2).sum(axis=1) * (b**2).sum(axis=1))
    return np.where(norm > 0, (a * b).sum(axis=1) / np.where(norm > 0, norm, 1.0), np.nan)


def explanation_sensitivity(model, image, result, valid, settings, runtime, reporter: Reporter) -> np.ndarray:
    """``baseline_rank_corr`` (T,) of ``result``, an :class:`~hsi_lime_plugin.perturbation.result.Explanation` of
    ``image`` made with ``settings`` (:class:`~hsi_lime_plugin.settings.ExplainSettings`): the same explanation
    under the contrasting baseline (with ``settings.background`` as its set when that is ``background``)."""
    contrast = dataclasses.replace(settings, baseline=contrasting(settings.baseline))
    try:
        other = explain_with(model, image, result.features, result.kind, valid, contrast, runtime,
                             reporter.without_progress())
    except HsiLimeError as error:
        reporter.warning(f"baseline sensitivity: the contrasting baseline '{contrast.baseline}' gave no explanation "
                         f"({error.message}); baseline_rank_corr is left empty.")
        return np.full(len(result.target_names), np.nan)
    return rank_correlation(result.coefficients, _aligned(other.coefficients, other.target_names, result.target_names))


def attribution_sensitivity(model, image, result, valid, settings, runtime, features, reporter: Reporter) -> np.ndarray:
    """``baseline_rank_corr`` (T,) of an :class:`~hsi_lime_plugin.attribution.attribute.Attribution` made with
    ``settings`` (:class:`~hsi_lime_plugin.settings.AttributeSettings`), over ``features`` (segments or
    superbands the attributions are summed into)."""
    from .attribute import attribute_with
    from .faithfulness import feature_scores

    contrast = dataclasses.replace(settings, baseline=contrasting(settings.baseline))
    try:
        other = attribute_with(model, image, valid, contrast, runtime, reporter.without_progress())
    except HsiLimeError as error:
        reporter.warning(f"baseline sensitivity: the contrasting baseline '{contrast.baseline}' gave no attribution "
                         f"({error.message}); baseline_rank_corr is left empty.")
        return np.full(len(result.target_names), np.nan)
    _, _, mine = feature_scores(result, features, valid)
    _, _, theirs = feature_scores(other, features, valid)
    return rank_correlation(mine, _aligned(theirs, other.target_names, result.target_names))


def _aligned(values: np.ndarray, names: list, wanted: list) -> np.ndarray:
    """The rows of ``values`` (one per name of ``names``) in the order of ``wanted``."""
    return np.asarray(values)[[list(names).index(name) for name in wanted]]
