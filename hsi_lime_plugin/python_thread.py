"""Run a call in a thread Python started, wherever it is called from.

pyproj 3.7 keeps each thread's PROJ context in the operating system's thread storage but frees it with the
thread's Python state. QGIS runs its tasks and Processing algorithms on pooled Qt threads whose Python state is
made and dropped around each call into Python, so the next call on the same thread that builds a CRS (geopandas
does, reading polygons) hands PROJ a freed context and QGIS dies on a segmentation fault (pyproj issues 1509 and
1622, QGIS issue 63339; met with QGIS 3.40 and pyproj 3.7.1 on Debian 13). A thread that ``threading`` started
keeps one Python state for its whole life and takes its context with it when it ends: the engine's work from
such pooled threads runs in one. Light: imports nothing heavy (the plugin loads it at QGIS start).
"""
from __future__ import annotations

import threading
from typing import Any, Callable

__all__ = ["in_python_thread"]


def in_python_thread(function: Callable[..., Any], *arguments: Any) -> Any:
    """``function(*arguments)``, run in a new thread of Python's when the caller's thread was not started by
    Python (a Qt thread): its result returned, its exception raised here. Otherwise called directly."""
    if not isinstance(threading.current_thread(), threading._DummyThread):  # noqa: SLF001 (threads Python did not start)
        return function(*arguments)
    outcome: dict = {}

    def call() -> None:
        try:
            outcome["result"] = function(*arguments)
        except BaseException as error:  # noqa: BLE001 (raised again in the caller's thread)
            outcome["error"] = error

    worker = threading.Thread(target=call, name=f"hsi-lime {getattr(function, '__qualname__', 'call')}", daemon=True)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
