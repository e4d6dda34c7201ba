"""Spatial features: label maps from field polygons, SLIC superpixels or regular patches.

Every function returns an H x W int64 label map on the raster's grid: 0 = pixel in no
segment (never perturbed), 1..K = segment. Pixels without data are never in a segment.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import rasterio.features
import shapely.geometry
from skimage.segmentation import slic

from ..errors import HsiLimeError, arg
from ..inputs.polygons import field_polygons
from ..reporting import Reporter
from ..inputs.raster import RasterCube

#: Principal components SLIC clusters on: enough to separate soil, vegetation, water and
#: built-up surfaces, few enough for SLIC's distance to stay meaningful.
SLIC_COMPONENTS = 3


@dataclass
class PolygonSegments:
    """Field polygons burnt into a label map.

    Attributes
    ----------
    labels : numpy.ndarray
        (H, W) int64; label k marks the pixels of ``polygons.iloc[k - 1]``.
    polygons : geopandas.GeoDataFrame
        The input features in the raster's CRS with their attributes as they were (the id field included,
        under its own name), and nothing added: a segment layer made of them joins back to the input.
    ids : list
        Each row's id (its ``id_field`` value, or its feature id): ``ids[k - 1]`` names label k.
    empty : list
        The ids of polygons that cover no valid pixel centre (not explained).
    """

    labels: np.ndarray
    polygons: gpd.GeoDataFrame
    ids: list
    empty: list


def polygon_segments(
    polygons: gpd.GeoDataFrame,
    cube: RasterCube,
    id_field: str | None = None,
    what: str = arg("polygons"),
    reporter: Reporter | None = None,
) -> PolygonSegments:
    """Burn field polygons into a label map on ``cube``'s grid.

    Polygons are reprojected to the raster's CRS first. A pixel belongs to the polygon
    that contains its centre; where polygons overlap, the later feature wins. The
    ``segment_id`` of each polygon is its ``id_field`` value, or its feature id (the
    row position + 1, as QGIS numbers GeoPackage features) without ``id_field``; the attributes are kept
    as they are. Features
    without a geometry are skipped and invalid polygons repaired (``shapely.make_valid``),
    each with a warning to ``reporter`` naming them.
    """
    frame, ids = field_polygons(polygons, id_field, cube.crs, what, reporter)
    height, width = cube.data.shape[1:]
    bounds = rasterio.transform.array_bounds(height, width, cube.transform)
    footprint = shapely.geometry.box(*_ordered(bounds))
    if not frame.intersects(footprint).any():
        xmin, ymin, xmax, ymax = frame.total_bounds
        raise HsiLimeError(
            f"{what}: none of the {len(frame)} polygons overlaps the raster ({arg('raster')}) (raster extent "
            f"{_extent_text(_ordered(bounds))}, polygon extent {_extent_text((xmin, ymin, xmax, ymax))}, both in "
            f"{_crs_text(cube.crs)}); choose polygons that cover the raster."
        )
    labels = rasterio.features.rasterize(
        ((geometry, index + 1) for index, geometry in enumerate(frame.geometry)),
        out_shape=(height, width),
        transform=cube.transform,
        fill=0,
        dtype="int32",
    ).astype(np.int64)
    labels[~cube.valid] = 0
    present = np.bincount(labels.ravel(), minlength=len(frame) + 1)[1:] > 0
    if not present.any():
        raise HsiLimeError(
            f"{what}: the polygons overlap the raster ({arg('raster')}) but cover no valid pixel centre; use polygons larger "
            "than a pixel over pixels that hold data."
        )
    return PolygonSegments(labels, frame.reset_index(drop=True), ids,
                           [id_ for id_, covered in zip(ids, present) if not covered])


def slic_segments(cube: RasterCube, n_segments: int = 50, compactness: float = 0.3) -> np.ndarray:
    """SLIC superpixels of a hyperspectral cube, computed on its first principal components.

    The cube is reduced to :data:`SLIC_COMPONENTS` principal components over the valid
    pixels, each scaled to [0, 1], and segmented with scikit-image's SLIC restricted to
    valid pixels. ``compactness`` trades spectral homogeneity (small) against square,
    regular shapes (large); 0.3 suits the [0, 1] scaling used here (on the demo scene,
    20, 50, 100 and 200 requested segments gave 19, 49, 97 and 199). The components are
    not colours: scikit-image's RGB-to-Lab conversion is switched off.
    """
    valid_count = int(cube.valid.sum())
    if n_segments < 2:
        raise HsiLimeError(
            f"{arg('n_segments')}: {n_segments} superpixel cannot show where the prediction comes from; ask for at "
            "least 2 (50 is typical)."
        )
    if n_segments > valid_count:
        raise HsiLimeError(
            f"{arg('n_segments')}: {n_segments} SLIC segments were asked for but {arg('raster')} has only {valid_count} valid "
            f"pixels; ask for at most {valid_count} segments."
        )
    if compactness <= 0:
        raise HsiLimeError(f"{arg('compactness')}: {compactness} must be positive; 0.3 is a good start.")
    components = _principal_components(cube.data, cube.valid, SLIC_COMPONENTS)
    labels = slic(
        components,
        n_segments=n_segments,
        compactness=compactness,
        channel_axis=-1,
        mask=cube.valid,
        start_label=1,
        enforce_connectivity=True,
        convert2lab=False,
    )
    return _consecutive(np.where(cube.valid, labels, 0))


def patch_segments(valid: np.ndarray, patch_size: int) -> np.ndarray:
    """Square patches of ``patch_size`` pixels; edge patches are smaller (no divisibility needed)."""
    if patch_size < 1:
        raise HsiLimeError(f"{arg('patch_size')}: {patch_size} pixels is not a patch size; use at least 1.")
    height, width = valid.shape
    rows = np.arange(height) // patch_size
    cols = np.arange(width) // patch_size
    n_cols = -(-width // patch_size)
    labels = rows[:, None] * n_cols + cols[None, :] + 1
    return _consecutive(np.where(valid, labels, 0))


def segment_polygons(labels: np.ndarray, cube: RasterCube) -> gpd.GeoDataFrame:
    """Vectorise a label map: one (multi)polygon per segment, with ``segment_id`` (its label: segments that are
    not polygons of the user's have no other name)."""
    shapes = rasterio.features.shapes(labels.astype(np.int32), mask=labels > 0, transform=cube.transform)
    records = [(shapely.geometry.shape(geometry), int(value)) for geometry, value in shapes]
    frame = gpd.GeoDataFrame(
        {"segment_id": [value for _, value in records]}, geometry=[g for g, _ in records], crs=cube.crs
    )
    return frame.dissolve(by="segment_id", as_index=False)[["segment_id", "geometry"]]


def _principal_components(data: np.ndarray, valid: np.ndarray, n_components: int) -> np.ndarray:
    pixels = data[:, valid].T.astype(np.float64)  # (P, C)
    centred = pixels - pixels.mean(axis=0)
    n_components = min(n_components, *centred.shape)
    _, _, basis = np.linalg.svd(centred[:: max(1, len(centred) // 20000)], full_matrices=False)
    scores = centred @ basis[:n_components].T
    low, high = scores.min(axis=0), scores.max(axis=0)
    scores = (scores - low) / np.where(high > low, high - low, 1.0)
    image = np.zeros(valid.shape + (n_components,), dtype=np.float64)
    image[valid] = scores
    return image


def _consecutive(labels: np.ndarray) -> np.ndarray:
    """Renumber labels to 1..K in order of first appearance value, keeping 0."""
    values, inverse = np.unique(labels, return_inverse=True)
    offset = 0 if values[0] == 0 else 1
    return (inverse + offset).reshape(labels.shape).astype(np.int64)


def _ordered(bounds):
    west, south, east, north = bounds
    return min(west, east), min(south, north), max(west, east), max(south, north)


def _extent_text(bounds) -> str:
    return "{:.1f}, {:.1f} : {:.1f}, {:.1f}".format(*bounds)


def _crs_text(crs) -> str:
    if crs is None:
        return "an unknown CRS"
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_string()
