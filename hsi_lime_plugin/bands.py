"""Superbands: groups of bands that a spectral explanation perturbs together.

A spectral explanation does not switch single bands of a hyperspectral pixel on and off:
neighbouring bands are strongly correlated, and hundreds of single-band features would
need far more perturbations than a model can afford. Instead the bands are grouped into
*superbands*, and each superband is one feature of the LIME surrogate. This module turns
one grouping string, usable from the QGIS dialog, ``qgis_process`` and the Model Designer
(input ``BAND_GROUPS``), into such groups for a given raster.

Grouping string
---------------
Example::

    R; G+B; BI; potassium=462-475,599-613; edge=i40-i60

* Groups are separated by ``;``. Blank groups (``R;;G``, a trailing ``;``) are ignored.
* Each group is ``spec`` or ``label=spec``. A label is any text before the ``=`` without
  ``;``, ``=``, ``+`` or ``,``; spaces around it are removed, spaces inside are kept
  (``red edge=700-730``). Labels must differ from each other (case-sensitive) and
  ``not_included`` is reserved. Spaces around ``;``, ``=``, ``+``, ``,`` and ``-`` are
  ignored; en dash, em dash and the minus sign count as ``-``.
* A spec is one of three kinds, told apart by its first item; a group never mixes kinds:

  **Names** -- ``NAME[+NAME...]``: spyndex band names (``A``, ``B``, ``G``, ``G1``, ``Y``,
  ``R``, ``RE1``, ``RE2``, ``RE3``, ``N``, ``N2``, ``WV``, ``S1``, ``S2``, ``T``, ``T1``,
  ``T2``) and spyndex spectral index names (``NDVI``, ``SAVI``, ``EVI``, ``BI``, ...).
  A band stands for every raster band whose wavelength lies in the spyndex band's
  ``min_wavelength``-``max_wavelength`` range (both ends included). An index stands for
  the union of its bands; its formula constants (``L``, ``g``, ``C1``, ``gamma``, ...) are
  not bands and are skipped, kernel terms such as ``kNR`` (k(N, R) in kernel indices)
  stand for their bands, and radar inputs (``VV``, ``VH``, ``HH``, ``HV``) have no
  wavelength and are skipped. ``+`` merges several names into one superband. A name
  group needs no label: its default label is the names as written, joined by ``+``
  (``G + B`` -> ``G+B``). Names are matched exactly; a name that differs from exactly one
  band or index only in case is accepted (``ndvi`` -> ``NDVI``); otherwise the error
  suggests the closest names. Names need band wavelengths.

  **Wavelengths** -- ``label=ITEM[,ITEM...]`` where ITEM is ``lo-hi`` (a range in nm,
  both ends included, ``lo <= hi``) or a single wavelength ``w``, which snaps to the
  nearest band (the lower band index on a tie). Numbers are plain decimals (``550``,
  ``462.5``). A number without the ``i`` prefix is always a wavelength. Every range must
  contain a band; a single wavelength must lie within the raster's range widened by one
  median band spacing on each side. The label is required.

  **Band indices** -- ``label=ITEM[,ITEM...]`` where ITEM is ``iK`` or ``iK-iM``: 0-based
  band numbers, ranges inclusive, *each* bound written with its ``i`` (or ``I``) prefix
  (``edge=i40-i60``, ``x=i3,i5,i7-i9``). A word that starts with ``i`` and a digit is
  always a band index (no spyndex name starts that way). Band indices need no
  wavelengths. The label is required.

* Within a group, bands are listed in the order the group names them: names in the
  order written, an index's bands in the order spyndex lists them (``AVI`` -> ``N`` then
  ``R``), ranges and indices in the order written, and the bands of one name or range
  in increasing band index; a band listed twice in a group counts once.
* Overlaps: a band belongs to the *first* group that claims it; a warning names both
  groups and the shared bands. A group left with no band of its own is an error.
* Bands in no group form one more superband, ``not_included``, perturbed as a feature
  of its own; with ``include_rest=False`` they are never perturbed (feature value 0).

Warnings (:class:`BandGroupWarning`, also returned in :attr:`Superbands.warnings`):
shared bands, a spyndex band whose range lies partly or entirely outside the raster's
wavelength range (or between two raster bands), and a single wavelength snapped to a
band farther away than the median band spacing.

Errors are :class:`~hsi_lime_plugin.errors.HsiLimeError` with messages that start with
``BAND_GROUPS`` (``WAVELENGTHS`` for wavelengths that do not match the bands) and, for
anything tied to a place in the string, give its character number (the first character
is 1) and a caret line under the string: a syntax error, a missing or empty label, a
reserved or repeated label, a backwards range, an unknown name (with the closest names
suggested), a spyndex constant used as a band, an index with no optical band (radar
indices such as ``VVVHR``), names or wavelength groups on a raster without wavelengths,
a range or single wavelength outside the raster, a band index past the last band, a
group with no band in the raster or no band of its own, and an empty string.
"""
from __future__ import annotations

