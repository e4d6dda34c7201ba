"""What the plugin adds to every QGIS start: `qgis_process list`, with and without hsi_lime enabled.

An isolated profile in which PLUGIN (default: this repository, whose .venv holds torch, so
the heavy packages ARE importable and must still not be imported) is linked as hsi_lime;
`qgis_process list` is timed RUNS times with the plugin enabled and RUNS times disabled,
interleaved. Prints the medians and their difference and writes them to
build/bench/startup.json. Goal: the plugin adds at most 0.3 s.

    python benchmarks/startup.py [--plugin PATH] [--runs 5] [--output build/bench/startup.json]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 0.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin", type=Path, default=REPO, help="plugin folder to link as hsi_lime")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", type=Path, default=REPO / "build" / "bench" / "startup.json")
    args = parser.parse_args()
    qgis_process = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
    if qgis_process is None:
        raise SystemExit("startup: qgis_process is not installed")
    with tempfile.TemporaryDirectory(prefix="hsi_lime_startup_") as folder:
        folder = Path(folder)
        (folder / "plugins").mkdir()
        (folder / "plugins" / "hsi_lime").symlink_to(args.plugin.resolve())
        env = {k: v for k, v in os.environ.items() if not k.startswith(("QGIS_", "PYTHONPATH", "HSI_LIME_"))}
        env.update(QGIS_PLUGINPATH=str(folder / "plugins"), QGIS_CUSTOM_CONFIG_PATH=str(folder / "profile"),
                   QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(folder))

        def qgis(*arguments):
            return subprocess.run([qgis_process, *arguments], env=env, capture_output=True, text=True)

        def timed_list():
            started = time.perf_counter()
            completed = qgis("list")
            seconds = time.perf_counter() - started
            return seconds, completed.stdout + completed.stderr

        times = {"enabled": [], "disabled": []}
        listed = ""
        qgis("list")  # warm the file cache and create the profile
        for _ in range(args.runs):
            for state in ("enabled", "disabled"):
                qgis("plugins", "enable" if state == "enabled" else "disable", "hsi_lime")
                seconds, output = timed_list()
                times[state].append(round(seconds, 3))
                if state == "enabled":
                    listed = output
    medians = {state: statistics.median(values) for state, values in times.items()}
    added = medians["enabled"] - medians["disabled"]
    figures = {
        "plugin": str(args.plugin.resolve()),
        "runs": args.runs,
        "seconds": times,
        "median_enabled_s": round(medians["enabled"], 3),
        "median_disabled_s": round(medians["disabled"], 3),
        "added_s": round(added, 3),
        "goal_s": GOAL_SECONDS,
        "goal_met": added <= GOAL_SECONDS,
        "algorithms_listed": sorted({w for w in listed.split() if w.startswith("hsilime:")}),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"qgis_process list, median of {args.runs}: with hsi_lime {medians['enabled']:.2f} s, without "
          f"{medians['disabled']:.2f} s: the plugin adds {added:.2f} s (goal <= {GOAL_SECONDS} s: "
          f"{'met' if figures['goal_met'] else 'NOT met'}); {len(figures['algorithms_listed'])} algorithms listed")
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
