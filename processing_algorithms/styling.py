"""Styles for the outputs, so that they are ready to read when they appear in the project.

Attributions are signed: a diverging ramp centred on 0 (blue: the segment lowers the
prediction, red: it raises it), symmetric around 0 so that colour intensity compares
across segments. The dominant superband of each pixel is a class raster: a paletted
renderer whose legend names the superbands (the engine's colours, 0: none raises the
prediction). The same style is stored as each output's default style (a ``.qml``
sidecar beside a GeoTIFF, the ``layer_styles`` table of a GeoPackage), so QGIS applies it
whenever the file is opened, and applied to the layers Processing loads into the project.
"""
from __future__ import annotations

from qgis.core import (
    QgsColorRampShader,
    QgsContrastEnhancement,
    QgsMultiBandColorRenderer,
    QgsGraduatedSymbolRenderer,
    QgsPalettedRasterRenderer,
    QgsProcessingLayerPostProcessorInterface,
    QgsRasterLayer,
    QgsRasterShader,
    QgsRendererRange,
    QgsSingleBandPseudoColorRenderer,
    QgsStyle,
    QgsSymbol,
    QgsVectorLayer,
)
from .checks import quiet_gdal
from .qgis_compat import RAMP_LINEAR, STATISTIC_MAX, STATISTIC_MIN, STRETCH_MIN_MAX, save_style_to_database
from qgis.PyQt.QtGui import QColor

RAMP = "RdBu"
CLASSES = 8


def _diverging_colours(n: int) -> list[QColor]:
    ramp = QgsStyle.defaultStyle().colorRamp(RAMP)
    if ramp is None:  # a profile without the default style database
        return [QColor.fromHsvF(0.66 * (1 - i / max(1, n - 1)), 0.8, 0.9) for i in range(n)]
    ramp.invert()
    return [ramp.color(i / max(1, n - 1)) for i in range(n)]


def style_attribution_raster(layer: QgsRasterLayer, band: int = 1) -> None:
    """Pseudocolour ``band`` on a diverging ramp symmetric around 0."""
    stats = layer.dataProvider().bandStatistics(band, STATISTIC_MIN | STATISTIC_MAX)
    limit = max(abs(stats.minimumValue), abs(stats.maximumValue)) or 1.0
    colours = _diverging_colours(CLASSES + 1)
    items = [
        QgsColorRampShader.ColorRampItem(-limit + 2 * limit * i / CLASSES, colours[i], f"{-limit + 2 * limit * i / CLASSES:.3g}")
        for i in range(CLASSES + 1)
    ]
    ramp_shader = QgsColorRampShader(-limit, limit)
    ramp_shader.setColorRampType(RAMP_LINEAR)
    ramp_shader.setColorRampItemList(items)
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(ramp_shader)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), band, shader)
    renderer.setClassificationMin(-limit)
    renderer.setClassificationMax(limit)
    layer.setRenderer(renderer)
    layer.triggerRepaint()


def style_dominant(layer: QgsRasterLayer, band: int = 1) -> None:
    """Paletted ``band``: one class per superband, named in the legend, and 0 (none raises the prediction); the
    classes are those the engine wrote into the file's ``classes`` tag (``0=...; 1=blue; ...``)."""
    from osgeo import gdal

    from ..hsi_lime_plugin.outputs.rasters import dominant_classes

    dataset = gdal.Open(layer.source())
    text = (dataset.GetMetadataItem("classes") if dataset is not None else None) or ""
    labels = [item.partition("=")[2] for item in text.split("; ") if item.partition("=")[0].strip() != "0"]
    classes = [QgsPalettedRasterRenderer.Class(value, QColor(*rgb), label)
               for value, label, rgb in dominant_classes(labels)]
    layer.setRenderer(QgsPalettedRasterRenderer(layer.dataProvider(), band, classes))
    layer.triggerRepaint()


