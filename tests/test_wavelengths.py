"""Tests of hsi_lime_plugin.inputs.wavelengths: every storage convention, units, the user override."""
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rasterio.transform import from_origin

from hsi_lime_plugin.errors import HsiLimeError
from hsi_lime_plugin.inputs.wavelength_text import parse_wavelengths
from hsi_lime_plugin.inputs.wavelengths import read_wavelengths, to_nanometres

REPO_ROOT = Path(__file__).resolve().parents[1]

# Every raster of the shared data that carries (or lacks) wavelengths: (path relative to the
# shared data folder, band count, first and last wavelength in nm, or None when the file has
# no wavelength information). Values were read off each file with gdalinfo / rasterio.
ENMAP_TILES = [
    "enmap_potsdam_tile_128_0", "enmap_potsdam_tile_128_128", "enmap_potsdam_tile_128_32",
    "enmap_potsdam_tile_128_96", "enmap_potsdam_tile_160_128", "enmap_potsdam_tile_160_160",
    "enmap_potsdam_tile_160_64", "enmap_potsdam_tile_160_96", "enmap_potsdam_tile_192_128",
    "enmap_potsdam_tile_192_160", "enmap_potsdam_tile_192_64", "enmap_potsdam_tile_192_96",
    "enmap_potsdam_tile_64_0", "enmap_potsdam_tile_64_32", "enmap_potsdam_tile_96_0",
    "enmap_potsdam_tile_96_128", "enmap_potsdam_tile_96_32", "enmap_potsdam_tile_96_96",
]
FIXTURES = {
    # ENVI header says Micrometers, the .aux.xml says nm on 0.46 ... 2.409: the magnitude decides.
    "wavelength_fixtures/envi/envi": (177, 460.0, 2409.0),
    # RGB HyMap subset: descriptions Red/Green/Blue only, no wavelength metadata at all.
    "wavelength_fixtures/hymap.tif": (3, None, None),
    # ENVI domain at band level, with garbled units 'n' and 'm'.
    "wavelength_fixtures/variants/enmapbox_envidomain_bandlevel.tif": (2, 400.0, 500.0),
    "wavelength_fixtures/variants/enmapbox_envidomain_dslevel.tif": (2, 400.0, 500.0),
    "wavelength_fixtures/variants/envi_wl_fwhm.bsq": (2, 400.0, 500.0),
    "wavelength_fixtures/variants/envi_wl_implicit_nm.bsq": (2, 400.0, 500.0),
    "wavelength_fixtures/variants/envi_wl_implicit_um.bsq": (2, 400.0, 500.0),
    "wavelength_fixtures/variants/gdal_no_info.tif": (2, None, None),
    "wavelength_fixtures/variants/gdal_wl_fwhm.tif": (2, 400.0, 500.0),
    "wavelength_fixtures/variants/gdal_wl_only.tif": (2, 400.0, 500.0),
    # staclike.stac.json: center_wavelength 4.0 and 5.0 micrometres.
    "wavelength_fixtures/variants/staclike.tif": (2, 4000.0, 5000.0),
    "enmap_potsdam/enmap_potsdam_mosaic.tif": (224, 418.24, 2445.53),
    **{f"enmap_potsdam/images/{tile}.tif": (224, 418.24, 2445.53) for tile in ENMAP_TILES},
}


def _raster_files(shared_data: Path) -> set:
    """Every raster in the fixture folders (sidecars and the ENVI spectral library left out)."""
    found = set()
    for folder in ("wavelength_fixtures", "wavelength_fixtures/variants", "enmap_potsdam/images"):
        for path in (shared_data / folder).iterdir():
            if path.suffix in (".tif", ".bsq"):
                found.add(path.relative_to(shared_data).as_posix())
    found.add("wavelength_fixtures/envi/envi")  # ENVI file without extension
    found.add("enmap_potsdam/enmap_potsdam_mosaic.tif")
    return found


def test_the_table_covers_every_fixture_raster(shared_data):
    assert _raster_files(shared_data) == set(FIXTURES)


