"""Make the engine and its Python dependencies importable inside QGIS.

QGIS runs plugins in its own (system) Python. ``make install`` puts torch and spyndex into
the repository's ``.venv``; this module appends that environment's site-packages to
``sys.path`` (after the system's, so Debian's numpy and GDAL bindings keep precedence), and
puts the plugin folder itself on the path so that ``import hsi_lime_plugin`` works the same
in QGIS, in tests and on Dask workers. No environment variable has to be set by hand.
"""
from __future__ import annotations

import site
import sys
from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent


def virtual_environment_site_packages(root: Path = PLUGIN_DIR) -> list[Path]:
    """The site-packages folders of ``root/.venv`` for this Python version, if present."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return [p for p in (root / ".venv" / "lib" / version / "site-packages",) if p.is_dir()]


def make_dependencies_importable() -> None:
    """Add the plugin folder and the plugin's virtual environment to ``sys.path`` once."""
    if str(PLUGIN_DIR) not in sys.path:
        sys.path.insert(0, str(PLUGIN_DIR))
    for folder in virtual_environment_site_packages():
        if str(folder) not in sys.path:
            site.addsitedir(str(folder))
