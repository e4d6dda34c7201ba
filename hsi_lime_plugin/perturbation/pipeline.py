"""explain(): perturbation explanations (LIME, Kernel SHAP) of one image, all targets in one pass.

The pipeline, all on one torch device, each step a part that can be tested alone:

1. the feature space (:class:`~hsi_lime_plugin.features.space.FeatureSpace`): which pixels or
   bands each feature is, and its coefficient column;
2. the method (:mod:`hsi_lime_plugin.perturbation.methods`) draws all N binary samples at once with a
   seeded generator (first sample: all on);
3. the evaluator (:mod:`hsi_lime_plugin.perturbation.evaluator`) builds each fixed-size batch of
   perturbed images by broadcasting the samples through the feature map and runs the
   model under ``torch.inference_mode()``;
4. the method weights the samples and fits one surrogate for all targets at once
   (LIME's similarity kernel and ridge or lasso; Kernel SHAP's kernel and constrained
   least squares).

What a removed feature becomes is the baseline (:mod:`hsi_lime_plugin.perturbation.baseline`): a
constant, an image made from the image (blur, inpaint), or a background set whose expectation
the evaluator takes (:mod:`hsi_lime_plugin.perturbation.background`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import torch

from .background import Background, ExpectationPlan
from .baseline import Baseline, check_changes, resolve_baseline
from ..memory import physical_memory
from ..models.device import MAX_BATCH_SIZE, MAX_SPECTRUM_BATCH, choose_batch_size, one_thread_on_cpu
from ..errors import HsiLimeError, arg
from .evaluator import make_evaluator
from .result import Explanation, half_width
from ..features.space import FeatureSpace
from .methods import make_method
from ..models.preparation import check_finite, output_targets, prepare_image, sample_bytes
from ..models.explainable import ExplainableModel
from ..options import (
    DEFAULT_BACKGROUND_MODE,
    DEFAULT_BACKGROUND_SIZE,
    DEFAULT_BASELINE,
    DEFAULT_BLUR_SIGMA,
    DEFAULT_KERNEL_WIDTH,
    DEFAULT_MAX_SAMPLES,
    DEFAULT_N_SAMPLES,
    DEFAULT_PRECISION,
)
from ..reporting import Reporter, reporter_or_default
from ..settings import ExplainSettings, Runtime
from ..models.targets import select_targets


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
    precision: float = DEFAULT_PRECISION,
    max_samples: int = DEFAULT_MAX_SAMPLES,
    background=None,
    background_size: int = DEFAULT_BACKGROUND_SIZE,
    background_mode: str = DEFAULT_BACKGROUND_MODE,
    blur_sigma: float = DEFAULT_BLUR_SIGMA,
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
        Number of perturbed samples (model evaluations); 0: automatic, in rounds that
        reuse every sample until ``precision`` is reached or ``max_samples`` are used.
    precision, max_samples : float, int
        For ``n_samples=0``: stop when, for every target, the 95 % interval half-width of
        each attribution is below ``precision`` times the target's largest |attribution|;
        never evaluate more than ``max_samples`` images.
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
        ``Lasso(alpha)``, the same for every target). None: :data:`options.DEFAULT_RIDGE_ALPHA` (0.1) for ridge; for lasso 1%
        of each target's smallest penalty that sets every coefficient to zero (the
        targets' units may differ).
    reporter : Reporter, optional
        Receives progress after each batch and the run's messages, and is asked before
        each batch whether the user cancelled (then :class:`Cancelled` is raised).
        Default: messages go to the ``hsi_lime`` logger.
    valid : array-like of bool, optional
        (H, W): False where the image holds no data. Such pixels are set to 0 in model
        input units (as models see masked pixels) and are never part of a feature.
    baseline : {"zero", "mean", "background", "blur", "inpaint"} or float
        What perturbed features become (:mod:`hsi_lime_plugin.perturbation.baseline`): 0, the
        image's per-band mean over valid pixels or a constant, in model input units; the
        spectra of a background set (``background``: the expectation over it); or, for spatial
        features, the image Gaussian-blurred (``blur_sigma``) or each segment inpainted from
        its surroundings.
    background : Background or array-like, optional
        The ``background`` baseline's set: a :class:`~hsi_lime_plugin.perturbation.background.Background`,
        or raw spectra (N, C) summarised into ``background_size`` (weighted k-means beyond it);
        None: a summary of the image's own valid pixels.
    background_size : int
        Spectra a background is summarised into (16).
    background_mode : {"sampled", "exact"}
        ``exact``: every coalition against every background spectrum (``n_samples`` x size
        model evaluations); ``sampled``: each coalition against one spectrum drawn by weight
        (``n_samples`` evaluations, plus the size for the coalition that removes everything;
        the standard errors include the background's variance).
    blur_sigma : float
        The ``blur`` baseline's Gaussian standard deviation in pixels.
    kernel_width : float
        Width of LIME's similarity kernel on the cosine distance between a sample and
        the unperturbed image (0 to 1, :func:`sampling.lime_weights`). The default 1.0
        weighs the image with everything removed at exp(-1/2) = 0.61 of the image itself;
        smaller widths make the explanation more local. Kernel SHAP ignores it.
    sampling : str or None
        How the binary samples are drawn: ``"bernoulli"``, ``"antithetic"``,
        ``"stratified"``, or for LIME only ``"sobol"`` and ``"orthogonal"`` (see
        :mod:`hsi_lime_plugin.perturbation.sampling`). None: :data:`sampling.DEFAULT_SAMPLING`, the
        scheme with the smallest attribution error per model evaluation in
        ``benchmarks/sampling_error.py``: ``"orthogonal"`` for LIME, ``"stratified"``
        for Kernel SHAP.
    autocast : bool
        On CUDA, run the model under ``torch.autocast`` (float16 where safe): faster on
        recent GPUs, at the cost of half precision in the outputs. No effect on the CPU.
    """
    settings = ExplainSettings(
        targets=targets, method=method, n_samples=n_samples, precision=precision, max_samples=max_samples,
        sampling=sampling, seed=seed, baseline=baseline, kernel_width=kernel_width, surrogate=surrogate, alpha=alpha,
        background_size=background_size, background_mode=background_mode, blur_sigma=blur_sigma,
        background=as_background(background, background_size, seed),
    )
    return explain_with(model, image, features, kind, valid, settings, Runtime(device, batch_size, autocast), reporter)


