"""The engine is importable where QGIS is not (Dask workers, notebooks)."""
import subprocess
import sys

from helpers import REPO_ROOT

ENGINE = REPO_ROOT / "hsi_lime_plugin"

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
modules = [m.name for m in pkgutil.walk_packages(hsi_lime_plugin.__path__, "hsi_lime_plugin.")]
for module in modules:
    importlib.import_module(module)
try:
    import qgis
except ImportError:
    print("blocked", " ".join(modules))
"""


def test_every_engine_module_imports_with_qgis_blocked():
    """Every module of every subpackage, found by walking the package, imports while qgis cannot."""
    completed = subprocess.run(
        [sys.executable, "-c", BLOCK_QGIS], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    kind, *modules = completed.stdout.split()
    assert kind == "blocked"
    on_disk = {".".join(("hsi_lime_plugin",) + path.relative_to(ENGINE).with_suffix("").parts).removesuffix(".__init__")
               for path in ENGINE.rglob("*.py")} - {"hsi_lime_plugin"}
    assert set(modules) == on_disk  # every module of every subpackage was imported
