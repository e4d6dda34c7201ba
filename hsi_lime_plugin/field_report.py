"""The HTML report of a map-scale run (explain_fields): the run, what the model says across units, the figures.

The units' arrays are written as they arrive and dropped; the report keeps only what it
draws: a :func:`unit_summary` per unit (predictions, base values, R2, samples, precision)
and the tables. Figures, by kind of run:

* spatial, fields or tiles: the scene's RGB rendering with the units' outlines, and the
  attribution raster (every unit mosaicked), both read decimated to at most
  :data:`PREVIEW_PIXELS` on a side (three bands of the scene, never the whole cube in memory);
* spatial, one raster per unit: the first unit's image and attribution maps;
* spectral: the attribution along the wavelength (mean and range across units) with the
  superbands shaded, and a box per superband across units;
* always: the surrogate's R2 across units per target (which explanations to trust), and
  for fields or tiles a map of it.
"""
from __future__ import annotations

import io
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import rasterio
from rasterio.enums import Resampling

from . import report_figures, unit_figures

#: The longest side, in pixels, of the scene and of the attribution raster in the report's figures.
PREVIEW_PIXELS = 800
#: At most this many band rows (units x targets x bands) feed the spectrum panel; beyond it, an even subset of units.
SPECTRUM_ROWS = 2_000_000


def unit_summary(result: dict) -> SimpleNamespace:
    """What the report keeps of a unit's result: the fields :func:`html_report.write_report` reads."""
    return SimpleNamespace(
        target_names=list(result["target_names"]), method=result["method"], n_samples=result["n_samples"],
        precision=result["precision"], prediction=np.asarray(result["prediction"], dtype=np.float64),
        base_value=np.asarray(result["base_value"], dtype=np.float64),
        score=np.asarray(result["score"], dtype=np.float64),
    )


def write_fields_report(path, collected: dict, job, mosaic) -> None:
    """The HTML report of a finished run (``job``, what it ``collected``; ``mosaic`` open or None): the run, the
    predictions across units, and the figures of its kind."""
    from .html_report import run_record, write_report
    from .tables import band_layout

    order = sorted(collected["summaries"])
    summaries = {job.plan[index].id: collected["summaries"][index] for index in order}
    names = summaries[job.plan[order[0]].id].target_names
    if job.settings["kind"] == "spectral":
        layout = band_layout(job.settings["features"], job.superband_labels, job.settings["band_wavelengths"])
        figures = [spectral_unit_figure(collected["table"], layout, f"{len(order)} {job.units}")]
    elif job.units == "rasters":
        index, result = collected["first"]
        figures = first_unit_figures(job.plan[index].spec(), result)
    else:
        figures = spatial_scene_figures(job.plan[0].path, mosaic, collected["units"])
    figures += r2_figures(collected["units"], names, mapped=job.units != "rasters")
    record = run_record("Explain every field or tile", job.parameters, job.model, job.started)
    write_report(path, record, summaries, figures)


def spatial_scene_figures(raster: str, mosaic, units: pd.DataFrame) -> list[tuple[str, bytes]]:
    """The scene with the units' outlines, and the attribution raster (``mosaic``, open for reading)."""
    from .raster import RasterCube
    from .wavelengths import read_wavelengths

    with rasterio.open(raster) as dataset:
        wavelengths = read_wavelengths(dataset)
        bands, rendering = report_figures.colour_bands(wavelengths, dataset.count)
        shape = _preview_shape(dataset.height, dataset.width)
        data = dataset.read([b + 1 for b in bands], out_shape=(3, *shape), resampling=Resampling.nearest,
                            masked=True)
        transform = dataset.transform * dataset.transform.scale(dataset.width / shape[1], dataset.height / shape[0])
    cube = RasterCube(np.ma.filled(data.astype(np.float32), 0.0), ~np.ma.getmaskarray(data).any(axis=0), transform,
                      None, None)
    figures = [("The scene (2-98 % stretch, decimated to at most "
                f"{PREVIEW_PIXELS} pixels a side) with the outlines of the explained units.", unit_figures.scene_figure(cube, units, rendering))]
    if mosaic is not None:
        maps = mosaic.preview(shape)
        figures.append(("Attribution of each pixel, per target, every unit mosaicked: red raises the prediction, blue "
                        "(hatched) lowers it; white: not explained.",
                        report_figures.value_maps_figure(maps, mosaic.names, "pixel")))
    return figures


def first_unit_figures(unit: dict, result: dict) -> list[tuple[str, bytes]]:
    """One raster per unit: the first unit's image and its attribution maps, as an example."""
    from .field_outputs import unit_maps
    from .fields import read_unit

    cube, _ = read_unit(unit)
    edges = report_figures.outlines(result["labels"])
    return [
        (f"Unit {unit['id']} (the first of the run), with its segments' outlines.",
         report_figures.image_figure(cube, result["labels"])),
        (f"Unit {unit['id']}: attribution of each segment, per target: red raises the prediction, blue (hatched) "
         "lowers it.", report_figures.value_maps_figure(unit_maps(result), result["target_names"], "segment",
                                                        edges)),
    ]


def spectral_unit_figure(table: pd.DataFrame, band_layout: pd.DataFrame, title: str) -> tuple[str, bytes]:
    """Attribution along the wavelength (mean and range across units) and a box per superband across units."""
    from .figures import plot_spectral

    rows = table.rename(columns={"unit_id": "field_id", "feature": "superband"})
    units = list(dict.fromkeys(rows["field_id"]))
    per_unit = max(1, len(band_layout) * rows["target"].nunique())
    keep = units if len(units) * per_unit <= SPECTRUM_ROWS else units[:: math.ceil(len(units) * per_unit
                                                                                    / SPECTRUM_ROWS)]
    spectrum = rows[rows["field_id"].isin(keep)][["field_id", "target", "superband", "attribution"]]
    bands = pd.concat([band_layout.assign(target=target).merge(spectrum[spectrum["target"] == target],
                                                               on=["target", "superband"], how="left")
                       for target in dict.fromkeys(rows["target"])], ignore_index=True)
    buffer = io.BytesIO()
    plot_spectral(rows, bands, buffer, title=title)
    subset = "" if len(keep) == len(units) else f" (the spectrum panel shows {len(keep)} of the {len(units)} units)"
    return (f"Attribution along the wavelength with the superbands shaded (mean and range across units), and a box "
            f"per superband across units{subset}.", buffer.getvalue())


def r2_figures(units: pd.DataFrame, target_names: list[str], mapped: bool) -> list[tuple[str, bytes]]:
    """The surrogate's R2 across units per target; with ``mapped``, also a map of it."""
    figures = [("The surrogate's R2 across units, per target: how well each unit's explanation reproduces the "
                "model (near 1: trust it).", unit_figures.r2_box_figure(units, target_names))]
    if mapped:
        figures.append(("The surrogate's R2 of each unit, per target (light: well explained).",
                        unit_figures.r2_map_figure(units, target_names)))
    return figures


def _preview_shape(height: int, width: int) -> tuple[int, int]:
    scale = max(1.0, max(height, width) / PREVIEW_PIXELS)
    return max(1, round(height / scale)), max(1, round(width / scale))
