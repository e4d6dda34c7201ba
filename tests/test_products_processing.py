"""Sensor products on the QGIS side: PRODUCT beside INPUT in every algorithm, hsilime:import_product with its RGB
default style, a graphical model that feeds a product file to both, and qgis_process."""
import json
import re

import numpy as np
import pytest
import rasterio
import torch
from helpers import NO_QGIS

pytest.importorskip("qgis.core", reason=NO_QGIS)
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterFile,
    QgsRasterLayer,
)

from helpers.products import expected_valid, write_product  # noqa: E402
from helpers.qgis import assert_fails_with, run_algorithm  # noqa: E402
from hsi_lime_plugin.inputs.raster import read_raster  # noqa: E402

pytestmark = pytest.mark.filterwarnings(r"ignore:`torch\.jit\.\w+` is deprecated:DeprecationWarning")
GROUPS = "visible=400-700; near_infrared=700-1300; shortwave=1300-2500"
SPECTRAL = "hsilime:explain_spectral"
IMPORT = "hsilime:import_product"


class PixelSum(torch.nn.Module):
    def forward(self, spectra: torch.Tensor) -> torch.Tensor:
        return spectra.sum(dim=1, keepdim=True)


@pytest.fixture(scope="module")
def emit(product_sample, tmp_path_factory):
    return write_product("emit", tmp_path_factory.mktemp("emit"), product_sample)


@pytest.fixture(scope="module")
def enmap(product_sample, tmp_path_factory):
    return write_product("enmap", tmp_path_factory.mktemp("enmap"), product_sample)


@pytest.fixture(scope="module")
def pixel_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "pixel_sum.pt"
    torch.jit.save(torch.jit.script(PixelSum()), str(path))
    path.with_suffix(".json").write_text(json.dumps({"targets": ["total"], "input": {"layout": "pixels"}}))
    return str(path)


def spectral(model, tmp_path, **source):
    return {**source, "MODEL": model, "BAND_GROUPS": GROUPS, "N_SAMPLES": 64,
            "OUTPUT_TABLE": str(tmp_path / "table.csv"), "OUTPUT_REPORT": str(tmp_path / "report.html")}


def test_product_beside_input_reads_the_product(hsilime_provider, emit, pixel_model, tmp_path):
    results, feedback = run_algorithm(SPECTRAL, spectral(pixel_model, tmp_path, PRODUCT=str(emit.path)))
    assert results is not None, feedback.errors
    assert f"INPUT: {emit.path} is read as EMIT L2A surface reflectance (reflectance 0-1, on the product's map " \
           "grid)" in feedback.infos
    assert ("BAND_GROUPS: i129-i134 (1331.2-1390.8 nm) are bad bands of the raster (its bad-band list): they belong "
            "to no superband and are never perturbed.") in feedback.warnings
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<td>product</td><td>EMIT L2A surface reflectance</td>" in report


def test_input_takes_a_products_image_qgis_loads(hsilime_provider, enmap, pixel_model, tmp_path):
    """EnMAP's SPECTRAL_IMAGE.TIF is a GeoTIFF QGIS loads: as INPUT it is read as the product (its XML beside it)."""
    image = next(enmap.path.parent.glob("*-SPECTRAL_IMAGE.TIF"))
    layer = QgsRasterLayer(str(image), "enmap")
    assert layer.isValid()
    results, feedback = run_algorithm(SPECTRAL, spectral(pixel_model, tmp_path, INPUT=layer))
    assert results is not None, feedback.errors
    assert any("is read as EnMAP L2A surface reflectance" in line for line in feedback.infos)


def test_input_without_a_layer_qgis_loads_points_at_product(hsilime_provider, emit, pixel_model, tmp_path):
    assert_fails_with(SPECTRAL, spectral(pixel_model, tmp_path, INPUT=str(emit.path)),
                      f"Unable to execute algorithm\nINPUT: {emit.path} is a file QGIS cannot load as a raster layer "
                      "(a sensor product's NetCDF, HDF5, metadata or ZIP?); give it as PRODUCT, which reads the "
                      "products directly.", tmp_path)
    assert_fails_with(SPECTRAL, spectral(pixel_model, tmp_path),
                      "Unable to execute algorithm\nINPUT: no raster was given; choose a hyperspectral raster (INPUT) "
                      "or a sensor product file (PRODUCT).", tmp_path)
    assert_fails_with(SPECTRAL, spectral(pixel_model, tmp_path, PRODUCT=str(tmp_path / "missing.nc")),
                      f"Unable to execute algorithm\nPRODUCT: {tmp_path / 'missing.nc'} does not exist; choose the "
                      "product's file.", tmp_path)


def test_every_raster_algorithm_has_product_beside_input(hsilime_provider):
    registry = QgsApplication.processingRegistry()
    for name in ("explain_spatial", "explain_spectral", "explain_fields", "attribute_pixels", "import_product"):
        names = [p.name() for p in registry.algorithmById(f"hsilime:{name}").parameterDefinitions()]
        assert "PRODUCT" in names and ("INPUT" in names) != (name == "import_product"), name


def rgb_style(path) -> tuple:
    text = path.with_suffix(".qml").read_text(encoding="utf-8")
    renderer = re.search(r'<rasterrenderer[^>]*type="multibandcolor"[^>]*>', text).group(0)
    return tuple(int(re.search(rf'{colour}Band="(\d+)"', renderer).group(1)) for colour in ("red", "green", "blue"))


