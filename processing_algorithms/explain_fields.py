"""hsilime:explain_fields: explain every field polygon, every tile of a scene, or every raster of a list."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..hsi_lime_plugin.options import DEFAULT_TILE_SIZE, KINDS, UNIT_KINDS
from ..hsi_lime_plugin.settings import FieldsOutputs, FieldsSettings, Units
from .base import HsiLimeAlgorithm
from .run_records import remember_when_loaded
from .styling import style_spectral_maps
from .qgis_compat import SOURCE_RASTER, SOURCE_VECTOR_POLYGON


class ExplainFields(HsiLimeAlgorithm):
    """Map scale: one explanation per field polygon, tile or raster, in this process or on a Dask cluster."""

    P_UNITS = "UNITS"
    P_TILE_SIZE = "TILE_SIZE"
    P_RASTERS = "RASTERS"
    P_KIND = "KIND"
    P_DASK_SCHEDULER = "DASK_SCHEDULER"
    P_OUTPUT_FOLDER = "OUTPUT_FOLDER"
    P_OUTPUT_UNITS = "OUTPUT_UNITS"

    title = QT_TRANSLATE_NOOP("ExplainFields", "Explain every field or tile")
    group_id = "map_scale"
    summary = QT_TRANSLATE_NOOP(
        "ExplainFields",
        "Explains every field of a polygon layer, every tile of a scene, or every raster of a list, each unit on its "
        "own: only the unit's window of the raster is read (pixels outside the field masked and never perturbed), "
        "and each unit's seed derives from SEED and its id, so results do not depend on the order or the number of "
        "workers. Runs in this process, or on a Dask cluster given its scheduler address. Writes the attribution "
        "raster (spatial kind), a layer with one polygon per unit (prediction, base value and R2 per target), a table "
        "per unit, target and feature, a summary across units, and an HTML report with maps or spectra."
    )

    raster_required = False  # UNITS 2 explains a list of rasters

    def name(self):
        return "explain_fields"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_raster_input(self.tr("The scene the fields or tiles are read from, window by window (UNITS 0 and 1); "
                                      "or give PRODUCT."))
        self.add_model()
        self.add(
            QgsProcessingParameterEnum(
                self.P_UNITS, self.tr("Units"), options=[self.tr("Field polygons"), self.tr("Regular tiles"),
                                                   self.tr("One raster per unit")], defaultValue=0,
            ),
            self.tr("What is explained one by one: the polygons of POLYGONS, tiles of TILE_SIZE pixels of INPUT, "
                    "or each raster of RASTERS."),
        )
        self.add_polygons(optional=True, help_text=self.tr(
            "Fields explained one by one (UNITS 0; any CRS). Polygons outside the raster or smaller than one pixel "
            "are skipped with one warning naming them; duplicate ids in ID_FIELD are an error."))
        self.add(
            QgsProcessingParameterNumber(self.P_TILE_SIZE, self.tr("Tile size (pixels)"), defaultValue=DEFAULT_TILE_SIZE,
                                         minValue=1),
            self.tr("UNITS 1: square tiles on the raster's grid, edge tiles smaller; tiles without a valid pixel "
                    "are skipped."),
        )
        self.add(
            QgsProcessingParameterMultipleLayers(self.P_RASTERS, self.tr("Rasters, one unit each"),
                                                 SOURCE_RASTER, optional=True),
            self.tr("UNITS 2: raster layers or files, each one unit named by its file name (e.g. one small image "
                    "per field with its own nodata mask)."),
        )
        self.add_kind_settings()
        self.add_explanation_settings()
        self.add(
            QgsProcessingParameterString(self.P_DASK_SCHEDULER, self.tr("Dask scheduler address"), defaultValue="",
                                         optional=True),
            self.tr("e.g. tcp://10.0.0.5:8786: run the units on that Dask cluster (workers need hsi-lime installed "
                    "with pip and the rasters on storage they can read). Empty: run in this process."),
            advanced=True,
        )
        self.add_outputs()

    def add_kind_settings(self):
        """KIND, and its settings: SEGMENTATION, N_SEGMENTS, COMPACTNESS, PATCH_SIZE or BAND_GROUPS, WAVELENGTHS,
        KEEP_UNGROUPED."""
        self.add(
            QgsProcessingParameterEnum(self.P_KIND, self.tr("Kind of explanation"), options=[self.tr("Spatial"), self.tr("Spectral")],
                                       defaultValue=0),
            self.tr("Spatial: which regions inside each unit drive the prediction. Spectral: which band groups."),
        )
        self.add_segmentation(in_units=True)
        self.add_band_groups(self.tr("Spectral kind."))
        self.add_wavelengths()
        self.add_keep_ungrouped()

    def add_outputs(self):
        """OUTPUT, OUTPUT_FOLDER, OUTPUT_UNITS, OUTPUT_TABLE, OUTPUT_SUMMARY, OUTPUT_MAP, OUTPUT_DOMINANT and
        OUTPUT_REPORT."""
        self.add(
            QgsProcessingParameterRasterDestination(self.P_OUTPUT, self.tr("Attribution raster"), optional=True,
                                                    createByDefault=False),
            self.tr("Spatial kind with fields or tiles: one Float32 band per target over the whole input grid, "
                    "units mosaicked, written block by block."),
        )
        self.add(
            QgsProcessingParameterFolderDestination(self.P_OUTPUT_FOLDER, self.tr("Attribution rasters folder"),
                                                    optional=True, createByDefault=False),
            self.tr("Spatial kind with one raster per unit: <name>_attribution.tif per input, on its grid."),
        )
        self.add(
            QgsProcessingParameterVectorDestination(self.P_OUTPUT_UNITS, self.tr("Unit polygons"), SOURCE_VECTOR_POLYGON,
                                                    optional=True, createByDefault=False),
            self.tr("One polygon per explained unit: unit_id, n_pixels, pred_<target> (the model's prediction), "
                    "base_<target> (the model with every feature removed), r2_<target>."),
        )
        self.add_table_output(
            self.P_OUTPUT_TABLE, self.tr("Attribution per unit"),
            self.tr("One row per unit, target and feature: unit_id, target, feature, wavelengths_nm and n_bands (for "
                    "superbands), attribution, se, ci_low, ci_high (95 %), r2, prediction, base_value. {}.").format(
                self.table_formats()),
        )
        self.add_table_output(
            self.P_OUTPUT_SUMMARY, self.tr("Attribution across units"),
            self.tr("One row per target and feature: wavelengths_nm, n_bands, mean, std, median, min, max, n_units, "
                    "mean_r2. {}.").format(self.table_formats()),
            optional=True,
        )
        self.add_spectral_maps()
        self.add_report_output()

    def read_settings(self, parameters, context, feedback) -> FieldsSettings:
        """The run's settings from its parameters."""
        units = UNIT_KINDS[self.parameterAsEnum(parameters, self.P_UNITS, context)]
        layers = self.parameterAsLayerList(parameters, self.P_RASTERS, context) if units == "rasters" else []
        folder = self.parameterAsString(parameters, self.P_OUTPUT_FOLDER, context) \
            if parameters.get(self.P_OUTPUT_FOLDER) else None
        scheduler = self.parameterAsString(parameters, self.P_DASK_SCHEDULER, context).strip() or None
        return FieldsSettings(
            raster=self.read_raster(parameters, context), model=self.read_model(parameters, context),
            units=Units(units, self.parameterAsInt(parameters, self.P_TILE_SIZE, context),
                        tuple(layer.source() for layer in layers), scheduler),
            polygons=self.read_polygons(parameters, context, feedback),
            kind=KINDS[self.parameterAsEnum(parameters, self.P_KIND, context)],
            segmentation=self.read_segmentation(parameters, context),
            band_groups=self.read_band_groups(parameters, context),
            explain=self.read_explain(parameters, context), runtime=self.read_runtime(parameters, context),
            outputs=FieldsOutputs(
                self.output_path(parameters, self.P_OUTPUT, context), folder,
                *(self.output_path(parameters, name, context)
                  for name in (self.P_OUTPUT_UNITS, self.P_OUTPUT_TABLE, self.P_OUTPUT_SUMMARY)),
                self.file_path(parameters, self.P_OUTPUT_REPORT, context),
                *(self.output_path(parameters, name, context) for name in (self.P_OUTPUT_MAP, self.P_OUTPUT_DOMINANT))),
            background=self.read_background(parameters, context, feedback),
        )

    def run_workflow(self, parameters, context, feedback, reporter):
        from ..hsi_lime_plugin.runs import explain_fields

        settings = self.read_settings(parameters, context, feedback)
        run = self.run_engine(explain_fields.run, settings, reporter)
        feedback.pushInfo(self.tr("{} units explained, {} without valid pixels skipped").format(
            len(run.units), len(run.skipped)))
        outputs = settings.outputs
        style_spectral_maps(outputs, context)
        remember_when_loaded(context, self.name(), settings)
        return {self.P_OUTPUT: outputs.raster, self.P_OUTPUT_FOLDER: outputs.folder,
                self.P_OUTPUT_REPORT: outputs.report, self.P_OUTPUT_TABLE: outputs.table,
                self.P_OUTPUT_SUMMARY: outputs.summary, self.P_OUTPUT_UNITS: outputs.units,
                self.P_OUTPUT_MAP: outputs.map, self.P_OUTPUT_DOMINANT: outputs.dominant}
