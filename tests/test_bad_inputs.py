"""The bad-input matrix: every awkward input through processing.run, with its exact outcome.

Each case builds its inputs in a folder of its own and runs one algorithm. A refused case
must raise ``QgsProcessingException`` (never another exception) with exactly the expected
message; a case that works must succeed and report the expected warning. In both, no
output or temporary file may be left where it should not be, and every input file keeps
its bytes.
"""
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import rasterio
import shapely.geometry
import torch
from helpers import NO_QGIS

pytest.importorskip("qgis.core", reason=NO_QGIS)
from qgis.core import QgsProcessingException  # noqa: E402

from helpers import bad_inputs as make  # noqa: E402
from helpers.qgis import RecordingFeedback  # noqa: E402

SPATIAL, SPECTRAL = "hsilime:explain_spatial", "hsilime:explain_spectral"


@dataclass
class Case:
    """``build(folder, scene) -> parameters`` differing from a valid run of ``algorithm``.

    ``refused``: the exact error message ({folder} is the inputs folder), or None when the
    run must succeed; then ``warning`` (a substring) must be among its warnings, if given.
    """

    id: str
    build: Callable
    refused: str | None = None
    warning: str | None = None
    algorithm: str = SPATIAL


def base_parameters(algorithm, scene, outputs: Path) -> dict:
    if algorithm == SPATIAL:
        return {"INPUT": str(scene.raster), "MODEL": str(scene.model), "SEGMENTATION": 2, "PATCH_SIZE": 10,
                "N_SAMPLES": 40, "OUTPUT": str(outputs / "attribution.tif")}
    return {"INPUT": str(scene.raster), "MODEL": str(scene.model), "BAND_GROUPS": "low=400-500; high=550-750",
            "N_SAMPLES": 40, "OUTPUT_TABLE": str(outputs / "table.csv")}


def polygons_case(geometries_or_builder, ids=None, crs=None, **more):
    """Field-polygon segmentation over a polygon layer built in the case folder."""
    def build(folder, scene):
        geometries = geometries_or_builder() if callable(geometries_or_builder) else geometries_or_builder
        path = make.polygons(folder, "fields.gpkg", geometries, ids, crs or make.CRS)
        return {"SEGMENTATION": 0, "POLYGONS": path, "ID_FIELD": "name", **more}
    return build


def snapshot(folder: Path) -> dict:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.rglob("*")) if path.is_file()}


SAME_BANDS = ("the model card {card} says the model takes {takes} bands; choose the raster the model was trained for, "
              "or fix 'input.bands' in the card. (Raster: {raster}; card: {takes} bands, no wavelengths: add "
              "'input.wavelengths' to the card to let hsi-lime resample other sensors.)")
POLYGON_TYPES = ("POLYGONS: the layer holds {} geometries; fields need polygons (choose a polygon layer, or buffer "
                 "points and lines first).")
MISSING_ID = ("ID_FIELD: 1 polygons have no value in 'name'; give every field an id, or leave ID_FIELD empty to use "
              "the feature id.")
DUPLICATE_ID = ("ID_FIELD: 1 values of 'name' occur more than once (a); every field or unit needs its own id: choose a "
                "field with unique values, or leave ID_FIELD empty to use the feature id.")
CARD_IS_DATA = ("MODEL: the model card {{folder}}/model.json field '{}' asks for code or a file to be loaded, and model "
                "cards are data only; remove it; a model that needs code is loaded as a Python recipe (.py) with "
                "ALLOW_PYTHON_MODEL=True.")

