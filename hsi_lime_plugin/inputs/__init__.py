"""Inputs: what a run reads, and nothing it computes.

* :mod:`.raster`: a raster (any GDAL format, whole or a window) as a :class:`~.raster.RasterCube`;
* :mod:`.wavelengths`: the band centres in nm from the file's metadata, in every convention;
* :mod:`.wavelength_text`: band centres the user types or gives as a text file;
* :mod:`.polygons`: field polygons read, repaired and identified once.

May import: the light modules (:mod:`~hsi_lime_plugin.errors`, :mod:`~hsi_lime_plugin.options`,
:mod:`~hsi_lime_plugin.reporting`, :mod:`~hsi_lime_plugin.settings`, :mod:`~hsi_lime_plugin.memory`) and
third-party readers (rasterio, geopandas, shapely, numpy). Nothing above it in the engine.
"""
