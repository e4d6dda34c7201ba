"""The demo soil model: trained on the demo scene's pixels, saved as TorchScript with its card.

The model sees only locally continuum-removed band depths and is trained to ignore lost
bands outside the features, so zeroing bands changes each prediction mainly through that
target's own absorption window: the truth an explanation should recover.
"""
from __future__ import annotations

import json
import time
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

from ..outputs.atomic import atomic_output
from .scene import DEMO_TARGETS, REFLECTANCE_SCALE, WAVELENGTHS, DemoScene, feature_bands

if TYPE_CHECKING:
    from . import DemoPaths

#: The model: bands a band depth is measured against on each side, and its layer widths.
DEPTH_STEP = 3
HIDDEN = (32, 16)
#: Reflectance below this counts as "no signal" when taking logarithms (zeroed bands).
REFLECTANCE_FLOOR = 0.01
TRAINING_STEPS = 2500
BATCH_SIZE = 256
HELD_OUT_FRACTION = 0.2
#: Probability that band dropout removes a whole feature window from a training sample.
WINDOW_DROPOUT = 0.2



class DemoSoilModel(nn.Module):
    """Per-pixel soil regression from local band depths, averaged over the pixels with data.

    Each pixel's spectrum (reflectance, 0-1) becomes band depths relative to the bands
    :data:`DEPTH_STEP` on either side, in log space: ``log x[i] - (log x[i-s] + log x[i+s]) / 2``.
    The depth is local, linear in the planted absorption and blind to the continuum's
    brightness and slope, so the 1x1 convolutions on top (depths -> 32 -> 16 -> 4)
    learn from each target's own absorption. The image prediction is the mean of the
    pixel predictions over the pixels whose spectrum is not all zero, so pixels outside
    a field or perturbed away do not count.

    Training (:func:`train_model`) teaches it that a zeroed feature window shows no
    absorption, hence about none of that parameter, and that zeroed bands elsewhere
    change nothing. When every pixel is zero the output is the prediction for a
    featureless spectrum (all band depths 0: no absorption anywhere, so every target
    near 0), which is also what an all-zero pixel would predict: a constant baseline in
    real units, never a division by zero.

    Input (B, C, H, W) float of any height and width; output (B, 4) in ppm and pH units.
    """

    def __init__(self, bands: int, targets: int, step: int = DEPTH_STEP):
        super().__init__()
        self.step = step
        self.floor = REFLECTANCE_FLOOR
        first, second = HIDDEN
        self.head = nn.Sequential(
            nn.Conv2d(bands - 2 * step, first, 1),
            nn.ReLU(),
            nn.Conv2d(first, second, 1),
            nn.ReLU(),
            nn.Conv2d(second, targets, 1),
        )
        self.register_buffer("target_mean", torch.zeros(targets))
        self.register_buffer("target_std", torch.ones(targets))

    def band_depths(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) reflectance -> (B, C - 2 step, H, W) local log band depths."""
        log = torch.log(x.clamp(min=self.floor))
        step = self.step
        return log[:, step:-step] - 0.5 * (log[:, : -2 * step] + log[:, 2 * step :])

    def standardised(self, x: torch.Tensor) -> torch.Tensor:
        """Per-pixel predictions in standardised units (what training fits), (B, T, H, W)."""
        return self.head(self.band_depths(x))

    def pixel_predictions(self, x: torch.Tensor) -> torch.Tensor:
        """Per-pixel predictions in real units, (B, T, H, W)."""
        return self.standardised(x) * self.target_std[:, None, None] + self.target_mean[:, None, None]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) reflectance -> (B, T): mean pixel prediction over pixels with data."""
        has_data = (x != 0).any(dim=1, keepdim=True).to(x.dtype)
        count = has_data.sum(dim=(2, 3))
        total = (self.pixel_predictions(x) * has_data).sum(dim=(2, 3))
        featureless = self.pixel_predictions(torch.zeros_like(x[:1, :, :1, :1])).reshape(1, -1)
        return torch.where(count > 0, total / count.clamp(min=1.0), featureless)


@dataclass
class TrainingReport:
    """How well the demo model fits: R2 per target on held-out pixels, and the time taken."""

    r2: dict[str, float]
    seconds: float
    pixels: int


def train_model(scene: DemoScene, seed: int = 0) -> tuple[DemoSoilModel, TrainingReport]:
    """Fit :class:`DemoSoilModel` to the scene's pixel spectra, deterministically.

    Pixels with data are split at random into training and held-out pixels. Training
    batches get band dropout: random contiguous band ranges outside the feature windows
    are zeroed, and so are whole feature windows now and then, with that target set to 0
    (no absorption seen). So the model does not rely on bands that carry no soil
    parameter, and zeroing bands changes a prediction only through its own window.
    Runs on one thread (see the code) with ``seed``: the same seed gives the same model.

    Returns
    -------
    model : DemoSoilModel
        In eval mode, outputs in real units.
    report : TrainingReport
        R2 per target on the held-out pixels.
    """
    start = time.perf_counter()
    threads = torch.get_num_threads()
    # Batches are tiny: threads cost more than they gain, and one thread makes the result
    # independent of the machine's core count.
    torch.set_num_threads(1)
    try:
        model, r2, pixels = _train(scene, seed)
    finally:
        torch.set_num_threads(threads)
    return model, TrainingReport(r2, time.perf_counter() - start, pixels)


