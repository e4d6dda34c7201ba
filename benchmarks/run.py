"""`make bench`: hsi-lime against meteors 0.2.0 and captum 0.9.0, side by side, on identical inputs.

Run with the plugin's venv (``.venv/bin/python benchmarks/run.py``); the peers run in
``.venv-peers`` (made by scripts/setup_peers.sh) through ``benchmarks/peers.py``
subprocesses, hsi-lime through ``benchmarks/ours.py`` subprocesses, so that every side
starts from a fresh process with 2 torch threads and the plugin's venv never imports a peer.

Workloads (same image, segments, band groups, model weights, n_samples, batch size,
baseline 0, kernel and ridge surrogate on every side; each time = median of 3 runs after
one untimed warm-up call at the timed batch shape):

W1 spatial   150 x 128 x 128 HYPERVIEW field, 64 SLIC segments, 4 targets, N=512
W2 spectral  the same image, 12 superbands (contiguous band groups), 4 targets, N=512
W3 limit     the model alone on N=512 pre-built perturbed images at the same batch size
             (contiguous N, C, H, W as specified, and channels-last, the CNN's fastest layout)
W4 memory    hsi-lime W1 at N=4096 in a fresh process: peak RSS against one batch
agreement    Spearman rank correlation per target, hsi-lime vs meteors, W1 at N=4096
attribution  W1's image: Integrated Gradients (N_STEPS=32) and Occlusion (16 x 16 windows), hsi-lime's
             attribute() against captum 0.9.0 called per target (benchmarks/attribution.py): time
             ratio, peak RSS, largest relative difference of the attributions (goal for IG: < 1e-4)
fields       explain_fields at map scale (benchmarks/fields.py): Dask speedup, overhead per field, peak RSS
cluster_faults  cancel latency on 2 Dask workers, a worker's and the scheduler's host lost (benchmarks/cluster_faults.py)
auto_samples N_SAMPLES=0 (automatic) against 500 on the demo and a HYPERVIEW field (benchmarks/auto_samples.py)
pixel_maps   every pixel's superband attributions of an EnMAP tile against shap and captum per pixel, the model's
             own time on the same spectra, a forest, a 1000 x 1000 x 224 scene (benchmarks/pixel_maps.py)
forward_ratio  explain() against the model's own forward passes on the HYPERVIEW field 0.npz as it is
             (150 x 72 x 89, 51 SLIC segments, N=256, batch 32; benchmarks/forward_ratio.py; goal <= 1.15)

Writes benchmarks/results.json and prints a table. When benchmarks/sampling_error.py
exists it is run too and its JSON is merged under "sampling_error" (see README.md).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

HYPERVIEW = ROOT.parent / "shared" / "data" / "hyperview"
PLUGIN_PYTHON = sys.executable
PEERS_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
WORK = ROOT / "build" / "bench"
RESULTS = HERE / "results.json"
SIZE = 128
N_SEGMENTS = 64
N_SUPERBANDS = 12
HYPERVIEW_SCALE = 5419.0  # the usual HYPERVIEW normalisation

GOALS = {
    "speedup_vs_meteors": 15.0,
    "speedup_vs_captum": 6.0,
    "ours_over_forward": 1.15,
    "rank_agreement": 0.9,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-samples", type=int, default=512)
    parser.add_argument("--agreement-samples", type=int, default=4096)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--peer-repeats", type=int, default=None, help="repeats of the peers (default: --repeats)")
    parser.add_argument(
        "--peer-max-seconds", type=float, default=150.0,
        help="time budget of a peer's timed runs per workload: a run is skipped (at least one is made) when it "
        "would not fit (keeps `make bench` near 25 minutes when the machine is busy)",
    )
    parser.add_argument("--skip-peers", action="store_true", help="hsi-lime and forward-only only")
    parser.add_argument("--skip-sampling-error", action="store_true")
    parser.add_argument("--skip-fields", action="store_true", help="skip benchmarks/fields.py (map scale, Dask, memory)")
    parser.add_argument("--skip-cluster-faults", action="store_true",
                        help="skip benchmarks/cluster_faults.py (cancel latency on a cluster, hosts lost)")
    parser.add_argument("--skip-attribution", action="store_true", help="skip IG and Occlusion against captum")
    parser.add_argument("--skip-auto-samples", action="store_true", help="skip benchmarks/auto_samples.py")
    parser.add_argument("--skip-pixel-maps", action="store_true", help="skip benchmarks/pixel_maps.py")
    parser.add_argument("--skip-forward-ratio", action="store_true",
                        help="skip benchmarks/forward_ratio.py (explain() / forward passes on the HYPERVIEW field)")
    parser.add_argument("--skip-peer-defaults", action="store_true", help="skip W1 with the peers' own kernel and surrogate")
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--table-only", action="store_true", help="re-analyse --output and print the table, run nothing")
    args = parser.parse_args()
    if args.table_only:
        results = json.loads(Path(args.output).read_text())
        results["kernels"] = kernels(results)
        results["goals"] = goals(results)
        Path(args.output).write_text(json.dumps(results, indent=1) + "\n")
        print_table(results)
        return 0
    peer_repeats = args.peer_repeats or args.repeats
    started = time.perf_counter()

    WORK.mkdir(parents=True, exist_ok=True)
    inputs_path, weights_path, inputs_info = prepare_inputs()
    common = ["--inputs", str(inputs_path), "--weights", str(weights_path), "--batch-size", str(args.batch_size)]
    n = ["--n-samples", str(args.n_samples)]
    results: dict = {
        "machine": {
            "platform": platform.platform(), "cpus": os.cpu_count(), "torch_threads": 2,
            "load_average_at_start": list(os.getloadavg()),
            "note": "other processes on the machine slow every side; each measurement records the load average "
            "at its end, and CPU times are given next to wall times",
        },
        "config": {
            "n_samples": args.n_samples, "agreement_samples": args.agreement_samples, "batch_size": args.batch_size,
            "repeats": args.repeats, "peer_repeats": peer_repeats, "peer_max_seconds": args.peer_max_seconds,
            "warmup": "one untimed call per method and workload with n_samples = 2 batches, at the timed batch shape",
            "timing": "median wall time of the repeats; one run = every target explained",
            "baseline": 0.0, "surrogate": "weighted ridge, alpha 1.0, on every side",
        },
        "inputs": inputs_info,
    }
    have_peers = not args.skip_peers and PEERS_PYTHON.exists()
    if not args.skip_peers and not have_peers:
        print(f"bench: {PEERS_PYTHON} is missing (run scripts/setup_peers.sh); peers skipped", file=sys.stderr)

    for workload, kind in (("W1_spatial", "spatial"), ("W2_spectral", "spectral")):
        entry = {"hsi-lime": ours("explain", common + n + ["--kind", kind, "--repeats", str(args.repeats)])}
        if have_peers:
            for lib in ("meteors", "captum"):
                entry[lib] = peer(
                    lib,
                    common + n + ["--kind", kind, "--repeats", str(peer_repeats), "--max-seconds", str(args.peer_max_seconds)],
                )
        results[workload] = entry
    if have_peers and not args.skip_peer_defaults:
        # the peers as shipped (their full-image kernel and Lasso): context, not a goal
        defaults = ["--kind", "spatial", "--repeats", "1", "--kernel", "default", "--surrogate", "default"]
        results["W1_spatial_peer_defaults"] = {lib: peer(lib, common + n + defaults) for lib in ("meteors", "captum")}
    results["W3_forward_only"] = forward_only(results)
    results["W4_memory"] = ours("memory", common + ["--n-samples", str(args.agreement_samples)])
    for kind in ("spatial", "spectral"):
        results[f"profile_{kind}"] = ours("profile", common + n + ["--kind", kind])
    if have_peers:
        try:
            reference = peer(
                "meteors",
                common + ["--kind", "spatial", "--n-samples", str(args.agreement_samples), "--repeats", "1"],
                AGREEMENT_ENVIRONMENT,
            )
            results["agreement"] = agreement(results, reference, args)
        except StepFailed as error:
            print(f"bench: {error}", file=sys.stderr)
            results["agreement"] = {"error": str(error)}
    if not args.skip_attribution:
        import attribution

        results["attribution"] = attribution.compare(inputs_path, weights_path, args.batch_size, args.repeats, WORK)
    if not args.skip_forward_ratio:
        results["forward_ratio"] = script_benchmark("forward_ratio.py", "explain() / forward passes, HYPERVIEW field")
    results["kernels"] = kernels(results)
    results["goals"] = goals(results)
    if not args.skip_sampling_error:
        sampling = sampling_error()
        if sampling is not None:
            results["sampling_error"] = sampling
    if not args.skip_fields:
        results["fields"] = fields_benchmark()
    if not args.skip_auto_samples:
        results["auto_samples"] = auto_samples_benchmark()
    if not args.skip_pixel_maps:
        results["pixel_maps"] = script_benchmark("pixel_maps.py", "per-pixel maps of an EnMAP tile against shap and "
                                                 "captum per pixel; a 1000 x 1000 x 224 scene")
    if not args.skip_cluster_faults:
        results["cluster_faults"] = script_benchmark("cluster_faults.py", "cancel on 2 Dask workers; hosts lost")
    results["total_seconds"] = time.perf_counter() - started
    results["machine"]["load_average_at_end"] = list(os.getloadavg())

    Path(args.output).write_text(json.dumps(results, indent=1) + "\n")
    print_table(results)
    if "attribution" in results:
        import attribution

        print()
        attribution.print_table(results["attribution"])
    print(f"\nbench: wrote {args.output} in {results['total_seconds']:.0f} s")
    return 0


# --------------------------------------------------------------------------------------- inputs


def prepare_inputs() -> tuple[Path, Path, dict]:
    """The image, segments, band groups and model weights every side reads."""
    import torch
    import torch.nn.functional as F

    import cnn

    source = HYPERVIEW / "0.npz"
    if source.is_file():
        with np.load(source) as data:
            raw = data["data"].astype(np.float32) / HYPERVIEW_SCALE
        description = f"HYPERVIEW field {source.name} {raw.shape} int16 / {HYPERVIEW_SCALE:g}, bilinear resize"
        wavelengths = _hyperview_wavelengths(raw.shape[0])
    else:
        raw = _synthetic_cube()
        description = "synthetic cube (../shared/data/hyperview/0.npz absent), bilinear resize"
        wavelengths = np.linspace(462.08, 938.37, raw.shape[0])
    image = F.interpolate(torch.as_tensor(raw)[None], size=(SIZE, SIZE), mode="bilinear", align_corners=False)[0]
    image = image.numpy().astype(np.float32)
    segments, n_segments_asked = _slic(image, wavelengths)
    bands = np.zeros(image.shape[0], dtype=np.int64)
    for label, group in enumerate(np.array_split(np.arange(image.shape[0]), N_SUPERBANDS), start=1):
        bands[group] = label

    inputs_path = WORK / "inputs.npz"
    np.savez(inputs_path, image=image, segments=segments, bands=bands, wavelengths=wavelengths)
    weights_path = WORK / "cnn.pt"
    cnn.make_weights(weights_path, bands=image.shape[0])
    info = {
        "source": description,
        "image_shape": list(image.shape),
        "segments": int(segments.max()),
        "segments_method": f"hsi_lime_plugin.features.segments.slic_segments(n_segments={n_segments_asked}), all pixels valid",
        "superbands": int(bands.max()),
        "superband_sizes": np.bincount(bands)[1:].tolist(),
        "model": "benchmarks/cnn.py SmallCNN: 3 strided 3x3 convs (150->32->64->64), global average pool, linear 64->4",
        "model_seed": cnn.SEED,
    }
    return inputs_path, weights_path, info


def _hyperview_wavelengths(n_bands: int) -> np.ndarray:
    path = HYPERVIEW / "wavelengths.txt"
    if path.is_file():
        values = np.array([float(v) for v in path.read_text().replace("\n", ",").split(",") if v.strip()])
        if len(values) == n_bands:
            return values
    return np.linspace(462.08, 938.37, n_bands)


def _synthetic_cube() -> np.ndarray:
    """A HYPERVIEW-shaped (150, 72, 89) cube: 4 smooth spectra mixed by smooth abundances."""
    import torch
    import torch.nn.functional as F

    generator = np.random.default_rng(0)
    bands, height, width = 150, 72, 89
    x = np.linspace(0.0, 1.0, bands)
    spectra = np.stack([0.1 + 0.3 * x, 0.05 + 0.5 / (1 + np.exp(-(x - 0.55) * 30)), 0.3 - 0.1 * x, 0.2 + 0.05 * np.sin(6 * x)])
    coarse = torch.as_tensor(generator.random((1, 4, 9, 11)), dtype=torch.float32)
    abundance = F.interpolate(coarse, size=(height, width), mode="bicubic", align_corners=False)[0].clamp(min=0).numpy()
    abundance /= abundance.sum(axis=0, keepdims=True) + 1e-6
    cube = np.einsum("kc,khw->chw", spectra, abundance)
    cube += generator.normal(0.0, 0.005, cube.shape)
    return cube.astype(np.float32)


def _slic(image: np.ndarray, wavelengths: np.ndarray) -> tuple[np.ndarray, int]:
    """Exactly N_SEGMENTS SLIC segments when some n_segments gives them (SLIC is deterministic)."""
    from affine import Affine

    from hsi_lime_plugin.inputs.raster import RasterCube
    from hsi_lime_plugin.features.segments import slic_segments

    cube = RasterCube(image, np.ones(image.shape[1:], dtype=bool), Affine.identity(), None, wavelengths)
    best = None
    for asked in [N_SEGMENTS + d for d in range(0, 48)] + [N_SEGMENTS - d for d in range(1, 24)]:
        labels = slic_segments(cube, n_segments=asked)
        if best is None or abs(labels.max() - N_SEGMENTS) < abs(best[0].max() - N_SEGMENTS):
            best = (labels, asked)
        if labels.max() == N_SEGMENTS:
            break
    return best[0].astype(np.int64), best[1]


# --------------------------------------------------------------------------------------- running


class StepFailed(RuntimeError):
    pass


def _run(python, script: str, arguments: list[str], label: str, environment: dict | None = None) -> dict:
    command = [str(python), str(HERE / script)] + arguments
    print(f"bench: {label} ...", flush=True)
    started = time.perf_counter()
    env = dict(os.environ, **(environment or {}))
    process = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
    elapsed = time.perf_counter() - started
    for line in process.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            result = json.loads(line[len("BENCH-RESULT ") :])
            if "times" in result:
                result["median"] = float(np.median(result["times"]))
            result["process_seconds"] = elapsed
            print(f"bench: {label} done in {elapsed:.0f} s", flush=True)
            return result
    raise StepFailed(f"{label} failed (exit {process.returncode}{', killed' if process.returncode < 0 else ''}): "
                     f"{process.stdout[-2000:]}")


def ours(mode: str, arguments: list[str]) -> dict:
    kind = arguments[arguments.index("--kind") + 1] if "--kind" in arguments else "spatial"
    n = arguments[arguments.index("--n-samples") + 1]
    return _run(PLUGIN_PYTHON, "ours.py", ["--mode", mode] + arguments, f"hsi-lime {mode} {kind} N={n}")


def peer(lib: str, arguments: list[str], environment: dict | None = None) -> dict:
    kind = arguments[arguments.index("--kind") + 1]
    n = arguments[arguments.index("--n-samples") + 1]
    return _run(PEERS_PYTHON, "peers.py", ["--lib", lib] + arguments, f"{lib} {kind} N={n}", environment)


#: meteors builds every perturbed image as a separate tensor of 10 to 20 MB; glibc keeps
#: the freed ones in its heap (its mmap threshold adapts upwards), so the process grows
#: with N: 5.7 GB at N=512, killed by the kernel past 24 GB at N=4096. A fixed 4 MiB mmap
#: threshold returns them to the system (peak 2.4 GB at N=512, same speed); set for the
#: untimed agreement run only.
AGREEMENT_ENVIRONMENT = {"MALLOC_MMAP_THRESHOLD_": str(4 << 20)}


# --------------------------------------------------------------------------------------- analysis


def spearman(a, b) -> float | None:
    """Spearman rank correlation; None when either side is constant (e.g. a Lasso that zeroed everything)."""
    from scipy.stats import spearmanr

    if np.ptp(np.asarray(a)) == 0 or np.ptp(np.asarray(b)) == 0:
        return None
    return float(spearmanr(a, b).statistic)


def agreement(results: dict, reference: dict, args) -> dict:
    ours_large = np.array(results["W4_memory"]["coefficients"])
    meteors_large = np.array(reference["coefficients"])
    entry = {
        "n_samples": args.agreement_samples,
        "spearman_per_target": [spearman(o, m) for o, m in zip(ours_large, meteors_large)],
        "meteors_seconds": reference["times"][0],
        "meteors_run": "one run (after a warm-up call), one get_spatial_attributes call per target, with "
        f"{AGREEMENT_ENVIRONMENT} (see run.py)",
        "ours_coefficients": ours_large.tolist(),
        "meteors_coefficients": meteors_large.tolist(),
    }
    w1 = results["W1_spatial"]
    if "meteors" in w1:
        entry["spearman_per_target_at_n_samples"] = {
            "n_samples": args.n_samples,
            "ours_vs_meteors": [
                spearman(o, m) for o, m in zip(w1["hsi-lime"]["coefficients"], w1["meteors"]["coefficients"])
            ],
            "ours_vs_captum": [
                spearman(o, m) for o, m in zip(w1["hsi-lime"]["coefficients"], w1["captum"]["coefficients"])
            ],
            "meteors_vs_captum": [
                spearman(o, m) for o, m in zip(w1["meteors"]["coefficients"], w1["captum"]["coefficients"])
            ],
            "ours_n_vs_ours_large": [spearman(o, m) for o, m in zip(w1["hsi-lime"]["coefficients"], ours_large)],
        }
    return entry


def kernels(results: dict) -> dict:
    found = {}
    for workload in ("W1_spatial", "W2_spectral"):
        for lib, entry in results.get(workload, {}).items():
            if "kernel" in entry:
                found[lib] = {"kernel": entry["kernel"], "surrogate": entry.get("surrogate")}
    found["peer defaults (goal rows: not used; W1_spatial_peer_defaults: used)"] = {
        "meteors": "exp(-d^2/(2*1.0^2)) on the cosine distance between full images; SkLearnLasso(alpha=0.08)",
        "captum": "exp(-d^2/(2*1.0^2)) on the cosine distance between full images; SkLearnLasso(alpha=0.01)",
    }
    return found


def forward_only(results: dict) -> dict:
    """W3, measured by ours.py after each W1 / W2 run in the same process (paired)."""
    entry = {
        "what": "the model alone on N pre-built perturbed images at the batch size, timed after each hsi-lime run "
        "in the same process; contiguous = (N, C, H, W) as built, channels_last = the layout oneDNN "
        "convolutions take without a reorder",
    }
    for workload, kind in (("W1_spatial", "spatial"), ("W2_spectral", "spectral")):
        for layout, values in results[workload]["hsi-lime"]["forward_only"].items():
            entry[f"{kind}_{layout}"] = dict(values, median=float(np.median(values["times"])))
    return entry


def goals(results: dict) -> list[dict]:
    rows = []
    for workload, kind in (("W1_spatial", "spatial"), ("W2_spectral", "spectral")):
        entry = results[workload]
        ours_entry = entry["hsi-lime"]
        ours_time = ours_entry["median"]
        forward = ours_entry["forward_only"]
        ratios = {}
        for layout, values in forward.items():
            paired = [t / f for t, f in zip(ours_entry["times"], values["times"])]
            ratios[f"ours_over_forward_{layout}"] = ours_time / float(np.median(values["times"]))
            ratios[f"ours_over_forward_{layout}_paired_median"] = float(np.median(paired))
            ratios[f"ours_over_forward_{layout}_cpu"] = float(np.median(ours_entry["cpu_times"])) / float(
                np.median(values["cpu_times"])
            )
        if "meteors" in entry:
            for lib in ("meteors", "captum"):
                ratios[f"{lib}_over_ours"] = entry[lib]["median"] / ours_time
                ratios[f"{lib}_over_ours_cpu"] = float(np.median(entry[lib]["cpu_times"])) / float(
                    np.median(ours_entry["cpu_times"])
                )
        entry["ratios"] = ratios
        if "meteors_over_ours" in ratios:
            rows.append(_goal(f"{workload}: meteors / hsi-lime", ratios["meteors_over_ours"], ">=", GOALS["speedup_vs_meteors"]))
            rows.append(_goal(f"{workload}: captum / hsi-lime", ratios["captum_over_ours"], ">=", GOALS["speedup_vs_captum"]))
        for layout in forward:
            rows.append(
                _goal(f"{workload}: hsi-lime / forward-only ({layout} inputs)", ratios[f"ours_over_forward_{layout}"], "<=", GOALS["ours_over_forward"])
            )
    if "W1_spatial_peer_defaults" in results:
        entry = results["W1_spatial_peer_defaults"]
        ours_entry = results["W1_spatial"]["hsi-lime"]
        for lib, values in entry.items():
            values["over_ours"] = values["median"] / ours_entry["median"]
            values["spearman_vs_ours_per_target"] = [
                spearman(o, m) for o, m in zip(ours_entry["coefficients"], values["coefficients"])
            ]
            values["fraction_of_zero_coefficients"] = float(np.mean(np.asarray(values["coefficients"]) == 0))
    memory = results["W4_memory"]
    rows.append(_goal("W4: peak RSS over baseline, in batches of images", memory["peak_over_baseline_in_batches"], "<=", 4.0))
    if "spearman_per_target" in results.get("agreement", {}):
        for target, value in enumerate(results["agreement"]["spearman_per_target"]):
            rows.append(_goal(f"agreement target {target} (Spearman, N={results['agreement']['n_samples']})", value, ">=", GOALS["rank_agreement"]))
    ratio = results.get("forward_ratio", {})
    if "ratio_paired_median" in ratio:
        rows.append(_goal("forward_ratio: explain() / forward passes (HYPERVIEW field, N=256, paired median)",
                          ratio["ratio_paired_median"], "<=", ratio["goal"]))
    comparison = results.get("attribution", {}).get("integrated_gradients", {}).get("comparison")
    if comparison:
        rows.append(_goal("attribution: IG vs captum, max relative difference", comparison["max_relative_difference"],
                          "<=", comparison["goal_max_relative_difference"]))
    return rows


def _goal(name: str, value: float | None, relation: str, target: float) -> dict:
    met = value is not None and (value >= target if relation == ">=" else value <= target)
    return {"goal": name, "value": value, "target": f"{relation} {target:g}", "met": bool(met)}


def sampling_error() -> dict | None:
    """Run benchmarks/sampling_error.py (the engine owner's) and return its JSON, if it exists."""
    script = HERE / "sampling_error.py"
    if not script.is_file():
        print("bench: benchmarks/sampling_error.py does not exist yet; skipped", flush=True)
        return None
    output = WORK / "sampling_error.json"
    output.unlink(missing_ok=True)
    environment = dict(os.environ, HSI_LIME_BENCH_OUTPUT=str(output))
    print("bench: sampling_error.py ...", flush=True)
    started = time.perf_counter()
    # write into build/ (not a tracked file) when the script takes --output
    arguments = ["--output", str(output)] if '"--output"' in script.read_text() else []
    process = subprocess.run(
        [PLUGIN_PYTHON, str(script)] + arguments, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=environment
    )
    seconds = time.perf_counter() - started
    print(f"bench: sampling_error.py done in {seconds:.0f} s (exit {process.returncode})", flush=True)
    data = None
    for candidate in (output, HERE / "sampling_error.json"):
        if candidate.is_file() and candidate.stat().st_mtime >= time.time() - seconds - 1:
            data = json.loads(candidate.read_text())
            break
    if data is None:
        data = _json_in(process.stdout)
    if data is None:
        data = {"error": f"no JSON found (exit {process.returncode})", "stdout_tail": process.stdout[-2000:]}
    if not isinstance(data, dict):
        data = {"result": data}
    data.setdefault("_seconds", seconds)
    data.setdefault("_exit_code", process.returncode)
    return data


def fields_benchmark() -> dict:
    """Run benchmarks/fields.py (explain_fields: speedup on 2 Dask workers, overhead per field, peak RSS)."""
    return script_benchmark("fields.py", "200 fields in process and on 2 Dask workers; 4 GB scene memory")


def auto_samples_benchmark() -> dict:
    """Run benchmarks/auto_samples.py (automatic N against the fixed 500 on the demo and a HYPERVIEW field)."""
    return script_benchmark("auto_samples.py", "automatic N against N = 500, demo and HYPERVIEW")


def script_benchmark(script: str, what: str) -> dict:
    """Run one benchmark script that writes its JSON to ``--output``; its data, or its exit code and output."""
    output = WORK / script.replace(".py", ".json")
    output.unlink(missing_ok=True)
    print(f"bench: {script} ({what}) ...", flush=True)
    started = time.perf_counter()
    process = subprocess.run([PLUGIN_PYTHON, str(HERE / script), "--output", str(output)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    print(f"bench: {script} done in {seconds:.0f} s (exit {process.returncode})", flush=True)
    data = json.loads(output.read_text()) if output.is_file() else {"error": f"exit {process.returncode}",
                                                                     "stdout_tail": process.stdout[-2000:]}
    data["_seconds"] = seconds
    return data


def _json_in(text: str):
    """The whole output as JSON, else the last line that parses as a JSON object."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("BENCH-RESULT "):
            line = line[len("BENCH-RESULT ") :]
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


# --------------------------------------------------------------------------------------- table


def print_table(results: dict) -> None:
    info = results["inputs"]
    config = results["config"]
    print()
    print(f"hsi-lime benchmark: {info['source']} -> {tuple(info['image_shape'])}, {info['segments']} segments, "
          f"{info['superbands']} superbands, batch {config['batch_size']}, 2 torch threads")
    print(f"{'workload':<13} {'method':<22} {'median s':>9} {'cpu s':>8} {'x ours':>8}  {'runs s (load avg 1 min at end)'}")
    for workload in ("W1_spatial", "W2_spectral"):
        entry = results[workload]
        ours_entry = entry["hsi-lime"]
        rows = [(lib, entry[lib]) for lib in ("hsi-lime", "meteors", "captum") if lib in entry]
        rows += [(f"forward-only {layout}", values) for layout, values in ours_entry["forward_only"].items()]
        for label, values in rows:
            runs = ", ".join(f"{t:.2f}" for t in values["times"])
            load = entry[label]["load_average"][0] if label in entry else ours_entry["load_average"][0]
            print(f"{workload:<13} {label:<22} {np.median(values['times']):>9.2f} {np.median(values['cpu_times']):>8.2f} "
                  f"{np.median(values['times']) / ours_entry['median']:>8.2f}  {runs} ({load:.1f})")
        ratios = entry["ratios"]
        text = ", ".join(
            f"{layout} {ratios[f'ours_over_forward_{layout}']:.3f} (paired {ratios[f'ours_over_forward_{layout}_paired_median']:.3f}, "
            f"cpu {ratios[f'ours_over_forward_{layout}_cpu']:.3f})"
            for layout in ours_entry["forward_only"]
        )
        print(f"{workload:<13} hsi-lime / forward-only: {text}")
    for lib, values in results.get("W1_spatial_peer_defaults", {}).items():
        print(f"{'W1 defaults':<13} {lib + ' as shipped':<22} {values['median']:>9.2f} {np.median(values['cpu_times']):>8.2f} "
              f"{values['over_ours']:>8.2f}  {values['times'][0]:.2f} ({values['load_average'][0]:.1f}); Spearman vs hsi-lime "
              + ", ".join("undefined" if v is None else f"{v:.2f}" for v in values["spearman_vs_ours_per_target"])
              + f"; {values['fraction_of_zero_coefficients']:.0%} of its coefficients are 0")
    memory = results["W4_memory"]
    gib = 1 << 30
    print(f"W4_memory     hsi-lime N={memory['n_samples']}: {memory['seconds']:.1f} s, RSS baseline "
          f"{memory['baseline_rss_bytes'] / gib:.2f} GiB, peak {memory['peak_rss_bytes'] / gib:.2f} GiB "
          f"(+{memory['peak_over_baseline_bytes'] / gib:.2f} GiB = {memory['peak_over_baseline_in_batches']:.2f} batches); "
          f"one batch {memory['batch_bytes'] / gib:.2f} GiB; N x C x H x W would be {memory['all_samples_tensor_bytes'] / gib:.1f} GiB")
    if "error" in results.get("agreement", {}):
        print(f"agreement     FAILED: {results['agreement']['error'][:300]}")
    elif "agreement" in results:
        a = results["agreement"]
        values = ", ".join("undefined" if v is None else f"{v:.3f}" for v in a["spearman_per_target"])
        print(f"agreement     Spearman hsi-lime vs meteors, W1 N={a['n_samples']}, per target: {values} "
              f"(meteors took {a['meteors_seconds']:.0f} s)")
        small = a.get("spearman_per_target_at_n_samples")
        if small:
            for key in ("ours_vs_meteors", "ours_vs_captum", "meteors_vs_captum", "ours_n_vs_ours_large"):
                print(f"              at N={small['n_samples']} {key}: "
                      + ", ".join("undefined" if v is None else f"{v:.3f}" for v in small[key]))
    for kind in ("spatial", "spectral"):
        profile = results.get(f"profile_{kind}")
        if profile:
            places = profile["self_cpu_seconds_by_place"]
            top = ", ".join(f"{place} {seconds:.3f}" for place, seconds in list(places.items())[:5])
            print(f"profile       hsi-lime {kind} N={profile['n_samples']} ({profile['wall_seconds_profiled']:.2f} s wall), "
                  f"self CPU s by caller: {top}")
    print_forward_ratio(results.get("forward_ratio"))
    print("kernels:")
    for lib, text in results["kernels"].items():
        print(f"  {lib}: {text}")
    print("goals:")
    for row in results["goals"]:
        value = "undefined" if row["value"] is None else f"{row['value']:.3f}"
        print(f"  [{'met' if row['met'] else 'MISSED'}] {row['goal']}: {value} (goal {row['target']})")
    if "sampling_error" in results:
        print("sampling_error: merged into results.json under 'sampling_error'")


def print_forward_ratio(entry: dict | None) -> None:
    """The forward_ratio line: explain() over the forward passes in their fastest layout, and the goal."""
    if entry is None:
        return
    if "ratio_paired_median" not in entry:
        print(f"forward_ratio not measured: {entry.get('skipped') or entry.get('error')}")
        return
    explain_seconds = np.median(entry["explain_seconds"])
    forward_seconds = np.median(entry["forward_seconds"][entry["fastest_layout"]])
    print(f"forward_ratio explain() / forward passes ({entry['fastest_layout']}) on {entry['workload']}: "
          f"{entry['ratio_paired_median']:.3f} (paired median of {len(entry['explain_seconds'])}; ratio of medians "
          f"{entry['ratio_of_medians']:.3f} = {explain_seconds:.3f} s / {forward_seconds:.3f} s; goal <= {entry['goal']:g})")


if __name__ == "__main__":
    sys.exit(main())
