"""Install the plugin's Python dependencies with the pip of the Python QGIS runs.

No QGIS and no heavy import here: the Processing algorithm ``hsilime:install_dependencies``
(:mod:`.processing_algorithms.install_dependencies`) calls :func:`install` with callables
for the log, the progress and cancellation, and tests call the pieces directly.

How QGIS's own packages are kept: pip with ``--target`` ignores what is installed and
would install numpy, pandas, scipy... again, possibly in versions QGIS's GDAL bindings
cannot use. So (1) the binary packages QGIS ships (:data:`SHARED`) are pinned, in a
generated constraints file, to the versions QGIS has, which keeps pip's choices
compatible with them; (2) after pip, every distribution that QGIS already provides is
deleted from the new folder: the folder is appended to ``sys.path``, so QGIS's copy would
win anyway, and a version difference is reported.

Cancelling kills pip and leaves the previous folder as it was: pip writes into a
temporary sibling folder that replaces the old one by renaming only at the end.
"""
from __future__ import annotations

import functools
import importlib.metadata
import os
import queue
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path, PureWindowsPath
from typing import Callable, Iterable

from .dependencies import CONSTRAINTS, DASK, OPTIONAL, REQUIRED, is_importable

TORCH_VERSION = "2.13.0"
#: PyTorch's own wheel indexes (CPU-only builds, and a CUDA build for Windows, where PyPI's torch is CPU-only).
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
TORCH_CUDA_INDEX = "https://download.pytorch.org/whl/cu128"
#: Binary packages QGIS installations ship (normalised names): pinned to QGIS's versions.
SHARED = (
    "numpy", "scipy", "pandas", "matplotlib", "pillow", "shapely", "pyproj", "gdal", "fiona", "rasterio",
    "geopandas", "scikit-image", "scikit-learn", "pyqt5", "pyqt6", "h5py", "netcdf4", "psycopg2",
)
DEVICE_CHOICES = ("auto", "cpu", "cuda")


class InstallError(RuntimeError):
    """The installation failed; the message says why and what to do."""


class InstallCancelled(Exception):
    """The user cancelled; the previous folder is untouched."""


