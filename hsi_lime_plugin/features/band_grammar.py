"""The grammar of the ``BAND_GROUPS`` string: text to group specifications.

A spectral explanation groups the bands of a raster into *superbands* (see
:mod:`hsi_lime_plugin.features.superbands`). The user writes the grouping as one string, usable from
the QGIS dialog, ``qgis_process`` and the Model Designer. This module parses that string
without looking at any raster, so that a mistyped string is reported with the character
it goes wrong at before any data is read.

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

How groups become superbands of a raster (order, overlaps, the bands in no group) is
described in :mod:`hsi_lime_plugin.features.superbands`.

Errors are :class:`~hsi_lime_plugin.errors.HsiLimeError` with messages that start with
``BAND_GROUPS`` and, for anything tied to a place in the string, give its character
number (the first character is 1) and a caret line under the string (:func:`band_error`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import HsiLimeError, arg

__all__ = ["GroupSpec", "REST_LABEL", "parse_band_groups"]

INPUT = arg("band_groups")
#: The label of the bands that are in no group; reserved, so no group may use it.
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


def at_character(pos: int) -> str:
    """'at character N' for 0-based offset ``pos``, counting the first character as 1."""
    return f"at character {pos + 1}"


def band_error(text: str, pos: int, message: str) -> HsiLimeError:
    """'BAND_GROUPS: message' and a caret line under character ``pos`` of ``text``.

    Every error tied to a place in the grouping string is built here, by the parser and
    by the resolution against a raster alike, so that all point at the character the
    same way.
    """
    return HsiLimeError(f"{INPUT}: {message}\n{_caret(text, pos)}")


def normalise_dashes(text: str) -> str:
    """``text`` with en dash, em dash and minus sign read as '-' (positions unchanged)."""
    return text.translate(_DASHES)


def _found(text: str, pos: int, end: int) -> str:
    """What stands at ``pos`` instead of the expected item, for error messages."""
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
    index names are checked by :func:`hsi_lime_plugin.bands.resolve_band_groups`.

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
    text = normalise_dashes(text)
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
                raise band_error(
                    text, group.position,
                    f"the label '{group.label}' {at_character(group.position)} is already used by the group at "
                    f"character {seen[group.label] + 1}: give each group its own label, as in 'R; red2=R'.")
            seen[group.label] = group.position
            groups.append(group)
        start = end + 1
    return groups


def _skip_spaces(text: str, pos: int, end: int) -> int:
    """The first offset at or after ``pos`` (before ``end``) that is not a space."""
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def _word_class(word: str) -> str:
    """'number', 'index', 'name' or 'bad': what kind of item a word is."""
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
_RANGE_EXAMPLE = {"wavelengths": "potassium=462-475", "indices": "edge=i40-i60"}


def _parse_group(text: str, start: int, end: int) -> GroupSpec | None:
    """The group between offsets ``start`` and ``end`` (its ';'), or None when blank."""
    group_pos = _skip_spaces(text, start, end)
    if group_pos == end:
        return None
    label, pos = _parse_label(text, start, end, group_pos)
    kind = None
    items, positions, texts = [], [], []
    while True:
        item_pos = pos
        kind, item, pos = _parse_item(text, pos, end, kind, label)
        items.append(item)
        texts.append(item if kind == "names" else text[item_pos:_last_nonspace(text, pos) + 1])
        positions.append(item_pos)
        if pos == end:
            break
        if text[pos] == "=":
            raise band_error(text, pos, _start_hint("=", pos))
        if text[pos] != _SEPARATOR[kind]:
            raise band_error(text, pos, f"unexpected {text[pos]!r} {at_character(pos)}: {_SEPARATOR_HINT[kind]}")
        pos = _skip_spaces(text, pos + 1, end)

    if label is None:
        return GroupSpec("+".join(items), kind, tuple(items), group_pos, tuple(positions), tuple(texts), False)
    return GroupSpec(label, kind, tuple(items), group_pos, tuple(positions), tuple(texts), True)


def _parse_label(text: str, start: int, end: int, group_pos: int) -> tuple[str | None, int]:
    """The group's label (None when it has no '=') and the offset of its first item."""
    equals = text.find("=", start, end)
    if equals < 0:
        return None, group_pos
    label = text[start:equals].strip()
    if not label:
        raise band_error(text, equals, f"empty label before '=' {at_character(equals)}: write a label, as in "
                                       "'potassium=462-475', or remove the '='.")
    for bad in "+,":
        if bad in label:
            bad_pos = group_pos + label.index(bad)
            raise band_error(text, bad_pos,
                             f"the label '{label}' {at_character(bad_pos)} contains '{bad}': labels may not "
                             f"contain '+' or ','; write names without a label ('G+B') or choose another label.")
    if label.lower() == REST_LABEL:
        raise band_error(text, group_pos, f"the label '{label}' {at_character(group_pos)} is reserved for the "
                                          f"bands that are in no group: choose another label.")
    pos = _skip_spaces(text, equals + 1, end)
    if pos == end:
        raise band_error(text, group_pos,
                         f"the group '{label}' {at_character(group_pos)} has nothing after '=': give band or "
                         f"index names, wavelengths or band indices, as in 'potassium=462-475'.")
    return label, pos


