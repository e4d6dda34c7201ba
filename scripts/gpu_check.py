"""`make gpu-check`: the CUDA tests and a CUDA speed figure, into build/gpu-check.json.

Runs on a machine with a GPU but possibly without QGIS, rasterio, pytest-qgis or even
pytest: with pytest it runs the tests marked ``cuda`` (tests/test_cuda.py) and the
installer's CUDA detection test; without pytest it calls tests/test_cuda.py's test
functions itself. Then it times one explanation (121 bands, 96 x 128 pixels, 48
segments, 500 samples, 4 targets) on CUDA and on the CPU.
"""
from __future__ import annotations

import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "build" / "gpu-check.json"
sys.path[:0] = [str(REPO), str(REPO / "tests")]


def run_tests() -> dict:
    if importlib.util.find_spec("pytest") is not None:
        report = REPO / "build" / "gpu-check-junit.xml"
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "-m", "cuda", "-v", "-p", "no:cacheprovider", f"--junitxml={report}",
             "tests/test_cuda.py", "tests/test_dependencies.py::test_real_cuda_detection_agrees_with_torch",
             "-o", "addopts=-ra"],
            cwd=REPO, capture_output=True, text=True,
        )
        print(completed.stdout[-6000:], completed.stderr[-3000:])
        tail = [line for line in completed.stdout.splitlines() if line.strip()][-1:] or [""]
        return {"runner": "pytest", "returncode": completed.returncode, "summary": tail[0]}
    # no pytest on this machine: a stand-in for the few features test_cuda.py uses
    import types

    class Skip(Exception):
        pass

    def importorskip(name, *a, **k):
        try:
            return __import__(name)
        except ImportError as error:
            raise Skip(str(error))

    mark = types.SimpleNamespace(cuda=None, skipif=lambda *a, **k: None,
                                 parametrize=lambda name, values: (lambda f: (setattr(f, "params", values), f)[1]))
    stub = types.SimpleNamespace(importorskip=importorskip, mark=mark, fixture=lambda **k: (lambda f: f),
                                 skip=lambda reason: (_ for _ in ()).throw(Skip(reason)))
    sys.modules["pytest"] = stub
    import tempfile

    import test_cuda

    outcomes = {}
    if not test_cuda.torch.cuda.is_available():
        return {"runner": "built-in (no pytest)", "returncode": 0, "outcomes": {"all": "skipped: no CUDA GPU"}}
    problem = test_cuda.problem()
    for name in [n for n in dir(test_cuda) if n.startswith("test_")]:
        function = getattr(test_cuda, name)
        for param in getattr(function, "params", [None]):
            label = name if param is None else f"{name}[{param}]"
            arguments = {"problem": problem}
            if "tmp_path" in function.__code__.co_varnames:
                arguments["tmp_path"] = Path(tempfile.mkdtemp())
            if param is not None:
                arguments["method"] = param
            try:
                function(**{k: v for k, v in arguments.items() if k in function.__code__.co_varnames})
                outcomes[label] = "passed"
            except Skip as reason:
                outcomes[label] = f"skipped: {reason}"
            except Exception as error:  # noqa: BLE001 (reported, not raised)
                outcomes[label] = f"FAILED: {type(error).__name__}: {error}"
            print(label, outcomes[label])
    failed = sum(v.startswith("FAILED") for v in outcomes.values())
    return {"runner": "built-in (no pytest)", "returncode": int(failed > 0), "outcomes": outcomes}


def speed() -> dict:
    import numpy as np
    import torch

    from hsi_lime_plugin import explain

    if not torch.cuda.is_available():
        return {"skipped": "torch sees no CUDA GPU"}
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(121, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.Conv2d(32, 32, 3, padding=1),
        torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(32, 4),
    ).eval()
    image = np.random.default_rng(0).uniform(0, 1, size=(121, 96, 128)).astype(np.float32)
    rows = np.minimum(np.arange(96) * 6 // 96, 5)
    cols = np.minimum(np.arange(128) * 8 // 128, 7)
    labels = (rows[:, None] * 8 + cols[None, :] + 1).astype(np.int64)
    figures = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__, "workload":
               "121 bands, 96x128, 48 segments, 500 samples, 4 targets, LIME"}
    for device, autocast in (("cuda", False), ("cuda", True), ("cpu", False)):
        times = []
        for _ in range(3 if device == "cuda" else 1):
            started = time.perf_counter()
            explain(model, image, labels, n_samples=500, device=device, seed=0, autocast=autocast)
            if device == "cuda":
                torch.cuda.synchronize()
            times.append(time.perf_counter() - started)
        figures[f"{device}{'_autocast' if autocast else ''}_s"] = round(statistics.median(times), 3)
    return figures


def main() -> int:
    os.chdir(REPO)
    results = {"python": sys.version.split()[0], "platform": platform.platform(), "tests": run_tests()}
    try:
        results["speed"] = speed()
    except Exception as error:  # noqa: BLE001
        results["speed"] = {"error": f"{type(error).__name__}: {error}"}
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print(f"written to {OUTPUT}")
    return results["tests"]["returncode"]


if __name__ == "__main__":
    sys.exit(main())
