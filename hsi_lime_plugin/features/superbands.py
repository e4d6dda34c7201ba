"""Superbands: groups of bands that a spectral explanation perturbs together.

A spectral explanation does not switch single bands of a hyperspectral pixel on and off:
neighbouring bands are strongly correlated, and hundreds of single-band features would
need far more perturbations than a model can afford. Instead the bands are grouped into
*superbands*, and each superband is one feature of the LIME surrogate. This module
resolves the groups of a ``BAND_GROUPS`` string (grammar in
:mod:`hsi_lime_plugin.features.band_grammar`, names from :mod:`hsi_lime_plugin.features.band_catalogue`)
against one raster's bands, and formats the bands of each superband as text.

* Within a group, bands are listed in the order the group names them: names in the
  order written, an index's bands in the order spyndex lists them (``AVI`` -> ``N`` then
  ``R``), ranges and indices in the order written, and the bands of one name or range
  in increasing band index; a band listed twice in a group counts once.
* Overlaps: a band belongs to the *first* group that claims it; a warning names both
  groups and the shared bands. A group left with no band of its own is an error.
* Bands in no group form one more superband, ``not_included``, perturbed as a feature
  of its own; with ``include_rest=False`` they are never perturbed (feature value 0).
* Bad bands (the raster's bad-band list: a sensor product's, ENVI's ``bbl``) belong to no superband and
  are never perturbed; one warning names them. A group that holds only bad bands is an error.

Warnings (through the reporter given to :func:`resolve_band_groups`):
shared bands, a spyndex band whose range lies partly or entirely outside the raster's
wavelength range (or between two raster bands), and a single wavelength snapped to a
band farther away than the median band spacing.

Errors are :class:`~hsi_lime_plugin.errors.HsiLimeError` with messages that start with
``BAND_GROUPS`` (``WAVELENGTHS`` for wavelengths that do not match the bands) and, for
anything tied to a place in the string, give its character number (the first character
is 1) and a caret line under the string: a syntax error, a missing or empty label, a
reserved or repeated label, a backwards range, an unknown name (with the closest names
suggested), a spyndex constant used as a band, an index with no optical band (radar
indices such as ``VVVHR``), names or wavelength groups on a raster without wavelengths,
a range or single wavelength outside the raster, a band index past the last band, a
group with no band in the raster or no band of its own, and an empty string.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .band_catalogue import (
    Catalogue, catalogue, format_wavelength, group_band_names, window_members,
)
from .band_grammar import (
    EXAMPLE, INPUT, REST_LABEL, GroupSpec, at_character, band_error, normalise_dashes, parse_band_groups,
)
from ..errors import HsiLimeError, arg
from ..reporting import Reporter, reporter_or_default

__all__ = ["DEFAULT_BAND_NAMES", "Superbands", "band_runs", "default_band_groups", "resolve_band_groups"]

#: The spyndex standard bands a first run groups by, when BAND_GROUPS is left empty.
DEFAULT_BAND_NAMES = ("B", "G", "R", "RE1", "RE2", "RE3", "N", "N2", "S1", "S2")


@dataclass
class Superbands:
    """Superbands of one raster: which feature each band belongs to.

    Attributes
    ----------
    features : numpy.ndarray of int64, shape (n_bands,)
        ``features[b] == k`` (1-based) means band ``b`` belongs to superband ``k``;
        0 means band ``b`` is never perturbed.
    labels : list of str
        Superband labels in feature order: feature value ``k`` is ``labels[k - 1]``.
        The last one is ``'not_included'`` when ungrouped bands form a feature.
    band_indices : list of list of int
        The 0-based bands of each superband, in the order the group names them.
    ranges_text : list of str
        Each superband's bands as text for tables and legends: wavelengths of runs of
        neighbouring bands (``'620-670'``, ``'462.1-475.3, 599.0-613.2'``), or band
        indices (``'i40-i60'``) when the raster has no wavelengths.
    """

    features: np.ndarray
    labels: list
    band_indices: list
    ranges_text: list

    @property
    def n_features(self) -> int:
        """Number of superbands, i.e. of interpretable features."""
        return len(self.labels)



# --------------------------------------------------------------------------- formatting


class _Grid:
    """Band wavelengths of a raster and the text formats derived from them."""

    def __init__(self, wavelengths: np.ndarray):
        self.values = wavelengths
        self.low, self.high = float(wavelengths.min()), float(wavelengths.max())
        unique = np.unique(wavelengths)
        self.spacing = float(np.median(np.diff(unique))) if unique.size > 1 else 0.0
        self.integral = bool(np.all(wavelengths == np.round(wavelengths)))

    def fmt(self, value: float) -> str:
        """A wavelength of this raster as text: no decimals when all its wavelengths are whole."""
        return f"{value:.0f}" if self.integral else f"{value:.1f}"

    def coverage(self) -> str:
        """'400-800 nm with 9 bands', for messages."""
        n = self.values.size
        return f"{self.fmt(self.low)}-{self.fmt(self.high)} nm with {n} band{'s' if n != 1 else ''}"


def band_runs(indices) -> list[tuple[int, int]]:
    """Runs of consecutive band indices as ``(first, last)`` pairs, in increasing order.

    Tables, legends and figures show a superband run by run (``'i40-i60'``,
    ``'620-670'``) rather than band by band.
    """
    ordered = np.unique(np.asarray(indices, dtype=np.int64))
    if ordered.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(ordered) != 1)
    starts = np.concatenate(([ordered[0]], ordered[breaks + 1]))
    stops = np.concatenate((ordered[breaks], [ordered[-1]]))
    return list(zip(starts.tolist(), stops.tolist()))


def _wavelength_text(indices, grid: _Grid | None) -> str:
    """'620-670' or '462.1-475.3, 599.0-613.2'; 'i40-i60' without wavelengths."""
    parts = []
    for first, last in band_runs(indices):
        if grid is None:
            parts.append(f"i{first}" if first == last else f"i{first}-i{last}")
        else:
            run = grid.values[first:last + 1]
            low, high = grid.fmt(run.min()), grid.fmt(run.max())
            parts.append(low if low == high else f"{low}-{high}")
    return ", ".join(parts)


def _bands_text(indices, grid: _Grid | None) -> str:
    """'i49-i71 (620.7-691.0 nm)', run by run: band indices and wavelengths."""
    parts = []
    for first, last in band_runs(indices):
        index_text = f"i{first}" if first == last else f"i{first}-i{last}"
        if grid is not None:
            index_text += f" ({_wavelength_text(range(first, last + 1), grid)} nm)"
        parts.append(index_text)
    return ", ".join(parts)


# --------------------------------------------------------------------------- resolving


def _no_wavelengths(text: str, pos: int, what: str) -> HsiLimeError:
    """The error for a name or wavelength group on a raster without wavelengths."""
    return band_error(text, pos, f"{what} {at_character(pos)} needs band wavelengths, but the raster has none: "
                                 f"give them with the {arg('wavelengths')} parameter (a comma-separated list of wavelengths "
                                 f"in nm, one per band, or a text file that lists them), or group bands by band "
                                 f"index, which needs no wavelengths, as in 'edge=i40-i60'.")


def _check_wavelengths(wavelengths, n_bands: int) -> _Grid | None:
    """The raster's wavelengths as a :class:`_Grid` (None without them), or a WAVELENGTHS error."""
    if wavelengths is None:
        return None
    try:
        values = np.asarray(wavelengths, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise HsiLimeError(f"{arg('wavelengths')}: cannot read the wavelengths as numbers ({exc}): give one "
                           f"wavelength in nm per band.") from None
    if values.ndim != 1 or values.size != n_bands:
        raise HsiLimeError(f"{arg('wavelengths')}: {values.size} wavelengths for a raster of {n_bands} bands: give "
                           f"exactly one wavelength in nm per band.")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise HsiLimeError(f"{arg('wavelengths')}: band i{bad[0]} has wavelength {values[bad[0]]}: every band needs a "
                           f"finite wavelength in nm.")
    return _Grid(values)




def _candidates(text: str, group: GroupSpec, grid: _Grid | None, n_bands: int, notes: list) -> list[int]:
    """The bands a group names, in its order (a band once), before overlaps are settled."""
    if group.kind == "names":
        chunks = _name_candidates(text, group, grid, catalogue(), notes)
    elif group.kind == "wavelengths":
        chunks = _wavelength_candidates(text, group, grid, notes)
    else:
        chunks = _index_candidates(text, group, n_bands)
    ordered = np.concatenate(chunks).astype(np.int64)
    _, first_seen = np.unique(ordered, return_index=True)
    return ordered[np.sort(first_seen)].tolist()


def _name_candidates(text: str, group: GroupSpec, grid: _Grid | None, names: Catalogue,
                     notes: list) -> list[np.ndarray]:
    """The bands inside the windows of a name group's spyndex bands, band by band."""
    canonical, bands_used = group_band_names(text, group, names)
    if grid is None:
        what = f"the band name '{group.items[0]}'" if canonical[0] in names.bands \
            else f"the index name '{group.items[0]}'"
        raise _no_wavelengths(text, group.item_positions[0], what)
    return window_members(text, group, bands_used, grid, names, notes)


def _wavelength_candidates(text: str, group: GroupSpec, grid: _Grid | None, notes: list) -> list[np.ndarray]:
    """The bands of a wavelength group, range by range (a single wavelength snaps to a band)."""
    if grid is None:
        raise _no_wavelengths(text, group.position, f"the wavelength group '{group.label}'")
    chunks: list[np.ndarray] = []
    for (low, high), pos in zip(group.items, group.item_positions):
        if high is None:
            chunks.append(np.array([_snap(text, pos, low, group.label, grid, notes)]))
            continue
        members = np.flatnonzero((grid.values >= low) & (grid.values <= high))
        if members.size == 0:
            raise band_error(text, pos, _empty_range_message(pos, low, high, group.label, grid))
        chunks.append(members)
    return chunks


def _index_candidates(text: str, group: GroupSpec, n_bands: int) -> list[np.ndarray]:
    """The bands of a band-index group, range by range; an index past the last band is an error."""
    chunks: list[np.ndarray] = []
    for (first, last), pos, item in zip(group.items, group.item_positions, group.item_texts):
        if last >= n_bands:
            bounds = [part.strip() for part in item.split("-")]
            bad = bounds[0] if first >= n_bands else bounds[-1]
            bad_pos = pos if first >= n_bands else pos + item.rindex(bad)
            raise band_error(text, bad_pos, f"band index {bad} {at_character(bad_pos)} is out of range: the raster "
                                            f"has {n_bands} band{'s' if n_bands != 1 else ''}, "
                                            f"i0 to i{n_bands - 1}.")
        chunks.append(np.arange(first, last + 1))
    return chunks


def _snap(text: str, pos: int, value: float, label: str, grid: _Grid, notes: list) -> int:
    """The band nearest a single wavelength (the lower index on a tie); notes a far snap."""
    if not grid.low - grid.spacing <= value <= grid.high + grid.spacing:
        raise band_error(text, pos, f"the wavelength {format_wavelength(value)} nm of group '{label}' "
                                    f"{at_character(pos)} lies outside the raster, which covers "
                                    f"{grid.coverage()}: choose a wavelength inside that range.")
    distances = np.abs(grid.values - value)
    band = int(np.argmin(distances))
    if distances[band] > grid.spacing:
        notes.append(f"wavelength {format_wavelength(value)} nm of group '{label}' snapped to band i{band} at "
                     f"{grid.fmt(grid.values[band])} nm, {distances[band]:.1f} nm away (the median band "
                     f"spacing is {grid.spacing:.1f} nm).")
    return band


def _empty_range_message(pos: int, low: float, high: float, label: str, grid: _Grid) -> str:
    """Why a wavelength range holds no band: outside the raster, or between two bands."""
    message = (f"the range {format_wavelength(low)}-{format_wavelength(high)} nm of group '{label}' "
               f"{at_character(pos)} contains no band of the raster, which covers {grid.coverage()}")
    if high < grid.low or low > grid.high:
        return message + ": choose a range inside it."
    below = np.flatnonzero(grid.values < low)
    above = np.flatnonzero(grid.values > high)
    before = below[np.argmax(grid.values[below])]
    after = above[np.argmin(grid.values[above])]
    return (message + f"; it falls between band i{before} ({grid.fmt(grid.values[before])} nm) and band "
                      f"i{after} ({grid.fmt(grid.values[after])} nm): widen the range.")


def default_band_groups(wavelengths, bad_bands=()) -> str:
    """The grouping used when none is given: the :data:`DEFAULT_BAND_NAMES` whose spyndex window
    lies inside the raster's wavelength range and holds a band (not a bad band) no earlier name took
    (e.g. ``"B; G; R; RE1; RE2; RE3; N"`` for a VNIR sensor)."""
    from .band_catalogue import catalogue

    if wavelengths is None:
        raise HsiLimeError(
            f"{INPUT} is empty, and the raster has no wavelengths to choose standard bands by; give groups by band "
            f"index (e.g. 'edge=i40-i60'), or the wavelengths with {arg('wavelengths')}."
        )
    values = np.asarray(wavelengths, dtype=np.float64)
    low, high = float(values.min()), float(values.max())
    windows = catalogue().bands
    inside, taken = [], np.zeros(values.size, dtype=bool)
    taken[list(bad_bands)] = True
    for name in DEFAULT_BAND_NAMES:
        members = (values >= windows[name][0]) & (values <= windows[name][1])
        # inside the range, and with a band of its own (a coarse sensor may hold N and N2 in one band)
        if low <= windows[name][0] and windows[name][1] <= high and (members & ~taken).any():
            inside.append(name)
            taken |= members
    if not inside:
        raise HsiLimeError(
            f"{INPUT} is empty, and none of the standard bands {', '.join(DEFAULT_BAND_NAMES)} lies inside the "
            f"raster's {low:.0f}-{high:.0f} nm; give the groups (e.g. 'low=400-500; high=500-600')."
        )
    return "; ".join(inside)


def resolve_band_groups(
    text: str, wavelengths, n_bands: int, include_rest: bool = True, reporter: Reporter | None = None,
    bad_bands=(),
) -> Superbands:
    """Turn a grouping string into superbands of one raster.

    Parameters
    ----------
    text : str or None
        The grouping string (input ``BAND_GROUPS``); grammar in the module documentation.
        Empty: :func:`default_band_groups`, the standard bands inside the raster's range.
    wavelengths : array-like of float, shape (n_bands,), or None
        Band centre wavelengths in nm, or None when the raster has none (then only
        band-index groups work).
    n_bands : int
        Number of bands of the raster.
    include_rest : bool, default True
        Whether the bands in no group form one more superband, ``'not_included'``
        (perturbed as a feature of its own); if False they are never perturbed.
    reporter : Reporter, optional
        Warned about what works but may not be what the user meant: bands shared by
        several groups, names partly outside the raster's range; and, once, about the bad bands.
    bad_bands : sequence of int
        The raster's bad bands (0-based): in no superband, never perturbed.

    Returns
    -------
    Superbands
        Feature vector, labels, bands and wavelength text of each superband.

    Raises
    ------
    HsiLimeError
        On any problem the user can fix: syntax, unknown names, names or wavelength
        groups without wavelengths, ranges or indices outside the raster, duplicate
        labels, a group with no band of its own, an empty string, or wavelengths that
        do not match the bands (input ``WAVELENGTHS``).
    """
    n_bands = int(n_bands)
    reporter = reporter_or_default(reporter)
    standard = text is None or not str(text).strip()
    if standard:
        _check_wavelengths(wavelengths, n_bands)
        text = default_band_groups(wavelengths, bad_bands)
        reporter.info(f"{INPUT}: empty, so the standard bands inside the raster's range: {text}")
    if n_bands < 1:
        raise ValueError(f"n_bands must be at least 1, got {n_bands}")
    groups = parse_band_groups(text)
    text = normalise_dashes(text)
    if not groups:
        raise HsiLimeError(f"{INPUT} is empty: give at least one group, as in '{EXAMPLE}'.")
    grid = _check_wavelengths(wavelengths, n_bands)

    notes: list[str] = []
    features = np.zeros(n_bands, dtype=np.int64)
    bad = np.zeros(n_bands, dtype=bool)
    bad[[int(b) for b in bad_bands if 0 <= int(b) < n_bands]] = True
    if bad.any():
        reporter.warning(f"{INPUT}: {_bands_text(np.flatnonzero(bad), grid)} are bad bands of the raster (its "
                         "bad-band list): they belong to no superband and are never perturbed.")
    labels: list[str] = []
    band_indices: list[list[int]] = []
    for group in groups:
        candidates = np.asarray(_candidates(text, group, grid, n_bands, notes), dtype=np.int64)
        own = _own_bands(text, group, _good(text, group, candidates, bad, grid), features, labels, grid, notes)
        labels.append(group.label)
        features[own] = len(labels)
        band_indices.append(own.tolist())

    for note in notes:  # the standard bands' windows overlap by design: said, not warned about
        (reporter.info if standard else reporter.warning)(f"{INPUT}: {note}")
    rest = np.flatnonzero((features == 0) & ~bad)
    if include_rest and rest.size:
        labels.append(REST_LABEL)
        features[rest] = len(labels)
        band_indices.append(rest.tolist())
    return Superbands(
        features=features,
        labels=labels,
        band_indices=band_indices,
        ranges_text=[_wavelength_text(b, grid) for b in band_indices],
    )


def _good(text: str, group: GroupSpec, candidates: np.ndarray, bad: np.ndarray, grid: _Grid | None) -> np.ndarray:
    """The candidates that are not bad bands; refuses a group of bad bands only."""
    good = candidates[~bad[candidates]]
    if candidates.size and not good.size:
        raise band_error(text, group.position,
                         f"the group '{group.label}' {at_character(group.position)} holds only bad bands of the "
                         f"raster, {_bands_text(candidates, grid)}, which are never perturbed: choose other bands.")
    return good


def _own_bands(text: str, group: GroupSpec, candidates: np.ndarray, features: np.ndarray, labels: list,
               grid: _Grid | None, notes: list) -> np.ndarray:
    """The candidates no earlier group claims; notes the shared ones, refuses a group left empty."""
    owners = features[candidates]
    own = candidates[owners == 0]
    for owner in np.unique(owners[owners > 0]):
        shared = candidates[owners == owner]
        notes.append(f"group '{group.label}' shares {shared.size} band{'s' if shared.size != 1 else ''} "
                     f"with the earlier group '{labels[owner - 1]}': {_bands_text(shared, grid)}; they "
                     f"stay in '{labels[owner - 1]}', the first group that claims them.")
    if own.size == 0:
        earlier = ", ".join(f"'{labels[o - 1]}'" for o in np.unique(owners))
        raise band_error(text, group.position,
                         f"the group '{group.label}' {at_character(group.position)} has no band of its own: all "
                         f"its bands, {_bands_text(candidates, grid)}, already belong to the earlier group"
                         f"{'s' if np.unique(owners).size > 1 else ''} {earlier}: remove it or move it "
                         f"before them.")
    return own
