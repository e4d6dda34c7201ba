"""Helpers shared by every side of the benchmark (plugin venv and peers venv alike).

Only torch, numpy and the standard library: this module is imported by
``benchmarks/ours.py`` (.venv) and ``benchmarks/peers.py`` (.venv-peers).
"""
from __future__ import annotations

import json
import math
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch

#: torch threads on every side (the machine has 2 cores).
THREADS = 2
#: Width of the LIME kernel on every side (hsi-lime's default).
KERNEL_WIDTH = 1.0


def set_threads() -> None:
    torch.set_num_threads(THREADS)


def load_inputs(path: str) -> dict:
    """The shared inputs written by run.py: image (C, H, W) float32 in model units,
    segments (H, W) int64 labels 1..K, bands (C,) int64 labels 1..S."""
    with np.load(path) as data:
        return {name: data[name] for name in data.files}


def binary_cosine_kernel(kernel_width: float = KERNEL_WIDTH):
    """hsi-lime's LIME kernel as a captum / meteors ``similarity_func``.

    ``exp(-d^2 / (2 w^2))`` with ``d`` the cosine distance between the binary sample
    and the all-ones sample, ``d = 1 - sqrt(|z| / K)``: the formula of
    ``hsi_lime_plugin.perturbation.sampling.lime_weights``, evaluated on the interpretable sample
    the peers hand to the similarity function (third argument).
    """

    def similarity(original_inp, perturbed_inp, interpretable_sample, **kwargs):
        z = interpretable_sample
        kept = float(z.sum())
        n_features = z.numel()
        cosine = math.sqrt(kept / n_features) if kept > 0 else 0.0
        return math.exp(-((1.0 - cosine) ** 2) / (2.0 * kernel_width**2))

    return similarity


def timed(function, repeats: int) -> tuple[list[float], list[float], object]:
    """Wall times and CPU times (all threads of this process) of ``repeats`` calls of
    ``function(run)``, and the last result. CPU time is a second view of the work done,
    less sensitive than wall time to other processes competing for the cores."""
    times, cpu_times, result = [], [], None
    for run in range(repeats):
        cpu = time.process_time()
        started = time.perf_counter()
        result = function(run)
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu)
    return times, cpu_times, result


def median(values):
    return statistics.median(values) if values else None


def rss_bytes() -> int:
    """Current resident set size of this process."""
    return _status_field("VmRSS")


def peak_rss_bytes() -> int:
    """Peak resident set size (VmHWM, which :func:`reset_peak_rss` can reset), else ru_maxrss."""
    try:
        return _status_field("VmHWM")
    except (OSError, KeyError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False when not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _status_field(name: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(name)


def emit(result: dict) -> None:
    """Print the result as one JSON line, prefixed so run.py finds it among other output.

    Adds the load average (1, 5, 15 minutes) at the end of the measurement.
    """
    result = dict(result, load_average=list(os.getloadavg()))
    sys.stdout.write("BENCH-RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()


def environment() -> dict:
    return {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "numpy": np.__version__,
        "threads": torch.get_num_threads(),
        "pid": os.getpid(),
    }
