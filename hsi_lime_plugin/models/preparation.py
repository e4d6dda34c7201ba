"""The inputs every attribution method prepares the same way: the model, the image, its valid
mask, the targets to explain, and the checks on the model's outputs."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .device import resolve_device
from ..errors import HsiLimeError, arg
from .card import ModelCard
from .explainable import ExplainableModel
from ..reporting import Reporter
from .targets import default_target_names, select_targets


def explainable(model, device, reporter: Reporter) -> ExplainableModel:
    """``model`` as an ExplainableModel: a loaded one as is, a bare callable wrapped without card."""
    if isinstance(model, ExplainableModel):
        return model
    torch_device, note = resolve_device(device)
    reporter.info(note)
    return ExplainableModel(model, ModelCard(targets=[], source="(a callable without card)"), torch_device, note)


@dataclass
class PreparedImage:
    """An image ready for perturbation: the model on its device, the raw pixels (C, H, W) as a tensor,
    the image in perturbation space with nodata pixels zeroed (``inputs``), and the valid mask (or None)."""

    model: ExplainableModel
    pixels: torch.Tensor
    inputs: torch.Tensor
    mask: np.ndarray | None

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(self.pixels.shape)


def prepare_image(model, image, valid, device, reporter: Reporter) -> PreparedImage:
    """What every method does first: the model as an ExplainableModel bound to the image's valid pixels
    (:meth:`ExplainableModel.on_image`: what a model that takes spectra averages over), the image on its
    device mapped to perturbation space by the card, and the pixels without data set to 0 there (as models
    see masked pixels)."""
    model = explainable(model, device, reporter)
    pixels = image_tensor(image, model.device)
    mask = valid_mask(valid, pixels.shape)
    model = model.on_image(mask)
    inputs = model.prepare(pixels)
    if mask is not None:
        inputs = inputs * torch.as_tensor(mask, device=model.device)
    return PreparedImage(model, pixels, inputs, mask)


def image_tensor(image, device: torch.device) -> torch.Tensor:
    pixels = torch.as_tensor(np.asarray(image), dtype=torch.float32, device=device)
    if pixels.ndim != 3:
        raise HsiLimeError(f"{arg('image')}: expected a (bands, height, width) array, got shape {tuple(pixels.shape)}.")
    return pixels


def valid_mask(valid, shape) -> np.ndarray | None:
    if valid is None:
        return None
    mask = np.asarray(valid, dtype=bool)
    if mask.shape != tuple(shape[1:]):
        raise HsiLimeError(f"{arg('valid')}: mask shape {mask.shape} differs from the image's {tuple(shape[1:])}.")
    return mask


def output_targets(model: ExplainableModel, n_outputs: int, requested, prediction=None) -> tuple[list[str], list[int]]:
    """The output names (from the card, else t0, t1, ...) and the indices of the requested targets."""
    names = model.target_names or default_target_names(n_outputs)
    if len(names) != n_outputs:
        raise HsiLimeError(
            f"{arg('model')}: the model card {model.card.source} names {len(names)} targets ({', '.join(names)}) but "
            f"the model returns {n_outputs} outputs; list one name per output in 'targets'."
        )
    return names, select_targets(names, requested, prediction)


def check_finite(outputs: torch.Tensor, names: list[str]) -> None:
    """Refuse NaN or infinite model outputs: a surrogate fitted to them is meaningless."""
    bad = ~torch.isfinite(outputs)
    if not bool(bad.any()):
        return
    rows = torch.nonzero(bad.any(dim=1)).flatten()
    targets = [name for name, column in zip(names, bad.any(dim=0).tolist()) if column]
    where = "the unperturbed image" if int(rows[0]) == 0 else f"perturbed image {int(rows[0])}"
    raise HsiLimeError(
        f"{arg('model')}: the model returned NaN or infinite values for {len(rows)} of {len(outputs)} images "
        f"(targets {', '.join(targets)}; the first on {where}); nothing was written. Check that the raster is "
        "scaled as the model expects (input.scale, input.offset, input.mean and input.std in the model card) and "
        f"that the model handles the {arg('baseline')} value of removed features."
    )


def sample_bytes(inputs: torch.Tensor, model: ExplainableModel) -> int:
    """Bytes one perturbed sample occupies, before and after the card's resizing."""
    return shape_bytes(tuple(inputs.shape), model, inputs.element_size())


def shape_bytes(shape: tuple[int, int, int], model: ExplainableModel, element_size: int = 4) -> int:
    """Bytes one perturbed sample of ``shape`` (C, H, W) occupies, before and after the card's resizing:
    what :func:`sample_bytes` says, from the shape alone (before any pixel is read)."""
    channels, height, width = shape
    if model.card.size is not None:
        height, width = max(height, model.card.size[0]), max(width, model.card.size[1])
    return int(channels * height * width * element_size * 2)
