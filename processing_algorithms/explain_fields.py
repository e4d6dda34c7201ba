"""hsilime:explain_fields: explain every field polygon, every tile of a scene, or every raster of a list."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from .qgis_compat import NUMBER_DOUBLE, SOURCE_RASTER, SOURCE_VECTOR_POLYGON
from ..hsi_lime_plugin.options import (
    DEFAULT_COMPACTNESS,
    DEFAULT_N_SEGMENTS,
    DEFAULT_PATCH_SIZE,
    DEFAULT_TILE_SIZE,
    KINDS,
    SEGMENTATIONS,
    UNIT_KINDS,
)
from .base import HsiLimeAlgorithm


class ExplainFields(HsiLimeAlgorithm):
    """Map scale: one explanation per field polygon, tile or raster, in this process or on a Dask cluster."""

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

    def name(self):
        return "explain_fields"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add(
            QgsProcessingParameterRasterLayer("INPUT", self.tr("Hyperspectral raster"), optional=True),
            self.tr("The scene the fields or tiles are read from, window by window (UNITS 0 and 1)."),
        )
        self.add_model()
        self.add(
            QgsProcessingParameterEnum(
                "UNITS", self.tr("Units"), options=[self.tr("Field polygons"), self.tr("Regular tiles"),
                                                   self.tr("One raster per unit")], defaultValue=0,
            ),
            self.tr("What is explained one by one: the polygons of POLYGONS, tiles of TILE_SIZE pixels of INPUT, "
                    "or each raster of RASTERS."),
        )
        self.add_polygons(optional=True, help_text=self.tr(
            "Fields explained one by one (UNITS 0; any CRS). Polygons outside the raster or smaller than one pixel "
            "are skipped with one warning naming them; duplicate ids in ID_FIELD are an error."))
        self.add(
            QgsProcessingParameterNumber("TILE_SIZE", self.tr("Tile size (pixels)"), defaultValue=DEFAULT_TILE_SIZE,
                                         minValue=1),
            self.tr("UNITS 1: square tiles on the raster's grid, edge tiles smaller; tiles without a valid pixel "
                    "are skipped."),
        )
        self.add(
            QgsProcessingParameterMultipleLayers("RASTERS", self.tr("Rasters, one unit each"),
                                                 SOURCE_RASTER, optional=True),
            self.tr("UNITS 2: raster layers or files, each one unit named by its file name (e.g. one small image "
                    "per field with its own nodata mask)."),
        )
        self.add_kind_settings()
        self.add_explanation_settings()
        self.add(
            QgsProcessingParameterString("DASK_SCHEDULER", self.tr("Dask scheduler address"), defaultValue="",
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
            QgsProcessingParameterEnum("KIND", self.tr("Kind of explanation"), options=[self.tr("Spatial"), self.tr("Spectral")],
                                       defaultValue=0),
            self.tr("Spatial: which regions inside each unit drive the prediction. Spectral: which band groups."),
        )
        self.add(
            QgsProcessingParameterEnum(
                "SEGMENTATION", self.tr("Segments inside each unit"),
                options=[self.tr("Field polygons (not available here)"), self.tr("SLIC superpixels"),
                         self.tr("Regular patches")], defaultValue=1,
            ),
            self.tr("Spatial kind: SLIC superpixels (N_SEGMENTS, COMPACTNESS) or square patches (PATCH_SIZE)."),
        )
        self.add(
            QgsProcessingParameterNumber("N_SEGMENTS", self.tr("Number of SLIC superpixels"),
                                         defaultValue=DEFAULT_N_SEGMENTS, minValue=1),
            self.tr("SLIC segments per unit (at most one per pixel of a small unit)."),
        )
        self.add(
            QgsProcessingParameterNumber("COMPACTNESS", self.tr("SLIC compactness"),
                                         type=NUMBER_DOUBLE, defaultValue=DEFAULT_COMPACTNESS,
                                         minValue=1e-6),
            self.tr("Small: segments follow the spectra; large: square, regular segments."),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterNumber("PATCH_SIZE", self.tr("Patch size (pixels)"),
                                         defaultValue=DEFAULT_PATCH_SIZE, minValue=1),
            self.tr("Side of the square patches inside each unit."),
        )
        self.add_band_groups(self.tr("Spectral kind."))
        self.add_wavelengths()
        self.add(
            QgsProcessingParameterBoolean("KEEP_UNGROUPED", self.tr("Keep bands in no group fixed"),
                                          defaultValue=False),
            self.tr("No: the bands in no group form the superband 'not_included'. Yes: they keep their values."),
            advanced=True,
        )

    def add_outputs(self):
        """OUTPUT, OUTPUT_FOLDER, OUTPUT_UNITS, OUTPUT_TABLE, OUTPUT_SUMMARY and OUTPUT_REPORT."""
        self.add(
            QgsProcessingParameterRasterDestination("OUTPUT", self.tr("Attribution raster"), optional=True,
                                                    createByDefault=False),
            self.tr("Spatial kind with fields or tiles: one Float32 band per target over the whole input grid, "
                    "units mosaicked, written block by block."),
        )
        self.add(
            QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", self.tr("Attribution rasters folder"),
                                                    optional=True, createByDefault=False),
            self.tr("Spatial kind with one raster per unit: <name>_attribution.tif per input, on its grid."),
        )
        self.add(
            QgsProcessingParameterVectorDestination("OUTPUT_UNITS", self.tr("Unit polygons"), SOURCE_VECTOR_POLYGON,
                                                    optional=True, createByDefault=False),
            self.tr("One polygon per explained unit: unit_id, n_pixels, pred_<target> (the model's prediction), "
                    "base_<target> (the model with every feature removed), r2_<target>."),
        )
        self.add_table_output(
            "OUTPUT_TABLE", self.tr("Attribution per unit"),
            self.tr("One row per unit, target and feature: unit_id, target, feature, attribution, se, ci_low, "
                    "ci_high (95 %), r2, prediction, base_value. {}.").format(self.table_formats()),
        )
        self.add_table_output(
            "OUTPUT_SUMMARY", self.tr("Attribution across units"),
            self.tr("One row per target and feature: mean, std, median, min, max, n_units, mean_r2. {}.").format(
                self.table_formats()),
            optional=True,
        )
        self.add_report_output()

    def run_workflow(self, parameters, context, feedback, reporter):
        from ..hsi_lime_plugin.runs.explain_fields import run_fields

        units = UNIT_KINDS[self.parameterAsEnum(parameters, "UNITS", context)]
        polygons, polygons_layer = self.polygons_path(parameters, context, feedback)
        layers = self.parameterAsLayerList(parameters, "RASTERS", context) if units == "rasters" else []
        outputs = {name: self.table_output_path(parameters, name, context)
                   for name in ("OUTPUT_TABLE", "OUTPUT_SUMMARY", "OUTPUT_UNITS")}
        output = self.parameterAsOutputLayer(parameters, "OUTPUT", context) if parameters.get("OUTPUT") else None
        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context) if parameters.get("OUTPUT_FOLDER") \
            else None
        run = run_fields(
            self.raster_path(parameters, context) if parameters.get("INPUT") else None,
            self.parameterAsFile(parameters, "MODEL", context),
            units=units, polygons=polygons, polygons_layer=polygons_layer,
            id_field=self.parameterAsString(parameters, "ID_FIELD", context) or None,
            tile_size=self.parameterAsInt(parameters, "TILE_SIZE", context),
            rasters=[layer.source() for layer in layers],
            kind=KINDS[self.parameterAsEnum(parameters, "KIND", context)],
            segmentation=SEGMENTATIONS[self.parameterAsEnum(parameters, "SEGMENTATION", context)],
            n_segments=self.parameterAsInt(parameters, "N_SEGMENTS", context),
            compactness=self.parameterAsDouble(parameters, "COMPACTNESS", context),
            patch_size=self.parameterAsInt(parameters, "PATCH_SIZE", context),
            band_groups=self.parameterAsString(parameters, "BAND_GROUPS", context) or None,
            wavelengths=self.wavelengths_override(parameters, context),
            include_rest=not self.parameterAsBoolean(parameters, "KEEP_UNGROUPED", context),
            output=output, output_folder=folder, output_units=outputs["OUTPUT_UNITS"],
            output_table=outputs["OUTPUT_TABLE"], output_summary=outputs["OUTPUT_SUMMARY"],
            output_report=self.report_path(parameters, context),
            dask_scheduler=self.parameterAsString(parameters, "DASK_SCHEDULER", context).strip() or None,
            **self.model_options(parameters, context),
            **self.explanation_settings(parameters, context),
            reporter=reporter,
        )
        feedback.pushInfo(self.tr("{} units explained, {} without valid pixels skipped").format(
            len(run.units), len(run.skipped)))
        return {"OUTPUT": output, "OUTPUT_FOLDER": folder, "OUTPUT_REPORT": self.report_path(parameters, context),
                **outputs}
