"""Baselines from the data: background sets against shap, captum and closed forms; blur, inpaint, the degenerate
baseline refused, the sampled mode's intervals, ROAD and the baseline sensitivity."""
import itertools
import json
import math

import numpy as np
import pytest
import torch

from hsi_lime_plugin import RecordingReporter, attribute, explain, load_model
from hsi_lime_plugin.errors import HsiLimeError
from hsi_lime_plugin.models.card import ModelCard
from hsi_lime_plugin.models.explainable import ExplainableModel
from hsi_lime_plugin.perturbation.background import Background, ExpectationPlan, summarise
from hsi_lime_plugin.perturbation.pixel_maps import explain_pixels
from hsi_lime_plugin.settings import ExplainSettings, Runtime
from hsi_lime_plugin.attribution.sensitivity import rank_correlation

BANDS = 8
GROUPS = np.array([1, 1, 2, 2, 3, 3, 4, 4])  # four superbands of two bands
SUPERBANDS = [np.flatnonzero(GROUPS == g) for g in range(1, 5)]


@pytest.fixture(scope="module")
def data():
    generator = np.random.default_rng(3)
    image = generator.uniform(0.1, 0.6, (BANDS, 6, 5)).astype(np.float32)
    background = generator.uniform(0.0, 0.8, (12, BANDS)).astype(np.float32)
    weights = generator.uniform(0.5, 2.0, 12)
    return image, Background.of(background, weights, "the test's spectra")


def spectra_model(network, targets, layout):
    """An ExplainableModel of ``layout`` around ``network`` (spectra (N, C) -> (N, T)) with an identity card."""
    card = ModelCard(targets=list(targets), layout=layout)
    return ExplainableModel(network, card, torch.device("cpu"), model_format="python", layout=layout)


def mlp(seed=0):
    generator = torch.Generator().manual_seed(seed)
    first, second = torch.randn(BANDS, 6, generator=generator), torch.randn(6, 2, generator=generator)
    return lambda x: torch.tanh(x.float() @ first * 2.0) @ second


def enumerated_shapley(value, n_features: int) -> np.ndarray:
    """Shapley values by the definition: every coalition, weighted by |S|! (K - |S| - 1)! / K!."""
    phi = np.zeros((n_features,) + np.shape(value(frozenset())))
    for feature in range(n_features):
        others = [f for f in range(n_features) if f != feature]
        for size in range(n_features):
            weight = math.factorial(size) * math.factorial(n_features - size - 1) / math.factorial(n_features)
            for coalition in itertools.combinations(others, size):
                phi[feature] += weight * (value(frozenset(coalition) | {feature}) - value(frozenset(coalition)))
    return phi


def interventional_value(function, x, background: Background):
    """v(S) = sum_b w_b f(x_S, b_notS) over superbands, for a function of one spectrum (C,) -> (T,)."""
    def value(coalition):
        kept = np.isin(GROUPS, [g + 1 for g in coalition])
        mixed = np.where(kept[None], x[None], background.spectra)
        return (background.weights[:, None] * function(mixed)).sum(axis=0)
    return value


def test_exact_kernel_shap_is_the_interventional_shapley_value_by_enumeration(data):
    """A field-mean model (mean_spectrum): Kernel SHAP over every coalition and every background spectrum equals the
    Shapley values of v(S) = sum_b w_b f(x_S, b_notS) computed from the definition; they add up to
    f(x) - E_b f(b), the base value."""
    image, background = data
    network = mlp(1)
    model = spectra_model(network, "ab", "mean_spectrum")
    result = explain(model, image, GROUPS, kind="spectral", method="kernelshap", n_samples=16, baseline="background",
                     background=background, background_mode="exact", device="cpu")
    x = image.reshape(BANDS, -1).mean(axis=1)
    truth = enumerated_shapley(interventional_value(lambda s: network(torch.as_tensor(s)).numpy(), x, background), 4)
    np.testing.assert_allclose(result.coefficients, truth.T, atol=1e-6)
    expected_base = (background.weights[:, None] * network(torch.as_tensor(background.spectra)).numpy()).sum(axis=0)
    np.testing.assert_allclose(result.base_value, expected_base, atol=1e-6)
    np.testing.assert_allclose(result.coefficients.sum(axis=1), result.prediction - result.base_value, atol=1e-6)
    assert (result.standard_error == 0).all()
    assert result.baseline == "background (exact): 12 spectra of the test's spectra, weighted by how often each occurs"


