"""What a file's first bytes say it is, read without GDAL.

A file that starts as a TIFF does (classic or BigTIFF, either byte order) but that GDAL cannot
open is a damaged or incomplete GeoTIFF, typically an interrupted download or copy whose image
directory was cut off (GDAL writes the directory at the end of a file whose tags changed after
its data), not a file of the wrong format: the message must say so and name the fix.
"""
from __future__ import annotations

import os

#: The first four bytes of a TIFF (``*``) or BigTIFF (``+``), little- or big-endian.
TIFF_SIGNATURES = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def starts_as_tiff(path: str | os.PathLike) -> bool:
    """Whether the local file ``path`` begins with a TIFF signature (False when it cannot be read)."""
    try:
        with open(path, "rb") as file:
            return file.read(4) in TIFF_SIGNATURES
    except OSError:
        return False
