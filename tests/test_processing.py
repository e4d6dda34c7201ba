"""The QGIS side through processing.run: outputs, georeferencing, and bad-input messages."""
import json

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import rasterio.features
from helpers import NO_QGIS

pytest.importorskip("qgis.core", reason=NO_QGIS)
from qgis.core import QgsApplication, QgsProcessingException, QgsRasterLayer, QgsVectorLayer  # noqa: E402

from helpers import import_plugin_package  # noqa: E402
from helpers.qgis import RecordingFeedback, assert_fails_with, run_algorithm  # noqa: E402
from helpers.scene import FIELDS, TARGET_FIELD  # noqa: E402


SPATIAL = "hsilime:explain_spatial"


def run(parameters):
    return run_algorithm(SPATIAL, parameters)


def spatial_parameters(scene, tmp_path, **overrides):
    parameters = {
        "INPUT": str(scene.raster),
        "MODEL": str(scene.model),
        "SEGMENTATION": 0,
        "POLYGONS": str(scene.fields),
        "ID_FIELD": "name",
        "N_SAMPLES": 200,
        "BASELINE": "zero",  # the truths below are the zero baseline's (tests/test_background_runs.py: the default)
        "OUTPUT": str(tmp_path / "attribution.tif"),
        "OUTPUT_SEGMENTS": str(tmp_path / "segments.gpkg"),
    }
    parameters.update(overrides)
    return parameters


def test_life_cycle_registers_the_provider_once_and_unload_removes_it(qgis_iface, hsilime_plugin):
    hsilime_plugin.unload()  # the session's plugin object must not hide this one's registration
    registry = QgsApplication.processingRegistry()
    plugin = import_plugin_package().classFactory(qgis_iface)
    plugin.initGui()
    plugin.initProcessing()
    assert [p.id() for p in registry.providers()].count("hsilime") == 1
    provider = registry.providerById("hsilime")
    assert provider.name() == "Hyperspectral explanations"
    assert registry.algorithmById("hsilime:explain_spatial").displayName() == "Explain spatial importance"
    plugin.unload()
    assert registry.providerById("hsilime") is None


def test_field_polygons_give_a_georeferenced_attribution_raster(hsilime_provider, scene, tmp_path):
    results, feedback = run(spatial_parameters(scene, tmp_path))
    assert results is not None, feedback.errors
    with rasterio.open(scene.raster) as source, rasterio.open(results["OUTPUT"]) as output:
        assert output.crs == source.crs
        assert output.transform == source.transform
        assert (output.width, output.height) == (source.width, source.height)
        assert output.count == 2 and output.dtypes == ("float32", "float32")
        assert output.descriptions == ("one_field", "everything")
        maps = output.read(masked=True)
    assert maps.mask[:, 0, 0].all()  # nodata pixel, and no field there
    assert maps.mask[:, 0, 20].all()  # between fields
    segments = gpd.read_file(results["OUTPUT_SEGMENTS"])
    assert list(segments["name"]) == list(FIELDS)
    # the input's attributes under their own names (the id field included) and no segment_id, then the results
    assert list(segments.columns[:2]) == ["name", "area_ha"] and "segment_id" not in segments
    assert {"attr_one_field", "se_one_field", "r2_one_field", "attr_everything"} <= set(segments.columns)
    assert (segments["low_one_field"] <= segments["attr_one_field"]).all()
    assert (segments["attr_one_field"] <= segments["high_one_field"]).all()
    np.testing.assert_allclose(
        segments["high_one_field"] - segments["attr_one_field"], 1.959964 * segments["se_one_field"], rtol=1e-5
    )
    ranked = segments.sort_values("attr_one_field", key=np.abs, ascending=False)["name"].tolist()
    assert ranked[0] == TARGET_FIELD
    top = segments.set_index("name")["attr_one_field"]
    assert (top.drop(TARGET_FIELD).abs() < 0.01 * abs(top[TARGET_FIELD])).all()
    assert segments["r2_one_field"].iloc[0] > 0.99
    assert results["SCORES"].startswith("one_field=0.99") or results["SCORES"].startswith("one_field=1.0")
    # the raster holds each field's attribution on its pixels
    row, col = 5, 30  # inside field c
    assert maps[0, row, col] == pytest.approx(top[TARGET_FIELD], rel=1e-6)
    # opened later like any file, both outputs come with their diverging style
    raster_layer = QgsRasterLayer(results["OUTPUT"], "attribution")
    assert raster_layer.renderer().type() == "singlebandpseudocolor"
    assert raster_layer.renderer().classificationMin() == -raster_layer.renderer().classificationMax()
    vector_layer = QgsVectorLayer(results["OUTPUT_SEGMENTS"], "segments")
    assert vector_layer.renderer().type() == "graduatedSymbol"
    assert vector_layer.renderer().classAttribute() == "attr_one_field"


