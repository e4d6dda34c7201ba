"""Table files: CSV with a ``.csvt`` type sidecar, or GeoPackage attribute tables.

:func:`write_table` chooses the format from the extension: ``.csv`` (comma-separated,
with a ``.csvt`` sidecar that tells GDAL/OGR and QGIS each column's type, so numbers load
as numbers) or ``.gpkg`` (a GeoPackage attribute table: no geometry, registered as
``attributes`` in ``gpkg_contents``). :func:`read_table` reads both back with their types.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .outputs import driver_for
from .tables import plain_value

__all__ = ["read_table", "table_driver", "write_table"]


def table_driver(path: str | os.PathLike, what: str) -> str:
    """The OGR driver for a table destination, or an error naming the supported extensions."""
    return driver_for(path, "table", what)


def _column_kind(series: pd.Series) -> str:
    """'int', 'float' or 'str' for the column's values (None/NaN ignored)."""
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "float"
    values = [v for v in series if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if values and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        return "int"
    if values and all(isinstance(v, (int, float, np.integer, np.floating)) for v in values):
        return "float"
    return "str"


_CSVT_TYPES = {"int": "Integer64", "float": "Real", "str": "String"}


def _cell(value, kind: str):
    """A value as the plain type of its column, None when missing."""
    if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
        return None
    value = plain_value(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return str(value)


def _csv_column(series: pd.Series, kind: str):
    """The column as CSV cells: float64 and integer columns as they are (pandas writes NaN as an empty
    cell and floats in their shortest exact form), any other column cell by cell."""
    dtype = series.dtype
    if (kind == "float" and dtype == np.float64) or (
            kind == "int" and pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)):
        return series.to_numpy()
    return pd.Series([_cell(v, kind) for v in series], dtype=object)


def write_table(frame: pd.DataFrame, path: str | os.PathLike, layer_name: str, driver: str | None = None) -> None:
    """Write a table without geometry as CSV or as a GeoPackage attribute table.

    Parameters
    ----------
    frame : pandas.DataFrame
    path : path-like
        Destination (callers pass the temporary path of
        :func:`hsi_lime_plugin.outputs.atomic_output`).
    layer_name : str
        Name of the GeoPackage table (ignored for CSV).
    driver : {"CSV", "GPKG"}, optional
        Default: from the extension of ``path``.

    CSV: missing values are empty cells; a ``.csvt`` sidecar (``"String","Integer64","Real"``)
    gives the column types to OGR, so QGIS loads numbers as numbers.
    """
    driver = driver or table_driver(path, "output")
    kinds = {name: _column_kind(frame[name]) for name in frame.columns}
    path = Path(path)
    if driver == "CSV":
        cleaned = pd.DataFrame({name: _csv_column(frame[name], kinds[name]) for name in frame.columns},
                               columns=list(frame.columns))
        cleaned.to_csv(path, index=False, na_rep="", lineterminator="\n", encoding="utf-8")
        types = ",".join(f'"{_CSVT_TYPES[kinds[name]]}"' for name in frame.columns)
        path.with_suffix(".csvt").write_text(types + "\n", encoding="utf-8")
        return
    import fiona  # GDAL/OGR through fiona (Debian's geopandas stack); imported on use

    schema = {"geometry": "None", "properties": {name: kinds[name] for name in frame.columns}}
    records = (
        {"geometry": None, "properties": {name: _cell(row[i], kinds[name]) for i, name in enumerate(frame.columns)}}
        for row in frame.itertuples(index=False, name=None)
    )
    with fiona.open(path, "w", driver="GPKG", layer=layer_name, schema=schema) as table:
        table.writerecords(records)


def read_table(path: str | os.PathLike, layer_name: str | None = None) -> pd.DataFrame:
    """Read back a table written by :func:`write_table` (CSV with its types, or GeoPackage)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""], float_precision="round_trip")
        types = path.with_suffix(".csvt")
        if types.is_file():
            for name, kind in zip(frame.columns, types.read_text(encoding="utf-8").strip().split(",")):
                if kind.strip('"') == "String":
                    frame[name] = [None if isinstance(v, float) and math.isnan(v) else str(v) for v in frame[name]]
        return frame
    import fiona

    with fiona.open(path, layer=layer_name) as table:
        names = list(table.schema["properties"])
        return pd.DataFrame([dict(feature["properties"]) for feature in table], columns=names)
