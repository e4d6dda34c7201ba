"""Every algorithm's dialog, opened as the desktop opens it (QGIS under Xvfb with an interface):
each parameter has a widget showing its default, and a screenshot of each dialog (folded, and with
Advanced parameters unfolded) lands in the test's folder and in build/test-output/dialogs/."""
import json
import os
import shutil
import subprocess

import pytest

from helpers import REPO_ROOT

ALGORITHMS = ("explain_spatial", "explain_spectral", "attribute_pixels", "explain_fields", "import_product",
              "install_dependencies")
SCRIPT = REPO_ROOT / "tests" / "helpers" / "dialog_script.py"
KEPT = REPO_ROOT / "build" / "test-output" / "dialogs"

pytestmark = pytest.mark.qgis_process


def shows_default(entry) -> bool:
    """Whether a widget's value is its parameter's default (an empty optional text reads as no value;
    a destination shows 'skip' or a temporary output)."""
    value, default = entry.get("value"), entry["default"]
    if entry["destination"]:
        return value is None or "TEMPORARY_OUTPUT" in str(value)
    if default in (None, "") and value in (None, ""):
        return True
    if isinstance(default, (int, float)) and isinstance(value, (int, float)):
        return float(default) == float(value)
    return value == default


@pytest.fixture(scope="module")
def dialogs(qgis_process, tmp_path_factory):
    """Open the dialogs in a QGIS desktop under Xvfb; its findings and screenshots."""
    xvfb_run, qgis = shutil.which("xvfb-run"), shutil.which("qgis.bin") or shutil.which("qgis")
    if xvfb_run is None or qgis is None:
        pytest.skip("xvfb-run or the QGIS desktop is missing (apt-get install xvfb qgis; scripts/setup.sh does)")
    output = tmp_path_factory.mktemp("dialogs")
    env = dict(
        qgis_process.env,
        HSI_LIME_DIALOGS=str(output),
        HSI_LIME_ALGORITHMS=",".join(f"hsilime:{name}" for name in ALGORITHMS),
    )
    env.pop("QT_QPA_PLATFORM", None)  # the desktop draws on Xvfb's screen
    os.chmod(env["XDG_RUNTIME_DIR"], 0o700)
    completed = subprocess.run(
        [xvfb_run, "-a", "-s", "-screen 0 1280x2000x24", qgis, "--nologo", "--noversioncheck", "--code", str(SCRIPT)],
        env=env, capture_output=True, text=True, timeout=300,
    )
    findings = output / "dialogs.json"
    assert findings.is_file(), completed.stdout[-3000:] + completed.stderr[-3000:]
    KEPT.mkdir(parents=True, exist_ok=True)
    for picture in output.glob("*.png"):
        shutil.copy(picture, KEPT / picture.name)
    return json.loads(findings.read_text(encoding="utf-8")), output


def test_the_desktop_has_an_interface(dialogs):
    assert dialogs[0]["iface"] is True


@pytest.mark.parametrize("name", ALGORITHMS)
def test_every_parameter_has_a_widget_with_its_default(dialogs, name):
    found = dialogs[0][f"hsilime:{name}"]
    assert "error" not in found, found.get("error")
    assert found["parameters"], name
    for entry in found["parameters"]:
        assert entry["has_widget"], f"{name}: no widget for {entry['name']}"
        assert "value_error" not in entry, entry
        assert shows_default(entry), f"{name}: {entry['name']} shows {entry.get('value')!r}, not {entry['default']!r}"


@pytest.mark.parametrize("name", ALGORITHMS)
def test_every_dialog_is_captured_with_its_help(dialogs, name):
    found, output = dialogs
    for suffix in ("", "_advanced"):
        picture = output / f"{name}{suffix}.png"
        assert picture.is_file() and picture.stat().st_size > 10_000, picture
        assert (KEPT / picture.name).is_file()
    help_text = found[f"hsilime:{name}"]["help"]
    assert help_text is not None and "<b>" not in help_text  # rendered, not shown as tags
    assert {"import_product": "(PRODUCT)"}.get(name, "(MODEL)") in help_text or name == "install_dependencies"
