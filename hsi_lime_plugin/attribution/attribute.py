"""attribute(): per-pixel and per-band attributions (gradients through captum, occlusion), all targets at once.

Where :func:`hsi_lime_plugin.explain` attributes to groups (segments, superbands),
:func:`attribute` gives every pixel and band of the raster its own attribution, on the
raster's own grid and bands (see :mod:`hsi_lime_plugin.attribution.gradients` for what is
differentiated with respect to what, and :mod:`hsi_lime_plugin.attribution.occlusion` for windows).
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

from ..models.device import choose_batch_size
from ..errors import HsiLimeError, arg
from .gradients import check_gradient_model, check_options, gradient_attributions
from .occlusion import occlusion
from ..options import (DEFAULT_BACKGROUND_MODE, DEFAULT_BACKGROUND_SIZE, DEFAULT_BASELINE, DEFAULT_BLUR_SIGMA,
                       DEFAULT_N_NOISE, DEFAULT_N_STEPS, DEFAULT_NOISE_LEVEL, DEFAULT_WINDOW)
from ..perturbation.baseline import Baseline, resolve_baseline
from ..perturbation.pipeline import as_background
from .expected_gradients import PathDraws, expected_gradients
from ..memory import Footprint
from ..models.preparation import check_finite, output_targets, prepare_image, sample_bytes
from ..perturbation.footprint import batch_footprint
from ..reporting import Reporter, reporter_or_default
from ..settings import AttributeSettings, Runtime


@dataclass
class Attribution:
    """The result of :func:`attribute`.

    Attributes
    ----------
    values : numpy.ndarray
        (T, C, H, W) attribution of every band of every pixel, per target; 0 at nodata pixels.
    target_names : list of str
    target_indices : list of int
        The model output of each target.
    prediction : numpy.ndarray
        (T,) the model's output on the image.
    baseline_prediction : numpy.ndarray
        (T,) the model's output on the baseline image.
    completeness_gap : numpy.ndarray or None
        (T,) Integrated Gradients: ``sum(values[t]) - (prediction - baseline_prediction)``;
        None for the other methods.
    valid : numpy.ndarray
        (H, W) the pixels that hold data.
    method, noise : str
    seconds : float
    device : str
    batch_size : int
    baseline : str
        The reference in words (:meth:`~hsi_lime_plugin.perturbation.baseline.Baseline.describe`).
    """

    values: np.ndarray
    target_names: list[str]
    target_indices: list[int]
    prediction: np.ndarray
    baseline_prediction: np.ndarray
    completeness_gap: np.ndarray | None
    valid: np.ndarray
    method: str
    noise: str
    seconds: float
    device: str
    batch_size: int
    baseline: str = ""

    def pixel_maps(self) -> np.ndarray:
        """(T, H, W): each pixel's attribution summed over its bands (NaN at nodata pixels)."""
        return np.where(self.valid[None], self.values.sum(axis=1), np.nan)

    def band_profile(self) -> np.ndarray:
        """(T, C): each band's attribution summed over the valid pixels."""
        return (self.values * self.valid[None, None]).sum(axis=(2, 3))


