"""Car-ferry ends are joined to the nearest road within a tolerance; the Fosen crossing is routable."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.sparse.csgraph import dijkstra

from landreg.crs import STORAGE_CRS
from landreg.enrich import build_road_network
from landreg.enrich.calibration import ReferenceDriveTime, compare_drive_times
from landreg.enrich.network import DEFAULT_FERRY_CONNECT_TOLERANCE_M, dangling_ferry_ends
from landreg.layers import load_layer
from tests.landreg.layers.conftest import LAYERS_DIR

X, Y = 560_000.0, 7_000_000.0


def _fjord(*, west_gap_m: float, east_offset_m: float) -> gpd.GeoDataFrame:
    """West road ending ``west_gap_m`` short of the ferry; east road passing ``east_offset_m`` from its other end."""
    return gpd.GeoDataFrame(
        {"speed_kmh": [50.0, 50.0, 15.0], "typeVeg": ["enkelBilveg", "enkelBilveg", "bilferje"]},
        geometry=[
            shapely.LineString([(X - 1000, Y), (X - west_gap_m, Y)]),
            shapely.LineString([(X + 2000 + east_offset_m, Y - 1000), (X + 2000 + east_offset_m, Y + 1000)]),
            shapely.LineString([(X, Y), (X + 2000, Y)]),
        ],
        crs=STORAGE_CRS,
    )


def _time_s(net, a_xy, b_xy) -> float:
    a = int(np.argmin(np.hypot(*(net.node_xy - a_xy).T)))
    b = int(np.argmin(np.hypot(*(net.node_xy - b_xy).T)))
    return float(dijkstra(net.graph, indices=a)[b])


def test_ferry_ends_join_a_road_node_and_split_a_road_link_within_the_tolerance():
    roads = _fjord(west_gap_m=83.0, east_offset_m=120.0)
    net = build_road_network(roads, ferry_speed_kmh=20.0, ferry_penalty_s=900.0)
    assert net.summary.n_components == 1  # one routable network: road – ferry – road
    # the east road is split where the ferry lands, so it has one node more than its two ends
    assert net.summary.n_links == 4 and net.link_road.tolist().count(1) == 2
    # the ferry line is extended to both roads: from the west road's end to the point on the east road
    crossing_m = 83 + 2000 + 120
    expected_s = (1000 - 83) / (50 / 3.6) + crossing_m / (20 / 3.6) + 900 + 1000 / (50 / 3.6)
    assert _time_s(net, (X - 1000, Y), (X + 2120, Y + 1000)) == pytest.approx(expected_s)
    assert len(dangling_ferry_ends(roads)) == 0


def test_ferry_end_beyond_the_tolerance_stays_dangling():
    gap = DEFAULT_FERRY_CONNECT_TOLERANCE_M + 50
    roads = _fjord(west_gap_m=gap, east_offset_m=0.0)
    net = build_road_network(roads)
    assert not net.main_node[int(np.argmin(np.hypot(*(net.node_xy - (X - 1000, Y)).T)))]
    assert dangling_ferry_ends(roads).tolist() == [[X, Y]]
    assert len(dangling_ferry_ends(roads, tolerance_m=gap + 1)) == 0


def test_rissa_reaches_trondheim_over_the_flakk_rorvik_ferry():
    """Rissa – Trondheim is about 60 km with the Flakk–Rørvik crossing (its quay ends 83 m short of the road)."""
    roads = load_layer("roads", layers_dir=LAYERS_DIR)
    trip = [ReferenceDriveTime("rissa", "placename:Rissa", "destination:city_centre", 60, 120, "", "")]
    row = compare_drive_times(trip, build_road_network(roads), layers_dir=LAYERS_DIR).iloc[0]
    assert row["model_km"] < 70  # without the ferry: round the fjord, about 190 km
    assert row["model_min"] < 120
    assert len(dangling_ferry_ends(roads)) == 0
