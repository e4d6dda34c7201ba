"""Engine messages in QGIS words: the engine names Python arguments (``n_samples``), the dialogs name parameters (``N_SAMPLES``)."""
from __future__ import annotations

from ..hsi_lime_plugin.errors import render_arguments
from ..hsi_lime_plugin.options import (BACKGROUND_MODES, DEVICES, KINDS, NOISE_TYPES, REGISTRY, SEGMENTATIONS, UNIT_KINDS,
                                       method_names)


#: Engine arguments whose parameter is not simply the upper-case name.
#: The translation context of the strings shared by every algorithm (pylupdate5 records it).
CONTEXT = "HsiLimeAlgorithm"
PARAMETERS = {"raster": "INPUT", "image": "INPUT", "allow_python": "ALLOW_PYTHON_MODEL", "include_rest": "KEEP_UNGROUPED"}

#: Enumerated arguments: the parameter's value is the index of the engine's choice.
ENUMS = {
    "segmentation": SEGMENTATIONS, "device": DEVICES, "units": UNIT_KINDS, "kind": KINDS, "noise": NOISE_TYPES,
    "background_mode": BACKGROUND_MODES,
}

#: Arguments whose choices differ between algorithms (disjoint names): METHOD is an enum of one family of
#: the method registry in each algorithm (LIME, Kernel SHAP in the explain algorithms; gradients and
#: occlusion in attribute_pixels).
ENUM_ALTERNATIVES = {"method": tuple(method_names(family) for family in dict.fromkeys(m.family for m in REGISTRY))}

def parameter_name(argument: str, value: str | None = None) -> str:
    """How an engine argument (with an enumerated value) reads in QGIS: ``SEGMENTATION=0``."""
    name = PARAMETERS.get(argument, argument.upper())
    if value is None:
        return name
    for choices in ENUM_ALTERNATIVES.get(argument, (ENUMS.get(argument, ()),)):
        if value in choices:
            return f"{name}={choices.index(value)}"
    return f"{name}={value}"

def in_parameter_names(message: str) -> str:
    """An engine message with its arguments worded as QGIS parameters."""
    return render_arguments(message, parameter_name)

def is_engine_error(error: BaseException) -> bool:
    """Whether ``error`` is the engine's ``HsiLimeError``, whichever module identity raised it.

    The plugin imports the engine as ``hsi_lime.hsi_lime_plugin``; a model recipe or a
    notebook may import it as the top-level ``hsi_lime_plugin`` (``pip install .``): two
    classes of the same name, both meaning "bad input the user can fix".
    """
    return any(
        cls.__name__ == "HsiLimeError" and cls.__module__.endswith("hsi_lime_plugin.errors")
        for cls in type(error).__mro__
    )
