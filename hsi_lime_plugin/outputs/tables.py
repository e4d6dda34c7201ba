"""The result tables, one schema for every run: per unit, target and feature; per band; across units.

A *unit* is what one explanation covers: a field, a tile, one raster of a list, or the whole
raster (``unit_id`` empty). A *feature* is what one coefficient stands for: a superband (its
label, with its wavelength ranges and band count) or a segment (``segment <k>``, no
wavelengths). :mod:`hsi_lime_plugin.outputs.table_files` writes these tables as CSV or
GeoPackage and :mod:`hsi_lime_plugin.reports` draws them.

*Attribution table* (:data:`TABLE_COLUMNS`, :func:`explanation_rows`), one row per unit, target
and feature: ``unit_id``, ``target``, ``feature``, ``wavelengths_nm`` (a superband's ranges as
text; empty for segments), ``n_bands`` (empty for segments), ``attribution`` (the surrogate's
coefficient or Shapley value), ``se`` (its standard error), ``ci_low`` / ``ci_high`` (95 %
normal interval, ``attribution -+ 1.96 se``), ``r2`` (the weighted R2 of that unit's and
target's surrogate), ``prediction`` (the model on the unit) and ``base_value`` (the model with
every feature removed).

*Band table* (:data:`BAND_COLUMNS`, :func:`band_table`), one row per unit, target and band:
``unit_id``, ``target``, ``band`` (1-based, as GDAL and QGIS count), ``wavelength_nm`` (empty
when the raster has none), ``feature`` (the band's superband, empty for a band kept fixed) and
``attribution`` (its superband's, repeated on each of its bands).

*Summary* (:data:`SUMMARY_COLUMNS`, :func:`summary_table`), one row per target and feature across
units: ``target``, ``feature``, ``wavelengths_nm``, ``n_bands``, ``mean``, ``std`` (sample
standard deviation, empty for a single unit), ``median``, ``min``, ``max``, ``n_units`` (units
with an attribution) and ``mean_r2``.

*Segment layer* (:func:`segment_table`): the segments (or field polygons) with their attributions.

*Units layer* (:func:`unit_record`), one polygon per unit: ``unit_id``, ``n_pixels`` and per
target ``pred_<target>``, ``base_<target>`` and ``r2_<target>``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Coverage of the ``ci_low`` / ``ci_high`` interval.
INTERVAL_LEVEL = 0.95

TABLE_COLUMNS = ["unit_id", "target", "feature", "wavelengths_nm", "n_bands", "attribution", "se", "ci_low", "ci_high",
                 "r2", "prediction", "base_value"]
BAND_COLUMNS = ["unit_id", "target", "band", "wavelength_nm", "feature", "attribution"]
SUMMARY_COLUMNS = ["target", "feature", "wavelengths_nm", "n_bands", "mean", "std", "median", "min", "max", "n_units",
                   "mean_r2"]


@dataclass(frozen=True)
class FeatureNames:
    """How the tables name the features of an explanation: the superbands' labels (feature ``k`` is
    ``labels[k - 1]``) with their wavelength ranges and band counts, or None for segments."""

    labels: tuple[str, ...] | None = None
    wavelengths: tuple[str, ...] | None = None
    n_bands: tuple[int, ...] | None = None

    @classmethod
    def of_superbands(cls, superbands) -> "FeatureNames":
        return cls(tuple(superbands.labels), tuple(superbands.ranges_text),
                   tuple(len(members) for members in superbands.band_indices))

    def describe(self, feature_id: int) -> tuple[str, str | None, int | None]:
        """``(feature, wavelengths_nm, n_bands)`` of one feature label."""
        if self.labels is None:
            return f"segment {int(feature_id)}", None, None
        k = int(feature_id) - 1
        return self.labels[k], self.wavelengths[k], self.n_bands[k]


def plain_value(value):
    """A numpy scalar as the Python value (GeoPackage and CSV writers want plain types)."""
    return value.item() if isinstance(value, np.generic) else value


def explanation_rows(explanation, unit_id, names: FeatureNames) -> list[tuple]:
    """The attribution table's rows of one unit's explanation: target by target, features in column order."""
    low, high = explanation.confidence_interval(INTERVAL_LEVEL)
    features = [names.describe(feature_id) for feature_id in np.asarray(explanation.feature_ids)]
    unit_id = plain_value(unit_id)
    rows = []
    for t, target in enumerate(explanation.target_names):
        unit = (float(explanation.score[t]), float(explanation.prediction[t]), float(explanation.base_value[t]))
        for k, (feature, wavelengths, n_bands) in enumerate(features):
            rows.append((unit_id, target, feature, wavelengths, n_bands, float(explanation.coefficients[t, k]),
                         float(explanation.standard_error[t, k]), float(low[t, k]), float(high[t, k]), *unit))
    return rows


def attribution_table(rows: list[tuple]) -> pd.DataFrame:
    """The attribution table from the rows of every unit (:func:`explanation_rows`), in their order."""
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def band_table(explanation, superbands, wavelengths=None, unit_id=None) -> pd.DataFrame:
    """The band table's rows of one spectral explanation: target by target, bands in raster order, so that
    a figure or a GIS join can follow the spectrum band by band."""
    layout = band_layout(superbands.features, superbands.labels, wavelengths)
    per_band = explanation.maps()  # (T, C), NaN for bands in no superband
    frames = [
        layout.assign(unit_id=pd.Series([plain_value(unit_id)] * len(layout), dtype=object), target=target,
                      attribution=per_band[t].astype(np.float64))
        for t, target in enumerate(explanation.target_names)
    ]
    return pd.concat(frames, ignore_index=True)[BAND_COLUMNS]


def band_layout(features, labels, wavelengths=None) -> pd.DataFrame:
    """One row per band: ``band`` (1-based), ``wavelength_nm`` (NaN when unknown) and its ``feature``
    (None for a band in no superband), from the per-band superband numbers ``features`` (0: none)."""
    features = np.asarray(features)
    centres = np.full(features.size, np.nan) if wavelengths is None else np.asarray(wavelengths, dtype=np.float64)
    return pd.DataFrame({
        "band": np.arange(1, features.size + 1, dtype=np.int64),
        "wavelength_nm": centres,
        # object dtype: None stays None (pandas 3 would make a str column with NaN for it)
        "feature": pd.Series(np.array([None] + list(labels), dtype=object)[features], dtype=object),
    })


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    """Statistics of each target's and feature's attribution across units, in the order they first appear."""
    if table.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    summary = table.groupby(["target", "feature"], sort=False, dropna=False).agg(
        wavelengths_nm=("wavelengths_nm", "first"), n_bands=("n_bands", "first"), mean=("attribution", "mean"),
        std=("attribution", "std"), median=("attribution", "median"), min=("attribution", "min"),
        max=("attribution", "max"), n_units=("attribution", "count"), mean_r2=("r2", "mean"),
    ).reset_index()
    summary["n_units"] = summary["n_units"].astype(np.int64)
    return summary[SUMMARY_COLUMNS]


def unit_record(unit_id, n_pixels: int, explanation) -> dict:
    """The units layer's attributes of one unit."""
    record = {"unit_id": plain_value(unit_id), "n_pixels": int(n_pixels)}
    for t, target in enumerate(explanation.target_names):
        record[column_name("pred", target)] = float(explanation.prediction[t])
        record[column_name("base", target)] = float(explanation.base_value[t])
        record[column_name("r2", target)] = float(explanation.score[t])
    return record


