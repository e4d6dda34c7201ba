"""The documentation as a reader meets it: every example the pages mark as runnable runs as written, in a fresh
folder holding only what the page's setup states, and prints what the page shows; every internal link, anchor
and picture exists; the algorithm reference covers every parameter; the help buttons open pages that exist.

The marks and the comparison are described in tests/helpers/docs.py. The site itself is built by `make docs`
(MkDocs, strict) and opened in a browser by `make docs-check`.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO_ROOT
from helpers.docs import DOCS, SITE_URL, Link, Site, examples, links, output_matches, page_name, pages

EXAMPLES = [example for path in pages() for example in examples(path)]


def load_script(name: str):
    """A module of scripts/ (they are programs, not a package)."""
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """Each example's folder: a fresh one, or the one its page's earlier blocks of the same ``folder`` used."""
    made = {}

    def folder(example, demo):
        key = (example.page, example.folder) if example.folder else (example.page, example.line)
        if key not in made:
            made[key] = tmp_path_factory.mktemp("example")
            if example.setup == "demo":
                for source in (demo.raster, demo.model, demo.card, demo.fields):
                    shutil.copy(source, made[key] / source.name)
        return made[key]

    return folder


def test_the_pages_mark_runnable_examples_with_known_setups():
    assert len(EXAMPLES) >= 10
    assert {example.setup for example in EXAMPLES} <= {"demo", "empty"}
    assert {example.language for example in EXAMPLES} <= {"python", "bash"}
    assert any(example.page == "README.md" and example.language == "bash" for example in EXAMPLES)
    assert any(example.page == "README.md" and example.language == "python" for example in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.id for example in EXAMPLES])
def test_the_example_runs_as_written(example, demo_build, folders, request, tmp_path):
    folder = folders(example, demo_build)
    env = dict(os.environ, MPLBACKEND="Agg", QT_QPA_PLATFORM="offscreen")
    if example.language == "python":
        # this checkout's engine, whichever checkout the venv's editable install names
        env["PYTHONPATH"] = str(REPO_ROOT)
        script = tmp_path / "example.py"
        script.write_text(example.code, encoding="utf-8")
        command, stderr = [sys.executable, str(script)], subprocess.PIPE
    else:
        env.update(request.getfixturevalue("qgis_process").env)  # the plugin installed in a profile of its own
        command, stderr = ["bash", "-e", "-o", "pipefail", "-c", example.code], subprocess.STDOUT
    completed = subprocess.run(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True,
                               timeout=900)
    printed = completed.stdout
    assert completed.returncode == example.exit, f"{example.id} exited {completed.returncode}:\n" + (
        printed[-3000:] + (completed.stderr or "")[-3000:])
    if example.expected is not None:
        assert output_matches(example.expected, printed), (
            f"{example.id} printed what its page does not show:\n--- page\n{example.expected}\n--- printed\n{printed}")


@pytest.fixture(scope="module")
def provider(hsilime_plugin):
    """The plugin's provider, registered for this module's tests."""
    hsilime_plugin.initProcessing()
    return hsilime_plugin.provider


@pytest.fixture(scope="module")
def site(provider, tmp_path_factory) -> Site:
    """The site's pages: docs/ and the algorithm reference generated from the provider, as `make docs` makes it."""
    folder = tmp_path_factory.mktemp("reference")
    load_script("docs_reference").write_reference(folder)
    written = {page_name(path)[len("docs/"):]: path.read_text(encoding="utf-8") for path in pages()[1:]
               if not page_name(path).startswith("docs/algorithm-notes/")}
    generated = {f"reference/{path.name}": path.read_text(encoding="utf-8") for path in folder.glob("*.md")}
    files = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*") if path.is_file()}
    return Site({**written, **generated}, set(load_script("screenshots").PICTURES), files)


def test_every_link_anchor_and_picture_of_the_pages_exists(site):
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    found = links("README.md", readme) + [link for name, text in site.pages.items()
                                          for link in links(f"docs/{name}", text)]
    assert len(found) > 100
    broken = [f"{link} ({problem})" for link in found if (problem := site.problem(link))]
    assert broken == []