def test_a_linear_pixel_model_has_the_closed_form_at_every_pixel(data):
    """attribution of superband g at a pixel = sum over its bands of w_b (x_b - E[background_b])."""
    image, background = data
    weights = np.random.default_rng(5).normal(size=(BANDS, 2)).astype(np.float32)
    model = spectra_model(lambda x: x.float() @ torch.as_tensor(weights), "ab", "pixels")
    settings = ExplainSettings(method="kernelshap", n_samples=16, baseline="background", background_mode="exact",
                               background=background)
    maps = explain_pixels(model, image, GROUPS, None, settings, Runtime("cpu"), RecordingReporter())
    difference = image - background.mean()[:, None, None]
    truth = np.stack([np.stack([(weights[members, t][:, None, None] * difference[members]).sum(axis=0)
                                for members in SUPERBANDS]) for t in range(2)])
    np.testing.assert_allclose(maps.coefficients, truth, atol=1e-5)
    assert maps.exact


def test_the_sampled_mode_is_unbiased_and_its_intervals_hold_the_truth(data):
    """The sampled mode (one drawn spectrum per coalition) around the exact values: over 60 seeds the 95 % intervals
    hold the exact Shapley values about 95 % of the time (measured: printed), and its model evaluations are the
    samples plus the background for the coalition that removes everything."""
    image, background = data
    model = spectra_model(mlp(2), "ab", "mean_spectrum")
    common = dict(kind="spectral", method="kernelshap", baseline="background", background=background, device="cpu")
    truth = explain(model, image, GROUPS, n_samples=16, background_mode="exact", **common).coefficients
    hits, errors = [], []
    for seed in range(60):
        result = explain(model, image, GROUPS, n_samples=96, background_mode="sampled", seed=seed, **common)
        low, high = result.confidence_interval()
        hits.append((low <= truth) & (truth <= high))
        errors.append(result.coefficients - truth)
    coverage = float(np.mean(hits))
    print(f"sampled background, Kernel SHAP, N=96, 12 spectra: coverage of the 95 % intervals {coverage:.3f}")
    assert 0.90 <= coverage <= 0.99
    assert np.abs(np.mean(errors, axis=0)).max() < 3 * np.std(errors, axis=0).max() / math.sqrt(60)
    plan = ExpectationPlan(torch.as_tensor(background.weights), "sampled", 96, 0)
    samples = torch.cat([torch.ones(1, 4), torch.zeros(1, 4), torch.randint(0, 2, (94, 4)).float()])
    samples[2:][samples[2:].sum(dim=1) % 4 == 0] = torch.tensor([1.0, 0, 1, 0])
    assert plan.count(samples) == 96 - 1 + 12


def test_a_planted_truth_that_zero_misleads_and_the_background_recovers(data):
    """A model with a dark-spectrum detector (what an all-zero spectrum looks like: water): with the zero baseline
    every removal trips it and the ranking is the detector's; with the background it is the model's own, exactly
    the interventional Shapley values by enumeration."""
    image, background = data
    slopes = torch.tensor([[3.0], [3.0], [-2.0], [-2.0], [0.5], [0.5], [1.0], [1.0]])

    def network(x):
        x = x.float()
        dark = torch.sigmoid((0.08 - x.mean(dim=1, keepdim=True)) * 200.0)
        return x @ slopes + 10.0 * dark

    model = spectra_model(network, ["value"], "mean_spectrum")
    common = dict(kind="spectral", method="kernelshap", n_samples=16, device="cpu")
    zero = explain(model, image, GROUPS, baseline="zero", **common).coefficients
    ours = explain(model, image, GROUPS, baseline="background", background=background, background_mode="exact",
                   **common).coefficients
    x = image.reshape(BANDS, -1).mean(axis=1)
    truth = enumerated_shapley(interventional_value(lambda s: network(torch.as_tensor(s)).numpy(), x, background), 4).T
    np.testing.assert_allclose(ours, truth, atol=1e-5)
    assert rank_correlation(ours, truth)[0] == pytest.approx(1.0)
    assert rank_correlation(zero, truth)[0] < 0.5  # the detector's ranking, not the model's


