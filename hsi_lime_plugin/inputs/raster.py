"""Read hyperspectral rasters and write georeferenced results, with rasterio.

A :class:`RasterCube` carries everything the explanation needs from a raster: the
C x H x W cube as float32, which pixels hold data, the wavelengths in nm, and the grid
(transform, CRS) so that results can be written back onto exactly the same pixels.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.errors import RasterioIOError
from rasterio.transform import Affine

from ..errors import HsiLimeError, arg
from .wavelengths import read_wavelengths


@dataclass
class RasterCube:
    """A hyperspectral image and its grid.

    Attributes
    ----------
    data : numpy.ndarray
        float32 array (C, H, W). Nodata pixels hold 0 (they never reach the model as data).
    valid : numpy.ndarray
        bool array (H, W): True where the pixel holds data in every band that is not
        nodata everywhere (bad bands are ignored for validity and hold 0).
    transform : affine.Affine
        Pixel-to-map transform of ``data`` (of the window, when one was read).
    crs : rasterio.crs.CRS or None
    wavelengths : numpy.ndarray or None
        Band centres in nm, (C,), or None when the file does not say.
    band_names : list of str
        Band descriptions, or ``band 1``... when the file has none.
    nodata : float or None
        The file's nodata value, if any.
    path : str
    """

    data: np.ndarray
    valid: np.ndarray
    transform: Affine
    crs: CRS | None
    wavelengths: np.ndarray | None
    band_names: list[str] = field(default_factory=list)
    nodata: float | None = None
    path: str = ""

    @property
    def shape(self) -> tuple[int, int, int]:
        """(bands, height, width)."""
        return self.data.shape  # type: ignore[return-value]


@dataclass(frozen=True)
class Grid:
    """A raster's size, grid and CRS, from its header: what a map-scale run plans with and writes onto.

    Attributes
    ----------
    height, width, count : int
        Rows, columns and bands.
    transform : affine.Affine
    crs : rasterio.crs.CRS or None
    """

    height: int
    width: int
    count: int
    transform: Affine
    crs: CRS | None


def read_grid(path: str | os.PathLike, what: str = arg("raster")) -> Grid:
    """The :class:`Grid` of a raster, from its header only (no pixel is read)."""
    with _open(path, what) as dataset:
        return Grid(dataset.height, dataset.width, dataset.count, dataset.transform, dataset.crs)


def _open(path: str | os.PathLike, what: str):
    if not os.path.exists(path) and not str(path).startswith("/vsi"):
        raise HsiLimeError(f"{what}: the raster file {path} does not exist; choose an existing raster layer or file.")
    try:
        return rasterio.open(path)
    except RasterioIOError as error:
        raise HsiLimeError(
            f"{what}: {path} cannot be read as a raster ({error}); give a GeoTIFF, ENVI or another GDAL format."
        ) from None


def read_raster(
    path: str | os.PathLike,
    window: rasterio.windows.Window | None = None,
    what: str = arg("raster"),
) -> RasterCube:
    """Read a hyperspectral raster (any GDAL format) into a :class:`RasterCube`.

    Parameters
    ----------
    path : path-like
        The raster file.
    window : rasterio.windows.Window, optional
        Read only this window; the cube's transform is the window's.
    what : str
        Parameter name used in error messages.

    Nodata comes from the file's nodata value, its internal masks and NaN values; a
    pixel is valid when no band is nodata there. Invalid pixels are set to 0.
    """
    with _open(path, what) as dataset:
        if dataset.count < 1:
            raise HsiLimeError(f"{what}: {path} has no bands; choose a hyperspectral raster.")
        data = dataset.read(window=window, masked=True, out_dtype="float32")
        invalid = np.ma.getmaskarray(data) | ~np.isfinite(data.data)
        # Bad bands (nodata everywhere, like EnMAP's water-vapour bands) say nothing about pixels.
        bad_bands = invalid.all(axis=(1, 2))
        valid = ~invalid[~bad_bands].any(axis=0) if not bad_bands.all() else np.zeros(data.shape[1:], bool)
        cube = np.where(invalid, np.float32(0), data.data).astype(np.float32, copy=False)
        transform = dataset.window_transform(window) if window is not None else dataset.transform
        names = [d or f"band {i + 1}" for i, d in enumerate(dataset.descriptions)]
        return RasterCube(
            data=cube,
            valid=valid,
            transform=transform,
            crs=dataset.crs,
            wavelengths=read_wavelengths(dataset),
            band_names=names,
            nodata=dataset.nodata,
            path=str(path),
        )
