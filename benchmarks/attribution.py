"""Integrated Gradients and Occlusion: hsi-lime's attribute() against captum 0.9.0 used directly.

W1's image (150 x 128 x 128, model units), the benchmark CNN (4 outputs), baseline 0, every
target. captum runs as a user would call it: one ``attribute`` call per target, its own
batching (IG: ``internal_batch_size``; Occlusion: ``perturbations_per_eval``) at the same
batch size. hsi-lime: one ``attribute()`` call for all targets (IG through captum, chunked;
occlusion through the batched evaluator, every window evaluated once for all targets).

Each side runs in a fresh process (``--side``); the driver (:func:`compare`, used by
run.py, or this script without ``--side``) reports per method: median times, their
ratio, peak RSS of each process, and the largest difference of the attributions relative
to captum's largest magnitude (goal for IG: < 1e-4).

    .venv/bin/python benchmarks/attribution.py --quick   # 64 x 64 crop, one run: indicative figures
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

METHODS = ("integrated_gradients", "occlusion")
N_STEPS = 32
WINDOW = 16
IG_GOAL = 1e-4


def _attribute_ours(model, image, method, batch_size, n_steps, window):
    from hsi_lime_plugin import attribute

    result = attribute(model, image, method=method, n_steps=n_steps, window=window, batch_size=batch_size,
                       device="cpu", baseline="zero")
    return result.values


def _attribute_captum(model, image, method, batch_size, n_steps, window):
    import torch
    from captum.attr import IntegratedGradients, Occlusion

    x = torch.as_tensor(image)[None]
    values = []
    for target in range(4):
        if method == "integrated_gradients":
            a = IntegratedGradients(model).attribute(x, baselines=0.0, target=target, n_steps=n_steps,
                                                     method="gausslegendre", internal_batch_size=batch_size)
        else:
            shape = (image.shape[0], window, window)
            a = Occlusion(model).attribute(x, sliding_window_shapes=shape, strides=shape, baselines=0.0,
                                           target=target, perturbations_per_eval=batch_size)
        values.append(a[0].detach().double().numpy())
    return np.stack(values)


def measure(args) -> None:
    """One side, one method, in this fresh process: warm-up, timed runs, peak RSS; values saved to --values."""
    from common import emit, environment, load_inputs, peak_rss_bytes, reset_peak_rss, rss_bytes, set_threads, timed
    from cnn import load_model

    set_threads()
    image = load_inputs(args.inputs)["image"].astype(np.float32)
    model = load_model(args.weights, bands=image.shape[0])
    run = _attribute_ours if args.side == "hsi-lime" else _attribute_captum
    call = lambda _: run(model, image, args.method, args.batch_size, args.n_steps, args.window)  # noqa: E731
    call(0)  # warm-up at the timed shapes
    start_rss = rss_bytes()
    reset_peak_rss()
    times, cpu_times, values = timed(call, args.repeats)
    np.save(args.values, values)
    emit({"side": args.side, "method": args.method, "times": times, "cpu_times": cpu_times,
          "peak_rss_bytes": peak_rss_bytes(), "rss_before_bytes": start_rss, "environment": environment()})


def compare(inputs: Path, weights: Path, batch_size: int, repeats: int, work: Path,
            n_steps: int = N_STEPS, window: int = WINDOW) -> dict:
    """Both sides of both methods, each in a fresh process; the comparison per method."""
    results = {"config": {"n_steps": n_steps, "integration": "gausslegendre", "window": window, "stride": window,
                          "batch_size": batch_size, "repeats": repeats, "baseline": 0.0, "targets": 4}}
    for method in METHODS:
        entry = {}
        for side in ("hsi-lime", "captum"):
            values = work / f"attribution_{method}_{side}.npy"
            command = [sys.executable, str(Path(__file__)), "--side", side, "--method", method, "--inputs", str(inputs),
                       "--weights", str(weights), "--batch-size", str(batch_size), "--repeats", str(repeats),
                       "--n-steps", str(n_steps), "--window", str(window), "--values", str(values)]
            print(f"bench: {method} {side} ...", flush=True)
            started = time.perf_counter()
            process = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
            lines = [line for line in process.stdout.splitlines() if line.startswith("BENCH-RESULT ")]
            if not lines:
                entry[side] = {"error": f"exit {process.returncode}", "stdout_tail": process.stdout[-2000:]}
                continue
            entry[side] = json.loads(lines[-1][len("BENCH-RESULT "):])
            entry[side]["median"] = float(np.median(entry[side]["times"]))
            entry[side]["process_seconds"] = time.perf_counter() - started
            entry[side]["values_path"] = str(values)
        if all("median" in entry.get(side, {}) for side in ("hsi-lime", "captum")):
            ours, theirs = (np.load(entry[side]["values_path"]) for side in ("hsi-lime", "captum"))
            difference = float(np.max(np.abs(ours - theirs)) / max(np.max(np.abs(theirs)), 1e-30))
            entry["comparison"] = {
                "captum_over_ours_time": entry["captum"]["median"] / entry["hsi-lime"]["median"],
                "ours_over_captum_peak_rss": entry["hsi-lime"]["peak_rss_bytes"] / entry["captum"]["peak_rss_bytes"],
                "max_relative_difference": difference,
            }
            if method == "integrated_gradients":
                entry["comparison"]["goal_max_relative_difference"] = IG_GOAL
                entry["comparison"]["goal_met"] = difference < IG_GOAL
        results[method] = entry
    return results


def print_table(results: dict) -> None:
    print(f"{'method':<22} {'ours s':>8} {'captum s':>9} {'captum/ours':>12} {'peak MB ours':>13} "
          f"{'peak MB captum':>15} {'max rel diff':>13}")
    for method in METHODS:
        entry = results.get(method, {})
        if "comparison" not in entry:
            print(f"{method:<22} failed: {entry}")
            continue
        c = entry["comparison"]
        print(f"{method:<22} {entry['hsi-lime']['median']:>8.2f} {entry['captum']['median']:>9.2f} "
              f"{c['captum_over_ours_time']:>12.2f} {entry['hsi-lime']['peak_rss_bytes'] / 2**20:>13.0f} "
              f"{entry['captum']['peak_rss_bytes'] / 2**20:>15.0f} {c['max_relative_difference']:>13.2e}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--side", choices=("hsi-lime", "captum"))
    parser.add_argument("--method", choices=METHODS)
    parser.add_argument("--inputs")
    parser.add_argument("--weights")
    parser.add_argument("--values")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-steps", type=int, default=N_STEPS)
    parser.add_argument("--window", type=int, default=WINDOW)
    parser.add_argument("--quick", action="store_true", help="a 64 x 64 crop of W1, one timed run")
    parser.add_argument("--output", help="JSON destination (default build/bench/attribution.json)")
    args = parser.parse_args()
    if args.side:
        measure(args)
        return 0
    import run

    run.WORK.mkdir(parents=True, exist_ok=True)
    inputs, weights, _ = run.prepare_inputs()
    repeats = args.repeats
    if args.quick:
        with np.load(inputs) as data:
            arrays = {name: data[name] for name in data.files}
        arrays["image"] = arrays["image"][:, :64, :64]
        arrays["segments"] = arrays["segments"][:64, :64]
        inputs = run.WORK / "inputs_quick.npz"
        np.savez(inputs, **arrays)
        repeats = 1
    results = compare(inputs, weights, args.batch_size, repeats, run.WORK, args.n_steps, args.window)
    results["config"]["quick"] = bool(args.quick)
    output = Path(args.output or run.WORK / "attribution.json")
    output.write_text(json.dumps(results, indent=1) + "\n")
    print_table(results)
    print(f"bench: wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