def attribute(
    model,
    image,
    *,
    method: str,
    targets: str | Sequence[str | int] | None = None,
    baseline: str | float = DEFAULT_BASELINE,
    n_steps: int = DEFAULT_N_STEPS,
    noise: str | None = None,
    n_noise: int = DEFAULT_N_NOISE,
    noise_level: float = DEFAULT_NOISE_LEVEL,
    integration: str = "gausslegendre",
    window=None,
    stride=None,
    batch_size: int | None = None,
    device: str | torch.device = "auto",
    seed: int = 0,
    valid=None,
    reporter: Reporter | None = None,
    background=None,
    background_size: int = DEFAULT_BACKGROUND_SIZE,
    background_mode: str = DEFAULT_BACKGROUND_MODE,
    blur_sigma: float = DEFAULT_BLUR_SIGMA,
) -> Attribution:
    """Attribute a model's outputs on one image to every pixel and band.

    Parameters
    ----------
    model : ExplainableModel or callable
        As for :func:`hsi_lime_plugin.explain`; gradient methods need a differentiable
        model (TorchScript or a Python recipe; an ONNX model gets a message).
    image : array-like
        (C, H, W) raw values.
    method : {"integrated_gradients", "saliency", "input_x_gradient", "occlusion"}
    targets : str, sequence or None
        Output names, indices, ``"top:K"`` or None (all).
    baseline : {"zero", "mean", "background", "blur"} or float
        The reference, as for :func:`explain`. With ``background`` Integrated Gradients
        becomes expected gradients (:mod:`hsi_lime_plugin.attribution.expected_gradients`),
        Input x Gradient takes the background's mean spectrum, and Occlusion the expectation
        of each window's drop over the background.
    n_steps : int
        Integrated Gradients: points on the path from the baseline (with a background: per
        background spectrum in the exact mode, in all in the sampled mode).
    noise : {None, "none", "smoothgrad", "smoothgrad_sq", "vargrad", "band_dropout"}
    n_noise : int
        Noisy samples per target.
    noise_level : float
        Gaussian standard deviation as a fraction of the value range (SmoothGrad family),
        or the probability a band is switched to the baseline (band dropout).
    integration : {"gausslegendre", "riemann_middle"}
        Integrated Gradients' quadrature.
    window, stride : int, tuple or str
        Occlusion windows (:mod:`hsi_lime_plugin.attribution.occlusion`); default 8 pixels.
    batch_size : int or None
        Images per forward pass (None: from the memory budget).
    device, seed, valid, reporter, background, background_size, background_mode, blur_sigma
        As for :func:`explain`.
    """
    settings = AttributeSettings(method=method, targets=targets, baseline=baseline, n_steps=n_steps, noise=noise,
                                 n_noise=n_noise, noise_level=noise_level, integration=integration, window=window,
                                 stride=stride, seed=seed, background_size=background_size,
                                 background_mode=background_mode, blur_sigma=blur_sigma,
                                 background=as_background(background, background_size, seed))
    return attribute_with(model, image, valid, settings, Runtime(device, batch_size), reporter)


def attribution_footprint(model, shape: tuple[int, int, int], settings: AttributeSettings,
                          runtime: Runtime) -> Footprint:
    """What :func:`attribute_with` holds for an image of ``shape`` (C, H, W), estimated before it is read: the
    image, its baseline and their difference, a batch with its gradients, and the attributions of every target
    (float32, then float64)."""
    bands, height, width = shape
    n_targets = len(model.target_names or [None])
    passes = 1 if settings.method == "occlusion" else 2
    return (batch_footprint(model, shape, runtime, 1 << 20, passes)
            + Footprint.of("the baseline image", 4 * bands * height * width)
            + Footprint.of(f"the {n_targets} x {bands} x {height} x {width} attributions (float32, then float64)",
                           12 * n_targets * bands * height * width))


def attribute_with(model, image, valid, settings: AttributeSettings, runtime: Runtime,
                   reporter: Reporter | None) -> Attribution:
    """:func:`attribute` with its settings as objects (what the runs call)."""
    started = time.perf_counter()
    reporter = reporter_or_default(reporter)
    noise = check_options(settings)
    prepared = prepare_image(model, image, valid, runtime.device, reporter)
    model, inputs, mask = prepared.model, prepared.inputs, prepared.mask
    check_gradient_model(model, settings.method)
    baseline = _baseline(prepared, settings, noise, reporter)
    batch = int(runtime.batch_size or choose_batch_size(sample_bytes(inputs, model), 1 << 20, model.device))
    ends, names, chosen = _ends(model, inputs, baseline, settings.targets, batch)
    if settings.method == "occlusion":
        values, _ = occlusion(model, inputs, baseline, chosen, settings.window or DEFAULT_WINDOW, settings.stride,
                              batch, reporter)
    elif settings.method == "integrated_gradients" and baseline.rows is not None:
        draws = PathDraws.of(baseline, settings.n_steps, settings.seed)
        reporter.info(f"expected gradients: {len(draws.alphas)} points on paths from the background "
                      f"({baseline.describe()})")
        values = expected_gradients(model, inputs, baseline, mask, draws, chosen, batch, reporter)
    else:
        base_image = baseline.mean_image(inputs)
        if mask is not None:  # nodata pixels are not attributed
            base_image = torch.where(torch.as_tensor(mask, device=model.device)[None], base_image, inputs)
        values = _gradients(model, inputs, base_image, chosen, dataclasses.replace(settings, noise=noise), batch,
                            reporter)
    values = values.detach().to(torch.float64).cpu().numpy()
    prediction, baseline_prediction = ends[0, chosen].cpu().numpy(), ends[1, chosen].cpu().numpy()
    gap = _completeness_gap(values, prediction, baseline_prediction, [names[i] for i in chosen], reporter) \
        if settings.method == "integrated_gradients" else None
    valid_map = np.ones(prepared.shape[1:], dtype=bool) if mask is None else mask
    return Attribution(values, [names[i] for i in chosen], chosen, prediction, baseline_prediction, gap, valid_map,
                       settings.method, noise, time.perf_counter() - started, str(model.device), batch,
                       baseline.describe())


