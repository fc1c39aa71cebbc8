"""The bundled OpenStreetMap street network (``layers/osm_roads.gpkg``) and its coverage polygon."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from landreg.demo.osm_roads import COVERAGE_LONLAT, coverage_polygon, osm_roads, road_category
from landreg.layers import check_layers, load_layer
from landreg.layers.speeds import OSM_CAR_CLASSES, calibrated_osm_speeds_kmh

from .conftest import SOURCE_DIR

needs_sources = pytest.mark.skipif(not SOURCE_DIR.is_dir(), reason="source data folder not available")


@pytest.fixture(scope="module")
def streets(layers_dir):
    return load_layer("osm_roads", layers_dir=layers_dir)


def test_the_layers_are_declared_with_their_odbl_attribution(manifest):
    for layer_id in ("osm_roads", "osm_coverage"):
        spec = manifest.get(layer_id)
        assert spec.license == "ODbL 1.0" and spec.attribution == "© OpenStreetMap contributors"
        assert spec.synthetic is False and spec.file == "osm_roads.gpkg"
    assert "© OpenStreetMap contributors (ODbL 1.0)" in manifest.meta["attributions"]


def test_streets_are_car_links_inside_the_coverage_with_their_speeds(streets, layers_dir):
    coverage = load_layer("osm_coverage", layers_dir=layers_dir)
    assert len(coverage) == 1 and coverage.geometry.iloc[0].equals_exact(coverage_polygon(), 0.01)
    assert 50_000 < len(streets) < 70_000
    assert set(streets["highway"].str.removesuffix("_link")) == set(OSM_CAR_CLASSES)
    assert streets.within(coverage.geometry.iloc[0].buffer(0.01)).all()
    assert set(streets["oneway"]) <= {"yes", "-1", "no"} and set(streets["tunnel"].dropna()) == {"yes"}
    assert {"motorway_link", "trunk_link", "secondary_link"} <= set(streets["highway"])
    # speed_kmh is the documented rule applied to the committed geometry, nothing else
    built_up = load_layer("built_up", layers_dir=layers_dir)
    assert np.allclose(streets["speed_kmh"], calibrated_osm_speeds_kmh(streets, built_up=built_up), atol=0.02)


def test_numbered_roads_get_their_n1000_category(streets):
    refs = streets.set_index("ref")["vegkategori"]
    assert set(refs.loc["E 6"]) == {"E"} and set(refs.loc["715"]) == {"F"}
    assert road_category(None, "service", known={}) == "P" and road_category(None, "minor", known={}) == "K"
    assert road_category("6680", "tertiary", known={}) == "F"
    assert road_category("E 39;715", "trunk", known={715: "F"}) == "E"


def test_the_coverage_box_is_the_extract_box_in_storage_crs():
    poly = coverage_polygon()
    lon0, lat0, lon1, lat1 = COVERAGE_LONLAT
    back = gpd.GeoSeries([poly], crs="EPSG:25832").to_crs(4326).total_bounds
    assert back == pytest.approx([lon0, lat0, lon1, lat1], abs=1e-6)
    assert shapely.get_num_coordinates(poly) > 4 * 50  # the sides follow the projection


def test_layers_check_still_passes_and_finds_no_dangling_ferry_end(layers_dir):
    problems = check_layers(layers_dir)
    assert [p for p in problems if p.record in ("layer 'roads'", "layer 'osm_roads'", "layer 'osm_coverage'")] == []


@needs_sources
def test_the_layer_is_the_source_network_without_construction_barred_roads_and_ferries(streets, layers_dir):
    source = gpd.read_file(SOURCE_DIR / "osm_trondheim_region_2023.gpkg", layer="roads", engine="pyogrio")
    kept = source[source["class"].isin(OSM_CAR_CLASSES) & source["access"].fillna("").ne("no")]
    assert set(streets["osm_edge_id"]) <= set(kept["edge_id"])
    assert not set(streets["osm_edge_id"]) & set(source.loc[source["class"].str.endswith("_construction"), "edge_id"])
    # links are only cut at the coverage edge: nearly every kept source link is there
    assert len(set(streets["osm_edge_id"])) > 0.97 * len(kept)
    rebuilt = osm_roads(
        SOURCE_DIR,
        built_up=load_layer("built_up", layers_dir=layers_dir),
        n1000_roads=load_layer("roads", layers_dir=layers_dir),
    )
    assert len(rebuilt) == len(streets)
    assert np.allclose(rebuilt["speed_kmh"], streets["speed_kmh"], atol=0.02)


def test_the_manifest_prints_the_speed_tables_of_the_code(manifest):
    from landreg.layers.speeds import OSM_ROAD_SPEEDS_KMH, ROAD_SPEEDS_KMH

    assert manifest.meta["road_speed_kmh"] == ROAD_SPEEDS_KMH
    assert manifest.meta["osm_road_speed_kmh"] == {c: OSM_ROAD_SPEEDS_KMH[c] for c in OSM_CAR_CLASSES}
