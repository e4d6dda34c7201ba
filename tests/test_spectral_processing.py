"""hsilime:explain_spectral through processing.run and qgis_process: outputs, table layers, bad-input messages."""

import json

import numpy as np
import pytest
import rasterio
import torch
from helpers import NO_QGIS

pytest.importorskip("qgis.core", reason=NO_QGIS)
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)

from hsi_lime_plugin.outputs.table_files import read_table  # noqa: E402
from hsi_lime_plugin.outputs.tables import SUMMARY_COLUMNS, TABLE_COLUMNS  # noqa: E402
from helpers.qgis import RecordingFeedback, assert_fails_with, run_algorithm  # noqa: E402
from helpers.scene import FIELDS  # noqa: E402

pytestmark = pytest.mark.filterwarnings(r"ignore:`torch\.jit\.\w+` is deprecated:DeprecationWarning")

#: The synthetic scene's 8 bands lie at 400, 450, ..., 750 nm: bands 0-1, 2-3, 4-5; bands 6-7 in no group.
GROUPS = "low=400-450; mid=500-550; high=600-650"
#: Bands each output of the band-reading model reads: its truth is that superband alone.
READS = {"high": [4, 5], "low": [0, 1]}
ALGORITHM = "hsilime:explain_spectral"


def run(parameters):
    return run_algorithm(ALGORITHM, parameters)


def spectral_parameters(scene, band_model, tmp_path, suffix=".csv", **overrides):
    parameters = {
        "INPUT": str(scene.raster),
        "MODEL": str(band_model),
        "BAND_GROUPS": GROUPS,
        "POLYGONS": str(scene.fields),
        "ID_FIELD": "name",
        "N_SAMPLES": 200,
        "OUTPUT_TABLE": str(tmp_path / f"importance{suffix}"),
        "OUTPUT_BANDS": str(tmp_path / f"bands{suffix}"),
        "OUTPUT_SUMMARY": str(tmp_path / f"summary{suffix}"),
        "OUTPUT_PLOT": str(tmp_path / "importance.png"),
    }
    parameters.update(overrides)
    return parameters


def test_algorithm_is_registered_with_its_parameters(hsilime_provider):
    algorithm = QgsApplication.processingRegistry().algorithmById(ALGORITHM)
    assert algorithm.displayName() == "Explain spectral importance"
    names = [parameter.name() for parameter in algorithm.parameterDefinitions()]
    for name in ("INPUT", "MODEL", "BAND_GROUPS", "WAVELENGTHS", "POLYGONS", "ID_FIELD", "TARGETS", "N_SAMPLES",
                 "BATCH_SIZE", "DEVICE", "SEED", "KEEP_UNGROUPED", "OUTPUT_TABLE", "OUTPUT_BANDS", "OUTPUT_SUMMARY",
                 "OUTPUT_PLOT"):
        assert name in names
    assert "R; G+B; BI; potassium=462-475,599-613; edge=i40-i60" in algorithm.shortHelpString()
    table = algorithm.parameterDefinition("OUTPUT_TABLE")
    assert not table.hasGeometry()
    assert set(table.supportedOutputVectorLayerExtensions()) == {"csv", "gpkg"}


@pytest.mark.parametrize("suffix", [".csv", ".gpkg"])
def test_fields_give_tables_and_a_figure(hsilime_provider, scene, band_model, tmp_path, suffix):
    results, feedback = run(spectral_parameters(scene, band_model, tmp_path, suffix))
    assert results is not None, feedback.errors
    table = read_table(results["OUTPUT_TABLE"])
    assert list(table.columns) == TABLE_COLUMNS
    assert len(table) == len(FIELDS) * 2 * 4  # fields x targets x (3 groups + not_included)
    assert list(dict.fromkeys(table["unit_id"])) == list(FIELDS)
    for (field, target), rows in table.groupby(["unit_id", "target"]):
        values = rows.set_index("feature")["attribution"]
        assert values.abs().idxmax() == target, (field, values)  # each output reads the superband of its name
        assert (values.drop(target).abs() < 0.02 * abs(values[target])).all(), (field, values)
        assert (rows["r2"] > 0.95).all()
    np.testing.assert_allclose(table["ci_high"] - table["attribution"], table["attribution"] - table["ci_low"])

    summary = read_table(results["OUTPUT_SUMMARY"])
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert (summary["n_units"] == len(FIELDS)).all()
    bands = read_table(results["OUTPUT_BANDS"])
    assert len(bands) == len(FIELDS) * 2 * 8
    assert list(bands["wavelength_nm"][:8]) == [400.0 + 50 * b for b in range(8)]
    png = tmp_path / "importance.png"
    assert results["OUTPUT_PLOT"] == str(png) and png.stat().st_size > 20_000

    layer = QgsVectorLayer(results["OUTPUT_TABLE"], "importance", "ogr")
    assert layer.isValid() and layer.wkbType() == QgsWkbTypes.NoGeometry
    assert layer.featureCount() == len(table)
    types = {field.name(): field.typeName() for field in layer.fields()}
    assert (types["attribution"], types["n_bands"], types["feature"]) == ("Real", "Integer64", "String")


