"""The one region path: explain_spectral (per field, or the whole raster) and explain_fields run the same loop.

1. :func:`plan_units`: the units (fields, tiles, rasters, or the whole raster) from headers
   and polygons only;
2. :func:`prepare`: the first raster's grid and wavelengths checked once
   (:func:`~hsi_lime_plugin.inputs.scene.open_scene`), the superbands resolved, the model loaded
   and matched here first (a wrong card fails before any unit), the task every unit shares;
3. :func:`execute`: each unit read through its own window and explained, in this process or on
   a Dask cluster (:mod:`hsi_lime_plugin.scale.cluster`), handed to the run as it arrives;
   :class:`Collected` keeps what the tables and the report need, in unit order.

Results do not depend on the executor, the number of workers or the order in which units
finish: each unit's seed comes from the run's seed and the unit's id, and the tables are
sorted in unit order.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import pandas as pd

from ..errors import HsiLimeError, arg, named
from ..features.superbands import Superbands, resolve_band_groups
from ..inputs.polygons import read_polygons
from ..inputs.raster import Grid, read_footprint
from ..inputs.scene import open_scene
from ..memory import FIT_FRACTION, Footprint, available_memory, gib
from ..outputs.rasters import SpectralMaps
from ..outputs.tables import FeatureNames, attribution_table, explanation_rows, unit_record
from ..perturbation.footprint import explanation_footprint
from ..reporting import Reporter
from ..scale.cluster import run_here, run_on_dask
from ..perturbation.baseline import check_baseline, parse_baseline
from ..perturbation.pixel_maps import check_pixel_model, combine_maps
from ..perturbation.result import Explanation
from ..scale.environment import Needs
from ..scale.unit_task import ModelBundle, UnitResult, UnitTask, cached_model, mean_spectrum
from ..scale.units import Unit, polygon_units, raster_units, tile_units, whole_raster
from ..settings import (BackgroundSource, BandGroups, ExplainSettings, PolygonSource, RasterSource, Runtime,
                        Segmentation, Units)
from .background import with_background
from .common import fitting_window

#: Seconds between two log lines about finished units (the rest are counted, not listed).
LOG_EVERY = 5.0


def plan_units(units: Units, raster: RasterSource, polygons: PolygonSource | None, reporter: Reporter) -> list[Unit]:
    """The units of a run, from headers and polygons only."""
    if units.kind == "rasters":
        return raster_units(list(units.rasters))
    if not raster.path:
        raise HsiLimeError(
            f"{arg('raster')}: fields and tiles are read from a raster; choose one, or explain a list of rasters "
            f"({arg('units', 'rasters')})."
        )
    if units.kind == "tiles":
        return tile_units(raster.path, units.tile_size)
    if units.kind == "raster":
        return whole_raster(raster.path)
    if polygons is None or (isinstance(polygons.source, str) and not polygons.source):
        raise HsiLimeError(
            f"{arg('polygons')}: explaining field by field ({arg('units', 'polygons')}) needs a polygon layer; choose "
            f"one, or explain tiles ({arg('units', 'tiles')})."
        )
    frame = read_polygons(str(polygons.source), polygons.layer) if polygons.is_file else polygons.source
    return polygon_units(raster.path, frame, polygons.id_field, reporter)


@dataclass(frozen=True)
class Prepared:
    """What the loop needs besides the units: the first raster's grid and band centres, the superbands
    (spectral kind), the model (loaded here, for checks and the report), its bundle, the task, and the
    sensor product the first raster is (None for a GDAL raster)."""

    grid: Grid
    wavelengths: np.ndarray | None
    superbands: Superbands | None
    model: object
    bundle: ModelBundle
    task: UnitTask
    product: str | None = None

    @property
    def names(self) -> FeatureNames:
        return FeatureNames() if self.superbands is None else FeatureNames.of_superbands(self.superbands)


@dataclass(frozen=True)
class LoopSettings:
    """What :func:`prepare` reads: the kind, its features, the explanation, and where units run."""

    kind: str
    segmentation: Segmentation
    band_groups: BandGroups
    explain: ExplainSettings
    runtime: Runtime
    dask_scheduler: str | None = None
    faithfulness: bool = False
    pixel_map: bool = False


def prepare(first: RasterSource, model, loop: LoopSettings, reporter: Reporter, what: str = arg("raster"),
            units: list[Unit] | None = None, background: BackgroundSource | None = None) -> Prepared:
    """Check the first raster once (``what`` names it in messages), resolve the superbands, load the model
    here, read the run's background set (``background``, or the scene's: :mod:`.background`) when the baseline
    or the faithfulness scores need it, and build the shared task; for a map (``loop.pixel_map``) check that
    the model is a pixel model and find the ``units``' mean spectrum when the baseline is ``mean``."""
    check_baseline(loop.explain.baselines, loop.kind)
    scene = open_scene(first, reporter, what)
    grid, wavelengths = scene.grid, scene.wavelengths
    superbands = None
    if loop.kind == "spectral":
        superbands = resolve_band_groups(loop.band_groups.text, wavelengths, grid.count,
                                         loop.band_groups.include_rest, reporter, scene.bad_bands)
    bundle = ModelBundle.of(model.path, loop.runtime.device, model.allow_python, ship=bool(loop.dask_scheduler))
    # the workers of a cluster run the model on the device asked for; here it is only checked, on the CPU when
    # that is CUDA (QGIS on a laptop, the GPUs on the cluster)
    here = "cpu" if loop.dask_scheduler and loop.runtime.device == "cuda" else None
    network = cached_model(bundle.local(here), grid.count, wavelengths, reporter)
    reporter.info(network.summary())
    override = None if first.wavelengths is None or not str(first.wavelengths).strip() else \
        tuple(float(w) for w in wavelengths)
    features = None if superbands is None else tuple(int(f) for f in superbands.features)
    rasters = sorted({unit.path for unit in units}) if units else [first.path]
    explain = with_background(loop.explain, background, rasters, wavelengths, loop.faithfulness, reporter)
    task = UnitTask(loop.kind, loop.segmentation, features, explain, loop.runtime, override, loop.faithfulness)
    if loop.pixel_map:
        check_pixel_model(network)
        mean = None
        if parse_baseline(loop.explain.baseline) == "mean":
            reporter.info("baseline mean: the mean spectrum of the units' valid pixels, read unit by unit")
            mean = mean_spectrum(units or [], override)
        task = dataclasses.replace(task, pixel_map=True, baseline_spectrum=mean)
    return Prepared(grid, wavelengths, superbands, network, bundle, task, scene.bands.product)


