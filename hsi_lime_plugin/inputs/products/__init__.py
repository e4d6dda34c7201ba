"""Sensor products opened as they are downloaded: one module per product family behind :func:`open_product`.

* :mod:`.emit`: NASA EMIT L2A reflectance (NetCDF-4), orthorectified through its GLT;
* :mod:`.enmap`: DLR EnMAP L2A (GeoTIFF and METADATA.XML, or the product ZIP);
* :mod:`.prisma`: ASI PRISMA L2D (HDF-EOS5 ``.he5``);
* :mod:`.desis`: DESIS L2A (GeoTIFF and its ENVI header);
* :mod:`.tanager`: Planet Tanager ortho surface reflectance (HDF-EOS5);
* :mod:`.aviris`: AVIRIS-3/-5/-NG L2A ``*_RFL_ORT.nc`` (NetCDF-4; AVIRIS-NG's ENVI files are plain rasters);
* :mod:`.hierarchy` and :mod:`.xml_tree`: GDAL's multidimensional API and XML parser, which need GDAL's own
  Python bindings (``osgeo``); :mod:`.scaled_image`: counts x gain + offset, read with rasterio.

The reader is chosen from the file's structure: its first bytes (HDF5, TIFF, XML, ZIP), then what it
holds (the arrays and groups of an HDF5 file, the XML's band characterisation, the ENVI header beside a
DESIS image); a product's files are found beside each other by the product's naming. A product that is
recognised but not readable (another level, radiance, a missing part) is refused with what to give
instead; anything else is not a product (None) and is read as a GDAL raster. Opened products are kept
per process (:data:`CACHE_SIZE`, keyed by path, size and modification time): a run opens its raster's
header several times, and an EMIT granule's GLT is read once.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

from ...errors import HsiLimeError, arg
from ..signatures import signature
from .product import Product

__all__ = ["Product", "open_product"]

#: Opened products kept per process.
CACHE_SIZE = 8
_CACHE: OrderedDict = OrderedDict()
_LOCK = threading.Lock()
#: Names in the subdataset list of a NetCDF-4/HDF5 file that only the sensor products hold.
PRODUCT_MARKERS = ("glt_x", "/PRS_L", "/HYP/", "/reflectance/reflectance", "/radiance/radiance")
#: Words of an XML file that make it a product's metadata worth parsing (a VRT is XML too).
XML_MARKERS = ("bandCharacterisation", "<level_X")


def open_product(path, what: str = arg("raster")) -> Product | None:
    """The sensor product at ``path``, or None when it is not one (then it is read as a GDAL raster).

    Raises :class:`~hsi_lime_plugin.errors.HsiLimeError` for a product that is recognised but cannot be read
    (a damaged file, another level, a missing metadata file or image, a band count that disagrees)."""
    text = str(path)
    if text.startswith("/vsi") or "://" in text or not os.path.isfile(text):
        return None
    status = os.stat(text)
    key = (os.path.abspath(text), status.st_size, status.st_mtime_ns)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    product = _identify(Path(text), signature(text), what)
    if product is not None:
        with _LOCK:
            _CACHE[key] = product
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
    return product


def _identify(path: Path, kind: str | None, what: str) -> Product | None:
    if kind == "hdf5":
        return _hierarchical(path, what)
    if kind == "tiff":
        return _image(path, what)
    if kind == "zip":
        from .enmap import open_enmap_zip

        return open_enmap_zip(path, what)
    if kind == "xml":
        return _metadata(path, what)
    return None


def _hierarchical(path: Path, what: str) -> Product | None:
    """EMIT, PRISMA, Tanager or AVIRIS from the groups and arrays of a NetCDF-4/HDF5 file."""
    from . import aviris, emit, prisma, tanager
    from .hierarchy import Hierarchy, gdal_module, has_gdal, with_article

    if not has_gdal():  # told apart by the names GDAL's classic view lists, to say what is needed
        if not any(marker in _subdatasets(path) for marker in PRODUCT_MARKERS):
            return None
        gdal_module(path, what, "a NetCDF-4/HDF5 sensor product")
    hierarchy = Hierarchy(path, what, "a NetCDF-4/HDF5 file")
    for test, opener, name in ((emit.is_emit, emit.open_emit, emit.NAME),
                               (prisma.is_prisma, prisma.open_prisma, prisma.NAME),
                               (tanager.is_tanager, tanager.open_tanager, tanager.NAME),
                               (aviris.is_aviris, aviris.open_aviris, aviris.NAME)):
        if test(hierarchy):
            hierarchy.product = with_article(name)
            return opener(hierarchy, what)
    return None


def _subdatasets(path: Path) -> str:
    """The names of the subdatasets rasterio lists for ``path`` (empty when it lists none)."""
    import warnings

    import rasterio

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a container of subdatasets has no georeference: not this question
            with rasterio.open(path) as dataset:
                return " ".join(dataset.subdatasets)
    except Exception:  # noqa: BLE001 - any file rasterio cannot open is simply not told apart here
        return ""


def _image(path: Path, what: str) -> Product | None:
    """EnMAP (METADATA.XML beside) or DESIS (ENVI header beside) from a GeoTIFF; None for any other."""
    from . import desis, enmap

    if desis.is_desis_image(path):
        return desis.open_desis(path, path, what)
    metadata = enmap.metadata_of(path)
    if metadata is not None:
        root = _read_xml(metadata, what)
        return enmap.open_enmap_files(path, metadata, root, path, what) if enmap.is_enmap_metadata(root) else None
    if enmap.IMAGE.match(path.name) and path.name.upper().startswith("ENMAP"):
        raise enmap.missing_metadata(path, what)
    return None


def _metadata(path: Path, what: str) -> Product | None:
    """An EnMAP METADATA.XML (by its structure) or a DESIS one (by its image beside it)."""
    from . import desis, enmap

    if desis.METADATA.match(path.name):
        image = desis.image_of(path)
        if image is None:
            raise HsiLimeError(f"{what}: {path} is the metadata of a DESIS product, but its image "
                               "(*-SPECTRAL_IMAGE.tif beside it) is missing; keep the product's files together.")
        return desis.open_desis(image, path, what)
    text = path.read_text(encoding="utf-8", errors="replace")
    if not any(marker in text for marker in XML_MARKERS):
        return None
    root = _read_xml(path, what, text)
    return enmap.open_enmap_files(enmap.image_of(path), path, root, path, what) if enmap.is_enmap_metadata(root) \
        else None


def _read_xml(path: Path, what: str, text: str | None = None):
    from .xml_tree import parse_xml

    text = path.read_text(encoding="utf-8", errors="replace") if text is None else text
    return parse_xml(text, path, what, "a product's metadata")