def test_the_link_check_finds_what_is_broken(site):
    """The check above can fail: a missing page, anchor or picture, in both kinds of link."""
    assert site.problem(Link("docs/index.md", "install.md#no-such-heading")).startswith("no heading")
    assert site.problem(Link("docs/index.md", "nowhere.md")) == "no such page"
    assert site.problem(Link("README.md", f"{SITE_URL}screenshots/nothing.png")).startswith("no such picture")
    assert site.problem(Link("README.md", f"{SITE_URL}reference/explain_spatial/#parameters")) is None
    assert site.problem(Link("README.md", f"{SITE_URL}reference/explain_nothing/")) == "no such page"


def test_every_picture_is_taken_and_shown(site):
    """Each picture of scripts/screenshots.py is made by one of its steps and shown on some page."""
    import ast

    desktop = ast.parse((REPO_ROOT / "scripts" / "screenshots_desktop.py").read_text(encoding="utf-8"))
    [assignment] = [node for node in desktop.body if isinstance(node, ast.Assign) and node.targets[0].id == "SHOTS"]
    shots = [key.value for key in assignment.value.keys]
    screenshots = load_script("screenshots")
    assert set(shots) | set(screenshots.REPORTS) | set(screenshots.FIGURES) | set(screenshots.EXPLORER) == \
        set(screenshots.PICTURES)
    everything = (REPO_ROOT / "README.md").read_text(encoding="utf-8") + "".join(site.pages.values())
    assert [name for name in screenshots.PICTURES if f"screenshots/{name}" not in everything] == []


def test_the_reference_lists_every_parameter_with_its_help(site, provider):
    """One source: every parameter of every algorithm, with the help the dialog shows, on its page."""
    from qgis.core import QgsProcessingParameterDefinition

    from helpers.docs import anchors

    for algorithm in provider.algorithms():
        text = site.pages[f"reference/{algorithm.name()}.md"]
        for parameter in algorithm.parameterDefinitions():
            if parameter.flags() & QgsProcessingParameterDefinition.FlagHidden:
                continue
            assert f"| `{parameter.name()}`<br>{parameter.description()} |" in text, (algorithm.name(), parameter.name())
            assert parameter.help().split(" ")[0] in text
        assert {"parameters"} <= anchors(text)
    assert "| file (.pt, .pth, .ts, .torchscript, .jit, .onnx, .skops, .py) | `model` |" in site.pages[
        "reference/explain_spatial.md"]
    assert '`1` Kernel SHAP (`"kernelshap"`)' in site.pages["reference/explain_spatial.md"]


def test_each_help_button_opens_a_page_of_the_site(site, provider):
    for algorithm in provider.algorithms():
        assert site.problem(Link("README.md", algorithm.helpUrl())) is None, algorithm.helpUrl()


def test_the_site_the_plugin_names_is_the_site_mkdocs_builds():
    import configparser

    import yaml

    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(REPO_ROOT / "metadata.txt", encoding="utf-8")
    assert config["site_url"] == metadata["general"]["homepage"] == SITE_URL


def test_every_page_is_in_the_navigation_and_every_entry_has_a_page():
    """The pending pages (other work writes them) may be absent; nothing else is."""
    import yaml

    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def entries(nav):
        for entry in nav:
            target = next(iter(entry.values())) if isinstance(entry, dict) else entry
            yield from entries(target) if isinstance(target, list) else [target]

    listed = set(entries(config["nav"]))
    written = {path.relative_to(DOCS).as_posix() for path in DOCS.glob("*.md")}
    pending = set(config["extra"]["pending_pages"])
    assert written - listed == set()
    assert listed - written - pending == {"reference/index.md"}  # generated


def test_the_python_api_page_documents_every_public_name():
    from hsi_lime_plugin import _PUBLIC

    text = (DOCS / "python-api.md").read_text(encoding="utf-8")
    missing = [name for name, module in _PUBLIC.items() if f"::: hsi_lime_plugin.{module}.{name}" not in text]
    assert missing == []


def test_the_project_python_imports_the_engine_from_any_folder(tmp_path):
    """scripts/setup.sh installs the engine into .venv editable: the README's Python runs from any folder."""
    venv = REPO_ROOT / ".venv"
    if not venv.is_dir() or Path(sys.prefix).resolve() != venv.resolve():
        pytest.skip("runs in the project's .venv (make test); this Python is another")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    completed = subprocess.run([sys.executable, "-c", "import hsi_lime_plugin; print(hsi_lime_plugin.__file__)"],
                               cwd=tmp_path, env=env, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().endswith("hsi_lime_plugin/__init__.py")
