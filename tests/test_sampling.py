"""Sampling schemes, their determinism, and the batching of model evaluations."""
import itertools
import math

import numpy as np
import pytest
import torch

from hsi_lime_plugin import HsiLimeError, explain
from hsi_lime_plugin.models import device as device_module
from hsi_lime_plugin.perturbation.sampling import (
    LIME_SAMPLINGS,
    SHAPLEY_SAMPLINGS,
    combinations,
    draw_lime,
    draw_orthogonal,
    draw_shapley,
    shapley_kernel,
    shapley_size_distribution,
)


@pytest.mark.parametrize("sampling", LIME_SAMPLINGS)
@pytest.mark.parametrize("n_samples, n_features", [(2, 3), (101, 7), (256, 40), (500, 1)])
def test_lime_samples_are_binary_and_start_all_on(sampling, n_samples, n_features):
    samples = draw_lime(sampling, n_samples, n_features, seed=4)
    assert samples.shape == (n_samples, n_features) and samples.dtype == torch.float32
    assert set(samples.unique().tolist()) <= {0.0, 1.0}
    assert torch.all(samples[0] == 1)


@pytest.mark.parametrize("sampling", LIME_SAMPLINGS)
def test_lime_samples_are_fair_coin_flips_per_feature(sampling):
    """Each scheme keeps LIME's distribution: every feature kept half the time, sizes binomial."""
    samples = torch.cat([draw_lime(sampling, 512, 16, seed)[1:] for seed in range(20)])
    assert samples.mean(dim=0).sub(0.5).abs().max() < 0.03
    sizes = samples.sum(dim=1)
    assert sizes.mean() == pytest.approx(8.0, abs=0.1)
    assert sizes.var() == pytest.approx(4.0, rel=0.1)


@pytest.mark.parametrize("sampling", LIME_SAMPLINGS)
def test_same_seed_same_samples(sampling):
    first, again, other = (draw_lime(sampling, 300, 20, seed) for seed in (7, 7, 8))
    assert torch.equal(first, again)
    assert not torch.equal(first, other)


@pytest.mark.parametrize("sampling", ["antithetic", "stratified"])
def test_paired_schemes_follow_each_sample_with_its_complement(sampling):
    samples = draw_lime(sampling, 201, 12, seed=0)
    assert torch.all(samples[1] == 0)
    assert torch.equal(samples[3::2], 1 - samples[2:-1:2])


def test_orthogonal_blocks_separate_features_and_pairs():
    """One block of 256 rows: +-1 columns orthogonal, and every pair product orthogonal to every
    column (resolution IV). Forcing row 0 all on moves each of these sums by at most 2."""
    design = 2 * draw_orthogonal(256, 40, seed=3) - 1
    gram = design.T @ design
    assert (gram - 256 * torch.eye(40)).abs().max() <= 2
    pairs = torch.stack([design[:, i] * design[:, j] for i, j in itertools.combinations(range(40), 2)], dim=1)
    assert (pairs.T @ design).abs().max() <= 2
    independent = 2 * draw_lime("bernoulli", 256, 40, seed=3) - 1
    assert (independent.T @ independent - 256 * torch.eye(40)).abs().max() > 20


def test_orthogonal_rows_cut_from_a_block_stay_balanced():
    samples = draw_orthogonal(100, 10, seed=1)
    assert samples.shape == (100, 10)
    assert samples[1:].mean(dim=0).sub(0.5).abs().max() < 0.15


def test_unknown_or_impossible_sampling_is_refused():
    with pytest.raises(HsiLimeError, match="sampling"):
        draw_lime("latin", 10, 3, 0)
    with pytest.raises(HsiLimeError, match="sampling"):
        draw_shapley("sobol", 10, 3, 0)
    with pytest.raises(HsiLimeError, match="Sobol"):
        draw_lime("sobol", 10, torch.quasirandom.SobolEngine.MAXDIM + 1, 0)


def test_combinations_lists_every_subset_once():
    for n, k in [(6, 1), (6, 3), (9, 4), (10, 10)]:
        expected = sorted(itertools.combinations(range(n), k))
        assert [tuple(row) for row in combinations(n, k).tolist()] == expected


def test_shapley_kernel_and_size_distribution():
    samples = torch.tensor([[1, 1, 1, 1], [0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0]], dtype=torch.float32)
    expected = [0, 0, 3 / (4 * 1 * 3), 3 / (6 * 2 * 2), 3 / (4 * 3 * 1)]
    np.testing.assert_allclose(shapley_kernel(samples).numpy(), expected)
    sizes = shapley_size_distribution(4).numpy()
    np.testing.assert_allclose(sizes, np.array([1 / 3, 1 / 4, 1 / 3]) / (11 / 12))


def test_enough_samples_enumerate_every_coalition():
    samples, weights, exact = draw_shapley("stratified", 40, 5, seed=0)
    assert exact and samples.shape == (32, 5)
    assert torch.all(samples[0] == 1) and torch.all(samples[1] == 0)
    assert len(torch.unique(samples, dim=0)) == 32
    assert weights[0] == 0 and weights[1] == 0 and torch.all(weights[2:] > 0)


