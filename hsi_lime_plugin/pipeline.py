"""explain(): perturbation explanations (LIME, Kernel SHAP) of one image, all targets in one pass.

The pipeline, all on one torch device, each step a part that can be tested alone:

1. the feature space (:class:`~hsi_lime_plugin.features.FeatureSpace`): which pixels or
   bands each feature is, and its coefficient column;
2. the method (:mod:`hsi_lime_plugin.methods`) draws all N binary samples at once with a
   seeded generator (first sample: all on);
3. the evaluator (:mod:`hsi_lime_plugin.evaluator`) builds each fixed-size batch of
   perturbed images by broadcasting the samples through the feature map and runs the
   model under ``torch.inference_mode()``;
4. the method weights the samples and fits one surrogate for all targets at once
   (LIME's similarity kernel and ridge or lasso; Kernel SHAP's kernel and constrained
   least squares).
"""
from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np
import torch

from .device import choose_batch_size, resolve_device
from .errors import HsiLimeError, arg
from .evaluator import Evaluator, Perturbation
from .explanation import Explanation
from .features import FeatureSpace
from .methods import make_method
from .model_card import ModelCard
from .models import ExplainableModel
from .options import DEFAULT_BASELINE, DEFAULT_KERNEL_WIDTH, DEFAULT_N_SAMPLES
from .reporting import Reporter, reporter_or_default
from .targets import default_target_names, select_targets


