"""Band centre wavelengths in nanometres, whatever convention a raster file uses.

A hyperspectral explanation is only readable when every band is tied to its wavelength:
superbands, spectral indices and the figures all work in nanometres. Real files store
wavelengths in many places and units, and some of them lie about the units. This module
reads them all and returns one float64 array in nm per raster.

Conventions, tried in this fixed order; the first one that gives a positive, finite
value for every band wins (as EnMAP-Box's ``RasterReader`` does):

1. ``IMAGERY`` domain, band level, ``CENTRAL_WAVELENGTH_UM`` (GDAL 3.10+). First because it
   is the only convention whose unit is fixed by a standard; where GDAL derived it (to 1 nm) from a
   later convention, that convention's digits are kept.
2. Default domain, band level, ``wavelength`` with ``wavelength_units`` (GDAL's ENVI driver,
   EnMAP products, EnMAP-Box and QGIS writers).
3. ``ENVI`` domain, band level, ``wavelength`` with ``wavelength units``.
4. ``ENVI`` domain (then the default domain), dataset level, a ``{v1, v2, ...}`` list in
   ``wavelength`` with ``wavelength units``.
5. An ENVI header (``.hdr``) beside the file, parsed directly (``wavelength = {...}``,
   ``wavelength units = ...``): covers drivers that do not expose the ENVI domain.
6. A STAC sidecar ``<name>.stac.json`` (or ``<name>.<ext>.stac.json``) whose ``eo:bands``
   give ``center_wavelength`` in micrometres (STAC convention).
7. Band descriptions such as ``band 1 (462.08 Nanometers)`` or ``Band 1 (0.46)``. Last
   because descriptions are free text.

Units: see :func:`to_nanometres`, the one place where units are guessed (the user's
``WAVELENGTHS`` text, :mod:`hsi_lime_plugin.inputs.wavelength_text`, goes through it too).
Declared units are used when they give plausible wavelengths; when units are missing,
unknown or contradict the magnitude, the magnitude decides (values below 100 are
micrometres).
"""
from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Callable, Optional, Sequence, Tuple, Union

import numpy as np

from ..errors import HsiLimeError

__all__ = ["read_wavelengths", "split_list", "to_nanometres"]

#: Values below this are read as micrometres when the units do not settle it.
MICROMETRE_THRESHOLD = 100.0
#: Declared units are trusted only when every converted value lies in [min, max) nm:
#: 0.1 to 100 micrometres, from the ultraviolet to the far infrared.
PLAUSIBLE_NM = (100.0, 100_000.0)

# Factor to nanometres per unit name (lower case, trailing "s" and "." removed).
# Wavenumbers are not supported: such units count as unknown and the magnitude decides.
_UNIT_FACTORS = {
    "nm": 1.0, "nanometer": 1.0, "nanometre": 1.0,
    "um": 1e3, "\u00b5m": 1e3, "\u03bcm": 1e3, "micrometer": 1e3, "micrometre": 1e3,
    "micron": 1e3, "mu": 1e3,
    "mm": 1e6, "millimeter": 1e6, "millimetre": 1e6,
    "cm": 1e7, "centimeter": 1e7, "centimetre": 1e7,
    "m": 1e9, "meter": 1e9, "metre": 1e9,
    "angstrom": 0.1, "\u00e5": 0.1,
}

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_UNIT_WORDS = r"nanomet(?:er|re)s?|micromet(?:er|re)s?|microns?|nm|um|\u00b5m|\u03bcm"
# "band 1 (462.08 Nanometers)", "Band 1 (0.46)", "B5 (705 nm)"
_DESCRIPTION_PARENS = re.compile(rf"\(\s*({_NUMBER})\s*([^\s()]*)\s*\)")
# "705 nm", "0.46um", "462.08 Nanometers" (a bare number is never read as a wavelength)
_DESCRIPTION_UNIT = re.compile(rf"({_NUMBER})\s*({_UNIT_WORDS})\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,;\s]+")
_HEADER_KEY = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 _]*?)\s*=\s*(.*)$")

_RasterValues = Optional[Tuple[list, Optional[str]]]


