"""Which model outputs to explain: names or 0-based indices, validated against the model."""
from __future__ import annotations

from typing import Sequence

from .errors import HsiLimeError, arg


def default_target_names(n_outputs: int) -> list[str]:
    """Names for outputs a model card does not name: ``t0``, ``t1``, ..."""
    return [f"t{i}" for i in range(n_outputs)]


def select_targets(names: Sequence[str], requested: str | Sequence[str | int] | None) -> list[int]:
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
    """
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
        f"(or indices 0 to {len(names) - 1}); leave {arg('targets')} empty to explain them all."
    )