def as_background(background, size: int, seed: int = 0) -> Background | None:
    """A :class:`Background` as it is, or raw spectra (N, C) summarised into ``size`` (None stays None)."""
    if background is None or isinstance(background, Background):
        return background
    from .background import summarise

    return summarise(background, size, seed, "the given spectra")


def explain_with(
    model, image, features, kind: str, valid, settings: ExplainSettings, runtime: Runtime, reporter: Reporter | None,
) -> Explanation:
    """:func:`explain` with its settings as objects (what the runs and the unit task call)."""
    started = time.perf_counter()
    reporter = reporter_or_default(reporter)
    part = make_method(settings)
    budget = sample_budget(settings)
    prepared = prepare_image(model, image, valid, runtime.device, reporter)
    model = prepared.model
    if model.target_names:
        select_targets(model.target_names, settings.targets)  # a wrong target fails before any forward pass
    space = FeatureSpace.from_labels(features, prepared.shape, kind, prepared.mask)
    check_sample_count(budget, space.n_features, len(model.target_names or [None]))
    baseline = resolve_baseline(prepared, settings.baselines, kind, space.labels, budget, settings.seed, reporter)
    part.stochastic = baseline.stochastic
    samples = part.draw(budget, space.n_features, settings.seed, reporter)
    evaluations = len(samples) if baseline.plan is None else baseline.plan.count(samples)
    evaluated, inputs, evaluated_baseline = on_region_mean(prepared, baseline, kind)
    largest = MAX_SPECTRUM_BATCH if inputs.shape[-2:] == (1, 1) else MAX_BATCH_SIZE
    batch = runtime.batch_size or choose_batch_size(sample_bytes(inputs, model), evaluations, model.device, largest)
    batch = int(min(max(1, batch), evaluations))
    evaluator = make_evaluator(evaluated, inputs, evaluated_baseline, space, batch, runtime.autocast)
    rounds = _rounds(len(samples), space.n_features, batch) if settings.automatic else [len(samples)]

    def check(y, names, chosen):
        """The check that the perturbations change something, probing with a spectrum of the image."""
        return check_changes(y, names, baseline, reporter, lambda: probe(model, prepared, space, reporter)[chosen])

    fit, outputs, names, reached, notes = _fit_in_rounds(part, evaluator, samples, rounds, settings, check, reporter)
    explanation = explanation_of(fit, outputs, names, reached, space, part,
                                 RunRecord(settings.method, model.device, batch, started, baseline.describe()))
    explanation.notes.extend(notes)
    return explanation


