"""What a raster says of its bands besides their centres: widths (FWHM), the bad-band list, the product.

A :class:`BandInfo` travels with a scene from its header (:func:`~hsi_lime_plugin.inputs.scene.open_scene`)
to the superbands: bad bands belong to no superband and are never perturbed. A sensor product's reader
(:mod:`hsi_lime_plugin.inputs.products`) fills it from the product's metadata; for any other raster
:func:`band_info` reads the conventions EnMAP-Box, ENVI and hsi-lime's own
``import_product`` write, in the order :mod:`.wavelengths` tries them: band-level ``fwhm`` and ``bbl``
(default domain, then the ENVI domain), a dataset-level ``{...}`` list (ENVI domain, then default), then
an ENVI header beside the file. ``bbl`` is 1 for a good band, 0 for a bad one (ENVI's bad-band list).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .wavelengths import (
    _dataset_path, _find_key, _header_candidates, _parse_envi_header, _safe_tags, _to_float, read_wavelengths,
    split_list,
)


@dataclass(frozen=True)
class BandInfo:
    """A raster's bands as its metadata describes them.

    Attributes
    ----------
    wavelengths : numpy.ndarray or None
        Band centres in nm, (C,), or None when the file does not say.
    fwhm : numpy.ndarray or None
        Full widths at half maximum in nm, (C,), or None.
    bad : tuple of int
        The 0-based bad bands (the product's bad-band list, ENVI's ``bbl`` = 0).
    product : str or None
        The sensor product it was read as (``"EMIT L2A surface reflectance"``), None for a plain raster.
    """

    wavelengths: np.ndarray | None = None
    fwhm: np.ndarray | None = None
    bad: tuple[int, ...] = ()
    product: str | None = None

    def bad_mask(self, n_bands: int) -> np.ndarray:
        """(n_bands,) bool, True at the bad bands."""
        mask = np.zeros(int(n_bands), dtype=bool)
        mask[[b for b in self.bad if b < n_bands]] = True
        return mask


def band_values(dataset, key: str) -> list | None:
    """The per-band values of ``key`` (``"fwhm"``, ``"bbl"``) in the first convention that has one per band."""
    count = int(dataset.count)
    for ns in (None, "ENVI"):
        values = [_find_key(_safe_tags(dataset, band, ns), key) for band in range(1, count + 1)]
        if count and all(value is not None for value in values):
            return values
    for ns in ("ENVI", None):
        text = _find_key(_safe_tags(dataset, ns=ns), key)
        if text and len(split_list(text)) == count:
            return split_list(text)
    path = _dataset_path(dataset)
    for header in _header_candidates(path) if path is not None else ():
        if header.is_file():
            fields = _parse_envi_header(header.read_text(encoding="utf-8", errors="replace"))
            if key in fields and len(split_list(fields[key])) == count:
                return split_list(fields[key])
    return None


def band_info(dataset) -> BandInfo:
    """The :class:`BandInfo` of an open rasterio dataset (a plain raster, not a sensor product)."""
    numbers = {key: [_to_float(v) for v in values] if values is not None else None
               for key, values in (("fwhm", band_values(dataset, "fwhm")), ("bbl", band_values(dataset, "bbl")))}
    fwhm = numbers["fwhm"]
    bbl = numbers["bbl"]
    return BandInfo(
        wavelengths=read_wavelengths(dataset),
        fwhm=np.asarray(fwhm, dtype=np.float64) if fwhm and all(v is not None and v > 0 for v in fwhm) else None,
        bad=tuple(int(b) for b, flag in enumerate(bbl) if flag == 0) if bbl and None not in bbl else (),
    )
