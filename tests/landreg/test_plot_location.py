"""A plot's municipality and business area are the ones holding the largest part of its area."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from landreg.errors import InvalidGeometryError, LocationMismatchError
from landreg.plot_location import PlotLocation, locate_plot, located_fields

# Two municipalities side by side (EPSG:25832): Skaun west of x = 1000, Trondheim east of it.
MUNICIPALITIES = gpd.GeoDataFrame(
    {"kommunenummer": ["5029", "5001"]},
    geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
    crs=25832,
)
AREAS = gpd.GeoDataFrame({"area_id": ["buvika"]}, geometry=[shapely.box(800, 0, 1200, 500)], crs=25832)


def test_the_municipality_holding_most_of_the_plot_wins():
    plot = shapely.box(900, 100, 1200, 200)  # 100 m west of the border, 200 m east: 1/3 Skaun, 2/3 Trondheim
    where = locate_plot(plot, municipalities=MUNICIPALITIES, business_areas=AREAS)
    assert where.municipality_no == "5001" and where.municipality_share == pytest.approx(2 / 3)
    assert where.business_area_id == "buvika" and where.business_area_share == pytest.approx(1.0)


def test_a_layer_in_another_crs_is_reprojected():
    plot = shapely.box(500_000, 7_000_000, 500_100, 7_000_100)
    layer = gpd.GeoDataFrame(
        {"kommunenummer": ["5029"]}, geometry=[shapely.box(499_000, 6_999_000, 501_000, 7_001_000)], crs=25832
    ).to_crs("OGC:CRS84")
    where = locate_plot(plot, municipalities=layer)
    assert where.municipality_no == "5029" and where.municipality_share == pytest.approx(1.0, abs=1e-6)
    assert where.business_area_id is None


def test_fields_left_out_are_filled_in_and_given_ones_checked():
    where = PlotLocation("5001", 1.0, "buvika", 0.9)
    assert located_fields({}, where) == {
        "municipality_no": "5001",
        "municipality_name": None,
        "business_area_id": "buvika",
    }
    assert located_fields({"municipality_no": "Trondheim"}, where)["municipality_no"] == "5001"
    with pytest.raises(
        LocationMismatchError, match=r"'5029' does not match the ground.*5001 Trondheim - Tråante \(100%"
    ):
        located_fields({"municipality_no": "5029"}, where)
    with pytest.raises(LocationMismatchError, match=r"'sveberg' does not match.*'buvika' \(90%"):
        located_fields({"business_area_id": "sveberg"}, where)
    with pytest.raises(LocationMismatchError, match="lies in no business area"):
        located_fields({"business_area_id": "sveberg"}, PlotLocation("5001", 1.0, None, 0.0))
    with pytest.raises(LocationMismatchError, match="no municipality"):
        located_fields({}, PlotLocation(None, 0.0, None, 0.0))


@pytest.mark.parametrize(
    "geometry", [shapely.Point(500, 500), shapely.LineString([(0, 0), (10, 10)]), shapely.Polygon()]
)
def test_a_geometry_without_area_lies_nowhere(geometry):
    with pytest.raises(InvalidGeometryError, match="Polygon or MultiPolygon with an area"):
        locate_plot(geometry, municipalities=MUNICIPALITIES)


def test_a_self_crossing_ring_is_still_located():
    bowtie = shapely.Polygon([(1100, 100), (1300, 300), (1300, 100), (1100, 300), (1100, 100)])
    assert locate_plot(bowtie, municipalities=MUNICIPALITIES).municipality_no == "5001"
