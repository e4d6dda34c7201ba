"""Occlusion through the engine's batched evaluator: sliding windows of pixels or of bands.

A window is a box (bands x rows x columns) set to the baseline. Each element's
attribution for a target is, as in captum's ``Occlusion``, the mean over the windows that
cover it of ``f(x) - f(x with the window at the baseline)``. Windows start every
``stride`` elements along each axis; the last one is clipped at the edge, so every
element is covered.

``window`` is an int (a square of that many pixels, all bands: spatial occlusion) or a
tuple (bands, rows, columns) where 0 means the whole extent of that axis: ``(5, 0, 0)``
occludes 5 bands of the whole image at a time (spectral occlusion). ``stride`` takes
the same forms; None means the window's size (windows that do not overlap).

Every window of every target is evaluated once: one model pass gives all targets. The
windows go through :class:`~hsi_lime_plugin.perturbation.evaluator.Evaluator` in fixed-size batches
(cancel and progress per batch), each batch built by broadcast comparisons (no loop per
window). With a background set a window takes background spectra, and its drop is the
expectation ``f(x) - E_b f(x with the window at b)`` (every spectrum in the exact mode, one
drawn spectrum per window in the sampled mode).
"""
from __future__ import annotations

import numpy as np
import torch

from ..errors import HsiLimeError, arg
from ..perturbation.background import ExpectedEvaluator
from ..perturbation.baseline import Baseline
from ..perturbation.buffers import BatchBuffer
from ..perturbation.evaluator import Evaluator
from ..reporting import Reporter


def window_shape(value, shape: tuple[int, int, int], name: str) -> tuple[int, int, int]:
    """``window``/``stride`` as (bands, rows, columns) within the image ``shape`` (C, H, W)."""
    if isinstance(value, str):
        text = value
        parts = [p for p in text.replace("x", ",").split(",") if p.strip()]
        try:
            value = int(parts[0]) if len(parts) == 1 else tuple(int(p) for p in parts)
        except (ValueError, IndexError):
            raise HsiLimeError(
                f"{arg(name)}: '{text}' is not a window; give pixels (8) or bands,rows,columns (5,0,0 for 5 bands "
                "over the whole image)."
            ) from None
    sizes = (0, int(value), int(value)) if np.isscalar(value) else tuple(int(v) for v in value)
    if len(sizes) != 3 or any(v < 0 for v in sizes) or (np.isscalar(value) and int(value) < 1):
        raise HsiLimeError(
            f"{arg(name)}: {value!r} is not a window; give a positive number of pixels, or (bands, rows, columns) "
            "with 0 for a whole axis."
        )
    return tuple(extent if v == 0 else min(v, extent) for v, extent in zip(sizes, shape))


def windows(shape: tuple[int, int, int], window, stride) -> np.ndarray:
    """All windows as rows (band0, band1, row0, row1, col0, col1), half-open, clipped at the edges."""
    size = window_shape(window, shape, "window")
    step = size if stride is None else window_shape(stride, shape, "stride")
    axes = []
    for extent, w, s in zip(shape, size, step):
        count = int(np.ceil(max(extent - w, 0) / s)) + 1
        start = np.arange(count) * s
        axes.append(np.stack([start, np.minimum(start + w, extent)], axis=1))
    grid = np.meshgrid(*(np.arange(len(a)) for a in axes), indexing="ij")
    return np.concatenate([axes[a][grid[a].reshape(-1)] for a in range(3)], axis=1).astype(np.int64)


class WindowPerturbation:
    """Batches of images with one window each at the baseline (the evaluator's perturbation).

    Rows of ``samples`` are windows (6 bounds); padding rows are empty windows (the image itself).
    With a background set each row has its own spectrum (``rows`` of :meth:`images`).
    """

    def __init__(self, inputs: torch.Tensor, baseline: Baseline, batch: int, memory_format=torch.contiguous_format):
        self.inputs, self.baseline, self.batch, self.memory_format = inputs, baseline, batch, memory_format
        self.values = baseline.mean_image(inputs) if baseline.rows is None else None
        channels, height, width = inputs.shape
        self.positions = [torch.arange(n, device=inputs.device) for n in (channels, height, width)]
        self.buffer = BatchBuffer((batch, channels, height, width), inputs.dtype, inputs.device, memory_format)
        self.empty = torch.zeros((batch, 6), dtype=torch.long, device=inputs.device)
        self.kept_pixels = None

    def with_memory_format(self, memory_format) -> "WindowPerturbation":
        return WindowPerturbation(self.inputs, self.baseline, self.batch, memory_format)

    def masks(self, bounds: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) bool: inside each row's window."""
        inside = [(p[None] >= bounds[:, 2 * a, None]) & (p[None] < bounds[:, 2 * a + 1, None])
                  for a, p in enumerate(self.positions)]
        return inside[0][:, :, None, None] & inside[1][:, None, :, None] & inside[2][:, None, None, :]

    def images(self, samples: torch.Tensor, rows: torch.Tensor | None = None) -> torch.Tensor:
        bounds = self.empty.clone()
        bounds[: samples.shape[0]] = samples
        inside = self.masks(bounds)
        buffer = self.buffer.get()
        if self.values is None:
            values = self.baseline.rows[rows]
            values = torch.cat([values, values[:1].expand(self.batch - len(values), -1)])[:, :, None, None]
        else:
            values = self.values[None]
        torch.where(inside, values, self.inputs[None], out=buffer)
        self.kept_pixels = (~inside.all(dim=1, keepdim=True)).to(self.inputs.dtype)  # a window over every band removes the pixel
        return buffer


def occlusion(model, inputs: torch.Tensor, baseline: Baseline, targets: list[int], window, stride, batch_size: int,
              reporter: Reporter) -> tuple[torch.Tensor, torch.Tensor]:
    """Occlusion attributions (T, C, H, W) and the model's outputs on the image (all outputs).

    ``inputs`` is the image in perturbation space, ``baseline`` the baseline there.
    """
    bounds = windows(tuple(inputs.shape), window, stride)
    samples = torch.as_tensor(np.concatenate([np.zeros((1, 6), np.int64), bounds]), device=inputs.device)
    evaluations = len(samples) if baseline.plan is None else len(baseline.plan.evaluations(*_ends(samples))[0])
    batch = int(min(max(1, batch_size), evaluations))
    reporter.info(f"occlusion: {len(bounds)} windows, {evaluations} model evaluations in batches of {batch}")
    perturbation = WindowPerturbation(inputs, baseline, batch, torch.channels_last)
    evaluator = Evaluator(model, perturbation)
    if baseline.plan is not None:
        evaluator = ExpectedEvaluator(evaluator, baseline.plan, _ends)
    outputs = evaluator.evaluate(samples, reporter).to(inputs.dtype)
    drops = outputs[:1, targets] - outputs[1:, targets]  # (N, T)
    b = torch.as_tensor(bounds, device=inputs.device)
    inside = [
        ((p[None] >= b[:, 2 * a, None]) & (p[None] < b[:, 2 * a + 1, None])).to(inputs.dtype)
        for a, p in enumerate(perturbation.positions)
    ]
    total = torch.einsum("nt,nc,nh,nw->tchw", drops, *inside)
    count = torch.einsum("nc,nh,nw->chw", *inside)
    return total / count.clamp(min=1.0), outputs[0]


def _ends(bounds: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Which rows of window bounds are the image itself (the empty window first); none removes everything."""
    full = (bounds == 0).all(dim=1).cpu()
    return full, torch.zeros_like(full)