def normalise(name: str) -> str:
    """PEP 503 name: lower case, runs of ``-_.`` as one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- the interpreter -----------------------------------------------------------------------
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


SAME_PYTHON_PROBE = "import sys; print('%d.%d' % sys.version_info[:2], sys.exec_prefix)"


def is_this_python(candidate: Path, version: tuple[int, int] | None = None, prefix: str | None = None) -> bool:
    """Whether ``candidate`` runs this Python version with this ``sys.exec_prefix`` (a pip there installs
    wheels QGIS can import)."""
    major, minor = version or sys.version_info[:2]
    prefix = prefix if prefix is not None else sys.exec_prefix
    try:
        completed = subprocess.run([str(candidate), "-c", SAME_PYTHON_PROBE], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    found_version, _, found_prefix = completed.stdout.strip().partition(" ")
    return (
        completed.returncode == 0
        and found_version == f"{major}.{minor}"
        and os.path.normcase(os.path.realpath(found_prefix)) == os.path.normcase(os.path.realpath(prefix))
    )


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
        + "). Install the packages by hand with that Python's pip (see the README, section Install)."
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
      installed); the CPU build (about 0.7 GB) comes from PyTorch's CPU index when it can
      be reached, else PyPI's build is used (it runs on the CPU too).
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
            "from this computer; choose 'CPU only', or install it by hand (see the README, section Install)."
        )
    if windows:
        return [], "CPU build of torch from PyPI"
    if index_reachable(TORCH_CPU_INDEX):
        return ["--extra-index-url", TORCH_CPU_INDEX], f"CPU build of torch from {TORCH_CPU_INDEX}"
    return [], (
        f"{TORCH_CPU_INDEX} cannot be reached: torch from PyPI or pip's configured indexes (on Linux PyPI's "
        "build is the larger CUDA build, which also runs on the CPU)"
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
def installed_outside(folders: Iterable[Path | str], path: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """Distributions importable without ``folders`` (what QGIS provides): normalised name -> (name, version)."""
    excluded = {os.path.realpath(str(f)) for f in folders}
    search = [p for p in (sys.path if path is None else path) if p and os.path.realpath(p) not in excluded]
    found: dict[str, tuple[str, str]] = {}
    for distribution in importlib.metadata.distributions(path=search):
        name = distribution.metadata["Name"]
        if name and normalise(name) not in found:
            found[normalise(name)] = (name, distribution.version)
    return found


def requirements(
    include_onnx: bool, importable: Callable[[str], bool] = is_importable,
    always: Iterable[str] = ("torch", "spyndex", "captum"), include_dask: bool = False,
) -> list[str]:
    """Top-level requirements: torch, spyndex and captum always (install or update), the rest of
    :data:`REQUIRED` (and onnxruntime, and dask with distributed for Dask clusters) when QGIS
    cannot import them already."""
    names = dict(REQUIRED)
    if include_onnx:
        names.update(OPTIONAL)
    if include_dask:
        names.update(DASK)
    result = []
    for module, requirement in names.items():
        if requirement in always or not importable(module):
            result.append(requirement)
    return result


def write_constraints(path: Path, provided: dict[str, tuple[str, str]], shipped: Path = CONSTRAINTS) -> list[str]:
    """Write the shipped constraints plus ``name==version`` of each :data:`SHARED` package QGIS has."""
    pins = [f"{name}=={version}" for key, (name, version) in sorted(provided.items()) if key in SHARED]
    text = shipped.read_text(encoding="utf-8") if shipped.is_file() else ""
    path.write_text(text + "\n# What this QGIS provides (kept; generated by the installer)\n" + "\n".join(pins) + "\n")
    return pins


def pip_command(python: Path | str, target: Path, constraints: Path, packages: list[str], extra: list[str]) -> list[str]:
    """The pip command line (``--target``: a plain folder, no environment of its own)."""
    return [
        str(python), "-m", "pip", "install", "--target", str(target), "--no-input", "--disable-pip-version-check",
        "--progress-bar", "off", "--constraint", str(constraints), *extra, *packages,
    ]


@functools.lru_cache(maxsize=1)
def this_python() -> str:
    """:func:`find_python` for this QGIS, found once per session (it starts a Python per candidate)."""
    try:
        return str(find_python())
    except InstallError:
        return "python3"


def manual_command(folder: Path | str | None, packages: list[str] | None = None, python: Path | str | None = None) -> str:
    """The shell command that installs ``packages`` (default: the required ones) by hand."""
    if python is None:
        python = this_python()
    packages = packages or [r for r in REQUIRED.values()]
    target = folder or "<folder>"
    return f'"{python}" -m pip install --target "{target}" --constraint "{CONSTRAINTS}" ' + " ".join(packages)


# --- running pip -------------------------------------------------------------------------------
#: pip's output lines that mark its phases -> progress fraction reached.
PHASES = (
    ("Collecting ", 0.05, 0.45),
    ("Downloading ", 0.10, 0.55),
    ("Using cached ", 0.10, 0.55),
    ("Installing collected packages", 0.70, 0.70),
    ("Successfully installed", 0.90, 0.90),
)


def run_pip(
    command: list[str],
    log: Callable[[str], None] = print,
    progress: Callable[[float], None] = lambda fraction: None,
    cancelled: Callable[[], bool] = lambda: False,
    poll: float = 0.2,
    env: dict | None = None,
) -> int:
    """Run ``command``, passing each output line to ``log`` and pip's phases to ``progress``.

    Polls ``cancelled()`` every ``poll`` seconds; when it turns True pip is killed and
    :class:`InstallCancelled` raised. Returns pip's exit code.
    """
    lines: queue.Queue = queue.Queue()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, bufsize=1,
        env=env, errors="replace",
    ) as process:

        def read():
            for line in process.stdout:
                lines.put(line.rstrip())
            lines.put(None)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()

        def stop():
            process.kill()
            process.wait()
            reader.join(timeout=5)
            raise InstallCancelled()

        fraction, steps = 0.0, 0
        while True:
            if cancelled():
                stop()
            try:
                line = lines.get(timeout=poll)
            except queue.Empty:
                continue
            if line is None:
                break
            if "is ignored: it is neither a file nor a directory" in line:
                continue  # a machine's pip configuration naming missing local indexes
            log(line)
            for marker, start, end in PHASES:
                if line.lstrip().startswith(marker):
                    steps += 1
                    fraction = max(fraction, min(end, start + 0.01 * steps))
                    progress(fraction)
        while process.poll() is None:
            if cancelled():
                stop()
            time.sleep(poll)
        reader.join(timeout=5)
        return process.returncode


def remove_distributions(folder: Path, keep: Callable[[str, str], bool]) -> list[tuple[str, str]]:
    """Delete from ``folder`` each distribution ``(name, version)`` for which ``keep`` is False."""
    removed = []
    for distribution in list(importlib.metadata.distributions(path=[str(folder)])):
        name, version = distribution.metadata["Name"], distribution.version
        if keep(name, version):
            continue
        for file in distribution.files or []:
            path = Path(folder, file)
            try:
                resolved = path.resolve()
                if folder.resolve() in resolved.parents and resolved.is_file():
                    resolved.unlink()
            except OSError:
                pass
        info = Path(str(distribution._path))  # the .dist-info folder
        shutil.rmtree(info, ignore_errors=True)
        removed.append((name, version))
    # folders the deleted files leave empty
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


def swap_in(new: Path, folder: Path) -> None:
    """Replace ``folder`` by ``new`` with renames (the old content is deleted afterwards)."""
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old-{secrets.token_hex(4)}")
        folder.rename(old)
        try:
            new.rename(folder)
        except OSError:
            old.rename(folder)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(folder)


def install(
    folder: Path,
    packages: list[str],
    python: Path | str,
    extra: list[str] | None = None,
    log: Callable[[str], None] = print,
    progress: Callable[[float], None] = lambda fraction: None,
    cancelled: Callable[[], bool] = lambda: False,
    provided: dict[str, tuple[str, str]] | None = None,
    command: Callable[[Path, Path], list[str]] | None = None,
) -> dict:
    """Install ``packages`` into ``folder`` (replacing what it held), keeping what QGIS provides.

    pip writes into a temporary sibling of ``folder``; only a successful run replaces
    ``folder`` (by renaming), so a failure or a cancel leaves the previous folder intact
    and no temporary folder behind. ``command(staging, constraints)`` replaces pip's command
