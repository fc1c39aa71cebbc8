"""A road project can only shorten or keep a plot's travel times (every project, and all of them at once)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from landreg.crs import STORAGE_CRS
from landreg.enrich import AccessTarget, build_road_network, compute_road_access, route_to_targets
from landreg.enrich.inputs import load_enrich_inputs
from landreg.layers import load_layer
from landreg.scenarios.network import road_access, roads_with_projects, select_destinations
from tests.landreg.layers.conftest import LAYERS_DIR

X, Y = 560_000.0, 7_030_000.0


@pytest.fixture(scope="module")
def bundled():
    inputs = load_enrich_inputs(LAYERS_DIR)
    plots = load_layer("demo_plots", layers_dir=LAYERS_DIR)
    projects = load_layer("road_projects", layers_dir=LAYERS_DIR)
    destinations = select_destinations(inputs.destinations)
    base = road_access(plots, roads=inputs.roads, destinations=destinations)
    return inputs, plots, projects, destinations, base


def _project_sets(projects):
    ids = list(projects["project_id"])
    return [[pid] for pid in ids] + [ids]


@pytest.mark.parametrize("which", range(3))
def test_no_travel_time_grows_when_a_road_project_is_added(bundled, which):
    inputs, plots, projects, destinations, base = bundled
    chosen = _project_sets(projects)[which]
    roads = roads_with_projects(inputs.roads, projects=projects[projects["project_id"].isin(chosen)])
    after = road_access(plots, roads=roads, destinations=destinations)
    columns = [c for c in base.columns if c.endswith("_travel_time_s") and base[c].notna().any()]
    assert columns
    for col in columns:
        before, now = base[col].to_numpy(), after[col].to_numpy()
        assert np.array_equal(np.isnan(before), np.isnan(now)), col
        grew = np.flatnonzero(now > before + 1e-6)
        assert len(grew) == 0, (chosen, col, plots["plot_id"].to_numpy()[grew][:5], (now - before)[grew][:5])
    # and the projects do help someone
    assert (after["city_centre_travel_time_s"] < base["city_centre_travel_time_s"] - 1).any()


def test_a_nearer_dead_end_road_adds_an_access_and_takes_none_away():
    """A plot 300 m from a fast road gets a new spur 50 m away that leads the long way round."""
    fast = shapely.LineString([(X, Y), (X + 10_000, Y)])
    spur = shapely.LineString([(X + 10_000, Y), (X + 10_000, Y + 2_000), (X + 5_000, Y + 2_000), (X + 5_000, Y + 350)])
    roads = gpd.GeoDataFrame({"speed_kmh": [90.0]}, geometry=[fast], crs=STORAGE_CRS)
    with_spur = gpd.GeoDataFrame(
        {"speed_kmh": [90.0, 30.0], "road_project_id": [None, "spur"]}, geometry=[fast, spur], crs=STORAGE_CRS
    )
    plot = gpd.GeoDataFrame(
        {"plot_id": ["p"]}, geometry=[shapely.Point(X + 5_000, Y + 300).buffer(10)], crs=STORAGE_CRS
    )
    dest = gpd.GeoDataFrame(
        {"dest_id": ["c"], "kind": ["city_centre"], "status": ["existing"]},
        geometry=[shapely.Point(X, Y)],
        crs=STORAGE_CRS,
    )
    base = road_access(plot, roads=roads, destinations=dest)["city_centre_travel_time_s"].iloc[0]
    after = road_access(plot, roads=with_spur, destinations=dest)["city_centre_travel_time_s"].iloc[0]
    assert after <= base + 1e-9
    assert base == pytest.approx(290 / (20 / 3.6) + 5_000 / (90 / 3.6), rel=1e-3)
    # without the existing-roads option the spur steals the plot (nearest link) and the trip gets longer
    net = build_road_network(with_spur)
    times = route_to_targets(net, dest, targets=[AccessTarget("city_centre", kinds=("city_centre",))])
    nearest_only = compute_road_access(plot, net, times=times)["city_centre_travel_time_s"].iloc[0]
    assert nearest_only > base + 60


def test_a_road_project_beside_a_destination_does_not_take_its_access_away():
    """The port lies 300 m from the main road; a slow project spur passes 40 m from it and leads the long way."""
    fast = shapely.LineString([(X, Y), (X + 10_000, Y)])
    spur = shapely.LineString([(X, Y), (X, Y + 2_000), (X + 5_000, Y + 2_000), (X + 5_000, Y + 340)])
    roads = gpd.GeoDataFrame({"speed_kmh": [90.0]}, geometry=[fast], crs=STORAGE_CRS)
    with_spur = gpd.GeoDataFrame(
        {"speed_kmh": [90.0, 30.0], "road_project_id": [None, "spur"]}, geometry=[fast, spur], crs=STORAGE_CRS
    )
    port = gpd.GeoDataFrame(
        {"dest_id": ["port"], "kind": ["port"], "status": ["existing"]},
        geometry=[shapely.Point(X + 5_000, Y + 300)],
        crs=STORAGE_CRS,
    )
    plot = gpd.GeoDataFrame(
        {"plot_id": ["p"]}, geometry=[shapely.box(X + 9_900, Y - 100, X + 9_990, Y - 10)], crs=STORAGE_CRS
    )
    base = road_access(plot, roads=roads, destinations=port)["port_travel_time_s"].iloc[0]
    after = road_access(plot, roads=with_spur, destinations=port)["port_travel_time_s"].iloc[0]
    assert base == pytest.approx(10 / (20 / 3.6) + 5_000 / (90 / 3.6) + 300 / (20 / 3.6), rel=0.01)
    assert after <= base + 1e-9
    net = build_road_network(with_spur)  # nearest link only: the port hangs on the spur
    times = route_to_targets(net, port, targets=[AccessTarget("port", kinds=("port",))])
    assert compute_road_access(plot, net, times=times)["port_travel_time_s"].iloc[0] > base + 60