def test_expected_gradients_equal_captums_gradient_shap_with_the_same_draws(data):
    """Integrated Gradients over the background (sampled) is captum's GradientShap: the same background images,
    the same draws of spectrum and path point (captum draws them with numpy's global generator)."""
    from captum.attr import GradientShap

    from hsi_lime_plugin.attribution.expected_gradients import PathDraws, expected_gradients
    from hsi_lime_plugin.models.preparation import prepare_image
    from hsi_lime_plugin.perturbation.baseline import Baseline

    image, background = data
    equal = Background.of(background.spectra)
    network = mlp(3)
    model = spectra_model(network, "ab", "mean_spectrum")
    n_draws = 24
    np.random.seed(11)
    indices, alphas = np.random.choice(equal.size, n_draws), np.random.uniform(0.0, 1.0, n_draws)
    prepared = prepare_image(model, image, None, "cpu", RecordingReporter())
    baseline = Baseline("background", rows=torch.as_tensor(equal.spectra),
                        plan=ExpectationPlan(torch.as_tensor(equal.weights), "sampled", 1, 0), background=equal)
    draws = PathDraws(torch.as_tensor(indices), torch.as_tensor(alphas), torch.full((n_draws,), 1.0 / n_draws,
                                                                                     dtype=torch.float64))
    ours = expected_gradients(prepared.model, prepared.inputs, baseline, None, draws, [0, 1], 8, RecordingReporter())
    references = torch.as_tensor(equal.spectra)[:, :, None, None].expand(-1, -1, *image.shape[1:]).contiguous()
    explainer = GradientShap(lambda batch: prepared.model(batch))
    for target in (0, 1):
        np.random.seed(11)
        theirs = explainer.attribute(torch.as_tensor(image)[None], baselines=references, n_samples=n_draws,
                                     stdevs=0.0, target=target)[0]
        np.testing.assert_allclose(ours[target].numpy(), theirs.numpy(), atol=1e-6)


def test_exact_expected_gradients_are_complete(data):
    """Exact mode: every background spectrum with Gauss-Legendre points; the attributions add up to
    f(x) - E_b f(b) (the completeness gap), and the base value is that expectation."""
    image, background = data
    model = spectra_model(mlp(4), "ab", "mean_spectrum")
    result = attribute(model, image, method="integrated_gradients", baseline="background", background=background,
                       background_mode="exact", n_steps=24, device="cpu")
    np.testing.assert_allclose(result.completeness_gap, 0.0, atol=1e-5)
    expected = (background.weights[:, None] * mlp(4)(torch.as_tensor(background.spectra)).numpy()).sum(axis=0)
    np.testing.assert_allclose(result.baseline_prediction, expected, atol=1e-6)


def test_occlusion_over_a_background_is_the_expected_drop(data):
    """Occlusion with a background (exact): each element's value is f(x) - E_b f(x with its window at b)."""
    image, background = data
    weights = np.random.default_rng(6).normal(size=(BANDS, 1)).astype(np.float32)
    model = spectra_model(lambda x: x.float() @ torch.as_tensor(weights), ["value"], "mean_spectrum")
    result = attribute(model, image, method="occlusion", window="2,0,0", baseline="background", background=background,
                       background_mode="exact", device="cpu")
    x = image.reshape(BANDS, -1).mean(axis=1)
    drop = weights[:, 0] * (x - background.mean())  # a linear model: the expected drop is the pair's sum
    pair = np.repeat(drop.reshape(-1, 2).sum(axis=1), 2)
    np.testing.assert_allclose(result.values[0], np.broadcast_to(pair[:, None, None], image.shape), atol=1e-5)


@pytest.mark.parametrize("layout", ["image", "pixels", "mean_spectrum"])
def test_a_baseline_that_changes_nothing_is_refused_in_every_layout(layout, data):
    """The 'mean' baseline leaves a region's mean spectrum as it is: for a model of the mean spectrum, a linear pixel
    model averaged over the region, and an image model that pools first, every coalition gives the same output.
    Refused, naming the baseline and one that works; the background explains the same models."""
    image, background = data
    weights = torch.as_tensor(np.random.default_rng(8).normal(size=(BANDS, 2)).astype(np.float32))
    if layout == "image":
        model = spectra_model(lambda batch: batch.mean(dim=(2, 3)) @ weights, "ab", "image")
    else:
        model = spectra_model(lambda x: x.float() @ weights, "ab", layout)
    with pytest.raises(HsiLimeError, match=r"^baseline: with the baseline 'mean' none of the 15 perturbed images "
                                           r"changed the model's outputs \(a, b; the largest change .*\), so every "
                                           r"attribution would be 0 .*Choose baseline='background' \(spectra of the "
                                           r"scene\) or baseline='zero'; nothing was written\.$"):
        explain(model, image, GROUPS, kind="spectral", method="kernelshap", n_samples=16, baseline="mean",
                device="cpu")
    result = explain(model, image, GROUPS, kind="spectral", method="kernelshap", n_samples=16, baseline="background",
                     background=background, background_mode="exact", device="cpu")
    assert np.abs(result.coefficients).max() > 1e-3 and not result.notes


