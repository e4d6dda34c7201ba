"""How far the attributions of each sampling scheme are from the converged ones, as a function of N.

For every problem, method and scheme, ``explain`` runs ``--repeats`` times (different
seeds) at each N in 64..2048; the error of one run is
``|coefficients - reference| / |reference|`` over all targets and features (Frobenius
norms), and the table reports its root mean square over the repeats. The reference is
the mean of one N = 16384 run per scheme (every scheme estimates the same quantity), so
its own error is about half that of a single 16384-sample run; the table gives the
spread of those runs.

"samples vs bernoulli" is how many samples the scheme needs for the error independent
coin flips reach at N, as a fraction of N (log-log interpolation of the bernoulli curve;
the issue's goal is at most 2/3). Its geometric mean over N chooses
``hsi_lime_plugin.perturbation.sampling.DEFAULT_SAMPLING``.

Problems (kept small so the whole run takes a few minutes on 2 CPU cores; sampling error
depends on how the model responds to coalitions, not on the image size):

* ``spatial_cnn``: the HYPERVIEW field ``../shared/data/hyperview/0.npz`` (a synthetic
  cube of its shape when absent), resized to 32 x 32 pixels, its 150 bands averaged in
  groups of 5, 64 SLIC segments, the benchmark's small CNN (``cnn.py``, 4 outputs, fixed
  seed) for 30 bands: LIME, W1's setting at a smaller scale.
* ``nonlinear``: the same image on a 4 x 6 grid of 24 segments, and a model of the segment
  means with a product, a maximum, a saturating threshold and pairwise interactions:
  LIME and Kernel SHAP.

Writes ``benchmarks/sampling_error.json`` and prints the table.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from affine import Affine  # noqa: E402

import cnn  # noqa: E402
from hsi_lime_plugin import RasterCube, explain  # noqa: E402
from hsi_lime_plugin.perturbation.sampling import LIME_SAMPLINGS, SHAPLEY_SAMPLINGS  # noqa: E402
from hsi_lime_plugin.features.segments import slic_segments  # noqa: E402

N_VALUES = (64, 128, 256, 512, 1024, 2048)
REFERENCE_N = 16384
BATCH_SIZE = 64
SIZE = 32
BAND_GROUP = 5
HYPERVIEW = os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared", "data", "hyperview", "0.npz")


def load_image() -> tuple[np.ndarray, np.ndarray, str]:
    """(30, 32, 32) float32 reflectance-like image, its valid mask, and where it came from."""
    if os.path.isfile(HYPERVIEW):
        with np.load(HYPERVIEW) as field:
            data = field["data"].astype(np.float32)
            invalid = field["mask"].all(axis=0)
        source = HYPERVIEW
    else:
        generator = np.random.default_rng(0)
        data = generator.uniform(200, 4000, size=(150, 72, 89)).astype(np.float32)
        invalid = np.zeros((72, 89), bool)
        source = "synthetic (150, 72, 89)"
    image = torch.as_tensor(np.where(invalid, 0.0, data) / 10000.0)[None]
    image = F.adaptive_avg_pool3d(image, (data.shape[0] // BAND_GROUP, SIZE, SIZE))[0]
    valid = F.adaptive_avg_pool2d(torch.as_tensor(~invalid, dtype=torch.float32)[None], (SIZE, SIZE))[0] > 0.5
    return image.numpy(), valid.numpy(), source


class SegmentMeanModel(torch.nn.Module):
    """Four nonlinear functions of the band-averaged mean of each segment (labels 1..S)."""

    def __init__(self, labels: np.ndarray):
        super().__init__()
        one_hot = F.one_hot(torch.as_tensor(labels) - 1).to(torch.float32)
        self.register_buffer("averaging", one_hot / one_hot.sum(dim=(0, 1)))
        generator = torch.Generator().manual_seed(5)
        count = one_hot.shape[-1]
        self.register_buffer("scales", torch.rand(count, generator=generator) + 0.5)
        self.register_buffer("slopes", torch.randn(count, generator=generator))

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        means = torch.einsum("bhw,hws->bs", batch.mean(dim=1), self.averaging) * 10.0
        product = means[:, 0] * means[:, 5] * means[:, 10]
        maximum = (means * self.scales).max(dim=1).values
        threshold = torch.sigmoid(4.0 * (means @ self.slopes - 0.5 * self.slopes.sum()))
        pairs = (means[:, :-1] * means[:, 1:]).sum(dim=1) / means.shape[1]
        return torch.stack([product, maximum, threshold, pairs], dim=1)


def grid_labels(rows: int, cols: int) -> np.ndarray:
    r = np.minimum(np.arange(SIZE) * rows // SIZE, rows - 1)
    c = np.minimum(np.arange(SIZE) * cols // SIZE, cols - 1)
    return (r[:, None] * cols + c[None, :] + 1).astype(np.int64)


def problems(image: np.ndarray, valid: np.ndarray) -> list[dict]:
    cube = RasterCube(data=image, valid=valid, transform=Affine.identity(), crs=None, wavelengths=None)
    segments = slic_segments(cube, n_segments=64, compactness=0.3)
    torch.manual_seed(cnn.SEED)
    network = cnn.SmallCNN(bands=image.shape[0], outputs=4).eval()
    grid = grid_labels(4, 6)
    return [
        dict(name="spatial_cnn", model=network, features=segments, valid=valid, methods=("lime", "kernelshap")),
        dict(name="nonlinear", model=SegmentMeanModel(grid), features=grid, valid=None, methods=("lime", "kernelshap")),
    ]


def run(problem: dict, image: np.ndarray, method: str, sampling: str, n_samples: int, seed: int) -> np.ndarray:
    result = explain(
        problem["model"], image, problem["features"], valid=problem["valid"], method=method, sampling=sampling,
        n_samples=n_samples, batch_size=BATCH_SIZE, device="cpu", seed=seed,
    )
    return result.coefficients


def rms_error(problem, image, method, sampling, n_samples, repeats, reference) -> float:
    """Root mean square over seeds of |coefficients - reference| / |reference|."""
    squared = [
        (np.linalg.norm(run(problem, image, method, sampling, n_samples, seed) - reference) / np.linalg.norm(reference))
        ** 2
        for seed in range(repeats)
    ]
    return float(np.sqrt(np.mean(squared)))


def samples_vs_bernoulli(errors: list[float], bernoulli: list[float]) -> list[float]:
    """For each N, the N at which bernoulli reaches the scheme's error, as a fraction: N / that N.

    The bernoulli curve is interpolated linearly in log N - log error; beyond its ends it
    is extended with the slope of its last (or first) two points.
    """
    log_n = np.log(np.asarray(N_VALUES, dtype=float))
    log_b = np.log(np.asarray(bernoulli))
    fractions = []
    for n, error in zip(N_VALUES, errors):
        target = math.log(error)
        # bernoulli errors decrease with N: find the segment of log_b that brackets target
        index = int(np.clip(np.searchsorted(-log_b, -target), 1, len(log_b) - 1))
        slope = (log_n[index] - log_n[index - 1]) / (log_b[index] - log_b[index - 1])
        equivalent = math.exp(log_n[index - 1] + slope * (target - log_b[index - 1]))
        fractions.append(n / equivalent)
    return fractions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=8, help="seeds per scheme and N (default 8)")
    parser.add_argument("--output", default=os.path.join(HERE, "sampling_error.json"))
    args = parser.parse_args()
    torch.set_num_threads(2)
    # the smallest N are below Kernel SHAP's advice of 4 K samples on purpose: that is what the table shows
    warnings.filterwarnings("ignore", message="N_SAMPLES: Kernel SHAP")
    started = time.perf_counter()
    image, valid, source = load_image()
    report = dict(
        image=source, image_shape=list(image.shape), n_values=list(N_VALUES), reference_n=REFERENCE_N,
        repeats=args.repeats, batch_size=BATCH_SIZE, results=[],
    )
    for problem in problems(image, valid):
        for method in problem["methods"]:
            schemes = LIME_SAMPLINGS if method == "lime" else SHAPLEY_SAMPLINGS
            references = [run(problem, image, method, scheme, REFERENCE_N, seed=10_000) for scheme in schemes]
            reference = np.mean(references, axis=0)
            scale = np.linalg.norm(reference)
            spread = float(np.sqrt(np.mean([np.linalg.norm(r - reference) ** 2 for r in references])) / scale)
            entry = dict(
                problem=problem["name"], method=method, n_features=int(reference.shape[1]),
                reference_spread=spread, errors={},
            )
            for scheme in schemes:
                entry["errors"][scheme] = [
                    rms_error(problem, image, method, scheme, n, args.repeats, reference) for n in N_VALUES
                ]
            entry["samples_vs_bernoulli"] = {
                scheme: samples_vs_bernoulli(errors, entry["errors"]["bernoulli"])
                for scheme, errors in entry["errors"].items()
            }
            entry["mean_samples_vs_bernoulli"] = {
                scheme: float(np.exp(np.mean(np.log(fractions))))
                for scheme, fractions in entry["samples_vs_bernoulli"].items()
            }
            report["results"].append(entry)
            print_entry(entry)
    report["seconds"] = time.perf_counter() - started
    with open(args.output, "w") as handle:
        json.dump(report, handle, indent=2)
    print(f"\nwrote {args.output} in {report['seconds']:.0f} s (image: {source})")


def print_entry(entry: dict) -> None:
    print(
        f"\n{entry['problem']} / {entry['method']}: K = {entry['n_features']} features, relative error against "
        f"the N = {REFERENCE_N} reference (reference spread {entry['reference_spread']:.4f})"
    )
    header = f"{'sampling':<11}" + "".join(f"{'N=' + str(n):>9}" for n in N_VALUES) + "   samples vs bernoulli"
    print(header)
    for scheme, errors in entry["errors"].items():
        fractions = entry["samples_vs_bernoulli"][scheme]
        print(
            f"{scheme:<11}" + "".join(f"{e:9.4f}" for e in errors)
            + f"   {entry['mean_samples_vs_bernoulli'][scheme]:.2f} (" + " ".join(f"{f:.2f}" for f in fractions) + ")"
        )
    sys.stdout.flush()  # one block per problem as it finishes, also when the output is a pipe


if __name__ == "__main__":
    main()