def _parse_item(text: str, pos: int, end: int, kind: str | None, label: str | None):
    """One item at ``pos``: a word, and for wavelengths and indices optionally '-' and a second word.

    Returns the group's kind (fixed by its first item), the item (a name, or a
    ``(low, high)`` pair) and the offset after it and its trailing spaces.
    """
    match = _WORD.match(text, pos, end)
    if match is None:
        if kind is None:
            raise band_error(text, pos, _start_hint(text[pos], pos))
        raise band_error(text, pos, f"expected {_EXPECTED[kind]} after '{_SEPARATOR[kind]}' {at_character(pos)}, "
                                    f"found {_found(text, pos, end)}: {_SEPARATOR_HINT[kind]}")
    item_pos, word = pos, match.group()
    word_class = _word_class(word)
    _check_word(text, item_pos, word, word_class, kind)
    if kind is None:
        kind = _KIND_OF_CLASS[word_class]
        if label is None and kind != "names":
            raise band_error(text, item_pos,
                             f"the {'wavelength' if kind == 'wavelengths' else 'band-index'} group starting "
                             f"'{word}' {at_character(item_pos)} needs a label: write it as 'label={word}...', "
                             f"as in '{_RANGE_EXAMPLE[kind]}'.")
    pos = _skip_spaces(text, match.end(), end)
    if kind == "names":
        return kind, word, pos
    low = _item_value(word, kind)
    high = None if kind == "wavelengths" else low
    if pos < end and text[pos] == "-":
        high, pos = _parse_upper_bound(text, pos, end, kind, item_pos, word, low)
    return kind, (low, high), pos


def _parse_upper_bound(text: str, pos: int, end: int, kind: str, item_pos: int, word: str, low):
    """The upper bound of a range whose '-' stands at ``pos``, and the offset after it."""
    pos = _skip_spaces(text, pos + 1, end)
    second = _WORD.match(text, pos, end)
    if second is None:
        raise band_error(text, pos, f"expected {_EXPECTED[kind]} after '-' {at_character(pos)}, found "
                                    f"{_found(text, pos, end)}: write a range with both ends, as in "
                                    f"'{_RANGE_EXAMPLE[kind]}'.")
    _check_word(text, pos, second.group(), _word_class(second.group()), kind)
    high = _item_value(second.group(), kind)
    if low > high:
        first_text, second_text = word, second.group()
        raise band_error(text, item_pos,
                         f"the range {first_text}-{second_text} {at_character(item_pos)} runs backwards: write "
                         f"the lower bound first, {second_text}-{first_text}.")
    return high, _skip_spaces(text, second.end(), end)
def _last_nonspace(text: str, pos: int) -> int:
    """Offset of the last non-space character before ``pos``."""
    pos -= 1
    while pos > 0 and text[pos].isspace():
        pos -= 1
    return pos


def _start_hint(char: str, pos: int) -> str:
    """The message for a group that starts with ``char``, which cannot start an item."""
    where = at_character(pos)
    if char == "-":
        return (f"unexpected '-' {where}: a wavelength range needs both ends and wavelengths are positive, "
                "as in 'potassium=462-475'.")
    if char == "=":
        return f"unexpected '=' {where}: a group has at most one label; separate groups with ';'."
    return (f"unexpected {char!r} {where}: a group is band or index names ('R', 'G+B', 'NDVI'), "
            f"wavelengths in nm ('potassium=462-475,599-613') or band indices ('edge=i40-i60').")


def _check_word(text: str, pos: int, word: str, word_class: str, kind: str | None) -> None:
    """Raise if ``word`` is malformed or does not belong in a group of ``kind``."""
    where = at_character(pos)
    if word_class == "bad":
        if word[0].isdigit() or word[0] == ".":
            raise band_error(text, pos, f"'{word}' {where} is not a wavelength: write wavelengths in nm as "
                                        f"plain numbers such as 550 or 462.5.")
        if word[0] in "iI" and len(word) > 1 and word[1].isdigit():
            raise band_error(text, pos, f"'{word}' {where} is not a band index: write a band index as 'i' "
                                        f"followed by a 0-based band number, as in 'i40'.")
        raise band_error(text, pos, f"'{word}' {where} is not a band or index name: names are letters, digits "
                                    f"and '_', as in 'NDVI' or 'RE1'.")
    if kind is None or _KIND_OF_CLASS[word_class] == kind:
        return
    if kind == "indices" and word_class == "number":
        raise band_error(text, pos, f"'{word}' {where} in a band-index group has no 'i' prefix: write every "
                                    f"band index with its 'i', as in 'edge=i40-i60' (a number without 'i' "
                                    f"is a wavelength in nm).")
    raise band_error(text, pos, f"{_ITEM_DESC[word_class]} '{word}' {where} is in a group of "
                                f"{_GROUP_DESC[kind]}: a group holds band or index names, wavelengths or "
                                f"band indices, never a mix; give it a group of its own.")


def _item_value(word: str, kind: str):
    """A wavelength as float, or a band index (``'i40'``) as int, capped so int() stays cheap."""
    if kind == "wavelengths":
        return float(word)
    digits = word[1:]
    if len(digits.lstrip("0")) > _MAX_INDEX_DIGITS:
        return 10 ** _MAX_INDEX_DIGITS
    return int(digits)
