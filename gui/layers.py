"""Which output, or which input raster, a click of the explorer hits: plain values for the engine.

A layer is an hsi-lime output when it carries a run record (:mod:`hsi_lime_plugin.outputs.run_record`):
kept with the layer when Processing loaded it (its custom property), or stored in its file (a GeoTIFF's
tag, a GeoPackage layer's metadata). A polygon layer that a spectral run explained field by field is
found through the records of that run's table. Any other GDAL raster is a raster to explain live.

The layer looked at first is the current layer of the Layers panel (the one the user chose to explore),
then the visible layers from the top: the first output that holds a unit under the click answers;
failing that, the raster of the explorer's settings is explained live where it was clicked.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

from qgis.core import (
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProject,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)

from ..hsi_lime_plugin.explore.click import Click
from ..hsi_lime_plugin.explore.stored import segment_id_column
from ..hsi_lime_plugin.explore.view import id_text
from ..processing_algorithms.run_records import LAYER_PROPERTY

#: The id column of each kind of vector output (a segments layer's: :func:`segment_id_column`).
ID_COLUMNS = {"output_segments": "segment_id", "output_units": "unit_id"}
#: Pixels around the click within which a feature is looked for.
TOLERANCE_PIXELS = 2


@dataclass(frozen=True)
class Hit:
    """What a click hit: a unit of a stored output (``record``, its GeoPackage ``layer_name``), or a place of the
    raster ``raster`` to explain live; ``click`` holds the point (and the feature) for the engine."""

    layer_name: str
    click: Click
    record: dict | None = None
    source_layer: str | None = None
    raster: str | None = None

    @property
    def live(self) -> bool:
        return self.record is None


def source_of(layer) -> tuple[str, str | None]:
    """The file behind ``layer`` and its layer name inside it (GeoPackage), from the provider's URI."""
    parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    return str(parts.get("path") or layer.source()), parts.get("layerName") or None


def same_file(first, second) -> bool:
    return bool(first) and bool(second) and os.path.realpath(str(first)) == os.path.realpath(str(second))


def crs_text(crs) -> str | None:
    """A CRS as text pyproj reads: its EPSG code, else its WKT; None when invalid."""
    if not crs.isValid():
        return None
    return crs.authid() if crs.authid().upper().startswith("EPSG:") else crs.toWkt()


class LayerRecords:
    """The run record of each layer (kept per layer and source), and the click resolved against the layers."""

    def __init__(self, iface):
        self.iface = iface
        self._records: dict = {}

    def record(self, layer) -> dict | None:
        """``layer``'s run record, or None when it is no hsi-lime output."""
        if not isinstance(layer, (QgsRasterLayer, QgsVectorLayer)) or not layer.isValid():
            return None
        key = (layer.id(), layer.source(), layer.customProperty(LAYER_PROPERTY))
        if key not in self._records:
            self._records = {k: v for k, v in self._records.items() if k[0] != layer.id()}
            self._records[key] = self._read(layer)
        return self._records[key]

    def _read(self, layer) -> dict | None:
        text = layer.customProperty(LAYER_PROPERTY)
        if text:
            try:
                return json.loads(text)
            except ValueError:
                pass
        from ..hsi_lime_plugin.outputs.run_record import read_record

        path, name = source_of(layer)
        return read_record(path, name) if os.path.isfile(path) else None

    def forget(self) -> None:
        self._records.clear()

    def output_layers(self) -> list:
        """The project's layers that are hsi-lime outputs, with their records."""
        layers = QgsProject.instance().mapLayers().values()
        return [(layer, record) for layer in layers for record in [self.record(layer)] if record is not None]

    # --- a click --------------------------------------------------------------------------------
    def hit(self, point, live_raster: str | None) -> Hit | None:
        """What the click at ``point`` (canvas CRS) hits (see the module docstring); None when nothing."""
        canvas = self.iface.mapCanvas()
        active = self.iface.activeLayer()
        layers = ([active] if active is not None else []) + [layer for layer in canvas.layers() if layer is not active]
        for layer in layers:
            found = self._on(layer, point)
            if found is not None:
                return found
            if layer is active and self._explainable(layer):
                return self._live(layer, point)
        for layer in canvas.layers():
            if self._explainable(layer) and same_file(source_of(layer)[0], live_raster):
                return self._live(layer, point)
        return None

    def _on(self, layer, point) -> Hit | None:
        """A unit of a stored output under the click on ``layer``, if it is one."""
        record = self.record(layer)
        if isinstance(layer, QgsRasterLayer):
            if record is None or not layer.extent().contains(self._to_layer(layer).transform(point)):
                return None
            return Hit(layer.name(), self._click(point), record)
        if not isinstance(layer, QgsVectorLayer):
            return None
        column, record = self._id_column(layer, record)
        if record is None:
            return None
        feature = self.feature_at(layer, point)
        if feature is None:
            return None
        unit_id = feature.id() if column is None else feature[column]
        return Hit(layer.name(), self._click(point, id_text(unit_id), self._geometry(layer, feature)), record,
                   source_of(layer)[1])

    def _id_column(self, layer, record):
        """The id column of a vector output, or of polygons a run with a table explained (their id field, None
        for the feature id), with the record to read the unit from; (None, None) for any other layer."""
        if record is not None:
            if record.get("argument") == "output_segments":
                return segment_id_column(record), record
            return ID_COLUMNS.get(record.get("argument")), (record if record.get("argument") in ID_COLUMNS else None)
        path, name = source_of(layer)
        for _, other in self.output_layers():
            polygons = (other.get("settings") or {}).get("polygons") or {}
            if other.get("outputs", {}).get("output_table") and same_file(polygons.get("source"), path) and \
                    (polygons.get("layer") or None) in (None, name):
                return polygons.get("id_field") or None, {**other, "argument": "output_table"}
        return None, None

    def feature_at(self, layer, point):
        """The last feature of ``layer`` whose polygon holds the click (the later feature wins, as when burnt)."""
        transform = self._to_layer(layer)
        inside = QgsGeometry.fromPointXY(transform.transform(point))
        reach = self.iface.mapCanvas().mapUnitsPerPixel() * TOLERANCE_PIXELS
        box = transform.transformBoundingBox(QgsRectangle(point.x() - reach, point.y() - reach, point.x() + reach,
                                                          point.y() + reach))
        found = None
        for feature in layer.getFeatures(QgsFeatureRequest().setFilterRect(box)):
            if feature.hasGeometry() and feature.geometry().contains(inside):
                found = feature
        return found

    def _explainable(self, layer) -> bool:
        return isinstance(layer, QgsRasterLayer) and layer.providerType() == "gdal" and self.record(layer) is None

    def _live(self, layer, point) -> Hit:
        return Hit(layer.name(), self._click(point), raster=source_of(layer)[0])

    def _click(self, point, unit_id: str | None = None, geometry: bytes | None = None) -> Click:
        crs = self.iface.mapCanvas().mapSettings().destinationCrs()
        return Click(point.x(), point.y(), crs_text(crs), unit_id, geometry)

    def _geometry(self, layer, feature) -> bytes:
        """The feature's geometry in the canvas CRS, as WKB."""
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(QgsCoordinateTransform(layer.crs(), self.iface.mapCanvas().mapSettings().destinationCrs(),
                                                  QgsProject.instance()))
        return bytes(geometry.asWkb())

    def _to_layer(self, layer) -> QgsCoordinateTransform:
        return QgsCoordinateTransform(self.iface.mapCanvas().mapSettings().destinationCrs(), layer.crs(),
                                      QgsProject.instance())
