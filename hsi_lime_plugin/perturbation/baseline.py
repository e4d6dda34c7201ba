"""The baseline: what a removed segment or band becomes, in perturbation space, and the check that it changes anything.

Each baseline answers its own question (the README's "Baselines" section says which):

* a constant (``zero``, ``mean`` or a number, in model input units): "what if these features were 0 /
  the image's mean?". A pixel a spatial explanation removes leaves a region's mean spectrum (models of
  layout ``mean_spectrum``), since a constant pixel is no spectrum of the region;
* ``background`` (:mod:`.background`): "what if these features took the values of real spectra of the
  scene?", the expectation over a background set, exact or sampled;
* ``blur`` and ``inpaint`` (:mod:`.image_baselines`), spatial only: "what if this region held no detail
  of its own?" (the image Gaussian-blurred) and "what if it were filled in from its surroundings?".

:func:`resolve_baseline` turns the settings into a :class:`Baseline` for one prepared image;
:func:`check_changes` refuses a baseline under which no perturbation changes the model's output (the
field's own mean for a model of the field's mean spectrum), instead of reporting attributions of 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ..errors import HsiLimeError, arg
from ..options import BACKGROUND_SAMPLE, BASELINES, IMAGE_BASELINES
from ..reporting import Reporter
from .background import Background, ExpectationPlan, check_mode, check_size, summarise

#: A baseline under which every perturbed output differs from the image's by at most this fraction of the largest
#: output (for every target) changes nothing the model sees.
UNCHANGED = 1e-6
#: The baseline each one's sensitivity is measured against: the data against a constant, and back.
CONTRAST = {"background": "zero"}
CHOICES = "'zero', 'mean', 'background', 'blur', 'inpaint' or a number (model input units)"


def parse_baseline(baseline) -> str | float:
    """A name of :data:`~hsi_lime_plugin.options.BASELINES` or a finite float, from a name, a number or text such as
    ``" Mean "`` or ``"0.25"``.

    Raises :class:`HsiLimeError` naming the accepted values for anything else.
    """
    if isinstance(baseline, str):
        text = baseline.strip()
        if text.lower() in BASELINES:
            return text.lower()
        try:
            value = float(text)
        except ValueError:
            raise HsiLimeError(f"{arg('baseline')}: unknown baseline '{baseline}'; choose {CHOICES}.") from None
    elif isinstance(baseline, (int, float, np.number)) and not isinstance(baseline, bool):
        value = float(baseline)
    else:
        raise HsiLimeError(f"{arg('baseline')}: {baseline!r} is not a baseline; choose {CHOICES}.")
    if not math.isfinite(value):
        raise HsiLimeError(f"{arg('baseline')}: {baseline} is not a finite number; choose {CHOICES}.")
    return value


def check_baseline(settings, kind: str) -> str | float:
    """The parsed baseline of ``settings`` (:class:`~hsi_lime_plugin.settings.BaselineSettings`), checked before any
    data is read: a background's size and mode, the blur's sigma, and an image baseline for spatial features only."""
    name = parse_baseline(settings.baseline)
    if name == "background":
        check_size(settings.background_size)
        check_mode(settings.background_mode)
    if name in IMAGE_BASELINES and kind != "spatial":
        raise HsiLimeError(
            f"{arg('baseline')}: '{name}' makes an image from the image's own neighbourhoods, which only spatial "
            f"explanations (segments) remove; for superbands choose {arg('baseline', 'background')} (spectra of the "
            "scene), 'zero', 'mean' or a number."
        )
    if name == "blur" and not float(settings.blur_sigma) > 0:
        raise HsiLimeError(
            f"{arg('blur_sigma')}: the blur's standard deviation must be a positive number of pixels, got "
            f"{settings.blur_sigma}; 5 is the default."
        )
    return name


def contrasting(baseline) -> str:
    """The baseline an explanation's sensitivity is measured against: ``zero`` for ``background``, else
    ``background``."""
    return CONTRAST.get(parse_baseline(baseline), "background")


@dataclass
class Baseline:
    """A baseline for one image, in perturbation space.

    Attributes
    ----------
    name : str
        As given ("zero", "mean", "background", "blur", "inpaint" or the number).
    image : torch.Tensor or None
        (C, 1, 1) or (C, H, W): the constant or image baseline; None for 0 or a background.
    rows : torch.Tensor or None
        (B, C) the background's spectra; None for the other baselines.
    plan : ExpectationPlan or None
        How the expectation over ``rows`` is evaluated.
    background : Background or None
        The raw set (for the report).
    valid : torch.Tensor or None
        (1, 1, H, W): the image's valid pixels when some are not, so that spectral perturbations leave them at 0.
    """

    name: str
    image: torch.Tensor | None = None
    rows: torch.Tensor | None = None
    plan: ExpectationPlan | None = None
    background: Background | None = None
    valid: torch.Tensor | None = None

    @property
    def constant(self) -> bool:
        """A single value per band: a removed pixel is no spectrum of the image and leaves a region's mean."""
        return self.rows is None and (self.image is None or self.image.shape[-2:] == (1, 1))

    @property
    def stochastic(self) -> bool:
        """Each coalition is evaluated against one drawn spectrum: its outputs scatter around the expectation."""
        return self.plan is not None and self.plan.mode == "sampled" and self.plan.size > 1

    def mean_image(self, inputs: torch.Tensor) -> torch.Tensor:
        """The baseline as one image (C, H, W): the constant or image, or the background's weighted mean spectrum."""
        if self.rows is not None:
            weights = self.plan.weights.to(self.rows.dtype).to(self.rows.device)
            return (weights[:, None] * self.rows).sum(0)[:, None, None].expand_as(inputs)
        return torch.zeros_like(inputs) if self.image is None else self.image.expand_as(inputs)

    def describe(self) -> str:
        """The baseline in words, for the log and the report."""
        if self.background is not None:
            return f"background ({self.plan.mode}): {self.background.describe()}"
        return self.name


