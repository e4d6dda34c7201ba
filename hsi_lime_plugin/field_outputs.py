"""Outputs of a map-scale run, built unit by unit as results arrive.

* :class:`Mosaic`: the attribution raster over the whole input grid, one Float32 band per
  target, each unit's attributions written into its window as the unit finishes (only
  the unit's own pixels: neighbouring fields' bounding boxes may overlap). Never held
  in memory as a whole.
* :func:`unit_raster`: one attribution raster on one input's grid (one raster per unit).
* :func:`result_rows`, :func:`summary_table`: the table (one row per unit, target and
  feature: ``unit_id``, ``target``, ``feature``, ``attribution``, ``se``, ``ci_low``,
  ``ci_high`` (95 %), ``r2``, and the unit's ``prediction`` and ``base_value``: the model
  with every feature removed) and the summary across units per target and feature
  (``mean``, ``std``, ``median``, ``min``, ``max``, ``n_units``, ``mean_r2``).
* :func:`unit_record`: one row of the units layer (``unit_id``, ``n_pixels``,
  ``pred_<target>``, ``base_<target>``, ``r2_<target>``), its geometry the field, the
  tile or the raster's extent.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import rasterio
import rasterio.windows
from rasterio.enums import Resampling
import shapely.geometry
import shapely.wkb

from .tables import column_name

NODATA = -9999.0
TABLE_COLUMNS = ["unit_id", "target", "feature", "attribution", "se", "ci_low", "ci_high", "r2", "prediction",
                 "base_value"]
SUMMARY_COLUMNS = ["target", "feature", "mean", "std", "median", "min", "max", "n_units", "mean_r2"]


def unit_maps(result: dict) -> np.ndarray:
    """(T, h, w) attributions of a spatial unit on its window, NaN outside its features."""
    labels = result["labels"]
    coefficients = np.asarray(result["coefficients"], dtype=np.float32)
    lookup = np.full((coefficients.shape[0], int(labels.max()) + 1), np.nan, dtype=np.float32)
    lookup[:, np.asarray(result["feature_ids"], dtype=np.int64)] = coefficients
    return lookup[:, labels]


class Mosaic:
    """An attribution raster over a whole grid, written window by window.

    Parameters
    ----------
    path : path-like
        The (temporary) file to write.
    grid : dict
        ``height``, ``width``, ``transform``, ``crs`` of the input raster (:func:`units.raster_grid`).
    target_names : list of str
        One band per target, described by its name.
    """

    def __init__(self, path, grid: dict, target_names: list[str]):
        tiled = grid["height"] >= 256 and grid["width"] >= 256
        profile = dict(driver="GTiff", width=grid["width"], height=grid["height"], count=len(target_names),
                       dtype="float32", crs=grid["crs"], transform=grid["transform"], nodata=NODATA, tiled=tiled)
        if tiled:
            profile.update(blockxsize=256, blockysize=256)
        # uncompressed: windows are rewritten where bounding boxes overlap, which would grow compressed blocks
        self.dataset = rasterio.open(path, "w+", **profile)
        self.names = list(target_names)
        for index, name in enumerate(target_names, start=1):
            self.dataset.set_band_description(index, name)

    def write(self, window: tuple[int, int, int, int], result: dict) -> None:
        """Write one unit's attributions into its window, on its pixels only."""
        row, column, height, width = window
        target = rasterio.windows.Window(column, row, width, height)
        maps = unit_maps(result)
        mine = result["labels"] > 0
        current = self.dataset.read(window=target)
        current[:, mine] = np.where(np.isfinite(maps[:, mine]), maps[:, mine], np.float32(NODATA))
        self.dataset.write(current, window=target)

    def preview(self, shape: tuple[int, int]) -> np.ndarray:
        """(T, h, w) attributions read decimated (nearest) to ``shape``; NaN where no unit was explained."""
        data = self.dataset.read(out_shape=(self.dataset.count, *shape), resampling=Resampling.nearest, masked=True)
        return np.ma.filled(data.astype(np.float32), np.nan)

    def close(self) -> None:
        self.dataset.close()


def unit_raster(path, result: dict, unit_path: str) -> None:
    """The attributions of one raster unit, on that raster's grid (Float32, a band per target)."""
    maps = unit_maps(result)
    with rasterio.open(unit_path) as source:
        profile = dict(driver="GTiff", width=source.width, height=source.height, count=maps.shape[0],
                       dtype="float32", crs=source.crs, transform=source.transform, nodata=NODATA, compress="deflate")
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write(np.where(np.isfinite(maps), maps, np.float32(NODATA)))
        for index, name in enumerate(result["target_names"], start=1):
            dataset.set_band_description(index, name)


def feature_names(result: dict, superband_labels: list[str] | None) -> list[str]:
    """The name of each coefficient column: the superband's label, or ``segment <k>``."""
    ids = np.asarray(result["feature_ids"], dtype=np.int64)
    if superband_labels is not None:
        return [superband_labels[k - 1] for k in ids]
    return [f"segment {k}" for k in ids]


def result_rows(result: dict, superband_labels: list[str] | None) -> list[tuple]:
    """The table rows of one unit: target by target, features in column order."""
    names = feature_names(result, superband_labels)
    rows = []
    for t, target in enumerate(result["target_names"]):
        unit = (float(result["score"][t]), float(result["prediction"][t]), float(result["base_value"][t]))
        for k, name in enumerate(names):
            rows.append((result["id"], target, name, float(result["coefficients"][t, k]),
                         float(result["standard_error"][t, k]), float(result["low"][t, k]),
                         float(result["high"][t, k]), *unit))
    return rows


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    """Statistics of each target's and feature's attribution across units."""
    if table.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    summary = table.groupby(["target", "feature"], sort=False).agg(
        mean=("attribution", "mean"), std=("attribution", "std"), median=("attribution", "median"),
        min=("attribution", "min"), max=("attribution", "max"), n_units=("attribution", "count"),
        mean_r2=("r2", "mean"),
    ).reset_index()
    summary["n_units"] = summary["n_units"].astype(np.int64)
    return summary[SUMMARY_COLUMNS]


def unit_geometry(unit, grid: dict):
    """The unit's polygon: the field, or its window's extent on its raster's grid."""
    if unit.geometry is not None:
        return shapely.wkb.loads(unit.geometry)
    row, column, height, width = unit.window
    bounds = rasterio.windows.bounds(rasterio.windows.Window(column, row, width, height), grid["transform"])
    return shapely.geometry.box(*bounds)


def unit_record(result: dict) -> dict:
    """The units layer's attributes of one unit."""
    record = {"unit_id": result["id"], "n_pixels": int(result["n_pixels"])}
    for t, target in enumerate(result["target_names"]):
        record[column_name("pred", target)] = float(result["prediction"][t])
        record[column_name("base", target)] = float(result["base_value"][t])
        record[column_name("r2", target)] = float(result["score"][t])
    return record
