"""Where the Python QGIS runs lives on each platform, and whether this machine has an NVIDIA GPU.

No QGIS and no heavy import: the dependency installer (:mod:`.installer`) and the
missing-dependency message use these to name the right interpreter and torch build.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path, PureWindowsPath
from typing import Callable

#: PyTorch's own wheel indexes (CPU-only builds, and a CUDA build for Windows, where PyPI's torch is CPU-only).
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
TORCH_CUDA_INDEX = "https://download.pytorch.org/whl/cu128"


class InstallError(RuntimeError):
    """The installation failed; the message says why and what to do."""


_PYTHON_NAME = re.compile(r"^python(3(\.\d+)?)?(\.exe)?$", re.IGNORECASE)


def python_candidates(
    platform: str | None = None,
    executable: str | None = None,
    base_executable: str | None = None,
    prefix: str | None = None,
    version: tuple[int, int] | None = None,
) -> list[Path]:
    """Where the Python that runs QGIS may be, most likely first.

    Inside QGIS ``sys.executable`` is often the QGIS binary (``qgis-bin.exe``, ``QGIS.app/
    Contents/MacOS/QGIS``), not a Python, and ``sys._base_executable`` of an embedded Python
    may be any ``python3`` on the PATH, so the candidates come first from the interpreter's
    prefix and the QGIS installation layout (then those two, when they name a Python):

    - Linux: ``<exec_prefix>/bin/python3.X``, ``<exec_prefix>/bin/python3``.
    - Windows, OSGeo4W and the standalone installer (``<root>/bin/qgis-bin.exe``, Python in
      ``<root>/apps/Python3X``): ``<exec_prefix>/python.exe``, ``<root>/apps/Python3X/python.exe``,
      ``<root>/bin/python3.exe``, ``<root>/bin/python.exe``.
    - macOS (``QGIS.app/Contents/MacOS/QGIS``): ``Contents/MacOS/bin/python3``, the
      framework's ``<exec_prefix>/bin/python3.X``, ``Contents/Frameworks/bin/python3``.
    """
    platform = platform or sys.platform
    executable = executable if executable is not None else sys.executable
    base_executable = base_executable if base_executable is not None else getattr(sys, "_base_executable", "")
    prefix = prefix if prefix is not None else sys.exec_prefix
    major, minor = version or sys.version_info[:2]
    # a Windows layout examined elsewhere (tests) needs Windows path rules
    P = PureWindowsPath if platform.startswith("win") and os.name != "nt" else Path  # noqa: N806
    named = [P(p) for p in (base_executable, executable) if p and _PYTHON_NAME.match(P(p).name)]
    candidates: list[Path] = []
    if platform.startswith("win"):
        root = P(executable).parent.parent if executable else None
        if prefix:
            candidates += [P(prefix) / "python.exe", P(prefix) / "python3.exe"]
        if root is not None:
            candidates += [
                root / "apps" / f"Python{major}{minor}" / "python.exe",
                root / "bin" / "python3.exe",
                root / "bin" / "python.exe",
            ]
        candidates += named
    elif platform == "darwin":
        macos = P(executable).parent if executable else None
        if macos is not None:
            candidates += [macos / "bin" / "python3", macos / "bin" / f"python{major}.{minor}"]
        candidates += [P(prefix) / "bin" / f"python{major}.{minor}", P(prefix) / "bin" / "python3"]
        if macos is not None:
            candidates += [macos.parent / "Frameworks" / "bin" / "python3"]
        candidates += named
    else:
        # the prefix first: embedded, sys._base_executable may be whatever "python3" is first on the PATH
        candidates += [P(prefix) / "bin" / f"python{major}.{minor}", P(prefix) / "bin" / "python3"]
        candidates += named
    unique: list[Path] = []
    for candidate in candidates:
        if candidate not in unique:
            unique.append(candidate)
    return unique


def is_this_python(candidate: Path, version: tuple[int, int] | None = None, prefix: str | None = None) -> bool:
    """Whether ``candidate`` is an interpreter of this Python version with this ``sys.exec_prefix`` (a pip
    there installs wheels QGIS can import), decided from its files without starting it: starting a program
    only to learn what it is would run whatever sits at a candidate path.

    The version is in the name of the file it resolves to (``python3.11``) or, on Windows, in the
    ``python311.dll`` beside it; the prefix is the folder of a virtual environment's ``pyvenv.cfg``, else the
    nearest folder above it holding that version's standard library (``lib/python3.11/os.py``, ``Lib/os.py``),
    the landmark Python itself uses to find its prefix.
    """
    major, minor = version or sys.version_info[:2]
    prefix = prefix if prefix is not None else sys.exec_prefix
    found = _interpreter_prefix(Path(candidate), major, minor)
    same = os.path.normcase(os.path.realpath(found or "")) == os.path.normcase(os.path.realpath(prefix))
    return found is not None and same


def _interpreter_prefix(candidate: Path, major: int, minor: int) -> Path | None:
    """The prefix of the Python ``major.minor`` at ``candidate``; None when it is not one (see :func:`is_this_python`)."""
    if not candidate.is_file():
        return None
    for folder in (candidate.parent, candidate.parent.parent):
        if (folder / "pyvenv.cfg").is_file():
            return folder if _venv_version(folder / "pyvenv.cfg") == (major, minor) else None
    real = Path(os.path.realpath(candidate))
    if real.name.lower() in (f"python{major}.{minor}", f"python{major}.{minor}.exe"):
        landmark = Path("lib", f"python{major}.{minor}", "os.py")
    elif (real.parent / f"python{major}{minor}.dll").is_file():
        landmark = Path("Lib", "os.py")
    else:
        return None
    return next((folder for folder in real.parents if (folder / landmark).is_file()), None)


def _venv_version(config: Path) -> tuple[int, int] | None:
    """The Python version a ``pyvenv.cfg`` names (``version = 3.11.2``, or virtualenv's ``version_info``)."""
    for line in config.read_text(encoding="utf-8", errors="replace").splitlines():
        key, _, value = line.partition("=")
        numbers = re.findall(r"\d+", value)
        if key.strip() in ("version", "version_info") and len(numbers) >= 2:
            return int(numbers[0]), int(numbers[1])
    return None


def find_python(
    exists: Callable[[Path], bool] = Path.is_file, verify: Callable[[Path], bool] | None = None, **layout
) -> Path:
    """The first of :func:`python_candidates` (same keyword arguments) that exists and is this
    Python (``verify``, default :func:`is_this_python`)."""
    candidates = python_candidates(**layout)
    if verify is None:
        def verify(candidate):
            return is_this_python(candidate, layout.get("version"), layout.get("prefix"))
    for candidate in candidates:
        if exists(candidate) and verify(candidate):
            return candidate
    raise InstallError(
        "Cannot find the Python interpreter of this QGIS (looked for: "
        + ", ".join(str(c) for c in candidates)
        + "). Install the packages by hand with that Python's pip (see https://hsi-lime.github.io/hsi-lime/install/#offline-or-by-hand)."
    )


# --- CUDA --------------------------------------------------------------------------------
def _cuda_libraries(platform: str) -> list[Path]:
    if platform.startswith("win"):
        system_root = os.environ.get("SystemRoot", r"C:\Windows")
        return [Path(system_root) / "System32" / "nvcuda.dll"]
    return [
        Path("/usr/lib/x86_64-linux-gnu/libcuda.so.1"),
        Path("/usr/lib/aarch64-linux-gnu/libcuda.so.1"),
        Path("/usr/lib64/libcuda.so.1"),
        Path("/usr/lib/libcuda.so.1"),
        Path("/usr/lib/wsl/lib/libcuda.so.1"),
    ]


def detect_cuda(
    platform: str | None = None,
    which: Callable[[str], str | None] = shutil.which,
    exists: Callable[[Path], bool] = Path.exists,
    run: Callable = subprocess.run,
) -> tuple[bool, str]:
    """Whether an NVIDIA driver is present, and a sentence saying how this was decided.

    ``nvidia-smi`` on the PATH (its GPU list is quoted), else the driver's library
    (``libcuda.so.1``, ``nvcuda.dll``). macOS has no CUDA.
    """
    platform = platform or sys.platform
    if platform == "darwin":
        return False, "macOS has no CUDA (torch uses the CPU, or Apple's GPU through MPS)"
    smi = which("nvidia-smi")
    if smi:
        try:
            listed = run(
                [smi, "--query-gpu=name,driver_version", "--format=csv,noheader"],
                capture_output=True, text=True, timeout=20,
            )
            gpus = "; ".join(line.strip() for line in listed.stdout.splitlines() if line.strip())
            if listed.returncode == 0 and gpus:
                return True, f"nvidia-smi lists an NVIDIA GPU ({gpus})"
            return False, f"nvidia-smi is installed ({smi}) but lists no GPU (exit code {listed.returncode})"
        except (OSError, subprocess.SubprocessError) as error:
            return False, f"nvidia-smi ({smi}) failed: {error}"
    for library in _cuda_libraries(platform):
        if exists(library):
            return True, f"the NVIDIA driver library {library} is present"
    return False, "no NVIDIA driver found (no nvidia-smi on the PATH, no CUDA driver library)"


def reachable(url: str, timeout: float = 3.0) -> bool:
    """Whether a TCP connection to the host of ``url`` (https) opens within ``timeout`` seconds."""
    host = re.sub(r"^https?://", "", url).split("/")[0]
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def torch_source(
    device: str, platform: str | None = None, index_reachable: Callable[[str], bool] = reachable
) -> tuple[list[str], str]:
    """pip arguments that select the torch build for ``device`` ("cpu" or "cuda"), and why.

    - Linux: PyPI's ``torch`` is the CUDA build (with NVIDIA's runtime wheels, about 3 GB
      installed, which it needs to load even on the CPU); the CPU build (about 0.7 GB) comes
      from PyTorch's CPU index when it can be reached, else from pip's configured sources
      (the installer refuses a plan with CUDA libraries for the CPU: :func:`installer.check_plan`).
    - Windows: PyPI's ``torch`` is the CPU build; the CUDA build comes from PyTorch's CUDA index.
    - macOS: PyPI's ``torch`` (CPU and Apple's MPS); there is no CUDA build.
    """
    platform = platform or sys.platform
    if platform == "darwin":
        return [], "macOS: torch from PyPI (CPU, and Apple GPUs through MPS; there is no CUDA build)"
    windows = platform.startswith("win")
    if device == "cuda":
        if not windows:
            return [], "CUDA build of torch from PyPI (it brings NVIDIA's CUDA runtime as wheels)"
        if index_reachable(TORCH_CUDA_INDEX):
            return ["--extra-index-url", TORCH_CUDA_INDEX], f"CUDA build of torch from {TORCH_CUDA_INDEX}"
        raise InstallError(
            f"The CUDA build of torch for Windows comes from {TORCH_CUDA_INDEX}, which cannot be reached "
            "from this computer; choose 'CPU only', or install it by hand (see https://hsi-lime.github.io/hsi-lime/install/#offline-or-by-hand)."
        )
    if windows:
        return [], "CPU build of torch from PyPI"
    if index_reachable(TORCH_CPU_INDEX):
        return ["--extra-index-url", TORCH_CPU_INDEX], f"CPU build of torch from {TORCH_CPU_INDEX}"
    return [], (
        f"{TORCH_CPU_INDEX} cannot be reached: a CPU build of torch from pip's configured sources, if they "
        "have one (PyPI's Linux build is the CUDA one, which is not installed for 'CPU only')"
    )


def choose_device(choice: str, cuda: tuple[bool, str]) -> tuple[str, str]:
    """"cpu" or "cuda" for the DEVICE choice ("auto", "cpu", "cuda") and the CUDA detection; and why."""
    present, reason = cuda
    if choice == "cuda":
        return "cuda", f"NVIDIA CUDA as requested ({reason})"
    if choice == "cpu":
        return "cpu", "CPU only, as requested"
    if present:
        return "cuda", f"auto-detect chose NVIDIA CUDA: {reason}"
    return "cpu", f"auto-detect chose CPU only: {reason}"


# --- what to install ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def this_python() -> str:
    """:func:`find_python` for this QGIS, found once per session."""
    try:
        return str(find_python())
    except InstallError:
        return "python3"
