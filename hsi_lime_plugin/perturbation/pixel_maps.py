"""Per-pixel spectral importance: the superband attributions of every pixel of a window, for a pixel model.

A model of layout ``pixels`` predicts each pixel from its own spectrum, so each pixel has
its own explanation: which superbands raise or lower *that pixel's* prediction. Switching a
superband off is the same operation at every pixel, so all pixels of a window share one set
of coalitions (samples) and one design: the weighted least-squares fit of
:mod:`hsi_lime_plugin.perturbation.surrogates`, which already fits every target at once
(``y`` is (N, T)), fits every pixel and target at once when ``y`` is (N, pixels x targets).
One factorisation serves them all; there is no Python loop per pixel, only over chunks of
pixels (so that ``y`` and the fit's temporaries stay within :data:`FIT_BUDGET`) and over
batches of samples (so that the perturbed spectra stay within a batch budget).

With a background set (:mod:`.background`) each pixel's coalition values are expectations over
its spectra, evaluated by the run's :class:`~.background.ExpectationPlan` (the same draws at every
pixel and in every window), so that a pixel's attributions are its interventional Shapley values.

With Kernel SHAP the attributions are the exact Shapley values of each pixel's prediction
when the sample budget covers all 2**K coalitions (:func:`~.sampling.draw_shapley` then
enumerates them; standard errors 0), and estimates with standard errors otherwise.

Every window (tile or field) of a run draws the same samples (the run's seed), so that maps
join without seams and the windows' outputs add up: the mean over a region's valid pixels of
their outputs on each sample is the region's own output for a pixel model, and fitting it
gives exactly the region's explanation (the fit is linear in the outputs; with the same
samples, the mean of the pixels' attributions is the region's attribution). :class:`RegionSum`
adds windows up into the whole raster's explanation without reading the raster at once.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from ..errors import HsiLimeError, arg
from ..features.space import FeatureSpace
from ..models.device import rows_per_call
from ..models.preparation import check_finite, output_targets, prepare_image
from ..reporting import RecordingReporter, Reporter, reporter_or_default
from ..settings import ExplainSettings, Runtime
from .baseline import Baseline, check_changes, resolve_baseline, spectrum_baseline
from .methods import make_method
from .pipeline import RunRecord, check_sample_count, explanation_of, precision_reached, sample_budget
from .result import Explanation

#: Bytes the outputs of one chunk of pixels and the fit's temporaries on them may take (float64, about
#: :data:`FIT_COPIES` arrays of N x pixels x targets).
FIT_BUDGET = 256 << 20
FIT_COPIES = 8
#: Spectra per call of the model at most: a batch that stays in the processor's caches.
MAX_ROWS = 2048
#: Chunks of at least this many pixels get one sample per call, updated band by band (:class:`_PixelEvaluator`).
INCREMENTAL_PIXELS = 256
#: Samples between two checks for cancel (and progress reports) in the incremental build.
PROGRESS_EVERY = 32


@dataclass
class PixelMaps:
    """The per-pixel explanation of one window.

    Attributes
    ----------
    coefficients, standard_error : numpy.ndarray
        (T, K, H, W) float32: each pixel's attribution of each superband (column order of
        ``feature_ids``) for each target, and its standard error (0 for exact Shapley
        values); NaN at pixels without data.
    region : Explanation
        The window's own explanation: the fit to the mean over its valid pixels of their
        outputs (what the whole window's prediction is for a pixel model).
    output_sum : numpy.ndarray
        (N, T_all) the sum over the valid pixels of every output on every sample, for
        :class:`RegionSum`.
    n_pixels : int
    exact : bool
        Whether the attributions are exact Shapley values.
    stochastic : bool
        Whether the outputs scatter around the coalitions' values (a background set, sampled).
    """

    coefficients: np.ndarray
    standard_error: np.ndarray
    region: Explanation
    output_sum: np.ndarray
    n_pixels: int
    exact: bool
    stochastic: bool = False

    @property
    def target_names(self) -> list[str]:
        return list(self.region.target_names)

    def dominant(self) -> np.ndarray:
        """(T, H, W) uint8: per target the column + 1 of the superband with the largest positive attribution,
        0 where no superband raises the prediction, :data:`DOMINANT_NODATA` at pixels without data."""
        finite = np.isfinite(self.coefficients[:, 0])
        values = np.nan_to_num(self.coefficients, nan=-np.inf)
        winner = values.argmax(axis=1).astype(np.uint8) + 1
        raises = np.take_along_axis(values, winner[:, None].astype(np.int64) - 1, axis=1)[:, 0] > 0
        return np.where(finite, np.where(raises, winner, 0), DOMINANT_NODATA).astype(np.uint8)


#: The value of a pixel without data in :meth:`PixelMaps.dominant`.
DOMINANT_NODATA = 255


def explain_pixels(model, image, features, valid, settings: ExplainSettings, runtime: Runtime,
                   reporter: Reporter | None = None, baseline_spectrum=None) -> PixelMaps:
    """Every valid pixel's superband attributions (LIME or Kernel SHAP) for a model of layout ``pixels``.

    Parameters
    ----------
    model : ExplainableModel
        Matched to the raster's bands; its layout must be ``pixels``.
    image : array-like
        (C, H, W) raw values of the window.
    features : array-like of int
        (C,) superband labels (0: a band kept as it is).
    valid : array-like of bool or None
        (H, W): the pixels to explain (holding data, inside the field).
    settings, runtime : ExplainSettings, Runtime
        As for :func:`hsi_lime_plugin.explain` (an automatic sample count draws ``max_samples``
        at once: Kernel SHAP then enumerates every coalition whenever 2**K fit).
    baseline_spectrum : array-like, optional
        (C,) raw spectrum used as the baseline ``mean`` (the whole raster's mean spectrum, so
        that every window of a map has the same baseline); None: the window's own mean.
        The ``background`` baseline's set is ``settings.background`` (the whole scene's, so that
        every window of a map has the same; None: a summary of the window's own valid pixels).
    """
    started = time.perf_counter()
    reporter = reporter_or_default(reporter)
    prepared = prepare_image(model, image, valid, runtime.device, reporter)
    model = prepared.model
    check_pixel_model(model)
    part, space = make_method(settings), FeatureSpace.from_labels(features, prepared.shape, "spectral")
    budget = sample_budget(settings)
    baseline = _baseline(prepared, settings, baseline_spectrum, budget, reporter)
    part.stochastic = baseline.stochastic
    samples = part.draw(budget, space.n_features, settings.seed, reporter)
    check_sample_count(len(samples), space.n_features, len(model.target_names or [None]))
    mask = np.ones(prepared.shape[1:], dtype=bool) if prepared.mask is None else prepared.mask
    spectra = prepared.inputs[:, torch.as_tensor(mask, device=model.device)].T.contiguous()  # (P, C)
    outputs = _PixelEvaluator(model, spectra, baseline, space, samples)
    fits, output_sum = [], None
    for first, last in outputs.chunks():
        y = outputs.evaluate(first, last, reporter.between(first / len(spectra), last / len(spectra)))  # (N, p, T)
        output_sum = y.sum(dim=1) if output_sum is None else output_sum + y.sum(dim=1)
        fit = part.fit(samples.to(y.device), y.reshape(len(samples), -1), reporter, score=False)
        fits.append((fit.coefficients.reshape(last - first, -1, space.n_features),
                     fit.standard_error.reshape(last - first, -1, space.n_features)))
    region = RegionSum(output_sum, len(spectra)).explanation(model, space, part, samples, settings, reporter,
                                                             RunRecord(settings.method, model.device, outputs.batch,
                                                                       started, baseline.describe()), baseline)
    names, _ = output_targets(model, output_sum.shape[1], None)
    chosen = [names.index(name) for name in region.target_names]
    coefficients, errors = (_spread(torch.cat([fit[i] for fit in fits])[:, chosen], mask) for i in (0, 1))
    return PixelMaps(coefficients, errors, region, output_sum.cpu().numpy(), int(len(spectra)),
                     bool(getattr(part, "exact", False)), baseline.stochastic)


def check_pixel_model(model) -> None:
    """Refuse a map of each pixel's importance for a model that does not predict each pixel."""
    if model.layout != "pixels":
        raise HsiLimeError(
            f"{arg('output_map')}: a map of each pixel's spectral importance needs a model that predicts each pixel "
            f"from its spectrum (input.layout 'pixels' in the card), but the model card {model.card.source} says "
            f"'{model.layout}'; leave the map out, or choose a per-pixel model."
        )


def _baseline(prepared, settings: ExplainSettings, baseline_spectrum, n_samples: int, reporter: Reporter) -> Baseline:
    """The map's baseline: a ``mean`` of ``baseline_spectrum`` when given (the whole raster's), else as
    :func:`~.baseline.resolve_baseline` makes it for the window."""
    if settings.baselines.name == "mean" and baseline_spectrum is not None:
        return spectrum_baseline(prepared.model, baseline_spectrum)
    return resolve_baseline(prepared, settings.baselines, "spectral", None, n_samples, settings.seed, reporter)


def _spread(values: torch.Tensor, mask: np.ndarray) -> np.ndarray:
    """(P, T, K) values of the valid pixels -> (T, K, H, W) float32, NaN elsewhere."""
    pixels, targets, features = values.shape
    out = np.full((targets, features) + mask.shape, np.nan, dtype=np.float32)
    out[:, :, mask] = values.permute(1, 2, 0).cpu().numpy().astype(np.float32)
    return out


class _PixelEvaluator:
    """The model's outputs on every sample for chunks of pixels: (N, p, T) float64 per chunk.

    The perturbed spectra of a sample are the pixels' spectra with the bands of its removed
    superbands at the baseline. They are built in one of two ways:

    * a chunk of at least :data:`INCREMENTAL_PIXELS` pixels gets one sample per model call in a
      buffer (p, C) that is updated, not rebuilt: the samples go in Gray-code order
      (:func:`gray_order`: consecutive coalitions differ in few superbands, in one when all 2**K
      are enumerated), and only the bands whose state changed are rewritten, so that building
      costs a fraction of what the model reads;
    * a smaller chunk gets ``batch`` samples per call, built by one broadcast multiply into a
      buffer (b, p, C).

    With a background set every evaluation of the plan (:class:`~.background.ExpectationPlan`: a
    coalition and one background spectrum) is built by one ``lerp`` per call of ``batch``
    evaluations, and the outputs are added up into each coalition's expectation
    (:func:`_expected_outputs`).
    """

    def __init__(self, model, spectra: torch.Tensor, baseline: Baseline, space: FeatureSpace, samples):
        self.model, self.spectra, self.samples, self.baseline = model, spectra, samples, baseline
        base = baseline.image
        self.base = torch.zeros(spectra.shape[1], dtype=spectra.dtype, device=spectra.device) if base is None else \
            base.reshape(-1)
        self.plan = None if baseline.plan is None else [part.to(spectra.device) for part in baseline.plan.rows(samples)]
        n_samples, bands = len(samples), spectra.shape[1]
        index = np.where(space.columns < 0, space.n_features, space.columns)
        ones = torch.ones((n_samples, 1), dtype=spectra.dtype)
        self.keep = torch.cat([samples.to(spectra.dtype), ones], dim=1)[:, index].to(spectra.device)  # (N, C)
        n_targets = len(model.target_names or [None])
        rows = min(MAX_ROWS, rows_per_call(bands * spectra.element_size(), model.device))
        self.pixels = int(max(1, min(rows, len(spectra), FIT_BUDGET // (n_samples * n_targets * 8 * FIT_COPIES))))
        evaluations = n_samples if self.plan is None else len(self.plan[0])
        self.batch = int(max(1, min(evaluations, rows // self.pixels)))
        self.order = gray_order(samples)
        self.updates = None

    def chunks(self):
        """``(first, last)`` pixel ranges of at most ``self.pixels`` pixels."""
        total = len(self.spectra)
        return [(first, min(first + self.pixels, total)) for first in range(0, total, self.pixels)]

    def evaluate(self, first: int, last: int, reporter: Reporter) -> torch.Tensor:
        with torch.inference_mode():
            if self.plan is not None:
                y = _expected_outputs(self, first, last, reporter)
            elif last - first >= INCREMENTAL_PIXELS:
                y = self._incremental(first, last, reporter)
            else:
                y = self._batched(first, last, reporter)
        if not bool(torch.isfinite(y.sum())):  # one pass; the full check finds the culprit
            check_finite(y.reshape(-1, y.shape[-1]), output_targets(self.model, y.shape[-1], None)[0])
        return y

    def _changes(self) -> list[tuple[int, list[tuple[int, int, bool]]]]:
        """For each sample in Gray-code order: its row, and the runs of adjacent bands whose state changed from
        the previous sample's (all bands on before the first), as ``(first, stop, on)``; the same for every
        chunk. Superbands are mostly contiguous bands, so a change is a few slices, copied without an index."""
        if self.updates is None:
            kept = (self.keep > 0.5).cpu().numpy()
            previous = np.ones(kept.shape[1], dtype=bool)
            self.updates = []
            for n in self.order.tolist():
                runs = _runs(np.flatnonzero(kept[n] != previous))
                self.updates.append((n, [(first, stop, bool(kept[n, first])) for first, stop in runs]))
                previous = kept[n]
        return self.updates

    def _incremental(self, first: int, last: int, reporter: Reporter) -> torch.Tensor:
        spectra = self.spectra[first:last]
        buffer, outputs, views = spectra.clone(), [], {}
        base = self.base.expand_as(spectra)
        zero = not bool(self.base.any())
        for step, (_, runs) in enumerate(self._changes()):
            if step % PROGRESS_EVERY == 0:
                reporter.check_cancelled()
                reporter.progress(step / len(self.samples))
            for start, stop, on in runs:
                if (start, stop) not in views:  # a few distinct runs (the superbands): their views made once
                    views[start, stop] = (buffer[:, start:stop], spectra[:, start:stop], base[:, start:stop])
                target, kept, removed = views[start, stop]
                if on:
                    target.copy_(kept)
                elif zero:
                    target.zero_()
                else:
                    target.copy_(removed)
            outputs.append(self.model.pixel_outputs(buffer))
        y = torch.empty((len(outputs),) + tuple(outputs[0].shape), dtype=torch.float64, device=outputs[0].device)
        y[self.order.to(y.device)] = torch.stack(outputs).to(torch.float64)
        return y

    def _batched(self, first: int, last: int, reporter: Reporter) -> torch.Tensor:
        difference = self.spectra[first:last] - self.base
        buffer = torch.empty((self.batch, last - first, difference.shape[1]), dtype=difference.dtype,
                             device=difference.device)
        y, n_samples = None, len(self.samples)
        for start in range(0, n_samples, self.batch):
            reporter.check_cancelled()
            stop = min(start + self.batch, n_samples)
            perturbed = buffer[: stop - start]
            torch.mul(difference[None], self.keep[start:stop, None, :], out=perturbed)
            perturbed.add_(self.base)
            output = self.model.pixel_outputs(perturbed.reshape(-1, perturbed.shape[-1]))
            if y is None:
                y = torch.empty((n_samples, last - first, output.shape[-1]), dtype=torch.float64, device=output.device)
            y[start:stop] = output.reshape(stop - start, last - first, -1)
            reporter.progress(stop / n_samples)
        return y


def _expected_outputs(evaluator: _PixelEvaluator, first: int, last: int, reporter: Reporter) -> torch.Tensor:
    """(N, p, T) each coalition's expected outputs over the background for the pixels ``first`` to ``last``."""
    spectra = evaluator.spectra[first:last]
    owner, spectrum, weight = evaluator.plan
    rows, batch = evaluator.baseline.rows, evaluator.batch
    buffer = torch.empty((batch,) + tuple(spectra.shape), dtype=spectra.dtype, device=spectra.device)
    y = None
    for start in range(0, len(owner), batch):
        reporter.check_cancelled()
        part = slice(start, min(start + batch, len(owner)))
        perturbed = buffer[: part.stop - start]
        torch.lerp(rows[spectrum[part], None], spectra[None], evaluator.keep[owner[part], None], out=perturbed)
        output = evaluator.model.pixel_outputs(perturbed.reshape(-1, perturbed.shape[-1]))
        output = output.reshape(len(perturbed), len(spectra), -1).to(torch.float64)
        if y is None:
            y = torch.zeros((len(evaluator.samples),) + tuple(output.shape[1:]), dtype=torch.float64,
                            device=output.device)
        y.index_add_(0, owner[part], output * weight[part, None, None])
        reporter.progress(part.stop / len(owner))
    return y


def _runs(indices: np.ndarray) -> list[tuple[int, int]]:
    """Sorted indices as runs of consecutive values ``(first, stop)``."""
    if len(indices) == 0:
        return []
    breaks = np.flatnonzero(np.diff(indices) != 1)
    starts = np.concatenate([[0], breaks + 1])
    stops = np.concatenate([breaks + 1, [len(indices)]])
    return [(int(indices[a]), int(indices[b - 1]) + 1) for a, b in zip(starts, stops)]


def gray_order(samples: torch.Tensor) -> torch.Tensor:
    """The order of ``samples`` (N, K) by the rank of their bit patterns in the Gray code: neighbours differ in
    few features (one, for all 2**K coalitions); the given order for K > 62."""
    n_features = samples.shape[1]
    if n_features > 62:
        return torch.arange(len(samples))
    codes = (samples.to(torch.int64) << torch.arange(n_features)).sum(dim=1)
    rank, shift = codes.clone(), 1
    while shift < n_features:
        rank ^= rank >> shift
        shift <<= 1
    return torch.argsort(rank, stable=True)


@dataclass
class RegionSum:
    """The outputs of a region's pixels on every sample, summed (N, T), and how many pixels: what the region's
    explanation is fitted to (their mean), added up window by window."""

    output_sum: torch.Tensor | np.ndarray
    n_pixels: int

    def add(self, other: "RegionSum") -> "RegionSum":
        return RegionSum(np.asarray(self.output_sum) + np.asarray(other.output_sum), self.n_pixels + other.n_pixels)

    def explanation(self, model, space: FeatureSpace, part, samples, settings: ExplainSettings, reporter: Reporter,
                    run: RunRecord, baseline: Baseline | None = None) -> Explanation:
        """The fit to the region's mean outputs on ``samples`` (the samples the sums were made on); with the
        ``baseline``, a warning when no perturbation changes the region's outputs (its pixels' may still)."""
        y = torch.as_tensor(np.asarray(self.output_sum) if not torch.is_tensor(self.output_sum) else
                            self.output_sum, dtype=torch.float64) / max(1, self.n_pixels)
        names, chosen = output_targets(model, y.shape[1], settings.targets, y[0].cpu().numpy())
        y = y[:, chosen]
        notes = [] if baseline is None else check_changes(y, [names[i] for i in chosen], baseline, reporter,
                                                           refuse=False)
        fit = part.fit(samples.to(y.device), y, reporter)
        reached = precision_reached(fit.coefficients, fit.standard_error)
        explanation = explanation_of(fit, y, [names[i] for i in chosen], reached, space, part, run)
        explanation.notes.extend(notes)
        return explanation


def combine_maps(maps: list[PixelMaps], model, settings: ExplainSettings, reporter: Reporter) -> Explanation:
    """The explanation of the region several windows' maps cover together: fitted to their pixels' outputs
    added up, on the samples every window drew (the same settings and seed: drawn again here)."""
    started = time.perf_counter() - sum(window.region.seconds for window in maps)
    total = RegionSum(maps[0].output_sum, maps[0].n_pixels)
    for window in maps[1:]:
        total = total.add(RegionSum(window.output_sum, window.n_pixels))
    first = maps[0].region
    part = make_method(settings)
    part.stochastic = maps[0].stochastic
    samples = part.draw(sample_budget(settings), len(first.feature_ids), settings.seed, RecordingReporter())  # told once
    return total.explanation(model, first.space, part, samples, settings, reporter,
                             RunRecord(settings.method, model.device, first.batch_size, started, first.baseline))
