"""Checks made when the parameters are accepted, before anything runs, in our own words; and no GDAL sidecar beside an input."""
from __future__ import annotations

import contextlib
from pathlib import Path

from qgis.core import (
    QgsProcessingParameterNumber,
    QgsProcessingUtils,
)

from ..hsi_lime_plugin.inputs.signatures import signature, starts_as_tiff
from .messages import parameter_name


#: The translation context of the strings below: pylupdate5 records the class a tr() call is written in.
CONTEXT = "ParameterChecks"

@contextlib.contextmanager
def no_gdal_sidecars():
    """In this thread only, keep GDAL from writing ``.aux.xml`` files beside the rasters it opens.

    QGIS computes band statistics when it loads a raster as a layer, and GDAL saves them
    in a sidecar beside the file: a run would change the folder of its input. The option
    is thread-local and restored afterwards, so other threads and later work are unaffected.
    """
    from osgeo import gdal

    previous = gdal.GetThreadLocalConfigOption("GDAL_PAM_ENABLED", None)
    gdal.SetThreadLocalConfigOption("GDAL_PAM_ENABLED", "NO")
    try:
        yield
    finally:
        gdal.SetThreadLocalConfigOption("GDAL_PAM_ENABLED", previous)

@contextlib.contextmanager
def quiet_gdal():
    """In this thread only, GDAL's complaints are not printed: for a question whose answer is checked anyway
    (does GDAL open this file?), or for what QGIS computes and does not need (the histogram of a constant band,
    "dfMax should be strictly greater than dfMin", when it loads a layer only to write its style)."""
    from osgeo import gdal

    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        yield
    finally:
        gdal.PopErrorHandler()


def _gdal_reads(path: str) -> bool:
    """Whether GDAL opens ``path`` as a raster (read-only: nothing is written beside it)."""
    from osgeo import gdal

    with quiet_gdal():
        try:
            return gdal.OpenEx(path, gdal.OF_RASTER | gdal.OF_READONLY) is not None
        except RuntimeError:  # when another plugin switched GDAL to exceptions
            return False


class ParameterChecks:
    """Mixed into :class:`.base.HsiLimeAlgorithm` (a QgsProcessingAlgorithm)."""

    #: Whether the algorithm needs INPUT or PRODUCT (explain_fields explains a list of rasters without either).
    raster_required = True

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        """Our own words for an unreadable INPUT and numbers out of range, then QGIS's checks."""
        problem = (self._input_problem(parameters, context) or self._number_problem(parameters)
                   or self._band_groups_problem(parameters) or self._source_problem(parameters))
        if problem:
            return False, problem
        # QGIS's own check loads INPUT as a layer, with a histogram for its default renderer: nothing beside the
        # file, and no complaint about bands without data (whether GDAL reads INPUT was checked above)
        with no_gdal_sidecars(), quiet_gdal():
            return super().checkParameterValues(parameters, context)

    def _source_problem(self, parameters) -> str | None:
        """Neither INPUT nor PRODUCT where a raster is needed; a PRODUCT file that does not exist."""
        if self.parameterDefinition(self.P_PRODUCT) is None:
            return None
        product = parameters.get(self.P_PRODUCT)
        if isinstance(product, str) and product and not product.startswith("/vsi") and not Path(product).is_file():
            return self.tr("PRODUCT: {} does not exist; choose the product's file.", CONTEXT).format(product)
        if self.raster_required and not product and not parameters.get(self.P_INPUT):
            return self.tr("INPUT: no raster was given; choose a hyperspectral raster (INPUT) or a sensor product "
                           "file (PRODUCT).", CONTEXT)
        return None

    def _input_problem(self, parameters, context) -> str | None:
        value = parameters.get(self.P_INPUT)
        if self.parameterDefinition(self.P_INPUT) is None or not isinstance(value, str) or not value:
            return None
        if parameters.get(self.P_PRODUCT):
            return None  # PRODUCT is read instead
        with quiet_gdal():  # a file GDAL cannot open is for our message below, not for GDAL's on stderr
            if QgsProcessingUtils.mapLayerFromString(value, context, False) is not None:
                return None
        if not value.startswith("/vsi") and not Path(value).exists():  # GDAL's virtual paths (/vsicurl/, /vsis3/)
            return self.tr("INPUT: {} does not exist; choose an existing raster file.", CONTEXT).format(value)
        if signature(value) in ("hdf5", "zip", "xml"):  # a product's container or metadata: no layer of QGIS
            return self.tr("INPUT: {} is a file QGIS cannot load as a raster layer (a sensor product's NetCDF, HDF5, "
                           "metadata or ZIP?); give it as PRODUCT, which reads the products directly.",
                           CONTEXT).format(value)
        if _gdal_reads(value):
            return None
        if starts_as_tiff(value):
            return self.tr(
                "INPUT: {} is damaged or incomplete: it starts as a GeoTIFF but GDAL cannot open it, as happens to a "
                "file whose download or copy was interrupted. Copy or download it again ('gdalinfo' finds such "
                "faults), then run again.", CONTEXT
            ).format(value)
        return self.tr(
            "INPUT: {} is not a raster GDAL can read; choose a GeoTIFF, ENVI or other GDAL raster.", CONTEXT
        ).format(value)

    def _band_groups_problem(self, parameters) -> str | None:
        """A BAND_GROUPS string that does not parse, pointing at the character, before anything runs."""
        text = parameters.get(self.P_BAND_GROUPS)
        if self.parameterDefinition(self.P_BAND_GROUPS) is None or not isinstance(text, str) or not text.strip():
            return None
        from ..hsi_lime_plugin.features.band_grammar import parse_band_groups
        from ..hsi_lime_plugin.errors import HsiLimeError

        try:
            parse_band_groups(text)
        except HsiLimeError as error:
            return error.render(parameter_name)
        return None

    def _number_problem(self, parameters) -> str | None:
        for definition in self.parameterDefinitions():
            if not isinstance(definition, QgsProcessingParameterNumber) or parameters.get(definition.name()) is None:
                continue
            try:
                value = float(parameters[definition.name()])
            except (TypeError, ValueError):
                continue
            if value < definition.minimum():
                return self.tr("{0}: {1} is below {2:g}, the smallest value it takes; give at least {2:g}.", CONTEXT).format(
                    definition.name(), parameters[definition.name()], definition.minimum()
                )
        return None
