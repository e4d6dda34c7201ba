"""The spyndex catalogue: band names with their wavelength windows, and spectral indices.

A name group of ``BAND_GROUPS`` (``R``, ``G+B``, ``NDVI``) stands for the raster bands
inside the wavelength window of a spyndex band, or of the bands a spyndex spectral index
uses. This module reads that catalogue once, tells which bands an index uses, and turns
a name as written into the catalogue's name, suggesting the closest names when it is
unknown.
"""
from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

import numpy as np

from .band_grammar import at_character, band_error

__all__ = ["Catalogue", "catalogue", "group_band_names", "window_members"]


@dataclass(frozen=True)
class Catalogue:
    """Band and index names of spyndex, with what a lookup needs.

    Attributes
    ----------
    bands : dict
        Band name -> ``(min_wavelength, max_wavelength)`` in nm.
    indices : dict
        Index name -> tuple of spyndex input names.
    constants : frozenset
        Names of formula constants (``L``, ``g``, ...), which are not bands.
    by_lower : dict
        Lower-case name -> tuple of names (bands and indices) that differ only in case.
    aliases : dict
        Lower-case common or long band name (``'red'``, ``'nir'``, ``'swir16'``) -> band name.
    """

    bands: dict
    indices: dict
    constants: frozenset
    by_lower: dict
    aliases: dict


