"""GeoJSON geometries are read as sent (RFC 7946): nothing is closed, cast or guessed."""

from __future__ import annotations

import pytest
import shapely

from landreg.errors import InvalidGeometryError
from landreg.io.geojson import geometry_from_geojson

SQUARE = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]


def test_a_valid_polygon_and_multipolygon_are_read():
    assert geometry_from_geojson({"type": "Polygon", "coordinates": [SQUARE]}).area == 1.0
    multi = geometry_from_geojson(
        {"type": "MultiPolygon", "coordinates": [[SQUARE], [[[2, 2], [3, 2], [3, 3], [2, 2]]]]}
    )
    assert isinstance(multi, shapely.MultiPolygon) and len(multi.geoms) == 2


@pytest.mark.parametrize(
    ("geometry", "fragments"),
    [
        ({"type": "Polygon", "coordinates": [SQUARE[:-1]]}, ["coordinates[0]:", "not closed"]),
        ({"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE[:-1]]]}, ["coordinates[1][0]:", "not closed"]),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, ["at least 4 positions", "got 3"]),
        ({"type": "Polygon", "coordinates": [[["0", "0"], *SQUARE[1:]]]}, ["coordinates[0][0][0]", "a string '0'"]),
        ({"type": "Point", "coordinates": [True, 1]}, ["coordinates[0]", "a boolean"]),
        ({"type": "Point", "coordinates": [float("nan"), 1]}, ["finite"]),
        ({"type": "Point", "coordinates": [1]}, ["2 or 3 numbers"]),
        ({"type": "LineString", "coordinates": [[0, 0]]}, ["at least 2 positions"]),
        ({"type": "Polgon", "coordinates": [SQUARE]}, ["unknown geometry type 'Polgon'", "Polygon"]),
        ({"type": "Polygon", "coordinates": "0 0, 1 1"}, ["coordinates: expected an array, got a string"]),
        ({"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": ["1", 2]}]}, ["geometries[0]"]),
        ([[0, 0]], ["expected a GeoJSON geometry object, got an array"]),
    ],
)
def test_malformed_geometries_are_refused_with_the_place_named(geometry, fragments):
    with pytest.raises(InvalidGeometryError) as info:
        geometry_from_geojson(geometry)
    for fragment in fragments:
        assert fragment in str(info.value)
