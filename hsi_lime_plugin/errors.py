"""The one exception type for problems a user can fix, and how messages name arguments.

Every error the engine raises on bad input is an :class:`HsiLimeError` whose message
names the input, says what is wrong and how to fix it. Engine messages name arguments
with :func:`arg` tokens: ``f"{arg('n_samples')}: 1 sample cannot fit a surrogate"``.
Rendered as text (``str(error)``) a token is the Python argument name (``n_samples``),
which is what a notebook user typed; the QGIS side renders the same message with its
parameter names (``N_SAMPLES``) through :meth:`HsiLimeError.render`. An enumerated value
travels with its argument (``arg("segmentation", "polygons")``), so that each side can
word it in its own terms (``segmentation='polygons'`` or ``SEGMENTATION=0``).
"""
from __future__ import annotations

import ast
import re
from typing import Callable

#: An argument token: the name, optionally ``=value``, between two brackets no user text contains.
TOKEN = re.compile("\u27e6([A-Za-z_][A-Za-z0-9_]*)(?:=([^\u27e7]*))?\u27e7")


def arg(name: str, value: str | None = None) -> str:
    """A token naming the argument ``name`` (with an enumerated ``value``) inside a message."""
    return f"\u27e6{name}\u27e7" if value is None else f"\u27e6{name}={value}\u27e7"


def python_name(name: str, value: str | None) -> str:
    """How a notebook user reads an argument token: ``n_samples``, ``segmentation='slic'``, ``allow_python=True``."""
    if value is None:
        return name
    try:
        ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return f"{name}={value!r}"
    return f"{name}={value}"


def render_arguments(message: str, name: Callable[[str, str | None], str] = python_name) -> str:
    """``message`` with every argument token replaced by ``name(argument, value)``."""
    return TOKEN.sub(lambda match: name(match.group(1), match.group(2)), message)


def plural(count: int, noun: str) -> str:
    """``"1 band"``, ``"3 bands"``: a count with its noun, for messages."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


#: How many items a message lists before saying how many more there are.
NAMED = 20


def named(items: list) -> str:
    """The first :data:`NAMED` items, comma-separated, and how many more there are."""
    text = ", ".join(str(item) for item in items[:NAMED])
    return text + (f" and {len(items) - NAMED} more" if len(items) > NAMED else "")


def refuse_duplicates(values: list, what: str, described: str, fix: str) -> None:
    """Raise when a value occurs twice: ``"{what}: 2 {described} occur more than once (a, b); ... {fix}."``"""
    seen, duplicates = set(), []
    for value in values:
        if value in seen and value not in duplicates:
            duplicates.append(value)
        seen.add(value)
    if duplicates:
        raise HsiLimeError(
            f"{what}: {len(duplicates)} {described} occur more than once ({named(duplicates)}); every field or unit "
            f"needs its own id: {fix}."
        )


class HsiLimeError(ValueError):
    """Bad input that the user can fix; the message says which input, what and how.

    Attributes
    ----------
    argument : str or None
        The argument the message begins with (the input at fault), if it names one.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
        first = TOKEN.match(message)
        self.argument = first.group(1) if first else None

    def render(self, name: Callable[[str, str | None], str] = python_name) -> str:
        """The message with argument tokens worded by ``name`` (see :func:`render_arguments`)."""
        return render_arguments(self.message, name)

    def __str__(self) -> str:
        return self.render()


class Cancelled(Exception):
    """The user cancelled the run (the reporter's ``cancelled()`` returned True); nothing was written."""
