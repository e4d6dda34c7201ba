"""Records across a cluster as bytes, whatever each side calls the engine.

QGIS imports the engine as ``hsi_lime.hsi_lime_plugin`` (a subpackage of the plugin); a
worker as ``hsi_lime_plugin`` (``pip install .``); a notebook as either. A record pickled on
one side names the classes of that side's engine. :func:`loads` reads them as the classes of
*this* process's engine: every module path whose package is an ``hsi_lime_plugin`` is mapped
onto the one this module belongs to. Records travel as opaque bytes, so a Dask scheduler,
which deserializes the task graph, never needs the engine (it needs only dask and
distributed); only workers and the client read them.

Only the standard library is imported here.
"""
from __future__ import annotations

import io
import pickle  # nosec B403: records this run sent to its own workers and they return (Dask unpickles all it carries)

#: The last component of the engine's package name on every side.
ENGINE = "hsi_lime_plugin"
#: This process's name of the engine (``hsi_lime_plugin`` or ``hsi_lime.hsi_lime_plugin``).
LOCAL_ENGINE = __package__.rpartition(".")[0]


def dumps(value) -> bytes:
    """``value`` as bytes (the highest pickle protocol)."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes):
    """What :func:`dumps` wrote on any side, with the engine's classes taken from this process's engine."""
    return _EngineUnpickler(io.BytesIO(data)).load()


def local_module(module: str) -> str:
    """``module`` renamed into this process's engine when it belongs to an engine, else as it is."""
    parts = module.split(".")
    if ENGINE not in parts:
        return module
    return ".".join([LOCAL_ENGINE, *parts[parts.index(ENGINE) + 1:]])


class _EngineUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        return super().find_class(local_module(module), name)
