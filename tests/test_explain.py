"""The explanation engine on models whose truth is known."""
import numpy as np
import pytest
import torch

from helpers.grids import grid_labels
from hsi_lime_plugin import Cancelled, HsiLimeError, RecordingReporter, explain


class SegmentMeanModel(torch.nn.Module):
    """Linear in the band-averaged mean value of each segment: y_t = sum_s W[t, s] * mean_s."""

    def __init__(self, labels, weights):
        super().__init__()
        one_hot = torch.nn.functional.one_hot(torch.as_tensor(labels) - 1).to(torch.float32)  # H, W, S
        self.register_buffer("averaging", one_hot / one_hot.sum(dim=(0, 1)))
        self.register_buffer("weights", torch.as_tensor(weights, dtype=torch.float32))

    def forward(self, batch):
        means = torch.einsum("bhw,hws->bs", batch.mean(dim=1), self.averaging)
        return means @ self.weights.T


@pytest.fixture(scope="module")
def scene():
    generator = np.random.default_rng(1)
    image = generator.uniform(0.2, 1.0, size=(6, 24, 30)).astype(np.float32)
    labels = grid_labels(24, 30, 4, 5)
    weights = generator.normal(size=(3, 20))
    return image, labels, weights


def test_linear_model_recovers_planted_weights_for_all_targets(scene):
    image, labels, weights = scene
    model = SegmentMeanModel(labels, weights)
    result = explain(model, image, labels, n_samples=400, batch_size=32, device="cpu", alpha=1e-6, baseline="zero")
    segment_means = np.array([image.mean(axis=0)[labels == s].mean() for s in range(1, 21)])
    truth = weights * segment_means  # removing segment s changes y_t by W[t, s] * mean_s
    assert result.coefficients.shape == (3, 20)
    np.testing.assert_array_equal(result.feature_ids, np.arange(1, 21))
    for t in range(3):
        assert np.corrcoef(result.coefficients[t], truth[t])[0, 1] > 0.99
        assert result.score[t] > 0.99
    np.testing.assert_allclose(result.coefficients, truth, atol=1e-3)
    assert result.target_names == ["t0", "t1", "t2"]


def test_single_segment_model_ranks_that_segment_first(scene):
    image, labels, _ = scene

    def model(batch):
        region = batch[:, :, labels == 7]
        return torch.stack([region.mean(dim=(1, 2)), batch.mean(dim=(1, 2, 3)) * 0], dim=1)

    result = explain(model, image, labels, n_samples=300, batch_size=50, device="cpu", baseline="zero")
    attributions = np.abs(result.coefficients[0])
    assert result.feature_ids[np.argmax(attributions)] == 7
    others = np.delete(attributions, 6)
    assert others.max() < 0.01 * attributions.max()


def test_maps_put_attributions_on_the_grid_with_nan_outside_features(scene):
    image, labels, weights = scene
    labels = labels.copy()
    labels[:, :3] = 0
    result = explain(SegmentMeanModel(np.maximum(labels, 1), weights), image, labels, n_samples=64, device="cpu", baseline="zero")
    maps = result.maps()
    assert maps.shape == (3, 24, 30)
    assert np.isnan(maps[:, :, :3]).all()
    s = result.feature_ids.tolist().index(labels[10, 10])
    assert maps[1, 10, 10] == result.coefficients[1, s]


def test_spectral_features_are_superbands(scene):
    image, _, _ = scene
    bands = np.array([1, 1, 2, 2, 0, 3])

    def model(batch):
        return torch.stack([batch[:, 2:4].mean(dim=(1, 2, 3)), batch[:, 5].mean(dim=(1, 2))], dim=1)

    result = explain(model, image, bands, kind="spectral", n_samples=200, device="cpu", baseline="zero")
    np.testing.assert_array_equal(result.feature_ids, [1, 2, 3])
    assert np.argmax(np.abs(result.coefficients[0])) == 1
    assert np.argmax(np.abs(result.coefficients[1])) == 2
    maps = result.maps()
    assert maps.shape == (2, 6)
    assert np.isnan(maps[:, 4]).all()
    assert maps[0, 2] == maps[0, 3] == result.coefficients[0, 1]


