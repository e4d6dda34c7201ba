"""DLR/Teledyne DESIS L2A surface reflectance: ``DESIS-HSI-L2A-*-SPECTRAL_IMAGE.tif`` with its ENVI header.

Layout (the DESIS product specification; EnMAP-Box's "Import DESIS L2A product"): the image is a
GeoTIFF of counts; beside it ``*-SPECTRAL_IMAGE.hdr``, an ENVI header (not of the TIFF's own format, so
GDAL does not read it) with ``wavelength``, ``fwhm``, ``data gain values`` and ``data offset values``
(reflectance = count x gain + offset) and, where present, ``bbl`` and ``data ignore value``; the
product's ``*-METADATA.xml`` may be given instead of the image. The level is the one the product's
name states (``DESIS-HSI-L2A-``): L1B and L1C (radiance) are refused.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ...errors import HsiLimeError
from ..bands import BandInfo
from ..wavelengths import _parse_envi_header, split_list, to_nanometres
from .enmap import sibling
from .product import band_names, check_band_count
from .scaled_image import ScaledImage, image_grid

NAME = "DESIS L2A surface reflectance"
IMAGE = re.compile(r"^(?P<stem>DESIS-HSI-(?P<level>L\w+?)-.+)-SPECTRAL_IMAGE\.TIF$", re.IGNORECASE)
METADATA = re.compile(r"^(?P<stem>DESIS-HSI-(?P<level>L\w+?)-.+)-METADATA\.XML$", re.IGNORECASE)


def header_of(image: Path) -> Path | None:
    return sibling(image, IMAGE, ("-SPECTRAL_IMAGE.hdr",))


def image_of(metadata: Path) -> Path | None:
    return sibling(metadata, METADATA, ("-SPECTRAL_IMAGE.tif",))


def is_desis_image(image: Path) -> bool:
    return IMAGE.match(image.name) is not None


def open_desis(image: Path, given, what: str) -> ScaledImage:
    """The DESIS product of ``image`` (``given``: the image or the metadata the user named)."""
    header = header_of(image)
    if header is None:
        raise HsiLimeError(
            f"{what}: {image} is a DESIS image without its ENVI header (*-SPECTRAL_IMAGE.hdr beside it), which holds "
            "its wavelengths, gains and offsets; keep the product's files together in one folder."
        )
    level = IMAGE.match(image.name).group("level").upper()
    if level != "L2A":
        raise HsiLimeError(
            f"{what}: {given} is a DESIS {level} product; hsi-lime reads surface reflectance, level L2A: order the "
            "L2A product of the scene and give it instead."
        )
    fields = _parse_envi_header(header.read_text(encoding="utf-8", errors="replace"))
    grid = image_grid(str(image), what)
    wavelengths = _numbers(fields, "wavelength")
    check_band_count(given, what, f"a {NAME} product", grid.count, wavelengths.size, f"its header {header.name}")
    wavelengths = to_nanometres(wavelengths, fields.get("wavelength units"))
    per_band = {}
    for key, default in (("data gain values", 1.0), ("data offset values", 0.0), ("bbl", 1.0), ("fwhm", np.nan)):
        per_band[key] = _numbers(fields, key, grid.count, default)
        check_band_count(given, what, f"a {NAME} product", grid.count, per_band[key].size,
                         f"the '{key}' of its header {header.name}")
    bad = tuple(int(b) for b in np.flatnonzero(per_band["bbl"] == 0))
    ignore = fields.get("data ignore value")
    fwhm = per_band["fwhm"] if np.isfinite(per_band["fwhm"]).all() else None
    gains, offsets = per_band["data gain values"], per_band["data offset values"]
    bands = BandInfo(wavelengths, fwhm, bad, NAME)
    return ScaledImage(str(given), NAME, grid, bands, [str(image), str(header)], band_names("band", wavelengths, bad),
                       image=str(image), gains=gains, offsets=offsets,
                       nodata=None if ignore is None else float(ignore), what=what)


def _numbers(fields: dict, key: str, count: int = 0, default: float = np.nan) -> np.ndarray:
    """The header's ``{...}`` list ``key`` as numbers; ``default`` repeated ``count`` times when it has none."""
    if key not in fields:
        return np.full(count, default, dtype=np.float64)
    return np.array([float(item) for item in split_list(fields[key])], dtype=np.float64)
