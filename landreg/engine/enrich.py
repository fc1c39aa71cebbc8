"""Enrichment of plots on a distributed engine, one spatial partition per task.

A plot's derived attributes depend on the plot and on the shared inputs only — the road graph
with the travel time from every node to every target, the road layer, the DEM and the hazard
layers — never on other plots, so partitions need no margin: each worker receives the shared
inputs once and enriches its partitions exactly as one process would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import geopandas as gpd
import pandas as pd

from landreg.engine.cluster import DaskEngine
from landreg.engine.partition import spatial_partitions


def _enrich_partition(plots: gpd.GeoDataFrame, enricher: Any) -> pd.DataFrame:
    """The derived attributes of one partition (runs on a worker)."""
    derived: pd.DataFrame = enricher.run(plots)
    return derived


def enrich_partitions(
    plots: gpd.GeoDataFrame, *, enricher: Any, engine: DaskEngine
) -> Iterator[tuple[gpd.GeoDataFrame, pd.DataFrame]]:
    """Enrich ``plots`` in spatial partitions on ``engine``; yield each partition and its attributes as they finish.

    Parameters
    ----------
    plots : GeoDataFrame
        The plots to enrich (EPSG:25832).
    enricher : object
        What is computed once per run (the road graph and the node times to every target, the
        layers), with a ``run(plots)`` method; sent to every worker once.
    engine : DaskEngine
        The cluster to run on (:func:`~landreg.engine.cluster.open_engine`).

    Yields
    ------
    tuple of (GeoDataFrame, DataFrame)
        A partition of ``plots`` and its derived attributes (indexed like it).
    """
    blocks = spatial_partitions(plots, max_plots=engine.partition_size(len(plots)))
    parts = (plots.iloc[rows] for rows in blocks)
    for _, part, derived in engine.map_partitions(_enrich_partition, parts, shared=[enricher]):
        yield part, derived