def test_same_seed_is_bit_identical_and_other_seed_differs(scene):
    image, labels, weights = scene
    model = SegmentMeanModel(labels, weights)
    runs = [explain(model, image, labels, n_samples=100, batch_size=16, seed=s, device="cpu", baseline="zero") for s in (3, 3, 4)]
    assert np.array_equal(runs[0].coefficients, runs[1].coefficients)
    assert not np.array_equal(runs[0].coefficients, runs[2].coefficients)


def test_batches_have_one_shape_and_progress_reaches_one(scene):
    image, labels, weights = scene
    inner = SegmentMeanModel(labels, weights)
    shapes = set()

    def model(batch):
        shapes.add(tuple(batch.shape))
        return inner(batch)

    reporter = RecordingReporter()
    explain(model, image, labels, n_samples=70, batch_size=32, device="cpu", reporter=reporter, baseline="zero")
    assert shapes == {(32, 6, 24, 30)}
    assert reporter.fractions == pytest.approx([1 / 3, 2 / 3, 1.0])


def test_cancel_stops_within_one_batch(scene):
    image, labels, weights = scene
    inner = SegmentMeanModel(labels, weights)
    calls = []

    def model(batch):
        calls.append(1)
        return inner(batch)

    with pytest.raises(Cancelled):
        explain(model, image, labels, n_samples=640, batch_size=32, device="cpu",
                reporter=RecordingReporter(cancelled=lambda: len(calls) >= 2), baseline="zero")
    assert len(calls) == 2


def test_invalid_pixels_are_zeroed_and_never_features(scene):
    image, labels, _ = scene
    valid = np.ones(labels.shape, bool)
    valid[labels == 1] = False
    seen = []

    def model(batch):
        seen.append(batch[:, :, labels == 1].abs().max().item())
        return batch.mean(dim=(1, 2, 3))[:, None]

    result = explain(model, image, labels, valid=valid, n_samples=32, device="cpu", baseline="zero")
    assert 1 not in result.feature_ids
    assert max(seen) == 0.0


def test_unknown_target_name_lists_valid_names(scene):
    image, labels, weights = scene
    from hsi_lime_plugin.models.card import ModelCard
    from hsi_lime_plugin.models.explainable import ExplainableModel

    model = ExplainableModel(SegmentMeanModel(labels, weights), ModelCard(targets=["P", "K", "Mg"]), torch.device("cpu"))
    with pytest.raises(HsiLimeError) as error:
        explain(model, image, labels, targets="P,Zn", n_samples=10, baseline="zero")
    assert str(error.value) == (
        "targets: 'Zn' is not a target of this model; valid names are P, K, Mg (or indices 0 to 2, or top:K); "
        "leave targets empty to explain them all."
    )
    result = explain(model, image, labels, targets="mg, 0", n_samples=10, baseline="zero")
    assert result.target_names == ["Mg", "P"]


def test_images_reach_the_model_channels_last_and_view_models_fall_back(scene):
    image, labels, weights = scene
    inner = SegmentMeanModel(labels, weights)
    layouts = []

    def convolution_model(batch):
        layouts.append(batch.is_contiguous(memory_format=torch.channels_last))
        return inner(batch)

    def view_model(batch):  # reshapes with view: needs the contiguous layout
        flat = batch.view(batch.shape[0], -1)
        return inner(flat.view(batch.shape))

    fast = explain(convolution_model, image, labels, n_samples=64, batch_size=16, device="cpu", baseline="zero")
    assert layouts and all(layouts)
    reporter = RecordingReporter()
    slow = explain(view_model, image, labels, n_samples=64, batch_size=16, device="cpu", reporter=reporter, baseline="zero")
    assert any("refused channels-last images" in note for note in reporter.infos)
    np.testing.assert_allclose(slow.coefficients, fast.coefficients, rtol=1e-5, atol=1e-7)
