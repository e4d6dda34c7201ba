"""Read hyperspectral rasters and write georeferenced results, with rasterio.

A :class:`RasterCube` carries everything the explanation needs from a raster: the
C x H x W cube as float32, which pixels hold data, the wavelengths in nm, and the grid
(transform, CRS) so that results can be written back onto exactly the same pixels.

Every function here takes a sensor product as well as a GDAL raster: :func:`~.products.open_product`
tells them apart by the file's structure, and a product is read through its family's reader (its
reflectance, bad bands and map grid) wherever a raster is read, whole or by window.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.errors import RasterioIOError
from rasterio.transform import Affine

from ..errors import HsiLimeError, arg
from ..memory import Footprint
from .bands import BandInfo
from .bands import band_info
from .signatures import starts_as_tiff


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
    bad_bands : tuple of int
        The 0-based bad bands the file's metadata names (never perturbed by spectral explanations).
    product : str or None
        The sensor product it was read from (``"EMIT L2A surface reflectance"``), None for a GDAL raster.
    """

    data: np.ndarray
    valid: np.ndarray
    transform: Affine
    crs: CRS | None
    wavelengths: np.ndarray | None
    band_names: list[str] = field(default_factory=list)
    nodata: float | None = None
    path: str = ""
    bad_bands: tuple[int, ...] = ()
    product: str | None = None

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

    def windows(self, bounds: np.ndarray) -> np.ndarray:
        """The pixel windows (row, column, height, width) holding each of ``bounds`` (N, 4: x0, y0, x1, y1, in
        the raster's CRS), cut to the raster; height and width are 0 for bounds outside it. All at once: the
        corners through the inverse of the transform."""
        bounds = np.asarray(bounds, dtype=float).reshape(-1, 4)
        columns, rows = ~self.transform * (bounds[:, [0, 2, 0, 2]], bounds[:, [1, 1, 3, 3]])
        row0 = np.clip(np.floor(rows.min(axis=1)), 0, self.height)
        row1 = np.clip(np.ceil(rows.max(axis=1)), 0, self.height)
        col0 = np.clip(np.floor(columns.min(axis=1)), 0, self.width)
        col1 = np.clip(np.ceil(columns.max(axis=1)), 0, self.width)
        height, width = row1 - row0, col1 - col0
        empty = (height <= 0) | (width <= 0)
        return np.stack([row0, col0, np.where(empty, 0, height), np.where(empty, 0, width)], axis=1).astype(np.int64)


#: Pixels a side of the preview in which :func:`valid_window` looks for valid data.
PREVIEW = 1024
def read_footprint(bands: int, height: int, width: int) -> Footprint:
    """What :func:`read_raster` holds for a ``bands`` x ``height`` x ``width`` window: the float32 cube and,
    while it is read, its nodata mask and one temporary mask (a byte per value each)."""
    values = int(bands) * int(height) * int(width)
    return (Footprint.of(f"the {bands} x {height} x {width} cube as float32", 4 * values)
            + Footprint.of("its nodata masks while it is read", 2 * values))


def product_at(path: str | os.PathLike, what: str = arg("raster")):
    """The sensor product at ``path`` (:func:`~.products.open_product`), or None for a GDAL raster."""
    from .products import open_product  # the product readers are imported when a raster is opened

    return open_product(path, what)


def read_grid(path: str | os.PathLike, what: str = arg("raster")) -> Grid:
    """The :class:`Grid` of a raster, from its header only (no pixel is read)."""
    product = product_at(path, what)
    if product is not None:
        return product.grid
    with open_dataset(path, what) as dataset:
        return Grid(dataset.height, dataset.width, dataset.count, dataset.transform, dataset.crs)


def read_band_info(path: str | os.PathLike, what: str = arg("raster")) -> BandInfo:
    """The bands' centres, widths, bad bands and product (:class:`~.bands.BandInfo`), from the header."""
    product = product_at(path, what)
    if product is not None:
        return product.bands
    with open_dataset(path, what) as dataset:
        return band_info(dataset)


