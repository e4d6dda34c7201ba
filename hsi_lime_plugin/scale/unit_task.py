"""One unit, start to end: the task a map-scale run executes in this process or on a Dask worker.

:func:`explain_unit` reads the unit's window of the raster (never the whole raster), masks
the pixels outside the field and those without data (never perturbed), builds the unit's
features (SLIC or patches inside the unit, or the superbands), and explains it with a seed
derived from the run's seed and the unit's id (:func:`unit_seed`), so that the result
depends neither on the order in which units run nor on the number of workers. A run that maps
each pixel's spectral importance (``UnitTask.pixel_map``) explains every pixel of the unit
(:func:`~hsi_lime_plugin.perturbation.pixel_maps.explain_pixels`) with the run's own seed in
every unit: all pixels of the map share the same coalitions, so units join without seams and
their outputs add up to the whole raster's explanation.

What a task takes and returns are small records: the :class:`~hsi_lime_plugin.scale.units.Unit`,
the :class:`ModelBundle`, the :class:`UnitTask` (what every unit of a run shares) and a
:class:`UnitResult` (the unit's :class:`~hsi_lime_plugin.perturbation.result.Explanation`, or
why it has none). Errors a user can fix come back as the result's ``error`` message, not as
an exception. On a cluster they travel as bytes (:mod:`hsi_lime_plugin.scale.transport`), so
that the engine may have another name on each side.

The model travels as a bundle: its file and card as bytes (sent to each worker once),
loaded once per worker and kept in a cache keyed by the bytes' hash.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import rasterio.features
import rasterio.windows
import shapely.wkb

from ..errors import Cancelled, HsiLimeError, arg
from ..features.segments import patch_segments, slic_segments
from ..inputs.raster import RasterCube, read_raster
from ..models.card import card_path_for
from ..perturbation.pipeline import explain_with
from ..perturbation.pixel_maps import PixelMaps, explain_pixels
from ..perturbation.result import Explanation
from ..reporting import Reporter
from ..settings import ExplainSettings, Runtime, Segmentation
from . import transport
from .units import Unit

#: Seconds between two questions of a running task to the scheduler: is the run cancelled?
CANCEL_POLL = 0.25
LOGGER = logging.getLogger("hsi_lime")
_CACHE_LOCK = threading.Lock()
_MODELS: dict = {}
_FOLDERS: dict = {}


@dataclass(frozen=True)
class ModelBundle:
    """The model as a task receives it: its path and how to load it; for workers also the bytes of the
    model file and of its sidecar card (``files``, by name), so that a worker needs no access to the
    model's folder. ``digest`` (SHA-256 of those files) keys the per-process model cache."""

    path: str
    device: str
    allow_python: bool
    digest: str
    files: tuple[tuple[str, bytes], ...] | None = None

    @classmethod
    def of(cls, path: str, device: str, allow_python: bool, ship: bool) -> "ModelBundle":
        digest = hashlib.sha256()
        files = {}
        for file in (Path(path), card_path_for(path)):
            if file.is_file() and file.name not in files:
                files[file.name] = file.read_bytes()
                digest.update(file.name.encode() + b"\0" + files[file.name])
        return cls(str(path), device, bool(allow_python), digest.hexdigest(),
                   tuple(files.items()) if ship else None)

    def local(self, device: str | None = None) -> "ModelBundle":
        """The same bundle without the bytes (this process reads the file itself), on ``device`` if given."""
        return ModelBundle(self.path, device or self.device, self.allow_python, self.digest)


@dataclass(frozen=True)
class UnitTask:
    """What every unit of a run shares.

    Attributes
    ----------
    kind : {"spatial", "spectral"}
    segmentation : Segmentation
        Spatial kind: SLIC or patches inside each unit.
    features : tuple of int or None
        Spectral kind: the superband of each band (0: none).
    explain, runtime : ExplainSettings, Runtime
    wavelengths : tuple of float or None
        Band centres that override every unit's file (already parsed and checked by the run).
    faithfulness : bool
        Also score each unit's explanation (:func:`hsi_lime_plugin.faithfulness`).
    pixel_map : bool
        Spectral kind: explain every pixel of the unit as well (the unit's explanation is then
        the fit to its pixels' mean outputs, with the run's seed).
    baseline_spectrum : tuple of float or None
        The raw spectrum a ``mean`` baseline stands for in a map (the whole raster's mean).

    ``explain.background`` is the run's background set (:mod:`hsi_lime_plugin.runs.background`):
    every unit's, for a ``background`` baseline and for the contrast of the baseline sensitivity.
    """

    kind: str
    segmentation: Segmentation
    features: tuple[int, ...] | None
    explain: ExplainSettings
    runtime: Runtime
    wavelengths: tuple[float, ...] | None = None
    faithfulness: bool = False
    pixel_map: bool = False
    baseline_spectrum: tuple[float, ...] | None = None


