"""Attribution rasters: GeoTIFFs on an input's grid, one band per target (described by its name).

* :func:`write_raster`: bands held in memory, written at once (explain_spatial, attribute_pixels);
* :class:`Mosaic`: one raster over a whole grid, each unit's attributions written into its
  window as the unit finishes (only the unit's own pixels: neighbouring fields' bounding boxes
  may overlap), never held in memory as a whole (explain_fields);
* :class:`SpectralMaps`: the per-pixel spectral importance of a map run, as two mosaics: the
  attribution of every target and superband (band names ``target:superband``), and per target
  the dominant superband (uint8: 1..K the superbands in order, 0 where none raises the
  prediction; the classes in the ``classes`` tag, and a palette in the file when it has one
  band: a GeoTIFF holds no palette for several; QGIS styles every band);
* :func:`unit_raster`: one unit's attributions on its own raster's grid (one raster per unit).

Callers write into the temporary paths of :mod:`hsi_lime_plugin.outputs.atomic`; every file is
checked complete before it can be renamed into place (:func:`check_complete`), and a fault of
the disk becomes the atomic output's message. NaN becomes the nodata value :data:`NODATA`.
"""
from __future__ import annotations

import errno
import os
import shutil

import numpy as np
import rasterio
import rasterio.windows
from rasterio.enums import Resampling

from ..inputs.raster import Grid, RasterCube, read_grid
from ..perturbation.pixel_maps import DOMINANT_NODATA
from .atomic import WriteFault, write_faults

NODATA = -9999.0
#: Free bytes below which a disk that lost a block counts as full.
FULL_DISK = 1 << 20


def write_raster(path: str | os.PathLike, bands: np.ndarray, like: RasterCube, descriptions: list[str],
                 nodata: float = NODATA) -> None:
    """Write ``bands`` (B, H, W) as a Float32 GeoTIFF on ``like``'s grid, each band described (the target name)."""
    bands = np.asarray(bands, dtype=np.float32)
    if bands.ndim != 3 or bands.shape[1:] != like.data.shape[1:]:
        raise ValueError(f"bands of shape {bands.shape} do not fit the grid {like.data.shape[1:]}")
    values = np.where(np.isfinite(bands), bands, np.float32(nodata))
    profile = dict(driver="GTiff", width=bands.shape[2], height=bands.shape[1], count=bands.shape[0],
                   dtype="float32", crs=like.crs, transform=like.transform, nodata=nodata, compress="deflate",
                   tiled=bands.shape[1] >= 256 and bands.shape[2] >= 256)
    with write_faults(path):
        with rasterio.open(path, "w", **profile) as dataset:
            dataset.write(values)
            _describe(dataset, descriptions)
        check_complete(path)


def check_complete(path) -> None:
    """Raise a :class:`~.atomic.WriteFault` unless every block of the GeoTIFF ``path`` was written.

    GDAL reports a block it could not write (a disk that filled up) only to its error handler,
    and rasterio does not raise then: the file would look written, with missing or truncated
    blocks. Every block of every band must have an offset and a size inside the file (the
    GeoTIFF's own directory, GDAL's ``TIFF`` metadata domain), before the file is renamed into
    place; a block missing on a disk without free space is reported as the full disk it is.
    """
    size = os.path.getsize(path)
    with rasterio.open(path) as dataset:
        for band in range(1, dataset.count + 1):
            for (row, column), _ in dataset.block_windows(band):
                offset = int(dataset.get_tag_item(f"BLOCK_OFFSET_{column}_{row}", "TIFF", bidx=band) or 0)
                length = int(dataset.get_tag_item(f"BLOCK_SIZE_{column}_{row}", "TIFF", bidx=band) or 0)
                if offset <= 0 or length <= 0 or offset + length > size:
                    missing = f"block {row}, {column} of band {band} is missing from the {size} bytes written"
                    full = shutil.disk_usage(os.path.dirname(os.path.abspath(path))).free < FULL_DISK
                    raise WriteFault(path, OSError(errno.ENOSPC, f"No space left on device ({missing})") if full
                                     else OSError(f"{missing}: GDAL could not write it"))


def unit_maps(explanation) -> np.ndarray:
    """(T, h, w) float32 attributions of a spatial unit's explanation on its window, NaN outside its features."""
    return explanation.maps().astype(np.float32)