@pytest.fixture
def run_and_load(monkeypatch):
    """``processing.runAndLoadResults`` without an interface: QGIS 3.40's result loading asks the interface for
    its layer tree view, which pytest-qgis's stand-in lacks; without one (qgis_process, a script) the layers
    load the same way."""
    import processing
    from processing.gui import Postprocessing

    monkeypatch.setattr(Postprocessing, "iface", None, raising=False)
    return processing.runAndLoadResults


def test_tables_load_into_the_project_as_table_layers(hsilime_provider, scene, band_model, tmp_path, run_and_load):
    project = QgsProject.instance()
    before = set(project.mapLayers())
    parameters = spectral_parameters(scene, band_model, tmp_path, OUTPUT_SUMMARY="TEMPORARY_OUTPUT", OUTPUT_PLOT=None)
    results = run_and_load(ALGORITHM, parameters, feedback=RecordingFeedback())
    loaded = [layer for key, layer in project.mapLayers().items() if key not in before]
    try:
        assert sorted(layer.name() for layer in loaded) == [
            "Band attributions", "Spectral importance", "Spectral importance across fields"
        ]
        assert all(layer.wkbType() == QgsWkbTypes.NoGeometry for layer in loaded)
        assert results["OUTPUT_SUMMARY"].endswith(".gpkg")
    finally:
        project.removeMapLayers([layer.id() for layer in loaded])


def test_whole_raster_without_polygons(hsilime_provider, scene, band_model, tmp_path):
    parameters = spectral_parameters(scene, band_model, tmp_path, POLYGONS=None, ID_FIELD=None, KEEP_UNGROUPED=True)
    results, feedback = run(parameters)
    assert results is not None, feedback.errors
    table = read_table(results["OUTPUT_TABLE"])
    assert table["unit_id"].isna().all()
    assert list(table["feature"]) == ["low", "mid", "high"] * 2
    assert any(info.startswith("BAND_GROUPS: 3 superbands: low (2 bands, 400-450)") for info in feedback.infos)


def test_band_names_without_wavelengths(hsilime_provider, scene, band_model, bare_raster, tmp_path):
    assert_fails_with(
        ALGORITHM,
        spectral_parameters(scene, band_model, tmp_path, INPUT=str(bare_raster), BAND_GROUPS="R; G"),
        "BAND_GROUPS: the band name 'R' at character 1 needs band wavelengths, but the raster has none: give them "
        "with the WAVELENGTHS parameter (a comma-separated list of wavelengths in nm, one per band, or a text file "
        "that lists them), or group bands by band index, which needs no wavelengths, as in 'edge=i40-i60'.\n"
        "  R; G\n"
        "  ^",
        tmp_path,
    )


def test_wavelengths_parameter_supplies_them(hsilime_provider, scene, band_model, bare_raster, tmp_path):
    parameters = spectral_parameters(scene, band_model, tmp_path, INPUT=str(bare_raster), BAND_GROUPS="B; R",
                                     WAVELENGTHS="400, 450, 500, 550, 600, 650, 700, 750")
    results, feedback = run(parameters)
    assert results is not None, feedback.errors
    assert list(read_table(results["OUTPUT_TABLE"])["feature"][:3]) == ["B", "R", "not_included"]


def test_wavelengths_parameter_with_the_wrong_count(hsilime_provider, scene, band_model, bare_raster, tmp_path):
    assert_fails_with(
        ALGORITHM,
        spectral_parameters(
            scene, band_model, tmp_path, INPUT=str(bare_raster), BAND_GROUPS="R", WAVELENGTHS="400, 450"
        ),
        "WAVELENGTHS gives 2 values but the raster has 8 bands. Give exactly one wavelength per band, in band order.",
        tmp_path,
    )


def test_unknown_index_name_suggests_the_closest(hsilime_provider, scene, band_model, tmp_path):
    assert_fails_with(
        ALGORITHM,
        spectral_parameters(scene, band_model, tmp_path, BAND_GROUPS="R; NDVX"),
        "BAND_GROUPS: unknown band or index name 'NDVX' at character 4: did you mean 'NDVI', 'RNDVI', 'NDVIT', "
        "'MNDVI', 'kNDVI'? Band names are the spyndex bands (A, B, G, G1, N, N2, R, RE1, RE2, RE3, S1, S2, T, T1, "
        "T2, WV, Y); index names are the spyndex spectral indices such as NDVI, SAVI or EVI.\n"
        "  R; NDVX\n"
        "     ^",
        tmp_path,
    )


