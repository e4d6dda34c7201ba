"""The run record: what a run was and where its outputs are, written into the outputs themselves.

A layer alone does not always say enough to explore it: a units layer holds each unit's
prediction, not its attributions (those are in the run's table); an attribution raster holds a
segment's attribution at each pixel, not which segment or with which interval (those are in the
segments layer); a per-pixel map holds no wavelengths. So every output that can carry metadata
carries the *run record* (:func:`record_of_run`), a small JSON text:

``{"hsi_lime_run": 1, "algorithm": "explain_fields", "argument": "output_units", "written": "...",
"outputs": {"output_units": "/abs/units.gpkg", "output_table": "/abs/table.csv", ...},
"settings": {"raster": {...}, "model": {...}, "explain": {...}, ...}}``

``argument`` says which output the file is; ``outputs`` where the run's other outputs are (absolute
paths); ``settings`` the run's settings as plain values (:meth:`hsi_lime_plugin.settings.Settings.plain`).
It is stored under the metadata item :data:`RECORD_KEY`: a GeoTIFF's dataset tag, a GeoPackage layer's
(or attribute table's) OGR metadata. CSV tables, Shapefiles and GeoJSON hold no metadata; the QGIS side
then keeps the record with the loaded layer in the project.

:class:`~hsi_lime_plugin.outputs.atomic.OutputSet` tags every output it wrote (:func:`tag_file`) before
renaming it into place, so a record never points at an output that was not written.
"""
from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

#: The metadata item holding the record (GDAL metadata key: upper case, no spaces).
RECORD_KEY = "HSI_LIME_RUN"
#: The record format's version.
FORMAT = 1


def record_of_run(algorithm: str, settings) -> dict[str, Any]:
    """The record of a run of ``algorithm`` with ``settings`` (a settings object of
    :mod:`hsi_lime_plugin.settings` with an ``outputs`` field): every requested destination by argument,
    as an absolute path, and the settings as plain values with absolute input paths."""
    outputs = {argument: _absolute(path) for argument, path, _ in settings.outputs.destinations() if path}
    plain = settings.plain()
    for part, key in (("raster", "path"), ("model", "path"), ("polygons", "source")):
        if isinstance(plain.get(part), dict) and isinstance(plain[part].get(key), str):
            plain[part][key] = _absolute(plain[part][key])
    written = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return {"hsi_lime_run": FORMAT, "algorithm": algorithm, "written": written, "outputs": outputs,
            "settings": plain}


def for_output(record: dict[str, Any], argument: str) -> dict[str, Any]:
    """The record as stored in one output: with the ``argument`` that output is."""
    return {**record, "argument": argument}


def tag_file(path, record: dict[str, Any], argument: str) -> None:
    """Store the record in the output ``path`` (a temporary file of the run) when its format holds metadata:
    a GeoTIFF (dataset tag) or a GeoPackage (each layer's metadata); other formats are left as they are."""
    suffix = Path(path).suffix.lower()
    text = json.dumps(for_output(record, argument), separators=(",", ":"))
    if suffix in (".tif", ".tiff"):
        import rasterio

        with rasterio.open(path, "r+") as dataset:
            dataset.update_tags(**{RECORD_KEY: text})
    elif suffix == ".gpkg":
        _tag_geopackage(path, text)


def read_record(path, layer: str | None = None) -> dict[str, Any] | None:
    """The record stored in a GeoTIFF or a GeoPackage layer (``layer``: its name; default the first), or None
    when the file holds none (not an hsi-lime output, or a format without metadata)."""
    suffix = Path(str(path)).suffix.lower()
    text = None
    if suffix in (".tif", ".tiff"):
        import rasterio

        try:
            with rasterio.open(path) as dataset:
                text = dataset.tags().get(RECORD_KEY)
        except rasterio.errors.RasterioIOError:
            return None
    elif suffix == ".gpkg":
        text = _geopackage_item(path, layer)
    return _parse(text)


def _parse(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        record = json.loads(text)
    except ValueError:
        return None
    return record if isinstance(record, dict) and record.get("hsi_lime_run") else None


def _absolute(path) -> str:
    text = str(path)
    return text if "://" in text or text.startswith("/vsi") else os.path.abspath(text)


def _tag_geopackage(path, text: str) -> None:
    """Every layer (or attribute table) of the GeoPackage gets the record as an OGR metadata item, through GDAL's
    bindings (every QGIS has them; without them, as on a plain package-index install, nothing is tagged)."""
    try:
        from osgeo import ogr
    except ImportError:
        return
    source = ogr.Open(str(path), 1)
    if source is None:
        return
    for index in range(source.GetLayerCount()):
        source.GetLayer(index).SetMetadataItem(RECORD_KEY, text)
    source = None  # closes the file, which writes the metadata


def _geopackage_item(path, layer: str | None) -> str | None:
    try:
        from osgeo import ogr
    except ImportError:
        return None
    source = ogr.Open(str(path))
    if source is None:
        return None
    found = source.GetLayerByName(layer) if layer else source.GetLayer(0)
    return None if found is None else found.GetMetadataItem(RECORD_KEY)
