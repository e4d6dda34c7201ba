"""Per-pixel spectral importance: hsi-lime's maps against shap and captum per pixel, the model's own time, a scene.

Inputs (built once in build/bench/pixel_maps from ../shared/data/enmap_potsdam):

tile    128 x 128 x 224: 16 of the real 32 x 32 EnMAP tiles side by side (float32 reflectance x 1e4)
scene   1000 x 1000 x 224 int16, tiled GeoTIFF written block by block: every 32 x 32 block is one of the
        18 real tiles (cycled), so every pixel is a real EnMAP spectrum
mlp     a small per-pixel MLP, 224 -> 64 -> 32 -> 2 (ReLU), random weights (seed 0), TorchScript, card
        layout pixels, scale 1e-4; tiny_mlp the same with 224 -> 16 -> 2
forest  a random forest (16 trees, depth 8, 30 % of the bands per split) trained on 2 other tiles to predict
        the mean 800-900 nm reflectance, saved with skops
superbands  10 (blue, green, red, edge, nir, nir2, swir1..swir4; the bands below 460 nm keep their values)

Workloads (1 torch thread everywhere; the machine's 2 cores are shared, so every ratio is measured side by
side in this run, from CPU seconds (one thread's CPU time does not count the time other processes hold the
core), each the fastest of ``--repeats`` interleaved runs; wall seconds are reported too):

ours       explain_pixels on the tile: exact Kernel SHAP, all 1024 coalitions, every pixel (16384 pixels)
model      the network alone on the same perturbed spectra (built outside the timer, in the same calls)
           -> ours / model (goal <= 1.2)
shap       shap 0.48 KernelExplainer per pixel, nsamples=1024 (it enumerates the 1022 coalitions: 1024 model
           evaluations per pixel, exact values like ours), on ``--peer-pixels`` pixels, extrapolated to the
           tile -> shap / ours (goal >= 100), and the largest difference from our exact values
captum     captum 0.9 Lime per pixel with 1024 samples (its defaults; one target per pass), the same pixels
forest     the same for the forest on a 32 x 32 part of the tile (ours, the forest alone, shap)
scene      run_spectral with OUTPUT_MAP and OUTPUT_DOMINANT on the 1000 x 1000 x 224 scene in a fresh
           process: wall time and peak RSS (goal < 1.5 GB), with ``--scene-samples`` sampled Kernel SHAP
           coalitions (exact ones, 1024 per pixel, would take 16 x longer)

``python benchmarks/pixel_maps.py`` prints a table and one JSON object (last line) and writes it to
``--output``; benchmarks/run.py runs it and merges it into results.json under "pixel_maps".
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "enmap_potsdam" / "images"
WORK = ROOT / "build" / "bench" / "pixel_maps"
PEERS_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
GROUPS = ("blue=460-500; green=500-600; red=600-700; edge=700-800; nir=800-900; nir2=900-1000; swir1=1000-1350; "
          "swir2=1350-1800; swir3=1800-2100; swir4=2100-2450")
GOALS = {"speedup_vs_shap": 100.0, "ours_over_model": 1.2, "scene_peak_rss_gb": 1.5}


def tiles() -> list[Path]:
    return sorted(DATA.glob("enmap_potsdam_tile_*.tif"))


def write_raster(path: Path, data: np.ndarray, like: Path) -> Path:
    """``data`` (C, H, W) as a GeoTIFF with ``like``'s band tags (wavelengths) and CRS."""
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(like) as source:
        tags = [source.tags(band) for band in range(1, source.count + 1)]
        crs = source.crs
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                       dtype=data.dtype, crs=crs, transform=from_origin(360_000.0, 5_810_000.0, 30.0, 30.0)) as out:
        out.write(data)
        for band, band_tags in enumerate(tags, start=1):
            out.update_tags(band, **band_tags)
    return path


