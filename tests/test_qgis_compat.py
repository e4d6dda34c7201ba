"""processing_algorithms/qgis_compat.py: each enum in the form this QGIS has, the new one where it exists."""
import ast

import pytest

from helpers import REPO_ROOT, import_plugin_package

qgis_core = pytest.importorskip("qgis.core", reason="needs PyQGIS")

#: The spellings QGIS 3.36+ replaces; only qgis_compat may name them (as strings, for QGIS < 3.36).
OLD_FORMS = {("QgsProcessing", "TypeRaster"), ("QgsProcessing", "TypeVector"), ("QgsProcessing", "TypeVectorPolygon"),
             ("QgsProcessingParameterNumber", "Double"), ("QgsProcessingParameterFile", "Folder"),
             ("QgsRasterBandStats", "Min"), ("QgsRasterBandStats", "Max"), ("QgsColorRampShader", "Interpolated")}


@pytest.fixture(scope="module")
def compat():
    import_plugin_package()
    from hsi_lime.processing_algorithms import qgis_compat

    return qgis_compat


def test_the_new_form_is_taken_where_this_qgis_has_it(compat):
    assert compat.resolve("Qgis.QGIS_VERSION", "QgsProcessing.TypeRaster") == qgis_core.Qgis.QGIS_VERSION
    assert compat.resolve("Qgis.NoSuchEnum.Member", "QgsProcessing.TypeRaster") == qgis_core.QgsProcessing.TypeRaster
    with pytest.raises(AttributeError):
        compat.resolve("Qgis.NoSuchEnum.Member", "QgsProcessing.NoSuchName")


def test_each_constant_is_the_value_of_the_old_name(compat):
    """On every QGIS the constants keep the meaning of the names they replace (3.36+ aliases them)."""
    core = qgis_core
    assert [compat.SOURCE_RASTER, compat.SOURCE_VECTOR, compat.SOURCE_VECTOR_POLYGON] == [
        core.QgsProcessing.TypeRaster, core.QgsProcessing.TypeVector, core.QgsProcessing.TypeVectorPolygon]
    assert compat.NUMBER_DOUBLE == core.QgsProcessingParameterNumber.Double
    assert compat.PARAMETER_ADVANCED == core.QgsProcessingParameterDefinition.FlagAdvanced
    assert compat.PARAMETER_OPTIONAL == core.QgsProcessingParameterDefinition.FlagOptional
    assert compat.FILE_FOLDER == core.QgsProcessingParameterFile.Folder
    assert (compat.STATISTIC_MIN, compat.STATISTIC_MAX) == (core.QgsRasterBandStats.Min, core.QgsRasterBandStats.Max)
    assert compat.RAMP_LINEAR == core.QgsColorRampShader.Interpolated


def test_no_other_module_of_the_qgis_side_names_an_old_form():
    found = []
    for path in [REPO_ROOT / "plugin.py", *sorted((REPO_ROOT / "processing_algorithms").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and ((node.value.id, node.attr) in OLD_FORMS or node.attr.startswith("Flag")):
                found.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    assert found == []
