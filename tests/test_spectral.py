"""run_spectral: superband explanations whose truth is known, per field and for the whole raster."""
import time

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import rasterio.features
import shapely.geometry

from hsi_lime_plugin import Cancelled, HsiLimeError, RecordingReporter
from hsi_lime_plugin.runs import explain_spectral as spectral
from hsi_lime_plugin.outputs.table_files import read_table
from hsi_lime_plugin.runs.explain_spectral import run_spectral
from helpers.scene import BANDS, CRS, FIELDS, TRANSFORM

pytestmark = pytest.mark.filterwarnings(r"ignore:`torch\.jit\.\w+` is deprecated:DeprecationWarning")

#: On the scene's 8 bands at 400, 450, ..., 750 nm: bands 0-1, 2-3, 4-5; bands 6-7 are in no group.
GROUPS = "low=400-450; mid=500-550; high=600-650"
#: Bands each output of the band-reading model reads.
READS = {"high": [4, 5], "low": [0, 1]}
#: Other superbands may get at most this fraction of the read superband's |attribution|.
NEAR_ZERO = 0.02


def outputs(folder, suffix=".csv"):
    return dict(
        output_table=str(folder / f"table{suffix}"),
        output_bands=str(folder / f"bands{suffix}"),
        output_summary=str(folder / f"summary{suffix}"),
        output_plot=str(folder / "figure.png"),
    )


def assert_reads_one_superband(table):
    """For each target of BandMeans: its own superband first, the others near zero, R2 > 0.95."""
    own = {"high": "high", "low": "low"}
    for (field, target), rows in table.groupby(["unit_id", "target"], dropna=False):
        values = rows.set_index("feature")["attribution"]
        assert values.abs().idxmax() == own[target], (field, target, values)
        others = values.drop(own[target]).abs()
        assert (others < NEAR_ZERO * abs(values[own[target]])).all(), (field, target, values)
        assert (rows["r2"] > 0.95).all()


def test_model_reading_one_superband_whole_raster(scene, band_model, tmp_path):
    result = run_spectral(str(scene.raster), str(band_model), band_groups=GROUPS, device="cpu", n_samples=300,
                          **outputs(tmp_path))
    table = result.table
    assert table["unit_id"].isna().all()
    assert list(table["feature"][:4]) == ["low", "mid", "high", "not_included"]
    assert_reads_one_superband(table)
    assert list(result.explanations) == [None]
    assert result.scores["high"] > 0.95
    for name in ("table.csv", "bands.csv", "summary.csv", "figure.png"):
        assert (tmp_path / name).is_file()
    written = read_table(tmp_path / "table.csv")
    np.testing.assert_allclose(written["attribution"], table["attribution"], rtol=1e-15)


def test_model_reading_one_superband_in_every_field(scene, band_model, tmp_path):
    result = run_spectral(str(scene.raster), str(band_model), band_groups=GROUPS, polygons=str(scene.fields),
                          id_field="name", device="cpu", n_samples=300, **outputs(tmp_path, ".gpkg"))
    assert list(result.explanations) == list(FIELDS)
    assert list(dict.fromkeys(result.table["unit_id"])) == list(FIELDS)
    assert_reads_one_superband(result.table)
    summary = read_table(tmp_path / "summary.gpkg")
    assert (summary["n_units"] == len(FIELDS)).all()
    bands = read_table(tmp_path / "bands.gpkg")
    assert len(bands) == len(FIELDS) * 2 * BANDS


def test_field_is_explained_in_its_window_with_outside_pixels_zeroed(scene, band_model, tmp_path):
    """A triangular field: the model sees its bounding box, the pixels outside the triangle set to 0."""
    x0, y0 = TRANSFORM * (3, 3)
    x1, y1 = TRANSFORM * (23, 23)
    triangle = shapely.geometry.Polygon([(x0, y0), (x1, y0), (x0, y1)])
    fields = tmp_path / "triangle.gpkg"
    gpd.GeoDataFrame({"name": ["t"]}, geometry=[triangle], crs=CRS).to_file(fields, layer="fields", driver="GPKG")
    result = run_spectral(str(scene.raster), str(band_model), band_groups=GROUPS, polygons=str(fields),
                          device="cpu", n_samples=50, output_table=str(tmp_path / "t.csv"), baseline="zero")

    inside = rasterio.features.rasterize([(triangle, 1)], out_shape=(30, 40), transform=TRANSFORM).astype(bool)
    rows, cols = np.nonzero(inside)
    window = (slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1))
    with rasterio.open(scene.raster) as dataset:
        data = dataset.read().astype(np.float64) * 1e-4
    field_only = np.where(inside[window], data[:, window[0], window[1]], 0.0)
    area = field_only.shape[1] * field_only.shape[2]
    expected = [field_only[READS[name]].sum() / len(READS[name]) / area for name in READS]
    explanation = result.explanations[1]  # feature id 1: no ID_FIELD
    assert 0.3 < inside[window].mean() < 0.7  # the window holds pixels outside the field
    np.testing.assert_allclose(explanation.prediction, expected, rtol=1e-5)
    assert list(result.table["unit_id"].unique()) == [1]


