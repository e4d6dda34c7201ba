"""What ships: the plugin ZIP, the pip-installable engine, metadata, and code that Qt6 builds of QGIS can run."""
import ast
import configparser
import re
import subprocess
import sys
import zipfile

from helpers import REPO_ROOT

PLUGIN_PYTHON = sorted(
    [REPO_ROOT / "__init__.py", REPO_ROOT / "plugin.py", REPO_ROOT / "dependencies.py", REPO_ROOT / "installer.py"]
    + list((REPO_ROOT / "processing_algorithms").glob("*.py"))
    + list((REPO_ROOT / "gui").glob("*.py"))
    + list((REPO_ROOT / "hsi_lime_plugin").glob("*.py"))
)


def metadata():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO_ROOT / "metadata.txt", encoding="utf-8")
    return parser["general"]


def test_zip_holds_only_the_plugin(plugin_zip):
    names = zipfile.ZipFile(plugin_zip).namelist()
    assert all(name.startswith("hsi_lime/") for name in names)
    for needed in ("metadata.txt", "__init__.py", "plugin.py", "dependencies.py", "installer.py", "platforms.py",
                   "hsi_lime_constraints.txt", "icon.svg", "processing_algorithms/install_dependencies.py",
                   "gui/explorer.py", "gui/explorer.svg"):
        assert f"hsi_lime/{needed}" in names, needed
    engine = {f"hsi_lime/{path.relative_to(REPO_ROOT).as_posix()}" for path in (REPO_ROOT / "hsi_lime_plugin").rglob("*.py")
              if "demo" not in path.parts}
    assert engine - set(names) == set()  # every module of every subpackage
    unwanted = re.compile(r"/(tests|benchmarks|scripts|docs|\.venv|\.ci|build|dist)/|__pycache__|\.pyc$|/demo/")
    assert [name for name in names if unwanted.search(name)] == []
    assert plugin_zip.stat().st_size < 500_000


def test_metadata_speaks_to_users():
    general = metadata()
    assert "make" not in general["about"].split()
    assert "Install dependencies" in general["about"]
    assert general["changelog"].strip()
    assert general["hasProcessingProvider"] == "yes"


def test_no_module_of_the_plugin_puts_its_folder_first_on_sys_path():
    for path in PLUGIN_PYTHON:
        text = path.read_text(encoding="utf-8")
        if "hsi_lime_plugin" not in path.parts:  # the engine's recipe loader puts the recipe's own folder first
            assert "sys.path.insert(0" not in text, path
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert not (node.module or "").startswith("hsi_lime_plugin"), f"{path}: absolute engine import"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("hsi_lime_plugin") for a in node.names), path


#: Idioms of PyQt5 that Qt6 builds of QGIS reject (supportsQt6=True promises there are none).
QT5_ONLY = {
    "PyQt5 imported directly (use qgis.PyQt)": re.compile(r"\b(from|import) PyQt5\b"),
    "exec_() (Qt6: exec())": re.compile(r"\.exec_\("),
    "unscoped Qt enum (Qt6: Qt.AlignmentFlag.AlignLeft)": re.compile(r"\bQt\.[A-Z]\w*\b(?!\.)"),
    "QRegExp (removed in Qt6)": re.compile(r"\bQRegExp\b"),
    "QDesktopWidget (removed in Qt6)": re.compile(r"\bQDesktopWidget\b"),
    "QAction from QtWidgets without the QtGui (Qt6) fallback": re.compile(
        r"^(?!.*# Qt5).*QtWidgets import[^\n]*\bQAction\b", re.M
    ),
}


def test_no_qt5_only_idioms_in_the_plugin():
    assert metadata()["qgisMaximumVersion"] == "4.99"  # QGIS 4 and the plugin repository's QGIS 4 list
    assert metadata()["supportsQt6"] == "True"  # still read by Qt6 builds of QGIS 3.x
    found = []
    for path in PLUGIN_PYTHON:
        text = path.read_text(encoding="utf-8")
        for what, pattern in QT5_ONLY.items():
            found += [f"{path.relative_to(REPO_ROOT)}: {what}: {match.group(0)}" for match in pattern.finditer(text)]
    assert found == []


def test_the_scan_catches_what_it_should():
    sample = ("from PyQt5.QtCore import Qt\nx.exec_()\nQt.AlignLeft\nfrom qgis.PyQt.QtWidgets import QAction\n"
              "QRegExp(r)\nQDesktopWidget()\n")
    assert all(pattern.search(sample) for pattern in QT5_ONLY.values())
    assert not QT5_ONLY["unscoped Qt enum (Qt6: Qt.AlignmentFlag.AlignLeft)"].search("Qt.AlignmentFlag.AlignLeft")


def test_pip_installs_the_engine_alone(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--quiet", "--target",
         str(tmp_path / "target"), str(REPO_ROOT)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    installed = sorted(p.name for p in (tmp_path / "target").iterdir() if not p.name.endswith(".dist-info"))
    assert installed == ["hsi_lime_plugin"]
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, hsi_lime_plugin; print(hsi_lime_plugin.__file__, 'torch' in sys.modules)"],
        env={"PYTHONPATH": str(tmp_path / "target")}, cwd=tmp_path, capture_output=True, text=True,
    )
    assert probe.stdout.split() == [str(tmp_path / "target" / "hsi_lime_plugin" / "__init__.py"), "False"], probe.stderr
