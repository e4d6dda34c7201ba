"""The background baseline in the file-to-file runs and the QGIS side: where the set comes from, what the outputs and
the report say of it, and every bad background refused with nothing written."""
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely.geometry
from helpers import NO_QGIS
from helpers.scene import CRS, HEIGHT, TRANSFORM, WIDTH, field_polygon

from hsi_lime_plugin.errors import HsiLimeError
from hsi_lime_plugin.runs.explain_spatial import run_spatial
from hsi_lime_plugin.runs.explain_spectral import run_spectral

READS = {"low": [0, 1, 2], "high": [5, 6]}
GROUPS = "a=i0-i2; b=i3-i4; c=i5-i6"
#: The scene's valid pixels: 30 x 40 less the 2 x 2 nodata corner.
VALID_PIXELS = HEIGHT * WIDTH - 4


def test_a_spatial_run_states_its_background_and_scores_its_sensitivity(scene, band_model, tmp_path):
    """The default baseline: 16 spectra summarising the whole scene's valid pixels, named in the log and the
    report; with FAITHFULNESS the segment layer gets baseline_rank_corr_ and road_deletion_auc_ columns."""
    from hsi_lime_plugin import RecordingReporter

    reporter = RecordingReporter()
    run = run_spatial(str(scene.raster), str(band_model), str(tmp_path / "attribution.tif"),
                      polygons=str(scene.fields), id_field="name", output_segments=str(tmp_path / "segments.gpkg"),
                      output_report=str(tmp_path / "report.html"), faithfulness_scores=True, method="kernelshap",
                      n_samples=64, device="cpu", reporter=reporter)
    described = (f"16 spectra, a weighted k-means summary of {VALID_PIXELS} spectra of the valid pixels of "
                 "scene.tif")
    assert f"background: {described}" in reporter.infos
    assert run.explanation.baseline == f"background (exact): {described}"
    segments = gpd.read_file(tmp_path / "segments.gpkg")
    for target in READS:
        assert np.isfinite(segments[f"road_deletion_auc_{target}"]).all()
        assert -1.0 <= segments[f"baseline_rank_corr_{target}"].iloc[0] <= 1.0
    assert run.faithfulness.baseline_rank_corr.shape == (2,)
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f"background (exact): {described}" in report
    assert "How far to trust it (the image)" in report and "baseline_rank_corr" in report


def test_a_spectral_table_has_the_baseline_sensitivity_per_field(scene, band_model, tmp_path):
    """Each field against the same scene background; baseline_rank_corr in the table, per field and target."""
    run = run_spectral(str(scene.raster), str(band_model), band_groups=GROUPS, polygons=str(scene.fields),
                       id_field="name", output_table=str(tmp_path / "table.csv"), faithfulness_scores=True,
                       method="kernelshap", n_samples=16, device="cpu")
    table = pd.read_csv(tmp_path / "table.csv")
    assert {"baseline_rank_corr", "road_deletion_auc"} <= set(table.columns)
    per_unit = table.groupby(["unit_id", "target"])["baseline_rank_corr"].nunique()
    assert (per_unit == 1).all() and table["baseline_rank_corr"].between(-1, 1).all()
    assert table["road_deletion_auc"].isna().all()  # ROAD imputes pixels: spatial explanations only
    assert {result.baseline for result in run.explanations.values()} == {
        f"background (exact): 16 spectra, a weighted k-means summary of {VALID_PIXELS} spectra of the valid pixels "
        "of scene.tif"}


