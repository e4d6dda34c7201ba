"""AVIRIS-3 (and AVIRIS-5, AVIRIS-NG since 2023) L2A orthorectified reflectance, ``*_RFL_ORT.nc`` (NetCDF-4).

Layout (the ORNL DAAC / JPL distribution of the L2A ``RFL_ORT`` granules; CF conventions):

* ``reflectance/reflectance``: (wavelength, northing, easting), float32, ``_FillValue`` -9999, on the map
  grid already (no GLT);
* the band centres and widths in ``reflectance/wavelength`` and ``reflectance/fwhm`` (the coordinate
  variable of the band dimension where they are not there), ``good_wavelengths`` where present;
* the grid mapping variable ``transverse_mercator`` with ``crs_wkt`` (or ``spatial_ref``) and GDAL's
  ``GeoTransform``; else the ``easting``/``northing`` coordinates (pixel centres) give the grid.

The older AVIRIS-NG deliveries are ENVI files, which every run reads as any GDAL raster (with their
``wavelength``, ``fwhm`` and ``bbl`` header fields).
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

NAME = "AVIRIS L2A orthorectified reflectance"
CUBE = "/reflectance/reflectance"


def is_aviris(hierarchy: Hierarchy) -> bool:
    """Whether the file has the layout of an AVIRIS ``*_ORT.nc`` granule: a group holding an array of its name on
    a transverse-mercator (or easting/northing) grid."""
    grid = hierarchy.has("/transverse_mercator") or hierarchy.has("/easting")
    return grid and any(hierarchy.has(f"/{name}/{name}") for name in ("reflectance", "radiance"))


def open_aviris(hierarchy: Hierarchy, what: str) -> "AvirisProduct":
    """The AVIRIS reflectance granule opened by ``hierarchy`` (refusing radiance)."""
    path = hierarchy.path
    if not hierarchy.has(CUBE):
        raise HsiLimeError(
            f"{what}: {path} is an AVIRIS L1B radiance granule; hsi-lime explains surface reflectance, the L2A "
            "*_RFL_ORT.nc granule of the same flight line: download that one and give it instead."
        )
    cube = hierarchy.array(CUBE)
    wavelengths = _band_values(hierarchy, cube, "wavelength")
    if wavelengths is None:
        raise HsiLimeError(f"{what}: {path} is an {NAME} granule without its band centres (reflectance/wavelength); "
                           "give the granule as downloaded.")
    check_band_count(path, what, f"an {NAME} granule", cube.shape[0], wavelengths.size, "reflectance/wavelength")
    good = _band_values(hierarchy, cube, "good_wavelengths")
    bad = () if good is None else tuple(int(b) for b in np.flatnonzero(good == 0))
    grid = Grid(cube.shape[1], cube.shape[2], wavelengths.size, *_georeference(hierarchy, cube.shape[1:], what))
    bands = BandInfo(wavelengths, _band_values(hierarchy, cube, "fwhm"), bad, NAME)
    return AvirisProduct(path, NAME, grid, bands, [path], band_names("band", wavelengths, bad), what=what)


def _band_values(hierarchy: Hierarchy, cube, name: str) -> np.ndarray | None:
    """The per-band ``name`` from the reflectance group, the root, or (centres) the band dimension's coordinate."""
    for where in (f"/reflectance/{name}", f"/{name}"):
        if hierarchy.has(where):
            return number_list(hierarchy.array(where).read())
    if name == "wavelength":
        indexing = hierarchy.call(lambda: cube.handle.GetDimensions()[0].GetIndexingVariable())
        return None if indexing is None else number_list(indexing.ReadAsArray())
    return None


def _georeference(hierarchy: Hierarchy, shape: tuple, what: str) -> tuple[Affine, CRS | None]:
    mapping = hierarchy.array("/transverse_mercator") if hierarchy.has("/transverse_mercator") else None
    value = (lambda name: None) if mapping is None else mapping.attribute_value
    wkt = value("crs_wkt") or value("spatial_ref")
    crs = CRS.from_wkt(wkt) if isinstance(wkt, str) and wkt.strip() else None
    numbers = None if value("GeoTransform") is None else number_list(value("GeoTransform"))
    if numbers is not None and numbers.size == 6:
        return Affine.from_gdal(*numbers), crs
    if hierarchy.has("/easting") and hierarchy.has("/northing"):
        east, north = (number_list(hierarchy.array(f"/{axis}").read()) for axis in ("easting", "northing"))
        width, height = east[1] - east[0], north[1] - north[0]
        return Affine(width, 0.0, east[0] - width / 2, 0.0, height, north[0] - height / 2), crs
    raise HsiLimeError(f"{what}: {hierarchy.path} is an {NAME} granule without its grid (transverse_mercator's "
                       "GeoTransform, or easting and northing); give the granule as downloaded.")


class AvirisProduct(Product):
    """An AVIRIS ``RFL_ORT`` granule: band-sequential on its map grid, its fill value and CF scale."""

    def __init__(self, *args, what: str):
        super().__init__(*args)
        self.what = what

    def read_window(self, window, bands):
        array = Hierarchy(self.path, self.what, with_article(NAME)).array(CUBE)
        cube, invalid = array.read_scaled(window, bands, "brc")
        return finish(cube, invalid, self.bands.bad_mask(self.grid.count)[bands])
