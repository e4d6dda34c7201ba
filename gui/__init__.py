"""The QGIS side, interactive: the explorer dock and map tool of hsi-lime.

* :mod:`.explorer`: :class:`~.explorer.Explorer`, what the plugin's tool opens: the dock, the map tool,
  a click turned into a background task, the target switch, the project's settings; removed cleanly on
  unload;
* :mod:`.dock`: the dock "Hyperspectral explanations" (``HsiLimeExplorerDock``): the unit, its plot
  (matplotlib's Qt canvas), the target switch, pin and compare, export, and :mod:`.settings_panel`,
  the compact settings of "explain here";
* :mod:`.map_tool`: the map tool that hands clicks to the explorer;
* :mod:`.layers`: which output (or input raster) a click hits, and the run record each layer carries;
* :mod:`.styles`: the output layers' styles following the dock's target (one named style per target, so
  that map themes keep working);
* :mod:`.project_settings`: "explain here"'s settings kept in the project;
* :mod:`.tasks`: the background task (``QgsTask``) every click runs in, so the canvas never waits.

Nothing here is imported when QGIS starts: the plugin creates its action with a plain ``QAction`` and
imports :mod:`.explorer` when the tool is first triggered. No numerics here either: reading an output's
rows for one unit, explaining a place and drawing the plot are the engine's
(:mod:`hsi_lime_plugin.explore`), called with plain values and settings objects.
"""