def test_a_background_of_polygons_takes_their_pixels(scene, band_model, tmp_path):
    """Polygons on the raster (here field c): the background is the raster's pixels inside them; with no more
    distinct spectra than its size, each is used, and the base value is the model on those spectra."""
    fields = gpd.read_file(scene.fields)
    path = tmp_path / "background.gpkg"
    fields[fields["name"] == "c"].to_file(path, driver="GPKG")
    run = run_spectral(str(scene.raster), str(band_model), band_groups=GROUPS, output_table=str(tmp_path / "t.csv"),
                       background=str(path), background_size=200, method="kernelshap", n_samples=16, device="cpu")
    with rasterio.open(scene.raster) as source:
        data = source.read().astype(np.float64)
    inside = np.zeros((HEIGHT, WIDTH), dtype=bool)
    inside[2:13, 27:38] = True  # field c's pixels
    spectra = data[:, inside].T * 1e-4
    share = VALID_PIXELS / (HEIGHT * WIDTH)  # the image model averages every pixel; the nodata corner holds 0
    expected = [spectra[:, READS[target]].mean() * share for target in READS]
    result = run.explanations[None]
    np.testing.assert_allclose(result.base_value, expected, rtol=1e-5)
    assert result.baseline.startswith(f"background (exact): {inside.sum()} spectra of the pixels of scene.tif inside "
                                      "1 polygon of background.gpkg")


def outside_and_empty(scene, tmp_path):
    """A polygon far from the raster, and one over the raster's nodata corner only."""
    far, empty = tmp_path / "far.gpkg", tmp_path / "empty.gpkg"
    gpd.GeoDataFrame(geometry=[shapely.geometry.box(0, 0, 1000, 1000)], crs=CRS).to_file(far, driver="GPKG")
    gpd.GeoDataFrame(geometry=[field_polygon(0, 0, 2, 2)], crs=CRS).to_file(empty, driver="GPKG")
    return far, empty


def other_bands(scene, tmp_path, bands=6, shift=0.0):
    """A raster of the scene's grid with ``bands`` bands at the scene's wavelengths (shifted by ``shift`` nm)."""
    path = tmp_path / f"other_{bands}_{shift:g}.tif"
    with rasterio.open(path, "w", driver="GTiff", width=WIDTH, height=HEIGHT, count=bands, dtype="int16", crs=CRS,
                       transform=TRANSFORM) as dataset:
        dataset.write(np.full((bands, HEIGHT, WIDTH), 1000, dtype=np.int16))
        for band in range(bands):
            dataset.update_tags(band + 1, wavelength=str(400 + 50 * band + shift), wavelength_units="Nanometers")
    return path


def bad_backgrounds(scene, tmp_path):
    """Every bad background of the issue, with the engine's message (Python names)."""
    far, empty = outside_and_empty(scene, tmp_path)
    six, shifted = other_bands(scene, tmp_path, 6), other_bands(scene, tmp_path, 8, 30.0)
    return [
        (dict(background=str(six)), f"background: the background raster {six} has 6 bands, 400.00-650.00 nm, but "
         "the explained raster has 8 bands, 400.00-750.00 nm; a background must hold spectra of the same bands: "
         "choose a raster of the same sensor and band subset, or polygons on the explained raster."),
        (dict(background=str(shifted)), f"background: the background raster {shifted} has 8 bands, 430.00-780.00 "
         "nm, but the explained raster has 8 bands, 400.00-750.00 nm; a background must hold spectra of the same "
         "bands: choose a raster of the same sensor and band subset, or polygons on the explained raster."),
        (dict(background=str(far)), f"background: none of the background polygons overlaps the raster "
         f"{scene.raster}; choose polygons that lie on the raster (any CRS: they are reprojected)."),
        (dict(background=str(empty)), "background: the background is empty (the pixels of scene.tif inside 1 "
         "polygon of empty.gpkg: not one valid pixel); choose a background with data (a raster with valid pixels, "
         "polygons over valid pixels of the raster)."),
        (dict(background_size=0), "background_size: 0 is not a number of spectra; give a whole number of at least "
         "1 (16 is the default)."),
        (dict(baseline="blur"), "baseline: 'blur' makes an image from the image's own neighbourhoods, which only "
         "spatial explanations (segments) remove; for superbands choose baseline='background' (spectra of the "
         "scene), 'zero', 'mean' or a number."),
    ]


