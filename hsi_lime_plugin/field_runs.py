"""run_fields(): explain every field of a polygon layer, every tile of a scene, or every raster of a list.

Map scale, memory-bounded: each unit (:mod:`hsi_lime_plugin.units`) is read through its
own window and explained on its own (:func:`hsi_lime_plugin.fields.explain_unit`), in
this process or on a Dask cluster (:mod:`hsi_lime_plugin.cluster`); the calling process
writes every output as results arrive (the attribution raster window by window) and
keeps only the small per-unit tables in memory. Results do not depend on the executor,
the number of workers or the order in which units finish: each unit's seed comes from
the run's seed and the unit's id, and the tables are sorted in unit order.
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio

from .errors import HsiLimeError, arg, named
from .field_outputs import TABLE_COLUMNS, Mosaic, result_rows, summary_table, unit_geometry, unit_raster, unit_record
from .fields import cached_model, model_bundle
from .options import (DEFAULT_COMPACTNESS, DEFAULT_N_SEGMENTS, DEFAULT_PATCH_SIZE, DEFAULT_TILE_SIZE, KINDS,
                      SEGMENTATIONS, UNIT_KINDS)
from .outputs import OutputSet, atomic_output, write_vector
from .reporting import Reporter, reporter_or_default
from .units import polygon_units, raster_grid, raster_units, tile_units
from .wavelength_text import parse_wavelengths
from .wavelengths import read_wavelengths

#: Seconds between two log lines about finished units (the rest are counted, not listed).
LOG_EVERY = 5.0


@dataclass
class _Job:
    """What the loop over units needs: the plan, the shared settings, the destinations, the report's inputs."""

    plan: list
    grid: dict
    settings: dict
    superband_labels: list | None
    bundle: dict
    outputs: OutputSet
    dask_scheduler: str | None
    device: str
    output_folder: str | None
    units: str
    model: object
    parameters: dict
    started: float


@dataclass
class FieldsRun:
    """What :func:`run_fields` produced: the tables (written or not), the units skipped and the times."""

    table: pd.DataFrame
    summary: pd.DataFrame
    units: pd.DataFrame
    skipped: list = field(default_factory=list)
    seconds: float = 0.0
    outputs: dict = field(default_factory=dict)


