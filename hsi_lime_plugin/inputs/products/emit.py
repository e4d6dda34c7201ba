"""NASA EMIT L2A surface reflectance (``EMIT_L2A_RFL_*.nc``, NetCDF-4), orthorectified through its GLT.

Layout (the EMIT L2A product user guide and the granules as LP DAAC distributes them; EnMAP-Box's
"Import EMIT L2A product" reads the same fields):

* ``reflectance`` (downtrack, crosstrack, bands), float32, ``_FillValue`` -9999: the swath as seen from
  orbit, not on a map;
* ``sensor_band_parameters/wavelengths``, ``fwhm`` (bands, nm) and ``good_wavelengths`` (1 good, 0 bad:
  the water-vapour bands);
* ``location/glt_x``, ``glt_y`` (ortho_y, ortho_x), int32: for every pixel of the map grid the 1-based
  crosstrack and downtrack index of the swath pixel that lands there, 0 where none does;
* the global attributes ``geotransform`` (GDAL's six numbers) and ``spatial_ref`` (WKT, EPSG:4326): the map
  grid of the GLT.

The GLT grid is the product's grid: a window of it is read by gathering its swath pixels (numpy), the
swath read through GDAL's multidimensional API in chunks of :data:`SWATH_CHUNK` downtrack rows, each
row at most once, so a window of a full granule (1280 x 1242 x 285) holds its cube and one chunk. GDAL
3.8 and later can orthorectify EMIT themselves (``GetResampled``); Debian 12's GDAL 3.6 cannot, and the
same gather on every version gives the same cube. The L1B radiance, the L2A mask and uncertainty files
share the layout and are refused with the file to give instead.
"""
from __future__ import annotations

import numpy as np
from rasterio.crs import CRS
from rasterio.transform import Affine

from ...errors import HsiLimeError
from ..bands import BandInfo
from ..raster import Grid
from .hierarchy import Hierarchy, number_list, with_article
from .product import Product, band_names, check_band_count, finish

NAME = "EMIT L2A surface reflectance"
#: Downtrack rows of the swath read at once.
SWATH_CHUNK = 64
#: The arrays of the other EMIT granules that share the layout, and what they are.
OTHER_GRANULES = {"/radiance": "an EMIT L1B radiance granule (EMIT_L1B_RAD_*.nc)",
                  "/mask": "an EMIT L2A mask granule (EMIT_L2A_MASK_*.nc)",
                  "/reflectance_uncertainty": "an EMIT L2A reflectance uncertainty granule (EMIT_L2A_RFLUNCERT_*.nc)"}


def is_emit(hierarchy: Hierarchy) -> bool:
    """Whether the file has the EMIT layout: a swath array and the GLT of ``location``."""
    return hierarchy.has("/location/glt_x") and any(
        hierarchy.has(name) for name in ("/reflectance", *OTHER_GRANULES))


def open_emit(hierarchy: Hierarchy, what: str) -> "EmitProduct":
    """The EMIT L2A reflectance granule opened by ``hierarchy`` (refusing the other EMIT granules)."""
    path = hierarchy.path
    if not hierarchy.has("/reflectance"):
        other = next(text for name, text in OTHER_GRANULES.items() if hierarchy.has(name))
        raise HsiLimeError(
            f"{what}: {path} is {other}; hsi-lime explains surface reflectance, the EMIT L2A reflectance granule "
            "(EMIT_L2A_RFL_*.nc) of the same scene: download that one and give it instead."
        )
    swath = hierarchy.array("/reflectance")
    wavelengths = number_list(hierarchy.array("/sensor_band_parameters/wavelengths").read())
    check_band_count(path, what, f"an {NAME} granule", swath.shape[-1], wavelengths.size,
                     "sensor_band_parameters/wavelengths")
    good = (number_list(hierarchy.array("/sensor_band_parameters/good_wavelengths").read())
            if hierarchy.has("/sensor_band_parameters/good_wavelengths") else np.ones(wavelengths.size))
    fwhm = (number_list(hierarchy.array("/sensor_band_parameters/fwhm").read())
            if hierarchy.has("/sensor_band_parameters/fwhm") else None)
    glt = np.stack([hierarchy.array(f"/location/glt_{axis}").read().astype(np.int64) for axis in "xy"])
    _check_glt(glt, swath.shape, path, what)
    bad = tuple(int(b) for b in np.flatnonzero(good == 0))
    grid = Grid(glt.shape[1], glt.shape[2], wavelengths.size, _transform(hierarchy, what), _crs(hierarchy))
    bands = BandInfo(wavelengths, fwhm, bad, NAME)
    return EmitProduct(path, NAME, grid, bands, [path], band_names("band", wavelengths, bad), glt=glt,
                       fill=swath.nodata, swath_shape=swath.shape, what=what)