def test_every_bad_background_is_refused_and_nothing_is_written(scene, band_model, tmp_path):
    (tmp_path / "inputs").mkdir()
    cases = bad_backgrounds(scene, tmp_path / "inputs")
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    for options, message in cases:
        with pytest.raises(HsiLimeError) as raised:
            run_spectral(str(scene.raster), str(band_model), band_groups=GROUPS, polygons=str(scene.fields),
                         output_table=str(outputs / "table.csv"), output_report=str(outputs / "report.html"),
                         n_samples=16, device="cpu", **options)
        assert raised.value.message == message or str(raised.value) == message, str(raised.value)
        assert list(outputs.iterdir()) == []


qgis_core = pytest.importorskip("qgis.core", reason=NO_QGIS)


def test_the_parameters_work_in_qgis_and_bad_ones_say_so_in_its_words(hsilime_provider, scene, band_model,
                                                                        tmp_path):
    """BACKGROUND (a layer chooser: a polygon layer of the project, or a file), BACKGROUND_SIZE, BACKGROUND_MODE and
    BLUR_SIGMA through processing.run; a bad background in the parameters' names, nothing written."""
    from helpers.qgis import assert_fails_with, run_algorithm

    fields = qgis_core.QgsVectorLayer(str(scene.fields), "fields", "ogr")
    qgis_core.QgsProject.instance().addMapLayer(fields)
    try:
        results, feedback = run_algorithm("hsilime:explain_spatial", {
            "INPUT": str(scene.raster), "MODEL": str(band_model), "SEGMENTATION": 2, "PATCH_SIZE": 10,
            "BASELINE": "background", "BACKGROUND": fields.id(), "BACKGROUND_SIZE": 4, "BACKGROUND_MODE": 1,
            "N_SAMPLES": 32, "OUTPUT": str(tmp_path / "attribution.tif")})
        assert results is not None, feedback.errors
        assert any("BACKGROUND: 4 spectra, a weighted k-means summary of" in line and "inside 6 polygons" in line
                   for line in feedback.infos), feedback.infos
        blurred, feedback = run_algorithm("hsilime:explain_spatial", {
            "INPUT": str(scene.raster), "MODEL": str(band_model), "SEGMENTATION": 2, "PATCH_SIZE": 10,
            "BASELINE": "blur", "BLUR_SIGMA": 2.0, "N_SAMPLES": 32, "OUTPUT": str(tmp_path / "blur.tif")})
        assert blurred is not None, feedback.errors
    finally:
        qgis_core.QgsProject.instance().removeMapLayer(fields.id())
    bad = tmp_path / "bad"
    bad.mkdir()
    six = other_bands(scene, tmp_path, 6)
    assert_fails_with("hsilime:explain_spectral", {
        "INPUT": str(scene.raster), "MODEL": str(band_model), "BAND_GROUPS": GROUPS, "BACKGROUND": str(six),
        "OUTPUT_TABLE": str(bad / "table.csv")},
        f"BACKGROUND: the background raster {six} has 6 bands, 400.00-650.00 nm, but the explained raster has 8 "
        "bands, 400.00-750.00 nm; a background must hold spectra of the same bands: choose a raster of the same "
        "sensor and band subset, or polygons on the explained raster.", bad)
    assert_fails_with("hsilime:explain_spectral", {
        "INPUT": str(scene.raster), "MODEL": str(band_model), "BAND_GROUPS": GROUPS, "BASELINE": "inpaint",
        "OUTPUT_TABLE": str(bad / "table.csv")},
        "BASELINE: 'inpaint' makes an image from the image's own neighbourhoods, which only spatial explanations "
        "(segments) remove; for superbands choose BASELINE=background (spectra of the scene), 'zero', 'mean' or a "
        "number.", bad)
