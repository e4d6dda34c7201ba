"""The shared parameters read back as the engine's settings objects, built once per run.

An algorithm reads its parameters here into the frozen dataclasses of
:mod:`hsi_lime_plugin.settings` (light: no numpy, no torch) and hands them to its run
(``runs.<algorithm>.run(settings, reporter)``); no engine function receives a QGIS object.
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingException, QgsProcessingUtils, QgsRasterLayer

from .qgis_compat import PARAMETER_OPTIONAL
from ..hsi_lime_plugin.options import (BACKGROUND_MODES, DEFAULT_BASELINE, DEVICES, METHODS, SEGMENTATIONS,
                                       VECTOR_DRIVERS)
from ..hsi_lime_plugin.settings import (
    BackgroundSource,
    BandGroups,
    ExplainSettings,
    ModelSource,
    PolygonSource,
    RasterSource,
    Runtime,
    Segmentation,
)

#: The translation context of the strings below: pylupdate5 records the class a tr() call is written in.
CONTEXT = "ParameterReaders"


class ParameterReaders:
    """Mixed into :class:`.base.HsiLimeAlgorithm`: the shared parameters as settings objects and paths."""

    def read_model(self, parameters, context) -> ModelSource:
        """MODEL and ALLOW_PYTHON_MODEL."""
        return ModelSource(self.parameterAsFile(parameters, self.P_MODEL, context),
                           self.parameterAsBoolean(parameters, self.P_ALLOW_PYTHON_MODEL, context))

    def read_raster(self, parameters, context) -> RasterSource:
        """PRODUCT when given, else INPUT (the file behind it; None when both are empty) and WAVELENGTHS, when
        declared."""
        product = self.parameterAsFile(parameters, self.P_PRODUCT, context) \
            if self.parameterDefinition(self.P_PRODUCT) is not None and parameters.get(self.P_PRODUCT) else ""
        path = product or (self.raster_path(parameters, context) if parameters.get(self.P_INPUT) else None)
        wavelengths = None
        if self.parameterDefinition(self.P_WAVELENGTHS) is not None:
            wavelengths = self.parameterAsString(parameters, self.P_WAVELENGTHS, context).strip() or None
        return RasterSource(path, wavelengths)

    def read_polygons(self, parameters, context, feedback) -> PolygonSource | None:
        """POLYGONS (a file path and layer, exported to GeoPackage when it is not a file) and ID_FIELD; None
        when no polygons were given."""
        if not parameters.get(self.P_POLYGONS):
            return None
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, self.P_POLYGONS, context, [suffix[1:] for suffix in VECTOR_DRIVERS], "gpkg", feedback
        )
        return PolygonSource(path, layer or None, self.parameterAsString(parameters, self.P_ID_FIELD, context) or None)

    def read_segmentation(self, parameters, context) -> Segmentation:
        """SEGMENTATION, N_SEGMENTS, COMPACTNESS and PATCH_SIZE."""
        return Segmentation(
            SEGMENTATIONS[self.parameterAsEnum(parameters, self.P_SEGMENTATION, context)],
            self.parameterAsInt(parameters, self.P_N_SEGMENTS, context),
            self.parameterAsDouble(parameters, self.P_COMPACTNESS, context),
            self.parameterAsInt(parameters, self.P_PATCH_SIZE, context),
        )

    def read_band_groups(self, parameters, context) -> BandGroups:
        """BAND_GROUPS (empty: the standard bands) and KEEP_UNGROUPED."""
        return BandGroups(self.parameterAsString(parameters, self.P_BAND_GROUPS, context).strip() or None,
                          not self.parameterAsBoolean(parameters, self.P_KEEP_UNGROUPED, context))

    def read_runtime(self, parameters, context) -> Runtime:
        """BATCH_SIZE (0: automatic) and DEVICE."""
        return Runtime(DEVICES[self.parameterAsEnum(parameters, self.P_DEVICE, context)],
                       self.parameterAsInt(parameters, self.P_BATCH_SIZE, context) or None)

    def read_explain(self, parameters, context) -> ExplainSettings:
        """The settings every perturbation explanation shares (BASELINE as typed: the engine parses it and names
        the accepted values in its error)."""
        return ExplainSettings(
            targets=self.read_targets(parameters, context),
            method=METHODS[self.parameterAsEnum(parameters, self.P_METHOD, context)],
            n_samples=self.parameterAsInt(parameters, self.P_N_SAMPLES, context),
            precision=self.parameterAsDouble(parameters, self.P_PRECISION, context),
            max_samples=self.parameterAsInt(parameters, self.P_MAX_SAMPLES, context),
            seed=self.parameterAsInt(parameters, self.P_SEED, context),
            kernel_width=self.parameterAsDouble(parameters, self.P_KERNEL_WIDTH, context),
            **self.read_baseline(parameters, context),
        )

    def read_targets(self, parameters, context) -> str | None:
        return self.parameterAsString(parameters, self.P_TARGETS, context) or None

    def read_baseline(self, parameters, context) -> dict:
        """BASELINE as typed (the engine parses it and names the accepted values in its error), BACKGROUND_SIZE,
        BACKGROUND_MODE and BLUR_SIGMA: the baseline fields of the explain and attribute settings."""
        return {
            "baseline": self.parameterAsString(parameters, self.P_BASELINE, context) or DEFAULT_BASELINE,
            "background_size": self.parameterAsInt(parameters, self.P_BACKGROUND_SIZE, context),
            "background_mode": BACKGROUND_MODES[self.parameterAsEnum(parameters, self.P_BACKGROUND_MODE, context)],
            "blur_sigma": self.parameterAsDouble(parameters, self.P_BLUR_SIGMA, context),
        }

    def read_background(self, parameters, context, feedback) -> BackgroundSource | None:
        """BACKGROUND: a raster's file, or a polygon layer's file and layer (exported to GeoPackage when it is not a
        file); None when empty. A file path is passed on as it is (loading it would write statistics beside it)."""
        value = parameters.get(self.P_BACKGROUND)
        if not value:
            return None
        if isinstance(value, str) and QgsProcessingUtils.mapLayerFromString(value, context, False) is None \
                and Path(value).is_file():
            return BackgroundSource(value)
        layer = self.parameterAsLayer(parameters, self.P_BACKGROUND, context)
        if layer is None:
            raise QgsProcessingException(self.tr("BACKGROUND: the layer cannot be found; choose a raster or a polygon "
                                                 "layer, or leave it empty (the scene's own pixels).", CONTEXT))
        if isinstance(layer, QgsRasterLayer):
            return BackgroundSource(layer.source(), "raster")
        path, name = QgsProcessingUtils.convertToCompatibleFormatAndLayerName(
            layer, False, "background", [suffix[1:] for suffix in VECTOR_DRIVERS], "gpkg", context, feedback)
        return BackgroundSource(path, "polygons", name or None)

    def output_path(self, parameters, name: str, context) -> str | None:
        """The file of a layer destination (raster, vector or table); None for an optional one not requested
        (a required one QGIS fills with a temporary file)."""
        definition = self.parameterDefinition(name)
        optional = bool(definition.flags() & PARAMETER_OPTIONAL)
        if optional and not parameters.get(name):
            return None
        return self.parameterAsOutputLayer(parameters, name, context) or None

    def file_path(self, parameters, name: str, context) -> str | None:
        """The file of a file destination (report, figure), or None when it was not requested."""
        return self.parameterAsFileOutput(parameters, name, context) or None

    def raster_path(self, parameters, context) -> str:
        """The file behind INPUT (a GDAL data source name).

        A path is used as it is: loading it as a QGIS layer would compute band statistics
        that GDAL saves in an ``.aux.xml`` beside the input, and a run never changes the
        folder of its inputs. A layer of the project gives its source.
        """
        value = parameters.get(self.P_INPUT)
        if isinstance(value, str) and QgsProcessingUtils.mapLayerFromString(value, context, False) is None \
                and Path(value).is_file():
            return value
        layer = self.parameterAsRasterLayer(parameters, self.P_INPUT, context)
        if layer is None:
            raise QgsProcessingException(self.tr("INPUT: no raster layer was given; choose a hyperspectral raster.",
                                                 CONTEXT))
        if layer.providerType() != "gdal":
            raise QgsProcessingException(
                self.tr("INPUT: the layer comes from the '{}' provider; choose a file-based (GDAL) raster.",
                        CONTEXT).format(layer.providerType())
            )
        return layer.source()
