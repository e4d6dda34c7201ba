"""One unit, start to end: the task a map-scale run executes in this process or on a Dask worker.

:func:`explain_unit` reads the unit's window of the raster (never the whole raster),
masks the pixels outside the field and those without data (never perturbed), builds the
unit's features (SLIC or patches inside the unit, or the superbands), and explains it
with a seed derived from the run's seed and the unit's id (:func:`unit_seed`), so that
the result depends neither on the order in which units run nor on the number of workers.

Everything it takes and returns is plain values (dicts, tuples, numpy arrays, bytes):
a worker imports the engine as the top-level package ``hsi_lime_plugin`` (``pip install
.`` of the repository), while QGIS imports it as ``hsi_lime.hsi_lime_plugin``. A task
function pickled from QGIS would name the module QGIS knows; :class:`WorkerFunction`
pickles as ``getattr(importlib.import_module("hsi_lime_plugin.fields"), name)`` instead,
so that each side runs its own copy of the same code. Errors a user can fix come back as
``{"error": message}``, not as an exception whose class the other side cannot import.

The model travels as a bundle: its file and card as bytes (sent to each worker once,
:func:`model_bundle`), loaded once per worker and kept in a cache keyed by the bytes' hash.
"""
from __future__ import annotations

import hashlib
import importlib
import tempfile
import threading
import zlib
from pathlib import Path

import numpy as np
import rasterio
import rasterio.features
import rasterio.windows
import shapely.wkb

from .errors import HsiLimeError
from .model_card import card_path_for
from .raster import RasterCube, read_raster
from .wavelength_text import parse_wavelengths

#: The engine's name on workers (``pip install .``), whatever it is called in this process.
WORKER_PACKAGE = "hsi_lime_plugin"

_CACHE_LOCK = threading.Lock()
_MODELS: dict = {}
_FOLDERS: dict = {}


def unit_seed(seed: int, unit_id) -> int:
    """The seed of one unit: the run's ``seed`` and a stable hash (CRC-32) of ``str(unit_id)``."""
    return (int(seed) + zlib.crc32(str(unit_id).encode("utf-8"))) % (2**32)


def model_bundle(path: str, *, device: str, allow_python: bool, ship: bool) -> dict:
    """The model as a task receives it.

    ``ship=False`` (this process): the path. ``ship=True`` (workers): also the bytes of the
    model file and of its sidecar card, and their hash, so a worker needs no access to
    the model's folder.
    """
    bundle = {"path": str(path), "device": device, "allow_python": bool(allow_python), "files": None}
    digest = hashlib.sha256()
    files = {}
    for file in (Path(path), card_path_for(path)):
        if file.is_file() and file.name not in files:
            files[file.name] = file.read_bytes()
            digest.update(file.name.encode() + b"\0" + files[file.name])
    bundle["digest"] = digest.hexdigest()
    if ship:
        bundle["files"] = files
    return bundle


def cached_model(bundle: dict, n_bands: int, wavelengths, reporter=None):
    """The bundle's model matched to the raster's bands, loaded once per process (and per band layout)."""
    from .models import load_model

    key = (bundle["digest"], bundle["device"], int(n_bands),
           None if wavelengths is None else tuple(np.round(np.asarray(wavelengths, dtype=float), 6)))
    with _CACHE_LOCK:
        if key not in _MODELS:
            model = load_model(_model_path(bundle), bundle["device"], allow_python=bundle["allow_python"],
                               reporter=reporter)
            model.match_raster(n_bands, wavelengths, reporter=reporter)
            _MODELS[key] = model
        return _MODELS[key]


def _model_path(bundle: dict) -> str:
    """The model file: the original path, or the shipped bytes written once into a temporary folder."""
    if not bundle["files"]:
        return bundle["path"]
    digest = bundle["digest"]
    if digest not in _FOLDERS:
        folder = Path(tempfile.mkdtemp(prefix=f"hsi_lime_model_{digest[:12]}_"))
        for name, data in bundle["files"].items():
            (folder / name).write_bytes(data)
        _FOLDERS[digest] = folder
    return str(_FOLDERS[digest] / Path(bundle["path"]).name)


