"""The HTML report: it stands alone, says what the model predicts, and every figure shows something."""
import base64
import io
import re

import numpy as np
import pytest

from helpers.qgis import run_algorithm

SPATIAL, SPECTRAL = "hsilime:explain_spatial", "hsilime:explain_spectral"


def figures_of(report) -> list:
    """The report's embedded PNG figures as (H, W, channels) arrays."""
    from PIL import Image

    html = report.read_text(encoding="utf-8")
    assert "<script" not in html and "http" not in html.split("<body>")[1].replace("https://", "")
    return [np.asarray(Image.open(io.BytesIO(base64.b64decode(data))))
            for data in re.findall(r'src="data:image/png;base64,([^"]+)"', html)]


def assert_not_blank(image):
    """A figure draws something: many distinct colours, not one flat background."""
    pixels = image.reshape(-1, image.shape[-1])
    assert len(np.unique(pixels, axis=0)) > 50
    assert pixels.std() > 10


def test_spatial_report_through_processing(hsilime_provider, scene, tmp_path):
    report = tmp_path / "report.html"
    results, feedback = run_algorithm(SPATIAL, {
        "INPUT": str(scene.raster), "MODEL": str(scene.model), "SEGMENTATION": 0, "POLYGONS": str(scene.fields),
        "ID_FIELD": "name", "N_SAMPLES": 64, "OUTPUT": str(tmp_path / "out.tif"), "OUTPUT_REPORT": str(report),
    })
    assert results is not None, feedback.errors
    assert results["OUTPUT_REPORT"] == str(report)
    html = report.read_text(encoding="utf-8")
    for expected in ("What the model says (the image)", "one_field", "everything", "base value", "surrogate R2",
                     "device used", "torch", "time taken", "The model card", "64 samples"):
        assert expected in html
    figures = figures_of(report)
    assert len(figures) == 3
    for image in figures:
        assert_not_blank(image)


def test_spectral_report_across_fields(hsilime_provider, scene, band_model, tmp_path):
    report = tmp_path / "report.html"
    results, feedback = run_algorithm(SPECTRAL, {
        "INPUT": str(scene.raster), "MODEL": str(band_model), "BAND_GROUPS": "low=400-500; high=550-750",
        "POLYGONS": str(scene.fields), "ID_FIELD": "name", "N_SAMPLES": 40,
        "OUTPUT_TABLE": str(tmp_path / "t.csv"), "OUTPUT_REPORT": str(report),
    })
    assert results is not None, feedback.errors
    html = report.read_text(encoding="utf-8")
    assert "What the model says (mean over the fields)" in html
    figures = figures_of(report)
    assert len(figures) == 2
    for image in figures:
        assert_not_blank(image)


def test_a_report_that_is_not_html_is_refused_before_any_work(scene, tmp_path):
    from hsi_lime_plugin import HsiLimeError
    from hsi_lime_plugin.runs.explain_spatial import run_spatial

    with pytest.raises(HsiLimeError) as raised:
        run_spatial(str(scene.raster), str(scene.model), str(tmp_path / "out.tif"), segmentation="patches",
                    output_report=str(tmp_path / "report.pdf"), device="cpu")
    assert str(raised.value) == (
        "output_report: the report is written as HTML; give a file name ending in .htm or .html, not 'report.pdf'."
    )
    assert list(tmp_path.iterdir()) == []


def test_predictions_and_base_values_beside_the_attributions(scene, tmp_path):
    """Kernel SHAP's attributions add up to the prediction minus the base value, which the layer carries."""
    import geopandas as gpd

    from hsi_lime_plugin import RecordingReporter
    from hsi_lime_plugin.runs.explain_spatial import run_spatial

    run = run_spatial(str(scene.raster), str(scene.model), str(tmp_path / "out.tif"), segmentation="polygons",
                      polygons=str(scene.fields), id_field="name", output_segments=str(tmp_path / "s.gpkg"),
                      method="kernelshap", n_samples=64, device="cpu", reporter=RecordingReporter())
    layer = gpd.read_file(tmp_path / "s.gpkg")
    for name in ("one_field", "everything"):
        total = layer[f"attr_{name}"].sum()
        assert total == pytest.approx(layer[f"pred_{name}"].iloc[0] - layer[f"base_{name}"].iloc[0], rel=1e-6)
    np.testing.assert_allclose(run.explanation.base_value, run.explanation.intercept)


