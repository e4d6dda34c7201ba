"""hsilime:attribute_pixels through processing.run and qgis_process: outputs on the input grid, exact messages."""
import json
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import torch

from helpers.qgis import assert_fails_with, run_algorithm
from helpers.scene import TARGET_FIELD

ALGORITHM = "hsilime:attribute_pixels"


def parameters(scene, tmp_path, **overrides):
    values = {"INPUT": str(scene.raster), "MODEL": str(scene.model), "METHOD": 0, "N_STEPS": 16,
              "OUTPUT": str(tmp_path / "attribution.tif"), "OUTPUT_BANDS": str(tmp_path / "bands.csv")}
    values.update(overrides)
    return values


def test_integrated_gradients_with_polygons_cube_and_faithfulness(hsilime_provider, scene, tmp_path):
    result, feedback = run_algorithm(ALGORITHM, parameters(
        scene, tmp_path, POLYGONS=str(scene.fields), ID_FIELD="name", FAITHFULNESS=True,
        OUTPUT_SEGMENTS=str(tmp_path / "fields.gpkg"), OUTPUT_CUBE=str(tmp_path / "cube"),
        BAND_GROUPS="blue=i0-i3; red=i4-i7", OUTPUT_GROUPS=str(tmp_path / "groups.csv"),
    ))
    assert result is not None, feedback.errors
    with rasterio.open(scene.raster) as source, rasterio.open(tmp_path / "attribution.tif") as output:
        assert (output.crs, output.transform, output.shape) == (source.crs, source.transform, source.shape)
        assert output.descriptions == ("one_field", "everything")
    with rasterio.open(tmp_path / "cube" / "attribution_one_field.tif") as cube:
        assert cube.count == 8 and cube.descriptions[0] == "400 nm"
    fields = gpd.read_file(tmp_path / "fields.gpkg")
    assert fields.loc[fields["attr_one_field"].abs().idxmax(), "name"] == TARGET_FIELD
    assert fields["deletion_auc_one_field"].iloc[0] < fields["random_deletion_auc_one_field"].iloc[0]
    bands = pd.read_csv(tmp_path / "bands.csv")
    assert list(bands.columns) == ["target", "band", "wavelength_nm", "attribution"]
    assert bands.loc[bands["target"] == "one_field", "attribution"].abs().idxmax() == 2  # band 3 (index 2) is read
    groups = pd.read_csv(tmp_path / "groups.csv")
    assert {"feature", "attribution", "deletion_auc", "infidelity"} <= set(groups.columns)
    assert result["FAITHFULNESS_SCORES"].startswith("spatial one_field: deletion_auc")
    assert any(info.startswith("completeness gap") for info in feedback.infos)


def test_an_onnx_model_with_a_gradient_method_names_what_works(hsilime_provider, scene, tmp_path):
    pytest.importorskip("onnxruntime")
    model = torch.jit.load(str(scene.model))
    path = tmp_path / "models" / "model.onnx"
    path.parent.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.zeros(1, 8, 30, 40),), str(path), input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                          dynamo=False)
    (tmp_path / "models" / "model.json").write_text(json.dumps({"targets": ["one_field", "everything"]}))
    out = tmp_path / "out"
    out.mkdir()
    assert_fails_with(ALGORITHM, parameters(scene, out, MODEL=str(path), METHOD=1), (
        "METHOD=1: an ONNX model gives no gradients, so saliency cannot run on it; choose METHOD=3, or LIME or "
        "Kernel SHAP (the explain algorithms), which only need the model's outputs, or load a differentiable model "
        "(TorchScript or a Python recipe, in any input layout)."
    ), out)
    result, feedback = run_algorithm(ALGORITHM, parameters(scene, out, MODEL=str(path), METHOD=3, WINDOW="6"))
    assert result is not None, feedback.errors


@pytest.mark.qgis_process
def test_attribute_pixels_runs_headless(qgis_process, scene, tmp_path):
    completed, result, _ = qgis_process(
        ALGORITHM, INPUT=scene.raster, MODEL=scene.model, METHOD=0, N_STEPS=8, TARGETS="everything",
        OUTPUT=tmp_path / "out.tif", OUTPUT_BANDS=tmp_path / "bands.csv",
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with rasterio.open(scene.raster) as source, rasterio.open(tmp_path / "out.tif") as output:
        assert (output.crs, output.transform, output.shape) == (source.crs, source.transform, source.shape)
        assert output.descriptions == ("everything",)
        values = output.read(1, masked=True)
    assert np.ma.count(values) == 30 * 40 - 4  # every pixel but the 2 x 2 nodata corner
    bands = pd.read_csv(tmp_path / "bands.csv")
    assert list(bands["target"].unique()) == ["everything"] and len(bands) == 8


def test_faithfulness_columns_on_the_explain_algorithms(hsilime_provider, scene, tmp_path):
    result, feedback = run_algorithm("hsilime:explain_spatial", {
        "INPUT": str(scene.raster), "MODEL": str(scene.model), "SEGMENTATION": 0, "POLYGONS": str(scene.fields),
        "ID_FIELD": "name", "N_SAMPLES": 100, "FAITHFULNESS": True, "OUTPUT": str(tmp_path / "spatial.tif"),
        "OUTPUT_SEGMENTS": str(tmp_path / "segments.gpkg"),
    })
    assert result is not None, feedback.errors
    segments = gpd.read_file(tmp_path / "segments.gpkg")
    for score in ("deletion_auc", "insertion_auc", "random_deletion_auc", "random_insertion_auc", "infidelity"):
        assert f"{score}_one_field" in segments and f"{score}_everything" in segments
    assert segments["deletion_auc_one_field"].iloc[0] < segments["random_deletion_auc_one_field"].iloc[0]
    assert result["FAITHFULNESS_SCORES"].startswith("one_field: deletion_auc ")
    assert any(info.startswith("faithfulness one_field: deletion_auc") for info in feedback.infos)

    result, feedback = run_algorithm("hsilime:explain_spectral", {
        "INPUT": str(scene.raster), "MODEL": str(scene.model), "BAND_GROUPS": "b1=i0-i1; b2=i2-i3; b3=i4-i5; b4=i6-i7",
        "N_SAMPLES": 50, "FAITHFULNESS": True,
        "OUTPUT_TABLE": str(tmp_path / "spectral.csv"),
    })
    assert result is not None, feedback.errors
    table = pd.read_csv(tmp_path / "spectral.csv")
    assert {"deletion_auc", "insertion_auc", "random_deletion_auc", "random_insertion_auc", "infidelity"} <= set(
        table.columns)
    assert table.groupby("target")["deletion_auc"].nunique().max() == 1
    read = table[(table["target"] == "one_field") & (table["feature"] == "b2")].iloc[0]
    assert read["deletion_auc"] < read["random_deletion_auc"]  # b2 holds band 3, the one the model reads
    assert result["FAITHFULNESS_SCORES"].startswith("one_field: deletion_auc ")
