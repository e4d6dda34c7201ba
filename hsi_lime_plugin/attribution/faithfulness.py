"""How far to trust an explanation: deletion and insertion curves and infidelity, per target.

Every method is scored on features (segments or superbands) through the same batched
evaluator the explanations use, so LIME, Kernel SHAP, gradients and occlusion are
compared on equal terms. Pixel attributions (:class:`~hsi_lime_plugin.attribution.attribute.Attribution`)
are summed into the features first: segments (default: square patches of
:data:`~hsi_lime_plugin.options.DEFAULT_PATCH_SIZE` pixels) or superbands.

* Deletion: features are switched to the baseline one after another, from the most
  positive attribution down; the model's output for the target, scaled so that the
  image = 1 and everything removed = 0, is integrated over the removed fraction 0..1
  (trapezoid rule): ``deletion_auc``, lower is better (the output falls fast when the
  most important features go first).
* Insertion: features are added to the baseline image in the same order:
  ``insertion_auc``, higher is better.
* ``random_deletion_auc`` and ``random_insertion_auc``: the same for random orders (the
  mean over :data:`~hsi_lime_plugin.options.DEFAULT_N_RANDOM_ORDERS` seeded orders), the
  reference an explanation should beat.
* ``infidelity``: captum's definition (``captum.metrics.infidelity`` with
  ``normalize=True``) in feature space: perturbations ``I`` that remove a random half of
  the features (seeded), ``mean((beta * I . a - (f(x) - f(x without I)))**2)`` with the
  scale ``beta`` that fits best, so that attributions of any unit (occlusion drops per
  element, gradients per band) are comparable. Lower is better.
* ``road_deletion_auc`` (spatial features only): the deletion curve with the removed pixels
  imputed from their neighbours instead of set to the baseline (ROAD, :mod:`.road`), so that the
  score does not reward an explanation for the model's reaction to the baseline itself. Lower is
  better.
* ``baseline_rank_corr``: how much the explanation depends on its baseline, the Spearman rank
  correlation of its attributions with those under a contrasting baseline (``zero`` for
  ``background``, ``background`` for every other); computed by the runs, which know how the
  explanation was made (:mod:`.sensitivity`). 1: the same ranking; near 0 or below: the
  ranking is the baseline's as much as the model's.

The curves remove features to the explanation's own baseline: a background set's expectation
(exact, or sampled as the explanation was) for a ``background`` explanation.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy.integrate import trapezoid  # np.trapz is gone in numpy 2.4, np.trapezoid absent before numpy 2.0

from ..models.device import choose_batch_size
from ..errors import HsiLimeError, arg
from ..perturbation.background import Background
from ..perturbation.baseline import resolve_baseline
from ..perturbation.evaluator import make_evaluator
from ..features.space import FeatureSpace
from ..options import (DEFAULT_BACKGROUND_MODE, DEFAULT_BACKGROUND_SIZE, DEFAULT_BASELINE, DEFAULT_BLUR_SIGMA,
                       DEFAULT_N_PERTURBATIONS, DEFAULT_N_RANDOM_ORDERS, DEFAULT_PATCH_SIZE, FAITHFULNESS_COLUMNS)
from ..models.preparation import prepare_image, sample_bytes
from ..reporting import Reporter, reporter_or_default
from ..models.targets import default_target_names
from ..settings import BaselineSettings
from .road import road_curves

#: The score columns, in table order.
COLUMNS = FAITHFULNESS_COLUMNS
#: At most this many points on each curve (features are removed in equal steps beyond it).
MAX_CURVE_STEPS = 64


@dataclass
class Faithfulness:
    """Faithfulness scores per target (arrays of shape (T,)); see the module text."""

    target_names: list[str]
    deletion_auc: np.ndarray
    insertion_auc: np.ndarray
    random_deletion_auc: np.ndarray
    random_insertion_auc: np.ndarray
    infidelity: np.ndarray
    fractions: np.ndarray
    deletion_curves: np.ndarray
    insertion_curves: np.ndarray
    kind: str
    n_features: int
    road_deletion_auc: np.ndarray | None = None
    baseline_rank_corr: np.ndarray | None = None

    def __post_init__(self):
        for name in ("road_deletion_auc", "baseline_rank_corr"):  # not measured: NaN, one per target
            if getattr(self, name) is None:
                setattr(self, name, np.full(len(self.target_names), np.nan))

    def scores(self) -> dict[str, dict[str, float]]:
        """``{target: {column: value}}``."""
        return {name: {c: float(getattr(self, c)[t]) for c in COLUMNS} for t, name in enumerate(self.target_names)}

    def lines(self) -> list[str]:
        """One readable line per target, for the log and the FAITHFULNESS output."""
        return [f"{name}: " + ", ".join(f"{c} {v:.4g}" for c, v in row.items() if np.isfinite(v))
                for name, row in self.scores().items()]


def feature_scores(result, features=None, valid=None) -> tuple[str, np.ndarray, np.ndarray]:
    """(kind, labels, scores (T, K)) of an Explanation, or of an Attribution summed into ``features``."""
    if hasattr(result, "coefficients"):
        return result.kind, np.asarray(result.features), np.asarray(result.coefficients, dtype=np.float64)
    if features is None:
        from ..features.segments import patch_segments

        features = patch_segments(np.asarray(result.valid), DEFAULT_PATCH_SIZE)
    labels = np.asarray(features, dtype=np.int64)
    kind = "spectral" if labels.ndim == 1 else "spatial"
    if kind == "spatial" and valid is not None:
        labels = np.where(valid, labels, 0)  # as FeatureSpace does: nodata pixels belong to no feature
    grid = result.pixel_maps() if kind == "spatial" else result.band_profile()
    grid = np.nan_to_num(grid)
    ids = np.unique(labels[labels != 0])
    flat = labels.reshape(-1)
    summed = np.stack([np.bincount(np.searchsorted(ids, flat[flat != 0]), weights=g.reshape(-1)[flat != 0],
                                   minlength=len(ids)) for g in grid])
    return kind, labels, summed


def faithfulness(
    model,
    image,
    result,
    *,
    features=None,
    baseline: str | float = DEFAULT_BASELINE,
    n_random: int = DEFAULT_N_RANDOM_ORDERS,
    n_perturbations: int = DEFAULT_N_PERTURBATIONS,
    batch_size: int | None = None,
    device: str | torch.device = "auto",
    seed: int = 0,
    valid=None,
    reporter: Reporter | None = None,
    background: Background | None = None,
    background_size: int = DEFAULT_BACKGROUND_SIZE,
    background_mode: str = DEFAULT_BACKGROUND_MODE,
    blur_sigma: float = DEFAULT_BLUR_SIGMA,
) -> Faithfulness:
    """Score an :class:`Explanation` or :class:`Attribution` of ``model`` on ``image``.

    Parameters
    ----------
    result : Explanation or Attribution
        What to score (its targets are scored).
    features : array-like of int, optional
        For an Attribution: (H, W) segments or (C,) superbands to sum it into (default
        square patches). Ignored for an Explanation, which has its own.
    baseline, background, background_size, background_mode, blur_sigma
        As for :func:`explain`; use the explanation's own.
    n_random, n_perturbations : int
        Random orders for the random curves; perturbations for infidelity.
    """
    reporter = reporter_or_default(reporter)
    prepared = prepare_image(model, image, valid, device, reporter)
    model, inputs, mask = prepared.model, prepared.inputs, prepared.mask
    kind, labels, scores = feature_scores(result, features, mask)
    space = FeatureSpace.from_labels(labels, prepared.shape, kind, mask)
    columns = _output_columns(model, result)
    samples, layout = _samples(scores, space.n_features, int(n_random), int(n_perturbations), int(seed))
    settings = BaselineSettings(baseline, background_size, background_mode, blur_sigma, background)
    resolved = resolve_baseline(prepared, settings, kind, space.labels, len(samples), seed)
    evaluations = len(samples) if resolved.plan is None else resolved.plan.count(samples)
    batch = int(min(batch_size or choose_batch_size(sample_bytes(inputs, model), evaluations, model.device),
                    evaluations))
    evaluator = make_evaluator(model, inputs, resolved, space, batch)
    outputs = evaluator.evaluate(samples, reporter.between(0.0, 0.8 if kind == "spatial" else 1.0)).cpu().numpy()
    outputs = outputs[:, columns]
    if kind == "spatial":
        layout["road"] = road_curves(model, prepared, space.labels, scores, columns, batch, int(seed),
                                     reporter.between(0.8, 1.0))
    return _scores(outputs, scores, layout, list(result.target_names), kind, space.n_features)


def _output_columns(model, result) -> list[int]:
    """The model output of each target of ``result``."""
    if getattr(result, "target_indices", None) is not None:
        return list(result.target_indices)
    names = model.target_names or default_target_names(10_000)
    missing = [n for n in result.target_names if n not in names]
    if missing:
        raise HsiLimeError(f"{arg('result')}: targets {', '.join(missing)} are not outputs of this model.")
    return [names.index(n) for n in result.target_names]


def _samples(scores: np.ndarray, k: int, n_random: int, n_perturbations: int, seed: int):
    """Keep-masks of every curve and of the infidelity perturbations, in one (N, K) tensor.

    Rows: for each order (T attribution orders, then ``n_random`` random ones) the deletion
    steps then the insertion steps; then the infidelity perturbations.
    """
    steps = np.unique(np.round(np.linspace(0, k, min(k, MAX_CURVE_STEPS) + 1)).astype(np.int64))
    generator = np.random.default_rng(seed)
    orders = np.concatenate([np.argsort(-scores, axis=1, kind="stable"),
                             np.stack([generator.permutation(k) for _ in range(n_random)]).reshape(-1, k)])
    rank = np.empty_like(orders)
    np.put_along_axis(rank, orders, np.arange(k)[None].repeat(len(orders), 0), axis=1)
    deletion = rank[:, None, :] >= steps[None, :, None]  # (O, S, K): keep what is not yet removed
    insertion = rank[:, None, :] < steps[None, :, None]
    removed = generator.random((n_perturbations, k)) < 0.5
    rows = np.concatenate([np.stack([deletion, insertion], axis=1).reshape(-1, k), ~removed])
    layout = {"steps": steps, "orders": len(orders), "removed": removed}
    return torch.as_tensor(rows, dtype=torch.float32), layout


def _scores(outputs: np.ndarray, scores: np.ndarray, layout: dict, names: list[str], kind: str, k: int):
    steps, n_orders, removed = layout["steps"], layout["orders"], layout["removed"]
    n_steps, n_targets = len(steps), len(names)
    curves = outputs[: n_orders * 2 * n_steps].reshape(n_orders, 2, n_steps, n_targets)
    full, empty = curves[0, 0, 0], curves[0, 0, -1]  # (T,): the image, and everything removed
    span = np.where(full != empty, full - empty, np.nan)
    scaled = (curves - empty) / span  # (O, 2, S, T)
    fractions = steps / k
    auc = trapezoid(scaled, fractions, axis=2)  # (O, 2, T)
    own = np.arange(n_targets)
    deletion, insertion = auc[own, 0, own], auc[own, 1, own]
    random = auc[n_targets:].mean(axis=0)
    change = full[None] - outputs[n_orders * 2 * n_steps :]  # (P, T): f(x) - f(x without I)
    dot = removed.astype(np.float64) @ scores.T  # (P, T): I . a
    beta = (dot * change).sum(0) / np.where((dot**2).sum(0) > 0, (dot**2).sum(0), np.nan)
    infidelity = np.mean((np.nan_to_num(beta)[None] * dot - change) ** 2, axis=0)
    road = None
    if "road" in layout:  # scaled as the deletion curve: the image 1, every feature at the baseline 0
        curves, road_fractions = layout["road"]
        road = trapezoid((curves - empty[:, None]) / span[:, None], road_fractions, axis=1)
    return Faithfulness(names, deletion, insertion, random[0], random[1], infidelity, fractions,
                        scaled[own, 0, :, own], scaled[own, 1, :, own], kind, k, road)


def score_explanation(model, image, valid, result, settings, runtime, reporter: Reporter) -> Faithfulness:
    """What a run scores of an :class:`~hsi_lime_plugin.perturbation.result.Explanation` made with ``settings``
    (:class:`~hsi_lime_plugin.settings.ExplainSettings`, whose ``background`` is the run's set: the baseline's, or
    the contrast's) and ``runtime``: its faithfulness under its own baseline, and its ``baseline_rank_corr``
    against the contrasting one."""
    from .sensitivity import explanation_sensitivity

    scores = faithfulness(model, image, result, valid=valid, batch_size=runtime.batch_size, seed=settings.seed,
                          reporter=reporter.between(0.0, 0.5), **options_of(settings))
    scores.baseline_rank_corr = explanation_sensitivity(model, image, result, valid, settings, runtime,
                                                        reporter.between(0.5, 1.0))
    return scores


def options_of(settings) -> dict:
    """The keywords of :func:`faithfulness` that repeat an explanation's baseline (``settings``: explain or
    attribute settings)."""
    baselines = settings.baselines
    return {"baseline": baselines.baseline, "background_size": baselines.background_size,
            "background_mode": baselines.background_mode, "blur_sigma": baselines.blur_sigma,
            "background": baselines.background}