def spectral_maps(outputs, temporary, prepared: Prepared, explanation: Explanation) -> SpectralMaps:
    """The writers of a map run's per-pixel outputs (``output_map``, ``output_dominant``, those requested in
    the :class:`~hsi_lime_plugin.outputs.atomic.OutputSet`), named by the targets and superbands of the first
    unit explained."""
    superbands = [prepared.names.labels[int(k) - 1] for k in explanation.feature_ids]
    return SpectralMaps(*(temporary(name) if name in outputs else None for name in ("output_map", "output_dominant")),
                        prepared.grid, explanation.target_names, superbands)


def whole_region(tiles: list[UnitResult], prepared: Prepared, reporter: Reporter) -> Explanation:
    """The explanation of the region the ``tiles`` of a map cover together (:func:`combine_maps`)."""
    return combine_maps([tile.pixel_maps for tile in tiles], prepared.model, prepared.task.explain, reporter)


def unit_footprint(prepared: Prepared, height: int, width: int) -> Footprint:
    """What one unit of ``height`` x ``width`` pixels holds: its read window and its explanation."""
    task = prepared.task
    shape = (prepared.grid.count, int(height), int(width))
    slic = task.kind == "spatial" and task.segmentation.method == "slic"
    return read_footprint(*shape) + explanation_footprint(prepared.model, shape, task.kind, task.explain,
                                                          task.runtime, slic)


def largest_unit(units: list[Unit], prepared: Prepared) -> tuple[str, Footprint]:
    """The largest unit (by pixels, named for a message) and what it holds."""
    unit = max(units, key=lambda each: each.window[2] * each.window[3])
    name = "the raster" if unit.id is None else f"unit {unit.id}"
    return f"{name} ({unit.window[2]} x {unit.window[3]} pixels)", unit_footprint(prepared, *unit.window[2:])


def fit_units(units: list[Unit], first: RasterSource, prepared: Prepared, reporter: Reporter,
              what: str = arg("units")) -> list[Unit]:
    """The units of a run in this process, checked against the memory available before any is read: the whole
    raster as one unit shrinks to the window of its valid data when it must (or is refused,
    :func:`~.common.fitting_window`); otherwise the largest unit must fit, or the run is refused at once."""
    if len(units) == 1 and units[0].id is None:
        window = fitting_window(first, prepared.grid, lambda height, width: unit_footprint(prepared, height, width),
                                reporter)
        return units if window is None else [dataclasses.replace(units[0], window=tuple(window))]
    name, footprint = largest_unit(units, prepared)
    available = available_memory()
    if not footprint.fits(available):
        raise HsiLimeError(
            f"{what}: {name} would hold {footprint.describe()} in memory, more than {FIT_FRACTION:.0%} of the "
            f"{gib(available)} this machine has available; nothing was read. Use smaller units (smaller fields, or "
            f"tiles of explain_fields with a smaller {arg('tile_size')}), or run them on a Dask cluster whose workers "
            "have the memory."
        )
    return units


