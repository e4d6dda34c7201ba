"""End-to-end runs from files to files: what a Processing algorithm or a batch script calls.

A workflow takes plain values (paths, numbers, strings), reads the inputs, explains,
and writes every output atomically (all or nothing). It reports through three optional
callables: ``progress(fraction)``, ``cancelled() -> bool`` and ``log(message)``.
"""
from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import scipy.ndimage

from .band_grammar import parse_band_groups
from .bands import Superbands, resolve_band_groups
from .errors import Cancelled, HsiLimeError
from .explain import Explanation, explain
from .models import load_model
from .outputs import atomic_output, vector_driver, write_vector
from .raster import read_raster, write_raster
from .figures import plot_spectral
from .table_files import table_driver, write_table
from .tables import band_table, summarise, superband_table
from .segments import patch_segments, polygon_segments, read_polygons, segment_polygons, slic_segments
from .wavelength_text import parse_wavelengths

SEGMENTATIONS = ("polygons", "slic", "patches")


@dataclass
class SpatialRun:
    """What :func:`run_spatial` produced."""

    explanation: Explanation
    n_segments: int
    output: str
    output_segments: str | None

    @property
    def scores(self) -> dict[str, float]:
        """Weighted R2 of the surrogate per target."""
        return dict(zip(self.explanation.target_names, map(float, self.explanation.score)))


def column_name(prefix: str, target: str) -> str:
    """Attribute column for a target, e.g. ``attr_pH``; other characters become ``_``."""
    return f"{prefix}_{re.sub(r'[^0-9A-Za-z_]', '_', target)}"


def run_spatial(
    raster: str,
    model: str,
    output: str,
    *,
    segmentation: str = "polygons",
    polygons: str | None = None,
    polygons_layer: str | None = None,
    id_field: str | None = None,
    n_segments: int = 50,
    compactness: float = 0.3,
    patch_size: int = 16,
    output_segments: str | None = None,
    device: str = "auto",
    allow_python: bool = False,
    log: Callable[[str], None] = lambda message: None,
    **explain_options,
) -> SpatialRun:
    """Explain which regions of a raster drive each prediction; write the attribution raster.

    Parameters
    ----------
    raster, model : str
        Paths of the hyperspectral raster and of the model (with its card beside it).
    output : str
        GeoTIFF destination: one Float32 band per explained target on the raster's grid.
    segmentation : {"polygons", "slic", "patches"}
        Where segments come from: field polygons (``polygons``, ``id_field``), SLIC
        superpixels (``n_segments``, ``compactness``) or square patches (``patch_size``).
    output_segments : str, optional
        Vector destination (.gpkg, .shp, .geojson): one polygon per segment with
        ``segment_id``, ``attr_<target>``, ``se_<target>`` (standard error),
        ``low_<target>``/``high_<target>`` (95% interval) and ``r2_<target>``; for field
        polygons, the input features with all their attributes.

    device : {"auto", "cpu", "cuda"}
        Where the model runs.
    allow_python : bool
        Accept a Python recipe as ``model`` (it runs the recipe's code).
    log : callable(str)
        Receives progress messages for the user.
    **explain_options
        Passed to :func:`hsi_lime_plugin.explain` (``targets``, ``n_samples``,
        ``batch_size``, ``seed``, ``progress``, ``cancelled``, ...).
    """
    if segmentation not in SEGMENTATIONS:
        raise ValueError(f"unknown segmentation {segmentation!r}; one of {SEGMENTATIONS}")
    if segmentation == "polygons" and not polygons:
        raise HsiLimeError(
            "POLYGONS: segmentation by field polygons (SEGMENTATION=0) needs a polygon layer; choose one in "
            "POLYGONS, or choose SLIC superpixels (1) or regular patches (2)."
        )
    segments_driver = vector_driver(output_segments, "OUTPUT_SEGMENTS") if output_segments else None
    cube = _read_input(raster, log)
    explainable = _load_model_for(model, cube.shape[0], cube.wavelengths, device, allow_python, log)

    frame = None
    if segmentation == "polygons":
        burnt = polygon_segments(read_polygons(polygons, polygons_layer), cube, id_field)
        labels, frame = burnt.labels, burnt.polygons
        if burnt.empty:
            log(f"POLYGONS: {len(burnt.empty)} polygons cover no valid pixel and are not explained: {burnt.empty[:10]}")
    elif segmentation == "slic":
        labels = slic_segments(cube, n_segments, compactness)
    else:
        labels = patch_segments(cube.valid, patch_size)
    count = len(np.unique(labels[labels > 0]))
    log(f"{count} segments; explaining with {explain_options.get('n_samples', 500)} samples")

    result = explain(explainable, cube.data, labels, kind="spatial", valid=cube.valid, **explain_options)
    _log_explanation(result, log, explainable.device_note)

    with contextlib.ExitStack() as outputs:
        write_raster(outputs.enter_context(atomic_output(output, "OUTPUT")), result.maps(), cube, result.target_names)
        if output_segments:
            if frame is None:  # superpixels or patches: vectorise them, segment_id is the label
                frame = segment_polygons(labels, cube)
                row_labels = frame["segment_id"].to_numpy()
            else:  # field polygons: row i was burnt as label i + 1
                row_labels = np.arange(1, len(frame) + 1)
            table = segment_table(frame, row_labels, result)
            temporary = outputs.enter_context(atomic_output(output_segments, "OUTPUT_SEGMENTS"))
            write_vector(table, temporary, layer_name="segments", driver=segments_driver)
    return SpatialRun(result, count, output, output_segments)


