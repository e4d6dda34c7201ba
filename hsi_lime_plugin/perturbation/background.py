"""Baselines drawn from the data: a background set of spectra, and the model's expectation over it.

A constant baseline answers "what changes when these features become 0 (or the image's mean)?";
a background set answers "what changes when they take the values real spectra of the scene
have?". The value of a coalition S of features is the expectation over the background,

    v(S) = sum_b w_b f(x_S, b_notS),

the interventional Shapley definition (shap's ``KernelExplainer`` with a background data set).
A background spectrum replaces a removed superband by its own values in those bands, and a
removed segment by itself at every pixel: one spectrum for the whole segment (for all removed
segments) in one evaluation. Kernel SHAP's attributions then add up to f(x) - E_b f(b), the
base value.

* :class:`Background`: the set: raw spectra, their weights and where they came from;
* :func:`summarise`: a weighted k-means summary of many spectra (as ``shap.kmeans`` does: the
  cluster centres, weighted by the clusters' sizes; scikit-learn's ``KMeans``);
* :class:`ExpectationPlan`: which (coalition, background spectrum) pairs are evaluated and how
  they are weighted, ``exact`` (every coalition against every spectrum) or ``sampled`` (each
  coalition against one spectrum drawn by weight: as many model evaluations as a constant
  baseline; the coalition with every feature removed against all of them, so that the base
  value is exact);
* :class:`ExpectedEvaluator`: the model's expected outputs for binary samples, through the
  batched evaluator (:mod:`.evaluator`), which writes each image with its own spectrum.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..errors import HsiLimeError, arg
from ..options import BACKGROUND_MODES
from ..reporting import Reporter

#: k-means restarts of a summary (the best of them is kept).
KMEANS_RESTARTS = 3
#: Offset of the seed the sampled mode draws background spectra with (independent of the coalitions' draws).
DRAW_SEED_OFFSET = 104_729


@dataclass(frozen=True, eq=False)
class Background:
    """A background set in the raster's raw units.

    Attributes
    ----------
    spectra : numpy.ndarray
        (B, C) float32 spectra (a summary's cluster centres, or the spectra themselves).
    weights : numpy.ndarray
        (B,) float64, non-negative, summing to 1 (a cluster's share of the spectra summarised).
    source : str
        Where the spectra came from, for the log and the report ("the valid pixels of scene.tif").
    n_spectra : int
        How many spectra were summarised (B when they were used as they are).
    """

    spectra: np.ndarray
    weights: np.ndarray
    source: str = "(given)"
    n_spectra: int = 0

    @classmethod
    def of(cls, spectra, weights=None, source: str = "(given)") -> "Background":
        """A set from (B, C) spectra and optional weights (equal when None), checked."""
        spectra = np.asarray(spectra, dtype=np.float32)
        if spectra.ndim != 2 or spectra.shape[0] == 0:
            raise HsiLimeError(
                f"{arg('background')}: expected (spectra, bands) values with at least one spectrum, got shape "
                f"{spectra.shape}; give the background's spectra as rows."
            )
        if not np.isfinite(spectra).all():
            raise HsiLimeError(f"{arg('background')}: the background holds NaN or infinite values; drop those spectra.")
        weights = np.full(len(spectra), 1.0) if weights is None else np.asarray(weights, dtype=np.float64)
        if weights.shape != (len(spectra),) or (weights < 0).any() or not weights.sum() > 0:
            raise HsiLimeError(
                f"{arg('background')}: {len(weights)} weights for {len(spectra)} spectra; give one non-negative "
                "weight per spectrum, not all 0."
            )
        return cls(spectra, weights / weights.sum(), source, len(spectra))

    @property
    def size(self) -> int:
        return int(len(self.spectra))

    @property
    def n_bands(self) -> int:
        return int(self.spectra.shape[1])

    def mean(self) -> np.ndarray:
        """(C,) the weighted mean spectrum E[b]."""
        return (self.weights[:, None] * self.spectra.astype(np.float64)).sum(axis=0)

    def describe(self) -> str:
        """What the set is, in words (log and report)."""
        count = f"{self.size} spectr{'um' if self.size == 1 else 'a'}"
        if self.n_spectra > self.size:
            return f"{count}, a weighted k-means summary of {self.n_spectra} spectra of {self.source}"
        weighted = "equally weighted" if np.ptp(self.weights) == 0 else "weighted by how often each occurs"
        return f"{count} of {self.source}, {weighted}"


def summarise(spectra, size: int, seed: int = 0, source: str = "(given)", n_spectra: int | None = None) -> Background:
    """The background of at most ``size`` spectra that stands for ``spectra`` (N, C).

    When there are no more than ``size`` distinct spectra, each is used, weighted by how often
    it occurs. Otherwise scikit-learn's ``KMeans`` (seeded, :data:`KMEANS_RESTARTS` restarts)
    clusters them into ``size`` clusters; the centres are the background and each weighs its
    cluster's share of the spectra, as ``shap.kmeans`` does. ``n_spectra``: how many spectra of
    the source the rows stand for (when they are a random sample of it), for the description.
    """
    size = check_size(size)
    spectra = np.asarray(spectra, dtype=np.float32)
    if spectra.ndim != 2 or len(spectra) == 0:
        raise HsiLimeError(
            f"{arg('background')}: the background is empty ({source}: not one valid pixel); choose a background "
            "with data (a raster with valid pixels, polygons over valid pixels of the raster)."
        )
    total = int(n_spectra or len(spectra))
    unique, counts = np.unique(spectra, axis=0, return_counts=True)
    if len(unique) <= size:
        background = Background.of(unique, counts, source)
    else:
        from sklearn.cluster import KMeans

        clusters = KMeans(n_clusters=size, n_init=KMEANS_RESTARTS, random_state=int(seed) % (2**32)).fit(spectra)
        counts = np.bincount(clusters.labels_, minlength=size)
        kept = counts > 0
        background = Background.of(clusters.cluster_centers_[kept], counts[kept], source)
    return Background(background.spectra, background.weights, source, max(total, background.size))


def check_size(size) -> int:
    """``background_size`` as a positive int, or the error that names it."""
    try:
        value = int(size)
    except (TypeError, ValueError):
        value = 0
    if value < 1 or value != float(size):
        raise HsiLimeError(
            f"{arg('background_size')}: {size} is not a number of spectra; give a whole number of at least 1 "
            "(16 is the default)."
        )
    return value


def check_mode(mode: str) -> str:
    """``background_mode`` checked against :data:`~hsi_lime_plugin.options.BACKGROUND_MODES`."""
    if mode not in BACKGROUND_MODES:
        raise HsiLimeError(
            f"{arg('background_mode')}: unknown mode '{mode}'; choose one of {', '.join(BACKGROUND_MODES)}."
        )
    return mode


class ExpectationPlan:
    """Which background spectrum each evaluation of each coalition uses, and its weight.

    Parameters
    ----------
    weights : torch.Tensor
        (B,) the background's weights.
    mode : {"exact", "sampled"}
    n_samples : int
        How many coalitions the run may evaluate (the sampled mode draws one spectrum for each, up front,
        so that the draws do not depend on how the coalitions are split into rounds).
    seed : int
        The run's seed (the draws use it plus :data:`DRAW_SEED_OFFSET`).
    """

    def __init__(self, weights: torch.Tensor, mode: str, n_samples: int, seed: int):
        self.weights = weights.to(torch.float64).cpu()
        self.mode = check_mode(mode)
        self.draws = None
        if mode == "sampled":
            generator = torch.Generator().manual_seed((int(seed) + DRAW_SEED_OFFSET) % (2**63))
            self.draws = torch.multinomial(self.weights, max(1, int(n_samples)), replacement=True,
                                           generator=generator)

    @property
    def size(self) -> int:
        return int(len(self.weights))

    def rows(self, samples: torch.Tensor, first: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The evaluations of binary ``samples`` (n, K), the run's samples ``first`` to ``first + n``
        (:meth:`evaluations` with the coalitions that keep every feature and those that keep none)."""
        return self.evaluations(*_binary_ends(samples.cpu()), first)

    def evaluations(self, full: torch.Tensor, empty: torch.Tensor,
                    first: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The evaluations of n perturbations, the run's ``first`` to ``first + n``, of which ``full`` (n,) leave
        the image as it is and ``empty`` (n,) remove every feature.

        Returns ``(owner, spectrum, weight)``, each (R,): the perturbation each evaluation belongs to, the
        background spectrum it uses and its weight in that perturbation's expectation. The image itself is
        one evaluation. In the exact mode every other perturbation gets every spectrum, weighted; in the
        sampled mode one drawn spectrum (weight 1), except the one that removes every feature, which gets all
        of them (the base value E_b f(b) is exact).
        """
        every = ~full if self.mode == "exact" else empty & ~full
        counts = torch.where(every, self.size, 1).to(torch.long)
        owner = torch.repeat_interleave(torch.arange(len(full)), counts)
        position = torch.arange(len(owner)) - torch.repeat_interleave(torch.cumsum(counts, 0) - counts, counts)
        if self.draws is None:
            single = torch.zeros(len(full), dtype=torch.long)
        else:
            single = self.draws[first:first + len(full)]
        spread = every[owner]
        spectrum = torch.where(spread, position, single[owner])
        weight = torch.where(spread, self.weights[position.clamp(max=self.size - 1)], torch.ones(len(owner),
                                                                                               dtype=torch.float64))
        return owner, spectrum, weight

    def count(self, samples: torch.Tensor) -> int:
        """How many model evaluations ``samples`` take."""
        return len(self.rows(samples)[0])


class ExpectedEvaluator:
    """The model's expectation over a background for perturbations: ``y[s] = sum_r weight_r f(image_r)``.

    Wraps an :class:`~.evaluator.Evaluator` whose perturbation writes each image with its own background
    spectrum (``rows``), and adds the evaluations of each perturbation up by the :class:`ExpectationPlan`.
    ``ends`` says which perturbations leave the image as it is and which remove every feature (default:
    binary samples, all ones and all zeros; occlusion windows say it of their bounds).
    """

    def __init__(self, evaluator, plan: ExpectationPlan, ends=None):
        self.evaluator, self.plan = evaluator, plan
        self.ends = ends or _binary_ends

    @property
    def model(self):
        return self.evaluator.model

    def evaluate(self, samples: torch.Tensor, reporter: Reporter, first: int = 0) -> torch.Tensor:
        """Expected outputs (n, T) float64 of ``samples`` (n rows), the run's samples ``first`` onwards."""
        owner, spectrum, weight = self.plan.evaluations(*self.ends(samples.cpu()), first)
        outputs = self.evaluator.evaluate(samples.cpu()[owner], reporter, rows=spectrum)
        expected = torch.zeros((len(samples), outputs.shape[1]), dtype=torch.float64, device=outputs.device)
        return expected.index_add_(0, owner.to(outputs.device), outputs * weight.to(outputs.device)[:, None])


def _binary_ends(samples: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Which binary samples keep every feature, and which keep none."""
    kept = samples.sum(dim=1)
    return kept == samples.shape[1], kept == 0
