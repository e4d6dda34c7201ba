"""hsilime:explain_spatial from files to files: which regions of a raster drive each prediction.

:func:`run_spatial` takes keywords (notebooks); :func:`run` takes the run's
:class:`~hsi_lime_plugin.settings.SpatialSettings` (the QGIS algorithm builds them).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import HsiLimeError, arg
from ..features.segments import (
    PolygonSegments,
    patch_segments,
    polygon_segments,
    segment_polygons,
    slic_segments,
)
from ..inputs.raster import RasterCube
from ..options import DEFAULT_COMPACTNESS, DEFAULT_N_SEGMENTS, DEFAULT_PATCH_SIZE, SEGMENTATIONS
from ..outputs.atomic import OutputSet, write_vector
from ..outputs.rasters import write_raster
from ..outputs.run_record import record_of_run
from ..outputs.tables import faithfulness_columns, segment_table
from ..perturbation.footprint import explanation_footprint
from ..perturbation.pipeline import explain_with
from ..perturbation.result import Explanation
from ..reporting import Reporter, reporter_or_default
from ..reports.html import run_record, spatial_figures, write_report
from ..perturbation.baseline import check_baseline
from ..settings import (BackgroundSource, ModelSource, PolygonSource, RasterSource, Segmentation, SpatialOutputs,
                        SpatialSettings, split_explain_options)
from .background import with_background
from .common import open_image, reading


@dataclass
class SpatialRun:
    """What :func:`run_spatial` produced."""

    explanation: Explanation
    n_segments: int
    output: str
    output_segments: str | None
    faithfulness: object = None

    @property
    def scores(self) -> dict[str, float]:
        """Weighted R2 of the surrogate per target."""
        return dict(zip(self.explanation.target_names, map(float, self.explanation.score)))


def run_spatial(
    raster: str,
    model: str,
    output: str,
    *,
    segmentation: str = "polygons",
    polygons: str | None = None,
    polygons_layer: str | None = None,
    id_field: str | None = None,
    n_segments: int = DEFAULT_N_SEGMENTS,
    compactness: float = DEFAULT_COMPACTNESS,
    patch_size: int = DEFAULT_PATCH_SIZE,
    output_segments: str | None = None,
    faithfulness_scores: bool = False,
    output_report: str | None = None,
    device: str = "auto",
    allow_python: bool = False,
    background: str | None = None,
    reporter: Reporter | None = None,
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
        Where segments come from: field polygons (``polygons``, ``polygons_layer``, ``id_field``),
        SLIC superpixels (``n_segments``, ``compactness``) or square patches (``patch_size``).
    output_segments : str, optional
        Vector destination (.gpkg, .shp, .geojson): one polygon per segment with
        ``attr_<target>``, ``se_<target>`` (standard error), ``low_<target>``/``high_<target>``
        (95% interval), ``r2_<target>``, ``pred_<target>`` and ``base_<target>``: for field
        polygons the input features with their attributes as they were (the id field
        included, under its own name); for superpixels and patches a ``segment_id``.
    faithfulness_scores : bool
        Score the explanation (:func:`hsi_lime_plugin.faithfulness`): logged, and added to
        ``output_segments`` as ``deletion_auc_<target>``, ``insertion_auc_<target>``,
        ``random_deletion_auc_<target>``, ``random_insertion_auc_<target>``, ``infidelity_<target>``,
        ``road_deletion_auc_<target>`` and ``baseline_rank_corr_<target>`` (the rank correlation with
        the explanation under a contrasting baseline, :mod:`hsi_lime_plugin.attribution.sensitivity`).
    output_report : str, optional
        HTML report (:mod:`hsi_lime_plugin.reports.html`): the run, the predictions and base
        values, the image, the attribution maps and the strongest segments.
    device : {"auto", "cpu", "cuda"}
        Where the model runs.
    allow_python : bool
        Accept a Python recipe as ``model`` (it runs the recipe's code).
    background : str, optional
        The ``background`` baseline's set (:mod:`hsi_lime_plugin.runs.background`): a raster whose
        valid pixels form it, or a polygon layer on ``raster`` whose pixels do; None: the raster's
        valid pixels over the whole scene.
    reporter : Reporter, optional
        Progress, cancel and messages (default: the ``hsi_lime`` logger).
    **explain_options
        As for :func:`hsi_lime_plugin.explain` (``targets``, ``method``, ``n_samples``,
        ``batch_size``, ``seed``, ``baseline``, ``background_size``, ``background_mode``,
        ``blur_sigma``, ...).
    """
    explain, runtime = split_explain_options(explain_options, device)
    settings = SpatialSettings(
        raster=RasterSource(raster), model=ModelSource(model, allow_python),
        segmentation=Segmentation(segmentation, n_segments, compactness, patch_size),
        polygons=PolygonSource(polygons, polygons_layer, id_field) if polygons else None,
        explain=explain, runtime=runtime, outputs=SpatialOutputs(output, output_segments, output_report),
        faithfulness=faithfulness_scores, background=BackgroundSource(background) if background else None,
    )
    return run(settings, reporter)


