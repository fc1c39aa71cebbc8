"""Road graph, snapping and routing checked against networkx on the same small graphs."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely

from landreg.crs import STORAGE_CRS
from landreg.enrich import (
    AccessTarget,
    UnreachablePlotError,
    build_road_network,
    compute_road_access,
    distance_to_road_classes,
    route_to_targets,
    travel_time_isochrones,
)
from tests.landreg.enrich._data import destinations_for, grid_roads

ACCESS_MS = 20 / 3.6


def _nx_graph(net):
    g = nx.DiGraph()
    for u, v, w, length in zip(net.edge_u, net.edge_v, net.edge_time_s, net.edge_length_m, strict=True):
        g.add_edge(int(u), int(v), weight=float(w), length=float(length))
    return g


def _line_roads(coords_list, speeds, oneway=None):
    data = {"speed_kmh": speeds}
    if oneway is not None:
        data["oneway"] = oneway
    return gpd.GeoDataFrame(data, geometry=[shapely.LineString(c) for c in coords_list], crs=STORAGE_CRS)


def test_graph_nodes_edges_and_costs():
    roads = _line_roads(
        [[(0, 0), (100, 0)], [(100.4, 0.3), (100, 300)], [(0, 0), (0, 50), (100, 50)]],
        [36.0, 72.0, 18.0],
        oneway=["no", "yes", None],
    )
    net = build_road_network(roads.set_geometry(roads.geometry.translate(560_000, 7_000_000)))
    assert net.n_nodes == 4  # (100.4, 0.3) snaps onto (100, 0) at 1 m
    assert len(net.edge_u) == 5  # link 1 one-way
    assert np.allclose(sorted(net.link_length_m), [100, 150, np.hypot(0.4, 299.7)])
    assert net.link_time_forward_s[0] == pytest.approx(10.0)  # 100 m at 10 m/s
    assert np.isnan(net.link_time_backward_s[1])
    assert net.summary.n_components == 2  # the one-way spur's end is not strongly connected
    assert net.summary.main_nodes == 3


def test_travel_times_equal_networkx_with_one_ways():
    roads = grid_roads(12, seed=3, oneway_share=0.25)
    net = build_road_network(roads)
    nodes = np.flatnonzero(net.main_node)
    # destinations placed exactly on nodes: the only added cost is the node itself
    picks = nodes[[0, len(nodes) // 2, len(nodes) - 1]]
    dest = gpd.GeoDataFrame(
        {"dest_id": ["a", "b", "c"], "kind": ["one", "many", "many"]},
        geometry=shapely.points(net.node_xy[picks]),
        crs=STORAGE_CRS,
    )
    targets = [AccessTarget("a", dest_ids=("a",)), AccessTarget("m", kinds=("many",))]
    times = route_to_targets(net, dest, targets=targets)
    rev = _nx_graph(net).reverse()
    ref_a = nx.single_source_dijkstra_path_length(rev, int(picks[0]), weight="weight")
    ref_b = nx.single_source_dijkstra_path_length(rev, int(picks[1]), weight="weight")
    ref_c = nx.single_source_dijkstra_path_length(rev, int(picks[2]), weight="weight")
    got_a = times.node_time_s[0, nodes]
    want_a = np.array([ref_a[int(x)] for x in nodes])
    want_m = np.array([min(ref_b[int(x)], ref_c[int(x)]) for x in nodes])
    assert np.allclose(got_a, want_a, atol=1e-6)
    assert np.allclose(times.node_time_s[1, nodes], want_m, atol=1e-6)
    # distance is that of the fastest path
    paths = nx.single_source_dijkstra_path(rev, int(picks[0]), weight="weight")
    g = _nx_graph(net)
    want_d = [sum(g[p[i + 1]][p[i]]["length"] for i in range(len(p) - 1)) for p in (paths[int(x)] for x in nodes)]
    assert np.allclose(times.node_distance_m[0, nodes], want_d, atol=1e-6)


def test_plot_access_equals_networkx_including_access_leg():
    roads = grid_roads(8, seed=5, oneway_share=0.2)
    net = build_road_network(roads)
    dest = destinations_for(roads)
    plots = gpd.GeoDataFrame(
        {"plot_id": ["p1", "p2"]},
        geometry=[
            shapely.box(566_200, 7_020_250, 566_240, 7_020_300),
            shapely.box(566_630, 7_020_700, 566_660, 7_020_780),
        ],
        crs=STORAGE_CRS,
    )
    got = compute_road_access(plots, net, dest)
    # reference: networkx on a graph with the plot and the destination inserted as nodes
    g = _nx_graph(net)
    from landreg.enrich import snap_to_network

    def insert(graph, name, geom, main_only, reverse):
        snap = snap_to_network(np.array([geom], dtype=object), net, main_only=main_only)
        link, t, leg = int(snap.link[0]), float(snap.fraction[0]), float(snap.distance_m[0])
        u, v = int(net.link_u[link]), int(net.link_v[link])
        tf, tb = net.link_time_forward_s[link], net.link_time_backward_s[link]
        mid = f"{name}_on_road"
        if reverse:
            graph.add_edge(mid, name, weight=leg / ACCESS_MS)
        else:
            graph.add_edge(name, mid, weight=leg / ACCESS_MS)
        pairs = []  # (from, to, weight) in driving direction
        if np.isfinite(tf):
            pairs += [(u, mid, t * tf), (mid, v, (1 - t) * tf)]
        if np.isfinite(tb):
            pairs += [(v, mid, (1 - t) * tb), (mid, u, t * tb)]
        for a, b, w in pairs:
            graph.add_edge(a, b, weight=w)

    for i, plot in enumerate(plots.geometry):
        for target, dest_id in (("airport", "airport_a"), ("city_centre", "city_centre")):
            h = g.copy()
            insert(h, "P", plot, False, False)
            insert(h, "D", dest.loc[dest.dest_id == dest_id].geometry.iloc[0], True, True)
            want = nx.shortest_path_length(h, "P", "D", weight="weight")
            assert got[f"{target}_travel_time_s"].iloc[i] == pytest.approx(want, abs=1e-6)
        h = g.copy()
        insert(h, "P", plot, False, False)
        for j, geom in enumerate(dest.loc[dest.kind == "motorway_junction"].geometry):
            insert(h, f"J{j}", geom, True, True)
            h.add_edge(f"J{j}", "J", weight=0.0)
        want = nx.shortest_path_length(h, "P", "J", weight="weight")
        assert got["motorway_junction_travel_time_s"].iloc[i] == pytest.approx(want, abs=1e-6)
    assert (got["access_status"] == "ok").all()


def test_snapping_to_middle_of_edge_splits_cost_proportionally():
    # one straight road 0..1000 m at 36 km/h (10 m/s); destination at its east end
    roads = _line_roads([[(560_000, 7_000_000), (561_000, 7_000_000)]], [36.0])
    net = build_road_network(roads)
    dest = gpd.GeoDataFrame(
        {"dest_id": ["d"], "kind": ["port"]}, geometry=[shapely.Point(561_000, 7_000_000)], crs=STORAGE_CRS
    )
    plot = gpd.GeoDataFrame(geometry=[shapely.box(560_390, 7_000_050, 560_410, 7_000_080)], crs=STORAGE_CRS)
    out = compute_road_access(plot, net, dest, targets=[AccessTarget("port", kinds=("port",))])
    # nearest boundary point (560 390..410, 7 000 050) -> 50 m access leg to x in [390, 410]; the tie picks one
    snap_x = 600.0  # 1000 - remaining distance, checked below
    assert out["snap_distance_m"].iloc[0] == pytest.approx(50.0)
    remaining = out["port_distance_m"].iloc[0] - 50.0
    snap_x = 561_000 - remaining - 560_000
    assert 390 <= snap_x <= 410
    assert out["port_travel_time_s"].iloc[0] == pytest.approx(50.0 / ACCESS_MS + remaining / 10.0)


def test_one_way_is_respected():
    # a square loop, one-way anticlockwise: going "back" one side means driving the other three
    c = [(560_000, 7_000_000), (561_000, 7_000_000), (561_000, 7_001_000), (560_000, 7_001_000)]
    roads = _line_roads([[c[0], c[1]], [c[1], c[2]], [c[2], c[3]], [c[3], c[0]]], [36.0] * 4, oneway=["yes"] * 4)
    net = build_road_network(roads)
    dest = gpd.GeoDataFrame({"dest_id": ["d"], "kind": ["x"]}, geometry=[shapely.Point(c[0])], crs=STORAGE_CRS)
    tip = shapely.Polygon([(560_999, 6_999_990), (560_990, 6_999_970), (561_008, 6_999_970)])
    plot = gpd.GeoDataFrame(geometry=[tip], crs=STORAGE_CRS)
    out = compute_road_access(plot, net, dest, targets=[AccessTarget("d", kinds=("x",))])
    # from (999, 0) to (0, 0): with the flow 1 + 1000 + 1000 + 1000 m, never the 999 m against it
    assert out["snap_distance_m"].iloc[0] == pytest.approx(10.0)
    assert out["d_distance_m"].iloc[0] == pytest.approx(10.0 + 3001.0)
    assert out["d_travel_time_s"].iloc[0] == pytest.approx(10.0 / ACCESS_MS + 300.1)
    two_way = build_road_network(roads.assign(oneway="no"))
    out2 = compute_road_access(plot, two_way, dest, targets=[AccessTarget("d", kinds=("x",))])
    assert out2["d_distance_m"].iloc[0] == pytest.approx(10.0 + 999.0)
    reverse = build_road_network(roads.assign(oneway="-1"))
    out3 = compute_road_access(plot, reverse, dest, targets=[AccessTarget("d", kinds=("x",))])
    assert out3["d_distance_m"].iloc[0] == pytest.approx(10.0 + 999.0)


def test_disconnected_plot_raises_or_is_flagged():
    roads = grid_roads(5, seed=1)
    island = _line_roads([[(580_000, 7_030_000), (580_500, 7_030_000)]], [50.0])
    net = build_road_network(
        gpd.GeoDataFrame(
            {"speed_kmh": [*roads["speed_kmh"], 50.0]}, geometry=[*roads.geometry, *island.geometry], crs=STORAGE_CRS
        )
    )
    assert net.summary.n_components == 2 and 0 < net.summary.main_node_share < 1
    dest = destinations_for(roads)
    plots = gpd.GeoDataFrame(
        {"plot_id": ["ok", "island", "remote"]},
        geometry=[
            shapely.box(566_000, 7_020_000, 566_030, 7_020_030),
            shapely.box(580_100, 7_030_010, 580_150, 7_030_050),
            shapely.box(556_000, 7_040_000, 556_030, 7_040_030),
        ],
        crs=STORAGE_CRS,
    )
    with pytest.raises(UnreachablePlotError, match="island") as info:
        compute_road_access(plots, net, dest)
    assert info.value.plot_ids == ["island", "remote"]
    assert info.value.reasons == ["disconnected", "too_far"]
    flagged = compute_road_access(plots, net, dest, on_unreachable="flag")
    assert flagged["access_status"].tolist() == ["ok", "disconnected", "too_far"]
    assert flagged.loc[1:, "airport_travel_time_s"].isna().all()
    assert flagged["airport_travel_time_s"].iloc[0] > 0


def test_ferry_gets_crossing_time_and_penalty():
    roads = gpd.GeoDataFrame(
        {"speed_kmh": [50.0, 15.0], "typeVeg": ["enkelBilveg", "bilferje"]},
        geometry=[
            shapely.LineString([(560_000, 7_000_000), (561_000, 7_000_000)]),
            shapely.LineString([(561_000, 7_000_000), (563_000, 7_000_000)]),
        ],
        crs=STORAGE_CRS,
    )
    net = build_road_network(roads, ferry_speed_kmh=20.0, ferry_penalty_s=900.0)
    assert net.link_time_forward_s[1] == pytest.approx(2000 / (20 / 3.6) + 900)
    assert net.link_ferry.tolist() == [False, True] and net.link_snappable.tolist() == [True, False]


def test_missing_speed_is_an_error_unless_defaulted():
    from landreg.errors import ConfigurationError

    roads = _line_roads([[(560_000, 7_000_000), (561_000, 7_000_000)]], [np.nan])
    with pytest.raises(ConfigurationError, match="speed_kmh"):
        build_road_network(roads)
    assert build_road_network(roads, default_speed_kmh=36).link_time_forward_s[0] == pytest.approx(100.0)


def test_isochrones_are_nested_and_contain_the_target():
    roads = grid_roads(10, seed=2)
    net = build_road_network(roads)
    dest = destinations_for(roads)
    iso = travel_time_isochrones(net, dest, target="city_centre", minutes=(1, 2, 4), buffer_m=50)
    assert iso["max_travel_time_s"].tolist() == [60, 120, 240]
    areas = iso.area.to_numpy()
    assert areas[0] > 0 and np.all(np.diff(areas) > 0)
    centre = dest.loc[dest.kind == "city_centre"].geometry.iloc[0]
    assert iso.geometry.iloc[0].contains(centre)
    assert iso.geometry.iloc[1].buffer(1e-6).contains(iso.geometry.iloc[0])
    # every node inside the 2-minute isochrone's road pieces was reachable in 2 minutes
    times = route_to_targets(net, dest)
    t = times.node_time_s[times.index("city_centre")]
    inside = shapely.contains_xy(iso.geometry.iloc[1], net.node_xy[:, 0], net.node_xy[:, 1])
    far = t > 120 + 50 / ACCESS_MS + 60  # clearly out of reach
    assert not np.any(inside & far)


def test_distance_to_road_classes_equals_shapely():
    roads = grid_roads(6, seed=4)
    plots = gpd.GeoDataFrame(
        geometry=[
            shapely.box(566_050, 7_020_050, 566_080, 7_020_090),
            shapely.box(567_500, 7_021_500, 567_520, 7_021_530),
        ],
        crs=STORAGE_CRS,
    )
    out = distance_to_road_classes(plots, roads)
    for i, g in enumerate(plots.geometry):
        e = roads[roads.vegkategori == "E"].distance(g).min()
        main = roads[roads.vegkategori.isin(["E", "R", "F"])].distance(g).min()
        assert out["e_road_distance_m"].iloc[i] == pytest.approx(e)
        assert out["main_road_distance_m"].iloc[i] == pytest.approx(main)


def test_planned_destinations_are_not_routed_to_unless_asked():
    roads = grid_roads(6, seed=2)
    net = build_road_network(roads)
    dest = destinations_for(roads)
    dest["status"] = np.where(dest["kind"] == "rail_freight_terminal", "planned", "existing")
    plots = gpd.GeoDataFrame(
        {"plot_id": ["p1"]}, geometry=[shapely.box(566_200, 7_020_250, 566_240, 7_020_300)], crs=STORAGE_CRS
    )
    got = compute_road_access(plots, net, dest)
    assert np.isnan(got["freight_terminal_travel_time_s"].iloc[0])  # not built yet: no time, never a guess
    assert np.isfinite(got["airport_travel_time_s"].iloc[0])
    planned = (AccessTarget("freight_terminal", kinds=("rail_freight_terminal",), include_planned=True),)
    times = route_to_targets(net, dest, targets=planned)
    assert np.isfinite(times.node_time_s).any()
