"""Spectral resampling: a raster of one sensor read as the bands a model was trained on.

When a model card lists ``input.wavelengths`` and the raster's differ, the raster is
resampled to the card's bands by linear interpolation (a matrix applied batch-wise on the
device, after perturbation, so attributions stay on the raster's own bands).
"""
from __future__ import annotations

import numpy as np

from ..errors import HsiLimeError, plural

#: Two wavelength lists closer than this everywhere (nm) are the same bands: no resampling.
WAVELENGTH_TOLERANCE = 0.5


def plan_resampling(raster: np.ndarray, target: np.ndarray, card, what: str, refuse: bool) -> tuple[np.ndarray, str]:
    """The interpolation matrix from the raster's to the card's wavelengths, and the warning to give.

    Refuses (with both wavelength ranges) card bands outside the raster's range, and any
    difference when resampling is refused by the caller or by the card.
    """
    low, high = raster.min(), raster.max()
    spacing = np.median(np.diff(np.sort(raster))) if len(raster) > 1 else WAVELENGTH_TOLERANCE
    margin = max(float(spacing), WAVELENGTH_TOLERANCE)
    outside = (target < low - margin) | (target > high + margin)
    both = f"raster: {describe_bands(len(raster), raster)}; model card {card.source}: {describe_bands(len(target), target)}"
    if outside.any():
        raise HsiLimeError(
            f"{what}: {int(outside.sum())} of the model's {len(target)} bands lie outside the raster's wavelength "
            f"range ({both}); the raster cannot be resampled to them. Choose a raster that covers "
            f"{wavelength_range(target)}."
        )
    distance = np.abs(target[:, None] - raster[None, :])
    nearest = distance.argmin(axis=1)
    shifts = distance[np.arange(len(target)), nearest]
    worst = int(shifts.argmax())
    largest = (
        f"largest shift {shifts[worst]:.2f} nm: the card's band at {target[worst]:.2f} nm is nearest to the "
        f"raster's band at {raster[nearest[worst]]:.2f} nm"
    )
    if refuse or card.spectral_resampling == "refuse":
        why = "the card says \"spectral_resampling\": \"refuse\"" if card.spectral_resampling == "refuse" \
            else "spectral resampling was refused"
        raise HsiLimeError(
            f"{what}: the raster's wavelengths differ from the model's ({both}; {largest}) and {why}; choose a "
            "raster with the model's bands, or allow resampling."
        )
    note = (
        f"{what}: the raster's wavelengths differ from the model's ({both}); resampling the raster spectrally "
        f"to the card's wavelengths by linear interpolation ({largest})."
    )
    return resampling_matrix(raster, target), note



def resampling_matrix(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The (len(target), len(source)) matrix of linear interpolation from ``source`` to ``target`` wavelengths.

    Row ``k`` holds the weights of the source bands that make target band ``k``: the two
    source bands around it, or the nearest edge band outside the source range. Every row
    sums to 1. ``source`` need not be sorted.
    """
    source = np.asarray(source, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    order = np.argsort(source, kind="stable")
    sorted_source = source[order]
    matrix = np.zeros((len(target), len(source)))
    for k, wavelength in enumerate(target):
        upper = int(np.searchsorted(sorted_source, wavelength, side="left"))
        if upper <= 0:
            matrix[k, order[0]] = 1.0
        elif upper >= len(source):
            matrix[k, order[-1]] = 1.0
        elif sorted_source[upper] == wavelength:
            matrix[k, order[upper]] = 1.0
        else:
            lower = upper - 1
            fraction = (wavelength - sorted_source[lower]) / (sorted_source[upper] - sorted_source[lower])
            matrix[k, order[lower]] += 1.0 - fraction
            matrix[k, order[upper]] += fraction
    return matrix


def raster_mean(resampling: np.ndarray, mean: np.ndarray, raster: np.ndarray, target: np.ndarray) -> np.ndarray:
    """A per-raster-band mean ``m`` close to the card's mean spectrum with ``resampling @ m == mean`` when solvable."""
    order = np.argsort(target)
    interpolated = np.interp(raster, target[order], mean[order])
    residual = mean - resampling @ interpolated
    return interpolated + np.linalg.lstsq(resampling, residual, rcond=None)[0]


def wavelength_range(wavelengths: np.ndarray) -> str:
    """"400.00-600.00 nm": the range of a wavelength list, for messages."""
    return f"{np.min(wavelengths):.2f}-{np.max(wavelengths):.2f} nm"


def describe_bands(n_bands: int, wavelengths: np.ndarray | None) -> str:
    """"6 bands, 400.00-600.00 nm" (or "no wavelengths"), for messages."""
    if wavelengths is None:
        return f"{plural(n_bands, 'band')}, no wavelengths"
    return f"{plural(n_bands, 'band')}, {wavelength_range(wavelengths)}"
