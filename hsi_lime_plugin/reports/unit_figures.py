"""The figures of a map-scale report: the scene with its units, and the surrogate's R2 across units.

Drawn like :mod:`hsi_lime_plugin.reports.figures` (matplotlib's Agg renderer, no pyplot, PNG
bytes). Unit polygons are drawn as matplotlib collections of their rings in map
coordinates, so the figures need nothing from geopandas' plotting (which imports pyplot).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .figures import png, stretched
from ..outputs.tables import column_name

#: The R2 colour ramp: light for well explained units, perceptually ordered (reads in grey scale).
R2_COLOURS = "viridis"


def scene_figure(cube, units: pd.DataFrame, rendering: str) -> bytes:
    """The scene (``cube``: the three bands of ``rendering``, its transform the preview's) with the units' outlines."""
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    height, width = cube.shape[1:]
    left, top = cube.transform * (0, 0)
    right, bottom = cube.transform * (width, height)
    figure = Figure(figsize=(7.0, 7.0 * height / max(width, 1) + 0.6), dpi=100, layout="constrained")
    axis = figure.subplots()
    axis.imshow(stretched(cube, [0, 1, 2]), extent=(left, right, bottom, top), interpolation="nearest")
    axis.add_collection(LineCollection(_rings(units.geometry), colors="black", linewidths=0.6))
    axis.set_xlim(min(left, right), max(left, right))
    axis.set_ylim(min(bottom, top), max(bottom, top))
    _plain_coordinates(axis)
    axis.set_title(f"Scene: {rendering}; {len(units)} units", loc="left")
    axis.set_xlabel("x (map units)")
    axis.set_ylabel("y (map units)")
    return png(figure)


def r2_box_figure(units: pd.DataFrame, target_names: list[str]) -> bytes:
    """One box per target: the surrogate's R2 across units."""
    from matplotlib.figure import Figure

    values = [units[column_name("r2", name)].dropna().to_numpy() for name in target_names]
    figure = Figure(figsize=(max(4.0, 1.2 * len(target_names) + 2.0), 3.6), dpi=100, layout="constrained")
    axis = figure.subplots()
    axis.boxplot(values, widths=0.6, patch_artist=True, boxprops={"facecolor": "0.85"},
                 medianprops={"color": "black"})
    axis.set_xticks(np.arange(1, len(target_names) + 1))
    axis.set_xticklabels(target_names)
    axis.set_ylabel("surrogate R\u00b2 of a unit")
    axis.set_title(f"R\u00b2 across {len(units)} units", loc="left")
    axis.grid(axis="y", color="0.9")
    return png(figure)


def r2_map_figure(units: pd.DataFrame, target_names: list[str]) -> bytes:
    """One map per target: each unit filled by its surrogate's R2 (0 to 1)."""
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

    left, bottom, right, top = _padded(units.total_bounds)
    aspect = (top - bottom) / max(right - left, 1e-12)
    columns = min(2, len(target_names))
    rows = -(-len(target_names) // columns)
    figure = Figure(figsize=(6.0 * columns, rows * (6.0 * aspect + 0.8)), dpi=100, layout="constrained")
    axes = np.atleast_1d(figure.subplots(rows, columns, squeeze=False)).ravel()
    rings, owners = _exteriors(units.geometry)
    for axis, name in zip(axes, target_names):
        values = units[column_name("r2", name)].to_numpy(dtype=np.float64)[owners]
        collection = PolyCollection(rings, array=values, cmap=R2_COLOURS, edgecolors="black", linewidths=0.3)
        collection.set_clim(0.0, 1.0)
        axis.add_collection(collection)
        axis.set_xlim(left, right)
        axis.set_ylim(bottom, top)
        axis.set_aspect("equal")
        _plain_coordinates(axis)
        axis.set_title(f"{name}: surrogate R\u00b2 per unit", loc="left")
        figure.colorbar(collection, ax=axis, shrink=0.8, label="R\u00b2")
    for axis in axes[len(target_names):]:
        axis.set_visible(False)
    return png(figure)


def _padded(bounds, fraction: float = 0.02) -> tuple[float, float, float, float]:
    """``bounds`` (left, bottom, right, top) widened by ``fraction`` of their size: outlines stay inside."""
    left, bottom, right, top = (float(value) for value in bounds)
    pad = fraction * max(right - left, top - bottom, 1e-9)
    return left - pad, bottom - pad, right + pad, top + pad


def _plain_coordinates(axis) -> None:
    """Map coordinates written out in full (no '+5.809e6' offset above the axis)."""
    axis.ticklabel_format(useOffset=False, style="plain")
    axis.tick_params(labelsize="small")


def _polygons(geometry) -> list:
    """The polygon parts of a polygon or multipolygon (Shapely 1.8 and 2 alike)."""
    return list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]


def _rings(geometries) -> list[np.ndarray]:
    """Every ring (exterior and holes) of the polygons, as (n, 2) coordinate arrays."""
    return [np.asarray(ring.coords)[:, :2] for geometry in geometries for part in _polygons(geometry)
            for ring in (part.exterior, *part.interiors)]


def _exteriors(geometries) -> tuple[list[np.ndarray], np.ndarray]:
    """The exterior ring of every polygon part, and the index of the unit each belongs to."""
    parts = [(index, part) for index, geometry in enumerate(geometries) for part in _polygons(geometry)]
    return [np.asarray(part.exterior.coords)[:, :2] for _, part in parts], np.array([i for i, _ in parts], dtype=int)
