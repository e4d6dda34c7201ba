"""Run the model on perturbed images in fixed-size batches: the engine's hot loop.

:class:`Evaluator` turns binary samples (N, K), one row per perturbed image and one
column per feature (1 = keep, 0 = replace by the baseline), into the model's outputs
(N, T). Each batch of images is built by one gather and one broadcast multiply into one
buffer (no Python loop per sample or per feature), every batch has the same shape (the
last is padded) because on the CPU the first call at a new shape is 20-40x slower than
steady state, and the model runs under ``torch.inference_mode()``. Writing the images is
bound by memory bandwidth, so after a batch has filled the buffer the next ones rewrite only
the windows that hold perturbed pixels (:func:`perturbed_windows`): the pixels no feature
holds (outside a field, nodata) are the same in every image. The buffer comes from
the thread's cache of :mod:`.buffers` and goes back to it when the evaluation ends, so
that the next explanation of the same shape skips a fresh buffer's page faults. The model
gets the batch and which pixels each image keeps (``kept_pixels``, None when no pixel is
removed), which a model on a region's mean spectrum averages over
(:mod:`hsi_lime_plugin.models.layouts`). Before each batch the reporter is asked whether
the user cancelled; after it, progress is reported.

The baseline (:class:`~.baseline.Baseline`) decides how an image is written: ``x * keep`` for 0,
``base + (x - base) * keep`` for a constant or an image baseline, and ``lerp(b, x, keep)`` with each
image's own background spectrum ``b`` for a background set, whose expectation
:class:`~.background.ExpectedEvaluator` adds up (:func:`make_evaluator` chooses).
"""
from __future__ import annotations

import contextlib

import numpy as np
import torch

from ..errors import HsiLimeError
from ..features.space import FeatureSpace
from ..reporting import Reporter
from .background import ExpectedEvaluator
from .baseline import Baseline
from .buffers import BatchBuffer


