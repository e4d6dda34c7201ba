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

import json
import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import torch
from rasterio.features import rasterize
from rasterio.transform import Affine, from_origin
from scipy.ndimage import gaussian_filter
from shapely.geometry import Polygon
from torch import nn

from .outputs import atomic_output

#: Soil parameters, in the order of the model outputs.
DEMO_TARGETS = ["P", "K", "Mg", "pH"]
#: Band centres in nm: 121 bands at 5 nm from 400 to 1000 nm.
WAVELENGTHS = np.arange(400.0, 1000.0 + 2.5, 5.0)
#: Centre (nm) of the absorption feature each parameter is planted into.
FEATURE_CENTRES = {"P": 470.0, "K": 610.0, "Mg": 760.0, "pH": 900.0}
#: Gaussian standard deviation of every absorption feature, nm (full width at half maximum 19 nm).
FEATURE_SIGMA = 8.0
#: Half width of the window that covers a feature (> 3 sigma), nm.
FEATURE_HALF_WINDOW = 25.0
#: The wavelength window (lo, hi) in nm that covers each planted absorption feature.
DEMO_FEATURES = {
    name: (centre - FEATURE_HALF_WINDOW, centre + FEATURE_HALF_WINDOW) for name, centre in FEATURE_CENTRES.items()
}
#: The feature windows as a band-group string (``label=lo-hi`` groups separated by ``;``).
DEMO_BAND_GROUPS = "; ".join(f"{name}_band={lo:g}-{hi:g}" for name, (lo, hi) in DEMO_FEATURES.items())
#: Absorption depth per unit of each parameter (depth is proportional to the parameter).
DEPTH_PER_UNIT = {"P": 0.0018, "K": 0.0008, "Mg": 0.001, "pH": 0.03}
#: Ranges of the per-field values (ppm; pH units).
FIELD_RANGES = {"P": (20.0, 120.0), "K": (100.0, 300.0), "Mg": (100.0, 250.0), "pH": (5.0, 8.0)}
#: Ranges of the background soil between the fields (wider, so the model sees more values).
BACKGROUND_RANGES = {"P": (5.0, 150.0), "K": (60.0, 340.0), "Mg": (60.0, 290.0), "pH": (4.5, 8.5)}
#: Relative within-field variation of the parameters (a smooth field in +-this fraction).
WITHIN_FIELD_VARIATION = 0.03
#: Continuum brightness (reflectance at 400 nm) and slope ranges; the continuum is
#: ``brightness * (1 + slope * t - CONTINUUM_BEND * slope * t**2)`` with t from 0 (400 nm) to 1 (1000 nm).
BRIGHTNESS_RANGE = (0.12, 0.32)
SLOPE_RANGE = (0.3, 1.2)
CONTINUUM_BEND = 0.4
#: Relative within-field variation of brightness and slope.
NUISANCE_VARIATION = 0.1
#: Standard deviation of the sensor noise, in reflectance.
NOISE_SIGMA = 0.0015

HEIGHT, WIDTH = 96, 128
PIXEL_SIZE = 10.0
#: Upper-left corner (EPSG:32633 easting, northing): fields west of Potsdam.
ORIGIN = (364000.0, 5810000.0)
CRS = "EPSG:32633"
NODATA = -32768
REFLECTANCE_SCALE = 10000
#: The fields: a grid of rows x columns of jittered quadrilaterals.
FIELD_GRID = (3, 4)
#: Inset of a field from its grid cell and the jitter of its corners, pixels.
FIELD_INSET, FIELD_JITTER = 5, 2
#: Nodata pixels: rows and columns of a strip in the top-right corner (outside every field).
NODATA_STRIP = (slice(0, 2), slice(WIDTH - 16, WIDTH))
CROPS = ["winter wheat", "winter barley", "maize", "sugar beet", "rapeseed", "potatoes", "rye"]

#: The model: bands a band depth is measured against on each side, and its layer widths.
DEPTH_STEP = 3
HIDDEN = (32, 16)
#: Reflectance below this counts as "no signal" when taking logarithms (zeroed bands).
REFLECTANCE_FLOOR = 0.01
TRAINING_STEPS = 2500
BATCH_SIZE = 256
HELD_OUT_FRACTION = 0.2
#: Probability that band dropout removes a whole feature window from a training sample.
WINDOW_DROPOUT = 0.2


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


