"""A unit drawn on a matplotlib figure: what the explorer dock shows and exports.

:func:`draw` draws onto a :class:`matplotlib.figure.Figure` it is given (the dock's Qt canvas, or any
figure: no pyplot, no global state), for one target:

* for a spectral explanation, the unit's mean spectrum against wavelength with each superband's
  ranges shaded by its attribution (the diverging ramp of the layers, blue lowers and red raises the
  prediction, on the same scale: the largest |attribution| of the output);
* the attributions as horizontal bars (they stay readable in a narrow dock), coloured on that scale,
  with their 95 % intervals; at most :data:`MAX_BARS` of them (the strongest, and the clicked one);
* with a pinned unit, both units' bars side by side and their difference with its interval.

Colours and words come from the caller (:class:`Theme`, :class:`Labels`): the QGIS side passes its
theme's palette and the translated labels.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .view import UnitView, compare, feature_spans

#: Bars drawn at most (the strongest |attribution|, the clicked feature always among them).
MAX_BARS = 15
#: Heights in inches: a bar row, the spectrum panel, the margins around each panel.
BAR_INCHES = 0.2
SPECTRUM_INCHES = 1.5
PANEL_INCHES = 0.65
#: The layers' ramp (QGIS's RdBu inverted: blue negative, red positive).
RAMP = "RdBu_r"


@dataclass(frozen=True)
class Theme:
    """The colours (any matplotlib colour) and the font size of the figure."""

    text: str = "#202020"
    background: str = "#ffffff"
    grid: str = "#d0d0d0"
    highlight: str = "#e69f00"
    pinned: str = "#808080"
    font_size: float = 8.0


@dataclass(frozen=True)
class Labels:
    """The words of the figure (the QGIS side passes them translated)."""

    attribution: str = "attribution"
    wavelength: str = "wavelength (nm)"
    band: str = "band"
    spectrum: str = "mean spectrum"
    difference: str = "difference (shown - pinned)"
    strongest: str = "the {shown} strongest of {total}"


def figure_height(view: UnitView, pinned: UnitView | None = None) -> float:
    """The figure's height in inches for ``view`` (and a pinned unit): its panels and bars."""
    features = set(view.rows["feature"]) | (set(pinned.rows["feature"]) if pinned is not None else set())
    heights = _heights(view, min(MAX_BARS + 1, len(features)), pinned)
    return sum(heights) + PANEL_INCHES * len(heights)


def _heights(view: UnitView, bars: int, pinned: UnitView | None) -> list[float]:
    """The panels' heights in inches: the spectrum, the bars (two per feature with a pinned unit), the
    difference."""
    heights = [SPECTRUM_INCHES] if view.spectrum is not None else []
    heights.append(max(1, bars) * BAR_INCHES * (1.8 if pinned is not None else 1.0))
    if pinned is not None:
        heights.append(max(1, bars) * BAR_INCHES)
    return heights


def draw(figure, view: UnitView, target: str, pinned: UnitView | None = None, theme: Theme = Theme(),
         labels: Labels = Labels()) -> None:
    """Draw ``view``'s explanation of ``target`` (with ``pinned`` beside it) on ``figure``, replacing its content."""
    figure.clear()
    figure.set_facecolor(theme.background)
    figure.set_layout_engine("tight", pad=0.4, h_pad=0.6)  # laid out again at every draw: the dock resizes it
    table = _bars(view, target, pinned)
    shown = _chosen(table, view)
    heights = _heights(view, len(shown), pinned)
    axes = figure.subplots(len(heights), 1, gridspec_kw={"height_ratios": heights}, squeeze=False)[:, 0]
    for ax in axes:
        _style(ax, theme)
    limit = max(view.limit(target), pinned.limit(target) if pinned is not None else 0.0)
    if view.spectrum is not None:
        _spectrum(axes[0], view, target, pinned, theme, labels, limit)
    bars_axis = axes[1 if view.spectrum is not None else 0]
    _draw_bars(bars_axis, shown, view, pinned, theme, limit)
    if len(shown) < len(table):
        bars_axis.set_title(labels.strongest.format(shown=len(shown), total=len(table)), fontsize=theme.font_size,
                            color=theme.text, loc="right")
    bars_axis.set_xlabel(labels.attribution, fontsize=theme.font_size, color=theme.text)
    if pinned is not None:
        _difference(axes[-1], shown, theme, labels)


def _bars(view: UnitView, target: str, pinned: UnitView | None) -> pd.DataFrame:
    """One row per feature: ``feature``, ``current`` (and ``pinned``, ``difference``, ``half_width``), ``low``,
    ``high`` of the current unit's interval."""
    rows = view.of_target(target)
    if pinned is not None:
        table = compare(view, pinned, target)
    else:
        table = pd.DataFrame({"feature": rows["feature"], "current": rows["attribution"]})
    intervals = rows.set_index("feature")[["ci_low", "ci_high"]]
    return table.join(intervals, on="feature").rename(columns={"ci_low": "low", "ci_high": "high"})


def _chosen(table: pd.DataFrame, view: UnitView) -> pd.DataFrame:
    """At most :data:`MAX_BARS` rows, the strongest and the clicked one; segments sorted by attribution (the
    strongest at the top), superbands in the run's (spectral) order."""
    size = table["current"].abs().fillna(0.0)
    if "difference" in table:
        size = np.maximum(size, table["difference"].abs().fillna(0.0))
    keep = size.rank(ascending=False, method="first") <= MAX_BARS
    keep |= table["feature"] == view.highlight
    chosen = table[keep]
    if view.kind == "spatial":
        chosen = chosen.sort_values("current", ascending=False, na_position="last")
    return chosen.reset_index(drop=True)