@pytest.mark.parametrize("kind, suffix, drop", [("emit", ".tif", False), ("enmap", ".vrt", False),
                                                ("enmap", ".tif", True)])
def test_import_writes_reflectance_with_band_metadata_and_an_rgb_style(hsilime_provider, product_sample, kind, suffix,
                                                                        drop, tmp_path):
    written = write_product(kind, tmp_path / "product", product_sample)
    output = tmp_path / f"imported{suffix}"
    results, feedback = run_algorithm(IMPORT, {"PRODUCT": str(written.path), "DROP_BAD_BANDS": drop,
                                               "OUTPUT": str(output)})
    assert results is not None, feedback.errors
    assert results["OUTPUT"] == str(output)
    kept = [b for b in range(224) if not (drop and b in written.bad)]
    imported, product = read_raster(output), read_raster(written.path)
    np.testing.assert_allclose(imported.data, product.data[kept], rtol=2e-7)  # a VRT scales in double precision
    np.testing.assert_array_equal(imported.valid, product.valid)
    assert (imported.transform, imported.crs) == (product.transform, product.crs)
    with rasterio.open(output) as dataset:
        tags = dataset.tags(kept.index(130) + 1 if 130 in kept else 130)
        assert dataset.nodata == -9999.0 and dataset.dtypes[0] == "float32"
        envi = dataset.tags(ns="ENVI")
    assert envi["wavelength_units"] == "Nanometers" and envi["bbl"].count("0") == (0 if drop else 6)
    assert tags["wavelength_units"] == "Nanometers" and tags["bbl"] == ("1" if drop else "0")
    red, green, blue = rgb_style(output)
    centres = imported.wavelengths
    assert [round(centres[b - 1]) for b in (red, green, blue)] == [641, 551, 459]
    assert (f"{product.product}: {len(kept)} bands written to {output}; default style: true colour (641, 551, 459 "
            "nm)") in feedback.infos


def test_import_refuses_a_vrt_that_would_need_resampling(hsilime_provider, emit, tmp_path):
    assert_fails_with(IMPORT, {"PRODUCT": str(emit.path), "OUTPUT": str(tmp_path / "emit.vrt")},
                      "OUTPUT: a VRT can only point at an image that needs no resampling or reordering (EnMAP, DESIS); "
                      "EMIT L2A surface reflectance must be copied: give a .tif destination.", tmp_path)


def product_model() -> QgsProcessingModelAlgorithm:
    """A graphical model: a product file imported, and the same file explained through PRODUCT."""
    model = QgsProcessingModelAlgorithm("products", "tests")
    model.addModelParameter(QgsProcessingParameterFile("product", "Product"), QgsProcessingModelParameter("product"))
    model.addModelParameter(QgsProcessingParameterFile("model", "Model"), QgsProcessingModelParameter("model"))
    fed = QgsProcessingModelChildParameterSource.fromModelParameter
    steps = {"import": (IMPORT, {"PRODUCT": fed("product")}, {"imported": "OUTPUT"}),
             "explain": (SPECTRAL, {"PRODUCT": fed("product"), "MODEL": fed("model"),
                                    "BAND_GROUPS": QgsProcessingModelChildParameterSource.fromStaticValue(GROUPS),
                                    "N_SAMPLES": QgsProcessingModelChildParameterSource.fromStaticValue(64)},
                         {"table": "OUTPUT_TABLE"})}
    for child_id, (algorithm, sources, outputs) in steps.items():
        child = QgsProcessingModelChildAlgorithm(algorithm)
        child.setChildId(child_id)
        for name, source in sources.items():
            child.addParameterSources(name, [source])
        declared = {}
        for output_name, child_output in outputs.items():
            declared[output_name] = QgsProcessingModelOutput(output_name)
            declared[output_name].setChildOutputName(child_output)
            declared[output_name].setChildId(child_id)
        child.setModelOutputs(declared)
        model.addChildAlgorithm(child)
    model.updateDestinationParameters()
    return model


def test_a_graphical_model_takes_a_product_file(hsilime_provider, emit, pixel_model, tmp_path):
    results, feedback = run_algorithm(product_model(), {
        "product": str(emit.path), "model": pixel_model, "import:imported": str(tmp_path / "imported.tif"),
        "explain:table": str(tmp_path / "table.csv")})
    assert results is not None, feedback.errors
    imported = read_raster(tmp_path / "imported.tif")
    assert imported.shape == emit.expected.shape and (imported.valid == expected_valid(emit)).all()
    assert (tmp_path / "table.csv").read_text().count("\n") == 4  # header and three superbands


@pytest.mark.qgis_process
def test_qgis_process_reads_products_and_runs_the_saved_model(qgis_process, hsilime_provider, emit, pixel_model,
                                                              tmp_path):
    completed, result, _ = qgis_process(SPECTRAL, PRODUCT=emit.path, MODEL=pixel_model, BAND_GROUPS=GROUPS,
                                        N_SAMPLES=64, OUTPUT_TABLE=tmp_path / "table.csv")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert result["results"]["OUTPUT_TABLE"] == str(tmp_path / "table.csv")
    saved = tmp_path / "products.model3"
    assert product_model().toFile(str(saved))
    completed, result, _ = qgis_process(str(saved), product=emit.path, model=pixel_model,
                                        **{"import:imported": tmp_path / "imported.tif",
                                           "explain:table": tmp_path / "model_table.csv"})
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert read_raster(tmp_path / "imported.tif").product is None
    assert (tmp_path / "model_table.csv").is_file()