@dataclass
class DemoScene:
    """A generated scene and its truth.

    Attributes
    ----------
    reflectance : numpy.ndarray
        int16 (C, H, W), reflectance x 10000, :data:`NODATA` where there is no data.
    parameters : numpy.ndarray
        float32 (4, H, W): the planted P, K, Mg, pH of every pixel.
    field_index : numpy.ndarray
        int (H, W): 1..12 inside field ``F01``..``F12``, 0 on background soil.
    field_values : numpy.ndarray
        (12, 4): the value drawn for each field (before within-field variation).
    fields : geopandas.GeoDataFrame
        The field polygons with ``field_id`` and ``crop``.
    transform : affine.Affine
    """

    reflectance: np.ndarray
    parameters: np.ndarray
    field_index: np.ndarray
    field_values: np.ndarray
    fields: gpd.GeoDataFrame
    transform: Affine

    @property
    def valid(self) -> np.ndarray:
        """bool (H, W): pixels that hold data."""
        return self.reflectance[0] != NODATA


def feature_bands(name: str) -> np.ndarray:
    """Indices of the bands inside the window of the feature ``name``."""
    lo, hi = DEMO_FEATURES[name]
    return np.flatnonzero((WAVELENGTHS >= lo) & (WAVELENGTHS <= hi))


def make_scene(seed: int = 0) -> DemoScene:
    """Generate the scene and its truth from ``seed`` (same seed, same arrays).

    Parameters
    ----------
    seed : int

    Returns
    -------
    DemoScene
    """
    rng = np.random.default_rng(seed)
    transform = from_origin(ORIGIN[0], ORIGIN[1], PIXEL_SIZE, PIXEL_SIZE)
    fields = _field_polygons(rng, transform)
    field_index = rasterize(
        [(geometry, number) for number, geometry in enumerate(fields.geometry, start=1)],
        out_shape=(HEIGHT, WIDTH),
        transform=transform,
        fill=0,
        dtype="int32",
    )
    field_values = np.column_stack([rng.uniform(*FIELD_RANGES[name], size=len(fields)) for name in DEMO_TARGETS])
    parameters = np.stack(
        [
            _parameter_map(rng, field_index, field_values[:, column], BACKGROUND_RANGES[name])
            for column, name in enumerate(DEMO_TARGETS)
        ]
    )
    brightness = _nuisance_map(rng, field_index, BRIGHTNESS_RANGE)
    slope = _nuisance_map(rng, field_index, SLOPE_RANGE)
    reflectance = _spectra(rng, parameters, brightness, slope)
    raw = np.clip(np.round(reflectance * REFLECTANCE_SCALE), 1, np.iinfo(np.int16).max).astype(np.int16)
    raw[:, NODATA_STRIP[0], NODATA_STRIP[1]] = NODATA
    return DemoScene(raw, parameters.astype(np.float32), field_index, field_values, fields, transform)


def _field_polygons(rng: np.random.Generator, transform: Affine) -> gpd.GeoDataFrame:
    """Jittered quadrilaterals in a grid, with gaps of background soil between them."""
    rows, columns = FIELD_GRID
    cell_height, cell_width = HEIGHT // rows, WIDTH // columns
    polygons = []
    for row in range(rows):
        for column in range(columns):
            top, left = row * cell_height + FIELD_INSET, column * cell_width + FIELD_INSET
            bottom, right = (row + 1) * cell_height - FIELD_INSET, (column + 1) * cell_width - FIELD_INSET
            corners = np.array([(left, top), (right, top), (right, bottom), (left, bottom)], dtype=float)
            corners += rng.uniform(-FIELD_JITTER, FIELD_JITTER, size=corners.shape)
            polygons.append(Polygon([transform * (x, y) for x, y in corners]))
    return gpd.GeoDataFrame(
        {
            "field_id": [f"F{number:02d}" for number in range(1, len(polygons) + 1)],
            "crop": [str(crop) for crop in rng.choice(CROPS, size=len(polygons))],
        },
        geometry=polygons,
        crs=CRS,
    )


def _smooth_noise(rng: np.random.Generator, sigma: float = 6.0) -> np.ndarray:
    """A smooth random surface over the image, scaled to [0, 1]."""
    surface = gaussian_filter(rng.standard_normal((HEIGHT, WIDTH)), sigma, mode="wrap")
    return (surface - surface.min()) / (surface.max() - surface.min())


