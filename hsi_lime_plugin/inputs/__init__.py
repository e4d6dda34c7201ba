"""Inputs: what a run reads, and nothing it computes.

* :mod:`.raster`: a raster (any GDAL format or sensor product, whole or a window) as a :class:`~.raster.RasterCube`;
* :mod:`.scene`: a run's raster opened once: its grid, bands and product, checked the same way on every path;
* :mod:`.products`: sensor products (EMIT, EnMAP, PRISMA, DESIS, Tanager, AVIRIS) opened as downloaded, one module
  per product family behind :func:`~.products.open_product`;
* :mod:`.bands`: band widths, bad bands and the product of a raster (:class:`~.bands.BandInfo`);
* :mod:`.signatures`: what a file's first bytes say it is (a damaged GeoTIFF told from another format);
* :mod:`.wavelengths`: the band centres in nm from the file's metadata, in every convention;
* :mod:`.wavelength_text`: band centres the user types or gives as a text file;
* :mod:`.polygons`: field polygons read, repaired and identified once.

May import: the light modules (:mod:`~hsi_lime_plugin.errors`, :mod:`~hsi_lime_plugin.options`,
:mod:`~hsi_lime_plugin.reporting`, :mod:`~hsi_lime_plugin.settings`, :mod:`~hsi_lime_plugin.memory`) and
third-party readers (rasterio, geopandas, shapely, numpy; GDAL's own bindings, ``osgeo``, imported by the
product readers only when a product is opened). Nothing above it in the engine.
"""
