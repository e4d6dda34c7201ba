"""The spectra a ``background`` baseline is drawn from: a raster's valid pixels, or the pixels inside polygons.

A background must stand for the whole scene, never only for the unit being explained, and a scene
may be larger than memory, or far larger than any background needs: :func:`sample_spectra` reads the
region (the raster, or the polygons' window) strip by strip when it holds at most :data:`READ_BYTES`,
and otherwise :data:`BLOCKS` square blocks of :data:`BLOCK` pixels spread over it (one in each cell of
a regular grid, at a seeded random place in its cell), so that what is read is bounded whatever the
scene's size. Of the eligible pixels read (valid, and with their centre inside the polygons) it keeps
a uniform random sample of at most ``count``: each gets a random key from a generator seeded by the
run's seed and its window, and the ``count`` smallest keys win. The sample is then summarised
(:func:`~hsi_lime_plugin.perturbation.background.summarise`).
"""
from __future__ import annotations

import numpy as np
import rasterio.features
from rasterio.windows import Window

from ..errors import HsiLimeError, arg
from .polygons import polygons_window
from .raster import read_grid, read_raster

#: Bytes of raster one strip holds at most (float32).
STRIP_BYTES = 64 << 20
#: A region of at most this many bytes (float32) is read whole, strip by strip; a larger one in blocks.
READ_BYTES = 512 << 20
#: Blocks read of a larger region, and their side in pixels (65 536 pixels in all).
BLOCKS, BLOCK = 256, 16


def sample_spectra(path: str, count: int, seed: int, polygons=None, what: str = arg("raster")):
    """A random sample of at most ``count`` eligible pixels' spectra of the raster ``path``.

    Parameters
    ----------
    path : str
        The raster.
    count : int
        The most spectra kept.
    seed : int
        Seeds the sample (with each strip's first row).
    polygons : geopandas.GeoDataFrame, optional
        Only pixels whose centre lies inside them are eligible (reprojected to the raster's CRS); a layer
        that overlaps no pixel of the raster is refused.
    what : str
        The argument that names the raster in the messages of its reads.

    Returns
    -------
    spectra : numpy.ndarray
        (n, C) float32, n <= count.
    eligible : int
        How many pixels were eligible (the sample stands for them).
    """
    grid = read_grid(path, what)
    row0, column0, height, width = 0, 0, grid.height, grid.width
    shapes = None
    if polygons is not None:
        window = polygons_window(polygons, grid)
        if window is None:
            raise HsiLimeError(
                f"{arg('background')}: none of the background polygons overlaps the raster {path}; choose polygons "
                "that lie on the raster (any CRS: they are reprojected)."
            )
        row0, column0, height, width = window
        frame = polygons if polygons.crs is None or grid.crs is None else polygons.to_crs(grid.crs)
        shapes = [(geometry, 1) for geometry in frame.geometry if geometry is not None and not geometry.is_empty]
    kept_keys, kept_spectra, eligible = np.zeros(0), np.zeros((0, grid.count), np.float32), 0
    for window in read_windows((row0, column0, height, width), grid.count, seed):
        block = read_raster(path, Window(window[1], window[0], window[3], window[2]), what, during_run=True)
        inside = block.valid
        if shapes is not None:
            inside = inside & (rasterio.features.rasterize(shapes, out_shape=inside.shape, transform=block.transform,
                                                           fill=0, dtype="uint8") > 0)
        spectra = block.data[:, inside].T
        eligible += len(spectra)
        keys = np.random.default_rng([int(seed) % (2**32), *window[:2]]).random(len(spectra))
        kept_keys = np.concatenate([kept_keys, keys])
        kept_spectra = np.concatenate([kept_spectra, spectra])
        if len(kept_keys) > count:
            best = np.argpartition(kept_keys, count)[:count]
            kept_keys, kept_spectra = kept_keys[best], kept_spectra[best]
    return kept_spectra[np.argsort(kept_keys, kind="stable")], eligible


def read_windows(region: tuple[int, int, int, int], bands: int, seed: int) -> list[tuple[int, int, int, int]]:
    """The windows (row, column, height, width) of ``region`` to read: its strips when it holds at most
    :data:`READ_BYTES`, else :data:`BLOCKS` blocks of :data:`BLOCK` pixels, one per cell of a regular grid over
    it, each at a random place in its cell (seeded)."""
    row0, column0, height, width = region
    if 4 * bands * height * width <= READ_BYTES:
        rows = max(1, STRIP_BYTES // max(1, 4 * bands * width))
        return [(top, column0, min(rows, row0 + height - top), width) for top in range(row0, row0 + height, rows)]
    across = max(1, min(width // BLOCK, round((BLOCKS * width / height) ** 0.5)))
    down = max(1, min(height // BLOCK, BLOCKS // across))
    generator = np.random.default_rng(int(seed) % (2**32))
    cells_r, cells_c = np.meshgrid(np.arange(down), np.arange(across), indexing="ij")
    tops = row0 + (cells_r * height) // down + generator.integers(0, max(1, height // down - BLOCK + 1), cells_r.shape)
    lefts = column0 + (cells_c * width) // across + generator.integers(0, max(1, width // across - BLOCK + 1),
                                                                       cells_c.shape)
    return [(int(top), int(left), min(BLOCK, row0 + height - int(top)), min(BLOCK, column0 + width - int(left)))
            for top, left in zip(tops.reshape(-1), lefts.reshape(-1))]
