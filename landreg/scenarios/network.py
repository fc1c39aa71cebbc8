"""Adapters that give the enrichment a scenario's layers: roads with projects, destinations, access.

The enrichment code is used as it is, on copies: a road project is appended to a
copy of the roads frame, its end points first moved onto the network (onto the
nearest road end point, or onto a point that splits the nearest road link, within
``connect_tolerance_m``) so that :func:`~landreg.enrich.build_road_network` joins
it to the graph.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from landreg.enrich.access import compute_road_access
from landreg.enrich.network import build_road_network
from landreg.enrich.pipeline import EnrichParams
from landreg.enrich.routing import REMOVED_STATUS, route_to_targets

DEFAULT_CONNECT_TOLERANCE_M = 50.0


def _connect_point(point: np.ndarray, roads: gpd.GeoDataFrame, tol: float) -> tuple[np.ndarray, gpd.GeoDataFrame]:
    """Where an end point of a new road joins the network, and the roads (one link split when needed)."""
    geoms = roads.geometry.to_numpy()
    ends = np.vstack(
        [shapely.get_coordinates(shapely.get_point(geoms, 0)), shapely.get_coordinates(shapely.get_point(geoms, -1))]
    )
    d = np.hypot(*(ends - point).T)
    if len(d) and d.min() <= tol:
        return ends[int(np.argmin(d))], roads
    p = shapely.Point(point)
    dist = shapely.distance(geoms, p)
    i = int(np.argmin(dist)) if len(dist) else -1
    if i < 0 or dist[i] > tol:
        return point, roads  # stays a dead end at this side
    line = geoms[i]
    at = line.project(p)
    joint = line.interpolate(at)
    first, second = substring(line, 0, at), substring(line, at, line.length)
    row = roads.iloc[[i, i]].copy()
    row = row.set_geometry([first, second], crs=roads.crs)
    out = pd.concat([roads.drop(index=roads.index[i]), row], ignore_index=True)
    return np.array([joint.x, joint.y]), gpd.GeoDataFrame(out, geometry=roads.geometry.name, crs=roads.crs)


def roads_with_projects(
    roads: gpd.GeoDataFrame, *, projects: gpd.GeoDataFrame, connect_tolerance_m: float = DEFAULT_CONNECT_TOLERANCE_M
) -> gpd.GeoDataFrame:
    """A copy of ``roads`` with each road project appended as links joined to the network.

    Parameters
    ----------
    roads : GeoDataFrame
        The road layer (EPSG:25832) with ``speed_kmh``.
    projects : GeoDataFrame
        Road projects (``project_id``, ``speed_kmh``, (Multi)LineStrings, EPSG:25832).
    connect_tolerance_m : float
        How far a project's end may lie from the network and still be joined to it (metres).

    Returns
    -------
    GeoDataFrame
        ``roads`` plus one row per project line, with ``road_project_id`` set on the new rows.
    """
    out = roads.reset_index(drop=True).copy()
    out["road_project_id"] = None
    new_rows = []
    for pid, speed, geom in zip(projects["project_id"], projects["speed_kmh"], projects.geometry, strict=True):
        parts = list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]
        for line in parts:
            coords = shapely.get_coordinates(line)
            start, out = _connect_point(coords[0], out, connect_tolerance_m)
            end, out = _connect_point(coords[-1], out, connect_tolerance_m)
            coords[0], coords[-1] = start, end
            new_rows.append({"road_project_id": pid, "speed_kmh": float(speed), "geometry": shapely.LineString(coords)})
    if not new_rows:
        return out
    added = gpd.GeoDataFrame(new_rows, geometry="geometry", crs=roads.crs)
    return gpd.GeoDataFrame(pd.concat([out, added], ignore_index=True), geometry="geometry", crs=roads.crs)


def select_destinations(
    destinations: gpd.GeoDataFrame,
    *,
    include_planned: bool = False,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> gpd.GeoDataFrame:
    """Destinations in use: existing ones (planned too when asked), plus ``add``, minus ``remove`` (by dest_id)."""
    status = (
        destinations["status"].astype(str)
        if "status" in destinations.columns
        else pd.Series("existing", index=destinations.index)
    )
    keep = ((status != "planned") | include_planned) & (status != REMOVED_STATUS)
    ids = destinations["dest_id"].astype(str)
    keep = (keep | ids.isin(list(add))) & ~ids.isin(list(remove))
    out = destinations[keep.to_numpy()].copy()
    if "status" in out.columns:  # what the scenario uses is there to drive to
        out["status"] = "existing"
    return out


def road_access(
    plots: gpd.GeoDataFrame,
    *,
    roads: gpd.GeoDataFrame,
    destinations: gpd.GeoDataFrame,
    params: EnrichParams | None = None,
) -> pd.DataFrame:
    """Access columns of the enrichment for ``plots`` on these roads and destinations.

    Targets that match no destination (e.g. the freight terminal while it is only planned)
    get NaN columns instead of an error.
    """
    params = params or EnrichParams()
    network = build_road_network(roads)
    targets = tuple(t for t in params.targets if t.select(destinations).any())
    existing = None  # a road project adds an access to the places near it, it never takes their old one away
    if "road_project_id" in roads.columns:
        existing = roads["road_project_id"].isna().to_numpy()[network.link_road]
    times = route_to_targets(
        network, destinations, targets=targets, access_speed_kmh=params.access_speed_kmh, existing_links=existing
    )
    out = compute_road_access(
        plots,
        network,
        times=times,
        access_speed_kmh=params.access_speed_kmh,
        max_snap_distance_m=params.max_snap_distance_m,
        on_unreachable="flag",
        existing_links=existing,
    )
    for t in params.targets:
        for suffix in ("travel_time_s", "distance_m"):
            if f"{t.name}_{suffix}" not in out.columns:
                out[f"{t.name}_{suffix}"] = np.nan
    return out