# ---------------------------------------------------------------------------- units


def _unit_factor(units: object) -> Optional[float]:
    """Factor from ``units`` to nm, or None when the units are missing or unknown."""
    if not isinstance(units, str):
        return None
    name = units.strip().lower().rstrip(".")
    if not name:
        return None
    if name in _UNIT_FACTORS:
        return _UNIT_FACTORS[name]
    if name.endswith("s") and name[:-1] in _UNIT_FACTORS:
        return _UNIT_FACTORS[name[:-1]]
    return None


def to_nanometres(values: Union[Sequence[float], np.ndarray], units: Optional[str] = None) -> np.ndarray:
    """Convert wavelengths to nanometres, trusting the magnitude over doubtful units.

    Files often state no units, or wrong ones (an ENVI file declaring ``nm`` on values
    like 0.46 is common), and a wrong factor of 1000 silently breaks every spectral
    index and band range downstream. So declared units are used only when they give
    plausible wavelengths, and the magnitude decides otherwise.

    Parameters
    ----------
    values : array_like of float
        Wavelengths in some unit.
    units : str, optional
        The declared unit: nm, nanometers, um, µm, micrometers, microns, mm, cm, m,
        angstrom (case-insensitive, singular or plural). Unknown units (including
        wavenumbers) count as missing.

    Returns
    -------
    numpy.ndarray
        float64 wavelengths in nm, same shape as ``values``.

    Notes
    -----
    When ``units`` is known and every converted value lies in the plausible range
    ``PLAUSIBLE_NM`` (100 nm to 100 µm), the converted values are returned. Otherwise
    each value below 100 is read as micrometres (multiplied by 1000) and each value of
    100 or more as nanometres. Non-finite values stay non-finite; checking them is the
    caller's job.

    For nm and micrometres the declared units therefore never change the result: where
    they are plausible they agree with the magnitude rule. They matter for the other
    units (mm, cm, m, angstrom), e.g. 0.00046 mm gives 460 nm.
    """
    array = np.asarray(values, dtype=np.float64)
    factor = _unit_factor(units)
    if factor is not None and array.size:
        with np.errstate(invalid="ignore", over="ignore"):
            converted = array * factor
            plausible = (converted >= PLAUSIBLE_NM[0]) & (converted < PLAUSIBLE_NM[1])
        if bool(np.all(plausible)):
            return converted
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(array < MICROMETRE_THRESHOLD, array * 1000.0, array)


# ------------------------------------------------------------------- reading files


def _to_float(text: object) -> Optional[float]:
    """A finite float from ``text``, or None."""
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def split_list(text: str) -> list:
    """Items of an ENVI-style list ``{v1, v2, ...}`` (braces and brackets optional).

    Shared by the readers of ENVI lists and by :mod:`hsi_lime_plugin.inputs.wavelength_text`, so
    that a list the user types splits exactly as one stored in a file.
    """
    stripped = text.strip().strip("{}[]()").strip()
    return [item for item in _SEPARATORS.split(stripped) if item]


def _find_key(tags: dict, *names: str) -> Optional[str]:
    """Value of the first tag whose key matches one of ``names``, ignoring case, spaces and _."""
    wanted = {name.replace("_", "").replace(" ", "").lower() for name in names}
    for key, value in tags.items():
        if key.replace("_", "").replace(" ", "").lower() in wanted:
            return value
    return None


def _safe_tags(dataset, band: Optional[int] = None, ns: Optional[str] = None) -> dict:
    """``dataset.tags`` that returns an empty dict instead of raising."""
    try:
        if band is None:
            return dict(dataset.tags(ns=ns) if ns else dataset.tags())
        return dict(dataset.tags(band, ns=ns) if ns else dataset.tags(band))
    except Exception:  # noqa: BLE001 - an odd driver must not break wavelength reading
        return {}


def _common_units(units: list) -> Optional[str]:
    """The units shared by every band, or None when they are missing or differ."""
    distinct = {u.strip() for u in units if isinstance(u, str) and u.strip()}
    return distinct.pop() if len(distinct) == 1 else None


