"""hsilime:import_product: a sensor product saved as a spectral raster (GeoTIFF, or VRT), with an RGB default style."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterDestination,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..hsi_lime_plugin.settings import ImportOutputs, ImportSettings
from .base import HsiLimeAlgorithm
from .parameters import PRODUCT_FILES
from .styling import style_rgb, style_when_loaded, write_raster_style


class ImportProduct(HsiLimeAlgorithm):
    """EMIT, EnMAP, PRISMA, DESIS, Tanager or AVIRIS product -> reflectance raster with its band metadata."""

    P_DROP_BAD_BANDS = "DROP_BAD_BANDS"

    title = QT_TRANSLATE_NOOP("ImportProduct", "Import a sensor product")
    summary = QT_TRANSLATE_NOOP(
        "ImportProduct",
        "Saves a hyperspectral product as downloaded (EMIT L2A, EnMAP L2A, PRISMA L2D, DESIS L2A, Tanager ortho "
        "surface reflectance, AVIRIS L2A) as a raster every tool reads: reflectance (0-1) on the product's map grid "
        "(EMIT orthorectified through its GLT), with each band's wavelength, FWHM and bad-band flag in the "
        "conventions hsi-lime and EnMAP-Box read, nodata -9999, and an RGB default style. The explain algorithms "
        "read the products directly (PRODUCT): import only to keep the cube in a project or for other tools."
    )
    group_id = "products"
    raster_required = False

    def name(self):
        return "import_product"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add(
            QgsProcessingParameterFile(self.P_PRODUCT, self.tr("Sensor product file"), fileFilter=PRODUCT_FILES),
            self.tr("The product's main file, as downloaded: EMIT_L2A_RFL_*.nc, EnMAP L2A *-METADATA.XML (or "
                    "*-SPECTRAL_IMAGE.TIF, or the product ZIP), PRS_L2D_*.he5, DESIS-HSI-L2A-*-SPECTRAL_IMAGE.tif (with "
                    "its .hdr), Tanager *_ortho_sr_hdf5.h5 or AVIRIS *_RFL_ORT.nc."),
        )
        self.add(
            QgsProcessingParameterBoolean(self.P_DROP_BAD_BANDS, self.tr("Leave out the bad bands"),
                                          defaultValue=False),
            self.tr("Write only the good bands (without EMIT's bad wavelengths, EnMAP's no-data bands, ...). Kept, "
                    "they are flagged bbl=0, and every algorithm leaves them out of its superbands."),
        )
        self.add(
            QgsProcessingParameterRasterDestination(self.P_OUTPUT, self.tr("Imported raster")),
            self.tr("A GeoTIFF (.tif), or a VRT (.vrt) over an EnMAP or DESIS product's own image, which needs no "
                    "copy (keep the product where it is)."),
        )

    def run_workflow(self, parameters, context, feedback, reporter):
        from ..hsi_lime_plugin.runs import import_product

        settings = ImportSettings(self.parameterAsFile(parameters, self.P_PRODUCT, context),
                                  ImportOutputs(self.output_path(parameters, self.P_OUTPUT, context)),
                                  self.parameterAsBoolean(parameters, self.P_DROP_BAD_BANDS, context))
        run = self.run_engine(import_product.run, settings, reporter)
        feedback.pushInfo(self.tr("{product}: {bands} bands written to {output}; default style: {rendering}").format(
            product=run.product, bands=run.n_bands, output=run.output, rendering=run.rendering))
        write_raster_style(run.output, lambda layer: style_rgb(layer, run.rgb))
        style_when_loaded(context, run.output, lambda layer: style_rgb(layer, run.rgb))
        return {self.P_OUTPUT: run.output}
