""""Explain here"'s settings, kept in the QGIS project (saved with it).

The project holds two entries under the scope ``hsi_lime``: the record of its last run
(:data:`~..processing_algorithms.run_records.LAST_RUN`, written when Processing loads a run's outputs) and
the explorer's settings (:data:`SETTINGS`: :class:`~hsi_lime_plugin.settings.ExploreSettings` as JSON, with
the time of the run they were taken from). :func:`explore_settings` takes a newer last run's settings
over (what that run did not set, such as the band groups of a spatial run, is kept); the dock's settings
panel edits them (:func:`save_settings`) until the next run.
"""
from __future__ import annotations

import json

from ..hsi_lime_plugin.settings import ExploreSettings
from ..processing_algorithms.run_records import LAST_RUN, PROJECT_SCOPE

#: The project entry of the explorer's settings.
SETTINGS = "explore/settings"


def explore_settings(project) -> ExploreSettings | None:
    """The project's explorer settings, brought up to its last run; None before any explain run."""
    stored = _entry(project, SETTINGS) or {}
    previous = ExploreSettings.from_plain(stored["settings"]) if stored.get("settings") else None
    last = _entry(project, LAST_RUN)
    if last and last.get("written") != stored.get("run"):
        updated = ExploreSettings.from_record(last, previous)
        if updated is not None:
            save_settings(project, updated, last.get("written"))
        return updated
    return previous


def save_settings(project, settings: ExploreSettings, run: str | None = None) -> None:
    """Keep ``settings`` in the project (``run``: the time of the run they came from; default the current one)."""
    if run is None:
        run = (_entry(project, SETTINGS) or {}).get("run")
    project.writeEntry(PROJECT_SCOPE, SETTINGS, json.dumps({"settings": settings.plain(), "run": run}))


def _entry(project, key: str) -> dict | None:
    text, found = project.readEntry(PROJECT_SCOPE, key, "")
    if not found or not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
