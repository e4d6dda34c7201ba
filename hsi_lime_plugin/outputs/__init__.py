"""Outputs: files written atomically (a failed or cancelled run leaves nothing behind).

* :mod:`.atomic`: temporary files renamed at the end, every destination checked before any work;
* :mod:`.tables`, :mod:`.table_files`: the one schema of the result tables, and their CSV / GeoPackage files;
* :mod:`.rasters`: attribution rasters: written at once, or a mosaic written unit by unit.

May import: features, inputs and the light modules (results are read through their attributes).
"""