def segment_table(frame, row_labels: np.ndarray, result: Explanation):
    """Add ``attr_``, ``se_``, ``low_``, ``high_`` (95% interval) and ``r2_`` columns per target.

    ``row_labels[i]`` is the label of row ``i`` in the explained label map; segments that
    were not explained (no valid pixel) get empty (NaN) attributions.
    """
    table = frame.copy()
    column = {label: k for k, label in enumerate(result.feature_ids)}
    index = np.array([column.get(label, -1) for label in row_labels], dtype=np.int64)
    low, high = result.confidence_interval(0.95)
    for t, name in enumerate(result.target_names):
        for prefix, values in (
            ("attr", result.coefficients[t]), ("se", result.standard_error[t]), ("low", low[t]), ("high", high[t])
        ):
            table[column_name(prefix, name)] = np.where(index >= 0, values[np.maximum(index, 0)], np.nan)
        table[column_name("r2", name)] = float(result.score[t])
    return table


def _read_input(raster: str, log: Callable[[str], None]):
    cube = read_raster(raster)
    log(f"INPUT: {cube.shape[0]} bands, {cube.shape[1]} x {cube.shape[2]} pixels, {int(cube.valid.sum())} valid")
    return cube


def _load_model_for(model: str, n_bands: int, wavelengths, device: str, allow_python: bool, log):
    """Load the model and reconcile its card with the raster's bands (resampling if needed)."""
    explainable = load_model(model, device, allow_python=allow_python)
    log(explainable.device_note)
    explainable.match_raster(n_bands, wavelengths)
    log(explainable.summary())
    return explainable


def _log_explanation(result: Explanation, log: Callable[[str], None], logged: str, seconds: float | None = None):
    """Log the time and the engine's notes, except ``logged`` (the device, said at loading)."""
    seconds = result.seconds if seconds is None else seconds
    log(f"explained {len(result.target_names)} targets in {seconds:.2f} s (batch size {result.batch_size})")
    for note in result.notes:
        if note != logged:
            log(note)


