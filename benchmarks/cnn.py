"""The small CNN every side of the benchmark explains (imported by both virtual environments).

Four regression outputs (think P, K, Mg, pH of a HYPERVIEW field) from a 150-band image:
three strided 3 x 3 convolutions, global average pooling and a linear head. Its weights
are drawn once with a fixed seed and saved with ``torch.save(state_dict)``; every side
loads the same file.
"""
from __future__ import annotations

import torch
from torch import nn

SEED = 20240604


class SmallCNN(nn.Module):
    def __init__(self, bands: int = 150, outputs: int = 4):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(bands, 32, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(64, 64, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )
        self.head = nn.Linear(64, outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def make_weights(path, bands: int = 150, outputs: int = 4) -> None:
    """Draw the weights with :data:`SEED` and save the state dict to ``path``."""
    torch.manual_seed(SEED)
    torch.save(SmallCNN(bands, outputs).state_dict(), path)


def load_model(path, bands: int = 150, outputs: int = 4) -> SmallCNN:
    """The network with the saved weights, in eval mode on the CPU."""
    model = SmallCNN(bands, outputs)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.eval()
