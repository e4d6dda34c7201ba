"""DLR EnMAP L2A surface reflectance: ``*-SPECTRAL_IMAGE.TIF`` (or ``_COG.TIF``) with ``*-METADATA.XML``, or their ZIP.

Layout (DLR's EnMAP Level 1B/1C/2A product specification; EnMAP-Box's "Import EnMAP L2A product"):

* the image: a GeoTIFF of counts on the product's UTM (or LAEA) grid, one band per channel, in wavelength
  order, nodata -32768;
* the XML (root ``level_X``): ``base/level`` (``L2A``); per channel ``specific/bandCharacterisation/bandID``
  with ``wavelengthCenterOfBand``, ``FWHMOfBand``, ``GainOfBand`` and ``OffsetOfBand`` (reflectance = count x
  gain + offset); ``specific/vnirProductQuality/expectedChannelsList`` and ``swirProductQuality`` (the channels
  of each detector: the two overlap from about 900 to 1000 nm and both are kept, named by detector; a
  channel in neither list is a bad band); ``product/bandStatistics/bandID`` (``mean``, ``stdDeviation``): a
  channel of one value everywhere (standard deviation 0) holds no data, a bad band;
* the ZIP DLR delivers: a folder holding both.

Either file may be given; the other is found beside it by the product's naming. EnMAP's L1B (two images,
not orthorectified) and L1C (radiance) are refused with the level to order.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np

from ...errors import HsiLimeError
from ..bands import BandInfo
from .product import check_band_count
from .scaled_image import ScaledImage, image_grid
from .xml_tree import Node, parse_xml

NAME = "EnMAP L2A surface reflectance"
IMAGE = re.compile(r"^(?P<stem>.+)-SPECTRAL_IMAGE(_COG)?\.TIF$", re.IGNORECASE)
METADATA = re.compile(r"^(?P<stem>.+)-METADATA\.XML$", re.IGNORECASE)


def is_enmap_metadata(root: Node) -> bool:
    """Whether an XML tree is an EnMAP product's metadata: per-channel band characterisation."""
    return root.find("specific/bandCharacterisation") is not None


def sibling(path: Path, pattern: re.Pattern, suffixes: tuple[str, ...]) -> Path | None:
    """The file beside ``path`` named by its stem (``pattern``'s group) and one of ``suffixes``, any case."""
    match = pattern.match(path.name)
    if match is None:
        return None
    wanted = {(match.group("stem") + suffix).lower() for suffix in suffixes}
    found = sorted(p for p in path.parent.iterdir() if p.name.lower() in wanted) if path.parent.is_dir() else []
    return found[0] if found else None


def metadata_of(image: Path) -> Path | None:
    return sibling(image, IMAGE, ("-METADATA.XML",))


def image_of(metadata: Path) -> Path | None:
    return sibling(metadata, METADATA, ("-SPECTRAL_IMAGE.TIF", "-SPECTRAL_IMAGE_COG.TIF"))


def open_enmap_files(image: Path | None, metadata: Path, root: Node, given, what: str) -> ScaledImage:
    """The product of ``metadata`` (parsed as ``root``) and its ``image``; ``given`` is the path the user gave."""
    if image is None:
        raise HsiLimeError(
            f"{what}: {given} is the metadata of an EnMAP product, but its image (*-SPECTRAL_IMAGE.TIF beside it, "
            "same name) is missing; keep the product's files together in one folder (unpack the whole ZIP), or "
            "give the product's ZIP."
        )
    return _product(root, str(image), [str(image), str(metadata)], given, what)


def missing_metadata(image: Path, what: str) -> HsiLimeError:
    return HsiLimeError(
        f"{what}: {image} is an EnMAP image without its metadata (*-METADATA.XML beside it, same name), which holds "
        "its wavelengths, gains and offsets; keep the product's files together in one folder (unpack the whole "
        "ZIP), or give the product's ZIP."
    )


