"""Image baselines for spatial explanations, made from the image itself (in perturbation space).

* :func:`blurred`: each band Gaussian-blurred (``scipy.ndimage.gaussian_filter``, sigma in pixels).
  A removed segment keeps the coarse spectrum of its neighbourhood and loses its own detail:
  "does the model need this region's structure, or is its neighbourhood's average enough?".
  Pixels without data do not enter the blur (normalised convolution: the blur of the valid pixels
  divided by the blur of the valid mask).
* :func:`inpainted`: each segment filled from its surroundings by biharmonic inpainting
  (``skimage.restoration.inpaint_biharmonic``): "what if this region looked like what is around
  it?". Segments are inpainted from the original pixels around them; segments that lie apart are
  inpainted in the same call (scikit-image solves each connected region on its own), so that the
  calls number the colours of a colouring of the segments' neighbourhood graph, not the segments.
  Pixels without data around a segment take their nearest valid pixel's spectrum first, so that
  a field's edge is not pulled towards 0.

Both are computed once per image: a removed segment then takes the baseline image's pixels.
"""
from __future__ import annotations

import numpy as np
import torch

from ..errors import HsiLimeError, arg

#: Segments closer than this many pixels (Chebyshev distance) are never inpainted in the same call: scikit-image
#: joins masked regions within one pixel of each other after a one-pixel dilation.
APART = 3


def blurred(inputs: torch.Tensor, mask: np.ndarray | None, sigma: float) -> torch.Tensor:
    """(C, H, W) ``inputs`` with each band Gaussian-blurred over the valid pixels (``sigma`` pixels)."""
    from scipy.ndimage import gaussian_filter

    values = inputs.detach().cpu().numpy().astype(np.float64)
    weight = np.ones(values.shape[1:]) if mask is None else np.asarray(mask, dtype=np.float64)
    spread = (0.0, float(sigma), float(sigma))
    total = gaussian_filter(values * weight[None], sigma=spread, mode="constant")
    norm = gaussian_filter(weight, sigma=float(sigma), mode="constant")
    image = np.where(norm[None] > 1e-12, total / np.where(norm > 1e-12, norm, 1.0)[None], 0.0)
    return torch.as_tensor(image.astype(np.float32), device=inputs.device)


def inpainted(inputs: torch.Tensor, mask: np.ndarray | None, labels) -> torch.Tensor:
    """(C, H, W) ``inputs`` with every segment of ``labels`` (H, W; 0: none) inpainted from its surroundings."""
    from skimage.restoration import inpaint_biharmonic

    labels = np.asarray(labels, dtype=np.int64)
    if mask is not None:
        labels = np.where(mask, labels, 0)
    # (H, W, C), contiguous: scikit-image walks the array by its strides
    image = np.ascontiguousarray(np.moveaxis(_filled(inputs.detach().cpu().numpy(), mask), 0, -1))
    result = image.copy()
    for colour in colour_segments(labels):
        region = np.isin(labels, colour)
        if region.all():
            raise HsiLimeError(
                f"{arg('baseline')} inpaint: one segment covers the whole image, which leaves no surroundings to fill "
                f"it from; choose {arg('baseline', 'blur')} or {arg('baseline', 'background')}, or more segments."
            )
        painted = inpaint_biharmonic(image, region, split_into_regions=True, channel_axis=-1)
        result[region] = painted[region]
    return torch.as_tensor(np.ascontiguousarray(np.moveaxis(result, -1, 0)).astype(np.float32), device=inputs.device)


def _filled(values: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """(C, H, W) values with every pixel without data taking its nearest valid pixel's spectrum."""
    if mask is None or mask.all() or not mask.any():
        return values
    from scipy.ndimage import distance_transform_edt

    _, (rows, columns) = distance_transform_edt(~np.asarray(mask, dtype=bool), return_indices=True)
    return values[:, rows, columns]


def colour_segments(labels: np.ndarray, apart: int = APART) -> list[np.ndarray]:
    """The segment ids of ``labels`` in groups (colours) whose members lie at least ``apart`` + 1 pixels apart.

    The neighbour pairs come from comparing the label map with its shifts (one array operation per
    shift); the colouring is greedy, largest neighbourhoods first.
    """
    height, width = labels.shape
    pairs = [np.zeros((0, 2), dtype=np.int64)]
    for dy in range(0, apart + 1):
        for dx in range(-apart, apart + 1):
            if dy == 0 and dx <= 0:
                continue
            a = labels[: height - dy, max(0, -dx): width - max(0, dx)]
            b = labels[dy:, max(0, dx): width - max(0, -dx)]
            touch = (a > 0) & (b > 0) & (a != b)
            pairs.append(np.stack([a[touch], b[touch]], axis=1))
    pairs = np.unique(np.sort(np.concatenate(pairs), axis=1), axis=0)
    ids = np.unique(labels[labels > 0])
    neighbours = {int(i): set() for i in ids}
    for first, second in pairs.tolist():
        neighbours[first].add(second)
        neighbours[second].add(first)
    colour_of: dict[int, int] = {}
    for segment in sorted(neighbours, key=lambda s: -len(neighbours[s])):
        taken = {colour_of[n] for n in neighbours[segment] if n in colour_of}
        colour_of[segment] = next(c for c in range(len(taken) + 1) if c not in taken)
    colours = np.array([colour_of[int(i)] for i in ids])
    return [ids[colours == c] for c in range(int(colours.max()) + 1)] if len(ids) else []