def read_unit(unit: dict, wavelengths: str | None = None) -> tuple[RasterCube, np.ndarray]:
    """The unit's window of the raster and its mask (inside the field and holding data)."""
    row, column, height, width = unit["window"]
    window = rasterio.windows.Window(column, row, width, height)
    cube = read_raster(unit["path"], window=window)
    if wavelengths:
        cube.wavelengths = parse_wavelengths(str(wavelengths), cube.shape[0])
    inside = cube.valid
    if unit.get("geometry") is not None:
        burnt = rasterio.features.rasterize([(shapely.wkb.loads(unit["geometry"]), 1)], out_shape=(height, width),
                                            transform=cube.transform, fill=0, dtype="uint8")
        inside = inside & (burnt > 0)
    return cube, inside


def unit_features(settings: dict, cube: RasterCube, inside: np.ndarray) -> np.ndarray:
    """The features explained inside one unit: the superbands, or SLIC segments or patches of its pixels."""
    from .segments import patch_segments, slic_segments

    if settings["kind"] == "spectral":
        return np.asarray(settings["features"])
    if settings["segmentation"] == "patches":
        return patch_segments(inside, int(settings["patch_size"]))
    masked = RasterCube(cube.data, inside, cube.transform, cube.crs, cube.wavelengths)
    # a small field cannot hold more segments than pixels: SLIC asks for at most one per pixel
    n_segments = min(int(settings["n_segments"]), int(inside.sum()))
    return slic_segments(masked, n_segments, float(settings["compactness"]))


def explain_unit(unit: dict, bundle: dict, settings: dict, reporter=None) -> dict:
    """Explain one unit; plain values in and out (see the module docstring).

    Returns ``{"id", "empty": True}`` for a unit without a valid pixel, ``{"id", "error"}``
    for a problem the user can fix, else the explanation's arrays: ``target_names``,
    ``prediction`` (T,), ``base_value`` (T,: the model with every feature removed),
    ``score`` (T,), ``feature_ids`` (K,), ``coefficients``, ``standard_error``, ``low``,
    ``high`` (T, K; 95 % interval), ``labels`` (the unit's (h, w) feature map for the
    spatial kind, else None), ``n_pixels``, ``method``, ``n_samples``, ``precision`` and ``seconds``.
    """
    from .pipeline import explain

    try:
        cube, inside = read_unit(unit, settings.get("wavelengths"))
        if not inside.any():
            return {"id": unit["id"], "empty": True}
        model = cached_model(bundle, cube.shape[0], cube.wavelengths, reporter)
        features = unit_features(settings, cube, inside)
        options = dict(settings["explain"], seed=unit_seed(settings["explain"].get("seed", 0), unit["id"]))
        result = explain(model, cube.data, features, kind=settings["kind"], valid=inside, reporter=reporter,
                         **options)
    except HsiLimeError as error:
        return {"id": unit["id"], "error": error.message}
    low, high = result.confidence_interval(0.95)
    return {
        "id": unit["id"], "target_names": list(result.target_names), "prediction": result.prediction,
        "base_value": result.base_value, "score": result.score, "method": result.method,
        "n_samples": int(result.n_samples), "precision": float(result.precision),
        "feature_ids": np.asarray(result.feature_ids), "coefficients": result.coefficients,
        "standard_error": result.standard_error, "low": low, "high": high, "n_pixels": int(inside.sum()),
        "labels": np.asarray(features, dtype=np.int32) if settings["kind"] == "spatial" else None,
        "seconds": float(result.seconds),
    }


def explain_units(units: list[dict], bundle: dict, settings: dict) -> list[dict]:
    """Explain a chunk of units one after the other (one Dask task), in one GDAL environment; their results
    in order."""
    with rasterio.Env():
        return [explain_unit(unit, bundle, settings) for unit in units]


class _WorkerModule:
    """Unpickles as the module ``hsi_lime_plugin.fields`` of the process that unpickles it."""

    def __reduce__(self):
        return importlib.import_module, (f"{WORKER_PACKAGE}.fields",)


class WorkerFunction:
    """A function of this module, called here directly, and pickled by name for workers.

    Pickled, it is ``getattr(importlib.import_module("hsi_lime_plugin.fields"), name)``:
    the worker's own top-level engine, whatever this process calls its copy.
    """

    def __init__(self, name: str):
        self.name = self.__name__ = name

    def __call__(self, *arguments, **keywords):
        return globals()[self.name](*arguments, **keywords)

    def __reduce__(self):
        return getattr, (_WorkerModule(), self.name)
