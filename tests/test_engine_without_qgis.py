"""The engine is importable where QGIS is not (Dask workers, notebooks)."""
import subprocess
import sys

from helpers import REPO_ROOT

BLOCK_QGIS = """
import importlib, pkgutil, sys
class BlockQgis:
    def find_spec(self, name, path=None, target=None):
        if name == "qgis" or name.startswith("qgis."):
            raise ImportError("qgis is blocked in this test")
sys.meta_path.insert(0, BlockQgis())
for name in [m for m in list(sys.modules) if m == "qgis" or m.startswith("qgis.")]:
    del sys.modules[name]
import hsi_lime_plugin
modules = [m.name for m in pkgutil.iter_modules(hsi_lime_plugin.__path__)]
for module in modules:
    importlib.import_module("hsi_lime_plugin." + module)
try:
    import qgis
except ImportError:
    print("blocked", len(modules))
"""


def test_every_engine_module_imports_with_qgis_blocked():
    completed = subprocess.run(
        [sys.executable, "-c", BLOCK_QGIS], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    kind, count = completed.stdout.split()
    assert kind == "blocked" and int(count) >= 10
