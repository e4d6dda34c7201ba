"""The output layers' styles follow the dock's target: segments by ``attr_<target>``, rasters by its band.

Each target gets a named style of the layer (``hsi-lime: <target>``, in the layer's style manager, made
from the current style the first time), and switching the target switches the layer's current style.
Map themes record a layer's style by its name, so a theme saved while the layers showed K still shows K,
and applying a theme switches the dock to the target the layer then shows (:func:`shown_target`, read from
the renderer). The renderers are the algorithms' own (:mod:`..processing_algorithms.styling`): the same
ramp and scale as when the run loaded them.
"""
from __future__ import annotations

from qgis.core import QgsRasterLayer, QgsVectorLayer

from ..processing_algorithms.styling import style_attribution_raster, style_dominant, style_segments
from .layers import source_of

#: The names of the per-target styles.
STYLE_PREFIX = "hsi-lime: "


def follow_target(layer, record: dict, target: str) -> bool:
    """Show ``target`` on ``layer`` (an output of hsi-lime with ``record``); False when the layer has nothing to
    show for it (a units layer, a raster without that target's band)."""
    apply = _styler(layer, record, target)
    if apply is None:
        return False
    manager, name = layer.styleManager(), STYLE_PREFIX + target
    if manager.currentStyle() != name:
        if name in manager.styles():
            manager.setCurrentStyle(name)
        else:
            manager.addStyleFromLayer(name)
            manager.setCurrentStyle(name)
            apply(layer)
    layer.triggerRepaint()
    return True


def shown_target(layer, record: dict, targets: list[str]) -> str | None:
    """Which of ``targets`` the layer's renderer shows (its attribute ``attr_<target>``, or its band), if any."""
    if isinstance(layer, QgsVectorLayer):
        from ..hsi_lime_plugin.outputs.tables import column_name

        field = getattr(layer.renderer(), "classAttribute", lambda: None)()
        return next((target for target in targets if column_name("attr", target) == field), None)
    if isinstance(layer, QgsRasterLayer) and record.get("argument") in ("output", "output_map", "output_dominant"):
        names = band_descriptions(layer)
        band = _band(layer)
        shown = names[band - 1].partition(":")[0] if 0 < band <= len(names) else None
        return shown if shown in targets else None
    return None


def _styler(layer, record: dict, target: str):
    """The function that styles ``layer`` for ``target``, or None."""
    argument = record.get("argument")
    if isinstance(layer, QgsVectorLayer) and argument == "output_segments":
        from ..hsi_lime_plugin.outputs.tables import column_name

        field = column_name("attr", target)
        return None if layer.fields().indexOf(field) < 0 else (lambda styled: style_segments(styled, field))
    if not isinstance(layer, QgsRasterLayer):
        return None
    names = band_descriptions(layer)
    if argument == "output" and target in names:
        band = names.index(target) + 1
        return lambda styled: style_attribution_raster(styled, band)
    if argument == "output_dominant" and target in names:
        band = names.index(target) + 1
        return lambda styled: style_dominant(styled, band)
    if argument == "output_map":
        shown = names[_band(layer) - 1].partition(":")[2] if names else ""
        wanted = f"{target}:{shown}" if f"{target}:{shown}" in names else \
            next((name for name in names if name.partition(":")[0] == target), None)
        if wanted is not None:
            band = names.index(wanted) + 1
            return lambda styled: style_attribution_raster(styled, band)
    return None


def band_descriptions(layer) -> list[str]:
    """The raster's band descriptions as GDAL reads them (a target's name, or ``target:superband``)."""
    from osgeo import gdal

    dataset = gdal.Open(source_of(layer)[0])
    if dataset is None:
        return []
    return [dataset.GetRasterBand(band).GetDescription() for band in range(1, dataset.RasterCount + 1)]


def _band(layer) -> int:
    """The band the raster's renderer shows (1 when it shows none in particular)."""
    renderer = layer.renderer()
    band = getattr(renderer, "band", None) or getattr(renderer, "grayBand", None)
    return int(band()) if callable(band) else 1
