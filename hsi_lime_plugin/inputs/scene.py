"""A run's raster, opened once and checked the same way on every path: what it holds and its wavelengths.

Every run opens its raster's header first (:func:`open_scene`): the grid, the bands (their centres
through :func:`scene_wavelengths`, the bad bands, the sensor product it is); a run that explains one
image then reads it, whole or the window that fits in memory (:func:`read_scene`), one over units
reads each unit's window.
On every path typed wavelengths (``WAVELENGTHS``) replace or supply the file's, and are refused beyond any
imaging spectrometer's range; the file's own are warned about when implausible, out of order
or repeated. A raster without a coordinate reference system is warned about once.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rasterio.windows import Window

from ..errors import HsiLimeError, arg
from ..reporting import Reporter
from ..settings import RasterSource
from .bands import BandInfo
from .raster import Grid, RasterCube, read_band_info, read_grid, read_raster
from .wavelength_text import parse_wavelengths
from .wavelengths import PLAUSIBLE_NM


@dataclass(frozen=True)
class Scene:
    """A run's raster as its header describes it: the grid, the band centres the run uses (typed ones
    replacing the file's), and the file's :class:`~.bands.BandInfo` (bad bands, widths, product)."""

    grid: Grid
    wavelengths: np.ndarray | None
    bands: BandInfo

    @property
    def bad_bands(self) -> tuple[int, ...]:
        return self.bands.bad

    def record(self) -> dict:
        """What a report adds to the run's settings: the product and its level, when it is one."""
        return {"product": self.bands.product} if self.bands.product else {}


def open_scene(source: RasterSource, reporter: Reporter, what: str = arg("raster")) -> Scene:
    """The raster's grid and bands from its header (no pixel is read); names the product it is, warns about a
    missing CRS."""
    grid = read_grid(source.path, what)
    bands = read_band_info(source.path, what)
    if bands.product:
        reporter.info(f"{what}: {source.path} is read as {bands.product} (reflectance 0-1, on the product's map grid)")
    reporter.info(f"{what}: {grid.count} bands, {grid.height} x {grid.width} pixels")
    _warn_without_crs(source.path, grid.crs, reporter)
    return Scene(grid, scene_wavelengths(source, bands.wavelengths, grid.count, reporter), bands)


def read_scene(source: RasterSource, wavelengths, reporter: Reporter, window=None) -> RasterCube:
    """Read the raster opened by :func:`open_scene`, whole or its ``window`` (row, column, height, width),
    with the band centres found there; refuse a read without a single valid pixel."""
    row, column, height, width = window if window is not None else (0, 0, None, None)
    cube = read_raster(source.path, None if window is None else Window(column, row, width, height), during_run=True)
    where = "" if window is None else f" in the {height} x {width} window at row {row}, column {column}"
    valid = int(cube.valid.sum())
    if valid == 0:
        raise HsiLimeError(
            f"{arg('raster')}: every pixel of {source.path}{where} is nodata (its nodata value, mask or NaN); choose "
            "a raster with data, or fix its nodata value (Layer Properties > Transparency in QGIS)."
        )
    reporter.info(f"{arg('raster')}: {valid} valid pixels{where}")
    cube.wavelengths = wavelengths
    return cube


def scene_wavelengths(source: RasterSource, from_file, n_bands: int, reporter: Reporter) -> np.ndarray | None:
    """The band centres a run uses: ``source.wavelengths`` parsed (refused when implausible), else the
    file's (warned about when implausible); both checked for order and repeats, and logged."""
    if source.wavelengths is not None and str(source.wavelengths).strip():
        replaced = "replace the file's" if from_file is not None else "supply the missing"
        wavelengths = parse_wavelengths(str(source.wavelengths), n_bands)
        _check_plausible(wavelengths, arg("wavelengths"), reporter, refuse=True)
        reporter.info(
            f"{arg('wavelengths')}: {n_bands} values from {_nm(wavelengths[0])} to {_nm(wavelengths[-1])} nm "
            f"{replaced} wavelengths"
        )
        return wavelengths
    if from_file is not None:
        _check_plausible(from_file, arg("raster"), reporter, refuse=False)
        reporter.info(f"{arg('raster')}: wavelengths {_nm(from_file[0])} to {_nm(from_file[-1])} nm")
    return from_file


def _warn_without_crs(path: str, crs, reporter: Reporter) -> None:
    if crs is None:
        reporter.warning(
            f"{arg('raster')}: {path} has no coordinate reference system; the outputs will have none either (assign "
            "one with Raster > Projections > Assign Projection to place them on the map)."
        )


def _check_plausible(wavelengths: np.ndarray, what: str, reporter: Reporter, refuse: bool) -> None:
    """Wavelengths beyond any imaging spectrometer are refused (typed) or warned about (read from the file)."""
    low, high = PLAUSIBLE_NM
    if wavelengths.min() < low or wavelengths.max() > high:
        message = (
            f"{what}: the wavelengths run from {_nm(wavelengths.min())} to {_nm(wavelengths.max())} nm, outside "
            f"{_nm(low)}-{_nm(high)} nm where imaging spectrometers measure; give them in nm (values below 100 "
            "are read as micrometres)"
        )
        if refuse:
            raise HsiLimeError(message + ".")
        reporter.warning(message + f" with {arg('wavelengths')}.")
    _check_order(wavelengths, what, reporter)


def _check_order(wavelengths: np.ndarray, what: str, reporter: Reporter) -> None:
    """Warn about bands out of order or sharing a wavelength (overlapping detectors, or a typing slip)."""
    steps = np.diff(wavelengths)
    if (steps < 0).any():
        band = int(np.flatnonzero(steps < 0)[0]) + 1
        reporter.warning(
            f"{what}: the wavelengths are not in increasing order (band i{band} at {_nm(wavelengths[band])} nm follows "
            f"{_nm(wavelengths[band - 1])} nm); groups by wavelength take the bands whose wavelengths fall inside "
            "them, wherever they are."
        )
    unique, counts = np.unique(wavelengths, return_counts=True)
    repeated = unique[counts > 1]
    if repeated.size:
        reporter.warning(
            f"{what}: several bands share the wavelength{'s' if repeated.size > 1 else ''} "
            f"{', '.join(_nm(w) for w in repeated[:5])} nm; check the wavelength list."
        )


def _nm(value: float) -> str:
    return f"{value:.6g}"
