"""scikit-learn models: skops files with trusted types, sklearn-onnx exports, pickles refused with the commands."""
import json
import pickle

import numpy as np
import pytest
import torch

from hsi_lime_plugin import attribute, explain, load_model
from hsi_lime_plugin.errors import HsiLimeError
from hsi_lime_plugin.reporting import RecordingReporter

skops_io = pytest.importorskip("skops.io")
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.preprocessing import FunctionTransformer, StandardScaler  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

BANDS = 5
WAVELENGTHS = [450.0, 550.0, 650.0, 750.0, 850.0]


def doubled(x):
    """A function of this module: not a type skops trusts."""
    return 2 * x


@pytest.fixture(scope="module")
def spectra():
    generator = np.random.default_rng(0)
    x = generator.uniform(0, 1, (400, BANDS)).astype(np.float32)
    return x, np.where(x[:, 3] > 0.5, "tree", "grass"), x[:, 1] * 2.0 + x[:, 3]


@pytest.fixture(scope="module")
def forests(spectra):
    x, labels, values = spectra
    return (RandomForestClassifier(8, max_depth=5, random_state=0).fit(x, labels),
            RandomForestRegressor(8, max_depth=5, random_state=0).fit(x, values))


def save(folder, name, estimator, card=None):
    path = folder / f"{name}.skops"
    skops_io.dump(estimator, str(path))
    if card is not None:
        (folder / f"{name}.json").write_text(json.dumps(card))
    return path


def test_a_classifier_card_comes_from_the_estimator(tmp_path, forests):
    classifier, _ = forests
    path = save(tmp_path, "rf", classifier, {"input": {"wavelengths": WAVELENGTHS, "scale": 0.5}})
    reporter = RecordingReporter()
    model = load_model(path, "cuda", reporter=reporter)
    assert (model.format, model.layout, model.card.task, model.target_names) == \
        ("skops", "pixels", "classification", ["grass", "tree"])
    assert model.card.n_bands == BANDS and model.card.scale == 0.5 and model.device.type == "cpu"
    assert "device cuda: scikit-learn models run on the CPU, in batches, whatever device says; scikit-learn" in reporter.infos[0]
    assert not model.differentiable


def test_predict_proba_is_averaged_over_the_valid_pixels(tmp_path, forests, spectra):
    classifier, _ = forests
    model = load_model(save(tmp_path, "rf", classifier), "cpu")
    x = spectra[0][:12].T.reshape(BANDS, 3, 4)
    valid = np.ones((3, 4), dtype=bool)
    valid[0, 0] = False
    result = explain(model, x, np.arange(1, BANDS + 1), kind="spectral", method="kernelshap", n_samples=32,
                     valid=valid)
    expected = classifier.predict_proba(x[:, valid].T).mean(axis=0)
    np.testing.assert_allclose(result.prediction, expected, atol=1e-6)
    np.testing.assert_allclose(result.coefficients.sum(axis=1), result.prediction - result.base_value, atol=1e-6)