line (tests).

    Returns ``{"installed": [(name, version)], "removed": [(name, version, qgis_version)]}``.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    provided = installed_outside([folder]) if provided is None else provided
    staging = folder.with_name(f".{folder.name}.installing-{secrets.token_hex(4)}")
    staging.mkdir()
    try:
        constraints = staging.parent / f"{staging.name}-constraints.txt"
        pins = write_constraints(constraints, provided)
        log("Kept from this QGIS (pinned): " + (", ".join(pins) or "nothing"))
        line = (command or (lambda *_: pip_command(python, staging, constraints, packages, extra or [])))(
            staging, constraints
        )
        log("Running: " + " ".join(line))
        returncode = run_pip(line, log=log, progress=progress, cancelled=cancelled)
        if returncode != 0:
            raise InstallError(
                f"pip failed (exit code {returncode}); its messages are in the log above. The previous "
                f"dependency folder {folder} was left as it was."
            )
        removed = []

        def keep(name, version):
            key = normalise(name)
            if key in provided:
                removed.append((name, version, provided[key][1]))
                return False
            return True

        remove_distributions(staging, keep)
        try:
            swap_in(staging, folder)
        except OSError as error:
            raise InstallError(
                f"Could not replace {folder} ({error}); its files are probably in use (Windows locks the "
                "packages this QGIS session has loaded). Restart QGIS and run the installer before any hsi-lime "
                "algorithm. The previous folder was left as it was."
            ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        constraints = staging.parent / f"{staging.name}-constraints.txt"
        if constraints.exists():
            constraints.unlink()
    progress(0.95)
    installed = sorted(
        {(d.metadata["Name"], d.version) for d in importlib.metadata.distributions(path=[str(folder)])},
        key=lambda item: normalise(item[0]),
    )
    return {"installed": installed, "removed": removed}


TORCH_PROBE = (
    "import sys; sys.path.append(sys.argv[1]); import torch; cuda = torch.cuda.is_available(); "
    "print(torch.__version__, torch.version.cuda or '-', cuda, torch.cuda.get_device_name(0) if cuda else '-', sep='|')"
)


def probe_torch(python: Path | str, folder: Path, timeout: float = 300) -> str:
    """One line on the torch in ``folder``: version, CUDA build, whether it sees a GPU (run in a new Python)."""
    try:
        completed = subprocess.run(
            [str(python), "-c", TORCH_PROBE, str(folder)], capture_output=True, text=True, timeout=timeout
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"torch could not be checked: {error}"
    if completed.returncode != 0:
        tail = (completed.stderr.strip().splitlines() or ["?"])[-1]
        return f"torch does not import: {tail}"
    version, cuda, available, name = completed.stdout.strip().split("|")
    build = "CPU build" if cuda == "-" else f"CUDA {cuda} build"
    sees = f"sees the GPU {name}" if available == "True" else "sees no GPU (runs on the CPU)"
    return f"torch {version} ({build}), {sees}"
