"""Load a model file and its card: the format told from the file, the card (sidecar, embedded or defaults),
the device, and the input layout checked against what the file takes, into an
:class:`~.explainable.ExplainableModel`."""
from __future__ import annotations

from pathlib import Path

import torch

from ..errors import HsiLimeError, arg
from ..reporting import Reporter, reporter_or_default
from .card import FORMATS, ModelCard, card_path_for, parse_card_text, read_card_json
from .device import resolve_device
from .explainable import ExplainableModel
from .formats import detect_format, load_network


def load_model(
    path: str | Path,
    device: str | torch.device = "auto",
    allow_python: bool = False,
    reporter: Reporter | None = None,
) -> ExplainableModel:
    """Load a model file and its card onto ``device``.

    Parameters
    ----------
    path : path-like
        A TorchScript file (``.pt``, ``.pth``, ``.ts``, ``.torchscript``, ``.jit``), an
        ONNX file (``.onnx``, needs onnxruntime; sklearn-onnx exports included), a
        scikit-learn model saved with skops (``.skops``, needs skops) or a Python recipe
        (``.py`` defining ``load_model(device)`` and optionally ``MODEL_CARD``).
    device : {"auto", "cpu", "cuda"}
        ``auto``: CUDA when torch sees a GPU, else the CPU; ``cuda`` without a GPU is an
        error. ``ExplainableModel.device_note`` says what was picked and why. A
        scikit-learn model runs on the CPU whatever is asked for, and the note says so.
    allow_python : bool
        Load Python recipes (running their code). Off by default.
    reporter : Reporter, optional
        Told which device runs the model and why, and warned when the card is missing.

    Returns
    -------
    ExplainableModel
        Call :meth:`ExplainableModel.match_raster` with the raster's band count and
        wavelengths before explaining (``prepare`` otherwise checks the band count only).

    The card is the sidecar JSON (same base name, ``.json``) if there is one, else the card
    embedded in the model file, else defaults (regression, targets ``t0``, ``t1``...,
    native size, no scaling) with a warning that lists them; a scikit-learn model's card
    starts from the estimator and the sidecar completes it
    (:func:`~hsi_lime_plugin.models.scikit.merged_card`). Pickles (``torch.save``,
    ``pickle.dump``, ``joblib.dump``) are refused with the commands that convert them.
    """
    path = Path(path)
    reporter = reporter_or_default(reporter)
    if not path.is_file():
        raise HsiLimeError(
            f"{arg('model')}: the model file {path} does not exist; choose an existing TorchScript file. ONNX models "
            "(.onnx), scikit-learn models (.skops) and Python recipes (.py) work too."
        )
    if path.stat().st_size == 0:
        raise HsiLimeError(
            f"{arg('model')}: {path} is empty (0 bytes): the model was not saved completely; export it again."
        )
    sidecar_path = card_path_for(path)
    sidecar = read_card_json(sidecar_path) if sidecar_path.is_file() and sidecar_path != path else None
    hint = sidecar.get("format") if isinstance(sidecar, dict) else None
    model_format = detect_format(path, hint if hint in FORMATS else None)
    if sidecar is not None and model_format != "skops":
        sidecar = ModelCard.from_dict(sidecar, str(sidecar_path))  # a wrong card fails before the model loads
    torch_device, note = _device(device, model_format)
    loaded = load_network(path, model_format, torch_device, str(device), allow_python)
    card = _card(path, sidecar_path, sidecar, loaded, reporter)
    if card.format is not None and card.format != model_format:
        raise HsiLimeError(
            f"{arg('model')}: the model card {card.source} field 'format' is '{card.format}' but {path} is a {model_format} "
            f"model; fix 'format' or choose the right file."
        )
    layout = _layout(card, loaded, path)
    if loaded.note and model_format in ("onnx", "skops"):
        note = f"{note}; {loaded.note}"
    reporter.info(note)
    return ExplainableModel(loaded.network, card, torch_device, note, model_format, layout)


def _device(device, model_format: str) -> tuple[torch.device, str]:
    """The device the model runs on and why: the one asked for, or the CPU for a scikit-learn model."""
    if model_format == "skops":
        return torch.device("cpu"), (f"device {device}: scikit-learn models run on the CPU, in batches, whatever "
                                     f"{arg('device')} says")
    return resolve_device(device)


def _layout(card: ModelCard, loaded, path: Path) -> str:
    """The model's input layout: the card's, checked against what the file implies, else the file's."""
    if loaded.layout is not None and card.layout is not None and (card.layout == "image") != (loaded.layout == "image"):
        takes = "images (batch, bands, height, width)" if loaded.layout == "image" else "spectra (pixels, bands)"
        raise HsiLimeError(
            f"{arg('model')}: the model card {card.source} field 'input.layout' is '{card.layout}', but {path} takes "
            f"{takes}; fix 'input.layout' (image, pixels or mean_spectrum) or choose the right file."
        )
    if card.output_name is not None and loaded.format != "onnx":
        raise HsiLimeError(
            f"{arg('model')}: the model card {card.source} field 'output.name' chooses an ONNX model's output, but "
            f"{path} is a {loaded.format} model; remove it."
        )
    if loaded.format == "onnx":
        loaded.network.select_output(card.output_name, card.task)
    return card.layout or loaded.layout or "image"


def _card(path: Path, sidecar_path: Path, sidecar, loaded, reporter: Reporter) -> ModelCard:
    """The model's card: the sidecar, else the one embedded in the model, else defaults with a warning; for a
    scikit-learn model the estimator's own card completed by the sidecar."""
    if loaded.format == "skops":
        from .scikit import merged_card

        return ModelCard.from_dict(*merged_card(loaded.embedded_card, sidecar, str(sidecar_path)))
    if sidecar is not None:
        return sidecar
    embedded = loaded.embedded_card
    if isinstance(embedded, dict):
        return ModelCard.from_dict(embedded, loaded.card_source)
    if embedded is not None:
        return parse_card_text(embedded, loaded.card_source)
    reporter.warning(
        f"{arg('model')}: no model card for {path} (no sidecar {sidecar_path.name}, none embedded in the model); using "
        "defaults: task regression, targets named t0, t1, ..., the raster's native size, no scaling (scale 1, "
        "offset 0), no standardisation, no activation, no spectral resampling (the raster's bands are taken "
        "as they are)."
    )
    return ModelCard.defaults()
