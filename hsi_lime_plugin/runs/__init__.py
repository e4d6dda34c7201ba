"""File-to-file runs, one module per algorithm: read, explain, write atomically, report.

* :mod:`.explain_spatial`: :func:`~.explain_spatial.run_spatial` (hsilime:explain_spatial);
* :mod:`.explain_spectral`: :func:`~.explain_spectral.run_spectral` (hsilime:explain_spectral);
* :mod:`.explain_fields`: :func:`~.explain_fields.run_fields` (hsilime:explain_fields, map scale);
* :mod:`.attribute_pixels`: :func:`~.attribute_pixels.run_attribute` (hsilime:attribute_pixels);
* :mod:`.common`: the steps they share (the raster and the model opened and checked).

The top layer of the engine but one: may import every subpackage below. Only :mod:`hsi_lime_plugin.explore`
(the explorer's unit views and live explanations) imports it.
"""
