"""run_spatial(): which regions of a raster drive each prediction, from files to files."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import HsiLimeError, arg
from .explanation import Explanation
from .options import DEFAULT_COMPACTNESS, DEFAULT_N_SEGMENTS, DEFAULT_PATCH_SIZE, SEGMENTATIONS
from .html_report import run_record, spatial_figures, write_report
from .outputs import OutputSet, write_vector
from .raster import RasterCube, write_raster
from .reporting import Reporter, reporter_or_default
from .polygons import read_polygons
from .segments import patch_segments, polygon_segments, segment_polygons, slic_segments
from .tables import column_name
from .workflow import explain_regions, open_model, open_raster, score_regions, whole_raster


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
        Where segments come from: field polygons (``polygons``, ``id_field``), SLIC
        superpixels (``n_segments``, ``compactness``) or square patches (``patch_size``).
    output_segments : str, optional
        Vector destination (.gpkg, .shp, .geojson): one polygon per segment with
        ``segment_id``, ``attr_<target>``, ``se_<target>`` (standard error),
        ``low_<target>``/``high_<target>`` (95% interval) and ``r2_<target>``; for field
        polygons, the input features with all their attributes.
    faithfulness_scores : bool
        Score the explanation (:func:`hsi_lime_plugin.faithfulness`): logged, and added to
        ``output_segments`` as ``deletion_auc_<target>``, ``insertion_auc_<target>``,
        ``random_deletion_auc_<target>``, ``random_insertion_auc_<target>``, ``infidelity_<target>``.
    device : {"auto", "cpu", "cuda"}
        Where the model runs.
    allow_python : bool
        Accept a Python recipe as ``model`` (it runs the recipe's code).
    output_report : str, optional
        HTML report (:mod:`hsi_lime_plugin.html_report`): the run, the predictions and base
        values, the image, the attribution maps and the strongest segments.
    reporter : Reporter, optional
        Progress, cancel and messages (default: the ``hsi_lime`` logger).
    **explain_options
        Passed to :func:`hsi_lime_plugin.explain` (``targets``, ``method``, ``n_samples``,
        ``batch_size``, ``seed``, ``baseline``, ...).
    """
    reporter = reporter_or_default(reporter)
    _check_segmentation(segmentation, polygons)
    started = time.perf_counter()
    settings = {"raster": raster, "model": model, "segmentation": segmentation, "polygons": polygons,
                "id_field": id_field, "device": device, **explain_options}
    outputs = OutputSet(inputs=[raster, model, polygons])
    outputs.add("output", output, "raster")
    outputs.add("output_segments", output_segments, "vector")
    outputs.add("output_report", output_report, "report")
    with reporter.active():
        cube = open_raster(raster, reporter)
        explainable = open_model(model, cube, device=device, allow_python=allow_python, reporter=reporter)
        labels, frame = _segments(cube, segmentation, polygons, polygons_layer, id_field, n_segments, compactness,
                                  patch_size, reporter)
        count = len(np.unique(labels[labels > 0]))
        reporter.info(f"{count} segments; explaining with {explain_options.get('n_samples', 500)} samples")
        regions = whole_raster(cube)
        result = explain_regions(explainable, cube, labels, regions, reporter, **explain_options)[None]
        scores = None
        if faithfulness_scores:
            scores = score_regions(explainable, cube, {None: result}, regions, reporter, **explain_options)[None]
        record = run_record(f"Spatial importance: {Path(raster).name}", settings, explainable, started) \
            if "output_report" in outputs else None
        _write(outputs, cube, labels, frame, result, scores, record)
    return SpatialRun(result, count, output, output_segments, scores)


def _check_segmentation(segmentation: str, polygons) -> None:
    """A known segmentation, and polygons when it is by field polygons."""
    if segmentation not in SEGMENTATIONS:
        raise HsiLimeError(
            f"{arg('segmentation')}: unknown segmentation '{segmentation}'; choose one of {', '.join(SEGMENTATIONS)}."
        )
    if segmentation == "polygons" and not polygons:
        raise HsiLimeError(
            f"{arg('polygons')}: segmentation by field polygons ({arg('segmentation', 'polygons')}) needs a polygon "
            f"layer; choose one in {arg('polygons')}, or choose SLIC superpixels ({arg('segmentation', 'slic')}) or "
            f"regular patches ({arg('segmentation', 'patches')})."
        )


def _write(outputs: OutputSet, cube, labels, frame, result: Explanation, scores, record) -> None:
    """The attribution raster, the segment layer and the report (with ``record``), all or nothing."""
    with outputs.writing() as temporary:
        write_raster(temporary("output"), result.maps(), cube, result.target_names)
        if "output_segments" in outputs:
            table = _segment_layer(frame, labels, cube, result)
            if scores is not None:
                from .tables import faithfulness_columns

                table = faithfulness_columns(table, scores, per_target_rows=False)
            write_vector(table, temporary("output_segments"), "segments", outputs.drivers["output_segments"])
        if "output_report" in outputs:
            names = None if frame is None else dict(enumerate(frame["segment_id"], start=1))
            write_report(temporary("output_report"), record, {None: result},
                         spatial_figures(cube, labels, result, names))


def _segments(cube, segmentation, polygons, polygons_layer, id_field, n_segments, compactness, patch_size, reporter):
    """The segment label map and, for field polygons, the polygons (row i burnt as label i + 1)."""
    if segmentation == "slic":
        return slic_segments(cube, n_segments, compactness), None
    if segmentation == "patches":
        height, width = cube.valid.shape
        if patch_size >= max(height, width):
            raise HsiLimeError(
                f"{arg('patch_size')}: one patch of {patch_size} pixels covers the whole {height} x {width} raster, "
                f"which leaves nothing to compare; use at most {max(1, max(height, width) // 2)} pixels."
            )
        return patch_segments(cube.valid, patch_size), None
    burnt = polygon_segments(read_polygons(polygons, polygons_layer), cube, id_field, reporter=reporter)
    if burnt.empty:
        reporter.info(
            f"{arg('polygons')}: {len(burnt.empty)} polygons cover no valid pixel and are not explained: "
            f"{burnt.empty[:10]}"
        )
    return burnt.labels, burnt.polygons


def _segment_layer(frame, labels: np.ndarray, cube: RasterCube, result: Explanation):
    """The segments as polygons with their attribution columns (superpixels and patches vectorised)."""
    if frame is None:
        frame = segment_polygons(labels, cube)
        return segment_table(frame, frame["segment_id"].to_numpy(), result)
    return segment_table(frame, np.arange(1, len(frame) + 1), result)


def segment_table(frame, row_labels: np.ndarray, result: Explanation):
    """Add ``attr_``, ``se_``, ``low_``, ``high_`` (95% interval), ``r2_``, ``pred_`` (the model on the
    image) and ``base_`` (the model on the baseline) columns per target.

    ``row_labels[i]`` is the label of row ``i`` in the explained label map; segments that
    were not explained (no valid pixel) get empty (NaN) attributions.
    """
    table = frame.copy()
    low, high = result.confidence_interval(0.95)
    values = {"attr": result.coefficients, "se": result.standard_error, "low": low, "high": high}
    per_row = {prefix: result.space.per_label(array, row_labels) for prefix, array in values.items()}
    for t, name in enumerate(result.target_names):
        for prefix, array in per_row.items():
            table[column_name(prefix, name)] = array[t]
        table[column_name("r2", name)] = float(result.score[t])
        table[column_name("pred", name)] = float(result.prediction[t])
        table[column_name("base", name)] = float(result.base_value[t])
    return table
