"""Install the plugin's Python dependencies with the pip of the Python QGIS runs.

No QGIS and no heavy import here: the Processing algorithm ``hsilime:install_dependencies``
(:mod:`.processing_algorithms.install_dependencies`) calls :func:`install` with callables
for the log, the progress and cancellation, and tests call the pieces directly.

How QGIS's own packages are kept: pip with ``--target`` ignores what is installed and would
install numpy, pandas, scipy... again, possibly in versions QGIS's GDAL bindings cannot use.
So pip runs twice. (1) A plan: ``pip install --dry-run --report`` in QGIS's Python, which sees
QGIS's packages as installed and so plans only what QGIS lacks, held by a generated
constraints file to the versions QGIS has of its binary packages (:data:`SHARED`: their
public version, ``3.10.1`` for Debian's ``3.10.1+dfsg1``, which no package index has).
(2) ``pip install --target --no-deps`` of exactly that plan. A requirement QGIS already has
is not asked for at all (:func:`requirements`), and whatever QGIS provides that still lands in
the new folder is deleted from it: the folder is appended to ``sys.path``, so QGIS's copy would
win anyway, and a version difference is reported. When the user asked for the CPU, a plan that
brings NVIDIA's CUDA libraries (on Linux the package index's torch is the CUDA build, about
3 GB with them) is refused with what to do instead (:func:`check_plan`).

Cancelling kills pip and leaves the previous folder as it was: pip writes into a
temporary sibling folder that replaces the old one by renaming only at the end.
"""
from __future__ import annotations

import importlib.metadata
import json
import os
import queue
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

from .dependencies import CONSTRAINTS, DASK, OPTIONAL, REQUIRED, SKOPS
from .platforms import TORCH_CPU_INDEX, InstallError, this_python

#: Binary packages QGIS installations ship (normalised names): pinned to QGIS's versions.
SHARED = (
    "numpy", "scipy", "pandas", "matplotlib", "pillow", "shapely", "pyproj", "gdal", "fiona", "rasterio",
    "geopandas", "scikit-image", "scikit-learn", "pyqt5", "pyqt6", "h5py", "netcdf4", "psycopg2",
)

class InstallCancelled(Exception):
    """The user cancelled; the previous folder is untouched."""


