"""Faithfulness scores against planted truth, against captum's infidelity, and of LIME on the demo scene."""
import numpy as np
import pytest
import torch

from hsi_lime_plugin import Explanation, RecordingReporter, explain, faithfulness
from hsi_lime_plugin.attribution.faithfulness import _samples

C, H, W, K = 3, 8, 8, 16


@pytest.fixture(scope="module")
def planted():
    generator = np.random.default_rng(0)
    labels = (np.arange(H)[:, None] // 2) * 4 + np.arange(W)[None] // 2 + 1  # 16 segments of 2 x 2
    weights = np.array([8.0, 6, 4, 2, 1, 0.5, 0.25, 0.1, 0, 0, 0, 0, -0.1, -0.5, -1, -2])[generator.permutation(K)]
    image = 1.0 + generator.random((C, H, W))
    onehot = torch.as_tensor((labels[None] == np.arange(1, K + 1)[:, None, None]) / 4.0)  # (K, H, W) means

    def model(batch):
        means = torch.einsum("bchw,khw->bk", batch.double(), onehot) / C
        return torch.tanh(0.2 * means @ torch.as_tensor(weights))[:, None].float()

    return labels, weights, image, model


def as_explanation(labels, scores):
    return Explanation("spatial", np.asarray(scores, dtype=float)[None], np.zeros(1), np.ones(1), np.zeros((1, K)),
                       ["t0"], np.arange(1, K + 1), labels, np.zeros(1), 0, 0.0, "cpu")


def test_the_true_order_beats_random_and_the_reversed_order_loses(planted):
    labels, weights, image, model = planted
    true = faithfulness(model, image, as_explanation(labels, weights), device="cpu", n_random=5, baseline="zero")
    reversed_ = faithfulness(model, image, as_explanation(labels, -weights), device="cpu", n_random=5, baseline="zero")
    assert true.deletion_auc[0] < true.random_deletion_auc[0] < reversed_.deletion_auc[0]
    assert true.insertion_auc[0] > true.random_insertion_auc[0] > reversed_.insertion_auc[0]
    assert true.random_deletion_auc[0] == reversed_.random_deletion_auc[0]  # the same seeded random orders
    assert true.deletion_curves[0, 0] == pytest.approx(1.0) and true.deletion_curves[0, -1] == pytest.approx(0.0)
    assert true.insertion_curves[0, 0] == pytest.approx(0.0) and true.insertion_curves[0, -1] == pytest.approx(1.0)
    # ROAD (removed pixels imputed from their neighbours): the true order also beats the reversed one
    assert true.road_deletion_auc[0] < reversed_.road_deletion_auc[0]
    assert np.isnan(true.baseline_rank_corr[0])  # measured by the runs (they know how an explanation was made)
    assert set(true.scores()["t0"]) == {
        "deletion_auc", "insertion_auc", "random_deletion_auc", "random_insertion_auc", "infidelity",
        "road_deletion_auc", "baseline_rank_corr",
    }


def test_infidelity_is_captums(planted):
    from captum.metrics import infidelity

    labels, weights, image, model = planted
    scores = weights[None] * 1.7  # any scale: the normalised definition fits it
    result = faithfulness(model, image, as_explanation(labels, scores[0]), device="cpu", n_perturbations=40, seed=3, baseline="zero")
    _, layout = _samples(scores, K, 3, 40, 3)
    removed = torch.as_tensor(layout["removed"], dtype=torch.float64)
    means = torch.as_tensor([image[:, labels == k].mean() for k in range(1, K + 1)])

    def forward(keep):
        return torch.tanh(0.2 * (keep * means) @ torch.as_tensor(weights))

    def perturb(inputs):
        return removed, inputs - removed

    theirs = infidelity(forward, perturb, torch.ones(1, K, dtype=torch.float64), torch.as_tensor(scores),
                        n_perturb_samples=40, normalize=True)
    assert result.infidelity[0] == pytest.approx(float(theirs[0]), rel=1e-4, abs=1e-9)


def test_lime_beats_random_on_the_demo_scene(tmp_path_factory):
    from hsi_lime_plugin import load_model, read_raster
    from hsi_lime_plugin.demo import build_demo
    from hsi_lime_plugin.features.segments import patch_segments

    paths = build_demo(tmp_path_factory.mktemp("demo"))
    cube = read_raster(str(paths.raster))
    model = load_model(str(paths.model), "cpu")
    model.match_raster(cube.shape[0], cube.wavelengths)
    labels = patch_segments(cube.valid, 16)
    result = explain(model, cube.data, labels, valid=cube.valid, n_samples=200, batch_size=32, baseline="zero")
    reporter = RecordingReporter()
    scores = faithfulness(model, cube.data, result, valid=cube.valid, batch_size=32, reporter=reporter, baseline="zero")
    assert scores.target_names == result.target_names and len(scores.target_names) == 4
    assert np.all(scores.deletion_auc < scores.random_deletion_auc)
    assert np.all(scores.insertion_auc > scores.random_insertion_auc)
    assert reporter.fractions[-1] == 1.0