def _style(ax, theme: Theme) -> None:
    ax.set_facecolor(theme.background)
    ax.tick_params(colors=theme.text, labelsize=theme.font_size, length=2)
    for spine in ax.spines.values():
        spine.set_color(theme.grid)
    ax.grid(True, axis="x", color=theme.grid, linewidth=0.5)
    ax.set_axisbelow(True)


def _colours(values, limit: float):
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    return colormaps[RAMP](Normalize(-limit, limit, clip=True)(np.nan_to_num(np.asarray(values, dtype=float))))


def _draw_bars(ax, shown: pd.DataFrame, view: UnitView, pinned: UnitView | None, theme: Theme, limit: float) -> None:
    """Horizontal bars, the first feature at the top, with the current unit's 95 % intervals."""
    y = np.arange(len(shown))[::-1].astype(float)
    height = 0.38 if pinned is not None else 0.75
    offset = 0.2 if pinned is not None else 0.0
    current = shown["current"].to_numpy(dtype=float)
    edges = [theme.highlight if feature == view.highlight else theme.text for feature in shown["feature"]]
    widths = [2.0 if feature == view.highlight else 0.4 for feature in shown["feature"]]
    ax.barh(y + offset, current, height, color=_colours(current, limit), edgecolor=edges, linewidth=widths,
            label=view.unit_id)
    if view.intervals and shown[["low", "high"]].notna().any().any():
        error = np.vstack([current - shown["low"].to_numpy(float), shown["high"].to_numpy(float) - current])
        ax.errorbar(current, y + offset, xerr=np.nan_to_num(np.abs(error)), fmt="none", ecolor=theme.text,
                    elinewidth=0.8, capsize=2)
    if pinned is not None:
        other = shown["pinned"].to_numpy(dtype=float)
        ax.barh(y - offset, other, height, color=theme.background, hatch="////", edgecolor=theme.pinned,
                linewidth=0.6, label=pinned.unit_id)
        ax.legend(fontsize=theme.font_size, loc="best", frameon=False, labelcolor=theme.text)
    reach = max(limit, float(np.nanmax(np.abs(shown[["low", "high"]].to_numpy(float)), initial=0.0)))
    ax.set_xlim(-1.05 * reach, 1.05 * reach)
    ax.axvline(0.0, color=theme.text, linewidth=0.6)
    _feature_ticks(ax, y, shown, view.highlight, theme)


def _feature_ticks(ax, y, shown: pd.DataFrame, highlight, theme: Theme) -> None:
    ax.set_yticks(y)
    ax.set_yticklabels(shown["feature"], fontsize=theme.font_size, color=theme.text)
    for label, feature in zip(ax.get_yticklabels(), shown["feature"]):
        if feature == highlight:
            label.set_fontweight("bold")
    ax.set_ylim(-0.6, len(shown) - 0.4)


def _difference(ax, shown: pd.DataFrame, theme: Theme, labels: Labels) -> None:
    """The shown unit's attributions minus the pinned unit's, with the 95 % interval of the difference."""
    y = np.arange(len(shown))[::-1].astype(float)
    difference = shown["difference"].to_numpy(dtype=float)
    reach = float(np.nanmax(np.abs(difference), initial=0.0)) or 1.0
    ax.barh(y, difference, 0.7, color=_colours(difference, reach), edgecolor=theme.text, linewidth=0.4)
    half = shown["half_width"].to_numpy(dtype=float)
    if np.isfinite(half).any():
        ax.errorbar(difference, y, xerr=np.nan_to_num(half), fmt="none", ecolor=theme.text, elinewidth=0.8, capsize=2)
    ax.axvline(0.0, color=theme.text, linewidth=0.6)
    _feature_ticks(ax, y, shown, None, theme)
    ax.set_xlabel(labels.difference, fontsize=theme.font_size, color=theme.text)


def _spectrum(ax, view: UnitView, target: str, pinned: UnitView | None, theme: Theme, labels: Labels,
              limit: float) -> None:
    """The mean spectrum, each superband's ranges shaded by its attribution (the layers' ramp and scale)."""
    spectrum = view.spectrum
    rows = view.of_target(target)
    spacing = float(np.median(np.diff(spectrum.x))) if len(spectrum.x) > 1 else 1.0
    spans = feature_spans(rows, band_numbers=not spectrum.wavelengths)
    colours = dict(zip(rows["feature"], _colours(rows["attribution"], limit)))
    for feature, runs in spans.items():
        for low, high in runs:
            ax.axvspan(low - spacing / 2, high + spacing / 2, color=colours[feature], alpha=0.75, linewidth=0)
    from matplotlib.patheffects import withStroke

    halo = [withStroke(linewidth=3.2, foreground=theme.background)]  # the line stays visible on any shade
    ax.plot(spectrum.x, spectrum.values, color=theme.text, linewidth=1.2, label=view.unit_id, path_effects=halo)
    if pinned is not None and pinned.spectrum is not None:
        ax.plot(pinned.spectrum.x, pinned.spectrum.values, color=theme.pinned, linewidth=1.2, linestyle="--",
                label=pinned.unit_id, path_effects=halo)
        ax.legend(fontsize=theme.font_size, loc="best", frameon=False, labelcolor=theme.text)
    ax.set_xlim(spectrum.x.min() - spacing / 2, spectrum.x.max() + spacing / 2)
    ax.set_xlabel(labels.wavelength if spectrum.wavelengths else labels.band, fontsize=theme.font_size,
                  color=theme.text)
    ax.set_ylabel(labels.spectrum, fontsize=theme.font_size, color=theme.text)
    ax.grid(False)
