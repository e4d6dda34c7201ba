"""hsi-lime's side of the benchmark, run in a fresh process with the plugin's venv.

Modes
-----
explain  W1 / W2: a warm-up call at the timed batch shape, then ``--repeats`` timed
         ``hsi_lime_plugin.explain`` calls, each explaining every target in one pass,
         each followed by W3 (below) in both layouts, so that ours / forward-only
         compares measurements taken side by side.
forward  W3: the model alone on N pre-built perturbed inputs, at the same batch size
         (the physical limit of a perturbation method), in the inputs' natural layout
         (contiguous N, C, H, W) or ``--layout channels_last`` (which oneDNN convolutions
         on the CPU take without a reorder: the fastest layout for a CNN).
profile  one explain call under torch.profiler: self CPU time per operator, grouped into
         the model's own operators and the engine's (perturbation, kernel, surrogate).
memory   W4: one explain call at large N; reports the RSS after the model and image are
         loaded, the peak RSS during the call (VmHWM, reset just before it) and the bytes
         of one batch of images and of the N x C x H x W tensor that must never exist.
Prints one ``BENCH-RESULT {json}`` line.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import torch  # noqa: E402

import cnn  # noqa: E402
from common import (  # noqa: E402
    emit,
    environment,
    load_inputs,
    peak_rss_bytes,
    reset_peak_rss,
    rss_bytes,
    set_threads,
    timed,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=("explain", "forward", "memory", "profile"), required=True)
    parser.add_argument("--kind", choices=("spatial", "spectral"), default="spatial")
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--n-samples", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup-samples", type=int, default=None, help="default: 2 batches")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--defaults", action="store_true",
                        help="explain with hsi-lime's own ridge alpha (baseline zero) instead of the peers' match")
    parser.add_argument(
        "--layout", choices=("contiguous", "channels_last"), default="contiguous",
        help="forward mode: memory layout of the pre-built inputs",
    )
    parser.add_argument(
        "--forward-layouts", default="contiguous,channels_last",
        help="explain mode: also time the model alone on pre-built inputs in these layouts, after each run",
    )
    args = parser.parse_args()

    set_threads()
    from hsi_lime_plugin import explain  # noqa: F401  (imported before any measurement)

    inputs = load_inputs(args.inputs)
    model = cnn.load_model(args.weights, bands=inputs["image"].shape[0])
    {"explain": _explain_mode, "forward": _forward_mode, "memory": _memory_mode, "profile": _profile_mode}[args.mode](model, inputs, args)


def _features(inputs, kind):
    return inputs["segments"] if kind == "spatial" else inputs["bands"]


def _explain(model, inputs, args, n_samples, seed):
    from hsi_lime_plugin import explain

    # A constant baseline in both: one model pass per sample, the quantity the forward-only ratio compares (the
    # default background baseline makes 16 passes per sample; benchmarks/baselines.py measures that cost).
    matched = {"baseline": "zero"} if args.defaults else {"alpha": 1.0, "baseline": "zero"}
    return explain(
        model, inputs["image"], _features(inputs, args.kind), kind=args.kind, n_samples=n_samples,
        batch_size=args.batch_size, device="cpu", seed=seed, **matched,
    )


def _explain_mode(model, inputs, args) -> None:
    """W1 / W2, with W3 (the model alone) measured in the same process, run after run.

    Each repeat times one explain call, then the model alone on N pre-built inputs in
    each ``--forward-layouts`` layout: ours / forward-only is then a ratio of paired
    measurements, robust to other processes slowing the machine down between them.
    """
    layouts = [layout for layout in args.forward_layouts.split(",") if layout]
    banks = {layout: _prebuilt(inputs, args, layout) for layout in layouts}
    warmup = args.warmup_samples or 2 * args.batch_size
    if warmup > 0:
        _explain(model, inputs, args, warmup, seed=10_000)
    with torch.inference_mode():
        for bank in banks.values():
            model(bank[0])  # warm-up at the batch shape

    times, cpu_times, result = [], [], None
    forward = {layout: {"times": [], "cpu_times": []} for layout in layouts}
    for run in range(args.repeats):
        wall, cpu, result = timed(lambda _run: _explain(model, inputs, args, args.n_samples, seed=args.seed + run), 1)
        times += wall
        cpu_times += cpu
        for layout, bank in banks.items():
            wall, cpu, _ = timed(lambda _run: _forward_all(model, bank), 1)
            forward[layout]["times"] += wall
            forward[layout]["cpu_times"] += cpu
    emit(
        {
            "lib": "hsi-lime",
            "kind": args.kind,
            "n_samples": args.n_samples,
            "batch_size": result.batch_size,
            "n_targets": len(result.target_names),
            "n_features": int(result.coefficients.shape[1]),
            "warmup_samples": warmup,
            "times": times,
            "cpu_times": cpu_times,
            "forward_only": forward,
            "coefficients": result.coefficients.tolist(),
            "score": result.score.tolist(),
            "sampling": getattr(result, "sampling", "") or "bernoulli",
            "kernel": "hsi-lime default: exp(-d^2/(2*1.0^2)), d = cosine distance of the binary sample to all-ones",
            "surrogate": "hsi-lime fit_ridge(alpha=1.0) (weighted ridge, closed form, all targets at once)",
            "environment": environment(),
        }
    )


def _prebuilt(inputs, args, layout: str) -> list:
    """N perturbed images (independent coin flips), built beforehand in batches of the
    benchmark's batch size, contiguous (N, C, H, W) or channels-last."""
    image = torch.as_tensor(inputs["image"])
    labels = torch.as_tensor(_features(inputs, args.kind)) - 1  # -1: in no feature, always kept
    n_features = int(labels.max()) + 1
    generator = torch.Generator().manual_seed(args.seed)
    samples = torch.randint(0, 2, (args.n_samples, n_features), generator=generator).to(torch.float32)
    samples = torch.cat([samples, torch.ones((args.n_samples, 1))], dim=1)
    memory_format = torch.channels_last if layout == "channels_last" else torch.contiguous_format
    batches = []
    for start in range(0, args.n_samples, args.batch_size):
        keep = samples[start : start + args.batch_size][:, labels]  # (B, H, W) or (B, C)
        keep = keep[:, None] if args.kind == "spatial" else keep[:, :, None, None]
        batches.append((image * keep).contiguous(memory_format=memory_format))
    return batches


