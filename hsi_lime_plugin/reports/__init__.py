"""Reports: the HTML report of a run and the figures in it.

* :mod:`.html`: one self-contained HTML file per run;
* :mod:`.units_report`: the report of a map-scale run;
* :mod:`.figures`, :mod:`.unit_figures`, :mod:`.spectral_figure`: the figures (matplotlib, imported on use).

May import: outputs, features, inputs and the light modules.
"""
