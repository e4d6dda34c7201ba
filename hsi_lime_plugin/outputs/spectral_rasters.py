"""A sensor product saved as a spectral raster every hyperspectral tool reads: hsilime:import_product's output.

Band metadata in the conventions hsi-lime (:mod:`hsi_lime_plugin.inputs.wavelengths`,
:mod:`hsi_lime_plugin.inputs.bands`) and EnMAP-Box both read: per band, in the default domain,
``wavelength`` and ``wavelength_units`` (Nanometers), ``fwhm`` and ``bbl`` (1 good, 0 bad), the band
description naming the band; for the whole dataset, in the ENVI domain, the same as ``{...}`` lists.
Values are reflectance (0-1), Float32, nodata :data:`NODATA`, GDAL's band scale 1 and offset 0.

* :func:`write_product_tiff`: a GeoTIFF, read from the product strip by strip (every product);
* :func:`write_product_vrt`: a VRT over the product's own image, each band's gain and offset in its source
  (EnMAP, DESIS: nothing is resampled or reordered, so nothing need be copied).
"""
from __future__ import annotations

import html
import os

import numpy as np
import rasterio

from ..memory import available_memory
from .atomic import write_faults
from .rasters import check_complete

NODATA = -9999.0
#: The share of the available memory one strip of the product may take while it is copied.
STRIP_SHARE = 0.1


def band_tags(product, kept: np.ndarray) -> list[dict]:
    """Per kept band its default-domain tags: wavelength, units, FWHM and the bad-band flag."""
    bands = product.bands
    bad = bands.bad_mask(product.grid.count)
    tags = []
    for band in kept:
        item = {"wavelength": f"{bands.wavelengths[band]:.6g}", "wavelength_units": "Nanometers",
                "bbl": "0" if bad[band] else "1"}
        if bands.fwhm is not None:
            item["fwhm"] = f"{bands.fwhm[band]:.6g}"
        tags.append(item)
    return tags


def envi_lists(tags: list[dict]) -> dict:
    """The dataset-level ENVI-domain lists of the same values (``{v1, v2, ...}``)."""
    lists = {key: "{" + ", ".join(t[key] for t in tags) + "}" for key in ("wavelength", "fwhm", "bbl")
             if all(key in t for t in tags)}
    return {**lists, "wavelength_units": "Nanometers"}


def strip_rows(product, count: int) -> int:
    """Rows of the grid read at once: :data:`STRIP_SHARE` of the available memory, at least one."""
    per_row = 4 * 3 * count * product.grid.width  # the cube, its mask and the product's own read
    return int(max(1, min(product.grid.height, STRIP_SHARE * available_memory() // max(per_row, 1))))


def write_product_tiff(path, product, kept: np.ndarray, reporter) -> None:
    """Write the product's ``kept`` bands (0-based) as a Float32 GeoTIFF at ``path``, strip by strip."""
    grid = product.grid
    profile = dict(driver="GTiff", width=grid.width, height=grid.height, count=int(kept.size), dtype="float32",
                   crs=grid.crs, transform=grid.transform, nodata=NODATA, compress="deflate", predictor=3,
                   tiled=True, blockxsize=256, blockysize=256, BIGTIFF="IF_SAFER")
    tags = band_tags(product, kept)
    rows = strip_rows(product, kept.size)
    with write_faults(path):
        with rasterio.open(path, "w", **profile) as dataset:
            for index, (band, item) in enumerate(zip(kept, tags), start=1):
                dataset.set_band_description(index, product.band_names[band])
                dataset.update_tags(index, **item)
            dataset.update_tags(ns="ENVI", **envi_lists(tags))
            dataset.scales, dataset.offsets = (1.0,) * kept.size, (0.0,) * kept.size
            for row in range(0, grid.height, rows):
                reporter.check_cancelled()
                height = min(rows, grid.height - row)
                cube, valid = product.read((row, 0, height, grid.width), kept)
                cube[:, ~valid] = NODATA
                dataset.write(cube, window=rasterio.windows.Window(0, row, grid.width, height))
                reporter.progress((row + height) / grid.height)
        check_complete(path)


def write_product_vrt(path, product, kept: np.ndarray) -> None:
    """Write a VRT at ``path`` whose bands read the product's image (``product.image``), scaled to reflectance
    in their sources (``ScaleRatio`` the gain, ``ScaleOffset`` the offset), its nodata kept as :data:`NODATA`."""
    grid = product.grid
    with rasterio.open(product.image) as image:
        source_nodata = image.nodata if product.nodata is None else product.nodata
    tags = band_tags(product, kept)
    source = html.escape(product.image if product.image.startswith("/vsi") else os.path.abspath(product.image))
    crs = "" if grid.crs is None else f"<SRS>{html.escape(grid.crs.to_wkt())}</SRS>"
    lines = [f'<VRTDataset rasterXSize="{grid.width}" rasterYSize="{grid.height}">', crs,
             f"<GeoTransform>{', '.join(repr(v) for v in grid.transform.to_gdal())}</GeoTransform>",
             _metadata(envi_lists(tags), ' domain="ENVI"')]
    rectangle = f'xOff="0" yOff="0" xSize="{grid.width}" ySize="{grid.height}"'
    for index, (band, item) in enumerate(zip(kept, tags), start=1):
        nodata = "" if source_nodata is None else f"<NODATA>{source_nodata!r}</NODATA>"
        lines += [f'<VRTRasterBand dataType="Float32" band="{index}">',
                  f"<Description>{html.escape(product.band_names[band])}</Description>",
                  f"<NoDataValue>{NODATA!r}</NoDataValue>", _metadata(item, ""),
                  f'<ComplexSource><SourceFilename relativeToVRT="0">{source}</SourceFilename>'
                  f"<SourceBand>{band + 1}</SourceBand><SrcRect {rectangle}/><DstRect {rectangle}/>{nodata}"
                  f"<ScaleOffset>{float(product.offsets[band])!r}</ScaleOffset>"
                  f"<ScaleRatio>{float(product.gains[band])!r}</ScaleRatio></ComplexSource>",
                  "</VRTRasterBand>"]
    lines.append("</VRTDataset>")
    with write_faults(path), open(os.fspath(path), "w", encoding="utf-8") as stream:
        stream.write("\n".join(line for line in lines if line) + "\n")


def _metadata(items: dict, domain: str) -> str:
    entries = "".join(f'<MDI key="{html.escape(key)}">{html.escape(value)}</MDI>' for key, value in items.items())
    return f"<Metadata{domain}>{entries}</Metadata>"
