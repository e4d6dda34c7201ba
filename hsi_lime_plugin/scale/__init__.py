"""Map scale: many units (fields, tiles, rasters) through windowed reads, here or on a Dask cluster.

* :mod:`.units`: the plan: one :class:`~.units.Unit` per field, tile or raster, from headers only;
* :mod:`.unit_task`: one unit start to end (read its window, explain it), the task a worker runs;
* :mod:`.cluster`: where the units execute: this process, or a Dask cluster;
* :mod:`.environment`: every worker of a cluster checked before the first unit, with the probe of
  :mod:`.probe` (standard library only: it is sent as source text);
* :mod:`.transport`: records across the cluster as bytes (the scheduler never needs the engine).

May import: perturbation, models, features, inputs and the light modules; not outputs or reports
(the calling process writes, workers only compute).
"""
