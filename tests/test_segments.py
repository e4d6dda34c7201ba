"""Segments on the raster grid: polygons, SLIC superpixels, patches."""
import geopandas as gpd
import numpy as np
import pytest
import shapely.geometry

from hsi_lime_plugin import HsiLimeError, read_raster
from hsi_lime_plugin.features.segments import patch_segments, polygon_segments, segment_polygons, slic_segments
from helpers.scene import FIELDS, HEIGHT, WIDTH


def test_patches_of_any_size_cover_valid_pixels_with_smaller_edge_patches():
    valid = np.ones((10, 13), bool)
    valid[0, 0] = False
    labels = patch_segments(valid, 4)
    assert labels[0, 0] == 0
    assert len(np.unique(labels[labels > 0])) == 3 * 4
    sizes = np.bincount(labels.ravel())[1:]
    assert sizes.max() == 16 and sizes.min() == 2 * 1  # bottom-right patch: 2 rows x 1 column
    with pytest.raises(HsiLimeError, match=r"^patch_size: 0 pixels is not a patch size; use at least 1\.$"):
        patch_segments(valid, 0)


def test_polygons_burn_to_their_pixels_and_keep_attributes(scene):
    cube = read_raster(scene.raster)
    fields = gpd.read_file(scene.fields)
    burnt = polygon_segments(fields, cube, id_field="name")
    assert burnt.ids == list(FIELDS)
    # the attributes as they came, the id field under its own name, nothing added
    assert list(burnt.polygons.columns) == list(fields.columns)
    assert list(burnt.polygons["name"]) == list(FIELDS)
    for label, (col0, row0, col1, row1) in enumerate(FIELDS.values(), start=1):
        expected = np.zeros((HEIGHT, WIDTH), bool)
        expected[row0:row1, col0:col1] = True
        np.testing.assert_array_equal(burnt.labels == label, expected & cube.valid)
    assert "area_ha" in burnt.polygons


def test_polygons_without_an_id_field_are_named_by_feature_id_and_keep_a_field_id_attribute(scene):
    """A layer's own ``field_id`` attribute is neither overwritten by the feature ids nor renamed."""
    cube = read_raster(scene.raster)
    fields = gpd.read_file(scene.fields)
    fields["field_id"] = [f"F{number}" for number in range(len(fields), 0, -1)]
    burnt = polygon_segments(fields, cube)
    assert burnt.ids == list(range(1, len(fields) + 1))
    assert list(burnt.polygons["field_id"]) == list(fields["field_id"])
    assert "segment_id" not in burnt.polygons


def test_unknown_id_field_lists_the_fields(scene):
    cube = read_raster(scene.raster)
    with pytest.raises(HsiLimeError) as error:
        polygon_segments(gpd.read_file(scene.fields), cube, id_field="field")
    assert str(error.value) == "id_field: 'field' is not a field of polygons; its fields are name, area_ha."


def test_tiny_polygon_inside_the_raster_covering_no_pixel_centre(scene):
    cube = read_raster(scene.raster)
    x, y = cube.transform * (10, 10)  # a pixel corner
    tiny = gpd.GeoDataFrame(geometry=[shapely.geometry.box(x, y - 1, x + 1, y)], crs=cube.crs)
    with pytest.raises(HsiLimeError, match="cover no valid pixel centre"):
        polygon_segments(tiny, cube)


def test_slic_is_mask_aware_and_vectorises_to_one_polygon_per_segment(scene):
    cube = read_raster(scene.raster)
    labels = slic_segments(cube, n_segments=12)
    assert labels[0, 0] == 0 and labels[1, 1] == 0  # nodata corner
    assert (labels[cube.valid] > 0).all()
    count = len(np.unique(labels[labels > 0]))
    assert 10 <= count <= 14
    polygons = segment_polygons(labels, cube)
    assert sorted(polygons["segment_id"]) == list(range(1, count + 1))
    assert polygons.area.sum() == pytest.approx(cube.valid.sum() * 30 * 30)
