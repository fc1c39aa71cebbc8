"""The in-process encoder against an independent decoder (mapbox-vector-tile): geometry, winding, properties."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import pytest
import shapely

from landreg.tiles.mvt import encode_layer


def _decode(data: bytes, name: str = "plots") -> list[dict]:
    return mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})[name]["features"]


def test_polygons_holes_multipolygons_and_points_decode_to_what_was_encoded():
    with_hole = shapely.Polygon([(0, 0), (50, 0), (50, 50), (0, 50)], [[(10, 10), (10, 20), (20, 20), (20, 10)]])
    shapes = [
        shapely.box(10, 10, 100, 200),
        with_hole,
        shapely.reverse(with_hole),  # wound the other way: the encoder rewinds it
        shapely.MultiPolygon([shapely.box(300, 300, 400, 400), shapely.box(500, 500, 600, 650)]),
        shapely.Point(5, 6),
        shapely.box(3000.2, 3000.2, 3000.4, 3000.4),  # collapses on the integer grid: left out
        None,
    ]
    features = _decode(encode_layer("plots", np.array(shapes, dtype=object), {"k": list(range(len(shapes)))}))
    got = {f["properties"]["k"]: shapely.geometry.shape(f["geometry"]) for f in features}
    assert sorted(got) == [0, 1, 2, 3, 4]
    for k, geom in got.items():
        assert geom.is_valid and shapely.equals(geom, shapes[k]), k
    assert got[1].area == got[2].area == 2500 - 100


def test_coordinates_are_rounded_and_repeated_points_dropped():
    ring = [(0.4, 0.4), (0.2, -0.3), (10.2, 0.1), (10, 9.8), (0, 10.4)]  # the first two round to one point
    (feature,) = _decode(encode_layer("plots", np.array([shapely.Polygon(ring)], dtype=object), {}))
    assert feature["geometry"]["coordinates"] == [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]


def test_property_types_and_missing_values():
    props = {
        "code": ["TOR-1", "TOR-2", None],
        "area_m2": [1500.5, np.nan, 2.0],
        "count": [3, 4, 5],
        "fees": [True, False, None],
        "name": ["Torgård", "Sveberg", "Tulluan"],
    }
    geoms = np.array([shapely.Point(1, 1), shapely.Point(2, 2), shapely.Point(3, 3)], dtype=object)
    features = _decode(encode_layer("plots", geoms, props))
    assert [f["properties"] for f in features] == [
        {"code": "TOR-1", "area_m2": 1500.5, "count": 3, "fees": True, "name": "Torgård"},
        {"code": "TOR-2", "count": 4, "fees": False, "name": "Sveberg"},
        {"area_m2": 2.0, "count": 5, "name": "Tulluan"},
    ]


def test_nothing_to_draw_is_an_empty_tile():
    flat = shapely.Polygon([(0, 0), (10, 0.3), (20, 0.1), (10, 0.4)])  # a line once rounded: no area
    shapes = np.array([None, shapely.box(1, 1, 1.2, 1.2), flat], dtype=object)
    assert encode_layer("plots", shapes, {"k": [1, 2, 3]}) == b""


@pytest.mark.parametrize("extent", [256, 4096])
def test_layer_name_and_extent(extent):
    data = encode_layer("business_areas", np.array([shapely.box(0, 0, 10, 10)], dtype=object), {}, extent=extent)
    layer = mapbox_vector_tile.decode(data)["business_areas"]
    assert layer["extent"] == extent and layer["version"] == 2
