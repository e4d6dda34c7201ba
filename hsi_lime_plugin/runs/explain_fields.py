"""hsilime:explain_fields from files to files: every field of a polygon layer, every tile of a scene, or every
raster of a list, each explained on its own.

Map scale, memory-bounded: each unit is read through its own window and explained on its own
(:mod:`hsi_lime_plugin.runs.unit_runs`), in this process or on a Dask cluster; this process
writes every output as results arrive (the attribution raster window by window) and keeps
only the small per-unit tables in memory.

The spectral kind with fields or tiles can map every pixel (``output_map``, ``output_dominant``,
for a model of layout ``pixels``): each unit, on this process or a worker, explains its pixels
(:func:`~hsi_lime_plugin.perturbation.pixel_maps.explain_pixels`) and returns their maps with
its result; this process writes them into the unit's window of the two mosaics as results
arrive, as it writes the spatial kind's attribution raster. Every unit then draws the run's own
samples (not a seed per unit), so that the map has no seams; each unit's row of the table is
the fit to its pixels' mean outputs, which for a pixel model is the unit's own explanation. :func:`run_fields` takes keywords (notebooks);
:func:`run` takes the run's :class:`~hsi_lime_plugin.settings.FieldsSettings`.
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import rasterio

from ..errors import HsiLimeError, arg
from ..inputs.raster import read_grid
from ..options import (DEFAULT_COMPACTNESS, DEFAULT_N_SEGMENTS, DEFAULT_PATCH_SIZE, DEFAULT_TILE_SIZE, KINDS,
                       SEGMENTATIONS, UNIT_KINDS)
from ..outputs.atomic import OutputSet, atomic_output, write_vector
from ..outputs.rasters import Mosaic, unit_raster
from ..outputs.run_record import record_of_run
from ..outputs.table_files import write_table
from ..outputs.tables import summary_table
from ..reporting import Reporter, reporter_or_default
from ..settings import (BackgroundSource, BandGroups, FieldsOutputs, FieldsSettings, ModelSource, PolygonSource,
                        RasterSource, Segmentation, Units, split_explain_options)
from .unit_runs import (Collected, LoopSettings, Prepared, execute, finish_log, fit_units, plan_units, prepare,
                        spectral_maps)


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
    output_map: str | None = None,
    output_dominant: str | None = None,
    dask_scheduler: str | None = None,
    device: str = "auto",
    allow_python: bool = False,
    background: str | None = None,
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
        across units (``.csv`` or ``.gpkg``); columns in :mod:`hsi_lime_plugin.outputs.tables`.
    output_report : str, optional
        HTML report (:mod:`hsi_lime_plugin.reports.units_report`): the run, the predictions and base
        values across units, the maps or the spectrum, and the R2 across units.
    output_map, output_dominant : str, optional
        Spectral kind with fields or tiles and a model of layout ``pixels``: every pixel's
        attribution of each target and superband (bands ``target:superband``), and per target
        the superband that raises the pixel's prediction most (paletted), as for
        :func:`hsi_lime_plugin.run_spectral`.
    dask_scheduler : str, optional
        ``tcp://host:8786``: run the units on that Dask cluster; empty: in this process.
    device, allow_python, background, reporter, **explain_options
        As for :func:`hsi_lime_plugin.run_spatial` (``targets``, ``method``, ``n_samples``,
        ``batch_size``, ``seed``, ``baseline``, ``background_size``, ``background_mode``,
        ``blur_sigma``, ``kernel_width``); without ``background`` the set is drawn from the
        raster's valid pixels over the whole scene (from every raster of ``rasters``).
    """
    explain, runtime = split_explain_options(explain_options, device)
    settings = FieldsSettings(
        raster=RasterSource(raster, wavelengths), model=ModelSource(model, allow_python),
        units=Units(units, tile_size, tuple(str(path) for path in (rasters or [])), dask_scheduler or None),
        polygons=PolygonSource(polygons, polygons_layer, id_field) if polygons is not None else None,
        kind=kind, segmentation=Segmentation(segmentation, n_segments, compactness, patch_size),
        band_groups=BandGroups(band_groups, include_rest), explain=explain, runtime=runtime,
        outputs=FieldsOutputs(output, output_folder, output_units, output_table, output_summary, output_report,
                              output_map, output_dominant),
        background=BackgroundSource(background) if background else None,
    )
    return run(settings, reporter)


def run(settings: FieldsSettings, reporter: Reporter | None = None) -> FieldsRun:
    """:func:`run_fields` with its settings as an object."""
    reporter = reporter_or_default(reporter)
    _check_choices(settings)
    outputs = _outputs(settings)
    started = time.perf_counter()
    with reporter.active(), rasterio.Env():  # one GDAL environment for every read and write of the run
        units = plan_units(settings.units, settings.raster, settings.polygons, reporter)
        from_list = settings.units.kind == "rasters"
        first = RasterSource(units[0].path, settings.raster.wavelengths) if from_list else settings.raster
        loop = LoopSettings(settings.kind, settings.segmentation, settings.band_groups, settings.explain,
                            settings.runtime, settings.units.dask_scheduler, pixel_map=settings.outputs.mapping)
        prepared = prepare(first, settings.model, loop, reporter, arg("rasters") if from_list else arg("raster"),
                           units=units, background=settings.background)
        if not loop.dask_scheduler:  # on a cluster, each worker's memory is checked there
            units = fit_units(units, first, prepared, reporter)
        where = f" on the Dask cluster {loop.dask_scheduler}" if loop.dask_scheduler else " in this process"
        reporter.info(f"explaining {len(units)} {settings.units.kind} with {settings.explain.samples_text()} each"
                      + where)
        collected, layer = _execute(settings, units, prepared, outputs, reporter, started)
    seconds = time.perf_counter() - started
    skipped = finish_log(collected, units, seconds, reporter)
    table = collected.table()
    return FieldsRun(table, summary_table(table), layer, skipped, seconds, outputs.written())


