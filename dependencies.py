"""Where the plugin's Python dependencies live, and whether they are importable.

QGIS runs plugins in its own Python, which has numpy, GDAL and PyQt but usually not torch
or spyndex. The algorithm ``hsilime:install_dependencies`` (see :mod:`.installer`) puts
them with ``pip --target`` into a folder owned by the plugin, one per Python version:

- ``$HSI_LIME_DEPENDENCIES`` when that environment variable is set (the folder itself);
- else ``<active QGIS profile>/python/hsi_lime_dependencies/python3.X``.

When the plugin loads, that folder is APPENDED to ``sys.path`` (QGIS's own numpy, GDAL
and PyQt keep precedence), and so is the ``.venv`` of a developer checkout linked in by
``make install``. Nothing here imports torch or any other heavy package: whether a
dependency is present is asked with :func:`importlib.util.find_spec`, which finds a
package without importing it, so the plugin loads in a QGIS that has none of them.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import site
import sys
from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent
#: Pinned versions of what the installer installs (shipped in the plugin ZIP).
CONSTRAINTS = PLUGIN_DIR / "hsi_lime_constraints.txt"
#: Environment variable naming the dependency folder (overrides the profile's).
ENVIRONMENT_VARIABLE = "HSI_LIME_DEPENDENCIES"
#: Import name -> requirement (pip) name of every package an algorithm run needs.
REQUIRED = {
    "torch": "torch",
    "spyndex": "spyndex",
    "captum": "captum",
    "rasterio": "rasterio",
    "geopandas": "geopandas",
    "skimage": "scikit-image",
    "scipy": "scipy",
    "pandas": "pandas",
    "matplotlib": "matplotlib",
}
#: Packages some models need (ONNX models need onnxruntime); the installer adds them on request.
OPTIONAL = {"onnxruntime": "onnxruntime"}
#: scikit-learn models saved with skops (.skops) need skops (scikit-learn itself comes with QGIS or with it).
SKOPS = {"skops": "skops"}
#: Running units on a Dask cluster (explain_fields with DASK_SCHEDULER); never needed to run in this process.
DASK = {"dask": "dask", "distributed": "distributed"}


def python_folder_name(version: tuple[int, int] | None = None) -> str:
    """``python3.X`` for this (or the given) Python version: wheels differ between versions."""
    major, minor = version or sys.version_info[:2]
    return f"python{major}.{minor}"


def qgis_settings_dir() -> Path | None:
    """The active QGIS profile folder, or None outside QGIS."""
    try:
        from qgis.core import QgsApplication
    except ImportError:
        return None
    path = QgsApplication.qgisSettingsDirPath()
    return Path(path) if path else None


def dependencies_folder(
    environ: dict | None = None, settings_dir: Path | str | None = None, version: tuple[int, int] | None = None
) -> Path | None:
    """The folder the installer writes to and the plugin reads from.

    ``$HSI_LIME_DEPENDENCIES`` when set, else ``<settings_dir>/python/hsi_lime_dependencies/python3.X``
    with ``settings_dir`` the active QGIS profile; None when neither is known.
    """
    environ = os.environ if environ is None else environ
    if environ.get(ENVIRONMENT_VARIABLE):
        return Path(environ[ENVIRONMENT_VARIABLE]).expanduser()
    settings_dir = settings_dir if settings_dir is not None else qgis_settings_dir()
    if settings_dir is None:
        return None
    return Path(settings_dir) / "python" / "hsi_lime_dependencies" / python_folder_name(version)


def development_site_packages(root: Path = PLUGIN_DIR) -> list[Path]:
    """The site-packages of ``root/.venv`` (a repository linked in by ``make install``), if present."""
    folder = root / ".venv" / "lib" / python_folder_name() / "site-packages"
    return [folder] if folder.is_dir() else []


def add_folder(folder: Path | str) -> bool:
    """Append ``folder`` to ``sys.path`` (never prepend) and forget cached directory listings.

    Returns whether it was added (False when it is absent or already there).
    """
    folder = str(folder)
    importlib.invalidate_caches()  # a folder replaced in place (the installer's rename) is read afresh
    if not os.path.isdir(folder) or folder in sys.path:
        return False
    sys.path.append(folder)
    return True


def make_dependencies_importable() -> None:
    """Append the dependency folder and a developer ``.venv`` to ``sys.path``, once; import nothing."""
    folder = dependencies_folder()
    if folder is not None:
        add_folder(folder)
    for site_packages in development_site_packages():
        if str(site_packages) not in sys.path:
            site.addsitedir(str(site_packages))  # appends, and reads the venv's .pth files


def is_importable(name: str) -> bool:
    """Whether the top-level module ``name`` can be imported, without importing it."""
    if name in sys.modules:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def missing_packages(names: dict[str, str] | None = None) -> list[str]:
    """Requirement names of the packages in ``names`` (default: :data:`REQUIRED`) that cannot be imported.

    Evaluated on every call (a few directory look-ups), so an installation made in this
    session counts at once.
    """
    names = REQUIRED if names is None else names
    return [requirement for module, requirement in names.items() if not is_importable(module)]
