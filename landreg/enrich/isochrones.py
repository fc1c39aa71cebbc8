"""Travel-time isochrones: the land from which a target is reached within a time budget.

Method (network-constrained buffer, not a convex or concave hull):

1. node times to the target come from :func:`~landreg.enrich.routing.route_to_targets`;
2. on every snappable link of the routable component the reachable part is
   computed exactly: a point at fraction ``s`` reaches the target in
   ``(1 - s) * time_forward + T[v]`` or ``s * time_backward + T[u]``, so the
   reachable part is an interval at each end of the link (cut with
   :func:`shapely.ops.substring`);
3. the reachable pieces are buffered by ``buffer_m`` (default 150 m, i.e.
   land a short access leg away from a reachable road) and dissolved.

So an isochrone never jumps across a fjord or spreads along a motorway
without exits, which a hull around reachable nodes would.  Ferry, tunnel and
motorway links carry traffic but are not buffered (no land is reached from
them).  The buffer ignores the access leg's own time, so an isochrone is a
slight overestimate at its rim (150 m at 20 km/h is 27 s).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from shapely.ops import substring

from landreg.crs import STORAGE_CRS
from landreg.enrich.network import RoadNetwork
from landreg.enrich.routing import DEFAULT_TARGETS, AccessTarget, TargetTimes, route_to_targets

DEFAULT_ISOCHRONE_MINUTES: tuple[float, ...] = (10.0, 20.0, 30.0)
DEFAULT_ISOCHRONE_BUFFER_M = 150.0


def travel_time_isochrones(
    network: RoadNetwork,
    destinations: gpd.GeoDataFrame | None = None,
    *,
    target: str,
    minutes: Sequence[float] = DEFAULT_ISOCHRONE_MINUTES,
    buffer_m: float = DEFAULT_ISOCHRONE_BUFFER_M,
    targets: Sequence[AccessTarget] = DEFAULT_TARGETS,
    times: TargetTimes | None = None,
) -> gpd.GeoDataFrame:
    """Isochrone polygons around one access target.

    Parameters
    ----------
    network : RoadNetwork
        The road graph (EPSG:25832).
    destinations : GeoDataFrame, optional
        Destination points; not needed when ``times`` is given.
    target : str
        Name of the target (e.g. ``"city_centre"``), one of ``targets``.
    minutes : sequence of float
        Time budgets; one (nested) polygon each.
    buffer_m : float
        Width of land on each side of a reachable road piece.
    targets : sequence of AccessTarget
        The access targets ``target`` is looked up in.
    times : TargetTimes, optional
        Precomputed node times.

    Returns
    -------
    GeoDataFrame
        ``target``, ``max_travel_time_s`` and a (Multi)Polygon per budget, EPSG:25832.
    """
    if times is None:
        if destinations is None:
            raise TypeError("travel_time_isochrones needs destinations or precomputed times")
        times = route_to_targets(network, destinations, targets=targets)
    node_t = times.node_time_s[times.index(target)]
    links = np.flatnonzero(network.link_snappable & network.link_in_main)
    u, v = network.link_u[links], network.link_v[links]
    tf, tb = network.link_time_forward_s[links], network.link_time_backward_s[links]
    rows = []
    for budget_min in sorted(minutes):
        budget = budget_min * 60.0
        with np.errstate(invalid="ignore", divide="ignore"):
            # reachable fraction measured from each end: [0, s_u] via u, [1 - s_v, 1] via v
            s_u = np.clip(np.nan_to_num((budget - node_t[u]) / tb, nan=0.0, neginf=0.0), 0, 1)
            s_v = np.clip(np.nan_to_num((budget - node_t[v]) / tf, nan=0.0, neginf=0.0), 0, 1)
        s_u = np.where(node_t[u] <= budget, s_u, 0.0)
        s_v = np.where(node_t[v] <= budget, s_v, 0.0)
        whole = s_u + s_v >= 1.0
        pieces = list(network.link_geometry[links[whole]])
        for i in np.flatnonzero(~whole):
            line = network.link_geometry[links[i]]
            length = network.link_length_m[links[i]]
            if node_t[u[i]] <= budget:
                pieces.append(substring(line, 0.0, s_u[i] * length) if s_u[i] > 0 else shapely.get_point(line, 0))
            if node_t[v[i]] <= budget:
                pieces.append(
                    substring(line, (1 - s_v[i]) * length, length) if s_v[i] > 0 else shapely.get_point(line, -1)
                )
        pieces_arr = np.asarray(pieces, dtype=object)
        polygon = (
            shapely.union_all(shapely.buffer(pieces_arr, buffer_m, quad_segs=4))
            if len(pieces_arr)
            else shapely.Polygon()
        )
        rows.append({"target": target, "max_travel_time_s": budget, "geometry": polygon})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)