import difflib
import functools
import re
import warnings
from dataclasses import dataclass, field

import numpy as np

from .errors import HsiLimeError

__all__ = [
    "BandGroupWarning",
    "GroupSpec",
    "Superbands",
    "REST_LABEL",
    "parse_band_groups",
    "resolve_band_groups",
]

INPUT = "BAND_GROUPS"
REST_LABEL = "not_included"
EXAMPLE = "R; G+B; potassium=462-475,599-613; edge=i40-i60"

# Characters that read as '-' (en dash, em dash, minus sign); same length, so positions hold.
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-"})
_WORD = re.compile(r"[A-Za-z0-9_.]+")
_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)\Z")
_INDEX = re.compile(r"[iI](\d+)\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_INDEX_START = re.compile(r"[iI]\d")  # no spyndex name starts like this: such a word is a band index
# Longer band numbers are out of range anyway; int() of thousands of digits raises ValueError.
_MAX_INDEX_DIGITS = 18
_CARET_WIDTH = 72


class BandGroupWarning(UserWarning):
    """Something in BAND_GROUPS that works but may not be what the user meant."""


@dataclass(frozen=True)
class GroupSpec:
    """One group of the grouping string, as written (no raster involved).

    Attributes
    ----------
    label : str
        The label given before ``=``, or for a name group without one the names joined
        by ``+``.
    kind : {'names', 'wavelengths', 'indices'}
        How the group selects bands.
    items : tuple
        ``'names'``: band or index names as written (``('G', 'B')``).
        ``'wavelengths'``: ``(lo, hi)`` float pairs in nm; a single wavelength is
        ``(w, None)``. ``'indices'``: ``(first, last)`` int pairs, inclusive, 0-based.
    position : int
        0-based offset in the string of the group's first character.
    item_positions : tuple of int
        0-based offset of each item, for error messages.
    item_texts : tuple of str
        Each item as written (``'462-475'``), for error messages.
    label_given : bool
        Whether the label was written, or is the default label of a name group.
    """

    label: str
    kind: str
    items: tuple
    position: int
    item_positions: tuple = ()
    item_texts: tuple = ()
    label_given: bool = True


@dataclass
class Superbands:
    """Superbands of one raster: which feature each band belongs to.

    Attributes
    ----------
    features : numpy.ndarray of int64, shape (n_bands,)
        ``features[b] == k`` (1-based) means band ``b`` belongs to superband ``k``;
        0 means band ``b`` is never perturbed.
    labels : list of str
        Superband labels in feature order: feature value ``k`` is ``labels[k - 1]``.
        The last one is ``'not_included'`` when ungrouped bands form a feature.
    band_indices : list of list of int
        The 0-based bands of each superband, in the order the group names them.
    ranges_text : list of str
        Each superband's bands as text for tables and legends: wavelengths of runs of
        neighbouring bands (``'620-670'``, ``'462.1-475.3, 599.0-613.2'``), or band
        indices (``'i40-i60'``) when the raster has no wavelengths.
    warnings : list of str
        Warnings raised while resolving, for the QGIS log.
    """

    features: np.ndarray
    labels: list
    band_indices: list
    ranges_text: list
    warnings: list = field(default_factory=list)

    @property
    def n_features(self) -> int:
        """Number of superbands, i.e. of interpretable features."""
        return len(self.labels)


# --------------------------------------------------------------------------- messages


def _caret(text: str, pos: int) -> str:
    """Two indented lines: the string (or a window of it) and a caret under ``pos``."""
    shown = "".join(" " if (c.isspace() or not c.isprintable()) else c for c in text)
    col = pos
    if len(shown) > _CARET_WIDTH:
        start = max(0, min(pos - _CARET_WIDTH // 2, len(shown) - _CARET_WIDTH))
        end = start + _CARET_WIDTH
        window = shown[start:end]
        col = pos - start
        if start > 0:
            window, col = "..." + window, col + 3
        if end < len(shown):
            window += "..."
        shown = window
    return f"  {shown}\n  {' ' * col}^"


def _at(pos: int) -> str:
    """'at character N', counting the first character as 1."""
    return f"at character {pos + 1}"


def _error(text: str, pos: int, message: str) -> HsiLimeError:
    """'BAND_GROUPS: message' and a caret line under character ``pos`` of ``text``."""
    return HsiLimeError(f"{INPUT}: {message}\n{_caret(text, pos)}")


def _found(text: str, pos: int, end: int) -> str:
    if pos >= len(text):
        return "the end of the text"
    if pos >= end:
        return "the end of the group (';')"
    return repr(text[pos])


# --------------------------------------------------------------------------- parsing


def parse_band_groups(text: str) -> list[GroupSpec]:
    """Parse a grouping string into group specifications, without looking at a raster.

    This checks the syntax only (see the module documentation for the grammar), so that
    a mistyped string is reported with its position before any data is read. Band and
    index names are checked by :func:`resolve_band_groups`.

    Parameters
    ----------
    text : str
        The grouping string, e.g. ``'R; G+B; potassium=462-475,599-613; edge=i40-i60'``.

    Returns
    -------
    list of GroupSpec
        One per non-blank group, in the order written (possibly empty).

    Raises
    ------
    HsiLimeError
        On a syntax error, a missing or empty label, a range whose lower bound exceeds
        its upper bound, or a label used twice; the message points at the position.
    """
    if not isinstance(text, str):
        raise HsiLimeError(f"{INPUT}: expected text such as '{EXAMPLE}', got {type(text).__name__}.")
    text = text.translate(_DASHES)
    groups: list[GroupSpec] = []
    seen: dict[str, int] = {}
    start = 0
    while start <= len(text):
        end = text.find(";", start)
        if end < 0:
            end = len(text)
        group = _parse_group(text, start, end)
        if group is not None:
            if group.label in seen:
                raise _error(
                    text, group.position,
                    f"the label '{group.label}' {_at(group.position)} is already used by the group at character "
                    f"{seen[group.label] + 1}: give each group its own label, as in 'R; red2=R'.")
            seen[group.label] = group.position
            groups.append(group)
        start = end + 1
    return groups


def _skip_spaces(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def _word_class(word: str) -> str:
    if _NUMBER.match(word):
        return "number"
    if _INDEX.match(word):
        return "index"
    if _NAME.match(word) and not _INDEX_START.match(word):
        return "name"
    return "bad"


_KIND_OF_CLASS = {"name": "names", "number": "wavelengths", "index": "indices"}
_ITEM_DESC = {"name": "the name", "number": "the wavelength", "index": "the band index"}
_GROUP_DESC = {"names": "band or index names", "wavelengths": "wavelengths", "indices": "band indices"}
_EXPECTED = {"names": "a band or index name", "wavelengths": "a wavelength in nm",
             "indices": "a band index such as 'i40'"}
_SEPARATOR = {"names": "+", "wavelengths": ",", "indices": ","}
_SEPARATOR_HINT = {
    "names": "join band and index names with '+' and separate groups with ';', as in 'R; G+B'.",
    "wavelengths": "separate wavelength ranges with ',' and groups with ';', as in 'potassium=462-475,599-613'.",
    "indices": "separate band indices with ',' and groups with ';', as in 'x=i3,i5,i7-i9'.",
}


def _parse_group(text: str, start: int, end: int) -> GroupSpec | None:
    pos = _skip_spaces(text, start, end)
    if pos == end:
        return None
    group_pos = pos
    equals = text.find("=", start, end)
    label = None
    if equals >= 0:
        label = text[start:equals].strip()
        if not label:
            raise _error(text, equals, f"empty label before '=' {_at(equals)}: write a label, as in "
                                       "'potassium=462-475', or remove the '='.")
        for bad in "+,":
            if bad in label:
                bad_pos = group_pos + label.index(bad)
                raise _error(text, bad_pos,
                             f"the label '{label}' {_at(bad_pos)} contains '{bad}': labels may not contain "
                             f"'+' or ','; write names without a label ('G+B') or choose another label.")
        if label.lower() == REST_LABEL:
            raise _error(text, group_pos, f"the label '{label}' {_at(group_pos)} is reserved for the bands that "
                                          f"are in no group: choose another label.")
        pos = _skip_spaces(text, equals + 1, end)
        if pos == end:
            raise _error(text, group_pos,
                         f"the group '{label}' {_at(group_pos)} has nothing after '=': give band or index "
                         f"names, wavelengths or band indices, as in 'potassium=462-475'.")

    kind = None
    items, positions, texts = [], [], []
    while True:
        # One item: a word, and for wavelengths and indices optionally '-' and a second word.
        match = _WORD.match(text, pos, end)
        if match is None:
            if kind is None:
                raise _error(text, pos, _start_hint(text[pos], pos))
            raise _error(text, pos, f"expected {_EXPECTED[kind]} after '{_SEPARATOR[kind]}' {_at(pos)}, "
                                    f"found {_found(text, pos, end)}: {_SEPARATOR_HINT[kind]}")
        item_pos, word = pos, match.group()
        word_class = _word_class(word)
        _check_word(text, item_pos, word, word_class, kind)
        if kind is None:
            kind = _KIND_OF_CLASS[word_class]
            if label is None and kind != "names":
                example = "potassium=462-475" if kind == "wavelengths" else "edge=i40-i60"
                raise _error(text, item_pos,
                             f"the {'wavelength' if kind == 'wavelengths' else 'band-index'} group starting "
                             f"'{word}' {_at(item_pos)} needs a label: write it as 'label={word}...', as in "
                             f"'{example}'.")
        pos = _skip_spaces(text, match.end(), end)
        if kind == "names":
            items.append(word)
            texts.append(word)
        else:
            low = _item_value(word, kind)
            high = None if kind == "wavelengths" else low
            if pos < end and text[pos] == "-":
                pos = _skip_spaces(text, pos + 1, end)
                second = _WORD.match(text, pos, end)
                if second is None:
                    example = "potassium=462-475" if kind == "wavelengths" else "edge=i40-i60"
                    raise _error(text, pos, f"expected {_EXPECTED[kind]} after '-' {_at(pos)}, found "
                                            f"{_found(text, pos, end)}: write a range with both ends, as in "
                                            f"'{example}'.")
                _check_word(text, pos, second.group(), _word_class(second.group()), kind)
                high = _item_value(second.group(), kind)
                if low > high:
                    first_text, second_text = word, second.group()
                    raise _error(text, item_pos,
                                 f"the range {first_text}-{second_text} {_at(item_pos)} runs backwards: write "
                                 f"the lower bound first, {second_text}-{first_text}.")
                pos = _skip_spaces(text, second.end(), end)
            items.append((low, high))
            texts.append(text[item_pos:_last_nonspace(text, pos) + 1])
        positions.append(item_pos)
        if pos == end:
            break
        if text[pos] == "=":
            raise _error(text, pos, _start_hint("=", pos))
        if text[pos] != _SEPARATOR[kind]:
            raise _error(text, pos, f"unexpected {text[pos]!r} {_at(pos)}: {_SEPARATOR_HINT[kind]}")
        pos = _skip_spaces(text, pos + 1, end)

    if label is None:
        return GroupSpec("+".join(items), kind, tuple(items), group_pos, tuple(positions), tuple(texts), False)
    return GroupSpec(label, kind, tuple(items), group_pos, tuple(positions), tuple(texts), True)


def _last_nonspace(text: str, pos: int) -> int:
    """Offset of the last non-space character before ``pos``."""
    pos -= 1
    while pos > 0 and text[pos].isspace():
        pos -= 1
    return pos


def _start_hint(char: str, pos: int) -> str:
    if char == "-":
        return (f"unexpected '-' {_at(pos)}: a wavelength range needs both ends and wavelengths are positive, "
                "as in 'potassium=462-475'.")
    if char == "=":
        return f"unexpected '=' {_at(pos)}: a group has at most one label; separate groups with ';'."
    return (f"unexpected {char!r} {_at(pos)}: a group is band or index names ('R', 'G+B', 'NDVI'), "
            f"wavelengths in nm ('potassium=462-475,599-613') or band indices ('edge=i40-i60').")


def _check_word(text: str, pos: int, word: str, word_class: str, kind: str | None) -> None:
    """Raise if ``word`` is malformed or does not belong in a group of ``kind``."""
    if word_class == "bad":
        if word[0].isdigit() or word[0] == ".":
            raise _error(text, pos, f"'{word}' {_at(pos)} is not a wavelength: write wavelengths in nm as "
                                    f"plain numbers such as 550 or 462.5.")
        if word[0] in "iI" and len(word) > 1 and word[1].isdigit():
            raise _error(text, pos, f"'{word}' {_at(pos)} is not a band index: write a band index as 'i' "
                                    f"followed by a 0-based band number, as in 'i40'.")
        raise _error(text, pos, f"'{word}' {_at(pos)} is not a band or index name: names are letters, digits "
                                f"and '_', as in 'NDVI' or 'RE1'.")
    if kind is None or _KIND_OF_CLASS[word_class] == kind:
        return
    if kind == "indices" and word_class == "number":
        raise _error(text, pos, f"'{word}' {_at(pos)} in a band-index group has no 'i' prefix: write every "
                                f"band index with its 'i', as in 'edge=i40-i60' (a number without 'i' "
                                f"is a wavelength in nm).")
    raise _error(text, pos, f"{_ITEM_DESC[word_class]} '{word}' {_at(pos)} is in a group of "
                            f"{_GROUP_DESC[kind]}: a group holds band or index names, wavelengths or "
                            f"band indices, never a mix; give it a group of its own.")


def _item_value(word: str, kind: str):
    if kind == "wavelengths":
        return float(word)
    digits = word[1:]
    if len(digits.lstrip("0")) > _MAX_INDEX_DIGITS:
        return 10 ** _MAX_INDEX_DIGITS
    return int(digits)


# --------------------------------------------------------------------------- spyndex


@dataclass(frozen=True)
class _Catalogue:
    bands: dict          # band name -> (min_wavelength, max_wavelength) in nm
    indices: dict        # index name -> tuple of spyndex input names
    constants: frozenset
    by_lower: dict       # lower-case name -> tuple of names (bands and indices)
    aliases: dict        # lower-case common or long band name ('red', 'nir', 'swir16') -> band name


@functools.lru_cache(maxsize=1)
def _catalogue() -> _Catalogue:
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
    return _Catalogue(bands, indices, frozenset(str(c) for c in spyndex.constants.keys()),
                      {k: tuple(sorted(v)) for k, v in by_lower.items()}, aliases)


def _index_bands(catalogue: _Catalogue, index: str) -> list[str]:
    """Band names an index uses, in its order; constants and radar inputs are skipped.

    Kernel indices (kNDVI, kEVI, ...) list kernel terms such as ``kNR`` = k(N, R), made
    of two band or constant names; such a term stands for its bands.
    """
    names = []
    for item in catalogue.indices[index]:
        if item in catalogue.bands:
            names.append(item)
        elif item in catalogue.constants:
            continue
        elif item.startswith("k") and len(item) > 2:
            known = catalogue.bands.keys() | catalogue.constants
            for cut in range(2, len(item)):
                first, second = item[1:cut], item[cut:]
                if first in known and second in known:
                    names.extend(n for n in (first, second) if n in catalogue.bands)
                    break
    return list(dict.fromkeys(names))


def _lookup(text: str, pos: int, name: str, catalogue: _Catalogue) -> str:
    if name in catalogue.bands or name in catalogue.indices:
        return name
    matches = catalogue.by_lower.get(name.lower(), ())
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        listed = ", ".join(f"'{m}'" for m in matches)
        raise _error(text, pos, f"'{name}' {_at(pos)} matches several names that differ only in case "
                                f"({listed}): write the name with its exact capitals.")
    if name in catalogue.constants:
        raise _error(text, pos, f"'{name}' {_at(pos)} is a spyndex constant, not a band: use band names "
                                f"({', '.join(sorted(catalogue.bands))}) or index names such as NDVI.")
    # Best first: a band's common or long name ('red' -> R), the same letters in another order
    # ('NVDI' -> NDVI; difflib ranks transpositions low), then difflib's closest names.
    lower = name.lower()
    keys = [catalogue.aliases[lower]] if lower in catalogue.aliases else []
    keys = [k.lower() for k in keys]
    keys += [k for k in catalogue.by_lower if sorted(k) == sorted(lower)]
    keys += difflib.get_close_matches(lower, list(catalogue.by_lower), n=5, cutoff=0.6)
    suggestions = list(dict.fromkeys(m for key in keys for m in catalogue.by_lower[key]))[:5]
    if suggestions:
        hint = "did you mean " + ", ".join(f"'{s}'" for s in suggestions) + "?"
    else:
        hint = "no band or index has a similar name."
    raise _error(text, pos, f"unknown band or index name '{name}' {_at(pos)}: {hint} Band names are the "
                            f"spyndex bands ({', '.join(sorted(catalogue.bands))}); index names are the "
                            f"spyndex spectral indices such as NDVI, SAVI or EVI.")


# --------------------------------------------------------------------------- resolving


class _Grid:
    """Band wavelengths of a raster and the text formats derived from them."""

    def __init__(self, wavelengths: np.ndarray):
        self.values = wavelengths
        self.low, self.high = float(wavelengths.min()), float(wavelengths.max())
        unique = np.unique(wavelengths)
        self.spacing = float(np.median(np.diff(unique))) if unique.size > 1 else 0.0
        self.integral = bool(np.all(wavelengths == np.round(wavelengths)))

    def fmt(self, value: float) -> str:
        return f"{value:.0f}" if self.integral else f"{value:.1f}"

    def coverage(self) -> str:
        n = self.values.size
        return f"{self.fmt(self.low)}-{self.fmt(self.high)} nm with {n} band{'s' if n != 1 else ''}"


def _runs(indices) -> list[tuple[int, int]]:
    """Runs of consecutive band indices, from the sorted indices."""
    ordered = np.unique(np.asarray(indices, dtype=np.int64))
    if ordered.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(ordered) != 1)
    starts = np.concatenate(([ordered[0]], ordered[breaks + 1]))
    stops = np.concatenate((ordered[breaks], [ordered[-1]]))
    return list(zip(starts.tolist(), stops.tolist()))


def _wavelength_text(indices, grid: _Grid | None) -> str:
    """'620-670' or '462.1-475.3, 599.0-613.2'; 'i40-i60' without wavelengths."""
    parts = []
    for first, last in _runs(indices):
        if grid is None:
            parts.append(f"i{first}" if first == last else f"i{first}-i{last}")
        else:
            run = grid.values[first:last + 1]
            low, high = grid.fmt(run.min()), grid.fmt(run.max())
            parts.append(low if low == high else f"{low}-{high}")
    return ", ".join(parts)


def _bands_text(indices, grid: _Grid | None) -> str:
    """'i49-i71 (620.7-691.0 nm)', run by run: band indices and wavelengths."""
    parts = []
    for first, last in _runs(indices):
        index_text = f"i{first}" if first == last else f"i{first}-i{last}"
        if grid is not None:
            index_text += f" ({_wavelength_text(range(first, last + 1), grid)} nm)"
        parts.append(index_text)
    return ", ".join(parts)


def _fmt_number(value: float) -> str:
    return f"{value:g}"


def _no_wavelengths(text: str, pos: int, what: str) -> HsiLimeError:
    return _error(text, pos, f"{what} {_at(pos)} needs band wavelengths, but the raster has none: give them "
                             f"with the WAVELENGTHS parameter (a comma-separated list of wavelengths in nm, "
                             f"one per band, or a text file that lists them), or group bands by band index, "
                             f"which needs no wavelengths, as in 'edge=i40-i60'.")


def _check_wavelengths(wavelengths, n_bands: int) -> _Grid | None:
    if wavelengths is None:
        return None
    try:
        values = np.asarray(wavelengths, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise HsiLimeError(f"WAVELENGTHS: cannot read the wavelengths as numbers ({exc}): give one "
                           f"wavelength in nm per band.") from None
    if values.ndim != 1 or values.size != n_bands:
        raise HsiLimeError(f"WAVELENGTHS: {values.size} wavelengths for a raster of {n_bands} bands: give "
                           f"exactly one wavelength in nm per band.")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise HsiLimeError(f"WAVELENGTHS: band i{bad[0]} has wavelength {values[bad[0]]}: every band needs a "
                           f"finite wavelength in nm.")
    return _Grid(values)


def _band_members(band: str, label: str, grid: _Grid, catalogue: _Catalogue, notes: list) -> np.ndarray:
    """Raster bands inside a spyndex band's range; notes why a range gives few or no bands."""
    low, high = catalogue.bands[band]
    members = np.flatnonzero((grid.values >= low) & (grid.values <= high))
    where = f"band {band} of group '{label}' covers {_fmt_number(low)}-{_fmt_number(high)} nm, which"
    raster = f"the raster ({grid.fmt(grid.low)}-{grid.fmt(grid.high)} nm)"
    if high < grid.low or low > grid.high:
        notes.append(f"{where} lies outside {raster}; the group gets no band from it.")
    elif low < grid.low or high > grid.high:
        notes.append(f"{where} lies partly outside {raster}; the group keeps the "
                     f"{members.size} band{'s' if members.size != 1 else ''} inside.")
    elif members.size == 0:
        notes.append(f"{where} falls between two bands of {raster}; the group gets no band from it.")
    return members


def _candidates(text: str, group: GroupSpec, grid: _Grid | None, n_bands: int,
                catalogue: _Catalogue, notes: list) -> list[int]:
    """The bands a group names, in its order, before overlaps are settled."""
    chunks: list[np.ndarray] = []
    if group.kind == "names":
        canonical = [_lookup(text, pos, name, catalogue) for name, pos in zip(group.items, group.item_positions)]
        bands_used: list[str] = []
        for name, pos in zip(canonical, group.item_positions):
            if name in catalogue.bands:
                bands_used.append(name)
                continue
            index_bands = _index_bands(catalogue, name)
            if not index_bands:
                inputs = ", ".join(catalogue.indices[name])
                raise _error(text, pos, f"the index '{name}' {_at(pos)} uses no band with a wavelength range "
                                        f"(its inputs are {inputs}), so it cannot group the bands of a "
                                        f"spectrum: choose another index or give wavelengths or band indices.")
            bands_used.extend(index_bands)
        if grid is None:
            what = f"the band name '{group.items[0]}'" if canonical[0] in catalogue.bands \
                else f"the index name '{group.items[0]}'"
            raise _no_wavelengths(text, group.item_positions[0], what)
        seen_notes: set[str] = set()
        for band in dict.fromkeys(bands_used):
            band_notes: list[str] = []
            chunks.append(_band_members(band, group.label, grid, catalogue, band_notes))
            notes.extend(n for n in band_notes if n not in seen_notes)
            seen_notes.update(band_notes)
        if not any(c.size for c in chunks):
            ranges = "; ".join(f"{b} covers {_fmt_number(catalogue.bands[b][0])}-"
                               f"{_fmt_number(catalogue.bands[b][1])} nm" for b in dict.fromkeys(bands_used))
            raise _error(text, group.position,
                         f"the group '{group.label}' {_at(group.position)} has no band in the raster, which "
                         f"covers {grid.coverage()} ({ranges}): choose bands or indices inside that range, or "
                         f"give wavelengths or band indices.")
    elif group.kind == "wavelengths":
        if grid is None:
            raise _no_wavelengths(text, group.position, f"the wavelength group '{group.label}'")
        for (low, high), pos, item in zip(group.items, group.item_positions, group.item_texts):
            if high is None:
                chunks.append(np.array([_snap(text, pos, low, group.label, grid, notes)]))
                continue
            members = np.flatnonzero((grid.values >= low) & (grid.values <= high))
            if members.size == 0:
                raise _error(text, pos, _empty_range_message(pos, low, high, group.label, grid))
            chunks.append(members)
    else:
        for (first, last), pos, item in zip(group.items, group.item_positions, group.item_texts):
            if last >= n_bands:
                bounds = [part.strip() for part in item.split("-")]
                bad = bounds[0] if first >= n_bands else bounds[-1]
                bad_pos = pos if first >= n_bands else pos + item.rindex(bad)
                raise _error(text, bad_pos, f"band index {bad} {_at(bad_pos)} is out of range: the raster has "
                                            f"{n_bands} band{'s' if n_bands != 1 else ''}, i0 to i{n_bands - 1}.")
            chunks.append(np.arange(first, last + 1))
    ordered = np.concatenate(chunks).astype(np.int64)
    _, first_seen = np.unique(ordered, return_index=True)
    return ordered[np.sort(first_seen)].tolist()


def _snap(text: str, pos: int, value: float, label: str, grid: _Grid, notes: list) -> int:
    if not grid.low - grid.spacing <= value <= grid.high + grid.spacing:
        raise _error(text, pos, f"the wavelength {_fmt_number(value)} nm of group '{label}' {_at(pos)} lies "
                                f"outside the raster, which covers {grid.coverage()}: choose a wavelength "
                                f"inside that range.")
    distances = np.abs(grid.values - value)
    band = int(np.argmin(distances))
    if distances[band] > grid.spacing:
        notes.append(f"wavelength {_fmt_number(value)} nm of group '{label}' snapped to band i{band} at "
                     f"{grid.fmt(grid.values[band])} nm, {distances[band]:.1f} nm away (the median band "
                     f"spacing is {grid.spacing:.1f} nm).")
    return band


def _empty_range_message(pos: int, low: float, high: float, label: str, grid: _Grid) -> str:
    message = (f"the range {_fmt_number(low)}-{_fmt_number(high)} nm of group '{label}' {_at(pos)} contains no "
               f"band of the raster, which covers {grid.coverage()}")
    if high < grid.low or low > grid.high:
        return message + ": choose a range inside it."
    below = np.flatnonzero(grid.values < low)
    above = np.flatnonzero(grid.values > high)
    before = below[np.argmax(grid.values[below])]
    after = above[np.argmin(grid.values[above])]
    return (message + f"; it falls between band i{before} ({grid.fmt(grid.values[before])} nm) and band "
                      f"i{after} ({grid.fmt(grid.values[after])} nm): widen the range.")


def resolve_band_groups(text: str, wavelengths, n_bands: int, include_rest: bool = True) -> Superbands:
    """Turn a grouping string into superbands of one raster.

    Parameters
    ----------
    text : str
        The grouping string (input ``BAND_GROUPS``); grammar in the module documentation.
    wavelengths : array-like of float, shape (n_bands,), or None
        Band centre wavelengths in nm, or None when the raster has none (then only
        band-index groups work).
    n_bands : int
        Number of bands of the raster.
    include_rest : bool, default True
        Whether the bands in no group form one more superband, ``'not_included'``
        (perturbed as a feature of its own); if False they are never perturbed.

    Returns
    -------
    Superbands
        Feature vector, labels, bands and wavelength text of each superband, and the
        warnings (also emitted as :class:`BandGroupWarning`).

    Raises
    ------
    HsiLimeError
        On any problem the user can fix: syntax, unknown names, names or wavelength
        groups without wavelengths, ranges or indices outside the raster, duplicate
        labels, a group with no band of its own, an empty string, or wavelengths that
        do not match the bands (input ``WAVELENGTHS``).
    """
    n_bands = int(n_bands)
    if n_bands < 1:
        raise ValueError(f"n_bands must be at least 1, got {n_bands}")
    groups = parse_band_groups(text)
    text = text.translate(_DASHES)
    if not groups:
        raise HsiLimeError(f"{INPUT} is empty: give at least one group, as in '{EXAMPLE}'.")
    grid = _check_wavelengths(wavelengths, n_bands)
    catalogue = _catalogue()

    notes: list[str] = []
    features = np.zeros(n_bands, dtype=np.int64)
    labels: list[str] = []
    band_indices: list[list[int]] = []
    for group in groups:
        candidates = np.asarray(_candidates(text, group, grid, n_bands, catalogue, notes), dtype=np.int64)
        owners = features[candidates]
        own = candidates[owners == 0]
        for owner in np.unique(owners[owners > 0]):
            shared = candidates[owners == owner]
            notes.append(f"group '{group.label}' shares {shared.size} band{'s' if shared.size != 1 else ''} "
                         f"with the earlier group '{labels[owner - 1]}': {_bands_text(shared, grid)}; they "
                         f"stay in '{labels[owner - 1]}', the first group that claims them.")
        if own.size == 0:
            earlier = ", ".join(f"'{labels[o - 1]}'" for o in np.unique(owners))
            raise _error(text, group.position,
                         f"the group '{group.label}' {_at(group.position)} has no band of its own: all its bands, "
                         f"{_bands_text(candidates, grid)}, already belong to the earlier group"
                         f"{'s' if np.unique(owners).size > 1 else ''} {earlier}: remove it or move it "
                         f"before them.")
        labels.append(group.label)
        features[own] = len(labels)
        band_indices.append(own.tolist())

    rest = np.flatnonzero(features == 0)
    if include_rest and rest.size:
        labels.append(REST_LABEL)
        features[rest] = len(labels)
        band_indices.append(rest.tolist())

    messages = [f"{INPUT}: {note}" for note in notes]
    for message in messages:
        warnings.warn(message, BandGroupWarning, stacklevel=2)
    return Superbands(
        features=features,
        labels=labels,
        band_indices=band_indices,
        ranges_text=[_wavelength_text(b, grid) for b in band_indices],
        warnings=messages,
    )
