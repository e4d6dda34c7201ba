"""Regenerate tests/models/fix_then_explain.model3, the graphical model the tests run.

The model chains ``native:fixgeometries`` on the field polygons into
``hsilime:explain_spatial``, as a user would draw it in the Model Designer. Run it after
changing explain_spatial's parameters (every parameter the model does not wire gets its
default as a static value, as the Model Designer does)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_test_model.py
"""
import sys
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsProcessing,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorLayer,
)
from qgis.PyQt.QtCore import QPointF

REPO_ROOT = Path(__file__).resolve().parents[1]
DESTINATION = REPO_ROOT / "tests" / "models" / "fix_then_explain.model3"


def build_model() -> QgsProcessingModelAlgorithm:
    """The model: inputs raster, model, fields, samples; outputs explain:attribution and explain:segments."""
    model = QgsProcessingModelAlgorithm("Fix polygons, then explain spatial importance", "hsi-lime tests")
    inputs = [
        QgsProcessingParameterRasterLayer("raster", "Hyperspectral raster"),
        QgsProcessingParameterFile("model", "Model file"),
        QgsProcessingParameterVectorLayer("fields", "Field polygons", [QgsProcessing.TypeVectorPolygon]),
        QgsProcessingParameterNumber("samples", "Number of samples", defaultValue=200, minValue=2),
    ]
    for row, parameter in enumerate(inputs):
        component = QgsProcessingModelParameter(parameter.name())
        component.setPosition(QPointF(120, 60 + 90 * row))
        model.addModelParameter(parameter, component)

    fix = QgsProcessingModelChildAlgorithm("native:fixgeometries")
    fix.setChildId("fix")
    fix.setDescription("Fix geometries")
    fix.setPosition(QPointF(380, 240))
    fix.addParameterSources("INPUT", [QgsProcessingModelChildParameterSource.fromModelParameter("fields")])
    model.addChildAlgorithm(fix)

    explain = QgsProcessingModelChildAlgorithm("hsilime:explain_spatial")
    explain.setChildId("explain")
    explain.setDescription("Explain spatial importance")
    explain.setPosition(QPointF(640, 150))
    wired = {
        "INPUT": QgsProcessingModelChildParameterSource.fromModelParameter("raster"),
        "MODEL": QgsProcessingModelChildParameterSource.fromModelParameter("model"),
        "SEGMENTATION": QgsProcessingModelChildParameterSource.fromStaticValue(0),
        "POLYGONS": QgsProcessingModelChildParameterSource.fromChildOutput("fix", "OUTPUT"),
        "N_SAMPLES": QgsProcessingModelChildParameterSource.fromModelParameter("samples"),
    }
    algorithm = QgsApplication.processingRegistry().algorithmById("hsilime:explain_spatial")
    for definition in algorithm.parameterDefinitions():
        name = definition.name()
        if name in wired:
            explain.addParameterSources(name, [wired[name]])
        elif not definition.isDestination() and definition.defaultValue() is not None:
            explain.addParameterSources(
                name, [QgsProcessingModelChildParameterSource.fromStaticValue(definition.defaultValue())]
            )
    outputs = {}
    for name, child_output, description in (
        ("attribution", "OUTPUT", "Attribution raster"),
        ("segments", "OUTPUT_SEGMENTS", "Segments with attributions"),
    ):
        output = QgsProcessingModelOutput(name, description)
        output.setChildId("explain")
        output.setChildOutputName(child_output)
        outputs[name] = output
    explain.setModelOutputs(outputs)
    model.addChildAlgorithm(explain)
    model.updateDestinationParameters()
    return model


def main() -> int:
    application = QgsApplication([], False)
    application.initQgis()
    sys.path.append(str(Path(application.pkgDataPath()) / "python" / "plugins"))
    sys.path.insert(0, str(REPO_ROOT / "tests"))
    from helpers import import_plugin_package
    from processing.core.Processing import Processing

    Processing.initialize()
    plugin = import_plugin_package().classFactory(None)  # kept alive: it owns the provider
    plugin.initProcessing()
    model = build_model()
    valid, problems = model.validate()
    if not valid:
        print("\n".join(problems), file=sys.stderr)
        return 1
    model.toFile(str(DESTINATION))
    print(f"wrote {DESTINATION}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
