"""Write output files atomically: a run that fails or is cancelled leaves nothing behind.

Every output of a workflow is written inside :func:`atomic_output`: under a temporary
name in the destination folder (same file system, so the final rename is atomic), and
renamed only when the block finishes without an exception. Formats made of several files
(a Shapefile's ``.shp/.dbf/.shx/.prj``, GDAL's ``.aux.xml``) are renamed together.
Nest several outputs with :class:`contextlib.ExitStack` so that one failure discards all.
"""
from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Iterator

from .errors import HsiLimeError


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, what: str = "output") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it (and its sidecars) to ``path`` on success.

    Parameters
    ----------
    path : path-like
        The final destination. Its folder is created if missing.
    what : str
        The parameter name used in error messages (e.g. ``"OUTPUT"``).

    On any exception (including cancellation) the temporary files are removed and the
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
    stem = f".{final.stem}.{secrets.token_hex(4)}.partial"
    temporary = final.parent / f"{stem}{final.suffix}"
    succeeded = False
    try:
        yield temporary
        succeeded = True
    finally:
        pieces = [p for p in final.parent.iterdir() if p.name == stem or p.name.startswith(stem + ".")]
        for piece in pieces:
            if succeeded:
                os.replace(piece, final.parent / (final.stem + piece.name[len(stem) :]))
            else:
                piece.unlink(missing_ok=True)


#: OGR driver for each vector file extension the outputs support.
VECTOR_DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON"}


def driver_for(path: str | os.PathLike, drivers: dict[str, str], what: str, problem: str, fix: str) -> str:
    """The OGR driver ``drivers`` maps the destination's extension to, or an error saying which work."""
    suffix = Path(path).suffix.lower()
    if suffix not in drivers:
        raise HsiLimeError(f"{what}: {problem.format(suffix or Path(path).name)}; {fix}.")
    return drivers[suffix]


def vector_driver(path: str | os.PathLike, what: str) -> str:
    """The OGR driver for a vector destination, or an error listing the supported extensions."""
    return driver_for(
        path, VECTOR_DRIVERS, what, "cannot write '{}' files", f"use one of {', '.join(sorted(VECTOR_DRIVERS))}"
    )


def write_vector(frame, path: str | os.PathLike, layer_name: str, driver: str) -> None:
    """Write a GeoDataFrame with geopandas; ``layer_name`` names the GeoPackage layer."""
    options = {"layer": layer_name} if driver == "GPKG" else {}
    frame.to_file(path, driver=driver, **options)
