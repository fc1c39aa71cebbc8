"""Routing on the bundled layers: OpenStreetMap streets inside their coverage, N1000 outside, ferries joined."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import shapely
from scipy.sparse.csgraph import dijkstra

from landreg.enrich import build_road_network, load_enrich_inputs
from landreg.enrich.calibration import ReferenceDriveTime, compare_drive_times, resolve_place
from landreg.enrich.combine import combine_road_networks
from landreg.enrich.network import dangling_ferry_ends
from landreg.enrich.snapping import snap_to_network
from landreg.errors import ConfigurationError
from landreg.layers import load_layer
from tests.landreg.layers.conftest import LAYERS_DIR


@pytest.fixture(scope="module")
def roads():
    return load_enrich_inputs(LAYERS_DIR).roads


@pytest.fixture(scope="module")
def network(roads):
    return build_road_network(roads)


@pytest.fixture(scope="module")
def coverage():
    return load_layer("osm_coverage", layers_dir=LAYERS_DIR).union_all()


def _plots_inside(coverage):
    plots = load_layer("demo_plots", layers_dir=LAYERS_DIR)
    inside = plots[plots.within(coverage)]
    assert len(inside) >= 0.5 * len(plots)  # most business areas lie in the covered area
    return inside


def test_the_bundled_roads_are_streets_inside_the_coverage_and_n1000_outside(roads, coverage):
    assert set(roads["network"]) == {"regional", "streets", "connector"}
    streets = roads[roads["network"] == "streets"]
    assert streets.within(coverage.buffer(0.01)).all()
    regional = roads[(roads["network"] == "regional") & roads["typeVeg"].ne("bilferje")]
    assert not regional.intersects(coverage.buffer(-1.0)).any()  # N1000 only outside (cut at the edge)


def test_demo_plots_in_the_covered_area_snap_within_100_m(network, coverage):
    """Plots reach a street within tens of metres (on N1000 alone the median leg was about 1.6 km)."""
    inside = _plots_inside(coverage)
    snap = snap_to_network(inside.geometry.to_numpy(), network, main_only=True)
    assert np.median(snap.distance_m) < 100.0
    regional = build_road_network(load_layer("roads", layers_dir=LAYERS_DIR))
    before = snap_to_network(inside.geometry.to_numpy(), regional, main_only=True)
    assert np.median(before.distance_m) > 5 * np.median(snap.distance_m)


def test_the_enriched_demo_registry_stores_the_short_snaps(demo_registry_file, coverage):
    from landreg.enrich import enriched_plots
    from landreg.registry import open_registry

    reg = open_registry(demo_registry_file)
    try:
        plots = enriched_plots(reg)
    finally:
        reg.close()
    inside = plots[plots.within(coverage)]
    assert len(inside) and np.median(inside["snap_distance_m"]) < 100.0
    assert (plots["access_status"] == "ok").all()


def test_rissa_reaches_trondheim_within_90_minutes_over_the_flakk_rorvik_ferry(network, roads):
    trip = [ReferenceDriveTime("rissa", "placename:Rissa", "destination:city_centre", 60, 90, "", "")]
    row = compare_drive_times(trip, network, layers_dir=LAYERS_DIR).iloc[0]
    assert row["model_min"] < 90
    assert row["model_km"] < 70  # round the fjord by road it is about 190 km
    assert len(dangling_ferry_ends(roads)) == 0  # both quays join the streets
    without_ferries = build_road_network(roads[roads["typeVeg"].ne("bilferje")])
    around = compare_drive_times(trip, without_ferries, layers_dir=LAYERS_DIR).iloc[0]
    assert around["model_km"] > 150 and around["model_min"] > row["model_min"] + 30


def _path_nodes(network, a: int, b: int) -> list[int]:
    _, pred = dijkstra(network.graph, indices=[a], return_predecessors=True)
    path = [b]
    while path[-1] != a:
        assert pred[0, path[-1]] >= 0, "no route"
        path.append(int(pred[0, path[-1]]))
    return path[::-1]


def _node_at(network, point: shapely.Point) -> int:
    main = np.flatnonzero(network.main_node)
    return int(main[np.argmin(np.hypot(*(network.node_xy[main] - [point.x, point.y]).T))])


@pytest.mark.parametrize("outside", ["station:Støren", "station:Levanger", "placename:Rissa"])
def test_routes_across_the_coverage_edge_are_continuous_in_both_directions(network, roads, coverage, outside):
    far, centre = (resolve_place(p, layers_dir=LAYERS_DIR) for p in (outside, "destination:city_centre"))
    assert not coverage.contains(far) and coverage.contains(centre)
    a, b = _node_at(network, far), _node_at(network, centre)
    for path in (_path_nodes(network, a, b), _path_nodes(network, b, a)):
        # every step is a directed edge of the graph, so the route has no gap
        steps = np.array([network.graph[u, v] for u, v in itertools.pairwise(path)])
        assert (steps > 0).all()
        sources = set()
        for u, v in itertools.pairwise(path):
            edge = np.flatnonzero((network.edge_u == u) & (network.edge_v == v))[0]
            sources.add(roads["network"].iloc[network.link_road[network.edge_link[edge]]])
        assert {"regional", "streets", "connector"} <= sources


def test_every_n1000_road_leaving_the_coverage_is_joined_to_the_streets():
    regional, streets, cover = (load_layer(i, layers_dir=LAYERS_DIR) for i in ("roads", "osm_roads", "osm_coverage"))
    joins = combine_road_networks(regional, streets, coverage=cover).joins
    assert len(joins) >= 30
    assert joins["joined"].all()
    assert joins["distance_m"].max() <= 1_000.0
    # main roads find their own number on the other side
    numbered = joins[joins["road_ref"].fillna("").str.match(r"^(E|Rv|Fv)\d")]
    assert (numbered["by"] == "number").mean() > 0.9


def test_the_combined_roads_are_kept_per_process_but_handed_out_as_copies():
    first = load_enrich_inputs(LAYERS_DIR)
    assert {"roads", "osm_roads", "osm_coverage"} <= set(first.layer_versions)
    first.roads["speed_kmh"] = 1.0  # a caller changing its frame …
    again = load_enrich_inputs(LAYERS_DIR)
    assert (again.roads["speed_kmh"] > 1.0).mean() > 0.99  # … changes no one else's
    assert len(again.roads) == len(first.roads)


def test_without_a_coverage_layer_the_street_network_is_refused(tmp_path):
    text = (
        (LAYERS_DIR / "layers.toml")
        .read_text(encoding="utf-8")
        .replace('file = "', f'file = "{LAYERS_DIR.as_posix()}/')
    )
    text = text.replace('id = "osm_coverage"', 'id = "osm_coverage_renamed"')
    (tmp_path / "layers.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match="no coverage layer 'osm_coverage'"):
        load_enrich_inputs(tmp_path)
