"""Tables and figures of spectral explanations.

A spectral explanation attributes each target's prediction to superbands (groups of
bands, :mod:`hsi_lime_plugin.bands`). This module turns :class:`~hsi_lime_plugin.Explanation`
objects into plain tables (pandas DataFrames), writes them as CSV or GeoPackage
attribute tables, and draws them as one PNG figure.

Tables
------
*Superband table* (:func:`superband_table`), one row per field, target and superband:
``field_id`` (None for the whole raster), ``target``, ``superband``, ``wavelengths_nm``
(the superband's ranges as text), ``n_bands``, ``attribution`` (the surrogate's
coefficient), ``se`` (its standard error), ``ci_low`` / ``ci_high`` (95 % normal
interval, ``attribution -+ 1.96 se``) and ``r2`` (weighted R2 of that field's and
target's surrogate).

*Band table* (:func:`band_table`), one row per field, target and band: ``field_id``,
``target``, ``band`` (1-based band number, as GDAL and QGIS count), ``wavelength_nm``
(None when the raster has no wavelengths), ``superband`` (None for a band kept fixed)
and ``attribution`` (the attribution of the band's superband, repeated on each of its
bands, as :meth:`Explanation.maps` spreads it; None for a band kept fixed).

*Summary* (:func:`summarise`), one row per target and superband across fields:
``target``, ``superband``, ``wavelengths_nm``, ``n_bands``, ``mean``, ``std`` (sample
standard deviation, None for a single field), ``median``, ``min``, ``max``, ``n_fields``
and ``mean_r2``.

Files
-----
:func:`write_table` chooses the format from the extension: ``.csv`` (comma-separated,
with a ``.csvt`` sidecar that tells GDAL/OGR and QGIS each column's type, so numbers load
as numbers) or ``.gpkg`` (a GeoPackage attribute table: no geometry, registered as
``attributes`` in ``gpkg_contents``). :func:`plot_spectral` draws the figure with
matplotlib's Agg renderer, without pyplot (no global state, no GUI backend, safe inside
QGIS).
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .outputs import driver_for

__all__ = [
    "TABLE_DRIVERS",
    "band_table",
    "plot_spectral",
    "summarise",
    "superband_table",
    "table_driver",
    "write_table",
]

#: OGR driver of each table extension.
TABLE_DRIVERS = {".csv": "CSV", ".gpkg": "GPKG"}
#: Two-sided 95 % quantile of the normal distribution, for ``ci_low`` / ``ci_high``.
Z_95 = 1.959963984540054

SUPERBAND_COLUMNS = [
    "field_id", "target", "superband", "wavelengths_nm", "n_bands", "attribution", "se", "ci_low", "ci_high", "r2",
]
BAND_COLUMNS = ["field_id", "target", "band", "wavelength_nm", "superband", "attribution"]
SUMMARY_COLUMNS = [
    "target", "superband", "wavelengths_nm", "n_bands", "mean", "std", "median", "min", "max", "n_fields", "mean_r2",
]


# --------------------------------------------------------------------------- tables


def _plain(value):
    """A numpy scalar as the Python value (GeoPackage and CSV writers want plain types)."""
    return value.item() if isinstance(value, np.generic) else value


def _feature_columns(explanation, n_superbands: int) -> np.ndarray:
    """Column of ``explanation.coefficients`` for superband ``k`` (0-based), -1 when absent."""
    ids = np.asarray(explanation.feature_ids)
    position = {int(label): column for column, label in enumerate(ids)}
    return np.array([position.get(k + 1, -1) for k in range(n_superbands)], dtype=np.int64)


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
    columns = _feature_columns(explanation, superbands.n_features)
    rows = []
    for t, target in enumerate(explanation.target_names):
        r2 = float(explanation.score[t])
        for k, label in enumerate(superbands.labels):
            column = columns[k]
            value = float(explanation.coefficients[t, column]) if column >= 0 else math.nan
            error = float(explanation.standard_error[t, column]) if column >= 0 else math.nan
            rows.append((
                _plain(field_id), target, label, superbands.ranges_text[k], len(superbands.band_indices[k]),
                value, error, value - Z_95 * error, value + Z_95 * error, r2,
            ))
    return pd.DataFrame(rows, columns=SUPERBAND_COLUMNS)


def band_table(explanation, superbands, wavelengths=None, field_id=None) -> pd.DataFrame:
    """One row per target and band of one spectral explanation.

    Parameters
    ----------
    explanation : Explanation
    superbands : Superbands
    wavelengths : array-like of float, optional
        Band centres in nm; None leaves ``wavelength_nm`` empty.
    field_id : optional
        Identifier of the explained field; None for the whole raster.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BAND_COLUMNS`; rows target by target, bands in raster order.
    """
    features = np.asarray(superbands.features)
    n_bands = features.size
    per_band = explanation.maps()  # (T, C), NaN for bands in no superband
    labels = np.array([None] + list(superbands.labels), dtype=object)[features]
    centres = np.full(n_bands, np.nan) if wavelengths is None else np.asarray(wavelengths, dtype=np.float64)
    frames = []
    for t, target in enumerate(explanation.target_names):
        frames.append(pd.DataFrame({
            "field_id": pd.Series([_plain(field_id)] * n_bands, dtype=object),
            "target": target,
            "band": np.arange(1, n_bands + 1, dtype=np.int64),
            "wavelength_nm": centres,
            "superband": labels,
            "attribution": per_band[t].astype(np.float64),
        }))
    return pd.concat(frames, ignore_index=True)[BAND_COLUMNS]


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


# --------------------------------------------------------------------------- files


def table_driver(path: str | os.PathLike, what: str) -> str:
    """The OGR driver for a table destination, or an error naming the supported extensions."""
    return driver_for(
        path, TABLE_DRIVERS, what, "cannot write a table as '{}'",
        f"give a file name ending in {' or '.join(sorted(TABLE_DRIVERS))}",
    )


def _column_kind(series: pd.Series) -> str:
    """'int', 'float' or 'str' for the column's values (None/NaN ignored)."""
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "float"
    values = [v for v in series if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if values and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        return "int"
    if values and all(isinstance(v, (int, float, np.integer, np.floating)) for v in values):
        return "float"
    return "str"


_CSVT_TYPES = {"int": "Integer64", "float": "Real", "str": "String"}


def _cell(value, kind: str):
    if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
        return None
    value = _plain(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return str(value)


def write_table(frame: pd.DataFrame, path: str | os.PathLike, layer_name: str, driver: str | None = None) -> None:
    """Write a table without geometry as CSV or as a GeoPackage attribute table.

    Parameters
    ----------
    frame : pandas.DataFrame
    path : path-like
        Destination (callers pass the temporary path of
        :func:`hsi_lime_plugin.outputs.atomic_output`).
    layer_name : str
        Name of the GeoPackage table (ignored for CSV).
    driver : {"CSV", "GPKG"}, optional
        Default: from the extension of ``path``.

    CSV: missing values are empty cells; a ``.csvt`` sidecar (``"String","Integer64","Real"``)
    gives the column types to OGR, so QGIS loads numbers as numbers.
    """
    driver = driver or table_driver(path, "output")
    kinds = {name: _column_kind(frame[name]) for name in frame.columns}
    path = Path(path)
    if driver == "CSV":
        cleaned = pd.DataFrame({name: [_cell(v, kinds[name]) for v in frame[name]] for name in frame.columns},
                               columns=list(frame.columns), dtype=object)
        cleaned.to_csv(path, index=False, na_rep="", lineterminator="\n", encoding="utf-8")
        types = ",".join(f'"{_CSVT_TYPES[kinds[name]]}"' for name in frame.columns)
        path.with_suffix(".csvt").write_text(types + "\n", encoding="utf-8")
        return
    import fiona  # GDAL/OGR through fiona (Debian's geopandas stack); imported on use

    schema = {"geometry": "None", "properties": {name: kinds[name] for name in frame.columns}}
    records = (
        {"geometry": None, "properties": {name: _cell(row[i], kinds[name]) for i, name in enumerate(frame.columns)}}
        for row in frame.itertuples(index=False, name=None)
    )
    with fiona.open(path, "w", driver="GPKG", layer=layer_name, schema=schema) as table:
        table.writerecords(records)


def read_table(path: str | os.PathLike, layer_name: str | None = None) -> pd.DataFrame:
    """Read back a table written by :func:`write_table` (CSV with its types, or GeoPackage)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""], float_precision="round_trip")
        types = path.with_suffix(".csvt")
        if types.is_file():
            for name, kind in zip(frame.columns, types.read_text(encoding="utf-8").strip().split(",")):
                if kind.strip('"') == "String":
                    frame[name] = [None if isinstance(v, float) and math.isnan(v) else str(v) for v in frame[name]]
        return frame
    import fiona

    with fiona.open(path, layer=layer_name) as table:
        names = list(table.schema["properties"])
        return pd.DataFrame([dict(feature["properties"]) for feature in table], columns=names)


# --------------------------------------------------------------------------- figure

REST_COLOUR = "#b0b0b0"


def _colours(labels: list[str]) -> dict[str, str]:
    """A distinct colour per superband (tab10, then tab20), grey for ``not_included``."""
    from matplotlib import colormaps

    from .band_grammar import REST_LABEL

    named = [label for label in labels if label != REST_LABEL]
    palette = colormaps["tab10" if len(named) <= 10 else "tab20"]
    colours = {label: palette(i % palette.N) for i, label in enumerate(named)}
    colours[REST_LABEL] = REST_COLOUR
    return colours


def _runs(positions: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive integers as (first, last) pairs."""
    if positions.size == 0:
        return []
    positions = np.sort(positions)
    breaks = np.flatnonzero(np.diff(positions) > 1)
    starts = np.concatenate([[positions[0]], positions[breaks + 1]])
    ends = np.concatenate([positions[breaks], [positions[-1]]])
    return list(zip(starts.tolist(), ends.tolist()))


def plot_spectral(
    table: pd.DataFrame,
    bands: pd.DataFrame,
    path: str | os.PathLike,
    *,
    title: str | None = None,
    dpi: int = 100,
) -> None:
    """Draw spectral attributions as a PNG: one row of panels per target.

    Left panel: the attribution of each band along the wavelength (band number when the
    raster has no wavelengths), each superband's bands shaded in its colour; with
    several fields, the mean across fields as a line and the range across fields as a
    grey band. Right panel: one bar per superband with its 95 % interval for the whole
    raster, or one box plot per superband across fields.

    Parameters
    ----------
    table : pandas.DataFrame
        Superband rows (:func:`superband_table`), of one or several fields.
    bands : pandas.DataFrame
        Band rows (:func:`band_table`) of the same fields.
    path : path-like
        PNG destination (callers pass the temporary path of ``atomic_output``).
    title : str, optional
    dpi : int
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    targets = list(dict.fromkeys(table["target"]))
    labels = list(dict.fromkeys(table["superband"]))
    fields = list(dict.fromkeys(table["field_id"]))
    by_field = len(fields) > 1
    colours = _colours(labels)

    layout = bands[bands["target"] == targets[0]].drop_duplicates("band").sort_values("band")
    has_wavelengths = layout["wavelength_nm"].notna().all()
    x = (layout["wavelength_nm"] if has_wavelengths else layout["band"]).to_numpy(dtype=np.float64)
    order = np.argsort(x, kind="stable")
    x_sorted = x[order]
    spacing = float(np.median(np.diff(x_sorted))) if x.size > 1 else 1.0
    band_superband = layout["superband"].to_numpy(dtype=object)

    figure = Figure(figsize=(13.0, 3.2 * len(targets) + 0.8), dpi=dpi, layout="constrained")
    axes = figure.subplots(len(targets), 2, squeeze=False, gridspec_kw={"width_ratios": [2.2, 1.0]})
    if title:
        figure.suptitle(title)
    for row, target in enumerate(targets):
        spectrum_axis, bar_axis = axes[row]
        rows = table[table["target"] == target]
        subset = bands[bands["target"] == target].assign(field=lambda frame: frame["field_id"].astype(str))
        per_band = subset.pivot(index="band", columns="field", values="attribution").reindex(layout["band"])
        values = per_band.to_numpy(dtype=np.float64)

        # superbands shaded along the spectrum, in sorted wavelength order
        for label in labels:
            positions = np.flatnonzero(band_superband[order] == label)
            for first, last in _runs(positions):
                spectrum_axis.axvspan(x_sorted[first] - spacing / 2, x_sorted[last] + spacing / 2,
                                      color=colours[label], alpha=0.18, linewidth=0)
        with np.errstate(all="ignore"):
            if by_field:
                low = np.nanmin(values, axis=1)[order]
                high = np.nanmax(values, axis=1)[order]
                mean = np.nanmean(values, axis=1)[order]
                spectrum_axis.fill_between(x_sorted, low, high, step="mid", color="0.5", alpha=0.35,
                                           linewidth=0, label="range across fields")
                spectrum_axis.step(x_sorted, mean, where="mid", color="black", linewidth=1.2,
                                   label="mean across fields")
            else:
                spectrum_axis.step(x_sorted, values[:, 0][order], where="mid", color="black", linewidth=1.2,
                                   label="attribution")
        spectrum_axis.axhline(0.0, color="0.3", linewidth=0.6)
        spectrum_axis.set_xlim(x_sorted[0] - spacing / 2, x_sorted[-1] + spacing / 2)
        spectrum_axis.set_xlabel("wavelength (nm)" if has_wavelengths else "band")
        spectrum_axis.set_ylabel(f"attribution to {target}")
        r2 = rows["r2"].mean()
        spectrum_axis.set_title(f"{target}: {'mean ' if by_field else ''}surrogate R\u00b2 = {r2:.3f}", loc="left")

        positions = np.arange(len(labels))
        if by_field:
            groups = [rows.loc[rows["superband"] == label, "attribution"].dropna().to_numpy() for label in labels]
            boxes = bar_axis.boxplot(groups, positions=positions, widths=0.6, patch_artist=True,
                                     medianprops={"color": "black"})
            for patch, label in zip(boxes["boxes"], labels):
                patch.set_facecolor(colours[label])
                patch.set_alpha(0.8)
        else:
            heights = [rows.loc[rows["superband"] == label, "attribution"].iloc[0] for label in labels]
            errors = [Z_95 * rows.loc[rows["superband"] == label, "se"].iloc[0] for label in labels]
            bar_axis.bar(positions, heights, yerr=errors, color=[colours[label] for label in labels],
                         edgecolor="black", linewidth=0.5, capsize=3)
        bar_axis.axhline(0.0, color="0.3", linewidth=0.6)
        bar_axis.set_xticks(positions)
        bar_axis.set_xticklabels(labels, rotation=30 if len(labels) > 4 else 0, ha="right" if len(labels) > 4 else
                                 "center")
        bar_axis.set_title("across fields" if by_field else "per superband (95 % interval)", loc="left")
        if row == 0:
            handles = [Patch(color=colours[label], alpha=0.5, label=label) for label in labels]
            spectrum_axis.legend(handles=handles + spectrum_axis.get_legend_handles_labels()[0],
                                 fontsize="small", ncol=min(4, len(handles) + 2), loc="best")
    figure.savefig(path, format="png", dpi=dpi)
