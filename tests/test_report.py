"""Tables and figures of spectral explanations: columns, values, CSV and GeoPackage files, the PNG."""
import sqlite3

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from hsi_lime_plugin.features.superbands import resolve_band_groups
from hsi_lime_plugin.errors import HsiLimeError
from hsi_lime_plugin.perturbation.result import Explanation
from hsi_lime_plugin.reports.spectral_figure import plot_spectral
from hsi_lime_plugin.outputs.table_files import read_table, table_driver, write_table
from hsi_lime_plugin.outputs.tables import (
    BAND_COLUMNS,
    SUMMARY_COLUMNS,
    TABLE_COLUMNS,
    FeatureNames,
    attribution_table,
    band_table,
    explanation_rows,
    summary_table,
)

#: Two-sided 95 % quantile of the normal distribution: ci_low / ci_high are attribution -+ Z_95 se.
Z_95 = 1.959963984540054

WAVELENGTHS = 400.0 + 50.0 * np.arange(8)  # 400..750 nm
GROUPS = "low=400-450; mid=500-550; high=600-650"  # bands 0-1, 2-3, 4-5; 6-7 in no group


def superbands(include_rest=True):
    return resolve_band_groups(GROUPS, WAVELENGTHS, 8, include_rest=include_rest)


def explanation(groups, coefficients, score=(0.9, 0.8), standard_error=None):
    coefficients = np.asarray(coefficients, dtype=np.float64)
    return Explanation(
        kind="spectral",
        coefficients=coefficients,
        intercept=np.zeros(len(coefficients)),
        score=np.asarray(score, dtype=np.float64),
        standard_error=np.full_like(coefficients, 0.5) if standard_error is None else np.asarray(standard_error),
        target_names=["pH", "K"][: len(coefficients)],
        feature_ids=np.arange(1, coefficients.shape[1] + 1),
        features=groups.features,
        prediction=np.zeros(len(coefficients)),
        n_samples=100,
        seconds=0.1,
        device="cpu",
    )


def superband_table(result, groups, unit_id=None):
    """The attribution table of one spectral explanation over ``groups``."""
    return attribution_table(explanation_rows(result, unit_id, FeatureNames.of_superbands(groups)))


def field_tables(n_fields=3):
    """Superband and band tables of ``n_fields`` fields F1.. with known attributions."""
    groups = superbands()
    tables, bands = [], []
    for f in range(n_fields):
        coefficients = [[1.0 + f, 2.0, 3.0, 4.0], [-1.0, -2.0 * (f + 1), 0.5, 0.0]]
        result = explanation(groups, coefficients, score=(0.9 + 0.01 * f, 0.8))
        tables.append(superband_table(result, groups, f"F{f + 1}"))
        bands.append(band_table(result, groups, WAVELENGTHS, f"F{f + 1}"))
    return pd.concat(tables, ignore_index=True), pd.concat(bands, ignore_index=True)


def test_attribution_table_has_one_row_per_target_and_superband():
    groups = superbands()
    table = superband_table(explanation(groups, [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]), groups)
    assert list(table.columns) == TABLE_COLUMNS
    assert list(table["target"]) == ["pH"] * 4 + ["K"] * 4
    assert list(table["feature"]) == ["low", "mid", "high", "not_included"] * 2
    assert list(table["wavelengths_nm"][:4]) == ["400-450", "500-550", "600-650", "700-750"]
    assert list(table["n_bands"][:4]) == [2, 2, 2, 2]
    assert list(table["attribution"]) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    assert table["unit_id"].isna().all()
    np.testing.assert_allclose(table["ci_low"], table["attribution"] - Z_95 * 0.5)
    np.testing.assert_allclose(table["ci_high"], table["attribution"] + Z_95 * 0.5)
    assert list(table["r2"]) == [0.9] * 4 + [0.8] * 4


