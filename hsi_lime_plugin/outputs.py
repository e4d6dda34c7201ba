"""Write output files atomically: a run that fails or is cancelled leaves nothing behind.

Every writer in the engine goes through :func:`atomic_output`: the file is written under
a temporary name in the destination folder (same file system, so the final rename is
atomic) and renamed only when the writer returns without an exception.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import HsiLimeError


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, what: str = "output") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` on success.

    Parameters
    ----------
    path : path-like
        The final destination. Its folder must exist (it is created if missing).
    what : str
        The parameter name used in error messages (e.g. ``"OUTPUT"``).

    On any exception (including cancellation) the temporary file is removed and the
    destination is left untouched.
    """
    final = Path(path)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HsiLimeError(
            f"{what}: cannot create the folder {final.parent} ({error.strerror}); "
            "choose a destination in a writable folder."
        ) from None
    fd, temporary = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=f".partial{final.suffix}", dir=final.parent)
    os.close(fd)
    os.unlink(temporary)  # writers (GDAL, OGR) want to create the file themselves
    temporary_path = Path(temporary)
    try:
        yield temporary_path
        os.replace(temporary_path, final)
    finally:
        for leftover in final.parent.glob(temporary_path.name + "*"):
            leftover.unlink(missing_ok=True)
