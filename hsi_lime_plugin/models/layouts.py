"""The spectral input layouts: how a model that takes spectra answers for a batch of images.

The engine perturbs images (B, C, H, W) whatever the model takes, so that every method
(LIME and Kernel SHAP, spatial and spectral, gradients, occlusion, faithfulness, map scale)
works with every layout without knowing it. For a model that takes spectra
(:class:`~hsi_lime_plugin.models.explainable.ExplainableModel` with ``layout`` ``pixels`` or
``mean_spectrum``), a perturbed image becomes:

* ``pixels``: its valid pixels as spectra (B * P, C) (:func:`pixel_spectra`); the model's
  per-pixel outputs are averaged over the P valid pixels of each image, so an image's
  prediction is the mean prediction over its pixels (values for regression, probabilities
  for classification). A pixel a spatial perturbation removed holds the baseline and is
  predicted like any other pixel, as an image model would see it.
* ``mean_spectrum``: the mean spectrum (B, C) of the valid pixels each image keeps
  (:func:`kept_mean`). Removed pixels leave the mean, so a spatial perturbation asks how the
  region's mean spectrum changes without them; switching off bands sets those bands of the
  mean to the baseline. Which pixels an image keeps travels with the batch from the
  evaluator (``kept_pixels``): a removed pixel cannot be told from a pixel whose value is 0
  in model units. An image that keeps none of its pixels gets the mean of all its valid
  pixels, which are then all at the baseline: the model's output on the baseline.

Both are one gather or one weighted sum over the whole batch, never a loop over pixels.
"""
from __future__ import annotations

import torch


def pixel_index(valid: torch.Tensor) -> torch.Tensor:
    """The flat indices (P,) of the True pixels of ``valid`` (H, W)."""
    return torch.nonzero(valid.reshape(-1)).reshape(-1)


def pixel_spectra(batch: torch.Tensor, index: torch.Tensor | None) -> torch.Tensor:
    """(B, C, H, W) -> (B, P, C): the spectra of the pixels at ``index`` (None: every pixel).

    A channels-last batch (what the evaluator builds) becomes rows without a copy before the gather.
    """
    batches, channels = batch.shape[:2]
    rows = batch.permute(0, 2, 3, 1).reshape(batches, -1, channels)
    return rows if index is None else rows.index_select(1, index)


def kept_mean(batch: torch.Tensor, valid: torch.Tensor | None, kept: torch.Tensor | None) -> torch.Tensor:
    """(B, C, H, W) -> (B, C): each image's mean spectrum over its valid pixels that ``kept`` (B, 1, H, W)
    keeps (None: all); over all its valid pixels where it keeps none."""
    batches, _, height, width = batch.shape
    weight = torch.ones((1, height, width), dtype=batch.dtype, device=batch.device) if valid is None else \
        valid.to(batch.dtype)[None]
    if kept is not None:
        kept_weight = weight * kept.reshape(batches, height, width).to(batch.dtype)
        empty = kept_weight.sum(dim=(1, 2)) == 0
        weight = torch.where(empty[:, None, None], weight, kept_weight)
    weight = weight.expand(batches, height, width)
    total = torch.einsum("bchw,bhw->bc", batch, weight)
    return total / weight.sum(dim=(1, 2)).clamp(min=1.0)[:, None]
