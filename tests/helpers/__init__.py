"""What the tests share: where the repository and the real data are, and the plugin import.

Submodules: :mod:`helpers.grids` (label grids), :mod:`helpers.qgis` (running algorithms,
exact failure messages) and :mod:`helpers.scene` (the small synthetic scene). pytest puts
``tests/`` on ``sys.path`` (rootdir-relative import of test modules without packages), so
tests import them as ``helpers``.
"""
import importlib.util
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
#: Why a test that needs QGIS skips where PyQGIS cannot be imported (the package-index venv of make test-index).
NO_QGIS = "needs QGIS: PyQGIS cannot be imported in this Python (make test runs in a venv that sees it)"


def import_plugin_package():
    """Import the repository root as the package ``hsi_lime``, as QGIS does with the plugin folder."""
    if "hsi_lime" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "hsi_lime", REPO_ROOT / "__init__.py", submodule_search_locations=[str(REPO_ROOT)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["hsi_lime"] = module
        spec.loader.exec_module(module)
    return sys.modules["hsi_lime"]
