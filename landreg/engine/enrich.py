"""Enrichment of plots on a distributed engine, one spatial partition per task.

A plot's derived attributes depend on the plot and on the shared inputs only — the road graph
with the travel time from every node to every target, the road layer, the DEM and the hazard
layers — never on other plots, so partitions need no margin.  The driver reads only the ids,
versions and positions of the plots (the registry's spatial index, no geometry), cuts them into
spatial partitions and sends each worker the shared inputs once.  A task gets a partition's
plot ids and runs :func:`~landreg.enrich.pipeline.enrich_and_store` — the step one process runs
for each of its chunks — against the registry opened by the worker itself: it reads its own
plots and writes their rows, and only a count of what it did comes back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pandas as pd

from landreg.engine.cluster import DaskEngine
from landreg.engine.partition import spatial_partitions
from landreg.engine.source import RegistryAddress

if TYPE_CHECKING:
    from landreg.enrich.pipeline import ChunkDone


def _enrich_partition(plot_ids: list[str], enricher: Any, address: RegistryAddress, versions: str) -> ChunkDone:
    """Enrich and store one partition with the registry opened on this worker (runs on a worker)."""
    from landreg.enrich.pipeline import enrich_and_store

    with address.open() as registry:
        return enrich_and_store(registry, plot_ids, enricher=enricher, versions=versions)


def enrich_partitions(
    registry: Any, work: pd.DataFrame, *, enricher: Any, versions: str, engine: DaskEngine
) -> Iterator[ChunkDone]:
    """Enrich and store the plots of ``work`` in spatial partitions on ``engine``, yielding each one's count.

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        The open registry; its workers open it again at the same address
        (:class:`~landreg.engine.source.RegistryAddress`).
    work : DataFrame
        ``plot_id``, ``x_m`` and ``y_m`` of the plots to enrich (``plot_positions`` of the registry).
    enricher : object
        What is computed once per run (the road graph and the node times to every target, the
        layers), with a ``run(plots)`` method; sent to every worker once.
    versions : str
        Layer versions and parameters stored with every row.
    engine : DaskEngine
        The cluster to run on (:func:`~landreg.engine.cluster.open_engine`).

    Yields
    ------
    ChunkDone
        Plots enriched in a partition and their status counts, in the order partitions finish.
    """
    blocks = spatial_partitions(work, max_plots=engine.partition_size(len(work)))
    ids = work["plot_id"].to_numpy()
    parts = (ids[rows].tolist() for rows in blocks)
    shared = [enricher, RegistryAddress.of(registry), versions]
    for _, _, done in engine.map_partitions(_enrich_partition, parts, shared=shared, small_parts=True):
        yield done
