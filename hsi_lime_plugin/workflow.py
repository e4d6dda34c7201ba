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

from .errors import HsiLimeError, arg
from .explanation import Explanation
from .models import ExplainableModel, load_model
from .pipeline import explain
from .raster import RasterCube, read_raster
from .reporting import Reporter
from .wavelength_text import parse_wavelengths
from .wavelengths import PLAUSIBLE_NM


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
    """Read the raster and say what it holds; ``wavelengths`` (text or a file) overrides the file's.

    Refuses a raster without a single valid pixel; warns about what works but may surprise:
    no coordinate reference system, wavelengths out of order, repeated or implausible.
    """
    cube = read_raster(path)
    valid = int(cube.valid.sum())
    if valid == 0:
        raise HsiLimeError(
            f"{arg('raster')}: every pixel of {path} is nodata (its nodata value, mask or NaN); choose a raster "
            "with data, or fix its nodata value (Layer Properties > Transparency in QGIS)."
        )
    reporter.info(f"{arg('raster')}: {cube.shape[0]} bands, {cube.shape[1]} x {cube.shape[2]} pixels, {valid} valid")
    if cube.crs is None:
        reporter.warning(
            f"{arg('raster')}: {path} has no coordinate reference system; the outputs will have none either (assign "
            "one with Raster > Projections > Assign Projection to place them on the map)."
        )
    if wavelengths is not None and str(wavelengths).strip():
        replaced = "replace the file's" if cube.wavelengths is not None else "supply the missing"
        cube.wavelengths = parse_wavelengths(str(wavelengths), cube.shape[0])
        _check_plausible(cube.wavelengths, arg("wavelengths"), reporter, refuse=True)
        reporter.info(
            f"{arg('wavelengths')}: {cube.shape[0]} values from {_nm(cube.wavelengths[0])} to "
            f"{_nm(cube.wavelengths[-1])} nm {replaced} wavelengths"
        )
    elif cube.wavelengths is not None:
        _check_plausible(cube.wavelengths, arg("raster"), reporter, refuse=False)
        reporter.info(f"{arg('raster')}: wavelengths {_nm(cube.wavelengths[0])} to {_nm(cube.wavelengths[-1])} nm")
    return cube


def _check_plausible(wavelengths: np.ndarray, what: str, reporter: Reporter, refuse: bool) -> None:
    """Wavelengths beyond any imaging spectrometer are refused (typed) or warned about (read from the file)."""
    low, high = PLAUSIBLE_NM
    if wavelengths.min() < low or wavelengths.max() > high:
        message = (
            f"{what}: the wavelengths run from {_nm(wavelengths.min())} to {_nm(wavelengths.max())} nm, outside "
            f"{_nm(low)}-{_nm(high)} nm where imaging spectrometers measure; give them in nm (values below 100 "
            "are read as micrometres)"
        )
        if refuse:
            raise HsiLimeError(message + ".")
        reporter.warning(message + f" with {arg('wavelengths')}.")
    _check_order(wavelengths, what, reporter)


def _check_order(wavelengths: np.ndarray, what: str, reporter: Reporter) -> None:
    """Warn about bands out of order or sharing a wavelength (overlapping detectors, or a typing slip)."""
    steps = np.diff(wavelengths)
    if (steps < 0).any():
        band = int(np.flatnonzero(steps < 0)[0]) + 1
        reporter.warning(
            f"{what}: the wavelengths are not in increasing order (band i{band} at {_nm(wavelengths[band])} nm follows "
            f"{_nm(wavelengths[band - 1])} nm); groups by wavelength take the bands whose wavelengths fall inside "
            "them, wherever they are."
        )
    unique, counts = np.unique(wavelengths, return_counts=True)
    repeated = unique[counts > 1]
    if repeated.size:
        reporter.warning(
            f"{what}: several bands share the wavelength{'s' if repeated.size > 1 else ''} "
            f"{', '.join(_nm(w) for w in repeated[:5])} nm; check the wavelength list."
        )


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
    if len(explanations) == 1:
        reporter.info(_reading(first))
    return explanations


def _reading(result: Explanation) -> str:
    """What each target's attributions are read against: the prediction, the model on the baseline, the
    surrogate's R2, and the samples used with the precision they reached."""
    targets = "; ".join(
        f"{name}: prediction {result.prediction[t]:.4g}, base value {result.base_value[t]:.4g}, R2 {result.score[t]:.3f}"
        for t, name in enumerate(result.target_names)
    )
    return f"{targets} ({result.n_samples} samples, precision {result.precision:.3f})"


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
