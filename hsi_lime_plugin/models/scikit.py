"""scikit-learn models saved with skops: loaded with a list of trusted types, run on the CPU in batches.

EnMAP-Box (3.17 and later) saves its classifiers and regressors as ``.skops`` files, and
``skops.io.dump(model, "model.skops")`` saves any estimator. Loading one with skops
rebuilds only objects of the types it is told to trust. :func:`load_skops` asks skops which
types of the file are not on skops' own safe list (``skops.io.get_untrusted_types``), trusts
those whose module belongs to scikit-learn, numpy or scipy (:data:`TRUSTED_PREFIXES`, as
EnMAP-Box's ``Utils.modelLoad`` does for its own models), and refuses a file asking for any
other type, naming it. EnMAP-Box's dump (a dictionary holding the estimator under
``classifier`` or ``regressor``, with its training data) is accepted when its parts are of
those types.

The card of a scikit-learn model starts from the estimator itself
(:func:`estimator_card`): a classifier (``sklearn.base.is_classifier``) is explained
through ``predict_proba``, its ``classes_`` becoming the targets, a regressor through
``predict``; the band count is ``n_features_in_``; the layout is ``pixels``. A card beside
the file (``model.json``) adds what the estimator cannot know (``input.wavelengths``, scale
and offset, ``input.layout: "mean_spectrum"`` for a field-mean model, class names in place
of the class labels) and may not contradict it (:func:`merged_card`).

The estimator runs on the CPU whatever device was asked for (scikit-learn has no GPU), on
float32 spectra in the batches the engine hands it (:class:`SklearnNetwork`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..errors import HsiLimeError, arg
from .formats import LoadedNetwork, install_command

#: The modules whose types a .skops file may ask to be trusted.
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.")
#: Where EnMAP-Box's dumps keep the estimator.
ENMAPBOX_KEYS = ("classifier", "regressor")


def load_skops(path: Path) -> LoadedNetwork:
    """The estimator in a .skops file, with its card as a dictionary (:func:`estimator_card`)."""
    try:
        import skops.io as sio
    except ImportError:
        raise HsiLimeError(
            f"{arg('model')}: {path} is a scikit-learn model saved with skops, which needs the Python package skops, "
            f"and it is not installed; install it with: {install_command('skops')} (or the installer's skops option), "
            "then run again."
        ) from None
    try:
        untrusted = sio.get_untrusted_types(file=str(path))
    except Exception as error:  # noqa: BLE001 (a damaged or foreign file: skops raises zip, JSON and key errors)
        raise HsiLimeError(
            f"{arg('model')}: {path} cannot be read as a skops file ({type(error).__name__}: {error}); save the model "
            'again with skops.io.dump(model, "model.skops").'
        ) from None
    refused = [name for name in untrusted if not name.startswith(TRUSTED_PREFIXES)]
    if refused:
        raise HsiLimeError(
            f"{arg('model')}: {path} asks skops to rebuild objects of the type {refused[0]}"
            + (f" (and {', '.join(refused[1:])})" if refused[1:] else "")
            + ", which is not part of scikit-learn, numpy or scipy, so hsi-lime does not load it (rebuilding an "
            "object of an unknown type can run its code). Save the estimator alone: "
            'skops.io.dump(model, "model.skops") (an EnMAP-Box dump: skops.io.dump(dump.classifier, "model.skops")).'
        )
    estimator = _estimator(sio.load(str(path), trusted=untrusted), path)
    return LoadedNetwork(SklearnNetwork(estimator), "skops", estimator_card(estimator), f"{path} (the estimator)",
                         f"scikit-learn {_version()} runs {type(estimator).__name__} on the CPU", "pixels")


def _estimator(loaded: Any, path: Path):
    """The estimator of a loaded file: the object itself, or the one an EnMAP-Box dump holds."""
    if isinstance(loaded, dict):
        found = [loaded[key] for key in ENMAPBOX_KEYS if loaded.get(key) is not None]
        loaded = found[0] if found else loaded
    if not callable(getattr(loaded, "predict", None)) or not hasattr(loaded, "n_features_in_"):
        raise HsiLimeError(
            f"{arg('model')}: {path} holds a {type(loaded).__name__}, not a fitted scikit-learn estimator (one with "
            'predict and n_features_in_); save the fitted model with skops.io.dump(model, "model.skops").'
        )
    return loaded


def _version() -> str:
    import sklearn

    return sklearn.__version__


class SklearnNetwork:
    """A fitted estimator as a callable on spectra: a float tensor (N, bands) in, (N, outputs) out.

    Classifiers give ``predict_proba`` (one probability per class), regressors ``predict``.
    It takes no gradients (:attr:`differentiable` is False). The spectra may share memory with
    the evaluator's batch buffer, whose pixels outside every feature are written once per run,
    so the estimator gets them read-only; one that transforms its input in place (a
    ``StandardScaler(copy=False)`` in a pipeline, which scikit-learn before 1.6 does not copy
    for) gets a copy instead.
    """

    differentiable = False

    def __init__(self, estimator):
        from sklearn.base import is_classifier

        self.estimator = estimator
        self.classifier = bool(is_classifier(estimator))

    def __call__(self, spectra: torch.Tensor) -> torch.Tensor:
        array = spectra.detach().to(torch.float32).cpu().numpy()
        array.flags.writeable = False
        try:
            output = self._predict(array)
        except ValueError as error:  # "output array is read-only", "buffer source array is read-only"
            if "read-only" not in str(error):
                raise
            output = self._predict(array.copy())
        output = np.asarray(output, dtype=np.float32)
        return torch.from_numpy(output.reshape(len(array), -1))

    def _predict(self, array: np.ndarray):
        return self.estimator.predict_proba(array) if self.classifier else np.asarray(self.estimator.predict(array))


def _regression_outputs(estimator) -> int:
    """How many values a regressor predicts: its ``n_outputs_``, or (PLS, linear models, pipelines, which do not
    say) the width of its prediction on one spectrum of zeros."""
    outputs = getattr(estimator, "n_outputs_", None)
    if outputs:
        return int(outputs)
    prediction = np.asarray(estimator.predict(np.zeros((1, int(estimator.n_features_in_)), dtype=np.float32)))
    return 1 if prediction.ndim < 2 else int(prediction.shape[1])


def estimator_card(estimator) -> dict:
    """What the estimator says about itself, laid out as a model card."""
    network = SklearnNetwork(estimator)
    if network.classifier:
        targets = [str(label) for label in estimator.classes_]
    else:
        targets = [f"t{i}" for i in range(_regression_outputs(estimator))]
    return {"format": "skops", "task": "classification" if network.classifier else "regression", "targets": targets,
            "input": {"layout": "pixels", "bands": int(estimator.n_features_in_)}}


def merged_card(estimator: dict, sidecar: Any, source: str) -> tuple[dict, str]:
    """The estimator's card completed by the sidecar's fields; a sidecar that contradicts the estimator
    (task, band count, number of targets, an image layout, an activation on probabilities) is an error
    naming the field. Returns the card and where it came from."""
    if sidecar is None:
        return estimator, "(from the scikit-learn estimator)"
    if not isinstance(sidecar, dict):
        return sidecar, source  # the card's own validation names the problem
    card = {**estimator, **{key: value for key, value in sidecar.items() if key not in ("input", "output")}}
    model_input = {**estimator["input"], **(sidecar.get("input") or {})}
    card["input"], card["output"] = model_input, dict(sidecar.get("output") or {})

    def fail(field_name: str, problem: str) -> HsiLimeError:
        return HsiLimeError(f"{arg('model')}: the model card {source} field '{field_name}' {problem}; remove it or "
                            "make it agree with the estimator.")

    if card["task"] != estimator["task"]:
        raise fail("task", f"is '{card['task']}' but the estimator is a {estimator['task']} model")
    if model_input["bands"] != estimator["input"]["bands"]:
        raise fail("input.bands", f"is {model_input['bands']} but the estimator takes {estimator['input']['bands']} "
                   "bands (n_features_in_)")
    if isinstance(card["targets"], list) and len(card["targets"]) != len(estimator["targets"]):
        raise fail("targets", f"names {len(card['targets'])} targets but the estimator has {len(estimator['targets'])} "
                   f"outputs ({', '.join(estimator['targets'])})")
    if model_input.get("layout") == "image":
        raise fail("input.layout", "is 'image', but a scikit-learn model takes spectra ('pixels' or 'mean_spectrum')")
    if estimator["task"] == "classification" and card["output"].get("activation", "none") != "none":
        raise fail("output.activation", "is set, but predict_proba already gives probabilities")
    return card, source