def _check_glt(glt: np.ndarray, swath_shape, path, what: str) -> None:
    """Refuse a GLT that points outside the swath (a damaged file, or a GLT of another granule)."""
    for axis, (name, size, direction) in enumerate((("glt_x", swath_shape[1], "crosstrack"),
                                                    ("glt_y", swath_shape[0], "downtrack"))):
        outside = (glt[axis] < 0) | (glt[axis] > size)
        if outside.any():
            row, column = (int(v[0]) for v in np.nonzero(outside))
            value = int(glt[axis][row, column])
            raise HsiLimeError(
                f"{what}: {path}: its GLT points outside the swath: location/{name} holds {value} "
                f"at row {row}, column {column} of the map grid, but the swath has {size} {direction} pixels (1-based "
                f"indices, 0 for none); the granule is damaged or its parts do not belong together: download it again."
            )


def _transform(hierarchy: Hierarchy, what: str) -> Affine:
    values = hierarchy.attributes().get("geotransform")
    numbers = None if values is None else number_list(values)
    if numbers is None or numbers.size != 6:
        raise HsiLimeError(
            f"{what}: {hierarchy.path} has the EMIT layout but no 'geotransform' attribute of six numbers, which "
            "places its GLT on the map; give the granule as downloaded."
        )
    return Affine.from_gdal(*numbers)


def _crs(hierarchy: Hierarchy) -> CRS:
    wkt = hierarchy.attributes().get("spatial_ref")
    return CRS.from_wkt(wkt) if isinstance(wkt, str) and wkt.strip() else CRS.from_epsg(4326)


class EmitProduct(Product):
    """An EMIT L2A granule: its GLT (2, ortho_y, ortho_x; 1-based, 0 for none) and its swath's fill value."""

    def __init__(self, *args, glt: np.ndarray, fill: float | None, swath_shape: tuple, what: str):
        super().__init__(*args)
        self.glt, self.fill, self.swath_shape, self.what = glt, fill, tuple(swath_shape), what

    def read_window(self, window, bands):
        row, column, height, width = window
        glt = self.glt[:, row:row + height, column:column + width]
        rows, columns = np.nonzero((glt[0] > 0) & (glt[1] > 0))
        cube = np.zeros((bands.size, height, width), dtype=np.float32)
        invalid = np.ones(cube.shape, dtype=bool)
        if rows.size:
            down, across = glt[1, rows, columns] - 1, glt[0, rows, columns] - 1
            order = np.argsort(down, kind="stable")
            self._gather(cube, invalid, rows[order], columns[order], down[order], across[order], bands)
        return finish(cube, invalid, self.bands.bad_mask(self.grid.count)[bands])

    def _gather(self, cube, invalid, rows, columns, down, across, bands) -> None:
        """Fill the pixels (rows, columns) of ``cube`` from the swath pixels (down, across), sorted by ``down``,
        one chunk of downtrack rows at a time; values equal to the fill value stay invalid."""
        swath = Hierarchy(self.path, self.what, with_article(NAME)).array("/reflectance")
        first, count = int(bands.min()), int(bands.max() - bands.min() + 1)
        for start in range(int(down[0]), int(down[-1]) + 1, SWATH_CHUNK):
            chosen = slice(*np.searchsorted(down, [start, start + SWATH_CHUNK]))
            if chosen.start == chosen.stop:
                continue
            left = int(across[chosen].min())
            block = swath.read([start, left, first],
                               [int(down[chosen.stop - 1]) - start + 1, int(across[chosen].max()) - left + 1, count])
            values = block[down[chosen] - start, across[chosen] - left][:, bands - first].T
            missing = ~np.isfinite(values) if self.fill is None else (values == self.fill) | ~np.isfinite(values)
            cube[:, rows[chosen], columns[chosen]] = values
            invalid[:, rows[chosen], columns[chosen]] = missing

    def valid_preview(self, step: int) -> np.ndarray:
        """The GLT's pixels with a swath pixel, decimated (no reflectance needs to be read)."""
        return ((self.glt[0] > 0) & (self.glt[1] > 0))[::step, ::step]
