"""What a file's first bytes say it is, read without GDAL (light: the QGIS side checks parameters with it).

:func:`signature` tells the containers of the sensor products apart (HDF5 and NetCDF-4, TIFF, ZIP, XML).
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


#: HDF5's signature (NetCDF-4 files are HDF5 files), at offset 0 or 512 (a user block before it).
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def signature(path: str | os.PathLike) -> str | None:
    """``"hdf5"`` (also NetCDF-4), ``"tiff"``, ``"zip"``, ``"xml"`` or None, from the file's first bytes."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(1024)
    except OSError:
        return None
    if head.startswith(HDF5_SIGNATURE) or head[512:520] == HDF5_SIGNATURE:
        return "hdf5"
    if head[:4] in TIFF_SIGNATURES:
        return "tiff"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "xml"
    return None
