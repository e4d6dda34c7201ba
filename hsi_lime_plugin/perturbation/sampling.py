"""Binary samples (coalitions) and their weights, drawn all at once.

A sample is a 0/1 vector over the K features: 1 keeps the feature's original values,
0 replaces them with the baseline. The first sample keeps every feature, so the model's
output on the unperturbed image is always part of the fit.

LIME averages over samples in which every feature is kept with probability 1/2; the
schemes here all draw from that distribution sample by sample, but spread the samples
more evenly than independent coin flips, so the surrogate fit varies less between seeds:

``"bernoulli"``
    Independent fair coin flips (what captum and meteors do).
``"antithetic"``
    Complement pairs: every sample ``z`` is followed by ``1 - z``.
``"stratified"``
    Complement pairs whose coalition sizes are stratified: the number of kept features
    follows the binomial quantiles of evenly spaced probabilities instead of random
    ones, and the kept features are a uniformly random subset of that size.
``"sobol"``
    A scrambled Sobol sequence in ``[0, 1)^K`` thresholded at 1/2.
``"orthogonal"``
    Randomised two-level orthogonal arrays (regular fractional factorial designs of
    resolution IV): within each block of samples every feature is kept in half of the
    samples, every pair of features in a quarter, and no interaction of two features
    is confounded with a single feature, so the surrogate separates the features as
    well as N samples allow.

``benchmarks/sampling_error.py`` measures them (the error of the attributions against
a 16384-sample reference, N = 64 to 2048): on a 64-segment CNN problem and a nonlinear
24-segment one, "orthogonal" reaches the error of independent coin flips with about a
third of the samples (0.35 and 0.33 of them, geometric mean over N; never more than
coin flips, even at N = K), ahead of "sobol" (0.46, 0.40), "antithetic" (0.53, 0.63)
and "stratified" (0.55, 0.59), which are worse than coin flips when N < 2K. It is the
default. Kernel SHAP draws coalition sizes from the Shapley kernel instead (see
:func:`draw_shapley`). Every draw uses a seeded CPU generator: the same seed gives the
same samples, so the same explanation, on every device.
"""
from __future__ import annotations

import math

import torch

from ..errors import HsiLimeError
from ..options import DEFAULT_KERNEL_WIDTH

#: Sampling schemes of LIME and of Kernel SHAP.
LIME_SAMPLINGS = ("bernoulli", "antithetic", "stratified", "sobol", "orthogonal")
SHAPLEY_SAMPLINGS = ("bernoulli", "antithetic", "stratified")
#: The scheme each method uses unless told otherwise (chosen by benchmarks/sampling_error.py).
DEFAULT_SAMPLING = {"lime": "orthogonal", "kernelshap": "stratified"}
#: Largest K whose 2**K coalitions Kernel SHAP enumerates when the budget allows.
MAX_EXACT_FEATURES = 20


def _generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(int(seed))


def _all_on_first(samples: torch.Tensor) -> torch.Tensor:
    samples[0] = 1.0
    return samples


def draw_bernoulli(n_samples: int, n_features: int, seed: int) -> torch.Tensor:
    """Independent fair coin flips, (n_samples, n_features) float32 on the CPU; first row all on."""
    samples = torch.randint(0, 2, (n_samples, n_features), generator=_generator(seed)).to(torch.float32)
    return _all_on_first(samples)


def random_subsets(sizes: torch.Tensor, n_features: int, generator: torch.Generator) -> torch.Tensor:
    """One uniformly random subset of each size: (len(sizes), n_features) float32 0/1.

    The subset keeps the features whose rank in a random permutation is below the size,
    so all subsets are drawn in two sorts, without a loop over samples.
    """
    scores = torch.rand((len(sizes), n_features), generator=generator)
    ranks = scores.argsort(dim=1).argsort(dim=1)
    return (ranks < sizes[:, None]).to(torch.float32)


def _with_complements(first: torch.Tensor, n_samples: int) -> torch.Tensor:
    """Interleave each row with its complement, after the all-on/all-off pair; n_samples rows."""
    n_features = first.shape[1]
    ends = torch.stack([torch.ones(n_features), torch.zeros(n_features)])
    pairs = torch.stack([first, 1.0 - first], dim=1).reshape(-1, n_features)
    return torch.cat([ends, pairs])[:n_samples].contiguous()


