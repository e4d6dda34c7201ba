"""Which model outputs to explain: names, 0-based indices, or ``top:K``, validated against the model.

``top:K`` (as SynapseML explains the top classes) means the K outputs the model predicts
highest for this image (or field), highest first; it needs the model's prediction.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from ..errors import HsiLimeError, arg


def default_target_names(n_outputs: int) -> list[str]:
    """Names for outputs a model card does not name: ``t0``, ``t1``, ..."""
    return [f"t{i}" for i in range(n_outputs)]


TOP = re.compile(r"^\s*top\s*:\s*(\S*)\s*$", re.IGNORECASE)


def top_count(requested, n_outputs: int) -> int | None:
    """K of a ``top:K`` request (checked against the number of outputs), or None for any other request."""
    if not isinstance(requested, str):
        return None
    match = TOP.match(requested)
    if match is None:
        return None
    text = match.group(1)
    if not text.isdigit() or not 1 <= int(text) <= n_outputs:
        raise HsiLimeError(
            f"{arg('targets')}: '{requested.strip()}' asks for the top '{text}' classes, but the model has "
            f"{n_outputs} outputs; write top:K with K from 1 to {n_outputs}, e.g. top:2."
        )
    return int(text)


def select_targets(
    names: Sequence[str], requested: str | Sequence[str | int] | None, prediction=None
) -> list[int]:
    """Resolve requested targets to output indices.

    Parameters
    ----------
    names : sequence of str
        The model's output names, in output order.
    requested : str, sequence of (str or int), or None
        None or an empty string: every output. A string is split at commas; each item
        is a target name (exact, then case-insensitive) or a 0-based output index; a
        string of separators only (", ,") names nothing and is refused.

    Returns
    -------
    list of int
        Output indices in the requested order, without repeats.
    prediction : array-like, optional
        (n_outputs,) the model's output on the image: needed for ``top:K`` (the K highest,
        highest first). Without it a ``top:K`` request is only checked and every output returned.
    """
    k = top_count(requested, len(names))
    if k is not None:
        if prediction is None:
            return list(range(len(names)))
        order = np.argsort(-np.asarray(prediction, dtype=np.float64).reshape(-1), kind="stable")
        return [int(i) for i in order[:k]]
    if requested is None or (isinstance(requested, str) and not requested.strip()):
        return list(range(len(names)))
    items = [s.strip() for s in requested.split(",")] if isinstance(requested, str) else list(requested)
    items = [item for item in items if not (isinstance(item, str) and item == "")]
    if not items:
        raise HsiLimeError(
            f"{arg('targets')}: '{requested}' names no target; give names or 0-based indices separated by commas "
            f"({', '.join(names)}), or leave {arg('targets')} empty to explain them all."
        )
    lowered = {name.lower(): i for i, name in enumerate(names)}
    chosen: list[int] = []
    for item in items:
        index = _resolve_one(item, names, lowered)
        if index not in chosen:
            chosen.append(index)
    return chosen


def _resolve_one(item: str | int, names: Sequence[str], lowered: dict[str, int]) -> int:
    if isinstance(item, str):
        if item in names:
            return list(names).index(item)
        if item.lower() in lowered:
            return lowered[item.lower()]
        if item.lstrip("-").isdigit():
            item = int(item)
    if isinstance(item, int) and not isinstance(item, bool) and 0 <= item < len(names):
        return item
    raise HsiLimeError(
        f"{arg('targets')}: '{item}' is not a target of this model; valid names are {', '.join(names)} "
        f"(or indices 0 to {len(names) - 1}, or top:K); leave {arg('targets')} empty to explain them all."
    )