def test_polygons_in_another_crs_are_reprojected(hsilime_provider, scene, tmp_path):
    reference, _ = run(spatial_parameters(scene, tmp_path / "a"))
    results, feedback = run(spatial_parameters(scene, tmp_path / "b", POLYGONS=str(scene.fields_4326)))
    assert results is not None, feedback.errors
    with rasterio.open(reference["OUTPUT"]) as a, rasterio.open(results["OUTPUT"]) as b:
        assert a.crs == b.crs == rasterio.crs.CRS.from_epsg(32633)
        np.testing.assert_allclose(a.read(1), b.read(1), rtol=1e-5)


@pytest.mark.parametrize("segmentation, extra", [(1, {"N_SEGMENTS": 12}), (2, {"PATCH_SIZE": 7})])
def test_slic_and_patches_write_one_polygon_per_segment(hsilime_provider, scene, tmp_path, segmentation, extra):
    parameters = spatial_parameters(scene, tmp_path, SEGMENTATION=segmentation, POLYGONS=None, **extra)
    results, feedback = run(parameters)
    assert results is not None, feedback.errors
    segments = gpd.read_file(results["OUTPUT_SEGMENTS"])
    with rasterio.open(results["OUTPUT"]) as output:
        maps = output.read(2, masked=True)
        burnt = rasterio.features.rasterize(
            zip(segments.geometry, segments["attr_everything"]), out_shape=maps.shape, transform=output.transform,
            fill=np.nan, dtype="float32",
        )
    assert segments["segment_id"].is_unique
    if segmentation == 2:
        assert len(segments) == 5 * 6  # ceil(30 / 7) x ceil(40 / 7), edge patches smaller
    # every pixel of the raster holds the attribution of the segment polygon it lies in
    np.testing.assert_array_equal(np.isnan(burnt), maps.mask)
    np.testing.assert_allclose(maps.compressed(), burnt[~maps.mask], rtol=1e-6)


def test_polygons_that_do_not_overlap_the_raster(hsilime_provider, scene, tmp_path):
    assert_fails_with(
        SPATIAL,
        spatial_parameters(scene, tmp_path, POLYGONS=str(scene.far), ID_FIELD=None),
        "POLYGONS: none of the 1 polygons overlaps the raster (INPUT) (raster extent 368000.0, 5809100.0 : "
        "369200.0, 5810000.0, polygon extent 0.0, 0.0 : 1000.0, 1000.0, both in EPSG:32633); choose polygons "
        "that cover the raster.",
        tmp_path,
    )


def test_field_segmentation_without_polygons(hsilime_provider, scene, tmp_path):
    assert_fails_with(
        SPATIAL,
        spatial_parameters(scene, tmp_path, POLYGONS=None, ID_FIELD=None),
        "POLYGONS: segmentation by field polygons (SEGMENTATION=0) needs a polygon layer; choose one in POLYGONS, "
        "or choose SLIC superpixels (SEGMENTATION=1) or regular patches (SEGMENTATION=2).",
        tmp_path,
    )


def test_model_file_missing(hsilime_provider, scene, tmp_path):
    missing = tmp_path / "absent.pt"
    assert_fails_with(
        SPATIAL,
        spatial_parameters(scene, tmp_path, MODEL=str(missing)),
        f"MODEL: the model file {missing} does not exist; choose an existing TorchScript file. ONNX models (.onnx), "
        "scikit-learn models (.skops) and Python recipes (.py) work too.",
        tmp_path,
    )


def test_model_file_not_torchscript(hsilime_provider, scene, tmp_path):
    fake = tmp_path / "notes.pt"
    fake.write_text("not a model")
    assert_fails_with(
        SPATIAL,
        spatial_parameters(scene, tmp_path, MODEL=str(fake)),
        f"MODEL: {fake} is not a TorchScript model (torch.jit.load says: PytorchStreamReader failed reading zip "
        "archive: not a ZIP archive.); export the model with "
        "torch.jit.save(torch.jit.script(model), path) or torch.jit.trace, then choose that file.",
        tmp_path,
    )


