#!/usr/bin/env python3
"""The algorithm reference of the documentation site, written from the provider's own definitions.

Usage (``make docs`` runs it with the project's Python, which sees PyQGIS)::

    .venv/bin/python scripts/docs_reference.py build/docs/reference

Loads the plugin's Processing provider headless, as ``qgis_process`` does, and writes one Markdown page
per algorithm (its summary, a table of its parameters with their labels, types, defaults, choices and the
help the dialog shows, its outputs, and the Python keyword of each parameter), an index grouped as the
toolbox groups them, and ``nav.json`` (the pages in toolbox order) for the site's navigation
(``scripts/docs_hooks.py``). Nothing here is written by hand: a new parameter or algorithm appears on the
next build, and the dialog, ``qgis_process help`` and the site cannot disagree. Hand-written notes of an
algorithm (``docs/algorithm-notes/<name>.md``, where one exists) are appended to its page.
"""
from __future__ import annotations

import argparse
import html
import importlib.util
import inspect
import json
import os
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTES = REPO_ROOT / "docs" / "algorithm-notes"
#: The engine's file-to-file run behind each algorithm (the Python column); an algorithm without one has none.
ENTRY_POINTS = {"explain_spatial": "run_spatial", "explain_spectral": "run_spectral", "explain_fields": "run_fields",
                "attribute_pixels": "run_attribute"}
#: Parameters whose Python keyword means the opposite.
OPPOSITES = {"KEEP_UNGROUPED"}
#: The providers this script registered (QGIS calls their Python methods: they must outlive the registration).
PROVIDERS: list = []
#: QGIS's parameter types in words.
TYPES = {
    "raster": "raster layer", "vector": "vector layer", "file": "file", "boolean": "yes/no", "enum": "choice",
    "number": "number", "string": "text", "field": "field of POLYGONS", "multilayer": "layers or files",
    "rasterDestination": "raster file (output)", "vectorDestination": "vector file (output)",
    "fileDestination": "file (output)", "folderDestination": "folder (output)",
}


def load_plugin():
    """The repository imported as the plugin package ``hsi_lime`` (as QGIS imports it) and QGIS started headless."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    application = QgsApplication([], False)
    application.initQgis()
    spec = importlib.util.spec_from_file_location("hsi_lime", REPO_ROOT / "__init__.py",
                                                  submodule_search_locations=[str(REPO_ROOT)])
    package = importlib.util.module_from_spec(spec)
    sys.modules["hsi_lime"] = package
    spec.loader.exec_module(package)
    return application


def algorithms():
    """The provider's algorithms, initialised, in the order the provider declares them."""
    from qgis.core import QgsApplication

    from hsi_lime.processing_algorithms.provider import ALGORITHMS, HsiLimeProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("hsilime") is None:
        PROVIDERS.append(HsiLimeProvider())  # kept: QGIS calls back into this Python object
        registry.addProvider(PROVIDERS[-1])
    loaded = {algorithm.name(): algorithm for algorithm in registry.providerById("hsilime").algorithms()}
    return [loaded[cls().name()] for cls in ALGORITHMS]


def inline(text) -> str:
    """Plain text as a Markdown table cell: HTML escaped, Markdown's markers and the cell separator too."""
    escaped = html.escape(str(text), quote=False).replace("\n", " ")
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", escaped)


def python_keywords(name: str) -> dict[str, str]:
    """Parameter name -> the keyword of the algorithm's Python run (``run_spatial(raster=...)``) that takes it."""
    entry = ENTRY_POINTS.get(name)
    if entry is None:
        return {}
    from hsi_lime import hsi_lime_plugin
    from hsi_lime.hsi_lime_plugin.settings import AttributeSettings, ExplainSettings
    from hsi_lime.processing_algorithms.messages import PARAMETERS

    signature = inspect.signature(getattr(hsi_lime_plugin, entry)).parameters
    options = AttributeSettings if "attribute_options" in signature else ExplainSettings
    accepted = [keyword for keyword, parameter in signature.items() if parameter.kind != parameter.VAR_KEYWORD]
    accepted += list(options.option_names()) + ["batch_size"]
    names = dict(PARAMETERS, faithfulness_scores="FAITHFULNESS")
    return {names.get(keyword, keyword.upper()): keyword for keyword in accepted}


def enum_values(parameter, keyword: str | None) -> list[str]:
    """The engine's name of each choice of an enum parameter (its Python value), when one is known."""
    from hsi_lime.processing_algorithms.messages import ENUM_ALTERNATIVES, ENUMS

    count = len(parameter.options())
    alternatives = ENUM_ALTERNATIVES.get(keyword, (ENUMS.get(keyword, ()),))
    matching = [names for names in alternatives if len(names) == count]
    return list(matching[0]) if len(matching) == 1 else []


def default_text(parameter) -> str:
    """The default as a user types it (an enum's by its index and label)."""
    default = parameter.defaultValue()
    if parameter.type() == "enum" and default is not None:
        return f"`{default}` ({inline(parameter.options()[int(default)])})"
    if default in (None, ""):
        return ""
    if isinstance(default, bool) or parameter.type() == "boolean":
        return "yes" if default else "no"
    return f"`{inline(default)}`"


def type_text(parameter) -> str:
    """The parameter's type in words, with what it accepts (a file's extensions, a number's range)."""
    words = TYPES.get(parameter.type(), parameter.type())
    if parameter.type() == "file" and parameter.fileFilter():
        extensions = re.findall(r"\*\.(\w+)", parameter.fileFilter().split(";;")[0])
        words += " (" + ", ".join(f".{extension}" for extension in extensions) + ")"
    if parameter.type() == "number":
        from qgis.core import QgsProcessingParameterNumber

        low, high = parameter.minimum(), parameter.maximum()
        kind = "integer" if parameter.dataType() == QgsProcessingParameterNumber.Integer else "decimal"
        bounds = [f"≥ {low:g}" if low > -1e300 else "", f"≤ {high:g}" if high < 1e300 else ""]
        words = f"{kind} number" + (" " + ", ".join(b for b in bounds if b) if any(bounds) else "")
    return words


