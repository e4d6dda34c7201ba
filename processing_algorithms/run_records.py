"""The run's record kept with the layers Processing loads, and in the project as its last explain run.

The engine stores the run record (:mod:`hsi_lime_plugin.outputs.run_record`: which output a file is, where
the run's other outputs are, its settings) in every output whose format holds metadata. A CSV table holds
none, so when Processing loads an output into the project, the record is also kept with the layer (its
custom property :data:`LAYER_PROPERTY`, saved with the project); and the project keeps the record of its
last run (:data:`LAST_RUN`), from which the explorer's "explain here" takes its settings.
"""
from __future__ import annotations

import json
from functools import partial

from qgis.core import QgsProject

from .styling import style_when_loaded

#: The layer custom property holding an output's run record (JSON).
LAYER_PROPERTY = "hsi_lime/run"
#: The project entry (scope, key) holding the record of the project's last run (JSON).
PROJECT_SCOPE = "hsi_lime"
LAST_RUN = "explore/last_run"


def remember_when_loaded(context, algorithm: str, settings) -> None:
    """Keep the run's record with each of its outputs Processing loads into the project, and in the project."""
    from ..hsi_lime_plugin.outputs.run_record import for_output, record_of_run

    record = record_of_run(algorithm, settings)
    for argument, path, _ in settings.outputs.destinations():
        if path:
            style_when_loaded(context, str(path), partial(remember, for_output(record, argument)))


def remember(record: dict, layer) -> None:
    """Keep ``record`` with ``layer`` and as its project's last run."""
    text = json.dumps(record, separators=(",", ":"))
    layer.setCustomProperty(LAYER_PROPERTY, text)
    (QgsProject.instance() if layer.project() is None else layer.project()).writeEntry(PROJECT_SCOPE, LAST_RUN, text)
