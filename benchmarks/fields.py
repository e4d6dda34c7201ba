"""Map-scale benchmark of hsilime:explain_fields' engine (run_fields): speed on a cluster, memory on a big scene.

speed   ``--fields`` square fields on a generated ``--bands`` x ``--size`` x ``--size`` int16 scene, the
        small CNN of cnn.py (TorchScript, scale 1e-4), spatial kind, patches of ``--patch-size``:
        (a) a plain loop: read each field's window, mask, patches, ``explain()`` (the floor);
        (b) run_fields in this process; (c) run_fields on a local cluster (tests/helpers/cluster.py: the
        scheduler from build/scheduler-venv, dask and distributed only) with 2 workers
        (``dask worker --nthreads 1``, OMP_NUM_THREADS=1), after a warm-up run that loads torch
        and the model on the workers. torch uses 1 thread in (a) and (b), like each worker.
        Reports the speedup (b)/(c) (goal >= 1.6) and the overhead per field (b)/(a) - 1 (goal < 10 %),
        from the fastest of ``--repeat`` rounds of each.
memory  a generated ``--memory-bands`` x ``--memory-size``^2 int16 tiled GeoTIFF (224 x 3000 x 3000: 4 GB),
        ``--memory-fields`` fields, then tiles of ``--memory-tile`` pixels: peak RSS of a fresh process
        running run_fields (goal < 1.5 GB), and wall time per field and per tile; ``--memory-n-samples``
        samples per unit and the automatic batch size (the algorithm's default, BATCH_SIZE 0), which
        bounds a batch of big fields by memory.

``python benchmarks/fields.py`` prints one JSON object (last line) and writes it to ``--output``;
benchmarks/run.py runs it and merges it into results.json under "fields".
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # helpers.cluster: the cluster as users deploy it (a bare scheduler)

import numpy as np  # noqa: E402

WORK = ROOT / "build" / "bench" / "fields"
GOALS = {"speedup": 1.6, "overhead_per_field": 0.10, "peak_rss_gb": 1.5}


def make_scene(path: Path, bands: int, size: int, block: int = 256) -> Path:
    """A tiled int16 GeoTIFF written block by block (never whole in memory), values 500-4000."""
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    generator = np.random.default_rng(1)
    profile = dict(driver="GTiff", width=size, height=size, count=bands, dtype="int16", crs="EPSG:32633",
                   transform=from_origin(300_000.0, 5_800_000.0, 30.0, 30.0), nodata=-32768, tiled=True,
                   blockxsize=block, blockysize=block, interleave="pixel", BIGTIFF="YES")
    partial = path.with_suffix(".partial.tif")
    with rasterio.open(partial, "w", **profile) as dataset:
        for row in range(0, size, block):
            for column in range(0, size, block):
                height, width = min(block, size - row), min(block, size - column)
                data = generator.integers(500, 4000, size=(bands, height, width), dtype=np.int16)
                dataset.write(data, window=Window(column, row, width, height))
    partial.rename(path)
    return path


def make_fields(path: Path, raster: Path, count: int) -> Path:
    """``count`` square fields on a regular grid over the raster, each 3/4 of its cell."""
    import geopandas as gpd
    import rasterio
    import shapely.geometry

    with rasterio.open(raster) as dataset:
        transform, size, crs = dataset.transform, dataset.width, dataset.crs
    per_row = int(np.ceil(np.sqrt(count)))
    cell = size // per_row
    boxes = []
    for k in range(count):
        row, column = divmod(k, per_row)
        x0, y0 = transform * (column * cell + cell // 8, row * cell + cell // 8)
        x1, y1 = transform * (column * cell + cell // 8 + 3 * cell // 4, row * cell + cell // 8 + 3 * cell // 4)
        boxes.append(shapely.geometry.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    gpd.GeoDataFrame({"field": [f"f{k}" for k in range(count)]}, geometry=boxes, crs=crs).to_file(path, driver="GPKG")
    return path


def make_model(path: Path, bands: int) -> Path:
    import torch

    from cnn import SmallCNN

    torch.manual_seed(0)
    torch.jit.save(torch.jit.script(SmallCNN(bands, 4).eval()), str(path))
    card = {"task": "regression", "targets": ["P", "K", "Mg", "pH"], "input": {"bands": bands, "scale": 1e-4}}
    path.with_suffix(".json").write_text(json.dumps(card))
    return path


def plain_loop(raster: Path, fields: Path, model: Path, settings: dict, options: dict) -> float:
    """The floor: each field's window read, masked, cut into patches and explained, nothing else (the
    fields' windows are found before the clock starts)."""
    import geopandas as gpd
    import rasterio

    from hsi_lime_plugin.perturbation.pipeline import explain
    from hsi_lime_plugin.scale.unit_task import ModelBundle, UnitTask, cached_model, read_unit, unit_features, unit_seed
    from hsi_lime_plugin.scale.units import polygon_units
    from hsi_lime_plugin.settings import Segmentation, split_explain_options

    units = polygon_units(str(raster), gpd.read_file(fields), "field")
    explain_settings, runtime = split_explain_options({k: v for k, v in options.items() if k != "device"})
    task = UnitTask(settings["kind"], Segmentation(settings["segmentation"], patch_size=settings["patch_size"]), None,
                    explain_settings, runtime)
    started = time.perf_counter()
    bundle = ModelBundle.of(str(model), device="cpu", allow_python=False, ship=False)
    with rasterio.Env():
        for unit in units:
            cube, inside = read_unit(unit)
            network = cached_model(bundle, cube.shape[0], cube.wavelengths)
            explain(network, cube.data, unit_features(task, cube, inside), kind="spatial", valid=inside,
                    **dict(options, seed=unit_seed(options["seed"], unit.id)))
    return time.perf_counter() - started


