"""The model card: what a model predicts and what input it expects.

Where a card comes from, first found wins:

1. a JSON file beside the model with the same base name (``soil.pt`` -> ``soil.json``);
2. a card embedded in the model: the TorchScript extra file ``model_card.json``
   (``torch.jit.save(model, path, _extra_files={"model_card.json": text})``), the ONNX
   ``metadata_props`` entry ``model_card``, or the ``MODEL_CARD`` dictionary of a Python
   recipe;
3. defaults (regression, targets ``t0``, ``t1``..., native size, no scaling), with a
   warning that lists them.

A complete card (every field; only ``targets`` is required, ``output.reduction`` is for
segmentation only)::

    {"format": "onnx",
     "task": "segmentation",
     "targets": ["soil", "crop", "water"],
     "input": {"layout": "image",
               "bands": 5,
               "wavelengths": [490.0, 560.0, 665.0, 705.0, 842.0],
               "scale": 0.0001,
               "offset": 0.0,
               "mean": [0.08, 0.10, 0.09, 0.15, 0.30],
               "std": [0.03, 0.03, 0.04, 0.05, 0.08],
               "pad_to_square": true,
               "size": [256, 256],
               "interpolation": "bilinear",
               "spectral_resampling": "linear"},
     "output": {"activation": "softmax", "reduction": "soft", "class_axis": 1, "name": "scores"},
     "description": "any other top-level field is kept as information"}

A per-pixel classifier saved with skops needs only what the estimator cannot say (its task,
classes and band count come from the estimator itself)::

    {"targets": ["roof", "pavement", "grass", "tree", "soil", "water"],
     "input": {"wavelengths": [418.2, 423.9, ...], "scale": 0.0001}}

Fields
------
format : {"torchscript", "onnx", "python", "skops"}
    The model file's format; checked against the file (optional).
task : {"regression", "classification", "segmentation"}
    Regression: one output per target. Classification: one score per class.
    Segmentation: a (batch, classes, height, width) score map, reduced to one value per
    class by ``output.reduction``.
targets : list of str
    One name per output in output order; the class names for classification and
    segmentation.
input.layout : {"image", "pixels", "mean_spectrum"}
    What the model takes. ``image`` (the default for TorchScript, Python recipes and ONNX
    models with a rank-4 input): a batch of images (batch, bands, height, width).
    ``pixels`` (the default for scikit-learn models and ONNX models with a rank-2 input,
    such as sklearn-onnx exports): spectra (N, bands) -> (N, outputs), one row per pixel;
    the prediction for a region (a field, a tile, the raster) is the mean over its valid
    pixels of the outputs (after ``output.activation``: of the values for regression, of
    the probabilities for classification). ``mean_spectrum``: the model takes a region's
    mean spectrum (1, bands) -> (1, outputs), as field-mean models do (the random forests
    of the HYPERVIEW challenge); removing pixels (a spatial explanation) removes them from
    that mean, while switching off bands sets those bands of every pixel to the baseline.
    ``input.size``, ``input.pad_to_square``, ``input.interpolation`` and the task
    ``segmentation`` are for images only.
input.bands : int
    The number of bands the model takes.
input.wavelengths : list of float
    The band centres (nm) the model was trained on, one per band. A raster whose
    wavelengths differ is resampled spectrally to them (linear interpolation), with a
    warning; ``input.spectral_resampling: "refuse"`` refuses instead.
input.scale, input.offset : float
    Raw raster value -> physical value: ``x * scale + offset`` (default 1 and 0).
input.mean, input.std : float or list of float
    Per-band standardisation after scale/offset and after spectral resampling:
    model input = ``(value - mean) / std``, one value per card band (or one for all).
input.pad_to_square : bool
    Pad the bottom and right edges to a square (with "absent", i.e. 0 in model input
    units) before resizing.
input.size : [height, width] or null
    The size the model takes; null: the raster's own size.
input.interpolation : {"bilinear", "nearest"}
    How the image is resized to ``input.size``.
input.spectral_resampling : {"linear", "refuse"}
    What to do when the raster's wavelengths differ from ``input.wavelengths``.
output.activation : {"none", "softmax", "sigmoid"}
    Applied to the model's output (over the class axis): softmax turns logits into
    class probabilities.
output.reduction : {"soft", "hard"}
    Segmentation only. Per class, ``soft``: the sum of that class's score over the
    pixels where it is the most likely class; ``hard``: the number of those pixels.
output.class_axis : int
    The class axis of a classification or segmentation output (default 1; -1 for
    channels-last outputs).
output.name : str
    ONNX models: the output to explain, by name. Without it a model with one output gives
    that output; one with several (sklearn-onnx gives a label and the probabilities) gives
    the output whose name holds "prob" for classification, else its only floating-point
    output.

Every field is checked, and a wrong one is named in the error.
"""
from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import HsiLimeError, arg

