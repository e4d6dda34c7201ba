"""Binary samples (coalitions) and their similarity weights, drawn all at once.

A sample is a 0/1 vector over the K features: 1 keeps the feature's original values,
0 replaces them with the baseline. The first sample keeps every feature, so the model's
output on the unperturbed image is always part of the fit.
"""
from __future__ import annotations

import torch

#: Default kernel width of the LIME similarity kernel (cosine distance in the binary space).
DEFAULT_KERNEL_WIDTH = 1.0


def draw_bernoulli(n_samples: int, n_features: int, seed: int) -> torch.Tensor:
    """Independent fair coin flips, (n_samples, n_features) float32 on the CPU.

    Drawn with a seeded CPU generator, so the samples (and therefore the explanation)
    are identical for the same seed on every device.
    """
    generator = torch.Generator().manual_seed(int(seed))
    samples = torch.randint(0, 2, (n_samples, n_features), generator=generator).to(torch.float32)
    samples[0] = 1.0
    return samples


def lime_weights(samples: torch.Tensor, kernel_width: float = DEFAULT_KERNEL_WIDTH) -> torch.Tensor:
    """Exponential kernel on the cosine distance to the all-ones sample, in binary space.

    ``d = 1 - |z| / sqrt(|z| K)`` (the cosine distance between ``z`` and the vector of
    ones), ``w = exp(-d^2 / (2 width^2))``, the kernel captum and meteors apply to the
    images themselves. Computing it on the binary samples costs O(N K) instead of one
    full-image similarity per sample.
    """
    kept = samples.sum(dim=1)
    n_features = samples.shape[1]
    cosine = torch.where(kept > 0, torch.sqrt(kept / n_features), torch.zeros_like(kept))
    distance = 1.0 - cosine
    return torch.exp(-(distance**2) / (2.0 * kernel_width**2))
