"""NetCDF-4 and HDF5 files as GDAL's multidimensional API sees them: groups, arrays and attributes.

EMIT, PRISMA, Tanager and AVIRIS-3 store their cubes in groups, with the band axis first, last or
in the middle. GDAL's classic raster view of such a variable depends on the GDAL version (Debian 12's
GDAL 3.6 shows an EMIT swath sideways; 3.8 and later reorder it), while the multidimensional API
(``gdal.OpenEx(path, gdal.OF_MULTIDIM_RASTER)``, GDAL 3.1 and later) gives every array in its stored
dimension order, hyperslabs by start and count, and the attributes as Python values, the same on
GDAL 3.6 and 3.10. Only GDAL's own Python bindings (``osgeo``) expose it: rasterio does not.

GDAL's error state is left as the caller had it: errors are caught whether GDAL raises them (another
plugin switched exceptions on) or returns None, and become :class:`~hsi_lime_plugin.errors.HsiLimeError`
naming the file, the array and GDAL's reason.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np

from ...errors import HsiLimeError


def has_gdal() -> bool:
    """Whether GDAL's own Python bindings can be imported."""
    try:
        from osgeo import gdal  # noqa: F401
    except ImportError:
        return False
    return True


def gdal_module(path, what: str, product: str):
    """``osgeo.gdal``, or an error that says why ``product`` (read from ``path``) needs it and what to do."""
    try:
        from osgeo import gdal
    except ImportError:
        raise HsiLimeError(
            f"{what}: {path} is {product}; reading it needs GDAL's own Python bindings (the 'osgeo' module), which "
            "this Python lacks (rasterio alone does not read products stored in groups). Install them (Debian: "
            "apt-get install python3-gdal; conda: gdal; pip: the 'gdal' package of your GDAL's version), or open "
            "the product in QGIS, which has them, and save it as a GeoTIFF with hsilime:import_product."
        ) from None
    return gdal


@contextlib.contextmanager
def quiet(gdal):
    """GDAL's messages kept off stderr while a call whose failure is checked runs; its last error reset first."""
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    gdal.ErrorReset()
    try:
        yield
    finally:
        gdal.PopErrorHandler()


def gdal_reason(gdal, error: Exception | None = None, path=None) -> str:
    """GDAL's last message (or ``error``'s) in one line, without the file name the message names already."""
    text = str(error) if error is not None else gdal.GetLastErrorMsg()
    if path is not None:
        text = text.replace(f"`{path}' ", "").replace(f"{path}: ", "")
    return " ".join(text.split()).rstrip(".") or "GDAL gives no reason"