def test_band_table_spreads_each_superband_over_its_bands():
    groups = superbands(include_rest=False)
    result = explanation(groups, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    bands = band_table(result, groups, WAVELENGTHS, unit_id=7)
    assert list(bands.columns) == BAND_COLUMNS
    assert len(bands) == 2 * 8
    first = bands[bands["target"] == "pH"]
    assert list(first["band"]) == list(range(1, 9))
    assert list(first["wavelength_nm"]) == list(WAVELENGTHS)
    assert list(first["feature"]) == ["low", "low", "mid", "mid", "high", "high", None, None]
    np.testing.assert_array_equal(first["attribution"], [1, 1, 2, 2, 3, 3, np.nan, np.nan])
    assert set(bands["unit_id"]) == {7}


def test_band_table_without_wavelengths_leaves_them_empty():
    groups = resolve_band_groups("a=i0-i3; b=i4-i7", None, 8)
    bands = band_table(explanation(groups, [[1.0, 2.0]], score=(0.9,)), groups)
    assert bands["wavelength_nm"].isna().all()
    assert list(bands["feature"]) == ["a"] * 4 + ["b"] * 4


def test_summary_across_fields():
    table, _ = field_tables(3)
    summary = summary_table(table)
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert len(summary) == 2 * 4
    row = summary[(summary["target"] == "K") & (summary["feature"] == "mid")].iloc[0]
    values = np.array([-2.0, -4.0, -6.0])
    assert row["mean"] == pytest.approx(values.mean())
    assert row["std"] == pytest.approx(values.std(ddof=1))
    assert (row["median"], row["min"], row["max"], row["n_units"]) == (-4.0, -6.0, -2.0, 3)
    assert row["wavelengths_nm"] == "500-550" and row["n_bands"] == 2
    first = summary[(summary["target"] == "pH") & (summary["feature"] == "low")].iloc[0]
    assert first["mean_r2"] == pytest.approx(0.91)


def test_summary_of_one_field_has_no_standard_deviation():
    table, _ = field_tables(1)
    summary = summary_table(table)
    assert summary["std"].isna().all()
    assert (summary["n_units"] == 1).all()
    np.testing.assert_array_equal(summary["mean"], summary["median"])


@pytest.mark.parametrize("suffix", [".csv", ".gpkg"])
def test_tables_round_trip_with_their_types(tmp_path, suffix):
    table, _ = field_tables(2)
    path = tmp_path / f"importance{suffix}"
    write_table(table, path, "spectral_importance")
    back = read_table(path)
    assert list(back.columns) == TABLE_COLUMNS
    assert list(back["unit_id"]) == list(table["unit_id"])
    assert list(back["feature"]) == list(table["feature"])
    assert back["n_bands"].dtype.kind == "i"
    np.testing.assert_allclose(back["attribution"], table["attribution"], rtol=1e-15)
    np.testing.assert_allclose(back["ci_high"], table["ci_high"], rtol=1e-15)


def test_csv_has_a_type_sidecar_and_empty_cells_for_missing_values(tmp_path):
    groups = superbands()
    table = superband_table(explanation(groups, [[1.0, np.nan, 3.0, 4.0]], score=(0.5,)), groups)
    path = tmp_path / "whole.csv"
    write_table(table, path, "ignored")
    lines = path.read_text().splitlines()
    assert lines[0] == ",".join(TABLE_COLUMNS)
    assert lines[1].startswith(",pH,low,400-450,2,1.0,0.5,")
    assert lines[2].startswith(",pH,mid,500-550,2,,0.5,,,")
    assert (tmp_path / "whole.csvt").read_text() == (
        '"String","String","String","String","Integer64","Real","Real","Real","Real","Real","Real","Real"\n'
    )


def test_geopackage_table_has_no_geometry(tmp_path):
    table, _ = field_tables(2)
    path = tmp_path / "importance.gpkg"
    write_table(table, path, "spectral_importance")
    assert len(read_table(path, "spectral_importance")) == len(table)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall() == [
            ("spectral_importance", "attributes")
        ]


def test_integer_field_ids_stay_integers(tmp_path):
    groups = superbands()
    table = superband_table(explanation(groups, [[1.0, 2.0, 3.0, 4.0]], score=(0.5,)), groups, unit_id=np.int64(12))
    for suffix in (".csv", ".gpkg"):
        write_table(table, tmp_path / f"t{suffix}", "t")
        assert list(read_table(tmp_path / f"t{suffix}")["unit_id"]) == [12] * 4


def test_table_extension_decides_the_format():
    assert table_driver("a/b.CSV", "OUTPUT_TABLE") == "CSV"
    assert table_driver("a/b.gpkg", "OUTPUT_TABLE") == "GPKG"
    with pytest.raises(HsiLimeError) as error:
        table_driver("a/b.shp", "OUTPUT_BANDS")
    assert str(error.value) == "OUTPUT_BANDS: cannot write a table as '.shp'; give a file name ending in .csv or .gpkg."


def _image(path):
    image = imread(str(path))
    assert image.ndim == 3
    return image[..., :3]


@pytest.mark.parametrize("n_fields", [1, 5])
def test_plot_is_a_non_trivial_png(tmp_path, n_fields):
    table, bands = field_tables(n_fields)
    path = tmp_path / "figure.png"
    plot_spectral(table, bands, path, title="test")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = _image(path)
    height, width = image.shape[:2]
    assert width >= 1000 and height >= 2 * 300  # two targets, one row each
    # not blank: many distinct colours, a good share of non-white pixels
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50
    assert (image.min(axis=2) < 0.9).mean() > 0.05


def test_plot_without_wavelengths_uses_band_numbers(tmp_path):
    groups = resolve_band_groups("a=i0-i3; b=i5", None, 8)
    result = explanation(groups, [[1.0, -2.0, 0.5]], score=(0.9,))
    path = tmp_path / "bands.png"
    plot_spectral(superband_table(result, groups), band_table(result, groups), path)
    assert len(np.unique(_image(path).reshape(-1, 3), axis=0)) > 50
