"""Attribution rasters: Float32 GeoTIFFs on an input's grid, one band per target (described by its name).

* :func:`write_raster`: bands held in memory, written at once (explain_spatial, attribute_pixels);
* :class:`Mosaic`: one raster over a whole grid, each unit's attributions written into its
  window as the unit finishes (only the unit's own pixels: neighbouring fields' bounding boxes
  may overlap), never held in memory as a whole (explain_fields);
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

from ..inputs.raster import Grid, RasterCube
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
    """An attribution raster over a whole grid, written window by window.

    Parameters
    ----------
    path : path-like
        The (temporary) file to write.
    grid : Grid
        The input raster's grid (:func:`hsi_lime_plugin.inputs.raster.read_grid`).
    target_names : list of str
        One band per target, described by its name.
    """

    def __init__(self, path, grid: Grid, target_names: list[str]):
        tiled = grid.height >= 256 and grid.width >= 256
        profile = dict(driver="GTiff", width=grid.width, height=grid.height, count=len(target_names),
                       dtype="float32", crs=grid.crs, transform=grid.transform, nodata=NODATA, tiled=tiled)
        if tiled:
            profile.update(blockxsize=256, blockysize=256)
        # uncompressed: windows are rewritten where bounding boxes overlap, which would grow compressed blocks
        self.path = path
        with write_faults(path):
            self.dataset = rasterio.open(path, "w+", **profile)
            _describe(self.dataset, target_names)
        self.names = list(target_names)

    def write(self, window: tuple[int, int, int, int], explanation) -> None:
        """Write one unit's attributions into its window, on its pixels only."""
        row, column, height, width = window
        target = rasterio.windows.Window(column, row, width, height)
        maps = unit_maps(explanation)
        mine = np.asarray(explanation.features) > 0
        with write_faults(self.path):
            current = self.dataset.read(window=target)
            current[:, mine] = np.where(np.isfinite(maps[:, mine]), maps[:, mine], np.float32(NODATA))
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


def unit_raster(path, explanation, unit_path: str) -> None:
    """The attributions of one raster unit, on that raster's grid (Float32, a band per target)."""
    maps = unit_maps(explanation)
    with rasterio.open(unit_path) as source:
        profile = dict(driver="GTiff", width=source.width, height=source.height, count=maps.shape[0],
                       dtype="float32", crs=source.crs, transform=source.transform, nodata=NODATA, compress="deflate")
    with write_faults(path):
        with rasterio.open(path, "w", **profile) as dataset:
            dataset.write(np.where(np.isfinite(maps), maps, np.float32(NODATA)))
            _describe(dataset, explanation.target_names)
        check_complete(path)


def _describe(dataset, names: list[str]) -> None:
    for index, name in enumerate(names, start=1):
        dataset.set_band_description(index, name)
