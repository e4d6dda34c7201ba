"""The peers' side of the benchmark: meteors 0.2.0 and captum 0.9.0 ``Lime``.

Run by benchmarks/run.py with ``.venv-peers/bin/python`` (the plugin's venv never
imports the peers). One invocation = one library and one kind of explanation: a warm-up
call at the timed batch shape, then ``--repeats`` timed runs, each explaining every
target with one call per target (the peers explain one target per pass). Prints one
``BENCH-RESULT {json}`` line: the wall time of each run and the attributions (T, K) of the
last run.

Configuration, identical to hsi-lime's side: the same image, segment mask / band groups,
model weights, number of samples, batch size (``perturbations_per_eval``), baseline 0,
kernel (hsi-lime's ``exp(-d^2 / 2)`` on the cosine distance in the binary space, passed as
``similarity_func``; ``--kernel default`` keeps the peer's own full-image cosine kernel)
and surrogate (weighted ridge, alpha 1, scikit-learn ``Ridge``; ``--surrogate default``
keeps the peer's own Lasso).
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import cnn  # noqa: E402
from common import binary_cosine_kernel, emit, environment, load_inputs, set_threads, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lib", choices=("meteors", "captum"), required=True)
    parser.add_argument("--kind", choices=("spatial", "spectral"), required=True)
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--n-samples", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--max-seconds", type=float, default=None,
        help="start another timed run only while the runs so far plus one more fit in this many seconds",
    )
    parser.add_argument("--warmup-samples", type=int, default=None, help="default: 2 batches")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kernel", choices=("binary", "default"), default="binary")
    parser.add_argument("--surrogate", choices=("ridge", "default"), default="ridge")
    args = parser.parse_args()

    set_threads()
    warnings.filterwarnings("ignore")
    inputs = load_inputs(args.inputs)
    model = cnn.load_model(args.weights, bands=inputs["image"].shape[0])
    with torch.no_grad():
        n_targets = model(torch.as_tensor(inputs["image"][None])).shape[1]
    explain_one = _meteors(model, inputs, args) if args.lib == "meteors" else _captum(model, inputs, args)

    warmup = args.warmup_samples or 2 * args.batch_size
    if warmup > 0:
        torch.manual_seed(args.seed + 10_000)
        explain_one(0, warmup)

    target_times = []

    def run(index: int):
        coefficients = []
        for target in range(n_targets):
            torch.manual_seed(args.seed + 1000 * index + target)
            started = _now()
            coefficients.append(explain_one(target, args.n_samples))
            target_times.append(_now() - started)
        return np.stack(coefficients)

    times, cpu_times, coefficients = [], [], None
    for index in range(args.repeats):
        if times and args.max_seconds is not None and sum(times) + times[-1] > args.max_seconds:
            break
        wall, cpu, coefficients = timed(lambda _run: run(index), 1)
        times += wall
        cpu_times += cpu
    emit(
        {
            "lib": args.lib,
            "version": _version(args.lib),
            "kind": args.kind,
            "n_samples": args.n_samples,
            "batch_size": args.batch_size,
            "n_targets": n_targets,
            "n_features": int(coefficients.shape[1]),
            "warmup_samples": warmup,
            "times": times,
            "cpu_times": cpu_times,
            "repeats_asked": args.repeats,
            "max_seconds": args.max_seconds,
            "target_times": target_times,
            "coefficients": coefficients.tolist(),
            "kernel": _kernel_text(args),
            "surrogate": _surrogate_text(args),
            "environment": environment(),
        }
    )


def _features(inputs, kind):
    """0-based feature labels (the peers number features 0..K-1)."""
    return (inputs["segments"] if kind == "spatial" else inputs["bands"]).astype(np.int64) - 1


def _similarity(args):
    return binary_cosine_kernel() if args.kernel == "binary" else None


def _meteors(model, inputs, args):
    from loguru import logger

    logger.remove()  # meteors logs every call at DEBUG level to stderr
    import meteors
    from meteors.models import SkLearnRidge

    image = torch.as_tensor(inputs["image"])
    hsi = meteors.HSI(image=image, wavelengths=inputs["wavelengths"].tolist(), orientation=("C", "H", "W"))
    explainable = meteors.models.ExplainableModel(model, problem_type="regression")
    lime_kwargs = {"similarity_func": _similarity(args)}
    if args.surrogate == "ridge":
        lime_kwargs["interpretable_model"] = SkLearnRidge(alpha=1.0)
    lime = meteors.attr.Lime(explainable, **lime_kwargs)
    labels = _features(inputs, args.kind)
    mask = torch.as_tensor(labels)
    # one pixel (spatial) or one band (spectral) of each feature, to read its coefficient
    first = [np.argwhere(labels == k)[0] for k in range(labels.max() + 1)]

    def explain_one(target: int, n_samples: int) -> np.ndarray:
        if args.kind == "spatial":
            result = lime.get_spatial_attributes(
                hsi, segmentation_mask=mask, target=target, n_samples=n_samples,
                perturbations_per_eval=args.batch_size,
            )
            attributes = result.attributes.cpu().numpy()
            return np.array([attributes[0, row, col] for row, col in first])
        result = lime.get_spectral_attributes(
            hsi, band_mask=mask, target=target, n_samples=n_samples, perturbations_per_eval=args.batch_size
        )
        attributes = result.attributes.cpu().numpy()
        return np.array([attributes[band[0], 0, 0] for band in first])

    return explain_one


def _captum(model, inputs, args):
    from captum._utils.models.linear_model import SkLearnRidge
    from captum.attr import Lime

    lime_kwargs = {"similarity_func": _similarity(args)}
    if args.surrogate == "ridge":
        lime_kwargs["interpretable_model"] = SkLearnRidge(alpha=1.0)
    lime = Lime(model, **lime_kwargs)
    image = torch.as_tensor(inputs["image"])[None]
    labels = torch.as_tensor(_features(inputs, args.kind))
    mask = labels[None, None] if args.kind == "spatial" else labels[None, :, None, None]

    def explain_one(target: int, n_samples: int) -> np.ndarray:
        coefficients = lime.attribute(
            image, baselines=0.0, target=target, feature_mask=mask, n_samples=n_samples,
            perturbations_per_eval=args.batch_size, return_input_shape=False,
        )
        return coefficients.reshape(-1).cpu().numpy()

    return explain_one


def _kernel_text(args) -> str:
    if args.kernel == "binary":
        return ("hsi-lime's kernel passed as similarity_func: exp(-d^2/(2*1.0^2)), d = cosine distance of the binary "
                "sample to all-ones")
    return f"{args.lib} default: exp(-d^2/(2*1.0^2)), d = cosine distance between the flattened original and perturbed images"


def _surrogate_text(args) -> str:
    if args.surrogate == "ridge":
        return "SkLearnRidge(alpha=1.0) (sklearn Ridge with sample_weight)"
    return "meteors default SkLearnLasso(alpha=0.08)" if args.lib == "meteors" else "captum default SkLearnLasso(alpha=0.01)"


def _version(lib: str) -> str:
    from importlib.metadata import version

    return version(lib)


def _now() -> float:
    import time

    return time.perf_counter()


if __name__ == "__main__":
    main()