def resolve_baseline(prepared, settings, kind: str, labels=None, n_samples: int = 1, seed: int = 0,
                     reporter: Reporter | None = None) -> Baseline:
    """The :class:`Baseline` of ``settings`` (:class:`~hsi_lime_plugin.settings.BaselineSettings`) for a prepared
    image (:func:`~hsi_lime_plugin.models.preparation.prepare_image`).

    ``labels`` (H, W) are the spatial features (``inpaint`` fills each from its surroundings); the set of a
    ``background`` baseline is ``settings.background`` (None: a summary of the image's own valid pixels);
    ``n_samples`` and ``seed`` size and seed the sampled mode's draws.
    """
    name = check_baseline(settings, kind)
    inputs, mask = prepared.inputs, prepared.mask
    valid = None if mask is None or mask.all() else torch.as_tensor(mask, dtype=inputs.dtype,
                                                                     device=inputs.device)[None, None]
    if name in IMAGE_BASELINES:
        return Baseline(name, image=_image_baseline(name, prepared, settings, labels))
    if name == "background":
        return _background_baseline(prepared, settings, n_samples, seed, reporter, valid)
    if name == "zero" or name == 0.0:
        return Baseline(str(name))
    if name == "mean":
        if mask is None:
            return Baseline(name, image=inputs.mean(dim=(1, 2), keepdim=True), valid=valid)
        weight = torch.as_tensor(mask, dtype=inputs.dtype, device=inputs.device)
        mean = (inputs * weight).sum(dim=(1, 2), keepdim=True) / torch.clamp(weight.sum(), min=1.0)
        return Baseline(name, image=mean, valid=valid)
    return Baseline(str(settings.baseline).strip(), image=torch.full((inputs.shape[0], 1, 1), float(name),
                                                                     dtype=inputs.dtype, device=inputs.device),
                    valid=valid)


def spectrum_baseline(model, spectrum, valid_shape=None) -> Baseline:
    """A constant baseline from a raw spectrum (C,) (a map's ``mean``: the whole raster's mean spectrum)."""
    raw = torch.as_tensor(np.asarray(spectrum, dtype=np.float32).reshape(-1, 1, 1), device=model.device)
    return Baseline("mean", image=model.prepare(raw))


def _image_baseline(name: str, prepared, settings, labels) -> torch.Tensor:
    """The ``blur`` or ``inpaint`` image (C, H, W) in perturbation space."""
    from .image_baselines import blurred, inpainted

    if name == "blur":
        return blurred(prepared.inputs, prepared.mask, settings.blur_sigma)
    return inpainted(prepared.inputs, prepared.mask, labels)