def open_enmap_zip(path: Path, what: str) -> ScaledImage | None:
    """The EnMAP product inside the ZIP ``path``; None when the ZIP holds none."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            metadata = next((n for n in names if METADATA.match(PurePosixPath(n).name)), None)
            text = archive.read(metadata).decode("utf-8", "replace") if metadata else None
    except (zipfile.BadZipFile, OSError) as error:
        raise HsiLimeError(f"{what}: {path} is a damaged or incomplete ZIP ({error}); download it again.") from None
    if text is None:
        return None
    root = parse_xml(text, f"{path}/{metadata}", what, "an EnMAP product")
    if not is_enmap_metadata(root):
        return None
    stem = METADATA.match(PurePosixPath(metadata).name).group("stem").lower()
    images = [n for n in names if (m := IMAGE.match(PurePosixPath(n).name)) and m.group("stem").lower() == stem]
    if not images:
        raise HsiLimeError(f"{what}: {path} holds the metadata of an EnMAP product but not its image "
                           "(*-SPECTRAL_IMAGE.TIF); download the whole product again.")
    return _product(root, f"/vsizip/{path}/{images[0]}", [str(path)], path, what)


def _product(root: Node, image: str, files: list, given, what: str) -> ScaledImage:
    level = root.text_at("base/level") or root.text_at("metadata/schema/processingLevel")
    if level.upper() != "L2A":
        raise HsiLimeError(
            f"{what}: {given} is an EnMAP {level or 'product of unknown level'} product; hsi-lime reads surface "
            "reflectance, level L2A: order the L2A product of the scene and give it instead."
        )
    characterisation = root.findall("specific/bandCharacterisation/bandID")
    columns = {key: np.array([float(band.text_at(key, "nan")) for band in characterisation])
               for key in ("wavelengthCenterOfBand", "FWHMOfBand", "GainOfBand", "OffsetOfBand")}
    grid = image_grid(image, what)
    check_band_count(given, what, f"an {NAME} product", grid.count, len(characterisation),
                     "its METADATA.XML (specific/bandCharacterisation)")
    detectors = _detectors(root, grid.count)
    bad = tuple(int(b) for b in np.flatnonzero((detectors == "") | _constant_bands(root, grid.count)))
    wavelengths = columns["wavelengthCenterOfBand"]
    names = [f"{detector or 'band'} {index + 1} ({w:.6g} nm){', bad band' if index in bad else ''}"
             for index, (detector, w) in enumerate(zip(detectors, wavelengths))]
    bands = BandInfo(wavelengths, columns["FWHMOfBand"], bad, NAME)
    return ScaledImage(str(given), NAME, grid, bands, files, names, image=image, gains=columns["GainOfBand"],
                       offsets=np.nan_to_num(columns["OffsetOfBand"]), nodata=None, what=what)


def _detectors(root: Node, count: int) -> np.ndarray:
    """Per channel ``"VNIR"`` or ``"SWIR"`` (its detector; VNIR where both list it) or ``""`` (in neither list);
    ``"band"`` for every channel when the XML lists none."""
    detectors = np.full(count, "", dtype=object)
    listed = False
    for name in ("swir", "vnir"):
        text = root.text_at(f"specific/{name}ProductQuality/expectedChannelsList")
        channels = [int(item) - 1 for item in re.split(r"[,\s]+", text) if item.strip().isdigit()]
        listed |= bool(channels)
        detectors[[c for c in channels if 0 <= c < count]] = name.upper()
    return detectors if listed else np.full(count, "band", dtype=object)


def _constant_bands(root: Node, count: int) -> np.ndarray:
    """Channels whose band statistics say one value everywhere (standard deviation 0): no data."""
    constant = np.zeros(count, dtype=bool)
    for band in root.findall("product/bandStatistics/bandID"):
        number = int(band.attributes.get("number", 0)) - 1
        deviation = band.text_at("stdDeviation")
        if 0 <= number < count and deviation and float(deviation) == 0.0:
            constant[number] = True
    return constant
