#!/usr/bin/env python3
"""`make screenshots`: the documentation's pictures, taken from the real QGIS desktop and the demo.

Usage::

    .venv/bin/python scripts/screenshots.py [FOLDER]      (default build/screenshots)

1. The demo and its outputs (``make demo``'s ``scripts/run_demo.sh``), made when they are missing.
2. The QGIS desktop under Xvfb (``xvfb-run qgis.bin --code scripts/screenshots_desktop.py``) with a profile
   of its own in which this checkout is the enabled plugin: the toolbox, dialogs filled with the demo's
   files, the demo's styled outputs on the map.
3. The HTML reports as a browser shows them (headless Chromium's ``--screenshot``), and the spectral figure
   the demo wrote.
4. The explorer dock on the demo's outputs (``scripts/explorer_desktop.py screenshots``, which
   ``make screenshots-explorer`` runs alone), the pictures the documentation shows named ``explorer_*``.

Every name in :data:`PICTURES` must come out, or the script fails saying which did not and why. The site
(``make docs``) takes them from FOLDER (``scripts/docs_hooks.py``): generated pictures are never committed.
The README shows them from the published site, whose build runs this.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO = REPO_ROOT / "build" / "demo"
RESULTS = DEMO / "outputs"

#: Every picture the documentation may show: file name -> what it shows. The documentation's link check
#: (tests/test_docs.py) accepts a picture under screenshots/ only when it is named here.
PICTURES = {
    "toolbox.png": "the Processing Toolbox, its provider Hyperspectral explanations and its algorithms",
    "install_dependencies.png": "the dialog of Install or update Python dependencies",
    "explain_spatial_dialog.png": "Explain spatial importance, filled in with the demo's scene, model and fields",
    "explain_spectral_dialog.png": "Explain spectral importance, filled in with the demo and its band groups",
    "fields_on_map.png": "QGIS with the demo's attribution per field on its diverging style, the layers panel",
    "slic_on_map.png": "the attribution of SLIC superpixels on the map canvas",
    "fields_report.png": "the HTML report of the spatial run, as a browser shows it",
    "spectral_report.png": "the HTML report of the spectral run, as a browser shows it",
    "spectral_importance.png": "the spectral figure of the demo (OUTPUT_PLOT of explain_spectral)",
    "explorer_map_scale_window.png": "the main window with the explorer dock on a field of the map-scale run",
    "explorer_spectral_dock.png": "the explorer dock on a field of the spectral run: bars and the shaded spectrum",
    "explorer_compare_plot.png": "the explorer's plot of two fields compared, and their difference",
    "explorer_explain_here_dock.png": "the explorer dock after explaining a field live",
}
#: The explorer's pictures (scripts/explorer_desktop.py names them without the prefix).
EXPLORER = [name for name in PICTURES if name.startswith("explorer_")]
#: Pictures of the HTML reports: file name -> (report, window height in pixels).
REPORTS = {"fields_report.png": ("fields_report.html", 2300), "spectral_report.png": ("spectral_report.html", 2300)}
FIGURES = {"spectral_importance.png": "spectral_importance.png"}


def demo_outputs() -> None:
    """The demo's outputs, made by ``scripts/run_demo.sh`` (as ``make demo`` makes them) when one is missing."""
    needed = [RESULTS / name for name, _ in REPORTS.values()] + [RESULTS / name for name in FIGURES.values()]
    needed += [RESULTS / "fields_attribution.tif", RESULTS / "fields_segments.gpkg", RESULTS / "slic_attribution.tif"]
    if all(path.is_file() for path in needed):
        return
    print("screenshots: making the demo's outputs (scripts/run_demo.sh)", flush=True)
    subprocess.run(["bash", str(REPO_ROOT / "scripts" / "run_demo.sh")], check=True, stdout=subprocess.DEVNULL)


