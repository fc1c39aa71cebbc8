"""Street network inside its coverage, regional roads outside, joined where they cross its edge."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.sparse.csgraph import dijkstra

from landreg.crs import STORAGE_CRS
from landreg.enrich import build_road_network, compute_road_access
from landreg.enrich.cache import cached_road_network
from landreg.enrich.combine import CARRIAGEWAY_JOIN_M, DEFAULT_JOIN_TOLERANCE_M, combine_road_networks
from landreg.enrich.lines import grid_keys, line_ends

X, Y = 560_000.0, 7_030_000.0
COVER = gpd.GeoDataFrame(geometry=[shapely.box(X, Y - 5_000, X + 10_000, Y + 5_000)], crs=STORAGE_CRS)


def _regional(lines, refs, cats, kinds=None):
    n = len(lines)
    return gpd.GeoDataFrame(
        {
            "typeVeg": kinds or ["enkelBilveg"] * n,
            "vegkategori": cats,
            "road_ref": refs,
            "speed_kmh": [70.0] * n,
        },
        geometry=[shapely.LineString(c) for c in lines],
        crs=STORAGE_CRS,
    )


def _streets(lines, refs, highways, oneway=None):
    n = len(lines)
    return gpd.GeoDataFrame(
        {
            "highway": highways,
            "ref": refs,
            "vegkategori": ["E" if r and r.startswith("E") else ("F" if r else "K") for r in refs],
            "oneway": oneway or ["no"] * n,
            "speed_kmh": [50.0] * n,
        },
        geometry=[shapely.LineString(c) for c in lines],
        crs=STORAGE_CRS,
    )


def _node(net, xy):
    return int(np.argmin(np.hypot(*(net.node_xy - xy).T)))


def test_each_network_is_kept_on_its_side_of_the_edge_and_ferries_stay_whole():
    regional = _regional(
        [
            [(X - 4_000, Y), (X + 4_000, Y)],  # crosses the west edge: only the part outside stays
            [(X + 2_000, Y + 1_000), (X + 6_000, Y + 1_000)],  # inside: dropped
            [(X - 3_000, Y + 3_000), (X + 3_000, Y + 3_000)],  # car ferry across the edge: kept whole
        ],
        ["E6", "Fv1", "Fv715"],
        ["E", "F", "F"],
        kinds=["enkelBilveg", "enkelBilveg", "bilferje"],
    )
    streets = _streets(
        [[(X - 500, Y + 40), (X + 3_000, Y + 40)], [(X + 3_000, Y + 40), (X + 3_000, Y + 3_000)]],
        ["E 6", None],
        ["trunk", "minor"],
    )
    combined = combine_road_networks(regional, streets, coverage=COVER)
    roads = combined.roads
    by = roads.groupby("network").size().to_dict()
    assert by == {"regional": 2, "streets": 2, "connector": 1}
    kept = roads[roads["network"] == "regional"].geometry
    assert kept.iloc[0].equals(shapely.LineString([(X - 4_000, Y), (X, Y)]))
    assert kept.iloc[1].length == pytest.approx(6_000)  # the ferry
    streets_kept = roads[roads["network"] == "streets"].geometry
    assert streets_kept.iloc[0].bounds[0] == pytest.approx(X)  # the street is cut at the edge too
    assert combined.joins[["road_ref", "joined", "by"]].values.tolist() == [["E6", True, "number"]]
    assert combined.joins["distance_m"].iloc[0] == pytest.approx(40.0)


def test_the_join_prefers_the_same_road_number_then_a_comparable_class():
    regional = _regional(
        [[(X - 4_000, Y), (X, Y)], [(X - 4_000, Y + 2_000), (X, Y + 2_000)], [(X - 4_000, Y - 2_000), (X, Y - 2_000)]],
        ["Fv704", "Fv999", None],
        ["F", "F", "K"],
    )
    streets = _streets(
        [
            [(X + 5, Y + 300), (X + 2_000, Y + 300)],  # Fv 704 lies 300 m off; a nearer minor road …
            [(X + 5, Y + 20), (X + 2_000, Y + 20)],
            [(X + 5, Y + 2_100), (X + 2_000, Y + 2_100)],  # … a secondary road near the Fv999 crossing
            [(X + 5, Y + 2_010), (X + 2_000, Y + 2_010)],  # … and a service road nearer still
            [(X + 5, Y - 2_010), (X + 2_000, Y - 2_010)],  # a municipal road joins any street
        ],
        ["704", None, "6650", None, None],
        ["secondary", "minor", "secondary", "service", "service"],
    )
    joins = combine_road_networks(regional, streets, coverage=COVER).joins
    assert joins["by"].tolist() == ["number", "class", "class"]
    assert joins["distance_m"].to_numpy() == pytest.approx([np.hypot(5, 300), np.hypot(5, 100), np.hypot(5, 10)])


def test_both_carriageways_are_joined_so_the_road_is_driven_both_ways():
    regional = _regional([[(X - 4_000, Y), (X, Y)]], ["E6"], ["E"])
    gap = CARRIAGEWAY_JOIN_M / 2
    streets = _streets(
        [[(X + 1, Y - gap), (X + 3_000, Y - gap)], [(X + 3_000, Y + gap), (X + 1, Y + gap)]],
        ["E 6", "E 6"],
        ["motorway", "motorway"],
        oneway=["yes", "yes"],
    )
    combined = combine_road_networks(regional, streets, coverage=COVER)
    assert combined.joins["n_connectors"].tolist() == [2]
    net = build_road_network(combined.roads)
    times = dijkstra(net.graph, indices=[_node(net, (X - 4_000, Y))])[0]
    assert np.isfinite(times[_node(net, (X + 3_000, Y - gap))])  # in along one carriageway
    back = dijkstra(net.graph, indices=[_node(net, (X + 3_000, Y + gap))])[0]
    assert np.isfinite(back[_node(net, (X - 4_000, Y))])  # and out along the other
    # with only the inbound carriageway joined the way out would be lost
    one = combine_road_networks(regional, streets.iloc[[0]], coverage=COVER)
    net1 = build_road_network(one.roads)
    back1 = dijkstra(net1.graph, indices=[_node(net1, (X + 3_000, Y - gap))])[0]
    assert not np.isfinite(back1[_node(net1, (X - 4_000, Y))])


def test_a_crossing_without_a_street_within_the_tolerance_stays_unjoined():
    regional = _regional([[(X - 4_000, Y), (X, Y)]], ["E6"], ["E"])
    far = DEFAULT_JOIN_TOLERANCE_M + 100
    streets = _streets([[(X + far, Y), (X + 3_000, Y)]], ["E 6"], ["trunk"])
    combined = combine_road_networks(regional, streets, coverage=COVER)
    assert combined.joins[["joined", "n_connectors"]].values.tolist() == [[False, 0]]
    assert "connector" not in set(combined.roads["network"])
    joined = combine_road_networks(regional, streets, coverage=COVER, join_tolerance_m=far + 1)
    assert joined.joins["joined"].tolist() == [True]


def test_plots_never_connect_to_a_connector():
    regional = _regional([[(X - 4_000, Y), (X, Y)]], ["E6"], ["E"])
    streets = _streets([[(X + 800, Y), (X + 3_000, Y)]], ["E 6"], ["trunk"])
    net = build_road_network(combine_road_networks(regional, streets, coverage=COVER).roads)
    connector = np.flatnonzero(~net.link_snappable & ~net.link_ferry)
    assert len(connector) == 1
    plot = gpd.GeoDataFrame(geometry=[shapely.box(X + 390, Y + 5, X + 410, Y + 25)], crs=STORAGE_CRS)
    from tests.landreg.enrich._data import destinations_for

    dest = destinations_for(regional)
    access = compute_road_access(plot, net, dest, on_unreachable="flag")
    assert access["snap_distance_m"].iloc[0] == pytest.approx(np.hypot(390, 5))  # to the regional road's end
    assert access["snap_distance_m"].iloc[0] > 5  # not onto the connector running right past it


def test_line_ends_and_grid_keys_match_the_per_line_answers():
    lines = np.array([shapely.LineString([(0, 0), (1, 1), (2, 5)]), shapely.LineString([(7, 7), (8, 9)])])
    start, end = line_ends(lines)
    assert start.tolist() == [[0, 0], [7, 7]] and end.tolist() == [[2, 5], [8, 9]]
    keys = grid_keys(np.array([[X, Y], [X + 0.4, Y - 0.4], [X + 0.6, Y]]), grid_m=1.0)
    assert keys[0] == keys[1] != keys[2]


def test_the_road_graph_is_built_once_per_distinct_road_frame():
    regional = _regional([[(X - 4_000, Y), (X, Y)]], ["E6"], ["E"])
    first = cached_road_network(regional)
    assert cached_road_network(regional.copy()) is first
    slower = regional.assign(speed_kmh=50.0)
    assert cached_road_network(slower) is not first
    assert cached_road_network(slower).link_time_forward_s[0] > first.link_time_forward_s[0]
