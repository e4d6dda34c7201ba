"""The algorithms are at home in QGIS: names that fit their choices, toolbox groups, tuning knobs
under Advanced, help that reads well in the dialog (HTML) and in ``qgis_process help`` (text),
and help links that open each algorithm's page of the documentation site."""
import subprocess

import pytest
from helpers import NO_QGIS

pytest.importorskip("qgis.core", reason=NO_QGIS)
from qgis.core import QgsApplication, QgsProcessingParameterDefinition  # noqa: E402

EXPECTED = {
    "explain_spatial": ("Explain spatial importance", "explain_raster", "Explain a raster"),
    "explain_spectral": ("Explain spectral importance", "explain_raster", "Explain a raster"),
    "attribute_pixels": ("Explain pixels and bands (gradients, occlusion)", "explain_raster", "Explain a raster"),
    "explain_fields": ("Explain every field or tile", "map_scale", "Map scale"),
    "import_product": ("Import a sensor product", "products", "Sensor products"),
    "install_dependencies": ("Install or update Python dependencies", "setup", "Setup"),
}
#: Tuning knobs: folded under Advanced wherever an algorithm has them.
ADVANCED = {"BATCH_SIZE", "KERNEL_WIDTH", "DEVICE", "SEED", "PRECISION", "MAX_SAMPLES", "COMPACTNESS", "WAVELENGTHS",
            "KEEP_UNGROUPED", "N_STEPS", "N_NOISE", "NOISE_LEVEL", "STRIDE", "DASK_SCHEDULER", "FOLDER"}
#: What a first run needs: never hidden under Advanced.
ESSENTIAL = {"INPUT", "PRODUCT", "MODEL", "POLYGONS", "TARGETS", "METHOD", "N_SAMPLES", "SEGMENTATION", "UNITS", "KIND", "OUTPUT"}


def algorithms():
    registry = QgsApplication.processingRegistry()
    return {name: registry.algorithmById(f"hsilime:{name}") for name in EXPECTED}


def test_names_and_groups_fit(hsilime_provider):
    for name, algorithm in algorithms().items():
        title, group_id, group = EXPECTED[name]
        assert algorithm.displayName() == title
        assert (algorithm.groupId(), algorithm.group()) == (group_id, group)
        assert "(LIME)" not in algorithm.displayName()


def test_tuning_knobs_are_advanced_and_essentials_are_not(hsilime_provider):
    advanced_flag = QgsProcessingParameterDefinition.FlagAdvanced
    seen = set()
    for name, algorithm in algorithms().items():
        for parameter in algorithm.parameterDefinitions():
            is_advanced = bool(parameter.flags() & advanced_flag)
            if parameter.name() in ADVANCED and not (name == "install_dependencies" and parameter.name() == "DEVICE"):
                assert is_advanced, f"{name}: {parameter.name()} should be under Advanced"
                seen.add(parameter.name())
            if parameter.name() in ESSENTIAL:
                assert not is_advanced, f"{name}: {parameter.name()} should not be hidden"
    assert seen == ADVANCED


def test_help_links_open_the_reference_page_of_the_algorithm(hsilime_provider):
    """The Help button (helpUrl) and the link under the dialog's help open the algorithm's page of the site that
    metadata.txt names (the pages themselves are checked by tests/test_docs.py)."""
    for name, algorithm in algorithms().items():
        assert algorithm.helpUrl() == f"https://hsi-lime.github.io/hsi-lime/reference/{name}/"
        assert algorithm.shortHelpString().endswith(f'<a href="{algorithm.helpUrl()}">Reference page: every '
                                                    'parameter in full, with examples</a>')


def test_dialog_help_is_html_with_every_parameter_and_its_name(hsilime_provider):
    for name, algorithm in algorithms().items():
        text = algorithm.shortHelpString()
        assert text.startswith(algorithm.shortDescription()[:-1])
        for parameter in algorithm.parameterDefinitions():
            line = f"<b>{parameter.description()}</b> <i>({parameter.name()})</i>: "
            assert line in text.replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&"), (name, line)
        lines = text.split("\n")
        advanced = [i for i, line in enumerate(lines) if "<i>(SEED)</i>" in line or "<i>(FOLDER)</i>" in line]
        if name != "import_product":  # the one algorithm without tuning knobs
            assert lines.index("<b>Advanced parameters</b>") < advanced[0]
        assert "<ul>" not in text and "<li>" not in text  # the dialog makes each line a paragraph


def test_qgis_process_help_is_plain_text(qgis_process):
    from helpers.qgis import QGIS_PROCESS

    env = qgis_process.env
    for name in EXPECTED:
        completed = subprocess.run([QGIS_PROCESS, "help", f"hsilime:{name}"], env=env, capture_output=True, text=True)
        assert completed.returncode == 0, completed.stderr
        description = completed.stdout.split("Description\n----------------\n")[1].split("\n----------------")[0]
        assert "<" not in description and "&amp;" not in description, description
        lines = description.strip().split("\n")
        assert lines[0].endswith(".") and lines[-1] == f"More: https://hsi-lime.github.io/hsi-lime/reference/{name}/"
        assert f"{EXPECTED[name][0]} (hsilime:{name})" in completed.stdout


def test_band_groups_are_checked_when_the_dialog_is_accepted(hsilime_provider):
    """A BAND_GROUPS that does not parse is refused by checkParameterValues (what the dialog calls on Run),
    pointing at the character, in explain_spectral and explain_fields alike; an empty one is fine."""
    from qgis.core import QgsProcessingContext

    context = QgsProcessingContext()
    for name in ("explain_spectral", "explain_fields"):
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(f"hsilime:{name}")
        ok, message = algorithm.checkParameterValues({"BAND_GROUPS": "R; G+; edge=i40-i60"}, context)
        assert not ok
        assert message == (
            "BAND_GROUPS: expected a band or index name after '+' at character 6, found the end of the group (';'): "
            "join band and index names with '+' and separate groups with ';', as in 'R; G+B'.\n"
            "  R; G+; edge=i40-i60\n"
            "       ^"
        )
        assert "BAND_GROUPS" not in algorithm.checkParameterValues({"BAND_GROUPS": ""}, context)[1]
