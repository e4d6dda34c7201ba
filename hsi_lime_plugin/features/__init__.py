"""Features: what one coefficient of an explanation stands for.

* :mod:`.space`: the one mapping between integer labels and coefficient columns;
* :mod:`.segments`: spatial features: field polygons burnt into a label map, SLIC superpixels, patches;
* :mod:`.band_grammar`, :mod:`.band_catalogue`, :mod:`.superbands`: spectral features: the grouping
  string's grammar, the spyndex catalogue of band and index names, and the superbands resolved on a
  raster's wavelengths.

May import: :mod:`hsi_lime_plugin.inputs` and the light modules. Not models, nor anything above.
"""
