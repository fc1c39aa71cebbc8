"""Plot queries built from loose input: names, bbox in another CRS, refused values, the region warning."""

from __future__ import annotations

import pytest
import shapely
from pyproj import Transformer

from landreg.crs import REGION_EXTENT_25832
from landreg.errors import ValidationError
from landreg.registry.query import PlotQuery, bbox_region_warning


def test_municipalities_by_name_become_numbers():
    query = PlotQuery.build(municipality_no="Trondheim, stjørdal,5001")
    assert query.municipality_no == ("5001", "5035")


def test_bbox_in_lon_lat_becomes_a_polygon_in_storage_crs():
    query = PlotQuery.build(bbox="10.30,63.38,10.45,63.44", bbox_crs="EPSG:4326")
    assert query.bbox is None and query.intersects is not None
    # Reference: the corners transformed by pyproj (lon, lat order) lie on the polygon's boundary.
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
    for lon, lat in [(10.30, 63.38), (10.45, 63.38), (10.45, 63.44), (10.30, 63.44)]:
        x, y = to_utm.transform(lon, lat)
        assert query.intersects.boundary.distance(shapely.Point(x, y)) < 0.01
    assert bbox_region_warning(query) is None
    same = PlotQuery.build(bbox="566000,7020000,570000,7024000", bbox_crs="EPSG:25832")
    assert same.bbox == (566000.0, 7020000.0, 570000.0, 7024000.0) and same.intersects is None


def test_a_bbox_outside_the_region_is_explained():
    lonlat = PlotQuery.build(bbox="10.3,63.4,10.5,63.45")
    assert "longitude/latitude" in bbox_region_warning(lonlat)
    far = PlotQuery.build(bbox=[100_000, 100_000, 200_000, 200_000])
    warning = bbox_region_warning(far)
    assert "outside the region" in warning and "longitude" not in warning
    assert ",".join(f"{v:.0f}" for v in REGION_EXTENT_25832) in warning


@pytest.mark.parametrize(
    ("kwargs", "field", "listed"),
    [
        ({"status": "open"}, "status", "available, reserved, sold, locked, planned"),
        ({"readiness": "ready"}, "readiness", "raw, zoned, serviced, build_ready"),
        ({"municipality_no": "Bergen"}, "municipality_no", "5001 Trondheim - Tråante"),
        ({"bbox": "1,2,x,4"}, "bbox", "four numbers"),
        ({"min_price_nok_m2": 900, "max_price_nok_m2": 100}, "max_price_nok_m2", "is below"),
    ],
)
def test_unknown_or_malformed_values_are_refused(kwargs, field, listed):
    with pytest.raises(ValidationError) as info:
        PlotQuery.build(**kwargs)
    (problem,) = info.value.problems
    assert problem.field == field and listed in problem.message
    assert "nothing was written" not in str(info.value) and "record" not in str(info.value).splitlines()[0]
