"""hsi-lime engine: perturbation explanations of hyperspectral models.

Importable without QGIS (Dask workers and notebooks use it directly)::

    from hsi_lime_plugin import load_model, explain, read_raster
    model = load_model("soil.pt")
    cube = read_raster("field.tif")
    result = explain(model, cube.data, segments, valid=cube.valid)
    result.maps()   # (targets, height, width)
"""
from .errors import Cancelled, HsiLimeError
from .explanation import Explanation
from .pipeline import explain
from .models import ExplainableModel, load_model
from .model_card import ModelCard
from .raster import RasterCube, read_raster, write_raster
from .reporting import RecordingReporter, Reporter

__version__ = "0.1.0"

__all__ = [
    "Cancelled",
    "ExplainableModel",
    "Explanation",
    "HsiLimeError",
    "ModelCard",
    "RasterCube",
    "RecordingReporter",
    "Reporter",
    "explain",
    "load_model",
    "read_raster",
    "write_raster",
]
