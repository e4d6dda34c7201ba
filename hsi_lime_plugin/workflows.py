"""End-to-end runs from files to files: what a Processing algorithm or a batch script calls.

A workflow takes plain values (paths, numbers, strings), reads the inputs, explains,
and writes every output atomically (all or nothing). It reports through three optional
callables: ``progress(fraction)``, ``cancelled() -> bool`` and ``log(message)``.
"""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .errors import HsiLimeError
from .explain import Explanation, explain
from .models import load_model
from .outputs import atomic_output, vector_driver, write_vector
from .raster import read_raster, write_raster
from .segments import patch_segments, polygon_segments, read_polygons, segment_polygons, slic_segments

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
    compactness: float = 0.1,
    patch_size: int = 16,
    output_segments: str | None = None,
    device: str = "auto",
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
        ``segment_id``, ``attr_<target>``, ``se_<target>`` and ``r2_<target>``; for field
        polygons, the input features with all their attributes.

    device : {"auto", "cpu", "cuda"}
        Where the model runs.
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
    cube = read_raster(raster)
    log(f"INPUT: {cube.shape[0]} bands, {cube.shape[1]} x {cube.shape[2]} pixels, {int(cube.valid.sum())} valid")
    explainable = load_model(model, device)
    log(explainable.device_note)
    explainable.check_bands(cube.shape[0])

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
    log(f"explained {len(result.target_names)} targets in {result.seconds:.2f} s (batch size {result.batch_size})")

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
    """Add ``attr_``, ``se_`` and ``r2_`` columns per target to one row per segment.

    ``row_labels[i]`` is the label of row ``i`` in the explained label map; segments that
    were not explained (no valid pixel) get empty (NaN) attributions.
    """
    table = frame.copy()
    column = {label: k for k, label in enumerate(result.feature_ids)}
    index = np.array([column.get(label, -1) for label in row_labels], dtype=np.int64)
    for t, name in enumerate(result.target_names):
        for prefix, values in (("attr", result.coefficients[t]), ("se", result.standard_error[t])):
            table[column_name(prefix, name)] = np.where(index >= 0, values[np.maximum(index, 0)], np.nan)
        table[column_name("r2", name)] = float(result.score[t])
    return table