# --------------------------------------------------------------------------- spectral


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
        (:mod:`hsi_lime_plugin.report`), whether or not they were written.
    seconds : float
        Engine time: the sum of the explanations' wall times.
    outputs : dict
        Written files by output name (``OUTPUT_TABLE``, ...).
    skipped : list
        Field ids that cover no valid pixel and were not explained.
    """

    superbands: Superbands
    explanations: dict
    table: object
    bands: object
    summary: object
    seconds: float
    outputs: dict
    skipped: list

    @property
    def scores(self) -> dict[str, float]:
        """Mean weighted R2 of the surrogates per target, across the explained fields."""
        scores = np.mean([result.score for result in self.explanations.values()], axis=0)
        names = next(iter(self.explanations.values())).target_names
        return dict(zip(names, map(float, scores)))


def _field_windows(labels: np.ndarray, count: int):
    """(label, row slice, column slice) of the bounding box of each label 1..count present in ``labels``."""
    objects = scipy.ndimage.find_objects(labels.astype(np.int64, copy=False), max_label=count)
    return [(k + 1, window) for k, window in enumerate(objects) if window is not None]


def run_spectral(
    raster: str,
    model: str,
    *,
    band_groups: str,
    output_table: str,
    wavelengths: str | None = None,
    polygons: str | None = None,
    polygons_layer: str | None = None,
    id_field: str | None = None,
    include_rest: bool = True,
    output_bands: str | None = None,
    output_summary: str | None = None,
    output_plot: str | None = None,
    device: str = "auto",
    allow_python: bool = False,
    log: Callable[[str], None] = lambda message: None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
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
        The grouping string (grammar in :mod:`hsi_lime_plugin.bands`), e.g.
        ``"R; G+B; BI; potassium=462-475,599-613; edge=i40-i60"``.
    output_table : str
        Superband table destination, ``.csv`` or ``.gpkg``
        (columns in :func:`hsi_lime_plugin.report.superband_table`).
    wavelengths : str, optional
        Band centres overriding or supplying the file's: a comma-separated list in nm
        (values below 100: micrometres), or the path of a text/CSV file
        (:func:`hsi_lime_plugin.wavelengths.parse_wavelengths`).
    polygons, polygons_layer, id_field : str, optional
        Field polygons (any OGR format, any CRS), their layer, and the attribute that
        identifies each field (default: the feature id).
    include_rest : bool
        True: the bands in no group form the superband ``not_included``, perturbed as a
        feature of its own; False: they keep their values in every sample.
    output_bands, output_summary : str, optional
        Band table and summary across fields, ``.csv`` or ``.gpkg``.
    output_plot : str, optional
        PNG figure (:func:`hsi_lime_plugin.report.plot_spectral`).
    device : {"auto", "cpu", "cuda"}
    allow_python : bool
        Accept a Python recipe as ``model`` (it runs the recipe's code).
    log : callable(str)
        Receives messages for the user.
    progress : callable(float), optional
        Fraction done, across all fields.
    cancelled : callable() -> bool, optional
        Checked between fields and between batches; True stops the run with
        :class:`Cancelled`, leaving no output.
    **explain_options
        Passed to :func:`hsi_lime_plugin.explain` (``targets``, ``n_samples``,
        ``batch_size``, ``seed``, ...).

    Returns
    -------
    SpectralRun

    Warnings about the grouping (shared bands, names partly outside the raster) are
    issued with :func:`warnings.warn` (:class:`~hsi_lime_plugin.bands.BandGroupWarning`).
    """
    destinations = {"OUTPUT_TABLE": output_table, "OUTPUT_BANDS": output_bands, "OUTPUT_SUMMARY": output_summary,
                    "OUTPUT_PLOT": output_plot}
    destinations = {name: str(path) for name, path in destinations.items() if path}
    if "OUTPUT_TABLE" not in destinations:
        raise HsiLimeError("OUTPUT_TABLE: no destination was given; choose a .csv or .gpkg file.")
    drivers = {name: table_driver(path, name) for name, path in destinations.items() if name != "OUTPUT_PLOT"}
    if output_plot and Path(output_plot).suffix.lower() != ".png":
        raise HsiLimeError(f"OUTPUT_PLOT: the figure is written as PNG; give a file name ending in .png, not "
                           f"'{Path(output_plot).name}'.")
    seen: dict[str, str] = {}
    for name, path in destinations.items():
        key = os.path.normcase(os.path.abspath(path))
        if key in seen:
            raise HsiLimeError(f"{name}: {path} is also the destination of {seen[key]}; give each output its own file.")
        seen[key] = name

    parse_band_groups(band_groups)  # syntax errors before any data is read
    cube = _read_input(raster, log)
    n_bands = cube.shape[0]
    centres = cube.wavelengths
    if wavelengths is not None and str(wavelengths).strip():
        centres = parse_wavelengths(str(wavelengths), n_bands)
        replaced = "replace the file's" if cube.wavelengths is not None else "supply the missing"
        log(f"WAVELENGTHS: {n_bands} values from {_format_nm(centres[0])} to {_format_nm(centres[-1])} nm "
            f"{replaced} wavelengths")
    elif centres is not None:
        log(f"INPUT: wavelengths {_format_nm(centres[0])} to {_format_nm(centres[-1])} nm")
    superbands = resolve_band_groups(band_groups, centres, n_bands, include_rest=include_rest)
    fixed = int((superbands.features == 0).sum())
    log(f"BAND_GROUPS: {superbands.n_features} superbands: " + "; ".join(
        f"{label} ({len(members)} band{'s' if len(members) != 1 else ''}, {text})"
        for label, members, text in zip(superbands.labels, superbands.band_indices, superbands.ranges_text)
    ) + (f"; {fixed} bands in no group keep their values" if fixed else ""))

    explainable = _load_model_for(model, n_bands, centres, device, allow_python, log)

    if polygons:
        burnt = polygon_segments(read_polygons(polygons, polygons_layer), cube, id_field)
        ids = list(burnt.polygons["segment_id"])
        regions = [(ids[label - 1], window, burnt.labels[window] == label)
                   for label, window in _field_windows(burnt.labels, len(ids))]
        skipped = list(burnt.empty)
        if skipped:
            log(f"POLYGONS: {len(skipped)} polygons cover no valid pixel and are not explained: {skipped[:10]}")
    else:
        regions = [(None, (slice(None), slice(None)), cube.valid)]
        skipped = []
    n_samples = explain_options.get("n_samples", 500)
    log(f"explaining {len(regions)} {'fields' if polygons else 'raster'} with {n_samples} samples each")

    explanations: dict = {}
    for index, (field_id, (rows, columns), inside) in enumerate(regions):
        if cancelled is not None and cancelled():
            raise Cancelled()
        report_progress = None if progress is None else _scaled_progress(progress, index, len(regions))
        result = explain(explainable, cube.data[:, rows, columns], superbands.features, kind="spectral",
                         valid=inside, progress=report_progress, cancelled=cancelled, **explain_options)
        explanations[field_id] = result
        if polygons:
            scores = ", ".join(f"{name}={r2:.3f}" for name, r2 in zip(result.target_names, result.score))
            log(f"field {field_id}: {int(inside.sum())} pixels in a {inside.shape[0]} x {inside.shape[1]} window, "
                f"{result.seconds:.2f} s, R2 {scores}")
    seconds = float(sum(result.seconds for result in explanations.values()))
    _log_explanation(next(iter(explanations.values())), log, explainable.device_note, seconds)

    table = pd.concat([superband_table(result, superbands, field_id) for field_id, result in explanations.items()],
                      ignore_index=True)
    bands = pd.concat([band_table(result, superbands, centres, field_id) for field_id, result in explanations.items()],
                      ignore_index=True)
    summary = summarise(table)
    layers = {"OUTPUT_TABLE": ("spectral_importance", table), "OUTPUT_BANDS": ("band_attribution", bands),
              "OUTPUT_SUMMARY": ("spectral_summary", summary)}
    with contextlib.ExitStack() as outputs:
        for name, driver in drivers.items():
            layer_name, frame = layers[name]
            write_table(frame, outputs.enter_context(atomic_output(destinations[name], name)), layer_name, driver)
        if output_plot:
            title = f"Spectral importance: {Path(raster).name}" + (f", {len(explanations)} fields" if polygons else "")
            plot_spectral(table, bands, outputs.enter_context(atomic_output(output_plot, "OUTPUT_PLOT")), title=title)
    return SpectralRun(superbands, explanations, table, bands, summary, seconds, destinations, skipped)


def _scaled_progress(progress: Callable[[float], None], index: int, count: int) -> Callable[[float], None]:
    """Progress of part ``index`` of ``count`` equal parts, reported as a fraction of the whole."""
    return lambda fraction: progress((index + fraction) / count)


def _format_nm(value: float) -> str:
    return f"{value:.6g}"