def draw_antithetic(n_samples: int, n_features: int, seed: int) -> torch.Tensor:
    """Complement pairs ``(z, 1 - z)`` of fair coin flips; the first pair is all on, all off.

    Each sample is still a fair coin flip per feature, but a pair agrees on no feature,
    which cancels the part of the fit error that is odd in ``z`` (the pair's errors
    have opposite signs).
    """
    n_pairs = -(-(n_samples - 2) // 2)
    first = torch.randint(0, 2, (n_pairs, n_features), generator=_generator(seed)).to(torch.float32)
    return _with_complements(first, n_samples)


def _binomial_cdf(n_features: int) -> torch.Tensor:
    k = torch.arange(n_features + 1, dtype=torch.float64)
    log_pmf = (
        torch.lgamma(torch.tensor(n_features + 1.0, dtype=torch.float64))
        - torch.lgamma(k + 1)
        - torch.lgamma(n_features - k + 1)
        - n_features * math.log(2.0)
    )
    return torch.cumsum(torch.exp(log_pmf), 0)


def _stratified_uniform(n: int, generator: torch.Generator) -> torch.Tensor:
    """One uniform draw in each of the n equal strata of [0, 1), in random order."""
    jitter = torch.rand(n, generator=generator, dtype=torch.float64)
    order = torch.randperm(n, generator=generator).to(torch.float64)
    return (order + jitter) / n


def draw_stratified(n_samples: int, n_features: int, seed: int) -> torch.Tensor:
    """Complement pairs with stratified coalition sizes; the first pair is all on, all off.

    The first member of pair i keeps ``k_i`` features, ``k_i`` the binomial(K, 1/2)
    quantile of a uniform draw from the i-th of equal strata of [0, 1); the kept
    features are a uniformly random subset of that size. Each sample is thus marginally
    a fair coin flip per feature (the LIME distribution), while the sizes, which drive
    the kernel weights, cover the binomial evenly.
    """
    generator = _generator(seed)
    n_pairs = -(-(n_samples - 2) // 2)
    probabilities = _stratified_uniform(n_pairs, generator)
    cdf = _binomial_cdf(n_features)
    sizes = torch.searchsorted(cdf, probabilities, right=True).clamp(max=n_features)
    first = random_subsets(sizes, n_features, generator)
    return _with_complements(first, n_samples)


def draw_sobol(n_samples: int, n_features: int, seed: int) -> torch.Tensor:
    """A scrambled Sobol sequence thresholded at 1/2; first row all on.

    Sobol points fill the unit cube evenly, so the thresholded bits of any few features
    are close to balanced; scrambling (seeded) makes each point uniform.
    """
    if n_features > torch.quasirandom.SobolEngine.MAXDIM:
        raise HsiLimeError(
            f"sampling: Sobol sequences have at most {torch.quasirandom.SobolEngine.MAXDIM} dimensions, "
            f"the explanation has {n_features} features; choose sampling='stratified'."
        )
    engine = torch.quasirandom.SobolEngine(n_features, scramble=True, seed=int(seed))
    samples = (engine.draw(n_samples, dtype=torch.float32) >= 0.5).to(torch.float32)
    return _all_on_first(samples)


def _parity(n_bits: int) -> torch.Tensor:
    """Parity (number of ones mod 2) of each integer in [0, 2**n_bits), int64."""
    parity = torch.zeros(1, dtype=torch.long)
    for _ in range(n_bits):
        parity = torch.cat([parity, 1 - parity])
    return parity


def draw_orthogonal(n_samples: int, n_features: int, seed: int) -> torch.Tensor:
    """Randomised resolution IV two-level orthogonal arrays; first row all on.

    The samples come in blocks of ``B = 2**m`` rows, ``B`` the larger of the smallest
    power of two >= 2K and the largest power of two <= N. In a block, row ``i`` (an
    m-bit index) keeps feature k when ``parity(i & a_k) XOR s_k`` is 1: the generators
    ``a_k`` are K distinct m-bit codes with an odd number of ones, drawn at random, and
    the shifts ``s_k`` are fair coin flips. Distinct generators make the features'
    +-1 codes orthogonal over the block; odd ones make the sum of two generators never
    a generator, so no pair interaction aliases a feature (and every row's complement
    is in the block). The random shifts make each sample, on its own, a fair coin flip
    per feature: the LIME distribution. Blocks are independent; the rows of the last
    one, which may be cut short, come in random order.
    """
    generator = _generator(seed)
    n_bits = max(1, math.ceil(math.log2(2 * n_features)), int(math.log2(max(n_samples, 1))))
    block = 2**n_bits
    n_blocks = -(-n_samples // block)
    parity = _parity(n_bits)
    odd_codes = torch.nonzero(parity).squeeze(1)  # 2**(n_bits - 1) >= K codes
    choice = torch.rand((n_blocks, len(odd_codes)), generator=generator).argsort(dim=1)[:, :n_features]
    generators = odd_codes[choice]  # (blocks, K)
    shifts = torch.randint(0, 2, (n_blocks, n_features), generator=generator)
    rows = torch.rand((n_blocks, block), generator=generator).argsort(dim=1).reshape(-1)[:n_samples]
    owner = torch.arange(n_blocks).repeat_interleave(block)[:n_samples]
    bits = parity[rows[:, None] & generators[owner]] ^ shifts[owner]
    return _all_on_first(bits.to(torch.float32))


def draw_lime(sampling: str, n_samples: int, n_features: int, seed: int) -> torch.Tensor:
    """LIME samples with one of :data:`LIME_SAMPLINGS`, (n_samples, n_features) float32 on the CPU."""
    draw = {
        "bernoulli": draw_bernoulli,
        "antithetic": draw_antithetic,
        "stratified": draw_stratified,
        "sobol": draw_sobol,
        "orthogonal": draw_orthogonal,
    }
    if sampling not in draw:
        raise HsiLimeError(f"sampling: unknown LIME sampling '{sampling}'; choose one of {', '.join(LIME_SAMPLINGS)}.")
    return draw[sampling](n_samples, n_features, seed)


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


def shapley_size_distribution(n_features: int) -> torch.Tensor:
    """Probability of each coalition size 1..K-1 under the Shapley kernel, float64 (K-1,).

    The Shapley kernel gives a coalition of size k the weight
    ``(K - 1) / (C(K, k) k (K - k))``; summed over the C(K, k) coalitions of that size,
    size k has mass proportional to ``1 / (k (K - k))``.
    """
    k = torch.arange(1, n_features, dtype=torch.float64)
    mass = 1.0 / (k * (n_features - k))
    return mass / mass.sum()


def shapley_kernel(samples: torch.Tensor) -> torch.Tensor:
    """Shapley kernel weight of each coalition, float64; 0 for the all-on and all-off ones.

    Those two have infinite weight: Kernel SHAP imposes them as exact constraints (the
    intercept is f(baseline), the attributions sum to f(x) - f(baseline)) instead.
    """
    n_features = samples.shape[1]
    sizes = samples.to(torch.float64).sum(dim=1)
    inside = (sizes > 0) & (sizes < n_features)
    safe = torch.where(inside, sizes, torch.ones_like(sizes))
    log_binomial = (
        torch.lgamma(torch.tensor(n_features + 1.0, dtype=torch.float64))
        - torch.lgamma(safe + 1)
        - torch.lgamma(n_features - safe + 1)
    )
    weight = (n_features - 1) / (torch.exp(log_binomial) * safe * (n_features - safe))
    return torch.where(inside, weight, torch.zeros_like(weight))


def enumerate_coalitions(n_features: int) -> torch.Tensor:
    """All 2**K coalitions, (2**K, K) float32, all on first and all off second."""
    codes = torch.arange(2**n_features - 1, -1, -1)
    bits = (codes[:, None] >> torch.arange(n_features)) & 1
    bits = bits.to(torch.float32)
    return torch.cat([bits[:1], bits[-1:], bits[1:-1]])


def combinations(n_features: int, size: int) -> torch.Tensor:
    """All subsets of ``size`` features as sorted index rows, (C(K, size), size) int64.

    Built one position at a time (a loop over the size, not over subsets): every subset
    is extended by each feature after its last one.
    """
    subsets = torch.arange(n_features)[:, None]
    for _ in range(size - 1):
        last = subsets[:, -1]
        counts = n_features - 1 - last
        extended = subsets.repeat_interleave(counts, dim=0)
        first_new = torch.repeat_interleave(last + 1, counts)
        offset = torch.arange(len(extended)) - torch.repeat_interleave(torch.cumsum(counts, 0) - counts, counts)
        subsets = torch.cat([extended, (first_new + offset)[:, None]], dim=1)
    return subsets


def _complete_sizes(n_features: int, n_pairs: int, mass: torch.Tensor) -> tuple[torch.Tensor, int]:
    """Enumerate the smallest coalition sizes whose share of the pairs covers them entirely.

    Size k goes with its complement size K - k. Starting from k = 1, a size is
    enumerated when its kernel mass share of the pairs still left is at least its
    number of coalition pairs (as the reference SHAP implementation does). Returns the
    first members of the enumerated pairs, (P, K) float32, and the smallest size left
    to sample.
    """
    blocks = [torch.zeros((0, n_features))]
    pairs_left, mass_left = n_pairs, 1.0
    for size in range(1, n_features // 2 + 1):
        middle = 2 * size == n_features
        subsets = combinations(n_features, size) if math.comb(n_features, size) <= pairs_left else None
        if subsets is None:
            return torch.cat(blocks), size
        if middle:  # complements have the same size: keep the half that holds feature 0
            subsets = subsets[subsets[:, 0] == 0]
        size_mass = float(mass[size - 1]) * (1 if middle else 2)
        if pairs_left * size_mass / mass_left < len(subsets):
            return torch.cat(blocks), size
        blocks.append(torch.zeros((len(subsets), n_features)).scatter_(1, subsets, 1.0))
        pairs_left -= len(subsets)
        mass_left -= size_mass
    return torch.cat(blocks), n_features // 2 + 1


def draw_shapley(sampling: str, n_samples: int, n_features: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, bool]:
    """Coalitions and design weights for Kernel SHAP.

    Returns ``(samples, weights, exact)``: (N, K) float32 samples whose first two rows are
    all on and all off, (N,) float64 weights (0 for those two, which enter the fit as
    constraints), and whether the samples are all 2**K coalitions.

    When ``n_samples >= 2**K`` (and K <= :data:`MAX_EXACT_FEATURES`) every coalition is
    enumerated with its Shapley kernel weight, and the constrained fit returns the exact
    Shapley values. Otherwise the middle coalitions are drawn by size from
    :func:`shapley_size_distribution`, each a uniformly random subset of its size:

    * ``"bernoulli"``: sizes drawn independently, every sample weighs the same (the
      sampling distribution already is the kernel);
    * ``"antithetic"``: as "bernoulli", but each coalition followed by its complement;
    * ``"stratified"``: complement pairs; the smallest sizes (and their complements) are
      enumerated completely while the budget covers them (:func:`_complete_sizes`), the
      others get sizes at the quantiles of evenly spaced probabilities. Each sample
      weighs its size's kernel mass divided by the number of samples of that size, so
      every size counts exactly its share.

    In ``benchmarks/sampling_error.py``, "stratified" reaches the error of "bernoulli"
    with 0.23 (64-segment CNN) and 0.40 (nonlinear, 24 segments) of its samples and
    "antithetic" with 0.24 and 0.52 (geometric means over N = 64 to 2048); below about
    4K samples every scheme is poorly determined, paired ones most (N/2 independent
    equations for K - 1 unknowns).
    """
    if sampling not in SHAPLEY_SAMPLINGS:
        raise HsiLimeError(
            f"sampling: unknown Kernel SHAP sampling '{sampling}'; choose one of {', '.join(SHAPLEY_SAMPLINGS)}."
        )
    if n_features <= MAX_EXACT_FEATURES and n_samples >= 2**n_features:
        samples = enumerate_coalitions(n_features)
        return samples, shapley_kernel(samples), True
    generator = _generator(seed)
    mass = shapley_size_distribution(n_features)
    n_middle = n_samples - 2
    ends = torch.stack([torch.ones(n_features), torch.zeros(n_features)])
    if sampling == "bernoulli":
        probabilities = torch.rand(n_middle, generator=generator, dtype=torch.float64)
        sizes = 1 + torch.searchsorted(torch.cumsum(mass, 0), probabilities, right=True).clamp(max=n_features - 2)
        samples = torch.cat([ends, random_subsets(sizes, n_features, generator)])
        return samples, torch.cat([torch.zeros(2), torch.ones(n_middle)]).to(torch.float64), False

    n_pairs = -(-n_middle // 2)
    if sampling == "stratified":
        enumerated, smallest = _complete_sizes(n_features, n_middle // 2, mass)
        probabilities = _stratified_uniform(n_pairs - len(enumerated), generator)
    else:
        enumerated, smallest = torch.zeros((0, n_features)), 1
        probabilities = torch.rand(n_pairs, generator=generator, dtype=torch.float64)
    left = mass[smallest - 1 : n_features - smallest]  # sizes smallest .. K - smallest
    cdf = torch.cumsum(left / left.sum(), 0)
    sizes = smallest + torch.searchsorted(cdf, probabilities, right=True).clamp(max=len(left) - 1)
    first = torch.cat([enumerated, random_subsets(sizes, n_features, generator)])
    samples = _with_complements(first, n_samples)
    sizes = samples.sum(dim=1).to(torch.long)
    middle = (sizes > 0) & (sizes < n_features)
    if sampling == "antithetic":
        return samples, middle.to(torch.float64), False
    return samples, stratified_weights(samples), False


def stratified_weights(samples: torch.Tensor) -> torch.Tensor:
    """Kernel SHAP design weights of stratified coalitions: each size's kernel mass shared by the
    samples of that size (0 for the all-on and all-off coalitions, which enter as constraints).

    Computed from the samples themselves, so that any prefix of a stratified draw (the rounds
    of an automatic sample count) weighs every size exactly its share.
    """
    n_features = samples.shape[1]
    mass = shapley_size_distribution(n_features)
    sizes = samples.sum(dim=1).to(torch.long)
    middle = (sizes > 0) & (sizes < n_features)
    counts = torch.bincount(sizes[middle], minlength=n_features + 1).to(torch.float64)
    padded = torch.cat([torch.zeros(1, dtype=torch.float64), mass, torch.zeros(1, dtype=torch.float64)])
    share = padded / torch.clamp(counts, min=1.0) * middle.sum()
    return torch.where(middle, share[sizes], torch.zeros(len(sizes), dtype=torch.float64))
