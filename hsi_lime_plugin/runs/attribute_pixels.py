"""hsilime:attribute_pixels from files to files: every pixel's and band's attribution (gradients, occlusion).

Outputs, all on the raster's own grid and bands:

* ``output``: GeoTIFF, one band per target: each pixel's attribution summed over its bands;
* ``output_bands``: table with ``target``, ``band``, ``wavelength_nm``, ``attribution``
  (each band's attribution summed over the valid pixels);
* ``output_cube``: a folder; one GeoTIFF per target, ``attribution_<target>.tif``, with
  one band per raster band (the full T x C cube; band descriptions are the wavelengths);
* ``output_segments`` (with ``polygons``): the attributions summed over each polygon, with
  the columns of the LIME segment layer (``attr_<target>``; ``se_``, ``low_``, ``high_``
  and ``r2_`` empty: a pixel method has no surrogate), so methods can be compared side by side;
* ``output_groups`` (with ``band_groups``): the attributions summed over each superband,
  with the columns of the attribution table (:data:`hsi_lime_plugin.outputs.tables.TABLE_COLUMNS`).

With ``faithfulness`` the deletion/insertion/infidelity scores
(:mod:`hsi_lime_plugin.attribution.faithfulness`) and the baseline sensitivity
(:mod:`hsi_lime_plugin.attribution.sensitivity`) are computed on the polygons (or square patches)
and, with band groups, on the superbands, and added to those outputs. :func:`run_attribute`
takes keywords (notebooks); :func:`run` takes the run's :class:`~hsi_lime_plugin.settings.PixelSettings`.
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..attribution.attribute import Attribution, attribute_with, attribution_footprint
from ..attribution.faithfulness import faithfulness, options_of
from ..attribution.sensitivity import attribution_sensitivity
from ..errors import arg
from ..features.segments import patch_segments, polygon_segments
from ..features.superbands import resolve_band_groups
from ..options import DEFAULT_PATCH_SIZE
from ..perturbation.baseline import check_baseline
from ..outputs.atomic import OutputSet, atomic_output, write_vector
from ..outputs.rasters import write_raster
from ..outputs.run_record import record_of_run
from ..outputs.table_files import write_table
from ..outputs.tables import (FeatureNames, attribution_table, column_name, explanation_rows, faithfulness_columns,
                              segment_table)
from ..perturbation.result import Explanation
from ..reporting import Reporter, reporter_or_default
from ..reports.html import pixel_figures, run_record, write_report
from ..settings import (AttributeSettings, BackgroundSource, BandGroups, ModelSource, PixelOutputs, PixelSettings,
                        PolygonSource, RasterSource, Runtime)
from .background import with_background
from .common import open_image

#: What to do with a scene whose attribution does not fit in memory.
PIXELS_WAY_OUT = ("Clip it to a smaller extent first (Raster > Extraction > Clip Raster by Extent), or give polygons "
                  f"({arg('polygons')}) around the part to attribute: only their window is then read.")

BAND_COLUMNS = ["target", "band", "wavelength_nm", "attribution"]


@dataclass
class PixelRun:
    """What :func:`run_attribute` produced: the attribution, its faithfulness scores, the written files."""

    attribution: Attribution
    faithfulness: dict
    outputs: dict


def run_attribute(
    raster: str,
    model: str,
    output: str,
    *,
    output_bands: str | None = None,
    output_cube: str | None = None,
    polygons: str | None = None,
    polygons_layer: str | None = None,
    id_field: str | None = None,
    output_segments: str | None = None,
    band_groups: str | None = None,
    output_groups: str | None = None,
    faithfulness_scores: bool = False,
    wavelengths: str | None = None,
    output_report: str | None = None,
    device: str = "auto",
    allow_python: bool = False,
    background: str | None = None,
    reporter: Reporter | None = None,
    **attribute_options,
) -> PixelRun:
    """Attribute a raster's prediction to every pixel and band; write the outputs listed above.

    ``attribute_options`` go to :func:`hsi_lime_plugin.attribute` (``method``, ``targets``,
    ``noise``, ``n_steps``, ``window``, ``baseline``, ``background_size``, ``background_mode``,
    ``blur_sigma``, ``batch_size``, ``seed``, ...); ``background`` is the ``background`` baseline's
    set, as for :func:`hsi_lime_plugin.run_spatial`.
    """
    batch_size = attribute_options.pop("batch_size", None)
    settings = PixelSettings(
        raster=RasterSource(raster, wavelengths), model=ModelSource(model, allow_python),
        attribute=AttributeSettings(**attribute_options), runtime=Runtime(device, batch_size),
        polygons=PolygonSource(polygons, polygons_layer, id_field) if polygons else None,
        band_groups=BandGroups(band_groups) if band_groups else None,
        outputs=PixelOutputs(output, output_bands, output_cube, output_segments if polygons else None,
                             output_groups if band_groups else None, output_report),
        faithfulness=faithfulness_scores, background=BackgroundSource(background) if background else None,
    )
    return run(settings, reporter)


def run(settings: PixelSettings, reporter: Reporter | None = None) -> PixelRun:
    """:func:`run_attribute` with its settings as an object."""
    reporter = reporter_or_default(reporter)
    polygons = settings.polygons
    check_baseline(settings.attribute.baselines, "spatial")
    outputs = OutputSet.of(settings.outputs, [settings.raster.path, settings.model.path,
                                              polygons.source if polygons else None,
                                              settings.background.path if settings.background else None],
                           record_of_run("attribute_pixels", settings))
    started = time.perf_counter()
    with reporter.active():
        cube, model, frame = open_image(
            settings.raster, settings.model, settings.runtime.device, polygons,
            lambda model, shape: attribution_footprint(model, shape, settings.attribute, settings.runtime), reporter,
            PIXELS_WAY_OUT)
        attribute = with_background(settings.attribute, settings.background, settings.raster.path, cube.wavelengths,
                                    settings.faithfulness, reporter)
        superbands = None if settings.band_groups is None else resolve_band_groups(
            settings.band_groups.text, cube.wavelengths, cube.shape[0], True, reporter, cube.bad_bands)
        frame, labels = _polygons(cube, frame, polygons)
        result = attribute_with(model, cube.data, cube.valid, attribute, settings.runtime, reporter.part(0, 2))
        reporter.info(f"{result.method}: {len(result.target_names)} targets in {result.seconds:.2f} s "
                      f"(batch size {result.batch_size})")
        spatial = labels if labels is not None else patch_segments(cube.valid, DEFAULT_PATCH_SIZE)
        scores = _faithfulness(model, cube, result, (spatial, superbands), attribute, settings.runtime, reporter) \
            if settings.faithfulness else {}
        report = None
        if "output_report" in outputs:
            record = run_record(f"Pixel and band attribution: {Path(settings.raster.path).name}", settings.record(),
                                model, started, result.baseline, cube.product)
            report = (record, {None: as_explanation(result, "spatial", spatial)}, pixel_figures(cube, result),
                      {None: scores["spatial"]} if scores else None)
        _write(outputs, cube, result, (frame, labels, superbands), scores, report)
    return PixelRun(result, scores, outputs.written())


def _faithfulness(model, cube, result: Attribution, features, attribute: AttributeSettings, runtime,
                  reporter) -> dict:
    """The attribution's faithfulness and baseline sensitivity on the polygons (or patches) and, with band groups,
    the superbands (``features``: the two); ``attribute``: its settings with the run's background set; logged."""
    spatial, superbands = features
    common = dict(batch_size=runtime.batch_size, seed=attribute.seed, valid=cube.valid, **options_of(attribute))
    groups = {"spatial": spatial} if superbands is None else {"spatial": spatial, "spectral": superbands.features}
    scores = {}
    for index, (kind, labels) in enumerate(groups.items()):
        part = reporter.between(0.5 + index / (2 * len(groups)), 0.5 + (index + 1) / (2 * len(groups)))
        scores[kind] = faithfulness(model, cube.data, result, features=labels, reporter=part.part(0, 2), **common)
        scores[kind].baseline_rank_corr = attribution_sensitivity(model, cube.data, result, cube.valid, attribute,
                                                                  runtime, labels, part.part(1, 2))
        for line in scores[kind].lines():
            reporter.info(f"faithfulness ({kind}) {line}")
    return scores


