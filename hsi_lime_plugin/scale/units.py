"""The units of a map-scale run: field polygons, regular tiles, or one raster per unit.

A unit is explained on its own (:mod:`hsi_lime_plugin.scale.unit_task`): its window of the raster
is read alone, never the whole raster. Enumerating units reads only the raster's header
(size, grid, CRS) and the polygons, so it costs the same for a 4 GB scene as for a small one.

Unit policy (what is skipped, what is refused):

* polygons outside the raster, and polygons that cover no pixel centre (smaller than
  one pixel, or slivers), are skipped with ONE warning that counts and names them (the
  first :data:`hsi_lime_plugin.errors.NAMED` ids); a run whose every polygon is skipped is an error;
* duplicate or empty ids in ``id_field`` are an error naming them: results are keyed by
  id, and a silent merge of two fields would be wrong;
* tiles: the raster cut into ``tile_size`` squares on its grid, edge tiles smaller;
  tiles (and fields) without a valid pixel are found when their window is read and are
  skipped with one summarising message at the end of the run; a run in which no unit
  holds a valid pixel is an error, and nothing is written;
* rasters: each file is a unit named by its file name without extension; two files of
  the same name are an error.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import rasterio.features
import rasterio.windows
import shapely.geometry
import shapely.wkb

from ..errors import HsiLimeError, arg, named, refuse_duplicates
from ..inputs.polygons import field_polygons
from ..inputs.raster import Grid, read_grid

@dataclass(frozen=True)
class Unit:
    """One field, tile or raster, explained on its own.

    Attributes
    ----------
    id : object
        The field's id (a plain Python value), the tile's ``r<row>c<column>`` or the raster's file name.
    path : str
        The raster it is read from.
    window : tuple of int
        ``(row_offset, column_offset, height, width)`` of its bounding box on that raster's grid.
    geometry : bytes or None
        Field polygon as WKB in the raster's CRS; None for tiles and whole rasters.
    """

    id: object
    path: str
    window: tuple[int, int, int, int]
    geometry: bytes | None = None

    def geometry_or_extent(self, grid: Grid):
        """The unit's polygon in its raster's CRS: the field, or its window's extent on ``grid``."""
        if self.geometry is not None:
            return shapely.wkb.loads(self.geometry)
        row, column, height, width = self.window
        return shapely.geometry.box(*rasterio.windows.bounds(rasterio.windows.Window(column, row, width, height),
                                                             grid.transform))


def whole_raster(raster: str) -> list[Unit]:
    """The raster as one unit without an id (explain_spectral without polygons)."""
    grid = read_grid(raster)
    return [Unit(None, str(raster), (0, 0, grid.height, grid.width))]


def tile_units(raster: str, tile_size: int) -> list[Unit]:
    """Square tiles of ``tile_size`` pixels on the raster's grid, row by row; edge tiles are smaller."""
    if int(tile_size) < 1:
        raise HsiLimeError(
            f"{arg('tile_size')}: {tile_size} pixels is not a tile size; use at least 1 (256 is typical)."
        )
    grid = read_grid(raster)
    size = int(tile_size)
    return [
        Unit(f"r{row // size}c{column // size}", str(raster),
             (row, column, min(size, grid.height - row), min(size, grid.width - column)))
        for row in range(0, grid.height, size)
        for column in range(0, grid.width, size)
    ]


def raster_units(rasters: list[str]) -> list[Unit]:
    """Each raster file is one unit, named by its file name without extension."""
    if not rasters:
        raise HsiLimeError(f"{arg('rasters')}: no raster was given; choose the rasters to explain, one unit each.")
    names = [Path(str(path)).stem for path in rasters]
    refuse_duplicates(names, arg("rasters"), "file names", "rename the files or keep one of each name")
    units = []
    for name, path in zip(names, rasters):
        grid = read_grid(str(path), arg("rasters"))
        units.append(Unit(name, str(path), (0, 0, grid.height, grid.width)))
    return units


def polygon_units(raster: str, polygons, id_field: str | None = None, reporter=None) -> list[Unit]:
    """One unit per field polygon: its bounding box on the raster's grid and its geometry.

    Parameters
    ----------
    raster : str
        The raster the fields are read from (its header only is read here).
    polygons : geopandas.GeoDataFrame
        The field polygons (any CRS; reprojected to the raster's).
    id_field : str, optional
        The attribute that identifies each field; default: the feature id (row + 1).
    reporter : Reporter, optional
        Receives the one warning about skipped polygons.
    """
    grid = read_grid(raster)
    frame, ids = field_polygons(polygons, id_field, grid.crs, reporter=reporter)
    units, outside, too_small = [], [], []
    windows = grid.windows(frame.geometry.bounds.to_numpy(dtype=float))
    for unit_id, geometry, (row, column, height, width) in zip(ids, frame.geometry, windows.tolist()):
        if height == 0 or width == 0:
            outside.append(unit_id)
            continue
        transform = rasterio.windows.transform(rasterio.windows.Window(column, row, width, height), grid.transform)
        burnt = rasterio.features.rasterize([(geometry, 1)], out_shape=(height, width), transform=transform,
                                            fill=0, dtype="uint8")
        rows, columns = np.nonzero(burnt)
        if rows.size == 0:
            too_small.append(unit_id)
            continue
        tight = (row + int(rows.min()), column + int(columns.min()), int(rows.max() - rows.min() + 1),
                 int(columns.max() - columns.min() + 1))
        units.append(Unit(_plain(unit_id), str(raster), tight, geometry.wkb))
    _report_skipped(len(frame), outside, too_small, reporter)
    return units


def _report_skipped(total: int, outside: list, too_small: list, reporter) -> None:
    """One warning for every skipped polygon; an error when none is left."""
    if not outside and not too_small:
        return
    parts = []
    if outside:
        parts.append(f"{len(outside)} outside the raster ({arg('raster')}): {named(outside)}")
    if too_small:
        parts.append(f"{len(too_small)} cover no pixel centre (smaller than one pixel): {named(too_small)}")
    skipped = len(outside) + len(too_small)
    if skipped == total:
        raise HsiLimeError(
            f"{arg('polygons')}: none of the {total} polygons can be explained: {'; '.join(parts)}. Choose polygons "
            "that cover pixels of the raster."
        )
    if reporter is not None:
        reporter.warning(f"{arg('polygons')}: {skipped} of {total} polygons are not explained: {'; '.join(parts)}.")


def _plain(value):
    """A numpy scalar as the Python value (ids travel to workers and into tables)."""
    return value.item() if isinstance(value, np.generic) else value