def timed_run(raster, fields, model, folder: Path, scheduler: str | None, settings: dict, options: dict) -> float:
    from hsi_lime_plugin.runs.explain_fields import run_fields

    started = time.perf_counter()
    run_fields(str(raster), str(model), units="polygons", polygons=str(fields), id_field="field", kind="spatial",
               segmentation="patches", patch_size=settings["patch_size"], output=str(folder / "attribution.tif"),
               output_table=str(folder / "table.csv"), dask_scheduler=scheduler, **options)
    return time.perf_counter() - started


def speed(args) -> dict:
    """``--repeat`` rounds of (a), (b) and (c) one after the other; the fastest of each counts (the one
    least disturbed by other work on the machine), and every round is reported."""
    from helpers.cluster import dask_cluster

    import torch

    torch.set_num_threads(1)
    folder = WORK / f"speed_{args.bands}x{args.size}"
    folder.mkdir(parents=True, exist_ok=True)
    raster = make_scene(folder / "scene.tif", args.bands, args.size)
    fields = make_fields(folder / "fields.gpkg", raster, args.fields)
    model = make_model(folder / "cnn.pt", args.bands)
    settings = {"kind": "spatial", "segmentation": "patches", "patch_size": args.patch_size}
    options = dict(n_samples=args.n_samples, batch_size=args.batch_size, device="cpu", seed=0, baseline="zero")
    plain_loop(raster, fields, model, settings, dict(options, n_samples=2 * args.batch_size))  # warm-up
    rounds = {"plain_loop": [], "in_process": [], "dask_2_workers_cold": [], "dask_2_workers": []}
    for _ in range(args.repeat):
        rounds["plain_loop"].append(plain_loop(raster, fields, model, settings, options))
        rounds["in_process"].append(timed_run(raster, fields, model, folder, None, settings, options))
        with dask_cluster(folder, 2) as (address, _):  # stopped between rounds: an idle cluster costs CPU too
            rounds["dask_2_workers_cold"].append(timed_run(raster, fields, model, folder, address, settings, options))
            rounds["dask_2_workers"].append(timed_run(raster, fields, model, folder, address, settings, options))
    best = {name: min(seconds) for name, seconds in rounds.items()}
    return {
        "fields": args.fields, "scene": [args.bands, args.size, args.size], "n_samples": args.n_samples,
        "patch_size": args.patch_size, "rounds": rounds, **{f"seconds_{name}": best[name] for name in best},
        "speedup": best["in_process"] / best["dask_2_workers"],
        "overhead_per_field": best["in_process"] / best["plain_loop"] - 1.0,
        "seconds_per_field_in_process": best["in_process"] / args.fields,
        "seconds_per_field_dask": best["dask_2_workers"] / args.fields,
    }


def memory_child(args) -> None:
    """One run_fields in this (fresh) process; prints its peak RSS."""
    from hsi_lime_plugin.runs.explain_fields import run_fields

    folder = Path(args.folder)
    started = time.perf_counter()
    unit_options = (dict(units="polygons", polygons=str(folder / "fields.gpkg"), id_field="field")
                    if args.units == "polygons" else dict(units="tiles", tile_size=args.memory_tile))
    run = run_fields(str(folder / "scene.tif"), str(folder / "cnn.pt"), kind="spatial", segmentation="patches",
                     patch_size=args.patch_size, output=str(folder / f"attribution_{args.units}.tif"),
                     output_table=str(folder / f"table_{args.units}.csv"), n_samples=args.n_samples,
                     batch_size=None, device="cpu", seed=0, **unit_options)
    seconds = time.perf_counter() - started
    print(json.dumps({"units": len(run.units), "seconds": seconds, "seconds_per_unit": seconds / len(run.units),
                      "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20}))


def memory(args) -> dict:
    folder = WORK / f"memory_{args.memory_bands}x{args.memory_size}"
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    raster = make_scene(folder / "scene.tif", args.memory_bands, args.memory_size)
    make_fields(folder / "fields.gpkg", raster, args.memory_fields)
    make_model(folder / "cnn.pt", args.memory_bands)
    result = {"scene": [args.memory_bands, args.memory_size, args.memory_size], "n_samples": args.memory_n_samples,
              "scene_gb": raster.stat().st_size / 2**30, "seconds_to_generate": time.perf_counter() - started}
    for units in ("polygons", "tiles"):
        command = [sys.executable, __file__, "--memory-child", "--folder", str(folder), "--units", units,
                   "--memory-tile", str(args.memory_tile), "--patch-size", str(args.patch_size),
                   "--n-samples", str(args.memory_n_samples)]
        process = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="2"))
        if process.returncode != 0:
            result[units] = {"error": process.stderr[-2000:]}
            continue
        result[units] = json.loads(process.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fields", type=int, default=200)
    parser.add_argument("--size", type=int, default=800)
    parser.add_argument("--bands", type=int, default=64)
    parser.add_argument("--patch-size", type=int, default=8)
    parser.add_argument("--n-samples", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the speed runs; the fastest counts")
    parser.add_argument("--memory-size", type=int, default=3000)
    parser.add_argument("--memory-bands", type=int, default=224)
    parser.add_argument("--memory-fields", type=int, default=100)
    parser.add_argument("--memory-tile", type=int, default=128)
    parser.add_argument("--memory-n-samples", type=int, default=64)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--output", default=str(WORK / "fields.json"))
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--units", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args)
        return 0
    results = {"goals": GOALS, "machine": {"cpus": os.cpu_count(), "load_average_at_start": list(os.getloadavg())}}
    if not args.skip_speed:
        results["speed"] = speed(args)
    if not args.skip_memory:
        results["memory"] = memory(args)
    results["machine"]["load_average_at_end"] = list(os.getloadavg())
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
