"""hsilime:explain_spectral from files to files: which groups of bands (superbands) drive each prediction.

Without polygons the whole raster is one unit; with polygons each field is one, read through
its own window: the same path as explain_fields (:mod:`hsi_lime_plugin.runs.unit_runs`), in this
process. :func:`run_spectral` takes keywords (notebooks); :func:`run` takes the run's
:class:`~hsi_lime_plugin.settings.SpectralSettings`.

With ``output_map`` or ``output_dominant`` (a per-pixel model, layout ``pixels``) every pixel is
explained as well (:mod:`hsi_lime_plugin.perturbation.pixel_maps`) and the maps are written unit by
unit. Without polygons the raster is then read in tiles of :data:`MAP_TILE_SIZE` pixels (memory stays
bounded whatever the scene's size), and the whole raster's row of the table is fitted to the tiles'
outputs added up: the same coalitions at every pixel make it exactly the explanation of the raster as
one unit. The faithfulness scores need the whole raster in memory, so they are refused with a map and
no polygons.
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import HsiLimeError, arg, plural
from ..features.band_grammar import parse_band_groups
from ..features.superbands import Superbands
from ..outputs.atomic import OutputSet
from ..outputs.run_record import record_of_run
from ..outputs.table_files import write_table
from ..outputs.tables import attribution_table, band_table, faithfulness_columns, summary_table
from ..reporting import Reporter, reporter_or_default
from ..reports.html import run_record, spectral_figures, write_report
from ..reports.spectral_figure import plot_spectral
from ..scale.unit_task import UnitResult
from ..settings import (BackgroundSource, BandGroups, ModelSource, PolygonSource, RasterSource, Segmentation, SpectralOutputs,
                        SpectralSettings, Units, split_explain_options)
from .common import reading
from .unit_runs import (Collected, LoopSettings, Prepared, execute, finish_log, fit_units, plan_units, prepare,
                        spectral_maps, whole_region)

#: Tiles a map of the whole raster is read in (pixels): about 60 MB of a 224-band float32 raster each.
MAP_TILE_SIZE = 256


@dataclass
class SpectralRun:
    """What :func:`run_spectral` produced.

    Attributes
    ----------
    superbands : Superbands
        The resolved band groups.
    explanations : dict
        One :class:`Explanation` per explained field id, in the layer's order; the key is
        None for the whole raster.
    table, bands, summary : pandas.DataFrame
        The attribution table, the band table and the summary across fields
        (:mod:`hsi_lime_plugin.outputs.tables`), whether or not they were written.
    seconds : float
        Engine time: the sum of the explanations' wall times.
    outputs : dict
        Written files by argument name (``output_table``, ...).
    skipped : list
        Field ids that cover no valid pixel and were not explained.
    faithfulness : dict
        Field id -> :class:`~hsi_lime_plugin.attribution.faithfulness.Faithfulness` when scored, else empty.
    """

    superbands: Superbands
    explanations: dict
    table: object
    bands: object
    summary: object
    seconds: float
    outputs: dict
    skipped: list
    faithfulness: dict = None

    @property
    def scores(self) -> dict[str, float]:
        """Mean weighted R2 of the surrogates per target, across the explained fields."""
        scores = np.mean([result.score for result in self.explanations.values()], axis=0)
        names = next(iter(self.explanations.values())).target_names
        return dict(zip(names, map(float, scores)))


def run_spectral(
    raster: str,
    model: str,
    *,
    band_groups: str | None = None,
    output_table: str,
    wavelengths: str | None = None,
    polygons: str | None = None,
    polygons_layer: str | None = None,
    id_field: str | None = None,
    include_rest: bool = True,
    output_bands: str | None = None,
    output_summary: str | None = None,
    output_plot: str | None = None,
    output_map: str | None = None,
    output_dominant: str | None = None,
    faithfulness_scores: bool = False,
    device: str = "auto",
    allow_python: bool = False,
    output_report: str | None = None,
    background: str | None = None,
    reporter: Reporter | None = None,
    **explain_options,
) -> SpectralRun:
    """Explain which superbands (groups of bands) drive each prediction; write tables and a figure.

    Without polygons the whole raster is explained once. With polygons each field is
    explained on its own: the model sees the field's bounding-box window, pixels outside
    the field (and nodata pixels) zeroed in model-input units and never perturbed, and
    one explanation covers all targets. Each field's seed derives from ``seed`` and its id.

    Parameters
    ----------
    raster, model : str
        Paths of the hyperspectral raster and of the model (with its card beside it).
    band_groups : str
        The grouping string (grammar in :mod:`hsi_lime_plugin.features.band_grammar`), e.g.
        ``"R; G+B; BI; potassium=462-475,599-613; edge=i40-i60"``; empty: the standard bands.
    output_table : str
        Attribution table destination, ``.csv`` or ``.gpkg`` (columns in
        :data:`hsi_lime_plugin.outputs.tables.TABLE_COLUMNS`).
    wavelengths : str, optional
        Band centres overriding or supplying the file's: a comma-separated list in nm
        (values below 100: micrometres), or the path of a text/CSV file
        (:func:`hsi_lime_plugin.inputs.wavelength_text.parse_wavelengths`).
    polygons, polygons_layer, id_field : str, optional
        Field polygons (any OGR format, any CRS), their layer, and the attribute that
        identifies each field (default: the feature id).
    include_rest : bool
        True: the bands in no group form the superband ``not_included``, perturbed as a
        feature of its own; False: they keep their values in every sample.
    output_bands, output_summary : str, optional
        Band table and summary across fields, ``.csv`` or ``.gpkg``.
    output_plot : str, optional
        PNG figure (:func:`hsi_lime_plugin.reports.spectral_figure.plot_spectral`).
    output_map : str, optional
        GeoTIFF on the raster's grid: every pixel's attribution of each target and superband,
        one band each, named ``target:superband`` (a model of layout ``pixels`` only).
    output_dominant : str, optional
        GeoTIFF (uint8, paletted), one band per target: the superband that raises the pixel's
        prediction most (1..K in the table's order; 0: none raises it; 255: no data).
    faithfulness_scores : bool
        Score each field's explanation (:func:`hsi_lime_plugin.faithfulness`): logged, and
        added to the attribution table as the columns ``deletion_auc``, ``insertion_auc``,
        ``random_deletion_auc``, ``random_insertion_auc``, ``infidelity`` and
        ``baseline_rank_corr`` (the row's field and target).
    device : {"auto", "cpu", "cuda"}
    allow_python : bool
        Accept a Python recipe as ``model`` (it runs the recipe's code).
    output_report : str, optional
        HTML report (:mod:`hsi_lime_plugin.reports.html`): the run, the predictions and base
        values, the image and the spectral figure.
    background : str, optional
        The ``background`` baseline's set, as for :func:`hsi_lime_plugin.run_spatial`; None: the
        raster's valid pixels over the whole scene (never only the field's).
    reporter : Reporter, optional
        Progress, cancel and messages (default: the ``hsi_lime`` logger).
    **explain_options
        As for :func:`hsi_lime_plugin.explain` (``targets``, ``n_samples``, ``method``,
        ``batch_size``, ``seed``, ``baseline``, ...).
    """
    explain, runtime = split_explain_options(explain_options, device)
    settings = SpectralSettings(
        raster=RasterSource(raster, wavelengths), model=ModelSource(model, allow_python),
        band_groups=BandGroups(band_groups, include_rest),
        polygons=PolygonSource(polygons, polygons_layer, id_field) if polygons else None,
        explain=explain, runtime=runtime,
        outputs=SpectralOutputs(output_table, output_bands, output_summary, output_plot, output_report, output_map,
                                output_dominant),
        faithfulness=faithfulness_scores, background=BackgroundSource(background) if background else None,
    )
    return run(settings, reporter)


def run(settings: SpectralSettings, reporter: Reporter | None = None) -> SpectralRun:
    """:func:`run_spectral` with its settings as an object."""
    reporter = reporter_or_default(reporter)
    _check(settings)
    polygons = settings.polygons
    outputs = OutputSet.of(settings.outputs, [settings.raster.path, settings.model.path,
                                              polygons.source if polygons else None,
                                              settings.background.path if settings.background else None],
                           record_of_run("explain_spectral", settings))
    started = time.perf_counter()
    with reporter.active(), outputs.writing() as temporary:
        units, prepared = _plan(settings, reporter)
        collected = _collect(units, prepared, outputs, temporary, reporter, tiled=polygons is None and
                             settings.outputs.mapping)
        if polygons:
            skipped = finish_log(collected, units, time.perf_counter() - started, reporter)
        else:
            skipped, whole = [], collected.first.explanation
            reporter.info(f"explained {len(whole.target_names)} targets in {whole.seconds:.2f} s (batch size "
                          f"{whole.batch_size})")
            reporter.info(reading(whole))
        spectral = _tables(collected, prepared, outputs, skipped, reporter)
        title = f"Spectral importance: {Path(settings.raster.path).name}" + (
            f", {len(spectral.explanations)} fields" if polygons else "")
        report = None
        if "output_report" in outputs:
            report = (run_record(title, settings.record(), prepared.model, started,
                                 collected.first.explanation.baseline, prepared.product),
                      spectral_figures(settings.raster.path, spectral.table, spectral.bands, title))
        _write(spectral, outputs, temporary, title, report)
    return spectral


def _check(settings: SpectralSettings) -> None:
    """What can be refused before any data is read: no table, a band-group syntax error, scores with a map of
    the whole raster."""
    if not settings.outputs.table:
        raise HsiLimeError(f"{arg('output_table')}: no destination was given; choose a .csv or .gpkg file.")
    if settings.band_groups.text and settings.band_groups.text.strip():
        parse_band_groups(settings.band_groups.text)
    if settings.outputs.mapping and settings.faithfulness and settings.polygons is None:
        raise HsiLimeError(
            f"{arg('faithfulness_scores')}: the faithfulness scores of the whole raster need it in memory at once, "
            f"while {arg('output_map')} reads it in tiles; score without the map, or give {arg('polygons')} (each "
            "field is then scored)."
        )


def _plan(settings: SpectralSettings, reporter: Reporter) -> tuple[list, Prepared]:
    """The units (fields; the whole raster, or its tiles for a map) and what every unit shares."""
    polygons, mapping = settings.polygons, settings.outputs.mapping
    units = plan_units(Units("polygons" if polygons else "tiles" if mapping else "raster", MAP_TILE_SIZE),
                       settings.raster, polygons, reporter)
    loop = LoopSettings("spectral", Segmentation(), settings.band_groups, settings.explain, settings.runtime,
                        faithfulness=settings.faithfulness, pixel_map=mapping)
    prepared = prepare(settings.raster, settings.model, loop, reporter, units=units, background=settings.background)
    units = fit_units(units, settings.raster, prepared, reporter, arg("polygons"))
    reporter.info(_describe_superbands(prepared.superbands))
    what = plural(len(units), "field") if polygons else "the raster"
    if mapping and not polygons:
        what = f"the raster in {plural(len(units), 'tile')} of {MAP_TILE_SIZE} pixels"
    pixels = ", every pixel," if mapping else ""
    reporter.info(f"explaining {what}{pixels} with {settings.explain.samples_text()} each")
    if not polygons and settings.background is None and settings.explain.baselines.name == "background":
        reporter.warning(
            f"{arg('background')}: the raster is explained as one unit against a background drawn from its own valid "
            "pixels, so its superbands' attributions say how it differs from its own spectra (close to 0 for a model "
            f"that averages its pixels); give {arg('polygons')} to explain field by field, {arg('output_map')} for "
            f"every pixel, a {arg('background')} of other spectra (training fields, another scene), or "
            f"{arg('baseline', 'zero')}."
        )
    return units, prepared


def _collect(units, prepared: Prepared, outputs: OutputSet, temporary, reporter: Reporter,
             tiled: bool) -> Collected:
    """Every unit's explanation, and its pixels' maps written as it arrives; with ``tiled`` (a map of the
    whole raster) the tiles added up into the raster's one explanation."""
    collected, maps, tiles = Collected(prepared.names, keep=True), None, []
    with contextlib.ExitStack() as stack:
        for index, result in execute(units, prepared, None, reporter):
            if result.pixel_maps is not None and maps is None:
                maps = stack.enter_context(contextlib.closing(spectral_maps(outputs, temporary, prepared,
                                                                            result.explanation)))
            if result.pixel_maps is not None:
                maps.write(units[index].window, result.pixel_maps)
            if not tiled:
                collected.add(index, result)
            elif not result.empty:
                tiles.append(result)
    if tiles:
        collected.add(0, UnitResult(None, sum(t.n_pixels for t in tiles), whole_region(tiles, prepared, reporter)))
    collected.check_any(len(units), "tiles of the raster" if tiled else "fields")
    return collected


def _describe_superbands(superbands: Superbands) -> str:
    """One log line: each superband with its band count and wavelengths, and the bands kept fixed."""
    fixed = int((superbands.features == 0).sum())
    groups = "; ".join(
        f"{label} ({len(members)} band{'s' if len(members) != 1 else ''}, {text})"
        for label, members, text in zip(superbands.labels, superbands.band_indices, superbands.ranges_text)
    )
    rest = f"; {fixed} bands in no group keep their values" if fixed else ""
    return f"{arg('band_groups')}: {superbands.n_features} superbands: {groups}{rest}"


def _tables(collected: Collected, prepared, outputs: OutputSet, skipped: list, reporter: Reporter) -> SpectralRun:
    """The attribution, band and summary tables of every explained unit, with the faithfulness columns when
    scored (and the scores logged)."""
    results = [collected.results[index] for index in collected.order]
    explanations = {result.id: result.explanation for result in results}
    scores = {result.id: result.faithfulness for result in results if result.faithfulness is not None}
    pieces = [attribution_table(collected.rows[index]) for index in collected.order]
    if scores:
        pieces = [faithfulness_columns(piece, result.faithfulness, per_target_rows=True)
                  for piece, result in zip(pieces, results)]
        for result in results:
            where = "" if result.id is None else f"field {result.id} "
            for line in result.faithfulness.lines():
                reporter.info(f"faithfulness {where}{line}")
    table = pd.concat(pieces, ignore_index=True)
    bands = pd.concat([band_table(result, prepared.superbands, prepared.wavelengths, unit_id)
                       for unit_id, result in explanations.items()], ignore_index=True)
    seconds = float(sum(result.seconds for result in explanations.values()))
    return SpectralRun(prepared.superbands, explanations, table, bands, summary_table(table), seconds,
                       outputs.written(), skipped, scores)


def _write(run: SpectralRun, outputs: OutputSet, temporary, title: str, report=None) -> None:
    """Write every requested table, the figure and the report (its record and figures) into the run's
    temporary files (all kept, or none)."""
    layers = {"output_table": ("spectral_importance", run.table), "output_bands": ("band_attribution", run.bands),
              "output_summary": ("spectral_summary", run.summary)}
    for argument, (layer_name, frame) in layers.items():
        if argument in outputs:
            write_table(frame, temporary(argument), layer_name, outputs.drivers[argument])
    if "output_plot" in outputs:
        plot_spectral(run.table, run.bands, temporary("output_plot"), title=title)
    if report is not None:
        write_report(temporary("output_report"), report[0], run.explanations, report[1], run.faithfulness)
