"""A routable road graph built from a roads GeoDataFrame (EPSG:25832).

Nodes are the end points of the road links, snapped to a grid of
``snap_tolerance_m`` (1 m by default) so that links that meet there share a
node.  Intermediate vertices are shape only: N1000 ``veglenke`` (and OSM ways
split at junctions) are already cut at every junction, so a bridge over a road
makes no false junction.

Costs
-----
* ``length_m`` is measured on the geometry (an input ``length_m`` column is not
  trusted); ``travel_time_s = length_m / (speed_kmh / 3.6)``.
* ``speed_kmh`` comes from the roads' speed column (the regional layer stores
  the documented class speeds of :mod:`landreg.layers.speeds`).  A missing or
  non-positive speed is an error unless ``default_speed_kmh`` is given.
* Car ferries (``typeVeg == "bilferje"``, or ``route == "ferry"`` / a true
  ``ferry`` column) ignore the speed column: crossing time is
  ``length_m / ferry_speed_kmh`` (20 km/h ≈ 11 knots sailing) plus a fixed
  ``ferry_penalty_s`` (900 s) for waiting and boarding.
* Ferry ends: a ferry line often ends at the quay, short of the road (N1000 is
  generalised to 1:1 000 000, where 0.5 mm on the map is 500 m).  An end that
  meets no road end is joined to the nearest point of the nearest road link
  within ``ferry_connect_tolerance_m`` (500 m by default): to that link's end
  node when the point is one, else to a new node that splits the link there.
  An end with no road within the tolerance stays dangling
  (:func:`dangling_ferry_ends`; ``landreg layers check`` reports it).  See :mod:`landreg.enrich.ferries`.
* One-way: an optional ``oneway`` column as in OSM — ``yes``/``true``/``1``
  allows only the digitised direction, ``-1``/``reverse`` only the opposite;
  anything else (or no column, as in N1000) is two-way.

The graph is a :class:`scipy.sparse.csr_matrix` of travel times (row = from
node, column = to node).  Parallel links keep the fastest.  The largest
*strongly* connected component is the routable network: every node in it can
reach every other, one-way streets included.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from landreg.crs import to_storage_crs
from landreg.enrich.ferries import DEFAULT_FERRY_CONNECT_TOLERANCE_M, ferry_joins, join_ferry_ends
from landreg.enrich.lines import grid_keys, line_ends
from landreg.errors import ConfigurationError, InvalidGeometryError

#: Default cost parameters (documented in the module docstring).
DEFAULT_SNAP_TOLERANCE_M = 1.0
DEFAULT_FERRY_SPEED_KMH = 20.0
DEFAULT_FERRY_PENALTY_S = 900.0
_MIN_TIME_S = 1e-9  # csgraph must never see a zero weight as "no edge"
_ONEWAY_FORWARD = frozenset({"yes", "true", "1"})
_ONEWAY_BACKWARD = frozenset({"-1", "reverse"})
_NO_ACCESS_MOTORWAY = frozenset({"motorveg", "motortrafikkveg"})
_NO_ACCESS_HIGHWAY = frozenset({"motorway", "motorway_link", "trunk_link"})


@dataclass(frozen=True)
class NetworkSummary:
    """Size of the graph and of its largest strongly connected component."""

    n_nodes: int
    n_edges: int
    n_links: int
    n_components: int
    main_nodes: int
    main_edges: int

    @property
    def main_node_share(self) -> float:
        """Share of nodes in the routable (largest strongly connected) component."""
        return self.main_nodes / self.n_nodes if self.n_nodes else 0.0

    @property
    def main_edge_share(self) -> float:
        """Share of directed edges with both ends in the routable component."""
        return self.main_edges / self.n_edges if self.n_edges else 0.0

    def to_text(self) -> str:
        """One line for logs and the CLI."""
        return (
            f"road graph: {self.n_nodes:,} nodes, {self.n_edges:,} directed edges from {self.n_links:,} links, "
            f"{self.n_components:,} strong components; routable component holds "
            f"{self.main_node_share:.1%} of nodes and {self.main_edge_share:.1%} of edges"
        )


@dataclass
class RoadNetwork:
    """A routable road graph (EPSG:25832, metres, seconds).

    Attributes
    ----------
    node_xy : ndarray (n_nodes, 2)
        Node coordinates.
    graph : scipy.sparse.csr_matrix
        Travel time in seconds from row node to column node.
    reverse_graph : scipy.sparse.csr_matrix
        The transposed graph (row = to node), for searches *towards* a target.
    edge_u, edge_v, edge_time_s, edge_length_m, edge_link : ndarray
        The directed edges in CSR order (sorted by ``edge_u``, then ``edge_v``).
    link_geometry : ndarray of LineString
        One road link per row (multi-lines exploded).
    link_u, link_v : ndarray of int
        End nodes of each link (``u`` at the start of the geometry).
    link_length_m : ndarray
    link_time_forward_s, link_time_backward_s : ndarray
        Time to drive the whole link with / against its digitised direction;
        NaN where one-way forbids it.
    link_ferry, link_snappable : ndarray of bool
        Ferry links; links a plot may connect to (no ferries, tunnels,
        motorways or connectors of :mod:`landreg.enrich.combine`).
    link_public : ndarray of bool
        Snappable links that are public roads, where destinations connect:
        not OSM ``service`` roads or tracks (an airport's point would otherwise
        join the airside roads).
    link_road : ndarray of int
        Row position of the link in the input frame.
    main_node : ndarray of bool
        Nodes in the largest strongly connected component.
    summary : NetworkSummary
    """

    node_xy: np.ndarray
    graph: sparse.csr_matrix
    reverse_graph: sparse.csr_matrix
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_time_s: np.ndarray
    edge_length_m: np.ndarray
    edge_link: np.ndarray
    link_geometry: np.ndarray
    link_u: np.ndarray
    link_v: np.ndarray
    link_length_m: np.ndarray
    link_time_forward_s: np.ndarray
    link_time_backward_s: np.ndarray
    link_ferry: np.ndarray
    link_snappable: np.ndarray
    link_public: np.ndarray
    link_road: np.ndarray
    main_node: np.ndarray
    summary: NetworkSummary
    _trees: dict[str, shapely.STRtree] = field(default_factory=dict, repr=False)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_xy)

    @property
    def link_in_main(self) -> np.ndarray:
        """Links with both end nodes in the routable component."""
        return self.main_node[self.link_u] & self.main_node[self.link_v]

    def snap_tree(self, *, main_only: bool) -> tuple[shapely.STRtree, np.ndarray]:
        """STRtree over snappable links (all, or only those in the routable component) and their link indices."""
        key = "main" if main_only else "all"
        mask = self.link_snappable & (self.link_in_main if main_only else True)
        idx = np.flatnonzero(mask)
        if key not in self._trees:
            self._trees[key] = shapely.STRtree(self.link_geometry[idx])
        return self._trees[key], idx


def _text_column(frame: gpd.GeoDataFrame, name: str) -> np.ndarray | None:
    """The column as stripped lower-case text ("" where missing), normalised once per distinct value."""
    if name not in frame.columns:
        return None
    codes, uniques = pd.factorize(frame[name], use_na_sentinel=True)
    text = np.array([str(u).strip().lower() for u in uniques] + [""], dtype=object)
    return text[codes]  # code -1 (missing) takes the last entry, ""


def _ferry_mask(frame: gpd.GeoDataFrame) -> np.ndarray:
    mask = np.zeros(len(frame), dtype=bool)
    type_veg = _text_column(frame, "typeVeg")
    if type_veg is not None:
        mask |= type_veg == "bilferje"
    route = _text_column(frame, "route")
    if route is not None:
        mask |= route == "ferry"
    if "ferry" in frame.columns:
        mask |= frame["ferry"].fillna(False).astype(bool).to_numpy()
    return mask


def _no_access_mask(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Links a plot cannot connect to directly: tunnels, motorways and connectors between two networks."""
    mask = np.zeros(len(frame), dtype=bool)
    network = _text_column(frame, "network")
    if network is not None:
        mask |= network == "connector"  # see landreg.enrich.combine
    medium = _text_column(frame, "medium")
    if medium is not None:
        mask |= medium == "u"  # N1000: under the terrain (tunnel)
    mtype = _text_column(frame, "motorvegtype")
    if mtype is not None:
        mask |= np.isin(mtype, list(_NO_ACCESS_MOTORWAY))
    highway = _text_column(frame, "highway")
    if highway is not None:
        mask |= np.isin(highway, list(_NO_ACCESS_HIGHWAY))
    tunnel = _text_column(frame, "tunnel")
    if tunnel is not None:
        mask |= np.isin(tunnel, ["yes", "true", "1", "building_passage"])
    return mask


