"""A bbox in another CRS becomes a valid window in EPSG:25832, clipped to where that CRS is defined."""

from __future__ import annotations

import pytest
import shapely

from landreg.crs import REGION_EXTENT_25832
from landreg.errors import ValidationError
from landreg.registry import PlotQuery
from landreg.registry.query import bbox_to_storage


@pytest.mark.parametrize("crs", ["OGC:CRS84", "EPSG:4326"])
def test_a_world_box_covers_the_whole_region(crs):
    window = bbox_to_storage((-180, -90, 180, 90), bbox_crs=crs)
    assert window.is_valid and not window.is_empty
    assert window.contains(shapely.box(*REGION_EXTENT_25832))


def test_a_box_in_a_neighbouring_utm_zone_is_clipped_and_valid():
    window = bbox_to_storage((-5_000_000, -10_000_000, 5_000_000, 20_000_000), bbox_crs="EPSG:25833")
    assert window.is_valid and window.contains(shapely.box(*REGION_EXTENT_25832))


def test_a_small_box_keeps_its_shape():
    window = bbox_to_storage((10.3, 63.4, 10.5, 63.45), bbox_crs="OGC:CRS84")
    assert window.is_valid and 9e6 < window.area < 1.2e8


def test_a_box_outside_the_storage_crs_is_empty():
    assert bbox_to_storage((-120, 30, -100, 40), bbox_crs="OGC:CRS84").is_empty


@pytest.mark.parametrize("bbox", ["nan,63,10,64", "10,63,inf,64"])
def test_a_bbox_with_nan_or_infinity_is_refused(bbox):
    with pytest.raises(ValidationError, match="finite"):
        PlotQuery.build(bbox=bbox)
