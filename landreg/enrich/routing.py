"""Travel time and distance from every node of the road graph to each access target.

One :func:`scipy.sparse.csgraph.dijkstra` call answers every target at once,
and never one search per plot:

* the search runs on the **transposed** graph from the target, so the result
  at node ``x`` is the time to drive *from* ``x` *to* the target (one-way
  streets respected);
* each target is a virtual source node ``S`` joined to the end nodes of the
  links its destination points snap to, with the proportional part of the link
  plus the destination's own access leg as edge cost.  A target with several
  points (e.g. every motorway junction) is one ``S`` joined to all of them: a
  multi-source search that gives the time to the *nearest* one;
* the distance is that of the fastest route (not the shortest one), read off
  the predecessor tree by pointer doubling (``O(n log depth)`` in numpy).

Destination points snap only to public roads (no service roads or tracks) of the
routable component.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from landreg.crs import to_storage_crs
from landreg.enrich.network import RoadNetwork, directed_csr
from landreg.enrich.snapping import DEFAULT_ACCESS_SPEED_KMH, Snap, partial_cost, snap_to_network
from landreg.errors import ConfigurationError

#: Destination status set when a decided outcome removes a destination (never routed to).
REMOVED_STATUS = "removed"


@dataclass(frozen=True)
class AccessTarget:
    """A destination class plots are routed to.

    Attributes
    ----------
    name : str
        Column prefix, e.g. ``"airport"`` gives ``airport_travel_time_s``.
    kinds : tuple of str
        ``kind`` values of the destinations layer that belong to the target.
    dest_ids : tuple of str
        ``dest_id`` values that belong to the target.  When the target has
        several points the nearest one (in time) counts.
    description : str
    include_planned : bool
        Route to destinations whose ``status`` is ``planned`` too.  Off by
        default: a planned facility (the Torgård freight terminal, pending its
        decision) is not there to drive to; scenarios add it when an outcome builds it.
    """

    name: str
    kinds: tuple[str, ...] = ()
    dest_ids: tuple[str, ...] = ()
    description: str = ""
    include_planned: bool = False

    def matches(self, destinations: gpd.GeoDataFrame) -> np.ndarray:
        """Boolean mask of the destination rows of this target, whatever their status."""
        mask = np.zeros(len(destinations), dtype=bool)
        if self.kinds and "kind" in destinations.columns:
            mask |= destinations["kind"].isin(self.kinds).to_numpy()
        if self.dest_ids and "dest_id" in destinations.columns:
            mask |= destinations["dest_id"].isin(self.dest_ids).to_numpy()
        return mask

    def select(self, destinations: gpd.GeoDataFrame, *, include_planned: bool | None = None) -> np.ndarray:
        """Boolean mask of the destination rows of this target (existing ones unless planned are included).

        Destinations with status ``removed`` (a decision decided they are not built) are never selected.
        """
        mask = self.matches(destinations)
        planned_ok = self.include_planned if include_planned is None else include_planned
        if "status" in destinations.columns:
            mask &= (destinations["status"] != REMOVED_STATUS).to_numpy()
            if not planned_ok:
                mask &= (destinations["status"] != "planned").to_numpy()
        return mask


#: The six targets of the road-access criterion.
DEFAULT_TARGETS: tuple[AccessTarget, ...] = (
    AccessTarget("port", kinds=("port",), description="nearest port (Trondheim havn)"),
    AccessTarget("airport", kinds=("airport",), description="Trondheim lufthavn Værnes"),
    AccessTarget("trondheim_s", dest_ids=("rail_trondheim_s",), description="Trondheim S rail station"),
    AccessTarget("freight_terminal", kinds=("rail_freight_terminal",), description="rail freight terminal"),
    AccessTarget("motorway_junction", kinds=("motorway_junction",), description="nearest motorway junction"),
    AccessTarget("city_centre", kinds=("city_centre",), description="Trondheim city centre (Midtbyen)"),
)


@dataclass(frozen=True)
class TargetTimes:
    """Fastest time and its distance from every node to every target.

    Attributes
    ----------
    targets : tuple of AccessTarget
    node_time_s, node_distance_m : ndarray (n_targets, n_nodes)
        inf / NaN where the target cannot be reached.
    destination_snap_m : dict
        ``dest_id`` (or row number) -> access-leg length of each destination point.
    search_s : float
        Seconds spent in the Dijkstra call itself (for logs and benchmarks).
    """

    targets: tuple[AccessTarget, ...]
    node_time_s: np.ndarray
    node_distance_m: np.ndarray
    destination_snap_m: dict[str, float]
    search_s: float = 0.0

    def index(self, name: str) -> int:
        """Row of the target called ``name``."""
        for i, t in enumerate(self.targets):
            if t.name == name:
                return i
        raise ConfigurationError(f"no access target {name!r}; have {[t.name for t in self.targets]}")


def route_to_targets(
    network: RoadNetwork,
    destinations: gpd.GeoDataFrame,
    *,
    targets: Sequence[AccessTarget] = DEFAULT_TARGETS,
    access_speed_kmh: float = DEFAULT_ACCESS_SPEED_KMH,
    existing_links: np.ndarray | None = None,
) -> TargetTimes:
    """Time and distance from every node to each target, in one multi-source Dijkstra call.

    Parameters
    ----------
    network : RoadNetwork
        The road graph (EPSG:25832).
    destinations : GeoDataFrame
        Points with a declared CRS (EPSG:25832 after transform) and ``kind``
        and/or ``dest_id`` columns.
    targets : sequence of AccessTarget
        The access targets to route to (default: :data:`~landreg.enrich.routing.DEFAULT_TARGETS`).
    access_speed_kmh : float
        Speed of the straight leg between a destination point and its road.
    existing_links : ndarray of bool, optional
        Per link: the roads that were there before any added in a scenario.  Each
        destination is then joined at its nearest existing link too, so an added
        road never takes a destination's access away.

    Returns
    -------
    TargetTimes

    Raises
    ------
    ConfigurationError
        When a target matches no destination, or the network has no routable link.  A target
        whose only destinations are planned gives infinite times (NaN in plot results).
    """
    targets = tuple(targets)
    destinations = to_storage_crs(destinations, where="destinations").reset_index(drop=True)
    n, k = network.n_nodes, len(targets)
    points = destinations.geometry.to_numpy()
    snaps = [_snap_routable(points, network, among=None)]
    if existing_links is not None:  # the access each destination had before roads were added stays
        snaps.append(_snap_routable(points, network, among=np.asarray(existing_links, dtype=bool)))
    snap = snaps[0]
    ids = (
        destinations["dest_id"].astype(str).tolist()
        if "dest_id" in destinations.columns
        else [str(i) for i in range(len(destinations))]
    )
    speed_ms = access_speed_kmh / 3.6
    src, dst, wt, ln = [], [], [], []
    for j, target in enumerate(targets):
        rows = np.flatnonzero(target.select(destinations) & (snap.link >= 0))
        if len(rows) == 0 and (target.matches(destinations) & (snap.link >= 0)).any():
            continue  # only planned (or removed) destinations: unreachable (NaN) until one is built
        if len(rows) == 0:
            kinds = sorted(destinations["kind"].dropna().unique()) if "kind" in destinations.columns else []
            raise ConfigurationError(
                f"access target {target.name!r} matches no destination on the road network; expected kind in "
                f"{list(target.kinds)} or dest_id in {list(target.dest_ids)}, the layer has kinds {kinds}"
            )
        for extra in snaps:
            on = rows[extra.link[rows] >= 0]
            link, t, leg_m = extra.link[on], extra.fraction[on], extra.distance_m[on]
            leg_s = leg_m / speed_ms
            length = network.link_length_m[link]
            # reach the point from u driving forward, or from v driving backward (transposed: S -> u, S -> v)
            for node, time_part, len_part in (
                (network.link_u[link], partial_cost(t, network.link_time_forward_s[link]), t * length),
                (network.link_v[link], partial_cost(1 - t, network.link_time_backward_s[link]), (1 - t) * length),
            ):
                ok = np.isfinite(time_part)
                src.append(np.full(ok.sum(), j))
                dst.append(node[ok])
                wt.append(np.maximum(time_part[ok] + leg_s[ok], 1e-9))
                ln.append(len_part[ok] + leg_m[ok])
    if not src:  # every target planned-only
        src, dst, wt, ln = ([np.empty(0, dtype=dtype)] for dtype in (np.int64, np.int64, float, float))
    s_row, s_col, s_w, s_len = (np.concatenate(a) for a in (src, dst, wt, ln))
    sources, order = directed_csr(s_row, s_col, s_w, n_rows=k, n_cols=n + k)
    s_row, s_col, s_len = s_row[order], s_col[order], s_len[order]
    rev = network.reverse_graph
    graph = sparse.csr_matrix(
        (
            np.concatenate([rev.data, sources.data]),
            np.concatenate([rev.indices, sources.indices]),
            np.concatenate([rev.indptr, rev.indptr[-1] + sources.indptr[1:]]),
        ),
        shape=(n + k, n + k),
    )
    t0 = time.perf_counter()
    time_s, pred = dijkstra(graph, directed=True, indices=n + np.arange(k), return_predecessors=True)
    search_s = time.perf_counter() - t0
    dist_m = _tree_lengths(pred[:, :n], network, (s_row, s_col, s_len))
    time_s = time_s[:, :n]
    dist_m[~np.isfinite(time_s)] = np.nan
    return TargetTimes(
        targets=targets,
        node_time_s=time_s,
        node_distance_m=dist_m,
        destination_snap_m={ids[i]: float(snap.distance_m[i]) for i in range(len(ids))},
        search_s=search_s,
    )


def _snap_routable(points: np.ndarray, network: RoadNetwork, *, among: np.ndarray | None) -> Snap:
    """Nearest public link of each point (among ``among``), falling back to the routable component when it is off it.

    Destinations join public roads only (``RoadNetwork.link_public``): an airport's or a station's point
    would otherwise join the nearest service road — airside, or behind the platforms.
    """
    among = network.link_public if among is None else network.link_public & np.asarray(among, dtype=bool)
    snap = snap_to_network(points, network, main_only=False, among=among)
    off_main = (snap.link < 0) | ~network.link_in_main[np.maximum(snap.link, 0)]
    if off_main.any():  # destinations must be routable: use the nearest link of the main component
        again = snap_to_network(points[off_main], network, main_only=True, among=among)
        for name in ("link", "fraction", "distance_m", "point_xy"):
            getattr(snap, name)[off_main] = getattr(again, name)
    return snap


def _tree_lengths(
    pred: np.ndarray, network: RoadNetwork, sources: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> np.ndarray:
    """Length from every node to the root of its shortest-path tree (one tree per row of ``pred``).

    ``pred[j, x]`` is the next node after ``x`` on the way to target ``j`` (a node, or the
    target's virtual source ``n + j``).  The length of each step is found among ``x``'s
    outgoing edges (vectorised over all edges), then summed up the tree by pointer doubling.
    """
    k, n = pred.shape
    step = np.zeros((k, n + 1))  # column n: the virtual root, length 0
    s_row, s_col, s_len = sources
    for j in range(k):
        hit = network.edge_v == pred[j, network.edge_u]
        step[j, network.edge_u[hit]] = network.edge_length_m[hit]
    at_root = pred[s_row, s_col] == n + s_row
    step[s_row[at_root], s_col[at_root]] = s_len[at_root]
    parent = np.where(pred >= n, n, np.where(pred < 0, n, pred))
    parent = np.concatenate([parent, np.full((k, 1), n)], axis=1) + (np.arange(k) * (n + 1))[:, None]
    flat_parent, acc = parent.ravel(), step.ravel()  # one flat forest: plain fancy indexing is fastest
    while True:
        grand = flat_parent[flat_parent]
        if np.array_equal(grand, flat_parent):
            return acc.reshape(k, n + 1)[:, :n]
        acc = acc + acc[flat_parent]
        flat_parent = grand
