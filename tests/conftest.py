"""Shared fixtures: the real data, the synthetic scene, the plugin loaded headless, qgis_process.

Also the hypothesis profiles. A property test must never fail because the machine is busy:
``hsi_lime`` (the default) is derandomised (the same examples on every run), has no deadline
and no too-slow health check (the only timing-dependent checks hypothesis makes) and a fixed
number of examples; ``ci`` (selected by ``.ci/run`` through ``HYPOTHESIS_PROFILE``) is the
same without the example database, so a clean clone behaves exactly like every other run.
"""
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "hsi_lime", derandomize=True, deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", parent=settings.get_profile("hsi_lime"), database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "hsi_lime"))

pytest.register_assert_rewrite("helpers")

from helpers import NO_QGIS, REPO_ROOT, SHARED_DATA, import_plugin_package  # noqa: E402 (asserts rewritten first)

#: Fixtures that need QGIS: pytest-qgis's, and those of this file built on them or on the qgis_process binary.
QGIS_FIXTURES = {"qgis_app", "qgis_iface", "qgis_processing", "qgis_new_project", "qgis_canvas", "qgis_bot",
                 "qgis_parent", "hsilime_plugin", "hsilime_provider", "qgis_process"}


def pytest_collection_modifyitems(config, items):
    """Where PyQGIS cannot be imported (a plain package-index venv), the tests using a QGIS fixture skip
    with the reason, instead of erroring on a fixture that pytest-qgis would have provided. With
    HSI_LIME_QGIS_ONLY=1 (``make test QGIS_ONLY=1``: CI's QGIS 3.44 leg, whose Python and packages are the Debian
    13 leg's) only the tests that use QGIS run."""
    import importlib.util

    if os.environ.get("HSI_LIME_QGIS_ONLY") == "1":
        kept = [item for item in items if _uses_qgis(item)]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
    if importlib.util.find_spec("qgis") is not None:
        return
    for item in items:
        if QGIS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.skip(reason=NO_QGIS))


#: What a test module that uses QGIS says: PyQGIS imports, a QGIS fixture (pytest-qgis's autouse ones are in
#: every test's fixtures), the qgis_process binary, the desktop under Xvfb.
USES_QGIS = re.compile("|".join([r"from qgis", r"import qgis", r'importorskip\("qgis', r"qgis\.bin", r"run_desktop",
                                 r"desktop\(\)", *sorted(QGIS_FIXTURES)]))
_USES: dict = {}


def _uses_qgis(item) -> bool:
    """Whether the test's module uses QGIS (:data:`USES_QGIS`; the ``qgis_process`` marker, which only says slow,
    does not count)."""
    if item.path not in _USES:
        text = Path(item.path).read_text(encoding="utf-8").replace("mark.qgis_process", "")
        _USES[item.path] = USES_QGIS.search(text) is not None
    return _USES[item.path]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real hyperspectral data; tests using it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent (it sits beside the repository as ../shared/data)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def scene(tmp_path_factory):
    """The small synthetic scene of tests/helpers/scene.py (raster, fields, model)."""
    from helpers.scene import make_scene

    return make_scene(tmp_path_factory.mktemp("scene"))


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The demo of `make demo` (scene, fields, trained model and card; seed 0), built once per session."""
    from hsi_lime_plugin.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo"), seed=0)


@pytest.fixture(scope="module")
def band_model(request, tmp_path_factory):
    """A TorchScript BandMeansModel of any window size with its card (8 bands, scale 1e-4): each target the mean
    of its bands, from the test module's ``READS`` (target -> 0-based bands), by default 'low' (bands 0-2) and
    'high' (bands 5, 6)."""
    from helpers.scene import write_band_model

    reads = getattr(request.module, "READS", {"low": [0, 1, 2], "high": [5, 6]})
    return write_band_model(tmp_path_factory.mktemp("model") / "band_means.pt", reads)


@pytest.fixture(scope="session")
def bare_raster(scene, tmp_path_factory):
    """The scene's raster without any wavelength metadata."""
    import rasterio

    path = tmp_path_factory.mktemp("bare") / "bare.tif"
    with rasterio.open(scene.raster) as source:
        profile, data = source.profile, source.read()
    with rasterio.open(path, "w", **profile) as target:
        target.write(data)
    return path


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


@pytest.fixture(scope="session")
def qgis_process(tmp_path_factory):
    """Run the qgis_process binary with an isolated profile in which this repository is the
    enabled plugin hsi_lime: ``qgis_process(algorithm, **parameters) -> (completed, json, seconds)``."""
    import json
    import os
    import subprocess
    import time

    from helpers.qgis import QGIS_PROCESS

    if QGIS_PROCESS is None:
        pytest.skip("qgis_process is not installed (apt-get install qgis)")
    folder = tmp_path_factory.mktemp("qgis")
    (folder / "plugins").mkdir()
    (folder / "plugins" / "hsi_lime").symlink_to(REPO_ROOT)
    env = dict(
        os.environ,
        QGIS_PLUGINPATH=str(folder / "plugins"),
        QGIS_CUSTOM_CONFIG_PATH=str(folder / "profile"),
        QT_QPA_PLATFORM="offscreen",
        XDG_RUNTIME_DIR=str(folder),
    )
    enabled = subprocess.run([QGIS_PROCESS, "plugins", "enable", "hsi_lime"], env=env, capture_output=True, text=True)
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr

    def command(algorithm, parameters):
        """A list value repeats its parameter (several layers of a multiple-layer parameter)."""
        arguments = [
            f"--{name}={item}" for name, value in parameters.items()
            for item in (value if isinstance(value, (list, tuple)) else [value])
        ]
        return [QGIS_PROCESS, "--json", "run", str(algorithm), *arguments]

    def run(algorithm, **parameters):
        started = time.perf_counter()
        completed = subprocess.run(command(algorithm, parameters), env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        return completed, (json.loads(completed.stdout) if completed.returncode == 0 else None), seconds

    def popen(algorithm, **parameters) -> subprocess.Popen:
        """The same run, started in the background (stdout and stderr as text pipes)."""
        return subprocess.Popen(command(algorithm, parameters), env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    run.popen = popen
    run.env = env  # the isolated profile with the plugin enabled, for other qgis_process commands
    run.folder = folder
    return run


@pytest.fixture(scope="session")
def plugin_zip() -> Path:
    """dist/hsi_lime-<version>.zip, built once per session by scripts/package.sh (as `make package` does)."""
    import configparser
    import subprocess

    built = subprocess.run(["bash", str(REPO_ROOT / "scripts" / "package.sh")], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(REPO_ROOT / "metadata.txt", encoding="utf-8")
    return REPO_ROOT / "dist" / f"hsi_lime-{metadata['general']['version']}.zip"


@pytest.fixture(scope="session")
def product_sample(shared_data):
    """Real EnMAP reflectance to fill the sensor products' layouts with (tests/helpers/products.py)."""
    from helpers.products import enmap_sample

    return enmap_sample(shared_data)
