"""Faults of the machine made by tests: a full disk, a disk that turns read-only, a truncated file, an HTTP
server that stops answering.

* :func:`small_disk`: a tmpfs of a few hundred KB mounted on a folder (root only: skips otherwise), which
  :func:`read_only` remounts read-only during a run; always unmounted at the end;
* :func:`truncated`: the first part of a file (an interrupted download);
* :class:`RangeServer`: an HTTP server on 127.0.0.1 answering GET with ``Range`` (what GDAL's ``/vsicurl/``
  reads with) and HEAD, that stops when told or after a number of requests;
* :func:`digest`: a file's SHA-256, to show that an input was not touched.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .cluster import stop


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "300k"):
    """``folder`` as a tmpfs of ``size``: writing more fails with ENOSPC. Skips without root or tmpfs."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("a small disk needs root (mount -t tmpfs)")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def read_only(folder: Path) -> None:
    """Remount the tmpfs at ``folder`` read-only (as a failing disk or an unmounted share leaves it)."""
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)


def truncated(source: Path, target: Path, fraction: float = 0.6) -> Path:
    """The first ``fraction`` of ``source`` as ``target``."""
    data = Path(source).read_bytes()
    Path(target).write_bytes(data[: int(len(data) * fraction)])
    return Path(target)


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class RangeServer:
    """Serve ``folder`` on 127.0.0.1 with byte ranges, from another process (GDAL holds the GIL while it reads,
    so a server thread of this process would never answer); :meth:`stop`, or ``stop_after`` GET requests, ends
    it: later requests find no server (connection refused). ``url(name)`` is the /vsicurl/ path of a file."""

    def __init__(self, folder: Path, stop_after: int | None = None):
        port_file = Path(folder) / f".port-{os.getpid()}-{id(self)}"
        self.count_file = port_file.with_name(port_file.name + ".count")
        command = [sys.executable, str(Path(__file__).with_name("range_server.py")), str(folder), str(port_file)]
        self.process = subprocess.Popen(command + ([str(stop_after)] if stop_after is not None else []))
        deadline = time.monotonic() + 30
        while not port_file.is_file() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the HTTP server did not start")
            time.sleep(0.05)
        self.port = int(port_file.read_text())
        port_file.unlink()

    def url(self, name: str) -> str:
        return f"/vsicurl/http://127.0.0.1:{self.port}/{name}"

    @property
    def requests(self) -> int:
        """GET requests served so far."""
        return int(self.count_file.read_text()) if self.count_file.is_file() else 0

    def stop(self) -> None:
        stop(self.process)
        self.count_file.unlink(missing_ok=True)

    def __enter__(self) -> "RangeServer":
        return self

    def __exit__(self, *_) -> None:
        self.stop()
