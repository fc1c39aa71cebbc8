"""Clusters: contiguous blocks, firms and industry mix, co-location, density clusters, price hot spots.

* :mod:`~landreg.clusters.contiguity` merges touching (or nearly touching) plots into blocks;
* :mod:`~landreg.clusters.firms` places occupant firms as points;
* :mod:`~landreg.clusters.industries` holds related industries (``industries.toml``);
* :mod:`~landreg.clusters.colocation` gives local co-location quotients and the synergy criterion;
* :mod:`~landreg.clusters.area_scores` scores business areas as clusters;
* :mod:`~landreg.clusters.density` finds clusters from data (DBSCAN / HDBSCAN);
* :mod:`~landreg.clusters.hotspots` finds price hot and cold spots (Local Moran, Gi*, FDR).
"""

from __future__ import annotations

from landreg.clusters.area_scores import ClusterScores, available_blocks, cluster_scores
from landreg.clusters.colocation import local_colocation_quotients, scoring_context, synergy_scores
from landreg.clusters.contiguity import DEFAULT_GAP_M, block_areas_daa, contiguous_blocks
from landreg.clusters.density import DensityClusters, find_density_clusters
from landreg.clusters.firms import firms_from_plots
from landreg.clusters.hotspots import (
    HotSpots,
    fdr_threshold,
    knn_neighbours,
    local_gistar,
    local_moran,
    price_hotspots,
)
from landreg.clusters.industries import is_related, nace_division, related_codes

__all__ = [
    "DEFAULT_GAP_M",
    "ClusterScores",
    "DensityClusters",
    "HotSpots",
    "available_blocks",
    "block_areas_daa",
    "cluster_scores",
    "contiguous_blocks",
    "fdr_threshold",
    "find_density_clusters",
    "firms_from_plots",
    "is_related",
    "knn_neighbours",
    "local_colocation_quotients",
    "local_gistar",
    "local_moran",
    "nace_division",
    "price_hotspots",
    "related_codes",
    "scoring_context",
    "synergy_scores",
]