def _parameter_map(
    rng: np.random.Generator, field_index: np.ndarray, field_values: np.ndarray, background: tuple[float, float]
) -> np.ndarray:
    """One parameter per pixel: each field's value with small smooth variation; other soil between."""
    lo, hi = background
    background_map = lo + (hi - lo) * _smooth_noise(rng)
    variation = 1 + WITHIN_FIELD_VARIATION * (2 * _smooth_noise(rng, sigma=3.0) - 1)
    in_field = np.concatenate([[np.nan], field_values])[field_index] * variation
    return np.where(field_index > 0, in_field, background_map)


def _nuisance_map(rng: np.random.Generator, field_index: np.ndarray, value_range: tuple[float, float]) -> np.ndarray:
    """A continuum property per pixel: a value per field (smoothly varying), smooth background between.

    Drawn independently of the soil parameters, so that brightness and slope are nuisances
    the model must see through.
    """
    lo, hi = value_range
    per_field = rng.uniform(lo, hi, size=field_index.max() + 1)
    variation = 1 + NUISANCE_VARIATION * (2 * _smooth_noise(rng, sigma=3.0) - 1)
    return np.where(field_index > 0, per_field[field_index] * variation, lo + (hi - lo) * _smooth_noise(rng))


def _spectra(
    rng: np.random.Generator, parameters: np.ndarray, brightness: np.ndarray, slope: np.ndarray
) -> np.ndarray:
    """Reflectance (C, H, W): a smooth concave continuum times one absorption per parameter, plus noise."""
    t = ((WAVELENGTHS - WAVELENGTHS[0]) / (WAVELENGTHS[-1] - WAVELENGTHS[0]))[:, None, None]
    continuum = brightness * (1 + slope * t - CONTINUUM_BEND * slope * t**2)
    optical_depth = sum(
        DEPTH_PER_UNIT[name]
        * parameters[index]
        * np.exp(-0.5 * ((WAVELENGTHS - FEATURE_CENTRES[name]) / FEATURE_SIGMA) ** 2)[:, None, None]
        for index, name in enumerate(DEMO_TARGETS)
    )
    return continuum * np.exp(-optical_depth) + rng.normal(0.0, NOISE_SIGMA, size=(len(WAVELENGTHS), HEIGHT, WIDTH))


def write_scene_raster(scene: DemoScene, path: str | os.PathLike) -> None:
    """Write the scene as an int16 GeoTIFF with wavelength tags and band descriptions, atomically."""
    profile = dict(
        driver="GTiff",
        width=WIDTH,
        height=HEIGHT,
        count=len(WAVELENGTHS),
        dtype="int16",
        crs=CRS,
        transform=scene.transform,
        nodata=NODATA,
        compress="deflate",
        predictor=2,
        interleave="band",
    )
    with atomic_output(path, "demo raster") as temporary:
        with rasterio.open(temporary, "w", **profile) as dataset:
            dataset.write(scene.reflectance)
            for index, wavelength in enumerate(WAVELENGTHS, start=1):
                dataset.set_band_description(index, f"band {index} ({wavelength:.2f} Nanometers)")
                dataset.update_tags(index, wavelength=f"{wavelength:.2f}", wavelength_units="Nanometers")


def write_fields(scene: DemoScene, path: str | os.PathLike) -> None:
    """Write the field polygons as the layer ``fields`` of a GeoPackage, atomically."""
    with atomic_output(path, "demo fields") as temporary:
        scene.fields.to_file(temporary, layer="fields", driver="GPKG")