def _check_choices(settings: FieldsSettings) -> None:
    units, kind, segmentation = settings.units.kind, settings.kind, settings.segmentation.method
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


def _outputs(settings: FieldsSettings) -> OutputSet:
    """Every destination checked before any work, and the outputs that do not fit the run refused."""
    destinations, kind, units = settings.outputs, settings.kind, settings.units.kind
    if destinations.raster and (kind != "spatial" or units == "rasters"):
        raise HsiLimeError(
            f"{arg('output')}: one attribution raster over the whole grid is written for the spatial kind with field "
            f"polygons or tiles; with one raster per unit give {arg('output_folder')}, for the spectral kind the "
            "tables."
        )
    if destinations.folder and (kind != "spatial" or units != "rasters"):
        raise HsiLimeError(
            f"{arg('output_folder')}: a raster per input is written for the spatial kind with one raster per unit "
            f"({arg('units', 'rasters')}); for fields or tiles give {arg('output')}."
        )
    if destinations.mapping and (kind != "spectral" or units == "rasters"):
        argument = arg("output_map") if destinations.map else arg("output_dominant")
        raise HsiLimeError(
            f"{argument}: the per-pixel maps of spectral importance are written for the spectral kind "
            f"({arg('kind', 'spectral')}) with field polygons or tiles; for the spatial kind give {arg('output')}."
        )
    if not any((destinations.raster, destinations.folder, destinations.units, destinations.table,
                destinations.summary, destinations.mapping)):
        raise HsiLimeError(f"{arg('output_table')}: no output was requested; give at least the table destination.")
    polygons = settings.polygons
    inputs = [settings.raster.path, settings.model.path, polygons.source if polygons and polygons.is_file else None,
              settings.background.path if settings.background else None, *settings.units.rasters]
    return OutputSet.of(destinations, inputs, record_of_run("explain_fields", settings))


def _execute(settings: FieldsSettings, units, prepared: Prepared, outputs: OutputSet, reporter, started):
    """Run every unit and write the outputs as results arrive; everything or nothing is kept. Returns what
    was collected and the units layer."""
    collected = Collected(prepared.names)
    with outputs.writing() as temporary, contextlib.ExitStack() as stack:
        mosaic = maps = None
        for index, result in execute(units, prepared, settings.units.dask_scheduler, reporter):
            collected.add(index, result)
            if result.empty:
                continue
            if "output" in outputs and mosaic is None:
                mosaic = Mosaic(temporary("output"), prepared.grid, result.explanation.target_names)
                stack.callback(mosaic.close)
            if mosaic is not None:
                mosaic.write(units[index].window, result.explanation)
            if result.pixel_maps is not None:
                maps = maps or stack.enter_context(contextlib.closing(
                    spectral_maps(outputs, temporary, prepared, result.explanation)))
                maps.write(units[index].window, result.pixel_maps)
            if "output_folder" in outputs:
                target = outputs.folders["output_folder"] / f"{units[index].id}_attribution.tif"
                unit_raster(stack.enter_context(atomic_output(target, arg("output_folder"))), result.explanation,
                            units[index].path)
        collected.check_any(len(units), settings.units.kind)
        layer = _units_layer(collected, units, prepared)
        _write_tables(collected, layer, outputs, temporary)
        if "output_report" in outputs:
            from ..reports.units_report import write_fields_report

            write_fields_report(temporary("output_report"), settings, collected, units, prepared, layer, mosaic,
                                started)
    return collected, layer


def _units_layer(collected: Collected, units, prepared: Prepared) -> gpd.GeoDataFrame:
    """One polygon per explained unit with its record, in unit order."""
    order = collected.order
    grids = {path: read_grid(path) for path in {units[index].path for index in order}}
    return gpd.GeoDataFrame([collected.records[index] for index in order],
                            geometry=[units[index].geometry_or_extent(grids[units[index].path]) for index in order],
                            crs=prepared.grid.crs)


def _write_tables(collected: Collected, layer, outputs: OutputSet, temporary) -> None:
    """The table, the summary and the units layer, written inside the run's atomic block."""
    table = collected.table()
    if "output_table" in outputs:
        write_table(table, temporary("output_table"), "unit_attribution", outputs.drivers["output_table"])
    if "output_summary" in outputs:
        write_table(summary_table(table), temporary("output_summary"), "unit_summary",
                    outputs.drivers["output_summary"])
    if "output_units" in outputs:
        write_vector(layer, temporary("output_units"), "units", outputs.drivers["output_units"])

