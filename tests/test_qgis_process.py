"""Headless runs through the qgis_process binary, as a script or a server would run them."""
import os
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio

from helpers import REPO_ROOT
from helpers.qgis import QGIS_PROCESS
from helpers.scene import TARGET_FIELD

pytestmark = pytest.mark.qgis_process



def test_explain_spatial_runs_headless(qgis_process, scene, tmp_path):
    completed, result, _ = qgis_process(
        "hsilime:explain_spatial",
        INPUT=scene.raster, MODEL=scene.model, POLYGONS=scene.fields, ID_FIELD="name", N_SAMPLES=150,
        OUTPUT=tmp_path / "out.tif", OUTPUT_SEGMENTS=tmp_path / "segments.gpkg",
    )
    assert completed.returncode == 0, completed.stderr
    assert result["results"]["SCORES"].startswith("one_field=")
    with rasterio.open(scene.raster) as source, rasterio.open(tmp_path / "out.tif") as output:
        assert (output.crs, output.transform, output.shape) == (source.crs, source.transform, source.shape)
        assert output.descriptions == ("one_field", "everything")
    segments = gpd.read_file(tmp_path / "segments.gpkg")
    assert segments.loc[segments["attr_one_field"].abs().idxmax(), "name"] == TARGET_FIELD


def test_bad_input_is_one_clear_line_not_a_traceback(qgis_process, scene, tmp_path):
    completed, _, _ = qgis_process(
        "hsilime:explain_spatial",
        INPUT=scene.raster, MODEL=scene.model, SEGMENTATION=0, OUTPUT=tmp_path / "out.tif",
    )
    assert completed.returncode != 0
    assert "POLYGONS: segmentation by field polygons (SEGMENTATION=0) needs a polygon layer" in completed.stdout + completed.stderr
    assert "Traceback" not in completed.stdout + completed.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("json_output", [False, True])
def test_a_refused_parameter_is_printed_once(qgis_process, scene, tmp_path, json_output):
    """qgis_process echoes QGIS's critical log messages, in which QGIS logs a failure twice besides its
    ERROR line (which --json leaves out): the plugin lets the message reach the console once."""
    completed = subprocess.run(
        [QGIS_PROCESS, *(["--json"] if json_output else []), "run", "hsilime:explain_spatial",
         f"--INPUT={scene.raster}", f"--MODEL={scene.model}", f"--POLYGONS={scene.fields}", "--TARGETS=Zn",
         f"--OUTPUT={tmp_path / 'out.tif'}"],
        env=qgis_process.env, capture_output=True, text=True,
    )
    message = ("TARGETS: 'Zn' is not a target of this model; valid names are one_field, everything (or indices 0 "
               "to 1, or top:K); leave TARGETS empty to explain them all.")
    assert completed.returncode == 1
    assert (completed.stdout + completed.stderr).count(message) == 1
    assert (message if json_output else f"ERROR:\t{message}") in completed.stderr
    assert list(tmp_path.iterdir()) == []


def test_graphical_model_chains_fix_geometries_into_explain_spatial(qgis_process, scene, tmp_path):
    model3 = Path(__file__).parent / "models" / "fix_then_explain.model3"
    completed, result, _ = qgis_process(
        str(model3),
        raster=scene.raster, model=scene.model, fields=scene.fields, samples=120,
        **{"explain:attribution": tmp_path / "attribution.tif", "explain:segments": tmp_path / "segments.gpkg"},
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with rasterio.open(tmp_path / "attribution.tif") as output:
        first = output.read(1, masked=True)
    segments = gpd.read_file(tmp_path / "segments.gpkg")
    assert len(segments) == 6 and "attr_everything" in segments
    assert np.ma.count(first) > 0
    assert segments.loc[segments["attr_one_field"].abs().idxmax(), "name"] == TARGET_FIELD


def test_make_install_is_found_by_qgis_started_without_environment(scene, tmp_path):
    """`make install` links the plugin into the default profile; plain QGIS then finds it and torch."""
    if QGIS_PROCESS is None:
        pytest.skip("qgis_process is not installed (apt-get install qgis)")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QGIS_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(tmp_path))
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if ".venv" not in p)
    install = subprocess.run(["bash", str(REPO_ROOT / "scripts" / "install_plugin.sh")], env=env, capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    link = home / ".local/share/QGIS/QGIS3/profiles/default/python/plugins/hsi_lime"
    assert link.resolve() == REPO_ROOT
    completed = subprocess.run(
        [QGIS_PROCESS, "--json", "run", "hsilime:explain_spatial", f"--INPUT={scene.raster}",
         f"--MODEL={scene.model}", f"--POLYGONS={scene.fields}", "--N_SAMPLES=50", f"--OUTPUT={tmp_path / 'out.tif'}"],
        env=env, capture_output=True, text=True,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert (tmp_path / "out.tif").is_file()
