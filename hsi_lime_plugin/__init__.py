"""hsi-lime engine: perturbation explanations of hyperspectral models.

Importable without QGIS (Dask workers and notebooks use it directly)::

    from hsi_lime_plugin import load_model, explain, read_raster
    model = load_model("soil.pt")
    cube = read_raster("field.tif")
    result = explain(model, cube.data, segments, valid=cube.valid)
    result.maps()   # (targets, height, width)

Importing the package itself is cheap: the public names are resolved on first use
(PEP 562), so ``import hsi_lime_plugin`` (or ``hsi_lime_plugin.options``) imports neither
torch nor rasterio. The QGIS plugin relies on this to load fast.
"""
from __future__ import annotations

import importlib
import sys
import types

__version__ = "0.1.0"

#: Public name -> the submodule that defines it.
_PUBLIC = {
    "Cancelled": "errors",
    "HsiLimeError": "errors",
    "Explanation": "explain",
    "explain": "explain",
    "ExplainableModel": "models",
    "load_model": "models",
    "ModelCard": "model_card",
    "RasterCube": "raster",
    "read_raster": "raster",
    "write_raster": "raster",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    return sorted(set(globals()) | set(_PUBLIC))


class _Package(types.ModuleType):
    """``hsi_lime_plugin.explain`` is the function, as it always was, even after the
    submodule of the same name is imported (the import system binds a submodule as an
    attribute of its package; this setter lets that binding pass without effect)."""

    @property
    def explain(self):
        return importlib.import_module(".explain", __name__).explain

    @explain.setter
    def explain(self, value):
        pass


sys.modules[__name__].__class__ = _Package
