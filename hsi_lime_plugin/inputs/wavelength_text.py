"""The user's ``WAVELENGTHS`` override: wavelengths typed as text or listed in a file.

Some rasters carry no wavelengths, or wrong ones; the user then types them
(``"462.08, 465.2, 468.4"``) or points at a text or CSV file: one line of values, one
value per line (a first line that is not numeric is a header), or a table whose header
names a ``wavelength`` column. Units follow the magnitude through
:func:`hsi_lime_plugin.wavelengths.to_nanometres`, as for wavelengths read from rasters.
"""
from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Optional, Union

import numpy as np

from ..errors import HsiLimeError, arg
from .wavelengths import split_list, to_nanometres

__all__ = ["parse_wavelengths"]

_INPUT = arg("wavelengths")
_HOW = (
    'Give the band centre wavelengths as numbers separated by commas (e.g. "462.08, 465.2, 468.4"), '
    "or the path of a text file that holds them."
)
_PATH_LIKE = re.compile(r"[/\\]|\.[A-Za-z]\w{0,4}$")


def _numbers(items: list, where: str) -> list:
    """Floats from string ``items``; ``where`` prefixes error messages."""
    result = []
    for index, item in enumerate(items, start=1):
        try:
            value = float(item)
        except ValueError:
            raise HsiLimeError(f"{where}: item {index} '{item}' is not a number. {_HOW}") from None
        if not math.isfinite(value) or value <= 0:
            raise HsiLimeError(
                f"{where}: item {index} ({item}) is not valid: values must be positive and finite. "
                "Give each band centre wavelength in nanometres (values below 100 are read as micrometres)."
            )
        result.append(value)
    return result


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _header_columns(line: str) -> list:
    delimited = re.split(r"[,;\t]", line)
    columns = delimited if len(delimited) > 1 else line.split()
    return [column.strip() for column in columns]


def _values_from_file(path: Path) -> list:
    where = f"{_INPUT} file '{path}'"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise HsiLimeError(f"{where} is not a text file. {_HOW}") from None
    except OSError as error:
        raise HsiLimeError(f"{where} cannot be read ({error.strerror or error}). {_HOW}") from None
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line and not line.startswith("#")]
    if not lines:
        raise HsiLimeError(f"{where} is empty. {_HOW}")
    rows = [(number, split_list(line)) for number, line in lines]
    header = None
    if len(rows) > 1 and not all(_is_number(item) for item in rows[0][1]):
        header = _header_columns(lines[0][1])
        rows = rows[1:]
    if len(rows) == 1:
        number, items = rows[0]
        return _numbers(items, f"{where}, line {number}")
    if header is None:  # every item must be a number: report the first bad one with its line
        for number, items in rows:
            _numbers(items, f"{where}, line {number}")
    if all(len(items) == 1 for _, items in rows):
        return [_numbers(items, f"{where}, line {number}")[0] for number, items in rows]
    # A table: take the column whose header names the wavelength.
    column = next((i for i, name in enumerate(header or []) if "wavelength" in name.lower()), None)
    if column is None:
        raise HsiLimeError(
            f"{where} has several values on several lines and no column named 'wavelength'. Give one line "
            "of comma-separated values, one value per line, or a table whose header has a 'wavelength' column."
        )
    values = []
    for number, items in rows:
        if len(items) != len(header):
            raise HsiLimeError(
                f"{where}, line {number}: has {len(items)} columns but the header has {len(header)}. "
                "Give the same number of columns on every line."
            )
        values.append(_numbers([items[column]], f"{where}, line {number}, column '{header[column]}'")[0])
    return values


def parse_wavelengths(text: Union[str, os.PathLike], n_bands: Optional[int] = None) -> np.ndarray:
    """Parse the user's ``WAVELENGTHS`` override into nanometres.

    Some rasters carry no wavelengths, or wrong ones; the user then types them or
    points at a file. Mistakes here would silently misplace every band, so anything
    malformed is refused with a message saying what to fix.

    Parameters
    ----------
    text : str or os.PathLike
        Either numbers separated by commas, semicolons or whitespace (surrounding
        ``{}`` or ``[]`` tolerated), or the path of a text/CSV file holding one line of
        such numbers, one number per line (a first line that is not numeric is skipped
        as a header), or a table whose header names a ``wavelength`` column.
    n_bands : int, optional
        Number of bands of the raster; when given the count must match.

    Returns
    -------
    numpy.ndarray
        float64 wavelengths in nm, in the given order (not sorted; duplicates kept).
        Units follow the magnitude: values below 100 are micrometres.

    Raises
    ------
    HsiLimeError
        When the text is empty, an item is not a number, a value is not positive and
        finite, the file does not exist or cannot be read, or the count differs from
        ``n_bands``.
    """
    if isinstance(text, os.PathLike):
        text = os.fspath(text)
        values = _parse_path(text)
    elif not isinstance(text, str):
        raise HsiLimeError(f"{_INPUT} must be text, not {type(text).__name__}. {_HOW}")
    else:
        items = split_list(text)
        if not items:
            raise HsiLimeError(f"{_INPUT} is empty. {_HOW}")
        if all(_is_number(item) for item in items):
            values = _numbers(items, _INPUT)
        elif os.path.isfile(_expand_user(text.strip())) or (
            _PATH_LIKE.search(text.strip()) and len(re.split(r"[,;]", text.strip())) == 1
        ):
            values = _parse_path(text.strip())
        else:
            values = _numbers(items, _INPUT)
    if n_bands is not None and len(values) != n_bands:
        raise HsiLimeError(
            f"{_INPUT} gives {len(values)} values but the raster has {n_bands} bands. "
            "Give exactly one wavelength per band, in band order."
        )
    return to_nanometres(values)


def _expand_user(text: str) -> str:
    """``~`` expanded to the home folder; text that cannot be expanded is returned as is."""
    try:
        return os.path.expanduser(text)
    except (ValueError, KeyError, OSError):  # e.g. an embedded null byte in "~user"
        return text


def _parse_path(text: str) -> list:
    path = Path(_expand_user(text))
    if not os.path.isfile(path):
        if os.path.isdir(path):
            raise HsiLimeError(f"{_INPUT}: '{text}' is a folder, not a file. {_HOW}")
        raise HsiLimeError(
            f"{_INPUT}: the file '{text}' does not exist. Check the path, or give the wavelengths "
            "directly as numbers separated by commas."
        )
    return _values_from_file(path)
