"""Small georeferenced scenes and TorchScript models whose explanations are known.

``make_scene(folder)`` writes:

* ``scene.tif``: 8 bands x 30 x 40 pixels, int16, EPSG:32633, 30 m pixels, nodata -32768
  in the top-left 2 x 2 pixels, wavelength band tags 400-750 nm;
* ``fields.gpkg`` (layer ``fields``): 6 rectangular fields with ``name`` and ``area_ha``;
* ``fields_4326.gpkg``: the same fields in EPSG:4326;
* ``far.gpkg``: one polygon far away from the raster;
* ``model.pt`` + ``model.json``: targets ``one_field`` (mean of band 2 over the pixels
  of field ``c`` only) and ``everything`` (mean over all pixels and bands), scale 1e-4.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import rasterio.features
import shapely.geometry
import torch
from rasterio.transform import from_origin

BANDS, HEIGHT, WIDTH = 8, 30, 40
TRANSFORM = from_origin(368_000.0, 5_810_000.0, 30.0, 30.0)
CRS = "EPSG:32633"
#: Field rectangles in pixel units: (col0, row0, col1, row1), names a..f.
FIELDS = {
    "a": (2, 2, 12, 12),
    "b": (14, 2, 25, 12),
    "c": (27, 2, 38, 13),
    "d": (2, 16, 12, 28),
    "e": (14, 16, 25, 28),
    "f": (27, 16, 38, 28),
}
TARGET_FIELD = "c"


@dataclass
class Scene:
    folder: Path
    raster: Path
    fields: Path
    fields_4326: Path
    far: Path
    model: Path


class OneFieldModel(torch.nn.Module):
    """Output 0: mean of band 2 over one field's pixels; output 1: mean of everything."""

    def __init__(self, field_mask: torch.Tensor):
        super().__init__()
        self.register_buffer("field_mask", field_mask.to(torch.float32))

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        one_field = (batch[:, 2] * self.field_mask).sum(dim=(1, 2)) / self.field_mask.sum()
        everything = batch.mean(dim=(1, 2, 3))
        return torch.stack([one_field, everything], dim=1)


def field_polygon(col0: int, row0: int, col1: int, row1: int) -> shapely.geometry.Polygon:
    """A rectangle covering pixel columns col0..col1-1 and rows row0..row1-1."""
    x0, y0 = TRANSFORM * (col0, row0)
    x1, y1 = TRANSFORM * (col1, row1)
    return shapely.geometry.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def make_scene(folder: Path) -> Scene:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    generator = np.random.default_rng(7)
    data = generator.integers(500, 4000, size=(BANDS, HEIGHT, WIDTH)).astype(np.int16)
    data[:, :2, :2] = -32768
    raster = folder / "scene.tif"
    with rasterio.open(
        raster, "w", driver="GTiff", width=WIDTH, height=HEIGHT, count=BANDS, dtype="int16",
        crs=CRS, transform=TRANSFORM, nodata=-32768,
    ) as dataset:
        dataset.write(data)
        for band in range(BANDS):
            dataset.update_tags(band + 1, wavelength=str(400 + 50 * band), wavelength_units="Nanometers")

    polygons = [field_polygon(*box) for box in FIELDS.values()]
    frame = gpd.GeoDataFrame(
        {"name": list(FIELDS), "area_ha": [round(p.area / 1e4, 2) for p in polygons]}, geometry=polygons, crs=CRS
    )
    fields = folder / "fields.gpkg"
    frame.to_file(fields, layer="fields", driver="GPKG")
    fields_4326 = folder / "fields_4326.gpkg"
    frame.to_crs("EPSG:4326").to_file(fields_4326, layer="fields", driver="GPKG")
    far = folder / "far.gpkg"
    gpd.GeoDataFrame({"name": ["far"]}, geometry=[shapely.geometry.box(0, 0, 1000, 1000)], crs=CRS).to_file(
        far, layer="far", driver="GPKG"
    )

    mask = rasterio.features.rasterize(
        [(field_polygon(*FIELDS[TARGET_FIELD]), 1)], out_shape=(HEIGHT, WIDTH), transform=TRANSFORM
    )
    model = folder / "model.pt"
    torch.jit.save(torch.jit.script(OneFieldModel(torch.as_tensor(mask))), str(model))
    card = {"task": "regression", "targets": ["one_field", "everything"], "input": {"bands": BANDS, "scale": 1e-4}}
    model.with_suffix(".json").write_text(json.dumps(card))
    return Scene(folder, raster, fields, fields_4326, far, model)


class BandMeansModel(torch.nn.Module):
    """Output t: the mean over all pixels (of any window size) of the bands ``reads[t]``.

    A model that reads one group of bands per output: a spectral explanation must put
    each output's whole attribution on the superband holding exactly those bands.
    """

    def __init__(self, weights: torch.Tensor):
        super().__init__()
        self.register_buffer("weights", weights)

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return torch.einsum("bchw,tc->bt", batch, self.weights) / (batch.shape[2] * batch.shape[3])


def write_band_model(path: Path, reads: dict[str, list[int]], bands: int = BANDS, scale: float = 1e-4) -> Path:
    """Save a TorchScript :class:`BandMeansModel` reading ``reads`` (target -> 0-based bands) and its card."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    weights = torch.zeros(len(reads), bands)
    for t, members in enumerate(reads.values()):
        weights[t, members] = 1.0 / len(members)
    torch.jit.save(torch.jit.script(BandMeansModel(weights)), str(path))
    card = {"task": "regression", "targets": list(reads), "input": {"bands": bands, "scale": scale}}
    path.with_suffix(".json").write_text(json.dumps(card))
    return path
