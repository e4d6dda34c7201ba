"""The result of an explanation: one linear surrogate (or Shapley values) per target."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import numpy as np

from ..errors import HsiLimeError, arg
from ..features.space import FeatureSpace


@dataclass
class Explanation:
    """The result of :func:`explain`: one linear surrogate per target.

    Attributes
    ----------
    kind : {"spatial", "spectral"}
    coefficients : numpy.ndarray
        (T, K) attribution of each feature for each target; for Kernel SHAP, the Shapley
        values, which sum to ``prediction - intercept``.
    intercept : numpy.ndarray
        (T,) the surrogate's intercept; for Kernel SHAP, the model's output on the baseline.
    score : numpy.ndarray
        (T,) weighted R2 of each target's surrogate: how well it mimics the model.
    standard_error : numpy.ndarray
        (T, K) standard error of each coefficient (see :mod:`hsi_lime_plugin.perturbation.surrogates`);
        NaN where the lasso set the coefficient to zero, 0 for exact Shapley values.
    target_names : list of str
        (T,) the explained outputs.
    feature_ids : numpy.ndarray
        (K,) the label of each column of ``coefficients``.
    features : numpy.ndarray
        The label map (H, W) or vector (C,) the explanation was computed on.
    prediction : numpy.ndarray
        (T,) the model's output on the unperturbed image.
    n_samples : int
        Model evaluations made (Kernel SHAP enumerating all 2**K coalitions makes 2**K).
    seconds : float
        Wall time of the explanation.
    device : str
    batch_size : int
    method : {"lime", "kernelshap"}
    sampling : str
        The sampling scheme used (:mod:`hsi_lime_plugin.perturbation.sampling`).
    base_value : numpy.ndarray
        (T,) the model's output with every feature removed (on the baseline): with
        ``prediction``, the scale an attribution is read against.
    precision : float
        The precision reached: for the least precise target, the half-width of the widest
        95 % interval over the target's largest |attribution| (what ``n_samples=0`` drives
        below its ``precision``).
    baseline : str
        What a removed feature became, in words (:meth:`~.baseline.Baseline.describe`).
    notes : list of str
        Warnings about the explanation a reader of its report must see (perturbations that changed
        nothing, :func:`~.baseline.check_changes`).
    """

    kind: str
    coefficients: np.ndarray
    intercept: np.ndarray
    score: np.ndarray
    standard_error: np.ndarray
    target_names: list[str]
    feature_ids: np.ndarray
    features: np.ndarray
    prediction: np.ndarray
    n_samples: int
    seconds: float
    device: str
    batch_size: int = 0
    method: str = "lime"
    sampling: str = ""
    precision: float = float("nan")
    base_value: np.ndarray | None = None
    baseline: str = ""
    notes: list = field(default_factory=list)

    def __post_init__(self):
        if self.base_value is None:  # built by hand (tests, older code): unknown
            self.base_value = np.full(len(self.target_names), np.nan)

    def reading(self) -> "Reading":
        """What this explanation says besides its attributions (what a map-scale run keeps of each unit)."""
        return Reading(list(self.target_names), self.method, int(self.n_samples), float(self.precision),
                       np.asarray(self.prediction, dtype=np.float64), np.asarray(self.base_value, dtype=np.float64),
                       np.asarray(self.score, dtype=np.float64), list(self.notes))

    @property
    def space(self) -> FeatureSpace:
        """The labels and coefficient columns this explanation was computed on."""
        return FeatureSpace(self.kind, np.asarray(self.features, dtype=np.int64), np.asarray(self.feature_ids))

    def maps(self) -> np.ndarray:
        """Attributions on the explained grid.

        Returns
        -------
        numpy.ndarray
            Spatial: (T, H, W), each pixel holding its segment's attribution, NaN where
            the pixel is in no feature. Spectral: (T, C), each band holding its
            superband's attribution, NaN for bands in no superband.
        """
        return self.space.spread(self.coefficients)

    def standard_error_maps(self) -> np.ndarray:
        """Standard errors on the explained grid, laid out as :meth:`maps`."""
        return self.space.spread(self.standard_error)

    def confidence_interval(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Normal confidence interval of every attribution.

        Parameters
        ----------
        level : float
            Coverage probability, in (0, 1).

        Returns
        -------
        low, high : numpy.ndarray
            (T, K) ``coefficients -/+ z * standard_error`` with ``z`` the normal quantile
            of ``(1 + level) / 2`` (1.96 for 0.95); NaN where the standard error is NaN.

        Notes
        -----
        The interval accounts for the scatter of the model outputs around the surrogate,
        not for a penalty's bias: with ridge it holds the truth at the stated rate when
        ``alpha`` is small against the weighted sample count (``tests/test_uncertainty.py``
        measures about 95% for a 95% interval); with lasso it is conditional on the
        selected features (:func:`surrogates.fit_lasso`).
        """
        if not 0.0 < level < 1.0:
            raise HsiLimeError(f"{arg('level')}: a confidence level lies strictly between 0 and 1, got {level}.")
        width = half_width(self.standard_error, level)
        return self.coefficients - width, self.coefficients + width


@dataclass(frozen=True)
class Reading:
    """The prediction, the base value and the surrogate's R2 per target, with the method, the samples used,
    the precision reached and the explanation's warnings: what the prediction is read against, without the
    attributions."""

    target_names: list
    method: str
    n_samples: int
    precision: float
    prediction: np.ndarray
    base_value: np.ndarray
    score: np.ndarray
    notes: list = field(default_factory=list)


def half_width(standard_error, level: float = 0.95):
    """Half-width of the normal ``level`` interval for ``standard_error`` (array or tensor): the one
    definition of the interval, used by :meth:`Explanation.confidence_interval` and the automatic
    sample count."""
    return statistics.NormalDist().inv_cdf((1.0 + level) / 2.0) * standard_error
