"""Click-to-plot time of the explorer's "explain here", in the real desktop (QGIS under Xvfb).

Two cases on the demo scene (121 bands, 96 x 128 pixels; ``build/demo``, built when missing):

demo   the demo soil model (an image model): a click explains the field polygon under it, spectrally, with
       the demo's band groups (4 windows and the rest), LIME, 500 samples: explain_spectral's per-field run
mlp    a per-pixel MLP (121 -> 64 -> 32 -> 4, seeded random weights, card layout ``pixels``): a click explains
       the clicked pixel, the same settings

Each case runs in a QGIS of its own (started without having run an algorithm): the explorer is opened, and
``--clicks`` places (fields F01, F02, ...; pixels inside them) are clicked one after the other, with real mouse
clicks on the canvas (scripts/explorer_in_qgis.py). Each click is timed from the mouse release to the plot drawn
in the dock (the task finished, the dock redrawn). Opening the explorer imports torch and the engine in the
background (``ready_s``: from the tool's click to that task's end; the clicks start after it, as a user's first
click comes a few seconds after the dock opened). The first click loads the model and prepares what every click
shares; later clicks reuse it. The desktop's own start is not timed. Prints a table and writes the figures to
``--output`` (JSON).

    python benchmarks/explorer.py [--clicks 5] [--output build/bench/explorer.json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

N_SAMPLES = 500


def cases(demo, mlp: Path, clicks: int) -> dict:
    """The two cases' explorer settings (plain values) and the points to click (the canvas's CRS is the raster's)."""
    import geopandas as gpd
    import rasterio

    from hsi_lime_plugin.demo import DEMO_BAND_GROUPS

    fields = gpd.read_file(demo.fields).sort_values("field_id").head(clicks)
    points = [[point.x, point.y] for point in fields.geometry.representative_point()]
    with rasterio.open(demo.raster) as dataset:  # a pixel centre near each field's point
        pixels = [list(dataset.xy(*dataset.index(x, y))) for x, y in points]
    base = {"raster": {"path": str(demo.raster)}, "band_groups": {"text": DEMO_BAND_GROUPS},
            "explain": {"n_samples": N_SAMPLES, "method": "lime", "seed": 0},
            "polygons": {"source": str(demo.fields), "id_field": "field_id"}}
    return {"demo": {"settings": {**base, "model": {"path": str(demo.model)}}, "points": points},
            "mlp": {"settings": {**base, "model": {"path": str(mlp)}}, "points": pixels}}


def summarise(findings: dict, names: list[str]) -> dict:
    """First click, and the median of the later ones, per case."""
    figures = {}
    for name in names:
        found = findings.get(name, {})
        if "seconds" not in found:
            figures[name] = {"error": found.get("error", "no timings")}
            continue
        seconds = found["seconds"]
        figures[name] = {"seconds": seconds, "ready_s": found["ready_s"], "first_s": seconds[0],
                         "later_median_s": round(statistics.median(seconds[1:]), 4) if len(seconds) > 1 else None,
                         "units": found["units"], "finished": found["finished"]}
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=5)
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "bench" / "explorer.json")
    arguments = parser.parse_args()
    from explorer_desktop import run_desktop

    from hsi_lime_plugin.demo import build_demo
    from hsi_lime_plugin.demo.pixel_model import write_pixel_mlp

    demo = build_demo(ROOT / "build" / "demo")
    work = ROOT / "build" / "bench" / "explorer"
    mlp = write_pixel_mlp(work / "pixel_mlp.pt", 121, ["P", "K", "Mg", "pH"], hidden=(64, 32))
    plan_cases = cases(demo, mlp, arguments.clicks)
    findings = {"exceptions": []}
    for name, case in plan_cases.items():  # a fresh QGIS each: every first click is a first click
        with tempfile.TemporaryDirectory(prefix="hsi_lime_explorer_bench_") as folder:
            plan = {"mode": "benchmark", "output": folder, "load": [str(demo.raster), str(demo.fields)],
                    "inputs": {"raster": str(demo.raster), "cases": {name: case}}}
            found = run_desktop(plan, timeout=1800)
        findings[name] = {**found.get(name, {"error": found.get("error", "no finding")}), "ready_s": found.get("ready_s")}
        findings["exceptions"] += found.get("exceptions", [])
    figures = {"n_samples": N_SAMPLES, "clicks": arguments.clicks, **summarise(findings, list(plan_cases)),
               "exceptions": findings["exceptions"]}
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"explain here, click to plot ({N_SAMPLES} samples, LIME, QGIS desktop under Xvfb):")
    for name, label in (("demo", "demo model, field polygon"), ("mlp", "per-pixel MLP, one pixel")):
        case = figures[name]
        if "error" in case:
            print(f"  {label}: FAILED {case['error'][-500:]}")
            continue
        print(f"  {label}: explorer ready {case['ready_s']:.2f} s after opening; first click {case['first_s']:.2f} s "
              f"(the model loaded), later clicks median {case['later_median_s']:.2f} s "
              f"({', '.join(f'{s:.2f}' for s in case['seconds'][1:])})")
    print(f"written to {arguments.output}")
    return 0 if all("error" not in figures[name] for name in plan_cases) else 1


if __name__ == "__main__":
    sys.exit(main())
