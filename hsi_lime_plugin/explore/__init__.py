"""Explore explanations one unit at a time: what the QGIS explorer dock shows, computed without QGIS.

* :mod:`.view`: :class:`~.view.UnitView`, one unit's rows of the attribution table (the one schema of
  :mod:`hsi_lime_plugin.outputs.tables`), its mean spectrum and the colour scale of its output; the
  comparison of two units;
* :mod:`.click`: where the user clicked (a point, or a feature's id and geometry), in any CRS;
* :mod:`.stored`: a unit read back from a run's outputs, found through their run record
  (:mod:`hsi_lime_plugin.outputs.run_record`): segments and units layers, tables, attribution rasters,
  per-pixel maps;
* :mod:`.live`: "explain here": the clicked pixel (a per-pixel model) or field explained spectrally with
  the explorer's settings, through the same unit task as explain_spectral and explain_fields;
* :mod:`.figure`: the unit drawn on a matplotlib figure (bars with 95 % intervals, the spectrum with
  each superband shaded by its attribution), in the colours the caller gives.

The top layer of the engine: may import every subpackage (it runs explanations through ``runs``).
Nothing in the engine imports it; the QGIS side's ``gui`` package calls it with plain values.
"""
