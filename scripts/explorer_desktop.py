"""Start the QGIS desktop under Xvfb with the explorer driven by scripts/explorer_in_qgis.py; read its findings.

:func:`run_desktop` writes the plan (see explorer_in_qgis.py), makes a throwaway QGIS profile in which this
repository is the enabled plugin ``hsi_lime``, runs ``xvfb-run qgis.bin --code explorer_in_qgis.py`` and
returns the findings. The tests (tests/test_explorer_desktop.py), the screenshots (``make
screenshots-explorer``) and the click-to-plot benchmark (benchmarks/explorer.py) use it.

    python scripts/explorer_desktop.py screenshots [--output build/screenshots/explorer]

builds the demo (build/demo), runs the demo's explanations inside QGIS with their outputs loaded, clicks a
field of each output and saves the dock and the main window as PNG files in the output folder.
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

REPO = Path(__file__).resolve().parents[1]
DRIVER = REPO / "scripts" / "explorer_in_qgis.py"
#: The main window's size in the pictures (the dock opens at its default width beside the canvas).
WINDOW = (1600, 1000)


class DesktopUnavailable(RuntimeError):
    """xvfb-run or the QGIS desktop is missing."""


def run_desktop(plan: dict, timeout: float = 900.0, env: dict | None = None, locale: str | None = None) -> dict:
    """Run the desktop with ``plan`` (``mode``, ``output``, ``load``, ``runs``, ``inputs``), in ``locale`` (``de``,
    ``pl``; default QGIS's); its findings."""
    xvfb_run, qgis = shutil.which("xvfb-run"), shutil.which("qgis.bin") or shutil.which("qgis")
    if xvfb_run is None or qgis is None:
        raise DesktopUnavailable("xvfb-run or the QGIS desktop is missing (apt-get install xvfb qgis)")
    output = Path(plan["output"])
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hsi_lime_desktop_") as folder:
        folder = Path(folder)
        (folder / "plan.json").write_text(json.dumps({"window": WINDOW, **plan}), encoding="utf-8")
        completed = subprocess.run(
            [xvfb_run, "-a", "-s", f"-screen 0 {WINDOW[0]}x{WINDOW[1] + 100}x24", qgis, "--nologo",
             "--noversioncheck", "--code", str(DRIVER)],
            env=desktop_env(folder, env, locale), capture_output=True, text=True, timeout=timeout)
    findings, faults = output / "findings.json", output / "faults.txt"
    if not findings.is_file():
        stack = faults.read_text(encoding="utf-8")[-4000:] if faults.is_file() else ""
        raise RuntimeError(f"the desktop wrote no findings:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
                           f"\n{stack}")
    return json.loads(findings.read_text(encoding="utf-8"))


def desktop_env(folder: Path, base: dict | None = None, locale: str | None = None) -> dict:
    """An isolated profile in ``folder`` with this repository enabled as the plugin hsi_lime (and QGIS in
    ``locale``); no offscreen Qt."""
    (folder / "plugins").mkdir()
    (folder / "plugins" / "hsi_lime").symlink_to(REPO)
    settings = folder / "profile" / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    settings.parent.mkdir(parents=True)
    language = f"[locale]\noverrideFlag=true\nuserLocale={locale}\n\n" if locale else ""
    settings.write_text(f"{language}[PythonPlugins]\nhsi_lime=true\n\n[qgis]\nshowTips=false\n", encoding="utf-8")
    runtime = folder / "runtime"
    runtime.mkdir(mode=0o700)
    env = {key: value for key, value in (base or os.environ).items() if not key.startswith(("QGIS_", "HSI_LIME_"))}
    env.pop("QT_QPA_PLATFORM", None)  # the desktop draws on Xvfb's screen
    env.update(QGIS_PLUGINPATH=str(folder / "plugins"), QGIS_CUSTOM_CONFIG_PATH=str(folder / "profile"),
               XDG_RUNTIME_DIR=str(runtime), HSI_LIME_EXPLORER_PLAN=str(folder / "plan.json"))
    return env


def demo_runs(demo: Path, outputs: Path, n_samples: int = 500) -> dict:
    """The demo's explanations (those of scripts/run_demo.sh), as Processing runs of the desktop; the spectral one
    last, so that "explain here" takes its settings (its band groups)."""
    from hsi_lime_plugin.demo import DEMO_BAND_GROUPS

    common = {"INPUT": str(demo / "demo_scene.tif"), "MODEL": str(demo / "demo_soil.pt"), "N_SAMPLES": n_samples,
              "SEED": 0}
    fields = {"POLYGONS": str(demo / "demo_fields.gpkg"), "ID_FIELD": "field_id"}
    return {
        "spatial": ["hsilime:explain_spatial", {**common, **fields, "SEGMENTATION": 0,
                                                "OUTPUT": str(outputs / "fields_attribution.tif"),
                                                "OUTPUT_SEGMENTS": str(outputs / "fields_segments.gpkg")}],
        "map_scale": ["hsilime:explain_fields", {**common, **fields, "UNITS": 0, "KIND": 1,
                                                 "OUTPUT_UNITS": str(outputs / "units.gpkg"),
                                                 "OUTPUT_TABLE": str(outputs / "unit_attribution.csv")}],
        "spectral": ["hsilime:explain_spectral", {**common, **fields, "BAND_GROUPS": DEMO_BAND_GROUPS,
                                                  "OUTPUT_TABLE": str(outputs / "spectral_importance.csv")}],
    }


def screenshots(output: Path, locale: str | None = None) -> dict:
    """The explorer on the demo's spatial, spectral and map-scale outputs, and explaining a field live."""
    sys.path.insert(0, str(REPO))
    from hsi_lime_plugin.demo import build_demo

    demo = build_demo(REPO / "build" / "demo").raster.parent
    outputs = output / "outputs"
    if outputs.exists():
        shutil.rmtree(outputs)
    outputs.mkdir(parents=True)
    raster, fields = str(demo / "demo_scene.tif"), str(demo / "demo_fields.gpkg")
    shots = {"spatial": [str(outputs / "fields_segments.gpkg"), "F03"], "spectral": [fields, "F06"],
             "map_scale": [str(outputs / "units.gpkg"), "F09"], "compare": [str(outputs / "units.gpkg"), "F03"],
             "explain_here": [raster, "F11"]}
    plan = {"mode": "screenshots", "output": str(output), "load": [raster, fields], "runs": demo_runs(demo, outputs),
            "inputs": {"raster": raster, "fields": fields, "id_field": "field_id", "shots": shots}}
    return run_desktop(plan, timeout=1800, locale=locale)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["screenshots"])
    parser.add_argument("--output", type=Path, default=REPO / "build" / "screenshots" / "explorer")
    parser.add_argument("--locale", help="QGIS's language, e.g. de or pl (default: QGIS's own)")
    arguments = parser.parse_args()
    findings = screenshots(arguments.output.resolve(), arguments.locale)
    failed = {name: value["error"] for name, value in findings.items() if isinstance(value, dict) and "error" in value}
    for name, value in findings.items():
        if isinstance(value, dict) and "dock" in value:
            print(f"{name}: {value['title']} ({value['seconds']:.1f} s)")
            for kind in ("dock", "window", "plot"):
                print(f"  {value[kind]}")
    for name, error in failed.items():
        print(f"{name} FAILED:\n{error}", file=sys.stderr)
    if findings.get("exceptions"):
        print("exceptions in QGIS:\n" + "\n".join(findings["exceptions"]), file=sys.stderr)
    return 1 if failed or findings.get("error") or findings.get("exceptions") else 0


if __name__ == "__main__":
    sys.exit(main())