def _baseline(prepared, settings: AttributeSettings, noise: str, reporter: Reporter) -> Baseline:
    """The attribution's baseline; ``inpaint`` (which needs segments) and noise around a background refused."""
    name = settings.baselines.name
    if name == "inpaint":
        raise HsiLimeError(
            f"{arg('baseline')}: 'inpaint' fills removed segments from their surroundings, and attributions of "
            f"every pixel remove no segments; choose {arg('baseline', 'blur')} (the image Gaussian-blurred) or "
            f"{arg('baseline', 'background')}, or explain segments with explain_spatial."
        )
    if name == "background" and noise != "none" and settings.method != "saliency":
        raise HsiLimeError(
            f"{arg('noise')}: noise '{noise}' around a background baseline is not offered: with a background "
            f"Integrated Gradients already averages over many references (expected gradients); leave "
            f"{arg('noise')} empty, or choose a constant baseline."
        )
    return resolve_baseline(prepared, settings.baselines, "spatial", None, 1, settings.seed, reporter)


def _ends(model, inputs, baseline: Baseline, targets, batch: int):
    """The model on the image and on the baseline (float64; over a background set, the expectation of the model on
    its spectra, ``batch`` images at a time), the output names and the chosen targets."""
    if baseline.rows is None:
        references, weights = baseline.mean_image(inputs)[None], torch.ones(1, dtype=torch.float64)
    else:
        references, weights = baseline.rows[:, :, None, None].expand(-1, -1, *inputs.shape[1:]), baseline.plan.weights
    with torch.inference_mode():
        image = model(inputs[None]).to(torch.float64)[0]
        expected = sum((weights[start:start + batch, None].to(inputs.device)
                        * model(references[start:start + batch].contiguous()).to(torch.float64)).sum(dim=0)
                       for start in range(0, len(references), batch))
    ends = torch.stack([image, expected])
    names, chosen = output_targets(model, ends.shape[1], targets, ends[0].cpu().numpy())
    check_finite(ends[:, chosen], [names[i] for i in chosen])
    return ends, names, chosen


def _completeness_gap(values, prediction, baseline_prediction, names: list, reporter: Reporter) -> np.ndarray:
    """Integrated Gradients' check: the sum of the attributions minus f(x) - f(baseline), per target, logged."""
    gap = values.sum(axis=(1, 2, 3)) - (prediction - baseline_prediction)
    reporter.info("completeness gap (sum of attributions - (f(x) - f(baseline))): " + ", ".join(
        f"{name}={g:.3g}" for name, g in zip(names, gap)))
    return gap


def _gradients(model, inputs, base_image, chosen, settings: AttributeSettings, batch, reporter) -> torch.Tensor:
    """Gradient attributions w.r.t. the raw pixels: g(d) = model(z0 + scale * d), d = (z - z0) / scale."""
    scale = float(model.card.scale)
    if scale == 0.0:
        raise HsiLimeError(f"{arg('model')}: the model card's input.scale is 0; gradients need a non-zero scale.")
    difference = ((inputs - base_image) / scale).detach()
    origin = base_image.detach()

    def function(d):
        return model(origin[None] + scale * d)

    with torch.enable_grad():
        return gradient_attributions(function, difference, chosen, settings, batch, reporter)