def _polygons(cube, frame, polygons: PolygonSource | None):
    """The polygons ``frame`` (row i burnt as label i + 1) and their label map, or (None, None)."""
    if polygons is None:
        return None, None
    burnt = polygon_segments(frame, cube, polygons.id_field)
    return burnt.polygons, burnt.labels


def as_explanation(result: Attribution, kind: str, labels: np.ndarray) -> Explanation:
    """``result`` summed into segments or superbands, as an Explanation (no surrogate: NaN errors and R2)."""
    from ..attribution.faithfulness import feature_scores

    _, labels, sums = feature_scores(result, labels, result.valid)
    ids = np.unique(labels[labels != 0])
    nan = np.full_like(sums, np.nan)
    return Explanation(kind, sums, np.full(len(sums), np.nan), np.full(len(sums), np.nan), nan,
                       list(result.target_names), ids, labels, result.prediction, 0, result.seconds, result.device,
                       result.batch_size, result.method, base_value=np.asarray(result.baseline_prediction))


def band_rows(result: Attribution, wavelengths) -> pd.DataFrame:
    """One row per target and band: ``target``, ``band`` (1-based), ``wavelength_nm``, ``attribution``."""
    profile = result.band_profile()
    n_targets, n_bands = profile.shape
    centres = np.full(n_bands, np.nan) if wavelengths is None else np.asarray(wavelengths, dtype=np.float64)
    return pd.DataFrame({
        "target": np.repeat(result.target_names, n_bands),
        "band": np.tile(np.arange(1, n_bands + 1, dtype=np.int64), n_targets),
        "wavelength_nm": np.tile(centres, n_targets),
        "attribution": profile.reshape(-1),
    }, columns=BAND_COLUMNS)