class Perturbation:
    """Builds batches of perturbed images into one buffer (:class:`~.buffers.BatchBuffer`).

    ``columns`` maps each pixel (spatial) or band (spectral) to its feature column, or
    -1 for "never perturbed". A batch of samples (B, K) gets a constant 1 column
    appended, so the gather ``samples[:, columns]`` yields the keep-mask directly. The
    buffer and the image are laid out in ``memory_format`` so the multiply writes the
    model's preferred layout directly (no reorder inside the first convolution). The buffer
    is taken on the first :meth:`images` call; the evaluator gives it back when it is done.

    The first batch written into a buffer fills all of it; later ones rewrite only
    :attr:`windows`, unless the buffer changed since (``_version``, torch's count of writes:
    a model that modifies its input in place, or a buffer taken again from the cache). Writes
    through a numpy view are not counted: scikit-learn estimators get the batch read-only
    (:mod:`~hsi_lime_plugin.models.scikit`), and onnxruntime only reads its inputs.

    With a background set each image has its own spectrum (``rows`` of :meth:`images`): the batch's
    spectra are gathered into a (B, C, 1, 1) tensor and every window written by one ``lerp``. Spectral
    perturbations of a baseline other than 0 leave the pixels without data at 0 (one multiply by the
    valid mask), as every image the model sees holds them.
    """

    def __init__(self, inputs, baseline: Baseline, features: FeatureSpace, batch: int,
                 memory_format=torch.contiguous_format):
        self.inputs, self.baseline, self.features = inputs, baseline, features
        self.batch, self.memory_format = batch, memory_format
        base, rows = baseline.image, baseline.rows
        difference = inputs if base is None else inputs - base
        self.difference = difference[None].contiguous(memory_format=memory_format)
        index = np.where(features.columns < 0, features.n_features, features.columns).reshape(-1)
        self.index = torch.as_tensor(index, dtype=torch.long, device=inputs.device)
        channels, height, width = inputs.shape
        spatial = features.kind == "spatial"
        self.extended = torch.ones((batch, features.n_features + 1), dtype=inputs.dtype, device=inputs.device)
        self.keep = torch.empty((batch, index.size), dtype=inputs.dtype, device=inputs.device)
        keep = self.keep.view((batch, 1, height, width) if spatial else (batch, channels, 1, 1))
        # (B, 1, H, W): 1 where an image of the batch keeps a pixel (a removed pixel leaves a region's mean)
        self.kept_pixels = keep if spatial and baseline.constant else None
        self.windows = perturbed_windows(features.columns >= 0) if spatial else (WHOLE,)
        self.spectra = None if rows is None else torch.empty((batch, channels), dtype=inputs.dtype,
                                                             device=inputs.device)
        self.write, whole, parts = self._write(base)
        self.cuts = [(..., *window) for window in (WHOLE, *self.windows)]
        self.operands = [(*whole, *(part[cut] for part in (*parts, keep))) for cut in self.cuts]
        self.invalid = None if spatial or (base is None and rows is None) else baseline.valid
        self.buffer = BatchBuffer((batch, channels, height, width), inputs.dtype, inputs.device, memory_format)
        self.written = None  # the buffer's _version after this perturbation last wrote it

    def _write(self, base):
        """How each window is written (the whole image first): the operation, its operands that hold for every
        window, and those cut to the window before ``keep``. ``mul(difference, keep)``; ``addcmul(base,
        difference, keep)`` (base + difference * keep in one pass) for a constant or an image baseline;
        ``lerp(spectra, image, keep)`` for a background set."""
        if self.spectra is not None:
            return torch.lerp, (self.spectra.view(*self.spectra.shape, 1, 1),), (self.difference,)
        if base is None:
            return torch.mul, (), (self.difference,)
        return torch.addcmul, (), (base.expand_as(self.inputs)[None], self.difference)

    def with_memory_format(self, memory_format) -> "Perturbation":
        """The same perturbation writing images in another layout."""
        return Perturbation(self.inputs, self.baseline, self.features, self.batch, memory_format)

    def images(self, samples: torch.Tensor, rows: torch.Tensor | None = None) -> torch.Tensor:
        """The perturbed images for ``samples`` (B' <= B rows; the rest padded with all-on), with the background
        spectra ``rows`` (B',) when the baseline is a background set."""
        count = samples.shape[0]
        self.extended[:count, :-1] = samples
        if count < self.batch:
            self.extended[count:, :-1] = 1.0
        torch.index_select(self.extended, 1, self.index, out=self.keep)
        if self.spectra is not None:
            self.spectra[:count] = self.baseline.rows[rows]
        fresh = self.buffer.tensor is None
        buffer = self.buffer.get()
        whole = fresh or buffer._version != self.written
        writes = slice(0, 1) if whole else slice(1, None)
        for operands, cut in zip(self.operands[writes], self.cuts[writes]):
            self.write(*operands, out=buffer[cut])
        if self.invalid is not None:
            buffer.mul_(self.invalid)
        self.written = buffer._version
        return buffer


#: The window of the whole image.
WHOLE = (slice(None), slice(None))
#: At most this many bands of rows cover the perturbed pixels (one multiply each).
MOST_WINDOWS = 16
#: Windows that would cover this share of the image or more are written as the whole image.
WHOLE_SHARE = 0.9


def perturbed_windows(perturbed: np.ndarray) -> tuple[tuple[slice, slice], ...]:
    """Windows (rows, columns) of an (H, W) image that together hold every pixel ``perturbed`` marks.

    The rows from the first to the last perturbed one are cut into up to :data:`MOST_WINDOWS`
    equal bands, each as wide as its perturbed pixels reach: on a field's bounding box, 0.69 of
    the box for a parallelogram field that fills 0.65 of it. When the windows would cover
    :data:`WHOLE_SHARE` of the image or more, the one window of the whole image (one multiply).
    """
    height, width = perturbed.shape
    any_in_row = perturbed.any(axis=1)
    rows = np.flatnonzero(any_in_row)
    if rows.size == 0:
        return ()
    edges = np.unique(np.linspace(rows[0], rows[-1] + 1, min(MOST_WINDOWS, rows.size) + 1).round().astype(int))
    first = np.where(any_in_row, perturbed.argmax(axis=1), width)
    last = np.where(any_in_row, width - perturbed[:, ::-1].argmax(axis=1), 0)
    starts, stops = np.minimum.reduceat(first, edges[:-1]), np.maximum.reduceat(last, edges[:-1])
    windows = [(slice(int(top), int(bottom)), slice(int(left), int(right)))
               for top, bottom, left, right in zip(edges[:-1], edges[1:], starts, stops) if right > left]
    area = sum((window[0].stop - window[0].start) * (window[1].stop - window[1].start) for window in windows)
    return (WHOLE,) if area >= WHOLE_SHARE * height * width else tuple(windows)


