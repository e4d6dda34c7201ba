"""hsilime:import_product from files to files: a sensor product saved as a spectral raster for any project.

Every algorithm reads the products directly (:mod:`hsi_lime_plugin.inputs.products`); importing is for
users who want the cube in their project, or in tools that do not know the products. The output holds
reflectance (0-1) on the product's map grid with its wavelengths, FWHM, bad-band list and nodata
(:mod:`hsi_lime_plugin.outputs.spectral_rasters`), its bad bands optionally left out. A ``.vrt``
destination writes a VRT over the product's own image where nothing must be resampled or reordered
(EnMAP, DESIS); every product can be written as a GeoTIFF.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import HsiLimeError, arg, plural
from ..inputs.raster import product_at
from ..outputs.atomic import OutputSet
from ..outputs.spectral_rasters import write_product_tiff, write_product_vrt
from ..reporting import Reporter, reporter_or_default
from ..reports.figures import colour_bands
from ..settings import ImportOutputs, ImportSettings

#: What every algorithm reads as a sensor product, for the message about a file that is none.
KNOWN = ("EMIT L2A reflectance (EMIT_L2A_RFL_*.nc), EnMAP L2A (*-METADATA.XML, *-SPECTRAL_IMAGE.TIF or the ZIP), "
         "PRISMA L2D (PRS_L2D_*.he5), DESIS L2A (*-SPECTRAL_IMAGE.tif with its .hdr), Tanager ortho surface "
         "reflectance (*_ortho_sr_hdf5.h5) and AVIRIS L2A (*_RFL_ORT.nc)")


@dataclass
class ImportRun:
    """What :func:`run_import` wrote: the file, the product, its bands, and the bands an RGB view shows (1-based)."""

    output: str
    product: str
    n_bands: int
    dropped: int
    rgb: tuple[int, int, int]
    rendering: str


def run_import(product: str, output: str, *, drop_bad_bands: bool = False,
               reporter: Reporter | None = None) -> ImportRun:
    """Save the sensor product at ``product`` as ``output`` (``.tif``: GeoTIFF; ``.vrt``: a VRT over an EnMAP or
    DESIS image), optionally without its bad bands."""
    return run(ImportSettings(product, ImportOutputs(output), drop_bad_bands), reporter)


def run(settings: ImportSettings, reporter: Reporter | None = None) -> ImportRun:
    """:func:`run_import` with its settings as an object."""
    reporter = reporter_or_default(reporter)
    outputs = OutputSet.of(settings.outputs, [settings.product])
    with reporter.active():
        product = _open(settings.product)
        outputs = OutputSet.of(settings.outputs, [settings.product, *product.files])
        bad = product.bands.bad_mask(product.grid.count)
        kept = np.flatnonzero(~bad) if settings.drop_bad_bands else np.arange(product.grid.count)
        reporter.info(f"{arg('product')}: {product.name}, {product.grid.count} bands ({int(bad.sum())} bad), "
                      f"{product.grid.height} x {product.grid.width} pixels; writing {plural(kept.size, 'band')}")
        vrt = Path(settings.outputs.raster).suffix.lower() == ".vrt"
        if vrt and not hasattr(product, "image"):
            raise HsiLimeError(
                f"{arg('output')}: a VRT can only point at an image that needs no resampling or reordering (EnMAP, "
                f"DESIS); {product.name} must be copied: give a .tif destination."
            )
        with outputs.writing() as temporary:
            if vrt:
                write_product_vrt(temporary("output"), product, kept)
            else:
                write_product_tiff(temporary("output"), product, kept, reporter)
    picks, rendering = colour_bands(product.bands.wavelengths[kept], kept.size)
    return ImportRun(str(settings.outputs.raster), product.name, int(kept.size), int(bad.sum()) if
                     settings.drop_bad_bands else 0, tuple(int(p) + 1 for p in picks), rendering)


def _open(path: str):
    if not Path(path).is_file():
        raise HsiLimeError(f"{arg('product')}: {path} does not exist; choose the product's file ({KNOWN}).")
    found = product_at(path, arg("product"))
    if found is None:
        raise HsiLimeError(
            f"{arg('product')}: {path} is not a sensor product hsi-lime knows ({KNOWN}); a GeoTIFF, ENVI or other "
            "GDAL raster needs no import: every algorithm reads it directly."
        )
    return found