def on_region_mean(prepared, baseline: Baseline, kind: str) -> tuple[ExplainableModel, torch.Tensor, Baseline]:
    """The model, the image and the baseline the evaluator perturbs: for superbands of a model of the region's
    mean spectrum (layout ``mean_spectrum``), the image's mean spectrum (C, 1, 1) instead of the image.

    Removing a superband sets its bands to one baseline spectrum (a constant, or a background row) in every valid
    pixel, so the region's mean holds that spectrum there and the kept bands' means elsewhere: the mean of the
    perturbed image is the perturbed mean, and the model sees the same inputs from a (C, 1, 1) image as from the
    (C, H, W) one. Each evaluation then costs a spectrum, as in shap's KernelExplainer, not a region of pixels.
    Other explanations, and image baselines (one value per pixel), keep the image.
    """
    model = prepared.model
    if kind != "spectral" or model.layout != "mean_spectrum" or not (baseline.constant or baseline.rows is not None):
        return model, prepared.inputs, baseline
    inputs = prepared.inputs
    if prepared.mask is None:
        mean = inputs.mean(dim=(1, 2))
    else:
        weight = torch.as_tensor(prepared.mask, dtype=inputs.dtype, device=inputs.device)
        mean = (inputs * weight).sum(dim=(1, 2)) / weight.sum().clamp(min=1.0)
    return model.on_image(None), mean[:, None, None].contiguous(), replace(baseline, valid=None)


def probe(model, prepared, space: FeatureSpace, reporter: Reporter) -> torch.Tensor:
    """The model's outputs (T_all,) with every feature replaced by the image's valid pixel farthest from its mean
    spectrum (one real spectrum): what tells a model that ignores the features from a baseline that changes
    nothing (:func:`~.baseline.check_changes`)."""
    spectra = prepared.inputs.reshape(prepared.inputs.shape[0], -1).T
    if prepared.mask is not None:
        spectra = spectra[torch.as_tensor(prepared.mask.reshape(-1), device=spectra.device)]
    farthest = spectra[(spectra - spectra.mean(dim=0)).square().sum(dim=1).argmax()]
    plan = ExpectationPlan(torch.ones(1, dtype=torch.float64), "exact", 1, 0)
    baseline = Baseline("probe", rows=farthest[None], plan=plan, valid=None)
    evaluator = make_evaluator(model, prepared.inputs, baseline, space, 1)
    return evaluator.evaluate(torch.zeros((1, space.n_features)), reporter.without_progress())[0]


@dataclass(frozen=True)
class RunRecord:
    """How an explanation ran: its method, the device, the batch size, when it started (perf_counter) and its
    baseline in words."""

    method: str
    device: object
    batch_size: int
    started: float
    baseline: str = ""


def explanation_of(fit, outputs: torch.Tensor, names: list[str], reached: float, space: FeatureSpace, part,
                   run: RunRecord) -> Explanation:
    """The :class:`Explanation` of a surrogate ``fit`` to ``outputs`` (N, T) of the targets ``names`` (row 0:
    the image, row 1: every feature removed)."""
    return Explanation(
        kind=space.kind,
        coefficients=fit.coefficients.cpu().numpy(),
        intercept=fit.intercept.cpu().numpy(),
        score=fit.score.cpu().numpy(),
        standard_error=fit.standard_error.cpu().numpy(),
        target_names=names,
        feature_ids=space.ids,
        features=space.labels,
        prediction=outputs[0].cpu().numpy(),
        n_samples=len(outputs),
        seconds=time.perf_counter() - run.started,
        device=str(run.device),
        batch_size=run.batch_size,
        method=run.method,
        sampling=part.sampling,
        precision=reached,
        base_value=outputs[1].cpu().numpy(),
        baseline=run.baseline,
    )


