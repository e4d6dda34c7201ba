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

from .atomic import driver_for, write_faults
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
        types = ",".join(f'"{_CSVT_TYPES[kinds[name]]}"' for name in frame.columns)
        with write_faults(path):
            cleaned.to_csv(path, index=False, na_rep="", lineterminator="\n", encoding="utf-8")
            path.with_suffix(".csvt").write_text(types + "\n", encoding="utf-8")
        return
    columns = {name: [_cell(value, kinds[name]) for value in frame[name]] for name in frame.columns}
    with write_faults(path):
        _write_attribute_table(path, layer_name, kinds, columns)


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
    return _read_attribute_table(path, layer_name)


# --- GeoPackage attribute tables: GDAL/OGR where QGIS is (osgeo), else pyogrio (geopandas 1.x) ---------------
_OGR_TYPES = {"int": "OFTInteger64", "float": "OFTReal", "str": "OFTString"}


def _write_attribute_table(path: Path, layer_name: str, kinds: dict, columns: dict) -> None:
    """A GeoPackage table without geometry (``attributes`` in ``gpkg_contents``), one column per ``kinds``
    entry, None as NULL. Through GDAL's own bindings when this Python has them (every QGIS does), else
    through pyogrio (what geopandas 1.x reads and writes with, on the package index); never fiona, which
    geopandas no longer needs."""
    try:
        from osgeo import ogr
    except ImportError:
        _write_with_pyogrio(path, layer_name, kinds, columns)
        return
    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    if source is None:
        raise OSError(f"GDAL cannot create the GeoPackage {path}")
    layer = source.CreateLayer(layer_name, geom_type=ogr.wkbNone, options=["ASPATIAL_VARIANT=GPKG_ATTRIBUTES"])
    for name, kind in kinds.items():
        layer.CreateField(ogr.FieldDefn(str(name), getattr(ogr, _OGR_TYPES[kind])))
    definition = layer.GetLayerDefn()
    source.StartTransaction()
    for values in zip(*columns.values()):
        feature = ogr.Feature(definition)
        for index, value in enumerate(values):
            if value is None:
                feature.SetFieldNull(index)
            else:
                feature.SetField(index, value)
        if layer.CreateFeature(feature) != 0:
            raise OSError(f"GDAL cannot write a row of the GeoPackage table {path}: {ogr.GetLastErrorMsg() if hasattr(ogr, 'GetLastErrorMsg') else ''}")
    if source.CommitTransaction() != 0:
        raise OSError(f"GDAL cannot write the GeoPackage table {path}")
    source.FlushCache()
    source = None  # closes the file


def _write_with_pyogrio(path: Path, layer_name: str, kinds: dict, columns: dict) -> None:
    import pyogrio

    dtypes = {"int": "Int64", "float": "float64", "str": object}
    frame = pd.DataFrame({name: pd.array(values, dtype=dtypes[kinds[name]]) if kinds[name] == "int"
                          else pd.Series(values, dtype=dtypes[kinds[name]]) for name, values in columns.items()})
    pyogrio.write_dataframe(frame, str(path), layer=layer_name, driver="GPKG")


def _read_attribute_table(path: Path, layer_name: str | None) -> pd.DataFrame:
    """A GeoPackage table written by :func:`_write_attribute_table`, missing values as None (or NaN for reals)."""
    try:
        from osgeo import ogr
    except ImportError:
        import pyogrio

        frame = pyogrio.read_dataframe(str(path), layer=layer_name, read_geometry=False)
        return pd.DataFrame({name: [None if pd.isna(v) else v for v in frame[name]] if frame[name].dtype == object
                             else frame[name] for name in frame.columns})
    source = ogr.Open(str(path))
    if source is None:
        raise OSError(f"GDAL cannot open {path}")
    layer = source.GetLayerByName(layer_name) if layer_name else source.GetLayer(0)
    definition = layer.GetLayerDefn()
    names = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    rows = [[None if not feature.IsFieldSetAndNotNull(i) else feature.GetField(i) for i in range(len(names))]
            for feature in layer]
    return pd.DataFrame(rows, columns=names)
