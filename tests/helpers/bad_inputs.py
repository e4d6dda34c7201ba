"""Awkward inputs for the bad-input matrix (tests/test_bad_inputs.py), each written into a folder.

Every builder takes the folder that holds the case's inputs and the synthetic scene, writes
what it needs there, and returns the parameters that differ from a valid run.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import rasterio
import shapely.geometry
import torch
from rasterio.transform import Affine

from .scene import CRS, FIELDS, TRANSFORM, field_polygon


def copy_raster(scene, folder: Path, name: str, change=None, **profile_changes) -> str:
    """The scene's raster copied into ``folder`` with its data changed by ``change(data)``."""
    with rasterio.open(scene.raster) as source:
        profile, data, tags = source.profile, source.read(), [source.tags(b) for b in range(1, source.count + 1)]
    data = change(data) if change else data
    profile.update(count=data.shape[0], dtype=str(data.dtype), **profile_changes)
    path = folder / name
    with rasterio.open(path, "w", **profile) as target:
        target.write(data)
        for band in range(data.shape[0]):
            target.update_tags(band + 1, **tags[band])
    return str(path)


def polygons(folder: Path, name: str, geometries, ids=None, crs=CRS) -> str:
    """A GeoPackage of ``geometries`` (in the scene's CRS unless ``crs``) with a ``name`` column."""
    ids = list(FIELDS)[: len(geometries)] if ids is None else ids
    path = folder / name
    gpd.GeoDataFrame({"name": ids}, geometry=list(geometries), crs=CRS).to_crs(crs).to_file(path, driver="GPKG")
    return str(path)


def field_boxes(names=("a", "b", "c")) -> list:
    return [field_polygon(*FIELDS[name]) for name in names]


def bow_tie(name="a") -> shapely.geometry.Polygon:
    """A self-intersecting (invalid) polygon over a field."""
    col0, row0, col1, row1 = FIELDS[name]
    corners = [TRANSFORM * point for point in ((col0, row0), (col1, row1), (col1, row0), (col0, row1))]
    return shapely.geometry.Polygon(corners)


class ReshapingModel(torch.nn.Module):
    """Returns (batch, 2, 3): not (batch, targets)."""

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return batch.mean(dim=(2, 3))[:, :6].reshape(-1, 2, 3)


class NanModel(torch.nn.Module):
    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return torch.full((batch.shape[0], 2), float("nan")) + batch.mean() * 0


class RaisingModel(torch.nn.Module):
    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        if batch.shape[1] > 0:
            raise ValueError("this model only reads calibrated reflectance")
        return batch.mean(dim=(2, 3))


def torchscript(folder: Path, name: str, module: torch.nn.Module, card: dict | None = None) -> str:
    """A TorchScript model with a sidecar card (regression, targets a and b, 8 bands, scale 1e-4 by default)."""
    path = folder / name
    torch.jit.save(torch.jit.script(module), str(path))
    card = card or {"task": "regression", "targets": ["a", "b"], "input": {"bands": 8, "scale": 1e-4}}
    path.with_suffix(".json").write_text(json.dumps(card))
    return str(path)


def scene_model_with_card(scene, folder: Path, card: dict) -> str:
    """The scene's model copied into ``folder`` with another sidecar card."""
    path = folder / "model.pt"
    shutil.copy(scene.model, path)
    path.with_suffix(".json").write_text(json.dumps(card))
    return str(path)


#: The scene's grid turned by 20 degrees about its top-left corner: not north-up.
ROTATED = TRANSFORM * Affine.rotation(20.0)