def column_name(prefix: str, target: str) -> str:
    """Attribute column for a target, e.g. ``attr_pH``; other characters become ``_``."""
    return f"{prefix}_{re.sub(r'[^0-9A-Za-z_]', '_', target)}"


def faithfulness_columns(table: pd.DataFrame, score, per_target_rows: bool) -> pd.DataFrame:
    """Add the faithfulness scores (a :class:`~hsi_lime_plugin.attribution.faithfulness.Faithfulness`): one
    column each, matched on ``target`` (tables), or ``<score>_<target>`` (layers)."""
    from ..attribution.faithfulness import COLUMNS

    table = table.copy()
    rows = score.scores()
    for name in COLUMNS:
        if per_target_rows:
            table[name] = table["target"].map({t: row[name] for t, row in rows.items()}).astype(np.float64)
        else:
            for target, row in rows.items():
                table[column_name(name, target)] = row[name]
    return table



def segment_table(frame, row_labels: np.ndarray, explanation):
    """The segment layer: ``frame`` with ``attr_``, ``se_``, ``low_``, ``high_`` (95 % interval), ``r2_``,
    ``pred_`` (the model on the image) and ``base_`` (the model on the baseline) columns per target.

    ``row_labels[i]`` is the label of row ``i`` in the explained label map; segments that
    were not explained (no valid pixel) get empty (NaN) attributions.
    """
    table = frame.copy()
    low, high = explanation.confidence_interval(INTERVAL_LEVEL)
    values = {"attr": explanation.coefficients, "se": explanation.standard_error, "low": low, "high": high}
    per_row = {prefix: explanation.space.per_label(array, row_labels) for prefix, array in values.items()}
    for t, name in enumerate(explanation.target_names):
        for prefix, array in per_row.items():
            table[column_name(prefix, name)] = array[t]
        table[column_name("r2", name)] = float(explanation.score[t])
        table[column_name("pred", name)] = float(explanation.prediction[t])
        table[column_name("base", name)] = float(explanation.base_value[t])
    return table
