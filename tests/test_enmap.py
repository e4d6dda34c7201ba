"""Real EnMAP data: a planted model must be explained by the polygons it reads."""
import json

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import torch

from hsi_lime_plugin.inputs.raster import read_raster
from hsi_lime_plugin.runs.explain_spatial import run_spatial

TREE = 4  # land-cover class of the planted model (1 roof, 2 pavement, 3 low vegetation, 4 tree, ...)


class ClassNearInfrared(torch.nn.Module):
    """Mean near-infrared reflectance (780-900 nm) over the pixels of one land-cover class."""

    def __init__(self, class_mask: torch.Tensor, nir_bands: torch.Tensor):
        super().__init__()
        self.register_buffer("class_mask", class_mask.to(torch.float32))
        self.register_buffer("nir_bands", nir_bands)

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        nir = batch.index_select(1, self.nir_bands).mean(dim=1)
        return ((nir * self.class_mask).sum(dim=(1, 2)) / self.class_mask.sum()).unsqueeze(1)


@pytest.fixture(scope="module")
def enmap(shared_data, tmp_path_factory):
    folder = shared_data / "enmap_potsdam"
    mosaic = folder / "enmap_potsdam_mosaic.tif"
    cube = read_raster(mosaic)
    with rasterio.open(folder / "landcover_mosaic.tif") as labels:
        classes = labels.read(1)
    nir = np.flatnonzero((cube.wavelengths >= 780) & (cube.wavelengths <= 900))
    model_path = tmp_path_factory.mktemp("enmap") / "tree_nir.pt"
    module = ClassNearInfrared(torch.as_tensor((classes == TREE) & cube.valid), torch.as_tensor(nir))
    torch.jit.save(torch.jit.script(module), str(model_path))
    card = {"task": "regression", "targets": ["tree_nir"], "input": {"bands": cube.shape[0], "scale": 1e-4}}
    model_path.with_suffix(".json").write_text(json.dumps(card))
    return mosaic, folder / "landcover_polygons.gpkg", model_path


def test_polygons_of_the_planted_class_carry_the_attributions(enmap, tmp_path):
    mosaic, polygons, model = enmap
    run = run_spatial(
        str(mosaic), str(model), str(tmp_path / "attribution.tif"),
        polygons=str(polygons), output_segments=str(tmp_path / "segments.gpkg"),
        n_samples=1024, batch_size=8, device="cpu", seed=0,
    baseline="zero")
    assert run.scores["tree_nir"] > 0.99
    segments = gpd.read_file(tmp_path / "segments.gpkg")
    magnitude = segments["attr_tree_nir"].abs().fillna(0)
    top = segments.loc[magnitude.sort_values(ascending=False).index[:20], "class_id"]
    assert (top == TREE).all()
    is_tree = segments["class_id"] == TREE
    assert magnitude[is_tree].sum() > 0.9 * magnitude.sum()
    assert magnitude[is_tree].mean() > 20 * magnitude[~is_tree].mean()
    with rasterio.open(mosaic) as source, rasterio.open(tmp_path / "attribution.tif") as output:
        assert (output.crs, output.transform, output.shape) == (source.crs, source.transform, source.shape)