FORMATS = ("torchscript", "onnx", "python", "skops")
TASKS = ("regression", "classification", "segmentation")
INTERPOLATIONS = ("bilinear", "nearest")
SPECTRAL_RESAMPLINGS = ("linear", "refuse")
ACTIVATIONS = ("none", "softmax", "sigmoid")
REDUCTIONS = ("soft", "hard")
#: What a model takes (``input.layout``): images, pixel spectra, or a region's mean spectrum.
LAYOUTS = ("image", "pixels", "mean_spectrum")
#: The input fields that describe images, refused for the spectral layouts.
IMAGE_FIELDS = ("pad_to_square", "size", "interpolation")
INPUT_FIELDS = (
    "layout", "bands", "wavelengths", "scale", "offset", "mean", "std", "pad_to_square", "size", "interpolation",
    "spectral_resampling",
)
OUTPUT_FIELDS = ("activation", "reduction", "class_axis", "name")
STRUCTURAL_FIELDS = ("format", "task", "targets", "input", "output")
#: Fields that would make a card run code or load files. Cards are data: hsi-lime never
#: executes or opens anything a card names, so a card that asks for it is refused rather
#: than half-honoured (custom code belongs in a Python recipe, behind allow_python).
EXECUTABLE_FIELDS = (
    "code", "python", "script", "recipe", "module", "import", "loader", "load", "callable", "function",
    "preprocess", "postprocess", "transform", "file", "path", "weights", "checkpoint", "state_dict", "url",
)
#: Name of the card inside a TorchScript file (extra file) and an ONNX file (metadata_props key).
TORCHSCRIPT_CARD_NAME = "model_card.json"
ONNX_CARD_KEY = "model_card"


