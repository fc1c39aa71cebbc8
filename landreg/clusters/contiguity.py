"""Contiguous blocks of plots: plots that touch or lie within a small gap, merged (graph components)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components

DEFAULT_GAP_M = 10.0  # the demo subdivision leaves 8 m between plots (internal roads)


def contiguous_blocks(
    plots: pd.DataFrame,
    *,
    gap_m: float = DEFAULT_GAP_M,
    group_by: str | None = None,
) -> pd.Series:
    """Block label of each plot: connected components of the "touches or within ``gap_m``" graph.

    Parameters
    ----------
    plots : GeoDataFrame
        Polygons in EPSG:25832 (metres).
    gap_m : float
        Plots closer than or at this distance are neighbours; 0 means touching or overlapping.
    group_by : str, optional
        A column (e.g. ``business_area_id``); plots of different groups are never merged.

    Returns
    -------
    Series of int
        Indexed like ``plots``; labels 0..n_blocks-1 (numbered by first plot).
    """
    n = len(plots)
    if n == 0:
        return pd.Series(np.empty(0, dtype=np.int64), index=plots.index, name="block_id")
    geoms = plots.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    if gap_m > 0:
        left, right = tree.query(geoms, predicate="dwithin", distance=gap_m)
    else:
        left, right = tree.query(geoms, predicate="intersects")
    if group_by is not None:
        groups = plots[group_by].astype(object).to_numpy()
        same = np.array([a == b for a, b in zip(groups[left], groups[right], strict=True)], dtype=bool)
        left, right = left[same], right[same]
    graph = sparse.coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first)
    relabel = np.empty_like(order)
    relabel[order] = np.arange(len(order))
    return pd.Series(relabel[labels], index=plots.index, name="block_id")


def block_areas_daa(plots: pd.DataFrame, *, labels: pd.Series) -> pd.Series:
    """Total area (daa) of the block of each plot, indexed like ``plots``."""
    area = pd.Series(plots["area_m2"].to_numpy(dtype=float) / 1000.0, index=plots.index)
    return area.groupby(labels).transform("sum").rename("block_area_daa")
