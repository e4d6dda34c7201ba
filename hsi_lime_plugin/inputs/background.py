"""The spectra a ``background`` baseline is drawn from: a raster's valid pixels, or the pixels inside polygons.

A background must stand for the whole scene, never only for the unit being explained, and a scene
may be larger than memory: :func:`sample_spectra` reads the raster strip by strip (at most
:data:`STRIP_BYTES` at a time), and keeps a uniform random sample of at most ``count`` of the eligible
pixels (every valid pixel, or those whose centre lies inside the polygons): each eligible pixel gets
a random key from a generator seeded by the run's seed and the strip, and the ``count`` smallest keys
over all strips win. The sample is then summarised (:func:`~hsi_lime_plugin.perturbation.background.summarise`).
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


def sample_spectra(path: str, count: int, seed: int, polygons=None, what: str = arg("background")):
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
        The argument named in messages.

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
                f"{what}: none of the background polygons overlaps the raster {path}; choose polygons that lie on "
                "the raster (any CRS: they are reprojected)."
            )
        row0, column0, height, width = window
        frame = polygons if polygons.crs is None or grid.crs is None else polygons.to_crs(grid.crs)
        shapes = [(geometry, 1) for geometry in frame.geometry if geometry is not None and not geometry.is_empty]
    rows = max(1, STRIP_BYTES // max(1, 4 * grid.count * width))
    kept_keys, kept_spectra, eligible = np.zeros(0), np.zeros((0, grid.count), np.float32), 0
    for top in range(row0, row0 + height, rows):
        strip = read_raster(path, Window(column0, top, width, min(rows, row0 + height - top)), what, during_run=True)
        inside = strip.valid
        if shapes is not None:
            inside = inside & (rasterio.features.rasterize(shapes, out_shape=inside.shape, transform=strip.transform,
                                                           fill=0, dtype="uint8") > 0)
        spectra = strip.data[:, inside].T
        eligible += len(spectra)
        keys = np.random.default_rng([int(seed) % (2**32), top]).random(len(spectra))
        kept_keys = np.concatenate([kept_keys, keys])
        kept_spectra = np.concatenate([kept_spectra, spectra])
        if len(kept_keys) > count:
            best = np.argpartition(kept_keys, count)[:count]
            kept_keys, kept_spectra = kept_keys[best], kept_spectra[best]
    return kept_spectra[np.argsort(kept_keys, kind="stable")], eligible
