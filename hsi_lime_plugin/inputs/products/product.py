"""What every sensor product presents to a run: a georeferenced reflectance cube, read whole or by window.

A :class:`Product` is opened from its main file (or metadata file) by its family's reader and holds
no open file: each :meth:`Product.read` opens what it reads, so a product is shared by threads and
shipped to Dask workers as its path. Reads return reflectance (0-1) as float32, the product's own
scale and offset applied, nodata pixels set to 0 and flagged invalid, on the product's map grid (an
EMIT swath orthorectified through its GLT).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from ...errors import HsiLimeError
from ..bands import BandInfo
from ..raster import Grid

#: A window (row, column, height, width) on the product's grid.
Window = tuple[int, int, int, int]
#: Rows of one band read at a time for a preview of the valid pixels.
PREVIEW_ROWS = 512


@dataclass
class Product:
    """A sensor product opened by its family's reader (subclasses implement :meth:`read_window`).

    Attributes
    ----------
    path : str
        The file the user gave (main file, metadata file or ZIP).
    name : str
        Sensor, level and quantity, as reports name it: ``"EMIT L2A surface reflectance"``.
    grid : Grid
        The map grid the cube is read on.
    bands : BandInfo
        Centres, FWHM, bad bands, and ``bands.product`` = ``name``.
    files : list of str
        Every file it reads (outputs must never overwrite them).
    band_names : list of str
    """

    path: str
    name: str
    grid: Grid
    bands: BandInfo
    files: list = field(default_factory=list)
    band_names: list = field(default_factory=list)

    def read(self, window: Window | None = None, bands=None) -> tuple[np.ndarray, np.ndarray]:
        """The cube of ``window`` (the whole grid by default) and of the 0-based ``bands`` (all by default):
        float32 (C, h, w) reflectance with 0 where invalid, and (h, w) bool, True where every good band
        holds data."""
        window = (0, 0, self.grid.height, self.grid.width) if window is None else tuple(int(v) for v in window)
        chosen = np.arange(self.grid.count) if bands is None else np.asarray(bands, dtype=np.int64)
        self.check_exists()
        return self.read_window(window, chosen)

    def read_window(self, window: Window, bands: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def valid_preview(self, step: int) -> np.ndarray:
        """(ceil(H/step), ceil(W/step)) bool: whether the grid's pixel at every ``step``-th row and column holds
        data, read from the middle good band (how :func:`~hsi_lime_plugin.inputs.raster.valid_window` finds the
        valid part of a scene too large to read whole)."""
        good = np.flatnonzero(~self.bands.bad_mask(self.grid.count))
        middle = int(good[good.size // 2]) if good.size else self.grid.count // 2
        block = step * max(1, PREVIEW_ROWS // step)
        parts = []
        for row in range(0, self.grid.height, block):
            height = min(block, self.grid.height - row)
            _, valid = self.read((row, 0, height, self.grid.width), [middle])
            parts.append(valid[::step, ::step])
        return np.concatenate(parts)

    def check_exists(self) -> None:
        for path in self.files:
            if not str(path).startswith("/vsi") and not os.path.exists(path):
                raise HsiLimeError(
                    f"{self.path}: {path}, a file of this {self.name} product, disappeared (moved, renamed or "
                    "deleted?); nothing was written. Put it back, then run again."
                )


def finish(cube: np.ndarray, invalid: np.ndarray, bad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Zero the invalid values of ``cube`` (C, h, w) in place; a pixel is valid where no good band is invalid
    (bad bands, and bands without data in the whole window as :func:`~..raster.read_raster` finds them, say
    nothing about pixels)."""
    invalid |= ~np.isfinite(cube)
    cube[invalid] = 0
    good = ~bad & ~invalid.all(axis=(1, 2))
    valid = ~invalid[good].any(axis=0) if good.any() else np.zeros(cube.shape[1:], dtype=bool)
    return cube, valid


def band_names(prefix: str, wavelengths: np.ndarray, bad: tuple[int, ...] = ()) -> list[str]:
    """``"band 12 (512.3 nm)"`` per band, ``", bad band"`` added to the bad ones (the import's descriptions)."""
    return [f"{prefix} {index + 1} ({value:.6g} nm){', bad band' if index in bad else ''}"
            for index, value in enumerate(wavelengths)]


def check_band_count(path, what: str, product: str, image: int, metadata: int, where: str) -> None:
    """Refuse a product whose image has another number of bands than its metadata describes."""
    if image != metadata:
        raise HsiLimeError(
            f"{what}: {path} is {product} whose image has {image} bands while {where} describes {metadata}; the "
            "files do not belong together (or one is damaged): download the product again."
        )
