"""A GeoTIFF of counts whose metadata file gives each band's gain and offset: EnMAP and DESIS reflectance.

Reflectance = count x gain + offset per band; the TIFF's nodata value (or mask) marks the pixels without
data. The image is read with rasterio like any raster (``/vsizip/`` inside a product ZIP).
"""
from __future__ import annotations

import numpy as np
from rasterio.windows import Window

from ..raster import Grid, guarded_read, open_dataset
from .product import Product, finish


def image_grid(image: str, what: str) -> Grid:
    """The grid of the product's image (header only)."""
    with open_dataset(image, what) as dataset:
        return Grid(dataset.height, dataset.width, dataset.count, dataset.transform, dataset.crs)


class ScaledImage(Product):
    """A product whose cube is ``image`` (a GeoTIFF of counts) scaled by ``gains`` and ``offsets`` (C,)."""

    def __init__(self, *args, image: str, gains: np.ndarray, offsets: np.ndarray, nodata: float | None, what: str):
        super().__init__(*args)
        self.image, self.what, self.nodata = image, what, nodata
        self.gains, self.offsets = np.asarray(gains, np.float32), np.asarray(offsets, np.float32)

    def read_window(self, window, bands):
        row, column, height, width = window
        with open_dataset(self.image, self.what, during_run=True) as dataset:
            data = guarded_read(dataset, self.image, self.what, lambda: dataset.read(
                indexes=(bands + 1).tolist(), window=Window(column, row, width, height), masked=True,
                out_dtype="float32"))
        invalid = np.ma.getmaskarray(data).copy()
        if self.nodata is not None:
            invalid |= data.data == self.nodata
        cube = data.data * self.gains[bands, None, None] + self.offsets[bands, None, None]
        return finish(cube.astype(np.float32, copy=False), invalid, self.bands.bad_mask(self.grid.count)[bands])

    def valid_preview(self, step: int) -> np.ndarray:
        """The image's mask of its middle good band, read decimated (nearest)."""
        good = np.flatnonzero(~self.bands.bad_mask(self.grid.count))
        band = int(good[good.size // 2]) + 1 if good.size else (self.grid.count + 1) // 2
        shape = (-(-self.grid.height // step), -(-self.grid.width // step))
        with open_dataset(self.image, self.what, during_run=True) as dataset:
            return guarded_read(dataset, self.image, self.what,
                                lambda: dataset.read_masks(band, out_shape=shape)) > 0
