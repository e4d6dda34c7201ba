"""Shared fixtures: where the real data lives, and the repository root."""
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real hyperspectral data; tests using it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent (it sits beside the repository as ../shared/data)")
    return SHARED_DATA


def import_plugin_package():
    """Import the repository root as the package ``hsi_lime``, as QGIS does with the plugin folder."""
    import importlib.util
    import sys

    if "hsi_lime" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "hsi_lime", REPO_ROOT / "__init__.py", submodule_search_locations=[str(REPO_ROOT)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["hsi_lime"] = module
        spec.loader.exec_module(module)
    return sys.modules["hsi_lime"]


@pytest.fixture(scope="session")
def scene(tmp_path_factory):
    """The small synthetic scene of tests/synthetic.py (raster, fields, model)."""
    from synthetic import make_scene

    return make_scene(tmp_path_factory.mktemp("scene"))


@pytest.fixture(scope="session")
def hsilime_plugin(qgis_processing):
    """The plugin loaded headless (iface None), as qgis_process loads it."""
    plugin = import_plugin_package().classFactory(None)
    yield plugin
    plugin.unload()


@pytest.fixture()
def hsilime_provider(hsilime_plugin):
    """The plugin's provider, registered (again, if a test unloaded the plugin)."""
    hsilime_plugin.initProcessing()
    return hsilime_plugin.provider