def test_a_pipeline_that_scales_in_place_explains_as_one_that_copies(tmp_path, spectra):
    """StandardScaler(copy=False) would scale the batch buffer itself, pixels outside the segments too, which
    later batches do not rewrite: the estimator gets its spectra read-only, and a copy when it writes."""
    x, _, values = spectra
    image = x[:48].T.reshape(BANDS, 6, 8).copy()
    segments = np.zeros((6, 8), dtype=np.int64)
    segments[1:5, 1:7] = np.arange(1, 7)[None, :].repeat(4, axis=0)  # a field of 6 segments; its border no feature
    original = image.copy()
    results = {}
    for copy in (False, True):
        pipeline = make_pipeline(StandardScaler(copy=copy), Ridge(alpha=0.1)).fit(x.copy(), values)  # fit scales too
        model = load_model(save(tmp_path, f"copy{copy}", pipeline, {"targets": ["value"]}), "cpu")
        results[copy] = explain(model, image, segments, n_samples=64, batch_size=8, seed=3)
    np.testing.assert_allclose(results[False].coefficients, results[True].coefficients, rtol=0, atol=1e-6)
    np.testing.assert_allclose(results[False].prediction, results[True].prediction, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(image, original)


@pytest.mark.parametrize("card, message", [
    ({"input": {"bands": 7}}, "field 'input.bands' is 7 but the estimator takes 5 bands"),
    ({"task": "regression"}, "field 'task' is 'regression' but the estimator is a classification model"),
    ({"targets": ["a", "b", "c"]}, "field 'targets' names 3 targets but the estimator has 2 outputs (grass, tree)"),
    ({"input": {"layout": "image"}}, "field 'input.layout' is 'image', but a scikit-learn model takes spectra"),
    ({"output": {"activation": "softmax"}}, "field 'output.activation' is set, but predict_proba already gives"),
])
def test_a_card_that_contradicts_the_estimator_is_refused(tmp_path, forests, card, message):
    path = save(tmp_path, "rf", forests[0], card)
    with pytest.raises(HsiLimeError) as raised:
        load_model(path, "cpu")
    assert message in str(raised.value) and "rf.json" in str(raised.value)


def test_a_regressor_is_named_by_its_card_and_gives_no_gradients(tmp_path, forests, spectra):
    path = save(tmp_path, "rf", forests[1], {"targets": ["nitrogen"], "input": {"layout": "mean_spectrum"}})
    model = load_model(path, "cpu")
    assert (model.card.task, model.target_names, model.layout) == ("regression", ["nitrogen"], "mean_spectrum")
    with pytest.raises(HsiLimeError, match="a scikit-learn model gives no gradients"):
        attribute(model, spectra[0][:12].T.reshape(BANDS, 3, 4), method="saliency")


def test_a_regressor_of_several_targets_that_does_not_count_them_gets_one_per_output(tmp_path, spectra):
    """PLS (HYPERVIEW's usual soil model) has no n_outputs_: its card gets one target per predicted value."""
    from sklearn.cross_decomposition import PLSRegression

    x, _, values = spectra
    pls = PLSRegression(n_components=2).fit(x, np.stack([values, x[:, 0]], axis=1))
    model = load_model(save(tmp_path, "pls", pls, {"input": {"layout": "mean_spectrum"}}), "cpu")
    assert model.target_names == ["t0", "t1"]
    image = x[:12].T.reshape(BANDS, 3, 4)
    result = explain(model, image, np.arange(1, BANDS + 1), kind="spectral", method="kernelshap", n_samples=32)
    np.testing.assert_allclose(result.prediction, pls.predict(image.reshape(BANDS, -1).mean(axis=1)[None])[0],
                               rtol=1e-5)


def test_a_type_outside_sklearn_numpy_scipy_is_refused_by_name(tmp_path, forests):
    pipeline = make_pipeline(FunctionTransformer(doubled), forests[1])
    path = save(tmp_path, "custom", pipeline)
    with pytest.raises(HsiLimeError) as raised:
        load_model(path, "cpu")
    assert "asks skops to rebuild objects of the type test_sklearn_models.doubled" in str(raised.value)
    assert "which is not part of scikit-learn, numpy or scipy" in str(raised.value)


def test_an_enmapbox_dump_gives_its_estimator(tmp_path, forests, spectra):
    dump = {"classifier": forests[0], "features": [f"band {i}" for i in range(BANDS)], "X": spectra[0][:5],
            "y": np.zeros((5, 1)), "categories": None}
    model = load_model(save(tmp_path, "enmapbox", dump), "cpu")
    assert model.target_names == ["grass", "tree"]


@pytest.mark.parametrize("name", ["model.pkl", "model.joblib"])
def test_pickles_are_refused_with_the_commands_that_convert_them(tmp_path, forests, name):
    path = tmp_path / name
    path.write_bytes(pickle.dumps(forests[0]))
    with pytest.raises(HsiLimeError) as raised:
        load_model(path, "cpu")
    message = str(raised.value)
    assert f'model = joblib.load("{name}"); skops.io.dump(model, "model.skops")' in message
    assert 'skl2onnx.to_onnx(model, X[:1].astype(np.float32), options={id(model): {"zipmap": False}})' in message
    assert "unpickling runs arbitrary code" in message


def test_a_torch_pickle_named_pkl_gets_the_torch_advice(tmp_path):
    path = tmp_path / "weights.pkl"
    torch.save(torch.nn.Linear(2, 1).state_dict(), path, _use_new_zipfile_serialization=False)
    with pytest.raises(HsiLimeError, match=r"is a pickled PyTorch checkpoint \(torch.save\)"):
        load_model(path, "cpu")


class TestOnnx:
    """sklearn-onnx exports: the output is chosen by name, ZipMap is refused with the option that removes it."""

    @pytest.fixture(autouse=True)
    def _converter(self):
        pytest.importorskip("onnxruntime")
        self.to_onnx = pytest.importorskip("skl2onnx").to_onnx

    def export(self, folder, estimator, x, card, **options):
        path = folder / "rf.onnx"
        path.write_bytes(self.to_onnx(estimator, x[:1], **options).SerializeToString())
        (folder / "rf.json").write_text(json.dumps(card))
        return path

    def test_the_probabilities_not_the_label(self, tmp_path, forests, spectra):
        classifier = forests[0]
        path = self.export(tmp_path, classifier, spectra[0], {"task": "classification", "targets": ["grass", "tree"]},
                           options={id(classifier): {"zipmap": False}})
        model = load_model(path, "cpu")
        assert model.layout == "pixels" and model.network.output_name == "probabilities"
        x = spectra[0][:12].T.reshape(BANDS, 3, 4)
        ours = explain(model, x, np.arange(1, BANDS + 1), kind="spectral", method="kernelshap", n_samples=32)
        reference = explain(load_model(save(tmp_path, "same", classifier), "cpu"), x, np.arange(1, BANDS + 1),
                            kind="spectral", method="kernelshap", n_samples=32)
        np.testing.assert_allclose(ours.coefficients, reference.coefficients, atol=1e-5)

    def test_zipmap_is_refused_with_the_export_option(self, tmp_path, forests, spectra):
        path = self.export(tmp_path, forests[0], spectra[0], {"task": "classification", "targets": ["grass", "tree"]})
        with pytest.raises(HsiLimeError) as raised:
            load_model(path, "cpu")
        assert "sequence of maps" in str(raised.value)
        assert 'options={id(model): {"zipmap": False}}' in str(raised.value)

    def test_a_regressor_gives_its_value_and_the_card_may_name_an_output(self, tmp_path, forests, spectra):
        path = self.export(tmp_path, forests[1], spectra[0], {"targets": ["nitrogen"]})
        assert load_model(path, "cpu").network.output_name == "variable"
        (tmp_path / "rf.json").write_text(json.dumps({"targets": ["nitrogen"], "output": {"name": "value"}}))
        with pytest.raises(HsiLimeError, match=r"'output.name' is 'value', but the ONNX model .* has the outputs "
                                               r"variable \(tensor\(float\)\)"):
            load_model(path, "cpu")