@pytest.mark.parametrize("sampling", SHAPLEY_SAMPLINGS)
def test_shapley_samples_give_each_size_its_kernel_share(sampling):
    n_features = 16
    samples, weights, exact = draw_shapley(sampling, 3001, n_features, seed=2)
    assert not exact and samples.shape == (3001, n_features)
    assert torch.all(samples[0] == 1) and torch.all(samples[1] == 0) and weights[0] == weights[1] == 0
    sizes = samples.sum(dim=1).long()
    assert sizes[2:].min() >= 1 and sizes[2:].max() <= n_features - 1
    per_size = torch.bincount(sizes, weights=weights, minlength=n_features + 1)[1:-1]
    share = (per_size / per_size.sum()).numpy()
    tolerance = 1e-12 if sampling == "stratified" else 0.03
    np.testing.assert_allclose(share, shapley_size_distribution(n_features).numpy(), atol=tolerance)


def test_stratified_shapley_enumerates_the_smallest_sizes():
    n_features = 12
    samples, _, _ = draw_shapley("stratified", 600, n_features, seed=0)
    sizes = samples.sum(dim=1).long()
    for size in (1, 2, n_features - 2, n_features - 1):
        chosen = samples[sizes == size]
        assert len(chosen) == math.comb(n_features, size) == len(torch.unique(chosen, dim=0))


@pytest.fixture(scope="module")
def scene():
    generator = np.random.default_rng(1)
    image = generator.uniform(0.2, 1.0, size=(5, 16, 24)).astype(np.float32)
    rows = np.minimum(np.arange(16) * 4 // 16, 3)
    cols = np.minimum(np.arange(24) * 6 // 24, 5)
    labels = (rows[:, None] * 6 + cols[None, :] + 1).astype(np.int64)
    one_hot = torch.nn.functional.one_hot(torch.as_tensor(labels) - 1).to(torch.float32)
    averaging = one_hot / one_hot.sum(dim=(0, 1))

    def model(batch):
        means = torch.einsum("bhw,hws->bs", batch.mean(dim=1), averaging) * 3
        return torch.stack([means[:, 0] * means[:, 7] * means[:, 9], means.max(dim=1).values,
                            torch.tanh(means[:, :12].sum(dim=1) - means[:, 12:].sum(dim=1))], dim=1)

    return image, labels, model


METHOD_SAMPLINGS = [("lime", s) for s in LIME_SAMPLINGS] + [("kernelshap", s) for s in SHAPLEY_SAMPLINGS]


@pytest.mark.parametrize("method, sampling", METHOD_SAMPLINGS)
def test_explanations_are_bit_identical_for_one_seed_on_the_cpu(scene, method, sampling):
    image, labels, model = scene
    options = dict(method=method, sampling=sampling, n_samples=150, batch_size=32, device="cpu")
    runs = [explain(model, image, labels, seed=s, **options) for s in (5, 5, 6)]
    assert runs[0].sampling == sampling and runs[0].method == method
    assert np.array_equal(runs[0].coefficients, runs[1].coefficients)
    assert np.array_equal(runs[0].standard_error, runs[1].standard_error)
    assert not np.array_equal(runs[0].coefficients, runs[2].coefficients)


def test_default_sampling_beats_independent_flips(scene):
    """The default needs fewer samples: at N its seed-to-seed spread is below that of coin flips."""
    image, labels, model = scene

    def spread(sampling):
        runs = np.stack([
            explain(model, image, labels, sampling=sampling, n_samples=256, seed=s, device="cpu").coefficients
            for s in range(10)
        ])
        return np.sqrt(runs.var(axis=0).mean())

    assert explain(model, image, labels, n_samples=16, device="cpu").sampling == "orthogonal"
    assert spread("orthogonal") < 0.8 * spread("bernoulli")


def test_autocast_is_a_no_op_on_the_cpu(scene):
    image, labels, model = scene
    plain = explain(model, image, labels, n_samples=64, device="cpu")
    autocast = explain(model, image, labels, n_samples=64, device="cpu", autocast=True)
    assert np.array_equal(plain.coefficients, autocast.coefficients)


def test_automatic_batch_size_has_one_shape_and_the_same_result(scene):
    image, labels, model = scene
    shapes = set()

    def recording(batch):
        shapes.add(tuple(batch.shape))
        return model(batch)

    automatic = explain(recording, image, labels, n_samples=100, device="cpu")
    assert automatic.batch_size == 64  # the CPU budget allows far more; MAX_BATCH_SIZE caps it
    assert shapes == {(64, 5, 16, 24)}


def test_batch_size_from_free_cuda_memory(monkeypatch):
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda device=None: (800_000, 1_000_000))
    cuda = torch.device("cuda")
    # half of the free memory, 4 bytes of activations per input byte
    assert device_module.choose_batch_size(2_000, 1_000, cuda) == 800_000 // 2 // 8_000
    assert device_module.choose_batch_size(100_000, 1_000, cuda) == 1
    assert device_module.choose_batch_size(10, 1_000, cuda) == device_module.MAX_BATCH_SIZE
    assert device_module.choose_batch_size(10, 20, cuda) == 20
    cpu = torch.device("cpu")
    per_sample = device_module.CPU_BATCH_BUDGET // (device_module.ACTIVATION_FACTOR * 10)
    assert device_module.choose_batch_size(per_sample, 1_000, cpu) == 10
