"""Install as a user would: the plugin ZIP unzipped into a clean profile, in a QGIS whose Python has
neither torch nor spyndex (Debian's /usr/bin/python3, without the repository's .venv).

The last test runs the real installer (pip, from PyPI and pip's cache): about a minute here
(58 s measured, the torch CPU wheel coming from disk), so it runs in `make test`; where pip reaches only
torch's CUDA build (Python 3.13 on Linux here) it checks that 'CPU only' refuses it, then skips;
HSI_LIME_TEST_INSTALL=0 skips it on machines without a network.
"""
import json
import os
import subprocess
import time
import zipfile

import pytest

from helpers import REPO_ROOT
from helpers.qgis import QGIS_PROCESS

pytestmark = pytest.mark.qgis_process


@pytest.fixture(scope="module")
def user_qgis(tmp_path_factory):
    """``run(*arguments, **environment) -> CompletedProcess``: qgis_process with the unzipped plugin only."""
    if QGIS_PROCESS is None:
        pytest.skip("qgis_process is not installed (apt-get install qgis)")
    built = subprocess.run(["bash", str(REPO_ROOT / "scripts" / "package.sh")], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    version = next(line.split("=", 1)[1] for line in (REPO_ROOT / "metadata.txt").read_text().splitlines()
                   if line.startswith("version="))
    folder = tmp_path_factory.mktemp("user")
    with zipfile.ZipFile(REPO_ROOT / "dist" / f"hsi_lime-{version}.zip") as archive:
        archive.extractall(folder / "plugins")
    assert not (folder / "plugins" / "hsi_lime" / ".venv").exists()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QGIS_", "PYTHON", "VIRTUAL_ENV", "HSI_LIME_"))}
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if ".venv" not in p)
    env.update(QGIS_PLUGINPATH=str(folder / "plugins"), QGIS_CUSTOM_CONFIG_PATH=str(folder / "profile"),
               QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(folder))
    probe = subprocess.run(["/usr/bin/python3", "-c", "import torch"], env=env, capture_output=True)
    if probe.returncode == 0:
        pytest.skip("the system Python can import torch: this test needs a QGIS without it")

    def run(*arguments, **environment):
        return subprocess.run([QGIS_PROCESS, *map(str, arguments)], env={**env, **environment},
                              capture_output=True, text=True, timeout=900)

    enabled = run("plugins", "enable", "hsi_lime")
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr
    run.folder = folder
    return run


def test_plugin_lists_every_algorithm_without_its_dependencies(user_qgis):
    listed = user_qgis("list")
    output = listed.stdout + listed.stderr
    assert listed.returncode == 0, output
    for algorithm in ("hsilime:explain_spatial", "hsilime:explain_spectral", "hsilime:attribute_pixels",
                      "hsilime:explain_fields", "hsilime:install_dependencies"):
        assert algorithm in output
    assert "error starting plugin" not in output.lower() and "Traceback" not in output


def test_an_algorithm_without_dependencies_says_how_to_install_them(user_qgis, scene, tmp_path):
    completed = user_qgis("run", "hsilime:explain_spatial", "--", f"INPUT={scene.raster}", f"MODEL={scene.model}",
                          "SEGMENTATION=2", f"OUTPUT={tmp_path / 'out.tif'}")
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    assert "hsi-lime needs Python packages that this QGIS cannot import: torch, spyndex, captum" in output
    assert "Install or update Python dependencies" in output and "-m pip install --target" in output
    assert "Traceback" not in output
    assert not (tmp_path / "out.tif").exists()


@pytest.mark.skipif(os.environ.get("HSI_LIME_TEST_INSTALL") == "0", reason="HSI_LIME_TEST_INSTALL=0")
def test_installer_then_explain_with_only_that_folder(user_qgis, scene, tmp_path):
    folder = tmp_path / "deps"
    started = time.perf_counter()
    installed = user_qgis("--json", "run", "hsilime:install_dependencies", "--", f"FOLDER={folder}", "DEVICE=1")
    seconds = time.perf_counter() - started
    output = installed.stdout + installed.stderr
    if installed.returncode != 0 and "pip can get only torch's CUDA build here" in output:
        assert "Nothing was installed." in output and not folder.exists()
        pytest.skip("pip reaches no CPU build of torch for this Python here (PyPI's Linux torch is the CUDA build), "
                    "and the installer refused the CUDA libraries for 'CPU only', as it must; "
                    "scripts/check_installer.sh checks the rest with a torch QGIS's Python has")
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    report = json.loads(installed.stdout)["results"]["REPORT"]
    assert "torch 2.13.0" in report and "spyndex" in report, report
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    figures = {"installer_wall_s": round(seconds, 1), "folder_mb": round(size / 2**20), "report": report}
    (REPO_ROOT / "build").mkdir(exist_ok=True)
    (REPO_ROOT / "build" / "install-test.json").write_text(json.dumps(figures, indent=2))
    print(figures)
    assert not list(tmp_path.glob(".deps.*")), "temporary folders left behind"
    assert not (folder / "numpy").exists(), "QGIS's numpy was installed again"
    assert not (folder / "nvidia").exists(), "CUDA libraries were installed for 'CPU only'"

    explained = user_qgis(
        "--json", "run", "hsilime:explain_spatial", "--", f"INPUT={scene.raster}", f"MODEL={scene.model}",
        f"POLYGONS={scene.fields}", "ID_FIELD=name", "N_SAMPLES=100", f"OUTPUT={tmp_path / 'out.tif'}",
        HSI_LIME_DEPENDENCIES=str(folder),
    )
    assert explained.returncode == 0, explained.stdout[-3000:] + explained.stderr[-3000:]
    assert json.loads(explained.stdout)["results"]["SCORES"].startswith("one_field=")
    assert "torch 2.13.0" in explained.stdout + explained.stderr  # the run's log states torch and the device