def _service_mask(frame: gpd.GeoDataFrame) -> np.ndarray:
    """OSM service roads and tracks (``highway``): not where a public destination is reached."""
    highway = _text_column(frame, "highway")
    return np.zeros(len(frame), dtype=bool) if highway is None else np.isin(highway, ["service", "track"])


def _speeds_kmh(frame: gpd.GeoDataFrame, column: str, default_speed_kmh: float | None, ferry: np.ndarray) -> np.ndarray:
    if column not in frame.columns:
        if default_speed_kmh is None:
            raise ConfigurationError(f"roads need a {column!r} column (km/h); got columns {list(frame.columns)}")
        return np.full(len(frame), float(default_speed_kmh))
    speed = np.asarray(frame[column].astype("Float64").fillna(np.nan).to_numpy(dtype=float), dtype=float)
    bad = ~(speed > 0) & ~ferry
    if bad.any():
        if default_speed_kmh is None:
            rows = np.flatnonzero(bad)[:5].tolist()
            raise ConfigurationError(
                f"{int(bad.sum())} road link(s) have no positive {column!r}, e.g. rows {rows}; expected km/h > 0 "
                "(or pass default_speed_kmh)"
            )
        speed = np.where(bad, float(default_speed_kmh), speed)
    return speed


def dangling_ferry_ends(
    roads: gpd.GeoDataFrame,
    *,
    tolerance_m: float = DEFAULT_FERRY_CONNECT_TOLERANCE_M,
    snap_tolerance_m: float = DEFAULT_SNAP_TOLERANCE_M,
) -> np.ndarray:
    """End points (EPSG:25832) of car-ferry lines that join no road within ``tolerance_m``.

    Parameters
    ----------
    roads : GeoDataFrame
        A road layer with a declared CRS (see :func:`build_road_network`).
    tolerance_m : float
        How far a ferry end may lie from the nearest road and still be joined to it.
    snap_tolerance_m : float
        Grid on which end points are one node.

    Returns
    -------
    ndarray (n, 2)
        x, y of every dangling ferry end (empty when all ferries meet roads).
    """
    roads = to_storage_crs(roads, where="roads")
    frame = roads[~(roads.geometry.isna() | roads.geometry.is_empty)].explode(index_parts=False)
    frame = frame[shapely.get_type_id(frame.geometry.to_numpy()) == 1].reset_index(drop=True)
    ferry = _ferry_mask(frame)
    if not ferry.any():
        return np.empty((0, 2))
    _, dangling = ferry_joins(frame.geometry.to_numpy(), ferry, tolerance_m=tolerance_m, grid_m=snap_tolerance_m)
    return dangling


