"""Where plots and destinations join a street network with service roads and small cut-off pieces."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landreg.crs import STORAGE_CRS
from landreg.enrich import AccessTarget, build_road_network, compute_road_access, route_to_targets
from landreg.enrich.access import DEFAULT_CUT_OFF_GAP_M

X, Y = 560_000.0, 7_030_000.0


def _streets(lines, highways, speeds):
    return gpd.GeoDataFrame(
        {"highway": highways, "speed_kmh": speeds},
        geometry=[shapely.LineString(c) for c in lines],
        crs=STORAGE_CRS,
    )


def _box(x0, y0, x1, y1):
    return gpd.GeoDataFrame({"plot_id": ["p"]}, geometry=[shapely.box(x0, y0, x1, y1)], crs=STORAGE_CRS)


def test_a_plot_beside_a_cut_off_parking_aisle_is_routed_from_the_street_next_to_it():
    roads = _streets(
        [
            [(X, Y), (X + 2_000, Y)],  # the street (routable)
            [(X + 1_000, Y + 20), (X + 1_100, Y + 20)],  # a parking aisle joined to nothing
        ],
        ["minor", "service"],
        [40.0, 20.0],
    )
    net = build_road_network(roads)
    dest = gpd.GeoDataFrame({"dest_id": ["d"]}, geometry=[shapely.Point(X + 2_000, Y)], crs=STORAGE_CRS)
    target = [AccessTarget("d", dest_ids=("d",))]
    plot = _box(X + 1_040, Y + 21, X + 1_060, Y + 40)  # touches the aisle, 21 m from the street
    access = compute_road_access(plot, net, dest, targets=target)
    assert access["access_status"].iloc[0] == "ok"
    assert access["snap_distance_m"].iloc[0] == pytest.approx(21.0)
    # a plot whose own road is cut off and far from the routable network is disconnected
    island = _streets([[(X, Y + 1_000), (X + 500, Y + 1_000)]], ["minor"], [40.0])
    net2 = build_road_network(gpd.GeoDataFrame(pd.concat([roads, island], ignore_index=True), crs=STORAGE_CRS))
    far = _box(X + 200, Y + 1_001, X + 220, Y + 1_020)
    assert 1_000 - 20 > DEFAULT_CUT_OFF_GAP_M
    flagged = compute_road_access(far, net2, dest, targets=target, on_unreachable="flag")
    assert flagged["access_status"].iloc[0] == "disconnected"


def test_destinations_join_public_roads_not_the_service_road_beside_them():
    roads = _streets(
        [
            [(X, Y), (X + 2_000, Y)],  # public road
            [(X + 1_000, Y), (X + 1_000, Y + 300), (X + 3_000, Y + 300)],  # long service road (airside)
        ],
        ["tertiary", "service"],
        [50.0, 20.0],
    )
    net = build_road_network(roads)
    airport = gpd.GeoDataFrame({"dest_id": ["a"]}, geometry=[shapely.Point(X + 2_900, Y + 290)], crs=STORAGE_CRS)
    times = route_to_targets(net, airport, targets=[AccessTarget("a", dest_ids=("a",))])
    assert times.destination_snap_m["a"] == pytest.approx(np.hypot(900, 290))  # to the public road's end
    assert not net.link_public[1] and net.link_snappable[1]  # plots may still use the service road
