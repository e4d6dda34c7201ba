"""Run the model on perturbed images in fixed-size batches: the engine's hot loop.

:class:`Evaluator` turns binary samples (N, K), one row per perturbed image and one
column per feature (1 = keep, 0 = replace by the baseline), into the model's outputs
(N, T). Each batch of images is built by one gather and one broadcast multiply into one
buffer (no Python loop per sample or per feature), every batch has the same shape (the
last is padded) because on the CPU the first call at a new shape is 20-40x slower than
steady state, and the model runs under ``torch.inference_mode()``. The buffer comes from
the thread's cache of :mod:`.buffers` and goes back to it when the evaluation ends, so
that the next explanation of the same shape skips a fresh buffer's page faults. The model
gets the batch and which pixels each image keeps (``kept_pixels``, None when no pixel is
removed), which a model on a region's mean spectrum averages over
(:mod:`hsi_lime_plugin.models.layouts`). Before each batch the reporter is asked whether
the user cancelled; after it, progress is reported.
"""
from __future__ import annotations

import contextlib

import numpy as np
import torch

from ..errors import HsiLimeError
from ..features.space import FeatureSpace
from ..reporting import Reporter
from .buffers import BatchBuffer


class Perturbation:
    """Builds batches of perturbed images into one buffer (:class:`~.buffers.BatchBuffer`).

    ``columns`` maps each pixel (spatial) or band (spectral) to its feature column, or
    -1 for "never perturbed". A batch of samples (B, K) gets a constant 1 column
    appended, so the gather ``samples[:, columns]`` yields the keep-mask directly. The
    buffer and the image are laid out in ``memory_format`` so the multiply writes the
    model's preferred layout directly (no reorder inside the first convolution). The buffer
    is taken on the first :meth:`images` call; the evaluator gives it back when it is done.
    """

    def __init__(self, inputs, base, features: FeatureSpace, batch: int, memory_format=torch.contiguous_format):
        self.inputs, self.base, self.features = inputs, base, features
        self.batch, self.memory_format = batch, memory_format
        difference = inputs if base is None else inputs - base
        self.difference = difference[None].contiguous(memory_format=memory_format)
        index = np.where(features.columns < 0, features.n_features, features.columns).reshape(-1)
        self.index = torch.as_tensor(index, dtype=torch.long, device=inputs.device)
        channels, height, width = inputs.shape
        self.mask_shape = (batch, 1, height, width) if features.kind == "spatial" else (batch, channels, 1, 1)
        self.buffer = BatchBuffer((batch, channels, height, width), inputs.dtype, inputs.device, memory_format)
        self.ones = torch.ones((batch, features.n_features + 1), dtype=inputs.dtype, device=inputs.device)
        self.kept_pixels = None  # (B, 1, H, W) of the last spatial batch: 1 where a pixel is kept

    def with_memory_format(self, memory_format) -> "Perturbation":
        """The same perturbation writing images in another layout."""
        return Perturbation(self.inputs, self.base, self.features, self.batch, memory_format)

    def images(self, samples: torch.Tensor) -> torch.Tensor:
        """The perturbed images for ``samples`` (B' <= B rows; the rest padded with all-on)."""
        extended = self.ones.clone()
        extended[: samples.shape[0], :-1] = samples
        keep = extended[:, self.index].view(self.mask_shape)
        self.kept_pixels = keep if self.features.kind == "spatial" else None
        buffer = self.buffer.get()
        torch.mul(self.difference, keep, out=buffer)
        if self.base is not None:
            buffer.add_(self.base)
        return buffer


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

    def evaluate(self, samples: torch.Tensor, reporter: Reporter) -> torch.Tensor:
        """Outputs (N, T) in float64 for ``samples`` (N, K), reporting progress and checking cancel."""
        device = self.perturbation.inputs.device
        try:
            with torch.inference_mode(), self._precision(device):
                outputs = self._batches(samples.to(device), reporter)
        finally:
            self.perturbation.buffer.release()
        return torch.cat(outputs)

    def _batches(self, z: torch.Tensor, reporter: Reporter) -> list[torch.Tensor]:
        batch = self.perturbation.batch
        n_batches = -(-len(z) // batch)
        outputs = []
        for b in range(n_batches):
            reporter.check_cancelled()
            chunk = z[b * batch : (b + 1) * batch]
            output = self._first_batch(chunk, reporter) if b == 0 else self._outputs(chunk)
            outputs.append(output[: chunk.shape[0]].to(torch.float64))
            reporter.progress((b + 1) / n_batches)
        return outputs

    def _outputs(self, chunk: torch.Tensor) -> torch.Tensor:
        """The model on the perturbed images of ``chunk``, told which pixels they keep."""
        images = self.perturbation.images(chunk)
        return self.model(images, self.perturbation.kept_pixels)

    def _precision(self, device: torch.device):
        if self.autocast and device.type == "cuda":
            return torch.autocast("cuda", dtype=torch.float16)
        return contextlib.nullcontext()

    def _first_batch(self, chunk: torch.Tensor, reporter: Reporter) -> torch.Tensor:
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
