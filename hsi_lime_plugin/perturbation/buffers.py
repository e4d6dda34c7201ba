"""The buffer each batch of perturbed images is written into, kept per thread between evaluations.

An evaluation writes every batch into one (B, C, H, W) buffer. A freshly allocated buffer is
not yet backed by memory: the system maps its pages in on the first write, and on the
HYPERVIEW field (32 x 150 x 72 x 89 float32, 123 MB) those page faults cost as much as
building a batch's images, so the first batch of every explain() took 62-68 ms to build
instead of 12.5 ms. When an evaluation ends, its buffer therefore goes to its thread's cache,
and the next one in that thread with the same shape, dtype, device and memory format takes
it from there.

The cache holds at most one buffer per thread, the most recent: what stays allocated between
runs is one batch of images, which the run's memory budget already allowed. It lives in a
``threading.local``, so a thread that ends (a QGIS task's, a Dask worker's) frees it, and
:func:`release_batch_buffers` frees the calling thread's at once. Only CPU buffers are kept: on
CUDA, torch's caching allocator already reuses its blocks.
"""
from __future__ import annotations

import threading

import torch

#: ``entry``: (key, tensor) of this thread's cached buffer, (None, None) or absent when it has none.
_cache = threading.local()


class BatchBuffer:
    """A perturbation's buffer: taken when first needed (:meth:`get`), given back by :meth:`release`."""

    def __init__(self, shape, dtype: torch.dtype, device, memory_format=torch.contiguous_format):
        self.key = (tuple(shape), dtype, torch.device(device), memory_format)
        self.tensor: torch.Tensor | None = None

    def get(self) -> torch.Tensor:
        """The buffer: this thread's cached one if it has this key, else a new one.

        The cached buffer leaves the cache either way, so that two live perturbations (the
        channels-last fallback, an explanation started inside another) never share storage,
        and one that does not fit is freed before the new one is allocated.
        """
        if self.tensor is None:
            self.tensor = _take(self.key)
            if self.tensor is None:
                self.tensor = self._allocate()
        return self.tensor

    def release(self) -> None:
        """Give the buffer back to this thread's cache (replacing the one there), CPU buffers only."""
        if self.tensor is not None and self.key[2].type == "cpu":
            _cache.entry = (self.key, self.tensor)
        self.tensor = None

    def _allocate(self) -> torch.Tensor:
        shape, dtype, device, memory_format = self.key
        with torch.inference_mode(False):  # a normal tensor even inside an evaluation: writable after it too
            return torch.empty(shape, dtype=dtype, device=device, memory_format=memory_format)


def release_batch_buffers() -> None:
    """Free the calling thread's cached batch buffer (at most one batch of perturbed images).

    Call it when a thread that explained is done explaining but lives on (a notebook, a
    long-running service) and needs the memory; a thread that ends frees its own.
    """
    _cache.entry = (None, None)


def _take(key) -> torch.Tensor | None:
    """This thread's cached buffer if it has ``key``, else None; the cache is empty afterwards."""
    cached_key, cached = getattr(_cache, "entry", (None, None))
    release_batch_buffers()
    return cached if cached_key == key else None