@pytest.mark.parametrize("relative", sorted(FIXTURES))
def test_read_wavelengths_of_real_files(shared_data, relative):
    count, first, last = FIXTURES[relative]
    path = shared_data / relative
    with rasterio.open(path) as dataset:
        assert dataset.count == count
        result = read_wavelengths(dataset)
    if first is None:
        assert result is None
        return
    assert result.dtype == np.float64
    assert result.shape == (count,)
    assert result[0] == pytest.approx(first, abs=0.01)
    assert result[-1] == pytest.approx(last, abs=0.01)
    assert np.all(np.isfinite(result)) and np.all(result >= 100.0)
    # A path (str or Path) gives the same answer as an open dataset.
    np.testing.assert_array_equal(read_wavelengths(str(path)), result)
    np.testing.assert_array_equal(read_wavelengths(path), result)


def test_enmap_wavelengths_match_band_descriptions(shared_data):
    path = shared_data / "enmap_potsdam/enmap_potsdam_mosaic.tif"
    with rasterio.open(path) as dataset:
        result = read_wavelengths(dataset)
        described = [float(d.split("(")[1].split()[0]) for d in dataset.descriptions]
    np.testing.assert_allclose(result, described)
    # EnMAP's VNIR (bands 1-91) and SWIR (92-224) detectors overlap: band order is kept, not sorted.
    assert np.all(np.diff(result[:91]) > 0) and np.all(np.diff(result[91:]) > 0)
    assert result[90] == pytest.approx(993.083) and result[91] == pytest.approx(902.257)


def test_envi_fixture_all_bands_are_nanometres(shared_data):
    result = read_wavelengths(shared_data / "wavelength_fixtures/envi/envi")
    assert result[:3] == pytest.approx([460.0, 465.0, 470.0])
    assert result.min() == pytest.approx(460.0) and result.max() == pytest.approx(2409.0)


def test_open_dataset_is_left_open(shared_data):
    with rasterio.open(shared_data / "wavelength_fixtures/variants/gdal_wl_only.tif") as dataset:
        read_wavelengths(dataset)
        assert not dataset.closed


# ----------------------------------------------------------- synthetic files, one convention each


def _write_tif(path: Path, count: int = 3) -> Path:
    data = np.arange(count * 4 * 5, dtype="float32").reshape(count, 4, 5)
    with rasterio.open(path, "w", driver="GTiff", width=5, height=4, count=count, dtype="float32",
                       crs="EPSG:32633", transform=from_origin(0, 0, 30, 30)) as dataset:
        dataset.write(data)
    return path


def test_synthetic_file_without_information_gives_none(tmp_path):
    assert read_wavelengths(_write_tif(tmp_path / "plain.tif")) is None


def test_band_descriptions_with_units(tmp_path):
    path = _write_tif(tmp_path / "described.tif")
    with rasterio.open(path, "r+") as dataset:
        for band, text in enumerate(["band 1 (462.08 Nanometers)", "band 2 (0.5 um)", "B3 705 nm"], start=1):
            dataset.set_band_description(band, text)
    np.testing.assert_allclose(read_wavelengths(path), [462.08, 500.0, 705.0])


def test_descriptions_with_bare_band_numbers_are_not_wavelengths(tmp_path):
    path = _write_tif(tmp_path / "numbered.tif")
    with rasterio.open(path, "r+") as dataset:
        for band in range(1, 4):
            dataset.set_band_description(band, f"Band {band}")
    assert read_wavelengths(path) is None


@pytest.mark.parametrize(("values", "units"), [("0.45, 0.55,\n 0.65", "Micrometers"),
                                               ("0.00045, 0.00055,\n 0.00065", "Millimeters")])
def test_envi_header_beside_a_geotiff_is_parsed(tmp_path, values, units):
    path = _write_tif(tmp_path / "scene.tif")
    (tmp_path / "scene.hdr").write_text(f"ENVI\nbands = 3\nwavelength = {{\n {values}}}\nwavelength units = {units}\n")
    np.testing.assert_allclose(read_wavelengths(path), [450.0, 550.0, 650.0])


def test_dataset_level_list_in_the_default_domain(tmp_path):
    path = _write_tif(tmp_path / "listed.tif")
    with rasterio.open(path, "r+") as dataset:
        dataset.update_tags(wavelength="{1.0, 1.5, 2.0}", wavelength_units="Micrometers")
    np.testing.assert_allclose(read_wavelengths(path), [1000.0, 1500.0, 2000.0])


