"""ASI PRISMA L2D surface reflectance (``PRS_L2D_STD_*.he5``, HDF-EOS5), geocoded on a UTM grid.

Layout (ASI's PRISMA Product Specifications, and EnMAP-Box's "Import PRISMA L2D product"):

* ``HDFEOS/SWATHS/PRS_L2D_HCO/Data Fields/VNIR_Cube`` and ``SWIR_Cube``: (rows, bands, columns), uint16,
  the band axis in the middle and each detector's bands from long to short wavelengths;
* root attributes ``List_Cw_Vnir``/``List_Cw_Swir`` (band centres in cube order, 0 for a band not delivered)
  and ``List_Fwhm_Vnir``/``List_Fwhm_Swir``; ``L2ScaleVnirMin``/``Max`` and ``L2ScaleSwirMin``/``Max``:
  reflectance = Min + DN (Max - Min) / 65535; DN 0 in every band: no data;
* ``Epsg_Code`` and ``Product_ULcorner_easting``/``northing``, ``Product_LRcorner_easting``/``northing``: the
  centres of the corner pixels on the UTM grid.

The cube is presented as EnMAP-Box imports it: the VNIR bands with a wavelength, shortest first, then
the SWIR bands, shortest first (the detectors overlap around 950 nm). The L1 radiance and the L2B/L2C
products (not geocoded) are refused with the level to download.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rasterio.crs import CRS
from rasterio.transform import Affine

from ...errors import HsiLimeError
from ..bands import BandInfo
from ..raster import Grid
from .hierarchy import Hierarchy, number_list, with_article
from .product import Product, check_band_count, finish

NAME = "PRISMA L2D surface reflectance"
SWATHS = "/HDFEOS/SWATHS"
FIELDS = f"{SWATHS}/PRS_L2D_HCO/Data Fields"
#: The hyperspectral swath of each PRISMA level hsi-lime does not read.
OTHER_LEVELS = {"PRS_L1_HCO": "L1 (top-of-atmosphere radiance)", "PRS_L2B_HCO": "L2B (radiance, not geocoded)",
                "PRS_L2C_HCO": "L2C (reflectance, not geocoded)"}


@dataclass(frozen=True)
class Detector:
    """One of PRISMA's two cubes: its array, its delivered bands in cube order (shortest first), its scale."""

    name: str
    array: str
    bands: np.ndarray
    wavelengths: np.ndarray
    fwhm: np.ndarray
    low: float
    step: float


def is_prisma(hierarchy: Hierarchy) -> bool:
    """Whether the file holds a PRISMA hyperspectral swath (``PRS_*_HCO``) of any level."""
    return any(name.startswith("PRS_") and name.endswith("_HCO") for name in hierarchy.groups(SWATHS))


def open_prisma(hierarchy: Hierarchy, what: str) -> "PrismaProduct":
    """The PRISMA L2D product opened by ``hierarchy`` (refusing the other levels)."""
    path, swaths = hierarchy.path, hierarchy.groups(SWATHS)
    if "PRS_L2D_HCO" not in swaths:
        level = next((text for name, text in OTHER_LEVELS.items() if name in swaths), ", ".join(swaths))
        raise HsiLimeError(
            f"{what}: {path} is a PRISMA {level} product; hsi-lime reads the geocoded surface reflectance, level "
            "L2D (PRS_L2D_STD_*.he5): order or download the L2D product of the scene and give it instead."
        )
    attributes = hierarchy.attributes()
    detectors = [_detector(hierarchy, attributes, name, what) for name in ("Vnir", "Swir")]
    rows, _, columns = hierarchy.array(detectors[0].array).shape
    epsg = int(number_list(attributes.get("Epsg_Code", 4326))[0])
    grid = Grid(rows, columns, sum(d.bands.size for d in detectors), _transform(attributes, rows, columns, path, what),
                CRS.from_epsg(epsg))
    fwhm = np.concatenate([d.fwhm for d in detectors])
    bands = BandInfo(np.concatenate([d.wavelengths for d in detectors]), fwhm if (fwhm > 0).all() else None, (), NAME)
    names = [f"{d.name.upper()} band {int(b) + 1} ({w:.6g} nm)"
             for d in detectors for b, w in zip(d.bands, d.wavelengths)]
    return PrismaProduct(path, NAME, grid, bands, [path], names, detectors=detectors, what=what)


def _detector(hierarchy: Hierarchy, attributes: dict, name: str, what: str) -> Detector:
    array = f"{FIELDS}/{name.upper()}_Cube"
    centres = number_list(attributes.get(f"List_Cw_{name}", ()))
    check_band_count(hierarchy.path, what, f"a {NAME} product", hierarchy.array(array).shape[1], centres.size,
                     f"List_Cw_{name}")
    chosen = np.flatnonzero(centres != 0)[::-1]  # the delivered bands, shortest wavelength first
    widths = number_list(attributes.get(f"List_Fwhm_{name}", np.zeros(centres.size)))
    low, high = (float(number_list(attributes.get(f"L2Scale{name}{end}", default))[0])
                 for end, default in (("Min", 0.0), ("Max", 1.0)))
    return Detector(name, array, chosen, centres[chosen], widths[chosen] if widths.size == centres.size else
                    np.zeros(chosen.size), low, (high - low) / 65535.0)


def _transform(attributes: dict, rows: int, columns: int, path, what: str) -> Affine:
    """The grid from the corner pixels' centres (their spacing is the pixel size)."""
    try:
        west, north, east, south = (float(number_list(attributes[f"Product_{corner}corner_{axis}"])[0])
                                    for corner, axis in (("UL", "easting"), ("UL", "northing"),
                                                         ("LR", "easting"), ("LR", "northing")))
    except KeyError as missing:
        raise HsiLimeError(
            f"{what}: {path} is a {NAME} product without the corner attribute {missing}, which places it on the "
            "map; give the product as downloaded."
        ) from None
    width = (east - west) / max(columns - 1, 1)
    height = (north - south) / max(rows - 1, 1)
    return Affine(width, 0.0, west - width / 2, 0.0, -height, north + height / 2)


class PrismaProduct(Product):
    """A PRISMA L2D product: its two detectors, read band-interleaved by line."""

    def __init__(self, *args, detectors: list, what: str):
        super().__init__(*args)
        self.detectors, self.what = detectors, what

    def read_window(self, window, bands):
        hierarchy = Hierarchy(self.path, self.what, with_article(NAME))
        cube = np.empty((bands.size, window[2], window[3]), dtype=np.float32)
        empty = np.ones(window[2:], dtype=bool)  # DN 0 in every band read: no data
        first = 0
        for detector in self.detectors:
            positions = np.flatnonzero((bands >= first) & (bands < first + detector.bands.size))
            if positions.size:
                counts = hierarchy.array(detector.array).read_cube(window, detector.bands[bands[positions] - first],
                                                                   "rbc")
                empty &= (counts == 0).all(axis=0)
                cube[positions] = np.float32(detector.low) + counts * np.float32(detector.step)
            first += detector.bands.size
        invalid = np.broadcast_to(empty, cube.shape).copy()
        return finish(cube, invalid, self.bands.bad_mask(self.grid.count)[bands])
