"""The QGIS names this plugin uses, resolved once in the form this QGIS has: one module for QGIS 3.22 to 4.x.

QGIS 3.36-3.38 moved the enums the algorithms need into ``Qgis`` (``Qgis.ProcessingSourceType.VectorPolygon``
for ``SOURCE_VECTOR_POLYGON``); QGIS 3.22 has only the old names, and the bindings of 3.36+ keep
the old ones as monkey-patched aliases only. Each constant below is the new form where this QGIS has it,
else the old one, so code elsewhere names neither and never depends on an alias (the QGIS project's
migration checker rewrites every old spelling it meets). The old names are written as strings: they
are looked up only on a QGIS that lacks the new form. Where they came in, from the QGIS source's Python
bindings (python/core/auto_additions/qgis.py, python/PyQt6/core/auto_additions/qgis.py, "versionadded"):
ProcessingSourceType, ProcessingNumberParameterType, ProcessingParameterFlag, ProcessingFileParameterBehavior
and RasterBandStatistic 3.36; ShaderInterpolationMethod 3.38.
"""
from __future__ import annotations

from functools import reduce

import qgis.core


def resolve(new: str, old: str):
    """The object named by the dotted path ``new`` under ``qgis.core`` (``"Qgis.ProcessingSourceType.Raster"``)
    when this QGIS has it, else the one named by ``old`` (``"SOURCE_RASTER"``)."""
    try:
        return _lookup(new)
    except AttributeError:
        return _lookup(old)


def _lookup(path: str):
    return reduce(getattr, path.split("."), qgis.core)


SOURCE_RASTER = resolve("Qgis.ProcessingSourceType.Raster", "QgsProcessing.TypeRaster")
SOURCE_VECTOR = resolve("Qgis.ProcessingSourceType.Vector", "QgsProcessing.TypeVector")
SOURCE_VECTOR_POLYGON = resolve("Qgis.ProcessingSourceType.VectorPolygon", "QgsProcessing.TypeVectorPolygon")
NUMBER_DOUBLE = resolve("Qgis.ProcessingNumberParameterType.Double", "QgsProcessingParameterNumber.Double")
PARAMETER_ADVANCED = resolve("Qgis.ProcessingParameterFlag.Advanced", "QgsProcessingParameterDefinition.FlagAdvanced")
PARAMETER_OPTIONAL = resolve("Qgis.ProcessingParameterFlag.Optional", "QgsProcessingParameterDefinition.FlagOptional")
FILE_FOLDER = resolve("Qgis.ProcessingFileParameterBehavior.Folder", "QgsProcessingParameterFile.Folder")
STATISTIC_MIN = resolve("Qgis.RasterBandStatistic.Min", "QgsRasterBandStats.Min")
STATISTIC_MAX = resolve("Qgis.RasterBandStatistic.Max", "QgsRasterBandStats.Max")
RAMP_LINEAR = resolve("Qgis.ShaderInterpolationMethod.Linear", "QgsColorRampShader.Interpolated")
STRETCH_MIN_MAX = resolve("QgsContrastEnhancement.ContrastEnhancementAlgorithm.StretchToMinimumMaximum",
                          "QgsContrastEnhancement.StretchToMinimumMaximum")


def save_style_to_database(layer, name: str, description: str) -> None:
    """Store ``layer``'s style as its default in its data source (a GeoPackage's ``layer_styles`` table).

    QGIS 4 adds ``saveStyleToDatabaseV2`` and deprecates ``saveStyleToDatabase``, the only one 3.x has.
    """
    save = getattr(layer, "saveStyleToDatabaseV2", None) or layer.saveStyleToDatabase
    save(name, description, True, "")
#: Layer filters of the explorer's layer choosers (QgsMapLayerProxyModel's filters moved into Qgis in 3.34).
LAYER_FILTER_POLYGON = resolve("Qgis.LayerFilter.PolygonLayer", "QgsMapLayerProxyModel.PolygonLayer")
LAYER_FILTER_RASTER = resolve("Qgis.LayerFilter.RasterLayer", "QgsMapLayerProxyModel.RasterLayer")