def test_pixel_report_through_processing(hsilime_provider, scene, tmp_path):
    report = tmp_path / "report.html"
    results, feedback = run_algorithm("hsilime:attribute_pixels", {
        "INPUT": str(scene.raster), "MODEL": str(scene.model), "METHOD": 0, "N_STEPS": 8,
        "OUTPUT": str(tmp_path / "out.tif"), "OUTPUT_REPORT": str(report),
    })
    assert results is not None, feedback.errors
    html = report.read_text(encoding="utf-8")
    assert "Integrated Gradients: per-pixel attributions" in html and "sum of attributions" in html
    figures = figures_of(report)
    assert len(figures) == 2
    for image in figures:
        assert_not_blank(image)


FIELDS = "hsilime:explain_fields"


def test_fields_report_of_tiles_maps_the_scene_and_the_r2(hsilime_provider, scene, band_model, tmp_path):
    report = tmp_path / "report.html"
    results, feedback = run_algorithm(FIELDS, {
        "INPUT": str(scene.raster), "MODEL": str(band_model), "UNITS": 1, "TILE_SIZE": 16, "KIND": 0,
        "SEGMENTATION": 2, "PATCH_SIZE": 4, "N_SAMPLES": 32, "OUTPUT": str(tmp_path / "out.tif"),
        "OUTPUT_TABLE": str(tmp_path / "t.csv"), "OUTPUT_REPORT": str(report),
    })
    assert results is not None, feedback.errors
    assert results["OUTPUT_REPORT"] == str(report)
    html = report.read_text(encoding="utf-8")
    for expected in ("Explain every field or tile", "What the model says (mean over the fields)", "base value",
                     "surrogate R2", "device used", "time taken", "The model card", "tile_size"):
        assert expected in html
    figures = figures_of(report)
    assert len(figures) == 4  # the scene with its tiles, the mosaic, R2 across tiles, R2 map
    for image in figures:
        assert_not_blank(image)


def test_fields_report_of_the_standard_bands_across_fields(hsilime_provider, scene, band_model, tmp_path):
    """No BAND_GROUPS: the standard bands inside the sensor's range; the report draws the spectrum across fields."""
    report = tmp_path / "report.html"
    results, feedback = run_algorithm(FIELDS, {
        "INPUT": str(scene.raster), "MODEL": str(band_model), "UNITS": 0, "POLYGONS": str(scene.fields),
        "ID_FIELD": "name", "KIND": 1, "N_SAMPLES": 32, "OUTPUT_TABLE": str(tmp_path / "t.csv"),
        "OUTPUT_REPORT": str(report),
    })
    assert results is not None, feedback.errors
    assert "(the standard bands)" in report.read_text(encoding="utf-8")
    figures = figures_of(report)
    assert len(figures) == 3  # the spectrum with the superbands, R2 across fields, R2 map
    for image in figures:
        assert_not_blank(image)


def test_fields_report_of_rasters_shows_the_first_one(scene, band_model, tmp_path):
    from helpers.units import write_tile_raster
    from hsi_lime_plugin.runs.explain_fields import run_fields

    rasters = [str(write_tile_raster(tmp_path / f"{name}.tif")) for name in ("a", "b")]
    report = tmp_path / "report.html"
    run_fields(None, str(band_model), units="rasters", rasters=rasters, kind="spatial", segmentation="patches",
               patch_size=4, output_table=str(tmp_path / "t.csv"), output_report=str(report), n_samples=32,
               device="cpu", seed=1)
    html = report.read_text(encoding="utf-8")
    assert "Unit a (the first of the run)" in html
    figures = figures_of(report)
    assert len(figures) == 3  # unit a's image, its maps, R2 across rasters
    for image in figures:
        assert_not_blank(image)