CASES = [
    # --- the raster
    Case("raster-missing", lambda f, s: {"INPUT": str(f / "absent.tif")},
         "Unable to execute algorithm\nINPUT: {folder}/absent.tif does not exist; choose an existing raster file."),
    Case("raster-not-a-raster", lambda f, s: {"INPUT": _text_file(f / "notes.tif")},
         "Unable to execute algorithm\nINPUT: {folder}/notes.tif is not a raster GDAL can read; choose a GeoTIFF, "
         "ENVI or other GDAL raster."),
    Case("raster-single-band", lambda f, s: {"INPUT": make.copy_raster(s, f, "one.tif", lambda d: d[:1])},
         "INPUT: the raster has 1 band but " + SAME_BANDS.format(card="{scene}/model.json", takes=8,
                                                                 raster="1 band, 400.00-400.00 nm")),
    Case("raster-all-nodata",
         lambda f, s: {"INPUT": make.copy_raster(s, f, "empty.tif", lambda d: np.full_like(d, -32768))},
         "INPUT: every pixel of {folder}/empty.tif is nodata (its nodata value, mask or NaN); choose a raster with "
         "data, or fix its nodata value (Layer Properties > Transparency in QGIS)."),
    Case("raster-nan-and-inf-pixels-are-masked",
         lambda f, s: {"INPUT": make.copy_raster(s, f, "holes.tif", _with_holes, nodata=None)}),
    Case("raster-without-crs", lambda f, s: {"INPUT": make.copy_raster(s, f, "nocrs.tif", crs=None)}, None,
         "nocrs.tif has no coordinate reference system; the outputs will have none either"),
    Case("raster-rotated-grid", lambda f, s: {"INPUT": make.copy_raster(s, f, "rotated.tif", transform=make.ROTATED)}),
    # --- wavelengths (spectral: groups by wavelength need them)
    Case("wavelengths-missing", lambda f, s: {"INPUT": str(_bare(s, f))},
         "BAND_GROUPS: the wavelength group 'low' at character 1 needs band wavelengths, but the raster has none: "
         "give them with the WAVELENGTHS parameter (a comma-separated list of wavelengths in nm, one per band, or a "
         "text file that lists them), or group bands by band index, which needs no wavelengths, as in "
         "'edge=i40-i60'.\n  low=400-500; high=550-750\n  ^", algorithm=SPECTRAL),
    Case("wavelengths-not-increasing", lambda f, s: {"WAVELENGTHS": "400,450,500,550,600,650,750,700"}, None,
         "WAVELENGTHS: the wavelengths are not in increasing order (band i7 at 700 nm follows 750 nm)",
         algorithm=SPECTRAL),
    Case("wavelengths-duplicated", lambda f, s: {"WAVELENGTHS": "400,450,500,550,600,600,700,750"}, None,
         "WAVELENGTHS: several bands share the wavelength 600 nm; check the wavelength list.", algorithm=SPECTRAL),
    Case("wavelengths-absurd-units", lambda f, s: {"WAVELENGTHS": "4e6,4.5e6,5e6,5.5e6,6e6,6.5e6,7e6,7.5e6"},
         "WAVELENGTHS: the wavelengths run from 4e+06 to 7.5e+06 nm, outside 100-100000 nm where imaging "
         "spectrometers measure; give them in nm (values below 100 are read as micrometres).", algorithm=SPECTRAL),
    Case("wavelengths-fewer-than-bands", lambda f, s: {"WAVELENGTHS": "400,450,500"},
         "WAVELENGTHS gives 3 values but the raster has 8 bands. Give exactly one wavelength per band, in band "
         "order.", algorithm=SPECTRAL),
    # --- polygons
    Case("polygons-empty-layer", polygons_case([]),
         "POLYGONS: the layer has no feature with a geometry; choose a layer with field polygons."),
    Case("polygons-no-overlap", polygons_case([shapely.geometry.box(0, 0, 1000, 1000)], ["far"]),
         "POLYGONS: none of the 1 polygons overlaps the raster (INPUT) (raster extent 368000.0, 5809100.0 : "
         "369200.0, 5810000.0, polygon extent 0.0, 0.0 : 1000.0, 1000.0, both in EPSG:32633); choose polygons that "
         "cover the raster."),
    Case("polygons-invalid-geometry-is-repaired", polygons_case(lambda: [make.bow_tie("a")] + make.field_boxes("bc")),
         None, "POLYGONS: 1 invalid polygons (self-intersecting or badly ringed) were repaired before use (feature ids 1)"),
    Case("polygons-null-geometry-is-skipped", polygons_case(lambda: [None] + make.field_boxes("bc")), None,
         "POLYGONS: 1 features have no geometry and are skipped (feature ids 1)."),
    Case("polygons-multipart", polygons_case(lambda: [shapely.geometry.MultiPolygon(make.field_boxes("ab"))] +
                                             make.field_boxes("c"), ["ab", "c"])),
    Case("polygons-null-id", polygons_case(make.field_boxes, [None, "b", "c"]), MISSING_ID),
    Case("polygons-duplicate-id", polygons_case(make.field_boxes, ["a", "a", "c"]), DUPLICATE_ID),
    Case("polygons-other-projected-crs", polygons_case(make.field_boxes, crs="EPSG:3035")),
    Case("polygons-geographic-crs", polygons_case(make.field_boxes, crs="EPSG:4326")),
    Case("polygons-points", polygons_case(lambda: [box.centroid for box in make.field_boxes()]),
         POLYGON_TYPES.format("Point")),
    Case("polygons-lines", polygons_case(lambda: [shapely.geometry.LineString(box.exterior.coords)
                                                  for box in make.field_boxes()]), POLYGON_TYPES.format("LineString")),
    # --- segments
    Case("slic-one-segment", lambda f, s: {"SEGMENTATION": 1, "N_SEGMENTS": 1},
         "N_SEGMENTS: 1 superpixel cannot show where the prediction comes from; ask for at least 2 (50 is typical)."),
    Case("slic-more-segments-than-pixels", lambda f, s: {"SEGMENTATION": 1, "N_SEGMENTS": 5000},
         "N_SEGMENTS: 5000 SLIC segments were asked for but INPUT has only 1196 valid pixels; ask for at most 1196 "
         "segments."),
    Case("patches-larger-than-the-raster", lambda f, s: {"PATCH_SIZE": 64},
         "PATCH_SIZE: one patch of 64 pixels covers the whole 30 x 40 raster, which leaves nothing to compare; use at "
         "most 20 pixels."),
    Case("patches-below-one-pixel", lambda f, s: {"PATCH_SIZE": 0},
         "Unable to execute algorithm\nPATCH_SIZE: 0 is below 1, the smallest value it takes; give at least 1."),
    # --- sampling
    Case("samples-not-above-the-features", lambda f, s: {"N_SAMPLES": 12}, None,
         "N_SAMPLES: 12 samples for 12 features cannot determine a surrogate (the attributions then reflect the "
         "penalty more than the model); use at least 24."),
    Case("samples-beyond-any-budget", lambda f, s: {"N_SAMPLES": 2_000_000_000},
         "N_SAMPLES: 2000000000 samples of 12 features need about 640.7 GiB for the samples and the surrogate fit "
         "alone, more than half of this machine's {memory} GiB of memory; use at most {most} (500 to 4000 are "
         "typical)."),
    # --- the model
    Case("model-missing", lambda f, s: {"MODEL": str(f / "absent.pt")},
         "MODEL: the model file {folder}/absent.pt does not exist; choose an existing TorchScript file. ONNX models "
         "(.onnx), scikit-learn models (.skops) and Python recipes (.py) work too."),
    Case("model-empty-file", lambda f, s: {"MODEL": _text_file(f / "empty.pt", "")},
         "MODEL: {folder}/empty.pt is empty (0 bytes): the model was not saved completely; export it again."),
    Case("model-corrupt-file", lambda f, s: {"MODEL": _text_file(f / "corrupt.pt", "PK\x03\x04 garbage")},
         "MODEL: {folder}/corrupt.pt is not a TorchScript model (torch.jit.load says: PytorchStreamReader failed "
         "reading zip archive: not a ZIP archive.); export the model with "
         "torch.jit.save(torch.jit.script(model), path) or torch.jit.trace, then choose that file."),
    Case("model-unknown-extension", lambda f, s: {"MODEL": _text_file(f / "model.h5", "weights")},
         "MODEL: cannot tell the format of {folder}/model.h5 from its extension '.h5'; name the file .pt or "
         ".torchscript (TorchScript), .onnx (ONNX), .skops (scikit-learn) or .py (Python recipe), or set \"format\" "
         "in its model card."),
    Case("model-band-count-mismatch", lambda f, s: {"MODEL": make.torchscript(f, "m.pt", make.NanModel(), {
        "task": "regression", "targets": ["a", "b"], "input": {"bands": 12}})},
         "INPUT: the raster has 8 bands but " + SAME_BANDS.format(card="{folder}/m.json", takes=12,
                                                                  raster="8 bands, 400.00-750.00 nm")),
    Case("model-output-not-batch-by-targets", lambda f, s: {"MODEL": make.torchscript(f, "m.pt", make.ReshapingModel())},
         "MODEL: the model returns outputs of shape (64, 2, 3) for a batch of 64; a regression model must return "
         "(batch, targets), one value per target (for a score per pixel, set \"task\": \"segmentation\" in the "
         "model card)."),
    Case("model-nan-outputs", lambda f, s: {"MODEL": make.torchscript(f, "m.pt", make.NanModel())},
         "MODEL: the model returned NaN or infinite values for 40 of 40 images (targets a, b; the first on the "
         "unperturbed image); nothing was written. Check that the raster is scaled as the model expects "
         "(input.scale, input.offset, input.mean and input.std in the model card) and that the model handles the "
         "BASELINE value of removed features."),
    Case("model-raises-on-the-input", lambda f, s: {"MODEL": make.torchscript(f, "m.pt", make.RaisingModel())},
         "MODEL: the model failed on a batch of shape (64, 8, 30, 40) (the raster after the preprocessing of the "
         "model card {folder}/m.json): builtins.ValueError: this model only reads calibrated reflectance; check "
         "'input.bands', 'input.size' and 'input.pad_to_square' in the card against what the model takes."),
    Case("model-card-malformed", lambda f, s: {"MODEL": make.scene_model_with_card(s, f, {
        "targets": ["a", "b"], "input": {"scale": "tiny"}})},
         "MODEL: the model card {folder}/model.json field 'input.scale' is 'tiny'; give a finite number."),
    Case("model-card-names-code", lambda f, s: {"MODEL": make.scene_model_with_card(s, f, {
        "targets": ["a", "b"], "code": "import os; os.remove('x')"})}, CARD_IS_DATA.format("code")),
    Case("model-card-names-a-file", lambda f, s: {"MODEL": make.scene_model_with_card(s, f, {
        "targets": ["a", "b"], "weights": "/etc/passwd"})}, CARD_IS_DATA.format("weights")),
    # --- targets, device and destinations
    Case("targets-unknown", lambda f, s: {"TARGETS": "Zn"},
         "TARGETS: 'Zn' is not a target of this model; valid names are one_field, everything (or indices 0 to 1, or top:K); "
         "leave TARGETS empty to explain them all."),
    Case("targets-empty-after-parsing", lambda f, s: {"TARGETS": " , ,"},
         "TARGETS: ' , ,' names no target; give names or 0-based indices separated by commas (one_field, "
         "everything), or leave TARGETS empty to explain them all."),
    Case("device-cuda-without-cuda", lambda f, s: {"DEVICE": 2},
         "DEVICE: CUDA was requested but torch sees no CUDA GPU on this machine (torch {torch}); choose 'auto' or "
         "'cpu'."),
    Case("output-folder-not-writable", lambda f, s: {"OUTPUT": str(Path(_text_file(f / "file.txt")) / "out.tif")},
         "OUTPUT: the folder {folder}/file.txt cannot be written to; choose a destination in a writable folder."),
    Case("output-is-the-input", lambda f, s: {"INPUT": make.copy_raster(s, f, "in.tif"), "OUTPUT": str(f / "in.tif")},
         "OUTPUT: {folder}/in.tif is an input of this run; writing there would destroy it. Choose another file."),
    Case("output-extension-nobody-writes", lambda f, s: {"OUTPUT_SEGMENTS": str(f.parent / "outputs" / "s.xyz")},
         "OUTPUT_SEGMENTS: cannot write '.xyz' files; use one of .geojson, .gpkg, .json, .shp."),
    Case("output-table-is-the-polygons", lambda f, s: {
        "POLYGONS": make.polygons(f, "fields.gpkg", make.field_boxes()), "OUTPUT_TABLE": str(f / "fields.gpkg")},
         "OUTPUT_TABLE: {folder}/fields.gpkg is an input of this run; writing there would destroy it. Choose another "
         "file.", algorithm=SPECTRAL),
]