def test_millimetre_units_are_honoured_when_plausible(tmp_path):
    path = _write_tif(tmp_path / "mm.tif")
    with rasterio.open(path, "r+") as dataset:
        for band, value in enumerate(["0.0004", "0.0005", "0.0006"], start=1):
            dataset.update_tags(band, wavelength=value, wavelength_units="Millimeters")
    np.testing.assert_allclose(read_wavelengths(path), [400.0, 500.0, 600.0])


def test_stac_sidecar_with_stac_1_1_band_objects_in_the_asset(tmp_path):
    path = _write_tif(tmp_path / "item.tif")
    item = {"type": "Feature", "properties": {},
            "assets": {"data": {"href": "./item.tif",
                                "bands": [{"eo:center_wavelength": v} for v in (0.49, 0.56, 0.665)]}}}
    (tmp_path / "item.stac.json").write_text(json.dumps(item))
    np.testing.assert_allclose(read_wavelengths(path), [490.0, 560.0, 665.0])


def test_broken_stac_sidecar_is_ignored(tmp_path):
    path = _write_tif(tmp_path / "broken.tif")
    (tmp_path / "broken.stac.json").write_text("{not json")
    assert read_wavelengths(path) is None


def test_imagery_domain_comes_before_band_tags(tmp_path):
    path = _write_tif(tmp_path / "both.tif")
    with rasterio.open(path, "r+") as dataset:
        for band in range(1, 4):
            dataset.update_tags(band, ns="IMAGERY", CENTRAL_WAVELENGTH_UM=str(0.4 + 0.1 * band))
            dataset.update_tags(band, wavelength=str(1000 + band), wavelength_units="nm")
    np.testing.assert_allclose(read_wavelengths(path), [500.0, 600.0, 700.0])


def test_imagery_domain_rounded_by_gdal_keeps_the_digits_of_the_tags_it_came_from(tmp_path):
    """GDAL 3.10's ENVI driver prints CENTRAL_WAVELENGTH_UM to three decimals; the band tags keep 418.24 nm."""
    path = _write_tif(tmp_path / "rounded.tif")
    exact = [418.24, 423.874, 429.5]
    with rasterio.open(path, "r+") as dataset:
        for band, value in enumerate(exact, start=1):
            dataset.update_tags(band, ns="IMAGERY", CENTRAL_WAVELENGTH_UM=f"{value / 1000:.3f}")
            dataset.update_tags(band, wavelength=str(value), wavelength_units="Nanometers")
    np.testing.assert_allclose(read_wavelengths(path), exact)


def test_a_convention_must_cover_every_band(tmp_path):
    path = _write_tif(tmp_path / "partial.tif")
    with rasterio.open(path, "r+") as dataset:
        dataset.update_tags(1, wavelength="999", wavelength_units="nm")  # band 1 only
        for band in range(1, 4):
            dataset.set_band_description(band, f"band {band} ({400 + 10 * band} nm)")
    np.testing.assert_allclose(read_wavelengths(path), [410.0, 420.0, 430.0])


def test_a_dataset_level_list_of_the_wrong_length_is_skipped(tmp_path):
    path = _write_tif(tmp_path / "short_list.tif")
    with rasterio.open(path, "r+") as dataset:
        dataset.update_tags(ns="ENVI", wavelength="{400, 500}", wavelength_units="nm")  # 2 values, 3 bands
        for band in range(1, 4):
            dataset.set_band_description(band, f"band {band} ({700 + band} nm)")
    np.testing.assert_allclose(read_wavelengths(path), [701.0, 702.0, 703.0])


def test_a_convention_with_invalid_values_is_skipped(tmp_path):
    path = _write_tif(tmp_path / "invalid.tif")
    with rasterio.open(path, "r+") as dataset:
        for band, value in enumerate(["500", "nan", "-3"], start=1):
            dataset.update_tags(band, wavelength=value)
            dataset.set_band_description(band, f"band {band} ({600 + band} nm)")
    np.testing.assert_allclose(read_wavelengths(path), [601.0, 602.0, 603.0])


def test_unreadable_path_raises_a_user_error(tmp_path):
    missing = tmp_path / "missing.tif"
    with pytest.raises(HsiLimeError, match="missing.tif' cannot be opened"):
        read_wavelengths(missing)


# ------------------------------------------------------------------------------ units


