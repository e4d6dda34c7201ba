"""Run inside the QGIS desktop (``qgis.bin --code``): open each hsi-lime algorithm's dialog, read every
parameter's widget value, save a screenshot, write the findings to JSON and exit.

Its settings come from the environment: HSI_LIME_DIALOGS (the output folder) and HSI_LIME_ALGORITHMS
(comma-separated algorithm ids). The QGIS process ends with ``os._exit`` once the JSON is flushed.
"""
import json
import os
import traceback

from qgis.core import QgsApplication, QgsProcessingDestinationParameter, QgsProcessingParameterDefinition
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication

OUTPUT = os.environ["HSI_LIME_DIALOGS"]
ALGORITHMS = os.environ["HSI_LIME_ALGORITHMS"].split(",")


def plain(value):
    """A widget value as JSON (QGIS objects by their text, a NULL QVariant as None)."""
    from qgis.PyQt.QtCore import QVariant

    if isinstance(value, QVariant):
        value = None if value.isNull() else value.value()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return str(value)


def widget_value(wrapper):
    for method in ("parameterValue", "value"):
        if hasattr(wrapper, method):
            return getattr(wrapper, method)()
    raise AttributeError(f"{type(wrapper).__name__} has no value")


def expand_advanced(dialog):
    """Unfold the Advanced parameters box so the screenshot shows every label."""
    from qgis.PyQt.QtWidgets import QGroupBox

    for box in dialog.findChildren(QGroupBox, "grpAdvanced"):  # a QgsCollapsibleGroupBox (its Qt property)
        box.setProperty("collapsed", False)


def inspect(algorithm_id):
    import processing

    algorithm = QgsApplication.processingRegistry().algorithmById(algorithm_id)
    dialog = processing.createAlgorithmDialog(algorithm_id)
    dialog.resize(1000, 760)
    dialog.show()
    QApplication.processEvents()
    panel = dialog.mainWidget()
    wrappers = getattr(panel, "wrappers", {})
    parameters = []
    for definition in algorithm.parameterDefinitions():
        if definition.flags() & QgsProcessingParameterDefinition.FlagHidden:
            continue
        wrapper = wrappers.get(definition.name())
        entry = {
            "name": definition.name(),
            "label": definition.description(),
            "advanced": bool(definition.flags() & QgsProcessingParameterDefinition.FlagAdvanced),
            "destination": isinstance(definition, QgsProcessingDestinationParameter),
            "default": plain(definition.defaultValue()),
            "has_widget": wrapper is not None,
        }
        if wrapper is not None:
            try:
                entry["value"] = plain(widget_value(wrapper))
            except Exception as error:  # noqa: BLE001 (reported to the test)
                entry["value_error"] = repr(error)
        parameters.append(entry)
    name = algorithm_id.split(":")[1]
    dialog.grab().save(os.path.join(OUTPUT, f"{name}.png"))
    expand_advanced(dialog)
    dialog.resize(1000, 1900)
    QApplication.processEvents()
    dialog.grab().save(os.path.join(OUTPUT, f"{name}_advanced.png"))
    from qgis.PyQt.QtWidgets import QTextBrowser

    shown = [browser.toPlainText() for browser in dialog.findChildren(QTextBrowser)]
    help_text = next((text for text in shown if algorithm.displayName() in text), None)
    dialog.close()
    return {"title": dialog.windowTitle(), "parameters": parameters, "help": help_text}


def main():
    results = {}
    try:
        from qgis.utils import iface

        results["iface"] = iface is not None
        for algorithm_id in ALGORITHMS:
            try:
                results[algorithm_id] = inspect(algorithm_id)
            except Exception:  # noqa: BLE001
                results[algorithm_id] = {"error": traceback.format_exc()}
    except Exception:  # noqa: BLE001
        results["error"] = traceback.format_exc()
    with open(os.path.join(OUTPUT, "dialogs.json"), "w", encoding="utf-8") as stream:
        json.dump(results, stream, indent=1)
        stream.flush()
        os.fsync(stream.fileno())
    os._exit(0)


QTimer.singleShot(500, main)
