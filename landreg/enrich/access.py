"""Road access per plot: network travel time and distance to each target, distance to road classes.

A plot is routed from the nearest point of its boundary, along a straight
access leg at :data:`~landreg.enrich.snapping.DEFAULT_ACCESS_SPEED_KMH`, to the
nearest snappable link of the routable (largest strongly connected) component,
then along the network.  When the nearest link of the *whole* network is not
part of that component and the nearest routable link is more than
``cut_off_gap_m`` (:data:`DEFAULT_CUT_OFF_GAP_M`) farther away, the plot is
``"disconnected"``: it lies on a road network of its own (e.g. an island
without a ferry link).  A street network has many small pieces a plot may touch
first — a fenced parking aisle, the wrong end of a one-way service road — and a
plot beside one of them and a few metres from a routable road is routed from
that road.  When the routable link is farther than ``max_snap_distance_m`` the
plot is ``"too_far"``.  Either way it cannot reach any destination: by default that
raises :class:`~landreg.enrich.errors.UnreachablePlotError`; with
``on_unreachable="flag"`` the plot gets NaN times and its ``access_status``.

When some links are marked as ``existing_links`` (the roads a scenario started
from), a plot may also reach the network at its nearest *existing* link, and
the faster of the two counts: a new road nearer to the plot adds an access, it
never takes the old one away, so adding a road can only shorten or keep a
plot's travel times.

The route from the snapped point leaves the link through whichever end node
is faster (``u`` against, ``v`` with the digitised direction, as one-way rules
allow).  A plot and a destination on the same link are still routed via an
end node (a small overestimate on that one link).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.crs import to_storage_crs
from landreg.enrich.errors import UnreachablePlotError
from landreg.enrich.network import RoadNetwork, _ferry_mask
from landreg.enrich.routing import DEFAULT_TARGETS, AccessTarget, TargetTimes, route_to_targets
from landreg.enrich.snapping import DEFAULT_ACCESS_SPEED_KMH, partial_cost, snap_to_network

#: Plots farther than this from any road cannot be routed (N1000 has no local streets: legs of km occur).
DEFAULT_MAX_SNAP_DISTANCE_M = 5_000.0
#: A plot whose nearest road is cut off from the routable network, and whose nearest routable road is
#: more than this much farther away, is ``disconnected`` (metres).
DEFAULT_CUT_OFF_GAP_M = 250.0
#: Road classes for the straight-line distances: column suffix -> ``vegkategori`` values.
#: "Main road" = the classified public roads with through traffic: European, national and county roads.
ROAD_CLASSES: dict[str, tuple[str, ...]] = {"e_road": ("E",), "main_road": ("E", "R", "F")}


def access_columns(targets: Sequence[AccessTarget] = DEFAULT_TARGETS) -> list[str]:
    """Names of the per-target columns :func:`compute_road_access` returns."""
    return [f"{t.name}_{m}" for t in targets for m in ("travel_time_s", "distance_m")]


def compute_road_access(
    plots: gpd.GeoDataFrame,
    network: RoadNetwork,
    destinations: gpd.GeoDataFrame | None = None,
    *,
    targets: Sequence[AccessTarget] = DEFAULT_TARGETS,
    times: TargetTimes | None = None,
    access_speed_kmh: float = DEFAULT_ACCESS_SPEED_KMH,
    max_snap_distance_m: float = DEFAULT_MAX_SNAP_DISTANCE_M,
    on_unreachable: Literal["raise", "flag"] = "raise",
    existing_links: np.ndarray | None = None,
    cut_off_gap_m: float = DEFAULT_CUT_OFF_GAP_M,
    among: np.ndarray | None = None,
) -> pd.DataFrame:
    """Network travel time and distance from each plot to each target.

    Parameters
    ----------
    plots : GeoDataFrame
        Plot polygons with a declared CRS (EPSG:25832 after transform); ``plot_id``
        names plots in errors when present.
    network : RoadNetwork
        The road graph (EPSG:25832), from :func:`~landreg.enrich.build_road_network`.
    destinations : GeoDataFrame, optional
        Destination points (see :func:`~landreg.enrich.routing.route_to_targets`);
        not needed when ``times`` is given.
    targets : sequence of AccessTarget
        The access targets to time (default: :data:`~landreg.enrich.routing.DEFAULT_TARGETS`).
    times : TargetTimes, optional
        Precomputed node times (reuse one Dijkstra run for many plot batches).
    access_speed_kmh : float
        Speed of the straight leg between plot and road.
    max_snap_distance_m : float
        Plots farther than this from the nearest road cannot be routed.
    on_unreachable : {"raise", "flag"}
        Raise, or return NaN with ``access_status`` set.
    existing_links : ndarray of bool, optional
        Per link of ``network``: the roads that were there before any added in a
        scenario.  Each plot then also tries its nearest existing link and keeps
        the faster access (per target).
    cut_off_gap_m : float
        A plot nearer to a cut-off road than to the routable network by more than this is
        ``disconnected``.
    among : ndarray of bool, optional
        Per link of ``network``: only these may be joined (e.g. ``network.link_public`` for a
        place such as a town or an airport rather than a plot).

    Returns
    -------
    DataFrame
        Indexed like ``plots``: ``snap_distance_m``, ``access_status``
        (``ok``, ``disconnected``, ``too_far``) and, per target,
        ``<name>_travel_time_s`` and ``<name>_distance_m``.

    Raises
    ------
    UnreachablePlotError
        When a plot cannot be routed and ``on_unreachable="raise"``.
    """
    plots = to_storage_crs(plots, where="plots")
    if times is None:
        if destinations is None:
            raise TypeError("compute_road_access needs destinations or precomputed times")
        times = route_to_targets(network, destinations, targets=targets, access_speed_kmh=access_speed_kmh)
    geoms = plots.geometry.to_numpy()
    nearest = snap_to_network(geoms, network, main_only=False, among=among)
    snap = snap_to_network(geoms, network, main_only=True, among=among)
    link = snap.link
    has_link = link >= 0
    with np.errstate(invalid="ignore"):
        cut_off = ~(snap.distance_m - nearest.distance_m <= cut_off_gap_m)
    status = np.where(~has_link | cut_off, "disconnected", "ok").astype(object)
    status[(status == "ok") & (snap.distance_m > max_snap_distance_m)] = "too_far"
    ok = status == "ok"
    if on_unreachable == "raise" and not ok.all():
        bad = np.flatnonzero(~ok)
        names = (
            plots["plot_id"].astype(str).to_numpy()[bad]
            if "plot_id" in plots.columns
            else [f"row {i + 1}" for i in bad]
        )
        raise UnreachablePlotError(list(names), list(status[bad]), max_snap_distance_m=max_snap_distance_m)

    out = pd.DataFrame(index=plots.index)
    out["snap_distance_m"] = snap.distance_m
    out["access_status"] = status
    k = len(times.targets)
    time = np.full((k, len(plots)), np.nan)
    dist = np.full((k, len(plots)), np.nan)
    if ok.any():
        time[:, ok], dist[:, ok] = _via_snap(
            network, times, link[ok], snap.fraction[ok], snap.distance_m[ok], access_speed_kmh
        )
        if existing_links is not None:
            old = snap_to_network(geoms[ok], network, main_only=True, among=existing_links)
            has = (old.link >= 0) & (old.distance_m <= max_snap_distance_m)
            t_old, d_old = np.full((k, int(ok.sum())), np.nan), np.full((k, int(ok.sum())), np.nan)
            t_old[:, has], d_old[:, has] = _via_snap(
                network, times, old.link[has], old.fraction[has], old.distance_m[has], access_speed_kmh
            )
            faster = np.nan_to_num(t_old, nan=np.inf) < np.nan_to_num(time[:, ok], nan=np.inf)
            time[:, ok] = np.where(faster, t_old, time[:, ok])
            dist[:, ok] = np.where(faster, d_old, dist[:, ok])
    for j, target in enumerate(times.targets):
        out[f"{target.name}_travel_time_s"] = time[j]
        out[f"{target.name}_distance_m"] = dist[j]
    return out


def _via_snap(
    network: RoadNetwork,
    times: TargetTimes,
    link: np.ndarray,
    fraction: np.ndarray,
    leg_m: np.ndarray,
    access_speed_kmh: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Time and distance (targets × points) from snapped points, leaving their link by the faster end."""
    leg_s = leg_m / (access_speed_kmh / 3.6)
    u, v = network.link_u[link], network.link_v[link]
    length = network.link_length_m[link]
    via_v = leg_s + partial_cost(1 - fraction, network.link_time_forward_s[link]) + times.node_time_s[:, v]
    via_u = leg_s + partial_cost(fraction, network.link_time_backward_s[link]) + times.node_time_s[:, u]
    dist_v = leg_m + (1 - fraction) * length + times.node_distance_m[:, v]
    dist_u = leg_m + fraction * length + times.node_distance_m[:, u]
    via_v = np.where(np.isfinite(via_v), via_v, np.inf)
    via_u = np.where(np.isfinite(via_u), via_u, np.inf)
    use_v = via_v <= via_u
    best = np.where(use_v, via_v, via_u)
    time = np.where(np.isfinite(best), best, np.nan)
    dist = np.where(np.isfinite(best), np.where(use_v, dist_v, dist_u), np.nan)
    return time, dist