def _dataset_units(dataset) -> Optional[str]:
    """Dataset-level units from the ENVI domain or the default domain."""
    for ns in ("ENVI", None):
        units = _find_key(_safe_tags(dataset, ns=ns), "wavelength_units")
        if units:
            return units
    return None


def _band_level(dataset, ns: Optional[str]) -> _RasterValues:
    """Per-band ``wavelength`` / ``wavelength_units`` tags in domain ``ns``."""
    values, units = [], []
    for band in range(1, dataset.count + 1):
        tags = _safe_tags(dataset, band, ns)
        value = _find_key(tags, "wavelength")
        if value is None:
            return None
        values.append(value)
        units.append(_find_key(tags, "wavelength_units"))
    return values, _common_units(units) or _dataset_units(dataset)


def _from_imagery(dataset, path: Optional[Path]) -> _RasterValues:
    values = []
    for band in range(1, dataset.count + 1):
        value = _find_key(_safe_tags(dataset, band, "IMAGERY"), "CENTRAL_WAVELENGTH_UM")
        if value is None:
            return None
        values.append(value)
    return values, "um"


def _from_band_tags(dataset, path: Optional[Path]) -> _RasterValues:
    return _band_level(dataset, None)


def _from_envi_band_tags(dataset, path: Optional[Path]) -> _RasterValues:
    return _band_level(dataset, "ENVI")


def _from_dataset_list(dataset, path: Optional[Path]) -> _RasterValues:
    for ns in ("ENVI", None):
        tags = _safe_tags(dataset, ns=ns)
        value = _find_key(tags, "wavelength")
        if value:
            return split_list(value), _find_key(tags, "wavelength_units")
    return None


def _parse_envi_header(text: str) -> dict:
    """Keys (lower case) and values of an ENVI header; ``{...}`` values may span lines."""
    result, lines, i = {}, text.splitlines(), 0
    while i < len(lines):
        match = _HEADER_KEY.match(lines[i])
        i += 1
        if not match:
            continue
        key, value = match.group(1).strip().lower(), match.group(2).strip()
        if value.startswith("{"):
            while "}" not in value and i < len(lines):
                value += " " + lines[i].strip()
                i += 1
        result[key] = value
    return result


def _header_candidates(path: Path) -> list:
    return [path.with_suffix(".hdr"), Path(str(path) + ".hdr")] if path.suffix else [Path(str(path) + ".hdr")]


