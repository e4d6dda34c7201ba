"""The feature space of an explanation: which pixels or bands each coefficient column stands for.

Features are given as integer labels: an (H, W) map for spatial explanations (segments),
a (C,) vector for spectral ones (superbands). Label 0 means "not a feature": those pixels
or bands keep their values in every sample. The explained features are the distinct
non-zero labels, in increasing order, one coefficient column each. This module holds the
one mapping between labels and columns that the engine, the tables and the workflows use.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..errors import HsiLimeError, arg
from ..options import KINDS


@dataclass(frozen=True)
class FeatureSpace:
    """Labels and their coefficient columns.

    Attributes
    ----------
    kind : {"spatial", "spectral"}
    labels : numpy.ndarray
        (H, W) or (C,) int64 labels as explained (for spatial: 0 outside the valid pixels).
    ids : numpy.ndarray
        (K,) the label of each coefficient column, increasing.
    """

    kind: str
    labels: np.ndarray
    ids: np.ndarray

    @classmethod
    def from_labels(cls, labels, shape: tuple[int, int, int], kind: str, valid=None) -> "FeatureSpace":
        """Check ``labels`` against an image of ``shape`` (C, H, W) and number their columns.

        Spatial labels are set to 0 where ``valid`` (H, W) is False: nodata pixels are
        never part of a feature.
        """
        if kind not in KINDS:
            raise HsiLimeError(f"{arg('kind')}: unknown kind '{kind}'; choose one of {', '.join(KINDS)}.")
        labels = _checked_labels(np.asarray(labels), shape, kind)
        if valid is not None and kind == "spatial":
            labels = np.where(valid, labels, 0)
        ids = np.unique(labels)
        ids = ids[ids != 0]
        if ids.size == 0:
            raise HsiLimeError(
                f"{arg('features')}: no {kind} feature to perturb (every label is 0 or outside the valid pixels)."
            )
        return cls(kind, labels, ids)

    @cached_property
    def columns(self) -> np.ndarray:
        """Same shape as ``labels``: the coefficient column of each pixel or band, -1 for label 0."""
        return self.column_of(self.labels)

    @property
    def n_features(self) -> int:
        return int(self.ids.size)

    def column_of(self, labels) -> np.ndarray:
        """The coefficient column of each label in ``labels``; -1 for a label not explained."""
        labels = np.asarray(labels, dtype=np.int64)
        position = np.clip(np.searchsorted(self.ids, labels), 0, self.n_features - 1)
        return np.where((labels != 0) & (self.ids[position] == labels), position, -1)

    def per_label(self, values: np.ndarray, labels) -> np.ndarray:
        """``values`` (T, K) picked for each label in ``labels`` (L,): (T, L), NaN where not explained."""
        return _pick(values, self.column_of(labels))

    def spread(self, values: np.ndarray) -> np.ndarray:
        """``values`` (T, K) laid out on the explained grid: (T, H, W) or (T, C), NaN outside features."""
        return _pick(values, self.columns)


def _pick(values: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """``values[:, columns]`` with NaN where a column is -1."""
    padded = np.concatenate([np.asarray(values, dtype=np.float64), np.full((len(values), 1), np.nan)], axis=1)
    return padded[:, np.where(columns >= 0, columns, padded.shape[1] - 1)]


def _checked_labels(labels: np.ndarray, shape: tuple[int, int, int], kind: str) -> np.ndarray:
    expected = shape[1:] if kind == "spatial" else shape[:1]
    if labels.shape != expected:
        what = "(height, width) segment map" if kind == "spatial" else "(bands,) superband vector"
        raise HsiLimeError(
            f"{arg('features')}: a {kind} explanation needs a {what} of shape {expected}, got {labels.shape}."
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise HsiLimeError(f"{arg('features')}: labels must be integers, got {labels.dtype}.")
    return labels.astype(np.int64, copy=False)
