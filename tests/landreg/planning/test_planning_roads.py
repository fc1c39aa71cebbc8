"""Road projects from files: add, update, end and list; scenarios use them; bad input is refused clearly."""

from __future__ import annotations

import geopandas as gpd
import shapely

from landreg.registry import open_registry

from .conftest import EXAMPLES, LAYERS

ROAD = EXAMPLES / "buvika-link-road.geojson"


def test_add_update_end_and_scenario(demo_path, run):
    res = run("road", "add", ROAD, "--registry", demo_path)
    assert res.exit_code == 0, res.output
    assert "buvika_link" in res.output and "1.7 km" in res.output
    with open_registry(demo_path) as reg:
        stored = reg.get_road_project("buvika_link")
    expected = gpd.read_file(ROAD).to_crs(25832).geometry.iloc[0]
    assert stored.geometry.iloc[0].hausdorff_distance(expected) < 0.01
    assert (stored["status"].iloc[0], stored["speed_kmh"].iloc[0]) == ("idea", 50.0)

    res = run("scenario", "--list", "--registry", demo_path, "--layers", LAYERS)
    assert "road:buvika_link" in res.output
    res = run("scenario", "road:buvika_link", "--registry", demo_path, "--layers", LAYERS)
    assert res.exit_code == 0, res.output
    assert "road project buvika_link" in res.output and "buvika" in res.output

    res = run("road", "update", "buvika_link", "--status", "funded", "--year", "2030", "--registry", demo_path)
    assert res.exit_code == 0 and "funded" in res.output and "2030" in res.output
    res = run("road", "end", "buvika_link", "--registry", demo_path)
    assert res.exit_code == 0 and "cancelled" in res.output
    res = run("road", "list", "--registry", demo_path)
    assert "buvika_link" not in res.output and "torgard_access" in res.output
    res = run("road", "list", "--all", "--registry", demo_path)
    assert "buvika_link" in res.output and "cancelled" in res.output
    res = run("scenario", "road:buvika_link", "--registry", demo_path, "--layers", LAYERS)
    assert res.exit_code == 1 and "no road project 'buvika_link'" in res.output


def test_add_with_id_and_a_new_line(demo_path, run, tmp_path):
    res = run("road", "add", ROAD, "--id", "buvika_b", "--registry", demo_path)
    assert res.exit_code == 0, res.output
    line = gpd.read_file(ROAD).to_crs(25832).geometry.iloc[0]
    shorter = shapely.LineString(shapely.get_coordinates(line)[:2])
    path = tmp_path / "shorter.gpkg"
    gpd.GeoDataFrame(geometry=[shorter], crs=25832).to_file(path)
    res = run("road", "update", "buvika_b", "--file", path, "--registry", demo_path)
    assert res.exit_code == 0, res.output
    with open_registry(demo_path) as reg:
        assert abs(reg.get_road_project("buvika_b").geometry.iloc[0].length - shorter.length) < 0.01


def test_bad_road_files_are_refused(demo_path, run, tmp_path):
    res = run("road", "add", ROAD, "--registry", demo_path)
    res = run("road", "add", ROAD, "--registry", demo_path)
    assert res.exit_code == 1 and "already in the registry" in res.output
    frame = gpd.read_file(ROAD)
    fast = tmp_path / "fast.geojson"
    frame.assign(project_id="fast_road", speed_kmh=200.0, status="someday").to_file(fast)
    res = run("road", "add", fast, "--registry", demo_path)
    assert res.exit_code == 1
    assert "speed_kmh" in res.output and "130" in res.output and "status" in res.output
    assert "fast.geojson" in res.output and "Traceback" not in res.output
    wrong_crs = tmp_path / "wrong_crs.geojson"
    frame.assign(project_id="wrong_crs").set_crs(25832, allow_override=True).to_file(wrong_crs)
    res = run("road", "add", wrong_crs, "--registry", demo_path)
    assert res.exit_code == 1 and "outside the region" in res.output
    polygon = tmp_path / "polygon.geojson"
    poly = frame.to_crs(25832).assign(project_id="poly")
    poly.set_geometry(poly.geometry.buffer(20.0)).to_file(polygon)
    res = run("road", "add", polygon, "--registry", demo_path)
    assert res.exit_code == 1 and "LineString" in res.output and "Polygon" in res.output
    nameless = tmp_path / "nameless.geojson"
    gpd.GeoDataFrame(geometry=frame.geometry, crs=frame.crs).to_file(nameless)
    res = run("road", "add", nameless, "--registry", demo_path)
    assert res.exit_code == 1 and "project_id" in res.output and "name" in res.output
    res = run(
        "road", "add", nameless, "--id", "named", "--name", "Named road", "--speed-kmh", 40, "--registry", demo_path
    )
    assert res.exit_code == 0, res.output
    res = run("road", "update", "nope", "--status", "funded", "--registry", demo_path)
    assert res.exit_code == 1 and "no road project 'nope'" in res.output
    with open_registry(demo_path) as reg:
        ids = set(reg.load_road_projects(include_cancelled=True)["project_id"])
    assert ids == {"torgard_access", "sveberg_east_access", "buvika_link", "named"}