def test_range_outside_the_sensor(hsilime_provider, scene, band_model, tmp_path):
    assert_fails_with(
        ALGORITHM,
        spectral_parameters(scene, band_model, tmp_path, BAND_GROUPS="R; swir=1200-1300"),
        "BAND_GROUPS: the range 1200-1300 nm of group 'swir' at character 9 contains no band of the raster, which "
        "covers 400-750 nm with 8 bands: choose a range inside it.\n"
        "  R; swir=1200-1300\n"
        "          ^",
        tmp_path,
    )


def test_malformed_grouping_string_is_refused_when_the_parameters_are_checked(hsilime_provider, scene, band_model,
                                                                             tmp_path):
    assert_fails_with(
        ALGORITHM,
        spectral_parameters(scene, band_model, tmp_path, BAND_GROUPS="potassium=462-,599"),
        "Unable to execute algorithm\nBAND_GROUPS: expected a wavelength in nm after '-' at character 15, found ',': write a range with both "
        "ends, as in 'potassium=462-475'.\n"
        "  potassium=462-,599\n"
        "                ^",
        tmp_path,
    )


def test_overlapping_groups_are_a_warning(hsilime_provider, scene, band_model, tmp_path):
    results, feedback = run(spectral_parameters(scene, band_model, tmp_path, BAND_GROUPS="low=400-500; mid=500-550"))
    assert results is not None, feedback.errors
    assert feedback.warnings == [
        "BAND_GROUPS: group 'mid' shares 1 band with the earlier group 'low': i2 (500 nm); they stay in 'low', the "
        "first group that claims them."
    ]


def test_error_after_reading_leaves_no_output(hsilime_provider, scene, band_model, tmp_path):
    assert_fails_with(
        ALGORITHM,
        spectral_parameters(scene, band_model, tmp_path, TARGETS="pH"),
        "TARGETS: 'pH' is not a target of this model; valid names are high, low (or indices 0 to 1, or top:K); "
        "leave TARGETS empty to explain them all.",
        tmp_path,
    )


def test_python_recipe_needs_allow_python_model(hsilime_provider, scene, band_model, tmp_path):
    recipe = tmp_path / "recipe.py"
    recipe.write_text(f"import torch\ndef load_model(device):\n    return torch.jit.load({str(band_model)!r})\n")
    recipe.with_suffix(".json").write_text(band_model.with_suffix(".json").read_text())
    refused = spectral_parameters(scene, band_model, tmp_path / "refused", MODEL=str(recipe))
    assert_fails_with(
        ALGORITHM,
        refused,
        f"MODEL: {recipe} is a Python recipe, and loading it would run the code in it; recipes are refused unless "
        "you allow them. If you trust this file, allow it with ALLOW_PYTHON_MODEL=True; otherwise ask for a "
        "TorchScript or ONNX export.",
        tmp_path,
    )
    results, feedback = run(spectral_parameters(scene, band_model, tmp_path / "allowed", MODEL=str(recipe),
                                                ALLOW_PYTHON_MODEL=True))
    assert results is not None, feedback.errors
    assert len(read_table(results["OUTPUT_TABLE"])) == len(FIELDS) * 2 * 4


# --------------------------------------------------------------------------- qgis_process


@pytest.mark.qgis_process
def test_explain_spectral_runs_through_qgis_process(qgis_process, scene, band_model, tmp_path):
    out = tmp_path / "out"
    arguments = dict(
        INPUT=scene.raster, MODEL=band_model, BAND_GROUPS=GROUPS, POLYGONS=scene.fields, ID_FIELD="name",
        N_SAMPLES=150, OUTPUT_TABLE=out / "importance.gpkg", OUTPUT_SUMMARY=out / "summary.csv",
        OUTPUT_PLOT=out / "importance.png",
    )
    completed, result, _ = qgis_process(ALGORITHM, **arguments)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = result["results"]
    assert results["OUTPUT_TABLE"] == str(out / "importance.gpkg")
    table = read_table(out / "importance.gpkg")
    for (field, target), rows in table.groupby(["unit_id", "target"]):
        assert rows.loc[rows["attribution"].abs().idxmax(), "feature"] == target, (field, rows)
    assert (read_table(out / "summary.csv")["n_units"] == len(FIELDS)).all()
    assert (out / "importance.png").stat().st_size > 20_000
    assert sorted(p.name for p in out.iterdir()) == ["importance.gpkg", "importance.png", "summary.csv", "summary.csvt"]