@pytest.mark.parametrize(
    ("values", "units", "expected"),
    [
        ([400.0, 2500.0], "nm", [400.0, 2500.0]),
        ([400.0, 2500.0], "Nanometers", [400.0, 2500.0]),
        ([0.4, 2.5], "Micrometers", [400.0, 2500.0]),
        ([0.4, 2.5], "\u00b5m", [400.0, 2500.0]),
        ([0.4, 2.5], "um", [400.0, 2500.0]),
        ([0.0004, 0.0025], "mm", [400.0, 2500.0]),
        ([4000.0, 25000.0], "Angstroms", [400.0, 2500.0]),
        ([0.46, 2.409], "nm", [460.0, 2409.0]),  # units contradict the magnitude
        ([460.0, 2409.0], "Micrometers", [460.0, 2409.0]),  # idem, other way round
        ([400.0, 500.0], "m", [400.0, 500.0]),  # metres would be absurd
        ([0.4, 500.0], None, [400.0, 500.0]),
        ([0.4, 2.5], "Wavenumber", [400.0, 2500.0]),  # unknown units count as missing
        ([8.0, 12.0], None, [8000.0, 12000.0]),  # thermal infrared in micrometres
    ],
)
def test_to_nanometres(values, units, expected):
    result = to_nanometres(values, units)
    assert result.dtype == np.float64
    np.testing.assert_allclose(result, expected)


def test_to_nanometres_keeps_shape_and_empty_input():
    assert to_nanometres([]).shape == (0,)
    assert to_nanometres(np.full((2, 3), 0.5)).shape == (2, 3)


