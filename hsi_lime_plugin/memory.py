"""What a run will hold in memory, estimated before it reads a pixel, and what this machine has available.

A run adds up what it will hold in a :class:`Footprint` (the cube as float32, the batch of
perturbed images, the maps, ...) from the raster's header and the model, and compares it with
:func:`available_memory` before reading: a scene larger than memory is refused at once with
the sizes, instead of failing to allocate after minutes of reading. Only the standard library
is imported (a light module).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

#: The share of the available memory a run may plan to hold (the rest: Python, the model, GDAL's cache).
FIT_FRACTION = 0.8


def physical_memory() -> int:
    """Bytes of physical memory of this machine (8 GiB when the platform does not tell)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # Windows has no sysconf
        status = _windows_memory()
        return status[0] if status else 8 << 30


def available_memory() -> int:
    """Bytes this process can allocate without swapping: Linux's MemAvailable (/proc/meminfo), else the free
    physical pages (``os.sysconf``), Windows' available physical memory, or half the physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_AVPHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        status = _windows_memory()
        return status[1] if status else physical_memory() // 2


def _windows_memory() -> tuple[int, int] | None:
    """(total, available) physical bytes from GlobalMemoryStatusEx, or None off Windows."""
    if os.name != "nt":
        return None
    import ctypes

    class Status(ctypes.Structure):
        _fields_ = [("length", ctypes.c_ulong), ("load", ctypes.c_ulong), ("total", ctypes.c_ulonglong),
                    ("available", ctypes.c_ulonglong), ("page_total", ctypes.c_ulonglong),
                    ("page_available", ctypes.c_ulonglong), ("virtual_total", ctypes.c_ulonglong),
                    ("virtual_available", ctypes.c_ulonglong), ("extended", ctypes.c_ulonglong)]

    status = Status()
    status.length = ctypes.sizeof(Status)
    if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
        return None
    return int(status.total), int(status.available)


def gib(n_bytes: float) -> str:
    """``"224.0 GiB"``, ``"12.5 MiB"``: a size for a message."""
    if n_bytes >= 1 << 30:
        return f"{n_bytes / (1 << 30):.1f} GiB"
    return f"{n_bytes / (1 << 20):.1f} MiB"


@dataclass(frozen=True)
class Footprint:
    """What a run will hold at once: labelled sizes in bytes, added with ``+``."""

    parts: tuple[tuple[str, int], ...] = ()

    @classmethod
    def of(cls, label: str, n_bytes: float) -> "Footprint":
        return cls(((label, int(n_bytes)),))

    def __add__(self, other: "Footprint") -> "Footprint":
        return Footprint(self.parts + other.parts)

    @property
    def total(self) -> int:
        return sum(n_bytes for _, n_bytes in self.parts)

    def describe(self) -> str:
        """``about 224.5 GiB (the cube ...: 223.5 GiB; ...)``"""
        return f"about {gib(self.total)} ({'; '.join(f'{label}: {gib(n)}' for label, n in self.parts)})"

    def fits(self, available: int | None = None) -> bool:
        """Whether it fits in :data:`FIT_FRACTION` of ``available`` (default: :func:`available_memory`)."""
        return self.total <= FIT_FRACTION * (available_memory() if available is None else available)