@dataclass(frozen=True)
class UnitResult:
    """What one unit gave: its explanation (None for a unit without a valid pixel, or on ``error``), the
    number of pixels explained, the faithfulness scores when asked for, the message of a problem
    the user can fix, and each pixel's explanation when the run maps them."""

    id: object
    n_pixels: int = 0
    explanation: Explanation | None = None
    faithfulness: object = None
    error: str | None = None
    pixel_maps: PixelMaps | None = None

    @property
    def empty(self) -> bool:
        return self.explanation is None and self.error is None


def unit_seed(seed: int, unit_id) -> int:
    """The seed of one unit: the run's ``seed`` plus a stable hash (CRC-32) of ``str(unit_id)``; the run's
    own seed for the one unit without an id (a whole raster)."""
    if unit_id is None:
        return int(seed)
    return (int(seed) + zlib.crc32(str(unit_id).encode("utf-8"))) % (2**32)


def cached_model(bundle: ModelBundle, n_bands: int, wavelengths, reporter=None):
    """The bundle's model matched to the raster's bands, loaded once per process (and per band layout)."""
    from ..models.loading import load_model

    key = (bundle.digest, bundle.device, int(n_bands),
           None if wavelengths is None else tuple(np.round(np.asarray(wavelengths, dtype=float), 6)))
    with _CACHE_LOCK:
        if key not in _MODELS:
            model = load_model(_model_path(bundle), bundle.device, allow_python=bundle.allow_python,
                               reporter=reporter)
            model.match_raster(n_bands, wavelengths, reporter=reporter)
            _MODELS[key] = model
        return _MODELS[key]


def _model_path(bundle: ModelBundle) -> str:
    """The model file: the original path, or the shipped bytes written once into a temporary folder."""
    if not bundle.files:
        return bundle.path
    if bundle.digest not in _FOLDERS:
        folder = Path(tempfile.mkdtemp(prefix=f"hsi_lime_model_{bundle.digest[:12]}_"))
        for name, data in bundle.files:
            (folder / name).write_bytes(data)
        _FOLDERS[bundle.digest] = folder
    return str(_FOLDERS[bundle.digest] / Path(bundle.path).name)


def read_unit(unit: Unit, wavelengths=None) -> tuple[RasterCube, np.ndarray]:
    """The unit's window of the raster (with ``wavelengths`` replacing the file's) and its mask: inside
    the field and holding data."""
    row, column, height, width = unit.window
    cube = read_raster(unit.path, window=rasterio.windows.Window(column, row, width, height), during_run=True)
    if wavelengths is not None:
        cube.wavelengths = np.asarray(wavelengths, dtype=np.float64)
    inside = cube.valid
    if unit.geometry is not None:
        burnt = rasterio.features.rasterize([(shapely.wkb.loads(unit.geometry), 1)], out_shape=(height, width),
                                            transform=cube.transform, fill=0, dtype="uint8")
        inside = inside & (burnt > 0)
    return cube, inside


def unit_features(task: UnitTask, cube: RasterCube, inside: np.ndarray) -> np.ndarray:
    """The features explained inside one unit: the superbands, or SLIC segments or patches of its pixels."""
    if task.kind == "spectral":
        return np.asarray(task.features)
    if task.segmentation.method == "patches":
        return patch_segments(inside, int(task.segmentation.patch_size))
    masked = RasterCube(cube.data, inside, cube.transform, cube.crs, cube.wavelengths)
    # a small field cannot hold more segments than pixels: SLIC asks for at most one per pixel
    n_segments = min(int(task.segmentation.n_segments), int(inside.sum()))
    return slic_segments(masked, n_segments, float(task.segmentation.compactness))


