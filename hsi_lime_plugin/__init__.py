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

__version__ = "0.1.0"

#: Public name -> the submodule that defines it.
_PUBLIC = {
    "Cancelled": "errors",
    "HsiLimeError": "errors",
    "Explanation": "explanation",
    "explain": "pipeline",
    "attribute": "attribution",
    "Attribution": "attribution",
    "faithfulness": "faithfulness",
    "Faithfulness": "faithfulness",
    "ExplainableModel": "models",
    "load_model": "models",
    "ModelCard": "model_card",
    "RasterCube": "raster",
    "read_raster": "raster",
    "write_raster": "raster",
    "Reporter": "reporting",
    "RecordingReporter": "reporting",
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
