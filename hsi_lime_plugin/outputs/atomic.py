"""Write output files atomically: a run that fails or is cancelled leaves nothing behind.

Every output of a workflow is written inside :func:`atomic_output`: under a temporary
name in the destination folder (same file system, so the final rename is atomic), and
renamed only when the block finishes without an exception. Formats made of several files
(a Shapefile's ``.shp/.dbf/.shx/.prj``, GDAL's ``.aux.xml``) are renamed together.
Nest several outputs with :class:`contextlib.ExitStack` so that one failure discards all.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import sys
from pathlib import Path
from typing import Callable, Iterator

from ..errors import HsiLimeError, arg
from ..options import FIGURE_EXTENSIONS, RASTER_EXTENSIONS, REPORT_EXTENSIONS, TABLE_DRIVERS, VECTOR_DRIVERS


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, what: str = "output") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it (and its sidecars) to ``path`` on success.

    Parameters
    ----------
    path : path-like
        The final destination. Its folder is created if missing.
    what : str
        The argument named in error messages (an :func:`~hsi_lime_plugin.errors.arg` token).

    On any exception (including cancellation) the temporary files are removed and the
    destination is left untouched. A fault of the file system while the temporary file was
    written (:class:`WriteFault`, raised by the writers through :func:`write_faults`: a full
    disk, a folder that became read-only) becomes one message naming ``what`` and ``path``,
    the OS or GDAL reason and what to do. A process killed while writing cannot clean up: its
    temporary files carry its process id (``.<name>.<pid>-<random>.partial``), and
    :func:`remove_stale_partials` deletes those of dead processes at the next run into
    the same folder.
    """
    final = Path(path)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HsiLimeError(
            f"{what}: cannot create the folder {final.parent} ({error.strerror}); "
            "choose a destination in a writable folder."
        ) from None
    remove_stale_partials(final.parent)
    stem = f".{final.stem}.{os.getpid()}-{secrets.token_hex(4)}.partial"
    temporary = final.parent / f"{stem}{final.suffix}"
    succeeded = False
    try:
        yield temporary
        succeeded = True
    except WriteFault as fault:
        if not fault.path.name.startswith(stem):
            raise
        raise HsiLimeError(fault.message(what, final, temporary)) from None
    finally:
        _finish(final, stem, succeeded, what)


def _finish(final: Path, stem: str, succeeded: bool, what: str) -> None:
    """Rename the temporary pieces of ``final`` into place, or remove them; a rename that fails removes the
    rest and says why. A piece that cannot be removed (a folder turned read-only) stays hidden under its
    ``.partial`` name until :func:`remove_stale_partials` finds it."""
    try:
        pieces = [p for p in final.parent.iterdir() if p.name == stem or p.name.startswith(stem + ".")]
    except OSError:
        return
    failure = None
    for piece in pieces:
        if succeeded and failure is None:
            try:
                os.replace(piece, final.parent / (final.stem + piece.name[len(stem):]))
                continue
            except OSError as error:
                failure = WriteFault(piece, error)
        with contextlib.suppress(OSError):
            piece.unlink(missing_ok=True)
    if failure is not None:
        raise HsiLimeError(failure.message(what, final, failure.path))


class WriteFault(Exception):
    """A fault of the file system (or of GDAL writing to it) while writing the temporary file ``path``;
    :func:`atomic_output` of that file turns it into the user's message.

    Parameters
    ----------
    path : Path
        The temporary file (or a sidecar of it) being written.
    error : Exception
        What the OS or GDAL raised.
    """

    def __init__(self, path, error: BaseException):
        super().__init__(f"{path}: {error}")
        self.path, self.error = Path(path), error

    def message(self, what: str, final: Path, temporary: Path) -> str:
        """``{what}: writing {final} failed: {reason}; nothing was written. {what to do}``"""
        reason = " ".join(str(self.error).split()).replace(str(temporary), str(final))
        reason = reason.replace(f": {final}: ", ": ")  # GDAL 3.10 names the file again before the OS's reason
        if isinstance(self.error, OSError) and self.error.strerror:
            reason = f"[Errno {self.error.errno}] {self.error.strerror}"
        kind = _fault_kind(self.error, reason)
        free = _free_space(final.parent)
        advice = {
            "full": f"the disk holding {final.parent} is full{free}: free some space there or choose a "
                    "destination with room, then run again",
            "refused": f"{final.parent} cannot be written to any more (read-only or refused): choose a destination "
                       "in a writable folder, then run again",
        }.get(kind, f"check the disk or network share holding {final.parent}{free}, then run again")
        return f"{what}: writing {final} failed: {reason}; nothing was written ({advice})."


