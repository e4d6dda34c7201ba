"""The steps every file-to-file run shares besides its raster (:mod:`hsi_lime_plugin.inputs.scene`).

A run is the same sequence with its own features and outputs:

1. check every destination up front (:class:`~hsi_lime_plugin.outputs.atomic.OutputSet`);
2. open the raster's header (:func:`~hsi_lime_plugin.inputs.scene.open_scene`) and the model,
   matched to the raster's bands (:func:`open_model`); estimate what the run will hold and read
   the raster whole, or the window that fits in memory (:func:`fitting_window`), or each unit's
   window (a run over units);
3. its features, and one explanation (or one per unit);
4. its outputs, written atomically inside ``OutputSet.writing()``.

Everything the user should read goes through the run's reporter.
"""
from __future__ import annotations

from typing import Callable

from ..errors import HsiLimeError, arg
from ..inputs.polygons import polygons_window, read_polygons
from ..inputs.raster import Grid, read_footprint, valid_window
from ..inputs.scene import open_scene, read_scene
from ..memory import FIT_FRACTION, Footprint, available_memory, gib
from ..models.explainable import ExplainableModel
from ..models.loading import load_model
from ..perturbation.result import Explanation
from ..reporting import Reporter
from ..settings import ModelSource, PolygonSource, RasterSource

#: What to do with a scene whose explanation does not fit in memory.
TILES_WAY_OUT = (f"Explain it tile by tile with explain_fields ({arg('units', 'tiles')}), which holds one tile at a "
                 "time, or clip it to a smaller extent first (Raster > Extraction > Clip Raster by Extent).")


def open_model(source: ModelSource, n_bands: int, wavelengths, device: str, reporter: Reporter) -> ExplainableModel:
    """Load the model and reconcile its card with the raster's bands (resampling if needed)."""
    model = load_model(source.path, device, allow_python=source.allow_python, reporter=reporter)
    model.match_raster(n_bands, wavelengths, reporter=reporter)
    reporter.info(model.summary())
    return model


def reading(result: Explanation) -> str:
    """What each target's attributions are read against: the prediction, the model on the baseline, the
    surrogate's R2, and the samples used with the precision they reached (one log line)."""
    targets = "; ".join(
        f"{name}: prediction {result.prediction[t]:.4g}, base value {result.base_value[t]:.4g}, R2 {result.score[t]:.3f}"
        for t, name in enumerate(result.target_names)
    )
    return f"{targets} ({result.n_samples} samples, precision {result.precision:.3f})"


def open_image(raster: RasterSource, model_source: ModelSource, device: str, polygons: PolygonSource | None,
               footprint: Callable, reporter: Reporter, way_out: str = TILES_WAY_OUT):
    """The header, the model and the polygons of a run that explains one image, then the raster read whole, or
    the window that holds the polygons (or the valid data) when the whole would not fit in memory
    (:func:`fitting_window`); ``footprint(model, shape)`` is what the run holds besides the read cube.
    Returns the cube, the model and the polygons (None without)."""
    scene = open_scene(raster, reporter)
    grid, wavelengths = scene.grid, scene.wavelengths
    model = open_model(model_source, grid.count, wavelengths, device, reporter)
    frame = read_polygons(polygons.source, polygons.layer) if polygons is not None else None

    def held(height: int, width: int) -> Footprint:
        return read_footprint(grid.count, height, width) + footprint(model, (grid.count, height, width))

    focus = None if frame is None else (lambda: polygons_window(frame, grid))
    window = fitting_window(raster, grid, held, reporter, focus, way_out)
    return read_scene(raster, wavelengths, reporter, window), model, frame


def fitting_window(source: RasterSource, grid: Grid, footprint: Callable[[int, int], Footprint], reporter: Reporter,
                   focus: Callable[[], tuple | None] | None = None, way_out: str = TILES_WAY_OUT) -> tuple | None:
    """What to read of the raster, decided before any pixel is read: None (all of it) when the whole raster
    fits in memory (``footprint(height, width)`` against :func:`~hsi_lime_plugin.memory.available_memory`);
    else the window (row, column, height, width) of ``focus()`` (the polygons') or, without one, of the
    valid data, when that fits; otherwise the run is refused at once with the sizes and ``way_out``."""
    available = available_memory()
    whole = footprint(grid.height, grid.width)
    if whole.fits(available):
        return None
    window, holds = (focus(), "the polygons") if focus is not None else \
        (valid_window(source.path, grid), "the valid pixels")
    part = ""
    if window is not None and tuple(window[2:]) != (grid.height, grid.width):
        need = footprint(*window[2:])
        if need.fits(available):
            reporter.info(
                f"{arg('raster')}: the whole raster would hold {whole.describe()}, more than "
                f"{FIT_FRACTION:.0%} of the {gib(available)} of memory available; reading only the {window[2]} x "
                f"{window[3]} window at row {window[0]}, column {window[1]} that holds {holds} ({need.describe()})"
            )
            return window
        part = f"; even the {window[2]} x {window[3]} window that holds {holds} would hold {gib(need.total)}"
    raise HsiLimeError(
        f"{arg('raster')}: explaining {source.path} would hold {whole.describe()} in memory, more than "
        f"{FIT_FRACTION:.0%} of the {gib(available)} this machine has available{part}; nothing was read. {way_out}"
    )
