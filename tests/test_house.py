"""The house rules that a tool can check: settings objects instead of keyword piles, and a wheel that holds every
engine module (the documentation's examples are run by tests/test_docs.py)."""
import ast
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from helpers import REPO_ROOT

ENGINE = REPO_ROOT / "hsi_lime_plugin"
#: The public entry points, which keep friendly keywords for notebook users and build settings objects.
PUBLIC_ENTRY_POINTS = {"explain", "attribute", "faithfulness", "run_spatial", "run_spectral", "run_fields",
                       "run_attribute"}
MOST_PARAMETERS = 8


def parameter_counts(folder):
    """(path:line name, number of parameters besides self and cls) of every function under ``folder``."""
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                count = sum(argument.arg not in ("self", "cls") for argument in arguments)
                yield f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.name}", node.name, count


@pytest.mark.parametrize("folder", ["hsi_lime_plugin", "processing_algorithms"])
def test_no_function_below_the_entry_points_takes_more_than_eight_parameters(folder):
    counts = list(parameter_counts(REPO_ROOT / folder))
    assert len(counts) > 50  # the walk found the code
    too_many = [(where, count) for where, name, count in counts
                if count > MOST_PARAMETERS and name not in PUBLIC_ENTRY_POINTS]
    assert too_many == []


def test_the_entry_points_are_the_only_exceptions():
    """The exception list names only functions that exist and do take keyword piles."""
    counts = {name: count for _, name, count in parameter_counts(ENGINE) if name in PUBLIC_ENTRY_POINTS}
    assert set(counts) == PUBLIC_ENTRY_POINTS
    assert min(counts.values()) > MOST_PARAMETERS


def test_the_wheel_holds_every_engine_module(tmp_path):
    """``pip install .`` installs the engine with every subpackage (what Dask workers and notebooks get)."""
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
         str(REPO_ROOT)], capture_output=True, text=True, timeout=600,
        env=dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"),
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    shutil.rmtree(REPO_ROOT / "build" / "lib", ignore_errors=True)  # setuptools' staging folder
    [wheel] = tmp_path.glob("hsi_lime-*.whl")
    in_wheel = {name for name in zipfile.ZipFile(wheel).namelist() if name.endswith(".py")}
    on_disk = {path.relative_to(REPO_ROOT).as_posix() for path in ENGINE.rglob("*.py")}
    assert on_disk - in_wheel == set()
    assert {name.split("/")[0] for name in in_wheel} == {"hsi_lime_plugin"}

