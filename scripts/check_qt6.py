"""`make check-qt6`: the QGIS project's migration checker for QGIS 4 / Qt6 on every .py of the plugin ZIP.

The checker (scripts/pyqt5_to_pyqt6/pyqt5_to_pyqt6.py of QGIS, fetched by scripts/fetch_qgis_checker.sh)
rewrites in place what a Qt6 build of QGIS would reject (unscoped Qt enums, exec_(), PyQt5 imports, and,
where QGIS's own bindings can be imported, QGIS enums in the forms it replaces) and warns about what it
cannot rewrite. It runs here on a throwaway copy of the ZIP's contents; every file it changes and every
warning it prints is a finding. It imports PyQt6 (and qgis when it can), so the interpreter matters: by
default build/qt6-venv, made here with PyQt6 and tokenize-rt from the package index; --python names another
(the Debian 13 root's, whose qgis is QGIS 3.40's bindings). Exits 0 with no finding, 1 with findings,
3 when the checker or its interpreter cannot be had.
"""
from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHECKER = REPO / "build" / "qgis-checker" / "pyqt5_to_pyqt6.py"
VENV = REPO / "build" / "qt6-venv"
VENV_PACKAGES = ("PyQt6~=6.11", "PyQt6-QScintilla~=2.14", "tokenize-rt~=6.2")
#: What the checker prints about itself, not about the code.
NOT_FINDINGS = ("QGIS classes not available for introspection",)
UNAVAILABLE = 3
#: Prints the versions the checker will introspect: Python, PyQt6 and QGIS's bindings (none without qgis).
PROBE = ("import sys; from PyQt6.QtCore import PYQT_VERSION_STR\ntry:\n from qgis.core import Qgis\n"
         " q = Qgis.QGIS_VERSION\nexcept ImportError: q = 'none'\n"
         "print(f'Python {sys.version.split()[0]}, PyQt6 {PYQT_VERSION_STR}, QGIS bindings {q}')")


def unavailable(message: str):
    print(f"check-qt6: {message}", file=sys.stderr)
    raise SystemExit(UNAVAILABLE)


def default_python() -> Path:
    """build/qt6-venv's Python, the venv made (once) with PyQt6, QScintilla and tokenize-rt from the package index."""
    python = VENV / "bin" / "python"
    if not (VENV / ".qt6_packages").is_file():
        for step in ([sys.executable, "-m", "venv", "--clear", str(VENV)],
                     [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *VENV_PACKAGES]):
            if subprocess.run(step, capture_output=True, text=True).returncode != 0:
                unavailable(f"cannot make {VENV} with {', '.join(VENV_PACKAGES)} (no package index?)")
        (VENV / ".qt6_packages").write_text("\n".join(VENV_PACKAGES))
    return python


def describe(python: str, env: dict) -> str:
    """The interpreter's Python, PyQt6 and QGIS bindings versions (what the checker introspects)."""
    done = subprocess.run([python, "-c", PROBE], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        unavailable(f"{python} cannot import PyQt6: {done.stderr.strip()[-300:]}")
    return done.stdout.strip()


def checker_version(checker: Path) -> str:
    """The QGIS release the checker comes from (the VERSION file fetch_qgis_checker.sh writes), else its path."""
    version = checker.parent / "VERSION"
    return version.read_text().strip() if version.is_file() else str(checker)


def changed_files(original: Path, checked: Path) -> list[str]:
    """Unified diffs of every .py the checker rewrote, as the findings' text."""
    lines = []
    for path in sorted(original.rglob("*.py")):
        before = path.read_text(encoding="utf-8").splitlines()
        after = (checked / path.relative_to(original)).read_text(encoding="utf-8").splitlines()
        name = str(path.relative_to(original))
        lines += difflib.unified_diff(before, after, name, f"{name} (checker)", lineterm="", n=0)
    return lines


def run_checker(python: str, checker: Path, folder: Path, env: dict) -> list[str]:
    """The checker's messages on ``folder`` (rewritten in place); those about itself are printed as notes."""
    done = subprocess.run([python, str(checker), str(folder)], capture_output=True, text=True, env=env)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    for line in lines:
        if line.startswith(NOT_FINDINGS):
            print(f"  note from the checker: {line}")
    messages = [line for line in lines if not line.startswith(NOT_FINDINGS)]
    return messages + ([f"checker exit code {done.returncode}"] if done.returncode not in (0, 1) else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", type=Path)
    parser.add_argument("--python", help="interpreter with PyQt6 and tokenize-rt (default: build/qt6-venv)")
    parser.add_argument("--checker", type=Path, default=CHECKER)
    args = parser.parse_args(argv)
    if not args.checker.is_file():
        unavailable(f"no checker at {args.checker} (scripts/fetch_qgis_checker.sh brings it)")
    python = args.python or str(default_python())
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    print(f"check-qt6: the checker of {checker_version(args.checker)} on {args.zip.name} with {describe(python, env)}")
    with tempfile.TemporaryDirectory() as scratch:
        original, checked = Path(scratch, "original"), Path(scratch, "checked")
        for folder in (original, checked):
            zipfile.ZipFile(args.zip).extractall(folder)
        findings = run_checker(python, args.checker, checked, env) + changed_files(original, checked)
        count = len(list(original.rglob("*.py")))
    for line in findings:
        print(f"  {line}")
    print(f"check-qt6: {count} Python files, " + (f"{len(findings)} finding lines" if findings else "no finding"))
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