def execute(units: list[Unit], prepared: Prepared, dask_scheduler: str | None,
            reporter: Reporter) -> Iterator[tuple[int, UnitResult]]:
    """Each unit's result as it arrives; a problem the user can fix in any unit stops the run with its message.
    Progress: batch by batch in this process, unit by unit on a cluster (whose workers are checked first,
    :mod:`~hsi_lime_plugin.scale.environment`)."""
    if dask_scheduler:
        name, footprint = largest_unit(units, prepared)
        needs = Needs(prepared.model.format, prepared.task.runtime.device, footprint, name)
        results = run_on_dask(dask_scheduler, units, prepared.bundle, prepared.task, needs, reporter)
    else:
        results = run_here(units, prepared.bundle, prepared.task, reporter)
    log = _Log(reporter, len(units))
    for done, (index, result) in enumerate(results, start=1):
        if result.error is not None:
            raise HsiLimeError(result.error)
        if not result.empty:
            log.unit(done, result)
        if dask_scheduler:
            reporter.progress(done / len(units))
        yield index, result


@dataclass
class Collected:
    """What the tables and the report keep of the units, by unit index. The arrays are dropped as they are
    written: only the first explained unit's result is kept whole (the report's example), or every
    result when ``keep`` is set (spectral explanations are small)."""

    names: FeatureNames
    keep: bool = False
    rows: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)
    readings: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)
    empty: list = field(default_factory=list)

    def add(self, index: int, result: UnitResult) -> None:
        if result.empty:
            self.empty.append(index)
            return
        self.rows[index] = explanation_rows(result.explanation, result.id, self.names)
        self.records[index] = unit_record(result.id, result.n_pixels, result.explanation)
        self.readings[index] = result.explanation.reading()
        if self.keep:
            self.results[index] = result
        elif not self.results or index < min(self.results):
            self.results = {index: result}

    @property
    def order(self) -> list[int]:
        return sorted(self.rows)

    @property
    def first(self) -> UnitResult:
        return self.results[min(self.results)]

    def table(self) -> pd.DataFrame:
        return attribution_table([row for index in self.order for row in self.rows[index]])

    def check_any(self, n_units: int, what: str) -> None:
        """Refuse a run in which no unit held a valid pixel: nothing was explained, nothing is written."""
        if not self.rows:
            raise HsiLimeError(
                f"{arg('units')}: none of the {n_units} {what} holds a valid pixel, so nothing was explained and "
                "nothing was written; check the raster's nodata value and that the units cover data."
            )


def finish_log(collected: Collected, units: list[Unit], seconds: float, reporter: Reporter) -> list:
    """Log the units skipped, the time per unit and each target's mean prediction, base value and R2;
    return the ids of the units skipped."""
    skipped = [units[index].id for index in sorted(collected.empty)]
    if skipped:
        reporter.info(f"{len(skipped)} of {len(units)} units hold no valid pixel and were not explained: "
                      f"{named(skipped)}")
    explained = len(collected.rows)
    reporter.info(f"explained {explained} units in {seconds:.1f} s ({seconds / max(explained, 1):.2f} s per unit)")
    readings = list(collected.readings.values())
    for t, name in enumerate(readings[0].target_names if readings else []):
        reporter.info(f"{name}: mean prediction {np.mean([r.prediction[t] for r in readings]):.4g}, mean base value "
                      f"{np.mean([r.base_value[t] for r in readings]):.4g} (every feature removed), mean R2 "
                      f"{np.mean([r.score[t] for r in readings]):.3f}")
    return skipped


class _Log:
    """A line per finished unit, at most every :data:`LOG_EVERY` seconds; the units in between are counted."""

    def __init__(self, reporter: Reporter, total: int):
        self.reporter, self.total, self.last = reporter, total, float("-inf")

    def unit(self, done: int, result: UnitResult) -> None:
        now = time.monotonic()
        if now - self.last < LOG_EVERY and done < self.total:
            return
        self.last = now
        explanation = result.explanation
        scores = ", ".join(f"{name}={r2:.3f}" for name, r2 in zip(explanation.target_names, explanation.score))
        self.reporter.info(f"{done} of {self.total} units done; unit {result.id}: {result.n_pixels} pixels, "
                           f"{explanation.seconds:.2f} s, R2 {scores}")
