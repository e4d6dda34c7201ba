"""Load a model with its card and wrap it as ``batch -> (batch, targets)`` on a device.

:class:`ExplainableModel` is what the explanation engine talks to. It splits the card's
preprocessing in two:

* :meth:`ExplainableModel.prepare` applies the per-value part (``x * scale + offset``)
  once to the whole image, so that perturbed features take the baseline in model-input
  units (0 = "nothing there", as the models are trained to see masked pixels);
* :meth:`ExplainableModel.__call__` applies the spatial part (pad to square, resize)
  batch-wise on the device after perturbation, so attributions stay on the raster's grid.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F

from .device import resolve_device
from .errors import HsiLimeError
from .model_card import ModelCard, card_path_for, read_card_file

TORCHSCRIPT_SUFFIXES = (".pt", ".pth", ".ts", ".torchscript", ".jit")


class ExplainableModel:
    """A model plus its card, callable on batches of images in model-input units.

    Parameters
    ----------
    network : callable
        Maps a float tensor (B, C, H', W') to (B, T) (or (B,) for one target).
    card : ModelCard
    device : torch.device
    device_note : str
        Why this device was chosen (logged by the caller).
    """

    def __init__(self, network: Callable, card: ModelCard, device: torch.device, device_note: str = ""):
        self.network = network
        self.card = card
        self.device = device
        self.device_note = device_note

    @property
    def target_names(self) -> list[str] | None:
        """Output names from the card, or None when the card does not name them."""
        return list(self.card.targets) if self.card.targets else None

    def check_bands(self, n_bands: int, what: str = "INPUT") -> None:
        """Refuse a raster whose band count differs from the card's."""
        if self.card.bands is not None and self.card.bands != n_bands:
            raise HsiLimeError(
                f"{what}: the raster has {n_bands} bands but the model card {self.card.source} says the model "
                f"takes {self.card.bands} bands; choose the raster the model was trained for, or fix "
                "'input.bands' in the card."
            )

    def prepare(self, image: torch.Tensor) -> torch.Tensor:
        """Raw values (C, H, W) -> model-input units, ``x * scale + offset``."""
        if self.card.scale == 1.0 and self.card.offset == 0.0:
            return image
        return image * self.card.scale + self.card.offset

    def __call__(self, batch: torch.Tensor) -> torch.Tensor:
        """Pad/resize a batch (B, C, H, W) as the card says and run the network: (B, T)."""
        if self.card.pad_to_square:
            height, width = batch.shape[-2:]
            side = max(height, width)
            batch = F.pad(batch, (0, side - width, 0, side - height))
        if self.card.size is not None and tuple(batch.shape[-2:]) != self.card.size:
            batch = F.interpolate(batch, size=self.card.size, mode="bilinear", align_corners=False)
        output = self.network(batch)
        if isinstance(output, (tuple, list)):
            output = output[0]
        return output.reshape(output.shape[0], -1)


def load_model(path: str | Path, device: str | torch.device = "auto") -> ExplainableModel:
    """Load a TorchScript model and its sidecar card onto ``device``.

    Parameters
    ----------
    path : path-like
        A TorchScript file (``torch.jit.save``).
    device : {"auto", "cpu", "cuda"}

    Returns
    -------
    ExplainableModel

    Without a card, the model gets default settings (targets named ``t0``, ``t1``...,
    native size, no scaling) and a warning lists them.
    """
    path = Path(path)
    if not path.is_file():
        raise HsiLimeError(f"MODEL: the model file {path} does not exist; choose an existing TorchScript file.")
    torch_device, note = resolve_device(device)
    network = _load_torchscript(path, torch_device)
    card_path = card_path_for(path)
    if card_path.is_file():
        card = read_card_file(card_path)
    else:
        card = ModelCard(targets=[], source="defaults")
        warnings.warn(
            f"MODEL: no model card {card_path} was found; using defaults: task regression, targets named "
            "t0, t1, ..., the raster's native size, no scaling (scale 1, offset 0).",
            stacklevel=2,
        )
    return ExplainableModel(network, card, torch_device, note)


def _load_torchscript(path: Path, device: torch.device):
    try:
        with warnings.catch_warnings():  # torch 2.9+ calls TorchScript deprecated; it is what users have
            warnings.filterwarnings("ignore", message=r".*torch\.jit\.load.*", category=DeprecationWarning)
            warnings.filterwarnings("ignore", message=r".*torch\.jit\.load.*", category=UserWarning)
            network = torch.jit.load(str(path), map_location=device)
    except (RuntimeError, ValueError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise HsiLimeError(
            f"MODEL: {path} is not a TorchScript model (torch.jit.load says: {first_line}); export the model "
            "with torch.jit.save(torch.jit.script(model), path) or torch.jit.trace, then choose that file."
        ) from None
    network.eval()
    return network
