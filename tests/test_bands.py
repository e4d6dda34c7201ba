"""Superbands from the BAND_GROUPS string: grammar, spyndex names, overlaps, messages."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hsi_lime_plugin.features.band_grammar import GroupSpec, parse_band_groups
from hsi_lime_plugin import RecordingReporter
from hsi_lime_plugin.features.superbands import resolve_band_groups
from hsi_lime_plugin.errors import HsiLimeError

# 9 bands at 400, 450, ..., 800 nm (indices 0..8).
NINE = np.arange(400.0, 801.0, 50.0)
# A realistic VNIR imaging spectrometer grid: 150 bands, 462.08-938.37 nm, about 3.2 nm apart.
VNIR = np.linspace(462.08, 938.37, 150)
EXAMPLE = "R; G+B; BI; potassium=462-475,599-613; edge=i40-i60"


def resolve(text, wavelengths=NINE, n_bands=None, include_rest=True):
    """resolve_band_groups with its warnings kept aside (they are tested separately)."""
    n_bands = len(wavelengths) if n_bands is None else n_bands
    return resolve_band_groups(text, wavelengths, n_bands, include_rest=include_rest, reporter=RecordingReporter())


def warnings_of(text, wavelengths, n_bands):
    """The result of resolve_band_groups and the warnings it reported."""
    reporter = RecordingReporter()
    return resolve_band_groups(text, wavelengths, n_bands, reporter=reporter), reporter.warnings


def error_of(text, wavelengths=NINE, n_bands=None, include_rest=True):
    with pytest.raises(HsiLimeError) as info:
        resolve(text, wavelengths, n_bands, include_rest)
    return str(info.value)


def assert_consistent(result, n_bands):
    """Features, labels, band lists and texts describe the same disjoint groups."""
    features = result.features
    assert features.dtype == np.int64 and features.shape == (n_bands,)
    k = len(result.labels)
    assert len(result.band_indices) == len(result.ranges_text) == k == result.n_features
    assert len(set(result.labels)) == k
    assert features.min() >= 0 and features.max() <= k
    seen = []
    for value, bands in enumerate(result.band_indices, start=1):
        assert bands, "every superband has at least one band"
        assert len(set(bands)) == len(bands)
        assert np.all(features[bands] == value)
        seen.extend(bands)
    assert len(seen) == len(set(seen)), "a band is in at most one group"
    assert sorted(seen) == np.flatnonzero(features).tolist()


# --------------------------------------------------------------------------- mappings


@pytest.mark.parametrize("name, bands", [("R", [5]), ("G", [3, 4]), ("B", [1, 2]), ("AVI", [8, 5])])
def test_expected_mappings_on_nine_bands(name, bands):
    result = resolve(name)
    assert result.labels[0] == name
    assert result.band_indices[0] == bands  # order: AVI lists N then R
    assert np.flatnonzero(result.features == 1).tolist() == sorted(bands)
    assert_consistent(result, 9)


def test_example_string_on_vnir_grid():
    result = resolve(EXAMPLE, VNIR)
    assert result.labels == ["R", "G+B", "BI", "potassium", "edge", "not_included"]
    assert result.band_indices == [
        list(range(50, 72)),                          # R 620-690 nm
        list(range(15, 44)) + list(range(0, 15)),     # G 510-600 nm, then the rest of B 450-530 nm
        list(range(94, 137)),                         # BI: only N (760-900) is left; S1 lies outside
        [44, 45, 46, 47],                             # potassium: 462-475 and 599.5 are already G+B's
        [48, 49],                                     # edge i40-i60: the bands nobody claimed before
        list(range(72, 94)) + list(range(137, 150)),  # not_included
    ]
    assert result.ranges_text == [
        "621.9-689.0", "462.1-599.5", "762.6-896.8", "602.7-612.3", "615.5-618.7", "692.2-759.4, 900.0-938.4"]
    assert result.features[[0, 15, 44, 48, 50, 72, 94, 137, 149]].tolist() == [2, 2, 4, 5, 1, 6, 3, 6, 6]
    assert_consistent(result, 150)


def test_example_string_warnings():
    _, messages = warnings_of(EXAMPLE, VNIR, 150)
    assert messages == [
        "band_groups: band B of group 'G+B' covers 450-530 nm, which lies partly outside the raster "
        "(462.1-938.4 nm); the group keeps the 22 bands inside.",
        "band_groups: band S1 of group 'BI' covers 1550-1750 nm, which lies outside the raster "
        "(462.1-938.4 nm); the group gets no band from it.",
        "band_groups: band B of group 'BI' covers 450-530 nm, which lies partly outside the raster "
        "(462.1-938.4 nm); the group keeps the 22 bands inside.",
        "band_groups: group 'BI' shares 22 bands with the earlier group 'R': i50-i71 (621.9-689.0 nm); "
        "they stay in 'R', the first group that claims them.",
        "band_groups: group 'BI' shares 22 bands with the earlier group 'G+B': i0-i21 (462.1-529.2 nm); "
        "they stay in 'G+B', the first group that claims them.",
        "band_groups: group 'potassium' shares 6 bands with the earlier group 'G+B': i0-i4 (462.1-474.9 nm), "
        "i43 (599.5 nm); they stay in 'G+B', the first group that claims them.",
        "band_groups: group 'edge' shares 11 bands with the earlier group 'R': i50-i60 (621.9-653.9 nm); "
        "they stay in 'R', the first group that claims them.",
        "band_groups: group 'edge' shares 4 bands with the earlier group 'G+B': i40-i43 (589.9-599.5 nm); "
        "they stay in 'G+B', the first group that claims them.",
        "band_groups: group 'edge' shares 4 bands with the earlier group 'potassium': i44-i47 "
        "(602.7-612.3 nm); they stay in 'potassium', the first group that claims them.",
    ]


def test_parse_example_string():
    groups = parse_band_groups(EXAMPLE)
    assert groups == [
        GroupSpec("R", "names", ("R",), 0, (0,), ("R",), False),
        GroupSpec("G+B", "names", ("G", "B"), 3, (3, 5), ("G", "B"), False),
        GroupSpec("BI", "names", ("BI",), 8, (8,), ("BI",), False),
        GroupSpec("potassium", "wavelengths", ((462.0, 475.0), (599.0, 613.0)), 12, (22, 30),
                  ("462-475", "599-613"), True),
        GroupSpec("edge", "indices", ((40, 60),), 39, (44,), ("i40-i60",), True),
    ]


def test_spaces_dashes_blank_groups_and_labelled_names():
    groups = parse_band_groups("  vis = R + G+ B ;; x = 550 \u2013 600 , 700 ; e = i3 - i5, i7 ;")
    assert [(g.label, g.kind, g.items) for g in groups] == [
        ("vis", "names", ("R", "G", "B")),
        ("x", "wavelengths", ((550.0, 600.0), (700.0, None))),
        ("e", "indices", ((3, 5), (7, 7))),
    ]
    assert parse_band_groups("G + B")[0].label == "G+B"
    assert parse_band_groups("") == [] and parse_band_groups(" ; ;") == []


def test_wavelength_ranges_and_index_lists():
    result = resolve("x=420-520,700; y=i0,i6-i7", NINE)
    assert result.band_indices == [[1, 2, 6], [0, 7], [3, 4, 5, 8]]
    assert result.ranges_text == ["450-500, 700", "400, 750", "550-650, 800"]
    multi = resolve("potassium=462-475,599-613", VNIR)
    assert multi.band_indices[0] == [0, 1, 2, 3, 4, 43, 44, 45, 46, 47]
    assert multi.ranges_text[0] == "462.1-474.9, 599.5-612.3"


def test_range_bounds_are_inclusive():
    assert resolve("x=450-550").band_indices[0] == [1, 2, 3]
    assert resolve("x=450.001-549.999").band_indices[0] == [2]
    assert resolve("x=650-650").band_indices[0] == [5]


def test_single_wavelength_snaps_to_nearest_band():
    assert resolve("x=560").band_indices[0] == [3]
    assert resolve("x=580").band_indices[0] == [4]
    assert resolve("x=575").band_indices[0] == [3]  # a tie goes to the lower band index
    assert resolve("x=360").band_indices[0] == [0]  # within one band spacing below the first band
    assert resolve("x=849").band_indices[0] == [8]
    assert resolve("green=550", VNIR).band_indices[0] == [28]  # 551.6 nm, 1.6 nm away
    assert resolve("green=550", VNIR).ranges_text[0] == "551.6"


def test_snapping_across_a_gap_warns():
    gap = np.array([400.0, 410.0, 420.0, 430.0, 600.0, 610.0, 620.0])
    result, messages = warnings_of("x=500", gap, 7)
    assert result.band_indices[0] == [3]
    assert messages == [
        "band_groups: wavelength 500 nm of group 'x' snapped to band i3 at 430 nm, 70.0 nm away "
        "(the median band spacing is 10.0 nm)."]


def test_overlap_first_group_wins_and_warns():
    result, messages = warnings_of("R; NDVI", NINE, 9)
    assert result.band_indices[:2] == [[5], [8]]
    assert ("band_groups: group 'NDVI' shares 1 band with the earlier group 'R': i5 (650 nm); they stay in 'R', "
            "the first group that claims them.") in messages


def test_rest_group_present_absent_and_fixed():
    result = resolve("R; G")
    assert result.labels == ["R", "G", "not_included"]
    assert result.features.tolist() == [3, 3, 3, 2, 2, 1, 3, 3, 3]
    assert result.band_indices[2] == [0, 1, 2, 6, 7, 8]
    assert result.ranges_text[2] == "400-500, 700-800"

    fixed = resolve("R; G", include_rest=False)
    assert fixed.labels == ["R", "G"]
    assert fixed.features.tolist() == [0, 0, 0, 2, 2, 1, 0, 0, 0]

    everything = resolve("a=i0-i4; b=i5-i8")
    assert everything.labels == ["a", "b"]
    assert everything.features.tolist() == [1, 1, 1, 1, 1, 2, 2, 2, 2]


def test_index_groups_without_wavelengths():
    result = resolve("edge=i2-i4; x=i0,i8", None, 9)
    assert result.band_indices == [[2, 3, 4], [0, 8], [1, 5, 6, 7]]
    assert result.ranges_text == ["i2-i4", "i0, i8", "i1, i5-i7"]


def test_index_constants_are_skipped():
    assert resolve("SAVI").band_indices[0] == [8, 5]        # bands L (constant), N, R
    assert resolve("EVI").band_indices[0] == [8, 5, 1, 2]   # g, N, R, C1, C2, B, L
    assert resolve("ATSAVI").band_indices[0] == [8, 5]
    assert resolve("kNDVI").band_indices[0] == [8, 5]       # kernel terms kNN, kNR stand for N and R
    assert resolve("EVI+G").band_indices[0] == [8, 5, 1, 2, 3, 4]


def test_names_case_insensitive_only_when_unique():
    result = resolve("ndvi")
    assert result.labels[0] == "ndvi" and result.band_indices[0] == [8, 5]
    # Exact spelling wins: BaI (Bareness Index: R, S1, N) and BAI (Burned Area Index) differ only in case.
    assert resolve("BaI").band_indices[0] == [5, 8]
    assert resolve("BI").band_indices[0] == [5, 8, 1, 2]  # S1 (outside), R, N, B


def test_partly_outside_band_warns():
    result, messages = warnings_of("N", NINE, 9)
    assert result.band_indices[0] == [8]
    assert messages == [
        "band_groups: band N of group 'N' covers 760-900 nm, which lies partly outside the raster (400-800 nm); "
        "the group keeps the 1 band inside."]


def test_no_warnings_when_everything_is_clean():
    result, messages = warnings_of("R; G", NINE, 9)
    assert result.labels == ["R", "G", "not_included"] and messages == []


# --------------------------------------------------------------------------- errors (exact messages)


def test_error_malformed_position_with_caret():
    assert error_of("R; G+B; potassium=-475") == (
        "band_groups: unexpected '-' at character 19: a wavelength range needs both ends and wavelengths are "
        "positive, as in 'potassium=462-475'.\n"
        "  R; G+B; potassium=-475\n"
        "                    ^")


def test_error_unknown_name_suggests_closest():
    assert error_of("R; NVDI") == (
        "band_groups: unknown band or index name 'NVDI' at character 4: did you mean 'NDVI', 'NMDI', 'NDYI', "
        "'NDWI', 'NDTI'? Band names are the spyndex bands (A, B, G, G1, N, N2, R, RE1, RE2, RE3, S1, S2, T, T1, "
        "T2, WV, Y); index names are the spyndex spectral indices such as NDVI, SAVI or EVI.\n"
        "  R; NVDI\n"
        "     ^")
    assert "did you mean 'R', " in error_of("Red")
    assert "no band or index has a similar name." in error_of("zzzzzz")


def test_error_ambiguous_case():
    assert error_of("bai") == (
        "band_groups: 'bai' at character 1 matches several names that differ only in case ('BAI', 'BaI'): "
        "write the name with its exact capitals.\n"
        "  bai\n"
        "  ^")


def test_error_constant_is_not_a_band():
    assert error_of("R+L") == (
        "band_groups: 'L' at character 3 is a spyndex constant, not a band: use band names (A, B, G, G1, N, N2, "
        "R, RE1, RE2, RE3, S1, S2, T, T1, T2, WV, Y) or index names such as NDVI.\n"
        "  R+L\n"
        "    ^")


def test_error_names_without_wavelengths():
    assert error_of("edge=i40-i60; NDVI", None, 150) == (
        "band_groups: the index name 'NDVI' at character 15 needs band wavelengths, but the raster has none: "
        "give them with the wavelengths parameter (a comma-separated list of wavelengths in nm, one per band, "
        "or a text file that lists them), or group bands by band index, which needs no wavelengths, as in "
        "'edge=i40-i60'.\n"
        "  edge=i40-i60; NDVI\n"
        "                ^")
    assert error_of("x=500-600", None, 9).startswith(
        "band_groups: the wavelength group 'x' at character 1 needs band wavelengths, but the raster has none: "
        "give them with the wavelengths parameter")


def test_error_range_outside_sensor():
    assert error_of("R; swir=1000-1100", VNIR) == (
        "band_groups: the range 1000-1100 nm of group 'swir' at character 9 contains no band of the raster, "
        "which covers 462.1-938.4 nm with 150 bands: choose a range inside it.\n"
        "  R; swir=1000-1100\n"
        "          ^")


def test_error_range_between_bands():
    assert error_of("x=802-803", VNIR) == (
        "band_groups: the range 802-803 nm of group 'x' at character 3 contains no band of the raster, which "
        "covers 462.1-938.4 nm with 150 bands; it falls between band i106 (800.9 nm) and band i107 (804.1 nm): "
        "widen the range.\n"
        "  x=802-803\n"
        "    ^")


def test_error_single_wavelength_outside_sensor():
    assert error_of("x=1200", VNIR) == (
        "band_groups: the wavelength 1200 nm of group 'x' at character 3 lies outside the raster, which covers "
        "462.1-938.4 nm with 150 bands: choose a wavelength inside that range.\n"
        "  x=1200\n"
        "    ^")
    assert "lies outside the raster" in error_of("x=349")


def test_error_name_group_with_no_band():
    assert error_of("S1+S2", VNIR) == (
        "band_groups: the group 'S1+S2' at character 1 has no band in the raster, which covers 462.1-938.4 nm "
        "with 150 bands (S1 covers 1550-1750 nm; S2 covers 2080-2350 nm): choose bands or indices inside that "
        "range, or give wavelengths or band indices.\n"
        "  S1+S2\n"
        "  ^")


def test_error_radar_index():
    assert error_of("VVVHR") == (
        "band_groups: the index 'VVVHR' at character 1 uses no band with a wavelength range (its inputs are VV, "
        "VH), so it cannot group the bands of a spectrum: choose another index or give wavelengths or band "
        "indices.\n"
        "  VVVHR\n"
        "  ^")


def test_error_band_index_out_of_range():
    assert error_of("R; edge=i40-i160", VNIR) == (
        "band_groups: band index i160 at character 13 is out of range: the raster has 150 bands, i0 to i149.\n"
        "  R; edge=i40-i160\n"
        "              ^")
    assert error_of("x=i9") == (
        "band_groups: band index i9 at character 3 is out of range: the raster has 9 bands, i0 to i8.\n"
        "  x=i9\n"
        "    ^")


def test_error_group_with_no_band_of_its_own():
    assert error_of("R; red=R") == (
        "band_groups: the group 'red' at character 4 has no band of its own: all its bands, i5 (650 nm), already "
        "belong to the earlier group 'R': remove it or move it before them.\n"
        "  R; red=R\n"
        "     ^")


@pytest.mark.parametrize("text, expected", [
    ("R;=500-600", "band_groups: empty label before '=' at character 3: write a label, as in 'potassium=462-475', "
                   "or remove the '='.\n  R;=500-600\n    ^"),
    ("a=", "band_groups: the group 'a' at character 1 has nothing after '=': give band or index names, wavelengths "
           "or band indices, as in 'potassium=462-475'.\n  a=\n  ^"),
    ("x=462..5", "band_groups: '462..5' at character 3 is not a wavelength: write wavelengths in nm as plain "
                 "numbers such as 550 or 462.5.\n  x=462..5\n    ^"),
    ("x=i4x", "band_groups: 'i4x' at character 3 is not a band index: write a band index as 'i' followed by a "
              "0-based band number, as in 'i40'.\n  x=i4x\n    ^"),
    ("R; 462-475", "band_groups: the wavelength group starting '462' at character 4 needs a label: write it as "
                   "'label=462...', as in 'potassium=462-475'.\n  R; 462-475\n     ^"),
    ("i40-i60", "band_groups: the band-index group starting 'i40' at character 1 needs a label: write it as "
                "'label=i40...', as in 'edge=i40-i60'.\n  i40-i60\n  ^"),
    ("x=475-462", "band_groups: the range 475-462 at character 3 runs backwards: write the lower bound first, "
                  "462-475.\n  x=475-462\n    ^"),
    ("e=i60-i40", "band_groups: the range i60-i40 at character 3 runs backwards: write the lower bound first, "
                  "i40-i60.\n  e=i60-i40\n    ^"),
    ("e=i40-60", "band_groups: '60' at character 7 in a band-index group has no 'i' prefix: write every band index "
                 "with its 'i', as in 'edge=i40-i60' (a number without 'i' is a wavelength in nm).\n"
                 "  e=i40-60\n        ^"),
    ("x=500-i3", "band_groups: the band index 'i3' at character 7 is in a group of wavelengths: a group holds band "
                 "or index names, wavelengths or band indices, never a mix; give it a group of its own.\n"
                 "  x=500-i3\n        ^"),
    ("R G", "band_groups: unexpected 'G' at character 3: join band and index names with '+' and separate groups "
            "with ';', as in 'R; G+B'.\n  R G\n    ^"),
    ("R+", "band_groups: expected a band or index name after '+' at character 3, found the end of the text: join "
           "band and index names with '+' and separate groups with ';', as in 'R; G+B'.\n  R+\n    ^"),
    ("x=500-;R", "band_groups: expected a wavelength in nm after '-' at character 7, found the end of the group "
                 "(';'): write a range with both ends, as in 'potassium=462-475'.\n  x=500-;R\n        ^"),
    ("a=b=c", "band_groups: unexpected '=' at character 4: a group has at most one label; separate groups with "
              "';'.\n  a=b=c\n     ^"),
    ("R; (G)", "band_groups: unexpected '(' at character 4: a group is band or index names ('R', 'G+B', 'NDVI'), "
               "wavelengths in nm ('potassium=462-475,599-613') or band indices ('edge=i40-i60').\n"
               "  R; (G)\n     ^"),
    ("a+b=R", "band_groups: the label 'a+b' at character 2 contains '+': labels may not contain '+' or ','; write "
              "names without a label ('G+B') or choose another label.\n  a+b=R\n   ^"),
    ("not_included=R", "band_groups: the label 'not_included' at character 1 is reserved for the bands that are in "
                       "no group: choose another label.\n  not_included=R\n  ^"),
    ("R; x=i1; R", "band_groups: the label 'R' at character 10 is already used by the group at character 1: give "
                   "each group its own label, as in 'R; red2=R'.\n  R; x=i1; R\n           ^"),
])
def test_syntax_errors_exact(text, expected):
    with pytest.raises(HsiLimeError) as info:
        parse_band_groups(text)
    assert str(info.value) == expected


def test_error_empty_string():
    assert error_of(" ; ") == (
        "band_groups is empty: give at least one group, as in 'R; G+B; potassium=462-475,599-613; edge=i40-i60'.")


def test_error_wavelengths_do_not_match_bands():
    assert error_of("R", NINE[:8], 9) == (
        "wavelengths: 8 wavelengths for a raster of 9 bands: give exactly one wavelength in nm per band.")
    bad = NINE.copy()
    bad[3] = np.nan
    assert error_of("R", bad) == "wavelengths: band i3 has wavelength nan: every band needs a finite wavelength in nm."
    assert error_of("R", ["x"] * 9) == (
        "wavelengths: cannot read the wavelengths as numbers (could not convert string to float: 'x'): give one "
        "wavelength in nm per band.")


def test_caret_points_at_the_offending_character_in_long_strings():
    text = "; ".join(f"g{k}=i{k}" for k in range(30)) + "; bad=5$"
    message = error_of(text, VNIR)
    shown, caret = message.splitlines()[-2:]
    assert shown.startswith("  ...") and len(shown) <= 2 + 3 + 72 + 3
    assert shown[caret.index("^")] == "$"


# --------------------------------------------------------------------------- properties

TOKENS = ["R", "G", "B", "N", "S1", "NDVI", "BI", "AVI", "EVI", "kNDVI", "VVVHR", "ndvi", "bai", "L", "Q",
          "x", "edge", "not_included", "=", ";", "+", ",", "-", "\u2013", " ", "i", "0", "5", "40", "149", "150",
          "462", "475.5", ".", "9" * 30, "{at}", "\n", "$"]
TEXTS = st.one_of(st.text(max_size=60), st.lists(st.sampled_from(TOKENS), max_size=25).map("".join))


@settings(max_examples=400, deadline=None)
@given(text=TEXTS, with_wavelengths=st.booleans(), include_rest=st.booleans())
def test_arbitrary_text_raises_only_hsilimeerror(text, with_wavelengths, include_rest):
    try:
        parse_band_groups(text)
    except HsiLimeError as error:
        assert str(error).startswith("band_groups: ")
    try:
        result = resolve(text, VNIR if with_wavelengths else None, 150, include_rest)
    except HsiLimeError as error:
        assert re.match(r"(band_groups|wavelengths)[: ]", str(error))
        lines = str(error).splitlines()
        if len(lines) > 1:  # a caret line under the (shown part of the) string
            assert re.fullmatch(r"  +\^", lines[-1])
        return
    assert_consistent(result, 150)
    if not include_rest:
        assert "not_included" not in result.labels


@pytest.mark.parametrize(("wavelengths", "expected"), [
    (np.linspace(420, 2450, 224), "B; G; R; RE1; RE2; RE3; N; S1; S2"),  # EnMAP-like: N2 lies inside N
    (np.linspace(420, 2400, 64), "B; G; R; RE1; RE2; RE3; N; S1; S2"),  # coarse bands
    (np.linspace(462.08, 938.37, 150), "G; R; RE1; RE2; RE3; N"),  # HYPERVIEW: B starts below 462 nm
])
def test_the_standard_bands_are_those_with_a_band_of_their_own(wavelengths, expected):
    """Empty BAND_GROUPS: the standard bands inside the range, each with a band no earlier one took; their
    windows overlap by design, so the shared bands are said (info), not warned about."""
    reporter = RecordingReporter()
    superbands = resolve_band_groups("", wavelengths, wavelengths.size, reporter=reporter)
    assert superbands.labels == expected.split("; ") + ["not_included"]
    assert reporter.infos[0] == f"band_groups: empty, so the standard bands inside the raster's range: {expected}"
    assert reporter.warnings == []
    assert any("shares" in info for info in reporter.infos)