class DemoSoilModel(nn.Module):
    """Per-pixel soil regression from local band depths, averaged over the pixels with data.

    Each pixel's spectrum (reflectance, 0-1) becomes band depths relative to the bands
    :data:`DEPTH_STEP` on either side, in log space: ``log x[i] - (log x[i-s] + log x[i+s]) / 2``.
    The depth is local, linear in the planted absorption and blind to the continuum's
    brightness and slope, so the 1x1 convolutions on top (depths -> 32 -> 16 -> 4)
    learn from each target's own absorption. The image prediction is the mean of the
    pixel predictions over the pixels whose spectrum is not all zero, so pixels outside
    a field or perturbed away do not count.

    Training (:func:`train_model`) teaches it that a zeroed feature window shows no
    absorption, hence about none of that parameter, and that zeroed bands elsewhere
    change nothing. When every pixel is zero the output is the prediction for a
    featureless spectrum (all band depths 0: no absorption anywhere, so every target
    near 0), which is also what an all-zero pixel would predict: a constant baseline in
    real units, never a division by zero.

    Input (B, C, H, W) float of any height and width; output (B, 4) in ppm and pH units.
    """

    def __init__(self, bands: int, targets: int, step: int = DEPTH_STEP):
        super().__init__()
        self.step = step
        self.floor = REFLECTANCE_FLOOR
        first, second = HIDDEN
        self.head = nn.Sequential(
            nn.Conv2d(bands - 2 * step, first, 1),
            nn.ReLU(),
            nn.Conv2d(first, second, 1),
            nn.ReLU(),
            nn.Conv2d(second, targets, 1),
        )
        self.register_buffer("target_mean", torch.zeros(targets))
        self.register_buffer("target_std", torch.ones(targets))

    def band_depths(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) reflectance -> (B, C - 2 step, H, W) local log band depths."""
        log = torch.log(x.clamp(min=self.floor))
        step = self.step
        return log[:, step:-step] - 0.5 * (log[:, : -2 * step] + log[:, 2 * step :])

    def standardised(self, x: torch.Tensor) -> torch.Tensor:
        """Per-pixel predictions in standardised units (what training fits), (B, T, H, W)."""
        return self.head(self.band_depths(x))

    def pixel_predictions(self, x: torch.Tensor) -> torch.Tensor:
        """Per-pixel predictions in real units, (B, T, H, W)."""
        return self.standardised(x) * self.target_std[:, None, None] + self.target_mean[:, None, None]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) reflectance -> (B, T): mean pixel prediction over pixels with data."""
        has_data = (x != 0).any(dim=1, keepdim=True).to(x.dtype)
        count = has_data.sum(dim=(2, 3))
        total = (self.pixel_predictions(x) * has_data).sum(dim=(2, 3))
        featureless = self.pixel_predictions(torch.zeros_like(x[:1, :, :1, :1])).reshape(1, -1)
        return torch.where(count > 0, total / count.clamp(min=1.0), featureless)


@dataclass
class TrainingReport:
    """How well the demo model fits: R2 per target on held-out pixels, and the time taken."""

    r2: dict[str, float]
    seconds: float
    pixels: int


def train_model(scene: DemoScene, seed: int = 0) -> tuple[DemoSoilModel, TrainingReport]:
    """Fit :class:`DemoSoilModel` to the scene's pixel spectra, deterministically.

    Pixels with data are split at random into training and held-out pixels. Training
    batches get band dropout: random contiguous band ranges outside the feature windows
    are zeroed, and so are whole feature windows now and then, with that target set to 0
    (no absorption seen). So the model does not rely on bands that carry no soil
    parameter, and zeroing bands changes a prediction only through its own window.
    Runs on one thread (see the code) with ``seed``: the same seed gives the same model.

    Returns
    -------
    model : DemoSoilModel
        In eval mode, outputs in real units.
    report : TrainingReport
        R2 per target on the held-out pixels.
    """
    start = time.perf_counter()
    threads = torch.get_num_threads()
    # Batches are tiny: threads cost more than they gain, and one thread makes the result
    # independent of the machine's core count.
    torch.set_num_threads(1)
    try:
        model, r2, pixels = _train(scene, seed)
    finally:
        torch.set_num_threads(threads)
    return model, TrainingReport(r2, time.perf_counter() - start, pixels)