@functools.lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The spyndex catalogue, read once per process."""
    import spyndex  # imported here: Dask workers that never resolve names do not pay for it

    bands, aliases = {}, {}
    for name in spyndex.bands.keys():
        band = spyndex.bands[name]
        low, high = getattr(band, "min_wavelength", None), getattr(band, "max_wavelength", None)
        if low is not None and high is not None:
            bands[str(name)] = (float(low), float(high))
            for alias in (getattr(band, "common_name", None), getattr(band, "long_name", None)):
                if alias:
                    aliases.setdefault(re.sub(r"\W", "", str(alias)).lower(), str(name))
    indices = {str(name): tuple(str(b) for b in spyndex.indices[name].bands) for name in spyndex.indices.keys()}
    by_lower: dict[str, list] = {}
    for name in list(bands) + list(indices):
        by_lower.setdefault(name.lower(), []).append(name)
    return Catalogue(bands, indices, frozenset(str(c) for c in spyndex.constants.keys()),
                     {k: tuple(sorted(v)) for k, v in by_lower.items()}, aliases)


def index_bands(names: Catalogue, index: str) -> list[str]:
    """Band names an index uses, in its order; constants and radar inputs are skipped.

    Kernel indices (kNDVI, kEVI, ...) list kernel terms such as ``kNR`` = k(N, R), made
    of two band or constant names; such a term stands for its bands.
    """
    found = []
    for item in names.indices[index]:
        if item in names.bands:
            found.append(item)
        elif item in names.constants:
            continue
        elif item.startswith("k") and len(item) > 2:
            known = names.bands.keys() | names.constants
            for cut in range(2, len(item)):
                first, second = item[1:cut], item[cut:]
                if first in known and second in known:
                    found.extend(n for n in (first, second) if n in names.bands)
                    break
    return list(dict.fromkeys(found))


def lookup_name(text: str, pos: int, name: str, names: Catalogue) -> str:
    """The catalogue's band or index name for ``name`` written at ``pos`` of ``text``.

    An exact name, or one that differs from exactly one name only in case, is accepted;
    anything else raises an error pointing at ``pos`` that suggests the closest names.
    """
    if name in names.bands or name in names.indices:
        return name
    matches = names.by_lower.get(name.lower(), ())
    if len(matches) == 1:
        return matches[0]
    where = at_character(pos)
    if len(matches) > 1:
        listed = ", ".join(f"'{m}'" for m in matches)
        raise band_error(text, pos, f"'{name}' {where} matches several names that differ only in case "
                                    f"({listed}): write the name with its exact capitals.")
    band_names = ", ".join(sorted(names.bands))
    if name in names.constants:
        raise band_error(text, pos, f"'{name}' {where} is a spyndex constant, not a band: use band names "
                                    f"({band_names}) or index names such as NDVI.")
    suggestions = closest_names(name, names)
    if suggestions:
        hint = "did you mean " + ", ".join(f"'{s}'" for s in suggestions) + "?"
    else:
        hint = "no band or index has a similar name."
    raise band_error(text, pos, f"unknown band or index name '{name}' {where}: {hint} Band names are the "
                                f"spyndex bands ({band_names}); index names are the "
                                f"spyndex spectral indices such as NDVI, SAVI or EVI.")


def closest_names(name: str, names: Catalogue) -> list[str]:
    """Up to five band or index names close to an unknown ``name``, best first.

    Best first: a band's common or long name (``'red'`` -> R), the same letters in another
    order (``'NVDI'`` -> NDVI; difflib ranks transpositions low), then difflib's closest names.
    """
    lower = name.lower()
    keys = [names.aliases[lower].lower()] if lower in names.aliases else []
    keys += [k for k in names.by_lower if sorted(k) == sorted(lower)]
    keys += difflib.get_close_matches(lower, list(names.by_lower), n=5, cutoff=0.6)
    return list(dict.fromkeys(m for key in keys for m in names.by_lower[key]))[:5]


def group_band_names(text: str, group, names: Catalogue) -> tuple[list[str], list[str]]:
    """The catalogue names of a name group, and the spyndex bands they stand for, in order.

    An index stands for the bands it uses; an index that uses no band with a wavelength
    window (radar indices such as ``VVVHR``) is an error pointing at its name.
    """
    canonical = [lookup_name(text, pos, name, names) for name, pos in zip(group.items, group.item_positions)]
    bands_used: list[str] = []
    for name, pos in zip(canonical, group.item_positions):
        if name in names.bands:
            bands_used.append(name)
            continue
        used = index_bands(names, name)
        if not used:
            inputs = ", ".join(names.indices[name])
            raise band_error(text, pos, f"the index '{name}' {at_character(pos)} uses no band with a wavelength "
                                        f"range (its inputs are {inputs}), so it cannot group the bands of a "
                                        f"spectrum: choose another index or give wavelengths or band indices.")
        bands_used.extend(used)
    return canonical, bands_used


def format_wavelength(value: float) -> str:
    """A wavelength as the user wrote it or spyndex lists it (``'462.5'``, ``'620'``)."""
    return f"{value:g}"


def window_members(text: str, group, bands_used: list[str], grid, names: Catalogue, notes: list) -> list:
    """The raster bands inside each spyndex band's wavelength window, band by band.

    ``grid`` is the raster's wavelength grid (:class:`hsi_lime_plugin.features.superbands._Grid`). A
    window partly or entirely outside the raster, or between two of its bands, is noted
    once per group; a group that gets no band at all is an error.
    """
    chunks = []
    seen_notes: set[str] = set()
    for band in dict.fromkeys(bands_used):
        band_notes: list[str] = []
        chunks.append(_band_members(band, group.label, grid, names, band_notes))
        notes.extend(n for n in band_notes if n not in seen_notes)
        seen_notes.update(band_notes)
    if not any(c.size for c in chunks):
        ranges = "; ".join(f"{b} covers {format_wavelength(names.bands[b][0])}-"
                           f"{format_wavelength(names.bands[b][1])} nm" for b in dict.fromkeys(bands_used))
        raise band_error(text, group.position,
                         f"the group '{group.label}' {at_character(group.position)} has no band in the raster, "
                         f"which covers {grid.coverage()} ({ranges}): choose bands or indices inside that range, "
                         f"or give wavelengths or band indices.")
    return chunks


def _band_members(band: str, label: str, grid, names: Catalogue, notes: list) -> np.ndarray:
    """Raster bands inside a spyndex band's range; notes why a range gives few or no bands."""
    low, high = names.bands[band]
    members = np.flatnonzero((grid.values >= low) & (grid.values <= high))
    where = f"band {band} of group '{label}' covers {format_wavelength(low)}-{format_wavelength(high)} nm, which"
    raster = f"the raster ({grid.fmt(grid.low)}-{grid.fmt(grid.high)} nm)"
    if high < grid.low or low > grid.high:
        notes.append(f"{where} lies outside {raster}; the group gets no band from it.")
    elif low < grid.low or high > grid.high:
        notes.append(f"{where} lies partly outside {raster}; the group keeps the "
                     f"{members.size} band{'s' if members.size != 1 else ''} inside.")
    elif members.size == 0:
        notes.append(f"{where} falls between two bands of {raster}; the group gets no band from it.")
    return members
