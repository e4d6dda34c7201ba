"""The QGIS side of hsi-lime: the Processing provider and one module per algorithm."""
