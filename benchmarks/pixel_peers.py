"""The peers of benchmarks/pixel_maps.py, run in .venv-peers: shap's KernelExplainer and captum's Lime, per pixel.

Each explains superband attributions of single pixels, one pixel per call (what these libraries do): the
coalition game of a pixel is ``g(z) = f(x * keep(z))`` (baseline 0 in model units; ``keep`` maps the
superband coalition z to the bands, bands in no superband always kept), f the same TorchScript network
or the same skops forest hsi-lime explains. Prints one JSON object: seconds per pixel, model evaluations
per pixel and the attributions of the pixels explained.

    .venv-peers/bin/python benchmarks/pixel_peers.py --lib shap --spectra s.npy --groups g.npy --model m.pt
"""
from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np


def load_model(path: str):
    """``spectra (M, C) float32 -> (M, T) float64``: a TorchScript network, or a forest saved with skops."""
    if path.endswith(".skops"):
        import skops.io as sio

        forest = sio.load(path, trusted=sio.get_untrusted_types(file=path))
        return lambda spectra: np.asarray(forest.predict(spectra.astype(np.float32)), dtype=np.float64).reshape(
            len(spectra), -1)
    import torch

    network = torch.jit.load(path).eval()

    def run(spectra):
        with torch.inference_mode():
            return network(torch.from_numpy(np.ascontiguousarray(spectra, dtype=np.float32))).double().numpy()

    return run


def with_shap(model, spectra, groups, n_features, n_samples):
    import shap

    values, calls = [], 0
    for x in spectra:
        def game(z, x=x):
            nonlocal calls
            calls += len(z)
            keep = np.concatenate([np.ones((len(z), 1)), z], axis=1)[:, groups]
            return model(x[None] * keep)

        explainer = shap.KernelExplainer(game, np.zeros((1, n_features)))
        result = explainer.shap_values(np.ones((1, n_features)), nsamples=n_samples, silent=True)
        result = np.asarray(result)
        values.append(result.reshape(-1, n_features) if result.ndim == 2 else np.moveaxis(result, -1, 0).reshape(
            -1, n_features))
    return np.stack(values), calls


def with_captum(model, spectra, groups, n_features, n_samples):
    """captum's Lime with its defaults (cosine kernel, its linear surrogate), one target per pass."""
    import torch
    from captum.attr import Lime

    calls = 0

    def forward(batch):
        nonlocal calls
        calls += len(batch)
        return torch.from_numpy(model(batch.numpy()))

    lime = Lime(forward)
    mask = torch.as_tensor(groups)[None]  # group 0 (bands in no superband) is one more feature here
    values = []
    n_targets = model(spectra[:1]).shape[1]
    for x in spectra:
        rows = [lime.attribute(torch.as_tensor(x)[None], target=t, feature_mask=mask, n_samples=n_samples,
                               baselines=0.0, perturbations_per_eval=n_samples, return_input_shape=False)[0, 1:]
                for t in range(n_targets)]
        values.append(torch.stack(rows).numpy())
    return np.stack(values), calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lib", choices=("shap", "captum"), required=True)
    parser.add_argument("--spectra", required=True, help=".npy (P, C) float32 pixel spectra in model units")
    parser.add_argument("--groups", required=True, help=".npy (C,) superband of each band, 0: none")
    parser.add_argument("--model", required=True)
    parser.add_argument("--n-samples", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore")
    spectra, groups = np.load(args.spectra), np.load(args.groups).astype(np.int64)
    model, n_features = load_model(args.model), int(groups.max())
    explain = with_shap if args.lib == "shap" else with_captum
    explain(model, spectra[:1], groups, n_features, args.n_samples)  # warm-up (imports, first shapes)
    started, cpu = time.perf_counter(), time.process_time()
    values, calls = explain(model, spectra, groups, n_features, args.n_samples)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"lib": args.lib, "pixels": len(spectra), "seconds_per_pixel": seconds / len(spectra),
                      "cpu_seconds_per_pixel": cpu / len(spectra), "calls_per_pixel": calls / len(spectra),
                      "values": values.tolist()}))


if __name__ == "__main__":
    main()