def test_ungrouped_bands_kept_fixed(scene, band_model, tmp_path):
    result = run_spectral(str(scene.raster), str(band_model), band_groups=GROUPS, include_rest=False,
                          device="cpu", n_samples=100, **outputs(tmp_path))
    assert list(result.table["feature"][:3]) == ["low", "mid", "high"] and len(result.table) == 2 * 3
    bands = read_table(tmp_path / "bands.csv")
    fixed = bands[bands["band"].isin([7, 8])]
    assert fixed["feature"].isna().all() and fixed["attribution"].isna().all()


def test_wavelengths_override_as_list_and_file(bare_raster, band_model, tmp_path):
    listed = ", ".join(str(400 + 50 * band) for band in range(BANDS))
    by_list = run_spectral(str(bare_raster), str(band_model), band_groups="B; R", wavelengths=listed,
                           device="cpu", n_samples=50, output_table=str(tmp_path / "a.csv"), baseline="zero")
    wavelengths_file = tmp_path / "wavelengths.txt"
    wavelengths_file.write_text("\n".join(str(0.4 + 0.05 * band) for band in range(BANDS)))  # micrometres
    by_file = run_spectral(str(bare_raster), str(band_model), band_groups="B; R", wavelengths=str(wavelengths_file),
                           device="cpu", n_samples=50, output_table=str(tmp_path / "b.csv"), baseline="zero")
    assert by_list.superbands.labels == by_file.superbands.labels == ["B", "R", "not_included"]
    np.testing.assert_array_equal(by_list.superbands.features, by_file.superbands.features)
    np.testing.assert_allclose(by_list.bands["wavelength_nm"][:BANDS], 400.0 + 50.0 * np.arange(BANDS))


def test_band_names_without_wavelengths(bare_raster, band_model, tmp_path):
    with pytest.raises(HsiLimeError) as error:
        run_spectral(str(bare_raster), str(band_model), band_groups="R; G", device="cpu",
                     output_table=str(tmp_path / "t.csv"), baseline="zero")
    assert "give them with the wavelengths parameter" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_overlapping_groups_warn(scene, band_model, tmp_path):
    reporter = RecordingReporter()
    result = run_spectral(str(scene.raster), str(band_model), band_groups="low=400-500; mid=500-550",
                          device="cpu", n_samples=50, output_table=str(tmp_path / "t.csv"), reporter=reporter, baseline="zero")
    assert any("group 'mid' shares 1 band with the earlier group 'low'" in message for message in reporter.warnings)
    assert result.superbands.band_indices[:2] == [[0, 1, 2], [3]]


def test_progress_spans_all_fields_and_cancel_leaves_nothing(scene, band_model, tmp_path):
    reporter = RecordingReporter()
    run_spectral(str(scene.raster), str(band_model), band_groups=GROUPS, polygons=str(scene.fields),
                 device="cpu", n_samples=64, batch_size=32, reporter=reporter,
                 output_table=str(tmp_path / "done" / "t.csv"), baseline="zero")
    assert reporter.fractions == pytest.approx([(i + 1) / (2 * len(FIELDS)) for i in range(2 * len(FIELDS))])

    calls = []

    def cancel_in_second_field():
        calls.append(1)
        return len(calls) > 5  # per field: one check before it, one per batch (2): stops in field 2

    folder = tmp_path / "cancelled"
    with pytest.raises(Cancelled):
        run_spectral(str(scene.raster), str(band_model), band_groups=GROUPS, polygons=str(scene.fields),
                     device="cpu", n_samples=64, batch_size=32,
                     reporter=RecordingReporter(cancelled=cancel_in_second_field), **outputs(folder))
    assert not folder.exists() or list(folder.iterdir()) == []