class Mosaic:
    """A raster over a whole grid, written window by window.

    Parameters
    ----------
    path : path-like
        The (temporary) file to write.
    grid : Grid
        The input raster's grid (:func:`hsi_lime_plugin.inputs.raster.read_grid`).
    band_names : list of str
        One band each (a target's name), described by it.
    dtype, nodata
        Float32 attributions with :data:`NODATA` by default.
    """

    def __init__(self, path, grid: Grid, band_names: list[str], dtype: str = "float32", nodata=NODATA):
        tiled = grid.height >= 256 and grid.width >= 256
        profile = dict(driver="GTiff", width=grid.width, height=grid.height, count=len(band_names),
                       dtype=dtype, crs=grid.crs, transform=grid.transform, nodata=nodata, tiled=tiled)
        if tiled:
            profile.update(blockxsize=256, blockysize=256)
        if len(band_names) > 1:
            profile.update(interleave="band")  # a band read alone (a map of one target and superband) reads less
        # uncompressed: windows are rewritten where bounding boxes overlap, which would grow compressed blocks
        self.path = path
        with write_faults(path):
            self.dataset = rasterio.open(path, "w+", **profile)
            _describe(self.dataset, band_names)
        self.names, self.nodata = list(band_names), nodata

    def write(self, window: tuple[int, int, int, int], explanation) -> None:
        """Write one unit's attributions into its window, on its pixels only."""
        self.write_values(window, unit_maps(explanation), np.asarray(explanation.features) > 0)

    def write_values(self, window: tuple[int, int, int, int], values: np.ndarray, where: np.ndarray) -> None:
        """Write ``values`` (bands, h, w) into ``window`` where ``where`` (h, w) is True (NaN: nodata)."""
        row, column, height, width = window
        target = rasterio.windows.Window(column, row, width, height)
        chosen = values[:, where]
        if np.issubdtype(chosen.dtype, np.floating):
            chosen = np.where(np.isfinite(chosen), chosen, self.nodata)
        with write_faults(self.path):
            current = self.dataset.read(window=target)
            current[:, where] = chosen.astype(current.dtype)
            self.dataset.write(current, window=target)

    def preview(self, shape: tuple[int, int]) -> np.ndarray:
        """(T, h, w) attributions read decimated (nearest) to ``shape``; NaN where no unit was explained."""
        data = self.dataset.read(out_shape=(self.dataset.count, *shape), resampling=Resampling.nearest, masked=True)
        return np.ma.filled(data.astype(np.float32), np.nan)

    def close(self) -> None:
        """Close the file and check that every block reached the disk (:func:`check_complete`)."""
        if self.dataset.closed:
            return
        with write_faults(self.path):
            self.dataset.close()
            check_complete(self.path)


#: Colours of the dominant superbands (1, 2, ...; 0, none raises the prediction, is grey): a qualitative palette.
PALETTE = ((31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
           (227, 119, 194), (188, 189, 34), (23, 190, 207), (174, 199, 232), (255, 187, 120), (152, 223, 138),
           (255, 152, 150), (197, 176, 213), (196, 156, 148), (247, 182, 210), (219, 219, 141), (158, 218, 229))
NONE_COLOUR = (200, 200, 200)
DOMINANT_NONE = "none raises the prediction"


def dominant_classes(superbands: list[str]) -> list[tuple[int, str, tuple[int, int, int]]]:
    """``(value, label, rgb)`` of every class of a dominant-superband raster: 0 (none) and 1..K."""
    classes = [(0, DOMINANT_NONE, NONE_COLOUR)]
    return classes + [(k + 1, name, PALETTE[k % len(PALETTE)]) for k, name in enumerate(superbands)]


class SpectralMaps:
    """The per-pixel spectral importance of a map run (see the module docstring), written unit by unit.

    Parameters
    ----------
    attribution, dominant : path-like or None
        The (temporary) files; either may be None.
    grid : Grid
    targets, superbands : list of str
    """

    def __init__(self, attribution, dominant, grid: Grid, targets: list[str], superbands: list[str]):
        self.map = self.dominant = None
        if attribution:
            self.map = Mosaic(attribution, grid, [f"{t}:{s}" for t in targets for s in superbands])
        if dominant:
            self.dominant = Mosaic(dominant, grid, list(targets), "uint8", DOMINANT_NODATA)
            classes = dominant_classes(superbands)
            with write_faults(dominant):
                if len(targets) == 1:  # a GeoTIFF holds a palette for a single band only; QGIS styles the others
                    self.dominant.dataset.write_colormap(1, {value: (*rgb, 255) for value, _, rgb in classes})
                self.dominant.dataset.update_tags(classes="; ".join(f"{v}={label}" for v, label, _ in classes))

    def write(self, window: tuple[int, int, int, int], maps) -> None:
        """One unit's :class:`~hsi_lime_plugin.perturbation.pixel_maps.PixelMaps` into its window."""
        explained = np.isfinite(maps.coefficients[0, 0])
        if self.map is not None:
            values = maps.coefficients.reshape(-1, *maps.coefficients.shape[2:])
            self.map.write_values(window, values, explained)
        if self.dominant is not None:
            self.dominant.write_values(window, maps.dominant(), explained)

    def close(self) -> None:
        for mosaic in (self.map, self.dominant):
            if mosaic is not None:
                mosaic.close()


def unit_raster(path, explanation, unit_path: str) -> None:
    """The attributions of one raster unit, on that raster's grid (Float32, a band per target)."""
    maps = unit_maps(explanation)
    grid = read_grid(unit_path)  # a sensor product's map grid too
    profile = dict(driver="GTiff", width=grid.width, height=grid.height, count=maps.shape[0], dtype="float32",
                   crs=grid.crs, transform=grid.transform, nodata=NODATA, compress="deflate")
    with write_faults(path):
        with rasterio.open(path, "w", **profile) as dataset:
            dataset.write(np.where(np.isfinite(maps), maps, np.float32(NODATA)))
            _describe(dataset, explanation.target_names)
        check_complete(path)


def _describe(dataset, names: list[str]) -> None:
    for index, name in enumerate(names, start=1):
        dataset.set_band_description(index, name)