def normalise(name: str) -> str:
    """PEP 503 name: lower case, runs of ``-_.`` as one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- the interpreter -----------------------------------------------------------------------
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
    include_onnx: bool, provided: dict[str, tuple[str, str]], include_dask: bool = False, include_skops: bool = False
) -> list[str]:
    """What pip is asked for: each of :data:`REQUIRED` (and onnxruntime, skops for scikit-learn models, and dask
    with distributed for Dask clusters) that this QGIS does not provide (``provided``: :func:`installed_outside`
    the folder). The rest is installed, or updated, into the folder (its previous content is replaced whole)."""
    names = dict(REQUIRED)
    if include_onnx:
        names.update(OPTIONAL)
    if include_skops:
        names.update(SKOPS)
    if include_dask:
        names.update(DASK)
    return [requirement for requirement in names.values() if normalise(requirement) not in provided]


def public_version(version: str) -> str | None:
    """``version`` without its local label (Debian's ``+dfsg1``), or None when it is no PEP 440 release."""
    public = version.split("+", 1)[0]
    return public if _RELEASE.match(public) else None


_RELEASE = re.compile(r"^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$")


def write_constraints(path: Path, provided: dict[str, tuple[str, str]], shipped: Path = CONSTRAINTS) -> list[str]:
    """Write the shipped constraints, less the packages QGIS provides, plus ``name==version`` (the public
    version) of each provided :data:`SHARED` or shipped package. Returns those pins."""
    lines = shipped.read_text(encoding="utf-8").splitlines() if shipped.is_file() else []
    pinned = {normalise(re.split(r"[=<>!~; ]", line.strip(), maxsplit=1)[0]) for line in lines
              if line.strip() and not line.startswith("#")}
    kept = [line for line in lines if line.startswith("#") or not line.strip()
            or normalise(re.split(r"[=<>!~; ]", line.strip(), maxsplit=1)[0]) not in provided]
    pins = [f"{name}=={public_version(version)}" for key, (name, version) in sorted(provided.items())
            if (key in SHARED or key in pinned) and public_version(version)]
    text = "\n".join(kept) + "\n# What this QGIS provides (kept; generated by the installer)\n" + "\n".join(pins)
    path.write_text(text + "\n", encoding="utf-8")
    return pins


def plan_command(python: Path | str, report: Path, constraints: Path, packages: list[str], extra: list[str]) -> list[str]:
    """pip's dry run in QGIS's Python: what it would install there, given what QGIS has, as a JSON report."""
    return [
        str(python), "-m", "pip", "install", "--dry-run", "--report", str(report), "--no-input",
        "--disable-pip-version-check", "--progress-bar", "off", "--constraint", str(constraints), *extra, *packages,
    ]


def read_plan(report: Path) -> list[tuple[str, str]]:
    """``(name, version)`` of each distribution in pip's installation report."""
    planned = json.loads(report.read_text(encoding="utf-8")).get("install", [])
    return [(item["metadata"]["name"], item["metadata"]["version"]) for item in planned]


#: Distributions that are NVIDIA's CUDA libraries (or need them): what a CPU-only installation must not bring.
CUDA_DISTRIBUTIONS = re.compile(r"^(nvidia-.*|cuda-.*|triton)$")


def check_plan(plan: list[tuple[str, str]], device: str | None) -> None:
    """Refuse a plan with CUDA libraries when the user asked for the CPU (``device`` "cpu")."""
    cuda = [f"{name} {version}" for name, version in plan if CUDA_DISTRIBUTIONS.match(normalise(name))]
    if device != "cpu" or not cuda:
        return
    raise InstallError(
        f"PyTorch build 'CPU only': pip can get only torch's CUDA build here, which brings {len(cuda)} packages "
        f"of NVIDIA's CUDA libraries (several GB; torch on Linux needs them to load even on the CPU): "
        f"{', '.join(cuda[:4])}, ... The CPU build comes from {TORCH_CPU_INDEX}, which this computer cannot "
        "reach or which lacks this torch for this Python. Fix: make that address reachable and run this "
        "again; or install a CPU build of torch where this QGIS finds it (on Debian or Ubuntu: sudo apt "
        "install python3-torch) and run this again, which keeps it; or choose 'NVIDIA CUDA' to install the "
        "CUDA build anyway (it runs on the CPU too). Nothing was installed."
    )


def pip_command(python: Path | str, target: Path, constraints: Path, plan: list[tuple[str, str]], extra: list[str]) -> list[str]:
    """The pip command line that installs exactly ``plan`` (``--target``: a plain folder, no environment of
    its own; ``--no-deps``: the plan already holds every dependency QGIS lacks)."""
    return [
        str(python), "-m", "pip", "install", "--target", str(target), "--no-deps", "--no-input",
        "--disable-pip-version-check", "--progress-bar", "off", "--constraint", str(constraints), *extra,
        *(f"{name}=={version}" for name, version in plan),
    ]


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
    # Running pip is the point of the installer. The arguments are trusted: a list (no shell), built by
    # pip_command from the interpreter find_python verified, the plugin's own folders and constraints, and
    # package names from REQUIRED, never from user text.
    with subprocess.Popen(  # nosec B603
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


def make_plan(
    python: Path | str, packages: list[str], constraints: Path, extra: list[str], log: Callable[[str], None],
    progress: Callable[[float], None], cancelled: Callable[[], bool],
) -> list[tuple[str, str]]:
    """What pip would install in QGIS's Python for ``packages`` (its dry run): ``[(name, version)]``."""
    if not packages:
        return []
    report = constraints.with_name(constraints.name + "-plan.json")
    line = plan_command(python, report, constraints, packages, extra)
    log("Planning: " + " ".join(line))
    try:
        returncode = run_pip(line, log=log, progress=lambda fraction: progress(fraction / 2), cancelled=cancelled)
        if returncode != 0 or not report.is_file():
            raise InstallError(
                f"pip could not plan the installation (exit code {returncode}); its messages are in the log "
                "above. Nothing was installed."
            )
        return read_plan(report)
    finally:
        if report.exists():
            report.unlink()


def drop_provided(staging: Path, provided: dict[str, tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Delete from ``staging`` what QGIS provides; ``[(name, version pip chose, QGIS's version)]``."""
    removed = []

    def keep(name, version):
        key = normalise(name)
        if key in provided:
            removed.append((name, version, provided[key][1]))
            return False
        return True

    remove_distributions(staging, keep)
    return removed


def install(
    folder: Path,
    packages: list[str],
    python: Path | str,
    extra: list[str] | None = None,
    log: Callable[[str], None] = print,
    progress: Callable[[float], None] = lambda fraction: None,
    cancelled: Callable[[], bool] = lambda: False,
    provided: dict[str, tuple[str, str]] | None = None,
    device: str | None = None,
    plan: list[tuple[str, str]] | None = None,
    command: Callable[[Path, Path], list[str]] | None = None,
) -> dict:
    """Install ``packages`` into ``folder`` (replacing what it held), keeping what QGIS provides.

    pip plans first (:func:`make_plan`; ``plan`` given: that one, for tests), what QGIS provides is taken
    out of it (pip may want another version of a package QGIS has: QGIS's stays, and the difference is
    reported), the plan is checked against ``device`` (:func:`check_plan`), then pip writes exactly the plan
    into a temporary sibling of
    ``folder``; only a successful run replaces ``folder`` (by renaming), so a failure or a cancel leaves
    the previous folder intact and no temporary folder behind. ``command(staging, constraints)``
    replaces pip's command line (tests).

    Returns ``{"installed": [(name, version)], "removed": [(name, version, qgis_version)]}``.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    provided = installed_outside([folder]) if provided is None else provided
    staging = folder.with_name(f".{folder.name}.installing-{secrets.token_hex(4)}")
    constraints = staging.parent / f"{staging.name}-constraints.txt"
    staging.mkdir()
    try:
        pins = write_constraints(constraints, provided)
        log("Kept from this QGIS (pinned): " + (", ".join(pins) or "nothing"))
        if plan is None:
            plan = make_plan(python, packages, constraints, extra or [], log, progress, cancelled)
        kept = [(name, version, provided[normalise(name)][1]) for name, version in plan if normalise(name) in provided]
        plan = [(name, version) for name, version in plan if normalise(name) not in provided]  # QGIS's stay
        log("To install: " + (", ".join(f"{name} {version}" for name, version in plan) or "nothing"))
        check_plan(plan, device)
        line = (command or (lambda *_: pip_command(python, staging, constraints, plan, extra or [])))(
            staging, constraints
        )
        if plan:
            log("Running: " + " ".join(line))
            returncode = run_pip(line, log=log, progress=lambda f: progress(0.5 + f / 2), cancelled=cancelled)
            if returncode != 0:
                raise InstallError(
                    f"pip failed (exit code {returncode}); its messages are in the log above. The previous "
                    f"dependency folder {folder} was left as it was."
                )
        removed = kept + drop_provided(staging, provided)
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
        # The check of what pip just installed needs a fresh interpreter (this session may hold another torch);
        # its arguments are trusted: the interpreter pip ran with, the fixed TORCH_PROBE and the target folder.
        completed = subprocess.run(  # nosec B603
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