def run_fields(
    raster: str | None,
    model: str,
    *,
    units: str = "polygons",
    polygons=None,
    polygons_layer: str | None = None,
    id_field: str | None = None,
    tile_size: int = DEFAULT_TILE_SIZE,
    rasters: list[str] | None = None,
    kind: str = "spatial",
    segmentation: str = "slic",
    n_segments: int = DEFAULT_N_SEGMENTS,
    compactness: float = DEFAULT_COMPACTNESS,
    patch_size: int = DEFAULT_PATCH_SIZE,
    band_groups: str | None = None,
    wavelengths: str | None = None,
    include_rest: bool = True,
    output: str | None = None,
    output_folder: str | None = None,
    output_units: str | None = None,
    output_table: str | None = None,
    output_summary: str | None = None,
    output_report: str | None = None,
    dask_scheduler: str | None = None,
    device: str = "auto",
    allow_python: bool = False,
    reporter: Reporter | None = None,
    **explain_options,
) -> FieldsRun:
    """Explain every unit of a raster (fields or tiles) or of a list of rasters, and write the results.

    Parameters
    ----------
    raster : str or None
        The raster the fields or tiles are read from (``units`` "polygons" or "tiles").
    model : str
        The model file (its card beside it, or embedded).
    units : {"polygons", "tiles", "rasters"}
        Field ``polygons`` (a path or GeoDataFrame, with ``polygons_layer`` and ``id_field``),
        square tiles of ``tile_size`` pixels, or every raster of ``rasters`` as one unit.
    kind : {"spatial", "spectral"}
        Spatial: SLIC superpixels (``n_segments``, ``compactness``) or ``patch_size`` patches
        inside each unit. Spectral: the superbands of ``band_groups`` (``wavelengths``,
        ``include_rest`` as in :func:`hsi_lime_plugin.run_spectral`).
    output : str, optional
        Spatial kind with fields or tiles: the attribution GeoTIFF over the whole grid.
    output_folder : str, optional
        Spatial kind with rasters: the folder that gets ``<name>_attribution.tif`` per raster.
    output_units, output_table, output_summary : str, optional
        The units layer (vector), the table per unit, target and feature, and the summary
        across units (``.csv`` or ``.gpkg``); columns in :mod:`hsi_lime_plugin.field_outputs`.
    output_report : str, optional
        HTML report (:mod:`hsi_lime_plugin.field_report`): the run, the predictions and base
        values across units, the maps or the spectrum, and the R2 across units.
    dask_scheduler : str, optional
        ``tcp://host:8786``: run the units on that Dask cluster; empty: in this process.
    device, allow_python, reporter, **explain_options
        As for :func:`hsi_lime_plugin.run_spatial` (``targets``, ``method``, ``n_samples``,
        ``batch_size``, ``seed``, ``baseline``, ``kernel_width``).
    """
    reporter = reporter_or_default(reporter)
    _check_choices(units, kind, segmentation)
    rasters = [str(path) for path in (rasters or [])]
    outputs = _outputs(raster, model, polygons, rasters, units, kind, output, output_folder, output_units,
                       output_table, output_summary)
    outputs.add("output_report", output_report, "report")
    parameters = _described(raster, model, units, polygons, id_field, tile_size, rasters, kind, segmentation,
                            n_segments, compactness, patch_size, band_groups, dask_scheduler, device, explain_options)
    started = time.perf_counter()
    with reporter.active(), rasterio.Env():  # one GDAL environment for every read and write of the run
        plan = _units(raster, units, polygons, polygons_layer, id_field, tile_size, rasters, reporter)
        first = plan[0].path
        grid = raster_grid(first, arg("rasters") if units == "rasters" else arg("raster"))
        settings, superband_labels = _settings(first, grid, kind, segmentation, n_segments, compactness,
                                               patch_size, band_groups, wavelengths, include_rest, explain_options,
                                               reporter)
        bundle = model_bundle(model, device=device, allow_python=allow_python, ship=bool(dask_scheduler))
        network = cached_model(dict(bundle, files=None), grid["count"], settings["band_wavelengths"], reporter)
        reporter.info(f"explaining {len(plan)} {units} with {explain_options.get('n_samples', 500)} samples each"
                      + (f" on the Dask cluster {dask_scheduler}" if dask_scheduler else " in this process"))
        job = _Job(plan, grid, settings, superband_labels, bundle, outputs, dask_scheduler, device, output_folder,
                   units, network, parameters, started)
        collected = _execute(job, reporter)
    run = _finish(collected, plan, outputs, time.perf_counter() - started, reporter)
    return run


def _described(raster, model, units, polygons, id_field, tile_size, rasters, kind, segmentation, n_segments,
               compactness, patch_size, band_groups, dask_scheduler, device, explain_options) -> dict:
    """The run's settings as the report lists them: those that apply to its units and kind."""
    parameters = {"raster": raster, "model": model, "units": units}
    if units == "polygons":
        parameters.update(polygons=polygons if isinstance(polygons, (str, Path)) else "(a GeoDataFrame)",
                          id_field=id_field or "(the feature id)")
    elif units == "tiles":
        parameters["tile_size"] = tile_size
    else:
        parameters["rasters"] = f"{len(rasters)} files"
    parameters["kind"] = kind
    if kind == "spatial":
        parameters.update(segmentation=segmentation, **({"patch_size": patch_size} if segmentation == "patches" else
                                                        {"n_segments": n_segments, "compactness": compactness}))
    else:
        parameters["band_groups"] = band_groups or "(the standard bands)"
    parameters.update(dask_scheduler=dask_scheduler or "(this process)", device=device, **explain_options)
    return parameters


def _check_choices(units: str, kind: str, segmentation: str) -> None:
    if units not in UNIT_KINDS:
        raise HsiLimeError(f"{arg('units')}: unknown units '{units}'; choose one of {', '.join(UNIT_KINDS)}.")
    if kind not in KINDS:
        raise HsiLimeError(f"{arg('kind')}: unknown kind '{kind}'; choose one of {', '.join(KINDS)}.")
    if kind == "spatial" and segmentation not in SEGMENTATIONS[1:]:
        raise HsiLimeError(
            f"{arg('segmentation')}: segments inside each unit come from SLIC superpixels "
            f"({arg('segmentation', 'slic')}) or regular patches ({arg('segmentation', 'patches')}); the units "
            f"themselves are the fields, not '{segmentation}'."
        )


