"""Tables of spectral explanations: one row per field, target and superband or band.

A spectral explanation attributes each target's prediction to superbands (groups of
bands, :mod:`hsi_lime_plugin.bands`). This module turns :class:`~hsi_lime_plugin.Explanation`
objects into plain tables (pandas DataFrames); :mod:`hsi_lime_plugin.table_files` writes
them and :mod:`hsi_lime_plugin.figures` draws them.

*Superband table* (:func:`superband_table`), one row per field, target and superband:
``field_id`` (None for the whole raster), ``target``, ``superband``, ``wavelengths_nm``
(the superband's ranges as text), ``n_bands``, ``attribution`` (the surrogate's
coefficient), ``se`` (its standard error), ``ci_low`` / ``ci_high`` (95 % normal
interval, :meth:`Explanation.confidence_interval`, ``attribution -+ 1.96 se``) and ``r2``
(weighted R2 of that field's and target's surrogate).

*Band table* (:func:`band_table`), one row per field, target and band: ``field_id``,
``target``, ``band`` (1-based band number, as GDAL and QGIS count), ``wavelength_nm``
(None when the raster has no wavelengths), ``superband`` (None for a band kept fixed)
and ``attribution`` (the attribution of the band's superband, repeated on each of its
bands, as :meth:`Explanation.maps` spreads it; None for a band kept fixed).

*Summary* (:func:`summarise`), one row per target and superband across fields:
``target``, ``superband``, ``wavelengths_nm``, ``n_bands``, ``mean``, ``std`` (sample
standard deviation, None for a single field), ``median``, ``min``, ``max``, ``n_fields``
and ``mean_r2``.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

__all__ = [
    "BAND_COLUMNS",
    "SUMMARY_COLUMNS",
    "SUPERBAND_COLUMNS",
    "band_table",
    "summarise",
    "superband_table",
]

#: Coverage of the ``ci_low`` / ``ci_high`` interval of the superband table.
INTERVAL_LEVEL = 0.95

SUPERBAND_COLUMNS = [
    "field_id", "target", "superband", "wavelengths_nm", "n_bands", "attribution", "se", "ci_low", "ci_high", "r2",
    "prediction", "base_value",
]
BAND_COLUMNS = ["field_id", "target", "band", "wavelength_nm", "superband", "attribution"]
SUMMARY_COLUMNS = [
    "target", "superband", "wavelengths_nm", "n_bands", "mean", "std", "median", "min", "max", "n_fields", "mean_r2",
]




def plain_value(value):
    """A numpy scalar as the Python value (GeoPackage and CSV writers want plain types)."""
    return value.item() if isinstance(value, np.generic) else value


def superband_table(explanation, superbands, field_id=None) -> pd.DataFrame:
    """One row per target and superband of one spectral explanation.

    Parameters
    ----------
    explanation : Explanation
        A ``kind="spectral"`` explanation whose features are ``superbands.features``.
    superbands : Superbands
        From :func:`hsi_lime_plugin.bands.resolve_band_groups`.
    field_id : optional
        Identifier of the explained field; None for the whole raster.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUPERBAND_COLUMNS`; rows target by target, superbands in their order.
    """
    columns = explanation.space.column_of(np.arange(1, superbands.n_features + 1))
    low, high = explanation.confidence_interval(INTERVAL_LEVEL)
    rows = []
    for t, target in enumerate(explanation.target_names):
        r2 = float(explanation.score[t])
        for k, label in enumerate(superbands.labels):
            column = columns[k]
            present = column >= 0
            rows.append((
                plain_value(field_id), target, label, superbands.ranges_text[k], len(superbands.band_indices[k]),
                float(explanation.coefficients[t, column]) if present else math.nan,
                float(explanation.standard_error[t, column]) if present else math.nan,
                float(low[t, column]) if present else math.nan,
                float(high[t, column]) if present else math.nan,
                r2, float(explanation.prediction[t]), float(explanation.base_value[t]),
            ))
    return pd.DataFrame(rows, columns=SUPERBAND_COLUMNS)


def band_table(explanation, superbands, wavelengths=None, field_id=None) -> pd.DataFrame:
    """One row per target and band of one spectral explanation.

    ``explanation``, ``superbands`` and ``field_id`` are as for :func:`superband_table`;
    ``wavelengths`` (array-like of float, optional) are the band centres in nm, and None
    leaves ``wavelength_nm`` empty. Returns a DataFrame with columns :data:`BAND_COLUMNS`,
    rows target by target, bands in raster order, so that a figure or a GIS join can
    follow the spectrum band by band.
    """
    layout = band_layout(superbands.features, superbands.labels, wavelengths)
    per_band = explanation.maps()  # (T, C), NaN for bands in no superband
    frames = [
        layout.assign(field_id=pd.Series([plain_value(field_id)] * len(layout), dtype=object), target=target,
                      attribution=per_band[t].astype(np.float64))
        for t, target in enumerate(explanation.target_names)
    ]
    return pd.concat(frames, ignore_index=True)[BAND_COLUMNS]


def band_layout(features, labels, wavelengths=None) -> pd.DataFrame:
    """One row per band: ``band`` (1-based), ``wavelength_nm`` (NaN when unknown) and its ``superband``
    (None for a band in no superband), from the per-band superband numbers ``features`` (0: none)."""
    features = np.asarray(features)
    centres = np.full(features.size, np.nan) if wavelengths is None else np.asarray(wavelengths, dtype=np.float64)
    return pd.DataFrame({
        "band": np.arange(1, features.size + 1, dtype=np.int64),
        "wavelength_nm": centres,
        # object dtype: None stays None (pandas 3 would make a str column with NaN for it)
        "superband": pd.Series(np.array([None] + list(labels), dtype=object)[features], dtype=object),
    })


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Statistics of each target's and superband's attribution across fields.

    Parameters
    ----------
    table : pandas.DataFrame
        Superband rows of one or several fields (:func:`superband_table`, concatenated).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per target and superband in the order
        they first appear. ``std`` is the sample standard deviation (NaN for one field);
        ``n_fields`` counts the fields with an attribution; ``mean_r2`` is the mean R2
        of those fields' surrogates for the target.
    """
    if table.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    grouped = table.groupby(["target", "superband"], sort=False)
    summary = grouped.agg(
        wavelengths_nm=("wavelengths_nm", "first"),
        n_bands=("n_bands", "first"),
        mean=("attribution", "mean"),
        std=("attribution", "std"),
        median=("attribution", "median"),
        min=("attribution", "min"),
        max=("attribution", "max"),
        n_fields=("attribution", "count"),
        mean_r2=("r2", "mean"),
    ).reset_index()
    summary["n_fields"] = summary["n_fields"].astype(np.int64)
    summary["n_bands"] = summary["n_bands"].astype(np.int64)
    return summary[SUMMARY_COLUMNS]


def column_name(prefix: str, target: str) -> str:
    """Attribute column for a target, e.g. ``attr_pH``; other characters become ``_``."""
    return f"{prefix}_{re.sub(r'[^0-9A-Za-z_]', '_', target)}"


def faithfulness_columns(table: pd.DataFrame, score, per_target_rows: bool) -> pd.DataFrame:
    """Add the faithfulness scores (a :class:`~hsi_lime_plugin.faithfulness.Faithfulness`): one column each,
    matched on ``target`` (tables), or ``<score>_<target>`` (layers)."""
    from .faithfulness import COLUMNS

    table = table.copy()
    rows = score.scores()
    for name in COLUMNS:
        if per_target_rows:
            table[name] = table["target"].map({t: row[name] for t, row in rows.items()}).astype(np.float64)
        else:
            for target, row in rows.items():
                table[column_name(name, target)] = row[name]
    return table
