"""Batch work on a distributed engine: spatial partitions of the plots on a ``dask.distributed`` cluster.

* :mod:`~landreg.engine.cluster` opens the engine (a ``LocalCluster`` or a scheduler address);
* :mod:`~landreg.engine.partition` cuts plots into spatially compact partitions (grid cells in Z order);
* :mod:`~landreg.engine.source` tells the workers where the registry is (they read and write it themselves);
* :mod:`~landreg.engine.enrich` enriches partitions on the workers;
* :mod:`~landreg.engine.score` scores partitions on the workers, ranks over all of them.

Results equal those of one process (``--engine local``).
"""

from __future__ import annotations

from landreg.engine.cluster import ENGINES, DaskEngine, EngineUnavailableError, open_engine
from landreg.engine.partition import grid_cell_keys, spatial_partitions

__all__ = ["ENGINES", "DaskEngine", "EngineUnavailableError", "grid_cell_keys", "open_engine", "spatial_partitions"]
