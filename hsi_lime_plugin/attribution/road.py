"""ROAD: deletion with the removed pixels imputed from their neighbours (Rong et al. 2022).

Today's deletion curve replaces removed segments by the baseline, so a model may react to the
baseline's shape (a segment of zeros) rather than to the information removed. ROAD (RemOve And
Debias, Rong, Leemann, Borisov, Kasneci and Kasneci, ICML 2022) imputes every removed pixel instead:
each takes the weighted mean of its 8 neighbours (1/6 for the 4 sharing an edge, 1/12 for the
diagonal ones, renormalised where some lie outside the image or hold no data), the removed ones
among them unknowns too. That is one sparse linear system per removal step for all bands at once
(``scipy.sparse.linalg.splu``, one factorisation, one right-hand side per band), plus Gaussian
noise of :data:`NOISE` times each band's standard deviation, seeded ("noisy linear imputation"),
which hides the imputation's smoothness from the model.

:func:`road_curves` removes segments from the most positive attribution down, at up to
:data:`STEPS` + 1 points; :mod:`.faithfulness` integrates the output scaled as the deletion curve is
(the image 1, every feature at the baseline 0), so that ``road_deletion_auc`` reads beside
``deletion_auc``: lower is better, and near 1 the model does not react to the imputed regions at all.
"""
from __future__ import annotations

import numpy as np
import torch

from ..reporting import Reporter

#: Removal steps of the curve (ROAD's usual 10 % increments).
STEPS = 10
#: Imputation noise, as a fraction of each band's standard deviation over the valid pixels.
NOISE = 0.01
#: Pull of every unknown towards its band's mean: keeps a system solvable whose region touches no known pixel.
ANCHOR = 1e-6
#: Neighbour offsets (row, column) and their weights.
NEIGHBOURS = [((-1, 0), 1 / 6), ((1, 0), 1 / 6), ((0, -1), 1 / 6), ((0, 1), 1 / 6),
              ((-1, -1), 1 / 12), ((-1, 1), 1 / 12), ((1, -1), 1 / 12), ((1, 1), 1 / 12)]


def impute(image: np.ndarray, removed: np.ndarray, valid: np.ndarray, generator: np.random.Generator) -> np.ndarray:
    """(C, H, W) ``image`` with the ``removed`` pixels (H, W) imputed from their neighbours, noise added.

    Pixels that are not ``valid`` neither are imputed nor count as neighbours.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import splu

    removed = removed & valid
    if not removed.any():
        return image
    channels, height, width = image.shape
    unknown = np.flatnonzero(removed.reshape(-1))
    number = np.full(height * width, -1)
    number[unknown] = np.arange(len(unknown))
    rows, columns = np.divmod(unknown, width)
    flat = image.reshape(channels, -1).astype(np.float64)
    mean = flat[:, valid.reshape(-1)].mean(axis=1)
    entries, rhs, total = [], np.zeros((len(unknown), channels)), np.zeros(len(unknown))
    for (dy, dx), weight in NEIGHBOURS:
        r, c = rows + dy, columns + dx
        inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
        neighbour = np.where(inside, r * width + c, 0)
        usable = inside & valid.reshape(-1)[neighbour]
        total += weight * usable
        known = usable & (number[neighbour] < 0)
        rhs[known] += weight * flat[:, neighbour[known]].T
        linked = usable & (number[neighbour] >= 0)
        entries.append((np.flatnonzero(linked), number[neighbour[linked]], np.full(linked.sum(), -weight)))
    scale = np.where(total > 0, total, 1.0)
    i = np.concatenate([e[0] for e in entries] + [np.arange(len(unknown))])
    j = np.concatenate([e[1] for e in entries] + [np.arange(len(unknown))])
    v = np.concatenate([e[2] / scale[e[0]] for e in entries] + [np.full(len(unknown), 1.0 + ANCHOR)])
    system = coo_matrix((v, (i, j)), shape=(len(unknown),) * 2).tocsc()
    values = splu(system).solve(rhs / scale[:, None] + ANCHOR * mean[None])
    spread = flat[:, valid.reshape(-1)].std(axis=1)
    values += generator.normal(size=values.shape) * (NOISE * spread)[None]
    result = flat.copy()
    result[:, unknown] = values.T
    return result.reshape(image.shape).astype(image.dtype)


def road_curves(model, prepared, labels: np.ndarray, scores: np.ndarray, columns: list[int], batch: int, seed: int,
                reporter: Reporter) -> tuple[np.ndarray, np.ndarray]:
    """The ROAD deletion curves of segment ``labels`` (H, W) with ``scores`` (T, K) (columns: the segments in
    increasing label order): the model outputs ``columns`` (T, S) of the prepared image
    (:func:`~hsi_lime_plugin.models.preparation.prepare_image`) as the segments are imputed, most positive
    first, and the fractions removed (S,)."""
    ids = np.unique(labels[labels > 0])
    n_features = len(ids)
    steps = np.unique(np.round(np.linspace(0, n_features, min(n_features, STEPS) + 1)).astype(np.int64))
    inputs = prepared.inputs
    image = inputs.detach().cpu().numpy()
    valid = np.ones(image.shape[1:], dtype=bool) if prepared.mask is None else prepared.mask
    position = np.searchsorted(ids, labels)
    generator = np.random.default_rng(seed)
    curves = np.zeros((len(scores), len(steps)))
    for target, order in enumerate(np.argsort(-scores, axis=1, kind="stable")):
        rank = np.empty(n_features, dtype=np.int64)
        rank[order] = np.arange(n_features)
        pixel_rank = np.where(labels > 0, rank[np.minimum(position, n_features - 1)], n_features)
        images = np.stack([impute(image, pixel_rank < step, valid, generator) for step in steps])
        curves[target] = _outputs(model, images, columns[target], batch, inputs)
        reporter.check_cancelled()
        reporter.progress((target + 1) / len(scores))
    return curves, steps / n_features


def _outputs(model, images: np.ndarray, column: int, batch: int, like: torch.Tensor) -> np.ndarray:
    """The model's output ``column`` on ``images`` (S, C, H, W), ``batch`` at a time."""
    values = []
    with torch.inference_mode():
        for start in range(0, len(images), batch):
            chunk = torch.as_tensor(images[start:start + batch], dtype=like.dtype, device=like.device)
            values.append(model(chunk)[:, column].to(torch.float64).cpu().numpy())
    return np.concatenate(values)