def make_tile(path: Path) -> Path:
    """16 real tiles side by side: 128 x 128 x 224 float32 (reflectance x 1e4)."""
    if path.is_file():
        return path
    import rasterio

    blocks = []
    for tile in tiles()[:16]:
        with rasterio.open(tile) as source:
            blocks.append(source.read().astype(np.float32))
    rows = [np.concatenate(blocks[4 * r:4 * r + 4], axis=2) for r in range(4)]
    return write_raster(path, np.concatenate(rows, axis=1), tiles()[0])


def make_scene(path: Path, size: int) -> Path:
    """A ``size`` x ``size`` x 224 int16 tiled GeoTIFF, block by block, each 32 x 32 block a real tile."""
    if path.is_file():
        return path
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    sources = []
    for tile in tiles():
        with rasterio.open(tile) as source:
            sources.append(np.clip(np.nan_to_num(source.read(), nan=0), -32768, 32767).astype(np.int16))
            tags = [source.tags(band) for band in range(1, source.count + 1)]
            crs = source.crs
    profile = dict(driver="GTiff", width=size, height=size, count=224, dtype="int16", crs=crs, tiled=True,
                   blockxsize=256, blockysize=256, transform=from_origin(360_000.0, 5_810_000.0, 30.0, 30.0),
                   nodata=-32768)
    partial = path.with_suffix(".partial.tif")
    with rasterio.open(partial, "w", **profile) as out:
        for row in range(0, size, 256):
            for column in range(0, size, 256):
                height, width = min(256, size - row), min(256, size - column)
                block = np.empty((224, 256, 256), dtype=np.int16)
                for r in range(0, 256, 32):
                    for c in range(0, 256, 32):
                        block[:, r:r + 32, c:c + 32] = sources[((row + r) // 32 * 97 + (column + c) // 32) % 18]
                out.write(block[:, :height, :width], window=Window(column, row, width, height))
        for band, band_tags in enumerate(tags, start=1):
            out.update_tags(band, **band_tags)
    partial.rename(path)
    return path


def make_mlp(path: Path, hidden: list[int], card: dict) -> Path:
    """A per-pixel MLP 224 -> hidden... -> 2 (ReLU), random weights (seed 0), TorchScript, with its card."""
    import torch

    if not path.is_file():
        torch.manual_seed(0)
        layers, width = [], 224
        for size in hidden:
            layers += [torch.nn.Linear(width, size), torch.nn.ReLU()]
            width = size
        torch.jit.save(torch.jit.script(torch.nn.Sequential(*layers, torch.nn.Linear(width, 2)).eval()), str(path))
        path.with_suffix(".json").write_text(json.dumps(card))
    return path


def make_models(folder: Path, wavelengths: np.ndarray) -> tuple[Path, Path, Path]:
    """The MLPs (TorchScript: 224-64-32-2 and the tiny 224-16-2) and the forest (skops), each with its card."""
    card = {"targets": ["a", "b"], "input": {"layout": "pixels", "scale": 1e-4, "wavelengths": wavelengths.tolist()}}
    mlp, tiny = make_mlp(folder / "mlp.pt", [64, 32], card), make_mlp(folder / "tiny.pt", [16], card)
    forest = folder / "forest.skops"
    if not forest.is_file():
        import rasterio
        import skops.io as sio
        from sklearn.ensemble import RandomForestRegressor

        spectra = []
        for tile in tiles()[16:]:
            with rasterio.open(tile) as source:
                spectra.append(np.nan_to_num(source.read().reshape(224, -1).T * 1e-4))
        x = np.concatenate(spectra).astype(np.float32)
        nir = (wavelengths >= 800) & (wavelengths <= 900)
        model = RandomForestRegressor(16, max_depth=8, max_features=0.3, random_state=0).fit(x, x[:, nir].mean(1))
        sio.dump(model, str(forest))
        forest.with_suffix(".json").write_text(json.dumps({"targets": ["nir"], "input": card["input"]}))
    return mlp, tiny, forest


class Ours:
    """explain_pixels on a cube, and the network alone on the same perturbed spectra."""

    def __init__(self, model_path: Path, cube, features):
        from hsi_lime_plugin.models.loading import load_model
        from hsi_lime_plugin.settings import ExplainSettings, Runtime

        self.model = load_model(model_path, "cpu")
        self.model.match_raster(cube.shape[0], cube.wavelengths)
        self.cube, self.features = cube, features
        self.settings, self.runtime = ExplainSettings(method="kernelshap", n_samples=1024, baseline="zero"), Runtime("cpu")

    def explain(self):
        """Wall and CPU seconds of explain_pixels on the cube, and its maps."""
        from hsi_lime_plugin.perturbation.pixel_maps import explain_pixels

        started, cpu = time.perf_counter(), time.process_time()
        maps = explain_pixels(self.model, self.cube.data, self.features, self.cube.valid, self.settings, self.runtime)
        return (time.perf_counter() - started, time.process_time() - cpu), maps

    def model_alone(self) -> tuple[float, float]:
        """Wall and CPU seconds of the model's own calls on the perturbed spectra explain_pixels builds (the same
        buffers, updated the same way outside the timer), in the same calls."""
        import torch

        from hsi_lime_plugin.features.space import FeatureSpace
        from hsi_lime_plugin.models.preparation import prepare_image
        from hsi_lime_plugin.perturbation.methods import make_method
        from hsi_lime_plugin.perturbation.baseline import Baseline
        from hsi_lime_plugin.perturbation.pixel_maps import INCREMENTAL_PIXELS, _PixelEvaluator
        from hsi_lime_plugin.reporting import RecordingReporter

        prepared = prepare_image(self.model, self.cube.data, self.cube.valid, "cpu", RecordingReporter())
        samples = make_method(self.settings).draw(1024, int(max(self.features)), 0, RecordingReporter())
        space = FeatureSpace.from_labels(self.features, prepared.shape, "spectral")
        spectra = prepared.inputs[:, torch.as_tensor(self.cube.valid)].T.contiguous()
        evaluator = _PixelEvaluator(prepared.model, spectra, Baseline("zero"), space, samples)
        network, seconds, cpu = prepared.model.network, 0.0, 0.0
        with torch.inference_mode():
            for first, last in evaluator.chunks():
                assert last - first >= INCREMENTAL_PIXELS, "the benchmark's chunks take the incremental build"
                buffer = spectra[first:last].clone()
                for _, runs in evaluator._changes():
                    for start, stop, on in runs:
                        buffer[:, start:stop].copy_(spectra[first:last, start:stop] if on else 0.0)
                    rows = prepared.model.spectral_input(buffer, rows=True)
                    started, cpu_started = time.perf_counter(), time.process_time()
                    network(rows)
                    seconds += time.perf_counter() - started
                    cpu += time.process_time() - cpu_started
        return seconds, cpu


def side_by_side(ours: Ours, repeats: int) -> dict:
    """The fastest of ``repeats`` interleaved runs of ours and of the model alone, in wall and in CPU time (the
    CPU time of one thread does not count the time other processes take the core: the ratio on a shared
    machine)."""
    ours.explain()  # warm-up at the timed shapes
    times, alone, maps = [], [], None
    for _ in range(repeats):
        seconds, maps = ours.explain()
        times.append(seconds)
        alone.append(ours.model_alone())
    wall, cpu = min(t[0] for t in times), min(t[1] for t in times)
    model_wall, model_cpu = min(a[0] for a in alone), min(a[1] for a in alone)
    return {"ours_seconds": wall, "model_seconds": model_wall, "ours_cpu_seconds": cpu, "model_cpu_seconds": model_cpu,
            "ours_over_model": cpu / model_cpu, "ours_over_model_wall": wall / model_wall,
            "pixels": int(ours.cube.valid.sum()), "evaluations_per_pixel": 1024, "exact": bool(maps.exact),
            "all_ours": times, "all_model": alone}, maps


def peers(lib: str, model: Path, ours, maps, pixels: int) -> dict:
    """One peer on ``pixels`` random pixels: its seconds per pixel, extrapolated to the cube, and its largest
    difference from our values at those pixels."""
    valid = np.flatnonzero(ours.cube.valid.reshape(-1))
    chosen = np.random.default_rng(0).choice(valid, size=min(pixels, len(valid)), replace=False)
    spectra = ours.cube.data.reshape(224, -1)[:, chosen].T * 1e-4
    np.save(WORK / "spectra.npy", spectra.astype(np.float32))
    np.save(WORK / "groups.npy", np.asarray(ours.features, dtype=np.int64))
    command = [str(PEERS_PYTHON), str(HERE / "pixel_peers.py"), "--lib", lib, "--spectra", str(WORK / "spectra.npy"),
               "--groups", str(WORK / "groups.npy"), "--model", str(model)]
    process = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if process.returncode != 0:
        return {"error": f"exit {process.returncode}"}
    result = json.loads(process.stdout.strip().splitlines()[-1])
    values = np.asarray(result.pop("values"))  # (pixels, T, K)
    ours_values = maps.coefficients.reshape(*maps.coefficients.shape[:2], -1)[:, :, chosen].transpose(2, 0, 1)
    result["largest_difference_from_ours"] = float(np.abs(values - ours_values).max())
    result["largest_attribution"] = float(np.abs(ours_values).max())
    result["seconds_for_the_cube"] = result["seconds_per_pixel"] * int(ours.cube.valid.sum())
    return result


def scene_run(scene: Path, model: Path, n_samples: int) -> dict:
    """run_spectral with both maps on the scene in a fresh process: wall time and peak RSS."""
    outputs = WORK / "scene_out"
    outputs.mkdir(exist_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--scene-child", str(scene), "--model", str(model),
               "--scene-samples", str(n_samples), "--output", str(outputs / "child.json")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    process = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    child = json.loads((outputs / "child.json").read_text()) if process.returncode == 0 else {}
    return {"seconds": seconds, "peak_rss_gb": max(peak, before) / 2**20, "exit": process.returncode,
            "pixels": 1000 * 1000, "n_samples": n_samples, **child,
            **({} if process.returncode == 0 else {"tail": process.stdout[-2000:]})}


def scene_child(scene: str, model: str, n_samples: int, output: str) -> None:
    import torch

    from hsi_lime_plugin.runs.explain_spectral import run_spectral

    torch.set_num_threads(1)
    folder = Path(output).parent
    started = time.perf_counter()
    run = run_spectral(scene, model, band_groups=GROUPS, include_rest=False, method="kernelshap",
                       n_samples=n_samples, output_table=str(folder / "table.csv"), output_map=str(folder / "map.tif"),
                       output_dominant=str(folder / "dominant.tif"), device="cpu")
    whole = run.explanations[None]
    Path(output).write_text(json.dumps({"engine_seconds": time.perf_counter() - started,
                                        "precision": float(whole.precision),
                                        "map_gb": (folder / "map.tif").stat().st_size / 2**30}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--peer-pixels", type=int, default=32)
    parser.add_argument("--scene-size", type=int, default=1000)
    parser.add_argument("--scene-samples", type=int, default=64)
    parser.add_argument("--skip-scene", action="store_true")
    parser.add_argument("--output", default=str(WORK / "pixel_maps.json"))
    parser.add_argument("--scene-child", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scene_child:
        scene_child(args.scene_child, args.model, args.scene_samples, args.output)
        return 0
    if not DATA.is_dir():
        print(f"pixel_maps: {DATA} is absent; nothing to measure", file=sys.stderr)
        return 1
    import torch

    from hsi_lime_plugin.features.superbands import resolve_band_groups
    from hsi_lime_plugin.inputs.raster import read_raster

    torch.set_num_threads(1)
    WORK.mkdir(parents=True, exist_ok=True)
    cube = read_raster(make_tile(WORK / "tile.tif"))
    features = resolve_band_groups(GROUPS, cube.wavelengths, 224, False, None).features
    mlp, tiny, forest = make_models(WORK, cube.wavelengths)
    results = {"threads": 1, "superbands": 10, "tile": list(cube.shape)}
    for name, model in (("mlp", mlp), ("tiny_mlp", tiny)):
        ours = Ours(model, cube, features)
        results[name], maps = side_by_side(ours, args.repeats)
        for lib in ("shap", "captum"):
            results[name][lib] = peers(lib, model, ours, maps, args.peer_pixels if lib == "shap" else 8)
            results[name][f"speedup_vs_{lib}"] = results[name][lib]["cpu_seconds_per_pixel"] * results[name][
                "pixels"] / results[name]["ours_cpu_seconds"]
    part = read_raster(WORK / "tile.tif", window=__import__("rasterio").windows.Window(0, 0, 32, 32))
    ours_forest = Ours(forest, part, features)
    results["forest"], forest_maps = side_by_side(ours_forest, args.repeats)
    results["forest"]["shap"] = peers("shap", forest, ours_forest, forest_maps, max(4, args.peer_pixels // 4))
    results["forest"]["speedup_vs_shap"] = results["forest"]["shap"]["cpu_seconds_per_pixel"] * \
        results["forest"]["pixels"] / results["forest"]["ours_cpu_seconds"]
    if not args.skip_scene:
        results["scene"] = scene_run(make_scene(WORK / f"scene_{args.scene_size}.tif", args.scene_size), mlp,
                                     args.scene_samples)
    results["goals"] = {
        **{f"{name}_speedup_vs_shap": {"value": results[name]["speedup_vs_shap"], "goal": ">= 100"}
           for name in ("mlp", "tiny_mlp")},
        **{f"{name}_over_model": {"value": results[name]["ours_over_model"], "goal": "<= 1.2"}
           for name in ("mlp", "tiny_mlp", "forest")},
        **({"scene_peak_rss_gb": {"value": results["scene"]["peak_rss_gb"], "goal": "< 1.5"}} if "scene" in results
           else {}),
    }
    print_table(results)
    Path(args.output).write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results))
    return 0


def print_table(results: dict) -> None:
    """CPU seconds (one thread; the machine is shared), wall seconds in brackets."""
    for name in ("mlp", "tiny_mlp", "forest"):
        row = results[name]
        print(f"{name}: {row['pixels']} pixels x 1024 coalitions: ours {row['ours_cpu_seconds']:.1f} s CPU "
              f"({row['ours_seconds']:.1f} s wall), model alone {row['model_cpu_seconds']:.1f} s CPU "
              f"({row['model_seconds']:.1f} s wall): ours / model {row['ours_over_model']:.3f}")
        for lib in ("shap", "captum"):
            if lib in row and "seconds_per_pixel" in row[lib]:
                peer = row[lib]
                print(f"  {lib}: {1000 * peer['cpu_seconds_per_pixel']:.1f} ms CPU per pixel "
                      f"({1000 * peer['seconds_per_pixel']:.1f} wall), {peer['calls_per_pixel']:.0f} evaluations "
                      f"per pixel: {row[f'speedup_vs_{lib}']:.0f} x ours; largest difference from our values "
                      f"{peer['largest_difference_from_ours']:.2e} (largest value {peer['largest_attribution']:.3f})")
    if "scene" in results:
        scene = results["scene"]
        print(f"scene 1000 x 1000 x 224, {scene['n_samples']} coalitions: {scene['seconds']:.0f} s, peak RSS "
              f"{scene['peak_rss_gb']:.2f} GB")


if __name__ == "__main__":
    raise SystemExit(main())