def profile(folder: Path) -> dict:
    """An environment whose QGIS profile (in ``folder``) has this checkout as the enabled plugin hsi_lime."""
    (folder / "plugins").mkdir(parents=True)
    (folder / "plugins" / "hsi_lime").symlink_to(REPO_ROOT)
    settings = folder / "profile" / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    settings.parent.mkdir(parents=True)
    settings.write_text("[PythonPlugins]\nhsi_lime=true\nprocessing=true\n", encoding="utf-8")
    runtime = folder / "runtime"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # the desktop draws on Xvfb's screen
    # GDAL_PAM_ENABLED=NO: the desktop's statistics of the demo scene (its contrast stretch) stay in memory,
    # never an .aux.xml beside the demo's files
    env.update(QGIS_PLUGINPATH=str(folder / "plugins"), QGIS_CUSTOM_CONFIG_PATH=str(folder / "profile"),
               XDG_RUNTIME_DIR=str(runtime), GDAL_PAM_ENABLED="NO")
    return env


def desktop(output: Path, work: Path) -> dict:
    """The desktop's pictures (scripts/screenshots_desktop.py); its problems, by picture."""
    xvfb_run, qgis = shutil.which("xvfb-run"), shutil.which("qgis.bin") or shutil.which("qgis")
    if xvfb_run is None or qgis is None:
        raise SystemExit("screenshots: xvfb-run and the QGIS desktop are needed (scripts/setup.sh installs them)")
    sys.path.insert(0, str(REPO_ROOT))
    from hsi_lime_plugin.demo import DEMO_BAND_GROUPS

    env = dict(profile(work), HSI_LIME_SCREENSHOTS=str(output), HSI_LIME_DEMO=str(DEMO),
               HSI_LIME_BAND_GROUPS=DEMO_BAND_GROUPS)
    script = REPO_ROOT / "scripts" / "screenshots_desktop.py"
    completed = subprocess.run(
        [xvfb_run, "-a", "-s", "-screen 0 1400x1000x24", qgis, "--nologo", "--noversioncheck", "--code", str(script)],
        env=env, capture_output=True, text=True, timeout=600,
    )
    findings = output / "shots.json"
    if not findings.is_file():
        raise SystemExit("screenshots: the QGIS desktop ended without its findings:\n"
                         + completed.stdout[-3000:] + completed.stderr[-3000:])
    problems = json.loads(findings.read_text(encoding="utf-8"))["problems"]
    findings.unlink()
    return problems


def browser(output: Path) -> dict:
    """The reports as headless Chromium shows them; its problems, by picture."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return {name: "chromium is missing (apt-get install chromium; scripts/setup.sh installs it)"
                for name in REPORTS}
    problems = {}
    for name, (report, height) in REPORTS.items():
        completed = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--window-size=1200,{height}", f"--screenshot={output / name}", (RESULTS / report).as_uri()],
            capture_output=True, text=True, timeout=120,
        )
        if completed.returncode != 0:
            problems[name] = completed.stderr[-2000:]
    return problems


def explorer(output: Path) -> dict:
    """The explorer dock's pictures (scripts/explorer_desktop.py), copied as ``explorer_<name>``; its problems."""
    folder = output / "explorer"
    completed = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "explorer_desktop.py"), "screenshots",
                                "--output", str(folder)], capture_output=True, text=True, timeout=900)
    for name in EXPLORER:
        source = folder / name[len("explorer_"):]
        if source.is_file():
            shutil.copyfile(source, output / name)
    return {name: completed.stdout[-2000:] + completed.stderr[-2000:] for name in EXPLORER}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=REPO_ROOT / "build" / "screenshots")
    output = parser.parse_args(argv).folder.resolve()
    demo_outputs()
    output.mkdir(parents=True, exist_ok=True)
    for old in output.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="hsi-lime-screenshots-") as work:
        problems = desktop(output, Path(work))
    problems.update(browser(output))
    problems.update(explorer(output))
    for name, figure in FIGURES.items():
        shutil.copyfile(RESULTS / figure, output / name)
    missing = {name: problems.get(name, "not written") for name in PICTURES if not (output / name).is_file()}
    for name, why in missing.items():
        print(f"screenshots: {name} ({PICTURES[name]}) failed:\n{why}", file=sys.stderr)
    print(f"screenshots: {len(PICTURES) - len(missing)} of {len(PICTURES)} pictures in {output}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
