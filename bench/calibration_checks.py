"""Checks behind the speed calibration: N1000 generalisation against OSM, and the parameter search.

* :func:`route_length_ratios` — shortest-path length on the street-level
  OpenStreetMap network of the Trondheim region (``osm_trondheim_region_2023.gpkg``,
  layer ``roads``; motorway … minor roads, both directions) against the N1000
  route length of the model, for every reference whose two ends lie inside the
  OSM extract.  It measures how much shorter the generalised N1000 lines are.
* :func:`parameter_search` — every combination of a small grid of the global
  speed-model parameters (N1000 rural two-lane speed outside the street coverage;
  OSM trunk speed, the two built-up factors and the junction delay inside it) on
  the combined network, with each reference's error.
* :func:`leave_one_out` — for every used reference, the grid setting that fits
  the *other* references best (smallest worst error) and its error on the one
  left out: how well the calibration predicts a drive time it was not fitted to.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from landreg.enrich import build_road_network
from landreg.enrich.calibration import ReferenceDriveTime, compare_drive_times
from landreg.enrich.combine import combine_road_networks
from landreg.layers.speeds import calibrated_osm_speeds_kmh, calibrated_speeds_kmh, osm_urban_exposure

#: OSM classes a car route may use (service roads and tracks left out).
OSM_ROAD_CLASSES = ("motorway", "trunk", "primary", "secondary", "tertiary", "minor")
#: The grid searched: N1000 rural two-lane speed (E, R, F; outside the street coverage), and for the OSM
#: streets inside it the trunk class speed, the built-up factors (other roads, motorway/trunk) and the
#: junction delay.
GRID = {
    "rural_kmh": (67.5, 70.0, 72.5),
    "osm_trunk_kmh": (85.0, 90.0),
    "osm_urban_other": (0.7, 0.75, 0.85),
    "osm_urban_motorway": (0.6, 0.65, 0.75),
    "osm_junction_delay_s": (5.0, 10.0),
}


def route_length_ratios(
    references: list[ReferenceDriveTime], model: pd.DataFrame, *, osm_path: Path, places: dict[str, shapely.Point]
) -> pd.DataFrame:
    """OSM shortest-path length vs the model's N1000 route length, per reference inside the OSM extract."""
    roads = gpd.read_file(osm_path, layer="roads").to_crs("EPSG:25832")
    nodes = gpd.read_file(osm_path, layer="road_nodes").to_crs("EPSG:25832")
    roads = roads[roads["class"].isin(OSM_ROAD_CLASSES)]
    index = pd.Series(np.arange(len(nodes)), index=nodes["node_id"].to_numpy())
    u, v = index[roads["u"]].to_numpy(), index[roads["v"]].to_numpy()
    w = roads["length_m"].to_numpy(dtype=float)
    n = len(nodes)
    graph = coo_matrix((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(n, n)).tocsr()
    used = np.zeros(n, bool)
    used[u] = used[v] = True
    _, label = connected_components(graph, directed=False)
    main = np.flatnonzero(used & (label == np.bincount(label[used]).argmax()))
    xy = shapely.get_coordinates(nodes.geometry.to_numpy())[main]
    extent = shapely.box(*roads.total_bounds)
    km = dict(zip(model["id"], model["model_km"], strict=True))
    rows = []
    for r in references:
        if r.mode != "car" or r.target is None:
            continue
        a, b = places[r.origin], places[r.target]
        if not (extent.contains(a) and extent.contains(b)):
            continue
        ends = [main[int(np.argmin(((xy - [p.x, p.y]) ** 2).sum(axis=1)))] for p in (a, b)]
        snap_m = sum(float(shapely.distance(p, nodes.geometry.iloc[e])) for p, e in zip((a, b), ends, strict=True))
        osm_km = (float(dijkstra(graph, indices=ends[0])[ends[1]]) + snap_m) / 1000
        rows.append({"id": r.id, "osm_km": osm_km, "n1000_km": km[r.id], "ratio": osm_km / km[r.id]})
    return pd.DataFrame(rows)


def parameter_search(
    references: list[ReferenceDriveTime],
    *,
    regional: gpd.GeoDataFrame,
    streets: gpd.GeoDataFrame,
    coverage: gpd.GeoDataFrame,
    built_up: gpd.GeoDataFrame,
    layers_dir: Path,
) -> pd.DataFrame:
    """Each reference's error for every combination of :data:`GRID` on the combined network (one row per setting).

    ``rural_kmh`` is the N1000 two-lane class speed (E, R, F) outside the street coverage; the other
    parameters are those of the OSM streets inside it (trunk class speed, built-up factors, junction delay).
    """
    exposure = osm_urban_exposure(streets, built_up=built_up)
    regional_by_rural = {
        rural: regional.assign(
            speed_kmh=calibrated_speeds_kmh(
                regional, built_up=built_up, speeds_kmh={"E": rural, "R": rural, "F": rural}
            )
        )
        for rural in GRID["rural_kmh"]
    }
    rows = []
    for rural, trunk, other, motorway, delay in itertools.product(*GRID.values()):
        frame = streets.assign(
            speed_kmh=calibrated_osm_speeds_kmh(
                streets,
                built_up=built_up,
                speeds_kmh={"trunk": trunk},
                urban_speed_factor={"other": other, "motorway": motorway},
                urban_junction_delay_s=delay,
                exposure=exposure,
            )
        )
        roads = combine_road_networks(regional_by_rural[rural], frame, coverage=coverage).roads
        result = compare_drive_times(references, build_road_network(roads), layers_dir=layers_dir)
        setting = dict(zip(GRID, (rural, trunk, other, motorway, delay), strict=True))
        rows.append({**setting, **dict(zip(result["id"], result["error"], strict=True))})
    return pd.DataFrame(rows)


def leave_one_out(search: pd.DataFrame, used_ids: list[str]) -> pd.DataFrame:
    """Per used reference: the error on it of the setting that fits the other used references best."""
    rows = []
    for held in used_ids:
        rest = [i for i in used_ids if i != held]
        worst = search[rest].abs().max(axis=1)
        best = int(worst.idxmin())
        rows.append(
            {
                "id": held,
                "held_out_error": float(search.loc[best, held]),
                "fit_worst": float(worst[best]),
                **{k: float(search.loc[best, k]) for k in GRID},
            }
        )
    return pd.DataFrame(rows)
