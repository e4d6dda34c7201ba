"""The explorer in the real desktop (QGIS under Xvfb), used as a user would (scripts/explorer_in_qgis.py).

Inside QGIS, Processing runs three explanations of a small scene and loads their outputs (as the dialog's
Run button does): explain_spatial (segments and attribution raster), explain_fields (a units layer and a
CSV table, spectral kind) and explain_spectral with a per-pixel MLP and its per-pixel map, the last run, so
"explain here" takes its settings. Then the tool ``HsiLimeExplorerTool`` is triggered and real mouse clicks
go to the canvas: two fields of the units layer, the target switch (and a map theme saved before it), pin and
compare, export, "explain here" on a pixel (the values explain_spectral wrote for that pixel), a cancelled
run, the project closed while a run goes on, and the plugin unloaded and loaded again.
"""
import io

import numpy as np
import pandas as pd
import pytest
import rasterio
from rasterio.windows import Window

from helpers import REPO_ROOT
from helpers.scene import TRANSFORM, make_scene, write_band_model

pytestmark = pytest.mark.qgis_process

GROUPS = "b1=400-450; b2=500-600; b3=650-750"
#: The pixel "explain here" explains (row, column), inside field d.
PIXEL = (20, 7)
SLOW_SAMPLES = 20000


def desktop():
    import importlib.util

    spec = importlib.util.spec_from_file_location("explorer_desktop", REPO_ROOT / "scripts" / "explorer_desktop.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """The desktop's findings, the scene's files and the outputs folder."""
    from hsi_lime_plugin.demo.pixel_model import write_pixel_mlp

    launcher = desktop()
    folder = tmp_path_factory.mktemp("explorer")
    scene = make_scene(folder / "scene")
    band_model = write_band_model(folder / "models" / "band_means.pt", {"low": [0, 1, 2], "high": [5, 6]})
    mlp = write_pixel_mlp(folder / "models" / "mlp.pt", 8, ["a", "b"], seed=1)
    slow = write_pixel_mlp(folder / "models" / "slow.pt", 8, ["a", "b"], hidden=(1024,) * 6, seed=2)
    out = folder / "outputs"
    out.mkdir()
    paths = {name: str(out / name) for name in ("spatial.tif", "segments.gpkg", "units.gpkg", "units.csv", "map.tif",
                                                 "map.csv")}
    common = {"INPUT": str(scene.raster), "N_SAMPLES": 64, "SEED": 0}
    fields = {"POLYGONS": str(scene.fields), "ID_FIELD": "name"}
    runs = {
        "spatial": ["hsilime:explain_spatial", {**common, **fields, "MODEL": str(band_model), "SEGMENTATION": 0,
                                                "OUTPUT": paths["spatial.tif"], "OUTPUT_SEGMENTS": paths["segments.gpkg"]}],
        "fields": ["hsilime:explain_fields", {**common, **fields, "MODEL": str(band_model), "UNITS": 0, "KIND": 1,
                                              "BAND_GROUPS": GROUPS, "OUTPUT_UNITS": paths["units.gpkg"],
                                              "OUTPUT_TABLE": paths["units.csv"]}],
        "map": ["hsilime:explain_spectral", {**common, "MODEL": str(mlp), "BAND_GROUPS": GROUPS, "METHOD": 0,
                                             "OUTPUT_TABLE": paths["map.csv"], "OUTPUT_MAP": paths["map.tif"]}],
    }
    x, y = TRANSFORM * (PIXEL[1] + 0.5, PIXEL[0] + 0.5)
    inputs = {"raster": str(scene.raster), "fields": str(scene.fields), "units": paths["units.gpkg"],
              "segments": paths["segments.gpkg"], "spatial": paths["spatial.tif"], "map": paths["map.tif"],
              "pixel": [x, y], "slow_model": str(slow), "slow_samples": SLOW_SAMPLES, "folder": str(folder)}
    plan = {"mode": "test", "output": str(folder / "findings"), "load": [str(scene.raster), str(scene.fields)],
            "runs": runs, "inputs": inputs}
    try:
        findings = launcher.run_desktop(plan, timeout=900)
    except launcher.DesktopUnavailable as missing:
        pytest.skip(str(missing))
    return findings, paths, folder


def finding(session, name):
    found = session[0][name]
    assert "error" not in found, found.get("error")
    return found


def test_the_runs_loaded_their_outputs(session):
    assert "error" not in session[0], session[0].get("error")
    assert "error" not in session[0]["runs"], session[0]["runs"].get("error")


def test_the_tool_opens_the_dock(session):
    opened = finding(session, "open")
    assert opened == {**opened, "action_checked": True, "icon": True, "tool_is_explorer": True,
                      "dock_title": "Hyperspectral explanations", "docks": 1}


def test_nothing_of_the_explorer_is_imported_before_the_tool_is_used(session):
    """The plugin's start costs a QAction and a toolbar: the explorer's modules and matplotlib's Qt canvas wait for
    the tool."""
    assert finding(session, "open")["loaded_before"] == []


def test_two_clicked_fields_are_named_and_drawn_from_the_table(session):
    """Two fields of the units layer, then a field of the polygons the run explained (the input layer, whose
    run is known from the record the CSV table's layer keeps)."""
    clicked = finding(session, "units")
    table = pd.read_csv(session[1]["units.csv"])
    for key, name in (("first", "b"), ("second", "e"), ("polygons", "c")):
        shown = clicked[key]
        assert shown["finished"] and shown["unit_id"] == name
        assert shown["title"] == f"<b>Field {name}</b>"
        rows = pd.DataFrame(shown["rows"])
        expected = table[table["unit_id"] == name].reset_index(drop=True)
        # the same numbers, through JSON's 15 digits
        np.testing.assert_allclose(rows["attribution"], expected["attribution"], rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(rows["ci_high"], expected["ci_high"], rtol=1e-9, atol=1e-15)
        assert list(rows["feature"]) == list(expected["feature"]) == ["b1", "b2", "b3"] * 2
        assert shown["drawn"]["unit_id"] == name
    assert clicked["first"]["drawn"]["attributions"] != clicked["second"]["drawn"]["attributions"]
    assert clicked["first"]["plot_digest"] != clicked["second"]["plot_digest"]


def test_the_target_switch_restyles_the_outputs_and_a_map_theme_brings_them_back(session):
    switched = finding(session, "target")
    assert switched["before"] == {"field": "attr_low", "band": 1, "target": "low"}
    assert switched["other"] == "high"
    assert {key: switched["after"][key] for key in ("field", "band", "target")} == \
        {"field": "attr_high", "band": 2, "target": "high"}
    assert "hsi-lime: high" in switched["after"]["styles"]
    assert switched["theme"] == {"field": "attr_low", "band": 1, "target": "low"}


def test_a_pinned_unit_is_drawn_beside_the_next(session):
    compared = finding(session, "compare")
    assert compared["pinned"] == "c"
    assert compared["compared"]["unit_id"] == "b"
    assert compared["compared"]["drawn"]["pinned"] == "c"


def test_the_plot_and_the_rows_export(session):
    exported = finding(session, "export")
    with open(exported["png"], "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"
    with open(exported["svg"], encoding="utf-8") as svg:
        assert "<svg" in svg.read()
    assert exported["csv"] == exported["clipboard"]
    rows = pd.read_csv(io.StringIO(exported["csv"]))
    assert list(rows.columns[:12]) == ["unit_id", "target", "feature", "wavelengths_nm", "n_bands", "attribution",
                                       "se", "ci_low", "ci_high", "r2", "prediction", "base_value"]
    assert set(rows["unit_id"]) == {"b"} and len(rows) == 6


def map_at_pixel(path):
    with rasterio.open(path) as dataset:
        values = dataset.read(window=Window(PIXEL[1], PIXEL[0], 1, 1))[:, 0, 0]
        return dict(zip(dataset.descriptions, values.astype(float)))


def test_explain_here_shows_what_explain_spectral_wrote_for_that_pixel(session):
    explained = finding(session, "explain_here")
    expected = map_at_pixel(session[1]["map.tif"])
    assert len(expected) == 6  # a and b, each with b1, b2, b3
    for kind in ("live", "stored"):
        shown = explained[kind]
        assert shown["finished"] and shown["unit_id"] == f"row {PIXEL[0]}, column {PIXEL[1]}", shown["status"]
        got = {f"{row['target']}:{row['feature']}": row["attribution"] for row in shown["rows"]}
        assert got.keys() == expected.keys()
        np.testing.assert_allclose([got[key] for key in expected], list(expected.values()), rtol=1e-4, atol=1e-6)
    live = pd.DataFrame(explained["live"]["rows"])
    assert np.isfinite(live[["se", "ci_low", "ci_high", "prediction", "base_value", "r2"]].to_numpy(float)).all()
    assert explained["live"]["origin"] == "explained here, now"
    assert explained["settings"]["explain"]["method"] == "lime"


def test_a_cancelled_run_writes_nothing_and_changes_nothing(session):
    cancelled = finding(session, "cancel")
    assert cancelled["running_when_cancelled"] and cancelled["stopped"]
    assert cancelled["status"] == "Cancelled: nothing was computed or written."
    assert cancelled["unit_after"] == cancelled["unit_before"]
    assert cancelled["files_after"] == cancelled["files_before"]
    assert cancelled["layers_after"] == cancelled["layers_before"]


def test_closing_the_project_while_a_run_goes_on_empties_the_dock(session):
    closed = finding(session, "close")
    assert closed == {**closed, "running_when_closed": True, "stopped": True, "view": True, "title": ""}


def test_the_plugin_unloads_without_leftovers_and_loads_again(session):
    reloaded = finding(session, "reload")
    assert reloaded["unloaded"] == {"docks": 0, "action": False}
    assert reloaded["reopened"]["docks"] == 1 and reloaded["reopened"]["tool_is_explorer"]
    assert reloaded["reloaded"] == {"docks": 0, "action": True}
    assert reloaded["again"]["docks"] == 1


def test_no_exception_reached_qgis(session):
    assert session[0]["exceptions"] == []