def distance_to_road_classes(
    plots: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    *,
    classes: Mapping[str, Sequence[str]] = ROAD_CLASSES,
    category_column: str = "vegkategori",
) -> pd.DataFrame:
    """Straight-line distance (m) from each plot polygon to the nearest road of each class.

    Parameters
    ----------
    plots, roads : GeoDataFrame
        With declared CRSs (EPSG:25832 after transform).  Ferry links are ignored.
    classes : mapping
        Column suffix -> road categories (default :data:`ROAD_CLASSES`:
        ``e_road`` = E, ``main_road`` = E, R and F).
    category_column : str
        Road category column (N1000 ``vegkategori``).

    Returns
    -------
    DataFrame
        ``<suffix>_distance_m`` per class, 0 where the road touches the plot,
        NaN when the layer has no road of the class.
    """
    plots = to_storage_crs(plots, where="plots")
    roads = to_storage_crs(roads, where="roads")
    out = pd.DataFrame(index=plots.index)
    cats = roads[category_column].astype("string").fillna("") if category_column in roads.columns else None
    geoms = plots.geometry.to_numpy()
    for suffix, values in classes.items():
        col = np.full(len(plots), np.nan)
        if cats is not None:
            lines = roads.geometry.to_numpy()[cats.isin(list(values)).to_numpy() & ~_ferry_mask(roads)]
            if len(lines) and len(geoms):
                (src, _), d = shapely.STRtree(lines).query_nearest(geoms, return_distance=True, all_matches=False)
                col[src] = d
        out[f"{suffix}_distance_m"] = col
    return out
