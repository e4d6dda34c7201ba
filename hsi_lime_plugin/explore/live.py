"""Explain here: the clicked pixel, or the field polygon under the click, explained spectrally on the fly.

A click on the raster explains

* the clicked pixel, for a per-pixel model (card ``input.layout: "pixels"``): exactly the value
  explain_spectral writes at that pixel into its per-pixel map (``output_map``), since every pixel of
  a map draws the run's own coalitions; with intervals, the prediction and the base value besides;
* the field polygon under the click, for any model: exactly the field's rows of explain_spectral with
  those polygons (the field's window, pixels outside it masked, the seed from the run's and the
  field's id).

Both go through the unit task of explain_spectral and explain_fields
(:func:`~hsi_lime_plugin.scale.unit_task.explain_unit`), with the explorer's
:class:`~hsi_lime_plugin.settings.ExploreSettings`. What every click shares is prepared once and
kept (the model loaded and matched to the raster, the superbands, a ``mean`` baseline's spectrum),
so that a second click costs only its own explanation.
"""
from __future__ import annotations

import json
from collections import OrderedDict

from ..errors import HsiLimeError, arg
from ..outputs.tables import attribution_table, explanation_rows
from ..reporting import RecordingReporter, Reporter, reporter_or_default
from ..runs.explain_spectral import MAP_TILE_SIZE
from ..runs.unit_runs import LoopSettings, Prepared, prepare
from ..scale.unit_task import explain_unit, mean_spectrum
from ..scale.units import Unit, polygon_units, tile_units
from ..settings import ExploreSettings, Segmentation
from .click import Click, pixel_of
from .stored import FIELD_ID, field_polygons_of, kept, make_spectrum, pixel_name, stamp
from .view import UnitView, id_text, make_rows, scales

#: Prepared runs kept (settings, unit kind and files' modification times as the key).
KEPT = 4
_PREPARED: OrderedDict = OrderedDict()
#: The origin a live view names.
LIVE = "explain here"


def explain_here(settings: ExploreSettings, click: Click, reporter: Reporter | None = None) -> UnitView:
    """Explain the pixel (a per-pixel model, or ``settings.unit`` "pixel") or the field polygon under ``click``
    on ``settings.raster``; progress and cancel through ``reporter`` (a cancel raises
    :class:`~hsi_lime_plugin.errors.Cancelled`)."""
    reporter = reporter_or_default(reporter)
    with reporter.active():
        prepared, per_pixel = _plan(settings, reporter)
        unit = _pixel_unit(settings, prepared, click) if per_pixel else _field_unit(settings, prepared, click)
        result = explain_unit(unit, prepared.bundle, prepared.task, reporter)
    if result.error is not None:
        raise HsiLimeError(result.error)
    what = "pixel" if per_pixel else "field"
    if result.empty:
        raise HsiLimeError(f"{arg('raster')}: the {what} {unit.id} holds no valid pixel (nodata): nothing to explain.")
    rows = make_rows(attribution_table(explanation_rows(result.explanation, id_text(unit.id), prepared.names)))
    spectrum = make_spectrum(mean_spectrum([unit]), prepared.wavelengths)
    return UnitView(id_text(unit.id), "spectral", rows, LIVE, scales(rows), spectrum=spectrum,
                    settings=settings.plain(), unit=what)


def _plan(settings: ExploreSettings, reporter: Reporter) -> tuple[Prepared, bool]:
    """What the click's explanation shares with every other click, and whether it explains a pixel."""
    if settings.unit not in ("auto", "pixel", "field"):
        raise HsiLimeError(f"{arg('unit')}: unknown unit '{settings.unit}'; choose auto, pixel or field.")
    general = _prepared(settings, False, reporter)
    per_pixel = settings.unit == "pixel" or (settings.unit == "auto" and general.model.layout == "pixels")
    return (_prepared(settings, True, reporter) if per_pixel else general), per_pixel


def _prepared(settings: ExploreSettings, per_pixel: bool, reporter: Reporter) -> Prepared:
    """The prepared run (:func:`~hsi_lime_plugin.runs.unit_runs.prepare`), kept for the next click; a map's
    ``mean`` baseline is the whole raster's mean spectrum, as explain_spectral's map without polygons has it."""
    stamps = [stamp(path) for path in (settings.raster.path, settings.model.path)]
    key = (json.dumps(settings.plain(), sort_keys=True), per_pixel, *stamps)
    if key not in _PREPARED:
        loop = LoopSettings("spectral", Segmentation(), settings.band_groups, settings.explain, settings.runtime,
                            pixel_map=per_pixel)
        units = tile_units(settings.raster.path, MAP_TILE_SIZE) if per_pixel else None
        _PREPARED[key] = prepare(settings.raster, settings.model, loop, reporter, units=units)
        while len(_PREPARED) > KEPT:
            _PREPARED.popitem(last=False)
    _PREPARED.move_to_end(key)
    return _PREPARED[key]


def _pixel_unit(settings: ExploreSettings, prepared: Prepared, click: Click) -> Unit:
    pixel = pixel_of(prepared.grid, *click.point_in(prepared.grid.crs))
    if pixel is None:
        raise HsiLimeError(f"{arg('raster')}: the click lies outside {settings.raster.path}; click on the raster.")
    return Unit(pixel_name(*pixel), settings.raster.path, (pixel[0], pixel[1], 1, 1))


def _field_unit(settings: ExploreSettings, prepared: Prepared, click: Click) -> Unit:
    """The field polygon under the click, as the unit explain_spectral makes of it (the same id and window)."""
    import shapely.geometry

    polygons = settings.polygons
    if polygons is None or not polygons.is_file or not polygons.source:
        raise HsiLimeError(
            f"{arg('polygons')}: the model is not a per-pixel model, so a click explains the field under it, and no "
            "field polygons are set; choose the fields layer in the explorer's settings."
        )
    crs = prepared.grid.crs
    fields = kept(f"live fields {polygons.id_field} {crs}", polygons.source, polygons.layer,
                  lambda: field_polygons_of(polygons.source, polygons.layer, polygons.id_field, crs))
    hits = fields[fields.geometry.contains(shapely.geometry.Point(*click.point_in(crs)))]
    if hits.empty:
        raise HsiLimeError(f"{arg('polygons')}: no field of {polygons.source} lies under the click; click inside a "
                           "field.")
    return polygon_units(settings.raster.path, hits.iloc[[-1]], FIELD_ID, RecordingReporter())[0]