def test_card_band_count_differs_from_raster(hsilime_provider, scene, tmp_path):
    model = tmp_path / "model.pt"
    model.write_bytes(scene.model.read_bytes())
    card = json.loads(scene.model.with_suffix(".json").read_text())
    card["input"]["bands"] = 150
    model.with_suffix(".json").write_text(json.dumps(card))
    assert_fails_with(
        SPATIAL,
        spatial_parameters(scene, tmp_path, MODEL=str(model)),
        f"INPUT: the raster has 8 bands but the model card {model.with_suffix('.json')} says the model takes 150 "
        "bands; choose the raster the model was trained for, or fix 'input.bands' in the card. (Raster: 8 bands, "
        "400.00-750.00 nm; card: 150 bands, no wavelengths: add 'input.wavelengths' to the card to let hsi-lime "
        "resample other sensors.)",
        tmp_path,
    )


def test_target_not_in_card(hsilime_provider, scene, tmp_path):
    assert_fails_with(
        SPATIAL,
        spatial_parameters(scene, tmp_path, TARGETS="one_field,pH"),
        "TARGETS: 'pH' is not a target of this model; valid names are one_field, everything (or indices 0 to 1, or top:K); "
        "leave TARGETS empty to explain them all.",
        tmp_path,
    )


def test_more_slic_segments_than_valid_pixels(hsilime_provider, scene, tmp_path):
    assert_fails_with(
        SPATIAL,
        spatial_parameters(scene, tmp_path, SEGMENTATION=1, POLYGONS=None, N_SEGMENTS=5000),
        "N_SEGMENTS: 5000 SLIC segments were asked for but INPUT has only 1196 valid pixels; ask for at most 1196 "
        "segments.",
        tmp_path,
    )


class CancelAfterFirstBatch(RecordingFeedback):
    """Cancels as soon as the first progress report arrives, as a user pressing Cancel."""

    def __init__(self):
        super().__init__()
        self.reports = 0
        self.progressChanged.connect(self._cancel)

    def _cancel(self, value):
        self.reports += 1
        self.cancel()


def test_cancel_stops_within_one_batch_and_writes_nothing(hsilime_provider, scene, tmp_path):
    import processing

    feedback = CancelAfterFirstBatch()
    parameters = spatial_parameters(scene, tmp_path, N_SAMPLES=2000, BATCH_SIZE=10)
    try:
        processing.run("hsilime:explain_spatial", parameters, feedback=feedback)
    except QgsProcessingException:
        pass
    assert feedback.reports == 1  # one batch ran, then the run stopped
    assert "Cancelled: nothing was written." in feedback.infos
    assert list(tmp_path.iterdir()) == []


def test_kernel_shap_attributions_add_up_to_the_prediction_minus_the_baseline(hsilime_provider, scene, tmp_path):
    results, feedback = run(spatial_parameters(scene, tmp_path, METHOD=1, N_SAMPLES=64))  # 2^6 coalitions: exact
    assert results is not None, feedback.errors
    segments = gpd.read_file(results["OUTPUT_SEGMENTS"])
    col0, row0, col1, row1 = FIELDS[TARGET_FIELD]
    with rasterio.open(scene.raster) as source:
        field_mean = source.read(3)[row0:row1, col0:col1].mean() * 1e-4  # the model's output on the image
    assert segments["attr_one_field"].sum() == pytest.approx(field_mean, rel=1e-6)  # f(x) - f(all removed = 0)
    assert segments.set_index("name")["attr_one_field"].drop(TARGET_FIELD).abs().max() < 1e-9
    assert any("exact Shapley values" in message for message in feedback.infos)


def test_baseline_mean_and_a_bad_baseline(hsilime_provider, scene, tmp_path):
    zero, _ = run(spatial_parameters(scene, tmp_path / "zero", METHOD=1, N_SAMPLES=64))
    mean, feedback = run(spatial_parameters(scene, tmp_path / "mean", METHOD=1, N_SAMPLES=64, BASELINE="mean"))
    assert mean is not None, feedback.errors
    a = gpd.read_file(zero["OUTPUT_SEGMENTS"]).set_index("name")["attr_one_field"]
    b = gpd.read_file(mean["OUTPUT_SEGMENTS"]).set_index("name")["attr_one_field"]
    assert b[TARGET_FIELD] < a[TARGET_FIELD]  # removing the field now leaves the band mean, not 0
    assert_fails_with(
        SPATIAL,
        spatial_parameters(scene, tmp_path / "bad", BASELINE="average"),
        "BASELINE: unknown baseline 'average'; choose 'zero', 'mean', 'background', 'blur', 'inpaint' or a number (model input units).",
        tmp_path / "bad",
    )