def _from_envi_header(dataset, path: Optional[Path]) -> _RasterValues:
    if path is None:
        return None
    for header in _header_candidates(path):
        if header.is_file():
            try:
                fields = _parse_envi_header(header.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
            if "wavelength" in fields:
                return split_list(fields["wavelength"]), fields.get("wavelength units")
    return None


def _stac_bands(item: dict, asset_name: str) -> Optional[list]:
    """Band objects of a STAC item: the asset pointing at the raster, else the item."""
    assets = item.get("assets") if isinstance(item.get("assets"), dict) else {}
    places = [a for a in assets.values() if isinstance(a, dict) and Path(str(a.get("href", ""))).name == asset_name]
    places.append(item.get("properties") if isinstance(item.get("properties"), dict) else {})
    for place in places:
        for key in ("eo:bands", "bands"):
            if isinstance(place.get(key), list):
                return place[key]
    return None


def _from_stac_sidecar(dataset, path: Optional[Path]) -> _RasterValues:
    if path is None:
        return None
    for sidecar in (path.with_suffix(".stac.json"), Path(str(path) + ".stac.json")):
        if not sidecar.is_file():
            continue
        try:
            item = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        bands = _stac_bands(item, path.name) if isinstance(item, dict) else None
        if not bands:
            continue
        values = []
        for band in bands:
            value = _find_key(band, "center_wavelength", "eo:center_wavelength") if isinstance(band, dict) else None
            if value is None:
                return None
            values.append(value)
        return values, "um"
    return None


def _from_descriptions(dataset, path: Optional[Path]) -> _RasterValues:
    values, units = [], []
    for description in dataset.descriptions or ():
        description = description or ""
        match = _DESCRIPTION_PARENS.search(description) or _DESCRIPTION_UNIT.search(description)
        if match is None:
            return None
        values.append(match.group(1))
        units.append(match.group(2))
    return (values, _common_units(units)) if values else None


#: The conventions in the order they are tried: (name, reader).
CONVENTIONS: Tuple[Tuple[str, Callable], ...] = (
    ("IMAGERY domain CENTRAL_WAVELENGTH_UM (band level)", _from_imagery),
    ("default domain wavelength / wavelength_units (band level)", _from_band_tags),
    ("ENVI domain wavelength / wavelength units (band level)", _from_envi_band_tags),
    ("ENVI or default domain wavelength list (dataset level)", _from_dataset_list),
    ("ENVI header file (.hdr)", _from_envi_header),
    ("STAC sidecar (.stac.json, eo:bands center_wavelength)", _from_stac_sidecar),
    ("band descriptions", _from_descriptions),
)


def _dataset_path(dataset) -> Optional[Path]:
    """The file behind ``dataset`` (to find sidecars), or None for in-memory datasets."""
    name = getattr(dataset, "name", None)
    if isinstance(name, str) and name and os.path.isfile(name):
        return Path(name)
    return None


def _read_open(dataset) -> Optional[np.ndarray]:
    """Try every convention on an open dataset; the first full, valid set wins.

    GDAL 3.10+ derives the ``IMAGERY`` domain from other tags and prints it to 1 nm (``%.3f`` micrometres); when
    a later convention gives the same wavelengths to within that rounding, its digits are kept.
    """
    read = _conventions_read(dataset)
    imagery = next(read, None)  # CONVENTIONS[0]; the later ones are read only as far as needed
    if imagery is None:
        return next((values for values in read if values is not None), None)
    close = (values for values in read
             if values is not None and np.all(np.abs(values - imagery) <= IMAGERY_ROUNDING_NM))
    return next(close, imagery)


#: How far GDAL's ``CENTRAL_WAVELENGTH_UM`` (three decimals in micrometres) can lie from the value it came from.
IMAGERY_ROUNDING_NM = 0.5 + 1e-6


def _conventions_read(dataset):
    """Each convention's wavelengths in nm (None where it gives no full, positive set), in the order tried."""
    n_bands = int(dataset.count)
    path = _dataset_path(dataset)
    for _name, reader in CONVENTIONS if n_bands >= 1 else ():
        try:
            found = reader(dataset, path)
        except Exception:  # noqa: BLE001 - one broken convention must not hide the others
            found = None
        numbers = [_to_float(value) for value in found[0]] if found is not None and len(found[0]) == n_bands else []
        if not numbers or any(value is None or value <= 0 for value in numbers):
            yield None
            continue
        yield to_nanometres(numbers, found[1])


def read_wavelengths(dataset_or_path) -> Optional[np.ndarray]:
    """Read the centre wavelength of every band of a raster, in nanometres.

    Hyperspectral files store wavelengths in many conventions and units; this tries
    them in the fixed order listed in the module docstring and returns the first that
    gives a positive, finite value for every band, converted with :func:`to_nanometres`.

    Parameters
    ----------
    dataset_or_path : rasterio.io.DatasetReader or str or os.PathLike
        An open rasterio dataset (left open) or the path of a raster file.

    Returns
    -------
    numpy.ndarray or None
        float64 array of shape (bands,) in nm, in band order (not necessarily sorted);
        None when the file holds no usable wavelength information.

    Raises
    ------
    HsiLimeError
        Only when a path is given that GDAL cannot open; missing wavelength
        information never raises.
    """
    if isinstance(dataset_or_path, (str, os.PathLike)):
        import rasterio  # local import: to_nanometres and the text parsing do not need GDAL

        path = os.fspath(dataset_or_path)
        try:
            dataset = rasterio.open(path)
        except Exception as error:  # noqa: BLE001 - rasterio raises several types here
            raise HsiLimeError(
                f"Raster '{path}' cannot be opened ({error}). Check the path and that the file is a "
                "raster format GDAL reads (GeoTIFF, ENVI, ...)."
            ) from error
        with dataset:
            return _read_open(dataset)
    return _read_open(dataset_or_path)
