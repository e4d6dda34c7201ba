"""The peer of benchmarks/baselines.py's speed part, run in .venv-shap: shap's KernelExplainer with a background.

shap's KernelExplainer replaces a missing feature by the values of every background row (weighted) and
enumerates every coalition when ``nsamples`` covers them: the interventional Shapley values hsi-lime's exact
background mode computes. Its legacy ``DenseData`` takes the feature groups (superbands) and the rows'
weights. One instance per call, as shap explains: a pixel's spectrum (per-pixel model), or a field's mean
spectrum (field-mean model). Prints one ``BENCH-RESULT {json}`` line: seconds per instance, model rows
evaluated per instance, and the attributions (instances, T, K).

    .venv-shap/bin/python benchmarks/background_peers.py --inputs inputs.npz --model mlp.pt
"""
from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np


def load_model(path: str):
    """``spectra (M, C) -> (M, T) float64``: a TorchScript network, or a scikit-learn estimator saved with skops
    (its ``predict_proba`` for a classifier)."""
    if path.endswith(".skops"):
        import skops.io as sio

        estimator = sio.load(path, trusted=sio.get_untrusted_types(file=path))
        predict = getattr(estimator, "predict_proba", estimator.predict)
        return lambda spectra: np.asarray(predict(spectra.astype(np.float32)), dtype=np.float64).reshape(
            len(spectra), -1)
    import torch

    torch.set_num_threads(2)
    network = torch.jit.load(path).eval()

    def run(spectra):
        with torch.inference_mode():
            return network(torch.from_numpy(np.ascontiguousarray(spectra, dtype=np.float32))).double().numpy()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inputs", required=True, help="npz: instances (N, C), background (B, C), weights (B,), "
                                                        "groups (C,) superband of each band (1..K)")
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import shap
    from shap.utils._legacy import DenseData

    with np.load(args.inputs) as data:
        instances, background, weights, groups = (data[name] for name in ("instances", "background", "weights",
                                                                          "groups"))
    model = load_model(args.model)
    calls = 0

    def counted(spectra):
        nonlocal calls
        calls += len(spectra)
        return model(spectra)

    members = [np.flatnonzero(groups == g) for g in range(1, int(groups.max()) + 1)]
    data = DenseData(background.astype(np.float64), [f"g{k}" for k in range(len(members))], members, weights.copy())
    explainer = shap.KernelExplainer(counted, data)
    calls, values, started = 0, [], time.perf_counter()
    for x in instances:
        result = np.asarray(explainer.shap_values(x.astype(np.float64)[None], nsamples=2 ** len(members) + 2,
                                                  l1_reg=False, silent=True))
        values.append(result[:, 0, :] if result.ndim == 3 and result.shape[0] != 1 else result[0].T)
    seconds = time.perf_counter() - started
    print("BENCH-RESULT " + json.dumps({
        "lib": "shap", "version": shap.__version__, "instances": len(instances),
        "seconds_per_instance": seconds / len(instances), "rows_per_instance": calls / len(instances),
        "values": np.stack(values).tolist(),
    }), flush=True)


if __name__ == "__main__":
    main()
