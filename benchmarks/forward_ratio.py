"""explain() against the model's own forward passes on the HYPERVIEW field (the engine's overhead).

The workload of the engine's speed goal: the real HYPERVIEW field ``0.npz`` (150 bands,
72 x 89 pixels, divided by 5419, the pixels outside the field zeroed and never perturbed), 51
SLIC superpixels inside the field, the small CNN of ``cnn.py`` (4 targets), N = 256 samples in
batches of 32, LIME with hsi-lime's defaults but a zero baseline (one model pass per sample: the default
background makes 16, measured in ``baselines.py``). ``ours.py --mode explain`` times each explain()
call and, right after it in the same process, the model alone on 256 perturbed images built
beforehand, in both memory layouts (contiguous and channels-last); the ratio is explain() over
the faster layout, the median of the paired runs (robust to other processes slowing the
machine down between two runs).

    .venv/bin/python benchmarks/forward_ratio.py [--repeats 7] [--output build/bench/forward_ratio.json]

Skips with a message (and ``{"skipped": ...}`` in the output) when ../shared/data is absent.
``run.py`` (make bench) runs it and merges the result under ``forward_ratio``; ``--skip-forward-ratio``
leaves it out.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

FIELD = ROOT.parent / "shared" / "data" / "hyperview" / "0.npz"
WORK = ROOT / "build" / "bench" / "forward_ratio"
SCALE = 5419.0
#: SLIC asked for this many superpixels gives 51 inside the field.
N_SEGMENTS_ASKED = 51
GOAL = 1.15
N_SAMPLES, BATCH = 256, 32


def prepare() -> tuple[Path, Path, int]:
    """The field, its SLIC segments and the CNN's weights, written once into build/bench/forward_ratio."""
    from cnn import make_weights

    from hsi_lime_plugin import RasterCube, slic_segments

    WORK.mkdir(parents=True, exist_ok=True)
    with np.load(FIELD) as field:
        data, outside = field["data"].astype(np.float32) / SCALE, field["mask"].any(axis=0)
    image = np.where(outside[None], 0.0, data).astype(np.float32)
    cube = RasterCube(image, ~outside, None, None, None)
    segments = slic_segments(cube, N_SEGMENTS_ASKED)
    inputs, weights = WORK / "inputs.npz", WORK / "cnn.pt"
    np.savez(inputs, image=image, segments=segments, bands=np.ones(image.shape[0], dtype=np.int64))
    make_weights(weights, bands=image.shape[0])
    return inputs, weights, int(segments.max())


def measure(repeats: int) -> dict:
    """Run ours.py on the field and return its timings with the ratio."""
    inputs, weights, n_segments = prepare()
    command = [sys.executable, str(HERE / "ours.py"), "--mode", "explain", "--kind", "spatial", "--inputs", str(inputs),
               "--weights", str(weights), "--n-samples", str(N_SAMPLES), "--batch-size", str(BATCH),
               "--repeats", str(repeats), "--defaults"]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH-RESULT "))
    result = json.loads(line[len("BENCH-RESULT "):])
    explain_times = np.asarray(result["times"])
    forward = {layout: np.asarray(values["times"]) for layout, values in result["forward_only"].items()}
    fastest = min(forward, key=lambda layout: float(np.median(forward[layout])))
    paired = explain_times / forward[fastest]
    n_batches = -(-N_SAMPLES // BATCH)
    return {
        "workload": f"HYPERVIEW 0.npz, 150 x 72 x 89, {n_segments} SLIC segments, small CNN, 4 targets, "
                    f"N={N_SAMPLES}, batch {BATCH}, LIME defaults",
        "n_segments": n_segments, "explain_seconds": explain_times.tolist(),
        "forward_seconds": {layout: times.tolist() for layout, times in forward.items()},
        "fastest_layout": fastest, "ratio_paired_median": float(np.median(paired)),
        "ratio_of_medians": float(np.median(explain_times) / np.median(forward[fastest])),
        "ratio_of_minimums": float(explain_times.min() / forward[fastest].min()),
        "engine_ms_per_batch": float(1000 * (np.median(explain_times) - np.median(forward[fastest])) / n_batches),
        "goal": GOAL, "met": bool(np.median(paired) <= GOAL), "environment": result.get("environment"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--output", default=str(WORK / "forward_ratio.json"))
    args = parser.parse_args()
    result = measure(args.repeats) if FIELD.is_file() else {"skipped": f"{FIELD} is absent (../shared/data)"}
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(result, indent=1) + "\n")
    if "skipped" in result:
        print(f"forward_ratio: {result['skipped']}; skipped")
        return 0
    print(f"forward_ratio: explain() / forward passes ({result['fastest_layout']}) = "
          f"{result['ratio_paired_median']:.3f} (paired median of {args.repeats}; goal <= {GOAL}; fastest runs "
          f"{result['ratio_of_minimums']:.3f}); explain {np.median(result['explain_seconds']):.3f} s, the engine's own "
          f"{result['engine_ms_per_batch']:.1f} ms a batch")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
