"""Drive-time isochrones around one plot: the land from which the plot is reached within N minutes.

The plot is made an access target of its own (its representative point, joined to the nearest
public road like any destination) and :func:`~landreg.enrich.routing.route_to_targets` gives
every node's time to it; :func:`~landreg.enrich.isochrones.travel_time_isochrones` then cuts the
reachable part of each road link and buffers it (network-constrained, never a hull), so the
polygon follows the roads and never jumps across a fjord.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import shapely

from landreg.crs import STORAGE_CRS
from landreg.enrich.isochrones import DEFAULT_ISOCHRONE_BUFFER_M, travel_time_isochrones
from landreg.enrich.network import RoadNetwork
from landreg.enrich.routing import AccessTarget, route_to_targets

#: Time budgets of a plot's isochrones (minutes).
DEFAULT_PLOT_ISOCHRONE_MINUTES: tuple[float, ...] = (5.0, 10.0)

_PLOT_TARGET = AccessTarget("plot", kinds=("plot",), description="the plot")


def plot_isochrones(
    network: RoadNetwork,
    geometry: shapely.Geometry,
    *,
    minutes: Sequence[float] = DEFAULT_PLOT_ISOCHRONE_MINUTES,
    buffer_m: float = DEFAULT_ISOCHRONE_BUFFER_M,
) -> gpd.GeoDataFrame:
    """The areas from which a plot is reached by car within each of ``minutes``.

    Parameters
    ----------
    network : RoadNetwork
        The road graph (EPSG:25832).
    geometry : shapely geometry
        The plot (EPSG:25832); its representative point is joined to the nearest public road.
    minutes : sequence of float
        Time budgets; one nested polygon each.
    buffer_m : float
        Width of land on each side of a reachable road piece.

    Returns
    -------
    GeoDataFrame
        ``minutes``, ``max_travel_time_s`` and a (Multi)Polygon per budget, smallest first; EPSG:25832.

    Raises
    ------
    ValueError
        When a budget is not a positive number of minutes.
    """
    bad = [m for m in minutes if not m > 0]
    if bad or not len(minutes):
        raise ValueError(f"isochrone minutes must be positive numbers, got {list(minutes)}")
    point = shapely.point_on_surface(geometry)
    destination = gpd.GeoDataFrame({"dest_id": ["plot"], "kind": ["plot"]}, geometry=[point], crs=STORAGE_CRS)
    times = route_to_targets(network, destination, targets=(_PLOT_TARGET,))
    out = travel_time_isochrones(
        network, target="plot", minutes=minutes, buffer_m=buffer_m, targets=(_PLOT_TARGET,), times=times
    )
    out.insert(0, "minutes", out["max_travel_time_s"] / 60.0)
    return out.drop(columns=["target"])
