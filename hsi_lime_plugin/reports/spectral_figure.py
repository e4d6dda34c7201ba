"""The figure of a spectral explanation: attributions along the spectrum and per superband.

:func:`plot_spectral` draws the tables of :mod:`hsi_lime_plugin.outputs.tables` as one PNG with
matplotlib's Agg renderer, without pyplot (no global state, no GUI backend, safe inside
QGIS).
"""
from __future__ import annotations

import os

import numpy as np
import pandas as pd

from ..features.band_grammar import REST_LABEL
from ..features.superbands import band_runs
from ..outputs.atomic import write_faults

__all__ = ["plot_spectral"]

REST_COLOUR = "#b0b0b0"


def _colours(labels: list[str]) -> dict[str, str]:
    """A distinct colour per superband (tab10, then tab20), grey for ``not_included``."""
    from matplotlib import colormaps

    named = [label for label in labels if label != REST_LABEL]
    palette = colormaps["tab10" if len(named) <= 10 else "tab20"]
    colours = {label: palette(i % palette.N) for i, label in enumerate(named)}
    colours[REST_LABEL] = REST_COLOUR
    return colours


class _Spectrum:
    """The x axis shared by every panel: band centres (or numbers) in sorted order."""

    def __init__(self, bands: pd.DataFrame, target):
        self.layout = bands[bands["target"] == target].drop_duplicates("band").sort_values("band")
        self.has_wavelengths = self.layout["wavelength_nm"].notna().all()
        column = "wavelength_nm" if self.has_wavelengths else "band"
        x = self.layout[column].to_numpy(dtype=np.float64)
        self.order = np.argsort(x, kind="stable")
        self.x = x[self.order]
        self.spacing = float(np.median(np.diff(self.x))) if x.size > 1 else 1.0
        self.feature = self.layout["feature"].to_numpy(dtype=object)[self.order]


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
    several units, the mean across units as a line and the range across units as a
    grey band. Right panel: one bar per superband with its 95 % interval (the table's
    ``ci_low`` / ``ci_high``) for the whole raster, or one box plot per superband across
    units.

    Parameters
    ----------
    table : pandas.DataFrame
        Attribution rows (:data:`~hsi_lime_plugin.outputs.tables.TABLE_COLUMNS`) of one or several units.
    bands : pandas.DataFrame
        Band rows (:func:`~hsi_lime_plugin.outputs.tables.band_table`) of the same units.
    path : path-like
        PNG destination (callers pass the temporary path of ``atomic_output``).
    title : str, optional
    dpi : int
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    targets = list(dict.fromkeys(table["target"]))
    labels = list(dict.fromkeys(table["feature"]))
    by_unit = len(list(dict.fromkeys(table["unit_id"]))) > 1
    colours = _colours(labels)
    spectrum = _Spectrum(bands, targets[0])

    figure = Figure(figsize=(13.0, 3.2 * len(targets) + 0.8), dpi=dpi, layout="constrained")
    axes = figure.subplots(len(targets), 2, squeeze=False, gridspec_kw={"width_ratios": [2.2, 1.0]})
    if title:
        figure.suptitle(title)
    for row, target in enumerate(targets):
        spectrum_axis, bar_axis = axes[row]
        rows = table[table["target"] == target]
        _draw_spectrum(spectrum_axis, spectrum, bands[bands["target"] == target], labels, colours, by_unit)
        r2 = rows["r2"].mean()
        spectrum_axis.set_ylabel(f"attribution to {target}")
        spectrum_axis.set_title(f"{target}: {'mean ' if by_unit else ''}surrogate R\u00b2 = {r2:.3f}", loc="left")
        _draw_superbands(bar_axis, rows, labels, colours, by_unit)
        if row == 0:
            handles = [Patch(color=colours[label], alpha=0.5, label=label) for label in labels]
            spectrum_axis.legend(handles=handles + spectrum_axis.get_legend_handles_labels()[0],
                                 fontsize="small", ncol=min(4, len(handles) + 2), loc="best")
    with write_faults(path):
        figure.savefig(path, format="png", dpi=dpi)


def _draw_spectrum(axis, spectrum: _Spectrum, subset: pd.DataFrame, labels: list, colours: dict,
                   by_unit: bool) -> None:
    """Left panel: each band's attribution along the spectrum, superbands shaded behind it."""
    subset = subset.assign(unit=lambda frame: frame["unit_id"].astype(str))
    per_band = subset.pivot(index="band", columns="unit", values="attribution").reindex(spectrum.layout["band"])
    values = per_band.to_numpy(dtype=np.float64)[spectrum.order]
    x, half = spectrum.x, spectrum.spacing / 2
    for label in labels:
        for first, last in band_runs(np.flatnonzero(spectrum.feature == label)):
            axis.axvspan(x[first] - half, x[last] + half, color=colours[label], alpha=0.18, linewidth=0)
    with np.errstate(all="ignore"):
        if by_unit:
            axis.fill_between(x, np.nanmin(values, axis=1), np.nanmax(values, axis=1), step="mid", color="0.5",
                              alpha=0.35, linewidth=0, label="range across units")
            axis.step(x, np.nanmean(values, axis=1), where="mid", color="black", linewidth=1.2,
                      label="mean across units")
        else:
            axis.step(x, values[:, 0], where="mid", color="black", linewidth=1.2, label="attribution")
    axis.axhline(0.0, color="0.3", linewidth=0.6)
    axis.set_xlim(x[0] - half, x[-1] + half)
    axis.set_xlabel("wavelength (nm)" if spectrum.has_wavelengths else "band")


def _draw_superbands(axis, rows: pd.DataFrame, labels: list, colours: dict, by_unit: bool) -> None:
    """Right panel: one bar and 95 % interval per superband, or one box plot across fields."""
    positions = np.arange(len(labels))
    if by_unit:
        groups = [rows.loc[rows["feature"] == label, "attribution"].dropna().to_numpy() for label in labels]
        boxes = axis.boxplot(groups, positions=positions, widths=0.6, patch_artist=True,
                             medianprops={"color": "black"})
        for patch, label in zip(boxes["boxes"], labels):
            patch.set_facecolor(colours[label])
            patch.set_alpha(0.8)
    else:
        first = [rows.loc[rows["feature"] == label].iloc[0] for label in labels]
        heights = np.array([r["attribution"] for r in first], dtype=np.float64)
        errors = [heights - np.array([r["ci_low"] for r in first], dtype=np.float64),
                  np.array([r["ci_high"] for r in first], dtype=np.float64) - heights]
        axis.bar(positions, heights, yerr=errors, color=[colours[label] for label in labels],
                 edgecolor="black", linewidth=0.5, capsize=3)
    axis.axhline(0.0, color="0.3", linewidth=0.6)
    axis.set_xticks(positions)
    axis.set_xticklabels(labels, rotation=30 if len(labels) > 4 else 0, ha="right" if len(labels) > 4 else "center")
    axis.set_title("across units" if by_unit else "per superband (95 % interval)", loc="left")