def test_a_model_that_ignores_its_input_is_a_warning_not_a_refusal(data):
    """When not even a real spectrum of the image changes the outputs, the model ignores the features: the
    attributions are 0, with a warning that the report shows."""
    image, _ = data
    model = spectra_model(lambda x: torch.ones(len(x), 1), ["value"], "mean_spectrum")
    reporter = RecordingReporter()
    result = explain(model, image, GROUPS, kind="spectral", method="kernelshap", n_samples=16, baseline="mean",
                     device="cpu", reporter=reporter)
    assert (result.coefficients == 0).all()
    assert result.notes == [reporter.warnings[-1]]
    assert "not even with every feature replaced by a spectrum of the image: the model ignores these features" \
        in result.notes[0]


def test_blur_and_inpaint_take_their_values_from_the_image():
    """A segment removed under 'blur' takes the Gaussian blur of the image; under 'inpaint', its surroundings
    (a planar image is inpainted exactly): an image model that reads one segment's mean sees those values."""
    from hsi_lime_plugin.perturbation.image_baselines import blurred, inpainted
    from scipy.ndimage import gaussian_filter

    rows, columns = np.mgrid[:24, :30]
    plane = np.stack([0.5 + 0.01 * rows + 0.02 * columns, 1.0 - 0.01 * columns], axis=0).astype(np.float32)
    labels = np.zeros((24, 30), dtype=np.int64)
    labels[5:12, 6:14], labels[14:20, 16:26] = 1, 2
    painted = inpainted(torch.as_tensor(plane), None, labels).numpy()
    np.testing.assert_allclose(painted, plane, atol=1e-4)  # biharmonic inpainting reproduces a plane
    noisy = plane + np.random.default_rng(0).normal(0, 0.2, plane.shape).astype(np.float32)
    smooth = blurred(torch.as_tensor(noisy), None, 2.0).numpy()
    reference = gaussian_filter(noisy.astype(np.float64), (0, 2.0, 2.0), mode="constant") / \
        gaussian_filter(np.ones((24, 30)), 2.0, mode="constant")[None]
    np.testing.assert_allclose(smooth, reference, atol=1e-5)
    model = spectra_model(lambda batch: batch[:, :, 5:12, 6:14].mean(dim=(1, 2, 3))[:, None], ["segment 1"], "image")
    for baseline, image_baseline in (("blur", smooth), ("inpaint", inpainted(torch.as_tensor(noisy), None,
                                                                             labels).numpy())):
        result = explain(model, noisy, labels, kind="spatial", method="kernelshap", n_samples=4, baseline=baseline,
                         blur_sigma=2.0, device="cpu")
        expected = noisy[:, 5:12, 6:14].mean() - image_baseline[:, 5:12, 6:14].mean()
        assert result.coefficients[0, 0] == pytest.approx(expected, abs=1e-5)
        assert result.coefficients[0, 1] == pytest.approx(0.0, abs=1e-6)


def test_image_baselines_are_refused_for_superbands(data):
    image, _ = data
    model = spectra_model(mlp(), "ab", "mean_spectrum")
    for name in ("blur", "inpaint"):
        with pytest.raises(HsiLimeError, match=rf"^baseline: '{name}' makes an image from the image's own "
                                               r"neighbourhoods, which only spatial explanations \(segments\) remove; "
                                               r"for superbands choose baseline='background'"):
            explain(model, image, GROUPS, kind="spectral", baseline=name, device="cpu")


def test_a_summary_weighs_its_centres_by_their_clusters(data):
    """More spectra than the size: k-means (scikit-learn) centres weighted by the clusters' shares; fewer: every
    distinct spectrum, weighted by how often it occurs; size 0 refused."""
    generator = np.random.default_rng(1)
    centres = np.array([[0.1] * BANDS, [0.5] * BANDS, [0.9] * BANDS], dtype=np.float32)
    spectra = np.concatenate([centres[i] + generator.normal(0, 0.01, (n, BANDS)) for i, n in enumerate((60, 30, 10))])
    summary = summarise(spectra, 3, seed=0, source="three clusters")
    order = np.argsort(summary.spectra[:, 0])
    np.testing.assert_allclose(summary.weights[order], [0.6, 0.3, 0.1])
    np.testing.assert_allclose(summary.spectra[order], centres, atol=0.01)
    assert summary.describe() == "3 spectra, a weighted k-means summary of 100 spectra of three clusters"
    repeated = summarise(np.repeat(centres, [2, 1, 1], axis=0), 8, source="repeats")
    assert repeated.size == 3 and sorted(repeated.weights) == [0.25, 0.25, 0.5]
    with pytest.raises(HsiLimeError, match=r"^background_size: 0 is not a number of spectra; give a whole number of "
                                           r"at least 1 \(16 is the default\)\.$"):
        summarise(spectra, 0)


