"""Where the user clicked, as plain values: a map point in its CRS and, on a vector layer, the feature hit.

The QGIS side hands the canvas point (and the clicked feature's id and geometry) in the canvas CRS; the
engine brings them into each dataset's own CRS here, with pyproj (through geopandas), so that the QGIS
side never needs to know a file's CRS.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Click:
    """A click on the map.

    Attributes
    ----------
    x, y : float
        The point, in ``crs``.
    crs : str or None
        The point's (and the geometry's) CRS as WKT or any text pyproj reads (``"EPSG:32633"``); None: the
        dataset's own.
    unit_id : str or None
        The id of the feature clicked (as its layer shows it), when the click hit one.
    geometry : bytes or None
        That feature's geometry as WKB, in ``crs``.
    """

    x: float
    y: float
    crs: str | None = None
    unit_id: str | None = None
    geometry: bytes | None = None

    def point_in(self, crs) -> tuple[float, float]:
        """The point in ``crs`` (a rasterio CRS, WKT or None: unchanged)."""
        import shapely.geometry

        moved = self._moved(shapely.geometry.Point(self.x, self.y), crs)
        return float(moved.x), float(moved.y)

    def geometry_in(self, crs):
        """The clicked feature's geometry (shapely) in ``crs``, or None when no feature was hit."""
        if self.geometry is None:
            return None
        import shapely.wkb

        return self._moved(shapely.wkb.loads(bytes(self.geometry)), crs)

    def _moved(self, geometry, crs):
        if self.crs is None or crs is None or str(crs) == self.crs:  # the same EPSG code: nothing to transform
            return geometry
        import geopandas as gpd

        return gpd.GeoSeries([geometry], crs=self.crs).to_crs(crs).iloc[0]


def pixel_of(grid, x: float, y: float) -> tuple[int, int] | None:
    """The (row, column) of ``grid`` (:class:`~hsi_lime_plugin.inputs.raster.Grid`) holding the point (x, y) in
    its CRS, or None outside the raster."""
    column, row = ~grid.transform * (x, y)
    row, column = int(np.floor(row)), int(np.floor(column))
    if 0 <= row < grid.height and 0 <= column < grid.width:
        return row, column
    return None