def _train(scene: DemoScene, seed: int) -> tuple[DemoSoilModel, dict[str, float], int]:
    """Split the pixels, fit the model and measure R2 on the held-out pixels."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    spectra, truth = _pixel_table(scene)
    order = torch.randperm(len(spectra), generator=generator)
    held_out = order[: int(HELD_OUT_FRACTION * len(order))]
    training = order[len(held_out) :]
    model = DemoSoilModel(len(WAVELENGTHS), len(DEMO_TARGETS))
    model.target_mean.copy_(truth[training].mean(dim=0))
    model.target_std.copy_(truth[training].std(dim=0))
    windows = torch.zeros(len(DEMO_TARGETS), len(WAVELENGTHS), dtype=torch.bool)
    for row, name in enumerate(DEMO_TARGETS):
        windows[row, torch.from_numpy(feature_bands(name))] = True
    _fit(model, spectra[training], (truth[training] - model.target_mean) / model.target_std, windows, generator)
    model.eval()
    with torch.no_grad():
        predicted = model.pixel_predictions(spectra[held_out][:, :, None, None])[:, :, 0, 0]
    return model, dict(zip(DEMO_TARGETS, _r2(predicted, truth[held_out]))), len(training)


def _pixel_table(scene: DemoScene) -> tuple[torch.Tensor, torch.Tensor]:
    """Spectra (N, C) in model-input units and truth (N, 4) of the pixels with data."""
    valid = scene.valid
    spectra = torch.from_numpy(scene.reflectance[:, valid].T.astype(np.float32) / REFLECTANCE_SCALE)
    truth = torch.from_numpy(scene.parameters[:, valid].T.copy())
    return spectra, truth


def _fit(
    model: DemoSoilModel,
    spectra: torch.Tensor,
    targets: torch.Tensor,
    windows: torch.Tensor,
    generator: torch.Generator,
) -> None:
    """Adam on mean squared error in standardised units, with band dropout.

    ``windows`` (T, C) marks the bands of each target's feature window. A sample whose
    window of a target was dropped shows no absorption there, and no absorption means
    none of that parameter (the planted depth is proportional to it): its target becomes
    0 in real units. Every other target must come out unchanged.
    """
    absent = -model.target_mean / model.target_std
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, TRAINING_STEPS)
    model.train()
    for _ in range(TRAINING_STEPS):
        batch = torch.randint(len(spectra), (BATCH_SIZE,), generator=generator)
        keep, window_lost = _band_dropout(BATCH_SIZE, windows, generator)
        predicted = model.standardised((spectra[batch] * keep)[:, :, None, None])[:, :, 0, 0]
        expected = torch.where(window_lost, absent, targets[batch])
        loss = torch.mean((predicted - expected) ** 2)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()


def _band_dropout(
    batch_size: int, windows: torch.Tensor, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random band dropout for a batch.

    Half the samples lose 1-4 random band ranges outside every feature window; each
    feature window is lost as a whole with probability :data:`WINDOW_DROPOUT`.

    Returns
    -------
    keep : torch.Tensor
        (batch, C) multipliers, 0 for a dropped band.
    window_lost : torch.Tensor
        bool (batch, T), True where the target's window was dropped.
    """
    targets, bands = windows.shape
    index = torch.arange(bands)
    outside = ~windows.any(dim=0)
    dropped = torch.zeros(batch_size, bands, dtype=torch.bool)
    for _ in range(4):
        start = torch.randint(bands, (batch_size, 1), generator=generator)
        length = torch.randint(3, 41, (batch_size, 1), generator=generator)
        used = torch.rand(batch_size, 1, generator=generator) < 0.5
        dropped |= used & (index >= start) & (index < start + length) & outside
    window_lost = torch.rand(batch_size, targets, generator=generator) < WINDOW_DROPOUT
    dropped |= (window_lost.to(torch.float32) @ windows.to(torch.float32)) > 0
    return (~dropped).to(torch.float32), window_lost


def _r2(predicted: torch.Tensor, truth: torch.Tensor) -> list[float]:
    """Coefficient of determination per column."""
    residual = ((predicted - truth) ** 2).sum(dim=0)
    total = ((truth - truth.mean(dim=0)) ** 2).sum(dim=0)
    return (1 - residual / total).tolist()


def save_model(model: DemoSoilModel, report: TrainingReport, seed: int, paths: DemoPaths) -> None:
    """Save the model as TorchScript and its card beside it, atomically."""
    with atomic_output(paths.model, "demo model") as temporary, warnings.catch_warnings():
        # torch 2.x deprecates TorchScript, but it is the format the plugin loads.
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.", category=DeprecationWarning)
        torch.jit.save(torch.jit.script(model), str(temporary))
    card = {
        "task": "regression",
        "targets": list(DEMO_TARGETS),
        "input": {"bands": len(WAVELENGTHS), "scale": 1.0 / REFLECTANCE_SCALE, "offset": 0.0,
                  "pad_to_square": False, "size": None},
        "description": "hsi-lime demo soil model: mean of per-pixel predictions over pixels with data.",
        "training": {"seed": seed, "seconds": round(report.seconds, 2), "pixels": report.pixels,
                     "held_out_r2": {name: round(value, 4) for name, value in report.r2.items()}},
    }
    with atomic_output(paths.card, "demo model card") as temporary:
        temporary.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")


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