def run(settings: SpatialSettings, reporter: Reporter | None = None) -> SpatialRun:
    """:func:`run_spatial` with its settings as an object."""
    reporter = reporter_or_default(reporter)
    _check_segmentation(settings)
    check_baseline(settings.explain.baselines, "spatial")
    started = time.perf_counter()
    polygons = settings.polygons.source if settings.polygons else None
    background = settings.background.path if settings.background else None
    outputs = OutputSet.of(settings.outputs, [settings.raster.path, settings.model.path, polygons, background],
                           record_of_run("explain_spatial", settings))
    with reporter.active():
        cube, model, frame = _open(settings, reporter)
        explain = with_background(settings.explain, settings.background, settings.raster.path, cube.wavelengths,
                                  settings.faithfulness, reporter)
        labels, polygons = _segments(cube, settings, frame, reporter)
        count = len(np.unique(labels[labels > 0]))
        reporter.info(f"{count} segments; explaining with {settings.explain.samples_text()}")
        result = explain_with(model, cube.data, labels, "spatial", cube.valid, explain, settings.runtime, reporter)
        reporter.info(f"explained {len(result.target_names)} targets in {result.seconds:.2f} s (batch size "
                      f"{result.batch_size}; baseline {result.baseline})")
        reporter.info(reading(result))
        scores = _faithfulness(model, cube, result, explain, settings.runtime, reporter) if settings.faithfulness \
            else None
        record = run_record(f"Spatial importance: {Path(settings.raster.path).name}", settings.record(), model,
                            started, result.baseline, cube.product) if "output_report" in outputs else None
        _write(outputs, cube, labels, polygons, result, scores, record)
    return SpatialRun(result, count, settings.outputs.raster, settings.outputs.segments, scores)


def _open(settings: SpatialSettings, reporter: Reporter):
    """The raster (whole, or the window that fits in memory), the model and the field polygons."""
    slic = settings.segmentation.method == "slic"

    def footprint(model, shape):
        return explanation_footprint(model, shape, "spatial", settings.explain, settings.runtime, slic)

    polygons = settings.polygons if settings.segmentation.method == "polygons" else None
    return open_image(settings.raster, settings.model, settings.runtime.device, polygons, footprint, reporter)


def _check_segmentation(settings: SpatialSettings) -> None:
    """A known segmentation, and polygons when it is by field polygons."""
    segmentation = settings.segmentation.method
    if segmentation not in SEGMENTATIONS:
        raise HsiLimeError(
            f"{arg('segmentation')}: unknown segmentation '{segmentation}'; choose one of {', '.join(SEGMENTATIONS)}."
        )
    if segmentation == "polygons" and settings.polygons is None:
        raise HsiLimeError(
            f"{arg('polygons')}: segmentation by field polygons ({arg('segmentation', 'polygons')}) needs a polygon "
            f"layer; choose one in {arg('polygons')}, or choose SLIC superpixels ({arg('segmentation', 'slic')}) or "
            f"regular patches ({arg('segmentation', 'patches')})."
        )


def _faithfulness(model, cube: RasterCube, result: Explanation, explain, runtime, reporter: Reporter):
    """The explanation's faithfulness scores and baseline sensitivity, on its image, valid pixels, baseline
    (``explain``: its settings with the run's background set), batch size and seed; logged."""
    from ..attribution.faithfulness import score_explanation

    scores = score_explanation(model, cube.data, cube.valid, result, explain, runtime, reporter)
    for line in scores.lines():
        reporter.info(f"faithfulness {line}")
    return scores


def _write(outputs: OutputSet, cube, labels, polygons: PolygonSegments | None, result: Explanation, scores,
           record) -> None:
    """The attribution raster, the segment layer and the report (with ``record``), all or nothing; ``polygons``
    are the field polygons the segments are, None for superpixels and patches."""
    with outputs.writing() as temporary:
        write_raster(temporary("output"), result.maps(), cube, result.target_names)
        if "output_segments" in outputs:
            table = _segment_layer(polygons, labels, cube, result)
            if scores is not None:
                table = faithfulness_columns(table, scores, per_target_rows=False)
            write_vector(table, temporary("output_segments"), "segments", outputs.drivers["output_segments"])
        if "output_report" in outputs:
            names = None if polygons is None else dict(enumerate(polygons.ids, start=1))
            write_report(temporary("output_report"), record, {None: result},
                         spatial_figures(cube, labels, result, names), None if scores is None else {None: scores})


def _segments(cube: RasterCube, settings: SpatialSettings, frame, reporter: Reporter):
    """The segment label map and, for field polygons (``frame``), the polygons burnt into it (else None)."""
    segmentation = settings.segmentation
    if segmentation.method == "slic":
        return slic_segments(cube, segmentation.n_segments, segmentation.compactness), None
    if segmentation.method == "patches":
        height, width = cube.valid.shape
        if segmentation.patch_size >= max(height, width):
            raise HsiLimeError(
                f"{arg('patch_size')}: one patch of {segmentation.patch_size} pixels covers the whole {height} x "
                f"{width} raster, which leaves nothing to compare; use at most {max(1, max(height, width) // 2)} "
                "pixels."
            )
        return patch_segments(cube.valid, segmentation.patch_size), None
    burnt = polygon_segments(frame, cube, settings.polygons.id_field, reporter=reporter)
    if burnt.empty:
        reporter.info(
            f"{arg('polygons')}: {len(burnt.empty)} polygons cover no valid pixel and are not explained: "
            f"{burnt.empty[:10]}"
        )
    return burnt.labels, burnt


def _segment_layer(polygons: PolygonSegments | None, labels: np.ndarray, cube: RasterCube, result: Explanation):
    """The segments as polygons with their attribution columns: the field polygons as they came, or the
    superpixels and patches vectorised with their ``segment_id``."""
    if polygons is None:
        frame = segment_polygons(labels, cube)
        return segment_table(frame, frame["segment_id"].to_numpy(), result)
    return segment_table(polygons.polygons, np.arange(1, len(polygons.polygons) + 1), result)