@dataclass(frozen=True)
class ModelCard:
    """What a model predicts and how raw raster values become its input.

    Attributes
    ----------
    targets : list of str
        One name per model output, in output order (class names for classification
        and segmentation); empty: named ``t0``, ``t1``... from the outputs.
    task : {"regression", "classification", "segmentation"}
    bands : int or None
        The number of bands the model takes (None: not checked).
    scale, offset : float
        Physical value = raw value * scale + offset.
    pad_to_square : bool
        Pad bottom/right to a square before resizing.
    size : tuple of int or None
        (height, width) the model takes, or None for the raster's native size.
    source : str
        Where the card came from (for messages).
    format : {"torchscript", "onnx", "python", "skops"} or None
    layout : {"image", "pixels", "mean_spectrum"} or None
        What the model takes; None: the format's default (:attr:`ExplainableModel.layout`).
    output_name : str or None
        The ONNX output to explain.
    wavelengths : tuple of float or None
        Band centres in nm the model was trained on.
    mean, std : tuple of float or None
        Per-band standardisation (one value per card band), after scale/offset.
    interpolation : {"bilinear", "nearest"}
    spectral_resampling : {"linear", "refuse"}
    activation : {"none", "softmax", "sigmoid"}
    reduction : {"soft", "hard"} or None
        Segmentation only (default "soft").
    class_axis : int
    """

    targets: list[str]
    task: str = "regression"
    bands: int | None = None
    scale: float = 1.0
    offset: float = 0.0
    pad_to_square: bool = False
    size: tuple[int, int] | None = None
    source: str = "defaults"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    format: str | None = None
    wavelengths: tuple[float, ...] | None = None
    mean: tuple[float, ...] | None = None
    std: tuple[float, ...] | None = None
    interpolation: str = "bilinear"
    spectral_resampling: str = "linear"
    activation: str = "none"
    reduction: str | None = None
    class_axis: int = 1
    layout: str | None = None
    output_name: str | None = None

    @property
    def n_bands(self) -> int | None:
        """The number of bands the model takes, from ``bands``, ``wavelengths`` or ``mean``/``std``."""
        if self.bands is not None:
            return self.bands
        if self.wavelengths is not None:
            return len(self.wavelengths)
        for values in (self.mean, self.std):
            if values is not None and len(values) > 1:
                return len(values)
        return None

    @classmethod
    def defaults(cls, source: str = "defaults") -> "ModelCard":
        """The card of a model that has none: regression, targets named from the outputs, no scaling."""
        return cls(targets=[], source=source)

    @classmethod
    def from_dict(cls, card: Any, source: str) -> "ModelCard":
        """Validate a parsed card; errors name the card and the field."""

        def fail(field_name: str, problem: str, fix: str) -> HsiLimeError:
            return HsiLimeError(f"{arg('model')}: the model card {source} field '{field_name}' {problem}; {fix}.")

        card_format, task, targets = _read_header(card, fail)
        model_input = _section(card, "input", INPUT_FIELDS, fail)
        bands, wavelengths = _read_bands(model_input, fail)
        n_bands = bands if bands is not None else (len(wavelengths) if wavelengths is not None else None)
        scale = _number(model_input.get("scale", 1.0), "input.scale", fail)
        offset = _number(model_input.get("offset", 0.0), "input.offset", fail)
        if scale == 0:
            raise fail("input.scale", "is 0", "give the factor that maps raw values to model input")
        mean, std = _read_statistics(model_input, n_bands, fail)
        pad, size = _read_geometry(model_input, fail)
        layout = _read_layout(model_input, task, fail)
        activation, reduction, class_axis, output_name = _read_output(card, task, fail)
        return cls(
            targets=list(targets),
            task=task,
            bands=bands,
            scale=scale,
            offset=offset,
            pad_to_square=pad,
            size=size,
            source=source,
            extra={k: v for k, v in card.items() if k not in STRUCTURAL_FIELDS},
            format=card_format,
            wavelengths=wavelengths,
            mean=mean,
            std=std,
            interpolation=_choice(model_input, "interpolation", INTERPOLATIONS, "bilinear", "input.", fail),
            spectral_resampling=_choice(
                model_input, "spectral_resampling", SPECTRAL_RESAMPLINGS, "linear", "input.", fail
            ),
            activation=activation,
            reduction=reduction,
            class_axis=class_axis,
            layout=layout,
            output_name=output_name,
        )


def _read_header(card: Any, fail) -> tuple[str | None, str, list]:
    """The card's ``format``, ``task`` and ``targets``, after checking it is an object with known fields."""
    if not isinstance(card, dict):
        raise fail("(top level)", "is not a JSON object", 'write {"task": ..., "targets": [...], "input": {...}}')
    for key in card:
        if str(key).lower() in EXECUTABLE_FIELDS:
            raise fail(
                str(key), "asks for code or a file to be loaded, and model cards are data only",
                f"remove it; a model that needs code is loaded as a Python recipe (.py) with {arg('allow_python', 'True')}",
            )
        close = difflib.get_close_matches(str(key), STRUCTURAL_FIELDS, n=1, cutoff=0.75)
        if close and key not in STRUCTURAL_FIELDS:
            raise fail(str(key), "is not a card field", f"did you mean '{close[0]}'?")
    card_format = card.get("format")
    if card_format is not None and card_format not in FORMATS:
        raise fail("format", f"is {card_format!r}", f"use one of {', '.join(FORMATS)}")
    task = card.get("task", "regression")
    if task not in TASKS:
        raise fail("task", f"is {task!r}", f"use one of {', '.join(TASKS)}")
    targets = card.get("targets")
    if not isinstance(targets, list) or not targets or not all(isinstance(t, str) and t.strip() for t in targets):
        example = '["P", "K", "Mg", "pH"]' if task == "regression" else '["soil", "crop", "water"] (class names)'
        raise fail("targets", "must be a non-empty list of names", f"write e.g. \"targets\": {example}")
    if len(set(targets)) != len(targets):
        raise fail("targets", "repeats a name", "give every output its own name")
    return card_format, task, targets