def explain(
    model: ExplainableModel | Callable[[torch.Tensor], torch.Tensor],
    image,
    features,
    *,
    kind: str = "spatial",
    targets: str | Sequence[str | int] | None = None,
    method: str = "lime",
    n_samples: int = DEFAULT_N_SAMPLES,
    batch_size: int | None = None,
    device: str | torch.device = "auto",
    seed: int = 0,
    surrogate: str = "ridge",
    alpha: float | None = None,
    reporter: Reporter | None = None,
    valid=None,
    baseline: str | float = DEFAULT_BASELINE,
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
        Output names or 0-based indices to explain, or ``"top:K"`` (the K outputs the
        model predicts highest for this image); None = all.
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
    reporter : Reporter, optional
        Receives progress after each batch and the run's messages, and is asked before
        each batch whether the user cancelled (then :class:`Cancelled` is raised).
        Default: messages go to the ``hsi_lime`` logger.
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
    reporter = reporter_or_default(reporter)
    part = make_method(method, sampling=sampling, kernel_width=kernel_width, surrogate=surrogate, alpha=alpha)
    if int(n_samples) < 2:
        raise HsiLimeError(
            f"{arg('n_samples')}: {n_samples} samples cannot fit a surrogate; use at least 2 (500 is typical)."
        )
    model = _explainable(model, device, reporter)
    if model.target_names:
        select_targets(model.target_names, targets)  # a wrong target fails before any forward pass
    pixels = _image_tensor(image, model.device)
    mask = _valid_mask(valid, pixels.shape)
    space = FeatureSpace.from_labels(features, tuple(pixels.shape), kind, mask)
    inputs = model.prepare(pixels)
    if mask is not None:
        inputs = inputs * torch.as_tensor(mask, device=model.device)

    samples = part.draw(int(n_samples), space.n_features, seed, reporter)
    batch = batch_size or choose_batch_size(_sample_bytes(inputs, model), len(samples), model.device)
    batch = int(min(max(1, batch), len(samples)))
    perturbation = Perturbation(inputs, _baseline(inputs, baseline, mask), space, batch, torch.channels_last)
    outputs = Evaluator(model, perturbation, autocast).evaluate(samples, reporter)

    names, chosen = _targets(model, outputs.shape[1], targets, outputs[0].cpu().numpy())
    outputs = outputs[:, chosen]
    _check_finite(outputs, [names[i] for i in chosen])
    fit = part.fit(samples.to(model.device), outputs, reporter)
    return Explanation(
        kind=kind,
        coefficients=fit.coefficients.cpu().numpy(),
        intercept=fit.intercept.cpu().numpy(),
        score=fit.score.cpu().numpy(),
        standard_error=fit.standard_error.cpu().numpy(),
        target_names=[names[i] for i in chosen],
        feature_ids=space.ids,
        features=space.labels,
        prediction=outputs[0].cpu().numpy(),
        n_samples=len(samples),
        seconds=time.perf_counter() - started,
        device=str(model.device),
        batch_size=batch,
        method=method,
        sampling=part.sampling,
    )


def _explainable(model, device, reporter: Reporter) -> ExplainableModel:
    """``model`` as an ExplainableModel: a loaded one as is, a bare callable wrapped without card."""
    if isinstance(model, ExplainableModel):
        return model
    torch_device, note = resolve_device(device)
    reporter.info(note)
    return ExplainableModel(model, ModelCard(targets=[], source="(a callable without card)"), torch_device, note)


def _image_tensor(image, device: torch.device) -> torch.Tensor:
    pixels = torch.as_tensor(np.asarray(image), dtype=torch.float32, device=device)
    if pixels.ndim != 3:
        raise HsiLimeError(f"{arg('image')}: expected a (bands, height, width) array, got shape {tuple(pixels.shape)}.")
    return pixels


def _valid_mask(valid, shape) -> np.ndarray | None:
    if valid is None:
        return None
    mask = np.asarray(valid, dtype=bool)
    if mask.shape != tuple(shape[1:]):
        raise HsiLimeError(f"{arg('valid')}: mask shape {mask.shape} differs from the image's {tuple(shape[1:])}.")
    return mask


def _targets(model: ExplainableModel, n_outputs: int, requested, prediction=None) -> tuple[list[str], list[int]]:
    """The output names (from the card, else t0, t1, ...) and the indices of the requested targets."""
    names = model.target_names or default_target_names(n_outputs)
    if len(names) != n_outputs:
        raise HsiLimeError(
            f"{arg('model')}: the model card {model.card.source} names {len(names)} targets ({', '.join(names)}) but "
            f"the model returns {n_outputs} outputs; list one name per output in 'targets'."
        )
    return names, select_targets(names, requested, prediction)


def _check_finite(outputs: torch.Tensor, names: list[str]) -> None:
    """Refuse NaN or infinite model outputs: a surrogate fitted to them is meaningless."""
    bad = ~torch.isfinite(outputs)
    if not bool(bad.any()):
        return
    rows = torch.nonzero(bad.any(dim=1)).flatten()
    targets = [name for name, column in zip(names, bad.any(dim=0).tolist()) if column]
    where = "the unperturbed image" if int(rows[0]) == 0 else f"perturbed image {int(rows[0])}"
    raise HsiLimeError(
        f"{arg('model')}: the model returned NaN or infinite values for {len(rows)} of {len(outputs)} images "
        f"(targets {', '.join(targets)}; the first on {where}); nothing was written. Check that the raster is "
        "scaled as the model expects (input.scale, input.offset, input.mean and input.std in the model card) and "
        f"that the model handles the {arg('baseline')} value of removed features."
    )


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
            f"{arg('baseline')}: unknown baseline '{baseline}'; choose 'zero', 'mean' or a number (model input units)."
        )
    value = float(baseline)
    if not np.isfinite(value):
        raise HsiLimeError(f"{arg('baseline')}: {baseline} is not a finite number; give 'zero', 'mean' or a finite number.")
    return None if value == 0.0 else torch.full((inputs.shape[0], 1, 1), value, dtype=inputs.dtype, device=inputs.device)


def _sample_bytes(inputs: torch.Tensor, model: ExplainableModel) -> int:
    """Bytes one perturbed sample occupies, before and after the card's resizing."""
    channels, height, width = inputs.shape
    if model.card.size is not None:
        height, width = max(height, model.card.size[0]), max(width, model.card.size[1])
    return int(channels * height * width * inputs.element_size() * 2)