#: errno values of a full disk (ENOSPC, EDQUOT, EFBIG) and of a folder that refuses writing (EROFS, EACCES,
#: EPERM), and the words GDAL and SQLite use for them.
_FULL = ({errno.ENOSPC, errno.EDQUOT, errno.EFBIG}, ("no space left", "disk is full", "disk full", "quota"))
_REFUSED = ({errno.EROFS, errno.EACCES, errno.EPERM}, ("read-only file system", "permission denied"))


def _fault_kind(error: BaseException, reason: str) -> str:
    code, text = getattr(error, "errno", None), reason.lower()
    for kind, (codes, words) in (("full", _FULL), ("refused", _REFUSED)):
        if code in codes or any(word in text for word in words):
            return kind
    return "other"


def _free_space(folder: Path) -> str:
    """`` (12.0 MiB free)``, or nothing when the OS does not tell."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return ""
    return f" ({free / (1 << 20):.1f} MiB free)"


#: What the writers catch as a fault of the destination: the OS's errors (rasterio's RasterioIOError among
#: them) and the RuntimeError that fiona and pyogrio raise for GDAL's.
WRITE_ERRORS = (OSError, RuntimeError)


@contextlib.contextmanager
def write_faults(path: str | os.PathLike) -> Iterator[None]:
    """Within the block, an error of writing ``path`` (a temporary output) becomes a :class:`WriteFault`
    for its :func:`atomic_output`; used around each writer's own file operations only, so that nothing
    else is ever mistaken for a fault of the destination."""
    try:
        yield
    except WriteFault:
        raise
    except WRITE_ERRORS as error:
        raise WriteFault(path, error) from error


#: A temporary output's name: ``.<name>.<pid>-<random>.partial<suffixes>``.
PARTIAL = re.compile(r"^\..+\.(\d+)-[0-9a-f]{8}\.partial(\..*)?$")


def remove_stale_partials(folder: Path) -> list[Path]:
    """Delete the temporary outputs in ``folder`` left by processes that no longer run."""
    removed = []
    for path in folder.iterdir():
        match = PARTIAL.match(path.name)
        if match and not _process_alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (when in doubt: yes, so its files are kept)."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)
        return bool(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's), or cannot tell: keep its files
    return True


#: What each kind of destination can be written as (extension -> driver), and the message
#: for any other name: ``{suffix}`` is its extension, ``{name}`` the file name, ``{endings}``
#: and ``{choices}`` the extensions that work.
KINDS = {
    "raster": ({suffix: "GTiff" for suffix in RASTER_EXTENSIONS},
               "cannot write a raster as '{suffix}'; give a file name ending in {endings}"),
    "spectral_raster": ({**{suffix: "GTiff" for suffix in RASTER_EXTENSIONS}, ".vrt": "VRT"},
                        "cannot write a raster as '{suffix}'; give a file name ending in {endings}"),
    "vector": (VECTOR_DRIVERS, "cannot write '{suffix}' files; use one of {choices}"),
    "table": (TABLE_DRIVERS, "cannot write a table as '{suffix}'; give a file name ending in {endings}"),
    "figure": ({suffix: "PNG" for suffix in FIGURE_EXTENSIONS},
               "the figure is written as PNG; give a file name ending in {endings}, not '{name}'"),
    "report": ({suffix: "HTML" for suffix in REPORT_EXTENSIONS},
               "the report is written as HTML; give a file name ending in {endings}, not '{name}'"),
}


def driver_for(path: str | os.PathLike, kind: str, what: str) -> str:
    """The driver that writes a ``kind`` destination with ``path``'s extension, or an error naming those that work."""
    drivers, problem = KINDS[kind]
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in drivers:
        extensions = sorted(drivers)
        message = problem.format(suffix=suffix or path.name, name=path.name, endings=" or ".join(extensions),
                                 choices=", ".join(extensions))
        raise HsiLimeError(f"{what}: {message}.")
    return drivers[suffix]


