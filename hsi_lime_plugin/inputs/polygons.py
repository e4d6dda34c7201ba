"""Field polygons: read, checked and identified once, for segments and for map-scale units alike.

A polygon layer from the user is read with geopandas; features without a geometry are
skipped and invalid polygons repaired (each with one warning naming them); other geometry
types are refused; each field gets its id (an attribute whose values must be present and
unique, or the feature id) and the layer is reprojected to the raster's CRS.
"""
from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
from shapely.ops import unary_union
from shapely.validation import make_valid

from ..errors import HsiLimeError, arg, named, refuse_duplicates
from ..reporting import Reporter, reporter_or_default


def read_polygons(path: str, layer: str | None = None, what: str = arg("polygons")) -> gpd.GeoDataFrame:
    """Read a polygon layer (any OGR format) with geopandas."""
    if not os.path.exists(path) and not str(path).startswith("/vsi") and "://" not in str(path):
        raise HsiLimeError(
            f"{what}: the vector file {path} does not exist (moved, renamed or deleted?); choose an existing polygon "
            "layer or file, or put it back, then run again."
        )
    try:
        frame = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as error:  # fiona raises many driver-specific types
        raise HsiLimeError(f"{what}: {path} cannot be read as a vector layer ({error}); choose a polygon layer.") from None
    return frame


def polygons_window(polygons: gpd.GeoDataFrame, grid) -> tuple[int, int, int, int] | None:
    """The pixel window (row, column, height, width) of ``grid`` (:class:`~.raster.Grid`) that holds every
    polygon, cut to the raster; None when none overlaps it."""
    frame = polygons[~(polygons.geometry.isna() | polygons.geometry.is_empty)]
    if frame.crs is not None and grid.crs is not None and frame.crs != grid.crs:
        frame = frame.to_crs(grid.crs)
    if frame.empty:
        return None
    row, column, height, width = (int(value) for value in grid.windows(frame.total_bounds)[0])
    return None if height == 0 else (row, column, height, width)


def field_polygons(polygons: gpd.GeoDataFrame, id_field: str | None, crs, what: str = arg("polygons"),
                   reporter: Reporter | None = None) -> tuple[gpd.GeoDataFrame, list]:
    """The polygons with a geometry, repaired where invalid, in ``crs`` (if given), and each one's id.

    Returns
    -------
    frame : geopandas.GeoDataFrame
        The features that have a geometry, with the input's attributes exactly as they were (names and
        values: an output that keeps them can be joined back to the input on any of them).
    ids : list
        Each row's id: its ``id_field`` value, or its feature id (row + 1, as QGIS numbers them).
    """
    reporter = reporter_or_default(reporter)
    frame = _with_geometry(polygons, what, reporter)
    types = set(frame.geometry.geom_type)
    if not types <= {"Polygon", "MultiPolygon"}:
        raise HsiLimeError(
            f"{what}: the layer holds {', '.join(sorted(types))} geometries; fields need polygons (choose a polygon "
            "layer, or buffer points and lines first)."
        )
    ids = _field_ids(frame, id_field, what)
    if crs is not None:
        frame = frame.set_crs(crs) if frame.crs is None else frame.to_crs(crs) if frame.crs != crs else frame
    return frame, ids


def _field_ids(frame: gpd.GeoDataFrame, id_field: str | None, what: str) -> list:
    """The ``id_field`` values (present and unique), or the feature ids (row + 1, as QGIS numbers them)."""
    if not id_field:
        return [int(index) + 1 for index in frame.index]
    if id_field not in frame.columns:
        raise HsiLimeError(
            f"{arg('id_field')}: '{id_field}' is not a field of {what}; its fields are "
            f"{', '.join(c for c in frame.columns if c != frame.geometry.name)}."
        )
    ids = frame[id_field]
    if ids.isna().any():
        raise HsiLimeError(
            f"{arg('id_field')}: {int(ids.isna().sum())} polygons have no value in '{id_field}'; give every field "
            f"an id, or leave {arg('id_field')} empty to use the feature id."
        )
    values = [value.item() if isinstance(value, np.generic) else value for value in ids]
    refuse_duplicates(values, arg("id_field"), f"values of '{id_field}'",
                      f"choose a field with unique values, or leave {arg('id_field')} empty to use the feature id")
    return values


def _with_geometry(polygons: gpd.GeoDataFrame, what: str, reporter: Reporter) -> gpd.GeoDataFrame:
    """The features that have a geometry, invalid polygons repaired; a warning for each kind of change."""
    missing = polygons.geometry.isna() | polygons.geometry.is_empty
    if missing.all():
        raise HsiLimeError(f"{what}: the layer has no feature with a geometry; choose a layer with field polygons.")
    if missing.any():
        reporter.warning(
            f"{what}: {int(missing.sum())} features have no geometry and are skipped (feature ids "
            f"{named(np.flatnonzero(missing) + 1)})."
        )
    frame = polygons[~missing].copy()
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        rows = np.flatnonzero(invalid.to_numpy())
        repaired = [_polygonal(make_valid(geometry)) for geometry in frame.geometry[invalid]]
        frame.loc[invalid, frame.geometry.name] = gpd.GeoSeries(repaired, index=frame.index[invalid], crs=frame.crs)
        reporter.warning(
            f"{what}: {len(rows)} invalid polygons (self-intersecting or badly ringed) were repaired before use "
            f"(feature ids {named(frame.index.to_numpy()[rows] + 1)}); check them in QGIS with Vector > "
            "Geometry Tools > Check Validity."
        )
    return frame


def _polygonal(geometry):
    """The polygon parts of a repaired geometry (make_valid may add lines or points where rings touched)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [part for part in getattr(geometry, "geoms", []) if part.geom_type in ("Polygon", "MultiPolygon")]
    return unary_union(parts) if parts else geometry
