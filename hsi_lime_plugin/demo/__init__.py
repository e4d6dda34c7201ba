"""The embedded demo: a synthetic soil scene, its fields and a soil model, all generated.

``make demo`` must run the whole job without downloading anything, and the explanation
must be checkable against a known truth. So the project generates, from one seed:

* a hyperspectral GeoTIFF of bare soil near Potsdam (EPSG:32633, 10 m pixels, int16
  reflectance x 10000, 121 bands from 400 to 1000 nm, wavelengths in band tags and band
  descriptions, a nodata strip in the top-right corner);
* a GeoPackage of 12 field polygons (layer ``fields``, attributes ``field_id`` and
  ``crop``) with background soil between them;
* a TorchScript model predicting P, K, Mg and pH from the image, and its model card.

Each soil parameter is planted as its own Gaussian absorption feature (:data:`DEMO_FEATURES`)
on a smooth soil continuum whose brightness and slope vary independently of the
parameters. The model sees only locally continuum-removed band depths and is trained to
ignore lost bands outside the features, so zeroing bands changes each prediction mainly
through that target's own absorption window: the truth an explanation should recover.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .model import DemoSoilModel, TrainingReport, save_model, train_model
from .scene import (
    DEMO_BAND_GROUPS, DEMO_FEATURES, DEMO_TARGETS, FEATURE_CENTRES, FEATURE_SIGMA, WAVELENGTHS, DemoScene,
    feature_bands, make_scene, write_fields, write_scene_raster,
)

__all__ = [
    "DEMO_BAND_GROUPS", "DEMO_FEATURES", "DEMO_TARGETS", "FEATURE_CENTRES", "FEATURE_SIGMA", "WAVELENGTHS",
    "DemoPaths", "DemoScene", "DemoSoilModel", "TrainingReport", "build_demo", "feature_bands", "make_scene",
    "save_model", "train_model", "write_fields", "write_scene_raster",
]


@dataclass(frozen=True)
class DemoPaths:
    """The files of the demo.

    Attributes
    ----------
    raster : pathlib.Path
        The hyperspectral GeoTIFF.
    fields : pathlib.Path
        The GeoPackage of field polygons (layer ``fields``).
    model : pathlib.Path
        The TorchScript soil model.
    card : pathlib.Path
        The model card (same base name as the model, ``.json``).
    """

    raster: Path
    fields: Path
    model: Path
    card: Path

    @classmethod
    def in_folder(cls, folder: str | os.PathLike) -> "DemoPaths":
        """The demo's file names inside ``folder``."""
        folder = Path(folder)
        return cls(
            raster=folder / "demo_scene.tif",
            fields=folder / "demo_fields.gpkg",
            model=folder / "demo_soil.pt",
            card=folder / "demo_soil.json",
        )

    def all_exist(self) -> bool:
        """True when every file of the demo is there."""
        return all(path.is_file() for path in (self.raster, self.fields, self.model, self.card))




def build_demo(folder: str | os.PathLike, seed: int = 0, force: bool = False) -> DemoPaths:
    """Generate the demo raster, fields, model and card in ``folder``.

    Parameters
    ----------
    folder : path-like
        Where the files go (created when missing).
    seed : int
        Seeds the scene and the training: the same seed gives the same files.
    force : bool
        Rebuild even when every file is already there.

    Returns
    -------
    DemoPaths

    Idempotent: when every file exists and ``force`` is False, nothing is done. Each file
    is written atomically, so a failed or interrupted build leaves no half-written file.
    """
    paths = DemoPaths.in_folder(folder)
    if paths.all_exist() and not force:
        return paths
    scene = make_scene(seed)
    write_scene_raster(scene, paths.raster)
    write_fields(scene, paths.fields)
    model, report = train_model(scene, seed)
    save_model(model, report, seed, paths)
    return paths
