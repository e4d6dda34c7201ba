#!/usr/bin/env python3
"""Generate the embedded demo: soil scene, field polygons, TorchScript soil model and card.

Usage::

    python scripts/make_demo.py [FOLDER] [--seed N] [--force]

FOLDER defaults to ``build/demo`` under the repository root. Everything is generated from
the seed (nothing is downloaded); an existing complete demo is kept unless ``--force``.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from hsi_lime_plugin.demo import DEMO_BAND_GROUPS, build_demo  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Build the demo and print its files and how well the model was trained."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO_ROOT / "build" / "demo"), help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="seed of the scene and the training (default 0)")
    parser.add_argument("--force", action="store_true", help="rebuild even when the demo is already there")
    arguments = parser.parse_args(argv)

    start = time.perf_counter()
    paths = build_demo(arguments.folder, seed=arguments.seed, force=arguments.force)
    elapsed = time.perf_counter() - start
    print(f"raster: {paths.raster}")
    print(f"fields: {paths.fields} (layer fields, id field field_id)")
    print(f"model:  {paths.model}")
    print(f"card:   {paths.card}")
    print(f"band groups: {DEMO_BAND_GROUPS}")
    training = json.loads(paths.card.read_text(encoding="utf-8")).get("training", {})
    r2 = ", ".join(f"{name} {value:.3f}" for name, value in training.get("held_out_r2", {}).items())
    seconds = training.get("seconds", float("nan"))
    print(f"model: held-out R2 {r2}; trained in {seconds:.1f} s (seed {training.get('seed')})")
    print(f"demo ready in {elapsed:.1f} s" + ("" if elapsed > 1 else " (already built; --force rebuilds)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
