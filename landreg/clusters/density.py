"""Clusters found from data: density-based clustering (DBSCAN / HDBSCAN) of plots or firms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.json_values import frame_records


@dataclass
class DensityClusters:
    """Cluster labels and one summary row per cluster.

    Attributes
    ----------
    labels : Series
        Indexed like the input; -1 = noise.
    clusters : GeoDataFrame
        ``cluster``, ``n``, ``weight`` (sum of the weights, e.g. daa or employees) and the
        convex hull of the members (EPSG:25832).
    method : str
    params : dict
    """

    labels: pd.Series
    clusters: gpd.GeoDataFrame
    method: str
    params: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable (no geometries)."""
        return {
            "method": self.method,
            "params": self.params,
            "n_clusters": len(self.clusters),
            "n_noise": int((self.labels < 0).sum()),
            "clusters": frame_records(self.clusters),
        }


def find_density_clusters(
    points: gpd.GeoDataFrame,
    *,
    eps_m: float = 600.0,
    min_weight: float = 20.0,
    weight: str | np.ndarray | None = None,
    method: Literal["dbscan", "hdbscan"] = "dbscan",
    min_cluster_size: int = 5,
) -> DensityClusters:
    """Density-based clusters of points (plot polygons are reduced to representative points).

    Parameters
    ----------
    points : GeoDataFrame
        Points or polygons in EPSG:25832.
    eps_m : float
        DBSCAN neighbourhood radius (metres).
    min_weight : float
        DBSCAN: a core point has at least this total weight within ``eps_m`` (itself included);
        with ``weight="area_daa"`` it reads "at least 20 daa of land within 600 m".
    weight : str or ndarray, optional
        Column or values used as DBSCAN ``sample_weight`` (default 1 per point).
    method : {"dbscan", "hdbscan"}
        HDBSCAN ignores weights and uses ``min_cluster_size``.
    min_cluster_size : int
        HDBSCAN: the smallest number of points that form a cluster.

    Returns
    -------
    DensityClusters
    """
    from sklearn.cluster import DBSCAN, HDBSCAN

    geoms = points.geometry
    if not (geoms.geom_type == "Point").all():
        geoms = geoms.representative_point()
    xy = np.column_stack([geoms.x.to_numpy(), geoms.y.to_numpy()])
    w = (
        points[weight].to_numpy(dtype=float)
        if isinstance(weight, str)
        else np.ones(len(points))
        if weight is None
        else np.asarray(weight, dtype=float)
    )
    w = np.nan_to_num(w, nan=0.0)
    if len(xy) == 0:
        labels = np.empty(0, dtype=int)
    elif method == "dbscan":
        labels = (
            DBSCAN(eps=eps_m, min_samples=1).fit(xy, sample_weight=w).labels_
            if min_weight <= 0
            else _dbscan_weighted(xy, w, eps_m=eps_m, min_weight=min_weight)
        )
    else:
        if len(xy) < max(min_cluster_size, 2):
            labels = np.full(len(xy), -1)
        else:
            labels = HDBSCAN(min_cluster_size=min_cluster_size, copy=True).fit(xy).labels_
    series = pd.Series(labels, index=points.index, name="cluster")
    rows, hulls = [], []
    for lab in sorted(set(labels.tolist()) - {-1}):
        m = labels == lab
        rows.append({"cluster": int(lab), "n": int(m.sum()), "weight": float(w[m].sum())})
        hulls.append(shapely.convex_hull(shapely.multipoints(xy[m])))
    clusters = gpd.GeoDataFrame(pd.DataFrame(rows, columns=["cluster", "n", "weight"]), geometry=hulls, crs=points.crs)
    params = {
        "eps_m": eps_m,
        "min_weight": min_weight,
        "weight": weight if isinstance(weight, str) else None,
        "min_cluster_size": min_cluster_size,
    }
    return DensityClusters(labels=series, clusters=clusters, method=method, params=params)


def _dbscan_weighted(xy: np.ndarray, w: np.ndarray, *, eps_m: float, min_weight: float) -> np.ndarray:
    from sklearn.cluster import DBSCAN

    # sklearn compares the summed sample_weight with min_samples (an int); scale weights so that a
    # fractional threshold is exact to 1e-6 of its unit
    scale = 1e6 / max(min_weight, 1e-12)
    return DBSCAN(eps=eps_m, min_samples=round(min_weight * scale)).fit(xy, sample_weight=w * scale).labels_
