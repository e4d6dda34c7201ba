"""Automatic N (``n_samples=0``) against the fixed default (500): samples used, time, error to a large-N reference.

Two problems, LIME and Kernel SHAP on each:

* ``demo``: the demo scene and soil model (``make demo``'s, built into build/demo when
  missing), its field polygons as the features (explain_spatial with SEGMENTATION 0);
* ``hyperview``: the held-in HYPERVIEW field ``../shared/data/hyperview/0.npz`` (150 x 72 x 89,
  divided by 5419, its mask), 64 SLIC superpixels, the benchmark's small CNN (``cnn.py``,
  fixed seed, 4 outputs). Skipped with a reason when the shared data is absent.

For each, ``--repeats`` seeds of the fixed N and of the automatic run (default precision
0.05, cap 4000); the error of one run is ``|coefficients - reference| / |reference|``
(Frobenius norms over targets and features), the reference the mean of two runs at
``--reference-n`` samples. ``python benchmarks/auto_samples.py`` prints a table and one
JSON object (last line) and writes it to ``--output``; benchmarks/run.py merges it into
results.json under "auto_samples".
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

HYPERVIEW = ROOT.parent / "shared" / "data" / "hyperview" / "0.npz"
HYPERVIEW_SCALE = 5419.0
WORK = ROOT / "build" / "bench"


def demo_problem() -> dict:
    """The demo's image, model and field polygons as features (what explain_spatial SEGMENTATION 0 explains)."""
    from hsi_lime_plugin.demo import build_demo
    from hsi_lime_plugin.models.loading import load_model
    from hsi_lime_plugin.inputs.polygons import read_polygons
    from hsi_lime_plugin.inputs.raster import read_raster
    from hsi_lime_plugin.features.segments import polygon_segments

    paths = build_demo(ROOT / "build" / "demo")
    cube = read_raster(str(paths.raster))
    model = load_model(str(paths.model), "cpu")
    model.match_raster(cube.shape[0], cube.wavelengths)
    labels = polygon_segments(read_polygons(str(paths.fields)), cube, "field_id").labels
    return {"name": "demo", "model": model, "image": cube.data, "features": labels, "valid": cube.valid}


def hyperview_problem() -> dict | None:
    """The held-in HYPERVIEW field with SLIC superpixels and the small CNN; None without the shared data."""
    import cnn
    from affine import Affine

    from hsi_lime_plugin import RasterCube
    from hsi_lime_plugin.features.segments import slic_segments

    if not HYPERVIEW.is_file():
        print(f"auto_samples: {HYPERVIEW} is absent (../shared/data); the HYPERVIEW problem is skipped")
        return None
    with np.load(HYPERVIEW) as field:
        valid = ~field["mask"].all(axis=0)
        image = np.where(valid, field["data"].astype(np.float32) / HYPERVIEW_SCALE, 0.0).astype(np.float32)
    cube = RasterCube(data=image, valid=valid, transform=Affine.identity(), crs=None, wavelengths=None)
    torch.manual_seed(cnn.SEED)
    network = cnn.SmallCNN(bands=image.shape[0], outputs=4).eval()
    return {"name": "hyperview", "model": network, "image": image, "features": slic_segments(cube, 64, 0.3),
            "valid": valid}


def explained(problem: dict, method: str, n_samples: int, seed: int, batch_size: int):
    from hsi_lime_plugin import explain

    return explain(problem["model"], problem["image"], problem["features"], valid=problem["valid"], method=method,
                   n_samples=n_samples, batch_size=batch_size, device="cpu", seed=seed, baseline="zero")


def compare(problem: dict, method: str, args) -> dict:
    """Fixed N and automatic N against the reference, ``args.repeats`` seeds each."""
    references = [explained(problem, method, args.reference_n, 1000 + k, args.batch_size).coefficients
                  for k in range(2)]
    reference = np.mean(references, axis=0)
    entry = {"n_features": int(reference.shape[1]), "reference_n": args.reference_n,
             "reference_spread": float(np.linalg.norm(references[0] - references[1]) / np.linalg.norm(reference))}
    for label, n in ((f"fixed_{args.fixed_n}", args.fixed_n), ("automatic", 0)):
        runs = [explained(problem, method, n, seed, args.batch_size) for seed in range(args.repeats)]
        errors = [float(np.linalg.norm(run.coefficients - reference) / np.linalg.norm(reference)) for run in runs]
        entry[label] = {
            "samples": [int(run.n_samples) for run in runs], "seconds": [float(run.seconds) for run in runs],
            "error": errors, "precision_reached": [float(run.precision) for run in runs],
            "median_samples": float(np.median([run.n_samples for run in runs])),
            "median_seconds": float(np.median([run.seconds for run in runs])),
            "rms_error": float(np.sqrt(np.mean(np.square(errors)))),
        }
    return entry


def print_table(results: dict) -> None:
    print(f"{'problem':10} {'method':11} {'run':10} {'samples':>8} {'seconds':>8} {'error':>7} {'precision':>9}")
    for problem, methods in results["problems"].items():
        for method, entry in methods.items():
            for label in (key for key in entry if key.startswith(("fixed", "automatic"))):
                row = entry[label]
                print(f"{problem:10} {method:11} {label:10} {row['median_samples']:8.0f} {row['median_seconds']:8.2f} "
                      f"{row['rms_error']:7.3f} {max(row['precision_reached']):9.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixed-n", type=int, default=500)
    parser.add_argument("--reference-n", type=int, default=4096)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--output", default=str(WORK / "auto_samples.json"))
    args = parser.parse_args()
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    results = {"config": vars(args), "problems": {}}
    for problem in (demo_problem(), hyperview_problem()):
        if problem is not None:
            results["problems"][problem["name"]] = {
                method: compare(problem, method, args) for method in ("lime", "kernelshap")
            }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=1) + "\n")
    print_table(results)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