def valid_window(path: str | os.PathLike, grid: Grid, what: str = arg("raster")) -> tuple[int, int, int, int] | None:
    """The window (row, column, height, width) that holds the raster's valid pixels, found on a preview of
    its middle band's mask (at most :data:`PREVIEW` pixels a side) and padded by one preview pixel; None
    when the preview shows no valid pixel. Reads one band, decimated: the way into a scene too large to
    read whole, whose data often cover a small part of it."""
    step = max(1, -(-max(grid.height, grid.width) // PREVIEW))
    shape = (-(-grid.height // step), -(-grid.width // step))
    product = product_at(path, what)
    if product is not None:
        mask = product.valid_preview(step)
    else:
        with open_dataset(path, what) as dataset:
            mask = guarded_read(dataset, path, what,
                                lambda: dataset.read_masks((dataset.count + 1) // 2, out_shape=shape))
    rows, columns = np.nonzero(mask)
    if rows.size == 0:
        return None
    row0, col0 = max(0, (int(rows.min()) - 1) * step), max(0, (int(columns.min()) - 1) * step)
    row1 = min(grid.height, (int(rows.max()) + 2) * step)
    col1 = min(grid.width, (int(columns.max()) + 2) * step)
    return row0, col0, row1 - row0, col1 - col0


#: What GDAL says when a read over the network fails (curl's errors, HTTP status codes).
NETWORK_REASON = re.compile(r"curl|http|couldn't connect|connection|timed out|/vsi(curl|s3|gs|az)", re.IGNORECASE)
#: A source a VRT reads over the network.
NETWORK_SOURCE = re.compile(r"<SourceFilename[^>]*>\s*(/vsi(curl|s3|gs|az|adls|oss|swift|webhdfs)/|https?://)",
                            re.IGNORECASE)


def is_network_path(path) -> bool:
    """Whether GDAL reads ``path`` over a network (``/vsicurl/``, ``/vsis3/``, ``https://``...)."""
    text = str(path)
    return text.startswith(("/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsiadls", "/vsioss", "/vsiswift",
                            "/vsiwebhdfs", "http://", "https://", "s3://", "gs://"))


def open_dataset(path: str | os.PathLike, what: str, during_run: bool = False):
    """``rasterio.open(path)``, a missing, unreachable or damaged file turned into a message naming ``what``."""
    if not os.path.exists(path) and not str(path).startswith("/vsi") and not is_network_path(path):
        if during_run:
            raise HsiLimeError(
                f"{what}: the raster file {path} disappeared during the run (it was there when the run started: "
                "moved, renamed or deleted?); nothing was written. Put it back, then run again."
            )
        raise HsiLimeError(f"{what}: the raster file {path} does not exist; choose an existing raster layer or file.")
    try:
        return rasterio.open(path)
    except RasterioIOError as error:
        if is_network_path(path):
            raise HsiLimeError(
                f"{what}: {path} cannot be opened over the network ({_reason(error, path)}); check the address, the "
                "connection and that the server still serves the file (for /vsis3/ also the credentials), then "
                "run again, or copy the raster to a local disk."
            ) from None
        if starts_as_tiff(path):
            raise HsiLimeError(
                f"{what}: {path} is damaged or incomplete: it starts as a GeoTIFF but GDAL cannot open it "
                f"({_reason(error, path)}), as happens to a file whose download or copy was interrupted; nothing was "
                "written. Copy or download it again ('gdalinfo' finds such faults), then run again."
            ) from None
        raise HsiLimeError(
            f"{what}: {path} cannot be read as a raster ({_reason(error, path)}); give a GeoTIFF, ENVI or another GDAL "
            "format (a file of such a format that still fails is damaged or incomplete: copy or download it again)."
        ) from None


def guarded_read(dataset, path, what: str, read):
    """``read()`` of ``dataset``, a failed block (a truncated or damaged file, a network source that stopped
    answering, a file that vanished) turned into a message naming the raster, the GDAL reason and the fix."""
    try:
        return read()
    except RasterioIOError as error:
        reason = _reason(error, path)
        if is_network_path(path) or NETWORK_REASON.search(reason) or _network_vrt(dataset, path):
            raise HsiLimeError(
                f"{what}: reading {path} failed ({reason}): the network source stopped answering or the connection "
                "broke; nothing was written. Check the connection and that the server still serves the file (or "
                "copy the raster to a local disk), then run again."
            ) from None
        if not os.path.exists(path):
            raise HsiLimeError(
                f"{what}: {path} disappeared while it was read ({reason}); nothing was written. Put it back, then "
                "run again."
            ) from None
        raise HsiLimeError(
            f"{what}: {path} is damaged or incomplete: reading it failed ({reason}), as happens to a file whose "
            "download or copy was interrupted; nothing was written. Copy or download it again ('gdalinfo -checksum' "
            "finds such faults), then run again."
        ) from None


def _network_vrt(dataset, path) -> bool:
    """Whether ``path`` is a VRT that reads some of its blocks over the network: GDAL 3.10's error for a source
    whose server stopped is the TIFF's own ("Failed to read directory"), without a word of the network."""
    if dataset.driver != "VRT" or not os.path.isfile(path):
        return False
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            return NETWORK_SOURCE.search(file.read()) is not None
    except OSError:
        return False


def _reason(error: Exception, path) -> str:
    """GDAL's reason in one line, without rasterio's generic prefix and the path the message names already.

    rasterio 1.4 raises a generic error ("Read failed. See previous exception for details.") from GDAL's last
    one, which says what GDAL 3.6's single error said (the band and block that failed): that is the reason."""
    if error.__cause__ is not None and "See previous exception" in str(error):
        error = error.__cause__
    text = " ".join(str(error).split()).replace("Read or write failed. ", "")
    for named in (str(path), os.path.basename(str(path))):  # GDAL 3.6 names the path, 3.10 the file
        text = text.replace(f"{named}, ", "").removeprefix(f"{named}: ")
    return text.rstrip(".") or type(error).__name__


def read_raster(
    path: str | os.PathLike,
    window: rasterio.windows.Window | None = None,
    what: str = arg("raster"),
    during_run: bool = False,
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
    during_run : bool
        The raster was already opened by this run: a missing file disappeared during it.

    Notes
    -----
    Nodata comes from the file's nodata value, its internal masks and NaN values; a
    pixel is valid when no band is nodata there. Invalid pixels are set to 0, in place:
    reading holds the float32 cube and one mask at a time (:func:`read_footprint`). A sensor product
    is read as its reader presents it (:mod:`.products`).
    """
    product = product_at(path, what)
    if product is not None:
        return _product_cube(product, window)
    with open_dataset(path, what, during_run) as dataset:
        if dataset.count < 1:
            raise HsiLimeError(f"{what}: {path} has no bands; choose a hyperspectral raster.")
        data = guarded_read(dataset, path, what, lambda: dataset.read(window=window, masked=True, out_dtype="float32"))
        cube = data.data
        invalid = np.ma.getmaskarray(data)
        invalid |= ~np.isfinite(cube)
        cube[invalid] = 0
        # Bad bands (nodata everywhere, like EnMAP's water-vapour bands) say nothing about pixels.
        bad_bands = invalid.all(axis=(1, 2))
        valid = ~invalid[~bad_bands].any(axis=0) if not bad_bands.all() else np.zeros(cube.shape[1:], bool)
        transform = dataset.window_transform(window) if window is not None else dataset.transform
        names = [d or f"band {i + 1}" for i, d in enumerate(dataset.descriptions)]
        bands = band_info(dataset)
        return RasterCube(
            data=cube,
            valid=valid,
            transform=transform,
            crs=dataset.crs,
            wavelengths=bands.wavelengths,
            band_names=names,
            nodata=dataset.nodata,
            path=str(path),
            bad_bands=bands.bad,
        )


def _product_cube(product, window: rasterio.windows.Window | None) -> RasterCube:
    """A sensor product's cube (of ``window``) as a :class:`RasterCube` on the product's grid."""
    box = None if window is None else (int(window.row_off), int(window.col_off), int(window.height), int(window.width))
    data, valid = product.read(box)
    transform = product.grid.transform if window is None else rasterio.windows.transform(window, product.grid.transform)
    return RasterCube(data=data, valid=valid, transform=transform, crs=product.grid.crs,
                      wavelengths=product.bands.wavelengths, band_names=list(product.band_names),
                      path=str(product.path), bad_bands=product.bands.bad, product=product.name)