def _background_baseline(prepared, settings, n_samples, seed, reporter, valid) -> Baseline:
    """The background set in perturbation space with its plan; the image's own valid pixels summarised when no
    set is given."""
    check_mode(settings.background_mode)
    pixels, background = prepared.pixels, settings.background
    if background is None:
        background = image_background(pixels, prepared.mask, settings.background_size, seed)
        if reporter is not None:
            reporter.info(f"{arg('baseline')} background: {background.describe()}")
    if background.n_bands != pixels.shape[0]:
        raise HsiLimeError(
            f"{arg('background')}: the background's spectra have {background.n_bands} bands but the raster has "
            f"{pixels.shape[0]}; choose a background from the same sensor and bands as the raster."
        )
    raw = torch.as_tensor(background.spectra.T[:, :, None], device=pixels.device)  # (C, B, 1): B rows of one pixel
    rows = prepared.model.prepare(raw)[:, :, 0].T.contiguous()
    weights = torch.as_tensor(background.weights, dtype=torch.float64)
    plan = ExpectationPlan(weights, settings.background_mode, n_samples, seed)
    return Baseline("background", rows=rows, plan=plan, background=background, valid=valid)


def image_background(pixels: torch.Tensor, mask, size: int, seed: int) -> Background:
    """A summary of an image's valid pixels (at most :data:`~hsi_lime_plugin.options.BACKGROUND_SAMPLE` of them,
    drawn with ``seed``)."""
    check_size(size)
    spectra = pixels.reshape(pixels.shape[0], -1).T
    if mask is not None:
        spectra = spectra[torch.as_tensor(np.asarray(mask).reshape(-1), device=pixels.device)]
    count = len(spectra)
    if count > BACKGROUND_SAMPLE:
        generator = torch.Generator().manual_seed(int(seed) % (2**63))
        spectra = spectra[torch.randperm(count, generator=generator)[:BACKGROUND_SAMPLE].to(spectra.device)]
    return summarise(spectra.cpu().numpy(), size, seed, "the image's valid pixels", count)


def check_changes(outputs: torch.Tensor, names: list[str], baseline: Baseline, reporter: Reporter,
                  probe=None, refuse: bool = True) -> list[str]:
    """Refuse, or warn about, perturbations that change no output; returns the warnings given (for the report).

    When every perturbed output (rows 1...) equals the image's (row 0) within :data:`UNCHANGED` of the largest
    output, for every target, every attribution is 0 and the surrogate's R2 says nothing. Either the model
    ignores the features, or the baseline makes removing them change nothing (the field's own mean for a model
    of the field's mean spectrum). ``probe()`` tells them apart: the outputs (T,) with every feature replaced by
    a real spectrum of the image. When that changes them too little as well (or with a background set, whose
    spectra are real), the model ignores the features: a warning. Otherwise (or without a probe) the baseline is
    at fault: refused, naming a baseline that works (with ``refuse`` False, for a map's region whose pixels still
    differ: a warning).
    """
    if len(outputs) < 2:
        return []
    scale = outputs.abs().amax(dim=0).clamp(min=torch.finfo(torch.float64).tiny)
    change = (outputs[1:] - outputs[:1]).abs().amax(dim=0)
    if not bool((change <= UNCHANGED * scale).all()):
        return []
    largest = float(change.max())
    ignored = baseline.rows is not None or (probe is not None and bool(
        ((probe() - outputs[0]).abs() <= UNCHANGED * scale).all()))
    if ignored:
        message = (f"{arg('baseline')}: none of the {len(outputs) - 1} perturbed images changed the model's outputs "
                   f"({', '.join(names)}; the largest change {largest:.2g}), not even with every feature replaced by "
                   "a spectrum of the image: the model ignores these features, and every attribution is 0.")
        reporter.warning(message)
        return [reporter.render(message)]
    message = (
        f"{arg('baseline')}: with the baseline '{baseline.name}' none of the {len(outputs) - 1} perturbed images "
        f"changed the model's outputs ({', '.join(names)}; the largest change {largest:.2g}), so every attribution "
        "would be 0 and the surrogate's R2 meaningless: removing a feature changes nothing the model sees (a model of "
        "a region's mean spectrum, or one that averages its pixels, sees the region's own mean when bands take it). "
        f"Choose {arg('baseline', 'background')} (spectra of the scene) or {arg('baseline', 'zero')}"
    )
    if refuse:
        raise HsiLimeError(message + "; nothing was written.")
    reporter.warning(message + ".")
    return [reporter.render(message + ".")]