def test_table_output_chains_into_another_algorithm_in_a_model(hsilime_provider, scene, band_model, tmp_path):
    """In a graphical model the superband table is a table layer that table algorithms accept."""
    import processing
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource as Source,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterFile,
        QgsProcessingParameterRasterLayer,
    )

    model = QgsProcessingModelAlgorithm("spectral_then_filter", "tests")
    inputs = (QgsProcessingParameterRasterLayer("raster", "raster"), QgsProcessingParameterFile("model", "model"))
    for parameter in inputs:
        model.addModelParameter(parameter, QgsProcessingModelParameter(parameter.name()))
    explain = QgsProcessingModelChildAlgorithm(ALGORITHM)
    explain.setChildId("explain")
    explain.addParameterSources("INPUT", [Source.fromModelParameter("raster")])
    explain.addParameterSources("MODEL", [Source.fromModelParameter("model")])
    explain.addParameterSources("BAND_GROUPS", [Source.fromStaticValue(GROUPS)])
    explain.addParameterSources("N_SAMPLES", [Source.fromStaticValue(100)])
    model.addChildAlgorithm(explain)
    extract = QgsProcessingModelChildAlgorithm("native:extractbyexpression")
    extract.setChildId("extract")
    extract.addParameterSources("INPUT", [Source.fromChildOutput("explain", "OUTPUT_TABLE")])
    extract.addParameterSources("EXPRESSION", [Source.fromStaticValue("\"feature\" = 'high'")])
    output = QgsProcessingModelOutput("high", "high")
    output.setChildId("extract")
    output.setChildOutputName("OUTPUT")
    extract.setModelOutputs({"high": output})
    model.addChildAlgorithm(extract)
    model.updateDestinationParameters()

    # the destination's name: "extract:high" up to QGIS 3.22, "high" in QGIS 3.40
    (destination,) = [parameter.name() for parameter in model.destinationParameterDefinitions()]
    results = processing.run(model, {"raster": str(scene.raster), "model": str(band_model),
                                     destination: str(tmp_path / "high.gpkg")}, feedback=RecordingFeedback())
    rows = read_table(results[destination])
    assert list(rows["feature"]) == ["high", "high"]
    assert list(rows["target"]) == ["high", "low"]


class _PixelBands(torch.nn.Module):
    """Per pixel: 'low' the mean of bands 0-1, 'high' the mean of bands 4-5 (a pixel model)."""

    def forward(self, spectra: torch.Tensor) -> torch.Tensor:
        return torch.stack([spectra[:, 0:2].mean(dim=1), spectra[:, 4:6].mean(dim=1)], dim=1)


def test_maps_of_each_pixel_load_styled_with_the_superbands_named(hsilime_provider, scene, tmp_path, run_and_load):
    """OUTPUT_MAP (band per target and superband) on the diverging ramp, OUTPUT_DOMINANT as paletted classes named
    by the superbands, each loaded into the project and saved as the file's default style."""
    from qgis.core import QgsPalettedRasterRenderer, QgsRasterLayer

    model = tmp_path / "pixels.pt"
    torch.jit.save(torch.jit.script(_PixelBands()), str(model))
    model.with_suffix(".json").write_text(json.dumps({"targets": ["low", "high"],
                                                      "input": {"layout": "pixels", "scale": 1e-4}}))
    project = QgsProject.instance()
    before = set(project.mapLayers())
    parameters = {"INPUT": str(scene.raster), "MODEL": str(model), "BAND_GROUPS": GROUPS, "METHOD": 1,
                  "N_SAMPLES": 16, "BASELINE": "zero", "KEEP_UNGROUPED": True, "OUTPUT_TABLE": str(tmp_path / "table.csv"),
                  "OUTPUT_MAP": str(tmp_path / "map.tif"), "OUTPUT_DOMINANT": str(tmp_path / "dominant.tif")}
    results = run_and_load(ALGORITHM, parameters, feedback=RecordingFeedback())
    loaded = {layer.source(): layer for key, layer in project.mapLayers().items() if key not in before}
    try:
        assert results["OUTPUT_MAP"] == str(tmp_path / "map.tif")
        dominant = loaded[str(tmp_path / "dominant.tif")]
        assert isinstance(dominant.renderer(), QgsPalettedRasterRenderer)
        assert [c.label for c in dominant.renderer().classes()] == ["none raises the prediction", "low", "mid", "high"]
        saved = QgsRasterLayer(str(tmp_path / "dominant.tif"), "again", "gdal")  # its .qml beside it
        assert isinstance(saved.renderer(), QgsPalettedRasterRenderer)
        assert (tmp_path / "map.qml").is_file()
        with rasterio.open(tmp_path / "dominant.tif") as dataset:
            values = dataset.read()
        valid = values[0] != 255
        assert (values[0][valid] == 1).all() and (values[1][valid] == 3).all()  # low reads low, high reads high
    finally:
        project.removeMapLayers([layer.id() for layer in loaded.values()])
