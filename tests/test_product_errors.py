"""Sensor products that cannot be read: each refused with the problem and the fix, and nothing written.

A truncated NetCDF or HDF5, a GLT that points outside the swath, a METADATA.XML without its image and an image
without its XML, the levels hsi-lime does not read (EMIT L1B, PRISMA L1), a band count that disagrees with the
metadata, and a Python without GDAL's bindings.
"""
import json
import sys

import pytest
import torch

from helpers import products as hp
from hsi_lime_plugin.errors import HsiLimeError
from hsi_lime_plugin.inputs import products
from hsi_lime_plugin.runs.explain_spectral import run_spectral
from hsi_lime_plugin.runs.import_product import run_import


@pytest.fixture(scope="module")
def band_means(tmp_path_factory):
    """Any pixel model: the run must stop before it matters."""
    path = tmp_path_factory.mktemp("model") / "mean.pt"
    torch.jit.save(torch.jit.trace(torch.nn.Linear(224, 1), torch.zeros(1, 224)), str(path))
    path.with_suffix(".json").write_text(json.dumps({"targets": ["y"], "input": {"layout": "pixels"}}))
    return str(path)


def refused(path, band_means, folder, match: str) -> str:
    """Explain and import ``path``: both refuse it with ``match`` and leave ``folder`` as it was."""
    before = sorted(p.name for p in folder.rglob("*"))
    products._CACHE.clear()
    messages = []
    with pytest.raises(HsiLimeError, match=match) as error:
        run_spectral(str(path), band_means, output_table=str(folder / "table.csv"),
                     output_map=str(folder / "map.tif"), device="cpu")
    messages.append(str(error.value))
    with pytest.raises(HsiLimeError, match=match.replace("raster: ", "product: ")):
        run_import(str(path), str(folder / "imported.tif"))
    assert sorted(p.name for p in folder.rglob("*")) == before
    return messages[0]


def truncated(path, fraction: float = 0.5):
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * fraction)])
    return path


def test_a_truncated_netcdf_is_damaged(product_sample, band_means, tmp_path):
    written = hp.write_product("emit", tmp_path, product_sample)
    message = refused(truncated(written.path), band_means, tmp_path, "is damaged or incomplete")
    assert message.startswith(f"raster: {written.path} is damaged or incomplete: GDAL cannot open it (")
    assert message.endswith(", as happens to a NetCDF-4/HDF5 file whose download or copy was interrupted; nothing "
                            "was written. Download it again, then run again.")


def test_a_truncated_hdf5_is_damaged(product_sample, band_means, tmp_path):
    written = hp.write_product("prisma", tmp_path, product_sample)
    refused(truncated(written.path), band_means, tmp_path, f"raster: {written.path} is damaged or incomplete")


def test_a_glt_that_points_outside_the_swath_is_refused(product_sample, band_means, tmp_path):
    _, glt = hp.emit_swath(product_sample)
    glt[0, 10, 12] = 65  # the swath has 64 crosstrack pixels
    pytest.importorskip("osgeo", reason="the EMIT product needs GDAL's Python bindings")
    written = hp.write_emit(tmp_path, product_sample, glt=glt)
    refused(written.path, band_means, tmp_path,
            f"raster: {written.path}: its GLT points outside the swath: location/glt_x holds 65 at row 10, column 12 "
            "of the map grid, but the swath has 64 crosstrack pixels")


def test_a_metadata_file_without_its_image_and_an_image_without_its_metadata(product_sample, band_means, tmp_path):
    written = hp.write_product("enmap", tmp_path, product_sample)
    image = written.path.with_name(written.path.name.replace("-METADATA.XML", "-SPECTRAL_IMAGE.TIF"))
    moved = image.rename(tmp_path / image.name)
    refused(written.path, band_means, tmp_path,
            f"raster: {written.path} is the metadata of an EnMAP product, but its image")
    moved.rename(image)
    written.path.rename(tmp_path / written.path.name)
    refused(image, band_means, tmp_path, f"raster: {image} is an EnMAP image without its metadata")


def test_other_levels_say_which_level_is_read(product_sample, band_means, tmp_path):
    pytest.importorskip("h5py", reason="the PRISMA product is written with h5py")
    pytest.importorskip("osgeo", reason="EMIT and PRISMA need GDAL's Python bindings")
    emit = hp.write_emit(tmp_path, product_sample, variable="radiance", name="EMIT_L1B_RAD_001_20220724T104526.nc")
    refused(emit.path, band_means, tmp_path,
            f"raster: {emit.path} is an EMIT L1B radiance granule \\(EMIT_L1B_RAD_\\*.nc\\); hsi-lime explains surface "
            "reflectance, the EMIT L2A reflectance granule")
    prisma = hp.write_prisma(tmp_path, product_sample, swath="PRS_L1_HCO")
    refused(prisma.path, band_means, tmp_path,
            f"raster: {prisma.path} is a PRISMA L1 \\(top-of-atmosphere radiance\\) product; hsi-lime reads the "
            "geocoded surface reflectance, level L2D")
    enmap = hp.write_product("enmap", tmp_path / "l1c", product_sample)
    enmap.path.write_text(hp.enmap_xml(product_sample, level="L1C"))
    refused(enmap.path, band_means, tmp_path, "is an EnMAP L1C product; hsi-lime reads surface reflectance, level L2A")


@pytest.mark.parametrize("kind", ["emit", "enmap", "prisma", "desis"])
def test_a_band_count_that_disagrees_with_the_metadata_is_refused(kind, product_sample, band_means, tmp_path):
    written = hp.write_product(kind, tmp_path, product_sample)
    if kind == "emit":
        written = hp.write_emit(tmp_path, product_sample, name="EMIT_L2A_RFL_002.nc",
                                wavelengths=product_sample.wavelengths[:-1])
        where = "image has 224 bands while sensor_band_parameters/wavelengths describes 223"
    elif kind == "enmap":
        written.path.write_text(hp.enmap_xml(product_sample, channels=220))
        where = "image has 224 bands while its METADATA.XML \\(specific/bandCharacterisation\\) describes 220"
    elif kind == "prisma":
        written = hp.write_prisma(tmp_path, product_sample, extra_band=True)
        where = "image has 126 bands while List_Cw_Swir describes 125"
    else:
        header = written.path.with_suffix(".hdr")
        header.write_text(header.read_text().replace("wavelength = {", "wavelength = {400, "))
        where = "image has 224 bands while its header .* describes 225"
    refused(written.path, band_means, tmp_path, f"raster: {written.path} is an? .* whose {where}; the files do not "
                                                "belong together")


def test_without_gdals_bindings_a_product_says_what_it_needs(product_sample, band_means, tmp_path, monkeypatch):
    pytest.importorskip("h5py", reason="the PRISMA product is written with h5py")
    written = hp.write_prisma(tmp_path, product_sample)
    monkeypatch.setitem(sys.modules, "osgeo", None)  # import osgeo raises ImportError
    refused(written.path, band_means, tmp_path,
            f"raster: {written.path} is a NetCDF-4/HDF5 sensor product; reading it needs GDAL's own Python bindings "
            "\\(the 'osgeo' module\\), which this Python lacks")


def test_a_file_that_is_no_product_is_not_imported(product_sample, tmp_path):
    path = tmp_path / "plain.tif"
    hp.write_counts(path, product_sample)
    with pytest.raises(HsiLimeError, match="is not a sensor product hsi-lime knows .*; a GeoTIFF, ENVI or other GDAL "
                                           "raster needs no import"):
        run_import(str(path), str(tmp_path / "out.tif"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.tif"]