def _train(scene: DemoScene, seed: int) -> tuple[DemoSoilModel, dict[str, float], int]:
    """Split the pixels, fit the model and measure R2 on the held-out pixels."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    spectra, truth = _pixel_table(scene)
    order = torch.randperm(len(spectra), generator=generator)
    held_out = order[: int(HELD_OUT_FRACTION * len(order))]
    training = order[len(held_out) :]
    model = DemoSoilModel(len(WAVELENGTHS), len(DEMO_TARGETS))
    model.target_mean.copy_(truth[training].mean(dim=0))
    model.target_std.copy_(truth[training].std(dim=0))
    windows = torch.zeros(len(DEMO_TARGETS), len(WAVELENGTHS), dtype=torch.bool)
    for row, name in enumerate(DEMO_TARGETS):
        windows[row, torch.from_numpy(feature_bands(name))] = True
    _fit(model, spectra[training], (truth[training] - model.target_mean) / model.target_std, windows, generator)
    model.eval()
    with torch.no_grad():
        predicted = model.pixel_predictions(spectra[held_out][:, :, None, None])[:, :, 0, 0]
    return model, dict(zip(DEMO_TARGETS, _r2(predicted, truth[held_out]))), len(training)


def _pixel_table(scene: DemoScene) -> tuple[torch.Tensor, torch.Tensor]:
    """Spectra (N, C) in model-input units and truth (N, 4) of the pixels with data."""
    valid = scene.valid
    spectra = torch.from_numpy(scene.reflectance[:, valid].T.astype(np.float32) / REFLECTANCE_SCALE)
    truth = torch.from_numpy(scene.parameters[:, valid].T.copy())
    return spectra, truth


def _fit(
    model: DemoSoilModel,
    spectra: torch.Tensor,
    targets: torch.Tensor,
    windows: torch.Tensor,
    generator: torch.Generator,
) -> None:
    """Adam on mean squared error in standardised units, with band dropout.

    ``windows`` (T, C) marks the bands of each target's feature window. A sample whose
    window of a target was dropped shows no absorption there, and no absorption means
    none of that parameter (the planted depth is proportional to it): its target becomes
    0 in real units. Every other target must come out unchanged.
    """
    absent = -model.target_mean / model.target_std
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, TRAINING_STEPS)
    model.train()
    for _ in range(TRAINING_STEPS):
        batch = torch.randint(len(spectra), (BATCH_SIZE,), generator=generator)
        keep, window_lost = _band_dropout(BATCH_SIZE, windows, generator)
        predicted = model.standardised((spectra[batch] * keep)[:, :, None, None])[:, :, 0, 0]
        expected = torch.where(window_lost, absent, targets[batch])
        loss = torch.mean((predicted - expected) ** 2)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()


def _band_dropout(
    batch_size: int, windows: torch.Tensor, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random band dropout for a batch.

    Half the samples lose 1-4 random band ranges outside every feature window; each
    feature window is lost as a whole with probability :data:`WINDOW_DROPOUT`.

    Returns
    -------
    keep : torch.Tensor
        (batch, C) multipliers, 0 for a dropped band.
    window_lost : torch.Tensor
        bool (batch, T), True where the target's window was dropped.
    """
    targets, bands = windows.shape
    index = torch.arange(bands)
    outside = ~windows.any(dim=0)
    dropped = torch.zeros(batch_size, bands, dtype=torch.bool)
    for _ in range(4):
        start = torch.randint(bands, (batch_size, 1), generator=generator)
        length = torch.randint(3, 41, (batch_size, 1), generator=generator)
        used = torch.rand(batch_size, 1, generator=generator) < 0.5
        dropped |= used & (index >= start) & (index < start + length) & outside
    window_lost = torch.rand(batch_size, targets, generator=generator) < WINDOW_DROPOUT
    dropped |= (window_lost.to(torch.float32) @ windows.to(torch.float32)) > 0
    return (~dropped).to(torch.float32), window_lost


def _r2(predicted: torch.Tensor, truth: torch.Tensor) -> list[float]:
    """Coefficient of determination per column."""
    residual = ((predicted - truth) ** 2).sum(dim=0)
    total = ((truth - truth.mean(dim=0)) ** 2).sum(dim=0)
    return (1 - residual / total).tolist()


def save_model(model: DemoSoilModel, report: TrainingReport, seed: int, paths: DemoPaths) -> None:
    """Save the model as TorchScript and its card beside it, atomically."""
    with atomic_output(paths.model, "demo model") as temporary, warnings.catch_warnings():
        # torch 2.x deprecates TorchScript, but it is the format the plugin loads.
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.", category=DeprecationWarning)
        torch.jit.save(torch.jit.script(model), str(temporary))
    card = {
        "task": "regression",
        "targets": list(DEMO_TARGETS),
        "input": {"bands": len(WAVELENGTHS), "scale": 1.0 / REFLECTANCE_SCALE, "offset": 0.0,
                  "pad_to_square": False, "size": None},
        "description": "hsi-lime demo soil model: mean of per-pixel predictions over pixels with data.",
        "training": {"seed": seed, "seconds": round(report.seconds, 2), "pixels": report.pixels,
                     "held_out_r2": {name: round(value, 4) for name, value in report.r2.items()}},
    }
    with atomic_output(paths.card, "demo model card") as temporary:
        temporary.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
