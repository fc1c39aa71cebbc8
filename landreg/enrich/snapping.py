"""Connecting plots and destinations to the road network.

A geometry reaches the network at the nearest point *on* the nearest
snappable road link (STRtree nearest search over the link lines, then the
point is projected onto that link).  For a plot polygon the start of the
access leg is the point of the plot's **boundary nearest to that road** (its
gate, as it were), not its centroid: a large plot beside a road has a
``snap_distance_m`` of 0, and a plot's own interior is not travel.  The access
leg is a straight line at a slow speed (:data:`DEFAULT_ACCESS_SPEED_KMH`).

On the link, cost is split in proportion to length: a point at fraction ``t``
from the link's start node ``u`` is ``(1 - t) * time_forward`` from its end
node ``v`` and ``t * time_backward`` from ``u`` (either may be forbidden by a
one-way rule).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from landreg.enrich.network import RoadNetwork

#: Speed of the straight access leg between a plot (or destination) and the road, km/h.
DEFAULT_ACCESS_SPEED_KMH = 20.0


@dataclass(frozen=True)
class Snap:
    """Where each geometry meets the network.

    Attributes
    ----------
    link : ndarray of int
        Index of the link (into ``RoadNetwork.link_*``); -1 when there is none.
    fraction : ndarray of float
        Position along the link from its start node ``u`` (0–1).
    distance_m : ndarray of float
        Straight-line length of the access leg (0 when the geometry touches the road).
    point_xy : ndarray (n, 2)
        The snapped point on the link.
    """

    link: np.ndarray
    fraction: np.ndarray
    distance_m: np.ndarray
    point_xy: np.ndarray

    def __len__(self) -> int:
        return len(self.link)


def snap_to_network(
    geometries: np.ndarray, network: RoadNetwork, *, main_only: bool, among: np.ndarray | None = None
) -> Snap:
    """Snap geometries (EPSG:25832) to the nearest point on the nearest snappable link.

    Parameters
    ----------
    geometries : array of shapely geometries
        Plot polygons or destination points in EPSG:25832.
    network : RoadNetwork
        The road graph (EPSG:25832).
    main_only : bool
        Only links of the routable (largest strongly connected) component;
        when False the nearest link of the whole network is found, so a plot
        whose nearest road is cut off can be recognised as such.
    among : ndarray of bool, optional
        Per link: only these links may be snapped to (e.g. the roads that existed
        before a road project was added).

    Returns
    -------
    Snap
    """
    geoms = np.asarray(geometries, dtype=object)
    n = len(geoms)
    tree, link_index = network.snap_tree(main_only=main_only)
    if among is not None:
        link_index = link_index[np.asarray(among, dtype=bool)[link_index]]
        tree = shapely.STRtree(network.link_geometry[link_index])
    link = np.full(n, -1, dtype=np.int64)
    fraction = np.full(n, np.nan)
    distance = np.full(n, np.nan)
    point_xy = np.full((n, 2), np.nan)
    if n == 0 or len(link_index) == 0:
        return Snap(link, fraction, distance, point_xy)
    (src, hit), dist = tree.query_nearest(geoms, return_distance=True, all_matches=False)
    chosen = link_index[hit]
    lines = network.link_geometry[chosen]
    connectors = shapely.shortest_line(geoms[src], lines)
    on_link = shapely.get_point(connectors, 1)
    link[src] = chosen
    distance[src] = dist
    fraction[src] = np.clip(np.nan_to_num(shapely.line_locate_point(lines, on_link, normalized=True)), 0.0, 1.0)
    point_xy[src] = shapely.get_coordinates(on_link)
    return Snap(link, fraction, distance, point_xy)


def partial_cost(share: np.ndarray, full: np.ndarray) -> np.ndarray:
    """``share * full``, but 0 when ``share`` is 0 even if ``full`` is NaN (a one-way link's end *is* the node)."""
    share = np.asarray(share, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(share <= 0, 0.0, share * full)
