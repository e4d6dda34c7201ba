"""Planet Tanager ortho surface reflectance (``*_ortho_sr_hdf5.h5``, HDF-EOS5 grid).

Layout (Planet's Tanager product specification, as the scenes of Planet's open Tanager data show it):

* ``HDFEOS/GRIDS/HYP/Data Fields/surface_reflectance``: (bands, rows, columns), with the attributes
  ``wavelengths`` and ``fwhm`` (nm), ``_FillValue``, and where present ``good_wavelengths`` (0 bad) and the
  CF ``scale_factor``/``add_offset``;
* ``HDFEOS/GRIDS/HYP/Data Fields/nodata_pixels`` where present (1: no data);
* the grid in ``HDFEOS INFORMATION/StructMetadata.0`` (HDF-EOS's ODL text: ``XDim``, ``YDim``,
  ``UpperLeftPointMtrs``, ``LowerRightMtrs``, ``Projection=HE5_GCTP_UTM``, ``ZoneCode``, negative in the
  south), the EPSG code in the ``epsg_code`` attribute of ``HDFEOS/GRIDS/HYP`` where present.

GDAL 3.6's HDF5 driver does not read HDF-EOS5 grid georeferencing, so those six ODL values are read here,
the same on every GDAL. The basic (swath, not orthorectified) and the radiance products are refused.
"""
from __future__ import annotations

import re

import numpy as np
from rasterio.crs import CRS
from rasterio.transform import Affine

from ...errors import HsiLimeError
from ..bands import BandInfo
from ..raster import Grid
from .hierarchy import Hierarchy, number_list, with_article
from .product import Product, band_names, check_band_count, finish

NAME = "Tanager ortho surface reflectance"
FIELDS = "/HDFEOS/GRIDS/HYP/Data Fields"
CUBE = f"{FIELDS}/surface_reflectance"
STRUCTURE = "/HDFEOS INFORMATION/StructMetadata.0"
_PAIR = r"\(\s*([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*\)"


def is_tanager(hierarchy: Hierarchy) -> bool:
    """Whether the file holds Tanager's hyperspectral grid or swath (``HDFEOS/*/HYP``)."""
    return "HYP" in hierarchy.groups("/HDFEOS/GRIDS") or "HYP" in hierarchy.groups("/HDFEOS/SWATHS")


def open_tanager(hierarchy: Hierarchy, what: str) -> "TanagerProduct":
    """The Tanager ortho surface reflectance opened by ``hierarchy`` (refusing the basic and radiance products)."""
    path = hierarchy.path
    if not hierarchy.has(CUBE):
        kind = "a basic (swath, not orthorectified)" if "HYP" in hierarchy.groups("/HDFEOS/SWATHS") else \
            "a radiance"
        raise HsiLimeError(
            f"{what}: {path} is {kind} Tanager product; hsi-lime reads the ortho surface reflectance "
            "(*_ortho_sr_hdf5.h5): download that asset of the scene and give it instead."
        )
    cube = hierarchy.array(CUBE)
    wavelengths = number_list(cube.attribute_value("wavelengths", ()))
    check_band_count(path, what, f"a {NAME} product", cube.shape[0], wavelengths.size,
                     "the 'wavelengths' attribute of surface_reflectance")
    fwhm = cube.attribute_value("fwhm")
    good = cube.attribute_value("good_wavelengths")
    bad = () if good is None else tuple(int(b) for b in np.flatnonzero(number_list(good) == 0))
    transform, crs = _grid(hierarchy, cube.shape[1:], what)
    grid = Grid(cube.shape[1], cube.shape[2], wavelengths.size, transform, crs)
    bands = BandInfo(wavelengths, None if fwhm is None else number_list(fwhm), bad, NAME)
    return TanagerProduct(path, NAME, grid, bands, [path], band_names("band", wavelengths, bad), what=what,
                          masked=hierarchy.has(f"{FIELDS}/nodata_pixels"))


def _grid(hierarchy: Hierarchy, shape: tuple, what: str) -> tuple[Affine, CRS]:
    text = hierarchy.array(STRUCTURE).read_text() if hierarchy.has(STRUCTURE) else ""
    grid = text[text.find('GridName="HYP"'):] if 'GridName="HYP"' in text else text
    corners = [re.search(rf"{key}\s*=\s*{_PAIR}", grid) for key in ("UpperLeftPointMtrs", "LowerRightMtrs")]
    if None in corners:
        raise HsiLimeError(
            f"{what}: {hierarchy.path} is a {NAME} product without its grid in {STRUCTURE} (UpperLeftPointMtrs, "
            "LowerRightMtrs); give the product as downloaded."
        )
    (west, north), (east, south) = ((float(m.group(1)), float(m.group(2))) for m in corners)
    transform = Affine((east - west) / shape[1], 0.0, west, 0.0, (south - north) / shape[0], north)
    epsg = hierarchy.attributes("/HDFEOS/GRIDS/HYP").get("epsg_code")
    if epsg is None:
        zone = re.search(r"ZoneCode\s*=\s*(-?\d+)", grid)
        if zone is None or "HE5_GCTP_UTM" not in grid:
            raise HsiLimeError(
                f"{what}: {hierarchy.path} is a {NAME} product whose grid is neither UTM nor has an epsg_code; "
                "give the product as downloaded."
            )
        epsg = (32600 if int(zone.group(1)) > 0 else 32700) + abs(int(zone.group(1)))
    return transform, CRS.from_epsg(int(number_list(epsg)[0]))


class TanagerProduct(Product):
    """A Tanager ortho product: band-sequential, its fill value and CF scale, and its nodata_pixels mask."""

    def __init__(self, *args, what: str, masked: bool):
        super().__init__(*args)
        self.what, self.masked = what, masked

    def read_window(self, window, bands):
        hierarchy = Hierarchy(self.path, self.what, with_article(NAME))
        cube, invalid = hierarchy.array(CUBE).read_scaled(window, bands, "brc")
        if self.masked:
            row, column, height, width = window
            invalid |= hierarchy.array(f"{FIELDS}/nodata_pixels").read([row, column], [height, width]) > 0
        return finish(cube, invalid, self.bands.bad_mask(self.grid.count)[bands])
