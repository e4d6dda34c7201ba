"""Gradient attributions through captum: Integrated Gradients, Saliency, Input x Gradient, with noise.

What is differentiated, and with respect to what
------------------------------------------------
The model card's preprocessing stays inside the differentiated function. The engine
perturbs in perturbation space ``z = prepare(x) = x * scale + shift`` (per band, see
:mod:`hsi_lime_plugin.models.explainable`); the baseline ``z0`` lives there too ("zero" = absent).
Attributions are computed with respect to the *raw* difference ``d = (z - z0) / scale``
(the raster's own pixels and bands, in the raster's units) of the function

    g(d) = model(z0 + scale * d),

so ``dg/dd = scale * dmodel/dz = dmodel/dx``: the chain through ``prepare`` is exact
because it is affine. On ``g``, with input ``d`` and baseline 0:

* Integrated Gradients is ``(x - x0) * mean gradient on the path`` (captum's
  ``IntegratedGradients``), whose sum over pixels and bands approaches
  ``f(x) - f(baseline)`` (the completeness gap reports the difference);
* Input x Gradient is ``(x - x0) * gradient at x`` (captum's ``InputXGradient`` on ``g``):
  the first-order term of ``f(x) - f(baseline)``; with a zero raw baseline it is captum's
  ``x * gradient`` exactly;
* Saliency is ``|gradient at x|`` (captum's ``Saliency``), independent of the baseline.

Noise: captum's ``NoiseTunnel`` (``smoothgrad``, ``smoothgrad_sq``, ``vargrad``) adds
Gaussian noise of standard deviation ``noise_level * (max - min of d)``; ``band_dropout``
(meteors' HyperNoiseTunnel) switches random bands to the baseline (each with probability
``noise_level``) and averages the attributions. Noise is seeded (``torch.random.fork_rng``),
so the same seed gives the same attributions.

Targets are handled by stacking one copy of the input per target (captum's list
``target``), in chunks so that at most ``batch_size`` images go through the model at once.
"""
from __future__ import annotations

import torch

from ..errors import HsiLimeError, arg
from ..options import ATTRIBUTION_METHODS, GRADIENT_METHODS, INTEGRATION_RULES, NOISE_TYPES, implementation
from ..options import method as registry_method
from ..reporting import Reporter
from ..settings import AttributeSettings


def check_gradient_model(model, method: str) -> None:
    """Refuse a method that needs gradients on a model that gives none (ONNX, scikit-learn), naming the methods
    that work."""
    if registry_method(method).needs_gradients and not model.differentiable:
        kind = "a scikit-learn" if model.format == "skops" else "an ONNX"
        raise HsiLimeError(
            f"{arg('method', method)}: {kind} model gives no gradients, so {method} cannot run on it; "
            f"choose {arg('method', 'occlusion')}, or LIME or Kernel SHAP (the explain algorithms), which only "
            "need the model's outputs, or load a differentiable model (TorchScript or a Python recipe, in any "
            "input layout)."
        )


def check_options(settings: AttributeSettings) -> str:
    """Check the method and its settings before any forward pass; the noise, "none" when unset."""
    method = settings.method
    if method not in ATTRIBUTION_METHODS:
        raise HsiLimeError(f"{arg('method')}: unknown method '{method}'; choose one of {', '.join(ATTRIBUTION_METHODS)}.")
    noise = settings.noise or "none"
    if noise not in NOISE_TYPES:
        raise HsiLimeError(f"{arg('noise')}: unknown noise '{noise}'; choose one of {', '.join(NOISE_TYPES)}.")
    if noise != "none" and method not in GRADIENT_METHODS:
        raise HsiLimeError(
            f"{arg('noise')}: noise '{noise}' smooths gradient methods; {method} takes none, leave {arg('noise')} empty."
        )
    if settings.integration not in INTEGRATION_RULES:
        raise HsiLimeError(
            f"{arg('integration')}: unknown rule '{settings.integration}'; choose one of {', '.join(INTEGRATION_RULES)}."
        )
    if int(settings.n_steps) < 2:
        raise HsiLimeError(
            f"{arg('n_steps')}: {settings.n_steps} steps cannot integrate a path; use at least 2 (50 is typical)."
        )
    if noise != "none" and int(settings.n_noise) < 1:
        raise HsiLimeError(f"{arg('n_noise')}: noise needs at least 1 noisy sample, got {settings.n_noise}; 16 is typical.")
    level = settings.noise_level
    if not 0.0 <= float(level) < (1.0 if noise == "band_dropout" else float("inf")):
        raise HsiLimeError(
            f"{arg('noise_level')}: {level} is out of range; a dropout probability lies in [0, 1), a noise "
            "fraction is at least 0."
        )
    return noise


