"""Baselines from the data: which baseline serves as the default, and what a background costs.

``.venv/bin/python benchmarks/baselines.py`` (``make bench`` runs it) prints the figures and writes them to
``benchmarks/baselines.json``. Two parts:

rankings (the real data of ../shared/data; skipped without it)
    How stable the rankings of the features are under each baseline, on the project's models and real data:
    * ``forest``: a random forest classifier of EnMAP land cover (6 classes, trained on the pixels of every
      other labelled polygon, accuracy on the rest), saved with skops, card ``input.layout: mean_spectrum``;
      explain_spectral on 40 land-cover polygons, Kernel SHAP, the default superbands;
    * ``hyperview``: a PLS regression of P, K, Mg and pH on the HYPERVIEW fields' mean spectra (the ten
      labelled fields; layout ``mean_spectrum``), each field explained spectrally;
    * ``cnn``: the benchmark's CNN (cnn.py) on HYPERVIEW field 0, spatial, 48 SLIC superpixels;
    * ``demo``: the demo soil model on the demo scene, whose truth is planted: each target's own absorption
      window must rank first in every field.
    For each baseline: refused or not (and why), the median Spearman rank correlation with every other
    baseline over (unit, target), how often the top feature agrees, the median Spearman between two seeds
    of the same baseline (its own noise at the run's sample count), and the planted truth where there is one.

speed
    * ``shap``: exact background Kernel SHAP against shap's KernelExplainer (the newest shap, 0.51, in
      .venv-shap made by scripts/setup_peers.sh) with the same background (B = 16 and 64): every pixel of a
      per-pixel MLP's map, and a field-mean model (an MLP of the field's mean spectrum; the forest), the
      largest difference and the time ratio on the same work (goal: 100 x faster, equal within 1e-6);
    * ``sampled``: the sampled mode against a constant baseline at the same N (explain() with the CNN on
      HYPERVIEW field 0, and a per-pixel map; goal at most 1.2 x);
    * ``kmeans``: the summary of a 1000 x 1000 x 224 scene: 20000 pixels sampled through windowed reads,
      then k-means into 32 spectra.
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

SHARED = ROOT.parent / "shared" / "data"
WORK = ROOT / "build" / "bench" / "baselines"
RESULTS = HERE / "baselines.json"
SHAP_PYTHON = ROOT / ".venv-shap" / "bin" / "python"
#: The baselines compared (background in both modes).
BASELINES = ("zero", "mean", "background", "background_exact")
GOALS = {"speedup_vs_shap": ">= 100", "sampled_over_constant": "<= 1.2"}


def options(baseline: str) -> dict:
    """explain()'s keywords of one compared baseline."""
    if baseline == "background_exact":
        return {"baseline": "background", "background_mode": "exact", "background_size": 16}
    if baseline == "background":  # the sampled mode (the default mode is exact)
        return {"baseline": "background", "background_mode": "sampled"}
    return {"baseline": baseline}


