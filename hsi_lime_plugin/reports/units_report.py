"""The HTML report of a map-scale run (explain_fields): the run, what the model says across units, the figures.

The units' arrays are written as they arrive and dropped; the report keeps only what it
draws: each unit's :class:`~hsi_lime_plugin.perturbation.result.Reading` (predictions, base
values, R2, samples, precision) and the tables. Figures, by kind of run:

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

import numpy as np
import pandas as pd

from . import figures as report_figures

from . import unit_figures

#: At most this many band rows (units x targets x bands) feed the spectrum panel; beyond it, an even subset of units.
SPECTRUM_ROWS = 2_000_000


def write_fields_report(path, settings, collected, units: list, prepared, layer, mosaic, started: float) -> None:
    """The HTML report of a finished explain_fields run: its ``settings``, what it ``collected`` of its
    ``units`` (with what the loop ``prepared``: the model, the superbands), the units ``layer``, the
    ``mosaic`` (open, or None), and the time since ``started``."""
    from ..outputs.tables import band_layout
    from .html import run_record, write_report

    order = collected.order
    readings = {units[index].id: collected.readings[index] for index in order}
    names = next(iter(readings.values())).target_names
    what = settings.units.kind
    if settings.kind == "spectral":
        superbands = prepared.superbands
        layout = band_layout(superbands.features, superbands.labels, prepared.wavelengths)
        figures = [spectral_unit_figure(collected.table(), layout, f"{len(order)} {what}")]
    elif what == "rasters":
        index = min(collected.results)
        figures = first_unit_figures(units[index], collected.results[index].explanation)
    else:
        figures = spatial_scene_figures(units[0].path, mosaic, layer)
    figures += r2_figures(layer, names, mapped=what != "rasters")
    record = run_record("Explain every field or tile", settings.record(), prepared.model, started,
                        collected.first.explanation.baseline, prepared.product)
    write_report(path, record, readings, figures)


def spatial_scene_figures(raster: str, mosaic, units: pd.DataFrame) -> list[tuple[str, bytes]]:
    """The scene with the units' outlines, and the attribution raster (``mosaic``, open for reading)."""
    cube, rendering = report_figures.scene_preview(raster)
    figures = [("The scene (2-98 % stretch, decimated to at most "
                f"{report_figures.PREVIEW_PIXELS} pixels a side) with the outlines of the explained units.",
                unit_figures.scene_figure(cube, units, rendering))]
    if mosaic is not None:
        maps = mosaic.preview(cube.valid.shape)
        figures.append(("Attribution of each pixel, per target, every unit mosaicked: red raises the prediction, blue "
                        "(hatched) lowers it; white: not explained.",
                        report_figures.value_maps_figure(maps, mosaic.names, "pixel")))
    return figures


def first_unit_figures(unit, explanation) -> list[tuple[str, bytes]]:
    """One raster per unit: the first unit's image and its attribution maps, as an example."""
    from ..scale.unit_task import read_unit

    cube, _ = read_unit(unit)
    labels = np.asarray(explanation.features)
    edges = report_figures.outlines(labels)
    return [
        (f"Unit {unit.id} (the first of the run), with its segments' outlines.",
         report_figures.image_figure(cube, labels)),
        (f"Unit {unit.id}: attribution of each segment, per target: red raises the prediction, blue (hatched) "
         "lowers it.", report_figures.value_maps_figure(explanation.maps(), explanation.target_names, "segment",
                                                        edges)),
    ]


def spectral_unit_figure(table: pd.DataFrame, band_layout: pd.DataFrame, title: str) -> tuple[str, bytes]:
    """Attribution along the wavelength (mean and range across units) and a box per superband across units."""
    from .spectral_figure import plot_spectral

    units = list(dict.fromkeys(table["unit_id"]))
    per_unit = max(1, len(band_layout) * table["target"].nunique())
    keep = units if len(units) * per_unit <= SPECTRUM_ROWS else units[:: math.ceil(len(units) * per_unit
                                                                                    / SPECTRUM_ROWS)]
    spectrum = table[table["unit_id"].isin(keep)][["unit_id", "target", "feature", "attribution"]]
    bands = pd.concat([band_layout.assign(target=target).merge(spectrum[spectrum["target"] == target],
                                                               on=["target", "feature"], how="left")
                       for target in dict.fromkeys(table["target"])], ignore_index=True)
    buffer = io.BytesIO()
    plot_spectral(table, bands, buffer, title=title)
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