class OutputSet:
    """Every destination of a run: checked before any work starts, written together, atomically.

    Parameters
    ----------
    inputs : iterable of path-like
        The run's input files; a destination equal to one of them is refused, so that
        no input is ever overwritten.
    """

    def __init__(self, inputs=(), record: dict | None = None):
        self._inputs = {_key(path) for path in inputs if path}
        self.paths: dict[str, Path] = {}
        self.drivers: dict[str, str] = {}
        self.folders: dict[str, Path] = {}
        self.record = record

    @classmethod
    def of(cls, outputs, inputs=(), record: dict | None = None) -> "OutputSet":
        """Every destination of a run's outputs (:class:`hsi_lime_plugin.settings.Outputs`), checked; with the
        run's ``record`` (:func:`~hsi_lime_plugin.outputs.run_record.record_of_run`), which :meth:`writing` stores
        in every output that holds metadata."""
        checked = cls(inputs, record)
        for argument, path, kind in outputs.destinations():
            if kind == "folder":
                checked.add_folder(argument, path)
            else:
                checked.add(argument, path, kind)
        return checked

    def add_folder(self, argument: str, path) -> None:
        """Check and register a destination folder (created when missing; its files are written atomically)."""
        if not path:
            return
        folder = Path(path)
        _check_writable(folder, arg(argument))
        self.folders[argument] = folder

    def add(self, argument: str, path, kind: str) -> None:
        """Check and register the destination of ``argument`` (skipped when ``path`` is empty).

        Refuses an extension no driver writes, a path that is an input or another
        output's, and a folder that cannot be written, each with its own message.
        """
        if not path:
            return
        what, path = arg(argument), Path(path)
        self.drivers[argument] = driver_for(path, kind, what)
        key = _key(path)
        if key in self._inputs:
            raise HsiLimeError(
                f"{what}: {path} is an input of this run; writing there would destroy it. Choose another file."
            )
        for other, taken in self.paths.items():
            if _key(taken) == key:
                raise HsiLimeError(
                    f"{what}: {path} is also the destination of {arg(other)}; give each output its own file."
                )
        _check_writable(path.parent, what)
        self.paths[argument] = path

    def __contains__(self, argument: str) -> bool:
        return argument in self.paths or argument in self.folders

    def written(self) -> dict[str, str]:
        """Every destination by argument name, as text (what a run reports it wrote)."""
        return {argument: str(path) for argument, path in {**self.paths, **self.folders}.items()}

    @contextlib.contextmanager
    def writing(self) -> Iterator[Callable[[str], Path]]:
        """Yield ``temporary(argument)``: the temporary path to write that output to.

        Every output requested in the block is moved to its destination when the block
        ends without an exception, and discarded otherwise (:func:`atomic_output`); with a
        run record, each is tagged with it first (:func:`~.run_record.tag_file`).
        """
        requested: dict[str, Path] = {}

        def temporary(argument: str) -> Path:
            requested[argument] = stack.enter_context(atomic_output(self.paths[argument], arg(argument)))
            return requested[argument]

        with contextlib.ExitStack() as stack:
            yield temporary
            if self.record is not None:
                from .run_record import tag_file

                for argument, path in requested.items():
                    with write_faults(path):
                        tag_file(path, self.record, argument)


def _key(path) -> str:
    return os.path.normcase(os.path.realpath(os.fspath(path)))


def _check_writable(folder: Path, what: str) -> None:
    """The nearest existing folder above the destination must be writable (missing ones are created)."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise HsiLimeError(
            f"{what}: the folder {existing} cannot be written to; choose a destination in a writable folder."
        )


def write_vector(frame, path: str | os.PathLike, layer_name: str, driver: str) -> None:
    """Write a GeoDataFrame with geopandas; ``layer_name`` names the GeoPackage layer.

    fiona reports a GDAL flush that fails inside its destructors (a disk that filled up) through
    ``sys.unraisablehook``, which prints a traceback on stderr: such reports are collected during the
    write and become its fault instead."""
    options = {"layer": layer_name} if driver == "GPKG" else {}
    unraisable, previous = [], sys.unraisablehook
    sys.unraisablehook = unraisable.append
    try:
        with write_faults(path):
            frame.to_file(path, driver=driver, **options)
            if unraisable:
                raise WriteFault(path, unraisable[0].exc_value)
    finally:
        sys.unraisablehook = previous
