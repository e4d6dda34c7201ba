"""Perturbation explanations (LIME, Kernel SHAP) of a model on one image, for all targets in one pass.

The pipeline, all on one torch device:

1. draw all N binary samples at once with a seeded generator (first sample: all on;
   see :mod:`hsi_lime_plugin.sampling` for the schemes);
2. for each fixed-size batch, build the perturbed images by broadcasting the samples
   through the feature map against the image (no Python loop per sample or feature),
   and run the model under ``torch.inference_mode()``;
3. weight the samples: LIME's similarity kernel, computed in the binary space, or the
   Shapley kernel;
4. fit one weighted linear surrogate for all targets at once (ridge or lasso for LIME,
   least squares under the efficiency constraint for Kernel SHAP).

Features are given as integer labels: an H x W map for spatial explanations (segments),
a length-C vector for spectral ones (superbands). Label 0 means "not a feature": those
pixels or bands keep their values in every sample.
"""
from __future__ import annotations

import contextlib
import statistics
import time
import warnings
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import torch

from .device import choose_batch_size, resolve_device
from .errors import Cancelled, HsiLimeError
from .model_card import ModelCard
from .models import ExplainableModel
from .sampling import DEFAULT_KERNEL_WIDTH, DEFAULT_SAMPLING, draw_lime, draw_shapley, lime_weights
from .surrogates import fit_lasso, fit_ridge, fit_shapley
from .targets import default_target_names, select_targets

KINDS = ("spatial", "spectral")
METHODS = ("lime", "kernelshap")
SURROGATES = ("ridge", "lasso")
#: Ridge penalty when ``alpha`` is None.
DEFAULT_RIDGE_ALPHA = 1.0