positive = st.floats(min_value=0.1, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(st.lists(positive, min_size=1, max_size=50))
def test_property_no_units_gives_at_least_100_nm_and_is_idempotent(values):
    result = to_nanometres(values)
    assert np.all(result >= 100.0)
    # Each value is either kept (>= 100, nm) or multiplied by 1000 (< 100, micrometres).
    expected = [v if v >= 100 else v * 1000 for v in values]
    np.testing.assert_array_equal(result, expected)
    # Already in nm: converting again changes nothing.
    np.testing.assert_array_equal(to_nanometres(result), result)


@given(st.lists(st.floats(min_value=101.0, max_value=99_000.0), min_size=1, max_size=50),
       st.sampled_from([("nm", 1.0), ("micrometers", 1e-3), ("um", 1e-3), ("mm", 1e-6), ("Angstrom", 10.0)]))
def test_property_declared_units_agree_with_each_other(nanometres, unit):
    name, scale = unit
    result = to_nanometres(np.asarray(nanometres) * scale, name)
    np.testing.assert_allclose(result, nanometres, rtol=1e-12)


# ------------------------------------------------------------------- user override


def test_parse_a_list():
    np.testing.assert_array_equal(parse_wavelengths("462.08, 465.2 ,468.4"), [462.08, 465.2, 468.4])


def test_parse_tolerates_semicolons_whitespace_braces_and_unsorted_duplicates():
    np.testing.assert_array_equal(parse_wavelengths(" {500; 400\t400\n 450} "), [500.0, 400.0, 400.0, 450.0])


def test_parse_micrometres_become_nanometres():
    np.testing.assert_allclose(parse_wavelengths("0.45, 0.55, 2.2"), [450.0, 550.0, 2200.0])


def test_parse_a_file_with_one_line(tmp_path):
    path = tmp_path / "wl.txt"
    path.write_text("462.08,465.20,468.40\n")
    np.testing.assert_allclose(parse_wavelengths(str(path), n_bands=3), [462.08, 465.2, 468.4])
    np.testing.assert_allclose(parse_wavelengths(path), [462.08, 465.2, 468.4])


def test_parse_a_file_with_one_value_per_line_and_a_header(tmp_path):
    path = tmp_path / "wl.csv"
    path.write_text("wavelength_um\n0.5\n\n0.6\n0.7\n")
    np.testing.assert_allclose(parse_wavelengths(str(path)), [500.0, 600.0, 700.0])


def test_parse_a_table_with_a_wavelength_column(tmp_path):
    path = tmp_path / "bands.csv"
    path.write_text("band,center wavelength,fwhm\n1,450,10\n2,550,12\n")
    np.testing.assert_allclose(parse_wavelengths(str(path)), [450.0, 550.0])


def test_parse_the_real_hyperview_wavelength_file(shared_data):
    result = parse_wavelengths(str(shared_data / "hyperview/wavelengths.txt"), n_bands=150)
    assert result[0] == pytest.approx(462.08) and result[-1] == pytest.approx(938.37)


def test_parse_count_mismatch_message():
    with pytest.raises(HsiLimeError) as caught:
        parse_wavelengths("1,2,3,4,5", n_bands=9)
    assert str(caught.value) == (
        "wavelengths gives 5 values but the raster has 9 bands. "
        "Give exactly one wavelength per band, in band order."
    )


def test_parse_bad_item_message():
    with pytest.raises(HsiLimeError) as caught:
        parse_wavelengths("400, 500, abc, 700")
    assert str(caught.value) == (
        "wavelengths: item 3 'abc' is not a number. Give the band centre wavelengths as numbers "
        'separated by commas (e.g. "462.08, 465.2, 468.4"), or the path of a text file that holds them.'
    )


def test_parse_bad_item_in_a_file_names_the_line(tmp_path):
    path = tmp_path / "wl.txt"
    path.write_text("400\n500\nfive hundred\n")
    with pytest.raises(HsiLimeError, match=r"wl.txt', line 3: item 1 'five' is not a number"):
        parse_wavelengths(str(path))


@pytest.mark.parametrize("text", ["400, -500", "400, 0", "400, nan", "inf, 400"])
def test_parse_rejects_values_that_are_not_positive_and_finite(text):
    with pytest.raises(HsiLimeError, match="values must be positive and finite"):
        parse_wavelengths(text)


def test_parse_missing_file(tmp_path):
    missing = tmp_path / "nowhere" / "wl.txt"
    with pytest.raises(HsiLimeError, match=r"wavelengths: the file '.*wl.txt' does not exist"):
        parse_wavelengths(str(missing))


def test_parse_folder_and_empty_inputs(tmp_path):
    with pytest.raises(HsiLimeError, match="is a folder, not a file"):
        parse_wavelengths(str(tmp_path))
    with pytest.raises(HsiLimeError, match="wavelengths is empty"):
        parse_wavelengths(" , ;")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n# nothing\n")
    with pytest.raises(HsiLimeError, match="empty.txt' is empty"):
        parse_wavelengths(str(empty))


def test_parse_binary_file(tmp_path):
    path = tmp_path / "wl.bin"
    path.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(HsiLimeError, match="is not a text file"):
        parse_wavelengths(str(path))


def test_parse_table_without_wavelength_column(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("a,b\n1,450\n2,550\n")
    with pytest.raises(HsiLimeError, match="no column named 'wavelength'"):
        parse_wavelengths(str(path))


# Plain st.text() rarely builds numbers, separators or paths; the second strategy does.
_TRICKY = st.text(alphabet=st.sampled_from(list("0123456789.,;eE+-/\\~ \n\t{}[]()nanif_\x00")))


@settings(max_examples=300)
@given(st.text() | _TRICKY)
@example("~\x00")  # once crashed os.path.expanduser
@example("1e400, 400")
@example("./nowhere/wl.txt")
def test_property_arbitrary_text_raises_only_user_errors(text):
    try:
        result = parse_wavelengths(text)
    except HsiLimeError as error:
        assert "wavelengths" in str(error)
    else:
        assert result.dtype == np.float64 and result.size > 0
        assert np.all(np.isfinite(result)) and np.all(result > 0)


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=30),
       st.sampled_from([",", ", ", ";", " ", "\n", " ;\t"]))
def test_property_formatted_floats_round_trip_or_raise_a_user_error(values, separator):
    text = separator.join(repr(v) for v in values)
    valid = all(math.isfinite(v) and v > 0 for v in values)
    if valid:
        np.testing.assert_array_equal(parse_wavelengths(text, n_bands=len(values)), to_nanometres(values))
    else:
        with pytest.raises(HsiLimeError, match="values must be positive and finite"):
            parse_wavelengths(text)


# --------------------------------------------------------------------------- house rules


def test_module_does_not_import_qgis():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'qgis' or name.startswith('qgis.'):\n"
        "            raise ImportError('qgis is blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import hsi_lime_plugin.inputs.wavelengths, hsi_lime_plugin.inputs.wavelength_text\n"
        "assert not any(m == 'qgis' or m.startswith('qgis.') for m in sys.modules)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
