"""run_attribute(): every pixel's and band's attribution (gradients, occlusion), from files to files.

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
  with the columns of the LIME superband table.

With ``faithfulness`` the deletion/insertion/infidelity scores
(:mod:`hsi_lime_plugin.faithfulness`) are computed on the polygons (or square patches)
and, with band groups, on the superbands, and added to those outputs.
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .attribution import Attribution, attribute
from .bands import resolve_band_groups
from .errors import arg
from .explanation import Explanation
from .faithfulness import faithfulness
from .options import DEFAULT_PATCH_SIZE
from .html_report import pixel_figures, run_record, write_report
from .outputs import OutputSet, atomic_output, write_vector
from .raster import write_raster
from .reporting import Reporter, reporter_or_default
from .polygons import read_polygons
from .segments import patch_segments, polygon_segments
from .spatial import segment_table
from .table_files import write_table
from .tables import column_name, faithfulness_columns, superband_table
from .workflow import open_model, open_raster

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
    reporter: Reporter | None = None,
    **attribute_options,
) -> PixelRun:
    """Attribute a raster's prediction to every pixel and band; write the outputs listed above.

    ``attribute_options`` go to :func:`hsi_lime_plugin.attribute` (``method``, ``targets``,
    ``noise``, ``n_steps``, ``window``, ``baseline``, ``batch_size``, ``seed``, ...).
    """
    reporter = reporter_or_default(reporter)
    outputs = OutputSet(inputs=[raster, model, polygons])
    outputs.add("output", output, "raster")
    outputs.add("output_bands", output_bands, "table")
    outputs.add("output_segments", output_segments if polygons else None, "vector")
    outputs.add("output_groups", output_groups if band_groups else None, "table")
    outputs.add("output_report", output_report, "report")
    if output_cube:
        outputs.add("output_cube", Path(output_cube) / "attribution.tif", "raster")  # folder checked up front
        del outputs.paths["output_cube"]
    started = time.perf_counter()
    settings = {"raster": raster, "model": model, "polygons": polygons, "band_groups": band_groups, "device": device,
                **attribute_options}
    with reporter.active():
        cube = open_raster(raster, reporter, wavelengths)
        explainable = open_model(model, cube, device=device, allow_python=allow_python, reporter=reporter)
        superbands = resolve_band_groups(band_groups, cube.wavelengths, cube.shape[0], True, reporter) \
            if band_groups else None
        frame, labels = _polygons(cube, polygons, polygons_layer, id_field)
        result = attribute(explainable, cube.data, valid=cube.valid, reporter=reporter.part(0, 2), device=device,
                           **attribute_options)
        reporter.info(f"{result.method}: {len(result.target_names)} targets in {result.seconds:.2f} s "
                      f"(batch size {result.batch_size})")
        scores = {}
        if faithfulness_scores:
            common = {k: attribute_options[k] for k in ("baseline", "batch_size", "seed") if k in attribute_options}
            spatial = labels if labels is not None else patch_segments(cube.valid, DEFAULT_PATCH_SIZE)
            scores["spatial"] = faithfulness(explainable, cube.data, result, features=spatial, valid=cube.valid,
                                             reporter=reporter.part(1, 2), **common)
            if superbands is not None:
                scores["spectral"] = faithfulness(explainable, cube.data, result, features=superbands.features,
                                                  valid=cube.valid, **common)
            for kind, score in scores.items():
                for line in score.lines():
                    reporter.info(f"faithfulness ({kind}) {line}")
        report = None
        if "output_report" in outputs:
            record = run_record(f"Pixel and band attribution: {Path(raster).name}", settings, explainable, started)
            spatial = labels if labels is not None else patch_segments(cube.valid, DEFAULT_PATCH_SIZE)
            report = (record, {None: as_explanation(result, "spatial", spatial)}, pixel_figures(cube, result))
        _write(outputs, output_cube, cube, result, frame, labels, superbands, scores, report)
    return PixelRun(result, scores, {k: str(v) for k, v in outputs.paths.items()})


def _polygons(cube, polygons, polygons_layer, id_field):
    """The polygons (row i burnt as label i + 1) and their label map, or (None, None)."""
    if not polygons:
        return None, None
    burnt = polygon_segments(read_polygons(polygons, polygons_layer), cube, id_field)
    return burnt.polygons, burnt.labels


def as_explanation(result: Attribution, kind: str, labels: np.ndarray) -> Explanation:
    """``result`` summed into segments or superbands, as an Explanation (no surrogate: NaN errors and R2)."""
    from .faithfulness import feature_scores

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


def _write(outputs, output_cube, cube, result, frame, labels, superbands, scores, report=None) -> None:
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
            table = superband_table(as_explanation(result, "spectral", superbands.features), superbands)
            if "spectral" in scores:
                table = faithfulness_columns(table, scores["spectral"], per_target_rows=True)
            write_table(table, temporary("output_groups"), "spectral_importance", outputs.drivers["output_groups"])
        if output_cube:
            names = [f"{w:.6g} nm" for w in cube.wavelengths] if cube.wavelengths is not None else \
                [f"band {b + 1}" for b in range(cube.shape[0])]
            for t, target in enumerate(result.target_names):
                path = Path(output_cube) / f"{column_name('attribution', target)}.tif"
                values = np.where(result.valid[None], result.values[t], np.nan)
                write_raster(stack.enter_context(atomic_output(path, arg("output_cube"))), values, cube, names)