def parameter_row(parameter, keywords: dict[str, str]) -> str:
    """One table row: name and label, type and default, Python keyword, and the help (with an enum's choices)."""
    from qgis.core import QgsProcessingParameterDefinition

    name = parameter.name()
    keyword = keywords.get(name)
    help_text = inline(parameter.help())
    if parameter.type() == "enum":
        values = enum_values(parameter, keyword)
        choices = [f"`{index}` {inline(label)}" + (f" (`\"{values[index]}\"`)" if values else "")
                   for index, label in enumerate(parameter.options())]
        help_text += "<br>Choices: " + "; ".join(choices)
    python = f"`{keyword}`" if keyword else ""
    if keyword and name in OPPOSITES:
        python += " (its opposite)"
    optional = ", optional" if parameter.flags() & QgsProcessingParameterDefinition.FlagOptional else ""
    default = default_text(parameter)
    kind = type_text(parameter) + optional + (f"; default {default}" if default else "")
    return f"| `{name}`<br>{inline(parameter.description())} | {kind} | {python} | {help_text} |"


def parameter_tables(algorithm, keywords: dict[str, str]) -> list[str]:
    """The parameters, essentials first, then the advanced ones under their own heading (as the dialog folds them)."""
    from qgis.core import QgsProcessingParameterDefinition

    header = ["| Parameter | Type | Python | What it does |", "|---|---|---|---|"]
    shown = [p for p in algorithm.parameterDefinitions() if not p.flags() & QgsProcessingParameterDefinition.FlagHidden]
    lines = []
    for advanced, title in ((False, "Parameters"), (True, "Advanced parameters")):
        rows = [parameter_row(p, keywords) for p in shown
                if bool(p.flags() & QgsProcessingParameterDefinition.FlagAdvanced) == advanced]
        if rows:
            lines += ["", f"## {title}", ""] + header + rows
    return lines


def output_table(algorithm) -> list[str]:
    """The outputs that are not files chosen by a parameter (values reported at the end of a run)."""
    destinations = {p.name() for p in algorithm.destinationParameterDefinitions()}
    values = [o for o in algorithm.outputDefinitions() if o.name() not in destinations]
    if not values:
        return []
    rows = [f"| `{o.name()}` | {inline(o.description())} |" for o in values]
    return ["", "## Values reported", "", "| Output | What it holds |", "|---|---|"] + rows


def page(algorithm) -> str:
    """The Markdown page of one algorithm."""
    name = algorithm.name()
    keywords = python_keywords(name)
    entry = ENTRY_POINTS.get(name)
    facts = [f"`{algorithm.id()}`", f"toolbox group **{inline(algorithm.group())}**"]
    if entry:
        from hsi_lime.hsi_lime_plugin import _PUBLIC

        anchor = f"hsi_lime_plugin.{_PUBLIC[entry]}.{entry}"  # the API page documents each where it is defined
        facts.append(f"Python: [`hsi_lime_plugin.{entry}`](../python-api.md#{anchor})")
    lines = [
        f"# {inline(algorithm.displayName())}",
        "",
        " · ".join(facts),
        "",
        inline(algorithm.summary_text()),
        "",
        "In the dialog, each parameter's help below is shown beside the form; `qgis_process help "
        f"{algorithm.id()}` prints it as text. Headless: `qgis_process run {algorithm.id()} -- NAME=value ...` "
        "with the names of the first column (enumerations by their number).",
    ]
    lines += parameter_tables(algorithm, keywords) + output_table(algorithm)
    notes = NOTES / f"{name}.md"
    if notes.is_file():
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def index(groups: dict[str, list]) -> str:
    """The reference's first page: the algorithms by toolbox group, each with its one-sentence description."""
    lines = ["# Algorithm reference", "",
             "Every algorithm of the Processing provider **Hyperspectral explanations**, by toolbox group. Each "
             "page is written from the algorithm's own definitions (the labels, defaults, choices and help the "
             "dialog shows), so it always matches your plugin's version."]
    for group, members in groups.items():
        lines += ["", f"## {inline(group)}", "", "| Algorithm | Id | What it does |", "|---|---|---|"]
        lines += [f"| [{inline(a.displayName())}]({a.name()}.md) | `{a.id()}` | {inline(a.shortDescription())} |"
                  for a in members]
    return "\n".join(lines) + "\n"


def write_reference(folder: Path) -> list[dict]:
    """Write every page, the index and nav.json into ``folder``; return the navigation entries."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.md"):
        old.unlink()
    groups: dict[str, list] = {}
    for algorithm in algorithms():
        groups.setdefault(algorithm.group(), []).append(algorithm)
        (folder / f"{algorithm.name()}.md").write_text(page(algorithm), encoding="utf-8")
    (folder / "index.md").write_text(index(groups), encoding="utf-8")
    nav = [{"title": a.displayName(), "file": f"{a.name()}.md"} for members in groups.values() for a in members]
    (folder / "nav.json").write_text(json.dumps(nav, indent=1), encoding="utf-8")
    return nav


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where the pages go (build/docs/reference)")
    arguments = parser.parse_args(argv)
    application = load_plugin()
    nav = write_reference(arguments.folder)
    print(f"{arguments.folder}: index.md and {len(nav)} algorithm pages")
    application.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
