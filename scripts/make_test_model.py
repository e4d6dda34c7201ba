import sys
sys.path.insert(0, "/work/main/tests")
from qgis.core import *
app = QgsApplication([], False); app.initQgis()
sys.path.append("/usr/share/qgis/python/plugins")
from processing.core.Processing import Processing
Processing.initialize()
from conftest import import_plugin_package
plugin = import_plugin_package().classFactory(None); plugin.initProcessing()

m = QgsProcessingModelAlgorithm("Fix polygons, then explain spatial importance", "hsi-lime tests")
def add_input(param, x, y):
    comp = QgsProcessingModelParameter(param.name()); comp.setPosition(QPointF(x, y)) if False else None
    m.addModelParameter(param, comp)
from qgis.PyQt.QtCore import QPointF
for i, p in enumerate([
    QgsProcessingParameterRasterLayer("raster", "Hyperspectral raster"),
    QgsProcessingParameterFile("model", "Model file"),
    QgsProcessingParameterVectorLayer("fields", "Field polygons", [QgsProcessing.TypeVectorPolygon]),
    QgsProcessingParameterNumber("samples", "Number of samples", defaultValue=200, minValue=2),
]):
    comp = QgsProcessingModelParameter(p.name()); comp.setPosition(QPointF(120, 60 + 90 * i))
    m.addModelParameter(p, comp)

fix = QgsProcessingModelChildAlgorithm("native:fixgeometries")
fix.setChildId("fix"); fix.setDescription("Fix geometries"); fix.setPosition(QPointF(380, 240))
fix.addParameterSources("INPUT", [QgsProcessingModelChildParameterSource.fromModelParameter("fields")])
m.addChildAlgorithm(fix)

exp = QgsProcessingModelChildAlgorithm("hsilime:explain_spatial")
exp.setChildId("explain"); exp.setDescription("Explain spatial importance (LIME)"); exp.setPosition(QPointF(640, 150))
exp.addParameterSources("INPUT", [QgsProcessingModelChildParameterSource.fromModelParameter("raster")])
exp.addParameterSources("MODEL", [QgsProcessingModelChildParameterSource.fromModelParameter("model")])
exp.addParameterSources("SEGMENTATION", [QgsProcessingModelChildParameterSource.fromStaticValue(0)])
exp.addParameterSources("POLYGONS", [QgsProcessingModelChildParameterSource.fromChildOutput("fix", "OUTPUT")])
exp.addParameterSources("N_SAMPLES", [QgsProcessingModelChildParameterSource.fromModelParameter("samples")])
alg = QgsApplication.processingRegistry().algorithmById("hsilime:explain_spatial")
for d in alg.parameterDefinitions():
    if d.name() not in exp.parameterSources() and not d.isDestination() and d.defaultValue() is not None:
        exp.addParameterSources(d.name(), [QgsProcessingModelChildParameterSource.fromStaticValue(d.defaultValue())])
out = QgsProcessingModelOutput("attribution", "Attribution raster"); out.setChildOutputName("OUTPUT"); out.setChildId("explain")
out2 = QgsProcessingModelOutput("segments", "Segments with attributions"); out2.setChildOutputName("OUTPUT_SEGMENTS"); out2.setChildId("explain")
exp.setModelOutputs({"attribution": out, "segments": out2})
m.addChildAlgorithm(exp)
m.updateDestinationParameters()
print(m.validate())
print(m.toFile("/work/main/tests/models/fix_then_explain.model3"))
