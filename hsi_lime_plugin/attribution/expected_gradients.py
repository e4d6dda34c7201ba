"""Integrated Gradients over a background set: expected gradients (captum's ``GradientShap``).

With a background set the reference of Integrated Gradients is no single image but the set:
the attribution of every band of every pixel is the expectation over background spectra b
(weights w_b) and path points alpha of

    (x - b) * grad f(b + alpha (x - b)),

whose sum over pixels and bands is f(x) - E_b f(b) (Erion et al. 2021, "expected gradients";
captum calls it ``GradientShap``). A background spectrum stands at every pixel that holds data;
pixels without data keep their value, so they get no attribution.

Two ways to take the expectation, as for the perturbation methods
(:class:`~hsi_lime_plugin.perturbation.background.ExpectationPlan`):

* ``exact``: every background spectrum with each of ``n_steps`` Gauss-Legendre points on
  [0, 1] (weights w_b times the rule's): Integrated Gradients from each spectrum, averaged;
* ``sampled``: ``n_steps`` pairs (b, alpha), b drawn by weight and alpha uniform on [0, 1] (both
  seeded), each weighing 1 / n_steps: expected gradients as its authors and captum compute it.

Every pair is one image of a batch; one forward pass per batch serves every target, one
backward pass per target.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..perturbation.baseline import Baseline
from ..reporting import Reporter

#: Offset of the seed the sampled mode draws with (independent of other draws of the run).
DRAW_SEED_OFFSET = 7_919


@dataclass(frozen=True)
class PathDraws:
    """The (background spectrum, path point, weight) of every image the expectation evaluates, each (J,)."""

    spectra: torch.Tensor
    alphas: torch.Tensor
    weights: torch.Tensor

    @classmethod
    def of(cls, baseline: Baseline, n_steps: int, seed: int) -> "PathDraws":
        """The draws of ``baseline``'s mode: every spectrum at each Gauss-Legendre point (exact), or ``n_steps``
        spectra drawn by weight with uniform points (sampled)."""
        weights = baseline.plan.weights
        if baseline.plan.mode == "exact":
            nodes, rule = np.polynomial.legendre.leggauss(int(n_steps))
            alphas, rule = torch.as_tensor((nodes + 1) / 2), torch.as_tensor(rule / 2)
            spectra = torch.arange(len(weights)).repeat_interleave(len(alphas))
            return cls(spectra, alphas.repeat(len(weights)), (weights[:, None] * rule[None]).reshape(-1))
        generator = torch.Generator().manual_seed((int(seed) + DRAW_SEED_OFFSET) % (2**63))
        spectra = torch.multinomial(weights, int(n_steps), replacement=True, generator=generator)
        alphas = torch.rand(int(n_steps), generator=generator, dtype=torch.float64)
        return cls(spectra, alphas, torch.full((int(n_steps),), 1.0 / int(n_steps), dtype=torch.float64))


def expected_gradients(model, inputs: torch.Tensor, baseline: Baseline, mask: np.ndarray | None, draws: PathDraws,
                       targets: list[int], batch: int, reporter: Reporter) -> torch.Tensor:
    """Attributions (T, C, H, W) of ``model`` at ``inputs`` (C, H, W, perturbation space) for ``targets``.

    ``baseline`` holds the background spectra, each standing at every valid pixel of ``mask`` (pixels
    without data hold the image's values); ``draws`` say which spectrum, which path point and which weight
    each evaluated image has. Attributions are in perturbation space, which for an affine preparation
    equals the raw difference times the raw gradient.
    """
    total = torch.zeros((len(targets),) + tuple(inputs.shape), dtype=torch.float64, device=inputs.device)
    valid = None if mask is None else torch.as_tensor(mask, device=inputs.device)[None, None]
    count = len(draws.alphas)
    for start in range(0, count, batch):
        reporter.check_cancelled()
        part = slice(start, min(start + batch, count))
        origin = baseline.rows[draws.spectra[part].to(inputs.device)][:, :, None, None].expand(-1, -1,
                                                                                            *inputs.shape[1:])
        origin = origin if valid is None else torch.where(valid, origin, inputs[None])
        alpha = draws.alphas[part].to(inputs.device, inputs.dtype)[:, None, None, None]
        difference = inputs[None] - origin
        points = (origin + alpha * difference).detach().requires_grad_()
        with torch.enable_grad():
            outputs = model(points)
            for index, target in enumerate(targets):
                (gradient,) = torch.autograd.grad(outputs[:, target].sum(), points,
                                                  retain_graph=index < len(targets) - 1)
                weight = draws.weights[part].to(inputs.device)[:, None, None, None]
                total[index] += (weight * (difference * gradient).to(torch.float64)).sum(dim=0)
        reporter.progress(part.stop / count)
    return total.to(inputs.dtype)

