"""The steps every file-to-file run shares: inputs, model, regions, explanations.

An algorithm's workflow (:mod:`~hsi_lime_plugin.spatial`, :mod:`~hsi_lime_plugin.spectral`)
is the same sequence with its own features and outputs:

1. check every destination up front (:class:`~hsi_lime_plugin.outputs.OutputSet`);
2. :func:`open_raster` (with a wavelength override), :func:`open_model` (matched to the
   raster's bands);
3. its features, and the regions to explain (:func:`whole_raster` or :func:`field_regions`);
4. :func:`explain_regions`: one explanation per region, progress and cancel across them;
5. its outputs, written atomically inside ``OutputSet.writing()``.

Everything the user should read goes through the run's reporter.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.ndimage

from .errors import arg
from .explanation import Explanation
from .models import ExplainableModel, load_model
from .pipeline import explain
from .raster import RasterCube, read_raster
from .reporting import Reporter
from .wavelength_text import parse_wavelengths


@dataclass
class Region:
    """A part of the raster explained on its own.

    Attributes
    ----------
    id : object
        The field id, or None for the whole raster.
    window : tuple of slice
        (rows, columns) of the region's bounding box on the raster grid.
    inside : numpy.ndarray
        (h, w) bool: the window's pixels that belong to the region and hold data.
    """

    id: object
    window: tuple[slice, slice]
    inside: np.ndarray


def open_raster(path: str, reporter: Reporter, wavelengths: str | None = None) -> RasterCube:
    """Read the raster and say what it holds; ``wavelengths`` (text or a file) overrides the file's."""
    cube = read_raster(path)
    reporter.info(
        f"{arg('raster')}: {cube.shape[0]} bands, {cube.shape[1]} x {cube.shape[2]} pixels, "
        f"{int(cube.valid.sum())} valid"
    )
    if wavelengths is not None and str(wavelengths).strip():
        replaced = "replace the file's" if cube.wavelengths is not None else "supply the missing"
        cube.wavelengths = parse_wavelengths(str(wavelengths), cube.shape[0])
        reporter.info(
            f"{arg('wavelengths')}: {cube.shape[0]} values from {_nm(cube.wavelengths[0])} to "
            f"{_nm(cube.wavelengths[-1])} nm {replaced} wavelengths"
        )
    elif cube.wavelengths is not None:
        reporter.info(f"{arg('raster')}: wavelengths {_nm(cube.wavelengths[0])} to {_nm(cube.wavelengths[-1])} nm")
    return cube


def open_model(path: str, cube: RasterCube, *, device: str, allow_python: bool, reporter: Reporter) -> ExplainableModel:
    """Load the model and reconcile its card with the raster's bands (resampling if needed)."""
    model = load_model(path, device, allow_python=allow_python, reporter=reporter)
    model.match_raster(cube.shape[0], cube.wavelengths, reporter=reporter)
    reporter.info(model.summary())
    return model


def whole_raster(cube: RasterCube) -> list[Region]:
    """The raster as one region: every valid pixel."""
    return [Region(None, (slice(None), slice(None)), cube.valid)]


def field_regions(labels: np.ndarray, ids: list) -> list[Region]:
    """One region per field burnt into ``labels`` (field ``ids[k]`` as label k + 1): its
    bounding box, and the pixels of the field inside it. Fields absent from ``labels``
    (no valid pixel) get no region."""
    windows = scipy.ndimage.find_objects(labels.astype(np.int64, copy=False), max_label=len(ids))
    return [
        Region(ids[k], window, labels[window] == k + 1) for k, window in enumerate(windows) if window is not None
    ]


def explain_regions(
    model: ExplainableModel,
    cube: RasterCube,
    features,
    regions: list[Region],
    reporter: Reporter,
    **explain_options,
) -> dict[object, Explanation]:
    """Explain each region (its window of the raster, pixels outside it never perturbed).

    ``features`` is a (C,) superband vector, or an (H, W) segment map cut to each window.
    Progress is reported across regions; cancel is checked before each region and batch.
    """
    kind = "spectral" if np.ndim(features) == 1 else "spatial"
    explanations = {}
    for index, region in enumerate(regions):
        reporter.check_cancelled()
        rows, columns = region.window
        labels = features if kind == "spectral" else np.asarray(features)[rows, columns]
        explanations[region.id] = result = explain(
            model, cube.data[:, rows, columns], labels, kind=kind, valid=region.inside,
            reporter=reporter.part(index, len(regions)), **explain_options,
        )
        if region.id is not None:
            scores = ", ".join(f"{name}={r2:.3f}" for name, r2 in zip(result.target_names, result.score))
            reporter.info(
                f"field {region.id}: {int(region.inside.sum())} pixels in a {region.inside.shape[0]} x "
                f"{region.inside.shape[1]} window, {result.seconds:.2f} s, R2 {scores}"
            )
    seconds = sum(result.seconds for result in explanations.values())
    first = next(iter(explanations.values()))
    reporter.info(
        f"explained {len(first.target_names)} targets in {seconds:.2f} s (batch size {first.batch_size})"
    )
    return explanations


def score_regions(
    model: ExplainableModel,
    cube: RasterCube,
    explanations: dict,
    regions: list[Region],
    reporter: Reporter,
    **explain_options,
) -> dict:
    """Faithfulness scores (:func:`hsi_lime_plugin.faithfulness`) of each region's explanation, on the
    same window, valid pixels, baseline, batch size and seed as the explanation."""
    from .faithfulness import faithfulness

    common = {k: explain_options[k] for k in ("baseline", "batch_size", "seed") if k in explain_options}
    scores = {}
    for index, region in enumerate(regions):
        reporter.check_cancelled()
        rows, columns = region.window
        scores[region.id] = score = faithfulness(
            model, cube.data[:, rows, columns], explanations[region.id], valid=region.inside,
            reporter=reporter.part(index, len(regions)), **common,
        )
        where = "" if region.id is None else f"field {region.id} "
        for line in score.lines():
            reporter.info(f"faithfulness {where}{line}")
    return scores


def _nm(value: float) -> str:
    return f"{value:.6g}"