@dataclass
class Array:
    """One array of a :class:`Hierarchy`: its name, shape (stored order), dimension names and attributes."""

    hierarchy: "Hierarchy"
    name: str
    handle: object

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(int(d.GetSize()) for d in self.handle.GetDimensions())

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(d.GetName() for d in self.handle.GetDimensions())

    def attribute_value(self, name: str, default=None):
        """The attribute's value (a number, a tuple or a string), or ``default`` when the array has none."""
        attribute = self.hierarchy.call(lambda: self.handle.GetAttribute(name))
        return default if attribute is None else attribute.Read()

    @property
    def nodata(self) -> float | None:
        """The fill value (``_FillValue`` or ``missing_value``), or None."""
        value = self.hierarchy.call(self.handle.GetNoDataValueAsDouble)
        return None if value is None else float(value)

    @property
    def scale_offset(self) -> tuple[float, float]:
        """CF ``scale_factor`` and ``add_offset`` (1 and 0 when absent): GDAL's netCDF driver reads them, its
        HDF5 driver leaves them as attributes."""
        scale, offset = self.handle.GetScale(), self.handle.GetOffset()
        scale = self.attribute_value("scale_factor", 1.0) if scale is None else scale
        offset = self.attribute_value("add_offset", 0.0) if offset is None else offset
        return float(number_list(scale)[0]), float(number_list(offset)[0])

    def read(self, start=None, count=None) -> np.ndarray:
        """The hyperslab from ``start`` with ``count`` elements per dimension (the whole array by default),
        in stored dimension order."""
        shape = self.shape
        start = [0] * len(shape) if start is None else [int(s) for s in start]
        count = [n - s for n, s in zip(shape, start)] if count is None else [int(c) for c in count]
        gdal = self.hierarchy.gdal
        error = None
        with quiet(gdal):
            try:
                values = self.handle.ReadAsArray(array_start_idx=start, count=count)
            except RuntimeError as raised:
                values, error = None, raised
        if values is None:
            reason = gdal_reason(gdal, error, self.hierarchy.path)
            raise self.hierarchy.damaged(f"reading {self.name} failed ({reason})")
        return np.asarray(values)

    def read_text(self) -> str:
        """A string array's first value (HDF-EOS's ODL structure), as text."""
        value = self.hierarchy.call(self.handle.Read)
        value = value[0] if isinstance(value, (list, tuple)) and value else value
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value or "")

    def read_cube(self, window, bands: np.ndarray, order: str) -> np.ndarray:
        """The (len(bands), h, w) cube of ``window`` (row, column, height, width) and the 0-based ``bands`` of a
        3-D array stored in ``order``: ``"brc"`` (bands, rows, columns) or ``"rbc"`` (rows, bands, columns).
        One hyperslab: the bands from the first to the last asked for, then those asked for."""
        row, column, height, width = window
        first, count = int(bands.min()), int(bands.max() - bands.min() + 1)
        extent = {"b": (first, count), "r": (row, height), "c": (column, width)}
        block = self.read([extent[axis][0] for axis in order], [extent[axis][1] for axis in order])
        return np.moveaxis(block, [order.index(axis) for axis in "brc"], [0, 1, 2])[bands - first]

    def read_scaled(self, window, bands: np.ndarray, order: str) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`read_cube` with the CF scale and offset applied (float32), and where it held the fill value."""
        raw = self.read_cube(window, bands, order)
        nodata = self.nodata
        invalid = np.zeros(raw.shape, dtype=bool) if nodata is None else raw == nodata
        scale, offset = self.scale_offset
        return (raw.astype(np.float32) * np.float32(scale) + np.float32(offset)).astype(np.float32), invalid


class Hierarchy:
    """A NetCDF-4 or HDF5 file opened with GDAL's multidimensional API (see the module docstring)."""

    def __init__(self, path: str, what: str, product: str):
        self.path, self.what, self.product = str(path), what, product
        self.gdal = gdal_module(path, what, product)
        error, dataset = None, None
        with quiet(self.gdal):
            try:
                dataset = self.gdal.OpenEx(self.path, self.gdal.OF_MULTIDIM_RASTER | self.gdal.OF_READONLY)
            except RuntimeError as raised:
                error = raised
            # only the root group is kept: the file stays open while a group or array of it lives, and no dataset
            # can be released before them (with GDAL 3.6, a garbage collection that freed both crashed a test session)
            self.root = None if dataset is None else dataset.GetRootGroup()
            del dataset
        if self.root is None:
            raise self.damaged(f"GDAL cannot open it ({gdal_reason(self.gdal, error, self.path)})")

    def damaged(self, reason: str) -> HsiLimeError:
        """The error for a file that opens badly or fails to read: a truncated or damaged download."""
        return HsiLimeError(
            f"{self.what}: {self.path} is damaged or incomplete: {reason}, as happens to {self.product} whose "
            "download or copy was interrupted; nothing was written. Download it again, then run again."
        )

    def has(self, name: str) -> bool:
        """Whether the array ``name`` (a full name, ``/group/array``) exists."""
        return self._open(name) is not None

    def array(self, name: str) -> Array:
        """The array ``name``; a product that lacks it is damaged or not what its structure promised."""
        handle = self._open(name)
        if handle is None:
            raise HsiLimeError(
                f"{self.what}: {self.path} looks like {self.product} but has no array {name}; it is damaged, or "
                "a product of another layout: give the product as downloaded."
            )
        return Array(self, name, handle)

    def attributes(self, group: str = "/") -> dict:
        """The attributes of ``group`` (the root by default) by name; none for a group that does not exist."""
        handle = self._group(group)
        with quiet(self.gdal):
            found = [] if handle is None else (handle.GetAttributes() or [])
            return {attribute.GetName(): attribute.Read() for attribute in found}

    def groups(self, group: str = "/") -> list[str]:
        """The names of the groups inside ``group`` (none for a group that does not exist)."""
        handle = self._group(group)
        with quiet(self.gdal):
            return list((handle.GetGroupNames() if handle is not None else None) or [])

    def call(self, function):
        """``function()``, or None where GDAL fails (whether it raises or returns None), its message kept quiet."""
        with quiet(self.gdal):
            try:
                return function()
            except RuntimeError:
                return None

    def _group(self, name: str):
        return self.root if name == "/" else self.call(lambda: self.root.OpenGroupFromFullname(name))

    def _open(self, name: str):
        return self.call(lambda: self.root.OpenMDArrayFromFullname(name))


def with_article(name: str) -> str:
    """``"an EMIT L2A ..."``, ``"a PRISMA ..."``: a product's name in a sentence."""
    return f"{'an' if name[:1] in 'AEIO' else 'a'} {name}"


def number_list(value) -> np.ndarray:
    """An attribute holding numbers (a tuple, a number, or text such as ``"400 410.5 420"``) as float64."""
    if isinstance(value, str):
        return np.array([float(item) for item in value.replace(",", " ").split()], dtype=np.float64)
    return np.atleast_1d(np.asarray(value, dtype=np.float64))
