"""The model card: what a model predicts and what input it expects.

A card is a JSON file beside the model with the same base name (``soil.pt`` ->
``soil.json``)::

    {"task": "regression",
     "targets": ["P", "K", "Mg", "pH"],
     "input": {"bands": 150, "scale": 0.0001845, "offset": 0.0,
               "pad_to_square": true, "size": [224, 224]}}

``input.scale`` / ``input.offset`` map raw raster values to model input
(``x * scale + offset``); ``pad_to_square`` zero-pads the bottom and right edges to a
square before resizing to ``input.size`` (absent or null: the model takes the raster at
its native size). Every field is checked, and a wrong one is named in the error.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import HsiLimeError

TASKS = ("regression",)


@dataclass(frozen=True)
class ModelCard:
    """What a model predicts and how raw raster values become its input.

    Attributes
    ----------
    task : str
        ``"regression"``.
    targets : list of str
        One name per model output, in output order.
    bands : int or None
        The number of bands the model takes (None: not checked).
    scale, offset : float
        Model input = raw value * scale + offset.
    pad_to_square : bool
        Zero-pad bottom/right to a square before resizing.
    size : tuple of int or None
        (height, width) the model takes, or None for the raster's native size.
    source : str
        Where the card came from (for messages).
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

    @classmethod
    def from_dict(cls, card: Any, source: str) -> "ModelCard":
        """Validate a parsed card; errors name the card file and the field."""

        def fail(field_name: str, problem: str, fix: str) -> HsiLimeError:
            return HsiLimeError(f"MODEL: the model card {source} field '{field_name}' {problem}; {fix}.")

        if not isinstance(card, dict):
            raise fail("(top level)", "is not a JSON object", 'write {"task": ..., "targets": [...], "input": {...}}')
        task = card.get("task", "regression")
        if task not in TASKS:
            raise fail("task", f"is '{task}'", f"use one of {', '.join(TASKS)}")
        targets = card.get("targets")
        if (
            not isinstance(targets, list)
            or not targets
            or not all(isinstance(t, str) and t.strip() for t in targets)
        ):
            raise fail("targets", "must be a non-empty list of names", 'write e.g. "targets": ["P", "K", "Mg", "pH"]')
        if len(set(targets)) != len(targets):
            raise fail("targets", "repeats a name", "give every output its own name")
        model_input = card.get("input", {})
        if not isinstance(model_input, dict):
            raise fail("input", "is not a JSON object", 'write e.g. "input": {"bands": 150}')
        bands = model_input.get("bands")
        if bands is not None and (not isinstance(bands, int) or isinstance(bands, bool) or bands < 1):
            raise fail("input.bands", f"is {bands!r}", "give the number of bands as a positive integer")
        scale = _number(model_input.get("scale", 1.0), "input.scale", fail)
        offset = _number(model_input.get("offset", 0.0), "input.offset", fail)
        if scale == 0:
            raise fail("input.scale", "is 0", "give the factor that maps raw values to model input")
        pad = model_input.get("pad_to_square", False)
        if not isinstance(pad, bool):
            raise fail("input.pad_to_square", f"is {pad!r}", "write true or false")
        size = model_input.get("size")
        if size is not None:
            if (
                not isinstance(size, list)
                or len(size) != 2
                or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in size)
            ):
                raise fail("input.size", f"is {size!r}", "write [height, width] in pixels, or null for native size")
            size = (size[0], size[1])
        return cls(
            targets=list(targets),
            task=task,
            bands=bands,
            scale=scale,
            offset=offset,
            pad_to_square=pad,
            size=size,
            source=source,
            extra={k: v for k, v in card.items() if k not in ("task", "targets", "input")},
        )


def _number(value: Any, name: str, fail) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise fail(name, f"is {value!r}", "give a finite number")
    return float(value)


def card_path_for(model_path: str | Path) -> Path:
    """The sidecar card path of a model: same folder and base name, ``.json``."""
    return Path(model_path).with_suffix(".json")


def read_card_file(path: str | Path) -> ModelCard:
    """Read and validate a sidecar card JSON file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise HsiLimeError(f"MODEL: the model card {path} cannot be read ({error.strerror}).") from None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise HsiLimeError(
            f"MODEL: the model card {path} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); fix the file."
        ) from None
    return ModelCard.from_dict(parsed, str(path))
