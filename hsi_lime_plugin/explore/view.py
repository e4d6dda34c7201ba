"""One unit as the explorer shows it, and the comparison of two units.

A :class:`UnitView` holds the unit's rows of the attribution table (columns
:data:`~hsi_lime_plugin.outputs.tables.TABLE_COLUMNS`, plus the faithfulness columns when the run
scored them), whichever output they come from: a table, a segments layer, a per-pixel map or a live
explanation. Everything the dock shows is read from these rows: the prediction, the base value and
the surrogate's R2 per target, the bars with their 95 % intervals, and for spectral explanations each
superband's wavelength ranges (``wavelengths_nm``), which shade the unit's mean spectrum.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..options import FAITHFULNESS_COLUMNS
from ..outputs.tables import TABLE_COLUMNS
from ..perturbation.result import half_width

#: Per-target columns of a view's summary, in the order the dock shows them.
SUMMARY_COLUMNS = ["prediction", "base_value", "r2", *FAITHFULNESS_COLUMNS]
#: A superband's run of bands in ``wavelengths_nm``: ``620-670``, ``462.1``, ``i40-i60``, ``i7``.
_RUN = re.compile(r"^\s*(i?)([0-9.]+)(?:\s*-\s*i?([0-9.]+))?\s*$")


@dataclass(frozen=True)
class Spectrum:
    """A unit's mean spectrum: ``x`` the band centres in nm (or band numbers, 1-based, when the raster has no
    wavelengths: ``wavelengths`` False) and ``values`` the mean over the unit's valid pixels, in file units."""

    x: np.ndarray
    values: np.ndarray
    wavelengths: bool = True


@dataclass
class UnitView:
    """One unit's explanation, as read from an output or explained live.

    Attributes
    ----------
    unit_id : str
        The unit's id as its layer's id column writes it (a field id, a tile ``r0c1``, a segment id, a pixel).
    kind : {"spatial", "spectral"}
    rows : pandas.DataFrame
        Every target's rows of the unit (see the module docstring), features in the run's order.
    origin : str
        Where the rows come from: the output's file name, or ``"explain here"``.
    scale : dict
        Target -> the limit of the diverging colour scale, the largest |attribution| of the target over the whole
        output (the layers' own scale), so that colours compare across units as they do on the map.
    highlight : str or None
        The feature that was clicked (a segment of a segments layer), drawn emphasised.
    spectrum : Spectrum or None
        The unit's mean spectrum (spectral explanations).
    intervals : bool
        Whether the rows hold standard errors and intervals (a per-pixel map holds attributions only).
    settings : dict or None
        For a live explanation, the settings it ran with (plain values).
    unit : {"segment", "field", "tile", "raster", "pixel", "unit"}
        What the unit is, for its title.
    """

    unit_id: str
    kind: str
    rows: pd.DataFrame
    origin: str
    scale: dict = field(default_factory=dict)
    highlight: str | None = None
    spectrum: Spectrum | None = None
    intervals: bool = True
    settings: dict | None = None
    unit: str = "unit"

    @property
    def targets(self) -> list[str]:
        return list(dict.fromkeys(self.rows["target"].astype(str)))

    def of_target(self, target: str) -> pd.DataFrame:
        """The target's rows, features in the run's order."""
        return self.rows[self.rows["target"].astype(str) == str(target)].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """One row per target: the prediction, the base value, R2 and the faithfulness scores present."""
        present = [name for name in SUMMARY_COLUMNS if name in self.rows.columns]
        first = self.rows.groupby("target", sort=False)[present].first().reset_index()
        first["target"] = first["target"].astype(str)
        return first.dropna(axis=1, how="all")

    def csv(self) -> str:
        """The unit's rows as CSV text (what the dock copies)."""
        return self.rows.to_csv(index=False, lineterminator="\n")

    def limit(self, target: str) -> float:
        """The colour scale's limit for ``target`` (the largest |attribution|; 1 when all are 0)."""
        value = self.scale.get(str(target))
        if value is None or not np.isfinite(value) or value <= 0:
            values = np.abs(self.of_target(target)["attribution"].to_numpy(dtype=float))
            value = float(np.nanmax(values)) if np.isfinite(values).any() else 0.0
        return value or 1.0


def make_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the table's columns in order (missing ones empty) and the faithfulness columns it has;
    ``unit_id`` and ``feature`` as text."""
    rows = frame.copy()
    for name in TABLE_COLUMNS:
        if name not in rows.columns:
            rows[name] = np.nan
    rows["unit_id"] = [id_text(value) for value in rows["unit_id"]]
    rows["feature"] = [id_text(value) for value in rows["feature"]]
    extra = [name for name in FAITHFULNESS_COLUMNS if name in rows.columns]
    return rows[TABLE_COLUMNS + extra].reset_index(drop=True)


def scales(table: pd.DataFrame) -> dict[str, float]:
    """Target -> the largest |attribution| over every row of ``table`` (a whole output)."""
    values = table.assign(size=table["attribution"].abs()).groupby(table["target"].astype(str))["size"].max()
    return {str(target): float(value) for target, value in values.items() if np.isfinite(value)}


def feature_spans(rows: pd.DataFrame, band_numbers: bool = False) -> dict[str, list[tuple[float, float]]]:
    """Each feature's runs of bands on the spectrum's x axis, from ``wavelengths_nm`` (``"620-670, 700"``):
    wavelengths in nm, or with ``band_numbers`` the 1-based band numbers of index runs (``"i40-i60"``).
    Features without ranges (segments) are left out."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for feature, text in rows.drop_duplicates("feature")[["feature", "wavelengths_nm"]].itertuples(index=False):
        runs = [_RUN.match(part) for part in str(text or "").split(",")] if isinstance(text, str) else []
        found = [(float(m.group(2)), float(m.group(3) or m.group(2)), bool(m.group(1))) for m in runs if m]
        if found and all(indexed == band_numbers for _, _, indexed in found):
            spans[str(feature)] = [(low + band_numbers, high + band_numbers) for low, high, _ in found]
    return spans


def compare(current: UnitView, pinned: UnitView, target: str) -> pd.DataFrame:
    """The two units' attributions of ``target`` side by side, feature by feature (features of both, the
    current unit's order first): ``feature``, ``current``, ``pinned``, ``difference`` (current - pinned) and
    its 95 % half-width from both standard errors (NaN where either unit has none)."""
    mine = current.of_target(target).set_index("feature")
    theirs = pinned.of_target(target).set_index("feature")
    features = list(dict.fromkeys(list(mine.index) + list(theirs.index)))
    joined = pd.DataFrame({"current": mine["attribution"], "pinned": theirs["attribution"],
                           "se_current": mine["se"], "se_pinned": theirs["se"]}).reindex(features)
    joined["difference"] = joined["current"] - joined["pinned"]
    joined["half_width"] = half_width(np.hypot(joined["se_current"].astype(float), joined["se_pinned"].astype(float)))
    return joined.rename_axis("feature").reset_index()[["feature", "current", "pinned", "difference", "half_width"]]


def id_text(value) -> str:
    """An id or feature as text, as a layer shows it: whole numbers without ``.0``, missing as empty."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value.item() if isinstance(value, np.generic) else value)
