"""The demo scene: a synthetic bare-soil hyperspectral raster and its field polygons.

Each soil parameter is planted as its own Gaussian absorption feature (:data:`DEMO_FEATURES`)
on a smooth soil continuum whose brightness and slope vary independently of the
parameters, so that an explanation can be checked against a known truth. Generated from
one seed, without downloading anything.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import rasterio
from rasterio.features import rasterize
from rasterio.transform import Affine, from_origin
from scipy.ndimage import gaussian_filter
from shapely.geometry import Polygon

from ..outputs.atomic import atomic_output

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