def _read_bands(model_input: dict, fail) -> tuple[int | None, tuple[float, ...] | None]:
    """``input.bands`` and ``input.wavelengths`` (nm, distinct, one per band)."""
    bands = model_input.get("bands")
    if bands is not None and (not isinstance(bands, int) or isinstance(bands, bool) or bands < 1):
        raise fail("input.bands", f"is {bands!r}", "give the number of bands as a positive integer")
    wavelengths = model_input.get("wavelengths")
    if wavelengths is None:
        return bands, None
    wavelengths = _numbers(wavelengths, "input.wavelengths", fail, "the band centres in nm, one per band")
    if any(w <= 0 for w in wavelengths):
        raise fail("input.wavelengths", "holds a value <= 0", "give the band centres in nm")
    if max(wavelengths) < 100:
        raise fail(
            "input.wavelengths", f"looks like micrometres (largest value {max(wavelengths):g})",
            "give the band centres in nanometres (multiply by 1000)",
        )
    if len(set(wavelengths)) != len(wavelengths):
        raise fail("input.wavelengths", "repeats a wavelength", "give each band its own centre wavelength")
    if bands is not None and len(wavelengths) != bands:
        raise fail(
            "input.wavelengths", f"lists {len(wavelengths)} wavelengths but 'input.bands' is {bands}",
            "give one wavelength per band",
        )
    return bands, wavelengths


def _read_statistics(model_input: dict, n_bands: int | None, fail) -> tuple:
    """``input.mean`` and ``input.std``: one value per band, or one for all bands."""
    statistics = {}
    for name in ("mean", "std"):
        value = model_input.get(name)
        if value is None:
            statistics[name] = None
        elif isinstance(value, list):
            values = _numbers(value, f"input.{name}", fail, "one number per band, or one number for all bands")
            if n_bands is not None and len(values) not in (1, n_bands):
                raise fail(
                    f"input.{name}", f"lists {len(values)} values but the model takes {n_bands} bands",
                    "give one value per band (or one for all bands)",
                )
            n_bands = len(values) if n_bands is None and len(values) > 1 else n_bands
            statistics[name] = values
        else:
            statistics[name] = (_number(value, f"input.{name}", fail),)
    mean, std = statistics["mean"], statistics["std"]
    if mean is not None and std is not None and len(mean) > 1 and len(std) > 1 and len(mean) != len(std):
        raise fail("input.std", f"lists {len(std)} values but 'input.mean' lists {len(mean)}", "give one per band")
    if std is not None and any(s <= 0 for s in std):
        raise fail("input.std", "holds a value <= 0", "give the standard deviation of each band (> 0)")
    return mean, std


def _read_geometry(model_input: dict, fail) -> tuple[bool, tuple[int, int] | None]:
    """``input.pad_to_square`` and ``input.size`` ([height, width] or null)."""
    pad = model_input.get("pad_to_square", False)
    if not isinstance(pad, bool):
        raise fail("input.pad_to_square", f"is {pad!r}", "write true or false")
    size = model_input.get("size")
    if size is None:
        return pad, None
    if (
        not isinstance(size, list)
        or len(size) != 2
        or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in size)
    ):
        raise fail("input.size", f"is {size!r}", "write [height, width] in pixels, or null for native size")
    return pad, (size[0], size[1])


def _read_layout(model_input: dict, task: str, fail) -> str | None:
    """``input.layout``; the image fields and the segmentation task are refused for the spectral layouts."""
    layout = model_input.get("layout")
    if layout is None:
        return None
    if layout not in LAYOUTS:
        raise fail("input.layout", f"is {layout!r}", f"use one of {', '.join(LAYOUTS)}")
    if layout != "image":
        for name in IMAGE_FIELDS:
            if name in model_input:
                raise fail(f"input.{name}", f"is given for layout '{layout}'",
                           "remove it: it describes the images an image model takes")
        if task == "segmentation":
            raise fail("task", f"is 'segmentation' for layout '{layout}'",
                       "a per-pixel classifier is 'classification': its region prediction is the mean of its "
                       "probabilities, the share of the region each class takes")
    return layout