def test_failure_while_writing_leaves_no_output(scene, band_model, tmp_path, monkeypatch):
    def broken_plot(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(spectral, "plot_spectral", broken_plot)
    with pytest.raises(RuntimeError, match="disk full"):
        run_spectral(str(scene.raster), str(band_model), band_groups=GROUPS, device="cpu", n_samples=50,
                     **outputs(tmp_path))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"output_table": "t.shp"}, "output_table: cannot write a table as '.shp'; give a file name ending in .csv "
                                    "or .gpkg."),
        ({"output_plot": "f.jpg"}, "output_plot: the figure is written as PNG; give a file name ending in .png, not "
                                   "'f.jpg'."),
        ({"output_summary": "t.csv"}, "output_summary: {folder}/t.csv is also the destination of output_table; give "
                                      "each output its own file."),
    ],
)
def test_bad_destinations_are_refused_before_any_work(scene, band_model, tmp_path, overrides, message):
    arguments = {"output_table": "t.csv", **overrides}
    arguments = {name: str(tmp_path / value) for name, value in arguments.items()}
    with pytest.raises(HsiLimeError) as error:
        run_spectral(str(scene.raster), str(band_model), band_groups=GROUPS, device="cpu", **arguments)
    assert str(error.value) == message.format(folder=tmp_path)


# --------------------------------------------------------------------------- the demo soil scene


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    from hsi_lime_plugin.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo"), seed=0)


def test_demo_planted_feature_ranks_first_in_every_field(demo_files, tmp_path, record_property):
    from hsi_lime_plugin.demo import DEMO_BAND_GROUPS, DEMO_TARGETS

    started = time.perf_counter()
    result = run_spectral(str(demo_files.raster), str(demo_files.model), band_groups=DEMO_BAND_GROUPS,
                          polygons=str(demo_files.fields), id_field="field_id", device="cpu", n_samples=500, seed=0,
                          baseline="zero", **outputs(tmp_path))
    wall = time.perf_counter() - started
    table = result.table
    assert len(result.explanations) == 12
    assert sorted(table["target"].unique()) == sorted(DEMO_TARGETS)
    for (field, target), rows in table.groupby(["unit_id", "target"]):
        ranked = rows.assign(size=rows["attribution"].abs()).sort_values("size", ascending=False)
        assert ranked["feature"].iloc[0] == f"{target}_band", (field, target, ranked)
    per_field = [explanation.seconds for explanation in result.explanations.values()]
    record_property("engine_seconds_total", round(result.seconds, 3))
    record_property("engine_seconds_per_field", [round(s, 3) for s in per_field])
    record_property("run_spectral_wall_seconds", round(wall, 3))


def test_under_the_scene_background_each_window_ranks_the_fields_by_their_planted_value(demo_files, tmp_path):
    """The default baseline asks what makes a field differ from the scene: each target's own absorption window then
    orders the 12 fields as their planted values do (Spearman >= 0.9; measured 0.95 to 1.0), and it is the window
    whose attributions spread most across the fields."""
    from scipy.stats import spearmanr

    from hsi_lime_plugin.demo import DEMO_BAND_GROUPS, DEMO_TARGETS
    from hsi_lime_plugin.demo.scene import make_scene

    result = run_spectral(str(demo_files.raster), str(demo_files.model), band_groups=DEMO_BAND_GROUPS,
                          polygons=str(demo_files.fields), id_field="field_id", device="cpu", method="kernelshap",
                          n_samples=32, output_table=str(tmp_path / "table.csv"))
    planted = make_scene(seed=0).field_values  # (12 fields F01..F12, 4 targets)
    for index, target in enumerate(DEMO_TARGETS):
        rows = result.table[result.table["target"] == target]
        own = rows[rows["feature"] == f"{target}_band"].sort_values("unit_id")["attribution"].to_numpy()
        assert spearmanr(own, planted[:, index]).correlation >= 0.9, target
        assert rows.groupby("feature")["attribution"].std().idxmax() == f"{target}_band"
    assert result.explanations["F01"].baseline.startswith("background (exact): 16 spectra, a weighted k-means summary")