def explain_unit(unit: Unit, bundle: ModelBundle, task: UnitTask, reporter=None) -> UnitResult:
    """Explain one unit (see the module docstring); a problem the user can fix becomes the result's ``error``."""
    try:
        cube, inside = read_unit(unit, task.wavelengths)
        if not inside.any():
            return UnitResult(unit.id)
        model = cached_model(bundle, cube.shape[0], cube.wavelengths, reporter)
        features = unit_features(task, cube, inside)
        maps = None
        if task.pixel_map:
            settings = task.explain
            maps = explain_pixels(model, cube.data, features, inside, settings, task.runtime, reporter,
                                  task.baseline_spectrum)
            result = maps.region
        else:
            settings = dataclasses.replace(task.explain, seed=unit_seed(task.explain.seed, unit.id))
            result = explain_with(model, cube.data, features, task.kind, inside, settings, task.runtime, reporter)
        scores = _faithfulness(model, cube, inside, result, task, settings, reporter) if task.faithfulness else None
    except HsiLimeError as error:
        return UnitResult(unit.id, error=error.message)
    return UnitResult(unit.id, int(inside.sum()), result, scores, pixel_maps=maps)


def mean_spectrum(units: list[Unit], wavelengths=None) -> tuple[float, ...]:
    """The mean raw spectrum over the valid pixels of ``units``, read window by window (a map's ``mean``
    baseline: the same for every unit)."""
    total, count = None, 0
    for unit in units:
        cube, inside = read_unit(unit, wavelengths)
        values = cube.data[:, inside].astype(np.float64).sum(axis=1)
        total = values if total is None else total + values
        count += int(inside.sum())
    return tuple(float(v) for v in total / max(1, count))


def _faithfulness(model, cube: RasterCube, inside: np.ndarray, result: Explanation, task: UnitTask, settings,
                  reporter):
    """The unit's faithfulness scores and baseline sensitivity, on the explanation's window, valid pixels,
    baseline, batch size and ``settings`` (the unit's seed)."""
    from ..attribution.faithfulness import score_explanation

    return score_explanation(model, cube.data, inside, result, settings, task.runtime, reporter or Reporter())


def explain_units(units: list[Unit], bundle: ModelBundle, task: UnitTask, reporter: Reporter) -> list[UnitResult]:
    """Explain a chunk of units one after the other (one Dask task), in one GDAL environment; their results in
    order. Runs on a worker: any failure of a unit becomes its result's ``error`` (naming the unit and the
    worker, the traceback in the worker's log), so that no engine exception travels through Dask; a cancel
    stops the chunk (its results are not wanted any more)."""
    results = []
    with rasterio.Env():
        for unit in units:
            try:
                reporter.check_cancelled()
                results.append(explain_unit(unit, bundle, task, reporter))
            except Cancelled:
                break
            except Exception as error:  # the unit task's boundary: the cause goes back as text, never as a pickle
                LOGGER.exception("hsi-lime unit %s failed", unit.id)
                results.append(UnitResult(unit.id, error=_failed(unit, error)))
    return results


def _failed(unit: Unit, error: Exception) -> str:
    """The message of a unit that failed on a worker for a reason other than a user's input."""
    where = _worker_address()
    if isinstance(error, MemoryError):
        _, _, height, width = unit.window
        return (f"{arg('dask_scheduler')}: unit {unit.id} ({height} x {width} pixels) ran out of memory on the Dask "
                f"worker {where}; nothing was written. Use smaller units (a smaller {arg('tile_size')}, smaller "
                "fields) or workers with more memory per thread.")
    return (f"{arg('dask_scheduler')}: unit {unit.id} failed on the Dask worker {where}: {type(error).__name__}: "
            f"{error} (the traceback is in that worker's log); nothing was written.")


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "(not a Dask worker)"


def run_payload(bundle: bytes, units: bytes, task: bytes, cancel: str | None = None) -> bytes:
    """The task a worker runs: the bundle, a chunk of units and the task as bytes in
    (:mod:`hsi_lime_plugin.scale.transport`), their results as bytes out. ``cancel`` names the run's
    Dask event (:class:`distributed.Event`): once it is set, the chunk stops before its next batch."""
    reporter = Reporter(cancelled=_CancelEvent(cancel) if cancel else None)
    return transport.dumps(explain_units(transport.loads(units), transport.loads(bundle), transport.loads(task),
                                         reporter))


class _CancelEvent:
    """Whether the run's cancel event is set, asked of the scheduler at most every :data:`CANCEL_POLL` s."""

    def __init__(self, name: str):
        self.name, self.asked, self.set = name, float("-inf"), False

    def __call__(self) -> bool:
        now = time.monotonic()
        if not self.set and now - self.asked >= CANCEL_POLL:
            from distributed import Event

            self.asked = now
            try:
                self.set = Event(self.name).is_set()
            except (OSError, TimeoutError):  # the scheduler is gone: the results cannot be delivered either
                self.set = True
        return self.set
