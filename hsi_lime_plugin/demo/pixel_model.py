"""A per-pixel MLP for the explorer's tests and benchmarks: spectra in, one value per target out.

The demo's soil model reads images; "explain here" explains a single pixel only for a model of layout
``pixels``. :func:`write_pixel_mlp` saves a small multilayer perceptron with seeded random weights as
TorchScript, with its card (``input.layout: "pixels"``): no training, the same file for the same seed.
Wide and deep hidden layers make a deliberately slow model (a run long enough to be cancelled).
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import torch
from torch import nn

from ..outputs.atomic import atomic_output


class PixelMLP(nn.Module):
    """(N, bands) spectra in model units -> (N, targets), ReLU between the layers."""

    def __init__(self, bands: int, targets: int, hidden: tuple[int, ...] = (64, 32)):
        super().__init__()
        sizes = [bands, *hidden]
        layers: list[nn.Module] = []
        for width_in, width_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(width_in, width_out), nn.ReLU()]
        self.body = nn.Sequential(*layers, nn.Linear(sizes[-1], targets))

    def forward(self, spectra: torch.Tensor) -> torch.Tensor:
        return self.body(spectra)


def write_pixel_mlp(path, bands: int, targets: list[str], hidden: tuple[int, ...] = (64, 32), scale: float = 1e-4,
                    seed: int = 0) -> Path:
    """Save a :class:`PixelMLP` with seeded random weights and its card (layout ``pixels``, ``scale``) beside it."""
    path = Path(path)
    generator = torch.Generator().manual_seed(seed)
    model = PixelMLP(bands, len(targets), tuple(hidden))
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator) / parameter.shape[-1] ** 0.5)
    with atomic_output(path, "pixel model") as temporary, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.", category=DeprecationWarning)
        torch.jit.save(torch.jit.script(model.eval()), str(temporary))
    card = {"task": "regression", "targets": list(targets), "input": {"layout": "pixels", "scale": scale}}
    path.with_suffix(".json").write_text(json.dumps(card), encoding="utf-8")
    return path
