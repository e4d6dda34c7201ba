"""hsilime:explain_fields in QGIS (processing.run): parameter wording of messages, outputs."""
import geopandas as gpd
import pandas as pd

from helpers.qgis import assert_fails_with, run_algorithm
from helpers.scene import write_band_model


def test_duplicate_ids_are_refused_in_parameter_names(scene, hsilime_provider, tmp_path_factory, tmp_path):
    inputs = tmp_path_factory.mktemp("duplicates")
    frame = gpd.read_file(scene.fields)
    frame["name"] = ["a", "b", "a", "c", "c", "d"]
    frame.to_file(inputs / "duplicates.gpkg", driver="GPKG")
    model = write_band_model(inputs / "bands.pt", {"low": [0, 1, 2]})
    assert_fails_with("hsilime:explain_fields", {
        "INPUT": str(scene.raster), "MODEL": str(model), "UNITS": 0, "POLYGONS": str(inputs / "duplicates.gpkg"),
        "ID_FIELD": "name", "KIND": 0, "SEGMENTATION": 2, "OUTPUT_TABLE": str(tmp_path / "t.csv"),
    }, "ID_FIELD: 2 values of 'name' occur more than once (a, c); every field or unit needs its own id: choose a field with "
       "unique values, or leave ID_FIELD empty to use the feature id.", tmp_path)


def test_polygons_segmentation_is_refused_in_parameter_names(scene, hsilime_provider, tmp_path_factory, tmp_path):
    model = write_band_model(tmp_path_factory.mktemp("model") / "bands.pt", {"low": [0, 1, 2]})
    assert_fails_with("hsilime:explain_fields", {
        "INPUT": str(scene.raster), "MODEL": str(model), "UNITS": 1, "KIND": 0, "SEGMENTATION": 0,
        "OUTPUT_TABLE": str(tmp_path / "t.csv"),
    }, "SEGMENTATION: segments inside each unit come from SLIC superpixels (SEGMENTATION=1) or regular patches "
       "(SEGMENTATION=2); the units themselves are the fields, not 'polygons'.", tmp_path)


def test_fields_in_process_write_every_output(scene, hsilime_provider, tmp_path_factory, tmp_path):
    model = write_band_model(tmp_path_factory.mktemp("model") / "bands.pt", {"low": [0, 1, 2], "high": [5, 6]})
    results, feedback = run_algorithm("hsilime:explain_fields", {
        "INPUT": str(scene.raster), "MODEL": str(model), "UNITS": 0, "POLYGONS": str(scene.fields), "ID_FIELD": "name",
        "KIND": 0, "SEGMENTATION": 2, "PATCH_SIZE": 4, "N_SAMPLES": 32, "BATCH_SIZE": 16, "DEVICE": 1,
        "OUTPUT": str(tmp_path / "out.tif"), "OUTPUT_UNITS": str(tmp_path / "units.gpkg"),
        "OUTPUT_TABLE": str(tmp_path / "t.csv"), "OUTPUT_SUMMARY": str(tmp_path / "s.csv"),
    })
    assert results is not None, feedback.errors
    assert "6 units explained, 0 without valid pixels skipped" in feedback.infos
    assert list(gpd.read_file(tmp_path / "units.gpkg")["unit_id"]) == list("abcdef")
    assert set(pd.read_csv(tmp_path / "t.csv")["unit_id"]) == set("abcdef")
    assert (tmp_path / "out.tif").is_file() and (tmp_path / "s.csv").is_file()