def _text_file(path: Path, text: str = "not an image") -> str:
    path.write_text(text)
    return str(path)


def _bare(scene, folder: Path) -> Path:
    """The scene's raster without wavelength tags."""
    with rasterio.open(scene.raster) as source:
        profile, data = source.profile, source.read()
    path = folder / "bare.tif"
    with rasterio.open(path, "w", **profile) as target:
        target.write(data)
    return path


def _memory() -> dict:
    """This machine's memory as the sample-budget message words it."""
    from hsi_lime_plugin.memory import physical_memory

    return {"memory": f"{physical_memory() / 2**30:.0f}", "most": physical_memory() // 2 // (13 * 24 + 32)}


def _with_holes(data):
    data = data.astype(np.float32)
    data[0, 5, 5] = np.nan
    data[3, 7, 9] = np.inf
    return data


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case, scene, tmp_path, hsilime_provider):
    import processing

    if case.id == "device-cuda-without-cuda" and torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    outputs.mkdir()
    parameters = {**base_parameters(case.algorithm, scene, outputs), **case.build(inputs, scene)}
    parameters = {name: value for name, value in parameters.items() if value is not None}
    before = snapshot(inputs), snapshot(scene.folder)
    feedback = RecordingFeedback()
    if os.environ.get("PROBE"):
        try:
            processing.run(case.algorithm, parameters, feedback=feedback)
            print(f"\n@@ {case.id}: WORKS warnings={feedback.warnings}")
        except Exception as error:  # noqa: BLE001 (probe only)
            print(f"\n@@ {case.id}: {type(error).__name__}: {error!r}")
        return
    if case.refused is None:
        results = processing.run(case.algorithm, parameters, feedback=feedback)
        assert results, feedback.errors
        if case.warning:
            assert any(case.warning in warning for warning in feedback.warnings), feedback.warnings
        if case.algorithm == SPATIAL:
            _assert_same_grid(parameters["INPUT"], parameters["OUTPUT"])
    else:
        with pytest.raises(QgsProcessingException) as raised:
            processing.run(case.algorithm, parameters, feedback=feedback)
        expected = case.refused.format(folder=inputs, scene=scene.folder, torch=torch.__version__, **_memory())
        assert str(raised.value) == expected
        assert list(outputs.iterdir()) == []
    assert (snapshot(inputs), snapshot(scene.folder)) == before


def _assert_same_grid(raster, output):
    """The attribution raster lies exactly on the input's grid (rotated or not, with a CRS or none)."""
    with rasterio.open(raster) as source, rasterio.open(output) as result:
        assert (result.crs, result.transform, result.shape) == (source.crs, source.transform, source.shape)
        values = result.read(masked=True)
        assert np.ma.count(values) > 0 and np.isfinite(values.compressed()).all()