def _forward_all(model, batches) -> list:
    with torch.inference_mode():
        return [model(batch) for batch in batches]


def _forward_mode(model, inputs, args) -> None:
    """The model alone on N perturbed images built beforehand (untimed)."""
    batches = _prebuilt(inputs, args, args.layout)
    with torch.inference_mode():
        model(batches[0])  # warm-up at the batch shape
    times, cpu_times, _ = timed(lambda _run: _forward_all(model, batches), args.repeats)
    emit(
        {
            "lib": "forward-only",
            "kind": args.kind,
            "layout": args.layout,
            "n_samples": args.n_samples,
            "batch_size": args.batch_size,
            "times": times,
            "cpu_times": cpu_times,
            "environment": environment(),
        }
    )


def _memory_mode(model, inputs, args) -> None:
    """Peak RSS of one explain call at large N, against the size of one batch of images."""
    channels, height, width = inputs["image"].shape
    image_bytes = channels * height * width * 4
    baseline = rss_bytes()
    reset = reset_peak_rss()
    started = time.perf_counter()
    result = _explain(model, inputs, args, args.n_samples, seed=args.seed)
    seconds = time.perf_counter() - started
    peak = peak_rss_bytes()
    batch_bytes = result.batch_size * image_bytes
    emit(
        {
            "lib": "hsi-lime",
            "kind": args.kind,
            "n_samples": args.n_samples,
            "batch_size": result.batch_size,
            "seconds": seconds,
            "baseline_rss_bytes": baseline,
            "peak_rss_bytes": peak,
            "peak_is_since_baseline": reset,
            "peak_over_baseline_bytes": peak - baseline,
            "batch_bytes": batch_bytes,
            "peak_over_baseline_in_batches": (peak - baseline) / batch_bytes,
            "all_samples_tensor_bytes": args.n_samples * image_bytes,
            "coefficients": result.coefficients.tolist(),
            "score": result.score.tolist(),
            "environment": environment(),
        }
    )


def _profile_mode(model, inputs, args) -> None:
    """Where one explain call spends its time: self CPU time of every torch operator,
    attributed to the Python function that called it (the model's forward, the engine's
    perturbation, sampling, kernel or surrogate code)."""
    from torch.profiler import ProfilerActivity, profile

    _explain(model, inputs, args, 2 * args.batch_size, seed=10_000)  # warm-up
    started = time.perf_counter()
    with profile(activities=[ProfilerActivity.CPU], with_stack=True) as profiler:
        _explain(model, inputs, args, args.n_samples, seed=args.seed)
    wall = time.perf_counter() - started
    by_place: dict = {}
    operators: dict = {}
    for event in profiler.events():
        seconds = event.self_cpu_time_total / 1e6
        if seconds <= 0 or not event.name.startswith("aten::"):
            continue
        place = _place(event)
        by_place[place] = by_place.get(place, 0.0) + seconds
        key = (place, event.name)
        calls, total = operators.get(key, (0, 0.0))
        operators[key] = (calls + 1, total + seconds)
    rows = [
        {"place": place, "operator": name, "calls": calls, "self_cpu_seconds": seconds}
        for (place, name), (calls, seconds) in operators.items()
    ]
    rows.sort(key=lambda row: -row["self_cpu_seconds"])
    emit(
        {
            "lib": "hsi-lime",
            "kind": args.kind,
            "n_samples": args.n_samples,
            "batch_size": args.batch_size,
            "wall_seconds_profiled": wall,
            "self_cpu_seconds_by_place": dict(sorted(by_place.items(), key=lambda item: -item[1])),
            "operators": rows[:20],
            "environment": environment(),
        }
    )


def _place(event) -> str:
    """The innermost Python function of interest above an operator in the profiler's
    call tree (``with_stack=True`` records Python frames as parent events)."""
    parent = event.cpu_parent
    while parent is not None:
        frame = parent.name
        if "benchmarks/cnn.py" in frame or "torch/nn/" in frame:
            return "model forward (cnn.py)"
        if "hsi_lime_plugin/" in frame:
            module, _, function = frame.split("hsi_lime_plugin/", 1)[1].partition(": ")
            return f"{module.split('(', 1)[0]}: {function}"
        parent = parent.cpu_parent
    return "other"


if __name__ == "__main__":
    main()
