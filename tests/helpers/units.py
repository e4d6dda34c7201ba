"""Small inputs of map-scale runs: a raster with an all-nodata corner, the HYPERVIEW fields as GeoTIFFs, and a
deliberately slow model (a Python recipe that logs every batch) for cancel and host-failure tests."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import from_origin

from .scene import CRS, TRANSFORM

HYPERVIEW_SCALE = 5419.0


def record_reads(monkeypatch, module) -> list:
    """The windows ``module`` reads through its ``read_raster`` from now on (None: a whole raster)."""
    windows = []
    original = module.read_raster

    def counting(path, window=None, **options):
        windows.append(window)
        return original(path, window=window, **options)

    monkeypatch.setattr(module, "read_raster", counting)
    return windows


def write_tile_raster(path: Path, bands: int = 8, height: int = 20, width: int = 30, nodata_box=(0, 0, 8, 8)) -> Path:
    """An int16 raster on the scene's grid whose pixels in ``nodata_box`` (row0, col0, row1, col1) are nodata."""
    data = np.random.default_rng(3).integers(500, 4000, size=(bands, height, width)).astype(np.int16)
    row0, col0, row1, col1 = nodata_box
    data[:, row0:row1, col0:col1] = -32768
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=bands, dtype="int16", crs=CRS,
                       transform=TRANSFORM, nodata=-32768) as dataset:
        dataset.write(data)
        for band in range(bands):
            dataset.update_tags(band + 1, wavelength=str(400 + 50 * band), wavelength_units="Nanometers")
    return Path(path)


def write_hyperview(folder: Path, shared_data: Path, samples=(2, 3, 4)) -> list[Path]:
    """The HYPERVIEW samples as small GeoTIFFs (nodata outside each field), wavelengths in the band tags."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    text = (shared_data / "hyperview" / "wavelengths.txt").read_text()
    wavelengths = [float(value) for value in text.replace("\n", ",").split(",") if value.strip()]
    paths = []
    for index, sample in enumerate(samples):
        with np.load(shared_data / "hyperview" / f"{sample}.npz") as npz:
            data, outside = npz["data"].astype(np.int16), npz["mask"].astype(bool)
        data = np.where(outside, np.int16(-32768), data)
        path = folder / f"{sample}.tif"
        transform = from_origin(500_000.0 + 1000.0 * index, 5_600_000.0, 2.0, 2.0)
        with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                           dtype="int16", crs=CRS, transform=transform, nodata=-32768) as dataset:
            dataset.write(data)
            for band, wavelength in enumerate(wavelengths, start=1):
                dataset.update_tags(band, wavelength=str(wavelength), wavelength_units="Nanometers")
        paths.append(path)
    return paths


SLOW_RECIPE = '''import os
import time

import torch

LOG = {log!r}
MODEL_CARD = {{"task": "regression", "targets": ["low", "high"], "input": {{"bands": 8, "scale": 1e-4}}}}


class Slow(torch.nn.Module):
    """Each batch takes {seconds} s; its start and end go to LOG (pid, start, end)."""

    def forward(self, batch):
        started = time.time()
        time.sleep({seconds})
        with open(LOG, "a") as log:
            log.write(f"{{os.getpid()}} {{started}} {{time.time()}}\\n")
        return torch.stack([batch[:, :3].mean(dim=(1, 2, 3)), batch[:, 5:7].mean(dim=(1, 2, 3))], dim=1)


def load_model(device):
    return Slow()
'''


def write_slow_recipe(path: Path, log: Path, seconds: float) -> Path:
    """A Python recipe whose every batch sleeps ``seconds`` and is logged (a deliberately slow unit)."""
    path.write_text(SLOW_RECIPE.format(log=str(log), seconds=seconds))
    return path


def batches(log: Path) -> list[tuple[int, float, float]]:
    """(pid, start, end) of every batch the slow recipe ran."""
    if not log.exists():
        return []
    return [(int(pid), float(start), float(end))
            for pid, start, end in (line.split() for line in log.read_text().splitlines())]
