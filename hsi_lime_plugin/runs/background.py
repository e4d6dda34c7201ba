"""A run's background set, read once before anything is explained: from ``background`` or from the whole scene.

Every unit of a run (the raster, each field, each tile, on this process or a Dask worker) is explained
against the same set, so that their explanations answer the same question. The set is needed when the
baseline is ``background``, and when faithfulness is scored (the contrasting baseline of the
explanations made with any other baseline, :mod:`hsi_lime_plugin.attribution.sensitivity`):

* ``background`` a raster: its valid pixels, which must have the explained raster's bands (their
  count, and their wavelengths where both files give them);
* ``background`` a polygon layer: the explained raster's pixels inside its polygons (any CRS);
* no ``background``: the explained raster's valid pixels over the whole scene (over every raster of a
  run that explains one raster per unit).

At most :data:`~hsi_lime_plugin.options.BACKGROUND_SAMPLE` pixels are drawn (seeded) and summarised
into ``background_size`` spectra (:func:`~hsi_lime_plugin.perturbation.background.summarise`).
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from ..errors import HsiLimeError, arg, plural
from ..inputs.background import sample_spectra
from ..inputs.polygons import read_polygons
from ..inputs.raster import read_grid
from ..inputs.wavelengths import read_wavelengths
from ..models.resampling import WAVELENGTH_TOLERANCE, describe_bands
from ..options import BACKGROUND_SAMPLE
from ..perturbation.background import Background, summarise
from ..perturbation.baseline import check_baseline
from ..reporting import Reporter
from ..settings import BackgroundSource, BaselineSettings

#: Geometry types a background polygon layer may hold.
POLYGONAL = {"Polygon", "MultiPolygon"}


def with_background(settings, source: BackgroundSource | None, scene, wavelengths, faithfulness: bool,
                    reporter: Reporter):
    """``settings`` (explain or attribute settings) with the run's background set when it needs one: its baseline is
    ``background``, or faithfulness is scored (the contrast of the baseline sensitivity); as they are otherwise."""
    baselines = settings.baselines
    if baselines.name != "background" and not faithfulness:
        return settings
    return dataclasses.replace(settings, background=run_background(source, scene, wavelengths, baselines,
                                                                   settings.seed, reporter))


def run_background(source: BackgroundSource | None, scene, wavelengths, baselines: BaselineSettings,
                   seed: int, reporter: Reporter) -> Background | None:
    """The background set of a run on ``scene`` (a raster, or the rasters of a run with one per unit; band
    centres ``wavelengths``), summarised into ``baselines.background_size`` spectra with ``seed``, and logged;
    None for a scene without a valid pixel (whose run then refuses it in its own words)."""
    check_baseline(dataclasses.replace(baselines, baseline="background"), "spectral")
    size = int(baselines.background_size)
    rasters = [scene] if isinstance(scene, (str, Path)) else list(scene)
    raster = str(rasters[0])
    if source is None:
        spectra, eligible = _scene_spectra(rasters, seed)
        where = f"the valid pixels of {_names(rasters)}"
        if eligible == 0:
            return None  # a scene without a valid pixel: the run says so in its own words
    elif background_kind(source) == "raster":
        _check_bands(str(source.source), raster, wavelengths)
        spectra, eligible = sample_spectra(str(source.source), BACKGROUND_SAMPLE, seed, what=arg("background"))
        where = f"the valid pixels of {Path(str(source.source)).name}"
    else:
        polygons = _polygons(source)
        spectra, eligible = sample_spectra(raster, BACKGROUND_SAMPLE, seed, polygons, arg("raster"))
        where = f"the pixels of {Path(raster).name} inside {plural(len(polygons), 'polygon')} of {_name(source)}"
    background = summarise(spectra, size, seed, where, eligible)
    reporter.info(f"{arg('background')}: {background.describe()}")
    return background


def _scene_spectra(rasters: list, seed: int) -> tuple[np.ndarray, int]:
    """A sample of the valid pixels of every raster (an equal share of the sample each) and how many there are."""
    share = -(-BACKGROUND_SAMPLE // len(rasters))
    parts = [sample_spectra(str(path), share, seed + index, what=arg("raster")) for index, path in enumerate(rasters)]
    return np.concatenate([spectra for spectra, _ in parts]), sum(eligible for _, eligible in parts)


def _names(rasters: list) -> str:
    names = [Path(str(path)).name for path in rasters]
    return names[0] if len(names) == 1 else f"{len(names)} rasters ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})"


def background_kind(source: BackgroundSource) -> str:
    """``raster`` or ``polygons``: as the source says, else what GDAL opens the file as."""
    if source.kind in ("raster", "polygons"):
        return source.kind
    if not isinstance(source.source, (str, Path)):
        return "polygons"  # a GeoDataFrame
    try:
        read_grid(str(source.source), arg("background"))
        return "raster"
    except HsiLimeError:
        return "polygons"


def _check_bands(path: str, raster: str, wavelengths) -> None:
    """Refuse a background raster whose bands are not the explained raster's (count, and wavelengths where both
    files give them)."""
    what = arg("background")
    count, theirs = read_grid(path, what).count, read_wavelengths(path)
    expected = read_grid(raster).count
    ours = None if wavelengths is None else np.asarray(wavelengths, dtype=np.float64)
    if count == expected and (ours is None or theirs is None or (
            len(theirs) == len(ours) and np.max(np.abs(theirs - ours)) <= WAVELENGTH_TOLERANCE)):
        return
    raise HsiLimeError(
        f"{what}: the background raster {path} has {describe_bands(count, theirs)}, but the explained raster has "
        f"{describe_bands(expected, ours)}; a background must hold spectra of the same bands: choose a raster of the "
        "same sensor and band subset, or polygons on the explained raster."
    )


def _polygons(source: BackgroundSource):
    """The background's polygons, read and checked for polygonal geometries."""
    what = arg("background")
    frame = read_polygons(str(source.source), source.layer, what) if isinstance(source.source, (str, Path)) \
        else source.source
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    types = set(frame.geometry.geom_type)
    if frame.empty or not types <= POLYGONAL:
        held = ", ".join(sorted(types)) or "no geometry"
        raise HsiLimeError(
            f"{what}: {_name(source)} holds {held}; a background is a raster or a layer of polygons on the explained "
            "raster whose pixels form it."
        )
    return frame


def _name(source: BackgroundSource) -> str:
    return Path(str(source.source)).name if isinstance(source.source, (str, Path)) else "(a GeoDataFrame)"
