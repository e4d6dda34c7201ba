"""The "Hyperspectral explanations" Processing provider (id ``hsilime``)."""
from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .attribute_pixels import AttributePixels
from .base import ICON
from .explain_fields import ExplainFields
from .explain_spatial import ExplainSpatial
from .explain_spectral import ExplainSpectral
from .import_product import ImportProduct
from .install_dependencies import InstallDependencies

ALGORITHMS = (ExplainSpatial, ExplainSpectral, ExplainFields, AttributePixels, ImportProduct, InstallDependencies)


class HsiLimeProvider(QgsProcessingProvider):
    """Holds the hsi-lime algorithms; outputs are files the engine writes itself."""

    def id(self):
        return "hsilime"

    def name(self):
        return QCoreApplication.translate("HsiLimeProvider", "Hyperspectral explanations")

    def longName(self):  # noqa: N802 (QGIS API name)
        return self.name()

    def icon(self):
        return QIcon(str(ICON))

    def loadAlgorithms(self):  # noqa: N802
        for algorithm in ALGORITHMS:
            self.addAlgorithm(algorithm())

    def supportedOutputRasterLayerExtensions(self):  # noqa: N802
        """GeoTIFF; and VRT, which import_product writes over an EnMAP or DESIS image (the others refuse it)."""
        return ["tif", "vrt"]

    def supportedOutputVectorLayerExtensions(self):  # noqa: N802
        return ["gpkg", "shp", "geojson"]

    def supportedOutputTableExtensions(self):  # noqa: N802
        """Tables without geometry (spectral importance) are written as CSV or GeoPackage."""
        return ["gpkg", "csv"]

    def defaultVectorFileExtension(self, hasGeometry=True):  # noqa: N802
        return "gpkg"

    def defaultRasterFileExtension(self):  # noqa: N802
        return "tif"
