"""A unit read back from a run's outputs, found through the run record stored in them.

:func:`stored_view` takes the record of the output that was clicked
(:mod:`hsi_lime_plugin.outputs.run_record`: which output it is and where the run's other outputs
are) and the :class:`~.click.Click`, and returns the unit's :class:`~.view.UnitView`:

* a segments layer (explain_spatial, attribute_pixels): the clicked segment among all segments of the
  explanation, from the layer's ``attr_``/``se_``/``low_``/``high_``/``r2_``/``pred_``/``base_`` columns;
* an attribution raster of those runs: the segment under the click, through the segments layer;
* a units layer, or an attribution raster of explain_fields, or the polygons a spectral run explained
  field by field: the unit's rows of the run's table, and for spectral explanations its mean spectrum
  read from the run's raster through the unit's window;
* a per-pixel map: the pixel's attribution of every target and superband, and its spectrum.

Files read are kept (a few, keyed by path and modification time), so that clicking unit after unit
reads each table once.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import HsiLimeError
from ..inputs.raster import read_grid
from ..inputs.scene import open_scene
from ..options import FAITHFULNESS_COLUMNS
from ..outputs.table_files import read_table
from ..reporting import RecordingReporter
from ..scale.units import Unit
from ..settings import RasterSource
from .click import Click, pixel_of
from .view import Spectrum, UnitView, id_text, make_rows, scales

#: Files kept read at most.
KEPT = 16
_KEPT: OrderedDict = OrderedDict()
#: Pixels a side of the preview a per-pixel map's colour scale is read on.
SCALE_PREVIEW = 512


def stored_view(record: dict, click: Click, layer: str | None = None) -> UnitView:
    """The unit under ``click`` in the output whose record is ``record`` (``layer``: its GeoPackage layer)."""
    argument, outputs = record.get("argument"), record.get("outputs", {})
    if argument == "output_segments":
        return segments_view(outputs[argument], layer, click.unit_id, segment_id_column(record))
    if argument in ("output_map", "output_dominant"):
        return pixel_view(record, click)
    if argument == "output" and record.get("algorithm") in ("explain_spatial", "attribute_pixels"):
        return segments_view(*_segment_at(record, click), segment_id_column(record))
    return units_view(record, click)


def segment_id_column(record: dict) -> str | None:
    """The column of a run's segments layer that names its segments: field polygons keep the input's attributes,
    named by their ID_FIELD (None: by their feature id, 1, 2, ... in the layer's order); superpixels and patches
    by ``segment_id``."""
    settings = record.get("settings") or {}
    polygons = settings.get("polygons") or {}
    by_polygons = (settings.get("segmentation") or {}).get("method", "polygons") == "polygons" \
        if record.get("algorithm") == "explain_spatial" else bool(polygons.get("source"))
    return (polygons.get("id_field") or None) if by_polygons else "segment_id"


def kept(kind: str, path, layer, load):
    """``load()``, kept under (kind, path, layer, the file's modification time) for the next call."""
    key = (kind, str(path), layer, stamp(path))
    if key not in _KEPT:
        _KEPT[key] = load()
        while len(_KEPT) > KEPT:
            _KEPT.popitem(last=False)
    _KEPT.move_to_end(key)
    return _KEPT[key]


def stamp(path) -> int | None:
    """The file's modification time (ns), None when it cannot be read: what a kept reading is valid for."""
    try:
        return os.stat(path).st_mtime_ns
    except (OSError, TypeError):
        return None


#: The column :func:`field_polygons_of` gives each field's id in (a name no user layer has).
FIELD_ID = "__hsi_lime_unit_id"


def field_polygons_of(source, layer: str | None, id_field: str | None, crs=None):
    """A polygon file's fields as a run reads them (repaired), each one's id (its ``id_field`` value, or its
    feature id) in the column :data:`FIELD_ID`, in ``crs`` when given."""
    from ..inputs.polygons import field_polygons, read_polygons

    frame, ids = field_polygons(read_polygons(str(source), layer), id_field, crs, reporter=RecordingReporter())
    return frame.assign(**{FIELD_ID: ids})


def segments_view(path: str, layer: str | None, clicked: str | None, id_column: str | None = "segment_id") -> UnitView:
    """The explanation a segments layer holds, every segment a feature named by ``id_column`` (None: the feature
    id), the clicked one emphasised."""
    rows, has_errors = kept(f"segments {id_column}", path, layer, lambda: _segment_rows(path, layer, id_column))
    shown = id_text(clicked) if clicked is not None else ""
    return UnitView(shown, "spatial", rows, Path(path).name, scales(rows), highlight=shown or None,
                    intervals=has_errors, unit="segment")


def _segment_rows(path: str, layer: str | None, id_column: str | None) -> tuple[pd.DataFrame, bool]:
    """The segments layer's columns as table rows (one unit: the image), and whether it has standard errors."""
    import geopandas as gpd

    frame = gpd.read_file(path, layer=layer, ignore_geometry=True) if layer else \
        gpd.read_file(path, ignore_geometry=True)
    suffixes = [name[len("attr_"):] for name in frame.columns if name.startswith("attr_")]
    if (id_column is not None and id_column not in frame.columns) or not suffixes:
        raise HsiLimeError(f"{path} holds no {id_column or 'attr_'} and attr_ columns: it is not a segments layer "
                           "of hsi-lime.")
    ids = frame[id_column].to_numpy() if id_column is not None else np.arange(1, len(frame) + 1)
    pieces = []
    for suffix in suffixes:
        columns = {"attribution": "attr", "se": "se", "ci_low": "low", "ci_high": "high", "r2": "r2",
                   "prediction": "pred", "base_value": "base", **{name: name for name in FAITHFULNESS_COLUMNS}}
        piece = pd.DataFrame({name: frame.get(f"{prefix}_{suffix}") for name, prefix in columns.items()})
        pieces.append(piece.assign(unit_id="", target=suffix, feature=ids))
    rows = make_rows(pd.concat(pieces, ignore_index=True).dropna(axis=1, how="all"))
    return rows, any(f"se_{suffix}" in frame.columns for suffix in suffixes)


def _segment_at(record: dict, click: Click) -> tuple[str, None, str]:
    """The segments layer of a spatial run and the id of its segment under the click."""
    path = record["outputs"].get("output_segments")
    if not path:
        raise HsiLimeError(
            f"{record['outputs'].get('output')}: this run wrote no segments layer, which holds each segment's "
            "interval and id; run it again with OUTPUT_SEGMENTS to explore it segment by segment."
        )
    column = segment_id_column(record)
    frame = kept(f"shapes {column}", path, None, lambda: _shapes(path, column))
    return path, None, _id_at(frame, click, path)


def _shapes(path: str, id_column: str | None):
    """A vector file's polygons with their ids (as text, in ``id``; ``id_column`` None: the feature ids)."""
    import geopandas as gpd

    frame = gpd.read_file(path)
    values = frame[id_column] if id_column is not None else range(1, len(frame) + 1)
    return frame.assign(id=[id_text(value) for value in values])[["id", frame.geometry.name]]


def _id_at(frame, click: Click, source: str) -> str:
    """The id of the last polygon of ``frame`` holding the click (the later feature wins, as when burnt)."""
    import shapely.geometry

    point = shapely.geometry.Point(*click.point_in(frame.crs))
    hits = frame[frame.geometry.contains(point)]
    if hits.empty:
        raise HsiLimeError(f"{source}: no unit of this output lies under the click.")
    return str(hits["id"].iloc[-1])


def units_view(record: dict, click: Click) -> UnitView:
    """A unit of a run with a table (explain_fields, explain_spectral by fields): its rows, and its mean
    spectrum for the spectral kind."""
    outputs, settings = record.get("outputs", {}), record.get("settings", {})
    path = outputs.get("output_table")
    if not path:
        raise HsiLimeError(f"{outputs.get(record.get('argument'))}: the run that wrote it wrote no attribution table "
                           "(OUTPUT_TABLE), which holds each unit's attributions; run it again with OUTPUT_TABLE.")
    table, scale = kept("table", path, None, lambda: _table(path))
    units = RecordUnits(record)
    unit_id = id_text(click.unit_id) if click.unit_id is not None else units.id_at(click)
    rows = table[table["unit_id"] == unit_id].reset_index(drop=True)
    if rows.empty:
        raise HsiLimeError(f"{path}: the table holds no row of unit {unit_id} (it was skipped: no valid pixel).")
    kind = settings.get("kind", "spectral")
    geometry = click.geometry_in(units.grid.crs) if units.grid is not None else None
    spectrum = units.spectrum(unit_id, geometry) if kind == "spectral" else None
    return UnitView(unit_id, kind, rows, Path(path).name, scale, spectrum=spectrum, unit=units.what)


def _table(path: str) -> tuple[pd.DataFrame, dict]:
    rows = make_rows(read_table(path))
    return rows, scales(rows)


class RecordUnits:
    """The units of the run a record describes: which one lies under a click, and each one's mean spectrum."""

    def __init__(self, record: dict):
        settings = record.get("settings", {})
        self.outputs = record.get("outputs", {})
        self.units = settings.get("units") or {"kind": "polygons" if settings.get("polygons") else "raster"}
        self.polygons = settings.get("polygons") or {}
        self.source = RasterSource.from_plain(settings.get("raster") or {"path": None})
        if not self.source.path and self.units.get("kind") != "rasters":
            raise HsiLimeError("the run record names no raster: its units cannot be read.")
        self.grid = read_grid(self.source.path) if self.source.path else None

    @property
    def what(self) -> str:
        """What a unit of this run is: a field, a tile, a raster."""
        return {"polygons": "field", "tiles": "tile", "rasters": "raster", "raster": "raster"}.get(
            self.units.get("kind"), "unit")

    def id_at(self, click: Click) -> str:
        """The id of the unit under the click: a field (the units layer, else the run's polygons), a tile."""
        kind = self.units.get("kind")
        if kind == "tiles":
            size = int(self.units.get("tile_size") or 256)
            pixel = pixel_of(self.grid, *click.point_in(self.grid.crs))
            if pixel is None:
                raise HsiLimeError(f"{self.source.path}: the click lies outside the raster.")
            return f"r{pixel[0] // size}c{pixel[1] // size}"
        if kind == "raster":
            return ""
        path = self.outputs.get("output_units")
        if path:
            return _id_at(kept("shapes", path, None, lambda: _shapes(path, "unit_id")), click, path)
        return _id_at(kept("fields", self.polygons.get("source"), self.polygons.get("layer"), self._fields),
                      click, str(self.polygons.get("source")))

    def _fields(self):
        frame = field_polygons_of(self.polygons["source"], self.polygons.get("layer"), self.polygons.get("id_field"))
        return frame.assign(id=[id_text(value) for value in frame[FIELD_ID]])[["id", frame.geometry.name]]

    def spectrum(self, unit_id: str, geometry=None) -> Spectrum:
        """The unit's mean spectrum over its valid pixels (inside its polygon: ``geometry`` in the raster's CRS,
        else the polygon the run knows)."""
        return self.spectrum_of(self._unit(unit_id, geometry))

    def spectrum_of(self, unit) -> Spectrum:
        """The mean spectrum of a :class:`~hsi_lime_plugin.scale.units.Unit` of this run's raster."""
        from ..scale.unit_task import mean_spectrum

        scene = open_scene(RasterSource(unit.path, self.source.wavelengths), RecordingReporter())
        return make_spectrum(mean_spectrum([unit]), scene.wavelengths)

    def _unit(self, unit_id: str, geometry):
        from ..scale.units import polygon_units, raster_units, tile_units, whole_raster

        kind = self.units.get("kind")
        if kind in ("tiles", "rasters", "raster"):
            candidates = tile_units(self.source.path, int(self.units.get("tile_size") or 256)) if kind == "tiles" \
                else raster_units(list(self.units.get("rasters") or [])) if kind == "rasters" \
                else whole_raster(self.source.path)
            return next(unit for unit in candidates if id_text(unit.id) == unit_id)
        if geometry is None:
            geometry = self._shape(unit_id)
        import geopandas as gpd

        frame = gpd.GeoDataFrame({"unit_id": [unit_id]}, geometry=[geometry], crs=self.grid.crs)
        return polygon_units(self.source.path, frame, "unit_id")[0]

    def _shape(self, unit_id: str):
        """The unit's polygon in the raster's CRS, from the units layer or the run's polygons."""
        path = self.outputs.get("output_units")
        frame = kept("shapes", path, None, lambda: _shapes(path, "unit_id")) if path else \
            kept("fields", self.polygons.get("source"), self.polygons.get("layer"), self._fields)
        found = frame[frame["id"] == unit_id]
        if found.empty:
            raise HsiLimeError(f"unit {unit_id} has no polygon in {path or self.polygons.get('source')}.")
        return found.to_crs(self.grid.crs).geometry.iloc[0] if found.crs else found.geometry.iloc[0]


def make_spectrum(values, wavelengths) -> Spectrum:
    """A :class:`Spectrum` of ``values`` along the band centres (band numbers when there are none)."""
    values = np.asarray(values, dtype=float)
    if wavelengths is None:
        return Spectrum(np.arange(1, len(values) + 1, dtype=float), values, wavelengths=False)
    return Spectrum(np.asarray(wavelengths, dtype=float), values)


def pixel_view(record: dict, click: Click) -> UnitView:
    """A pixel of a per-pixel map: its attribution of every target and superband (no intervals: the map holds
    none) and its spectrum."""
    outputs = record.get("outputs", {})
    path = outputs.get("output_map")
    if not path:
        raise HsiLimeError(
            f"{outputs.get('output_dominant')}: this raster holds each pixel's dominant superband only; run again "
            "with OUTPUT_MAP to explore each pixel's attributions."
        )
    row, column, values, names = _map_pixel(path, click)
    targets = [name.partition(":")[0] for name in names]
    features = [name.partition(":")[2] for name in names]
    unit_id = pixel_name(row, column)
    frame = pd.DataFrame({"unit_id": unit_id, "target": targets, "feature": features, "attribution": values})
    table = outputs.get("output_table")
    if table and os.path.exists(table):
        ranges = kept("table", table, None, lambda: _table(table))[0].drop_duplicates("feature")
        frame["wavelengths_nm"] = frame["feature"].map(dict(zip(ranges["feature"], ranges["wavelengths_nm"])))
    units = RecordUnits(record)
    spectrum = units.spectrum_of(Unit(unit_id, units.source.path, (row, column, 1, 1)))
    scale = kept("map_scale", path, None, lambda: _map_scales(path))
    return UnitView(unit_id, "spectral", make_rows(frame), Path(path).name, scale, spectrum=spectrum,
                    intervals=False, unit="pixel")


def pixel_name(row: int, column: int) -> str:
    """How the explorer names a pixel."""
    return f"row {row}, column {column}"


def _map_pixel(path: str, click: Click):
    """(row, column, values, band names) of the map's pixel under the click; an error where it holds no data."""
    import rasterio
    from rasterio.windows import Window

    with rasterio.open(path) as dataset:
        pixel = pixel_of(dataset, *click.point_in(dataset.crs))
        if pixel is None:
            raise HsiLimeError(f"{path}: the click lies outside the map.")
        values = dataset.read(window=Window(pixel[1], pixel[0], 1, 1), masked=True)[:, 0, 0]
        names = list(dataset.descriptions)
    if np.ma.getmaskarray(values).all():
        raise HsiLimeError(f"{path}: the pixel at row {pixel[0]}, column {pixel[1]} was not explained (no data).")
    return pixel[0], pixel[1], np.ma.filled(values.astype(float), np.nan), names


def _map_scales(path: str) -> dict[str, float]:
    """Target -> the largest |attribution| of its bands, on a decimated read of the map."""
    import rasterio

    with rasterio.open(path) as dataset:
        step = max(1, -(-max(dataset.height, dataset.width) // SCALE_PREVIEW))
        shape = (dataset.count, -(-dataset.height // step), -(-dataset.width // step))
        data = np.ma.filled(dataset.read(out_shape=shape, masked=True).astype(float), np.nan)
        targets = [name.partition(":")[0] for name in dataset.descriptions]
    largest = np.nanmax(np.abs(data.reshape(len(targets), -1)), axis=1, initial=0.0)
    frame = pd.DataFrame({"target": targets, "size": largest}).groupby("target")["size"].max()
    return {str(target): float(value) for target, value in frame.items()}
