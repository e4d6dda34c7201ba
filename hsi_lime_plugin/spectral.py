"""run_spectral(): which groups of bands (superbands) drive each prediction, from files to files."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .band_grammar import parse_band_groups
from .bands import Superbands, resolve_band_groups
from .errors import HsiLimeError, arg
from .outputs import OutputSet
from .figures import plot_spectral
from .html_report import run_record, spectral_figures, write_report
from .table_files import write_table
from .tables import band_table, summarise, superband_table
from .reporting import Reporter, reporter_or_default
from .polygons import read_polygons
from .segments import polygon_segments
from .workflow import Region, explain_regions, field_regions, open_model, open_raster, score_regions, whole_raster


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
        The superband table, the band table and the summary across fields
        (:mod:`hsi_lime_plugin.tables`), whether or not they were written.
    seconds : float
        Engine time: the sum of the explanations' wall times.
    outputs : dict
        Written files by argument name (``output_table``, ...).
    skipped : list
        Field ids that cover no valid pixel and were not explained.
    faithfulness : dict
        Field id -> :class:`~hsi_lime_plugin.faithfulness.Faithfulness` when scored, else empty.
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
    faithfulness_scores: bool = False,
    device: str = "auto",
    allow_python: bool = False,
    output_report: str | None = None,
    reporter: Reporter | None = None,
    **explain_options,
) -> SpectralRun:
    """Explain which superbands (groups of bands) drive each prediction; write tables and a figure.

    Without polygons the whole raster is explained once. With polygons each field is
    explained on its own: the model sees the field's bounding-box window, pixels outside
    the field (and nodata pixels) zeroed in model-input units and never perturbed, and
    one explanation covers all targets. Every field gets the same samples (``seed``).

    Parameters
    ----------
    raster, model : str
        Paths of the hyperspectral raster and of the model (with its card beside it).
    band_groups : str
        The grouping string (grammar in :mod:`hsi_lime_plugin.band_grammar`), e.g.
        ``"R; G+B; BI; potassium=462-475,599-613; edge=i40-i60"``.
    output_table : str
        Superband table destination, ``.csv`` or ``.gpkg``
        (columns in :func:`hsi_lime_plugin.tables.superband_table`).
    wavelengths : str, optional
        Band centres overriding or supplying the file's: a comma-separated list in nm
        (values below 100: micrometres), or the path of a text/CSV file
        (:func:`hsi_lime_plugin.wavelength_text.parse_wavelengths`).
    polygons, polygons_layer, id_field : str, optional
        Field polygons (any OGR format, any CRS), their layer, and the attribute that
        identifies each field (default: the feature id).
    include_rest : bool
        True: the bands in no group form the superband ``not_included``, perturbed as a
        feature of its own; False: they keep their values in every sample.
    output_bands, output_summary : str, optional
        Band table and summary across fields, ``.csv`` or ``.gpkg``.
    output_plot : str, optional
        PNG figure (:func:`hsi_lime_plugin.figures.plot_spectral`).
    faithfulness_scores : bool
        Score each field's explanation (:func:`hsi_lime_plugin.faithfulness`): logged, and
        added to the superband table as the columns ``deletion_auc``, ``insertion_auc``,
        ``random_deletion_auc``, ``random_insertion_auc`` and ``infidelity`` (the row's field and target).
    device : {"auto", "cpu", "cuda"}
    allow_python : bool
        Accept a Python recipe as ``model`` (it runs the recipe's code).
    output_report : str, optional
        HTML report (:mod:`hsi_lime_plugin.html_report`): the run, the predictions and base
        values, the image and the spectral figure.
    reporter : Reporter, optional
        Progress across all fields, cancel (checked between fields and batches; a
        cancelled run raises :class:`Cancelled` and leaves no output) and messages,
        including the warnings about the grouping (shared bands, names partly outside
        the raster). Default: the ``hsi_lime`` logger.
    **explain_options
        Passed to :func:`hsi_lime_plugin.explain` (``targets``, ``n_samples``,
        ``batch_size``, ``seed``, ...).

    Returns
    -------
    SpectralRun
    """
    reporter = reporter_or_default(reporter)
    outputs = _outputs(raster, model, polygons, output_table, output_bands, output_summary, output_plot,
                       output_report)
    started = time.perf_counter()
    settings = {"raster": raster, "model": model, "band_groups": band_groups or "(the standard bands)",
                "wavelengths": wavelengths, "polygons": polygons, "id_field": id_field, "device": device,
                **explain_options}
    if band_groups and band_groups.strip():
        parse_band_groups(band_groups)  # syntax errors before any data is read
    with reporter.active():
        cube = open_raster(raster, reporter, wavelengths)
        superbands = resolve_band_groups(band_groups, cube.wavelengths, cube.shape[0], include_rest, reporter)
        reporter.info(_describe_superbands(superbands))
        explainable = open_model(model, cube, device=device, allow_python=allow_python, reporter=reporter)
        regions, skipped = _regions(cube, polygons, polygons_layer, id_field, reporter)
        reporter.info(f"explaining {len(regions)} {'fields' if polygons else 'raster'} with "
                      f"{explain_options.get('n_samples', 500)} samples each")
        explanations = explain_regions(explainable, cube, superbands.features, regions, reporter, **explain_options)
        scores = score_regions(explainable, cube, explanations, regions, reporter, **explain_options) \
            if faithfulness_scores else {}
        run = _tables(superbands, explanations, cube.wavelengths, outputs.paths, skipped, scores)
        title = f"Spectral importance: {Path(raster).name}" + (f", {len(explanations)} fields" if polygons else "")
        report = None
        if "output_report" in outputs:
            report = (run_record(title, settings, explainable, started), spectral_figures(cube, run.table, run.bands,
                                                                                         title))
        _write(run, outputs, title, report)
    return run


def _outputs(raster, model, polygons, output_table, output_bands, output_summary, output_plot,
             output_report) -> OutputSet:
    """Every destination checked before any work; the table is required."""
    if not output_table:
        raise HsiLimeError(f"{arg('output_table')}: no destination was given; choose a .csv or .gpkg file.")
    outputs = OutputSet(inputs=[raster, model, polygons])
    for argument, path in (("output_table", output_table), ("output_bands", output_bands),
                           ("output_summary", output_summary)):
        outputs.add(argument, path, "table")
    outputs.add("output_plot", output_plot, "figure")
    outputs.add("output_report", output_report, "report")
    return outputs


def _describe_superbands(superbands: Superbands) -> str:
    """One log line: each superband with its band count and wavelengths, and the bands kept fixed."""
    fixed = int((superbands.features == 0).sum())
    groups = "; ".join(
        f"{label} ({len(members)} band{'s' if len(members) != 1 else ''}, {text})"
        for label, members, text in zip(superbands.labels, superbands.band_indices, superbands.ranges_text)
    )
    rest = f"; {fixed} bands in no group keep their values" if fixed else ""
    return f"{arg('band_groups')}: {superbands.n_features} superbands: {groups}{rest}"


def _regions(cube, polygons, polygons_layer, id_field, reporter: Reporter) -> tuple[list[Region], list]:
    """The fields to explain one by one (or the whole raster), and the fields left out."""
    if not polygons:
        return whole_raster(cube), []
    burnt = polygon_segments(read_polygons(polygons, polygons_layer), cube, id_field, reporter=reporter)
    skipped = list(burnt.empty)
    if skipped:
        reporter.info(
            f"{arg('polygons')}: {len(skipped)} polygons cover no valid pixel and are not explained: {skipped[:10]}"
        )
    return field_regions(burnt.labels, list(burnt.polygons["segment_id"])), skipped


def _tables(superbands, explanations: dict, wavelengths, paths: dict, skipped: list, scores: dict) -> SpectralRun:
    """The superband, band and summary tables of all explained fields (with faithfulness columns when scored)."""
    from .tables import faithfulness_columns

    pieces = [superband_table(result, superbands, field_id) for field_id, result in explanations.items()]
    if scores:
        pieces = [faithfulness_columns(piece, scores[field_id], per_target_rows=True)
                  for piece, field_id in zip(pieces, explanations)]
    table = pd.concat(pieces, ignore_index=True)
    bands = pd.concat([band_table(result, superbands, wavelengths, field_id)
                       for field_id, result in explanations.items()], ignore_index=True)
    seconds = float(sum(result.seconds for result in explanations.values()))
    written = {argument: str(path) for argument, path in paths.items()}
    return SpectralRun(superbands, explanations, table, bands, summarise(table), seconds, written, skipped, scores)


def _write(run: SpectralRun, outputs: OutputSet, title: str, report=None) -> None:
    """Write every requested table, the figure and the report (its record and figures), all or nothing."""
    layers = {"output_table": ("spectral_importance", run.table), "output_bands": ("band_attribution", run.bands),
              "output_summary": ("spectral_summary", run.summary)}
    with outputs.writing() as temporary:
        for argument, (layer_name, frame) in layers.items():
            if argument in outputs:
                write_table(frame, temporary(argument), layer_name, outputs.drivers[argument])
        if "output_plot" in outputs:
            plot_spectral(run.table, run.bands, temporary("output_plot"), title=title)
        if report is not None:
            write_report(temporary("output_report"), report[0], run.explanations, report[1])