def build_road_network(
    roads: gpd.GeoDataFrame,
    *,
    snap_tolerance_m: float = DEFAULT_SNAP_TOLERANCE_M,
    speed_column: str = "speed_kmh",
    default_speed_kmh: float | None = None,
    ferry_speed_kmh: float = DEFAULT_FERRY_SPEED_KMH,
    ferry_penalty_s: float = DEFAULT_FERRY_PENALTY_S,
    ferry_connect_tolerance_m: float = DEFAULT_FERRY_CONNECT_TOLERANCE_M,
) -> RoadNetwork:
    """Build the routable graph of a road layer.

    Parameters
    ----------
    roads : GeoDataFrame
        (Multi)LineStrings with a declared CRS (transformed to EPSG:25832), a
        speed column in km/h and optionally ``oneway``, ``typeVeg``/``route``
        (ferries), ``medium``/``tunnel`` and ``motorvegtype``/``highway``.
    snap_tolerance_m : float
        End points closer than this (on a grid of this size) become one node.
    speed_column : str
        Column holding the speed in km/h.
    default_speed_kmh : float, optional
        Speed for links without one; when None such links are an error.
    ferry_speed_kmh, ferry_penalty_s : float
        Ferry crossing time = length / speed + penalty.
    ferry_connect_tolerance_m : float
        A ferry end that meets no road end is joined to the nearest road within this distance.

    Returns
    -------
    RoadNetwork

    Raises
    ------
    ConfigurationError
        When speeds are missing or the layer has no usable lines.
    CRSError
        When ``roads`` has no CRS.
    """
    roads = to_storage_crs(roads, where="roads")
    if snap_tolerance_m <= 0:
        raise ConfigurationError(f"snap_tolerance_m must be > 0, got {snap_tolerance_m}")
    frame = roads.reset_index(drop=True)
    frame = frame.assign(_road=np.arange(len(frame)))
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    if (shapely.get_type_id(frame.geometry.to_numpy()) != 1).any():  # exploding 60 000 lines costs time
        frame = frame.explode(index_parts=False)
    frame = frame.reset_index(drop=True)
    geoms = frame.geometry.to_numpy()
    kinds = shapely.get_type_id(geoms)
    if len(geoms) == 0 or np.any(kinds != 1):
        raise InvalidGeometryError(
            f"roads must be (Multi)LineStrings; got {len(geoms)} parts with type ids {sorted(set(kinds.tolist()))}"
        )
    ferry = _ferry_mask(frame)
    if ferry.any() and ferry_connect_tolerance_m > 0:
        frame = join_ferry_ends(frame, ferry, tolerance_m=ferry_connect_tolerance_m, grid_m=snap_tolerance_m)
        geoms = frame.geometry.to_numpy()
        ferry = _ferry_mask(frame)
    speed = _speeds_kmh(frame, speed_column, default_speed_kmh, ferry)
    length = shapely.length(geoms)
    time = np.where(ferry, length / (ferry_speed_kmh / 3.6) + ferry_penalty_s, length / (speed / 3.6))
    time = np.maximum(time, _MIN_TIME_S)

    start, end = line_ends(geoms)
    ends = np.vstack([start, end])
    keys = grid_keys(ends, grid_m=snap_tolerance_m)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    n_links = len(geoms)
    link_u, link_v = inverse[:n_links], inverse[n_links:]
    node_xy = ends[first]  # a node sits at the first end point that falls into its grid cell

    oneway = _text_column(frame, "oneway")
    fwd_ok = np.ones(n_links, dtype=bool) if oneway is None else ~np.isin(oneway, list(_ONEWAY_BACKWARD))
    bwd_ok = np.ones(n_links, dtype=bool) if oneway is None else ~np.isin(oneway, list(_ONEWAY_FORWARD))
    time_fwd = np.where(fwd_ok, time, np.nan)
    time_bwd = np.where(bwd_ok, time, np.nan)

    links = np.arange(n_links)
    eu = np.concatenate([link_u[fwd_ok], link_v[bwd_ok]])
    ev = np.concatenate([link_v[fwd_ok], link_u[bwd_ok]])
    et = np.concatenate([time[fwd_ok], time[bwd_ok]])
    el = np.concatenate([length[fwd_ok], length[bwd_ok]])
    elink = np.concatenate([links[fwd_ok], links[bwd_ok]])
    keep = eu != ev
    eu, ev, et, el, elink = eu[keep], ev[keep], et[keep], el[keep], elink[keep]
    graph, order = directed_csr(eu, ev, et, n_rows=len(node_xy))
    eu, ev, et, el, elink = eu[order], ev[order], et[order], el[order], elink[order]
    reverse_graph, _ = directed_csr(ev, eu, et, n_rows=len(node_xy))

    n_comp, labels = connected_components(graph, directed=True, connection="strong")
    main_label = int(np.argmax(np.bincount(labels))) if len(labels) else 0
    main_node = labels == main_label
    summary = NetworkSummary(
        n_nodes=len(node_xy),
        n_edges=len(eu),
        n_links=n_links,
        n_components=int(n_comp),
        main_nodes=int(main_node.sum()),
        main_edges=int((main_node[eu] & main_node[ev]).sum()),
    )
    snappable = ~ferry & ~_no_access_mask(frame)
    network = RoadNetwork(
        node_xy=node_xy,
        graph=graph,
        reverse_graph=reverse_graph,
        edge_u=eu,
        edge_v=ev,
        edge_time_s=et,
        edge_length_m=el,
        edge_link=elink,
        link_geometry=geoms,
        link_u=link_u,
        link_v=link_v,
        link_length_m=length,
        link_time_forward_s=time_fwd,
        link_time_backward_s=time_bwd,
        link_ferry=ferry,
        link_snappable=snappable,
        link_public=snappable & ~_service_mask(frame),
        link_road=frame["_road"].to_numpy(),
        main_node=main_node,
        summary=summary,
    )
    network.snap_tree(main_only=False)  # the spatial index is part of the network
    return network


def directed_csr(
    u: np.ndarray, v: np.ndarray, weight: np.ndarray, *, n_rows: int, n_cols: int | None = None
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """CSR matrix of directed weighted edges, keeping the lightest of parallel edges.

    ``n_rows`` × ``n_cols`` (default square).

    Returns
    -------
    (csr_matrix, ndarray)
        The matrix and the positions (into the inputs) of the kept edges, in
        CSR data order (sorted by ``u``, then ``v``).
    """
    order = np.lexsort((weight, v, u))
    su, sv = u[order], v[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (su[1:] != su[:-1]) | (sv[1:] != sv[:-1])
    order = order[first]
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(u[order], minlength=n_rows), out=indptr[1:])
    graph = sparse.csr_matrix((weight[order], v[order], indptr), shape=(n_rows, n_cols or n_rows))
    return graph, order