def gradient_attributions(function, difference: torch.Tensor, targets: list[int], settings: AttributeSettings,
                          batch_size: int, reporter: Reporter) -> torch.Tensor:
    """Attributions (T, C, H, W) of ``function`` (g above) at ``difference`` (C, H, W) for each target.

    ``settings.noise`` is already checked (:func:`check_options`). ``batch_size`` bounds the images
    per forward pass: Integrated Gradients runs its ``n_steps`` path points through captum's
    ``internal_batch_size``; the noisy samples of NoiseTunnel through ``nt_samples_batch_size``.
    """
    from captum.attr import NoiseTunnel

    method, noise, n_steps = settings.method, settings.noise, int(settings.n_steps)
    algorithm = implementation(method)(function)
    options = {"abs": True} if method == "saliency" else {}
    if method == "integrated_gradients":
        options = {"n_steps": n_steps, "method": settings.integration, "internal_batch_size": int(batch_size),
                   "baselines": 0.0}
    per_call = _rows_per_call(method, noise, n_steps, settings.n_noise, batch_size)
    spread = float(difference.max() - difference.min()) if difference.numel() else 0.0
    device = difference.device
    devices = [device] if device.type == "cuda" else []
    stacked = difference[None].expand(len(targets), *difference.shape)
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(int(settings.seed))
        if noise == "band_dropout":
            return _band_dropout(algorithm, options, difference, targets, settings.noise_level, settings.n_noise,
                                 per_call, reporter)
        if noise != "none":
            tunnel = NoiseTunnel(algorithm)
            per_noisy = int(batch_size) // (n_steps if method == "integrated_gradients" else 1)
            options = {**options, "nt_type": noise, "nt_samples": int(settings.n_noise),
                       "stdevs": settings.noise_level * spread, "nt_samples_batch_size": max(1, per_noisy)}
            return _chunked(tunnel, options, stacked, targets, per_call, reporter)
        return _chunked(algorithm, options, stacked, targets, per_call, reporter)


def _rows_per_call(method: str, noise: str, n_steps: int, n_noise: int, batch_size: int) -> int:
    """Input rows (image x target) per captum call so that a call stays within ``batch_size`` images."""
    if noise not in ("none", "band_dropout"):
        return 1  # NoiseTunnel batches its noisy samples itself (nt_samples_batch_size)
    if method == "integrated_gradients":
        return max(1, int(batch_size) // int(n_steps)) if int(batch_size) >= int(n_steps) else 1
    return max(1, int(batch_size))


def _chunked(algorithm, options: dict, inputs: torch.Tensor, targets: list[int], rows: int, reporter: Reporter):
    """``algorithm.attribute`` over ``inputs`` (N, C, H, W) with per-row ``targets``, ``rows`` at a time.

    Every call gets ``rows`` rows (the last chunk is padded by repeating its first row), so
    the model always sees the same batch shapes.
    """
    results = []
    n = len(inputs)
    n_chunks = -(-n // rows)
    for k in range(n_chunks):
        reporter.check_cancelled()
        chunk, chunk_targets = inputs[k * rows : (k + 1) * rows], list(targets[k * rows : (k + 1) * rows])
        used = len(chunk)
        if used < rows and n > rows:
            chunk = torch.cat([chunk, chunk[:1].expand(rows - used, *chunk.shape[1:])])
            chunk_targets += [chunk_targets[0]] * (rows - used)
        values = algorithm.attribute(chunk.detach().clone().requires_grad_(), target=chunk_targets, **options)
        results.append(values[:used].detach())
        reporter.progress((k + 1) / n_chunks)
    return torch.cat(results)


def _band_dropout(algorithm, options, difference, targets, level, n_noise, rows, reporter) -> torch.Tensor:
    """Mean attribution over ``n_noise`` copies with random bands at the baseline (d = 0 there)."""
    channels = difference.shape[0]
    keep = (torch.rand((int(n_noise), channels), device=difference.device) >= float(level)).to(difference.dtype)
    noisy = difference[None] * keep[:, :, None, None]  # (S, C, H, W)
    inputs = noisy[:, None].expand(len(noisy), len(targets), *difference.shape).reshape(-1, *difference.shape)
    values = _chunked(algorithm, options, inputs, list(targets) * int(n_noise), rows, reporter)
    return values.reshape(int(n_noise), len(targets), *difference.shape).mean(dim=0)