def _outputs(raster, model, polygons, rasters, units, kind, output, output_folder, output_units, output_table,
             output_summary) -> OutputSet:
    """Every destination checked before any work, and the outputs that do not fit the run refused."""
    if output and (kind != "spatial" or units == "rasters"):
        raise HsiLimeError(
            f"{arg('output')}: one attribution raster over the whole grid is written for the spatial kind with field "
            f"polygons or tiles; with one raster per unit give {arg('output_folder')}, for the spectral kind the "
            "tables."
        )
    if output_folder and (kind != "spatial" or units != "rasters"):
        raise HsiLimeError(
            f"{arg('output_folder')}: a raster per input is written for the spatial kind with one raster per unit "
            f"({arg('units', 'rasters')}); for fields or tiles give {arg('output')}."
        )
    if not any((output, output_folder, output_units, output_table, output_summary)):
        raise HsiLimeError(f"{arg('output_table')}: no output was requested; give at least the table destination.")
    outputs = OutputSet(inputs=[raster, model, polygons if isinstance(polygons, (str, Path)) else None, *rasters])
    outputs.add("output", output, "raster")
    outputs.add("output_units", output_units, "vector")
    outputs.add("output_table", output_table, "table")
    outputs.add("output_summary", output_summary, "table")
    if output_folder:
        Path(output_folder).mkdir(parents=True, exist_ok=True)
    return outputs


def _units(raster, units, polygons, polygons_layer, id_field, tile_size, rasters, reporter) -> list:
    if units == "rasters":
        return raster_units(rasters)
    if not raster:
        raise HsiLimeError(
            f"{arg('raster')}: fields and tiles are read from a raster; choose one, or explain a list of rasters "
            f"({arg('units', 'rasters')})."
        )
    if units == "tiles":
        return tile_units(raster, tile_size)
    if polygons is None or (isinstance(polygons, str) and not polygons):
        raise HsiLimeError(
            f"{arg('polygons')}: explaining field by field ({arg('units', 'polygons')}) needs a polygon layer; choose "
            f"one, or explain tiles ({arg('units', 'tiles')})."
        )
    if isinstance(polygons, (str, Path)):
        from .polygons import read_polygons

        polygons = read_polygons(str(polygons), polygons_layer)
    return polygon_units(raster, polygons, id_field, reporter)


def _settings(first, grid, kind, segmentation, n_segments, compactness, patch_size, band_groups, wavelengths,
              include_rest, explain_options, reporter) -> tuple[dict, list | None]:
    """What every task needs besides its unit, as plain values; and the superband labels (spectral)."""
    with rasterio.open(first) as dataset:
        band_wavelengths = read_wavelengths(dataset)
    if wavelengths:
        band_wavelengths = parse_wavelengths(str(wavelengths), grid["count"])
    settings = {"kind": kind, "segmentation": segmentation, "n_segments": int(n_segments),
                "compactness": float(compactness), "patch_size": int(patch_size), "wavelengths": wavelengths,
                "explain": dict(explain_options), "band_wavelengths": band_wavelengths}
    if kind == "spatial":
        return settings, None
    from .bands import resolve_band_groups

    superbands = resolve_band_groups(band_groups, band_wavelengths, grid["count"], include_rest, reporter)
    settings["features"] = superbands.features
    return settings, list(superbands.labels)


def _execute(job: _Job, reporter) -> dict:
    """Run every unit and write the outputs as results arrive; everything or nothing is kept."""
    from .cluster import run_here, run_on_dask

    specs = [unit.spec() for unit in job.plan]
    collected = {"rows": {}, "records": {}, "summaries": {}, "empty": [], "first": None}
    log = _Log(reporter, len(job.plan))
    with job.outputs.writing() as temporary, contextlib.ExitStack() as stack:
        mosaic = None
        if job.dask_scheduler:
            results = run_on_dask(job.dask_scheduler, specs, job.bundle, job.settings, reporter,
                                  gpu=job.device == "cuda")
        else:
            results = run_here(specs, job.bundle, job.settings, reporter)
        for done, (index, result) in enumerate(results, start=1):
            if "error" in result:
                raise HsiLimeError(result["error"])
            if result.get("empty"):
                collected["empty"].append(index)
            else:
                if "output" in job.outputs and mosaic is None:
                    mosaic = Mosaic(temporary("output"), job.grid, result["target_names"])
                    stack.callback(mosaic.close)
                _write_unit(job, index, result, mosaic, stack)
                _collect(collected, index, result, job.superband_labels)
                log.unit(done, job.plan[index].id, result)
            reporter.progress(done / len(job.plan))
        if not collected["rows"]:
            raise HsiLimeError(
                f"{arg('units')}: none of the {len(job.plan)} {job.units} holds a valid pixel, so nothing was "
                "explained and nothing was written; check the raster's nodata value and that the units cover data."
            )
        _finish_tables(collected, job, temporary)
        if "output_report" in job.outputs:
            from .field_report import write_fields_report

            write_fields_report(temporary("output_report"), collected, job, mosaic)
    return collected