def _read_output(card: dict, task: str, fail) -> tuple[str, str | None, int, str | None]:
    """``output.activation``, ``output.reduction`` (segmentation only), ``output.class_axis`` and ``output.name``."""
    model_output = _section(card, "output", OUTPUT_FIELDS, fail)
    activation = _choice(model_output, "activation", ACTIVATIONS, "none", "output.", fail)
    reduction = model_output.get("reduction")
    if reduction is not None and task != "segmentation":
        raise fail("output.reduction", f"is given for task '{task}'", "remove it: it applies to segmentation only")
    if task == "segmentation":
        reduction = _choice(model_output, "reduction", REDUCTIONS, "soft", "output.", fail)
    class_axis = model_output.get("class_axis", 1)
    if not isinstance(class_axis, int) or isinstance(class_axis, bool) or class_axis == 0:
        raise fail(
            "output.class_axis", f"is {class_axis!r}",
            "give the axis of the classes as a non-zero integer (1 for batch x classes x ..., -1 for channels last)",
        )
    name = model_output.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise fail("output.name", f"is {name!r}", "give the name of the model output to explain, as text")
    return activation, reduction, class_axis, name


def _section(card: dict, name: str, known: tuple[str, ...], fail) -> dict:
    section = card.get(name, {})
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise fail(name, "is not a JSON object", f'write e.g. "{name}": {{"{known[0]}": ...}}')
    for key in section:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? Known fields: {', '.join(known)}" if close else \
                f"known fields are {', '.join(known)}"
            raise fail(f"{name}.{key}", "is not a card field", hint)
    return section


def _choice(section: dict, key: str, choices: tuple[str, ...], default: str, prefix: str, fail) -> str:
    value = section.get(key, default)
    if value not in choices:
        raise fail(f"{prefix}{key}", f"is {value!r}", f"use one of {', '.join(choices)}")
    return value


def _number(value: Any, name: str, fail) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise fail(name, f"is {value!r}", "give a finite number")
    return float(value)


def _numbers(values: Any, name: str, fail, what: str) -> tuple[float, ...]:
    if not isinstance(values, list) or not values:
        raise fail(name, "is not a non-empty list of numbers", f"give {what}")
    for i, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise fail(f"{name}[{i}]", f"is {value!r}", "give a finite number")
    return tuple(float(v) for v in values)


def card_path_for(model_path: str | Path) -> Path:
    """The sidecar card path of a model: same folder and base name, ``.json``."""
    return Path(model_path).with_suffix(".json")


def parse_card_text(text: str | bytes, source: str) -> ModelCard:
    """Parse and validate a card given as JSON text (a sidecar file's or an embedded card's)."""
    return ModelCard.from_dict(parse_card_json(text, source), source)


def parse_card_json(text: str | bytes, source: str) -> Any:
    """The JSON of a card, parsed but not yet validated (a scikit-learn model's card is completed from the
    estimator first)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise HsiLimeError(f"{arg('model')}: the model card {source} is not UTF-8 text; save it as UTF-8 JSON.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise HsiLimeError(
            f"{arg('model')}: the model card {source} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); fix the card."
        ) from None


def read_card_file(path: str | Path) -> ModelCard:
    """Read and validate a sidecar card JSON file."""
    return ModelCard.from_dict(read_card_json(path), str(path))


def read_card_json(path: str | Path) -> Any:
    """A sidecar card JSON file, parsed but not yet validated."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise HsiLimeError(f"{arg('model')}: the model card {path} cannot be read ({error.strerror}).") from None
    except UnicodeDecodeError:
        raise HsiLimeError(f"{arg('model')}: the model card {path} is not UTF-8 text; save it as UTF-8 JSON.") from None
    return parse_card_json(text, str(path))