def sample_budget(settings: ExplainSettings) -> int:
    """How many samples to draw: ``n_samples``, or for 0 (automatic) the cap ``max_samples``."""
    n_samples, precision, max_samples = settings.n_samples, settings.precision, settings.max_samples
    if settings.automatic:
        if not 0.0 < float(precision) < 1.0:
            raise HsiLimeError(
                f"{arg('precision')}: {precision} is not a fraction of the largest attribution; give a value between "
                "0 and 1 (0.05 is the default)."
            )
        if int(max_samples) < 16:
            raise HsiLimeError(f"{arg('max_samples')}: {max_samples} samples cannot fit a surrogate; use at least 16.")
        return int(max_samples)
    if int(n_samples) < 2:
        raise HsiLimeError(
            f"{arg('n_samples')}: {n_samples} samples cannot fit a surrogate; use at least 2 (500 is typical), or 0 "
            "to sample until the attributions are precise."
        )
    return int(n_samples)


def _rounds(n_samples: int, n_features: int, batch: int) -> list[int]:
    """Sample counts after each round of an automatic run: doubling from about 4 per feature (at
    least 64, whole batches) up to every sample drawn."""
    stop = max(64, 4 * n_features)
    stop = -(-stop // batch) * batch
    cuts = []
    while stop < n_samples:
        cuts.append(stop)
        stop *= 2
    return cuts + [n_samples]


def _fit_in_rounds(part, evaluator, samples, rounds, settings: ExplainSettings, check, reporter: Reporter):
    """Evaluate the samples round by round (reusing every one) and fit after each round, until the
    attributions of every target are precise enough or the rounds run out (one round: a fixed N).
    After the first round ``check(y, names, chosen)`` refuses a baseline under which no perturbation
    changes an output, or returns its warnings.

    Returns the fit, the chosen targets' outputs on every sample evaluated (row 0: the image; row 1:
    every feature removed, the base value), their names, the precision reached, and the warnings.
    """
    outputs, done, notes = [], 0, []
    for stop in rounds:
        outputs.append(evaluator.evaluate(samples[done:stop], reporter.between(done / rounds[-1], stop / rounds[-1]),
                                          first=done))
        y = torch.cat(outputs)
        names, chosen = output_targets(evaluator.model, y.shape[1], settings.targets, y[0].cpu().numpy())
        y = y[:, chosen]
        check_finite(y, [names[i] for i in chosen])
        if done == 0:
            notes = check(y, [names[i] for i in chosen], chosen)
        done = stop
        with one_thread_on_cpu(y.device):
            fit = part.fit(samples[:stop].to(y.device), y, reporter)
        reached = precision_reached(fit.coefficients, fit.standard_error)
        if len(rounds) > 1:
            reporter.info(f"{stop} samples: precision {reached:.3f} (goal {settings.precision:g})")
        if reached <= settings.precision:
            break
    return fit, y, [names[i] for i in chosen], reached, notes


def precision_reached(coefficients: torch.Tensor, standard_error: torch.Tensor) -> float:
    """For the least precise target, the widest 95 % half-width over its largest |attribution|."""
    width = torch.nan_to_num(half_width(standard_error), nan=0.0).amax(dim=1)
    largest = coefficients.abs().amax(dim=1)
    ratio = torch.where(largest > 0, width / largest.clamp(min=1e-300), torch.full_like(largest, float("inf")))
    return float(ratio.max())


#: Bytes per sample and feature that drawing, evaluating and fitting hold at once: the float32
#: samples on the CPU and the device, and the float64 design and weighted copy of the fit.
BYTES_PER_SAMPLE_AND_FEATURE = 24


def check_sample_count(n_samples: int, n_features: int, n_targets: int) -> None:
    """Refuse a sample count whose bookkeeping alone would exceed half the memory, before drawing any."""
    per_sample = (n_features + 1) * BYTES_PER_SAMPLE_AND_FEATURE + 16 * n_targets
    budget = physical_memory() // 2
    if n_samples * per_sample > budget:
        raise HsiLimeError(
            f"{arg('n_samples')}: {n_samples} samples of {n_features} features need about "
            f"{n_samples * per_sample / 2**30:.1f} GiB for the samples and the surrogate fit alone, more than half of "
            f"this machine's {physical_memory() / 2**30:.0f} GiB of memory; use at most {budget // per_sample} "
            "(500 to 4000 are typical)."
        )