def _write_unit(job: _Job, index: int, result: dict, mosaic, stack) -> None:
    """A unit's attributions: into the mosaic, or its own raster in the output folder."""
    if mosaic is not None:
        mosaic.write(job.plan[index].window, result)
    if job.output_folder:
        target = Path(job.output_folder) / f"{job.plan[index].id}_attribution.tif"
        unit_raster(stack.enter_context(atomic_output(target, arg("output_folder"))), result, job.plan[index].path)


def _collect(collected: dict, index: int, result: dict, superband_labels) -> None:
    """What the tables and the report keep of a unit; the first unit's result whole (the report's example)."""
    from .field_report import unit_summary

    collected["rows"][index] = result_rows(result, superband_labels)
    collected["records"][index] = unit_record(result)
    collected["summaries"][index] = unit_summary(result)
    if collected["first"] is None or index < collected["first"][0]:
        collected["first"] = (index, result)


def _finish_tables(collected, job: _Job, temporary) -> None:
    """The table, the summary and the units layer in unit order, written inside the run's atomic block."""
    import geopandas as gpd

    from .table_files import write_table

    order = sorted(collected["rows"])
    rows = [row for index in order for row in collected["rows"][index]]
    collected["table"] = table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    collected["summary"] = summary = summary_table(table)
    records = [collected["records"][index] for index in order]
    plan, outputs = job.plan, job.outputs
    grids = {path: raster_grid(path) for path in {plan[index].path for index in order}}
    collected["units"] = gpd.GeoDataFrame(
        records, geometry=[unit_geometry(plan[index], grids[plan[index].path]) for index in order],
        crs=job.grid["crs"],
    )
    if "output_table" in outputs:
        write_table(table, temporary("output_table"), "unit_attribution", outputs.drivers["output_table"])
    if "output_summary" in outputs:
        write_table(summary, temporary("output_summary"), "unit_summary", outputs.drivers["output_summary"])
    if "output_units" in outputs:
        write_vector(collected["units"], temporary("output_units"), "units", outputs.drivers["output_units"])


def _finish(collected, plan, outputs, seconds, reporter) -> FieldsRun:
    skipped = [plan[index].id for index in sorted(collected["empty"])]
    if skipped:
        reporter.info(f"{len(skipped)} of {len(plan)} units hold no valid pixel and were not explained: "
                      f"{named(skipped)}")
    explained = len(collected["rows"])
    reporter.info(f"explained {explained} units in {seconds:.1f} s ({seconds / max(explained, 1):.2f} s per unit)")
    summaries = list(collected["summaries"].values())
    for t, name in enumerate(summaries[0].target_names if summaries else []):
        reporter.info(f"{name}: mean prediction {np.mean([u.prediction[t] for u in summaries]):.4g}, mean base value "
                      f"{np.mean([u.base_value[t] for u in summaries]):.4g} (every feature removed), mean R2 "
                      f"{np.mean([u.score[t] for u in summaries]):.3f}")
    written = {argument: str(path) for argument, path in outputs.paths.items()}
    return FieldsRun(collected["table"], collected["summary"], collected["units"], skipped, seconds, written)


class _Log:
    """A line per finished unit, at most every :data:`LOG_EVERY` seconds; the units in between are counted."""

    def __init__(self, reporter: Reporter, total: int):
        self.reporter, self.total, self.done, self.last = reporter, total, 0, float("-inf")

    def unit(self, done: int, unit_id, result: dict) -> None:
        self.done = done
        now = time.monotonic()
        if now - self.last < LOG_EVERY and self.done < self.total:
            return
        self.last = now
        scores = ", ".join(f"{name}={r2:.3f}" for name, r2 in zip(result["target_names"], result["score"]))
        self.reporter.info(f"{self.done} of {self.total} units done; unit {unit_id}: {result['n_pixels']} pixels, "
                           f"{result['seconds']:.2f} s, R2 {scores}")