def test_the_sensitivity_is_a_rank_correlation():
    assert rank_correlation([[1, 2, 3, 4]], [[10, 20, 30, 40]])[0] == pytest.approx(1.0)
    assert rank_correlation([[1, 2, 3, 4]], [[4, 3, 2, 1]])[0] == pytest.approx(-1.0)
    assert np.isnan(rank_correlation([[1, 1, 1]], [[1, 2, 3]])[0])


shap = pytest.importorskip("shap")


def shap_values(function, x, background: Background, groups):
    """shap's KernelExplainer with the background rows and weights (its legacy DenseData takes feature groups),
    every coalition enumerated, no regularisation; (T, K)."""
    from shap.utils._legacy import DenseData

    data = DenseData(background.spectra.astype(np.float64), [f"g{i}" for i in range(len(groups))],
                     [np.asarray(g) for g in groups], background.weights.copy())
    explainer = shap.KernelExplainer(function, data)
    values = explainer.shap_values(x.astype(np.float64)[None], nsamples=2 ** len(groups) + 2, l1_reg=False,
                                   silent=True)
    values = np.asarray(values)
    return values[:, 0, :] if values.ndim == 3 and values.shape[0] != 1 else values[0].T


def test_kernel_shap_equals_shaps_kernel_explainer_on_a_field_mean_forest(tmp_path, data):
    """A scikit-learn forest of the field's mean spectrum, saved with skops: the exact background Kernel SHAP equals
    shap's KernelExplainer with the same background rows within 1e-6, and its base value is shap's expected value."""
    skops_io = pytest.importorskip("skops.io")
    from sklearn.ensemble import RandomForestClassifier

    image, background = data
    generator = np.random.default_rng(2)
    spectra = generator.uniform(0, 0.8, (300, BANDS)).astype(np.float32)
    labels = np.where(spectra[:, 1] + spectra[:, 5] > 0.8, "crop", "soil")
    forest = RandomForestClassifier(12, max_depth=5, random_state=0).fit(spectra, labels)
    path = tmp_path / "forest.skops"
    skops_io.dump(forest, str(path))
    (tmp_path / "forest.json").write_text(json.dumps({"input": {"layout": "mean_spectrum"}}))
    model = load_model(path, "cpu")
    result = explain(model, image, GROUPS, kind="spectral", method="kernelshap", n_samples=16, baseline="background",
                     background=background, background_mode="exact", device="cpu")
    x = image.reshape(BANDS, -1).mean(axis=1)
    theirs = shap_values(lambda s: forest.predict_proba(s.astype(np.float32)), x, background, SUPERBANDS)
    np.testing.assert_allclose(result.coefficients, theirs, atol=1e-6)
    expected = (background.weights[:, None] * forest.predict_proba(background.spectra)).sum(axis=0)
    np.testing.assert_allclose(result.base_value, expected, atol=1e-6)


def test_pixel_maps_equal_shaps_kernel_explainer_at_every_pixel(data):
    """A per-pixel network: every pixel's exact background Kernel SHAP equals shap's KernelExplainer on that pixel's
    spectrum within 1e-6 (six pixels checked)."""
    image, background = data
    network = mlp(7)
    model = spectra_model(network, "ab", "pixels")
    settings = ExplainSettings(method="kernelshap", n_samples=16, baseline="background", background_mode="exact",
                               background=background)
    maps = explain_pixels(model, image, GROUPS, None, settings, Runtime("cpu"), RecordingReporter())
    function = lambda s: network(torch.as_tensor(s)).double().numpy()  # noqa: E731
    for row, column in [(0, 0), (1, 3), (2, 4), (3, 1), (4, 2), (5, 0)]:
        theirs = shap_values(function, image[:, row, column], background, SUPERBANDS)
        np.testing.assert_allclose(maps.coefficients[:, :, row, column], theirs, atol=1e-6)
