"""The one channel through which the engine talks to the user: :class:`Reporter`.

Every engine function that runs long or has something to tell takes a ``reporter``:
progress (a fraction of the work), cancellation (checked between batches), information
and warnings. The QGIS side maps a reporter onto the Processing feedback; notebooks and
Dask workers get the default, which logs through :mod:`logging` (logger ``hsi_lime``).

Messages may name arguments with :func:`hsi_lime_plugin.errors.arg` tokens; a reporter
renders them with its ``render`` function (Python argument names by default, the
algorithm's parameter names on the QGIS side), exactly as errors are rendered.

Python warnings that third-party code (torch, rasterio, onnxruntime...) raises during a
run reach the same channel: :meth:`Reporter.active` marks the current thread (through a
context variable) as working for this reporter, and one thread-aware dispatcher, chained
in front of whatever ``warnings.showwarning`` was installed before (QGIS's own, or
Python's), sends a warning to the reporter of the thread that raised it. The dispatcher
is installed once and never swapped per run, so two runs in two threads never see each
other's warnings and no ``warnings.catch_warnings`` (which is not thread-safe) is used.
Warnings raised outside a run go where they always went.
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import threading
import warnings
from typing import Callable, Iterator

from .errors import Cancelled, render_arguments

LOGGER = logging.getLogger("hsi_lime")

#: Third-party warnings a run does not pass on: torch 2.9+ calls TorchScript deprecated on every
#: ``torch.jit.load``, yet TorchScript is what users have.
IGNORED_WARNINGS = re.compile(r"torch\.jit\.")

_ACTIVE: contextvars.ContextVar["Reporter | None"] = contextvars.ContextVar("hsi_lime_reporter", default=None)
_INSTALL_LOCK = threading.Lock()


class Reporter:
    """Progress, cancellation, information and warnings of one run.

    Parameters
    ----------
    progress : callable(float), optional
        Receives the fraction of the work done, in [0, 1].
    cancelled : callable() -> bool, optional
        Returns True once the user asked to stop.
    info, warning : callable(str), optional
        Receive messages (already rendered). Default: the ``hsi_lime`` logger.
    render : callable(str) -> str, optional
        Renders argument tokens in messages; default: Python argument names.
    """

    def __init__(
        self,
        progress: Callable[[float], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        info: Callable[[str], None] | None = None,
        warning: Callable[[str], None] | None = None,
        render: Callable[[str], str] = render_arguments,
    ):
        self._progress = progress
        self._cancelled = cancelled
        self._info = info or LOGGER.info
        self._warning = warning or LOGGER.warning
        self.render = render

    def progress(self, fraction: float) -> None:
        """Report the fraction of the work done."""
        if self._progress is not None:
            self._progress(min(1.0, max(0.0, float(fraction))))

    def cancelled(self) -> bool:
        """True once the user asked to stop."""
        return bool(self._cancelled is not None and self._cancelled())

    def check_cancelled(self) -> None:
        """Raise :class:`~hsi_lime_plugin.errors.Cancelled` when the user asked to stop."""
        if self.cancelled():
            raise Cancelled()

    def info(self, message: str) -> None:
        self._info(self.render(message))

    def warning(self, message: str) -> None:
        self._warning(self.render(message))

    def part(self, index: int, count: int) -> "Reporter":
        """A reporter for part ``index`` of ``count`` equal parts: its progress is scaled
        into that part's share of the whole; everything else goes here."""
        return self.between(index / count, (index + 1) / count)

    def between(self, low: float, high: float) -> "Reporter":
        """A reporter whose progress 0..1 is reported here as ``low``..``high``; everything else goes here."""
        scaled = Reporter.__new__(Reporter)
        scaled.__dict__.update(self.__dict__)
        scaled._progress = lambda fraction: self.progress(low + fraction * (high - low))
        return scaled

    def without_progress(self) -> "Reporter":
        """This reporter for work that does not advance the progress bar (cancel and messages still go here)."""
        quiet = Reporter.__new__(Reporter)
        quiet.__dict__.update(self.__dict__)
        quiet._progress = None
        return quiet

    @contextlib.contextmanager
    def active(self) -> Iterator["Reporter"]:
        """Within the block, Python warnings raised in this thread go to :meth:`warning`."""
        _install_dispatcher()
        token = _ACTIVE.set(self)
        try:
            yield self
        finally:
            _ACTIVE.reset(token)


class RecordingReporter(Reporter):
    """A reporter that keeps every message and progress value (tests, notebooks).

    Attributes
    ----------
    infos, warnings : list of str
    fractions : list of float
    """

    def __init__(self, cancelled: Callable[[], bool] | None = None, render: Callable[[str], str] = render_arguments):
        self.infos: list[str] = []
        self.warnings: list[str] = []
        self.fractions: list[float] = []
        super().__init__(self.fractions.append, cancelled, self.infos.append, self.warnings.append, render)


def reporter_or_default(reporter: Reporter | None) -> Reporter:
    """``reporter``, or a default one that logs through :mod:`logging`."""
    return reporter if reporter is not None else Reporter()


def _install_dispatcher() -> None:
    """Chain the thread-aware dispatcher in front of ``warnings.showwarning``, once.

    Once per copy of this module: the plugin imports the engine as ``hsi_lime.hsi_lime_plugin``
    and a notebook or recipe as ``hsi_lime_plugin``, two copies with two context variables.
    """
    with _INSTALL_LOCK:
        handler = warnings.showwarning
        while handler is not None:
            if getattr(handler, "_hsi_lime_active", None) is _ACTIVE:
                return
            handler = getattr(handler, "_hsi_lime_previous", None)
        previous = warnings.showwarning

        def dispatch(message, category, filename, lineno, file=None, line=None):
            reporter = _ACTIVE.get()
            if reporter is None:
                previous(message, category, filename, lineno, file, line)
            elif not IGNORED_WARNINGS.search(str(message)):
                reporter.warning(f"{category.__name__}: {message}")

        dispatch._hsi_lime_active = _ACTIVE
        dispatch._hsi_lime_previous = previous
        warnings.showwarning = dispatch