@dataclass
class Explanation:
    """The result of :func:`explain`: one linear surrogate per target.

    Attributes
    ----------
    kind : {"spatial", "spectral"}
    coefficients : numpy.ndarray
        (T, K) attribution of each feature for each target; for Kernel SHAP, the Shapley
        values, which sum to ``prediction - intercept``.
    intercept : numpy.ndarray
        (T,) the surrogate's intercept; for Kernel SHAP, the model's output on the baseline.
    score : numpy.ndarray
        (T,) weighted R2 of each target's surrogate: how well it mimics the model.
    standard_error : numpy.ndarray
        (T, K) standard error of each coefficient (see :mod:`hsi_lime_plugin.surrogates`);
        NaN where the lasso set the coefficient to zero, 0 for exact Shapley values.
    target_names : list of str
        (T,) the explained outputs.
    feature_ids : numpy.ndarray
        (K,) the label of each column of ``coefficients``.
    features : numpy.ndarray
        The label map (H, W) or vector (C,) the explanation was computed on.
    prediction : numpy.ndarray
        (T,) the model's output on the unperturbed image.
    n_samples : int
        Model evaluations made (Kernel SHAP enumerating all 2**K coalitions makes 2**K).
    seconds : float
        Wall time of the explanation.
    device : str
    batch_size : int
    notes : list of str
        Facts about the run worth telling the user (the device chosen, exact enumeration).
    method : {"lime", "kernelshap"}
    sampling : str
        The sampling scheme used (:mod:`hsi_lime_plugin.sampling`).
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
    method: str = "lime"
    sampling: str = ""

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

    def confidence_interval(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Normal confidence interval of every attribution.

        Parameters
        ----------
        level : float
            Coverage probability, in (0, 1).

        Returns
        -------
        low, high : numpy.ndarray
            (T, K) ``coefficients -/+ z * standard_error`` with ``z`` the normal quantile
            of ``(1 + level) / 2`` (1.96 for 0.95); NaN where the standard error is NaN.

        Notes
        -----
        The interval accounts for the scatter of the model outputs around the surrogate,
        not for a penalty's bias: with ridge it holds the truth at the stated rate when
        ``alpha`` is small against the weighted sample count (``tests/test_uncertainty.py``
        measures about 95% for a 95% interval); with lasso it is conditional on the
        selected features (:func:`surrogates.fit_lasso`).
        """
        if not 0.0 < level < 1.0:
            raise HsiLimeError(f"level: a confidence level lies strictly between 0 and 1, got {level}.")
        half_width = statistics.NormalDist().inv_cdf((1.0 + level) / 2.0) * self.standard_error
        return self.coefficients - half_width, self.coefficients + half_width


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
    alpha: float | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    valid=None,
    baseline: str | float = "zero",
    kernel_width: float = DEFAULT_KERNEL_WIDTH,
    sampling: str | None = None,
    autocast: bool = False,
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
    method : {"lime", "kernelshap"}
        ``"lime"``: a weighted linear surrogate under the similarity kernel.
        ``"kernelshap"``: Shapley values, estimated by least squares under the Shapley
        kernel with the efficiency constraint (they sum to f(x) - f(baseline)); exact
        when ``n_samples >= 2**K`` (K <= 20), which then evaluates all 2**K coalitions.
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
    surrogate : {"ridge", "lasso"}
        LIME's surrogate (:func:`surrogates.fit_ridge`, :func:`surrogates.fit_lasso`).
        Kernel SHAP always fits the unpenalised constrained least squares that defines
        Shapley values, so it takes neither ``surrogate="lasso"`` nor ``alpha``.
    alpha : float or None
        Penalty of LIME's surrogate, in scikit-learn's units (``Ridge(alpha)``,
        ``Lasso(alpha)``, the same for every target). None: 1.0 for ridge; for lasso 1%
        of each target's smallest penalty that sets every coefficient to zero (the
        targets' units may differ).
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
        Width of LIME's similarity kernel on the cosine distance between a sample and
        the unperturbed image (0 to 1, :func:`sampling.lime_weights`). The default 1.0
        weighs the image with everything removed at exp(-1/2) = 0.61 of the image itself;
        smaller widths make the explanation more local. Kernel SHAP ignores it.
    sampling : str or None
        How the binary samples are drawn: ``"bernoulli"``, ``"antithetic"``,
        ``"stratified"``, or for LIME only ``"sobol"`` and ``"orthogonal"`` (see
        :mod:`hsi_lime_plugin.sampling`). None: :data:`sampling.DEFAULT_SAMPLING`, the
        scheme with the smallest attribution error per model evaluation in
        ``benchmarks/sampling_error.py``: ``"orthogonal"`` for LIME, ``"stratified"``
        for Kernel SHAP.
    autocast : bool
        On CUDA, run the model under ``torch.autocast`` (float16 where safe): faster on
        recent GPUs, at the cost of half precision in the outputs. No effect on the CPU.
    """
    started = time.perf_counter()
    if method not in METHODS:
        raise HsiLimeError(f"METHOD: unknown method '{method}'; choose one of {', '.join(METHODS)}.")
    if surrogate not in SURROGATES:
        raise HsiLimeError(f"surrogate: unknown surrogate '{surrogate}'; choose one of {', '.join(SURROGATES)}.")
    if method == "kernelshap" and (surrogate != "ridge" or alpha is not None):
        raise HsiLimeError(
            "METHOD: Kernel SHAP fits the unpenalised least squares that defines Shapley values; leave "
            "surrogate and alpha unset, or choose METHOD lime for a penalised surrogate."
        )
    if not float(kernel_width) > 0.0:
        raise HsiLimeError(f"KERNEL_WIDTH: the kernel width must be positive, got {kernel_width}; 1.0 is the default.")
    sampling = sampling or DEFAULT_SAMPLING[method]
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

    notes = [device_note] if device_note else []
    if method == "lime":
        samples = draw_lime(sampling, int(n_samples), n_features, seed)
    else:
        samples, shapley_weights, exact = draw_shapley(sampling, int(n_samples), n_features, seed)
        if exact:
            notes.append(
                f"Kernel SHAP: all {len(samples)} coalitions of the {n_features} features were evaluated; the "
                "attributions are the exact Shapley values."
            )
        elif int(n_samples) < 4 * n_features:
            warnings.warn(
                f"N_SAMPLES: Kernel SHAP with {n_samples} samples for {n_features} features is poorly determined "
                f"(complement pairs give about N/2 equations for K - 1 unknowns); use at least {4 * n_features}.",
                stacklevel=2,
            )
    n_samples = len(samples)
    batch = batch_size or choose_batch_size(_sample_bytes(inputs, model), n_samples, torch_device)
    batch = int(min(max(1, batch), n_samples))
    perturb = _Perturbation(inputs, base, columns, n_features, kind, batch, torch.channels_last)

    z = samples.to(torch_device)
    outputs = []
    n_batches = -(-n_samples // batch)
    on_cuda = autocast and torch_device.type == "cuda"
    precision = torch.autocast("cuda", dtype=torch.float16) if on_cuda else contextlib.nullcontext()
    with torch.inference_mode(), precision:
        for b in range(n_batches):
            if cancelled is not None and cancelled():
                raise Cancelled()
            chunk = z[b * batch : (b + 1) * batch]
            if b == 0:
                output, perturb = _first_forward(model, perturb, chunk, notes)
            else:
                output = model(perturb.images(chunk))
            outputs.append(output[: chunk.shape[0]].to(torch.float64))
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

    if method == "kernelshap":
        fit = fit_shapley(z, y, shapley_weights.to(torch_device), full=y[0], empty=y[1], exact=exact)
    elif surrogate == "lasso":
        fit = fit_lasso(z, y, lime_weights(z, kernel_width), alpha)
    else:
        fit = fit_ridge(z, y, lime_weights(z, kernel_width), DEFAULT_RIDGE_ALPHA if alpha is None else alpha)
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
        notes=notes,
        method=method,
        sampling=sampling,
    )


def _first_forward(model, perturb: "_Perturbation", chunk: torch.Tensor, notes: list[str]):
    """Run the first batch in channels-last layout, or fall back to the contiguous layout.

    Convolutions (oneDNN on the CPU, cuDNN on the GPU) run fastest on channels-last
    images: 2.8x on the benchmark CNN here. A model that reshapes its input with
    ``view`` cannot take that layout; it gets the contiguous layout for the whole run.
    """
    try:
        return model(perturb.images(chunk)), perturb
    except (RuntimeError, HsiLimeError) as error:  # ExplainableModel wraps a model's RuntimeError
        if perturb.memory_format == torch.contiguous_format:
            raise
        contiguous = perturb.with_memory_format(torch.contiguous_format)
        output = model(contiguous.images(chunk))  # a second failure is the model's own error
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        notes.append(f"the model refused channels-last images ({first_line}); using the contiguous layout")
        return output, contiguous


class _Perturbation:
    """Builds batches of perturbed images into one preallocated buffer.

    ``columns`` maps each pixel (spatial) or band (spectral) to its feature column, or
    -1 for "never perturbed". A batch of samples (B, K) gets a constant 1 column
    appended, so the gather ``samples[:, columns]`` yields the keep-mask directly. The
    buffer and the image are laid out in ``memory_format`` so the multiply writes the
    model's preferred layout directly (no reorder inside the first convolution).
    """

    def __init__(self, inputs, base, columns, n_features, kind, batch, memory_format=torch.contiguous_format):
        self.inputs, self.base, self.columns = inputs, base, columns
        self.n_features, self.kind, self.batch, self.memory_format = n_features, kind, batch, memory_format
        difference = inputs if base is None else inputs - base
        self.difference = difference[None].contiguous(memory_format=memory_format)
        index = np.where(columns < 0, n_features, columns).reshape(-1)
        self.index = torch.as_tensor(index, dtype=torch.long, device=inputs.device)
        channels, height, width = inputs.shape
        self.mask_shape = (batch, 1, height, width) if kind == "spatial" else (batch, channels, 1, 1)
        self.buffer = torch.empty(
            (batch, channels, height, width), dtype=inputs.dtype, device=inputs.device, memory_format=memory_format
        )
        self.ones = torch.ones((batch, n_features + 1), dtype=inputs.dtype, device=inputs.device)

    def with_memory_format(self, memory_format) -> "_Perturbation":
        """The same perturbation writing images in another layout."""
        return _Perturbation(
            self.inputs, self.base, self.columns, self.n_features, self.kind, self.batch, memory_format
        )

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