def style_rgb(layer: QgsRasterLayer, bands: tuple[int, int, int]) -> None:
    """Red, green and blue from ``bands`` (1-based: an imported product's bands nearest 640, 550 and 460 nm),
    each stretched between its 2 % and 98 % cumulative counts."""
    provider = layer.dataProvider()
    renderer = QgsMultiBandColorRenderer(provider, *bands)
    setters = (renderer.setRedContrastEnhancement, renderer.setGreenContrastEnhancement,
               renderer.setBlueContrastEnhancement)
    for band, setter in zip(bands, setters):
        low, high = provider.cumulativeCut(band, 0.02, 0.98)
        enhancement = QgsContrastEnhancement(provider.dataType(band))
        enhancement.setContrastEnhancementAlgorithm(STRETCH_MIN_MAX)
        enhancement.setMinimumValue(low)
        enhancement.setMaximumValue(high)
        setter(enhancement)
    layer.setRenderer(renderer)
    layer.triggerRepaint()


def style_spectral_maps(outputs, context) -> None:
    """A map run's outputs styled, as each file's default style (a ``.qml``) and on the layer Processing loads:
    the attributions on the diverging ramp, the dominant superbands as named classes."""
    for path, apply in ((getattr(outputs, "map", None), style_attribution_raster),
                        (getattr(outputs, "dominant", None), style_dominant)):
        if path:
            write_raster_style(path, apply)
            style_when_loaded(context, path, apply)


def style_segments(layer: QgsVectorLayer, field: str) -> None:
    """Graduated fill on ``field`` with symmetric classes around 0."""
    index = layer.fields().indexOf(field)
    if index < 0:
        return
    values = [abs(v) for v in (layer.minimumValue(index), layer.maximumValue(index)) if isinstance(v, (int, float))]
    limit = max(values, default=0.0) or 1.0
    colours = _diverging_colours(CLASSES)
    ranges = []
    for i in range(CLASSES):
        low, high = -limit + 2 * limit * i / CLASSES, -limit + 2 * limit * (i + 1) / CLASSES
        symbol = QgsSymbol.defaultSymbol(layer.geometryType())
        symbol.setColor(colours[i])
        ranges.append(QgsRendererRange(low, high, symbol, f"{low:.3g} – {high:.3g}"))
    layer.setRenderer(QgsGraduatedSymbolRenderer(field, ranges))
    layer.triggerRepaint()


def write_raster_style(path: str, apply=None) -> None:
    """Write a raster output's style (``apply``, default the attribution ramp) as ``<path without extension>.qml``,
    the file QGIS reads as a GeoTIFF's default style (saveNamedStyle: ``saveDefaultStyle()`` without categories
    is deprecated since 3.26)."""
    with quiet_gdal():  # the default renderer's histogram of a constant band is all GDAL would complain about
        layer = QgsRasterLayer(path, "attribution", "gdal")
    if layer.isValid():
        (apply or style_attribution_raster)(layer)
        layer.saveNamedStyle(path.rsplit(".", 1)[0] + ".qml")


def write_segments_style(path: str, field: str) -> None:
    """Store the segment style as the layer's default: inside a GeoPackage (its
    ``layer_styles`` table, so it cannot clash with the raster's ``.qml``), else as
    ``<path without extension>.qml``."""
    layer = QgsVectorLayer(path, "segments", "ogr")
    if layer.isValid():
        style_segments(layer, field)
        if path.lower().endswith(".gpkg"):
            save_style_to_database(layer, "hsi-lime", "attribution of the first target")
        else:
            layer.saveNamedStyle(path.rsplit(".", 1)[0] + ".qml")


class StylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Applies its steps (functions of the layer: a style, the run's record) to an output layer once Processing
    has loaded it."""

    instances = []  # Processing does not keep a reference: keep one until the layer is styled

    def __init__(self, apply):
        super().__init__()
        self.steps = [apply]

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API name)
        for step in self.steps:
            step(layer)

    @classmethod
    def create(cls, apply) -> "StylePostProcessor":
        processor = cls(apply)
        cls.instances.append(processor)
        return processor


def style_when_loaded(context, output: str, apply) -> None:
    """Apply ``apply(layer)`` to ``output`` when Processing loads it into the project (after what was asked for
    it before)."""
    if context.willLoadLayerOnCompletion(output):
        details = context.layerToLoadOnCompletionDetails(output)
        processor = details.postProcessor()
        if isinstance(processor, StylePostProcessor):
            processor.steps.append(apply)
        else:
            details.setPostProcessor(StylePostProcessor.create(apply))