class Evaluator:
    """The model's outputs on perturbed images, batch by batch.

    Parameters
    ----------
    model : ExplainableModel
        Maps a batch (B, C, H, W) in perturbation space and the pixels each image keeps to (B, T)
        outputs.
    perturbation : Perturbation
        Writes the images; channels-last first, see :meth:`_first_batch`. Its buffer goes back
        to the thread's cache when :meth:`evaluate` ends, by a return, a cancel or an error.
    autocast : bool
        On CUDA, run the model under ``torch.autocast`` (float16 where safe).
    """

    def __init__(self, model, perturbation: Perturbation, autocast: bool = False):
        self.model, self.perturbation, self.autocast = model, perturbation, autocast

    def evaluate(self, samples: torch.Tensor, reporter: Reporter, rows: torch.Tensor | None = None,
                 first: int = 0) -> torch.Tensor:
        """Outputs (N, T) in float64 for ``samples`` (N, K), reporting progress and checking cancel; ``rows``
        (N,): each image's background spectrum (a background baseline). ``first`` (the samples' place in the
        run) matters only to :class:`~.background.ExpectedEvaluator`, which shares this signature."""
        device = self.perturbation.inputs.device
        try:
            with torch.inference_mode(), self._precision(device):
                outputs = self._batches(samples.to(device), None if rows is None else rows.to(device), reporter)
        finally:
            self.perturbation.buffer.release()
        return torch.cat(outputs)

    def _batches(self, z: torch.Tensor, rows: torch.Tensor | None, reporter: Reporter) -> list[torch.Tensor]:
        batch = self.perturbation.batch
        n_batches = -(-len(z) // batch)
        outputs = []
        for b in range(n_batches):
            reporter.check_cancelled()
            part = slice(b * batch, (b + 1) * batch)
            chunk = (z[part], None if rows is None else rows[part])
            output = self._first_batch(chunk, reporter) if b == 0 else self._outputs(chunk)
            outputs.append(output[: chunk[0].shape[0]].to(torch.float64))
            reporter.progress((b + 1) / n_batches)
        return outputs

    def _outputs(self, chunk: tuple) -> torch.Tensor:
        """The model on the perturbed images of ``chunk`` (samples, spectra), told which pixels they keep."""
        images = self.perturbation.images(*chunk)
        return self.model(images, self.perturbation.kept_pixels)

    def _precision(self, device: torch.device):
        if self.autocast and device.type == "cuda":
            return torch.autocast("cuda", dtype=torch.float16)
        return contextlib.nullcontext()

    def _first_batch(self, chunk: tuple, reporter: Reporter) -> torch.Tensor:
        """Run the first batch in channels-last layout, or fall back to the contiguous layout.

        Convolutions (oneDNN on the CPU, cuDNN on the GPU) run fastest on channels-last
        images. A model that reshapes its input with ``view`` cannot take that layout; it
        gets the contiguous layout for the whole run, and the user is told why.
        """
        try:
            return self._outputs(chunk)
        except (RuntimeError, HsiLimeError) as error:  # ExplainableModel wraps a model's RuntimeError
            if self.perturbation.memory_format == torch.contiguous_format:
                raise
            self.perturbation.buffer.release()
            self.perturbation = self.perturbation.with_memory_format(torch.contiguous_format)
            output = self._outputs(chunk)  # a second failure is the model's own error
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            reporter.info(f"the model refused channels-last images ({first_line}); using the contiguous layout")
            return output


def make_evaluator(model, inputs: torch.Tensor, baseline: Baseline, space: FeatureSpace, batch: int,
                   autocast: bool = False):
    """The evaluator of an explanation: the batched :class:`Evaluator` on channels-last images, wrapped in an
    :class:`~.background.ExpectedEvaluator` for a background set."""
    evaluator = Evaluator(model, Perturbation(inputs, baseline, space, batch, torch.channels_last), autocast)
    return evaluator if baseline.plan is None else ExpectedEvaluator(evaluator, baseline.plan)