def spearman(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    from hsi_lime_plugin.attribution.sensitivity import rank_correlation

    return rank_correlation(first, second)


def compare(results: dict[str, list]) -> dict:
    """Per baseline: refused, and against every other: the median and 10th percentile of the Spearman correlations
    over (unit, target) and the share of equal top features; ``results`` maps a baseline to one (T, K) array per
    unit, or to the message that refused it."""
    table = {}
    for name, values in results.items():
        row = {"refused": values if isinstance(values, str) else None}
        for other, theirs in results.items():
            if other == name or isinstance(values, str) or isinstance(theirs, str):
                continue
            mine, their = np.concatenate(values), np.concatenate(theirs)
            correlations = spearman(mine, their)
            row[f"vs_{other}"] = {"median_spearman": float(np.nanmedian(correlations)),
                                  "p10_spearman": float(np.nanpercentile(correlations, 10)),
                                  "same_top": float(np.mean(mine.argmax(1) == their.argmax(1)))}
        table[name] = row
    return table


def explain_units(model, units, features, kind, method, n_samples, baseline, seed):
    """Each unit's coefficients (T, K) under ``baseline``, or the message that refused it."""
    from hsi_lime_plugin import explain
    from hsi_lime_plugin.errors import HsiLimeError
    from hsi_lime_plugin.reporting import RecordingReporter

    values = []
    for image, valid, unit_features in units:
        try:
            result = explain(model, image, unit_features if features is None else features, kind=kind,
                             method=method, n_samples=n_samples, seed=seed, valid=valid, device="cpu",
                             reporter=RecordingReporter(), **options(baseline))
        except HsiLimeError as error:
            return error.message
        values.append(result.coefficients)
    return values


def rankings_of(model, units, features, kind, method="kernelshap", n_samples=256) -> dict:
    """Every baseline on every unit, their agreement, and each baseline's agreement with itself under another
    seed."""
    results = {name: explain_units(model, units, features, kind, method, n_samples, name, 0) for name in BASELINES}
    table = compare(results)
    for name, values in results.items():
        if not isinstance(values, str):
            again = explain_units(model, units, features, kind, method, n_samples, name, 1)
            table[name]["seed_median_spearman"] = float(np.nanmedian(spearman(np.concatenate(values),
                                                                              np.concatenate(again))))
    return {"table": table, "values": {k: v if isinstance(v, str) else [a.tolist() for a in v]
                                       for k, v in results.items()}}


# --- the models and data of the ranking part -----------------------------------------------------------------
def forest_units(folder: Path, n_fields: int = 40):
    """The EnMAP land-cover forest (skops, mean_spectrum) and 40 polygons' windows with the default superbands."""
    import geopandas as gpd
    import rasterio
    import rasterio.features
    import skops.io as sio
    from sklearn.ensemble import RandomForestClassifier

    from hsi_lime_plugin import load_model, read_raster
    from hsi_lime_plugin.features.superbands import resolve_band_groups
    from hsi_lime_plugin.reporting import RecordingReporter

    cube = read_raster(SHARED / "enmap_potsdam" / "enmap_potsdam_mosaic.tif")
    polygons = gpd.read_file(SHARED / "enmap_potsdam" / "landcover_polygons.gpkg")
    labels = rasterio.features.rasterize(((g, i + 1) for i, g in enumerate(polygons.geometry)),
                                         out_shape=cube.valid.shape, transform=cube.transform, fill=0)
    inside = (labels > 0) & cube.valid
    spectra, owner = (cube.data[:, inside] * 1e-4).T, labels[inside] - 1
    classes = polygons["level3_guess"].to_numpy()[owner]
    train = owner % 2 == 0
    forest = RandomForestClassifier(100, max_depth=12, random_state=0, n_jobs=2).fit(spectra[train], classes[train])
    accuracy = float((forest.predict(spectra[~train]) == classes[~train]).mean())
    path = folder / "forest.skops"
    sio.dump(forest, str(path))
    path.with_suffix(".json").write_text(json.dumps({"input": {"layout": "mean_spectrum", "scale": 1e-4}}))
    model = load_model(path, "cpu")
    model.match_raster(cube.shape[0], cube.wavelengths)
    features = resolve_band_groups(None, cube.wavelengths, cube.shape[0], True, RecordingReporter()).features
    chosen = np.flatnonzero(np.bincount(labels[inside])[1:] >= 4)[:: max(1, len(polygons) // (2 * n_fields))][:n_fields]
    units = []
    for index in chosen:
        rows, columns = np.nonzero(labels == index + 1)
        window = (slice(rows.min(), rows.max() + 1), slice(columns.min(), columns.max() + 1))
        units.append((cube.data[:, window[0], window[1]], ((labels == index + 1) & cube.valid)[window], None))
    return model, units, features, {"accuracy_held_out": accuracy, "fields": len(units)}


def hyperview_fields():
    """The ten HYPERVIEW fields (150 bands, scaled by 1/5419, masked) and their soil parameters."""
    fields, truth = [], np.loadtxt(SHARED / "hyperview" / "train_gt.csv", delimiter=",", skiprows=1)
    for index in range(10):
        path = SHARED / "hyperview" / f"{index}.npz"
        if path.is_file():
            with np.load(path) as data:
                fields.append((index, data["data"].astype(np.float32) / 5419.0, ~data["mask"][0]))
    wavelengths = np.loadtxt(SHARED / "hyperview" / "wavelengths.txt", delimiter=",")
    return fields, truth, wavelengths


def pls_units(folder: Path):
    """A PLS regression of the four soil parameters on the fields' mean spectra (skops, mean_spectrum)."""
    import skops.io as sio
    from sklearn.cross_decomposition import PLSRegression

    from hsi_lime_plugin import load_model
    from hsi_lime_plugin.features.superbands import resolve_band_groups
    from hsi_lime_plugin.reporting import RecordingReporter

    fields, truth, wavelengths = hyperview_fields()
    means = np.stack([image[:, valid].mean(axis=1) for _, image, valid in fields])
    targets = truth[[index for index, _, _ in fields], 1:]
    pls = PLSRegression(n_components=3).fit(means, (targets - targets.mean(0)) / targets.std(0))
    path = folder / "pls.skops"
    sio.dump(pls, str(path))
    path.with_suffix(".json").write_text(json.dumps({"targets": ["P", "K", "Mg", "pH"],
                                                     "input": {"layout": "mean_spectrum"}}))
    model = load_model(path, "cpu")
    model.match_raster(len(wavelengths), wavelengths)
    features = resolve_band_groups(None, wavelengths, len(wavelengths), True, RecordingReporter()).features
    return model, [(image, valid, None) for _, image, valid in fields], features


def cnn_units(folder: Path):
    """The benchmark CNN on HYPERVIEW field 0 with 48 SLIC superpixels."""
    import torch

    import cnn
    from hsi_lime_plugin import RasterCube, slic_segments

    fields, _, wavelengths = hyperview_fields()
    _, image, valid = fields[0]
    weights = folder / "cnn.pt"
    cnn.make_weights(weights)
    network = cnn.load_model(str(weights), bands=image.shape[0]).eval()
    segments = slic_segments(RasterCube(image, valid, None, None, wavelengths), 48, 0.3)
    return (lambda batch: network(batch)), [(image, valid, segments)], torch


def demo_truth(folder: Path) -> dict:
    """Per baseline: the share of (field, target) whose planted absorption window ranks first (the demo's own
    spectral run, its fields and superbands), and the agreement between the baselines."""
    import geopandas as gpd

    import rasterio.features

    from hsi_lime_plugin import load_model, read_raster
    from hsi_lime_plugin.demo import DEMO_BAND_GROUPS, build_demo
    from hsi_lime_plugin.features.superbands import resolve_band_groups
    from hsi_lime_plugin.reporting import RecordingReporter

    files = build_demo(folder / "demo")
    cube = read_raster(files.raster)
    model = load_model(files.model, "cpu")
    model.match_raster(cube.shape[0], cube.wavelengths)
    superbands = resolve_band_groups(DEMO_BAND_GROUPS, cube.wavelengths, cube.shape[0], True, RecordingReporter())
    fields = gpd.read_file(files.fields)
    units = []
    for geometry in fields.geometry:
        inside = rasterio.features.rasterize([(geometry, 1)], out_shape=cube.valid.shape, transform=cube.transform,
                                             fill=0) > 0
        rows, columns = np.nonzero(inside)
        window = (slice(rows.min(), rows.max() + 1), slice(columns.min(), columns.max() + 1))
        units.append((cube.data[:, window[0], window[1]], (inside & cube.valid)[window], None))
    found = rankings_of(model, units, superbands.features, "spectral", n_samples=256)
    own = np.arange(len(model.target_names))  # target t's planted window is superband t (DEMO_BAND_GROUPS' order)
    for name, values in found["values"].items():
        if not isinstance(values, str):
            first = np.stack([np.asarray(v).argmax(axis=1) for v in values])
            found["table"][name]["planted_window_first"] = float(np.mean(first == own[None]))
    return found


# --- speed ---------------------------------------------------------------------------------------------------
def shap_peer(inputs: Path, model: Path) -> dict:
    """shap's side, in .venv-shap (background_peers.py)."""
    if not SHAP_PYTHON.is_file():
        return {"error": f"{SHAP_PYTHON} is missing: scripts/setup_peers.sh makes it (make bench)"}
    process = subprocess.run([str(SHAP_PYTHON), str(HERE / "background_peers.py"), "--inputs", str(inputs), "--model",
                              str(model)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line[len("BENCH-RESULT "):])
    return {"error": process.stdout[-2000:]}


def speed_against_shap(folder: Path, sizes=(16, 64)) -> dict:
    """Exact background Kernel SHAP against shap's KernelExplainer, the same background and work."""
    import torch

    from hsi_lime_plugin import RecordingReporter, explain, load_model
    from hsi_lime_plugin.perturbation.background import summarise
    from hsi_lime_plugin.perturbation.pixel_maps import explain_pixels
    from hsi_lime_plugin.settings import ExplainSettings, Runtime

    generator = np.random.default_rng(0)
    bands, groups = 64, np.repeat(np.arange(1, 9), 8)
    image = generator.uniform(0.05, 0.6, (bands, 24, 24)).astype(np.float32)
    scene = generator.uniform(0.0, 0.7, (4000, bands)).astype(np.float32)
    results = {}
    for name, layout, hidden in (("per_pixel_mlp", "pixels", 64), ("field_mean_mlp", "mean_spectrum", 64)):
        torch.manual_seed(0)
        network = torch.nn.Sequential(torch.nn.Linear(bands, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 2))
        path = folder / f"{name}.pt"
        torch.jit.save(torch.jit.script(network.eval()), str(path))
        path.with_suffix(".json").write_text(json.dumps({"targets": ["a", "b"], "input": {"layout": layout}}))
        model = load_model(path, "cpu")
        for size in sizes:
            background = summarise(scene, size, seed=0, source="random spectra")
            settings = ExplainSettings(method="kernelshap", n_samples=256, baseline="background",
                                       background_mode="exact", background=background)
            started = time.perf_counter()
            if layout == "pixels":
                ours = explain_pixels(model, image, groups, None, settings, Runtime("cpu"), RecordingReporter())
                values, instances, count = ours.coefficients, image.reshape(bands, -1).T, image.shape[1] * image.shape[2]
                values = values.reshape(2, 8, -1).transpose(2, 0, 1)
            else:
                ours = explain(model, image, groups, kind="spectral", method="kernelshap", n_samples=256,
                               baseline="background", background=background, background_mode="exact", device="cpu")
                values, instances, count = ours.coefficients[None], image.reshape(bands, -1).mean(axis=1)[None], 1
            seconds = (time.perf_counter() - started) / count
            peers = min(len(instances), 16)
            inputs = folder / f"{name}_{size}.npz"
            np.savez(inputs, instances=instances[:peers], background=background.spectra, weights=background.weights,
                     groups=groups)
            theirs = shap_peer(inputs, path)
            results[f"{name}_B{size}"] = _against(seconds, values[:peers], theirs)
    for size in sizes:
        results[f"field_mean_forest_B{size}"] = forest_against_shap(folder, size)
    return results


def forest_against_shap(folder: Path, size: int) -> dict:
    """A field-mean forest: both sides in .venv-shap (a forest saved by Debian 12's scikit-learn 1.2 does not load
    in the newest, which shap 0.51 needs): ours in a child process (``--forest-side``), shap beside it."""
    if not SHAP_PYTHON.is_file():
        return {"error": f"{SHAP_PYTHON} is missing: scripts/setup_peers.sh makes it (make bench)"}
    process = subprocess.run([str(SHAP_PYTHON), str(Path(__file__)), "--forest-side", str(size)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = [line for line in process.stdout.splitlines() if line.startswith("BENCH-RESULT ")]
    if not lines:
        return {"error": process.stdout[-2000:]}
    ours = json.loads(lines[-1][len("BENCH-RESULT "):])
    theirs = shap_peer(Path(ours["inputs"]), Path(ours["model"]))
    result = _against(ours["seconds"], np.asarray(ours["values"]), theirs)
    return {**result, "scikit_learn": ours["scikit_learn"]}


def forest_side(size: int) -> None:
    """In .venv-shap: a forest of the field's mean spectrum (skops, mean_spectrum) and ours on it, printed."""
    import sklearn
    import skops.io as sio
    from sklearn.ensemble import RandomForestClassifier

    from hsi_lime_plugin import explain, load_model
    from hsi_lime_plugin.perturbation.background import summarise

    folder = WORK / "forest_side"
    folder.mkdir(parents=True, exist_ok=True)
    generator = np.random.default_rng(0)
    bands, groups = 64, np.repeat(np.arange(1, 9), 8)
    scene = generator.uniform(0.0, 0.7, (4000, bands)).astype(np.float32)
    labels = np.where(scene[:, 3] + scene[:, 40] > 0.7, "crop", "soil")
    forest = RandomForestClassifier(50, max_depth=8, random_state=0).fit(scene, labels)
    path = folder / "forest.skops"
    sio.dump(forest, str(path))
    path.with_suffix(".json").write_text(json.dumps({"input": {"layout": "mean_spectrum"}}))
    model = load_model(path, "cpu")
    image = generator.uniform(0.05, 0.6, (bands, 24, 24)).astype(np.float32)
    background = summarise(scene, size, seed=0, source="random spectra")
    started = time.perf_counter()
    result = explain(model, image, groups, kind="spectral", method="kernelshap", n_samples=256, baseline="background",
                     background=background, background_mode="exact", device="cpu")
    seconds = time.perf_counter() - started
    inputs = folder / f"forest_{size}.npz"
    np.savez(inputs, instances=image.reshape(bands, -1).mean(axis=1)[None], background=background.spectra,
             weights=background.weights, groups=groups)
    print("BENCH-RESULT " + json.dumps({"seconds": seconds, "values": result.coefficients[None].tolist(),
                                        "inputs": str(inputs), "model": str(path),
                                        "scikit_learn": sklearn.__version__}), flush=True)


def _against(seconds: float, ours: np.ndarray, theirs: dict) -> dict:
    if "error" in theirs:
        return {"ours_seconds_per_instance": seconds, "shap": theirs}
    difference = float(np.abs(np.asarray(theirs["values"]) - ours).max())
    return {"ours_seconds_per_instance": seconds, "shap_seconds_per_instance": theirs["seconds_per_instance"],
            "speedup_vs_shap": theirs["seconds_per_instance"] / seconds, "largest_difference": difference,
            "shap_version": theirs["version"], "shap_rows_per_instance": theirs["rows_per_instance"]}


def sampled_cost(folder: Path, repeats: int = 5) -> dict:
    """The sampled mode's time over a constant baseline's at the same N, and the exact mode's for scale (the
    fastest of ``repeats`` interleaved runs each): explain() with the CNN on HYPERVIEW field 0."""
    from hsi_lime_plugin import explain

    model, units, _ = cnn_units(folder)
    image, valid, segments = units[0]
    modes = {"zero": {"baseline": "zero"}, "sampled": {"baseline": "background", "background_mode": "sampled"},
             "exact": {"baseline": "background", "background_mode": "exact"}}
    times: dict = {name: [] for name in modes}
    for _ in range(repeats):
        for name, options in modes.items():
            started = time.perf_counter()
            explain(model, image, segments, valid=valid, n_samples=256, batch_size=32, device="cpu", **options)
            times[name].append(time.perf_counter() - started)
    fastest = {name: min(values) for name, values in times.items()}
    return {**{f"{name}_seconds": value for name, value in fastest.items()},
            "sampled_over_constant": fastest["sampled"] / fastest["zero"],
            "exact_over_constant": fastest["exact"] / fastest["zero"]}


def kmeans_time(folder: Path, size: int = 1000, bands: int = 224) -> dict:
    """Sampling a 1000 x 1000 x 224 scene's pixels through windowed reads and summarising them into 32 spectra."""
    import rasterio
    from rasterio.transform import from_origin

    from hsi_lime_plugin.inputs.background import sample_spectra
    from hsi_lime_plugin.options import BACKGROUND_SAMPLE
    from hsi_lime_plugin.perturbation.background import summarise

    path = folder / "scene_1000.tif"
    if not path.is_file():
        generator = np.random.default_rng(0)
        with rasterio.open(path, "w", driver="GTiff", width=size, height=size, count=bands, dtype="int16",
                           crs="EPSG:32633", transform=from_origin(0, 0, 30, 30), tiled=True, interleave="pixel",
                           nodata=-32768) as dataset:
            for row in range(0, size, 100):
                dataset.write(generator.integers(500, 4000, (bands, 100, size), dtype=np.int16),
                              window=rasterio.windows.Window(0, row, size, 100))
    started = time.perf_counter()
    spectra, eligible = sample_spectra(str(path), BACKGROUND_SAMPLE, seed=0)
    sampled = time.perf_counter() - started
    summary = summarise(spectra, 32, seed=0, n_spectra=eligible)
    return {"scene": f"{bands} x {size} x {size}", "pixels_read": int(eligible), "spectra_clustered": len(spectra),
            "sample_seconds": sampled,
            "kmeans_seconds": time.perf_counter() - started - sampled, "total_seconds": time.perf_counter() - started,
            "summary": summary.describe()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="rankings,speed")
    parser.add_argument("--forest-side", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(2)
    if args.forest_side:
        forest_side(args.forest_side)
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    # The parts run now replace their entries; a part not run keeps the figures of its last run.
    results: dict = {**(json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}), "goals": GOALS}
    parts = args.parts.split(",")
    if "rankings" in parts:
        results["rankings"] = rankings(WORK) if SHARED.is_dir() else {"skipped": f"{SHARED} is absent"}
    if "speed" in parts:
        results["shap"] = speed_against_shap(WORK)
        results["sampled"] = sampled_cost(WORK) if SHARED.is_dir() else {"skipped": f"{SHARED} is absent"}
        results["kmeans"] = kmeans_time(WORK)
    RESULTS.write_text(json.dumps(results, indent=1))
    print(json.dumps({key: value for key, value in results.items()}, indent=1)[:20000])
    return 0


def rankings(folder: Path) -> dict:
    """The ranking part: the forest, the PLS fields, the CNN and the demo."""
    found = {}
    model, units, features, about = forest_units(folder)
    found["forest"] = {**rankings_of(model, units, features, "spectral"), **about}
    model, units, features = pls_units(folder)
    found["hyperview_pls"] = rankings_of(model, units, features, "spectral")
    model, units, _ = cnn_units(folder)
    found["cnn_spatial"] = rankings_of(model, units, None, "spatial", method="lime", n_samples=512)
    found["demo"] = demo_truth(folder)
    for entry in found.values():
        entry.pop("values", None)
    return found


if __name__ == "__main__":
    sys.exit(main())
