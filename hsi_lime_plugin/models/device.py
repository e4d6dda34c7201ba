"""Choose the torch device and the batch size.

``device="auto"`` means CUDA when torch sees a GPU, else the CPU. Asking for CUDA on a
machine without it is an error, never a silent fallback: a user who asked for the GPU
must know they did not get it.
"""
from __future__ import annotations

import contextlib
import threading

import torch

from ..errors import HsiLimeError, arg
from ..options import DEVICES

#: Memory (bytes) a CPU run may spend on one batch of perturbed images and the model's
#: activations. 1 GiB keeps a run far from the limits of an ordinary laptop.
CPU_BATCH_BUDGET = 1 << 30
#: Fraction of the free GPU memory a batch may take (the rest is for the model).
CUDA_BATCH_FRACTION = 0.5
#: Factor from the bytes of one model input to the bytes its forward pass needs
#: (activations); a deliberately cautious rule of thumb.
ACTIVATION_FACTOR = 4
#: The largest batch of perturbed images.
MAX_BATCH_SIZE = 64
#: The largest batch when each perturbed image is one spectrum (a region's mean): a model of spectra, a forest
#: above all, pays per call, and thousands of spectra are still a few MB.
MAX_SPECTRUM_BATCH = 4096


def resolve_device(device: str | torch.device = "auto") -> tuple[torch.device, str]:
    """Return the torch device to run on and a sentence saying why it was chosen.

    Parameters
    ----------
    device : {"auto", "cpu", "cuda"} or torch.device
    """
    if isinstance(device, torch.device):
        device = str(device)
    name = str(device).lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda"), f"device auto: CUDA is available, using {torch.cuda.get_device_name(0)}"
        return torch.device("cpu"), "device auto: CUDA is not available, using the CPU"
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise HsiLimeError(
                f"{arg('device')}: CUDA was requested but torch sees no CUDA GPU on this machine "
                f"(torch {torch.__version__}); choose 'auto' or 'cpu'."
            )
        return torch.device(name), f"device {name}: as requested ({torch.cuda.get_device_name(torch.device(name))})"
    if name == "cpu":
        return torch.device("cpu"), "device cpu: as requested"
    raise HsiLimeError(f"{arg('device')}: unknown device '{device}'; choose one of {', '.join(DEVICES)}.")


def choose_batch_size(bytes_per_sample: int, n_samples: int, device: torch.device,
                      largest: int = MAX_BATCH_SIZE) -> int:
    """Pick a batch size from the memory one perturbed sample needs.

    On CUDA the budget is :data:`CUDA_BATCH_FRACTION` of the free memory
    (``torch.cuda.mem_get_info``); on the CPU it is :data:`CPU_BATCH_BUDGET`. The result
    lies in ``[1, min(largest, n_samples)]``.
    """
    size = batch_budget(device) // max(1, bytes_per_sample * ACTIVATION_FACTOR)
    return int(max(1, min(size, largest, n_samples)))


def batch_budget(device: torch.device) -> int:
    """Bytes one batch and the model's activations on it may take on ``device`` (see :func:`choose_batch_size`)."""
    if device.type == "cuda":
        free, _total = torch.cuda.mem_get_info(device)
        return int(free * CUDA_BATCH_FRACTION)
    return CPU_BATCH_BUDGET


def rows_per_call(bytes_per_row: int, device: torch.device) -> int:
    """How many spectra a model that takes spectra gets per call: the batch budget over the bytes of one
    spectrum and its activations (at least one)."""
    return int(max(1, batch_budget(device) // max(1, bytes_per_row * ACTIVATION_FACTOR)))


_THREADS_LOCK = threading.RLock()


@contextlib.contextmanager
def one_thread_on_cpu(device: torch.device):
    """Within the block, torch computes with one thread on the CPU (nothing changes on a GPU).

    For the small dense algebra of a surrogate fit (K x K systems, N x K designs): splitting
    it across threads costs more than it saves, many times more on a busy machine (measured:
    a ridge fit of 256 samples and 51 features, 5.8 ms on one thread, 58 ms on two with the
    cores shared). The previous thread count is restored afterwards.
    """
    if device.type != "cpu":
        yield
        return
    with _THREADS_LOCK:
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(previous)
