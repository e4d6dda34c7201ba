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
    "Reporter": "reporting",
    "RecordingReporter": "reporting",
    "RasterCube": "inputs.raster",
    "read_raster": "inputs.raster",
    "write_raster": "outputs.rasters",
    "slic_segments": "features.segments",
    "patch_segments": "features.segments",
    "resolve_band_groups": "features.superbands",
    "ExplainableModel": "models.explainable",
    "load_model": "models.loading",
    "ModelCard": "models.card",
    "Explanation": "perturbation.result",
    "explain": "perturbation.pipeline",
    "Background": "perturbation.background",
    "release_batch_buffers": "perturbation.buffers",
    "attribute": "attribution.attribute",
    "Attribution": "attribution.attribute",
    "faithfulness": "attribution.faithfulness",
    "Faithfulness": "attribution.faithfulness",
    "run_spatial": "runs.explain_spatial",
    "run_spectral": "runs.explain_spectral",
    "run_fields": "runs.explain_fields",
    "run_attribute": "runs.attribute_pixels",
    "run_import": "runs.import_product",
    "open_product": "inputs.products",
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