def _write(outputs: OutputSet, cube, result: Attribution, features: tuple, scores: dict, report=None) -> None:
    """Every requested output, all or nothing; ``features`` are the polygons, their labels and the superbands."""
    frame, labels, superbands = features
    with contextlib.ExitStack() as stack:
        temporary = stack.enter_context(outputs.writing())
        write_raster(temporary("output"), result.pixel_maps(), cube, result.target_names)
        if report is not None:
            write_report(temporary("output_report"), *report)
        if "output_bands" in outputs:
            write_table(band_rows(result, cube.wavelengths), temporary("output_bands"), "band_attribution",
                        outputs.drivers["output_bands"])
        if "output_segments" in outputs:
            table = segment_table(frame, np.arange(1, len(frame) + 1), as_explanation(result, "spatial", labels))
            if "spatial" in scores:
                table = faithfulness_columns(table, scores["spatial"], per_target_rows=False)
            write_vector(table, temporary("output_segments"), "segments", outputs.drivers["output_segments"])
        if "output_groups" in outputs:
            summed = as_explanation(result, "spectral", superbands.features)
            table = attribution_table(explanation_rows(summed, None, FeatureNames.of_superbands(superbands)))
            if "spectral" in scores:
                table = faithfulness_columns(table, scores["spectral"], per_target_rows=True)
            write_table(table, temporary("output_groups"), "spectral_importance", outputs.drivers["output_groups"])
        if "output_cube" in outputs:
            names = [f"{w:.6g} nm" for w in cube.wavelengths] if cube.wavelengths is not None else \
                [f"band {b + 1}" for b in range(cube.shape[0])]
            for t, target in enumerate(result.target_names):
                path = outputs.folders["output_cube"] / f"{column_name('attribution', target)}.tif"
                values = np.where(result.valid[None], result.values[t], np.nan)
                write_raster(stack.enter_context(atomic_output(path, arg("output_cube"))), values, cube, names)

