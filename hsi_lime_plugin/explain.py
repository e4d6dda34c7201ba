"""Perturbation explanations (LIME) of a model on one image, for all targets in one pass.

The pipeline, all on one torch device:

1. draw all N binary samples at once with a seeded generator (first sample: all on);
2. for each fixed-size batch, build the perturbed images by broadcasting the samples
   through the feature map against the image (no Python loop per sample or feature),
   and run the model under ``torch.inference_mode()``;
3. weight the samples with the similarity kernel, computed in the binary space;
4. fit one weighted linear surrogate for all targets at once.

Features are given as integer labels: an H x W map for spatial explanations (segments),
a length-C vector for spectral ones (superbands). Label 0 means "not a feature": those
pixels or bands keep their values in every sample.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import torch

from .device import choose_batch_size, resolve_device
from .errors import Cancelled, HsiLimeError
from .model_card import ModelCard
from .models import ExplainableModel
from .sampling import DEFAULT_KERNEL_WIDTH, draw_bernoulli, lime_weights
from .surrogates import fit_ridge
from .targets import default_target_names, select_targets

KINDS = ("spatial", "spectral")
METHODS = ("lime",)
SURROGATES = ("ridge",)


@dataclass
class Explanation:
    """The result of :func:`explain`: one linear surrogate per target.

    Attributes
    ----------
    kind : {"spatial", "spectral"}
    coefficients : numpy.ndarray
        (T, K) attribution of each feature for each target.
    intercept : numpy.ndarray
        (T,)
    score : numpy.ndarray
        (T,) weighted R2 of each target's surrogate: how well it mimics the model.
    standard_error : numpy.ndarray
        (T, K) standard error of each coefficient (see :func:`surrogates.fit_ridge`).
    target_names : list of str
        (T,) the explained outputs.
    feature_ids : numpy.ndarray
        (K,) the label of each column of ``coefficients``.
    features : numpy.ndarray
        The label map (H, W) or vector (C,) the explanation was computed on.
    prediction : numpy.ndarray
        (T,) the model's output on the unperturbed image.
    n_samples : int
    seconds : float
        Wall time of the explanation.
    device : str
    """

    kind: str
    coefficients: np.ndarray
    intercept: np.ndarray
    score: np.ndarray
    standard_error: np.ndarray
    target_names: list[str]
    feature_ids: np.ndarray
    features: np.ndarray
    prediction: np.ndarray
    n_samples: int
    seconds: float
    device: str
    batch_size: int = 0
    notes: list[str] = field(default_factory=list)

    def maps(self) -> np.ndarray:
        """Attributions on the explained grid.

        Returns
        -------
        numpy.ndarray
            Spatial: (T, H, W), each pixel holding its segment's attribution, NaN where
            the pixel is in no feature. Spectral: (T, C), each band holding its
            superband's attribution, NaN for bands in no superband.
        """
        return _spread(self.coefficients, self.feature_ids, self.features)

    def standard_error_maps(self) -> np.ndarray:
        """Standard errors on the explained grid, laid out as :meth:`maps`."""
        return _spread(self.standard_error, self.feature_ids, self.features)


def _spread(values: np.ndarray, feature_ids: np.ndarray, features: np.ndarray) -> np.ndarray:
    column = np.searchsorted(feature_ids, features)
    column = np.clip(column, 0, len(feature_ids) - 1)
    is_feature = (features != 0) & (feature_ids[column] == features)
    padded = np.concatenate([values, np.full((values.shape[0], 1), np.nan)], axis=1)
    return padded[:, np.where(is_feature, column, len(feature_ids))]


def explain(
    model: ExplainableModel | Callable[[torch.Tensor], torch.Tensor],
    image,
    features,
    *,
    kind: str = "spatial",
    targets: str | Sequence[str | int] | None = None,
    method: str = "lime",
    n_samples: int = 500,
    batch_size: int | None = None,
    device: str | torch.device = "auto",
    seed: int = 0,
    surrogate: str = "ridge",
    alpha: float = 1.0,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    valid=None,
    baseline: str | float = "zero",
    kernel_width: float = DEFAULT_KERNEL_WIDTH,
) -> Explanation:
    """Explain a model's prediction on one image by perturbing groups of pixels or bands.

    Parameters
    ----------
    model : ExplainableModel or callable
        From :func:`hsi_lime_plugin.load_model`, or any callable mapping a float batch
        (B, C, H, W) to (B, T) outputs.
    image : array-like
        (C, H, W) raw values (the model's card maps them to model input).
    features : array-like of int
        (H, W) segment labels for ``kind="spatial"``, (C,) superband labels for
        ``kind="spectral"``; 0 = never perturbed, every other value = one feature.
    kind : {"spatial", "spectral"}
    targets : str, sequence or None
        Output names or 0-based indices to explain; None = all.
    method : {"lime"}
    n_samples : int
        Number of perturbed samples (model evaluations).
    batch_size : int or None
        Samples per forward pass; None chooses from the memory budget
        (:func:`hsi_lime_plugin.device.choose_batch_size`). Every batch has this size
        (the last is padded) so the model always sees one shape.
    device : {"auto", "cpu", "cuda"}
        Ignored for an ExplainableModel, which already lives on its device.
    seed : int
        Seed of the samples: the same seed gives bit-identical results on the CPU.
    surrogate : {"ridge"}
    alpha : float
        Ridge penalty.
    progress : callable(float), optional
        Called with the fraction done after each batch.
    cancelled : callable() -> bool, optional
        Checked before each batch; True stops the run with :class:`Cancelled`.
    valid : array-like of bool, optional
        (H, W): False where the image holds no data. Such pixels are set to 0 in model
        input units (as models see masked pixels) and are never part of a feature.
    baseline : {"zero", "mean"} or float
        The value perturbed features take, in model input units: 0, the image's
        per-band mean over valid pixels, or a constant.
    kernel_width : float
        Width of the similarity kernel (:func:`sampling.lime_weights`).
    """
    started = time.perf_counter()
    if method not in METHODS:
        raise HsiLimeError(f"METHOD: unknown method '{method}'; choose one of {', '.join(METHODS)}.")
    if surrogate not in SURROGATES:
        raise HsiLimeError(f"surrogate: unknown surrogate '{surrogate}'; choose one of {', '.join(SURROGATES)}.")
    if kind not in KINDS:
        raise HsiLimeError(f"kind: unknown kind '{kind}'; choose one of {', '.join(KINDS)}.")
    if int(n_samples) < 2:
        raise HsiLimeError(f"N_SAMPLES: {n_samples} samples cannot fit a surrogate; use at least 2 (500 is typical).")

    if isinstance(model, ExplainableModel):
        torch_device, device_note = model.device, model.device_note
    else:
        torch_device, device_note = resolve_device(device)
        model = ExplainableModel(model, ModelCard(targets=[], source="(a callable without card)"), torch_device, device_note)

    pixels = torch.as_tensor(np.asarray(image), dtype=torch.float32, device=torch_device)
    if pixels.ndim != 3:
        raise HsiLimeError(f"image: expected a (bands, height, width) array, got shape {tuple(pixels.shape)}.")
    labels = _check_features(np.asarray(features), tuple(pixels.shape), kind)
    mask_valid = None if valid is None else np.asarray(valid, dtype=bool)
    if mask_valid is not None:
        if mask_valid.shape != tuple(pixels.shape[1:]):
            raise HsiLimeError(f"valid: mask shape {mask_valid.shape} differs from the image's {tuple(pixels.shape[1:])}.")
        if kind == "spatial":
            labels = np.where(mask_valid, labels, 0)

    feature_ids, columns = np.unique(labels, return_inverse=True)
    columns = columns.reshape(labels.shape)
    if feature_ids[0] == 0:
        feature_ids = feature_ids[1:]
        columns = columns - 1  # label 0 -> -1
    n_features = len(feature_ids)
    if n_features == 0:
        raise HsiLimeError(f"features: no {kind} feature to perturb (every label is 0 or outside the valid pixels).")

    inputs = model.prepare(pixels)
    if mask_valid is not None:
        inputs = inputs * torch.as_tensor(mask_valid, device=torch_device)
    base = _baseline(inputs, baseline, mask_valid)
    names = model.target_names
    chosen = select_targets(names, targets) if names else None

    n_samples = int(n_samples)
    batch = batch_size or choose_batch_size(_sample_bytes(inputs, model), n_samples, torch_device)
    batch = int(min(max(1, batch), n_samples))
    perturb = _Perturbation(inputs, base, columns, n_features, kind, batch)

    samples = draw_bernoulli(n_samples, n_features, seed)
    outputs = []
    n_batches = -(-n_samples // batch)
    with torch.inference_mode():
        for b in range(n_batches):
            if cancelled is not None and cancelled():
                raise Cancelled()
            chunk = samples[b * batch : (b + 1) * batch].to(torch_device)
            outputs.append(model(perturb.images(chunk))[: chunk.shape[0]].to(torch.float64))
            if progress is not None:
                progress((b + 1) / n_batches)
    y = torch.cat(outputs)
    names = names or default_target_names(y.shape[1])
    if len(names) != y.shape[1]:
        raise HsiLimeError(
            f"MODEL: the model card {model.card.source} names {len(names)} targets ({', '.join(names)}) but the "
            f"model returns {y.shape[1]} outputs; list one name per output in 'targets'."
        )
    chosen = chosen if chosen is not None else select_targets(names, targets)
    y = y[:, chosen]

    z = samples.to(torch_device)
    weights = lime_weights(z, kernel_width)
    fit = fit_ridge(z, y, weights, alpha)
    return Explanation(
        kind=kind,
        coefficients=fit.coefficients.cpu().numpy(),
        intercept=fit.intercept.cpu().numpy(),
        score=fit.score.cpu().numpy(),
        standard_error=fit.standard_error.cpu().numpy(),
        target_names=[names[i] for i in chosen],
        feature_ids=feature_ids,
        features=labels,
        prediction=y[0].cpu().numpy(),
        n_samples=n_samples,
        seconds=time.perf_counter() - started,
        device=str(torch_device),
        batch_size=batch,
        notes=[device_note] if device_note else [],
    )


class _Perturbation:
    """Builds batches of perturbed images into one preallocated buffer.

    ``columns`` maps each pixel (spatial) or band (spectral) to its feature column, or
    -1 for "never perturbed". A batch of samples (B, K) gets a constant 1 column
    appended, so the gather ``samples[:, columns]`` yields the keep-mask directly.
    """

    def __init__(self, inputs, base, columns, n_features, kind, batch):
        self.base = base
        self.difference = inputs if base is None else inputs - base
        index = np.where(columns < 0, n_features, columns).reshape(-1)
        self.index = torch.as_tensor(index, dtype=torch.long, device=inputs.device)
        channels, height, width = inputs.shape
        self.mask_shape = (batch, 1, height, width) if kind == "spatial" else (batch, channels, 1, 1)
        self.buffer = torch.empty((batch, channels, height, width), dtype=inputs.dtype, device=inputs.device)
        self.ones = torch.ones((batch, n_features + 1), dtype=inputs.dtype, device=inputs.device)

    def images(self, samples: torch.Tensor) -> torch.Tensor:
        """The perturbed images for ``samples`` (B' <= B rows; the rest padded with all-on)."""
        extended = self.ones.clone()
        extended[: samples.shape[0], :-1] = samples
        keep = extended[:, self.index].view(self.mask_shape)
        torch.mul(self.difference, keep, out=self.buffer)
        if self.base is not None:
            self.buffer.add_(self.base)
        return self.buffer


def _baseline(inputs: torch.Tensor, baseline, valid: np.ndarray | None) -> torch.Tensor | None:
    """The baseline in model units as a (C, 1, 1) tensor, or None for zero."""
    if isinstance(baseline, str):
        if baseline == "zero":
            return None
        if baseline == "mean":
            if valid is None:
                return inputs.mean(dim=(1, 2), keepdim=True)
            weight = torch.as_tensor(valid, dtype=inputs.dtype, device=inputs.device)
            return (inputs * weight).sum(dim=(1, 2), keepdim=True) / torch.clamp(weight.sum(), min=1.0)
        raise HsiLimeError(
            f"BASELINE: unknown baseline '{baseline}'; choose 'zero', 'mean' or a number (model input units)."
        )
    value = float(baseline)
    if not np.isfinite(value):
        raise HsiLimeError(f"BASELINE: {baseline} is not a finite number; give 'zero', 'mean' or a finite number.")
    return None if value == 0.0 else torch.full((inputs.shape[0], 1, 1), value, dtype=inputs.dtype, device=inputs.device)


def _check_features(labels: np.ndarray, shape: tuple[int, int, int], kind: str) -> np.ndarray:
    expected = shape[1:] if kind == "spatial" else shape[:1]
    if labels.shape != expected:
        what = "(height, width) segment map" if kind == "spatial" else "(bands,) superband vector"
        raise HsiLimeError(f"features: a {kind} explanation needs a {what} of shape {expected}, got {labels.shape}.")
    if not np.issubdtype(labels.dtype, np.integer):
        raise HsiLimeError(f"features: labels must be integers, got {labels.dtype}.")
    return labels.astype(np.int64, copy=False)


def _sample_bytes(inputs: torch.Tensor, model: ExplainableModel) -> int:
    """Bytes one perturbed sample occupies, before and after the card's resizing."""
    channels, height, width = inputs.shape
    if model.card.size is not None:
        height, width = max(height, model.card.size[0]), max(width, model.card.size[1])
    return int(channels * height * width * inputs.element_size() * 2)
